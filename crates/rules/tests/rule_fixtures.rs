//! Snapshot tests: every file under `tests/fixtures/<CODE>/` is linted with only that rule,
//! and the snapshot shows the findings under their lines and the text after fixing.
//!
//! A fixture is `<case>.Dockerfile` (no build context) or a directory `<case>/` holding a
//! `Dockerfile` and the build context around it; a configuration file there
//! (`plimsoll.toml`, `.hadolint.yaml`) gives the settings.
//!
//! `PLIMSOLL_FIXTURES=DL3019,PL301` limits the run to those rules.

mod support;

use plimsoll_rules::settings::discover::discover_until;
use plimsoll_rules::{find_meta, BuildContext, FsContext, Settings};
use std::path::Path;

#[test]
fn rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut codes: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/fixtures exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    codes.sort();
    let only: Option<Vec<String>> = std::env::var("PLIMSOLL_FIXTURES").ok().map(|v| {
        v.split(',')
            .map(|c| c.trim().to_ascii_uppercase())
            .collect()
    });
    let mut count = 0;
    for dir in codes {
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|only| !only.contains(&code)) {
            continue;
        }
        let meta = find_meta(&code).unwrap_or_else(|| panic!("fixtures for unknown rule {code}"));
        let mut cases: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        cases.sort();
        for case in cases {
            let (dockerfile, context) = if case.is_dir() {
                (case.join("Dockerfile"), Some(FsContext::new(&case)))
            } else if case.extension().is_some_and(|e| e == "Dockerfile") {
                (case.clone(), None)
            } else {
                continue;
            };
            let source = std::fs::read_to_string(&dockerfile).unwrap();
            let context_ref = context.as_ref().map(|c| c as &dyn BuildContext);
            let base = match case.is_dir() {
                true => discover_until(&case, Some(&case))
                    .unwrap_or_else(|e| panic!("{e}"))
                    .map(|config| config.settings())
                    .unwrap_or_default(),
                false => Settings::default(),
            };
            let found = support::findings_with(meta, &source, context_ref, base.clone());
            let (fixed, created) = support::check_fixes_with(meta, &source, context_ref, base);
            let mut snapshot = support::render(&source, &found);
            if found.is_empty() {
                snapshot.push_str("(no findings)\n");
            }
            if fixed != source {
                snapshot.push_str("\n--- fixed ---\n");
                snapshot.push_str(&fixed);
            }
            for (path, content) in created {
                snapshot.push_str(&format!("\n--- created {path} ---\n{content}"));
            }
            let name = format!("{code}__{}", case.file_stem().unwrap().to_string_lossy());
            insta::with_settings!({
                snapshot_path => "snapshots/fixtures",
                prepend_module_to_snapshot => false,
                description => source.clone(),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name, snapshot);
            });
            count += 1;
        }
    }
    assert!(count > 0, "no fixtures found");
}
