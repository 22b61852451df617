//! Checkstyle XML, read by Jenkins, reviewdog, SonarQube and many CI dashboards.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <checkstyle version="4.3">
//!   <file name="Dockerfile">
//!     <error line="2" column="5" severity="info" message="…" source="plimsoll.DL3019"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! Every checked file has a `<file>` element, empty when it is clean. Lines and columns
//! are 1-based; columns count Unicode code points. Checkstyle's severities are `error`,
//! `warning` and `info`: `style` findings are `info`. A file that could not be read has one
//! `error` at line 0 with the source `plimsoll.io-error`.

use super::xml::attr;
use super::FileReport;
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::Severity;
use std::io::{self, Write};

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "info",
    }
}

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for report in reports {
        let name = attr(&report.path);
        if let Some(error) = &report.error {
            writeln!(out, r#"  <file name="{name}">"#)?;
            writeln!(
                out,
                r#"    <error line="0" severity="error" message="{}" source="plimsoll.io-error"/>"#,
                attr(error)
            )?;
            writeln!(out, "  </file>")?;
            continue;
        }
        if report.diagnostics.is_empty() {
            writeln!(out, r#"  <file name="{name}"/>"#)?;
            continue;
        }
        writeln!(out, r#"  <file name="{name}">"#)?;
        let index = LineIndex::new(&report.source);
        for d in &report.diagnostics {
            let (line, column) = report.position(&index, d.range.start, PositionEncoding::Utf32);
            writeln!(
                out,
                r#"    <error line="{line}" column="{column}" severity="{}" message="{}" source="plimsoll.{}"/>"#,
                severity(d.severity),
                attr(&d.message),
                attr(d.code)
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
