use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::stages::{base_range, chain_instructions, stage_chain};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile whose image (its last stage, with the stages it is built on)
    /// exposes a port but has no `HEALTHCHECK`. Off by default, as in hadolint.
    ///
    /// ## Why
    /// Without a `HEALTHCHECK`, Docker and Swarm only know whether the main process is
    /// running, not whether it still answers: a server stuck in a deadlock stays "up". A
    /// `HEALTHCHECK` lets the engine mark the container unhealthy and an orchestrator
    /// replace it. `HEALTHCHECK NONE` says on purpose that there is none, and counts.
    ///
    /// Unlike hadolint, which reports every stage, only the image the build produces is
    /// checked (build stages never run as containers), and only when it `EXPOSE`s a port: a
    /// service has something to probe, a command-line tool, a base image or a development
    /// container does not.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// EXPOSE 80
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// EXPOSE 80
    /// HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## Fix
    /// None: what to check depends on the application.
    pub struct MissingHealthcheck {
        code: "DL3057",
        name: "missing-healthcheck",
        category: Correctness,
        severity: Info,
        enabled: false,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for MissingHealthcheck {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(last) = model.final_stage() else {
            return;
        };
        let chain = stage_chain(model, last);
        let instructions = chain_instructions(model, &chain);
        let has = |keyword: Keyword| {
            instructions.iter().any(|i: &&Instruction| {
                i.keyword == keyword || i.onbuild_child().is_some_and(|c| c.keyword == keyword)
            })
        };
        if has(Keyword::Healthcheck) {
            return;
        }
        if !has(Keyword::Expose) {
            return;
        }
        checker.report(base_range(model, last), "`HEALTHCHECK` instruction missing");
    }
}
