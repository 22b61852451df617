use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::{check_label_kind, LabelKind};
use crate::rules::helpers::spdx::SPDX_LIST_VERSION;
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports the value of a label the label schema declares `spdx` when it is not an
    /// SPDX license expression: identifiers of the SPDX License List (version 3.29.0,
    /// deprecated identifiers included, in any case), optionally followed by `+`, joined
    /// by `AND`, `OR` and `WITH` an exception, with parentheses, and `LicenseRef-…` for
    /// licenses not on the list. The schema is hadolint's `label-schema`
    /// (`.hadolint.yaml`) or `label-schema` in `plimsoll.toml`; without one the rule
    /// reports nothing.
    ///
    /// The value is read as the build reads it: quotes removed, ENV variables expanded. A
    /// value that depends on a build argument is not checked; an empty value is
    /// `empty-required-label`'s (DL3051).
    ///
    /// ## Why
    /// License scanners and SBOM tools read `org.opencontainers.image.licenses` as an SPDX
    /// expression. `Apache 2.0`, `GPLv2` or `BSD` name no license exactly, so the image's
    /// license is reported as unknown, or wrongly matched.
    ///
    /// Unlike hadolint, which accepts a single identifier written in the list's exact case,
    /// a license expression (`Apache-2.0 OR MIT`, `GPL-2.0-only WITH
    /// Classpath-exception-2.0`) is accepted, as the OCI annotation specification asks for
    /// one; identifiers match in any case and deprecated ones (`GPL-2.0+`) are accepted, as
    /// the SPDX specification says.
    ///
    /// ## Example
    /// ```toml
    /// label-schema = { "org.opencontainers.image.licenses" = "spdx" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache 2.0"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache-2.0 OR MIT"
    /// ```
    ///
    /// ## Fix
    /// None: an informal name may match several licenses (`BSD`). Look the identifier up
    /// on the SPDX License List.
    pub struct LabelNotSpdx {
        code: "DL3054",
        name: "label-not-spdx",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for LabelNotSpdx {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let problem =
            format!("is not an SPDX license expression (SPDX License List {SPDX_LIST_VERSION})");
        check_label_kind(checker, instruction, LabelKind::Spdx, &problem);
    }
}
