use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{check_pins, tool_command, zypper_pinned, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `zypper install` (or `zypper in`) of a package without a version: `curl`
    /// instead of `curl=8.6.0`.
    ///
    /// A package counts as pinned with a version constraint (`curl=8.6.0`, `curl>=8`,
    /// `curl<9`). `.rpm` files, paths and URLs are not checked, nor are the values of
    /// options (`--from REPO`), nor a command installing patterns or products
    /// (`-t pattern`). A package written with a variable is judged by the value an ARG or
    /// ENV gives it; one whose value the Dockerfile does not give is never reported.
    ///
    /// ## Why
    /// Without a version, `zypper install` takes whatever the repositories hold on the day
    /// of the build: the same Dockerfile built later gives other versions.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y curl && zypper clean --all
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y curl=8.6.0 && zypper clean --all
    /// ```
    ///
    /// ## Fix
    /// None: which version to pin is the author's choice (`zypper search -s <package>`
    /// lists the candidates).
    pub struct ZypperInstallUnpinned {
        code: "DL3037",
        name: "zypper-install-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["zypper"])],
    }
}

const MESSAGE: &str = "Specify version with `zypper install -y <package>=<version>`";

impl Rule for ZypperInstallUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(zypper) = tool_command(command)
            .filter(|t| t.tool == Tool::Zypper && t.is(&["install", "in"]))
            .filter(|t| !t.has_option(&["-t", "--type"]))
        else {
            return;
        };
        check_pins(checker, run, &zypper.operands(), zypper_pinned, MESSAGE);
    }
}
