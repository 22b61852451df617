//! End-to-end tests of suppression comments through `lint`: Plimsoll's, hadolint's and
//! BuildKit's syntaxes, their scopes, and `unused-suppression` (PL001) with its fixes.
//!
//! The tests use DL3019 (`apk add` without `--no-cache`) as the suppressed rule and DL3020
//! (`ADD` for a local file) as a second rule; settings select exactly these and PL001 so that
//! other rules cannot interfere.

use plimsoll_rules::{apply_fixes, lint, Applicability, Diagnostic, LintOptions, Settings};

fn settings() -> Settings {
    Settings {
        select: vec!["DL3019".into(), "DL3020".into(), "PL001".into()],
        ..Settings::default()
    }
}

fn findings_with(source: &str, settings: &Settings) -> Vec<Diagnostic> {
    lint(source, &LintOptions::new(settings)).diagnostics
}

fn findings(source: &str) -> Vec<Diagnostic> {
    findings_with(source, &settings())
}

/// `CODE@line:word` for each finding, `word` being the first word of its source text.
fn summary(source: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let line = source[..d.range.start as usize].matches('\n').count() + 1;
            let text = &source[d.range.start as usize..d.range.end as usize];
            let first = text.split_whitespace().next().unwrap_or("");
            format!("{}@{line}:{first}", d.code)
        })
        .collect()
}

fn codes(source: &str) -> Vec<String> {
    summary(source, &findings(source))
}

fn fixed(source: &str) -> String {
    let settings = settings();
    apply_fixes(source, &LintOptions::new(&settings), Applicability::Safe).source
}

#[test]
fn unsuppressed_baseline() {
    let source = "FROM alpine:3.20\nRUN apk add curl\n";
    assert_eq!(codes(source), ["DL3019@2:apk"]);
}

#[test]
fn next_instruction_by_code_name_and_hadolint() {
    for comment in [
        "# plimsoll ignore=DL3019",
        "# plimsoll ignore=dl3019",
        "# plimsoll ignore=apk-add-without-no-cache",
        "# plimsoll: ignore=DL3019",
        "#plimsoll ignore = DL3019",
        "# hadolint ignore=DL3019",
        "# hadolint ignore=apk-add-without-no-cache",
    ] {
        let source = format!("FROM alpine:3.20\n{comment}\nRUN apk add curl\n");
        assert_eq!(codes(&source), Vec::<String>::new(), "{comment}");
    }
}

#[test]
fn next_instruction_only() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3019\nRUN apk add curl\nRUN apk add git\n";
    assert_eq!(codes(source), ["DL3019@4:apk"]);
    // Blank lines and other comments between the pragma and the instruction are fine.
    let source =
        "FROM alpine:3.20\n# plimsoll ignore=DL3019\n\n# install tools\nRUN apk add curl\n";
    assert_eq!(codes(source), Vec::<String>::new());
}

#[test]
fn other_rules_are_not_hidden() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3020\nRUN apk add curl\n";
    assert_eq!(
        codes(source),
        ["PL001@2:DL3020", "DL3019@3:apk"],
        "DL3020 hides nothing on a RUN"
    );
    // hadolint reads its own comments: an unused one is left alone.
    let source = "FROM alpine:3.20\n# hadolint ignore=DL3020\nRUN apk add curl\n";
    assert_eq!(codes(source), ["DL3019@3:apk"]);
}

#[test]
fn global_suppressions() {
    for comment in [
        "# plimsoll global ignore=DL3019",
        "# hadolint global ignore=DL3019",
    ] {
        let source = format!(
            "FROM alpine:3.20 AS build\nRUN apk add curl\n{comment}\nFROM alpine:3.20\nRUN apk add git\n"
        );
        assert_eq!(codes(&source), Vec::<String>::new(), "{comment}");
    }
}

#[test]
fn stage_suppression_covers_only_its_stage() {
    let source = "FROM alpine:3.20 AS build\n# plimsoll stage ignore=DL3019\nRUN apk add curl\nRUN apk add make\nFROM alpine:3.20\nRUN apk add git\n";
    assert_eq!(codes(source), ["DL3019@6:apk"]);
    // Before the first FROM: the first stage.
    let source = "# plimsoll stage ignore=DL3019\nFROM alpine:3.20 AS build\nRUN apk add curl\nFROM alpine:3.20\nRUN apk add git\n";
    assert_eq!(codes(source), ["DL3019@5:apk"]);
    // From the comment on: an instruction of the stage above the comment is not covered.
    let source =
        "FROM alpine:3.20\nRUN apk add curl\n# plimsoll stage ignore=DL3019\nRUN apk add git\n";
    assert_eq!(codes(source), ["DL3019@2:apk"]);
    // hadolint has no stage scope: the comment is not a suppression.
    let source = "FROM alpine:3.20\n# hadolint stage ignore=DL3019\nRUN apk add curl\n";
    assert_eq!(codes(source), ["DL3019@3:apk"]);
}

#[test]
fn comment_inside_a_continuation() {
    let source = "FROM alpine:3.20\nRUN apk update && \\\n    # plimsoll ignore=DL3019\n    apk add curl\nRUN apk add git\n";
    assert_eq!(codes(source), ["DL3019@5:apk"]);
}

#[test]
fn lists_with_spaces_and_explanations() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3020, DL3019 pinned upstream, see #12\nRUN apk add curl\n";
    // DL3019 is hidden; DL3020 hid nothing. The explanation is not read as codes.
    assert_eq!(codes(source), ["PL001@2:DL3020"]);
    let source = "FROM alpine:3.20\n# hadolint ignore=DL3019 because the base image cleans up\nRUN apk add curl\n";
    assert_eq!(codes(source), Vec::<String>::new());
    // A code after the explanation is part of the explanation.
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3020 see DL3019\nRUN apk add curl\n";
    assert_eq!(codes(source), ["PL001@2:DL3020", "DL3019@3:apk"]);
}

#[test]
fn buildkit_check_skip_does_not_hide_other_rules() {
    // DL3019 is not one of BuildKit's checks: `skip=all` leaves it alone.
    let source = "# check=skip=all\nFROM alpine:3.20\nRUN apk add curl\n";
    assert_eq!(codes(source), ["DL3019@3:apk"]);
    let source = "# check=skip=all;error=true\nFROM alpine:3.20\nRUN apk add curl\n";
    let found = findings(source);
    assert_eq!(summary(source, &found), ["DL3019@3:apk"]);
    assert_eq!(
        found[0].severity,
        settings().severity_of(plimsoll_rules::find_meta("DL3019").unwrap()),
        "error=true raises BuildKit checks only"
    );
    // The same comment above an instruction.
    let source = "FROM alpine:3.20\n# check=skip=all\nRUN apk add curl\n";
    assert_eq!(codes(source), ["DL3019@3:apk"]);
}

#[test]
fn buildkit_unknown_names_are_silent() {
    for source in [
        "# check=skip=JSONArgsRecommended,SomeFutureCheck\nFROM alpine:3.20\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\n# check=skip=SomeFutureCheck\nRUN apk add --no-cache curl\n",
        "# check=skip=all\nFROM alpine:3.20\nRUN apk add --no-cache curl\n",
    ] {
        assert_eq!(codes(source), Vec::<String>::new(), "{source}");
    }
}

#[test]
fn unused_suppression_removes_the_line() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3019\nRUN apk add --no-cache curl\n";
    let found = findings(source);
    assert_eq!(summary(source, &found), ["PL001@2:DL3019"]);
    let fix = found[0].fix.as_ref().unwrap();
    assert_eq!(fix.applicability, Applicability::Safe);
    assert_eq!(fix.title, "Remove the suppression comment");
    assert!(
        found[0].message.contains("hides nothing"),
        "{}",
        found[0].message
    );
    assert_eq!(
        fixed(source),
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
    );

    // CRLF line breaks go with the line.
    let crlf = "FROM alpine:3.20\r\n# plimsoll ignore=DL3019\r\nRUN apk add --no-cache curl\r\n";
    assert_eq!(
        fixed(crlf),
        "FROM alpine:3.20\r\nRUN apk add --no-cache curl\r\n"
    );

    // Inside a continuation the continuation stays intact.
    let source = "FROM alpine:3.20\nRUN apk update && \\\n    # plimsoll ignore=DL3019\n    apk add --no-cache curl\n";
    assert_eq!(
        fixed(source),
        "FROM alpine:3.20\nRUN apk update && \\\n    apk add --no-cache curl\n"
    );

    // Global, last line without a line break.
    let source = "FROM alpine:3.20\nRUN apk add --no-cache curl\n# plimsoll global ignore=DL3019";
    assert_eq!(
        fixed(source),
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
    );
}

#[test]
fn unused_code_is_removed_from_a_list() {
    let cases = [
        (
            "# plimsoll ignore=DL3019,DL3020",
            "# plimsoll ignore=DL3019",
        ),
        (
            "# plimsoll ignore=DL3020, DL3019",
            "# plimsoll ignore=DL3019",
        ),
        (
            "# plimsoll ignore=DL3019, DL3020 because reasons",
            "# plimsoll ignore=DL3019 because reasons",
        ),
        (
            "# plimsoll ignore=DL3042,DL3020,DL3019",
            "# plimsoll ignore=DL3042,DL3019",
        ),
    ];
    for (comment, after) in cases {
        let source = format!("FROM alpine:3.20\n{comment}\nRUN apk add curl\n");
        let found = findings(&source);
        assert_eq!(summary(&source, &found), ["PL001@2:DL3020"], "{comment}");
        let fix = found[0].fix.as_ref().unwrap();
        assert_eq!(fix.title, "Remove `DL3020` from the suppression");
        assert_eq!(
            fixed(&source),
            format!("FROM alpine:3.20\n{after}\nRUN apk add curl\n"),
            "{comment}"
        );
    }
}

#[test]
fn several_stale_codes_all_go() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3019,DL3020\nRUN apk add --no-cache curl\n";
    assert_eq!(codes(source), ["PL001@2:DL3019", "PL001@2:DL3020"]);
    assert_eq!(
        fixed(source),
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
    );
}

#[test]
fn unknown_code_in_a_plimsoll_pragma_is_reported() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3019,DL9999\nRUN apk add curl\n";
    let found = findings(source);
    assert_eq!(summary(source, &found), ["PL001@2:DL9999"]);
    assert!(
        found[0].message.contains("not a known rule"),
        "{}",
        found[0].message
    );
    assert_eq!(
        fixed(source),
        "FROM alpine:3.20\n# plimsoll ignore=DL3019\nRUN apk add curl\n"
    );
    // Also as a global suppression, and when it is the only code.
    let source = "# plimsoll global ignore=no-such-rule\nFROM alpine:3.20\n";
    assert_eq!(codes(source), ["PL001@1:no-such-rule"]);
    assert_eq!(fixed(source), "FROM alpine:3.20\n");
}

#[test]
fn unknown_codes_in_hadolint_pragmas_are_silent() {
    for comment in [
        "# hadolint ignore=DL9999",
        "# hadolint ignore=SC2086",
        "# hadolint global ignore=DL3999,SC1091",
    ] {
        let source = format!("FROM alpine:3.20\n{comment}\nRUN apk add --no-cache curl\n");
        assert_eq!(codes(&source), Vec::<String>::new(), "{comment}");
    }
}

#[test]
fn suppression_of_a_rule_that_did_not_run_is_not_unused() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3019\nRUN apk add --no-cache curl\n";
    // DL3019 ignored by the settings.
    let ignoring = Settings {
        ignore: vec!["DL3019".into()],
        ..settings()
    };
    assert_eq!(
        summary(source, &findings_with(source, &ignoring)),
        Vec::<String>::new()
    );
    // DL3019 not selected.
    let other = Settings {
        select: vec!["DL3020".into(), "PL001".into()],
        ..Settings::default()
    };
    assert_eq!(
        summary(source, &findings_with(source, &other)),
        Vec::<String>::new()
    );
    // PL001 itself off: nothing about suppressions at all.
    let quiet = Settings {
        select: vec!["DL3019".into()],
        ..Settings::default()
    };
    let unknown = "FROM alpine:3.20\n# plimsoll ignore=DL9999\nRUN apk add --no-cache curl\n";
    assert_eq!(
        summary(unknown, &findings_with(unknown, &quiet)),
        Vec::<String>::new()
    );
}

#[test]
fn a_pragma_with_nothing_after_it_is_ignored() {
    let source = "FROM alpine:3.20\nRUN apk add --no-cache curl\n# plimsoll ignore=DL3019\n";
    assert_eq!(codes(source), Vec::<String>::new());
    // Malformed pragmas are plain comments.
    for comment in [
        "# plimsoll ignore",
        "# plimsoll ignore=",
        "# plimsoll disable=DL3019",
        "# plimsollignore=DL3019",
        "# Plimsoll ignore=DL3019",
    ] {
        let source = format!("FROM alpine:3.20\n{comment}\nRUN apk add curl\n");
        assert_eq!(codes(&source), ["DL3019@3:apk"], "{comment}");
    }
}

#[test]
fn suppressed_findings_keep_their_fix_out_of_apply_fixes() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3019\nRUN apk add curl\n";
    assert_eq!(fixed(source), source);
}

#[test]
fn the_default_settings_report_unused_suppressions() {
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3019\nRUN apk add --no-cache curl\n";
    let found = findings_with(source, &Settings::default());
    assert!(found.iter().any(|d| d.code == "PL001"), "{found:?}");
}

#[test]
fn unused_suppression_can_itself_be_suppressed() {
    for comment in [
        "# plimsoll global ignore=PL001",
        "# plimsoll global ignore=unused-suppression",
        "# hadolint global ignore=PL001",
    ] {
        let source = format!(
            "{comment}\nFROM alpine:3.20\n# plimsoll ignore=DL3019,DL9999\nRUN apk add --no-cache curl\n"
        );
        assert_eq!(codes(&source), Vec::<String>::new(), "{comment}");
        assert_eq!(fixed(&source), source, "{comment}");
    }
    // A next-instruction PL001 suppression covers the instruction, not the comments above it.
    let source = "FROM alpine:3.20\n# plimsoll ignore=PL001\n# plimsoll ignore=DL3019\nRUN apk add --no-cache curl\n";
    assert_eq!(codes(source), ["PL001@2:PL001", "PL001@3:DL3019"]);
    // Inside the instruction it does cover a stale pragma.
    let source = "FROM alpine:3.20\n# plimsoll ignore=PL001\nRUN apk update && \\\n    # plimsoll ignore=DL3019\n    apk add --no-cache curl\n";
    assert_eq!(codes(source), Vec::<String>::new());
}

#[test]
fn comments_in_heredoc_bodies_are_shell_not_pragmas() {
    let source = "FROM alpine:3.20\nRUN <<EOF\n# plimsoll ignore=DL3019\napk add curl\nEOF\n";
    assert_eq!(codes(source), ["DL3019@4:apk"]);
}

#[test]
fn inline_ignores_can_be_turned_off() {
    let settings = Settings {
        honor_inline_ignores: false,
        ..settings()
    };
    let source = "FROM alpine:3.20\n# plimsoll ignore=DL3019\nRUN apk add curl\n";
    assert_eq!(
        summary(source, &findings_with(source, &settings)),
        ["DL3019@3:apk"]
    );
}
