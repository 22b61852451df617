use crate::checker::Checker;
use crate::declare_rule;
use crate::model::InstructionId;
use crate::registry::{Rule, Target};
use plimsoll_parser::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports the `RUN`s of a stage that use `curl` or `wget` once the stage has used both.
    ///
    /// ## Why
    /// `curl` and `wget` do the same job. Using both means installing (and keeping up to
    /// date) two HTTP clients and their libraries where one would do, and reading two sets
    /// of options. Pick one per stage.
    ///
    /// As in hadolint, each stage is checked on its own. Commands run through `sudo` or
    /// `env` count; the positions are those of the commands.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:bookworm
    /// RUN wget -q https://example.com/a.tar.gz
    /// RUN curl -fsSLO https://example.com/b.tar.gz
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:bookworm
    /// RUN curl -fsSLO https://example.com/a.tar.gz
    /// RUN curl -fsSLO https://example.com/b.tar.gz
    /// ```
    ///
    /// ## Fix
    /// None: rewriting the options of one tool into the other's is left to the author.
    pub struct WgetAndCurl {
        code: "DL4001",
        name: "wget-and-curl",
        category: Size,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

impl Rule for WgetAndCurl {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for stage in &model.stages {
            // The first use of each tool in the stage so far.
            let mut first: [Option<TextRange>; 2] = [None, None];
            let mut current: Option<InstructionId> = None;
            let mut reported = false;
            for run in model.runs.iter().filter(|r| r.stage == stage.index) {
                if current != Some(run.instruction) {
                    current = Some(run.instruction);
                    reported = false;
                }
                for command in run.script.commands() {
                    let tool = match command.unwrapped().program() {
                        Some("curl") => 0,
                        Some("wget") => 1,
                        _ => continue,
                    };
                    if first[tool].is_none() {
                        first[tool] = Some(command.range);
                    }
                    let Some(other) = first[1 - tool] else {
                        continue;
                    };
                    if reported {
                        continue;
                    }
                    reported = true;
                    let (this, that) = if tool == 0 {
                        ("curl", "wget")
                    } else {
                        ("wget", "curl")
                    };
                    checker
                        .report(
                            command.range,
                            format!(
                                "Either use Wget or Curl but not both: this stage runs \
                                 `{this}` here and `{that}` too"
                            ),
                        )
                        .add_related(other, format!("`{that}` is used here"));
                }
            }
        }
    }
}
