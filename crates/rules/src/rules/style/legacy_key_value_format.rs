use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::fix::apply_edits;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::{read_single_pair, top_level_id};
use plimsoll_parser::expand::{EnvList, Lexer};
use plimsoll_parser::{Arguments, Instruction, KeyValue, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `ENV` and `LABEL` in the legacy form that separates the key from the value
    /// with whitespace (`ENV PATH /opt/bin:$PATH`) instead of `=`. This is BuildKit's
    /// `LegacyKeyValueFormat` check, with its message. Instructions registered with
    /// `ONBUILD` are not checked, as BuildKit does not check them.
    ///
    /// ## Why
    /// The legacy form takes everything after the key as the value, spaces included, and
    /// can set only one variable; the `key=value` form reads words, so that
    /// `ENV A=1 B=2` sets two. Mixing both forms makes it easy to misread what a line sets,
    /// and Docker deprecates the legacy form and warns about it on every build.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// ENV APP_HOME /opt/app
    /// LABEL org.opencontainers.image.title My App
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// ENV APP_HOME=/opt/app
    /// LABEL org.opencontainers.image.title="My App"
    /// ```
    ///
    /// ## Fix
    /// Joins the key and the value with `=`. When the value has whitespace outside quotes,
    /// the fix wraps it in double quotes and rewrites what quoting changes: quotes inside
    /// are merged into the new ones, and in text that was single-quoted, `"`, `$` and the
    /// escape character are escaped, so that the variable gets exactly the same value
    /// (line continuations are kept). The fix is safe: it is offered only when reading the
    /// new instruction back gives the same key and value; none is offered when a comment
    /// line sits between the key and the value.
    pub struct LegacyKeyValueFormat {
        code: "PL206",
        name: "legacy-key-value-format",
        aliases: ["LegacyKeyValueFormat"],
        category: Style,
        severity: Style,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Env, Keyword::Label])],
    }
}

impl Rule for LegacyKeyValueFormat {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        if top_level_id(checker.model, instruction).is_none() {
            return;
        }
        let Arguments::KeyValues(pairs) = &instruction.args else {
            return;
        };
        let escape = checker.model.file.escape;
        for pair in pairs.iter().filter(|pair| pair.legacy) {
            let fix = key_value_fix(checker, instruction, pair, escape);
            let name = &instruction.keyword_text;
            let message = format!(
                "\"{name} key=value\" should be used instead of legacy \"{name} key value\" format"
            );
            let diagnostic = checker.report(instruction.range, message);
            if let Some(edits) = fix {
                diagnostic.set_fix(Fix::safe(
                    format!("Write `{name} {}=…`", pair.key.value),
                    edits,
                ));
            }
        }
    }
}

/// The edits that turn the legacy pair into `key=value` with the same value, if any.
fn key_value_fix(
    checker: &Checker<'_>,
    instruction: &Instruction,
    pair: &KeyValue,
    escape: char,
) -> Option<Vec<Edit>> {
    let (key, value) = (&pair.key, &pair.value);
    if value.value.is_empty() || value.range.start < key.range.end {
        return None;
    }
    let gap = TextRange::new(key.range.end, value.range.start);
    let gap_is_blank = checker
        .text(gap)
        .chars()
        .all(|c| c.is_whitespace() || c == escape);
    let has_comment = checker
        .model
        .file
        .comments
        .iter()
        .any(|c| instruction.range.contains_range(c.range));
    if !gap_is_blank || has_comment {
        return None;
    }
    // Where each character of the value is in the file: the value may span lines.
    let args = instruction.args_text();
    let at = args.trim_end().strip_suffix(value.value.as_str())?.len();
    let logical_start = instruction.args_range.start as usize + at;
    let file_offset = |i: usize| -> u32 {
        if i >= value.value.len() {
            return value.range.end;
        }
        let start = (logical_start + i) as u32;
        instruction
            .to_file_range(TextRange::new(start, start + 1))
            .start
    };
    let mut edits = match quoting_edits(&value.value, escape) {
        Quoting::AsIs => vec![Edit::replace(gap, "=")],
        Quoting::Wrap(changes) => {
            let mut edits = vec![
                Edit::replace(gap, "=\""),
                Edit::insert(value.range.end, "\""),
            ];
            for change in changes {
                edits.push(match change {
                    Change::Delete(i) => {
                        let start = file_offset(i);
                        Edit::delete(TextRange::new(start, start + 1))
                    }
                    Change::EscapeBefore(i) => Edit::insert(file_offset(i), escape.to_string()),
                });
            }
            edits
        }
        Quoting::Unsure => return None,
    };
    edits.sort_by_key(|e| e.range().map(|r| (r.start, r.end)));
    reads_back(checker, instruction, pair, &edits, escape).then_some(edits)
}

/// How a legacy value becomes one `key=value` word.
enum Quoting {
    /// It is one word already.
    AsIs,
    /// Wrapped in double quotes, with these changes to the value's characters.
    Wrap(Vec<Change>),
    /// Not sure how BuildKit would read it.
    Unsure,
}

/// A change to a character of the value, by byte index.
enum Change {
    /// Delete it (a quote merged into the new ones, or an escape no longer needed).
    Delete(usize),
    /// Put the escape character before it.
    EscapeBefore(usize),
}

fn quoting_edits(value: &str, escape: char) -> Quoting {
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    let mut changes = Vec::new();
    let mut needs_quotes = false;
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        if c == escape {
            let Some(&(_, next)) = chars.get(i + 1) else {
                return Quoting::Unsure;
            };
            // Outside quotes `\x` is `x`; inside double quotes only `"`, `$` and the
            // escape character are escaped, other escapes stay as written.
            if !(next == '"' || next == '$' || next == escape) {
                changes.push(Change::Delete(at));
            }
            i += 2;
        } else if c == '"' {
            changes.push(Change::Delete(at));
            i += 1;
            loop {
                let Some(&(inner_at, inner)) = chars.get(i) else {
                    return Quoting::Unsure;
                };
                if inner == escape {
                    i += 2;
                } else if inner == '"' {
                    changes.push(Change::Delete(inner_at));
                    i += 1;
                    break;
                } else {
                    i += 1;
                }
            }
        } else if c == '\'' {
            changes.push(Change::Delete(at));
            i += 1;
            loop {
                let Some(&(inner_at, inner)) = chars.get(i) else {
                    return Quoting::Unsure;
                };
                i += 1;
                if inner == '\'' {
                    changes.push(Change::Delete(inner_at));
                    break;
                }
                if inner == '"' || inner == '$' || inner == escape {
                    changes.push(Change::EscapeBefore(inner_at));
                }
            }
        } else {
            needs_quotes |= c.is_whitespace();
            i += 1;
        }
    }
    if needs_quotes {
        Quoting::Wrap(changes)
    } else {
        Quoting::AsIs
    }
}

/// Whether the instruction with `edits` applied is read as one `key=value` pair with the
/// legacy pair's key and value (compared after BuildKit's word processing, with and
/// without values for the variables it uses).
fn reads_back(
    checker: &Checker<'_>,
    instruction: &Instruction,
    pair: &KeyValue,
    edits: &[Edit],
    escape: char,
) -> bool {
    let range = instruction.range;
    let shifted: Vec<Edit> = edits
        .iter()
        .filter_map(|edit| {
            let r = edit.range()?;
            let content = match edit {
                Edit::Replace { content, .. } => content.clone(),
                Edit::CreateFile { .. } => return None,
            };
            Some(Edit::replace(
                TextRange::new(r.start - range.start, r.end - range.start),
                content,
            ))
        })
        .collect();
    if shifted.len() != edits.len()
        || edits.iter().any(|e| {
            !e.range()
                .is_some_and(|r| range.contains_range(r) || r.start == range.end)
        })
    {
        return false;
    }
    let new_text = apply_edits(checker.text(range), &shifted);
    let Some((keyword, new_pair)) = read_single_pair(&new_text, escape) else {
        return false;
    };
    if keyword != instruction.keyword || new_pair.key.value != pair.key.value {
        return false;
    }
    let lexer = Lexer::new(escape);
    let Ok(old) = lexer.process_word(&pair.value.value, &EnvList::new()) else {
        return false;
    };
    let mut names = EnvList::new();
    for name in old.matched.iter().chain(&old.unmatched) {
        names.push(name.clone(), format!("<{name}>"));
    }
    [EnvList::new(), names].iter().all(|env| {
        match (
            lexer.process_word(&pair.value.value, env),
            lexer.process_word(&new_pair.value.value, env),
        ) {
            (Ok(a), Ok(b)) => a.value == b.value,
            _ => false,
        }
    })
}
