use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::{check_label_kind, LabelKind};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports the value of a label the label schema declares `email` when it is not an
    /// email address as RFC 5322 defines a mailbox: `jo@example.com`, or a display name and
    /// the address in angle brackets, `Jo Smith <jo@example.com>`; several separated by
    /// commas are accepted. The schema is hadolint's `label-schema` (`.hadolint.yaml`) or
    /// `label-schema` in `plimsoll.toml`; without one the rule reports nothing.
    ///
    /// The value is read as the build reads it: quotes removed, ENV variables expanded. A
    /// value that depends on a build argument is not checked; an empty value is
    /// `empty-required-label`'s (DL3051).
    ///
    /// ## Why
    /// A contact label is only useful if mail reaches someone: a name alone, a team's chat
    /// handle or a misspelt address (`jo@example`, `jo at example.com`) leaves whoever
    /// finds a problem in the image with no one to tell.
    ///
    /// Unlike hadolint, which accepts only a bare address, the `Name <address>` form that
    /// `maintainer` labels commonly use is accepted: it is an RFC 5322 mailbox too.
    ///
    /// ## Example
    /// ```toml
    /// label-schema = { maintainer = "email" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL maintainer="Jo Smith"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// LABEL maintainer="Jo Smith <jo@example.com>"
    /// ```
    ///
    /// ## Fix
    /// None: the address is not known from the Dockerfile.
    pub struct LabelNotEmail {
        code: "DL3058",
        name: "label-not-email",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for LabelNotEmail {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        check_label_kind(
            checker,
            instruction,
            LabelKind::Email,
            "is not an RFC 5322 email address",
        );
    }
}
