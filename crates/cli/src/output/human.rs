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

pub fn render(
    reports: &[FileReport],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut files = SimpleFiles::new();
    let config = term::Config::default();
    let mut buffer = if options.color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let mut counts = [0usize; 4];
    let mut fixable = 0;
    let mut io_errors = 0;
    for report in reports {
        if let Some(error) = &report.error {
            let id = files.add(report.path.clone(), String::new());
            let _ = id;
            let diagnostic: Report<usize> =
                Report::error().with_message(format!("{}: {error}", report.path));
            term::emit(&mut buffer, &config, &files, &diagnostic).map_err(io::Error::other)?;
            io_errors += 1;
            continue;
        }
        let id = files.add(report.path.clone(), report.source.clone());
        for d in &report.diagnostics {
            counts[d.severity as usize] += 1;
            let mut notes = Vec::new();
            if let Some(fix) = &d.fix {
                let how = match fix.applicability {
                    Applicability::Safe => {
                        fixable += 1;
                        " (fixable with --fix)"
                    }
                    Applicability::Unsafe => " (fixable with --fix --unsafe-fixes)",
                    Applicability::DisplayOnly => "",
                };
                notes.push(format!("help: {}{how}", fix.title));
            }
            let range = d.range.as_usize();
            let range = range.start.min(report.source.len())..range.end.min(report.source.len());
            let mut labels = vec![Label::primary(id, range)];
            for related in &d.related {
                let r = related.range.as_usize();
                labels.push(
                    Label::secondary(
                        id,
                        r.start.min(report.source.len())..r.end.min(report.source.len()),
                    )
                    .with_message(related.message.clone()),
                );
            }
            let diagnostic = Report::new(level(d.severity))
                .with_message(&d.message)
                .with_code(format!("{} {}", d.code, d.name))
                .with_labels(labels)
                .with_notes(notes);
            term::emit(&mut buffer, &config, &files, &diagnostic).map_err(io::Error::other)?;
        }
    }
    out.write_all(buffer.as_slice())?;
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
