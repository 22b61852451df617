use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::{check_label_kind, LabelKind};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports the value of a label the label schema declares `hash` when it is not a Git
    /// commit hash as Git prints it: 7 to 40 lowercase hexadecimal digits (a full SHA-1
    /// hash or an abbreviation), or 64 (a SHA-256 repository's). The schema is hadolint's
    /// `label-schema` (`.hadolint.yaml`) or `label-schema` in `plimsoll.toml`; without
    /// one the rule reports nothing.
    ///
    /// The value is read as the build reads it: quotes removed, ENV variables expanded. A
    /// value that depends on a build argument (the usual `GIT_COMMIT`) is set when the
    /// image is built and is not checked; an empty value is `empty-required-label`'s
    /// (DL3051).
    ///
    /// ## Why
    /// A revision label (`org.opencontainers.image.revision`) ties the image to the exact
    /// source it was built from. A branch name or a tag moves; only a commit hash names
    /// the code for good.
    ///
    /// Unlike hadolint, which accepts exactly 7 or 40 digits, abbreviations of 8 to 39
    /// digits (`git rev-parse --short` gives more than 7 in large repositories) and
    /// SHA-256 hashes are accepted, and a value set by a build argument is not checked.
    ///
    /// ## Example
    /// ```toml
    /// label-schema = { "org.opencontainers.image.revision" = "hash" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// ARG GIT_COMMIT
    /// LABEL org.opencontainers.image.revision="8f3c2a91d"
    /// LABEL org.opencontainers.image.revision="${GIT_COMMIT}"
    /// ```
    ///
    /// ## Fix
    /// None: the commit is not known from the Dockerfile. Pass `git rev-parse HEAD` as a
    /// build argument.
    pub struct LabelNotGitHash {
        code: "DL3055",
        name: "label-not-git-hash",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for LabelNotGitHash {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        check_label_kind(
            checker,
            instruction,
            LabelKind::Hash,
            "is not a valid git hash",
        );
    }
}
