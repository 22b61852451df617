//! What several of BuildKit's build checks share: instruction keyword casing, quoting a
//! value as a Dockerfile word, telling a top-level instruction from one registered by
//! ONBUILD, and reporting instructions that a later one overrides. (Go's `%q` quoting and
//! the other pieces of BuildKit's behaviour are in `buildkit_compat`.)

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::model::{InstructionId, SemanticModel, Stage};
use plimsoll_parser::{Arguments, Instruction, KeyValue, Keyword, TextRange};

/// Whether an instruction keyword is written all lowercase (`from`), as BuildKit's casing
/// checks compare it.
pub(crate) fn is_lowercase(word: &str) -> bool {
    // An ASCII word (every keyword) is answered without making its lowercase copy.
    if word.is_ascii() {
        return !word.bytes().any(|b| b.is_ascii_uppercase());
    }
    word == word.to_lowercase()
}

/// Whether an instruction keyword is written all uppercase (`FROM`).
pub(crate) fn is_uppercase(word: &str) -> bool {
    if word.is_ascii() {
        return !word.bytes().any(|b| b.is_ascii_lowercase());
    }
    word == word.to_uppercase()
}

/// `word` in the casing of the keyword `like`: lowercase when `like` is all lowercase,
/// else uppercase.
pub(crate) fn cased_like(word: &str, like: &str) -> String {
    if is_lowercase(like) {
        word.to_ascii_lowercase()
    } else {
        word.to_ascii_uppercase()
    }
}

/// `value` as one double-quoted Dockerfile word that BuildKit reads back as exactly `value`:
/// `"`, `$` and the escape character are escaped.
pub(crate) fn double_quoted(value: &str, escape: char) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '$' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// How BuildKit reads `text`, one rewritten `ENV` or `LABEL` instruction in a file whose
/// escape character is `escape`: its keyword and its one `key=value` pair, if it is that.
/// Fixes that rewrite such an instruction check with it that the result means what they
/// intend.
pub(crate) fn read_single_pair(text: &str, escape: char) -> Option<(Keyword, KeyValue)> {
    let text = if escape == '\\' {
        text.to_string()
    } else {
        format!("# escape={escape}\n{text}\n")
    };
    let file = plimsoll_parser::parse(&text);
    let [instruction] = file.instructions.as_slice() else {
        return None;
    };
    let Arguments::KeyValues(pairs) = &instruction.args else {
        return None;
    };
    match pairs.as_slice() {
        [pair] if !pair.legacy => Some((instruction.keyword, pair.clone())),
        _ => None,
    }
}

/// The id of `instruction` when it is a top-level instruction, `None` when ONBUILD
/// registers it (BuildKit's checks do not look at ONBUILD's nested instruction).
pub(crate) fn top_level_id(
    model: &SemanticModel,
    instruction: &Instruction,
) -> Option<InstructionId> {
    let id = model.id_of(instruction)?;
    let top = model.instruction(id);
    (top.range == instruction.range && top.keyword == instruction.keyword).then_some(id)
}

/// Reports every `keyword` instruction of `stage` but the last, which is the one that takes
/// effect, with BuildKit's `MultipleInstructionsDisallowed` message. The fix deletes the
/// overridden instruction.
pub(crate) fn report_overridden(checker: &mut Checker<'_>, stage: &Stage, keyword: Keyword) {
    let model = checker.model;
    let found: Vec<&Instruction> = stage
        .instructions
        .clone()
        .map(|id| model.instruction(id))
        .filter(|i| i.keyword == keyword)
        .collect();
    let Some((last, overridden)) = found.split_last() else {
        return;
    };
    for instruction in overridden {
        let name = &instruction.keyword_text;
        let lines = TextRange::new(
            checker.line_start(instruction.range.start),
            checker.next_line_start(instruction.range.end),
        );
        let message = format!(
            "Multiple {name} instructions should not be used in the same stage because only \
             the last one will be used"
        );
        checker
            .report(instruction.range, message)
            .add_related(
                last.keyword_range,
                format!("only this `{name}` takes effect"),
            )
            .set_fix(Fix::unsafe_edit(
                format!("Remove the overridden `{name}`"),
                vec![Edit::delete(lines)],
            ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_quotes_dockerfile_words() {
        assert_eq!(
            double_quoted("Jane \"J\" $HOME \\", '\\'),
            "\"Jane \\\"J\\\" \\$HOME \\\\\""
        );
        assert_eq!(double_quoted("a\\b", '`'), "\"a\\b\"");
    }

    #[test]
    fn casing() {
        assert_eq!(cased_like("label", "maintainer"), "label");
        assert_eq!(cased_like("label", "Maintainer"), "LABEL");
        assert!(is_uppercase("FROM") && !is_uppercase("From") && !is_lowercase("From"));
    }
}
