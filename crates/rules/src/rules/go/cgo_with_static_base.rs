use super::toolchain::{
    cgo_setting, copy_sources, go_commands, is_alpine_tag, is_golang_image, is_within, join_path,
    workdir_at, CgoSetting, GoCommand, GoOutput,
};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, RunScript, SemanticModel};
use crate::registry::{Rule, Target};
use crate::rules::helpers::stages::{chain_indices, runs_in};
use plimsoll_parser::expand::Env;
use plimsoll_parser::shell::Command;
use plimsoll_parser::{Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a `go build` or `go install` whose binary is copied (`COPY --from`) into a
    /// stage on `scratch`, `gcr.io/distroless/static*` or `alpine`, while cgo is not
    /// disabled for the build (`CGO_ENABLED=0` is set neither by ENV or ARG, nor before the
    /// command, nor with `env` or `go env -w`).
    ///
    /// The build stage must be on the official `golang` image, whose Debian variants have a
    /// C compiler, so cgo is on by default. An Alpine `golang` builder has no C compiler
    /// unless the Dockerfile installs one (`gcc`, `build-base`); its binaries run on
    /// `alpine` (both use musl), so only `scratch` and distroless are reported for it.
    /// Builds linked statically (`-ldflags '-extldflags "-static"'`), built with the
    /// `netgo` tag, and `alpine` stages that install `gcompat` (or link the glibc loader to
    /// musl's) are not reported.
    ///
    /// ## Why
    /// With cgo on, the `net` and `os/user` packages, which nearly every server imports,
    /// link the binary dynamically against the C library of the build image. `scratch` and
    /// distroless `static` have no C library, and Alpine's musl is not the glibc the binary
    /// was linked with: the container then fails at start with the puzzling
    /// `exec /app: no such file or directory` (the missing file is the dynamic loader).
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /out/app ./cmd/app
    ///
    /// FROM scratch
    /// COPY --from=build /out/app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
    ///
    /// FROM scratch
    /// COPY --from=build /out/app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Fix
    /// When cgo is simply left at its default, prefixes the command with `CGO_ENABLED=0 `.
    /// The fix is safe: the binary built before could not start in the final image, and a
    /// pure-Go build is what such images are made for. A module that really needs cgo then
    /// fails to build instead of failing at run time. When `CGO_ENABLED` is set to another
    /// value, or the command runs through `sudo`, there is no fix.
    pub struct CgoWithStaticBase {
        code: "PL502",
        name: "cgo-with-static-base",
        category: Go,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

/// What C library the receiving image has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Runtime {
    /// `scratch`.
    Scratch,
    /// Distroless or Chainguard `static`.
    Static,
    /// Alpine (musl).
    Musl,
}

/// The binaries a build writes.
enum Output {
    /// This file.
    File(String),
    /// Files in this directory.
    Dir(String),
    /// Somewhere not known.
    Unknown,
}

struct Finding {
    run: usize,
    command: usize,
    receivers: Vec<(usize, Runtime)>,
    musl_builder: bool,
}

impl Rule for CgoWithStaticBase {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let mut findings: Vec<Finding> = Vec::new();
        for (leaf_index, leaf) in model.stages.iter().enumerate() {
            if model.is_used_by_later_stage(leaf_index) {
                continue;
            }
            let Some(runtime) = runtime_of(model.stages[leaf_index].root_base(model)) else {
                continue;
            };
            let chain = chain_indices(model, leaf.index);
            if runtime == Runtime::Scratch && !has_entrypoint(model, &chain) {
                // Likely an export stage (`--output`): the binary runs on the host.
                continue;
            }
            if runtime == Runtime::Musl
                && (installs(model, &chain, &["gcompat", "libc6-compat"])
                    || links_glibc_loader(model, &chain))
            {
                continue;
            }
            let root = *chain.last().unwrap_or(&leaf_index);
            for &index in &chain {
                for copy in &model.stages[index].copies_from {
                    let BaseImage::Stage(builder) = copy.source else {
                        continue;
                    };
                    let instruction = model.instruction(copy.instruction);
                    if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add) {
                        continue;
                    }
                    let sources: Vec<String> = copy_sources(instruction)
                        .0
                        .iter()
                        .filter_map(|s| model.expand_at(copy.instruction, s))
                        .map(|s| source_dir(&s))
                        .collect();
                    if sources.is_empty() {
                        continue;
                    }
                    check_builder(model, builder, &sources, runtime, root, &mut findings);
                }
            }
        }
        for finding in findings {
            report(checker, &finding);
        }
    }
}

/// A COPY source as a path in the builder, globs cut to their directory.
fn source_dir(source: &str) -> String {
    let cut = match source.find(['*', '?', '[']) {
        Some(at) => source[..at].rfind('/').map_or("", |slash| &source[..slash]),
        None => source,
    };
    join_path("/", cut)
}

fn runtime_of(base: &BaseImage) -> Option<Runtime> {
    match base {
        BaseImage::Scratch => Some(Runtime::Scratch),
        BaseImage::Image(image) => {
            let registry = image.registry.as_deref();
            if image.is_official("alpine") {
                Some(Runtime::Musl)
            } else if (registry == Some("gcr.io")
                && image.repository.starts_with("distroless/static"))
                || (registry == Some("cgr.dev") && image.repository == "chainguard/static")
            {
                Some(Runtime::Static)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn has_entrypoint(model: &SemanticModel, chain: &[usize]) -> bool {
    chain.iter().any(|&index| {
        model.stages[index].instructions.clone().any(|id| {
            matches!(
                model.instruction(id).keyword,
                Keyword::Entrypoint | Keyword::Cmd
            )
        })
    })
}

/// Whether a RUN of `chain` makes the glibc loader name point to musl's
/// (`ln -s /lib/libc.musl-x86_64.so.1 /lib64/ld-linux-x86-64.so.2`).
fn links_glibc_loader(model: &SemanticModel, chain: &[usize]) -> bool {
    runs_in(model, chain)
        .flat_map(|run| run.script.commands())
        .any(|command| {
            command.unwrapped().is("ln") && command.args.iter().any(|w| w.text.contains("ld-linux"))
        })
}

/// Whether a stage of `chain` installs one of `packages` with `apk add`.
fn installs(model: &SemanticModel, chain: &[usize], packages: &[&str]) -> bool {
    runs_in(model, chain)
        .flat_map(|run| run.script.commands())
        .any(|command| {
            let apk = command.unwrapped();
            apk.is("apk")
                && apk.args_after_subcommand("add").is_some_and(|args| {
                    args.iter()
                        .filter_map(|w| w.as_str())
                        .any(|p| packages.contains(&p))
                })
        })
}

fn check_builder(
    model: &SemanticModel,
    builder: usize,
    sources: &[String],
    runtime: Runtime,
    receiver: usize,
    findings: &mut Vec<Finding>,
) {
    let Some(stage) = model.stages.get(builder) else {
        return;
    };
    let BaseImage::Image(image) = stage.root_base(model) else {
        return;
    };
    if !is_golang_image(image) {
        return;
    }
    let tag = image.tag.as_deref();
    if tag.is_some_and(|t| t.contains("windowsservercore") || t.contains("nanoserver")) {
        return;
    }
    let chain = chain_indices(model, builder);
    let musl_builder = is_alpine_tag(tag);
    if musl_builder
        && (runtime == Runtime::Musl
            || !installs(model, &chain, &["gcc", "build-base", "alpine-sdk"]))
    {
        return;
    }
    for (run_index, run) in model.runs.iter().enumerate() {
        if !chain.contains(&run.stage) {
            continue;
        }
        for (command, go) in go_commands(run) {
            if !go.is_build() || builds_static(&go) || targets_other_os(model, run, command) {
                continue;
            }
            match cgo_setting(model, run, command) {
                CgoSetting::Unset => {}
                CgoSetting::Value(value) if value == "1" => {}
                _ => continue,
            }
            let output = output_of(model, run, command, &go);
            if !sources.iter().any(|s| copies(&output, s)) {
                continue;
            }
            let index = command.id.index();
            match findings
                .iter_mut()
                .find(|f| f.run == run_index && f.command == index)
            {
                Some(found) => {
                    if !found.receivers.iter().any(|(r, _)| *r == receiver) {
                        found.receivers.push((receiver, runtime));
                    }
                }
                None => findings.push(Finding {
                    run: run_index,
                    command: index,
                    receivers: vec![(receiver, runtime)],
                    musl_builder,
                }),
            }
        }
    }
}

/// Builds whose binary is static whatever cgo says, or that need cgo.
fn builds_static(go: &GoCommand<'_>) -> bool {
    let ldflags = go.flag_value("ldflags");
    if ldflags.is_some_and(|v| v.is_none_or(|v| v.contains("-static"))) {
        return true;
    }
    if go
        .flag_value("tags")
        .is_some_and(|v| v.is_none_or(|v| v.contains("netgo")))
    {
        return true;
    }
    if go
        .flag_value("buildmode")
        .is_some_and(|v| !matches!(v, Some("exe" | "default" | "pie")))
    {
        return true;
    }
    go.has_flag("race") || go.has_flag("msan") || go.has_flag("asan")
}

/// Whether the build targets another OS than Linux (`GOOS=windows`), or a GOOS not known.
fn targets_other_os(model: &SemanticModel, run: &RunScript, command: &Command) -> bool {
    let value = command
        .assignments
        .iter()
        .rev()
        .find(|a| a.name == "GOOS")
        .map(|a| a.value.value.clone())
        .or_else(|| {
            command
                .unwrapped()
                .wrapper_words()
                .iter()
                .rev()
                .find(|w| w.text.starts_with("GOOS="))
                .map(|w| {
                    w.as_str()
                        .and_then(|v| v.strip_prefix("GOOS="))
                        .map(str::to_string)
                })
        });
    match value {
        Some(Some(os)) => os != "linux",
        Some(None) => false,
        None => model
            .variables_at(run.instruction)
            .get("GOOS")
            .is_some_and(|os| os != "linux" && !os.is_empty()),
    }
}

fn output_of(
    model: &SemanticModel,
    run: &RunScript,
    command: &Command,
    go: &GoCommand<'_>,
) -> Output {
    let changes_dir = run
        .script
        .commands()
        .take_while(|c| c.id < command.id)
        .any(|c| c.is("cd") || c.is("pushd"))
        || go
            .invocation
            .args
            .first()
            .and_then(|w| w.as_str())
            .is_some_and(|w| w.starts_with("-C") || w.starts_with("--C"));
    let cwd = || {
        if changes_dir {
            None
        } else {
            workdir_at(model, run.stage, run.instruction, Some("/go"))
        }
    };
    match (go.subcommand, go.output()) {
        (_, GoOutput::Dynamic) => Output::Unknown,
        (_, GoOutput::Path(path)) => {
            let absolute = if path.starts_with('/') {
                Some(join_path("/", path))
            } else {
                cwd().map(|dir| join_path(&dir, path))
            };
            match absolute {
                Some(p) if path.ends_with('/') => Output::Dir(p),
                Some(p) => Output::File(p),
                None => Output::Unknown,
            }
        }
        ("install", GoOutput::Default) => {
            let env = model.variables_at(run.instruction);
            let dir = match (env.get("GOBIN"), env.get("GOPATH")) {
                (Some(bin), _) if bin.starts_with('/') => join_path("/", bin),
                (Some(_), _) => return Output::Unknown,
                (None, Some(path)) if path.starts_with('/') && !path.contains(':') => {
                    join_path(path, "bin")
                }
                (None, Some(_)) => return Output::Unknown,
                (None, None) => "/go/bin".to_string(),
            };
            Output::Dir(dir)
        }
        (_, GoOutput::Default) => cwd().map_or(Output::Unknown, Output::Dir),
    }
}

/// Whether copying `source` (a normalised path in the builder) takes the output.
fn copies(output: &Output, source: &str) -> bool {
    match output {
        Output::File(file) => is_within(file, source),
        Output::Dir(dir) => is_within(source, dir) || is_within(dir, source),
        Output::Unknown => !is_data(source),
    }
}

/// Paths that hold data, not binaries: certificates, time zones, configuration.
fn is_data(path: &str) -> bool {
    [
        "/etc",
        "/usr/share",
        "/usr/local/share",
        "/usr/lib",
        "/lib",
        "/var",
    ]
    .iter()
    .any(|dir| is_within(path, dir))
        || [
            ".crt", ".pem", ".json", ".yaml", ".yml", ".toml", ".conf", ".html", ".txt",
        ]
        .iter()
        .any(|ext| path.ends_with(ext))
}

fn report(checker: &mut Checker<'_>, finding: &Finding) {
    let model = checker.model;
    let Some(run) = model.runs.get(finding.run) else {
        return;
    };
    let Some(command) = run.script.commands().nth(finding.command) else {
        return;
    };
    let Some(go) = super::toolchain::go_command(command) else {
        return;
    };
    let setting = cgo_setting(model, run, command);
    let libc = if finding.musl_builder {
        "musl"
    } else {
        "glibc"
    };
    let what = match setting {
        CgoSetting::Value(_) => "with `CGO_ENABLED=1`",
        _ => "with cgo on (the default)",
    };
    let targets: Vec<String> = finding
        .receivers
        .iter()
        .map(|(index, runtime)| {
            let name = match runtime {
                Runtime::Scratch => "scratch".to_string(),
                _ => match &model.stages[*index].base {
                    BaseImage::Image(image) => image.text.clone(),
                    _ => "the base image".to_string(),
                },
            };
            format!("`{name}`")
        })
        .collect();
    let message = format!(
        "`go {}` runs {what}, so its binary is likely linked against {libc}, which {} does \
         not have: the container can fail to start; set `CGO_ENABLED=0`",
        go.subcommand,
        targets.join(" and ")
    );
    let fix = match setting {
        CgoSetting::Unset => prefix_fix(checker, command),
        _ => None,
    };
    let related: Vec<(TextRange, String)> = finding
        .receivers
        .iter()
        .map(|(index, runtime)| {
            let stage = &model.stages[*index];
            let note = match runtime {
                Runtime::Scratch => "the binary is copied into `scratch`, which has no C library",
                Runtime::Static => {
                    "the binary is copied into a `static` image, which has no C library"
                }
                Runtime::Musl => "the binary is copied into Alpine, whose C library is musl",
            };
            (stage.base_range, note.to_string())
        })
        .collect();
    let diagnostic = checker.report(command.range, message);
    for (range, note) in related {
        diagnostic.add_related(range, note);
    }
    if let Some(fix) = fix {
        diagnostic.set_fix(fix);
    }
}

/// `CGO_ENABLED=0 ` before the command, when it is run directly or through `env`.
fn prefix_fix(checker: &Checker<'_>, command: &Command) -> Option<Fix> {
    let name = command.name.as_ref()?;
    if !matches!(
        name.as_str(),
        Some("go" | "env" | "/usr/local/go/bin/go" | "/usr/bin/env")
    ) {
        return None;
    }
    let start = command
        .assignments
        .first()
        .map_or(name.range, |a| a.range)
        .start;
    if start != command.range.start || checker.text(name.range) != name.text {
        return None;
    }
    // `env A=1 go build` becomes `env CGO_ENABLED=0 A=1 go build`.
    // `env A=1 go build` becomes `env CGO_ENABLED=0 A=1 go build` (and `env -i …` clears
    // the environment: no fix).
    let at = if name.as_str().is_some_and(|n| n.ends_with("env")) {
        let first = command.args.first()?;
        if !first
            .as_str()
            .is_some_and(|a| a.contains('=') && !a.starts_with('-'))
        {
            return None;
        }
        first.range.start
    } else {
        command.range.start
    };
    Some(Fix::safe(
        "Prefix the build with `CGO_ENABLED=0`",
        vec![Edit::insert(at, "CGO_ENABLED=0 ")],
    ))
}
