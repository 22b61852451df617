//! `plimsoll parse`: print the syntax tree, for people comparing with BuildKit and for tools.

use clap::{Args, ValueEnum};
use plimsoll_parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_parser::parse_bytes;
use serde_json::json;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ParseArgs {
    /// Dockerfiles to parse (`-` reads standard input).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ParseFormat::Buildkit)]
    format: ParseFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum ParseFormat {
    /// BuildKit's `Node.Dump` format, one `(instruction …)` per line.
    Buildkit,
    /// The whole syntax tree as JSON, one document per file per line.
    Json,
}

fn read(path: &PathBuf) -> io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path)
    }
}

/// Exit codes: 0 parsed cleanly, 1 syntax errors, 2 a file could not be read.
pub fn run(args: &ParseArgs) -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut status = 0u8;
    let several = args.files.len() > 1;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = match read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("plimsoll: {name}: {error}");
                status = 2;
                continue;
            }
        };
        let file = parse_bytes(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        let index = LineIndex::new(&text);
        let written = match args.format {
            ParseFormat::Buildkit => {
                let header = if several {
                    format!("==> {name} <==\n")
                } else {
                    String::new()
                };
                writeln!(out, "{header}{}", file.dump())
            }
            ParseFormat::Json => {
                let doc = json!({ "file": name, "dockerfile": file });
                writeln!(out, "{doc}")
            }
        };
        if written.is_err() {
            // The reader went away (e.g. `| head`): stop quietly.
            return ExitCode::from(status);
        }
        for diagnostic in &file.diagnostics {
            let pos = index.line_col(diagnostic.range.start, PositionEncoding::Utf32);
            eprintln!(
                "{name}:{}:{}: {} {}",
                pos.line + 1,
                pos.col + 1,
                diagnostic.code.code(),
                diagnostic.message
            );
            status = status.max(1);
        }
    }
    ExitCode::from(status)
}
