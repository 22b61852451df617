use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{check_pins, gem_pinned, tool_command, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `gem install` (or `gem i`) of a gem without a version: `bundler` instead of
    /// `bundler:2.5.22`.
    ///
    /// A gem counts as pinned when it names a version (`bundler:2.5.22`), and a command with
    /// `-v`/`--version` pins its gems. A `.gem` file is not checked, nor are the values of
    /// options (`--install-dir DIR`) and the build options after `--`. A gem written with a
    /// variable is judged by the value an ARG or ENV gives it; one whose value the
    /// Dockerfile does not give is never reported. Unlike hadolint, a gem after an option
    /// that takes no value (`gem install --no-document fpm`) is checked.
    ///
    /// ## Why
    /// Without a version, `gem install` takes the latest release on the day of the build:
    /// the same Dockerfile built later gives another version, and a new release can break
    /// the build or the application.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM ruby:3.3-slim
    /// RUN gem install bundler
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM ruby:3.3-slim
    /// RUN gem install bundler:2.5.22
    /// RUN gem install rails -v 7.2.1
    /// ```
    ///
    /// ## Fix
    /// None: pin the version the application was tested with.
    pub struct GemInstallUnpinned {
        code: "DL3028",
        name: "gem-install-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["gem"])],
    }
}

const MESSAGE: &str =
    "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`";

impl Rule for GemInstallUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(gem) = tool_command(command)
            .filter(|t| t.tool == Tool::Gem && t.is(&["install", "i"]))
            .filter(|t| !t.has_option(&["-v", "--version"]))
        else {
            return;
        };
        check_pins(checker, run, &gem.operands(), gem_pinned, MESSAGE);
    }
}
