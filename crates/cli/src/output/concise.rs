//! `path:line:col: CODE [severity] message`, the GNU style editors and CI logs understand.

use super::{FileReport, RenderOptions};
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use std::io::{self, Write};

pub fn render(
    reports: &[FileReport],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut count = 0;
    for report in reports {
        if let Some(error) = &report.error {
            writeln!(out, "{}: error: {error}", report.path)?;
            continue;
        }
        let index = LineIndex::new(&report.source);
        for d in &report.diagnostics {
            let (line, col) = report.position(&index, d.range.start, PositionEncoding::Utf32);
            writeln!(
                out,
                "{}:{line}:{col}: {} [{}] {}",
                report.path, d.code, d.severity, d.message
            )?;
            count += 1;
        }
    }
    if !options.quiet && count > 0 {
        writeln!(out, "{count} problem{}", if count == 1 { "" } else { "s" })?;
    }
    Ok(())
}
