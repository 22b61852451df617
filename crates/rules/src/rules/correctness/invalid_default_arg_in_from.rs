use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::{is_valid_reference, on_first_line};
use crate::rules::helpers::buildkit_env::global_args;
use plimsoll_parser::expand::Lexer;
use plimsoll_parser::Arguments;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image, built from ARGs, is empty or not a valid image
    /// reference when the ARGs keep their defaults: `FROM busybox:$VERSION` with
    /// `ARG VERSION` (no default) gives `busybox:`, and `FROM $IMAGE` with no default gives
    /// nothing.
    ///
    /// This is BuildKit's `InvalidDefaultArgInFrom` check, with its message. BuildKit also
    /// reports a `FROM` without any variable whose name is not a valid reference, such as a
    /// stage named in uppercase (`FROM Builder`, which works); Plimsoll only judges `FROM`
    /// lines that use a variable.
    ///
    /// ## Why
    /// A build without `--build-arg` uses the defaults, and fails on an invalid base image.
    /// A default that works documents the expected value and keeps a plain `docker build`
    /// working; pass another value with `--build-arg` when needed.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// ARG TAG
    /// FROM busybox:${TAG}
    /// ```
    ///
    /// ```dockerfile valid
    /// ARG TAG=1.37
    /// FROM busybox:${TAG}
    /// ```
    ///
    /// ## Fix
    /// None: only the author knows the right default.
    pub struct InvalidDefaultArgInFrom {
        code: "PL215",
        name: "invalid-default-arg-in-from",
        aliases: ["InvalidDefaultArgInFrom"],
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for InvalidDefaultArgInFrom {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let uses_variables = model.stages.iter().any(|stage| {
            matches!(&model.instruction(stage.from).args,
                Arguments::List(words) if words.first().is_some_and(|w| w.value.contains('$')))
        });
        if !uses_variables {
            return;
        }
        let globals = global_args(model);
        if globals.failed {
            return;
        }
        let lexer = Lexer::new(model.file.escape);
        for stage in &model.stages {
            let from = model.instruction(stage.from);
            let Arguments::List(words) = &from.args else {
                continue;
            };
            let Some(word) = words.first() else {
                continue;
            };
            // BuildKit stops the check at the first FROM it cannot expand.
            let Some(expansion) = globals.env.expand(&lexer, &word.value) else {
                return;
            };
            if !word.value.contains('$') || is_valid_reference(&expansion.value) {
                continue;
            }
            let message = format!(
                "Default value for ARG {} results in empty or invalid base image name",
                word.value
            );
            let range = on_first_line(checker, from, word.range);
            checker.report(range, message);
        }
    }
}
