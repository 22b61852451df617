//! The rule registry: every rule's metadata and the trait the engine dispatches through.
//!
//! A rule is a unit struct declared with [`declare_rule!`](crate::declare_rule), which
//! keeps its metadata and documentation next to its code, plus an implementation of
//! [`Rule`] with the hooks it needs. [`all_rules`] lists them.

use crate::checker::Checker;
use crate::diagnostic::Severity;
use crate::model::{RunScript, Stage};
use foldhash::{HashMap, HashMapExt};
use plimsoll_parser::shell::Command;
use plimsoll_parser::{Instruction, Keyword};
use serde::Serialize;
use std::sync::LazyLock;

/// What a rule is about; rules live in `src/rules/<category>/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The Dockerfile is not what BuildKit accepts.
    Syntax,
    /// The build or the image does not do what the author meant.
    Correctness,
    /// Builds that give a different image tomorrow: unpinned bases and packages.
    Reproducibility,
    /// Image size: toolchains, package caches, leftovers.
    Size,
    /// Layer cache: instruction order and cache mounts.
    Cache,
    /// Root users, secrets, untrusted sources.
    Security,
    /// Go toolchains and Go builds.
    Go,
    /// The build context: `.dockerignore` and what is sent to the builder.
    Context,
    /// Conventions that keep Dockerfiles readable.
    Style,
    /// Plimsoll's own bookkeeping (suppressions).
    Meta,
}

impl Category {
    /// The kebab-case name, also the rule's directory.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Correctness => "correctness",
            Category::Reproducibility => "reproducibility",
            Category::Size => "size",
            Category::Cache => "cache",
            Category::Security => "security",
            Category::Go => "go",
            Category::Context => "context",
            Category::Style => "style",
            Category::Meta => "meta",
        }
    }
}

/// Whether a rule offers a fix, and of which kind at best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailability {
    /// No fix.
    None,
    /// Sometimes a fix, when an exact edit exists.
    Sometimes,
    /// Always a fix.
    Always,
}

/// What a rule looks at; the engine calls the matching [`Rule`] hook for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// [`Rule::instruction`] for every instruction of these kinds (also those registered
    /// by ONBUILD).
    Instruction(&'static [Keyword]),
    /// [`Rule::command`] for every simple command of a RUN script whose program (after
    /// wrappers like `sudo`, `env`) is one of these names; `"*"` for every command.
    Command(&'static [&'static str]),
    /// [`Rule::stage`] once per build stage.
    Stage,
    /// [`Rule::file`] once per Dockerfile.
    File,
}

/// A rule's metadata; `declare_rule!` builds it from the rule's declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// Stable code: hadolint's (`DL3008`) when the rule is hadolint's, else `PLnnn`.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// Other names that select the rule: BuildKit's check names (`JSONArgsRecommended`).
    pub aliases: &'static [&'static str],
    /// The category.
    pub category: Category,
    /// Severity unless settings override it.
    pub severity: Severity,
    /// Whether the rule runs unless selected explicitly.
    pub enabled_by_default: bool,
    /// Whether it offers fixes.
    pub fix: FixAvailability,
    /// The Plimsoll version that introduced it.
    pub since: &'static str,
    /// What the engine calls it for.
    #[serde(skip)]
    pub targets: &'static [Target],
    /// The documentation, Markdown with the sections *What it does*, *Why*, *Example* and
    /// *Fix*.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown (the doc comment without its leading spaces).
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }

    /// The first paragraph of the *What it does* section, as one line.
    pub fn summary(&self) -> String {
        let doc = self.documentation();
        let body = doc
            .split_once("## What it does")
            .map_or(doc.as_str(), |(_, rest)| rest);
        body.trim_start()
            .split("\n\n")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether `name` is the rule's code, name or one of its aliases (case-insensitively).
    pub fn is_named(&self, name: &str) -> bool {
        let name = name.trim();
        self.code.eq_ignore_ascii_case(name)
            || self.name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

/// The address of a rule's documentation page (`docs/rules/<CODE>.md` of the repository; for a
/// ShellCheck code, its page in ShellCheck's wiki).
pub fn documentation_url(code: &str) -> String {
    if crate::shellcheck::find_meta(code).is_some() {
        return crate::shellcheck::wiki_url(code);
    }
    format!("https://github.com/plimsoll-dev/plimsoll/blob/main/docs/rules/{code}.md")
}

/// Gives a rule's metadata; implemented by [`declare_rule!`](crate::declare_rule).
pub trait RuleMetadata {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
}

/// A lint rule. Every hook has an empty default; a rule implements those its
/// [`RuleMeta::targets`] name.
pub trait Rule: RuleMetadata + Sync + Send {
    /// Called for each instruction of the kinds in [`Target::Instruction`].
    fn instruction(&self, _checker: &mut Checker<'_>, _instruction: &Instruction) {}

    /// Called for each simple command of a RUN script matching [`Target::Command`].
    fn command(&self, _checker: &mut Checker<'_>, _run: &RunScript, _command: &Command) {}

    /// Called once per stage.
    fn stage(&self, _checker: &mut Checker<'_>, _stage: &Stage) {}

    /// Called once per file.
    fn file(&self, _checker: &mut Checker<'_>) {}
}

/// Declares a rule: a unit struct with the doc comment, an associated `META` constant
/// built from the fields and the doc comment, and its [`RuleMetadata`] implementation. The
/// rule's hooks are then written as `impl Rule for …`.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub struct AddForLocalFiles {
///         code: "DL3020",
///         name: "add-for-local-files",
///         category: Correctness,
///         severity: Error,
///         fix: Sometimes,
///         since: "0.1.0",
///         targets: [Target::Instruction(&[Keyword::Add])],
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            $(aliases: [$($alias:literal),* $(,)?],)?
            category: $category:ident,
            severity: $severity:ident,
            $(enabled: $enabled:literal,)?
            fix: $fix:ident,
            since: $since:literal,
            targets: [$($target:expr),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;

        impl $name {
            /// The rule's metadata.
            pub const META: $crate::registry::RuleMeta = $crate::registry::RuleMeta {
                code: $code,
                name: $rule_name,
                aliases: &[$($($alias),*)?],
                category: $crate::registry::Category::$category,
                severity: $crate::diagnostic::Severity::$severity,
                enabled_by_default: $crate::registry::__enabled(&[$($enabled)?]),
                fix: $crate::registry::FixAvailability::$fix,
                since: $since,
                targets: &[$($target),*],
                doc: $crate::registry::__doc(concat!($($doc, "\n"),*)),
            };
        }

        impl $crate::registry::RuleMetadata for $name {
            fn meta(&self) -> &'static $crate::registry::RuleMeta {
                &Self::META
            }
        }
    };
}

#[doc(hidden)]
pub const fn __enabled(flag: &[bool]) -> bool {
    match flag {
        [value] => *value,
        _ => true,
    }
}

#[doc(hidden)]
pub const fn __doc(doc: &'static str) -> &'static str {
    doc
}

/// Every rule, in code order.
pub fn all_rules() -> &'static [&'static dyn Rule] {
    &REGISTRY.rules
}

/// The rule whose code, name or alias is `name` (case-insensitive).
pub fn find_rule(name: &str) -> Option<&'static dyn Rule> {
    let key = name.trim().to_ascii_lowercase();
    REGISTRY
        .by_name
        .get(key.as_str())
        .map(|&index| REGISTRY.rules[index])
}

/// The metadata of every rule, plus the syntax codes of the parser, in code order.
pub fn all_metas() -> &'static [RuleMeta] {
    &REGISTRY.metas
}

/// The metadata for a code, name or alias, syntax codes and ShellCheck codes (`SC2086`)
/// included.
pub fn find_meta(name: &str) -> Option<&'static RuleMeta> {
    let key = name.trim().to_ascii_lowercase();
    REGISTRY
        .meta_by_name
        .get(key.as_str())
        .map(|&index| &REGISTRY.metas[index])
        .or_else(|| crate::shellcheck::find_meta(name))
}

pub(crate) struct Registry {
    pub(crate) rules: Vec<&'static dyn Rule>,
    by_name: HashMap<String, usize>,
    metas: Vec<RuleMeta>,
    meta_by_name: HashMap<String, usize>,
    /// For each keyword (as `Keyword as usize` is not stable, by `as_str`), the rules to call.
    pub(crate) by_keyword: HashMap<Keyword, Vec<usize>>,
    /// For each program name, the rules to call; `"*"` collects the rules for all commands.
    pub(crate) by_program: HashMap<&'static str, Vec<usize>>,
    pub(crate) any_command: Vec<usize>,
    pub(crate) stage_rules: Vec<usize>,
    pub(crate) file_rules: Vec<usize>,
}

pub(crate) static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let mut rules: Vec<&'static dyn Rule> = crate::rules::RULES.to_vec();
    rules.sort_by_key(|rule| rule.meta().code);
    let mut registry = Registry {
        by_name: HashMap::new(),
        metas: Vec::new(),
        meta_by_name: HashMap::new(),
        by_keyword: HashMap::new(),
        by_program: HashMap::new(),
        any_command: Vec::new(),
        stage_rules: Vec::new(),
        file_rules: Vec::new(),
        rules: Vec::new(),
    };
    for (index, rule) in rules.iter().enumerate() {
        let meta = rule.meta();
        for key in std::iter::once(meta.code)
            .chain(std::iter::once(meta.name))
            .chain(meta.aliases.iter().copied())
        {
            registry.by_name.insert(key.to_ascii_lowercase(), index);
        }
        for target in meta.targets {
            match *target {
                Target::Instruction(keywords) => {
                    for keyword in keywords {
                        registry.by_keyword.entry(*keyword).or_default().push(index);
                    }
                }
                Target::Command(programs) => {
                    for program in programs {
                        if *program == "*" {
                            registry.any_command.push(index);
                        } else {
                            registry.by_program.entry(program).or_default().push(index);
                        }
                    }
                }
                Target::Stage => registry.stage_rules.push(index),
                Target::File => registry.file_rules.push(index),
            }
        }
    }
    registry.rules = rules;
    registry.metas = crate::rules::syntax::syntax_metas()
        .iter()
        .copied()
        .chain(registry.rules.iter().map(|rule| *rule.meta()))
        .collect();
    registry.metas.sort_by_key(|meta| meta.code);
    for (index, meta) in registry.metas.iter().enumerate() {
        for key in std::iter::once(meta.code)
            .chain(std::iter::once(meta.name))
            .chain(meta.aliases.iter().copied())
        {
            registry
                .meta_by_name
                .insert(key.to_ascii_lowercase(), index);
        }
    }
    registry
});
