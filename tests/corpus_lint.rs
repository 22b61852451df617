//! Every real-world Dockerfile of the shared corpus is linted (with its folder as build
//! context) and fixed without a panic; fixes converge and never break the file; and the
//! number of findings per rule is kept as a snapshot, so any change shows in review.

mod common;

use common::{read_text, shared_dir};
use plimsoll_rules::{
    all_metas, apply_fixes, lint, Applicability, FsContext, LintOptions, Settings,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Default)]
struct Tally {
    findings: usize,
    files: usize,
    repos: BTreeSet<String>,
}

#[derive(Default)]
struct Outcome {
    /// code → tally, for regular files and for test fixtures.
    regular: BTreeMap<String, Tally>,
    fixtures: BTreeMap<String, Tally>,
    problems: Vec<String>,
    fixed_files: usize,
}

#[test]
fn corpus_lints_and_fixes_cleanly() {
    let Some(shared) = shared_dir() else { return };
    let corpus = shared.join("corpus");
    let fixtures: HashSet<String> = read_text(&corpus.join("FIXTURES.txt"))
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let manifest = read_text(&corpus.join("MANIFEST.tsv"));
    let files: Vec<(String, String)> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            Some((cols.next()?.to_string(), cols.next()?.to_string()))
        })
        .collect();
    assert_eq!(files.len(), 3324, "the corpus manifest lists 3,324 files");

    let settings = Settings {
        select: vec!["ALL".to_string()],
        ..Settings::default()
    };
    let outcome = Mutex::new(Outcome::default());
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for part in files.chunks(chunk) {
            let (settings, outcome, corpus, fixtures) = (&settings, &outcome, &corpus, &fixtures);
            scope.spawn(move || {
                for (relpath, repo) in part {
                    let path = corpus.join(relpath);
                    let result = catch_unwind(AssertUnwindSafe(|| check_file(&path, settings)));
                    let mut outcome = outcome.lock().unwrap();
                    match result {
                        Err(_) => outcome.problems.push(format!("{relpath}: panicked")),
                        Ok(Err(problem)) => outcome.problems.push(format!("{relpath}: {problem}")),
                        Ok(Ok((codes, fixed))) => {
                            outcome.fixed_files += usize::from(fixed);
                            let table = if fixtures.contains(relpath) {
                                &mut outcome.fixtures
                            } else {
                                &mut outcome.regular
                            };
                            let mut seen = HashSet::new();
                            for code in codes {
                                let tally = table.entry(code.to_string()).or_default();
                                tally.findings += 1;
                                if seen.insert(code) {
                                    tally.files += 1;
                                    tally.repos.insert(repo.clone());
                                }
                            }
                        }
                    }
                }
            });
        }
    });
    let outcome = outcome.into_inner().unwrap();
    assert!(
        outcome.problems.is_empty(),
        "{} corpus files failed:\n{}",
        outcome.problems.len(),
        outcome.problems.join("\n")
    );

    let mut report = String::from(
        "code     name                                    findings  files  repos | in test fixtures\n",
    );
    for meta in all_metas() {
        let empty = Tally::default();
        let regular = outcome.regular.get(meta.code).unwrap_or(&empty);
        let fixture = outcome.fixtures.get(meta.code).unwrap_or(&empty);
        if regular.findings + fixture.findings == 0 {
            continue;
        }
        report.push_str(&format!(
            "{:<8} {:<38} {:>9} {:>6} {:>6} | {} / {} / {}\n",
            meta.code,
            meta.name,
            regular.findings,
            regular.files,
            regular.repos.len(),
            fixture.findings,
            fixture.files,
            fixture.repos.len()
        ));
    }
    report.push_str(&format!(
        "\nfiles changed by fixes: {}\n",
        outcome.fixed_files
    ));
    insta::assert_snapshot!("corpus_findings_per_rule", report);
}

/// Lints one file, applies every safe and unsafe fix, and checks the fix invariants.
/// Returns the codes found and whether fixes changed the file.
fn check_file(path: &Path, settings: &Settings) -> Result<(Vec<&'static str>, bool), String> {
    let source = read_text(path);
    let folder: PathBuf = path.parent().unwrap().to_path_buf();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let context = FsContext::new(&folder);
    let options = LintOptions::new(settings).with_context(&context, Some(&name));
    let result = lint(&source, &options);
    let codes = result.diagnostics.iter().map(|d| d.code).collect();

    let fixed = apply_fixes(&source, &options, Applicability::Unsafe);
    if fixed.reached_limit {
        return Err(format!("fixes did not converge: {:?}", fixed.applied));
    }
    if fixed.source == source {
        return Ok((codes, false));
    }
    let before = result.model.file.diagnostics.len();
    let after = plimsoll_rules::parser::parse(&fixed.source).diagnostics;
    if after.len() > before {
        return Err(format!("fixes introduced syntax errors: {after:?}"));
    }
    let again = apply_fixes(&fixed.source, &options, Applicability::Unsafe);
    if again.source != fixed.source {
        return Err(format!(
            "a second fix pass changed the text again: {:?}",
            again.applied
        ));
    }
    Ok((codes, true))
}
