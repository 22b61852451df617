//! Plimsoll's build checks agree with BuildKit's on BuildKit's own lint test cases
//! (`../shared/conformance/buildkit-lint/cases.jsonl`, from `dockerfile_check_test.go`).
//!
//! Each case is linted as `docker build --check` lints it: the Dockerfile with its context
//! files in a [`MemoryContext`], every stage checked, the `BUILDKIT_DOCKERFILE_CHECK` build
//! argument (when the case passes it) replacing the `# check=` directive. Our findings are
//! mapped to BuildKit's rule names through the rules' BuildKit aliases, and must be the
//! case's `check_warnings`: the same multiset of (rule, line, detail). A finding matches a
//! warning when it has the same rule and detail and its range covers the warning's line
//! (BuildKit reports an instruction; some of our findings point at a part of it). The
//! expected error must be reproduced where it is a lint result: `lint violation found for
//! rules: …` with `error=true`, and a syntax error where BuildKit fails to parse.
//!
//! Differences that are not bugs of ours are listed with their reason in
//! `tests/data/buildkit-lint-known-differences.txt`; an unlisted difference fails the test,
//! and so does a listed one that no longer occurs.
//!
//! BuildKit has 22 checks. Every one but `InvalidBaseImagePlatform` must be the alias of a
//! rule: that check compares the platform of the base image as pulled from a registry with
//! the build's, which a linter that does not pull images cannot know (the case set has no
//! case for it either).

mod common;

use common::{line_of, shared_dir};
use plimsoll_rules::suppression::{buildkit_name, Suppressions};
use plimsoll_rules::{all_metas, find_meta, lint, Category, LintOptions, MemoryContext, Settings};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// BuildKit's checks (`frontend/dockerfile/linter/ruleset.go`), but InvalidBaseImagePlatform.
const BUILDKIT_CHECKS: [&str; 21] = [
    "StageNameCasing",
    "FromAsCasing",
    "NoEmptyContinuation",
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ReservedStageName",
    "JSONArgsRecommended",
    "MaintainerDeprecated",
    "UndefinedArgInFrom",
    "WorkdirRelativePath",
    "UndefinedVar",
    "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat",
    "RedundantTargetPlatform",
    "SecretsUsedInArgOrEnv",
    "InvalidDefaultArgInFrom",
    "FromPlatformFlagConstDisallowed",
    "CopyIgnoredFile",
    "InvalidDefinitionDescription",
    "ExposeProtoCasing",
    "ExposeInvalidFormat",
];

#[test]
fn every_buildkit_check_is_a_rule_alias() {
    for check in BUILDKIT_CHECKS {
        let rules: Vec<&str> = all_metas()
            .iter()
            .filter(|meta| meta.aliases.contains(&check))
            .map(|meta| meta.code)
            .collect();
        assert!(!rules.is_empty(), "no rule has the alias `{check}`");
    }
    let shared: Vec<&str> = all_metas()
        .iter()
        .filter(|meta| meta.aliases.contains(&"MultipleInstructionsDisallowed"))
        .map(|meta| meta.code)
        .collect();
    assert_eq!(shared, ["DL3012", "DL4003", "DL4004"]);
}

/// One way our result differs from BuildKit's.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Difference {
    case: String,
    /// The BuildKit rule name, or `-` for an error that is not one rule's.
    rule: String,
    /// `missing` (BuildKit warns, we do not), `extra` (we warn, BuildKit does not),
    /// `detail` (same warning, other text), `error` (the check's error differs).
    kind: &'static str,
    /// What was expected and what we found.
    note: String,
}

/// A finding of ours as BuildKit would name it.
struct Finding {
    rule: &'static str,
    first_line: usize,
    last_line: usize,
    detail: String,
}

#[test]
fn agrees_with_buildkit_lint_cases() {
    let Some(shared) = shared_dir() else { return };
    let cases = std::fs::read_to_string(shared.join("conformance/buildkit-lint/cases.jsonl"))
        .expect("cases.jsonl");
    let mut differences = Vec::new();
    let mut count = 0;
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("a JSON case");
        differences.extend(check_case(&case));
        count += 1;
    }
    assert_eq!(count, 87, "expected BuildKit's 87 lint cases");

    let known = known_differences();
    let found: BTreeSet<(String, String, String)> = differences
        .iter()
        .map(|d| (d.case.clone(), d.rule.clone(), d.kind.to_string()))
        .collect();
    let mut failures = Vec::new();
    for d in &differences {
        if !known.contains(&(d.case.clone(), d.rule.clone(), d.kind.to_string())) {
            failures.push(format!(
                "unlisted difference: {}\t{}\t{}\t({})",
                d.case, d.rule, d.kind, d.note
            ));
        }
    }
    for (case, rule, kind) in &known {
        if !found.contains(&(case.clone(), rule.clone(), kind.clone())) {
            failures.push(format!(
                "listed difference no longer occurs (remove it): {case}\t{rule}\t{kind}"
            ));
        }
    }
    failures.dedup();
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

fn check_case(case: &Value) -> Vec<Difference> {
    let id = case["id"].as_str().expect("id").to_string();
    let dockerfile = case["dockerfile"].as_str().expect("dockerfile");
    let mut context = MemoryContext::default();
    for (path, content) in case["context_files"].as_object().into_iter().flatten() {
        context.insert(path.clone(), content.as_str().unwrap_or_default());
    }
    context.insert("Dockerfile", dockerfile);
    let build_check = case["build_args"]["BUILDKIT_DOCKERFILE_CHECK"].as_str();
    let settings = Settings::default();
    let mut options = LintOptions::new(&settings).with_context(&context, Some("Dockerfile"));
    if let Some(check) = build_check {
        options = options.with_buildkit_check(check);
    }
    let result = lint(dockerfile, &options);

    let mut ours = Vec::new();
    let mut syntax_errors = Vec::new();
    for d in &result.diagnostics {
        let Some(meta) = find_meta(d.code) else {
            continue;
        };
        let first_line = line_of(dockerfile, d.range.start);
        if meta.category == Category::Syntax {
            syntax_errors.push((first_line, d.message.clone()));
            continue;
        }
        let Some(rule) = buildkit_name(meta) else {
            continue;
        };
        let last = d.range.end.saturating_sub(1).max(d.range.start);
        ours.push(Finding {
            rule,
            first_line,
            last_line: line_of(dockerfile, last),
            detail: d.message.clone(),
        });
    }

    let mut out = Vec::new();
    let mut difference = |rule: &str, kind: &'static str, note: String| {
        out.push(Difference {
            case: id.clone(),
            rule: rule.to_string(),
            kind,
            note,
        })
    };
    let mut used = vec![false; ours.len()];
    for warning in case["check_warnings"].as_array().into_iter().flatten() {
        let rule = warning["rule"].as_str().unwrap_or_default();
        let detail = warning["detail"].as_str().unwrap_or_default();
        let line = warning["instruction_line"]
            .as_u64()
            .or(warning["line"].as_u64())
            .unwrap_or(0) as usize;
        let covers = |f: &Finding| f.rule == rule && f.first_line <= line && line <= f.last_line;
        let exact =
            (0..ours.len()).find(|&i| !used[i] && covers(&ours[i]) && ours[i].detail == detail);
        let loose = (0..ours.len()).find(|&i| !used[i] && covers(&ours[i]));
        match exact.or(loose) {
            Some(i) => {
                used[i] = true;
                if ours[i].detail != detail {
                    difference(
                        rule,
                        "detail",
                        format!(
                            "line {line}: BuildKit `{detail}`, ours `{}`",
                            ours[i].detail
                        ),
                    );
                }
            }
            None => difference(rule, "missing", format!("line {line}: `{detail}`")),
        }
    }
    for (finding, used) in ours.iter().zip(&used) {
        if !used {
            difference(
                finding.rule,
                "extra",
                format!("line {}: `{}`", finding.first_line, finding.detail),
            );
        }
    }

    // The error of the lint request.
    let expected_error = case["check_expect_error"]
        .as_bool()
        .unwrap_or(false)
        .then(|| case["check_error"].as_str().unwrap_or_default());
    let file = plimsoll_rules::parser::parse(dockerfile);
    let checks_are_errors =
        Suppressions::collect_with_check(&file, dockerfile, &[], build_check).checks_are_errors;
    let violated: BTreeSet<&str> = ours.iter().map(|f| f.rule).collect();
    let our_violation = (checks_are_errors && !violated.is_empty()).then(|| {
        format!(
            "lint violation found for rules: {}",
            violated.iter().copied().collect::<Vec<_>>().join(", ")
        )
    });
    match expected_error {
        Some(error) if error.starts_with("lint violation found for rules: ") => {
            // BuildKit lists the rules in map order: compare them as a set.
            let expected: BTreeSet<&str> = error
                .trim_start_matches("lint violation found for rules: ")
                .split(", ")
                .collect();
            if !checks_are_errors || violated != expected {
                difference(
                    "-",
                    "error",
                    format!("BuildKit `{error}`, ours {our_violation:?}"),
                );
            }
        }
        Some(error) if case["build_error_kind"].as_str() == Some("parse") => {
            let reproduced = syntax_errors.iter().any(|(line, message)| {
                error.contains(message.as_str()) && error.contains(&format!("line {line}:"))
            });
            if !reproduced {
                difference(
                    "-",
                    "error",
                    format!("BuildKit `{error}`, our syntax errors {syntax_errors:?}"),
                );
            }
        }
        Some(error) => difference(
            "-",
            "error",
            format!("BuildKit `{error}` is not a lint result; ours {our_violation:?}"),
        ),
        None => {
            if let Some(ours) = our_violation {
                difference("-", "error", format!("BuildKit no error, ours `{ours}`"));
            }
            if !syntax_errors.is_empty() {
                difference(
                    "-",
                    "error",
                    format!("BuildKit no error, our syntax errors {syntax_errors:?}"),
                );
            }
        }
    }
    out
}

/// `tests/data/buildkit-lint-known-differences.txt`: `case<TAB>rule<TAB>kind<TAB>reason`
/// lines, `#` comments.
fn known_differences() -> BTreeSet<(String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/buildkit-lint-known-differences.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeSet::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [case, rule, kind, reason] = fields.as_slice() else {
            panic!(
                "{}:{}: expected case, rule, kind and reason separated by tabs",
                path.display(),
                number + 1
            );
        };
        assert!(
            ["missing", "extra", "detail", "error"].contains(kind),
            "{}:{}: unknown kind `{kind}`",
            path.display(),
            number + 1
        );
        assert!(
            !reason.trim().is_empty(),
            "{}:{}: give the reason",
            path.display(),
            number + 1
        );
        out.insert((case.to_string(), rule.to_string(), kind.to_string()));
    }
    out
}
