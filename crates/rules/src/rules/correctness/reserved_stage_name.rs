use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::{go_quote, on_first_line};

declare_rule! {
    /// ## What it does
    /// Reports a stage named `scratch` or `context` (in any case). This is BuildKit's
    /// `ReservedStageName` check, with its message, and hadolint's `DL3063`, whose code
    /// selects and suppresses it too.
    ///
    /// ## Why
    /// Both names already mean something to BuildKit: `scratch` is the empty image, and
    /// `context` is the name under which `docker buildx build --build-context` passes
    /// additional build contexts. A stage with such a name makes `FROM scratch` or
    /// `COPY --from=context` ambiguous to the reader, and BuildKit may reject it in a future
    /// release.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20 AS context
    /// RUN wget -O /tmp/app.tgz https://example.com/app.tgz
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20 AS fetch
    /// RUN wget -O /tmp/app.tgz https://example.com/app.tgz
    /// ```
    ///
    /// ## Fix
    /// None: the new name is the author's choice.
    pub struct ReservedStageName {
        code: "PL205",
        name: "reserved-stage-name",
        aliases: ["ReservedStageName", "DL3063"],
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

/// Names BuildKit reserves.
const RESERVED: &[&str] = &["context", "scratch"];

impl Rule for ReservedStageName {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let (Some(name), Some(range)) = (&stage.name, stage.name_range) else {
            return;
        };
        if !RESERVED.contains(&name.as_str()) {
            return;
        }
        let message = format!(
            "Stage name should not use the same name as reserved stage {}",
            go_quote(name)
        );
        let range = on_first_line(checker, checker.model.instruction(stage.from), range);
        checker.report(range, message);
    }
}
