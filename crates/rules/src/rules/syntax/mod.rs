//! The parser's syntax errors (PL1xx) as rules, so that they can be selected, ignored,
//! suppressed and documented like any other.
//!
//! Two of them are hadolint rules too, and carry hadolint's code as an alias, so that
//! `# hadolint ignore=DL3061` and a `.hadolint.yaml` naming the code keep working: PL111
//! `instruction-before-from` is DL3061 (hadolint's "Dockerfile must begin with `FROM`,
//! `ARG` or comment"), PL112 `invalid-onbuild` is DL3043 (`ONBUILD`, `FROM` or
//! `MAINTAINER` triggered from within `ONBUILD`).

mod suggestions;

use crate::diagnostic::Severity;
use crate::registry::{Category, RuleMeta};
use plimsoll_parser::SyntaxCode;
use std::sync::LazyLock;

pub(crate) use suggestions::fix_for as suggestion;

static SYNTAX_METAS: LazyLock<Vec<RuleMeta>> = LazyLock::new(|| {
    SyntaxCode::ALL
        .iter()
        .map(|code| RuleMeta {
            code: code.code(),
            name: code.name(),
            aliases: hadolint_aliases(*code),
            category: Category::Syntax,
            severity: Severity::Error,
            enabled_by_default: true,
            fix: suggestions::availability(*code),
            since: "0.1.0",
            targets: &[],
            doc: code.summary(),
        })
        .collect()
});

/// The hadolint codes of the syntax errors hadolint reports as rules of its own.
fn hadolint_aliases(code: SyntaxCode) -> &'static [&'static str] {
    match code {
        SyntaxCode::NoBuildStage => &["DL3061"],
        SyntaxCode::InvalidOnbuild => &["DL3043"],
        _ => &[],
    }
}

/// The metadata of every syntax code.
pub(crate) fn syntax_metas() -> &'static [RuleMeta] {
    &SYNTAX_METAS
}

/// The metadata of one syntax code.
pub(crate) fn syntax_meta(code: SyntaxCode) -> &'static RuleMeta {
    let index = SyntaxCode::ALL.iter().position(|c| *c == code).unwrap_or(0);
    &SYNTAX_METAS[index]
}

#[cfg(test)]
mod tests {
    use crate::suppression::is_buildkit_check;
    use crate::{find_meta, lint, LintOptions, Settings};

    fn codes(text: &str, settings: &Settings) -> Vec<&'static str> {
        lint(text, &LintOptions::new(settings))
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn hadolint_codes_name_the_syntax_errors() {
        let settings = Settings::default();
        assert!(codes("LABEL a=b\nFROM alpine\n", &settings).contains(&"PL111"));
        let ignored = "# hadolint ignore=DL3061\nLABEL a=b\nFROM alpine\n";
        assert!(!codes(ignored, &settings).contains(&"PL111"));
        assert!(codes("FROM alpine\nONBUILD FROM debian\n", &settings).contains(&"PL112"));
        let ignored = "FROM alpine\n# hadolint ignore=DL3043\nONBUILD MAINTAINER me\n";
        assert!(!codes(ignored, &settings).contains(&"PL112"));
        // `.hadolint.yaml`'s `ignored: [DL3061]`.
        let ignoring = Settings {
            ignore: vec!["DL3061".to_string()],
            ..Settings::default()
        };
        assert!(!codes("LABEL a=b\nFROM alpine\n", &ignoring).contains(&"PL111"));
        for code in ["DL3061", "DL3043"] {
            let meta = find_meta(code).unwrap();
            assert!(meta.code.starts_with("PL1"), "{code}");
            assert!(!is_buildkit_check(meta), "{code}");
        }
    }
}
