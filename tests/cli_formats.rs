//! End-to-end tests of `plimsoll check --format …`: every format's output for a fixed
//! Dockerfile against a golden file, plus structural checks (the SARIF schema, JSON
//! parsing, XML well-formedness, UTF-16 columns) and I/O errors.
//!
//! The golden files are `tests/golden/formats/<format>.txt`. After an intended change,
//! rewrite them with `PLIMSOLL_BLESS=1 cargo test --test cli_formats` and review the diff.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every `--format`, in the order of `plimsoll check --help`.
const FORMATS: &[&str] = &[
    "human",
    "concise",
    "json",
    "sarif",
    "gitlab",
    "codeclimate",
    "checkstyle",
    "junit",
    "github",
];

/// The files checked, relative to [`golden_dir`]: one with findings, one clean.
const FILES: &[&str] = &["Dockerfile", "clean.Dockerfile"];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/formats")
}

/// Runs `plimsoll check --format <format> <files>` in the golden directory, so that paths
/// are relative and stable, isolated from configuration files and the environment.
fn check(format: &str, files: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plimsoll"));
    command
        .current_dir(golden_dir())
        .args([
            "check",
            "--isolated",
            "--color",
            "never",
            "--format",
            format,
        ])
        .args(files);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PLIMSOLL_") || name == "NO_COLOR" {
            command.env_remove(name);
        }
    }
    command.output().expect("the plimsoll binary runs")
}

/// The standard output of a check that found problems (exit code 1).
fn findings(format: &str) -> String {
    let output = check(format, FILES);
    assert_eq!(
        output.status.code(),
        Some(1),
        "--format {format}: stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the output is UTF-8")
}

/// The output with what changes without the formats changing replaced by placeholders,
/// so that the golden files stay put: the version of Plimsoll (in SARIF's `tool.driver`)
/// and the rules' documentation (SARIF's rule descriptions, Code Climate's `content`).
/// Only exact JSON strings are replaced, so the output must hold the documentation
/// exactly as the rule has it.
fn normalize(output: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut text = output.to_string();
    for key in ["version", "semanticVersion"] {
        // The driver's keys, by their indentation (SARIF's own `version` has less).
        text = text.replace(
            &format!("\n          \"{key}\": \"{version}\""),
            &format!("\n          \"{key}\": \"[VERSION]\""),
        );
    }
    let json = |s: &str| serde_json::to_string(s).unwrap();
    for meta in plimsoll_rules::all_metas() {
        if !text.contains(&format!("\"{}\"", meta.code)) {
            continue;
        }
        let code = meta.code;
        let documentation = meta.documentation();
        let what_it_does = documentation
            .split_once("## What it does")
            .map_or(documentation.as_str(), |(_, rest)| {
                rest.split("\n## ").next().unwrap_or(rest)
            })
            .trim();
        let summary = meta.summary();
        let url =
            format!("https://github.com/plimsoll-dev/plimsoll/blob/main/docs/rules/{code}.md");
        for (value, placeholder) in [
            (documentation.clone(), format!("[{code} documentation]")),
            (what_it_does.to_string(), format!("[{code} what it does]")),
            (
                format!("{summary}\n\nSee {url}"),
                format!("[{code} summary]\n\nSee {url}"),
            ),
            (summary, format!("[{code} summary]")),
        ] {
            text = text.replace(&json(&value), &json(&placeholder));
        }
    }
    text
}

#[test]
fn outputs_match_the_golden_files() {
    let bless = std::env::var_os("PLIMSOLL_BLESS").is_some_and(|v| v == "1");
    let mut mismatches = Vec::new();
    for format in FORMATS {
        let actual = normalize(&findings(format));
        let path = golden_dir().join(format!("{format}.txt"));
        if bless {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            let diff = similar::TextDiff::from_lines(&expected, &actual)
                .unified_diff()
                .header(&format!("{}", path.display()), "actual")
                .to_string();
            mismatches.push(diff);
        }
    }
    assert!(
        mismatches.is_empty(),
        "output differs from the golden files (PLIMSOLL_BLESS=1 rewrites them):\n{}",
        mismatches.join("\n")
    );
}

/// The official SARIF 2.1.0 schema (see `tests/schemas/README.md`), formats included.
///
/// The schema's two `language` patterns have a stray `]` that ECMA-262 regular
/// expressions (Annex B) read as a literal but the `jsonschema` crate's check of the
/// schema rejects; they are escaped here, which keeps their meaning. The file stays as
/// published.
fn sarif_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
        let mut schema: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let escaped = escape_language_patterns(&mut schema);
        assert_eq!(escaped, 2, "the schema's language patterns changed");
        jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

/// Escapes the stray `]` of the `language` patterns; returns how many it changed.
fn escape_language_patterns(value: &mut Value) -> usize {
    const PUBLISHED: &str = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const ESCAPED: &str = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$";
    match value {
        Value::Object(map) => map
            .iter_mut()
            .map(|(key, value)| {
                if key == "pattern" && value == PUBLISHED {
                    *value = Value::from(ESCAPED);
                    1
                } else {
                    escape_language_patterns(value)
                }
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(escape_language_patterns).sum(),
        _ => 0,
    }
}

fn assert_valid_sarif(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("SARIF output is JSON");
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    log
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let log = assert_valid_sarif(&findings("sarif"));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    // A clean run: no rules, no results, still valid.
    let clean = check("sarif", &["clean.Dockerfile"]);
    assert_eq!(clean.status.code(), Some(0));
    let log = assert_valid_sarif(&String::from_utf8(clean.stdout).unwrap());
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

/// The schema check is not vacuous: it rejects the usual mistakes.
#[test]
fn the_sarif_schema_check_rejects_mistakes() {
    let log: Value = serde_json::from_str(&findings("sarif")).unwrap();
    assert!(sarif_validator().is_valid(&log));
    let mistakes: [fn(&mut Value); 4] = [
        |log| log["runs"][0]["results"][0]["level"] = Value::from("fatal"),
        |log| {
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
                ["startLine"] = Value::from(0)
        },
        |log| log["runs"][0]["tool"]["driver"]["rules"][0]["unknown"] = Value::from(1),
        |log| {
            log.as_object_mut().unwrap().remove("version");
        },
    ];
    for (i, mistake) in mistakes.iter().enumerate() {
        let mut broken = log.clone();
        mistake(&mut broken);
        assert!(!sarif_validator().is_valid(&broken), "mistake {i} passed");
    }
}

/// The 1-based line `line`, and the byte offset of a 1-based UTF-16 column on it.
fn utf16_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (at, c) in text[start..].char_indices() {
        if units >= column - 1 {
            return start + at;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[test]
fn sarif_columns_count_utf16_code_units() {
    let source = std::fs::read_to_string(golden_dir().join("Dockerfile")).unwrap();
    let log = assert_valid_sarif(&findings("sarif"));
    let result = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "DL3019")
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let line = region["startLine"].as_u64().unwrap() as usize;
    let column = region["startColumn"].as_u64().unwrap() as usize;
    let offset = utf16_offset(&source, line, column);
    assert!(source[offset..].starts_with("apk add"), "{line}:{column}");
    // The emoji before it takes two UTF-16 units but one code point: the JSON format, which
    // counts code points, gives a column one less.
    let json: Value = serde_json::from_str(&findings("json")).unwrap();
    let finding = json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DL3019")
        .unwrap();
    assert_eq!(finding["column"].as_u64().unwrap() as usize, column - 1);
}

/// Applying the SARIF fixes gives what `plimsoll check --fix` writes.
#[test]
fn sarif_fixes_apply_like_fix() {
    let source = std::fs::read_to_string(golden_dir().join("Dockerfile")).unwrap();
    let log = assert_valid_sarif(&findings("sarif"));
    let mut edits = Vec::new();
    for result in log["runs"][0]["results"].as_array().unwrap() {
        for fix in result["fixes"].as_array().into_iter().flatten() {
            for change in fix["artifactChanges"].as_array().unwrap() {
                assert_eq!(change["artifactLocation"]["uri"], "Dockerfile");
                for replacement in change["replacements"].as_array().unwrap() {
                    let region = &replacement["deletedRegion"];
                    let at = |line: &str, column: &str| {
                        utf16_offset(
                            &source,
                            region[line].as_u64().unwrap() as usize,
                            region[column].as_u64().unwrap() as usize,
                        )
                    };
                    let content = replacement["insertedContent"]["text"].as_str().unwrap();
                    edits.push((
                        at("startLine", "startColumn"),
                        at("endLine", "endColumn"),
                        content.to_string(),
                    ));
                }
            }
        }
    }
    assert!(!edits.is_empty());
    edits.sort();
    let mut fixed = source.clone();
    for (start, end, content) in edits.iter().rev() {
        fixed.replace_range(start..end, content);
    }

    let dir = tempfile::tempdir().unwrap();
    for name in ["Dockerfile", ".dockerignore"] {
        std::fs::copy(golden_dir().join(name), dir.path().join(name)).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir.path())
        .args(["check", "--isolated", "--fix", "--quiet", "Dockerfile"])
        .output()
        .unwrap();
    assert!(output.status.code().is_some());
    let expected = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert_eq!(fixed, expected);
}

#[test]
fn json_formats_parse() {
    for format in ["json", "sarif", "gitlab", "codeclimate"] {
        let text = findings(format);
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("--format {format} is not JSON: {e}"));
        assert!(value.is_array() || value.is_object(), "{format}");
    }
    let gitlab: Value = serde_json::from_str(&findings("gitlab")).unwrap();
    let issues = gitlab.as_array().unwrap();
    assert_eq!(issues.len(), 4);
    let mut fingerprints = std::collections::HashSet::new();
    for issue in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} in {issue}");
        }
        let severity = issue["severity"].as_str().unwrap();
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&severity),
            "{severity}"
        );
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(
            fingerprints.insert(fingerprint.to_string()),
            "{fingerprint}"
        );
        assert_eq!(issue["location"]["path"], "Dockerfile");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let codeclimate: Value = serde_json::from_str(&findings("codeclimate")).unwrap();
    for issue in codeclimate.as_array().unwrap() {
        assert_eq!(issue["type"], "issue");
        assert!(!issue["categories"].as_array().unwrap().is_empty());
        assert!(issue["location"]["positions"]["begin"]["line"].is_u64());
    }
}

/// The `<testcase>` children of a JUnit `<testsuite>`.
fn test_cases<'a, 'input>(suite: roxmltree::Node<'a, 'input>) -> Vec<roxmltree::Node<'a, 'input>> {
    suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect()
}

/// Parses an XML document, failing with the parser's message when it is not well-formed.
fn parse_xml<'a>(format: &str, text: &'a str) -> roxmltree::Document<'a> {
    roxmltree::Document::parse(text)
        .unwrap_or_else(|e| panic!("--format {format} is not well-formed XML: {e}\n{text}"))
}

#[test]
fn xml_formats_are_well_formed() {
    let checkstyle = findings("checkstyle");
    let doc = parse_xml("checkstyle", &checkstyle);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    let files: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].attribute("name"), Some("Dockerfile"));
    let errors: Vec<_> = files[0].children().filter(|n| n.is_element()).collect();
    assert_eq!(errors.len(), 4);
    for error in errors {
        assert!(error.attribute("source").unwrap().starts_with("plimsoll."));
        assert!(error.attribute("line").unwrap().parse::<u32>().unwrap() >= 1);
    }

    let junit = findings("junit");
    let doc = parse_xml("junit", &junit);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("4"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 2);
    assert_eq!(test_cases(suites[0]).len(), 4);
    assert!(test_cases(suites[0])
        .iter()
        .all(|c| c.children().any(|n| n.has_tag_name("failure"))));
    assert_eq!(test_cases(suites[1]).len(), 1);
    assert!(!test_cases(suites[1])[0].has_children());
}

#[test]
fn github_commands_are_well_formed() {
    let output = findings("github");
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 4);
    for line in lines {
        let (command, message) = line[2..].split_once("::").unwrap();
        let (level, properties) = command.split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&level), "{line}");
        let keys: Vec<&str> = properties
            .split(',')
            .map(|p| p.split_once('=').unwrap().0)
            .collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"],
            "{line}"
        );
        assert!(!message.is_empty() && !message.contains('\n'));
    }
}

/// A file that cannot be read shows up in every format (Linux: reading `/proc/self/mem`
/// at offset 0 fails with an I/O error even for root).
#[cfg(target_os = "linux")]
#[test]
fn io_errors_appear_in_every_format() {
    let unreadable = "/proc/self/mem";
    for format in FORMATS {
        let output = check(format, &["Dockerfile", unreadable]);
        assert_eq!(output.status.code(), Some(2), "--format {format}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            text.contains("os error"),
            "--format {format} does not show the I/O error:\n{text}"
        );
        match *format {
            "json" | "gitlab" | "codeclimate" => {
                let value: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(value.as_array().unwrap().len(), 5, "{format}");
            }
            "sarif" => {
                let log = assert_valid_sarif(&text);
                let invocation = &log["runs"][0]["invocations"][0];
                assert_eq!(invocation["executionSuccessful"], false);
                let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
                assert_eq!(notifications.len(), 1);
                assert_eq!(
                    notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    "file:///proc/self/mem"
                );
            }
            "checkstyle" => {
                let doc = parse_xml(format, &text);
                assert!(doc
                    .descendants()
                    .any(|n| n.attribute("source") == Some("plimsoll.io-error")));
            }
            "junit" => {
                let doc = parse_xml(format, &text);
                assert_eq!(doc.root_element().attribute("errors"), Some("1"));
                assert!(doc.descendants().any(|n| n.has_tag_name("error")));
            }
            "github" => {
                assert!(text
                    .lines()
                    .any(|l| l.starts_with(&format!("::error file={unreadable},"))));
            }
            _ => {}
        }
    }
}
