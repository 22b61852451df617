use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::on_first_line;
use crate::rules::helpers::buildkit_env::global_args;
use plimsoll_parser::expand::{Env, Lexer};
use plimsoll_parser::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`): a platform that
    /// is only the predefined `TARGETPLATFORM` ARG.
    ///
    /// This is BuildKit's `RedundantTargetPlatform` check, with its message: the value must
    /// use `TARGETPLATFORM` and no other variable, and expand to its value. It is also
    /// hadolint's `DL3065`, whose code selects and suppresses it too (hadolint rates it a
    /// warning; a flag that changes nothing is a matter of style).
    ///
    /// ## Why
    /// A stage's base image is pulled for the target platform unless `--platform` says
    /// otherwise, so naming the target platform changes nothing and only adds noise.
    /// `--platform` is useful with another value, such as `$BUILDPLATFORM` for a stage that
    /// cross-compiles.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM --platform=$TARGETPLATFORM alpine:3.20 AS builder
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20 AS builder
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## Fix
    /// Removes the `--platform` flag (safe: the stage is pulled for the same platform). The
    /// fix is unsafe when the value has a fallback (`${TARGETPLATFORM:-linux/amd64}`): the
    /// fallback only matters to a builder that does not set `TARGETPLATFORM` (the legacy
    /// builder), which the removal changes. No fix is offered when a global
    /// `ARG TARGETPLATFORM=…` gives it a default, since the flag then follows that default
    /// rather than the build's target.
    pub struct RedundantTargetPlatform {
        code: "PL213",
        name: "redundant-target-platform",
        aliases: ["RedundantTargetPlatform", "DL3065"],
        category: Style,
        severity: Style,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for RedundantTargetPlatform {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let from = model.instruction(stage.from);
        let Some(flag) = from.flag("platform") else {
            return;
        };
        let Some(value) = flag
            .value
            .as_deref()
            .filter(|v| v.contains("TARGETPLATFORM"))
        else {
            return;
        };
        let globals = global_args(model);
        if globals.failed {
            return;
        }
        let Some(expansion) = globals.env.expand(&Lexer::new(model.file.escape), value) else {
            return;
        };
        let redundant = expansion.matched == ["TARGETPLATFORM"]
            && expansion.unmatched.is_empty()
            && globals.env.get("TARGETPLATFORM") == Some(expansion.value.as_str());
        if !redundant {
            return;
        }
        let message = format!(
            "Setting platform to predefined {value} in FROM is redundant as this is the default behavior"
        );
        let overridden = model
            .global_args
            .iter()
            .any(|arg| arg.name == "TARGETPLATFORM" && arg.value.is_some());
        // The flag and the blanks after it.
        let after = checker.source.get(flag.range.end as usize..).unwrap_or("");
        let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
        let removal = TextRange::new(flag.range.start, flag.range.end + blanks as u32);
        let range = on_first_line(checker, from, flag.range);
        let diagnostic = checker.report(range, message);
        if !overridden {
            let edits = vec![Edit::delete(removal)];
            let plain = matches!(value, "$TARGETPLATFORM" | "${TARGETPLATFORM}");
            diagnostic.set_fix(if plain {
                Fix::safe("Remove `--platform`", edits)
            } else {
                Fix::unsafe_edit("Remove `--platform`", edits)
            });
        }
    }
}
