//! Output formats of `plimsoll check`. Each format is one file; all read the same
//! [`FileReport`]s.

mod concise;
mod human;
mod json;

use clap::ValueEnum;
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::Diagnostic;
use std::io::{self, Write};

/// The findings of one file.
pub struct FileReport {
    /// The path as given or found (`-` or `--stdin-filename` for standard input).
    pub path: String,
    /// The text that was linted.
    pub source: String,
    /// The findings, in position order.
    pub diagnostics: Vec<Diagnostic>,
    /// Why the file could not be checked.
    pub error: Option<String>,
}

impl FileReport {
    /// 1-based (line, column) of a byte offset, columns counted in `encoding` units.
    pub fn position(
        &self,
        index: &LineIndex,
        offset: u32,
        encoding: PositionEncoding,
    ) -> (u32, u32) {
        let at = index.line_col(offset, encoding);
        (at.line + 1, at.col + 1)
    }
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source excerpts with the problem underlined and the fix as a note.
    Human,
    /// `path:line:col: CODE [severity] message`, one per line.
    Concise,
    /// A JSON array of findings (a stable interface).
    Json,
}

/// How to render.
pub struct RenderOptions {
    /// Whether to use colours.
    pub color: bool,
    /// Whether to print only findings (no summary).
    pub quiet: bool,
    /// Whether fixes were applied (changes the summary wording).
    pub fixed_count: usize,
}

/// Writes the reports in `format`.
pub fn render(
    format: Format,
    reports: &[FileReport],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(reports, options, out),
        Format::Concise => concise::render(reports, options, out),
        Format::Json => json::render(reports, out),
    }
}

/// The documentation URL of a rule.
pub fn rule_url(code: &str) -> String {
    format!(
        "https://github.com/plimsoll-dev/plimsoll/blob/main/docs/rules/{}.md",
        code
    )
}
