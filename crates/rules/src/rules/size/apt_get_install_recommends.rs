use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{
    configured_in_image, option_may_be_hidden, report_missing_switch, tool_command, Tool,
};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (or `apt install`) of packages without
    /// `--no-install-recommends`.
    ///
    /// The rule stays silent when recommended packages are turned off another way:
    /// `-o APT::Install-Recommends=false` (or `0`, `no`), or an `Install-Recommends`
    /// setting that a RUN of the stage writes (or a COPY puts in `/etc/apt/apt.conf.d/`)
    /// before the command; and when an option is hidden in a variable whose value is not
    /// known. A simulation (`apt-get install -s`) is not checked, nor `apt-get install`
    /// without packages, which installs nothing, except with `-f` (`--fix-broken`): that
    /// installs what broken packages need (after `dpkg -i app.deb`), and what those
    /// recommend.
    ///
    /// ## Why
    /// By default apt-get also installs the packages that the requested ones recommend:
    /// documentation, optional tools, sometimes a whole desktop stack. They make the image
    /// bigger, slower to pull and larger to scan, and nothing in the container uses them.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Adds `--no-install-recommends` after `install`. The fix is unsafe: a program may rely
    /// on a package that was only recommended, and must then be installed explicitly.
    pub struct AptGetInstallRecommends {
        code: "DL3015",
        name: "apt-get-install-recommends",
        category: Size,
        severity: Info,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["apt-get", "apt"])],
    }
}

const MESSAGE: &str = "Avoid additional packages by specifying `--no-install-recommends`";

/// Whether an option turns recommended packages off.
fn no_recommends(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower == "--no-install-recommends"
        || lower
            .split_once("install-recommends=")
            .is_some_and(|(_, v)| {
                matches!(v.trim_matches(['"', '\'']), "false" | "0" | "no" | "off")
            })
}

impl Rule for AptGetInstallRecommends {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(apt) = tool_command(command)
            .filter(|t| matches!(t.tool, Tool::AptGet | Tool::Apt) && t.is(&["install"]))
        else {
            return;
        };
        let Some(install) = apt.subcommand() else {
            return;
        };
        let turned_off = apt
            .args
            .iter()
            .filter_map(|w| w.as_str())
            .any(no_recommends)
            || option_may_be_hidden(checker.model, run, &apt, no_recommends)
            || configured_in_image(checker, run, "install-recommends", &["/etc/apt/apt.conf"]);
        // Without packages, only `-f` installs something: what the broken packages need
        // (after `dpkg -i app.deb`), with the packages those recommend.
        let installs = !apt.operands().is_empty() || apt.has_option(&["-f", "--fix-broken"]);
        if turned_off || apt.apt_simulates() || !installs {
            return;
        }
        report_missing_switch(
            checker,
            command,
            MESSAGE,
            install,
            "--no-install-recommends",
            false,
        );
    }
}
