use crate::checker::Checker;
use crate::context::dockerignore::clean;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit::top_level_id;
use crate::rules::helpers::buildkit_compat::{go_quote, on_first_line};
use crate::rules::helpers::buildkit_env::{copy_sources, env_before, is_heredoc_marker};
use plimsoll_parser::expand::{EmptyEnv, Lexer};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` source from the build context that `.dockerignore`
    /// excludes (the source itself or one of its parent directories): BuildKit does not
    /// send it, so the instruction cannot copy it.
    ///
    /// This is BuildKit's `CopyIgnoredFile` check, with its message, and its limits: it
    /// only runs when the `.dockerignore` (or `<Dockerfile>.dockerignore`) has no `!`
    /// exception, since an exception can bring a file back inside an excluded directory;
    /// the context root (`COPY . .`) is reported only when a pattern is `*`, `**` or
    /// `**/*`; a source is matched as written, wildcards included. `COPY --from`, URLs, Git
    /// sources and here-documents are not from the context. A source that depends on a
    /// variable whose value is not known is left alone. Without a build context the rule
    /// is silent.
    ///
    /// ## Why
    /// The build fails with "not found" (or, for a wildcard, silently copies nothing), and
    /// the cause is in another file: the `.dockerignore` entry is easily forgotten.
    ///
    /// ## Example
    /// ```context
    /// .dockerignore: Dockerfile\nconfig/\n
    /// config/app.yaml
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// COPY config/app.yaml /etc/app/
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// COPY --from=ghcr.io/acme/config:1 /app.yaml /etc/app/
    /// ```
    ///
    /// ## Fix
    /// None: either the `.dockerignore` entry or the `COPY` is wrong.
    pub struct CopyIgnoredFile {
        code: "PL217",
        name: "copy-ignored-file",
        aliases: ["CopyIgnoredFile"],
        category: Context,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Copy, Keyword::Add])],
    }
}

impl Rule for CopyIgnoredFile {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let Some(ignore) = checker.context.and_then(|c| c.dockerignore.as_ref()) else {
            return;
        };
        let Ok(matcher) = &ignore.matcher else {
            return;
        };
        if matcher.has_exclusions() || instruction.flag("from").is_some() {
            return;
        }
        let model = checker.model;
        let Some(id) = top_level_id(model, instruction) else {
            return;
        };
        if model.stage_of(id).is_none() {
            return;
        }
        let ignores_root = ignore
            .patterns
            .iter()
            .any(|p| matches!(p.as_str(), "*" | "**" | "**/*"));
        let verb = match instruction.keyword {
            Keyword::Add => "Add",
            _ => "Copy",
        };
        let lexer = Lexer::new(model.file.escape);
        let env = copy_sources(instruction)
            .iter()
            .any(|w| w.value.contains('$'))
            .then(|| env_before(model, id))
            .flatten();
        for word in copy_sources(instruction) {
            if is_heredoc_marker(instruction, word) {
                continue;
            }
            let source = match &env {
                Some(env) if word.value.contains('$') => match env.expand(&lexer, &word.value) {
                    Some(e) if env.is_certain(&e) => e.value,
                    _ => continue,
                },
                _ => match lexer.process_word(&word.value, &EmptyEnv) {
                    Ok(e) if e.unmatched.is_empty() => e.value,
                    _ => continue,
                },
            };
            if is_remote(&source) {
                continue;
            }
            let source = clean(&source);
            if (source == "." || source == "/") && !ignores_root {
                continue;
            }
            if !matcher.matches_or_parent_matches(&source) {
                continue;
            }
            let message = format!(
                "Attempting to {verb} file {} that is excluded by .dockerignore",
                go_quote(&source)
            );
            let range = on_first_line(checker, instruction, word.range);
            checker.report(range, message);
        }
    }
}

/// Whether an ADD source is a URL or a Git repository rather than a context path.
fn is_remote(source: &str) -> bool {
    source.contains("://") || source.starts_with("git@")
}
