use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::{go_quote, on_first_line, parse_platform};
use plimsoll_parser::expand::{EmptyEnv, Lexer};

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=` with a constant platform (`linux/amd64`) rather than a
    /// variable such as `$BUILDPLATFORM`, unless the stage's name contains the platform's
    /// OS or architecture (`AS build-amd64`), which shows the choice is deliberate.
    ///
    /// This is BuildKit's `FromPlatformFlagConstDisallowed` check, with its message. A
    /// value BuildKit cannot read as a platform is left to the build, which fails on it.
    ///
    /// ## Why
    /// A constant platform pins the stage to one architecture whatever platform the image is
    /// built for: a multi-platform build then ships, for instance, amd64 binaries in its
    /// arm64 image, which run under emulation or not at all. Stages meant to run on the
    /// build machine use `--platform=$BUILDPLATFORM`; stages of the image follow the target
    /// platform with no flag.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM --platform=linux/amd64 golang:1.23 AS build
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM --platform=linux/amd64 debian:12 AS tools-amd64
    /// ```
    ///
    /// ## Fix
    /// None: whether the stage should follow the build or the target platform depends on
    /// what it does.
    pub struct FromPlatformFlagConstDisallowed {
        code: "PL216",
        name: "from-platform-flag-const-disallowed",
        aliases: ["FromPlatformFlagConstDisallowed"],
        category: Correctness,
        severity: Info,
        fix: None,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for FromPlatformFlagConstDisallowed {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let from = model.instruction(stage.from);
        let Some(flag) = from.flag("platform") else {
            return;
        };
        let Some(value) = flag.value.as_deref() else {
            return;
        };
        let lexer = Lexer::new(model.file.escape);
        let Ok(expansion) = lexer.process_word(value, &EmptyEnv) else {
            return;
        };
        if !expansion.matched.is_empty() || !expansion.unmatched.is_empty() {
            return;
        }
        let Some(platform) = parse_platform(&expansion.value) else {
            return;
        };
        let name = stage.name.as_deref().unwrap_or("");
        if name.contains(&platform.os) || name.contains(&platform.architecture) {
            return;
        }
        let message = format!(
            "FROM --platform flag should not use constant value {}",
            go_quote(&expansion.value)
        );
        let range = on_first_line(checker, from, flag.range);
        checker.report(range, message);
    }
}
