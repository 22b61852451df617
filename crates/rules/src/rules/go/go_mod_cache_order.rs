use super::toolchain::{
    base_workdir, copy_sources, go_commands, has_cache_mount_on, is_go_mod_pattern, join_path,
    mod_cache_dir, workdir_at, GoCommand,
};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{InstructionId, SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::mounts::expanded_mounts;
use crate::rules::helpers::paths::file_name;
use crate::rules::helpers::stages::chain_indices;
use plimsoll_parser::expand::Env;
use plimsoll_parser::shell::Command;
use plimsoll_parser::{Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a stage that copies the whole source tree (`COPY . .`) before its first `go`
    /// command (`go mod download`, `go build`, `go test`, `go install`) without first
    /// copying `go.mod` and `go.sum` alone and running `go mod download`.
    ///
    /// Not reported: a stage whose modules are downloaded earlier (in it or in a stage it
    /// is built on), through a bind mount of `go.mod`, or with a cache mount on the module
    /// cache; vendored modules (`-mod=vendor`, a `vendor/modules.txt` in the context); and
    /// stages that run no `go` command after the copy.
    ///
    /// ## Why
    /// A layer is rebuilt when any file it copies changes. After `COPY . .`, editing one
    /// source file invalidates everything below it, so every build downloads every module
    /// again. `go.mod` and `go.sum` change far less often: copied alone and followed by
    /// `go mod download`, they give a layer with the module cache that later builds reuse.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /out/app .
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY go.mod go.sum ./
    /// RUN go mod download
    /// COPY . .
    /// RUN go build -o /out/app .
    /// ```
    ///
    /// ## Fix
    /// Inserts `COPY go.mod go.sum ./` (only `go.mod` when the context has no `go.sum`) and
    /// `RUN go mod download` before the copy, into the same directory. The fix is unsafe:
    /// it adds a step to the build, which fails if the context has no `go.mod` there. When
    /// the copy's destination is not the working directory, there is no fix.
    pub struct GoModCacheOrder {
        code: "PL503",
        name: "go-mod-cache-order",
        category: Go,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

/// A COPY of the whole module.
struct WholeCopy {
    id: InstructionId,
    /// The source directory as written (`.`, `backend/`).
    source: String,
}

impl Rule for GoModCacheOrder {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let chain = chain_indices(model, stage.index);
        if chain
            .iter()
            .skip(1)
            .any(|&parent| prepares_modules(model, &model.stages[parent]))
        {
            return;
        }
        let mut go_mod_copy: Option<InstructionId> = None;
        let mut downloaded = false;
        let mut whole: Option<WholeCopy> = None;
        let mut first_go: Option<TextRange> = None;
        for id in stage.instructions.clone() {
            let instruction = model.instruction(id);
            match instruction.keyword {
                Keyword::Copy | Keyword::Add if whole.is_none() => {
                    if instruction.flag("from").is_some() {
                        continue;
                    }
                    let (sources, _) = copy_sources(instruction);
                    if sources.iter().any(|s| is_go_mod_pattern(file_name(s))) {
                        go_mod_copy = Some(id);
                    }
                    if let Some(source) = sources.iter().find(|s| is_whole_source(checker, s)) {
                        whole = Some(WholeCopy {
                            id,
                            source: source.to_string(),
                        });
                    }
                }
                Keyword::Run => {
                    if binds_go_mod(model, id, instruction) && whole.is_none() {
                        downloaded = true;
                    }
                    // Only asked about a `go` command that needs modules after the copy.
                    let uses_cache = || {
                        mod_cache_dir(model, stage.index, id).is_some_and(|dir| {
                            let workdir = workdir_at(
                                model,
                                stage.index,
                                id,
                                base_workdir(model, stage.index),
                            );
                            has_cache_mount_on(model, id, instruction, &dir, workdir.as_deref())
                        }) || mounts_module_cache(model, id, instruction)
                    };
                    for run in model.runs_of(id) {
                        for (command, go) in go_commands(run) {
                            if whole.is_none() {
                                // Anything that reads `go.mod` (`go mod download`, or
                                // `go install` of a dependency) fills the module cache.
                                if go_mod_copy.is_some() && needs_modules(&go) {
                                    downloaded = true;
                                }
                                continue;
                            }
                            if !needs_modules(&go) {
                                continue;
                            }
                            if uses_cache() || vendored(model, id, command, &go) {
                                return;
                            }
                            if first_go.is_none() {
                                first_go = Some(command.range);
                            }
                        }
                    }
                    if first_go.is_some() {
                        break;
                    }
                }
                _ => {}
            }
        }
        let (Some(whole), Some(first_go)) = (whole, first_go) else {
            return;
        };
        if downloaded {
            return;
        }
        let dir = module_dir(&whole.source);
        if let Some(view) = checker.context {
            if view.context.exists(&join(&dir, "vendor/modules.txt")) {
                return;
            }
            // Go sources without a `go.mod`: a GOPATH project, with no modules to download.
            if !view.context.exists(&join(&dir, "go.mod"))
                && view
                    .context
                    .list(&dir)
                    .iter()
                    .any(|e| !e.is_dir && e.name.ends_with(".go"))
            {
                return;
            }
        }
        let instruction = model.instruction(whole.id);
        let fix = fix(checker, stage, &whole, go_mod_copy, &dir);
        let written = checker
            .text(instruction.range)
            .lines()
            .next()
            .unwrap_or("")
            .trim();
        let advice = if go_mod_copy.is_some() {
            "run `go mod download` right after copying `go.mod`"
        } else {
            "copy `go.mod` and `go.sum` and run `go mod download` first"
        };
        let diagnostic = checker.report(
            instruction.range,
            format!(
                "`{written}` comes before the module download: any source change invalidates \
                 the layer and every module is downloaded again; {advice}"
            ),
        );
        diagnostic.add_related(first_go, "the first `go` command after the copy");
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

/// Whether `source` copies the whole module: `.`, or (with a context) a directory holding
/// the `go.mod`.
fn is_whole_source(checker: &Checker<'_>, source: &str) -> bool {
    if matches!(source, "." | "./" | "./.") {
        return true;
    }
    if source.contains(['$', '*', '?', '[']) || source.starts_with('/') || source.contains("..") {
        return false;
    }
    let Some(view) = checker.context else {
        return false;
    };
    let dir = module_dir(source);
    !dir.is_empty() && view.context.exists(&join(&dir, "go.mod"))
}

/// The context directory of a COPY source, `""` for the root.
fn module_dir(source: &str) -> String {
    let path = join_path("/", source);
    path.trim_start_matches('/').to_string()
}

fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

/// Whether the stage copies `go.mod` and downloads the modules, or bind-mounts `go.mod`.
fn prepares_modules(model: &SemanticModel, stage: &Stage) -> bool {
    let mut copied = false;
    for id in stage.instructions.clone() {
        let instruction = model.instruction(id);
        match instruction.keyword {
            Keyword::Copy | Keyword::Add if instruction.flag("from").is_none() => {
                let (sources, _) = copy_sources(instruction);
                copied |= sources.iter().any(|s| is_go_mod_pattern(file_name(s)));
            }
            Keyword::Run => {
                if binds_go_mod(model, id, instruction) {
                    return true;
                }
                if copied
                    && model
                        .runs_of(id)
                        .any(|run| go_commands(run).any(|(_, go)| needs_modules(&go)))
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether the RUN has a cache mount that looks like a Go module cache (`…/pkg/mod`,
/// `/go/pkg`, `/go`), for bases whose GOPATH is not known.
fn mounts_module_cache(
    model: &SemanticModel,
    id: InstructionId,
    instruction: &Instruction,
) -> bool {
    expanded_mounts(model, id, instruction).any(|mount| {
        mount.kind() == Some("cache")
            && mount.target().is_some_and(|t| {
                let t = t.trim_end_matches('/');
                t.ends_with("/pkg/mod") || t == "/go/pkg" || t == "/go"
            })
    })
}

/// `RUN --mount=type=bind,source=go.mod…`.
fn binds_go_mod(model: &SemanticModel, id: InstructionId, instruction: &Instruction) -> bool {
    expanded_mounts(model, id, instruction).any(|mount| {
        mount.kind().is_none_or(|kind| kind == "bind")
            && mount
                .source()
                .is_some_and(|source| matches!(file_name(source), "go.mod" | "go.sum"))
    })
}

/// Commands that fill the module cache from `go.mod`.
fn downloads(go: &GoCommand<'_>) -> bool {
    go.is_mod("download")
        || go.is_mod("tidy")
        || go.is_mod("verify")
        || go.is_mod("vendor")
        || go.is_mod("graph")
        || go.subcommand == "get"
        || (go.subcommand == "list" && go.has_flag("m"))
}

/// Commands that need the module's dependencies.
fn needs_modules(go: &GoCommand<'_>) -> bool {
    match go.subcommand {
        "build" | "test" | "vet" | "run" | "list" | "get" => true,
        // `go install tool@version` ignores the module.
        "install" => !go
            .args
            .iter()
            .any(|w| w.as_str().is_none_or(|v| v.contains('@'))),
        "mod" => downloads(go),
        _ => false,
    }
}

/// Builds that download no modules: `-mod=vendor` (flag or GOFLAGS), `GO111MODULE=off`.
fn vendored(
    model: &SemanticModel,
    id: InstructionId,
    command: &Command,
    go: &GoCommand<'_>,
) -> bool {
    let env = model.variables_at(id);
    let assigned = |name: &str| {
        command
            .assignments
            .iter()
            .rev()
            .find(|a| a.name == name)
            .and_then(|a| a.value.as_str())
            .or_else(|| env.get(name))
    };
    go.flag_value("mod") == Some(Some("vendor"))
        || assigned("GOFLAGS").is_some_and(|flags| flags.contains("-mod=vendor"))
        || assigned("GO111MODULE") == Some("off")
}

fn fix(
    checker: &Checker<'_>,
    stage: &Stage,
    whole: &WholeCopy,
    go_mod_copy: Option<InstructionId>,
    dir: &str,
) -> Option<Fix> {
    let model = checker.model;
    let instruction = model.instruction(whole.id);
    let (_, dest) = copy_sources(instruction);
    let dest = dest?;
    let base = base_workdir(model, stage.index);
    let workdir = workdir_at(model, stage.index, whole.id, base);
    if !goes_to_workdir(model, whole.id, dest, workdir.as_deref()) {
        return None;
    }
    let line_start = checker.line_start(instruction.range.start);
    let before = checker
        .source
        .get(line_start as usize..instruction.range.start as usize)?;
    if !before.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let indent = checker.indentation(instruction.range.start);
    let lb = checker.line_break();
    let mut text = String::new();
    match go_mod_copy {
        Some(copy) => {
            // `go.mod` is already there: it must be in the same directory.
            let (_, copy_dest) = copy_sources(model.instruction(copy));
            let copy_workdir = workdir_at(model, stage.index, copy, base);
            if copy_workdir != workdir
                || !goes_to_workdir(model, copy, copy_dest?, copy_workdir.as_deref())
            {
                return None;
            }
        }
        None => {
            let mut files = vec![join(dir, "go.mod")];
            match checker.context {
                Some(view) => {
                    if !view.is_sent(&files[0]) {
                        return None;
                    }
                    let sum = join(dir, "go.sum");
                    if view.is_sent(&sum) {
                        files.push(sum);
                    }
                }
                None => files.push(join(dir, "go.sum")),
            }
            let flags: Vec<&str> = instruction
                .flags
                .iter()
                .filter(|f| matches!(f.name.as_str(), "chown" | "chmod" | "link"))
                .map(|f| checker.text(f.range))
                .collect();
            if flags.iter().any(|f| f.contains('\n')) {
                return None;
            }
            let dest = if dest == "." {
                "./".to_string()
            } else if dest.ends_with('/') {
                dest.to_string()
            } else {
                format!("{dest}/")
            };
            text.push_str(indent);
            text.push_str("COPY ");
            for flag in flags {
                text.push_str(flag);
                text.push(' ');
            }
            text.push_str(&files.join(" "));
            text.push(' ');
            text.push_str(&dest);
            text.push_str(lb);
        }
    }
    text.push_str(indent);
    text.push_str("RUN go mod download");
    text.push_str(lb);
    let title = if go_mod_copy.is_some() {
        "Run `go mod download` before copying the sources".to_string()
    } else {
        "Copy `go.mod` and run `go mod download` before copying the sources".to_string()
    };
    Some(Fix::unsafe_edit(
        title,
        vec![Edit::insert(line_start, text)],
    ))
}

/// Whether a COPY destination is the working directory.
fn goes_to_workdir(
    model: &SemanticModel,
    id: InstructionId,
    dest: &str,
    workdir: Option<&str>,
) -> bool {
    if matches!(dest, "." | "./") {
        return true;
    }
    let Some(dest) = model.expand_at(id, dest) else {
        return false;
    };
    if dest.contains(['$', '*']) {
        return false;
    }
    match workdir {
        Some(workdir) => {
            let resolved = if dest.starts_with('/') {
                join_path("/", &dest)
            } else {
                join_path(workdir, &dest)
            };
            resolved == join_path("/", workdir)
        }
        None => false,
    }
}
