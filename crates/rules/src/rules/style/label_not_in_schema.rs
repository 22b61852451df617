use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::labels::{label_pairs, schema_kind};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// With strict labels on (hadolint's `strict-labels: true`, or `strict-labels = true`
    /// in `plimsoll.toml`), reports each LABEL key the label schema does not name. With
    /// strict labels on and no schema, every label is reported, as in hadolint.
    ///
    /// The key is read as the build reads it: quotes removed and variables expanded. A key
    /// that depends on a build argument is not checked.
    ///
    /// ## Why
    /// A strict schema keeps an organisation's images uniform: labels outside it are
    /// usually a misspelt schema key (`org.opencontainers.image.licence`), a
    /// left-over from a copied Dockerfile, or a convention the schema replaced
    /// (`org.label-schema.*`), and tools that read the schema's keys never see them.
    ///
    /// Unlike hadolint, which reports the LABEL instruction once, each superfluous key is
    /// reported where it is written.
    ///
    /// ## Example
    /// ```toml
    /// strict-labels = true
    /// label-schema = { maintainer = "email" }
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// LABEL maintainer="jo@example.com" \
    ///       org.label-schema.vcs-url="https://example.com/app.git"
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// LABEL maintainer="jo@example.com"
    /// ```
    ///
    /// ## Fix
    /// None: the label may be wanted, and belong in the schema. Add its key to the schema,
    /// or remove it from the LABEL.
    pub struct LabelNotInSchema {
        code: "DL3050",
        name: "label-not-in-schema",
        category: Style,
        severity: Info,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Label])],
    }
}

impl Rule for LabelNotInSchema {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        if !checker.settings.strict_labels {
            return;
        }
        for label in label_pairs(checker.model, instruction) {
            let Some(key) = label.key.known() else {
                continue;
            };
            if schema_kind(checker.settings, key).is_none() {
                let message =
                    format!("Superfluous label `{key}`: the label schema does not name it");
                checker.report(label.pair.key.range, message);
            }
        }
    }
}
