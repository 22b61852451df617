use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{apk_pinned, check_pins, tool_command, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apk add` of a package without a version: `curl` instead of
    /// `curl=8.11.1-r0`.
    ///
    /// A package counts as pinned with a version constraint (`curl=8.11.1-r0`,
    /// `curl~8.11`, `curl>8`, `curl<9`), and an `.apk` file is not checked. The name of a
    /// virtual package (`--virtual .build-deps`, `-t`) and the values of other options
    /// (`-X URL`, `--repository URL`) are not packages. A package written with a variable is
    /// judged by the value an ARG or ENV gives it; one whose value the Dockerfile does not
    /// give is never reported.
    ///
    /// ## Why
    /// Without a version, `apk add` takes whatever the repository holds on the day of the
    /// build: the same Dockerfile built later gives other versions. A pinned version fails
    /// loudly when Alpine removes it, instead of silently changing the image. Unlike
    /// hadolint, the rule reads packages from ARG and ENV values and knows `<` and `>`
    /// constraints.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.21
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.21
    /// RUN apk add --no-cache curl=8.11.1-r0
    /// ```
    ///
    /// ## Fix
    /// None: which version to pin is the author's choice (`apk policy <package>` lists the
    /// candidates).
    pub struct ApkAddUnpinned {
        code: "DL3018",
        name: "apk-add-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["apk"])],
    }
}

const MESSAGE: &str =
    "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`";

impl Rule for ApkAddUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(apk) = tool_command(command).filter(|t| t.tool == Tool::Apk && t.is(&["add"]))
        else {
            return;
        };
        check_pins(checker, run, &apk.operands(), apk_pinned, MESSAGE);
    }
}
