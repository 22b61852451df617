use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::copy_from::{from_references, FromTarget};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY --from=…` (or `RUN --mount=…,from=…`) that refers to the stage it
    /// is in, by name (in any letter case) or by index, also when the value comes from an
    /// ARG.
    ///
    /// ## Why
    /// A stage cannot read from itself: its files do not exist until it is built. BuildKit
    /// stops with a circular dependency error. The usual cause is a stage renamed, or an
    /// instruction moved from one stage to another without updating `--from`.
    ///
    /// Unlike hadolint, a reference by index (`--from=1` in the second stage) and one
    /// through a variable are caught too.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-alpine AS build
    /// COPY --from=build /app/dist /srv/www
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine AS build
    /// RUN npm ci && npm run build
    ///
    /// FROM nginx:1.27-alpine
    /// COPY --from=build /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// ## Fix
    /// None: which stage was meant is for the author to say.
    pub struct CopyFromOwnStage {
        code: "DL3023",
        name: "copy-from-own-stage",
        category: Correctness,
        severity: Error,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Copy, Keyword::Add, Keyword::Run])],
    }
}

impl Rule for CopyFromOwnStage {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        for reference in from_references(model, checker.source, instruction) {
            let FromTarget::Own(index) = reference.target else {
                continue;
            };
            let Some(stage) = model.stages.get(index) else {
                continue;
            };
            let written = &reference.written;
            let key = reference.key;
            let message = format!(
                "`{key}={written}` cannot reference its own `FROM` alias: stage {} cannot \
                 copy from itself",
                stage.display_name()
            );
            let from = model.instruction(stage.from).range;
            checker
                .report(reference.range, message)
                .add_related(from, "the stage starts here");
        }
    }
}
