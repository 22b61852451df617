//! Go helpers shared by the Go rules: Go versions and `go.mod`, the `golang` image and its
//! tags, `go` commands and their output, and whether cgo is disabled for a build.

use crate::checker::Checker;
use crate::model::{
    BaseImage, ImageRef, InstructionId, RunScript, SemanticModel, Stage, WorkdirAfter,
};
use crate::rules::helpers::expansion::expand_word;
use crate::rules::helpers::mounts::expanded_mounts;
use crate::rules::helpers::stages::{chain_indices, runs_in};
use plimsoll_parser::expand::Env;
use plimsoll_parser::shell::{Command, Invocation, Word};
use plimsoll_parser::{Arguments, Instruction, Keyword};
use std::cmp::Ordering;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A Go version as written in `go.mod` or an image tag: `1`, `1.22`, `1.22.3`, `1.23rc1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoVersion {
    /// The major version (`1`).
    pub major: u32,
    /// The minor version, when written.
    pub minor: Option<u32>,
    /// The patch version, when written.
    pub patch: Option<u32>,
    /// A pre-release suffix (`rc1`, `beta2`).
    pub prerelease: Option<String>,
}

impl GoVersion {
    /// Parses `1.22.3`, `1.22`, `1`, `1.23rc1`; `None` for anything else.
    pub fn parse(text: &str) -> Option<GoVersion> {
        let (numbers, prerelease) = match text.find(|c: char| c.is_ascii_alphabetic()) {
            Some(at) => {
                let pre = &text[at..];
                let valid = ["rc", "beta", "alpha"].iter().any(|p| {
                    pre.strip_prefix(p)
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                });
                if !valid {
                    return None;
                }
                (&text[..at], Some(pre.to_string()))
            }
            None => (text, None),
        };
        let mut parts = numbers.split('.');
        let number = |part: Option<&str>| -> Option<Option<u32>> {
            match part {
                None => Some(None),
                Some(p)
                    if !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    p.parse().ok().map(Some)
                }
                Some(_) => None,
            }
        };
        let major = number(parts.next())??;
        let minor = number(parts.next())?;
        let patch = number(parts.next())?;
        if parts.next().is_some() || (minor.is_none() && patch.is_some()) {
            return None;
        }
        if prerelease.is_some() && (minor.is_none() || patch.is_some()) {
            return None;
        }
        Some(GoVersion {
            major,
            minor,
            patch,
            prerelease,
        })
    }

    /// Whether this names one release: `1.N.P`, or a pre-release `1.NrcM`.
    pub fn is_exact(&self) -> bool {
        self.minor.is_some() && (self.patch.is_some() || self.prerelease.is_some())
    }

    /// Whether this is a full release version `1.N.P`.
    pub fn is_full(&self) -> bool {
        self.minor.is_some() && self.patch.is_some() && self.prerelease.is_none()
    }

    /// Compares as the go command orders versions: `1.21` < `1.21rc1` < `1.21.0` <
    /// `1.21.1`. A version without a minor sorts first among its major.
    pub fn compare(&self, other: &GoVersion) -> Ordering {
        self.key().cmp(&other.key())
    }

    fn key(&self) -> (u32, u32, u8, u32, String) {
        let minor = self.minor.unwrap_or(0);
        match (&self.prerelease, self.patch) {
            (Some(pre), _) => (self.major, minor, 1, 0, pre.clone()),
            (None, Some(patch)) => (self.major, minor, 2, patch, String::new()),
            (None, None) => (self.major, minor, 0, 0, String::new()),
        }
    }
}

impl std::fmt::Display for GoVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.major)?;
        if let Some(minor) = self.minor {
            write!(f, ".{minor}")?;
        }
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        if let Some(pre) = &self.prerelease {
            f.write_str(pre)?;
        }
        Ok(())
    }
}

/// The `go` and `toolchain` lines of a `go.mod`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoMod {
    /// The `go` line: the minimum Go version of the module.
    pub go: Option<GoVersion>,
    /// The `toolchain` line (`toolchain go1.23.4`), unless it is `default`.
    pub toolchain: Option<GoVersion>,
}

impl GoMod {
    /// Reads the `go` and `toolchain` directives of a `go.mod` text.
    pub fn parse(text: &str) -> GoMod {
        let mut out = GoMod::default();
        for line in text.lines() {
            let line = line.split("//").next().unwrap_or("").trim();
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some("go"), Some(version), None) => out.go = GoVersion::parse(version),
                (Some("toolchain"), Some(name), None) => {
                    out.toolchain = name.strip_prefix("go").and_then(GoVersion::parse)
                }
                _ => {}
            }
        }
        out
    }

    /// The full release the module asks for: the `toolchain` line when it is `go1.N.P`, else
    /// the `go` line when it is `1.N.P`.
    pub fn wanted(&self) -> Option<&GoVersion> {
        self.toolchain
            .as_ref()
            .filter(|v| v.is_full())
            .or_else(|| self.go.as_ref().filter(|v| v.is_full()))
    }
}

/// A `go.mod` of the build context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleFile {
    /// Its path in the context (`go.mod`, `backend/go.mod`).
    pub path: String,
    /// What it says.
    pub go_mod: GoMod,
}

/// The `go.mod` the build uses: the one at the context root, else the one in the only
/// directory whose `go.mod` the Dockerfile copies (`COPY backend/go.mod …`). `None` without
/// a context or when there is none.
pub fn module_file(checker: &Checker<'_>) -> Option<ModuleFile> {
    let view = checker.context?;
    if let Some(text) = view.context.read("go.mod") {
        return Some(ModuleFile {
            path: "go.mod".to_string(),
            go_mod: GoMod::parse(&text),
        });
    }
    let mut dirs: Vec<String> = Vec::new();
    for instruction in &checker.model.file.instructions {
        if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
            || instruction.flag("from").is_some()
        {
            continue;
        }
        let (sources, _) = copy_sources(instruction);
        for source in sources {
            let source = source.trim_start_matches("./");
            let (dir, name) = match source.rsplit_once('/') {
                Some((dir, name)) => (dir.trim_start_matches('/'), name),
                None => ("", source),
            };
            if is_go_mod_pattern(name)
                && !dir.is_empty()
                && !dir.contains(['$', '*', '?', '['])
                && !dirs.iter().any(|d| d == dir)
            {
                dirs.push(dir.to_string());
            }
        }
    }
    match dirs.as_slice() {
        [dir] => {
            let path = format!("{dir}/go.mod");
            let text = view.context.read(&path)?;
            Some(ModuleFile {
                path,
                go_mod: GoMod::parse(&text),
            })
        }
        _ => None,
    }
}

/// Whether a COPY source's file name copies `go.mod`: `go.mod`, `go.*`, `go.mod*`, `*.mod`.
pub fn is_go_mod_pattern(name: &str) -> bool {
    name == "go.mod"
        || name == "*.mod"
        || (name.starts_with("go.") && name.contains(['*', '?', '[']) && {
            let rest = &name[3..];
            rest == "*" || rest.starts_with("mo") || rest.starts_with('*') || rest.starts_with('?')
        })
}

/// The sources and the destination of a COPY or ADD (shell or exec form); empty when the
/// instruction has a heredoc or fewer than two arguments.
pub fn copy_sources(instruction: &Instruction) -> (Vec<&str>, Option<&str>) {
    if !instruction.heredocs.is_empty() {
        return (Vec::new(), None);
    }
    let words = match &instruction.args {
        Arguments::List(words) | Arguments::Exec(words) => words,
        _ => return (Vec::new(), None),
    };
    match words.split_last() {
        Some((dest, sources)) if !sources.is_empty() => (
            sources.iter().map(|w| w.value.as_str()).collect(),
            Some(dest.value.as_str()),
        ),
        _ => (Vec::new(), None),
    }
}

/// Whether `image` is the official `golang` image (Docker Hub, or its ECR Public and
/// `mirror.gcr.io` mirrors, which have the same tags).
pub fn is_golang_image(image: &ImageRef) -> bool {
    if image.is_official("golang") {
        return true;
    }
    match image.registry.as_deref() {
        Some("public.ecr.aws") => image.repository == "docker/library/golang",
        Some("mirror.gcr.io") => matches!(image.repository.as_str(), "golang" | "library/golang"),
        _ => false,
    }
}

/// A `golang` tag split into its Go version and its variant: `1.22-alpine3.20` gives
/// (`1.22`, `-alpine3.20`), `alpine` gives (``, `alpine`), `latest` gives (``, ``).
pub fn split_golang_tag(tag: &str) -> (&str, &str) {
    if tag == "latest" {
        return ("", "");
    }
    if !tag.starts_with(|c: char| c.is_ascii_digit()) {
        return ("", tag);
    }
    match tag.find('-') {
        Some(at) => (&tag[..at], &tag[at..]),
        None => (tag, ""),
    }
}

/// The tag `tag` with its Go version replaced by `version`, keeping the variant:
/// `1.22-alpine3.20` → `1.23.4-alpine3.20`, `alpine` → `1.23.4-alpine`, `latest` →
/// `1.23.4`.
pub fn retag(tag: &str, version: &str) -> String {
    let (_, variant) = split_golang_tag(tag);
    if variant.is_empty() {
        version.to_string()
    } else if variant.starts_with('-') {
        format!("{version}{variant}")
    } else {
        format!("{version}-{variant}")
    }
}

/// Whether the `golang` tag is an Alpine (musl) variant.
pub fn is_alpine_tag(tag: Option<&str>) -> bool {
    tag.is_some_and(|t| split_golang_tag(t).1.contains("alpine"))
}

/// A `go` command: `go build …`, `go mod download`, possibly behind `env`, `sudo`, `go -C dir`.
#[derive(Clone, Copy, Debug)]
pub struct GoCommand<'a> {
    /// The `go` invocation (wrappers looked through).
    pub invocation: Invocation<'a>,
    /// The subcommand: `build`, `install`, `mod`, `run`, …
    pub subcommand: &'a str,
    /// The arguments after the subcommand.
    pub args: &'a [Word],
}

impl<'a> GoCommand<'a> {
    /// Whether this is `go build` or `go install`.
    pub fn is_build(&self) -> bool {
        matches!(self.subcommand, "build" | "install")
    }

    /// Whether this is `go mod <sub>`.
    pub fn is_mod(&self, sub: &str) -> bool {
        self.subcommand == "mod"
            && self
                .args
                .iter()
                .find(|w| !w.is_flag())
                .and_then(Word::as_str)
                == Some(sub)
    }

    /// The value of the Go flag `name` (without dashes): `-o x`, `-o=x`, `--o x`, `--o=x`.
    /// `Some(None)` when the flag is given with a dynamic value.
    pub fn flag_value(&self, name: &str) -> Option<Option<&'a str>> {
        let mut args = self.args.iter();
        while let Some(word) = args.next() {
            let Some(text) = word.as_str() else { continue };
            if text == "--" {
                break;
            }
            let Some(flag) = text.strip_prefix("--").or_else(|| text.strip_prefix('-')) else {
                continue;
            };
            if flag == name {
                return Some(args.next().and_then(Word::as_str));
            }
            if let Some(value) = flag.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                return Some(Some(value));
            }
        }
        None
    }

    /// Whether the boolean Go flag `name` (without dashes) is given (`-race`, `-race=true`).
    pub fn has_flag(&self, name: &str) -> bool {
        self.args.iter().filter_map(Word::as_str).any(|text| {
            let flag = text.strip_prefix("--").or_else(|| text.strip_prefix('-'));
            flag.is_some_and(|f| f == name || f == format!("{name}=true"))
        })
    }

    /// Where `go build -o` writes, as written.
    pub fn output(&self) -> GoOutput<'a> {
        match self.flag_value("o") {
            Some(Some(path)) => GoOutput::Path(path),
            Some(None) => GoOutput::Dynamic,
            None => GoOutput::Default,
        }
    }
}

/// The output of `go build`/`go install`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoOutput<'a> {
    /// `-o path`.
    Path(&'a str),
    /// `-o $VAR`.
    Dynamic,
    /// No `-o`: the current directory for `go build`, `$GOBIN` for `go install`.
    Default,
}

/// The `go` command `command` runs, if any.
pub fn go_command(command: &Command) -> Option<GoCommand<'_>> {
    let invocation = command.unwrapped();
    if !invocation.is("go") {
        return None;
    }
    let mut index = 0;
    // `go -C dir build`.
    while let Some(word) = invocation.args.get(index) {
        match word.as_str()? {
            "-C" | "--C" => index += 2,
            flag if flag.starts_with("-C=") || flag.starts_with("--C=") => index += 1,
            _ => break,
        }
    }
    let subcommand = invocation.args.get(index)?.as_str()?;
    if subcommand.starts_with('-') {
        return None;
    }
    Some(GoCommand {
        invocation,
        subcommand,
        args: invocation.args.get(index + 1..).unwrap_or(&[]),
    })
}

/// Every `go` command of a RUN script, with its command.
pub fn go_commands(run: &RunScript) -> impl Iterator<Item = (&Command, GoCommand<'_>)> + '_ {
    run.script
        .commands()
        .filter_map(|command| Some((command, go_command(command)?)))
}

/// How `CGO_ENABLED` is set for a `go` command, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CgoSetting {
    /// Not set anywhere the Dockerfile shows: the Go default applies.
    Unset,
    /// Set to this value (`0`, `1`).
    Value(String),
    /// Set to something not known statically (`CGO_ENABLED=$CGO`, `ARG CGO_ENABLED`
    /// without a default, `CGO_ENABLED=0` without `export`).
    Unknown,
}

/// The `CGO_ENABLED` in effect for `command` of `run`: an assignment before the command
/// (`CGO_ENABLED=0 go build`) or given to `env`, an `export` earlier in the script, ENV or
/// ARG of the stage, or `go env -w CGO_ENABLED=…` in an earlier RUN of the stage or its
/// parents (or earlier in the same script).
pub fn cgo_setting(model: &SemanticModel, run: &RunScript, command: &Command) -> CgoSetting {
    const NAME: &str = "CGO_ENABLED";
    // The command's own environment.
    if let Some(a) = command.assignments.iter().rev().find(|a| a.name == NAME) {
        return a
            .value
            .as_str()
            .map_or(CgoSetting::Unknown, |v| CgoSetting::Value(v.to_string()));
    }
    let invocation = command.unwrapped();
    for word in invocation.wrapper_words().iter().rev() {
        if let Some(text) = &word.value {
            if let Some(value) = text.strip_prefix("CGO_ENABLED=") {
                return CgoSetting::Value(value.to_string());
            }
        } else if word.text.starts_with("CGO_ENABLED=") {
            return CgoSetting::Unknown;
        }
    }
    if invocation.is_wrapped() && command.args.iter().any(|w| w.text.contains(NAME)) {
        return CgoSetting::Unknown;
    }
    // Earlier in the same script.
    for earlier in run
        .script
        .commands()
        .take_while(|c| c.id < command.id)
        .collect::<Vec<_>>()
        .iter()
        .rev()
    {
        if earlier.is("export") {
            for word in &earlier.args {
                if word.text.starts_with("CGO_ENABLED=") {
                    return word
                        .as_str()
                        .and_then(|v| v.strip_prefix("CGO_ENABLED="))
                        .map_or(CgoSetting::Unknown, |v| CgoSetting::Value(v.to_string()));
                }
            }
        }
        if earlier.name.is_none() && earlier.assignments.iter().any(|a| a.name == NAME) {
            // Not exported unless it already was: only `0` is taken at its word.
            return CgoSetting::Unknown;
        }
    }
    let env = model.scope_at(run.instruction);
    if let Some(value) = env.get(NAME) {
        return CgoSetting::Value(value.to_string());
    }
    if let Some(stage) = model.stages.get(run.stage) {
        if declares_without_value(stage, run.instruction, NAME) {
            return CgoSetting::Unknown;
        }
    }
    // `go env -w` writes the user's go env file, which the environment overrides.
    let chain = chain_indices(model, run.stage);
    let mut written = None;
    for other in runs_in(model, &chain) {
        if other.instruction > run.instruction {
            continue;
        }
        for earlier in other.script.commands() {
            if other.instruction == run.instruction && earlier.id >= command.id {
                break;
            }
            if let Some(go) = go_command(earlier).filter(|g| g.subcommand == "env") {
                if go.args.iter().any(|w| w.as_str() == Some("-w")) {
                    for word in go.args {
                        if let Some(value) =
                            word.as_str().and_then(|v| v.strip_prefix("CGO_ENABLED="))
                        {
                            written = Some(CgoSetting::Value(value.to_string()));
                        } else if word.value.is_none() && word.text.contains(NAME) {
                            written = Some(CgoSetting::Unknown);
                        }
                    }
                }
            }
        }
    }
    written.unwrap_or(CgoSetting::Unset)
}

/// Whether `stage` declares `ARG name` without a value before `id` (set at build time).
fn declares_without_value(stage: &Stage, id: InstructionId, name: &str) -> bool {
    stage
        .variables
        .iter()
        .take_while(|v| v.instruction < id)
        .filter(|v| v.name == name)
        .last()
        .is_some_and(|v| !v.is_env && v.value.is_none())
}

/// The WORKDIR in effect at instruction `id` of `stage` (following parent stages), when
/// every WORKDIR on the way is static; `default` (the base image's) when none is set.
///
/// Each WORKDIR's result is kept in the model, so that asking at every instruction of a
/// long stage costs one step per WORKDIR, not a walk through all the ones before it.
pub fn workdir_at(
    model: &SemanticModel,
    stage: usize,
    id: InstructionId,
    default: Option<&str>,
) -> Option<String> {
    // The WORKDIRs before `id` whose results are not kept yet, nearest first, and the
    // result of the one before them.
    let mut pending: Vec<InstructionId> = Vec::new();
    let mut start = WorkdirAfter::Known(default.map(str::to_string));
    'chain: for index in chain_indices(model, stage) {
        let stage = model.stages.get(index)?;
        let before = stage.instructions.start..stage.instructions.end.min(id);
        for &wid in model.ids_of(Keyword::Workdir, before).iter().rev() {
            if let Some(after) = kept_workdir(model, wid, default) {
                start = after;
                break 'chain;
            }
            pending.push(wid);
        }
    }
    let mut dir = start;
    for &wid in pending.iter().rev() {
        dir = workdir_after(model, wid, dir);
        let key = (wid, default.map(str::to_string));
        lock(&model.workdirs).insert(key, dir.clone());
    }
    match dir {
        WorkdirAfter::Known(dir) => dir,
        WorkdirAfter::Unknown => None,
    }
}

/// Paths longer than this are not followed: no file system takes them (`PATH_MAX`), and
/// following them through thousands of WORKDIRs would hold that many long strings.
const MAX_PATH_BYTES: usize = 4096;

/// The working directory after WORKDIR `wid`, from the one before it.
fn workdir_after(model: &SemanticModel, wid: InstructionId, before: WorkdirAfter) -> WorkdirAfter {
    let WorkdirAfter::Known(dir) = before else {
        return WorkdirAfter::Unknown;
    };
    let Arguments::Text(word) = &model.instruction(wid).args else {
        return WorkdirAfter::Unknown;
    };
    let Some(value) = expand_word(model, wid, &word.value) else {
        return WorkdirAfter::Unknown;
    };
    let after = match &dir {
        Some(dir) => Some(join_path(dir, &value)),
        None if value.starts_with('/') => Some(join_path("/", &value)),
        None => None,
    };
    match after {
        Some(path) if path.len() > MAX_PATH_BYTES => WorkdirAfter::Unknown,
        after => WorkdirAfter::Known(after),
    }
}

fn kept_workdir(
    model: &SemanticModel,
    wid: InstructionId,
    default: Option<&str>,
) -> Option<WorkdirAfter> {
    lock(&model.workdirs)
        .get(&(wid, default.map(str::to_string)))
        .cloned()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The default WORKDIR of a stage's base image, when known: `/go` for `golang`, `/` for
/// `scratch`.
pub fn base_workdir(model: &SemanticModel, stage: usize) -> Option<&'static str> {
    match model.stages.get(stage)?.root_base(model) {
        BaseImage::Scratch => Some("/"),
        BaseImage::Image(image) if is_golang_image(image) => Some("/go"),
        _ => None,
    }
}

/// Whether the stage's base is the official `golang` image (through parent stages).
pub fn is_golang_stage(model: &SemanticModel, stage: usize) -> bool {
    model
        .stages
        .get(stage)
        .is_some_and(|s| matches!(s.root_base(model), BaseImage::Image(i) if is_golang_image(i)))
}

/// Whether the stage is built on a Windows image (`golang:…-nanoserver…`,
/// `…-windowsservercore…`, `mcr.microsoft.com/windows/…`): Unix paths do not apply.
pub fn is_windows_stage(model: &SemanticModel, stage: usize) -> bool {
    model
        .stages
        .get(stage)
        .is_some_and(|s| match s.root_base(model) {
            BaseImage::Image(image) => {
                let tag = image.tag.as_deref().unwrap_or("");
                tag.contains("nanoserver")
                    || tag.contains("windowsservercore")
                    || tag.contains("ltsc")
                    || image.repository.contains("windows")
                    || image.repository.contains("nanoserver")
            }
            _ => false,
        })
}

/// Whether the user at instruction `id` is root: `USER root`/`USER 0`, or no USER in the
/// stage or its parents and an official (Docker Hub library) base image, which run as root.
pub fn is_root_at(model: &SemanticModel, stage: usize, id: InstructionId) -> bool {
    let mut user = None;
    for &index in chain_indices(model, stage).iter().rev() {
        let Some(s) = model.stages.get(index) else {
            return false;
        };
        let before = s.instructions.start..s.instructions.end.min(id);
        for &uid in model.ids_of(Keyword::User, before) {
            if let Arguments::Text(word) = &model.instruction(uid).args {
                user = Some(model.expand_at(uid, &word.value).unwrap_or_default());
            }
        }
    }
    match user {
        Some(user) => matches!(user.split(':').next(), Some("root" | "0")),
        None => model
            .stages
            .get(stage)
            .is_some_and(|s| match s.root_base(model) {
                BaseImage::Scratch => true,
                BaseImage::Image(image) => {
                    image.docker_hub_name().is_some_and(|n| !n.contains('/'))
                }
                _ => false,
            }),
    }
}

/// The module cache (`GOMODCACHE`) at instruction `id`: from GOMODCACHE or GOPATH, else
/// `/go/pkg/mod` on a `golang` base, else `$HOME/go/pkg/mod` (`/root/go/pkg/mod` for root).
pub fn mod_cache_dir(model: &SemanticModel, stage: usize, id: InstructionId) -> Option<String> {
    let env = model.scope_at(id);
    if let Some(dir) = env.get("GOMODCACHE") {
        return dir.starts_with('/').then(|| join_path("/", dir));
    }
    if let Some(path) = env.get("GOPATH") {
        let first = path.split(':').next().unwrap_or("");
        return first.starts_with('/').then(|| join_path(first, "pkg/mod"));
    }
    if is_golang_stage(model, stage) {
        return Some("/go/pkg/mod".to_string());
    }
    if let Some(home) = env.get("HOME") {
        return home.starts_with('/').then(|| join_path(home, "go/pkg/mod"));
    }
    is_root_at(model, stage, id).then(|| "/root/go/pkg/mod".to_string())
}

/// The build cache (`GOCACHE`) at instruction `id`: from GOCACHE, XDG_CACHE_HOME or HOME,
/// else `/root/.cache/go-build` when the user is root.
pub fn build_cache_dir(model: &SemanticModel, stage: usize, id: InstructionId) -> Option<String> {
    let env = model.scope_at(id);
    if let Some(dir) = env.get("GOCACHE") {
        return dir.starts_with('/').then(|| join_path("/", dir));
    }
    if let Some(dir) = env.get("XDG_CACHE_HOME") {
        return dir.starts_with('/').then(|| join_path(dir, "go-build"));
    }
    if let Some(dir) = env.get("HOME") {
        return dir
            .starts_with('/')
            .then(|| join_path(dir, ".cache/go-build"));
    }
    is_root_at(model, stage, id).then(|| "/root/.cache/go-build".to_string())
}

/// Whether the RUN has a cache mount whose target is `dir` or a parent of it (a relative
/// target is taken against `workdir` when known).
pub fn has_cache_mount_on(
    model: &SemanticModel,
    id: InstructionId,
    instruction: &Instruction,
    dir: &str,
    workdir: Option<&str>,
) -> bool {
    expanded_mounts(model, id, instruction).any(|mount| {
        let is_cache = mount.kind() == Some("cache");
        let Some(target) = mount.target() else {
            return false;
        };
        let target = if target.starts_with('/') {
            join_path("/", target)
        } else {
            match workdir {
                Some(w) => join_path(w, target),
                None => return false,
            }
        };
        is_cache && is_within(dir, &target)
    })
}

/// `path` resolved against `dir` and normalised (`.`/`..` removed, no trailing slash).
pub fn join_path(dir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether `path` is `dir` or inside it (both normalised).
pub fn is_within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_parser::shell::ShellScript;

    fn v(text: &str) -> GoVersion {
        GoVersion::parse(text).unwrap()
    }

    #[test]
    fn versions_parse_and_order() {
        assert!(v("1.22.3").is_full());
        assert!(!v("1.22").is_full());
        assert!(!v("1").is_full());
        assert!(v("1.23rc1").is_exact() && !v("1.23rc1").is_full());
        assert_eq!(GoVersion::parse("1.22.x"), None);
        assert_eq!(GoVersion::parse("alpine"), None);
        assert_eq!(GoVersion::parse(""), None);
        assert_eq!(GoVersion::parse("1..2"), None);
        assert_eq!(GoVersion::parse("1.22.3.4"), None);
        assert_eq!(GoVersion::parse("1.22foo1"), None);
        assert_eq!(v("1.21.5").compare(&v("1.22")), Ordering::Less);
        assert_eq!(v("1.22").compare(&v("1.22rc1")), Ordering::Less);
        assert_eq!(v("1.22rc1").compare(&v("1.22.0")), Ordering::Less);
        assert_eq!(v("1.22.10").compare(&v("1.22.9")), Ordering::Greater);
        assert_eq!(v("1.23.4").to_string(), "1.23.4");
    }

    #[test]
    fn go_mod_lines() {
        let m = GoMod::parse("module x\n\ngo 1.22.1 // comment\ntoolchain go1.23.4\n\nrequire (\n\tgo.uber.org/zap v1\n)\n");
        assert_eq!(m.go, Some(v("1.22.1")));
        assert_eq!(m.wanted(), Some(&v("1.23.4")));
        let m = GoMod::parse("module x\ngo 1.22\n");
        assert_eq!(m.wanted(), None);
        let m = GoMod::parse("module x\ngo 1.22.0\ntoolchain default\n");
        assert_eq!(m.wanted(), Some(&v("1.22.0")));
    }

    #[test]
    fn tags_split_and_retag() {
        assert_eq!(split_golang_tag("1.22-alpine3.20"), ("1.22", "-alpine3.20"));
        assert_eq!(split_golang_tag("alpine"), ("", "alpine"));
        assert_eq!(split_golang_tag("latest"), ("", ""));
        assert_eq!(retag("1.22-alpine3.20", "1.23.4"), "1.23.4-alpine3.20");
        assert_eq!(retag("alpine", "1.23.4"), "1.23.4-alpine");
        assert_eq!(retag("latest", "1.23.4"), "1.23.4");
        assert_eq!(retag("1", "1.23.4"), "1.23.4");
        assert!(is_alpine_tag(Some("1.22-alpine")));
        assert!(!is_alpine_tag(Some("1.22-bookworm")));
        assert!(is_go_mod_pattern("go.*"));
        assert!(is_go_mod_pattern("go.mod"));
        assert!(!is_go_mod_pattern("go.sum"));
    }

    #[test]
    fn golang_images() {
        let r = |t: &str| ImageRef::parse(t, Default::default());
        assert!(is_golang_image(&r("golang:1.22")));
        assert!(is_golang_image(&r("docker.io/library/golang")));
        assert!(is_golang_image(&r(
            "public.ecr.aws/docker/library/golang:1.22"
        )));
        assert!(!is_golang_image(&r("golang/buildlet-stage0")));
        assert!(!is_golang_image(&r("gcr.io/foo/golang:1.22")));
    }

    #[test]
    fn go_commands_and_outputs() {
        let s = ShellScript::parse_text(
            "CGO_ENABLED=0 go build -o=/out/app ./cmd && sudo go -C src install ./... && go mod download -x && go build -work .",
        );
        let gos: Vec<_> = s.commands().filter_map(go_command).collect();
        assert_eq!(gos.len(), 4);
        assert_eq!(gos[0].output(), GoOutput::Path("/out/app"));
        assert!(gos[0].is_build());
        assert_eq!(gos[1].subcommand, "install");
        assert_eq!(gos[1].output(), GoOutput::Default);
        assert!(gos[2].is_mod("download"));
        assert_eq!(gos[3].output(), GoOutput::Default);
        let s = ShellScript::parse_text("go build -o \"$OUT\" .");
        let go = s.commands().find_map(go_command).unwrap();
        assert_eq!(go.output(), GoOutput::Dynamic);
    }

    fn setting(text: &str) -> CgoSetting {
        let model = SemanticModel::new(plimsoll_parser::parse(text));
        let run = model.runs.last().unwrap();
        let command = run
            .script
            .commands()
            .rfind(|c| go_command(c).is_some_and(|g| g.is_build()))
            .unwrap();
        cgo_setting(&model, run, command)
    }

    #[test]
    fn cgo_settings() {
        let zero = CgoSetting::Value("0".into());
        assert_eq!(setting("FROM golang\nRUN go build .\n"), CgoSetting::Unset);
        assert_eq!(setting("FROM golang\nRUN CGO_ENABLED=0 go build .\n"), zero);
        assert_eq!(
            setting("FROM golang\nRUN env GOOS=linux CGO_ENABLED=0 go build .\n"),
            zero
        );
        assert_eq!(
            setting("FROM golang\nENV CGO_ENABLED=0\nRUN go build .\n"),
            zero
        );
        assert_eq!(
            setting("FROM golang\nARG CGO_ENABLED=0\nRUN go build .\n"),
            zero
        );
        assert_eq!(
            setting("FROM golang\nARG CGO_ENABLED\nRUN go build .\n"),
            CgoSetting::Unknown
        );
        assert_eq!(
            setting("FROM golang AS a\nENV CGO_ENABLED=0\nFROM a\nRUN go build .\n"),
            zero
        );
        assert_eq!(
            setting("FROM golang\nRUN export CGO_ENABLED=0 && go build .\n"),
            zero
        );
        assert_eq!(
            setting("FROM golang\nRUN go env -w CGO_ENABLED=0\nRUN go build .\n"),
            zero
        );
        assert_eq!(
            setting("FROM golang\nRUN go env -w CGO_ENABLED=0 && go build .\n"),
            zero
        );
        assert_eq!(
            setting("FROM golang\nRUN CGO_ENABLED=$C go build .\n"),
            CgoSetting::Unknown
        );
        assert_eq!(
            setting("FROM golang\nRUN CGO_ENABLED=1 go build .\n"),
            CgoSetting::Value("1".into())
        );
        assert_eq!(
            setting("FROM golang\nENV CGO_ENABLED=0\nRUN CGO_ENABLED=1 go build .\n"),
            CgoSetting::Value("1".into())
        );
    }

    #[test]
    fn paths() {
        assert_eq!(join_path("/go", "src/../bin/"), "/go/bin");
        assert_eq!(join_path("/go", "/out"), "/out");
        assert!(is_within("/go/bin/app", "/go/bin"));
        assert!(!is_within("/go/binary", "/go/bin"));
        let model = SemanticModel::new(plimsoll_parser::parse(
            "FROM golang AS a\nWORKDIR /src\nFROM a\nWORKDIR app\nRUN go build\n",
        ));
        assert_eq!(
            workdir_at(&model, 1, 4, Some("/go")).as_deref(),
            Some("/src/app")
        );
        assert_eq!(
            workdir_at(&model, 0, 1, Some("/go")).as_deref(),
            Some("/go")
        );
        assert_eq!(workdir_at(&model, 0, 1, None), None);
        assert_eq!(workdir_at(&model, 1, 4, None).as_deref(), Some("/src/app"));
    }
}
