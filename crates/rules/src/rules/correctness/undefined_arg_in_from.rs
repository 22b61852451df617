use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::Fix;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::{on_first_line, suggest};
use crate::rules::helpers::buildkit_env::{global_args, rename_variable};
use plimsoll_parser::expand::Lexer;
use plimsoll_parser::{Arguments, Instruction, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a variable used in a `FROM` line (in the image or in `--platform`) that is
    /// neither declared by an `ARG` before the first `FROM` nor one of BuildKit's automatic
    /// platform ARGs (`BUILDPLATFORM`, `BUILDOS`, `BUILDOSVERSION`, `BUILDARCH`,
    /// `BUILDVARIANT`, `TARGETPLATFORM`, `TARGETOS`, `TARGETOSVERSION`, `TARGETARCH`,
    /// `TARGETVARIANT`, `TARGETSTAGE`). When a declared name is at most two edits away, the
    /// message suggests it, as BuildKit does (`did you mean BUILDPLATFORM?`).
    ///
    /// This is BuildKit's `UndefinedArgInFrom` check, with its message. The proxy variables
    /// (`HTTP_PROXY` and the others) are not in the global scope for BuildKit either: they
    /// need an `ARG` to be used in `FROM`.
    ///
    /// ## Why
    /// A `FROM` line only sees the ARGs declared before the first `FROM`. An undeclared
    /// variable expands to an empty string, so `FROM node:22${VARIANT}` silently builds on
    /// `node:22`, and a misspelled `$BULIDPLATFORM` leaves `--platform` empty, which fails
    /// the build.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22${VARIANT} AS jsbuilder
    /// ```
    ///
    /// ```dockerfile invalid
    /// FROM --platform=$BULIDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ```dockerfile valid
    /// ARG VARIANT="-alpine3.20"
    /// FROM node:22${VARIANT} AS jsbuilder
    /// ```
    ///
    /// ## Fix
    /// When BuildKit suggests a name, renames the variable to it (unsafe: the suggestion is
    /// a guess at what was meant; the variable may instead be meant to be declared).
    pub struct UndefinedArgInFrom {
        code: "PL210",
        name: "undefined-arg-in-from",
        aliases: ["UndefinedArgInFrom"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for UndefinedArgInFrom {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let model = checker.model;
        let from = model.instruction(stage.from);
        let image = match &from.args {
            Arguments::List(words) => words.first().map(|w| (w.value.as_str(), w.range)),
            _ => None,
        };
        let platform = from
            .flag("platform")
            .and_then(|f| Some((f.value.as_deref()?, f.value_range?)));
        if !image
            .into_iter()
            .chain(platform)
            .any(|(w, _)| w.contains('$'))
        {
            return;
        }
        let globals = global_args(model);
        // BuildKit fails on a global ARG it cannot expand before it reads any FROM.
        if globals.failed {
            return;
        }
        let known = globals.known_names();
        let lexer = Lexer::new(model.file.escape);
        for (word, range) in image.into_iter().chain(platform) {
            let Some(expansion) = globals.env.expand(&lexer, word) else {
                continue;
            };
            for name in expansion
                .unmatched
                .iter()
                .filter(|n| !known.contains(&n.as_str()))
            {
                report(checker, from, range, name, &known);
            }
        }
    }
}

fn report(
    checker: &mut Checker<'_>,
    from: &Instruction,
    range: TextRange,
    name: &str,
    known: &[&str],
) {
    let suggestion = suggest(name, known.iter().copied(), true);
    let mut message = format!("FROM argument '{name}' is not declared");
    if let Some(suggestion) = &suggestion {
        message.push_str(&format!(" (did you mean {suggestion}?)"));
    }
    let fix = suggestion.and_then(|suggestion| {
        let escape = checker.model.file.escape;
        let edits = rename_variable(checker.text(range), range.start, name, &suggestion, escape);
        (!edits.is_empty())
            .then(|| Fix::unsafe_edit(format!("Rename `{name}` to `{suggestion}`"), edits))
    });
    let range = on_first_line(checker, from, range);
    let diagnostic = checker.report(range, message);
    if let Some(fix) = fix {
        diagnostic.set_fix(fix);
    }
}
