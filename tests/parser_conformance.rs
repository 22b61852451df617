//! The parser agrees with BuildKit: on BuildKit's own parser test cases, and on BuildKit's
//! parse of every real-world Dockerfile in the shared corpus.
//!
//! Differences that are BuildKit's bugs are listed, with the reason, in
//! `tests/known-differences.txt`; anything unlisted fails the test, and so does a listed
//! difference that no longer occurs.

mod common;

use common::{line_of, read_text, shared_dir};
use plimsoll_parser::{parse, Dockerfile, Instruction};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

#[test]
fn buildkit_testfiles_dump_exactly_their_result() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("conformance/buildkit/testfiles");
    let mut cases = 0;
    let mut failures = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().path();
        let text = read_text(&case.join("Dockerfile"));
        let expected = read_text(&case.join("result"));
        let file = parse(&text);
        let got = file.dump() + "\n";
        cases += 1;
        if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{got}",
                case.display()
            ));
        }
    }
    assert_eq!(cases, 33, "expected BuildKit's 33 parser test cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn buildkit_negative_testfiles_are_errors() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("conformance/buildkit/testfiles-negative");
    let mut cases = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().path();
        let file = parse(&read_text(&case.join("Dockerfile")));
        cases += 1;
        assert!(
            !file.diagnostics.is_empty(),
            "{}: expected a syntax error",
            case.display()
        );
    }
    assert_eq!(cases, 4);
}

#[test]
fn buildkit_testfile_line_ranges() {
    let Some(shared) = shared_dir() else { return };
    let file = parse(&read_text(
        &shared.join("conformance/buildkit/testfile-line/Dockerfile"),
    ));
    let ranges: Vec<_> = file
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    assert_eq!(ranges, vec![(5, 5), (11, 12), (17, 31)]);
}

/// The known differences: `path<TAB>aspect<TAB>reason` lines.
fn known_differences() -> BTreeSet<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/known-differences.txt");
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.splitn(3, '\t');
            let file = parts.next().unwrap_or("").to_string();
            let aspect = parts.next().unwrap_or("").to_string();
            assert!(
                parts.next().is_some_and(|r| !r.trim().is_empty()),
                "known difference without a reason: {l}"
            );
            (file, aspect)
        })
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Compares our parse of one file with BuildKit's record; returns the aspects that differ.
fn compare(text: &str, file: &Dockerfile, record: &Value) -> Vec<(String, String)> {
    let mut diffs = Vec::new();
    let mut differ = |aspect: &str, detail: String| diffs.push((aspect.to_string(), detail));
    let ok = record["ok"].as_bool().unwrap();
    let instructions_error = record["instructions_error"].as_str();
    let messages: Vec<(usize, &str)> = file
        .diagnostics
        .iter()
        .map(|d| (line_of(text, d.range.start), d.message.as_str()))
        .collect();

    if !ok {
        let expected = record["error"].as_str().unwrap_or("");
        if !messages.iter().any(|(_, m)| *m == expected) {
            differ(
                "error",
                format!("expected error {expected:?}, got {messages:?}"),
            );
        }
        return diffs;
    }

    let escape = record["escape"].as_str().unwrap_or("\\");
    if file.escape.to_string() != escape {
        differ(
            "escape",
            format!("expected {escape:?}, got {:?}", file.escape),
        );
    }
    let expected_dump = record["dump"].as_str().unwrap_or("");
    let dump = file.dump();
    if dump != expected_dump {
        let first = dump
            .lines()
            .zip(expected_dump.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("\n  got:      {a}\n  expected: {b}"))
            .unwrap_or_default();
        differ("dump", format!("dump differs{first}"));
    }
    let warned = !record["warnings"].as_array().unwrap().is_empty();
    let we_warn = !file.empty_continuation_lines.is_empty();
    if warned != we_warn {
        differ(
            "warnings",
            format!("expected empty-continuation warning: {warned}"),
        );
    }
    let expected_instructions = record["instructions"].as_array().unwrap();
    if expected_instructions.len() != file.instructions.len() {
        differ(
            "instructions",
            format!(
                "expected {} instructions, got {}",
                expected_instructions.len(),
                file.instructions.len()
            ),
        );
    }
    for (ours, theirs) in file.instructions.iter().zip(expected_instructions) {
        compare_instruction(ours, theirs, &mut differ);
    }

    match instructions_error {
        None => {
            if !file.diagnostics.is_empty() {
                differ(
                    "errors",
                    format!("BuildKit accepts the file, we report {messages:?}"),
                );
            }
        }
        Some(error) => {
            let (line, message) = match error.strip_prefix("dockerfile parse error on line ") {
                Some(rest) => {
                    let (n, m) = rest.split_once(": ").unwrap();
                    (n.parse::<usize>().ok(), m)
                }
                None => (None, error),
            };
            let found = messages
                .iter()
                .any(|(l, m)| *m == message && line.is_none_or(|n| n == *l));
            if !found {
                differ(
                    "instructions_error",
                    format!("expected {message:?} on line {line:?}, got {messages:?}"),
                );
            }
        }
    }
    diffs
}

fn compare_instruction(ours: &Instruction, theirs: &Value, differ: &mut impl FnMut(&str, String)) {
    let lines = (ours.start_line as u64, ours.end_line as u64);
    let expected_lines = (
        theirs["start_line"].as_u64().unwrap(),
        theirs["end_line"].as_u64().unwrap(),
    );
    if lines != expected_lines {
        differ(
            "lines",
            format!(
                "{}: lines {lines:?}, expected {expected_lines:?}",
                theirs["original"]
            ),
        );
    }
    let flags: Vec<String> = ours.flags.iter().map(|f| f.text.clone()).collect();
    if flags != strings(&theirs["flags"]) {
        differ("flags", format!("{flags:?} vs {:?}", theirs["flags"]));
    }
    let args: Vec<&str> = ours.arg_values();
    if args != strings(&theirs["args"]) {
        differ("args", format!("{args:?} vs {:?}", theirs["args"]));
    }
    if ours.json != theirs["json"].as_bool().unwrap() {
        differ("json", format!("{}", theirs["original"]));
    }
    if ours.original != theirs["original"].as_str().unwrap() {
        differ(
            "original",
            format!("{:?} vs {}", ours.original, theirs["original"]),
        );
    }
    if ours.prev_comment != strings(&theirs["prev_comment"]) {
        differ(
            "prev_comment",
            format!("{:?} vs {}", ours.prev_comment, theirs["prev_comment"]),
        );
    }
    let heredocs = theirs["heredocs"].as_array().unwrap();
    let ours_docs: Vec<_> = ours
        .heredocs
        .iter()
        .map(|h| {
            (
                h.name.as_str(),
                h.expand,
                h.chomp,
                h.fd as u64,
                h.content.as_str(),
            )
        })
        .collect();
    let theirs_docs: Vec<_> = heredocs
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap(),
                h["expand"].as_bool().unwrap(),
                h["chomp"].as_bool().unwrap(),
                h["fd"].as_u64().unwrap(),
                h["content"].as_str().unwrap(),
            )
        })
        .collect();
    if ours_docs != theirs_docs {
        differ("heredocs", format!("{ours_docs:?} vs {theirs_docs:?}"));
    }
}

/// Runs every record of a BuildKit `.jsonl` against our parser.
fn run_oracle(jsonl: &Path, base: &Path, expected_records: usize) {
    let known = known_differences();
    let mut seen_known = BTreeSet::new();
    let mut failures = Vec::new();
    let mut records = 0;
    for line in fs::read_to_string(jsonl).unwrap().lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let name = record["file"].as_str().unwrap();
        let text = read_text(&base.join(name));
        let file = parse(&text);
        records += 1;
        let mut aspects = BTreeSet::new();
        for (aspect, detail) in compare(&text, &file, &record) {
            let key = (name.to_string(), aspect.clone());
            if known.contains(&key) {
                seen_known.insert(key);
            } else if aspects.insert(aspect.clone()) {
                // One line per file and aspect keeps the report readable.
                failures.push(format!("{name} [{aspect}] {detail}"));
            }
        }
    }
    assert_eq!(records, expected_records, "{}", jsonl.display());
    let stale: Vec<_> = known
        .iter()
        .filter(|k| base.join(&k.0).exists() && !seen_known.contains(*k))
        .collect();
    let total = failures.len();
    failures.truncate(200);
    assert!(
        failures.is_empty(),
        "{total} differences from BuildKit (first 200):\n{}",
        failures.join("\n")
    );
    assert!(
        stale.is_empty(),
        "known differences that no longer occur (remove them): {stale:?}"
    );
}

#[test]
fn agrees_with_buildkit_on_its_own_test_files() {
    let Some(shared) = shared_dir() else { return };
    let base = shared.join("conformance/buildkit");
    run_oracle(&base.join("oracle.jsonl"), &base, 38);
}

#[test]
fn agrees_with_buildkit_on_the_real_world_corpus() {
    let Some(shared) = shared_dir() else { return };
    run_oracle(
        &shared.join("conformance/buildkit-corpus.jsonl"),
        &shared.join("corpus"),
        3324,
    );
}
