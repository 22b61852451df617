use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::{label_pairs, schema, Resolved};
use crate::rules::helpers::mounts::mounts;
use crate::rules::helpers::stages::stage_chain;
use plimsoll_parser::Keyword;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Reports a stage that lacks a label the label schema requires. The schema is
    /// hadolint's `label-schema` (`.hadolint.yaml`) or `label-schema` in `plimsoll.toml`;
    /// without one the rule reports nothing.
    ///
    /// A stage has the labels its own LABEL instructions set and those of the stages it is
    /// built on (`FROM base`), as in the image. Stages that another stage uses (as its
    /// base, in `COPY --from` or in `RUN --mount=from=`, also through a build argument:
    /// `FROM build-${VARIANT}` may use `build-debian`) are not images anyone ships, and are
    /// not reported; a stage with a LABEL whose key depends on a build argument is not
    /// reported either.
    ///
    /// ## Why
    /// A label schema is a promise about every image a project publishes: who maintains
    /// it, where its source is, which version it is. Registries, scanners and deployment
    /// tools read these labels; an image without them cannot be traced back.
    ///
    /// Unlike hadolint, which only spares stages used by `COPY --from`, a stage used only
    /// as the base of later stages is not reported: `FROM base AS app` followed by the
    /// labels in `app` is what ships.
    ///
    /// ## Example
    /// ```toml
    /// label-schema = { maintainer = "email", "org.opencontainers.image.source" = "url" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL maintainer="jo@example.com"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20 AS base
    /// LABEL maintainer="jo@example.com"
    ///
    /// FROM base
    /// LABEL org.opencontainers.image.source="https://example.com/app"
    /// ```
    ///
    /// ## Fix
    /// None: only the author knows the label's value. Add a `LABEL` with it to the stage.
    pub struct MissingRequiredLabel {
        code: "DL3049",
        name: "missing-required-label",
        category: Style,
        severity: Info,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for MissingRequiredLabel {
    fn file(&self, checker: &mut Checker<'_>) {
        let required: Vec<&str> = schema(checker.settings).map(|(name, _)| name).collect();
        if required.is_empty() {
            return;
        }
        let model = checker.model;
        let several = model.stages.len() > 1;
        let last = model.stages.len().saturating_sub(1);
        for stage in &model.stages {
            if model.is_used_by_later_stage(stage.index) || may_be_used_later(checker, stage) {
                continue;
            }
            let mut present = BTreeSet::new();
            let mut unknown_key = false;
            for instruction in stage_chain(model, stage)
                .iter()
                .flat_map(|s| model.file.instructions.get(s.instructions.clone()))
                .flatten()
                .filter(|i| i.keyword == Keyword::Label)
            {
                for label in label_pairs(model, instruction) {
                    match label.key {
                        Resolved::Known(key) => {
                            present.insert(key);
                        }
                        Resolved::Dynamic => unknown_key = true,
                    }
                }
            }
            if unknown_key {
                continue;
            }
            let range = model.instruction(stage.from).range;
            for label in required.iter().filter(|l| !present.contains(**l)) {
                let message = match (several, &stage.name) {
                    (false, _) => format!("Label `{label}` is missing"),
                    (true, None) if stage.index == last => {
                        format!("Label `{label}` is missing in the final stage")
                    }
                    (true, _) => {
                        format!(
                            "Label `{label}` is missing in stage {}",
                            stage.display_name()
                        )
                    }
                };
                checker.report(range, message);
            }
        }
    }
}

/// Whether a later stage may use `stage` through a reference written with a variable:
/// `FROM build-${VARIANT}`, `COPY --from=$STAGE`, `RUN --mount=from=$STAGE`. Each variable
/// stands for any text, and the pattern is matched against the stage's name.
fn may_be_used_later(checker: &Checker<'_>, stage: &Stage) -> bool {
    let Some(name) = &stage.name else {
        return false;
    };
    let model = checker.model;
    let later = model
        .file
        .instructions
        .get(stage.instructions.end..)
        .unwrap_or(&[]);
    let mut references = Vec::new();
    for (offset, instruction) in later.iter().enumerate() {
        match instruction.keyword {
            Keyword::From => {
                let id = stage.instructions.end + offset;
                if let Some(s) = model.stages.iter().find(|s| s.from == id) {
                    references.push(checker.text(s.base_range).to_string());
                }
            }
            Keyword::Copy | Keyword::Add => {
                references.extend(instruction.flag("from").and_then(|f| f.value.clone()));
            }
            Keyword::Run => {
                references.extend(mounts(instruction).filter_map(|m| m.from().map(String::from)));
            }
            _ => {}
        }
    }
    references
        .iter()
        .filter(|r| r.contains('$'))
        .any(|r| matches_pattern(&variable_pattern(r), name))
}

/// A reference with each `$NAME` or `${…}` replaced by `*`, lowercased as stage names are.
fn variable_pattern(reference: &str) -> String {
    let mut out = String::new();
    let mut chars = reference.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.extend(c.to_lowercase());
            continue;
        }
        if chars.peek() == Some(&'{') {
            for inner in chars.by_ref() {
                if inner == '}' {
                    break;
                }
            }
        } else {
            while chars
                .next_if(|c| c.is_ascii_alphanumeric() || *c == '_')
                .is_some()
            {}
        }
        out.push('*');
    }
    out.trim_matches(['"', '\'']).to_string()
}

/// Whether `text` matches `pattern`, where `*` stands for any text.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    if parts.len() == 1 {
        return pattern == text;
    }
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{matches_pattern, variable_pattern};

    #[test]
    fn patterns() {
        assert_eq!(variable_pattern("build-${BASE_VARIANT}"), "build-*");
        assert_eq!(variable_pattern("\"$STAGE\""), "*");
        assert_eq!(variable_pattern("Bin-$OS-${ARCH:-amd64}"), "bin-*-*");
        assert!(matches_pattern("build-*", "build-debian"));
        assert!(matches_pattern("*", "anything"));
        assert!(matches_pattern("bin-*-*", "bin-linux-arm"));
        assert!(!matches_pattern("build-*", "test-debian"));
        assert!(!matches_pattern("ab*ba", "aba"));
        assert!(matches_pattern("exact", "exact"));
    }
}
