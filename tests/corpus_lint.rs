//! Every real-world Dockerfile of the shared corpus is linted (with its folder as build
//! context) and fixed without a panic; fixes converge and never break the file (no new
//! syntax error, nothing left for a second pass, no finding left where a fix claimed to
//! remove it, every instruction no fix targets kept byte for byte); and the number of
//! findings per rule is kept as a snapshot, so any change shows in review.

mod common;

use common::{line_of, read_text, shared_dir};
use plimsoll_rules::parser::TextRange;
use plimsoll_rules::{
    all_metas, apply_fixes, lint, Applicability, Diagnostic, Edit, Fix, FixOutcome, FsContext,
    LintOptions, Settings,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
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
    check_fixes_did_what_they_said(&source, &result.diagnostics, &fixed)?;
    Ok((codes, true))
}

/// The fixes of `diagnostics` (found in `source`) that `fixed` applied removed what they
/// claimed to, and changed no instruction they did not target.
fn check_fixes_did_what_they_said(
    source: &str,
    diagnostics: &[Diagnostic],
    fixed: &FixOutcome,
) -> Result<(), String> {
    let changes = Changes::new(source, &fixed.source);
    let line = |offset: u32| line_of(source, offset);
    let fixable: Vec<(&Diagnostic, &Fix)> = diagnostics
        .iter()
        .filter_map(|d| Some((d, d.fix.as_ref()?)))
        .filter(|(_, fix)| fix.applicability >= Applicability::Unsafe)
        .collect();
    for (diagnostic, fix) in &fixable {
        let applied = fixed
            .applied
            .iter()
            .any(|(code, title)| *code == diagnostic.code && *title == fix.title);
        if !applied {
            continue;
        }
        let region = changes.map(diagnostic.range);
        if let Some(left) = fixed
            .remaining
            .iter()
            .find(|r| r.code == diagnostic.code && overlaps(r.range, region))
        {
            return Err(format!(
                "line {}: the fix `{}` of {} left it in place: {}",
                line(diagnostic.range.start),
                fix.title,
                diagnostic.code,
                left.message
            ));
        }
    }
    let edited: Vec<TextRange> = fixable
        .iter()
        .flat_map(|(_, fix)| fix.edits.iter().filter_map(Edit::range))
        .collect();
    // The instructions no fix targets are in the fixed file, in order, byte for byte.
    let after = plimsoll_rules::parser::parse(&fixed.source);
    let mut fixed_instructions = after
        .instructions
        .iter()
        .map(|i| &fixed.source[i.range.as_usize()]);
    for instruction in &plimsoll_rules::parser::parse(source).instructions {
        if edited.iter().any(|&e| touches(e, instruction.range)) {
            continue;
        }
        let text = &source[instruction.range.as_usize()];
        if !fixed_instructions.any(|fixed| fixed == text) {
            return Err(format!(
                "line {}: `{text}` changed or moved, though no fix targets it",
                line(instruction.range.start),
            ));
        }
    }
    Ok(())
}

#[test]
fn fix_checks_catch_fixes_that_do_more_or_less_than_they_say() {
    let settings = Settings::default();
    let options = LintOptions::new(&settings);
    let source = "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\nUSER app\nEXPOSE 80\n";
    let diagnostics = lint(source, &options).diagnostics;
    assert!(diagnostics.iter().any(|d| d.code == "DL3019"));
    let good = apply_fixes(source, &options, Applicability::Unsafe);
    assert_eq!(
        check_fixes_did_what_they_said(source, &diagnostics, &good),
        Ok(())
    );
    // A fix that also changed an instruction it does not target.
    let mut touched_more = apply_fixes(source, &options, Applicability::Unsafe);
    touched_more.source = touched_more.source.replace("EXPOSE 80", "EXPOSE 8080");
    let error = check_fixes_did_what_they_said(source, &diagnostics, &touched_more).unwrap_err();
    assert!(error.contains("`EXPOSE 80` changed"), "{error}");
    // A fix that claimed to remove its finding but left it.
    let mut left_it = apply_fixes(source, &options, Applicability::Unsafe);
    left_it.source = source.to_string();
    left_it.remaining = diagnostics.clone();
    let error = check_fixes_did_what_they_said(source, &diagnostics, &left_it).unwrap_err();
    assert!(error.contains("left it in place"), "{error}");
}

/// Whether two ranges share text, or one is empty and strictly inside the other (a finding
/// right after a deleted instruction is not where the deletion was).
fn overlaps(a: TextRange, b: TextRange) -> bool {
    if a.is_empty() || b.is_empty() {
        return a == b
            || (a.start < b.start && b.end < a.end)
            || (b.start < a.start && a.end < b.end);
    }
    a.start < b.end && b.start < a.end
}

/// Whether two ranges overlap or touch (an insertion at an instruction's end targets it).
fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Where the text of `before` went in `after`, from a character diff (where the same text
/// repeats, a diff may place a change a few characters off: good enough to find a finding's
/// place, not to prove an instruction unchanged).
struct Changes {
    /// (range in `before`, range in `after`, whether the text is the same), tiling both.
    ops: Vec<(Range<usize>, Range<usize>, bool)>,
}

impl Changes {
    fn new(before: &str, after: &str) -> Changes {
        let diff = similar::TextDiff::configure()
            .algorithm(similar::Algorithm::Myers)
            .diff_chars(before, after);
        // `ops` count characters; the ranges here are bytes.
        let offsets = |text: &str| -> Vec<usize> {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        let (old_at, new_at) = (offsets(before), offsets(after));
        let ops = diff
            .ops()
            .iter()
            .map(|op| {
                let (old, new) = (op.old_range(), op.new_range());
                (
                    old_at[old.start]..old_at[old.end],
                    new_at[new.start]..new_at[new.end],
                    matches!(op, similar::DiffOp::Equal { .. }),
                )
            })
            .collect();
        Changes { ops }
    }

    /// The range of `after` that `range` of `before` became, with every change it touches.
    fn map(&self, range: TextRange) -> TextRange {
        let (start, end) = (range.start as usize, range.end as usize);
        let mut mapped: Option<Range<usize>> = None;
        for (old, new, same) in &self.ops {
            if !(old.start <= end && start <= old.end) {
                continue;
            }
            let piece = if *same {
                let from = new.start + start.max(old.start) - old.start;
                let to = new.start + end.min(old.end) - old.start;
                from..to
            } else {
                new.clone()
            };
            mapped = Some(match mapped {
                Some(m) => m.start.min(piece.start)..m.end.max(piece.end),
                None => piece,
            });
        }
        let mapped = mapped.unwrap_or(0..0);
        TextRange::from_usize(mapped.start, mapped.end)
    }
}
