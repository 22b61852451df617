//! The variables BuildKit knows while it runs a Dockerfile, for the build checks that expand
//! words as BuildKit does (undefined variables, relative WORKDIR, ignored COPY sources,
//! EXPOSE formats).
//!
//! BuildKit's scoping: a FROM line sees the automatic platform ARGs and the ARGs before the
//! first FROM. A stage starts with the environment of its base image (or of the stage it is
//! built on, ARGs included), then each ENV and each ARG with a value (its own default, or the
//! global one for a bare `ARG NAME`) adds a variable. An ARG without any value adds none,
//! but is declared: BuildKit never calls it undefined.
//!
//! Offline, the environment of a base image from a registry is not known. It is taken from a
//! table for a few well-known official images; for any other image it is unknown, and
//! [`BuildEnv::base_known`] says so.

use crate::diagnostic::Edit;
use crate::model::{literal_expansion, BaseImage, ImageRef, InstructionId, SemanticModel, Stage};
use crate::rules::helpers::images::is_windows_image;
use plimsoll_parser::expand::{Env, Expansion, Lexer};
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange, Word};
use std::collections::HashSet;
use std::ops::Range;

/// BuildKit's automatic platform ARGs in the global scope, with the values of a build for
/// `linux/amd64` (only placeholders: the real values depend on the build).
pub(crate) const PLATFORM_ARGS: &[(&str, &str)] = &[
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDOSVERSION", ""),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETOSVERSION", ""),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
    ("TARGETSTAGE", ""),
];

/// BuildKit's `nonEnvArgs`: build arguments that never become variables, and that its
/// undefined-variable check ignores.
pub(crate) const NON_ENV_ARGS: &[&str] =
    &["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// The `PATH` BuildKit gives an image that sets none (`system.DefaultPathEnv("linux")`).
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Variables an image sets besides `PATH`, each with its value when it is always the same.
type ImageVars = &'static [(&'static str, Option<&'static str>)];

/// The variables of well-known official images (all versions and variants together; a
/// value when it is the same everywhere). `PATH` comes first in every image.
const IMAGE_ENV: &[(&str, ImageVars)] = &[
    ("alpine", &[]),
    ("busybox", &[]),
    ("debian", &[]),
    ("ubuntu", &[]),
    ("buildpack-deps", &[]),
    (
        "golang",
        &[
            ("GOLANG_VERSION", None),
            ("GOTOOLCHAIN", Some("local")),
            ("GOPATH", Some("/go")),
            ("GOLANG_SRC_URL", None),
            ("GOLANG_SRC_SHA256", None),
            ("GOLANG_DOWNLOAD_URL", None),
            ("GOLANG_DOWNLOAD_SHA256", None),
        ],
    ),
    (
        "node",
        &[
            ("NODE_VERSION", None),
            ("YARN_VERSION", None),
            ("NPM_CONFIG_LOGLEVEL", None),
        ],
    ),
    (
        "python",
        &[
            ("LANG", Some("C.UTF-8")),
            ("GPG_KEY", None),
            ("PYTHON_VERSION", None),
            ("PYTHON_SHA256", None),
            ("PYTHON_PIP_VERSION", None),
            ("PYTHON_SETUPTOOLS_VERSION", None),
            ("PYTHON_GET_PIP_URL", None),
            ("PYTHON_GET_PIP_SHA256", None),
        ],
    ),
    (
        "rust",
        &[
            ("RUSTUP_HOME", Some("/usr/local/rustup")),
            ("CARGO_HOME", Some("/usr/local/cargo")),
            ("RUST_VERSION", None),
        ],
    ),
];

/// One variable: its value, and whether that value is what the build will see (else a
/// placeholder, or a default a build argument may replace in a way we cannot follow).
#[derive(Clone, Debug)]
struct Var {
    name: String,
    value: String,
    certain: bool,
}

/// The variables in scope at one point of a build, as BuildKit keeps them.
#[derive(Clone, Debug, Default)]
pub(crate) struct BuildEnv {
    /// Every assignment, oldest first.
    vars: Vec<Var>,
    /// The index in `vars` of each name's last assignment: a long stage expands many
    /// variables, and a search of `vars` for each would make it quadratic.
    last: foldhash::HashMap<String, usize>,
    /// ARG names declared so far (BuildKit's `buildArgs`), with or without a value.
    declared: foldhash::HashSet<String>,
    base_known: bool,
}

impl Env for BuildEnv {
    fn get(&self, name: &str) -> Option<&str> {
        self.var(name).map(|v| v.value.as_str())
    }
}

impl BuildEnv {
    fn var(&self, name: &str) -> Option<&Var> {
        self.last.get(name).map(|&index| &self.vars[index])
    }

    fn set(&mut self, name: &str, value: String, certain: bool) {
        self.push(Var {
            name: name.to_string(),
            value,
            certain,
        });
    }

    fn push(&mut self, var: Var) {
        self.last.insert(var.name.clone(), self.vars.len());
        self.vars.push(var);
    }

    /// The names of the variables set, in BuildKit's order (`EnvList.Keys`: by their last
    /// assignment, oldest first): the candidates of its "did you mean" suggestions.
    pub(crate) fn keys(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        let mut keys: Vec<&str> = self
            .vars
            .iter()
            .rev()
            .map(|var| var.name.as_str())
            .filter(|name| seen.insert(*name))
            .collect();
        keys.reverse();
        keys
    }

    /// Whether `name` is set, or declared by an ARG without a value.
    pub(crate) fn is_declared(&self, name: &str) -> bool {
        self.var(name).is_some() || self.declared.contains(name)
    }

    /// Whether every variable the base image sets is known: the stage chain starts at
    /// `scratch` or at a well-known official image.
    pub(crate) fn base_known(&self) -> bool {
        self.base_known
    }

    /// Expands `word` as BuildKit's `ProcessWord` does; `None` when BuildKit would fail.
    pub(crate) fn expand(&self, lexer: &Lexer, word: &str) -> Option<Expansion> {
        literal_expansion(lexer, word).or_else(|| lexer.process_word(word, self).ok())
    }

    /// Whether an expansion made here gives the value the build will see: it only used
    /// variables whose values are known, and a variable it found unset cannot be set by the
    /// base image or by a build argument.
    pub(crate) fn is_certain(&self, expansion: &Expansion) -> bool {
        expansion
            .matched
            .iter()
            .all(|name| self.var(name).is_some_and(|v| v.certain))
            && expansion
                .unmatched
                .iter()
                .all(|name| self.base_known && !self.declared.contains(name))
    }

    /// Runs one instruction of the stage on the variables: ENV and ARG.
    fn apply(&mut self, instruction: &Instruction, globals: &GlobalArgs, lexer: &Lexer) {
        match (&instruction.keyword, &instruction.args) {
            (Keyword::Env, Arguments::KeyValues(pairs)) => {
                // Every pair is expanded before any is set (without copying the variables:
                // a copy per ENV made a long stage quadratic).
                let set: Vec<Var> = pairs
                    .iter()
                    .filter_map(|pair| {
                        let key = self.expand(lexer, &pair.key.value)?;
                        let value = self.expand(lexer, &pair.value.value)?;
                        let certain = self.is_certain(&key) && self.is_certain(&value);
                        Some(Var {
                            name: key.value,
                            value: value.value,
                            certain,
                        })
                    })
                    .collect();
                for var in set {
                    self.push(var);
                }
            }
            (Keyword::Arg, Arguments::List(words)) => {
                for word in words {
                    self.declare_arg(&word.value, globals, lexer);
                }
            }
            _ => {}
        }
    }

    /// Runs one word of an ARG (`NAME=default` or `NAME`): the name is declared, and set
    /// to its default expanded here, or else to the value of the global ARG of that name.
    pub(crate) fn declare_arg(&mut self, word: &str, globals: &GlobalArgs, lexer: &Lexer) {
        let (name, default) = split_arg(word);
        if !self.declared.contains(name) {
            self.declared.insert(name.to_string());
        }
        match default {
            Some(default) => {
                if let Some(value) = self.expand(lexer, default) {
                    let certain = self.is_certain(&value);
                    self.set(name, value.value, certain);
                }
            }
            None => {
                if let Some(global) = globals.env.var(name) {
                    let (value, certain) = (global.value.clone(), global.certain);
                    self.set(name, value, certain);
                }
            }
        }
    }
}

/// `NAME=default` or `NAME` of an ARG word, split at the first `=` as BuildKit does.
pub(crate) fn split_arg(word: &str) -> (&str, Option<&str>) {
    match word.split_once('=') {
        Some((name, default)) => (name, Some(default)),
        None => (word, None),
    }
}

/// The ARGs of the global scope (before the first FROM), as a FROM line sees them.
#[derive(Debug)]
pub(crate) struct GlobalArgs {
    /// The platform ARGs, then the global ARGs with a default.
    pub(crate) env: BuildEnv,
    /// The names of the global ARGs, with or without a default.
    pub(crate) names: Vec<String>,
    /// Whether expanding a default failed (BuildKit then stops the build).
    pub(crate) failed: bool,
}

impl GlobalArgs {
    /// The names a FROM line may use: the platform ARGs and the global ARGs.
    pub(crate) fn known_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = PLATFORM_ARGS.iter().map(|(name, _)| *name).collect();
        for name in &self.names {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        names
    }
}

/// The global scope as BuildKit's `buildMetaArgs` builds it with no build argument given.
pub(crate) fn global_args(model: &SemanticModel) -> &GlobalArgs {
    model
        .buildkit_globals
        .get_or_init(|| build_global_args(model))
}

fn build_global_args(model: &SemanticModel) -> GlobalArgs {
    let lexer = Lexer::new(model.file.escape);
    let mut env = BuildEnv::default();
    for (name, value) in PLATFORM_ARGS {
        env.set(name, value.to_string(), false);
    }
    let mut names: Vec<String> = Vec::new();
    let mut failed = false;
    let global = model
        .file
        .instructions
        .iter()
        .enumerate()
        .take_while(|(id, _)| model.stage_of(*id).is_none())
        .filter(|(_, i)| i.keyword == Keyword::Arg);
    'args: for (_, instruction) in global {
        let Arguments::List(words) = &instruction.args else {
            continue;
        };
        for word in words {
            let (name, default) = split_arg(&word.value);
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
            if let Some(default) = default {
                match env.expand(&lexer, default) {
                    Some(value) => {
                        let certain = value
                            .matched
                            .iter()
                            .all(|m| env.var(m).is_some_and(|v| v.certain));
                        env.set(name, value.value, certain);
                    }
                    None => {
                        failed = true;
                        break 'args;
                    }
                }
            }
        }
    }
    env.base_known = true;
    GlobalArgs { env, names, failed }
}

/// Calls `visit` for every instruction of `stage` after its FROM, with the variables in
/// scope just before it; for none when a global ARG cannot be expanded (the build fails).
pub(crate) fn walk_stage<'m>(
    model: &'m SemanticModel,
    stage: &Stage,
    globals: &GlobalArgs,
    mut visit: impl FnMut(InstructionId, &'m Instruction, &BuildEnv),
) {
    // BuildKit fails on a global ARG it cannot expand before it runs any stage.
    if globals.failed {
        return;
    }
    let lexer = Lexer::new(model.file.escape);
    let mut env = start_env(model, stage, globals, &lexer, 0);
    for id in stage.instructions.clone().skip(1) {
        let instruction = model.instruction(id);
        visit(id, instruction, &env);
        env.apply(instruction, globals, &lexer);
    }
}

/// The variables in scope just before instruction `id`; `None` before the first FROM.
pub(crate) fn env_before(model: &SemanticModel, id: InstructionId) -> Option<BuildEnv> {
    let stage = model.stage_of(id)?;
    let globals = global_args(model);
    let lexer = Lexer::new(model.file.escape);
    let mut env = start_env(model, stage, globals, &lexer, 0);
    for before in stage.instructions.start + 1..id {
        env.apply(model.instruction(before), globals, &lexer);
    }
    Some(env)
}

/// The variables a stage starts with: its base image's, or those of the stage it is built on
/// at its end (plus that stage's ONBUILD ENV and ARG triggers, which run first).
fn start_env(
    model: &SemanticModel,
    stage: &Stage,
    globals: &GlobalArgs,
    lexer: &Lexer,
    depth: usize,
) -> BuildEnv {
    let mut env = BuildEnv::default();
    match &stage.base {
        BaseImage::Stage(parent) if *parent < stage.index && depth < model.stages.len() => {
            let Some(parent) = model.stages.get(*parent) else {
                return env;
            };
            env = start_env(model, parent, globals, lexer, depth + 1);
            for id in parent.instructions.clone().skip(1) {
                env.apply(model.instruction(id), globals, lexer);
            }
            for id in parent.instructions.clone().skip(1) {
                if let Some(trigger) = model.instruction(id).onbuild_child() {
                    env.apply(trigger, globals, lexer);
                }
            }
        }
        BaseImage::Scratch => {
            env.set("PATH", DEFAULT_PATH.to_string(), true);
            env.base_known = true;
        }
        BaseImage::Image(image) => {
            let written = model
                .file
                .instructions
                .get(stage.from)
                .and_then(|from| from_word(from))
                .map_or("", |w| w.value.as_str());
            match image_env(image, written) {
                Some(vars) => {
                    env.set("PATH", DEFAULT_PATH.to_string(), false);
                    for (name, value) in vars {
                        let certain = value.is_some();
                        env.set(name, value.unwrap_or("").to_string(), certain);
                    }
                    env.base_known = true;
                }
                None => env.set("PATH", DEFAULT_PATH.to_string(), false),
            }
        }
        _ => env.set("PATH", DEFAULT_PATH.to_string(), false),
    }
    env
}

/// The base-image word of a FROM.
fn from_word(from: &Instruction) -> Option<&Word> {
    match &from.args {
        Arguments::List(words) => words.first(),
        _ => None,
    }
}

/// The variables of `image` besides `PATH`, when it is a well-known official image named
/// without a variable (a variable could name another image); `written` is the FROM word.
fn image_env(image: &ImageRef, written: &str) -> Option<ImageVars> {
    let repository_written = written.split(['@']).next().unwrap_or(written);
    let repository_written = match repository_written.rfind('/') {
        Some(slash) => &repository_written[..slash],
        None => repository_written.split(':').next().unwrap_or(""),
    };
    if repository_written.contains('$')
        || is_windows_image(image)
        || image
            .tag
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("onbuild"))
    {
        return None;
    }
    let name = image.docker_hub_name()?;
    IMAGE_ENV
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, vars)| *vars)
}

/// The byte ranges of `name` in the references `$name` and `${name…}` of `text`, outside
/// single quotes and not escaped: where to rename a variable.
pub(crate) fn variable_name_ranges(text: &str, name: &str, escape: char) -> Vec<Range<usize>> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut ranges = Vec::new();
    let (mut in_single, mut in_double, mut escaped) = (false, false, false);
    for (at, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            c if c == escape && !in_single => escaped = true,
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '$' if !in_single => {
                let rest = &text[at + 1..];
                let (start, braced) = match rest.strip_prefix('{') {
                    Some(_) => (at + 2, true),
                    None => (at + 1, false),
                };
                let Some(after) = text.get(start..).and_then(|t| t.strip_prefix(name)) else {
                    continue;
                };
                let ends = match after.chars().next() {
                    None => !braced,
                    Some(next) if braced => {
                        matches!(next, '}' | ':' | '-' | '+' | '?' | '#' | '%' | '/')
                    }
                    Some(next) => !is_name_char(next),
                };
                if ends && !name.is_empty() {
                    ranges.push(start..start + name.len());
                }
            }
            _ => {}
        }
    }
    ranges
}

/// The edits that rename the variable `name` to `new` in `text`, written in the file at
/// `start` (see [`variable_name_ranges`]); none when `new` would not be read back as one
/// name (`ARG A-B` declares a name no `$A-B` can use: it reads as `$A` then `-B`).
pub(crate) fn rename_variable(
    text: &str,
    start: u32,
    name: &str,
    new: &str,
    escape: char,
) -> Vec<Edit> {
    let is_name = new.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
        && new.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
    if !is_name {
        return Vec::new();
    }
    variable_name_ranges(text, name, escape)
        .into_iter()
        .map(|r| {
            let from = start + r.start as u32;
            Edit::replace(TextRange::new(from, from + r.len() as u32), new)
        })
        .collect()
}

/// The source words of a COPY or ADD (the destination and here-document markers left out).
pub(crate) fn copy_sources(instruction: &Instruction) -> &[Word] {
    let words = match &instruction.args {
        Arguments::List(words) | Arguments::Exec(words) => words.as_slice(),
        _ => &[],
    };
    match words.split_last() {
        Some((_, sources)) => sources,
        None => &[],
    }
}

/// Whether a COPY or ADD source word is a here-document marker (`<<EOF`, `<<-EOF`,
/// `3<<EOF`): BuildKit reads it as an inline file, not a path.
pub(crate) fn is_heredoc_marker(instruction: &Instruction, word: &Word) -> bool {
    !instruction.heredocs.is_empty()
        && word
            .value
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with("<<")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> SemanticModel {
        SemanticModel::new(plimsoll_parser::parse(text))
    }

    fn env_at(text: &str, id: InstructionId) -> BuildEnv {
        env_before(&model(text), id).unwrap()
    }

    #[test]
    fn renames_only_to_names_a_variable_reference_can_hold() {
        assert_eq!(
            rename_variable("$BASE_IMAGE:1", 5, "BASE_IMAGE", "BASE_IMG", '\\'),
            [Edit::replace(TextRange::new(6, 16), "BASE_IMG")]
        );
        // `$BASE_IMA-E` would read as `$BASE_IMA` then `-E`: renaming to it again and again
        // never converged (this used to make the fixes loop).
        for new in ["BASE_IMA-E", "1A", "A.B", "", "É"] {
            assert!(rename_variable("$BASE_IMAGE", 0, "BASE_IMAGE", new, '\\').is_empty());
        }
    }

    #[test]
    fn stages_inherit_args_and_envs() {
        let text = "ARG G=global\nFROM alpine AS base\nARG foo=Dockerfile\nARG G\nENV E=$foo\n\
                    FROM base\nCOPY $foo .\n";
        let env = env_at(text, 6);
        assert_eq!(env.get("foo"), Some("Dockerfile"));
        assert_eq!(env.get("G"), Some("global"));
        assert_eq!(env.get("E"), Some("Dockerfile"));
        assert!(env.base_known());
        assert_eq!(env.keys(), ["PATH", "foo", "G", "E"]);
    }

    #[test]
    fn env_pairs_see_the_variables_before_the_instruction() {
        let text = "FROM scratch\nENV A=1 B=$A\nCOPY x .\n";
        let env = env_at(text, 2);
        assert_eq!(env.get("B"), Some(""));
    }

    #[test]
    fn bare_args_are_declared_without_a_value() {
        let text = "FROM scratch\nARG TARGETARCH\nARG NOVALUE\nCOPY x .\n";
        let env = env_at(text, 3);
        assert_eq!(env.get("TARGETARCH"), Some("amd64"));
        assert!(env.is_declared("NOVALUE"));
        assert_eq!(env.get("NOVALUE"), None);
        let lexer = Lexer::new('\\');
        let arch = env.expand(&lexer, "bin/$TARGETARCH").unwrap();
        assert!(!env.is_certain(&arch));
        let path = env.expand(&lexer, "$PATH").unwrap();
        assert!(env.is_certain(&path));
    }

    #[test]
    fn unknown_images_have_unknown_variables() {
        let env = env_at("FROM example/app\nCOPY x .\n", 1);
        assert!(!env.base_known());
        let env = env_at("FROM golang:1.23\nCOPY x .\n", 1);
        assert!(env.base_known());
        assert_eq!(env.get("GOPATH"), Some("/go"));
        let env = env_at("ARG IMG=golang\nFROM $IMG:1.23\nCOPY x .\n", 2);
        assert!(!env.base_known());
    }

    #[test]
    fn globals_keep_declared_names() {
        let m = model("ARG A\nARG B=1 C=$B\nFROM scratch\n");
        let globals = global_args(&m);
        assert_eq!(globals.names, ["A", "B", "C"]);
        assert_eq!(globals.env.get("C"), Some("1"));
        assert!(globals.known_names().contains(&"TARGETPLATFORM"));
    }

    #[test]
    fn variable_references_are_found() {
        let text = r#"a$FOO/${FOO}-${FOO:-x}$FOOD '$FOO' \$FOO "$FOO""#;
        let ranges = variable_name_ranges(text, "FOO", '\\');
        let found: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(found.len(), 4);
        assert!(found.iter().all(|f| *f == "FOO"));
    }
}
