use crate::checker::Checker;
use crate::declare_rule;
use crate::model::{BaseImage, RunScript};
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{tool_command, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `zypper dist-upgrade` (or `zypper dup`) in a `RUN`.
    ///
    /// ## Why
    /// `zypper dist-upgrade` moves every package to whatever the repositories hold on the
    /// day of the build, even to another release of the distribution, and may change
    /// vendors or remove packages to get there: the same Dockerfile gives a different
    /// system each time, and the image no longer is the base image it names. Choose a newer
    /// base image tag instead, and install or update only the packages the image needs.
    ///
    /// Unlike hadolint, the rule stays silent on openSUSE Tumbleweed base images
    /// (`opensuse/tumbleweed`): Tumbleweed is a rolling release, and `zypper dup` is the
    /// way its documentation gives to update it.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n dist-upgrade && zypper -n install curl && zypper clean --all
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl && zypper clean --all
    /// ```
    ///
    /// ## Fix
    /// None: removing the upgrade changes which package versions the image holds.
    pub struct ZypperDistUpgrade {
        code: "DL3035",
        name: "zypper-dist-upgrade",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["zypper"])],
    }
}

impl Rule for ZypperDistUpgrade {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(zypper) = tool_command(command)
            .filter(|t| t.tool == Tool::Zypper && t.is(&["dist-upgrade", "dup"]))
        else {
            return;
        };
        if runs_on_tumbleweed(checker, run) {
            return;
        }
        let subject = match zypper.sub() {
            Some("dup") => "`zypper dup`",
            _ => "it",
        };
        checker.report(
            command.range,
            format!(
                "Do not use `zypper dist-upgrade`: {subject} upgrades the image to whatever \
                 the repositories hold on the day of the build"
            ),
        );
    }
}

/// Whether the RUN's stage is built on openSUSE Tumbleweed, the rolling release whose
/// documented update command is `zypper dup`.
fn runs_on_tumbleweed(checker: &Checker<'_>, run: &RunScript) -> bool {
    let model = checker.model;
    let Some(stage) = model.stages.get(run.stage) else {
        return false;
    };
    match stage.root_base(model) {
        BaseImage::Image(image) => image.repository.to_ascii_lowercase().contains("tumbleweed"),
        _ => false,
    }
}
