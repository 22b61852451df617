use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::label_pairs;
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a LABEL key that does not follow Docker's format for label keys: it starts
    /// with a lowercase letter, ends with a lowercase letter or a digit, holds only
    /// lowercase letters, digits, `.`, `-`, `_` and `/`, never two `.` or two `-` in a row,
    /// and does not use the namespaces Docker reserves (`com.docker.`, `io.docker.`,
    /// `org.dockerproject.`). As in hadolint 2.15, `_` and `/` are accepted: Docker's
    /// documentation allows them in keys.
    ///
    /// The key is read as the build reads it: quotes removed and variables expanded. A key
    /// that depends on a build argument is not checked.
    ///
    /// ## Why
    /// Tools that read labels (`docker inspect --format`, registries, scanners, the OCI
    /// annotations `org.opencontainers.image.*`) expect this format: a key with uppercase
    /// letters or spaces is easy to misspell when queried, and `Version` is a different key
    /// from the `version` a tool looks up. Reverse-DNS keys of your own domain (`com.example.team`)
    /// cannot clash with anyone else's.
    ///
    /// Unlike hadolint, the labels Docker itself asks Docker Desktop extensions to set
    /// (`com.docker.desktop.extension.*`, `com.docker.extension.*`) are not reported as
    /// using a reserved namespace.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL Maintainer="jo@example.com" BuildDate="2024-05-01"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// LABEL maintainer="jo@example.com" org.opencontainers.image.created="2024-05-01"
    /// ```
    ///
    /// ## Fix
    /// None: renaming a label changes what the tools that read it find. Choose the new key,
    /// and update its readers.
    pub struct InvalidLabelKey {
        code: "DL3048",
        name: "invalid-label-key",
        category: Style,
        severity: Style,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for InvalidLabelKey {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        for label in label_pairs(checker.model, instruction) {
            let Some(key) = label.key.known() else {
                continue;
            };
            if let Some(problem) = key_problem(key) {
                let message = format!("Invalid label key `{key}`: {problem}");
                checker.report(label.pair.key.range, message);
            }
        }
    }
}

/// Namespaces Docker keeps for itself.
const RESERVED: [&str; 3] = ["com.docker.", "io.docker.", "org.dockerproject."];

/// Namespaces Docker asks Docker Desktop extensions to use.
const EXTENSION_LABELS: [&str; 2] = ["com.docker.desktop.extension.", "com.docker.extension."];

/// What is wrong with a label key, if anything.
fn key_problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    if let Some(namespace) = RESERVED.iter().find(|n| key.starts_with(*n)) {
        if !EXTENSION_LABELS.iter().any(|n| key.starts_with(n)) {
            return Some(format!(
                "the namespace `{namespace}` is reserved for Docker"
            ));
        }
    }
    if key.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("keys are lowercase".to_string());
    }
    if let Some(bad) = key
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '.' | '-' | '_' | '/'))
    {
        let what = if bad.is_whitespace() {
            "a space".to_string()
        } else {
            format!("`{bad}`")
        };
        return Some(format!(
            "it has {what}; keys use lowercase letters, digits, `.`, `-`, `_` and `/`"
        ));
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it must start with a lowercase letter".to_string());
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("it must end with a lowercase letter or a digit".to_string());
    }
    if key.contains("..") || key.contains("--") {
        return Some("it has two `.` or two `-` in a row".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::key_problem;

    #[test]
    fn hadolint_cases() {
        for bad in [
            "com.docker.label",
            "io.docker.label",
            "org.dockerproject.label",
            "invalid$character",
            ".invalid",
            "-invalid",
            "1invalid",
            "invalid.",
            "invalid..character",
            "invalid--character",
            "Maintainer",
            "build_",
            "_build",
            "a/",
        ] {
            assert!(key_problem(bad).is_some(), "{bad}");
        }
        for ok in [
            "org.valid-key.label3",
            "validlabel",
            "maintainer",
            "org.opencontainers.image.source",
            "com.docker.desktop.extension.api.version",
            "com.docker.extension.screenshots",
            "operators.operatorframework.io.metrics.project_layout",
            "build_date",
            "com.example/team_name",
        ] {
            assert_eq!(key_problem(ok), None, "{ok}");
        }
    }
}
