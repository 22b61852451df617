//! Every input that once made a fuzz target fail (`fuzz/regressions/`) passes every fuzz
//! check: the parser's, the rules', the fixes' and the position conversions'.

#[path = "../fuzz/src/lib.rs"]
mod fuzz_checks;

use std::path::Path;

/// One fuzz target's check.
type Check = fn(&[u8]);

#[test]
fn every_fuzz_regression_passes_every_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} is empty", dir.display());
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let checks: [(&str, Check); 4] = [
            ("parse", fuzz_checks::check_parse),
            ("lint", fuzz_checks::check_lint),
            ("fix", fuzz_checks::check_fixes),
            ("line_index", fuzz_checks::check_line_index),
        ];
        for (name, check) in checks {
            let passed = std::panic::catch_unwind(|| check(&data)).is_ok();
            assert!(passed, "{}: the {name} check fails", input.display());
        }
    }
}
