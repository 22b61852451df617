use crate::declare_rule;
use crate::registry::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a `# plimsoll ignore=…` comment (also `global` and `stage`) that hides no
    /// finding, or names a rule that does not exist.
    ///
    /// hadolint's `# hadolint ignore=…` and BuildKit's `# check=skip=…` comments are not
    /// reported: those tools read them too, and their rule of the same code may fire where
    /// Plimsoll's, more precise, does not.
    ///
    /// ## Why
    /// Suppressions outlive the problems they hid. A stale one hides the next real finding
    /// on that line, and a misspelt code hides nothing while looking as if it did.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// # plimsoll ignore=DL3019
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// # plimsoll ignore=DL3091
    /// RUN apk add curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// # plimsoll ignore=DL3019
    /// RUN apk add curl
    /// ```
    ///
    /// ## Fix
    /// Removes the stale code from the comment, or the whole comment line when nothing is
    /// left (safe).
    pub struct UnusedSuppression {
        code: "PL001",
        name: "unused-suppression",
        category: Meta,
        severity: Warning,
        fix: Always,
        since: "0.1.0",
        targets: [],
    }
}

/// Reported by the engine after suppressions are applied; it has no hooks of its own.
impl Rule for UnusedSuppression {}
