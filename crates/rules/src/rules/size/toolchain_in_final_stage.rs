use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, ImageRef, InstructionId, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::commands::{
    command_lines, image_command, is_wrapper_entrypoint, ExecForm, PROMPTS,
};
use crate::rules::helpers::stages::{
    base_range, chain_instructions, is_dev_or_test, runs_in, stage_chain,
};
use plimsoll_parser::shell::{basename, Command};
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a final stage that ships a compiler toolchain with the program it runs:
    ///
    /// - its base image (directly, or through the stages it is built on) is an image whose
    ///   only purpose is building: the Docker Hub official images `golang`, `rust`, `gcc`,
    ///   `buildpack-deps`, `haskell`, `maven`, `gradle`, `swift` (except `-slim` tags) and
    ///   `microsoft/dotnet` `sdk` tags, and the .NET SDK images
    ///   (`mcr.microsoft.com/dotnet/sdk`, `mcr.microsoft.com/dotnet/core/sdk`), also through
    ///   a mirror (`…/library/golang`), and the program was built with it there (a `RUN`
    ///   compiles) or in another stage (the final stage copies `--from` one). A prebuilt
    ///   program copied from the context may need the toolchain at run time, so it is left
    ///   alone; or
    /// - it compiles the program itself (`go build`, `go install`, `cargo build`,
    ///   `cargo install`, `mvn package`, `gradle build`, `dotnet publish`, `javac`, … also
    ///   through `./mvnw` and `./gradlew`) and does not remove a toolchain it installed.
    ///   This covers JDK images (`openjdk`, `eclipse-temurin`, … with a `jdk` tag), which
    ///   are also a runtime: they are only reported when the final stage builds with them.
    ///
    /// Interpreter images (`node`, `python`, `ruby`, `php`, …) are not toolchains: their
    /// runtime is the interpreter. The rule only looks at images that run a program: the
    /// final stage has an `ENTRYPOINT` or `CMD` (also behind an entrypoint script or an
    /// init) that is not a prompt (`bash`, `python3`), an idle loop (`sleep infinity`), the
    /// toolchain itself (`go run`, `go test`, `cargo run`, `mvn spring-boot:run`,
    /// `dotnet watch`, `make`, `protoc`, live reloaders such as `air`), a script named for
    /// building or testing (`build.sh`, `run-tests.sh`, `go.bash`), or a `CMD` asking for
    /// `--help` or `version` (a command-line tool, which may drive the toolchain). It also
    /// skips images not meant to be shipped: a Dockerfile whose path, or final stage
    /// name, has a word such as `dev`, `debug`, `test`, `e2e`, `ci`, `hack`, `tools`,
    /// `builder` or `devcontainer`.
    ///
    /// ## Why
    /// A toolchain image is hundreds of megabytes (the `golang` image is over 800 MB, a
    /// static Go program often under 20 MB) of compilers, headers and caches the program
    /// never uses at run time, and each of them is something more to patch and to scan. A
    /// multi-stage build compiles in one stage and copies only the result into a small
    /// runtime image.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /bin/server .
    /// EXPOSE 8080
    /// ENTRYPOINT ["/bin/server"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /bin/server .
    ///
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=build /bin/server /bin/server
    /// EXPOSE 8080
    /// ENTRYPOINT ["/bin/server"]
    /// ```
    ///
    /// ## Fix
    /// For a Go build in a final stage based on `golang`, when it is exact: the stage runs
    /// one `go build -o PATH` with a static output path, and its exec-form
    /// `ENTRYPOINT`/`CMD` runs that path with plain arguments (no paths, no variables). The
    /// fix names the stage (`AS build` when it has no name), appends a stage
    /// `FROM gcr.io/distroless/static-debian12:nonroot` (when `CGO_ENABLED=0` is set; else
    /// `base-debian12:nonroot` or `base-debian13:nonroot`, matching a `bookworm` or
    /// `trixie` tag, and no fix when the tag names neither) that copies the binary, and
    /// moves `EXPOSE`, `ENTRYPOINT` and `CMD` into it. It is unsafe: only the binary is
    /// copied, so files the program reads at run time (templates, configuration) must be
    /// copied by hand, and the program then runs as non-root. No fix is offered when the
    /// stage sets anything else for run time (`USER`, `VOLUME`, `HEALTHCHECK`, an `ENV`
    /// other than Go build settings) or exposes a port below 1024.
    pub struct ToolchainInFinalStage {
        code: "PL301",
        name: "toolchain-in-final-stage",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

/// What the toolchain of a base image is, when the image is one, and whether the image is
/// only a toolchain (a JDK is also a runtime: it only counts when the stage builds with it).
fn toolchain_image(image: &ImageRef) -> Option<(&'static str, bool)> {
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let repository = image.repository.to_ascii_lowercase();
    if image.registry.as_deref() == Some("mcr.microsoft.com") {
        return match repository.as_str() {
            "dotnet/sdk" | "dotnet/core/sdk" => Some(("the .NET SDK", true)),
            _ => None,
        };
    }
    // Docker Hub official images, and their mirrors (`public.ecr.aws/docker/library/…`,
    // `mirror.gcr.io/library/…`).
    let name = match image.docker_hub_name() {
        Some(name) => name.to_ascii_lowercase(),
        None => {
            let path = repository
                .strip_prefix("docker/library/")
                .or_else(|| repository.strip_prefix("library/"))?;
            path.to_string()
        }
    };
    let toolchain = match name.as_str() {
        "golang" => "the Go toolchain",
        "rust" => "the Rust toolchain",
        "gcc" => "GCC",
        "buildpack-deps" => "compilers and development headers",
        "haskell" => "GHC",
        "maven" => "Maven and a JDK",
        "gradle" => "Gradle and a JDK",
        "swift" if !tag.contains("slim") => "the Swift toolchain",
        "microsoft/dotnet" if tag.contains("sdk") => "the .NET SDK",
        "openjdk" | "eclipse-temurin" | "ibm-semeru-runtimes" | "sapmachine"
            if tag.contains("jdk") =>
        {
            return Some(("a JDK", false));
        }
        _ => return None,
    };
    Some((toolchain, true))
}

/// Programs that show the image is not an application image when run as its command:
/// the toolchain itself.
const NOT_AN_APPLICATION: &[&str] = &[
    // Toolchains and build tools.
    "go",
    "gofmt",
    "cargo",
    "rustc",
    "rustup",
    "mvn",
    "mvnw",
    "gradle",
    "gradlew",
    "make",
    "cmake",
    "gcc",
    "g++",
    "cc",
    "clang",
    "ghc",
    "cabal",
    "stack",
    "swift",
    "javac",
    "sbt",
    "bazel",
    "bazelisk",
    "goreleaser",
    "golangci-lint",
    "dlv",
    // Live reloaders.
    "air",
    "reflex",
    "CompileDaemon",
    "gow",
    "watchexec",
    "cargo-watch",
    "nodemon",
    "fresh",
    // Code generators and checks.
    "protoc",
    "buf",
    "cmp",
    "diff",
];

/// Words of a script's name that show it builds, tests or drives a toolchain
/// (`go.ash`, `build.sh`, `run-tests.sh`, `mvn-entrypoint.sh`).
const TOOLING_SCRIPT_WORDS: &[&str] = &[
    "go", "cargo", "mvn", "gradle", "dotnet", "make", "build", "test", "tests", "lint", "runner",
    "generate", "compile", "dev", "develop",
];

/// Whether a command line is not an application: a prompt, an idle loop, the toolchain,
/// or a script that builds or tests.
fn is_tooling(line: &[String]) -> bool {
    let Some(program) = line.first().map(|p| basename(p)) else {
        return true;
    };
    let args = line.get(1..).unwrap_or(&[]);
    let script_words = program.contains('.')
        && program
            .split(['.', '-', '_'])
            .any(|w| TOOLING_SCRIPT_WORDS.contains(&w.to_ascii_lowercase().as_str()));
    let tooling_name = matches!(
        program,
        "build" | "test" | "tests" | "lint" | "runner" | "generate" | "compile"
    );
    if script_words || tooling_name {
        return true;
    }
    if matches!(program, "sh" | "bash" | "ash" | "dash") {
        // `sh build.sh`, `bash -e ./run-tests.sh`; a shell alone is a prompt.
        return match args.iter().find(|a| !a.starts_with('-')) {
            Some(script) => is_tooling(std::slice::from_ref(script)),
            None => true,
        };
    }
    if PROMPTS.contains(&program) {
        return args.iter().all(|a| a.starts_with('-'));
    }
    if NOT_AN_APPLICATION.contains(&program) {
        return true;
    }
    match program {
        "dotnet" => args
            .iter()
            .find(|a| !a.starts_with('-'))
            .is_none_or(|a| !a.ends_with(".dll")),
        "sleep" => args
            .iter()
            .any(|a| a == "infinity" || a.parse::<u64>().is_ok()),
        "tail" => args.iter().any(|a| a == "/dev/null"),
        _ => false,
    }
}

/// Whether CMD only asks a command-line tool for its help or version: the image is a tool
/// run by hand, not a service.
fn is_help(cmd: &Instruction) -> bool {
    let words: Vec<&str> = match &cmd.args {
        Arguments::Exec(words) => words.iter().map(|w| w.value.as_str()).collect(),
        Arguments::Text(word) => word.value.split_whitespace().collect(),
        _ => return false,
    };
    !words.is_empty()
        && words.iter().all(|w| {
            matches!(
                *w,
                "--help" | "-help" | "-h" | "help" | "version" | "--version"
            )
        })
}

/// Whether the image runs an application: its ENTRYPOINT (or the CMD it wraps) is not
/// tooling.
fn runs_application(instructions: &[&Instruction]) -> bool {
    let (entrypoint, cmd) = image_command(instructions);
    if cmd.is_some_and(is_help) {
        return false;
    }
    let cmd_lines = cmd
        .map(|cmd| command_lines(cmd, ExecForm::ThroughInit))
        .unwrap_or_default();
    let lines = match entrypoint {
        Some(entrypoint) => {
            let lines = command_lines(entrypoint, ExecForm::ThroughInit);
            if is_wrapper_entrypoint(&lines) {
                if cmd_lines.is_empty() {
                    lines
                } else {
                    cmd_lines
                }
            } else {
                lines
            }
        }
        None => cmd_lines,
    };
    !lines.is_empty() && !lines.iter().any(|l| is_tooling(l))
}

/// The build commands the rule knows: program, then subcommands that build.
fn build_command(command: &Command) -> Option<String> {
    let invocation = command.unwrapped();
    let program = invocation.program()?;
    let subcommand = invocation
        .args
        .iter()
        .find(|w| !w.is_flag())
        .and_then(|w| w.as_str())?;
    let builds = match program {
        "go" => matches!(subcommand, "build" | "install"),
        "cargo" => matches!(subcommand, "build" | "install"),
        "mvn" | "mvnw" => invocation
            .args
            .iter()
            .filter_map(|w| w.as_str())
            .any(|a| matches!(a, "package" | "install" | "verify")),
        "gradle" | "gradlew" => invocation.args.iter().filter_map(|w| w.as_str()).any(|a| {
            matches!(
                a,
                "build" | "assemble" | "bootJar" | "installDist" | "shadowJar" | "jar"
            )
        }),
        "dotnet" => matches!(subcommand, "publish" | "build"),
        "javac" => true,
        _ => false,
    };
    builds.then(|| {
        let shown = if matches!(program, "mvn" | "mvnw" | "gradle" | "gradlew" | "javac") {
            program.to_string()
        } else {
            format!("{program} {subcommand}")
        };
        shown
    })
}

/// Whether a command compiles something: a build command, or a compiler or build tool
/// run directly.
fn compiles(command: &Command) -> bool {
    if build_command(command).is_some() {
        return true;
    }
    let invocation = command.unwrapped();
    let first = invocation
        .args
        .iter()
        .find(|w| !w.is_flag())
        .and_then(|w| w.as_str());
    match invocation.program() {
        Some(
            "make" | "cmake" | "ninja" | "gcc" | "g++" | "cc" | "c++" | "clang" | "rustc" | "ghc"
            | "cabal" | "stack" | "meson",
        ) => true,
        Some("go") => matches!(first, Some("get" | "generate")),
        Some("swift") => first == Some("build"),
        Some("dotnet") => first == Some("restore"),
        _ => false,
    }
}

/// Whether a command removes a toolchain or build packages.
fn removes_toolchain(command: &Command) -> bool {
    let invocation = command.unwrapped();
    let Some(program) = invocation.program() else {
        return false;
    };
    let args: Vec<&str> = invocation.args.iter().filter_map(|w| w.as_str()).collect();
    match program {
        "apk" => args.first() == Some(&"del"),
        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper" | "tdnf" => args
            .iter()
            .any(|a| matches!(*a, "purge" | "remove" | "autoremove" | "erase" | "rm")),
        "rm" => args.iter().any(|a| {
            [
                "/usr/local/go",
                ".cargo",
                ".rustup",
                "dotnet",
                "maven",
                "gradle",
                "/go",
            ]
            .iter()
            .any(|t| a.contains(t))
        }),
        "rustup" => args.contains(&"uninstall"),
        _ => false,
    }
}

/// Words of a Dockerfile's path, or of its final stage's name, that mark an image built
/// as a developer tool, where a toolchain is expected, besides those of [`is_dev_or_test`].
const NOT_SHIPPED_WORDS: &[&str] = &["github", "tools", "lint"];

fn is_not_shipped(checker: &Checker<'_>, stage: &Stage) -> bool {
    let words = |text: &str| is_dev_or_test(text, NOT_SHIPPED_WORDS);
    checker
        .context
        .and_then(|c| c.dockerfile)
        .is_some_and(words)
        || stage.name.as_deref().is_some_and(words)
}

impl Rule for ToolchainInFinalStage {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        if is_not_shipped(checker, stage) {
            return;
        }
        let chain = stage_chain(model, stage);
        let instructions = chain_instructions(model, &chain);
        if !runs_application(&instructions) {
            return;
        }
        let range = base_range(model, stage);
        let stages: Vec<usize> = chain.iter().map(|s| s.index).collect();
        let runs: Vec<_> = runs_in(model, &stages).collect();
        // The toolchain is not needed at run time when the program was built with it, or
        // built in another stage: a prebuilt program on a toolchain image may drive it.
        let built_here = runs.iter().any(|r| r.script.commands().any(compiles))
            || stage
                .copies_from
                .iter()
                .any(|c| model.instruction(c.instruction).keyword.eq(&Keyword::Copy));
        if let BaseImage::Image(image) = stage.root_base(model) {
            if let Some((toolchain, true)) = toolchain_image(image).filter(|_| built_here) {
                let message = format!(
                    "The final stage runs on `{}`, which ships {toolchain}: build in an \
                     earlier stage and copy the result into a runtime image",
                    image.text
                );
                let fix = go_fix(checker, stage, image);
                let diagnostic = checker.report(range, message);
                if let Some(root) = chain.last().filter(|s| s.index != stage.index) {
                    diagnostic.add_related(
                        root.base_range,
                        format!("stage {} is based on it", root.display_name()),
                    );
                }
                if let Some(fix) = fix {
                    diagnostic.set_fix(fix);
                }
                return;
            }
        }
        // A final stage that compiles with a toolchain it installed itself.
        if runs
            .iter()
            .any(|r| r.script.commands().any(removes_toolchain))
        {
            return;
        }
        let build = runs.iter().find_map(|r| {
            r.script
                .commands()
                .find_map(|c| build_command(c).map(|name| (c.range, name)))
        });
        if let Some((command_range, name)) = build {
            checker
                .report(
                    command_range,
                    format!(
                        "The final stage compiles with `{name}` and keeps the toolchain in the \
                         image: build in an earlier stage and copy the result into a runtime \
                         image"
                    ),
                )
                .add_related(range, "the final stage starts here");
        }
    }
}

/// Go settings an ENV may carry in the build stage without the program needing them.
const GO_BUILD_ENV: &[&str] = &[
    "CGO_ENABLED",
    "GOOS",
    "GOARCH",
    "GOARM",
    "GOAMD64",
    "GOFLAGS",
    "GO111MODULE",
    "GOPROXY",
    "GOPRIVATE",
    "GONOSUMDB",
    "GONOPROXY",
    "GOSUMDB",
    "GOPATH",
    "GOBIN",
    "GOCACHE",
    "GOMODCACHE",
    "GOTOOLCHAIN",
    "GOWORK",
];

/// `path` resolved against the directory `dir`, when both are static.
fn resolve(dir: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        let path = path.strip_prefix("./").unwrap_or(path);
        format!("{}/{}", dir.trim_end_matches('/'), path)
    }
}

/// The Go binary fix described in the rule's documentation.
fn go_fix(checker: &Checker<'_>, stage: &Stage, image: &ImageRef) -> Option<Fix> {
    let model = checker.model;
    if !matches!(&stage.base, BaseImage::Image(base) if base.is_official("golang")) {
        return None;
    }
    let stage_name = match &stage.name {
        Some(name) => name.clone(),
        None if model
            .stages
            .iter()
            .any(|s| s.name.as_deref() == Some("build")) =>
        {
            return None
        }
        None => "build".to_string(),
    };
    // Walk the stage: WORKDIR, the go build, and what moves.
    let mut workdir = String::from("/");
    let mut binary: Option<String> = None;
    let mut cgo_disabled = stage
        .variables
        .iter()
        .any(|v| v.name == "CGO_ENABLED" && v.value.as_deref() == Some("0"));
    let mut moved: Vec<InstructionId> = Vec::new();
    let mut entrypoint: Option<(InstructionId, Vec<String>)> = None;
    let mut cmd: Option<(InstructionId, Vec<String>)> = None;
    for id in stage.instructions.clone().skip(1) {
        let instruction = model.instruction(id);
        match instruction.keyword {
            Keyword::Arg | Keyword::Label | Keyword::Copy | Keyword::Add => {}
            Keyword::Env => {
                let Arguments::KeyValues(pairs) = &instruction.args else {
                    return None;
                };
                if !pairs
                    .iter()
                    .all(|p| GO_BUILD_ENV.contains(&p.key.value.as_str()))
                {
                    return None;
                }
            }
            Keyword::Workdir => {
                let Arguments::Text(word) = &instruction.args else {
                    return None;
                };
                let dir = model.expand_at(id, &word.value)?;
                workdir = resolve(&workdir, &dir);
            }
            Keyword::Run => {
                for run in model.runs_of(id) {
                    let has_cd = run.script.commands().any(|c| c.is("cd"));
                    for command in run.script.commands() {
                        let invocation = command.unwrapped();
                        if !invocation.is("go")
                            || invocation
                                .args
                                .iter()
                                .find(|w| !w.is_flag())
                                .and_then(|w| w.as_str())
                                != Some("build")
                        {
                            continue;
                        }
                        if binary.is_some() {
                            return None;
                        }
                        let output = invocation.flag_value("-o")?;
                        if output.contains('$') || output.ends_with('/') {
                            return None;
                        }
                        if !output.starts_with('/') && has_cd {
                            return None;
                        }
                        binary = Some(resolve(&workdir, output));
                        if command
                            .assignments
                            .iter()
                            .any(|a| a.name == "CGO_ENABLED" && a.value.as_str() == Some("0"))
                            || instruction.original.contains("CGO_ENABLED=0")
                        {
                            cgo_disabled = true;
                        }
                    }
                }
            }
            Keyword::Expose => {
                let Arguments::List(words) = &instruction.args else {
                    return None;
                };
                for word in words {
                    let port = word.value.split(['/', '-']).next()?;
                    let port: u32 = port.parse().ok()?;
                    if port < 1024 {
                        return None;
                    }
                }
                moved.push(id);
            }
            Keyword::Entrypoint | Keyword::Cmd => {
                let Arguments::Exec(words) = &instruction.args else {
                    return None;
                };
                let values: Vec<String> = words.iter().map(|w| w.value.clone()).collect();
                if values.iter().any(|v| v.contains('$')) {
                    return None;
                }
                let resolved = values.first().map(|p| {
                    if p.contains('/') {
                        resolve(&workdir, p)
                    } else {
                        p.clone()
                    }
                });
                let entry = (
                    id,
                    resolved
                        .into_iter()
                        .chain(values.into_iter().skip(1))
                        .collect(),
                );
                if instruction.keyword == Keyword::Entrypoint {
                    entrypoint = Some(entry);
                } else {
                    cmd = Some(entry);
                }
                moved.push(id);
            }
            _ => return None,
        }
    }
    let binary = binary?;
    // The program run is the binary, with plain arguments.
    let program_instruction = match (&entrypoint, &cmd) {
        (Some((id, _)), _) | (None, Some((id, _))) => *id,
        (None, None) => return None,
    };
    let (program_words, args): (&[String], Vec<&String>) = match (&entrypoint, &cmd) {
        (Some((_, entry)), cmd) => (
            entry.as_slice(),
            entry
                .iter()
                .skip(1)
                .chain(cmd.iter().flat_map(|(_, c)| c.iter()))
                .collect(),
        ),
        (None, Some((_, cmd))) => (cmd.as_slice(), cmd.iter().skip(1).collect()),
        (None, None) => return None,
    };
    if program_words.first() != Some(&binary) {
        return None;
    }
    let plain = |arg: &&String| {
        !arg.contains('/')
            && !arg.contains('$')
            && !arg.rsplit_once('.').is_some_and(|(_, ext)| {
                (2..=4).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphabetic())
            })
    };
    if !args.iter().all(plain) {
        return None;
    }
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let runtime = if cgo_disabled {
        "gcr.io/distroless/static-debian12:nonroot"
    } else if tag.contains("bookworm") || tag.contains("bullseye") || tag.contains("buster") {
        "gcr.io/distroless/base-debian12:nonroot"
    } else if tag.contains("trixie") {
        "gcr.io/distroless/base-debian13:nonroot"
    } else {
        return None;
    };

    let lb = checker.line_break();
    let source = checker.source;
    let mut edits = Vec::new();
    if stage.name.is_none() {
        let from = model.instruction(stage.from);
        let Arguments::List(words) = &from.args else {
            return None;
        };
        if words.len() != 1 {
            return None;
        }
        edits.push(Edit::insert(words[0].range.end, " AS build"));
    }
    let mut moved_text = String::new();
    let mut ends_at_eof = false;
    for &id in &moved {
        let instruction = model.instruction(id);
        let start = checker.line_start(instruction.range.start);
        let head = source.get(start as usize..instruction.range.start as usize)?;
        if !head.trim().is_empty() {
            return None;
        }
        let end = checker.next_line_start(instruction.range.end);
        ends_at_eof |= end as usize == source.len();
        let text = checker.text(instruction.range);
        // The new stage has another WORKDIR: run the binary by its absolute path.
        let program = match &instruction.args {
            Arguments::Exec(words) if id == program_instruction => words.first(),
            _ => None,
        };
        match program.filter(|w| w.value != binary) {
            Some(word) => {
                let at = word.range.start.checked_sub(instruction.range.start)? as usize;
                let end = word.range.end.checked_sub(instruction.range.start)? as usize;
                moved_text.push_str(text.get(..at)?);
                moved_text.push_str(&format!("\"{binary}\""));
                moved_text.push_str(text.get(end..)?);
            }
            None => moved_text.push_str(text),
        }
        moved_text.push_str(lb);
        edits.push(Edit::delete(TextRange::new(start, end)));
    }
    let needs_break = !ends_at_eof && !source.ends_with('\n');
    let mut content = String::new();
    if needs_break {
        content.push_str(lb);
    }
    content.push_str(lb);
    content.push_str(&format!("FROM {runtime}{lb}"));
    content.push_str(&format!("COPY --from={stage_name} {binary} {binary}{lb}"));
    content.push_str(&moved_text);
    let end = u32::try_from(source.len()).ok()?;
    edits.push(Edit::insert(end, content));
    Some(Fix::unsafe_edit(
        format!("Move the program into a `{runtime}` stage"),
        edits,
    ))
}
