use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{check_pins, npm_pinned, tool_command, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `npm install` (and its aliases `npm i`, `npm add`) of a package without a
    /// version: `express` instead of `express@4.21.1`.
    ///
    /// A package counts as pinned with a version, a range or a tag after `@`
    /// (`express@4.21.1`, `@scope/pkg@^2`), except `@latest`, and a git URL or GitHub
    /// repository with a `#ref` (`git+https://github.com/user/repo.git#v1.2`). `npm install`
    /// without packages installs what `package.json` and the lock file say and is not
    /// reported. Paths (`.`, `./pkg`, `/src`, `file:…`), tarballs (`.tgz`) and URLs are not
    /// packages, nor are the values of options (`--registry URL`). A package written with a
    /// variable is judged by the value an ARG or ENV gives it; one whose value the
    /// Dockerfile does not give is never reported.
    ///
    /// ## Why
    /// Without a version, npm installs the latest release on the day of the build: the same
    /// Dockerfile built later gives another version, and a new major release can break the
    /// build or the application. Unlike hadolint, the rule reports `@latest`, which names
    /// the tag every new release moves, and reads packages from ARG and ENV values.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// RUN npm install -g pnpm
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// RUN npm install -g pnpm@9.12.2
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix
    /// None: pin the version the application was tested with.
    pub struct NpmInstallUnpinned {
        code: "DL3016",
        name: "npm-install-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["npm"])],
    }
}

const MESSAGE: &str = "Pin versions in npm. Instead of `npm install <package>` use `npm install \
                       <package>@<version>`";

/// `npm install` and the aliases npm accepts for it.
const INSTALL: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];

impl Rule for NpmInstallUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(npm) = tool_command(command).filter(|t| t.tool == Tool::Npm && t.is(INSTALL))
        else {
            return;
        };
        check_pins(checker, run, &npm.operands(), npm_pinned, MESSAGE);
    }
}
