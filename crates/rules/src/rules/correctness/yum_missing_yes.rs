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
    /// Reports `yum` commands that ask for confirmation — `install`, `update`, `remove`,
    /// `groupinstall`, `localinstall`, `reinstall`, `downgrade`, `module install`, … —
    /// without `-y`.
    ///
    /// These answer the prompt and keep the rule silent: `-y` (also in a cluster, `-qy`),
    /// `--assumeyes`, `--setopt=assumeyes=1`, input piped or redirected into the command,
    /// and an `assumeyes` setting that a RUN of the stage writes (or a COPY puts in
    /// `/etc/yum.conf`) before the command. An option hidden in a variable whose value is
    /// not known also keeps it silent.
    ///
    /// ## Why
    /// A build has no terminal: when yum asks "Is this ok [y/N]", it reads the end of its
    /// empty input, answers no, and the RUN fails. Unlike hadolint, the rule checks every
    /// subcommand that asks, not only the install ones.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM centos:7
    /// RUN yum install httpd && yum clean all
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Fix
    /// Adds `-y` after the subcommand (safe: the command runs as the author meant, instead
    /// of stopping at the prompt).
    pub struct YumMissingYes {
        code: "DL3030",
        name: "yum-missing-yes",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["yum"])],
    }
}

impl Rule for YumMissingYes {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some((rpm, after)) = rpm_unanswered_prompt(checker, run, command, &[Tool::Yum]) else {
            return;
        };
        let message = rpm_yes_message(&rpm, after);
        report_missing_switch(checker, command, &message, after, "-y", true);
    }
}
