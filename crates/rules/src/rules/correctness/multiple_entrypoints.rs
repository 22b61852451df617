use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::report_overridden;
use plimsoll_parser::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports every `ENTRYPOINT` of a stage but the last. This is hadolint's DL4004 and one
    /// of the three cases of BuildKit's `MultipleInstructionsDisallowed` check (with
    /// `HEALTHCHECK`, DL3012, and `CMD`, DL4003), whose name selects, ignores and
    /// suppresses all three; the message is BuildKit's.
    ///
    /// Each stage is checked on its own: a stage may override the `ENTRYPOINT` of the stage
    /// it is built on. An `ENTRYPOINT` registered with `ONBUILD` is not counted.
    ///
    /// ## Why
    /// An image has one `ENTRYPOINT`; only the last one of the stage takes effect, and the
    /// earlier ones do nothing. A reader may take the first one for the program the
    /// container starts.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/server"]
    /// COPY entrypoint.sh /usr/local/bin/
    /// ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// COPY entrypoint.sh /usr/local/bin/
    /// ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
    /// ```
    ///
    /// ## Fix
    /// Deletes the overridden `ENTRYPOINT`, which keeps the image as it is (an
    /// `ENTRYPOINT` resets an inherited `CMD` whether or not an earlier one was written).
    /// The fix is unsafe: the author may have meant the deleted one.
    pub struct MultipleEntrypoints {
        code: "DL4004",
        name: "multiple-entrypoints",
        aliases: ["MultipleInstructionsDisallowed"],
        category: Correctness,
        severity: Warning,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for MultipleEntrypoints {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        report_overridden(checker, stage, Keyword::Entrypoint);
    }
}
