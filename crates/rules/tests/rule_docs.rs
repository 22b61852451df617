//! Every rule is documented the same way, and its documented examples are true: an
//! `invalid` example triggers the rule, a `valid` one does not, and fixes of the invalid
//! ones are sound.
//!
//! Examples are fenced blocks in the rule's doc comment: ```` ```dockerfile invalid ```` and
//! ```` ```dockerfile valid ````. A ```` ```context ```` block before them gives the build
//! context they are linted in: one file per line, `path` (empty file) or `path: content`
//! (`\n` in the content is a line break).

mod support;

use plimsoll_rules::{all_metas, all_rules, Category, MemoryContext};
use std::collections::HashSet;

struct Example {
    valid: bool,
    code: String,
    context: Option<MemoryContext>,
}

fn examples(doc: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut context: Option<MemoryContext> = None;
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.trim().strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        for inner in lines.by_ref() {
            if inner.trim() == "```" {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        match info.trim() {
            "context" => {
                let mut files = MemoryContext::default();
                for entry in body.lines().filter(|l| !l.trim().is_empty()) {
                    match entry.split_once(": ") {
                        Some((path, content)) => {
                            files.insert(path.trim(), content.replace("\\n", "\n"))
                        }
                        None => files.insert(entry.trim(), ""),
                    }
                }
                context = Some(files);
            }
            "dockerfile invalid" | "dockerfile valid" => out.push(Example {
                valid: info.trim().ends_with(" valid"),
                code: body,
                context: context.clone(),
            }),
            _ => {}
        }
    }
    out
}

#[test]
fn every_rule_is_documented_with_the_four_sections() {
    for rule in all_rules() {
        let meta = rule.meta();
        let doc = meta.documentation();
        for heading in ["## What it does", "## Why", "## Example", "## Fix"] {
            assert!(doc.contains(heading), "{} lacks `{heading}`", meta.code);
        }
        let examples = examples(&doc);
        assert!(
            examples.iter().any(|e| !e.valid) && examples.iter().any(|e| e.valid),
            "{} needs at least one invalid and one valid example",
            meta.code
        );
        assert!(!meta.summary().is_empty(), "{} has no summary", meta.code);
    }
}

#[test]
fn codes_names_and_aliases_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for meta in all_metas() {
        let code_ok = (meta.code.starts_with("PL") || meta.code.starts_with("DL"))
            && meta.code.len() >= 5
            && meta.code[2..].bytes().all(|b| b.is_ascii_digit());
        assert!(code_ok, "bad code {}", meta.code);
        assert!(
            meta.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}: name `{}` is not kebab-case",
            meta.code,
            meta.name
        );
        if meta.category != Category::Syntax {
            assert!(
                meta.code.starts_with("DL") || !meta.code.starts_with("PL1"),
                "{}",
                meta.code
            );
        }
        for key in std::iter::once(meta.code)
            .chain(std::iter::once(meta.name))
            .chain(meta.aliases.iter().copied())
        {
            assert!(
                seen.insert(key.to_ascii_lowercase()),
                "`{key}` is used twice"
            );
        }
    }
}

#[test]
fn documented_examples_hold() {
    let mut checked = 0;
    for rule in all_rules() {
        let meta = rule.meta();
        for example in examples(&meta.documentation()) {
            let context = example
                .context
                .as_ref()
                .map(|c| c as &dyn plimsoll_rules::BuildContext);
            let found = support::findings(meta, &example.code, context);
            if example.valid {
                assert!(
                    found.is_empty(),
                    "{}: the valid example is reported:\n{}\n{}",
                    meta.code,
                    example.code,
                    support::render(&example.code, &found)
                );
            } else {
                assert!(
                    !found.is_empty(),
                    "{}: the invalid example is not reported:\n{}",
                    meta.code,
                    example.code
                );
                support::check_fixes(meta, &example.code, context);
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
}
