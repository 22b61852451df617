use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{apt_unanswered_prompt, report_missing_switch};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get` (or `apt`) commands that ask for confirmation — `install`,
    /// `upgrade`, `dist-upgrade`, `remove`, `purge`, `autoremove`, `build-dep`, … — without
    /// `-y`.
    ///
    /// These answer the prompt and keep the rule silent: `-y`, `--yes`, `--assume-yes`,
    /// also in a cluster (`-qy`, `-yq`); quiet level 2 (`-qq`, `-q=2`, `-q -q`), which
    /// implies `-y`; `-o APT::Get::Assume-Yes=true`; a simulation (`-s`); input piped or
    /// redirected into the command (`yes | apt-get install …`); and an `Assume-Yes` setting
    /// that a RUN of the stage writes (or a COPY puts in `/etc/apt/apt.conf.d/`) before the
    /// command. An option hidden in a variable whose value is not known also keeps it silent.
    ///
    /// ## Why
    /// A build has no terminal: when apt-get asks "Do you want to continue? [Y/n]", it
    /// reads the end of its empty input, answers no, and the RUN fails. Whether apt-get asks
    /// depends on what else it must install or remove, so a RUN that works today can fail
    /// after a repository update. `DEBIAN_FRONTEND=noninteractive` does not help: it only
    /// silences debconf's questions, not apt-get's confirmation. Unlike hadolint, the rule
    /// checks every subcommand that asks, not only `install`, and does not take a single
    /// `-q` for `-y`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// RUN apt-get update && apt-get install --no-install-recommends curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Adds `-y` after the subcommand (safe: the command runs as the author meant, instead
    /// of stopping at the prompt).
    pub struct AptGetMissingYes {
        code: "DL3014",
        name: "apt-get-missing-yes",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["apt-get", "apt"])],
    }
}

impl Rule for AptGetMissingYes {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some((apt, sub)) = apt_unanswered_prompt(checker, run, command) else {
            return;
        };
        let program = apt.name.as_str().unwrap_or("apt-get");
        let example = if sub.as_str() == Some("install") {
            format!("{program} -y install <package>")
        } else {
            format!("{program} -y {}", sub.text)
        };
        let message = format!("Use the `-y` switch to avoid manual input `{example}`");
        report_missing_switch(checker, command, &message, sub, "-y", true);
    }
}
