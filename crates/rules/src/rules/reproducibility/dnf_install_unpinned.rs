use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{check_rpm_pins, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` (also `dnf5` and `microdnf`) of a package without a version:
    /// `tomcat` instead of `tomcat-9.0.87`, and `dnf module install` of a module without a
    /// stream (`nodejs` instead of `nodejs:20`).
    ///
    /// A package counts as pinned when a version (and possibly a release) follows its name:
    /// `name-version` or `name-version-release`, where the version and the release start
    /// with a digit (`tomcat-9.0.87`, `openssl-1:3.0.7`, `gcc-c++-11.4.1-3.el9`). `.rpm`
    /// files, paths, URLs, groups (`@development`), globs and capabilities (`perl(Foo)`) are
    /// not checked, nor are the values of options (`--setopt install_weak_deps=0`). A
    /// package written with a variable is judged by the value an ARG or ENV gives it; one
    /// whose value the Dockerfile does not give (`git-core-${GIT_VERSION}` with a bare
    /// `ARG GIT_VERSION`) is never reported.
    ///
    /// ## Why
    /// Without a version, `dnf install` takes whatever the repositories hold on the day of
    /// the build: the same Dockerfile built later gives other versions. Unlike hadolint,
    /// the rule knows that in `java-17-openjdk` the `17` is part of the name, and reads
    /// packages from ARG and ENV values.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM fedora:41
    /// RUN dnf install -y tomcat && dnf clean all
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM fedora:41
    /// RUN dnf install -y tomcat-10.1.31 && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// None: which version to pin is the author's choice (`dnf list --showduplicates
    /// <package>` lists the candidates).
    pub struct DnfInstallUnpinned {
        code: "DL3041",
        name: "dnf-install-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["dnf", "dnf5", "microdnf"])],
    }
}

const MESSAGE: &str = "Specify version with `dnf install -y <package>-<version>`";

impl Rule for DnfInstallUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        check_rpm_pins(checker, run, command, &[Tool::Dnf, Tool::Microdnf], MESSAGE);
    }
}
