use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{
    report_missing_switch, rpm_unanswered_prompt, rpm_yes_message, Tool,
};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `dnf` (also `dnf5`) commands that ask for confirmation — `install`,
    /// `upgrade`, `remove`, `reinstall`, `downgrade`, `module install`, `group install`, … —
    /// without `-y`.
    ///
    /// These answer the prompt and keep the rule silent: `-y` (also in a cluster, `-qy`),
    /// `--assumeyes`, `--setopt=assumeyes=True`, input piped or redirected into the
    /// command, and an `assumeyes` setting that a RUN of the stage writes (or a COPY puts in
    /// `/etc/dnf/dnf.conf`) before the command. An option hidden in a variable whose value
    /// is not known also keeps it silent.
    ///
    /// ## Why
    /// A build has no terminal: when dnf asks "Is this ok [y/N]", it reads the end of its
    /// empty input, answers no, and the RUN fails. Unlike hadolint, the rule does not report
    /// `microdnf`, which never asks (its `-y` does nothing), and checks every subcommand
    /// that asks, not only the install ones.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM fedora:41
    /// RUN dnf install tomcat && dnf clean all
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM fedora:41
    /// RUN dnf install -y tomcat && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// Adds `-y` after the subcommand (safe: the command runs as the author meant, instead
    /// of stopping at the prompt).
    pub struct DnfMissingYes {
        code: "DL3038",
        name: "dnf-missing-yes",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["dnf", "dnf5"])],
    }
}

impl Rule for DnfMissingYes {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some((rpm, after)) = rpm_unanswered_prompt(checker, run, command, &[Tool::Dnf]) else {
            return;
        };
        let message = rpm_yes_message(&rpm, after);
        report_missing_switch(checker, command, &message, after, "-y", true);
    }
}
