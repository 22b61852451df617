//! Output formats of `plimsoll check`. Each format is one file; all read the same
//! [`FileReport`]s.

mod checkstyle;
mod codeclimate;
mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;
mod xml;

use clap::ValueEnum;
use plimsoll_rules::diagnostic::Applicability;
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::parser::TextRange;
use plimsoll_rules::{Diagnostic, Severity};
use std::collections::HashMap;
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
    /// This file's part of the report, made by [`FileReport::render_part`] in the thread
    /// that checked the file; `source` and `diagnostics` are then emptied.
    pub rendered: Option<String>,
    /// What the report's summary counts of `diagnostics`, kept when they are emptied.
    pub tally: Tally,
}

/// What a report's summary line counts of one file's findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tally {
    /// Findings by severity (`Severity as usize`).
    pub by_severity: [usize; 4],
    /// Findings with a safe fix.
    pub fixable: usize,
}

impl Tally {
    fn of(diagnostics: &[Diagnostic]) -> Tally {
        let mut tally = Tally::default();
        for d in diagnostics {
            tally.by_severity[d.severity as usize] += 1;
            tally.fixable += usize::from(
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Safe),
            );
        }
        tally
    }

    pub fn total(&self) -> usize {
        self.by_severity.iter().sum()
    }
}

impl FileReport {
    /// Renders this file's part of a report in `format` now, for the formats made of
    /// independent parts per file (JSON arrays of items, source excerpts, lines), and drops
    /// the text and findings it was made from: files are rendered in parallel as they are
    /// checked, and the whole corpus of a run is never held in memory. Other formats keep
    /// the report as it is.
    pub fn render_part(&mut self, format: Format, color: bool) {
        if let Some(part) = file_part(format, self, color) {
            self.tally = Tally::of(&self.diagnostics);
            self.rendered = Some(part);
            self.source = String::new();
            self.diagnostics = Vec::new();
        }
    }

    /// The counts of this file's findings, also once they are rendered and dropped.
    pub fn tally(&self) -> Tally {
        if self.rendered.is_some() {
            self.tally
        } else {
            Tally::of(&self.diagnostics)
        }
    }

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

    /// 1-based start and (exclusive) end of a byte range, columns counted in `encoding`
    /// units.
    pub fn span(&self, index: &LineIndex, range: TextRange, encoding: PositionEncoding) -> Span {
        let (line, column) = self.position(index, range.start, encoding);
        let (end_line, end_column) = self.position(index, range.end, encoding);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The path with `/` separators and without a leading `./`, as CI systems expect
    /// repository-relative paths.
    pub fn clean_path(&self) -> String {
        clean_path(&self.path)
    }

    /// A stable fingerprint of each diagnostic, in order: a hash of the file, the rule
    /// code, the text of the line the finding starts on (trimmed, so re-indenting keeps
    /// it) and how many earlier findings of the file share those three. Moving a line
    /// keeps its fingerprint; editing it changes it.
    pub fn fingerprints(&self, index: &LineIndex) -> Vec<String> {
        let path = self.clean_path();
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        self.diagnostics
            .iter()
            .map(|d| {
                let line = index.line_col(d.range.start, PositionEncoding::Utf8).line;
                let text = index
                    .line_range(line)
                    .and_then(|r| self.source.get(r.as_usize()))
                    .unwrap_or("")
                    .trim();
                let occurrence = seen.entry((d.code, text)).or_default();
                *occurrence += 1;
                fingerprint(&[&path, d.code, text, &occurrence.to_string()])
            })
            .collect()
    }
}

/// A 1-based region; the end is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// `path` with `/` separators (on Windows) and without leading `./`.
pub fn clean_path(path: &str) -> String {
    let path = if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped.trim_start_matches('/');
    }
    rest.to_string()
}

/// A 128-bit FNV-1a hash of the parts (each followed by a NUL byte), as 32 hex digits.
/// Unlike `std`'s hasher it never changes between Rust releases or runs.
pub fn fingerprint(parts: &[&str]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    let mut hash = OFFSET;
    for part in parts {
        for &byte in part.as_bytes().iter().chain(&[0]) {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:032x}")
}

/// The severity names of GitLab Code Quality and Code Climate.
pub fn code_quality_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Style => "info",
        Severity::Info => "minor",
        Severity::Warning => "major",
        Severity::Error => "critical",
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
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// A GitLab Code Quality report.
    #[value(name = "gitlab")]
    GitLab,
    /// Code Climate issues, as a JSON array.
    #[value(name = "codeclimate")]
    CodeClimate,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML: one test suite per file, one failing test case per finding.
    #[value(name = "junit")]
    JUnit,
    /// GitHub Actions workflow commands, shown as annotations.
    #[value(name = "github")]
    GitHub,
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
        Format::Json | Format::GitLab | Format::CodeClimate => {
            write_json_array(format, reports, out)
        }
        Format::Sarif => sarif::render(reports, out),
        Format::Checkstyle => checkstyle::render(reports, out),
        Format::JUnit => junit::render(reports, out),
        Format::GitHub => github::render(reports, out),
    }
}

pub use plimsoll_rules::registry::documentation_url as rule_url;

/// The part of `format`'s report for one file, when `format` is made of independent parts:
/// for a JSON array of items, the items as `serde_json::to_writer_pretty` writes them inside
/// the array.
fn file_part(format: Format, report: &FileReport, color: bool) -> Option<String> {
    Some(match format {
        Format::Human => human::file_part(report, color),
        Format::Concise => concise::file_part(report),
        Format::Json => array_body(&json::file_items(report)),
        Format::GitLab => array_body(&gitlab::file_items(report)),
        Format::CodeClimate => array_body(&codeclimate::file_items(report)),
        _ => return None,
    })
}

/// `items` as `serde_json::to_writer_pretty` writes them inside an array.
fn array_body<T: serde::Serialize>(items: &[T]) -> String {
    // These items always serialize. A pretty array is `[`, then each item on new lines
    // indented by two spaces, separated by `,`, then a newline and `]` (`[]` when empty).
    let array = serde_json::to_string_pretty(items).unwrap_or_default();
    array
        .strip_prefix("[\n")
        .and_then(|rest| rest.strip_suffix("\n]"))
        .unwrap_or_default()
        .to_string()
}

/// Writes the JSON array of all the files' items, byte for byte what
/// `serde_json::to_writer_pretty` writes for the items in one `Vec`, and a newline.
fn write_json_array(format: Format, reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut empty = true;
    for report in reports {
        let made_now;
        let part = match &report.rendered {
            Some(part) => part,
            None => {
                made_now = file_part(format, report, false).unwrap_or_default();
                &made_now
            }
        };
        if part.is_empty() {
            continue;
        }
        out.write_all(if empty { b"[\n" } else { b",\n" })?;
        out.write_all(part.as_bytes())?;
        empty = false;
    }
    out.write_all(if empty { b"[]\n" } else { b"\n]\n" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_paths() {
        assert_eq!(clean_path("./Dockerfile"), "Dockerfile");
        assert_eq!(clean_path(".//a/./Dockerfile"), "a/./Dockerfile");
        if cfg!(windows) {
            assert_eq!(clean_path("a\\b\\Dockerfile"), "a/b/Dockerfile");
        } else {
            assert_eq!(clean_path("a\\b"), "a\\b");
        }
        assert_eq!(clean_path("/abs/Dockerfile"), "/abs/Dockerfile");
        assert_eq!(clean_path("../up/Dockerfile"), "../up/Dockerfile");
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        // FNV-1a 128 of the empty input is the offset basis.
        assert_eq!(fingerprint(&[]), "6c62272e07bb014262b821756295c58d");
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
    }
}
