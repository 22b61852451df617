use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{
    input_is_provided, option_may_be_hidden, report_missing_switch, tool_command, Tool,
    ZYPPER_INSTALLING,
};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `zypper` commands that ask for confirmation — `install`/`in`, `remove`/`rm`,
    /// `update`/`up`, `dist-upgrade`/`dup`, `patch`, `source-install`/`si`,
    /// `install-new-recommends`/`inr` — without a non-interactive switch.
    ///
    /// Both switches keep the rule silent: the global `-n`/`--non-interactive` and the
    /// subcommand's `-y`/`--no-confirm`; so does input piped or redirected into the command,
    /// and an option hidden in a variable whose value is not known.
    ///
    /// ## Why
    /// A build has no terminal: when zypper asks "Continue? [y/n/v/...? shows all
    /// options]", it reads the end of its empty input and the RUN fails. Unlike hadolint,
    /// the rule knows the global `-n`/`--non-interactive` switch, the usual way to run
    /// zypper in scripts.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM opensuse/leap:15.6
    /// RUN zypper install curl && zypper clean --all
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl && zypper clean --all
    /// ```
    ///
    /// ## Fix
    /// Adds the global `-n` after `zypper` (safe: the command runs as the author meant,
    /// instead of stopping at the prompt).
    pub struct ZypperMissingNonInteractive {
        code: "DL3034",
        name: "zypper-missing-non-interactive",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["zypper"])],
    }
}

const SWITCHES: &[&str] = &["-n", "--non-interactive", "-y", "--no-confirm"];

const MESSAGE: &str = "Non-interactive switch missing from `zypper` command: `zypper install -y`";

impl Rule for ZypperMissingNonInteractive {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(zypper) = tool_command(command).filter(|t| {
            t.tool == Tool::Zypper && (t.is(ZYPPER_INSTALLING) || t.is(&["remove", "rm"]))
        }) else {
            return;
        };
        let is_switch = |v: &str| {
            SWITCHES.contains(&v)
                || v.strip_prefix('-')
                    .is_some_and(|c| !c.starts_with('-') && c.contains(['n', 'y']))
        };
        if zypper.has_option(SWITCHES)
            || option_may_be_hidden(checker.model, run, &zypper, is_switch)
            || input_is_provided(command)
        {
            return;
        }
        report_missing_switch(checker, command, MESSAGE, zypper.name, "-n", true);
    }
}
