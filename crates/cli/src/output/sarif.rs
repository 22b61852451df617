//! SARIF 2.1.0, the OASIS Static Analysis Results Interchange Format, for GitHub code
//! scanning (`github/codeql-action/upload-sarif`), Azure DevOps and SARIF viewers.
//!
//! One run. `tool.driver.rules` holds the metadata of every rule with a finding, in code
//! order, and each result points at its rule by `ruleId` and `ruleIndex`. Locations use
//! relative URIs (against `%SRCROOT%`) when the path was relative, and 1-based lines and
//! columns; columns count UTF-16 code units, SARIF's default (`columnKind`
//! `utf16CodeUnits`), and the end column is exclusive. Safe and unsafe fixes become
//! `fixes` (the applicability is in the fix's `properties`); display-only fixes and fixes
//! that create build-context files are left out, since a SARIF fix is applied as is.
//! Files that could not be read are `toolExecutionNotifications` of the invocation, which
//! is then not `executionSuccessful`.

use super::{clean_path, rule_url, FileReport, Span};
use plimsoll_rules::diagnostic::Applicability;
use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::parser::TextRange;
use plimsoll_rules::{find_meta, Edit, RuleMeta, Severity};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// A path as a URI reference: percent-encoded, `/`-separated; `file://` when absolute.
fn uri(path: &str) -> (String, bool) {
    let absolute = Path::new(path).is_absolute();
    let clean = clean_path(path);
    let mut encoded = String::with_capacity(clean.len());
    for &byte in clean.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte))
            }
            // A drive letter's colon (`C:/…`) is allowed in an absolute URI; in a relative
            // reference a colon could be read as a scheme.
            b':' if absolute => encoded.push(':'),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if absolute {
        let slash = if encoded.starts_with('/') { "" } else { "/" };
        (format!("file://{slash}{encoded}"), true)
    } else {
        (encoded, false)
    }
}

fn artifact_location(path: &str) -> Value {
    match uri(path) {
        (uri, true) => json!({ "uri": uri }),
        (uri, false) => json!({ "uri": uri, "uriBaseId": SRCROOT }),
    }
}

fn region(span: Span) -> Value {
    json!({
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    })
}

/// The body of the `## What it does` section of a rule's documentation, or the whole
/// documentation when it has no such section.
fn what_it_does(documentation: &str) -> &str {
    let Some((_, rest)) = documentation.split_once("## What it does") else {
        return documentation.trim();
    };
    rest.split("\n## ").next().unwrap_or(rest).trim()
}

fn rule(meta: &RuleMeta) -> Value {
    let documentation = meta.documentation();
    let description = what_it_does(&documentation);
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": meta.summary() },
        "fullDescription": { "text": description, "markdown": description },
        "help": { "text": documentation, "markdown": documentation },
        "helpUri": rule_url(meta.code),
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": {
            "category": meta.category.as_str(),
            "tags": [meta.category.as_str()],
        },
    })
}

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    // Rules with a finding, in code order.
    let codes: BTreeMap<&str, Option<&RuleMeta>> = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .map(|d| (d.code, find_meta(d.code)))
        .collect();
    let rule_index: BTreeMap<&str, usize> =
        codes.keys().enumerate().map(|(i, &c)| (c, i)).collect();
    let rules: Vec<Value> = codes
        .iter()
        .map(|(code, meta)| match meta {
            Some(meta) => rule(meta),
            None => json!({ "id": code, "helpUri": rule_url(code) }),
        })
        .collect();

    let notifications: Vec<Value> = reports
        .iter()
        .filter_map(|report| {
            let error = report.error.as_ref()?;
            Some(json!({
                "level": "error",
                "message": { "text": format!("{}: {error}", report.path) },
                "descriptor": { "id": "io-error" },
                "locations": [{
                    "physicalLocation": { "artifactLocation": artifact_location(&report.path) },
                }],
            }))
        })
        .collect();
    let mut invocation = json!({ "executionSuccessful": notifications.is_empty() });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    let tool = json!({
        "driver": {
            "name": "plimsoll",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": rules,
        },
    });
    let results = reports
        .iter()
        .flat_map(|report| file_results(report, &rule_index));
    let log = Log {
        run: Run {
            invocations: [invocation],
            results: LazyArray::new(results),
            tool,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The results of one file.
fn file_results(report: &FileReport, rule_index: &BTreeMap<&str, usize>) -> Vec<Value> {
    if report.error.is_some() {
        return Vec::new();
    }
    let index = LineIndex::new(&report.source);
    let span = |range: TextRange| report.span(&index, range, PositionEncoding::Utf16);
    let fingerprints = report.fingerprints(&index);
    let mut results = Vec::new();
    for (d, fingerprint) in report.diagnostics.iter().zip(fingerprints) {
        let mut result = json!({
            "ruleId": d.code,
            "ruleIndex": rule_index[d.code],
            "level": level(d.severity),
            "message": { "text": d.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact_location(&report.path),
                    "region": region(span(d.range)),
                },
            }],
            "partialFingerprints": { "plimsoll/v1": fingerprint },
        });
        if !d.related.is_empty() {
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(id, related)| {
                    json!({
                        "id": id,
                        "message": { "text": related.message },
                        "physicalLocation": {
                            "artifactLocation": artifact_location(&report.path),
                            "region": region(span(related.range)),
                        },
                    })
                })
                .collect();
            result["relatedLocations"] = Value::Array(related);
        }
        let fix = d.fix.as_ref().filter(|fix| {
            fix.applicability != Applicability::DisplayOnly
                && fix
                    .edits
                    .iter()
                    .all(|edit| matches!(edit, Edit::Replace { .. }))
        });
        if let Some(fix) = fix {
            let replacements: Vec<Value> = fix
                .edits
                .iter()
                .filter_map(|edit| match edit {
                    Edit::Replace { range, content } => Some(json!({
                        "deletedRegion": region(span(*range)),
                        "insertedContent": { "text": content },
                    })),
                    Edit::CreateFile { .. } => None,
                })
                .collect();
            result["fixes"] = json!([{
                "description": { "text": fix.title },
                "artifactChanges": [{
                    "artifactLocation": artifact_location(&report.path),
                    "replacements": replacements,
                }],
                "properties": { "applicability": fix.applicability.as_str() },
            }]);
        }
        results.push(result);
    }
    results
}

/// The SARIF log, written with its results made one file at a time. Keys are written in
/// the sorted order `serde_json`'s maps have, as the other parts of the log are.
struct Log<I> {
    run: Run<I>,
}

struct Run<I> {
    invocations: [Value; 1],
    results: LazyArray<I>,
    tool: Value,
}

impl<I: Iterator<Item = Value>> Serialize for Log<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("$schema", SCHEMA)?;
        map.serialize_entry("runs", std::slice::from_ref(&self.run))?;
        map.serialize_entry("version", "2.1.0")?;
        map.end()
    }
}

impl<I: Iterator<Item = Value>> Serialize for Run<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("columnKind", "utf16CodeUnits")?;
        map.serialize_entry("invocations", &self.invocations)?;
        map.serialize_entry("results", &self.results)?;
        map.serialize_entry("tool", &self.tool)?;
        map.end()
    }
}

/// A JSON array whose items are made while it is written. It can be written once.
struct LazyArray<I>(RefCell<Option<I>>);

impl<I> LazyArray<I> {
    fn new(items: I) -> LazyArray<I> {
        LazyArray(RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = serde_json::Value>> Serialize for LazyArray<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.borrow_mut().take() {
            Some(items) => serializer.collect_seq(items),
            None => Err(serde::ser::Error::custom(
                "a lazy array is written only once",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("./Dockerfile"), ("Dockerfile".to_string(), false));
        assert_eq!(
            uri("dir with space/Dockerfile.prod"),
            ("dir%20with%20space/Dockerfile.prod".to_string(), false)
        );
        assert_eq!(
            uri("a:b/Dockerfile#1"),
            ("a%3Ab/Dockerfile%231".to_string(), false)
        );
        assert_eq!(
            uri("构建/Dockerfile"),
            ("%E6%9E%84%E5%BB%BA/Dockerfile".to_string(), false)
        );
        if cfg!(unix) {
            assert_eq!(
                uri("/srv/app/Dockerfile"),
                ("file:///srv/app/Dockerfile".to_string(), true)
            );
        }
    }

    #[test]
    fn extracts_what_it_does() {
        let doc = "## What it does\nReports x.\n\nMore.\n\n## Why\nBecause.\n";
        assert_eq!(what_it_does(doc), "Reports x.\n\nMore.");
        assert_eq!(what_it_does("Plain text.\n"), "Plain text.");
    }
}
