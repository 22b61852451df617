//! The lint driver: parse, build the model, dispatch the rules, apply settings and
//! suppressions.

use crate::checker::Checker;
use crate::context::{BuildContext, ContextView};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Severity};
use crate::model::SemanticModel;
use crate::registry::{Rule, RuleMeta, REGISTRY};
use crate::rules::meta::UnusedSuppression;
use crate::rules::syntax::syntax_meta;
use crate::settings::{selects, Settings};
use crate::shellcheck::is_shellcheck;
use crate::suppression::{is_buildkit_check, Suppressions};
use plimsoll_parser::{Dockerfile, Instruction, TextRange};

/// What a lint run needs besides the text.
#[derive(Clone, Copy)]
pub struct LintOptions<'a> {
    /// The settings.
    pub settings: &'a Settings,
    /// The build context, when the Dockerfile has one on disk or in memory.
    pub context: Option<&'a dyn BuildContext>,
    /// The Dockerfile's path relative to the context root (to find
    /// `<Dockerfile>.dockerignore` and to know the Dockerfile is itself sent).
    pub dockerfile: Option<&'a str>,
    /// BuildKit's `BUILDKIT_DOCKERFILE_CHECK` build argument (`skip=…;error=…;
    /// experimental=…`): check settings that replace the file's `# check=` directive, as
    /// `docker build --build-arg BUILDKIT_DOCKERFILE_CHECK=…` does.
    pub buildkit_check: Option<&'a str>,
}

impl<'a> LintOptions<'a> {
    /// Options with these settings, no build context.
    pub fn new(settings: &'a Settings) -> LintOptions<'a> {
        LintOptions {
            settings,
            context: None,
            dockerfile: None,
            buildkit_check: None,
        }
    }

    /// The same options with BuildKit's `BUILDKIT_DOCKERFILE_CHECK` build argument.
    pub fn with_buildkit_check(mut self, check: &'a str) -> LintOptions<'a> {
        self.buildkit_check = Some(check);
        self
    }

    /// The same options with a build context and the Dockerfile's path in it.
    pub fn with_context(
        mut self,
        context: &'a dyn BuildContext,
        dockerfile: Option<&'a str>,
    ) -> LintOptions<'a> {
        self.context = Some(context);
        self.dockerfile = dockerfile;
        self
    }
}

/// The result of linting one file.
#[derive(Debug)]
pub struct LintResult {
    /// The model the rules saw (the parse tree is in `model.file`).
    pub model: SemanticModel,
    /// The findings, ordered by position then code.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints a Dockerfile.
///
/// ```
/// use plimsoll_rules::{lint, LintOptions, Settings};
///
/// let settings = Settings::default();
/// let result = lint("FROM alpine:3.20\nRUN apk add curl\n", &LintOptions::new(&settings));
/// let codes: Vec<_> = result.diagnostics.iter().map(|d| d.code).collect();
/// assert!(codes.contains(&"DL3019"));
/// ```
pub fn lint(source: &str, options: &LintOptions<'_>) -> LintResult {
    let model = SemanticModel::new(plimsoll_parser::parse(source));
    let diagnostics = lint_model(&model, source, options);
    LintResult { model, diagnostics }
}

/// Lints an already built model of `source`.
pub fn lint_model(
    model: &SemanticModel,
    source: &str,
    options: &LintOptions<'_>,
) -> Vec<Diagnostic> {
    let settings = options.settings;
    let view = options
        .context
        .map(|context| ContextView::new(context, options.dockerfile));
    let registry = &*REGISTRY;
    let stage_ranges: Vec<TextRange> = model
        .stages
        .iter()
        .map(|stage| {
            let first = model.instruction(stage.instructions.start).range;
            let last = model.instruction(stage.instructions.end - 1).range;
            first.cover(last)
        })
        .collect();
    // BuildKit's `error=` and `experimental=` are settings, not ignores: read even when
    // inline ignores are off.
    let mut suppressions = Suppressions::collect_with_check(
        &model.file,
        source,
        &stage_ranges,
        options.buildkit_check,
    );
    if !settings.honor_inline_ignores {
        suppressions.list.clear();
    }
    // An experimental BuildKit check runs where `# check=experimental=…` names it, unless
    // the settings ignore it.
    let by_experiment = |meta: &RuleMeta| {
        !settings.is_enabled(meta)
            && suppressions.enables_experimental(meta)
            && !settings.ignore.iter().any(|s| selects(s, meta))
    };
    let enabled: Vec<bool> = registry
        .rules
        .iter()
        .map(|rule| settings.is_enabled(rule.meta()) || by_experiment(rule.meta()))
        .collect();

    let mut checker = Checker {
        model,
        source,
        context: view.as_ref(),
        settings,
        rule: &UnusedSuppression::META,
        diagnostics: Vec::new(),
    };
    let mut run =
        |checker: &mut Checker<'_>, index: usize, call: &dyn Fn(&dyn Rule, &mut Checker<'_>)| {
            if enabled[index] {
                let rule = registry.rules[index];
                checker.rule = rule.meta();
                call(rule, checker);
            }
        };

    for rule in &registry.file_rules {
        run(&mut checker, *rule, &|rule, checker| rule.file(checker));
    }
    for stage in &model.stages {
        for rule in &registry.stage_rules {
            run(&mut checker, *rule, &|rule, checker| {
                rule.stage(checker, stage)
            });
        }
    }
    for instruction in &model.file.instructions {
        dispatch_instruction(instruction, &mut checker, &mut run, 0);
    }
    for script in &model.runs {
        for command in script.script.commands() {
            let program = command.unwrapped().program();
            let specific = program
                .and_then(|p| registry.by_program.get(p))
                .map_or(&[][..], Vec::as_slice);
            let first_new = checker.diagnostics.len();
            for rule in specific.iter().chain(&registry.any_command) {
                run(&mut checker, *rule, &|rule, checker| {
                    rule.command(checker, script, command)
                });
            }
            if command.recovered {
                show_only_fixes(&mut checker.diagnostics[first_new..]);
            }
        }
    }

    let mut found = checker.diagnostics;
    found.retain(|diagnostic| {
        crate::registry::find_meta(diagnostic.code).is_none_or(|meta| {
            !by_experiment(meta) || suppressions.experimental_at(meta, diagnostic.range.start)
        })
    });
    // ShellCheck's findings, when it is enabled and ran; `None` when it did not run, so that
    // suppressions of its codes are not reported as unused.
    let shellcheck = settings
        .shellcheck
        .then(|| crate::shellcheck::check(model, source))
        .flatten();
    let shellcheck_ran = shellcheck.is_some();
    for diagnostic in shellcheck.into_iter().flatten() {
        if crate::registry::find_meta(diagnostic.code).is_some_and(|m| settings.is_enabled(m)) {
            found.push(diagnostic);
        }
    }
    show_only_fixes_touching_syntax_errors(&model.file, &mut found);
    for syntax in &model.file.diagnostics {
        let meta = syntax_meta(syntax.code);
        if settings.is_enabled(meta) {
            let fix = crate::rules::syntax::suggestion(&model.file, source, syntax);
            found.push(Diagnostic {
                fix,
                ..Diagnostic::new(meta, syntax.range, syntax.message.clone())
            });
        }
    }

    found.retain(|diagnostic| !suppressions.suppresses(diagnostic));
    for diagnostic in &mut found {
        if let Some(meta) = crate::registry::find_meta(diagnostic.code) {
            if is_shellcheck(meta) {
                // Each ShellCheck finding has its own level, unless the settings set one.
                if let Some(severity) = settings.severity_override(meta) {
                    diagnostic.severity = severity;
                }
                continue;
            }
            diagnostic.severity = settings.severity_of(meta);
            if suppressions.checks_are_errors && is_buildkit_check(meta) {
                diagnostic.severity = Severity::Error;
            }
        }
    }
    if settings.is_enabled(&UnusedSuppression::META) {
        let ran =
            |meta: &RuleMeta| settings.is_enabled(meta) && (shellcheck_ran || !is_shellcheck(meta));
        // A suppression may name PL001 itself (`# plimsoll global ignore=PL001`): it hides
        // PL001's findings like any other rule's and then counts as used.
        for diagnostic in suppressions.unused(&UnusedSuppression::META, ran) {
            suppressions.suppresses(&diagnostic);
        }
        let mut unused = suppressions.unused(&UnusedSuppression::META, ran);
        unused.retain(|diagnostic| !suppressions.suppresses(diagnostic));
        for diagnostic in &mut unused {
            diagnostic.severity = settings.severity_of(&UnusedSuppression::META);
        }
        found.extend(unused);
    }
    found.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    found.dedup();
    found
}

/// Makes the fixes of findings on a command recovered from a shell syntax error
/// display-only: where its words start and end is a guess, so an edit may not be read back
/// as written (a flag added to it is not seen, and is added again on every pass of
/// `apply_fixes`).
fn show_only_fixes(found: &mut [Diagnostic]) {
    for fix in found.iter_mut().filter_map(|d| d.fix.as_mut()) {
        fix.applicability = Applicability::DisplayOnly;
    }
}

/// Makes display-only the fixes (other than the syntax errors' own corrections, added after)
/// that edit or insert next to an instruction with a syntax error: the rules read what the
/// parser could make of it, which may not be what was written, and an edit there may not be
/// read back as written (a line added after an unterminated here-document becomes part of
/// its body, and is added again on every pass of `apply_fixes`).
fn show_only_fixes_touching_syntax_errors(file: &Dockerfile, found: &mut [Diagnostic]) {
    let broken: Vec<TextRange> = file
        .instructions
        .iter()
        .map(|i| {
            i.heredocs
                .iter()
                .fold(i.range, |r, h| r.cover(h.body_range))
        })
        .filter(|range| {
            file.diagnostics
                .iter()
                .any(|d| d.range.start <= range.end && range.start <= d.range.end)
        })
        .collect();
    if broken.is_empty() {
        return;
    }
    for fix in found.iter_mut().filter_map(|d| d.fix.as_mut()) {
        let touches_broken = fix.edits.iter().filter_map(Edit::range).any(|edit| {
            broken
                .iter()
                .any(|r| r.start <= edit.end && edit.start <= r.end)
        });
        if touches_broken {
            fix.applicability = Applicability::DisplayOnly;
        }
    }
}

fn dispatch_instruction(
    instruction: &Instruction,
    checker: &mut Checker<'_>,
    run: &mut impl FnMut(&mut Checker<'_>, usize, &dyn Fn(&dyn Rule, &mut Checker<'_>)),
    depth: usize,
) {
    if let Some(rules) = REGISTRY.by_keyword.get(&instruction.keyword) {
        for rule in rules {
            run(checker, *rule, &|rule, checker| {
                rule.instruction(checker, instruction)
            });
        }
    }
    if let Some(child) = instruction.onbuild_child() {
        if depth < 4 {
            dispatch_instruction(child, checker, run, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_fixes;

    #[test]
    fn fixes_next_to_a_syntax_error_are_only_shown() {
        // The USER line a fix would add after the last RUN would land in its unterminated
        // here-document (this used to add it again on every pass).
        let source = "FROM debian:12\nENTRYPOINT [\"app\"]\nRUN useradd -m pack <<EOF\n";
        let settings = Settings::default();
        let options = LintOptions::new(&settings);
        let diagnostics = lint(source, &options).diagnostics;
        let user = diagnostics.iter().find(|d| d.code == "PL401").unwrap();
        assert_eq!(
            user.fix.as_ref().unwrap().applicability,
            Applicability::DisplayOnly
        );
        let fixed = apply_fixes(source, &options, Applicability::Unsafe);
        assert!(!fixed.reached_limit, "{:?}", fixed.applied);
        assert_eq!(fixed.source, source);
        // Fixes elsewhere in the file still apply.
        let source = "FROM debian:12\nRUN --bogus true\nRUN apt-get install -y curl\nUSER 1000\n";
        let fixed = apply_fixes(source, &options, Applicability::Unsafe);
        assert!(
            fixed.source.contains("--no-install-recommends"),
            "{}",
            fixed.source
        );
    }

    #[test]
    fn fixes_of_commands_recovered_from_a_shell_syntax_error_are_only_shown() {
        // `esac` is misspelled: the words after it are recovered from a syntax error.
        let source = "FROM debian:12\nRUN case \"$a\" in x) b=1 ;; es/ac; apk add curl; \
                      wget -O f \"$u\"; apt-get install curl\nRUN apk add git\n";
        let settings = Settings {
            select: vec!["ALL".to_string()],
            ..Settings::default()
        };
        let options = LintOptions::new(&settings);
        let diagnostics = lint(source, &options).diagnostics;
        let second_run = source.find("\nRUN apk add git").unwrap() as u32;
        let fixes_in = |lines: std::ops::Range<u32>| {
            diagnostics
                .iter()
                .filter(|d| lines.contains(&d.range.start))
                .filter_map(|d| d.fix.as_ref())
                .map(|f| f.applicability)
                .collect::<Vec<_>>()
        };
        let broken = fixes_in(15..second_run);
        assert!(!broken.is_empty());
        assert!(broken.iter().all(|&a| a == Applicability::DisplayOnly));
        assert!(fixes_in(second_run..source.len() as u32).contains(&Applicability::Safe));
        // Applying them used to add the same flag ten times, one per pass.
        let fixed = apply_fixes(source, &options, Applicability::Unsafe);
        assert!(!fixed.reached_limit, "{:?}", fixed.applied);
        assert!(fixed
            .source
            .starts_with(&source[..source.find("\nRUN apk add git").unwrap()]));
    }
}
