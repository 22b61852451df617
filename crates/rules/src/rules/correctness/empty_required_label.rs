use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::{label_pairs, schema_kind};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a label the label schema names whose value is empty (`LABEL version=""`).
    /// The schema is hadolint's `label-schema` (`.hadolint.yaml`) or `label-schema` in
    /// `plimsoll.toml`; without one the rule reports nothing.
    ///
    /// The value is read as the build reads it: an ENV that expands to nothing makes it
    /// empty. A value that depends on a build argument is set when the image is built and
    /// is not checked.
    ///
    /// ## Why
    /// An empty label passes a check that the label exists, but carries nothing: the
    /// maintainer, version or source it should record is still unknown to whoever reads
    /// the image.
    ///
    /// Unlike hadolint, which reads `$VAR` as text, a value that expands to nothing through
    /// an ENV is reported, and one that comes from a build argument is not; and an empty
    /// value is reported once, by this rule, not also as an invalid URL, email, etc.
    ///
    /// ## Example
    /// ```toml
    /// label-schema = { maintainer = "text" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL maintainer=""
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// ARG MAINTAINER
    /// LABEL maintainer="Jo Smith"
    /// LABEL maintainer="${MAINTAINER}"
    /// ```
    ///
    /// ## Fix
    /// None: only the author knows the value. Set it, or remove the LABEL.
    pub struct EmptyRequiredLabel {
        code: "DL3051",
        name: "empty-required-label",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for EmptyRequiredLabel {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        if checker.settings.label_schema.is_empty() {
            return;
        }
        for label in label_pairs(checker.model, instruction) {
            let (Some(key), Some(value)) = (label.key.known(), label.value.known()) else {
                continue;
            };
            if value.is_empty() && schema_kind(checker.settings, key).is_some() {
                let message = format!("Label `{key}` is empty");
                checker.report(label.value_range(), message);
            }
        }
    }
}
