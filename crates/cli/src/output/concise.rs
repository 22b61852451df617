//! `path:line:col: CODE [severity] message`, the GNU style editors and CI logs understand.

use super::{FileReport, RenderOptions};
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use std::io::{self, Write};

/// One line per finding of one file (or its error).
pub fn file_part(report: &FileReport) -> String {
    use std::fmt::Write as _;
    let mut part = String::new();
    if let Some(error) = &report.error {
        let _ = writeln!(part, "{}: error: {error}", report.path);
        return part;
    }
    let index = LineIndex::new(&report.source);
    for d in &report.diagnostics {
        let (line, col) = report.position(&index, d.range.start, PositionEncoding::Utf32);
        let _ = writeln!(
            part,
            "{}:{line}:{col}: {} [{}] {}",
            report.path, d.code, d.severity, d.message
        );
    }
    part
}

pub fn render(
    reports: &[FileReport],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut count = 0;
    for report in reports {
        match &report.rendered {
            Some(part) => out.write_all(part.as_bytes())?,
            None => out.write_all(file_part(report).as_bytes())?,
        }
        if report.error.is_none() {
            count += report.tally().total();
        }
    }
    if !options.quiet && count > 0 {
        writeln!(out, "{count} problem{}", if count == 1 { "" } else { "s" })?;
    }
    Ok(())
}
