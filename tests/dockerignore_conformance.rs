//! `.dockerignore` matching agrees with moby's patternmatcher on its own test table.

mod common;

use common::shared_dir;
use plimsoll_rules::context::dockerignore::PatternMatcher;
use serde_json::Value;

#[test]
fn agrees_with_moby_patternmatcher() {
    let Some(shared) = shared_dir() else { return };
    let cases =
        std::fs::read_to_string(shared.join("conformance/dockerignore/cases.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in cases.lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        let patterns: Vec<&str> = case["patterns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let path = case["path"].as_str().unwrap();
        count += 1;
        match (
            PatternMatcher::new(&patterns),
            case["error"].as_bool().unwrap_or(false),
        ) {
            (Err(_), true) => {}
            (Ok(_), true) => failures.push(format!("{patterns:?}: expected an error")),
            (Err(e), false) => failures.push(format!("{patterns:?}: unexpected error {e}")),
            (Ok(m), false) => {
                let expected = case["matches_or_parent_matches"].as_bool().unwrap();
                if m.matches_or_parent_matches(path) != expected {
                    failures.push(format!("{patterns:?} {path:?}: expected {expected}"));
                }
            }
        }
    }
    assert_eq!(count, 83);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
