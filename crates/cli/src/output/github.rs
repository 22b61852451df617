//! GitHub Actions workflow commands, which the runner turns into annotations on the
//! pull request's diff:
//!
//! ```text
//! ::notice file=Dockerfile,line=2,col=5,endLine=2,endColumn=17,title=DL3019 apk-add-without-no-cache::`apk add` without `--no-cache` …
//! ```
//!
//! `error` findings are `::error`, `warning` ones `::warning`, `info` and `style` ones
//! `::notice`. Lines and columns are 1-based; columns count Unicode code points; the end is
//! exclusive. A file that could not be read gives an `::error` with only the file.
//!
//! Escaping follows the Actions toolkit: `%`, `\r` and `\n` in the message, and also `:`
//! and `,` in property values.

use super::FileReport;
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::Severity;
use std::io::{self, Write};

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "notice",
    }
}

/// Escapes a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        let file = escape_property(&report.clean_path());
        if let Some(error) = &report.error {
            writeln!(
                out,
                "::error file={file},title={}::{}",
                escape_property("plimsoll io-error"),
                escape_data(error)
            )?;
            continue;
        }
        let index = LineIndex::new(&report.source);
        for d in &report.diagnostics {
            let span = report.span(&index, d.range, PositionEncoding::Utf32);
            writeln!(
                out,
                "::{} file={file},line={},col={},endLine={},endColumn={},title={}::{}",
                command(d.severity),
                span.line,
                span.column,
                span.end_line,
                span.end_column,
                escape_property(&format!("{} {}", d.code, d.name)),
                escape_data(&d.message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a:b, c\r\nd"), "50%25 a:b, c%0D%0Ad");
        assert_eq!(escape_property("50% a:b, c\nd"), "50%25 a%3Ab%2C c%0Ad");
    }
}
