//! "Did you mean" fixes for syntax errors: an unknown instruction (`RUNN`), an unknown flag
//! (`--interva`), a `FROM … IS name`, an invalid `escape` directive, a repeated directive.
//!
//! A correction changes what the file means, so it is never safe: when exactly one
//! candidate is one or two edits away the fix is unsafe, and when several are it is
//! display-only (the first candidate, the others named in the title).

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::registry::FixAvailability;
use crate::rules::helpers::typos::{close_matches, typo_distance};
use plimsoll_parser::{
    flags_of, Arguments, Dockerfile, Instruction, Keyword, SyntaxCode, SyntaxDiagnostic, TextRange,
};

/// Whether a syntax code may come with a fix.
pub(crate) fn availability(code: SyntaxCode) -> FixAvailability {
    match code {
        SyntaxCode::InvalidDirective
        | SyntaxCode::UnknownInstruction
        | SyntaxCode::WrongArgumentCount
        | SyntaxCode::InvalidFlag => FixAvailability::Sometimes,
        _ => FixAvailability::None,
    }
}

/// The fix for a syntax error of `file` (whose text is `source`), if a correction is likely.
pub(crate) fn fix_for(file: &Dockerfile, source: &str, error: &SyntaxDiagnostic) -> Option<Fix> {
    let fix = match error.code {
        SyntaxCode::UnknownInstruction => unknown_instruction(file, source, error.range),
        SyntaxCode::InvalidFlag => flag(file, source, error),
        SyntaxCode::WrongArgumentCount if error.message.starts_with("FROM requires") => {
            from_as(file, error.range)
        }
        SyntaxCode::InvalidDirective => directive(file, source, error),
        _ => None,
    };
    fix.filter(|fix| repairs(file, source, fix, error))
}

/// Whether the corrected text has one `error` fewer and no more syntax errors than before:
/// a correction can bring new errors (`VOONBUILD /data` → `ONBUILD /data`, whose trigger
/// `/data` is no instruction, before a `FROM`).
fn repairs(file: &Dockerfile, source: &str, fix: &Fix, error: &SyntaxDiagnostic) -> bool {
    let corrected = plimsoll_parser::parse(&crate::fix::apply_edits(source, &fix.edits));
    // The same error may be written elsewhere too (`RUNN` twice): one fewer of it.
    let count = |file: &Dockerfile| {
        file.diagnostics
            .iter()
            .filter(|d| d.code == error.code && d.message == error.message)
            .count()
    };
    corrected.diagnostics.len() <= file.diagnostics.len() && count(&corrected) < count(file)
}

/// Every instruction, ONBUILD triggers included.
fn instructions(file: &Dockerfile) -> impl Iterator<Item = &Instruction> {
    file.instructions
        .iter()
        .flat_map(|i| std::iter::once(i).chain(i.onbuild_child()))
}

/// A fix replacing `range` (which reads `written`) with the first candidate: unsafe when
/// it is the only one, display-only otherwise.
fn correction(range: TextRange, written: &str, candidates: &[String]) -> Option<Fix> {
    let (first, others) = candidates.split_first()?;
    let mut title = format!("Replace `{written}` with `{first}`");
    let applicability = if others.is_empty() {
        Applicability::Unsafe
    } else {
        let others: Vec<String> = others.iter().map(|o| format!("`{o}`")).collect();
        title.push_str(&format!(" (or {})", others.join(", ")));
        Applicability::DisplayOnly
    };
    Some(Fix::new(
        title,
        applicability,
        vec![Edit::replace(range, first.clone())],
    ))
}

/// `RUNN x` → `RUN x`. Only for a keyword at the start of its line or written in capitals:
/// an indented lowercase word is more likely a shell command whose line lost its `\`.
fn unknown_instruction(file: &Dockerfile, source: &str, range: TextRange) -> Option<Fix> {
    instructions(file).find(|i| i.keyword_range == range && i.keyword == Keyword::Unknown)?;
    let written = source.get(range.as_usize())?;
    let at_line_start = source
        .get(..range.start as usize)
        .is_some_and(|before| before.is_empty() || before.ends_with('\n'));
    let lowercase = written == written.to_lowercase();
    if written.chars().count() < 2 || (lowercase && !at_line_start) {
        return None;
    }
    let names = Keyword::ALL.map(Keyword::as_str);
    let found: Vec<String> = close_matches(written, names)
        .into_iter()
        .map(|name| {
            if lowercase {
                name.to_lowercase()
            } else {
                name.to_string()
            }
        })
        .collect();
    correction(range, written, &found)
}

/// `--interva=5s` → `--interval=5s`, from the flags BuildKit accepts on the instruction;
/// `--network=hots` → `--network=host`, from the values BuildKit accepts.
fn flag(file: &Dockerfile, source: &str, error: &SyntaxDiagnostic) -> Option<Fix> {
    let (instruction, flag) = instructions(file)
        .find_map(|i| Some((i, i.flags.iter().find(|f| f.range == error.range)?)))?;
    if error.message.starts_with("missing a value on flag:") {
        return value_after_space(instruction, source, flag.range);
    }
    if error.message.starts_with("unknown flag:") {
        let accepted = flags_of(instruction.keyword);
        let found: Vec<String> = close_matches(&flag.name, accepted)
            .into_iter()
            .map(str::to_string)
            .collect();
        return correction(flag.name_range, &flag.name, &found);
    }
    let values: &[&str] = if error.message.starts_with("invalid network mode") {
        &["default", "none", "host"]
    } else if error.message.starts_with("security ") {
        &["insecure", "sandbox"]
    } else if error.message.starts_with("expecting boolean value") {
        &["true", "false"]
    } else {
        return None;
    };
    let value = flag.value.as_deref()?;
    let range = flag.value_range?;
    let found: Vec<String> = close_matches(value, values.iter().copied())
        .into_iter()
        .map(str::to_string)
        .collect();
    correction(range, value, &found)
}

/// `COPY --from builder /a /b` → `COPY --from=builder /a /b`: the value was written after
/// a space. Only for `COPY`, `ADD` and `FROM`, when enough arguments are left.
fn value_after_space(instruction: &Instruction, source: &str, flag: TextRange) -> Option<Fix> {
    let Arguments::List(words) = &instruction.args else {
        return None;
    };
    let needed = match instruction.keyword {
        Keyword::Copy | Keyword::Add => 3,
        Keyword::From => 2,
        _ => return None,
    };
    let next = words.first().filter(|_| words.len() >= needed)?;
    let gap = source.get(flag.end as usize..next.range.start as usize)?;
    if gap.is_empty() || !gap.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let written = source.get(flag.as_usize())?;
    Some(Fix::unsafe_edit(
        format!("Write `{written}={}`", next.value),
        vec![Edit::replace(
            TextRange::new(flag.end, next.range.start),
            "=",
        )],
    ))
}

/// `FROM image IS name` → `FROM image AS name`.
fn from_as(file: &Dockerfile, range: TextRange) -> Option<Fix> {
    let from = instructions(file).find(|i| i.range == range && i.keyword == Keyword::From)?;
    let Arguments::List(words) = &from.args else {
        return None;
    };
    let [_, middle, _] = words.as_slice() else {
        return None;
    };
    let distance = typo_distance(&middle.value.to_lowercase(), "as");
    let keyword = if from.keyword_text == from.keyword_text.to_lowercase() {
        "as"
    } else {
        "AS"
    };
    let title = format!("Replace `{}` with `{keyword}`", middle.value);
    let edits = vec![Edit::replace(middle.range, keyword)];
    match distance {
        1 => Some(Fix::unsafe_edit(title, edits)),
        2 => Some(Fix::display_only(title, edits)),
        _ => None,
    }
}

/// `# escape=\\` → `# escape=\`; a repeated directive → its removal.
fn directive(file: &Dockerfile, source: &str, error: &SyntaxDiagnostic) -> Option<Fix> {
    if error.message.starts_with("invalid escape token") {
        let written = source.get(error.range.as_usize())?;
        let (token, name, applicability) = match (written.contains('`'), written.contains('\\')) {
            (true, false) => ("`", "backtick", Applicability::Unsafe),
            (false, true) => ("\\", "backslash", Applicability::Unsafe),
            _ => ("\\", "backslash", Applicability::DisplayOnly),
        };
        return Some(Fix::new(
            format!("Use the {name} as the escape character"),
            applicability,
            vec![Edit::replace(error.range, token)],
        ));
    }
    if error.message.starts_with("only one ") {
        let line = source.get(error.range.as_usize())?;
        let (name, value) = line.trim_start_matches('#').split_once('=')?;
        let name = name.trim().to_lowercase();
        let first = file.directive(&name)?;
        let end = source
            .get(error.range.end as usize..)
            .and_then(|rest| rest.find('\n'))
            .map_or(source.len(), |i| error.range.end as usize + i + 1);
        let removal = TextRange::new(error.range.start, end as u32);
        let title = format!("Remove the repeated `{name}` directive");
        let edits = vec![Edit::delete(removal)];
        return Some(if value.trim() == first.value {
            Fix::unsafe_edit(title, edits)
        } else {
            Fix::display_only(title, edits)
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::fix_for;
    use crate::diagnostic::Applicability;

    fn fix(text: &str) -> Option<(Applicability, String, String)> {
        let file = plimsoll_parser::parse(text);
        let error = file.diagnostics.first()?;
        let fix = fix_for(&file, text, error)?;
        let mut fixed = text.to_string();
        for edit in fix.edits.iter().rev() {
            if let crate::diagnostic::Edit::Replace { range, content } = edit {
                fixed.replace_range(range.as_usize(), content);
            }
        }
        Some((fix.applicability, fix.title, fixed))
    }

    #[test]
    fn unknown_instructions() {
        let (applicability, title, fixed) = fix("FROM a\nRUNN make\n").unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(title, "Replace `RUNN` with `RUN`");
        assert_eq!(fixed, "FROM a\nRUN make\n");
        let (_, _, fixed) = fix("FROM a\ncopyy . /src\n").unwrap();
        assert_eq!(fixed, "FROM a\ncopy . /src\n");
        let (applicability, title, _) = fix("FROM a\nCP x\n").unwrap();
        assert_eq!(applicability, Applicability::DisplayOnly);
        assert!(title.contains("(or"), "{title}");
        // An indented lowercase word: a shell line that lost its `\`.
        assert_eq!(fix("FROM a\nRUN make\n    cd /app\n"), None);
        assert_eq!(fix("FROM a\nFOOBAR x\n"), None);
        // A correction that would bring more errors is not offered (this used to turn
        // `VOONBUILD /data` into `ONBUILD /data`, whose trigger is no instruction, before
        // any FROM: one more error on every pass).
        assert_eq!(fix("VOONBUILD /data\nFROM a\n"), None);
        assert!(fix("FROM a\nVOONBUILD RUN x\n").is_some());
    }

    #[test]
    fn unknown_flags() {
        let (applicability, _, fixed) = fix("FROM a\nHEALTHCHECK --interva=5s CMD true\n").unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(fixed, "FROM a\nHEALTHCHECK --interval=5s CMD true\n");
        let (_, _, fixed) = fix("FROM a\nCOPY --chmown=app a b\n").unwrap();
        assert_eq!(fixed, "FROM a\nCOPY --chown=app a b\n");
        assert_eq!(fix("FROM a\nADD --from=b a b\n"), None);
        assert_eq!(fix("FROM a\nCOPY --link --link a b\n"), None);
        let (applicability, _, fixed) = fix("FROM a\nCOPY --CHOWN=app a b\n").unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(fixed, "FROM a\nCOPY --chown=app a b\n");
        let (_, _, fixed) = fix("FROM a\nCOPY --from builder /a /b\n").unwrap();
        assert_eq!(fixed, "FROM a\nCOPY --from=builder /a /b\n");
        assert_eq!(fix("FROM a\nCOPY --from builder /a\n"), None);
        let (_, _, fixed) = fix("FROM a\nRUN --network=hots make\n").unwrap();
        assert_eq!(fixed, "FROM a\nRUN --network=host make\n");
        let (_, _, fixed) = fix("FROM a\nCOPY --link=ture a b\n").unwrap();
        assert_eq!(fixed, "FROM a\nCOPY --link=true a b\n");
    }

    #[test]
    fn from_as() {
        let (applicability, _, fixed) = fix("FROM a IS b\n").unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(fixed, "FROM a AS b\n");
        let (_, _, fixed) = fix("from a iz b\n").unwrap();
        assert_eq!(fixed, "from a as b\n");
        assert_eq!(fix("FROM a NAMED b\n"), None);
        assert_eq!(fix("FROM a b\n"), None);
    }

    #[test]
    fn directives() {
        let (applicability, _, fixed) = fix("# escape=``\nFROM a\n").unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(fixed, "# escape=`\nFROM a\n");
        let (applicability, _, fixed) = fix("# escape=foo\nFROM a\n").unwrap();
        assert_eq!(applicability, Applicability::DisplayOnly);
        assert_eq!(fixed, "# escape=\\\nFROM a\n");
        let (applicability, _, fixed) =
            fix("# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1\nFROM a\n").unwrap();
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(fixed, "# syntax=docker/dockerfile:1\nFROM a\n");
    }
}
