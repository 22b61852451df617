//! BuildKit's check names and settings: a BuildKit name shared by several rules reaches all
//! of them, `# check=experimental=…` turns experimental checks on (and `skip` leaves them
//! alone), and `BUILDKIT_DOCKERFILE_CHECK` replaces the `# check=` directive.

use plimsoll_rules::{lint, LintOptions, Settings, Severity};

const MULTIPLE: &str = "FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\nENTRYPOINT [\"a\"]\n\
                        ENTRYPOINT [\"b\"]\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n";

fn codes_with(source: &str, settings: &Settings, check: Option<&str>) -> Vec<String> {
    let mut options = LintOptions::new(settings);
    if let Some(check) = check {
        options = options.with_buildkit_check(check);
    }
    lint(source, &options)
        .diagnostics
        .iter()
        .filter(|d| d.code != "PL001")
        .map(|d| {
            format!(
                "{}@{}",
                d.code,
                source[..d.range.start as usize].matches('\n').count() + 1
            )
        })
        .collect()
}

fn codes(source: &str) -> Vec<String> {
    codes_with(source, &Settings::default(), None)
}

fn only_multiple(found: Vec<String>) -> Vec<String> {
    found
        .into_iter()
        .filter(|c| {
            ["DL3012", "DL4003", "DL4004"]
                .iter()
                .any(|m| c.starts_with(m))
        })
        .collect()
}

#[test]
fn multiple_instructions_disallowed_names_three_rules() {
    assert_eq!(
        only_multiple(codes(MULTIPLE)),
        ["DL4003@2", "DL4004@4", "DL3012@6"]
    );
    for skip in [
        "# check=skip=MultipleInstructionsDisallowed\n",
        "# plimsoll global ignore=MultipleInstructionsDisallowed\n",
        "# hadolint global ignore=MultipleInstructionsDisallowed\n",
    ] {
        let source = format!("{skip}{MULTIPLE}");
        assert_eq!(
            only_multiple(codes(&source)),
            Vec::<String>::new(),
            "{skip}"
        );
    }
    let ignoring = Settings {
        ignore: vec!["MultipleInstructionsDisallowed".to_string()],
        ..Settings::default()
    };
    assert_eq!(
        only_multiple(codes_with(MULTIPLE, &ignoring, None)),
        Vec::<String>::new()
    );
    let selecting = Settings {
        select: vec!["MultipleInstructionsDisallowed".to_string()],
        ..Settings::default()
    };
    assert_eq!(
        codes_with(MULTIPLE, &selecting, None),
        ["DL4003@2", "DL4004@4", "DL3012@6"]
    );
    let mut severe = Settings::default();
    severe.severity.insert(
        "MultipleInstructionsDisallowed".to_string(),
        Severity::Error,
    );
    let found = lint(MULTIPLE, &LintOptions::new(&severe)).diagnostics;
    let severities: Vec<_> = found
        .iter()
        .filter(|d| ["DL3012", "DL4003", "DL4004"].contains(&d.code))
        .map(|d| d.severity)
        .collect();
    assert_eq!(severities, [Severity::Error; 3]);
}

const DESCRIBED: &str = "# the version\nARG VERSION=1\nFROM scratch\n";

#[test]
fn experimental_checks_run_where_the_file_asks() {
    // Off by default.
    assert_eq!(codes(DESCRIBED), Vec::<String>::new());
    for directive in [
        "# check=experimental=InvalidDefinitionDescription\n",
        "# check=experimental=all\n",
        "# check=skip=all;experimental=InvalidDefinitionDescription\n",
        "# check=skip=InvalidDefinitionDescription;experimental=all\n",
    ] {
        let source = format!("{directive}{DESCRIBED}");
        assert_eq!(codes(&source), ["PL207@3"], "{directive}");
    }
    // Above an instruction: that instruction only.
    let source = "# the version\n# check=experimental=InvalidDefinitionDescription\nARG A=1\n\
                  # the other\nARG B=2\nFROM scratch\n";
    assert_eq!(codes(source), ["PL207@3"]);
    // The settings can still turn it off.
    let ignoring = Settings {
        ignore: vec!["PL207".to_string()],
        ..Settings::default()
    };
    let source = format!("# check=experimental=all\n{DESCRIBED}");
    assert_eq!(codes_with(&source, &ignoring, None), Vec::<String>::new());
}

#[test]
fn the_build_argument_replaces_the_directive() {
    let source = "# check=skip=all\nFROM alpine:3.20 as build\n";
    assert_eq!(codes(source), Vec::<String>::new());
    let settings = Settings::default();
    assert_eq!(
        codes_with(source, &settings, Some("skip=StageNameCasing")),
        ["PL202@2"]
    );
    let found = lint(
        source,
        &LintOptions::new(&settings).with_buildkit_check("error=true"),
    )
    .diagnostics;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Error);
    let source = format!("# check=experimental=all\n{DESCRIBED}");
    assert_eq!(
        codes_with(&source, &settings, Some("skip=all")),
        Vec::<String>::new()
    );
    assert_eq!(
        codes_with(
            DESCRIBED,
            &settings,
            Some("experimental=InvalidDefinitionDescription")
        ),
        ["PL207@2"]
    );
}
