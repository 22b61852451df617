use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix, Tag};
use crate::registry::{Rule, Target};
use plimsoll_parser::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports an instruction continued over an empty (or blank) line:
    ///
    /// ```text
    /// RUN apt-get update && \
    ///
    ///     apt-get install -y curl
    /// ```
    ///
    /// This is BuildKit's `NoEmptyContinuation` check, with its message. The finding covers
    /// the instruction from its first empty line to the end of its last line; each further
    /// empty line of the same instruction is shown as related.
    ///
    /// ## Why
    /// BuildKit skips such lines and keeps joining, so the blank line does not end the
    /// instruction, although it looks as if it did: a forgotten `\` on the line before a
    /// blank line silently glues the next instruction's text onto this one. Docker warns
    /// that empty continuation lines will become errors in a future release.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// RUN apt-get update && \
    ///
    ///     apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// RUN apt-get update && \
    ///     apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Deletes the empty lines (safe: BuildKit already ignores them).
    pub struct NoEmptyContinuation {
        code: "PL203",
        name: "no-empty-continuation",
        aliases: ["NoEmptyContinuation"],
        category: Style,
        severity: Warning,
        fix: Always,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for NoEmptyContinuation {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let file = &model.file;
        let source = checker.source;
        for instruction in &file.instructions {
            // The continuation lines end where the heredoc bodies start.
            let continuation_end = instruction
                .heredocs
                .first()
                .map_or(instruction.range.end, |heredoc| {
                    line_end_before(source, heredoc.body_range.start)
                });
            let empty: Vec<TextRange> = file
                .empty_continuation_lines
                .iter()
                .map(|line| line.range)
                .filter(|range| {
                    range.start > instruction.range.start && range.start < continuation_end
                })
                .collect();
            let Some(first) = empty.first() else {
                continue;
            };
            let range = TextRange::new(first.start, continuation_end.max(first.start));
            let diagnostic = checker.report(range, "Empty continuation line");
            diagnostic.add_tag(Tag::Unnecessary);
            for more in &empty[1..] {
                diagnostic.add_related(*more, "another empty continuation line");
            }
            let title = if empty.len() == 1 {
                "Delete the empty continuation line"
            } else {
                "Delete the empty continuation lines"
            };
            diagnostic.set_fix(Fix::safe(
                title,
                empty.iter().map(|range| Edit::delete(*range)).collect(),
            ));
        }
    }
}

/// The end of the line before the one starting at `line_start` (its line break left out).
fn line_end_before(source: &str, line_start: u32) -> u32 {
    let before = source.get(..line_start as usize).unwrap_or(source);
    let trimmed = before.strip_suffix('\n').unwrap_or(before);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    trimmed.len() as u32
}
