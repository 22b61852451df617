use crate::checker::Checker;
use crate::declare_rule;
use crate::model::Stage;
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::{go_quote, on_first_line};

declare_rule! {
    /// ## What it does
    /// Reports a stage whose name (`FROM … AS name`) an earlier stage already has. Names
    /// are compared as BuildKit compares them, lowercased. This is BuildKit's
    /// `DuplicateStageName` check, with its message, and hadolint's DL3024.
    ///
    /// ## Why
    /// `COPY --from=name`, `FROM name` and `--target name` can then only reach one of the
    /// stages, and which one depends on where the reference is written: a reference before
    /// the second definition reaches the first stage, one after it the second. Renaming
    /// either stage later silently changes what gets copied.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23 AS build
    /// RUN go build -o /server ./cmd/server
    ///
    /// FROM golang:1.23 AS build
    /// RUN go build -o /worker ./cmd/worker
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build-server
    /// RUN go build -o /server ./cmd/server
    ///
    /// FROM golang:1.23 AS build-worker
    /// RUN go build -o /worker ./cmd/worker
    /// ```
    ///
    /// ## Fix
    /// None: which stage the references mean, and so which one to rename, needs a human.
    pub struct DuplicateStageName {
        code: "DL3024",
        name: "duplicate-stage-name",
        aliases: ["DuplicateStageName"],
        category: Correctness,
        severity: Error,
        fix: None,
        since: "0.1.0",
        targets: [Target::Stage],
    }
}

impl Rule for DuplicateStageName {
    fn stage(&self, checker: &mut Checker<'_>, stage: &Stage) {
        let (Some(name), Some(range)) = (&stage.name, stage.name_range) else {
            return;
        };
        let model = checker.model;
        let Some(first) = model.stages[..stage.index]
            .iter()
            .find(|s| s.name.as_ref() == Some(name))
        else {
            return;
        };
        let message = format!(
            "Duplicate stage name {}, stage names should be unique",
            go_quote(name)
        );
        let range = on_first_line(checker, model.instruction(stage.from), range);
        let diagnostic = checker.report(range, message);
        if let Some(first_range) = first.name_range {
            diagnostic.add_related(first_range, "the name is first given here");
        }
    }
}
