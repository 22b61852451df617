use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{apt_pinned, check_pins, tool_command, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (and `apt install`) of a package without a version:
    /// `curl` instead of `curl=7.88.1-10+deb12u8`.
    ///
    /// A package counts as pinned when it names a version (`curl=7.88.1-10+deb12u8`, also
    /// with a wildcard, `curl=7.88.*`), a release (`curl/bookworm-backports`), or is a
    /// `.deb` file. A simulation (`apt-get install -s`) installs nothing and is not checked.
    /// The values of options (`-t bookworm-backports`,
    /// `-o Dpkg::Options::=--force-confold`) are not packages. A package written with a
    /// variable is judged by the value an ARG or ENV gives it; one whose value the
    /// Dockerfile does not give (`curl=${CURL_VERSION}` with a bare `ARG CURL_VERSION`,
    /// `$(cat packages.txt)`) is never reported.
    ///
    /// ## Why
    /// Without a version, `apt-get install` takes whatever the repository holds on the day
    /// of the build: the same Dockerfile built later gives other versions, with other bugs,
    /// and a build that worked can break. A pinned version fails loudly when it is no longer
    /// available instead of silently changing the image. Unlike hadolint, the rule reads
    /// packages from ARG and ENV values, also checks `apt install`, and does not take option
    /// values for packages.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// ARG CURL_VERSION=7.88.1-10+deb12u8
    /// RUN apt-get update && apt-get install -y --no-install-recommends "curl=${CURL_VERSION}"
    /// ```
    ///
    /// ## Fix
    /// None: which version to pin is the author's choice (`apt-cache policy <package>` lists
    /// the candidates).
    pub struct AptGetInstallUnpinned {
        code: "DL3008",
        name: "apt-get-install-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["apt-get", "apt"])],
    }
}

const MESSAGE: &str = "Pin versions in apt get install. Instead of `apt-get install <package>` \
                       use `apt-get install <package>=<version>`";

impl Rule for AptGetInstallUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(apt) = tool_command(command)
            .filter(|t| matches!(t.tool, Tool::AptGet | Tool::Apt) && t.is(&["install"]))
            .filter(|t| !t.apt_simulates())
        else {
            return;
        };
        check_pins(checker, run, &apt.operands(), apt_pinned, MESSAGE);
    }
}
