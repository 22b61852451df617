//! A GitLab Code Quality report: a JSON array GitLab shows in merge requests
//! (`artifacts: reports: codequality`).
//!
//! ```json
//! [{"description": "DL3019: `apk add` without `--no-cache` …",
//!   "check_name": "DL3019", "fingerprint": "…", "severity": "minor",
//!   "location": {"path": "Dockerfile", "lines": {"begin": 2}}}]
//! ```
//!
//! Severities: `style` → `info`, `info` → `minor`, `warning` → `major`, `error` →
//! `critical`; a file that could not be read is a `blocker` with the check name
//! `io-error` at line 1. The fingerprint is a hash of the file, the code, the text of the
//! line and the occurrence (see [`FileReport::fingerprints`]), so it survives lines moving.
//! Paths are relative, as GitLab needs them to link to the file.

use super::{code_quality_severity, fingerprint, FileReport};
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use serde_json::{json, Value};

/// The items of one file.
pub(super) fn file_items(report: &FileReport) -> Vec<Value> {
    let mut items = Vec::new();
    let path = report.clean_path();
    if let Some(error) = &report.error {
        items.push(json!({
            "description": format!("cannot read the file: {error}"),
            "check_name": "io-error",
            "fingerprint": fingerprint(&[&path, "io-error"]),
            "severity": "blocker",
            "location": {"path": path, "lines": {"begin": 1}},
        }));
        return items;
    }
    let index = LineIndex::new(&report.source);
    let fingerprints = report.fingerprints(&index);
    for (d, fingerprint) in report.diagnostics.iter().zip(fingerprints) {
        let (line, _) = report.position(&index, d.range.start, PositionEncoding::Utf32);
        items.push(json!({
            "description": format!("{}: {}", d.code, d.message),
            "check_name": d.code,
            "fingerprint": fingerprint,
            "severity": code_quality_severity(d.severity),
            "location": {"path": path, "lines": {"begin": line}},
        }));
    }
    items
}
