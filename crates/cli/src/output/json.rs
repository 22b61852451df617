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
use serde::Serialize;

/// One finding. Fields are declared in the sorted order the format has always had (that of
/// a `serde_json` map): the output does not depend on how items are built.
#[derive(Serialize)]
pub(super) struct Item<'a> {
    code: Option<&'a str>,
    column: Option<u32>,
    end_column: Option<u32>,
    end_line: Option<u32>,
    file: &'a str,
    fix: Option<FixItem<'a>>,
    line: Option<u32>,
    message: &'a str,
    name: &'a str,
    severity: &'a str,
    url: Option<String>,
}

#[derive(Serialize)]
struct FixItem<'a> {
    applicability: &'a str,
    edits: Vec<EditItem<'a>>,
    title: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum EditItem<'a> {
    Replace {
        column: u32,
        content: &'a str,
        end_column: u32,
        end_line: u32,
        file: &'a str,
        line: u32,
    },
    CreateFile {
        content: &'a str,
        create: bool,
        file: &'a str,
    },
}

/// The items of one file.
pub(super) fn file_items(report: &FileReport) -> Vec<Item<'_>> {
    if let Some(error) = &report.error {
        return vec![Item {
            code: None,
            column: None,
            end_column: None,
            end_line: None,
            file: &report.path,
            fix: None,
            line: None,
            message: error,
            name: "io-error",
            severity: "error",
            url: None,
        }];
    }
    let index = LineIndex::new(&report.source);
    let pos = |offset| report.position(&index, offset, PositionEncoding::Utf32);
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = pos(d.range.start);
            let (end_line, end_column) = pos(d.range.end);
            let fix = d.fix.as_ref().map(|fix| FixItem {
                applicability: fix.applicability.as_str(),
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| match edit {
                        Edit::Replace { range, content } => {
                            let (line, column) = pos(range.start);
                            let (end_line, end_column) = pos(range.end);
                            EditItem::Replace {
                                column,
                                content,
                                end_column,
                                end_line,
                                file: &report.path,
                                line,
                            }
                        }
                        Edit::CreateFile { path, content } => EditItem::CreateFile {
                            content,
                            create: true,
                            file: path,
                        },
                    })
                    .collect(),
                title: &fix.title,
            });
            Item {
                code: Some(d.code),
                column: Some(column),
                end_column: Some(end_column),
                end_line: Some(end_line),
                file: &report.path,
                fix,
                line: Some(line),
                message: &d.message,
                name: d.name,
                severity: d.severity.as_str(),
                url: Some(rule_url(d.code)),
            }
        })
        .collect()
}
