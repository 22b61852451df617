//! Code Climate issues (the engine specification's `issue` objects) as a JSON array.
//!
//! ```json
//! [{"type": "issue", "check_name": "DL3019", "description": "`apk add` without …",
//!   "content": {"body": "…"}, "categories": ["Performance"],
//!   "location": {"path": "Dockerfile",
//!                "positions": {"begin": {"line": 2, "column": 5},
//!                              "end": {"line": 2, "column": 17}}},
//!   "severity": "minor", "fingerprint": "…", "engine_name": "plimsoll"}]
//! ```
//!
//! Lines and columns are 1-based; columns count Unicode code points; the end is exclusive.
//! Severities and fingerprints are those of the GitLab format. Categories map from the
//! rule's category onto Code Climate's fixed list. A file that could not be read is a
//! `blocker` issue with the check name `io-error` at line 1.

use super::{code_quality_severity, fingerprint, rule_url, FileReport};
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::{find_meta, Category};
use serde_json::{json, Value};

/// Code Climate's category for a rule category.
fn category(category: Category) -> &'static str {
    match category {
        Category::Syntax | Category::Correctness | Category::Go => "Bug Risk",
        Category::Reproducibility => "Compatibility",
        Category::Size | Category::Cache | Category::Context => "Performance",
        Category::Security => "Security",
        Category::Style => "Style",
        Category::Meta => "Clarity",
    }
}

/// The items of one file.
pub(super) fn file_items(report: &FileReport) -> Vec<Value> {
    let mut items = Vec::new();
    let path = report.clean_path();
    if let Some(error) = &report.error {
        items.push(json!({
            "type": "issue",
            "check_name": "io-error",
            "description": format!("cannot read the file: {error}"),
            "categories": ["Bug Risk"],
            "location": {"path": path, "lines": {"begin": 1, "end": 1}},
            "severity": "blocker",
            "fingerprint": fingerprint(&[&path, "io-error"]),
            "engine_name": "plimsoll",
        }));
        return items;
    }
    let index = LineIndex::new(&report.source);
    let fingerprints = report.fingerprints(&index);
    for (d, fingerprint) in report.diagnostics.iter().zip(fingerprints) {
        let span = report.span(&index, d.range, PositionEncoding::Utf32);
        let meta = find_meta(d.code);
        let categories = [meta.map_or("Bug Risk", |m| category(m.category))];
        let body = match meta {
            Some(meta) => format!("{}\n\nSee {}", meta.summary(), rule_url(d.code)),
            None => format!("See {}", rule_url(d.code)),
        };
        items.push(json!({
            "type": "issue",
            "check_name": d.code,
            "description": d.message,
            "content": {"body": body},
            "categories": categories,
            "location": {
                "path": path,
                "positions": {
                    "begin": {"line": span.line, "column": span.column},
                    "end": {"line": span.end_line, "column": span.end_column},
                },
            },
            "severity": code_quality_severity(d.severity),
            "fingerprint": fingerprint,
            "engine_name": "plimsoll",
        }));
    }
    items
}
