use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::{check_label_kind, LabelKind};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports the value of a label the label schema declares `url` when it is not an
    /// absolute URI as RFC 3986 defines it: a scheme, `:`, and only the characters a URI
    /// may hold (`https://example.com/app`, `git+ssh://git@example.com/app.git`). The
    /// schema is hadolint's `label-schema` (`.hadolint.yaml`) or `label-schema` in
    /// `plimsoll.toml`; without one the rule reports nothing.
    ///
    /// The value is read as the build reads it: quotes removed, ENV variables expanded. A
    /// value that depends on a build argument is set when the image is built and is not
    /// checked; an empty value is `empty-required-label`'s (DL3051).
    ///
    /// ## Why
    /// Tools follow these labels: a registry links `org.opencontainers.image.source` to the
    /// repository, a scanner fetches the documentation URL. `github.com/acme/app` without
    /// a scheme, or a URL with a space, is not a link any of them can open.
    ///
    /// Unlike hadolint, which reads `$VAR` as text, a value written with a variable is
    /// checked once expanded, and not at all when a build argument sets it.
    ///
    /// ## Example
    /// ```toml
    /// label-schema = { "org.opencontainers.image.source" = "url" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="github.com/acme/app"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// ```
    ///
    /// ## Fix
    /// None: which scheme is meant (`https`, `ssh`, …) is the author's choice.
    pub struct LabelNotUrl {
        code: "DL3052",
        name: "label-not-url",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for LabelNotUrl {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        check_label_kind(checker, instruction, LabelKind::Url, "is not a valid URL");
    }
}
