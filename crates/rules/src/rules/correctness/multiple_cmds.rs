use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::report_overridden;
use plimsoll_parser::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports every `CMD` of a stage but the last. This is hadolint's DL4003 and one of
    /// the three cases of BuildKit's `MultipleInstructionsDisallowed` check (with
    /// `HEALTHCHECK`, DL3012, and `ENTRYPOINT`, DL4004), whose name selects, ignores and
    /// suppresses all three; the message is BuildKit's.
    ///
    /// Each stage is checked on its own: a stage may override the `CMD` of the stage it is
    /// built on. A `CMD` registered with `ONBUILD` is not counted.
    ///
    /// ## Why
    /// An image has one `CMD`; only the last one of the stage takes effect, and the earlier
    /// ones do nothing. They are usually left over from an edit, and a reader may take the
    /// first one for the command the container runs.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM python:3.12-slim
    /// CMD ["python", "-m", "http.server"]
    /// COPY app /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM python:3.12-slim
    /// COPY app /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix
    /// Deletes the overridden `CMD`, which keeps the image as it is. The fix is unsafe: the
    /// author may have meant the deleted command, and the fix removes the evidence.
    pub struct MultipleCmds {
        code: "DL4003",
        name: "multiple-cmds",
        aliases: ["MultipleInstructionsDisallowed"],
        category: Correctness,
        severity: Warning,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for MultipleCmds {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        report_overridden(checker, stage, Keyword::Cmd);
    }
}
