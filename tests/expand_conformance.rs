//! BuildKit's own word-expansion test data (`frontend/dockerfile/shell/{envVarTest,wordsTest}`),
//! run through `plimsoll_parser::expand`. The files are read exactly as BuildKit's `lex_test.go`
//! reads them; every failing case is reported with its line number.

use std::path::{Path, PathBuf};

use plimsoll_parser::expand::{EnvList, Lexer};

/// Cases in `envVarTest` that apply to Unix (`A` and `U` lines; the 2 `W` lines are skipped).
const ENV_VAR_CASES: usize = 228;
/// Cases in `wordsTest`.
const WORDS_CASES: usize = 24;

fn shell_testdata() -> Option<PathBuf> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if !shared.is_dir() {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             SKIPPED: ../shared not found at {}; the expand conformance tests did not run.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
            shared.display()
        );
        return None;
    }
    Some(shared.join("conformance/buildkit/shell-testdata"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Lines as Go's `bufio.Scanner` yields them: split on `\n`, one trailing `\r` dropped, and
/// no empty last line after a final newline.
fn scanner_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, line)| (i + 1, line))
}

fn report(file: &str, ran: usize, expected_cases: usize, failures: &[String]) {
    for failure in failures {
        eprintln!("{file}:{failure}");
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} {file} cases failed (see stderr)",
        failures.len()
    );
    assert_eq!(
        ran, expected_cases,
        "{file}: ran {ran} cases, expected {expected_cases}; the file or its parsing changed"
    );
    eprintln!("{file}: {ran} cases passed");
}

#[test]
fn env_var_test() {
    let Some(dir) = shell_testdata() else {
        return;
    };
    let text = read(&dir.join("envVarTest"));
    let env = EnvList::from_assignments(["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]);
    let lexer = Lexer::new('\\');

    let mut ran = 0;
    let mut failures = Vec::new();
    for (line_no, line) in scanner_lines(&text) {
        if line.starts_with('#') {
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        let [platform, source, expected] = fields[..] else {
            failures.push(format!(
                "{line_no}: expected 3 `|`-separated fields in {line:?}"
            ));
            continue;
        };
        let (platform, source, expected) = (platform.trim(), source.trim(), expected.trim());
        match platform {
            "W" => continue,
            "A" | "U" => {}
            other => {
                failures.push(format!("{line_no}: invalid platform tag {other:?}"));
                continue;
            }
        }
        ran += 1;
        match (lexer.process_word(source, &env), expected) {
            (Err(_), "error") => {}
            (Ok(out), "error") => failures.push(format!(
                "{line_no}: {source:?} should fail but gave {:?}",
                out.value
            )),
            (Ok(out), expected) if out.value == expected => {}
            (Ok(out), expected) => failures.push(format!(
                "{line_no}: {source:?} gave {:?}, expected {expected:?}",
                out.value
            )),
            (Err(err), expected) => failures.push(format!(
                "{line_no}: {source:?} failed ({err}), expected {expected:?}"
            )),
        }
    }
    report("envVarTest", ran, ENV_VAR_CASES, &failures);
}

#[test]
fn words_test() {
    let Some(dir) = shell_testdata() else {
        return;
    };
    let text = read(&dir.join("wordsTest"));
    let lexer = Lexer::new('\\');

    let mut assignments: Vec<String> = Vec::new();
    let mut ran = 0;
    let mut failures = Vec::new();
    for (line_no, line) in scanner_lines(&text) {
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            // Only the leading spaces go: trailing ones are part of the value.
            assignments.push(rest.trim_start_matches(' ').to_owned());
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        let [input, expected] = fields[..] else {
            failures.push(format!("{line_no}: expected exactly one `|` in {line:?}"));
            continue;
        };
        let input = input.trim();
        let expected: Vec<&str> = expected.trim_start_matches(' ').split(',').collect();
        ran += 1;

        let env = EnvList::from_assignments(&assignments);
        let got = match lexer.process_words(input, &env) {
            Ok(words) => words,
            Err(_) => vec!["error".to_owned()],
        };
        if got != expected {
            failures.push(format!(
                "{line_no}: {input:?} gave {got:?}, expected {expected:?}"
            ));
        }
    }
    report("wordsTest", ran, WORDS_CASES, &failures);
}
