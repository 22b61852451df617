//! A JSON array of findings. This is a stable interface: fields are only ever added.
//!
//! ```json
//! [{"file": "Dockerfile", "code": "DL3019", "name": "apk-add-without-no-cache",
//!   "severity": "info", "message": "…", "line": 2, "column": 5, "end_line": 2,
//!   "end_column": 17, "url": "…",
//!   "fix": {"title": "…", "applicability": "safe",
//!           "edits": [{"file": "Dockerfile", "line": 2, "column": 12, "end_line": 2,
//!                      "end_column": 12, "content": " --no-cache"}]}}]
//! ```
//!
//! Lines and columns are 1-based; columns count Unicode code points; `end_*` is exclusive.
//! An edit that creates a build-context file has `"create": true`, the file's path
//! (relative to the context) and no positions.

use super::{rule_url, FileReport};
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::Edit;
use serde_json::{json, Value};
use std::io::{self, Write};

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut items = Vec::new();
    for report in reports {
        if let Some(error) = &report.error {
            items.push(json!({
                "file": report.path,
                "code": null,
                "name": "io-error",
                "severity": "error",
                "message": error,
                "line": null, "column": null, "end_line": null, "end_column": null,
                "url": null, "fix": null,
            }));
            continue;
        }
        let index = LineIndex::new(&report.source);
        let pos = |offset| report.position(&index, offset, PositionEncoding::Utf32);
        for d in &report.diagnostics {
            let (line, column) = pos(d.range.start);
            let (end_line, end_column) = pos(d.range.end);
            let fix = d.fix.as_ref().map(|fix| {
                let edits: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|edit| match edit {
                        Edit::Replace { range, content } => {
                            let (line, column) = pos(range.start);
                            let (end_line, end_column) = pos(range.end);
                            json!({"file": report.path, "line": line, "column": column,
                                   "end_line": end_line, "end_column": end_column,
                                   "content": content})
                        }
                        Edit::CreateFile { path, content } => {
                            json!({"file": path, "create": true, "content": content})
                        }
                    })
                    .collect();
                json!({"title": fix.title, "applicability": fix.applicability.as_str(), "edits": edits})
            });
            items.push(json!({
                "file": report.path,
                "code": d.code,
                "name": d.name,
                "severity": d.severity.as_str(),
                "message": d.message,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "url": rule_url(d.code),
                "fix": fix,
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
