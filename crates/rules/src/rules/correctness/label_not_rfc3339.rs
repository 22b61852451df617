use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::{check_label_kind, LabelKind};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports the value of a label the label schema declares `rfc3339` when it is not an
    /// RFC 3339 date and time: `2024-05-01T12:30:00Z`, `2024-05-01T14:30:00.5+02:00` (a
    /// date that exists, a time, seconds, an optional fraction, then `Z` or an offset).
    /// The schema is hadolint's `label-schema` (`.hadolint.yaml`) or `label-schema` in
    /// `plimsoll.toml`; without one the rule reports nothing.
    ///
    /// The value is read as the build reads it: quotes removed, ENV variables expanded. A
    /// value that depends on a build argument (the usual `BUILD_DATE`) is set when the
    /// image is built and is not checked; an empty value is `empty-required-label`'s
    /// (DL3051).
    ///
    /// ## Why
    /// `org.opencontainers.image.created` and similar labels are read by machines that
    /// sort and compare them. A date without a time zone, `05/01/2024`, or the output of
    /// plain `date` cannot be compared reliably, and the OCI annotation specification
    /// requires RFC 3339.
    ///
    /// Unlike hadolint, which reads `$VAR` as text (so `created=$BUILD_DATE` is always
    /// reported), a value set by a build argument is not checked.
    ///
    /// ## Example
    /// ```toml
    /// label-schema = { "org.opencontainers.image.created" = "rfc3339" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01 12:30"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// ARG BUILD_DATE
    /// LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    /// LABEL org.opencontainers.image.created="${BUILD_DATE}"
    /// ```
    ///
    /// ## Fix
    /// None: the time zone meant is not known. `date -u +%Y-%m-%dT%H:%M:%SZ` prints a
    /// valid value to pass as a build argument.
    pub struct LabelNotRfc3339 {
        code: "DL3053",
        name: "label-not-rfc3339",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for LabelNotRfc3339 {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        check_label_kind(
            checker,
            instruction,
            LabelKind::Rfc3339,
            "is not an RFC 3339 date and time",
        );
    }
}
