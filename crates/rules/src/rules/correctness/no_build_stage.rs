use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use plimsoll_parser::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile whose instructions are all `ARG`: there is no `FROM`, so no
    /// stage to build.
    ///
    /// A file with another instruction before any `FROM` is a syntax error already
    /// (`instruction-before-from`, PL111), and an empty file too (`no-instructions`,
    /// PL102).
    ///
    /// ## Why
    /// The parser accepts global `ARG`s before the first `FROM`, so nothing complains until
    /// the build starts and stops with `dockerfile contains no stages to build`. Usually the
    /// `FROM` line was lost in an edit, or the file is a fragment meant to be included in
    /// another one.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// ARG PYTHON_VERSION=3.13
    /// ```
    ///
    /// ```dockerfile valid
    /// ARG PYTHON_VERSION=3.13
    /// FROM python:${PYTHON_VERSION}-slim
    /// ```
    ///
    /// ## Fix
    /// None: the base image is the author's to choose.
    pub struct NoBuildStage {
        code: "PL129",
        name: "no-build-stage",
        category: Correctness,
        severity: Error,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for NoBuildStage {
    fn file(&self, checker: &mut Checker<'_>) {
        let instructions = &checker.model.file.instructions;
        let Some(first) = instructions.first() else {
            return;
        };
        if instructions.iter().any(|i| i.keyword != Keyword::Arg) {
            return;
        }
        checker.report(
            first.range,
            "The Dockerfile has no `FROM`: there is no stage to build",
        );
    }
}
