//! Source excerpts with the problem underlined, rendered by codespan-reporting.

use super::{FileReport, RenderOptions};
use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use plimsoll_rules::diagnostic::Applicability;
use plimsoll_rules::Severity;
use std::io::{self, Write};

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Note,
        Severity::Style => Level::Help,
    }
}

/// The excerpts of one file's findings (or its error), coloured with ANSI escapes when
/// `color`.
pub fn file_part(report: &FileReport, color: bool) -> String {
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    // Writing to memory cannot fail, and every range is clamped to the text.
    let _ = emit_file(report, &mut buffer);
    String::from_utf8(buffer.into_inner()).unwrap_or_default()
}

fn emit_file(report: &FileReport, buffer: &mut termcolor::Buffer) -> io::Result<()> {
    let config = term::Config::default();
    let mut files = SimpleFiles::new();
    if let Some(error) = &report.error {
        files.add(report.path.as_str(), "");
        let diagnostic: Report<usize> =
            Report::error().with_message(format!("{}: {error}", report.path));
        return term::emit(buffer, &config, &files, &diagnostic).map_err(io::Error::other);
    }
    let source = report.source.as_str();
    let id = files.add(report.path.as_str(), source);
    let clamp = |range: plimsoll_rules::parser::TextRange| {
        let range = range.as_usize();
        range.start.min(source.len())..range.end.min(source.len())
    };
    for d in &report.diagnostics {
        let mut notes = Vec::new();
        if let Some(fix) = &d.fix {
            let how = match fix.applicability {
                Applicability::Safe => " (fixable with --fix)",
                Applicability::Unsafe => " (fixable with --fix --unsafe-fixes)",
                Applicability::DisplayOnly => "",
            };
            notes.push(format!("help: {}{how}", fix.title));
        }
        let mut labels = vec![Label::primary(id, clamp(d.range))];
        for related in &d.related {
            labels.push(
                Label::secondary(id, clamp(related.range)).with_message(related.message.clone()),
            );
        }
        let diagnostic = Report::new(level(d.severity))
            .with_message(&d.message)
            .with_code(format!("{} {}", d.code, d.name))
            .with_labels(labels)
            .with_notes(notes);
        term::emit(buffer, &config, &files, &diagnostic).map_err(io::Error::other)?;
    }
    Ok(())
}

pub fn render(
    reports: &[FileReport],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut counts = [0usize; 4];
    let mut fixable = 0;
    let mut io_errors = 0;
    for report in reports {
        match &report.rendered {
            Some(part) => out.write_all(part.as_bytes())?,
            None => out.write_all(file_part(report, options.color).as_bytes())?,
        }
        if report.error.is_some() {
            io_errors += 1;
            continue;
        }
        let tally = report.tally();
        for (count, n) in counts.iter_mut().zip(tally.by_severity) {
            *count += n;
        }
        fixable += tally.fixable;
    }
    if options.quiet {
        return Ok(());
    }
    let total: usize = counts.iter().sum();
    if total == 0 && io_errors == 0 {
        let checked = reports.len();
        writeln!(
            out,
            "No problems found in {checked} file{}.",
            if checked == 1 { "" } else { "s" }
        )?;
    } else if total > 0 {
        let [style, info, warning, error] = counts;
        let mut parts = Vec::new();
        for (n, word) in [
            (error, "error"),
            (warning, "warning"),
            (info, "info"),
            (style, "style"),
        ] {
            if n > 0 {
                parts.push(format!(
                    "{n} {word}{}",
                    if n == 1 || word == "info" || word == "style" {
                        ""
                    } else {
                        "s"
                    }
                ));
            }
        }
        write!(
            out,
            "{total} problem{} ({})",
            if total == 1 { "" } else { "s" },
            parts.join(", ")
        )?;
        if fixable > 0 {
            write!(out, ", {fixable} fixable with --fix")?;
        }
        writeln!(out, ".")?;
    }
    if options.fixed_count > 0 {
        writeln!(
            out,
            "Fixed {} problem{}.",
            options.fixed_count,
            if options.fixed_count == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}
