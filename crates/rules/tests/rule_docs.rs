//! Every rule is documented the same way, and its documented examples are true: an
//! `invalid` example triggers the rule, a `valid` one does not, and fixes of the invalid
//! ones are sound.
//!
//! Examples are fenced blocks in the rule's doc comment: ```` ```dockerfile invalid ```` and
//! ```` ```dockerfile valid ````. A ```` ```context ```` block before them gives the build
//! context they are linted in: one file per line, `path` (empty file) or `path: content`
//! (`\n` in the content is a line break). A ```` ```toml ```` block before them is the
//! `plimsoll.toml` they are linted with (for rules that need a setting, such as trusted
//! registries).

mod support;

use plimsoll_rules::settings::SettingsFile;
use plimsoll_rules::{all_metas, all_rules, Category, MemoryContext, Settings};
use std::collections::HashSet;

struct Example {
    valid: bool,
    code: String,
    context: Option<MemoryContext>,
    settings: Settings,
}

fn examples(doc: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut context: Option<MemoryContext> = None;
    let mut settings = Settings::default();
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
            "toml" => {
                let file = SettingsFile::from_toml(&body, std::path::Path::new("plimsoll.toml"))
                    .unwrap_or_else(|e| panic!("{e}"));
                settings = Settings::default().merged(file);
            }
            "dockerfile invalid" | "dockerfile valid" => out.push(Example {
                valid: info.trim().ends_with(" valid"),
                code: body,
                context: context.clone(),
                settings: settings.clone(),
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
    let mut shared_aliases: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
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
        // PL100–PL119 are the parser's syntax errors; PL120–PL149 are rules about what
        // BuildKit accepts when it parses but rejects or misreads when it builds.
        if meta.category != Category::Syntax {
            assert!(
                meta.code.starts_with("DL")
                    || !meta.code.starts_with("PL1")
                    || ("PL120".."PL150").contains(&meta.code),
                "{}",
                meta.code
            );
        }
        for key in std::iter::once(meta.code).chain(std::iter::once(meta.name)) {
            assert!(
                seen.insert(key.to_ascii_lowercase()),
                "`{key}` is used twice"
            );
        }
        for alias in meta.aliases {
            shared_aliases
                .entry(alias.to_ascii_lowercase())
                .or_default()
                .push(meta.code);
        }
    }
    // One BuildKit check may be several rules (`MultipleInstructionsDisallowed` is DL3012,
    // DL4003 and DL4004): an alias may be shared, but never be another rule's code or name.
    for (alias, codes) in &shared_aliases {
        assert!(
            !seen.contains(alias),
            "alias `{alias}` of {codes:?} is a code or name"
        );
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
            let found =
                support::findings_with(meta, &example.code, context, example.settings.clone());
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
                support::check_fixes_with(meta, &example.code, context, example.settings.clone());
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
}
