use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{check_pins, pip_pinned, tool_command, Tool};
use plimsoll_parser::expand::Env;
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `pip3.12`, `python -m pip install`) of a package
    /// without a version specifier: `flask` instead of `flask==3.0.3`.
    ///
    /// A package counts as pinned with any version specifier (`==`, `~=`, `>=`, `<`, `!=`,
    /// `===`), and a VCS URL with a reference (`git+https://…/repo.git@v1.2`). Requirement
    /// files and constraints pin the packages themselves: a command with `-r`/`--requirement`
    /// or `-c`/`--constraint` (or with `PIP_CONSTRAINT` set) is not checked. Paths (`.`,
    /// `./pkg`, `/src`), URLs and local archives (`.whl`, `.tar.gz`) are not packages, nor
    /// are the values of options (`--index-url URL`, `-e PATH`, `--target DIR`). A package
    /// written with a variable is judged by the value an ARG or ENV gives it; one whose
    /// value the Dockerfile does not give is never reported.
    ///
    /// ## Why
    /// Without a version, pip installs the latest release on the day of the build: the same
    /// Dockerfile built later gives other versions, and a new release can break the build
    /// or the application. Unlike hadolint, the rule reads packages from ARG and ENV values,
    /// and still checks the other packages of a command that installs `.`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM python:3.13-slim
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM python:3.13-slim
    /// RUN pip install --no-cache-dir flask==3.0.3 "gunicorn>=22,<23"
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// None: pin the versions the application was tested with, or install from a
    /// requirements file.
    pub struct PipInstallUnpinned {
        code: "DL3013",
        name: "pip-install-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["*"])],
    }
}

const MESSAGE: &str = "Pin versions in pip. Instead of `pip install <package>` use `pip install \
                       <package>==<version>` or `pip install --requirement <requirements file>`";

impl Rule for PipInstallUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let Some(pip) = tool_command(command).filter(|t| t.tool == Tool::Pip && t.is(&["install"]))
        else {
            return;
        };
        let constrained = pip.has_option(&["-r", "--requirement", "-c", "--constraint"])
            || checker
                .model
                .variables_at(run.instruction)
                .get("PIP_CONSTRAINT")
                .is_some_and(|v| !v.is_empty());
        if constrained {
            return;
        }
        check_pins(checker, run, &pip.operands(), pip_pinned, MESSAGE);
    }
}
