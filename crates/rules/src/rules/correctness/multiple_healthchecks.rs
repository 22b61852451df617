use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::report_overridden;
use plimsoll_parser::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports every `HEALTHCHECK` of a stage but the last. This is hadolint's DL3012 and
    /// one of the three cases of BuildKit's `MultipleInstructionsDisallowed` check (with
    /// `CMD`, DL4003, and `ENTRYPOINT`, DL4004), whose name selects, ignores and suppresses
    /// all three; the message is BuildKit's.
    ///
    /// Each stage is checked on its own: a stage may override the `HEALTHCHECK` of the stage
    /// it is built on, or turn it off with `HEALTHCHECK NONE`. A `HEALTHCHECK` registered
    /// with `ONBUILD` is not counted.
    ///
    /// ## Why
    /// An image has one health check; only the last `HEALTHCHECK` of the stage takes
    /// effect. An earlier one does nothing, and a reader may take it for the check the
    /// container runs.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    /// HEALTHCHECK --interval=30s CMD curl -f http://localhost/healthz || exit 1
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27
    /// HEALTHCHECK --interval=30s CMD curl -f http://localhost/healthz || exit 1
    /// ```
    ///
    /// ## Fix
    /// Deletes the overridden `HEALTHCHECK`, which keeps the image as it is. The fix is
    /// unsafe: the author may have meant the deleted one.
    pub struct MultipleHealthchecks {
        code: "DL3012",
        name: "multiple-healthchecks",
        aliases: ["MultipleInstructionsDisallowed"],
        category: Correctness,
        severity: Warning,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for MultipleHealthchecks {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        report_overridden(checker, stage, Keyword::Healthcheck);
    }
}
