//! LABEL pairs as the build sees them, and hadolint's label schema (`label-schema`,
//! `strict-labels`), for the label rules DL3048–DL3058.

use crate::checker::Checker;
use crate::model::{InstructionId, SemanticModel};
use crate::rules::helpers::expansion::{expand_word, is_onbuild_trigger};
use crate::rules::helpers::label_formats;
use crate::rules::helpers::stages::stage_chain;
use crate::settings::Settings;
use plimsoll_parser::expand::Lexer;
use plimsoll_parser::{Arguments, Instruction, KeyValue, Keyword, TextRange};

/// What a label's value must be, as a `label-schema` entry says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LabelKind {
    /// `text` (or an empty kind): anything.
    Text,
    /// `url`: an absolute URI (RFC 3986).
    Url,
    /// `spdx`: an SPDX license expression.
    Spdx,
    /// `hash`: a Git commit hash.
    Hash,
    /// `rfc3339`: a date and time (RFC 3339).
    Rfc3339,
    /// `semver`: a semantic version.
    Semver,
    /// `email`: an email address (RFC 5322).
    Email,
}

impl LabelKind {
    /// The kinds a schema may name, for error messages.
    pub(crate) const NAMES: &'static str =
        "`text`, `url`, `semver`, `hash`, `rfc3339`, `spdx` or `email`";

    /// The kind a schema entry names; an empty name is `text`, as in hadolint.
    pub(crate) fn parse(name: &str) -> Option<LabelKind> {
        Some(match name.trim() {
            "" | "text" => LabelKind::Text,
            "url" => LabelKind::Url,
            "spdx" => LabelKind::Spdx,
            "hash" => LabelKind::Hash,
            "rfc3339" => LabelKind::Rfc3339,
            "semver" => LabelKind::Semver,
            "email" => LabelKind::Email,
            _ => return None,
        })
    }

    /// Whether `value` (not empty) is a value of this kind.
    pub(crate) fn accepts(self, value: &str) -> bool {
        match self {
            LabelKind::Text => true,
            LabelKind::Url => label_formats::is_uri(value),
            LabelKind::Spdx => label_formats::is_spdx_expression(value),
            LabelKind::Hash => label_formats::is_git_hash(value),
            LabelKind::Rfc3339 => label_formats::is_rfc3339(value),
            LabelKind::Semver => label_formats::is_semver(value),
            LabelKind::Email => label_formats::is_mailbox_list(value),
        }
    }
}

/// The label schema of the settings, entries of an unknown kind left out (the settings
/// readers reject them).
pub(crate) fn schema(settings: &Settings) -> impl Iterator<Item = (&str, LabelKind)> {
    settings
        .label_schema
        .iter()
        .filter_map(|(name, kind)| Some((name.as_str(), LabelKind::parse(kind)?)))
}

/// The kind the schema gives label `key`, if it names it.
pub(crate) fn schema_kind(settings: &Settings, key: &str) -> Option<LabelKind> {
    schema(settings)
        .find(|(name, _)| *name == key)
        .map(|(_, kind)| kind)
}

/// A label key or value as the image gets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// Quotes and escapes removed, variables expanded.
    Known(String),
    /// Set at build time: it uses a build argument, a variable without a value, or a
    /// variable of an ONBUILD trigger (expanded in a later build).
    Dynamic,
}

impl Resolved {
    /// The text, when known.
    pub(crate) fn known(&self) -> Option<&str> {
        match self {
            Resolved::Known(text) => Some(text),
            Resolved::Dynamic => None,
        }
    }
}

/// One `key=value` of a LABEL, resolved.
pub(crate) struct LabelPair<'i> {
    /// The key.
    pub(crate) key: Resolved,
    /// The value.
    pub(crate) value: Resolved,
    /// The pair as written.
    pub(crate) pair: &'i KeyValue,
}

impl LabelPair<'_> {
    /// Where the value is written, or the whole pair when the value is empty (`key=`).
    pub(crate) fn value_range(&self) -> TextRange {
        if self.pair.value.range.is_empty() {
            self.pair.range
        } else {
            self.pair.value.range
        }
    }
}

/// The pairs of a LABEL instruction (also one an ONBUILD registers); none for other
/// instructions.
pub(crate) fn label_pairs<'i>(
    model: &SemanticModel,
    instruction: &'i Instruction,
) -> Vec<LabelPair<'i>> {
    let Arguments::KeyValues(pairs) = &instruction.args else {
        return Vec::new();
    };
    if instruction.keyword != Keyword::Label {
        return Vec::new();
    }
    let Some(id) = model.id_of(instruction) else {
        return Vec::new();
    };
    let trigger = is_onbuild_trigger(model, instruction);
    pairs
        .iter()
        .map(|pair| LabelPair {
            key: resolve(model, id, &pair.key.value, trigger),
            value: resolve(model, id, &pair.value.value, trigger),
            pair,
        })
        .collect()
}

/// A word of the LABEL instruction `id` as the image gets it.
fn resolve(model: &SemanticModel, id: InstructionId, word: &str, trigger: bool) -> Resolved {
    if word.contains('$') && (trigger || uses_build_time_variable(model, id, word)) {
        return Resolved::Dynamic;
    }
    expand_word(model, id, word).map_or(Resolved::Dynamic, Resolved::Known)
}

/// Whether `word` uses a variable that may change from one build to the next (see
/// [`is_build_time`]).
fn uses_build_time_variable(model: &SemanticModel, id: InstructionId, word: &str) -> bool {
    Lexer::new(model.file.escape)
        .process_word(word, &model.variables_at(id))
        .map_or(true, |expansion| {
            expansion
                .matched
                .iter()
                .any(|name| is_build_time(model, id, name))
        })
}

/// Whether variable `name`, as seen at instruction `id`, may change from one build to the
/// next: it is a build argument, or an ENV whose value uses a variable (it may come from
/// one), or it cannot be found.
fn is_build_time(model: &SemanticModel, id: InstructionId, name: &str) -> bool {
    let Some(stage) = model.stage_of(id) else {
        return true;
    };
    let chain = stage_chain(model, stage);
    // The latest declaration: the stage's own ARGs and ENVs before `id`, then the parents'
    // ENVs, nearest first.
    let declared = chain
        .iter()
        .flat_map(|s| {
            let own = s.index == stage.index;
            s.variables
                .iter()
                .rev()
                .filter(move |v| if own { v.instruction < id } else { v.is_env })
        })
        .find(|v| v.name == name);
    let Some(variable) = declared else {
        return true;
    };
    if !variable.is_env {
        return true;
    }
    match &model.instruction(variable.instruction).args {
        Arguments::KeyValues(pairs) => pairs
            .iter()
            .rev()
            .find(|pair| pair.key.value == name)
            .is_none_or(|pair| pair.value.value.contains('$')),
        _ => true,
    }
}

/// A LABEL value that is not of the kind the schema gives its label.
pub(crate) struct InvalidLabel<'i> {
    /// The label's key.
    pub(crate) key: String,
    /// The value, resolved.
    pub(crate) value: String,
    /// The pair.
    pub(crate) label: LabelPair<'i>,
}

impl InvalidLabel<'_> {
    /// `Label `key` {problem}: `value``.
    pub(crate) fn message(&self, problem: &str) -> String {
        format!("Label `{}` {problem}: `{}`", self.key, shorten(&self.value))
    }
}

/// The values of a LABEL instruction whose label the schema gives `kind` and that are not
/// of that kind. Empty values are left out (they are `empty-required-label`'s).
pub(crate) fn invalid_labels<'i>(
    checker: &Checker<'_>,
    instruction: &'i Instruction,
    kind: LabelKind,
) -> Vec<InvalidLabel<'i>> {
    if checker.settings.label_schema.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for label in label_pairs(checker.model, instruction) {
        let (Some(key), Some(value)) = (label.key.known(), label.value.known()) else {
            continue;
        };
        if value.is_empty() || schema_kind(checker.settings, key) != Some(kind) {
            continue;
        }
        if !kind.accepts(value) {
            out.push(InvalidLabel {
                key: key.to_string(),
                value: value.to_string(),
                label,
            });
        }
    }
    out
}

/// Reports every [`invalid_labels`] value: `Label `key` {problem}: `value``.
pub(crate) fn check_label_kind(
    checker: &mut Checker<'_>,
    instruction: &Instruction,
    kind: LabelKind,
    problem: &str,
) {
    for invalid in invalid_labels(checker, instruction, kind) {
        checker.report(invalid.label.value_range(), invalid.message(problem));
    }
}

/// `text` cut to 60 characters, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(source: &str, index: usize) -> Vec<(Resolved, Resolved)> {
        let model = SemanticModel::new(plimsoll_parser::parse(source));
        let instruction = model.file.instructions[index].clone();
        let instruction = instruction.onbuild_child().cloned().unwrap_or(instruction);
        label_pairs(&model, &instruction)
            .into_iter()
            .map(|p| (p.key, p.value))
            .collect()
    }

    fn known(text: &str) -> Resolved {
        Resolved::Known(text.to_string())
    }

    #[test]
    fn kinds() {
        assert_eq!(LabelKind::parse(""), Some(LabelKind::Text));
        assert_eq!(LabelKind::parse("semver"), Some(LabelKind::Semver));
        assert_eq!(LabelKind::parse("Semver"), None);
        assert_eq!(LabelKind::parse("date"), None);
        assert!(LabelKind::Text.accepts("anything at all"));
    }

    #[test]
    fn quotes_are_removed() {
        assert_eq!(
            pairs("FROM a\nLABEL \"com.example.a\"='x y' b=\"\"\n", 1),
            [
                (known("com.example.a"), known("x y")),
                (known("b"), known(""))
            ]
        );
    }

    #[test]
    fn env_values_are_known_and_args_are_dynamic() {
        let source =
            "ARG G=1\nFROM a\nARG V=1.0.0\nENV E=2.0.0 F=$V\nLABEL a=$E b=$V c=${F} d=$NOPE e=$G\n";
        let found = pairs(source, 4);
        assert_eq!(found[0].1, known("2.0.0"));
        assert_eq!(found[1].1, Resolved::Dynamic);
        assert_eq!(found[2].1, Resolved::Dynamic);
        assert_eq!(found[3].1, Resolved::Dynamic);
        assert_eq!(found[4].1, Resolved::Dynamic);
    }

    #[test]
    fn env_of_a_parent_stage_is_known() {
        let source = "FROM a AS base\nENV V=1.2.3\nFROM base\nLABEL version=$V\n";
        assert_eq!(pairs(source, 3)[0].1, known("1.2.3"));
    }

    #[test]
    fn onbuild_variables_are_dynamic() {
        let source = "FROM a\nENV V=1\nONBUILD LABEL a=$V b=c\n";
        let found = pairs(source, 2);
        assert_eq!(found[0].1, Resolved::Dynamic);
        assert_eq!(found[1], (known("b"), known("c")));
    }

    #[test]
    fn other_instructions_have_no_pairs() {
        assert!(pairs("FROM a\nENV a=b\n", 1).is_empty());
    }

    #[test]
    fn shortened() {
        assert_eq!(shorten("abc"), "abc");
        assert_eq!(shorten(&"é".repeat(70)).chars().count(), 61);
    }
}
