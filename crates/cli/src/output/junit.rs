//! JUnit XML, for the test report views of CI systems (GitLab, Jenkins, Azure Pipelines).
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="plimsoll" tests="2" failures="1" errors="0">
//!   <testsuite name="Dockerfile" tests="1" failures="1" errors="0">
//!     <testcase name="DL3019 apk-add-without-no-cache (2:5)" classname="Dockerfile">
//!       <failure type="DL3019" message="…">…</failure>
//!     </testcase>
//!   </testsuite>
//!   <testsuite name="clean/Dockerfile" tests="1" failures="0" errors="0">
//!     <testcase name="no problems" classname="clean/Dockerfile"/>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One test suite per file: one failing test case per finding, or a single passing one when
//! the file is clean. A file that could not be read has one test case with an `<error>`.
//! Columns count Unicode code points. No timings are written, so the output is
//! reproducible.

use super::xml::{attr, text};
use super::{rule_url, FileReport};
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use std::io::{self, Write};

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let failures: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    let errors = reports.iter().filter(|r| r.error.is_some()).count();
    let tests: usize = reports.iter().map(|r| r.diagnostics.len().max(1)).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="plimsoll" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    for report in reports {
        let name = attr(&report.path);
        if let Some(error) = &report.error {
            writeln!(
                out,
                r#"  <testsuite name="{name}" tests="1" failures="0" errors="1">"#
            )?;
            writeln!(out, r#"    <testcase name="read" classname="{name}">"#)?;
            writeln!(
                out,
                r#"      <error type="io-error" message="{}">{}</error>"#,
                attr(error),
                text(&format!("{}: {error}", report.path))
            )?;
            writeln!(out, "    </testcase>")?;
            writeln!(out, "  </testsuite>")?;
            continue;
        }
        let count = report.diagnostics.len();
        writeln!(
            out,
            r#"  <testsuite name="{name}" tests="{}" failures="{count}" errors="0">"#,
            count.max(1)
        )?;
        if count == 0 {
            writeln!(
                out,
                r#"    <testcase name="no problems" classname="{name}"/>"#
            )?;
        }
        let index = LineIndex::new(&report.source);
        for d in &report.diagnostics {
            let (line, column) = report.position(&index, d.range.start, PositionEncoding::Utf32);
            writeln!(
                out,
                r#"    <testcase name="{} {} ({line}:{column})" classname="{name}">"#,
                attr(d.code),
                attr(d.name)
            )?;
            let body = format!(
                "{}:{line}:{column}: {} [{}] {}\n{}",
                report.path,
                d.code,
                d.severity,
                d.message,
                rule_url(d.code)
            );
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                attr(d.code),
                attr(&d.message),
                text(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
