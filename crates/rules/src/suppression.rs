//! Suppression comments: Plimsoll's own, hadolint's and BuildKit's.
//!
//! - `# plimsoll ignore=CODE[,CODE…]` and `# hadolint ignore=…`: the next instruction (or,
//!   inside a line continuation, the instruction it sits in);
//! - `# plimsoll stage ignore=…`: the rest of the stage (before the first FROM: the first
//!   stage);
//! - `# plimsoll global ignore=…` and `# hadolint global ignore=…`: the whole file;
//! - BuildKit's `# check=skip=NAME[,NAME…]` parser directive (the whole file, `all` for
//!   every check), and the same comment right above an instruction (that instruction).
//!   BuildKit's `BUILDKIT_DOCKERFILE_CHECK` build argument
//!   ([`LintOptions::buildkit_check`](crate::LintOptions::buildkit_check)) replaces the
//!   directive. As in BuildKit, `skip` never hides an experimental check (one that is off by
//!   default): `# check=experimental=NAME[,NAME…]` (or `all`) turns those on instead, for
//!   the file or, above an instruction, for that instruction.
//!
//! Codes are matched by code, kebab-case name or alias. A Plimsoll suppression that hides
//! nothing, or names no known rule, is reported by `unused-suppression` (PL001). hadolint's
//! and BuildKit's comments are never reported: those tools read them too, and their rules
//! may fire where ours stay silent.

use crate::diagnostic::{Diagnostic, Edit, Fix, Tag};
use crate::registry::{find_meta, RuleMeta};
use plimsoll_parser::{Dockerfile, TextRange};

/// Which tool's syntax a suppression uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `# plimsoll …`
    Plimsoll,
    /// `# hadolint …`
    Hadolint,
    /// `# check=skip=…`
    BuildKit,
}

/// What a suppression covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Diagnostics starting in this range (an instruction or a stage).
    Range(TextRange),
    /// The whole file.
    File,
}

/// One code of a suppression comment.
#[derive(Clone, Debug)]
pub struct SuppressedCode {
    /// As written.
    pub name: String,
    /// Where it is written.
    pub range: TextRange,
    /// The rule it names, if known.
    pub rule: Option<&'static RuleMeta>,
    /// Whether it hid at least one diagnostic.
    pub used: bool,
}

/// A suppression comment.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// The syntax used.
    pub dialect: Dialect,
    /// What it covers.
    pub scope: Scope,
    /// The comment's line, line break included (deleting it removes the comment).
    pub line_range: TextRange,
    /// The codes; `check=skip=all` has one code `all` and suppresses every check.
    pub codes: Vec<SuppressedCode>,
    /// Whether it is `check=skip=all`.
    pub all: bool,
}

/// BuildKit's `check=experimental=…`: experimental checks turned on.
#[derive(Clone, Debug)]
pub struct Experimental {
    /// What it covers: the file, or the instruction below the comment.
    pub scope: Scope,
    /// The check names, as written.
    pub names: Vec<String>,
    /// Whether it is `experimental=all`.
    pub all: bool,
}

/// The suppressions of a file, and BuildKit's other check settings: `error=true` raises
/// BuildKit-named checks to errors, `experimental=` turns experimental checks on.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    /// Every suppression of the file.
    pub list: Vec<Suppression>,
    /// Whether `# check=error=true` is set.
    pub checks_are_errors: bool,
    /// The `experimental=` settings.
    pub experimental: Vec<Experimental>,
}

impl Suppressions {
    /// Finds the suppression comments of `file`; `stage_ranges` are the ranges of the build
    /// stages (FROM to the end of the stage's last instruction).
    pub fn collect(file: &Dockerfile, source: &str, stage_ranges: &[TextRange]) -> Suppressions {
        Suppressions::collect_with_check(file, source, stage_ranges, None)
    }

    /// [`Suppressions::collect`], with BuildKit's `BUILDKIT_DOCKERFILE_CHECK` build argument
    /// (`skip=…;error=…;experimental=…`), which replaces the file's `# check=` directive when
    /// given. Its codes have empty ranges at the start of the file.
    pub fn collect_with_check(
        file: &Dockerfile,
        source: &str,
        stage_ranges: &[TextRange],
        check_override: Option<&str>,
    ) -> Suppressions {
        let mut out = Suppressions::default();
        if let Some(value) = check_override {
            out.read_check(value, None, Scope::File, TextRange::empty(0));
        } else if let Some(check) = file.directive("check") {
            let value_start = check.value_range.start;
            out.read_check(
                &check.value,
                Some(value_start),
                Scope::File,
                line_of(source, check.range),
            );
        }
        for comment in &file.comments {
            let text = source.get(comment.range.as_usize()).unwrap_or("");
            let body = text.trim_start_matches('#');
            let body_start = comment.range.start + (text.len() - body.len()) as u32;
            let trimmed = body.trim_start();
            let at = body_start + (body.len() - trimmed.len()) as u32;
            let line = line_of(source, comment.range);
            let next = || next_instruction(file, comment.range);
            let pragma = [
                ("plimsoll", Dialect::Plimsoll),
                ("hadolint", Dialect::Hadolint),
            ]
            .into_iter()
            .find_map(|(word, dialect)| Some((strip_word(trimmed, word)?, dialect)));
            if let Some((rest, dialect)) = pragma {
                out.read_pragma(
                    dialect,
                    rest,
                    at + (trimmed.len() - rest.len()) as u32,
                    line,
                    next(),
                    stage_ranges,
                    comment.range,
                );
            } else if let Some(value) = trimmed.strip_prefix("check=") {
                if let Some(instruction) = next() {
                    out.read_check(value, Some(at + 6), Scope::Range(instruction), line);
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn read_pragma(
        &mut self,
        dialect: Dialect,
        rest: &str,
        rest_start: u32,
        line: TextRange,
        next: Option<TextRange>,
        stage_ranges: &[TextRange],
        comment: TextRange,
    ) {
        let trimmed = rest.trim_start();
        let mut offset = rest_start + (rest.len() - trimmed.len()) as u32;
        let (kind, after) = match trimmed.split_once(char::is_whitespace) {
            Some(("global", after)) => ("global", after),
            Some(("stage", after)) if dialect == Dialect::Plimsoll => ("stage", after),
            _ => ("next", trimmed),
        };
        let after_trimmed = after.trim_start();
        offset += (trimmed.len() - after_trimmed.len()) as u32;
        let Some(list) = after_trimmed.strip_prefix("ignore") else {
            return;
        };
        let list_trimmed = list.trim_start();
        let Some(list_value) = list_trimmed.strip_prefix('=') else {
            return;
        };
        offset += (after_trimmed.len() - list_value.len()) as u32;
        let scope = match kind {
            "global" => Scope::File,
            "stage" => {
                let stage = stage_ranges
                    .iter()
                    .find(|r| r.contains(comment.start))
                    .or_else(|| stage_ranges.iter().find(|r| r.start >= comment.end));
                match stage {
                    Some(stage) => Scope::Range(TextRange::new(comment.start, stage.end)),
                    None => return,
                }
            }
            _ => match next {
                Some(range) => Scope::Range(range),
                None => return,
            },
        };
        let codes = split_codes(list_value, offset);
        if codes.is_empty() {
            return;
        }
        self.list.push(Suppression {
            dialect,
            scope,
            line_range: line,
            codes,
            all: false,
        });
    }

    /// Reads a `check=` value written at `start` (`None`: not in the file, the codes get
    /// empty ranges at its start).
    fn read_check(&mut self, value: &str, start: Option<u32>, scope: Scope, line: TextRange) {
        let mut offset = start.unwrap_or(0);
        for part in value.split(';') {
            let trimmed = part.trim_start();
            let part_start = offset + (part.len() - trimmed.len()) as u32;
            offset += part.len() as u32 + 1;
            let Some((key, val)) = trimmed.split_once('=') else {
                continue;
            };
            let mut codes = split_codes(val, part_start + key.len() as u32 + 1);
            if start.is_none() {
                for code in &mut codes {
                    code.range = TextRange::empty(0);
                }
            }
            match key.trim() {
                "skip" => {
                    let all = codes.iter().any(|c| c.name.eq_ignore_ascii_case("all"));
                    self.list.push(Suppression {
                        dialect: Dialect::BuildKit,
                        scope,
                        line_range: line,
                        codes,
                        all,
                    });
                }
                "experimental" => {
                    let all = codes.iter().any(|c| c.name.eq_ignore_ascii_case("all"));
                    self.experimental.push(Experimental {
                        scope,
                        names: codes.into_iter().map(|c| c.name).collect(),
                        all,
                    });
                }
                "error" if scope == Scope::File => {
                    self.checks_are_errors = val.trim().eq_ignore_ascii_case("true");
                }
                _ => {}
            }
        }
    }

    /// Whether `diagnostic` is suppressed; marks the suppressions that hide it as used.
    pub fn suppresses(&mut self, diagnostic: &Diagnostic) -> bool {
        let Some(meta) = find_meta(diagnostic.code) else {
            return false;
        };
        let mut hidden = false;
        for suppression in &mut self.list {
            let in_scope = match suppression.scope {
                Scope::File => true,
                Scope::Range(range) => range.contains(diagnostic.range.start),
            };
            if !in_scope {
                continue;
            }
            // BuildKit's `skip` leaves experimental checks alone: `experimental=` alone
            // decides whether they run.
            if suppression.dialect == Dialect::BuildKit && is_experimental_check(meta) {
                continue;
            }
            if suppression.all {
                // BuildKit's `skip=all` covers BuildKit's checks only.
                if is_buildkit_check(meta) {
                    hidden = true;
                }
                continue;
            }
            for code in &mut suppression.codes {
                // By name rather than through `code.rule`: an alias may name several rules
                // (`MultipleInstructionsDisallowed`).
                if code.rule.is_some() && meta.is_named(&code.name) {
                    code.used = true;
                    hidden = true;
                }
            }
        }
        hidden
    }

    /// Diagnostics for suppressions that hid nothing, for rules that ran (`ran` says which),
    /// and for Plimsoll suppressions naming unknown rules.
    pub fn unused(
        &self,
        rule: &'static RuleMeta,
        ran: impl Fn(&RuleMeta) -> bool,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for suppression in &self.list {
            // hadolint's and BuildKit's comments are also read by those tools, whose rules
            // of the same code may fire where ours (more precise) do not: removing them
            // would break the other tool's run.
            if suppression.all || suppression.dialect != Dialect::Plimsoll {
                continue;
            }
            let stale: Vec<&SuppressedCode> = suppression
                .codes
                .iter()
                .filter(|code| match code.rule {
                    Some(meta) => !code.used && ran(meta),
                    None => suppression.dialect == Dialect::Plimsoll,
                })
                .collect();
            for code in &stale {
                let message = match code.rule {
                    Some(meta) => format!(
                        "suppression of `{}` ({}) hides nothing here",
                        code.name, meta.name
                    ),
                    None => format!("`{}` is not a known rule code or name", code.name),
                };
                let fix = if stale.len() == suppression.codes.len() {
                    Fix::safe(
                        "Remove the suppression comment",
                        vec![Edit::delete(suppression.line_range)],
                    )
                } else {
                    Fix::safe(
                        format!("Remove `{}` from the suppression", code.name),
                        vec![Edit::delete(removal_range(suppression, code))],
                    )
                };
                let mut diagnostic = Diagnostic::new(rule, code.range, message).with_fix(fix);
                diagnostic.add_tag(Tag::Unnecessary);
                out.push(diagnostic);
            }
        }
        out
    }
}

/// Whether a rule is one of BuildKit's build checks (it has a BuildKit check name as alias).
pub fn is_buildkit_check(meta: &RuleMeta) -> bool {
    buildkit_name(meta).is_some()
}

/// The BuildKit check name of a rule: its alias that starts with an uppercase letter and is
/// in CamelCase (`JSONArgsRecommended`; a hadolint code such as `DL3061` is not one).
pub fn buildkit_name(meta: &RuleMeta) -> Option<&'static str> {
    meta.aliases.iter().copied().find(|alias| {
        alias.starts_with(|c: char| c.is_ascii_uppercase())
            && alias.bytes().any(|b| b.is_ascii_lowercase())
    })
}

/// Whether a rule is one of BuildKit's experimental checks: a BuildKit check that is off by
/// default. `# check=experimental=…` turns it on; `# check=skip=…` does not apply to it.
pub fn is_experimental_check(meta: &RuleMeta) -> bool {
    is_buildkit_check(meta) && !meta.enabled_by_default
}

impl Suppressions {
    /// Whether `experimental=` names `meta` somewhere in the file (an experimental check
    /// only).
    pub fn enables_experimental(&self, meta: &RuleMeta) -> bool {
        is_experimental_check(meta)
            && self
                .experimental
                .iter()
                .any(|entry| entry.all || entry.names.iter().any(|name| meta.is_named(name)))
    }

    /// Whether `experimental=` turns `meta` on at `offset`: for the whole file, or for the
    /// instruction there.
    pub fn experimental_at(&self, meta: &RuleMeta, offset: u32) -> bool {
        is_experimental_check(meta)
            && self.experimental.iter().any(|entry| {
                let in_scope = match entry.scope {
                    Scope::File => true,
                    Scope::Range(range) => range.contains(offset),
                };
                in_scope && (entry.all || entry.names.iter().any(|name| meta.is_named(name)))
            })
    }
}

/// The range to delete to remove one code of a list and one comma next to it.
fn removal_range(suppression: &Suppression, code: &SuppressedCode) -> TextRange {
    let index = suppression
        .codes
        .iter()
        .position(|c| c.range == code.range)
        .unwrap_or(0);
    match (
        index.checked_sub(1).map(|i| &suppression.codes[i]),
        suppression.codes.get(index + 1),
    ) {
        // Remove from the end of the previous code (its comma goes too).
        (Some(previous), _) => TextRange::new(previous.range.end, code.range.end),
        (None, Some(next)) => TextRange::new(code.range.start, next.range.start),
        (None, None) => code.range,
    }
}

/// Splits `A, B,C` into codes with ranges; stops at the first word after a space that does
/// not follow a comma (an explanation: `ignore=DL3008 pinned upstream`).
fn split_codes(list: &str, start: u32) -> Vec<SuppressedCode> {
    let mut codes = Vec::new();
    let mut offset = 0usize;
    let mut expect_more = true;
    for piece in list.split(',') {
        let leading = piece.len() - piece.trim_start().len();
        let body = piece.trim_start();
        let token_len = body.find(char::is_whitespace).unwrap_or(body.len());
        let token = &body[..token_len];
        if expect_more && !token.is_empty() {
            let begin = start + (offset + leading) as u32;
            codes.push(SuppressedCode {
                name: token.to_string(),
                range: TextRange::new(begin, begin + token_len as u32),
                rule: find_meta(token),
                used: false,
            });
        }
        // Text after the token (other than spaces before the next comma) ends the list.
        expect_more = expect_more && body[token_len..].trim().is_empty();
        offset += piece.len() + 1;
    }
    codes
}

fn strip_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let rest = text.strip_prefix(word)?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    rest.starts_with(char::is_whitespace).then_some(rest)
}

/// The range of the instruction a next-line pragma at `comment` applies to: the one it sits
/// in (inside a continuation), else the next one.
fn next_instruction(file: &Dockerfile, comment: TextRange) -> Option<TextRange> {
    file.instructions
        .iter()
        .find(|i| i.range.end > comment.start)
        .map(|i| i.range)
}

/// The whole line of `range`, line break included.
fn line_of(source: &str, range: TextRange) -> TextRange {
    let start = source[..(range.start as usize).min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = (range.end as usize).min(source.len());
    let end = source[end..]
        .find('\n')
        .map_or(source.len(), |i| end + i + 1);
    TextRange::from_usize(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_codes_with_ranges_and_stops_at_explanations() {
        let list = "DL3008, DL3009 because upstream";
        let codes = split_codes(list, 10);
        let names: Vec<_> = codes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["DL3008", "DL3009"]);
        assert_eq!(codes[1].range, TextRange::new(18, 24));
    }

    #[test]
    fn removal_takes_one_comma() {
        let text = "# plimsoll ignore=DL3008,DL3009";
        let codes = split_codes(&text[18..], 18);
        let suppression = Suppression {
            dialect: Dialect::Plimsoll,
            scope: Scope::File,
            line_range: TextRange::from_usize(0, text.len()),
            codes: codes.clone(),
            all: false,
        };
        let first = removal_range(&suppression, &codes[0]);
        assert_eq!(&text[first.as_usize()], "DL3008,");
        let second = removal_range(&suppression, &codes[1]);
        assert_eq!(&text[second.as_usize()], ",DL3009");
    }
}
