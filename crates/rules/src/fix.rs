//! Applying fixes: non-overlapping edits, then re-lint, to a fixed point.

use crate::context::{BuildContext, MemoryContext, Overlay};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::lint::{lint, LintOptions};
use plimsoll_parser::TextRange;

/// How many lint-and-fix rounds [`apply_fixes`] runs at most.
pub const MAX_ROUNDS: usize = 10;

/// The outcome of [`apply_fixes`].
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed Dockerfile text.
    pub source: String,
    /// Context files the fixes create (path relative to the context root, content); the
    /// caller writes them.
    pub created_files: Vec<(String, String)>,
    /// The fixes applied, as (code, title), in order.
    pub applied: Vec<(&'static str, String)>,
    /// The diagnostics of the fixed text.
    pub remaining: Vec<Diagnostic>,
    /// Whether the rounds ran out before nothing was left to fix.
    pub reached_limit: bool,
}

/// Lints `source`, applies every fix at least as sure as `at_least` (never
/// [`Applicability::DisplayOnly`] ones), and repeats until no fix applies.
///
/// ```
/// use plimsoll_rules::{apply_fixes, Applicability, LintOptions, Settings};
///
/// let settings = Settings::default();
/// let fixed = apply_fixes("FROM alpine:3.20\nRUN apk add curl\n", &LintOptions::new(&settings), Applicability::Safe);
/// assert_eq!(fixed.source, "FROM alpine:3.20\nRUN apk add --no-cache curl\n");
/// ```
pub fn apply_fixes(source: &str, options: &LintOptions<'_>, at_least: Applicability) -> FixOutcome {
    let at_least = at_least.max(Applicability::Unsafe);
    let mut text = source.to_string();
    let mut created = MemoryContext::default();
    let mut created_files = Vec::new();
    let mut applied = Vec::new();
    // Lints `text` as if the files created so far were written.
    let lint_with_created = |text: &str, created: &MemoryContext| {
        let overlay = Overlay {
            base: options.context,
            created,
        };
        let round_options = LintOptions {
            context: options.context.map(|_| &overlay as &dyn BuildContext),
            ..*options
        };
        lint(text, &round_options).diagnostics
    };
    for _ in 0..MAX_ROUNDS {
        let diagnostics = lint_with_created(&text, &created);
        let overlay = Overlay {
            base: options.context,
            created: &created,
        };
        let fixes: Vec<(&'static str, &Fix)> = diagnostics
            .iter()
            .filter_map(|d| Some((d.code, d.fix.as_ref()?)))
            .filter(|(_, fix)| fix.applicability >= at_least)
            .collect();
        let chosen = choose_non_overlapping(&fixes, &overlay);
        if chosen.is_empty() {
            return FixOutcome {
                source: text,
                created_files,
                applied,
                remaining: diagnostics,
                reached_limit: false,
            };
        }
        let mut edits = Vec::new();
        for (code, fix) in &chosen {
            applied.push((*code, fix.title.clone()));
            for edit in &fix.edits {
                match edit {
                    Edit::Replace { .. } => edits.push(edit.clone()),
                    Edit::CreateFile { path, content } => {
                        created.insert(path.clone(), content.clone());
                        created_files.push((path.clone(), content.clone()));
                    }
                }
            }
        }
        text = apply_edits(&text, &edits);
    }
    let remaining = lint_with_created(&text, &created);
    FixOutcome {
        source: text,
        created_files,
        applied,
        remaining,
        reached_limit: true,
    }
}

/// Picks fixes in position order whose edits do not overlap (or touch) those already
/// picked, and whose new files do not exist yet.
fn choose_non_overlapping<'d>(
    fixes: &[(&'static str, &'d Fix)],
    context: &dyn BuildContext,
) -> Vec<(&'static str, &'d Fix)> {
    let mut taken: Vec<TextRange> = Vec::new();
    let mut new_files: Vec<&str> = Vec::new();
    let mut chosen = Vec::new();
    for &(code, fix) in fixes {
        let ranges: Vec<TextRange> = fix.edits.iter().filter_map(Edit::range).collect();
        let clashes = ranges
            .iter()
            .any(|r| taken.iter().any(|t| r.start <= t.end && t.start <= r.end));
        let files: Vec<&str> = fix
            .edits
            .iter()
            .filter_map(|e| match e {
                Edit::CreateFile { path, .. } => Some(path.as_str()),
                Edit::Replace { .. } => None,
            })
            .collect();
        let file_exists = files
            .iter()
            .any(|f| new_files.contains(f) || context.exists(f));
        if clashes || file_exists || chosen.iter().any(|(_, c)| *c == fix) {
            continue;
        }
        taken.extend(ranges);
        new_files.extend(files);
        chosen.push((code, fix));
    }
    chosen
}

/// Applies `Replace` edits to `source` (others are ignored). Edits must not overlap; they
/// are applied from the end so offsets stay valid. Out-of-range or mid-character edits are
/// skipped.
pub fn apply_edits(source: &str, edits: &[Edit]) -> String {
    let mut replaces: Vec<(TextRange, &str)> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Replace { range, content } => Some((*range, content.as_str())),
            Edit::CreateFile { .. } => None,
        })
        .collect();
    replaces.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = String::with_capacity(source.len() + 64);
    let mut cursor = 0usize;
    for (range, content) in replaces {
        let (start, end) = (range.start as usize, range.end as usize);
        if start < cursor
            || end > source.len()
            || !source.is_char_boundary(start)
            || !source.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&source[cursor..start]);
        out.push_str(content);
        cursor = end;
    }
    out.push_str(&source[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_skip_bad_ranges() {
        let edits = [
            Edit::insert(4, "X"),
            Edit::replace(TextRange::new(0, 1), "a"),
            Edit::replace(TextRange::new(2, 99), "nope"),
        ];
        assert_eq!(apply_edits("0123456", &edits), "a123X456");
    }
}
