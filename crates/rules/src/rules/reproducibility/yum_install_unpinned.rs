use crate::checker::Checker;
use crate::declare_rule;
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{check_rpm_pins, Tool};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `yum install` of a package without a version: `httpd` instead of
    /// `httpd-2.4.6-99.el7`, and `yum module install` of a module without a stream
    /// (`nodejs` instead of `nodejs:18`).
    ///
    /// A package counts as pinned when a version (and possibly a release) follows its name:
    /// `name-version` or `name-version-release`, where the version and the release start
    /// with a digit (`tomcat-9.0.1`, `openssl-1:1.1.1k`, `gcc-c++-4.8.5-44.el7`). `.rpm`
    /// files, paths, URLs, groups (`@development`), globs and capabilities (`perl(Foo)`) are
    /// not checked, nor are the values of options (`--enablerepo epel`). A package written
    /// with a variable is judged by the value an ARG or ENV gives it; one whose value the
    /// Dockerfile does not give (`git-${GIT_VERSION}` with a bare `ARG GIT_VERSION`) is never
    /// reported.
    ///
    /// ## Why
    /// Without a version, `yum install` takes whatever the repositories hold on the day of
    /// the build: the same Dockerfile built later gives other versions. Unlike hadolint,
    /// which takes any `-` for a version, the rule knows that `epel-release`,
    /// `python3-devel` or `java-11-openjdk` are names without a version, and reads packages
    /// from ARG and ENV values.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6-99.el7.centos.1 && yum clean all
    /// ```
    ///
    /// ## Fix
    /// None: which version to pin is the author's choice (`yum list --showduplicates
    /// <package>` lists the candidates).
    pub struct YumInstallUnpinned {
        code: "DL3033",
        name: "yum-install-unpinned",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Command(&["yum"])],
    }
}

const MESSAGE: &str = "Specify version with `yum install -y <package>-<version>`";

impl Rule for YumInstallUnpinned {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        check_rpm_pins(checker, run, command, &[Tool::Yum], MESSAGE);
    }
}
