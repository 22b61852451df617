//! Helpers shared by the rule tests: linting one rule, rendering findings as text for
//! snapshots, and checking that fixes are sound.

#![allow(dead_code)]

use plimsoll_rules::parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::{
    apply_fixes, lint, Applicability, BuildContext, Diagnostic, LintOptions, RuleMeta, Settings,
};

/// Settings that run exactly `rule` (also when it is off by default).
pub fn only(rule: &RuleMeta) -> Settings {
    only_with(rule, Settings::default())
}

/// `base` (a configuration's settings: trusted registries, label schema, rule options)
/// running exactly `rule`.
pub fn only_with(rule: &RuleMeta, base: Settings) -> Settings {
    Settings {
        select: vec![rule.code.to_string()],
        ..base
    }
}

/// Lints with the default rules plus `rule` (suppression rules need the others), in
/// `context` when given (the Dockerfile is `Dockerfile` at its root), and returns `rule`'s
/// findings.
pub fn findings(
    rule: &RuleMeta,
    source: &str,
    context: Option<&dyn BuildContext>,
) -> Vec<Diagnostic> {
    findings_with(rule, source, context, Settings::default())
}

/// [`findings`] with the settings of a configuration (`base`) instead of the defaults.
pub fn findings_with(
    rule: &RuleMeta,
    source: &str,
    context: Option<&dyn BuildContext>,
    base: Settings,
) -> Vec<Diagnostic> {
    let settings = Settings {
        extend_select: vec![rule.code.to_string()],
        ..base
    };
    let mut options = LintOptions::new(&settings);
    if let Some(context) = context {
        options = options.with_context(context, Some("Dockerfile"));
    }
    lint(source, &options)
        .diagnostics
        .into_iter()
        .filter(|d| d.code == rule.code)
        .collect()
}

/// Renders findings under the lines they point at:
///
/// ```text
/// 2 | RUN apk add curl
///   |     ^^^^^^^^^^^^ DL3019 warning: `apk add` without `--no-cache` …
///   = fix (safe): Add `--no-cache` to `apk add`
/// ```
pub fn render(source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let mut out = String::new();
    for d in diagnostics {
        let start = index.line_col(d.range.start, PositionEncoding::Utf8);
        let end = index.line_col(d.range.end, PositionEncoding::Utf8);
        let line_text = source.lines().nth(start.line as usize).unwrap_or("");
        let width = if end.line == start.line {
            (end.col - start.col).max(1) as usize
        } else {
            line_text.len().saturating_sub(start.col as usize).max(1)
        };
        let prefix: String = line_text
            .get(..start.col as usize)
            .unwrap_or("")
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(&format!("{:>3} | {line_text}\n", start.line + 1));
        out.push_str(&format!(
            "    | {prefix}{} {} {}: {}\n",
            "^".repeat(width.min(80)),
            d.code,
            d.severity,
            d.message
        ));
        for related in &d.related {
            let at = index.line_col(related.range.start, PositionEncoding::Utf8);
            out.push_str(&format!(
                "    = related {}:{}: {}\n",
                at.line + 1,
                at.col + 1,
                related.message
            ));
        }
        if let Some(fix) = &d.fix {
            out.push_str(&format!(
                "    = fix ({}): {}\n",
                fix.applicability.as_str(),
                fix.title
            ));
        }
    }
    out
}

/// Applies every non-display fix of `rule` and checks the invariants every fix must keep:
/// the result has no syntax error the input did not have, no finding with an applicable fix
/// is left, and a second pass changes nothing. Returns the fixed text and created files.
pub fn check_fixes(
    rule: &RuleMeta,
    source: &str,
    context: Option<&dyn BuildContext>,
) -> (String, Vec<(String, String)>) {
    check_fixes_with(rule, source, context, Settings::default())
}

/// [`check_fixes`] with the settings of a configuration (`base`) instead of the defaults.
pub fn check_fixes_with(
    rule: &RuleMeta,
    source: &str,
    context: Option<&dyn BuildContext>,
    base: Settings,
) -> (String, Vec<(String, String)>) {
    let settings = only_with(rule, base);
    let mut options = LintOptions::new(&settings);
    if let Some(context) = context {
        options = options.with_context(context, Some("Dockerfile"));
    }
    let outcome = apply_fixes(source, &options, Applicability::Unsafe);
    assert!(
        !outcome.reached_limit,
        "{}: fixes did not converge:\n{}",
        rule.code, outcome.source
    );
    let before = plimsoll_rules::parser::parse(source).diagnostics.len();
    let after = plimsoll_rules::parser::parse(&outcome.source).diagnostics;
    assert!(
        after.len() <= before,
        "{}: the fixed text has new syntax errors {after:?}:\n{}",
        rule.code,
        outcome.source
    );
    let left: Vec<_> = outcome
        .remaining
        .iter()
        .filter(|d| d.code == rule.code)
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability >= Applicability::Unsafe)
        })
        .collect();
    assert!(
        left.is_empty() || outcome.applied.is_empty(),
        "{}: fixable findings remain after fixing: {left:?}\n{}",
        rule.code,
        outcome.source
    );
    // A second pass over the fixed text (with the created files in place) changes nothing.
    let again = match context {
        Some(_) => {
            let mut files = plimsoll_rules::MemoryContext::default();
            for (path, content) in &outcome.created_files {
                files.insert(path.clone(), content.clone());
            }
            let overlay = Layered {
                top: &files,
                bottom: context,
            };
            let options = LintOptions::new(&settings).with_context(&overlay, Some("Dockerfile"));
            let second = apply_fixes(&outcome.source, &options, Applicability::Unsafe);
            (second.source, second.created_files)
        }
        None => {
            let second = apply_fixes(
                &outcome.source,
                &LintOptions::new(&settings),
                Applicability::Unsafe,
            );
            (second.source, second.created_files)
        }
    };
    assert_eq!(
        again.0, outcome.source,
        "{}: a second fix pass changed the text",
        rule.code
    );
    assert!(
        again.1.is_empty(),
        "{}: a second fix pass created files again",
        rule.code
    );
    (outcome.source, outcome.created_files)
}

struct Layered<'a> {
    top: &'a plimsoll_rules::MemoryContext,
    bottom: Option<&'a dyn BuildContext>,
}

impl BuildContext for Layered<'_> {
    fn exists(&self, path: &str) -> bool {
        self.top.exists(path) || self.bottom.is_some_and(|b| b.exists(path))
    }
    fn read(&self, path: &str) -> Option<String> {
        self.top
            .read(path)
            .or_else(|| self.bottom.and_then(|b| b.read(path)))
    }
    fn list(&self, dir: &str) -> Vec<plimsoll_rules::context::Entry> {
        let mut entries = self.bottom.map(|b| b.list(dir)).unwrap_or_default();
        entries.extend(self.top.list(dir));
        entries.sort();
        entries.dedup();
        entries
    }
}
