use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::commands::image_command;
use crate::rules::helpers::stages::{chain_instructions, stage_chain};
use crate::rules::helpers::users::drops_or_needs_root;
use plimsoll_parser::Arguments;

declare_rule! {
    /// ## What it does
    /// Reports a final stage whose last `USER` is root (`root` or uid `0`, with or without
    /// a group), including a `USER root` inherited from the stage it is built on.
    ///
    /// hadolint reports the last `USER root` of every stage; Plimsoll only reports the
    /// final stage, the image `docker build` produces: a build stage that stays root is
    /// not run as a container. A `USER` given by a variable is read with the variable's
    /// default. The rule stays silent for dev container Dockerfiles (a path mentioning
    /// `devcontainer`), and when the Dockerfile drops root in the entrypoint (it uses
    /// `gosu`, `su-exec`, `setpriv`, `runuser`, … as listed in `PL401`) or runs a program
    /// that needs root (an init, `dockerd`, …). A final stage with no `USER` at all is
    /// reported by `PL401`.
    ///
    /// ## Why
    /// Switching to root is often needed to install packages, but leaving it as the last
    /// user makes the container's process run as root: a bug in the program, or a
    /// container escape, starts with the highest privileges. Switch back to an unprivileged
    /// user once the root-only steps are done.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-bookworm-slim
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-bookworm-slim
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// USER node
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix
    /// None: which user the program should run as, and whether it still needs root, is
    /// for the author to decide.
    pub struct LastUserRoot {
        code: "DL3002",
        name: "last-user-root",
        category: Security,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for LastUserRoot {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        let Some(user) = &stage.user else {
            return;
        };
        if !user.is_root() {
            return;
        }
        let path = checker.context.and_then(|c| c.dockerfile).unwrap_or("");
        if path.to_ascii_lowercase().contains("devcontainer") {
            return;
        }
        let chain = stage_chain(model, stage);
        let instructions = chain_instructions(model, &chain);
        let (entrypoint, cmd) = image_command(&instructions);
        if drops_or_needs_root(&instructions, entrypoint, cmd) {
            return;
        }
        let instruction = model.instruction(user.instruction);
        let written = match &instruction.args {
            Arguments::Text(word) if word.value != user.value => {
                format!(" (`{}`)", word.value)
            }
            _ => String::new(),
        };
        let inherited = model
            .stage_of(user.instruction)
            .filter(|s| s.index != stage.index);
        match inherited {
            None => {
                checker.report(
                    instruction.range,
                    format!(
                        "The last USER of the final stage is `{}`{written}: the container runs \
                         as root",
                        user.value
                    ),
                );
            }
            Some(parent) => {
                let message = format!(
                    "The final stage inherits `USER {}`{written} from stage {}: the container \
                     runs as root",
                    user.value,
                    parent.display_name()
                );
                let from = model.instruction(stage.from).range;
                checker
                    .report(instruction.range, message)
                    .add_related(from, "the final stage is built on it");
            }
        }
    }
}
