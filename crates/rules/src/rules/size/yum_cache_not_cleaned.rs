use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{
    check_cleanup, rpm_cleanup, rpm_fills_cache, tool_command, Tool,
};
use plimsoll_parser::shell::Command;
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs or updates packages with `yum` without `yum clean all`
    /// later in the same RUN.
    ///
    /// The cache counts as cleaned by `yum clean` (or `dnf clean`, `microdnf clean`) with
    /// any target, and by `rm` of `/var/cache/yum` or `/var/cache/dnf` (their content, a part
    /// of them, or a parent directory). The rule stays silent when the RUN has a cache or
    /// tmpfs mount there, and, like the other clean-up rules, only looks at the stages that
    /// end up in the image: the last stage and the stages it is built on.
    ///
    /// ## Why
    /// yum keeps the repository metadata it downloads (and, depending on the configuration,
    /// the packages) in `/var/cache/yum`: tens of megabytes that nothing in the running
    /// container reads. A layer is fixed when its RUN ends, so the cache must be removed in
    /// the RUN that filled it. Unlike hadolint, the rule also checks updates and the other
    /// subcommands that download, and ignores build stages whose files are only copied from.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// RUN --mount=type=cache,target=/var/cache/yum yum install -y git-1.8.3.1
    /// ```
    ///
    /// ## Fix
    /// Appends `&& yum clean all` to the end of the `&&` chain that runs yum, in the style of
    /// the RUN (on a new continuation line for a RUN written over several lines). The fix is
    /// unsafe: it changes what the chain does when a later command of the RUN still needs
    /// the cached metadata. It is offered for shell-form RUN without here-documents whose
    /// chain is not run in the background and does not end with `exit` or `exec`.
    pub struct YumCacheNotCleaned {
        code: "DL3032",
        name: "yum-cache-not-cleaned",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Run])],
    }
}

fn fills(command: &Command) -> Option<&str> {
    let yum = tool_command(command).filter(|t| t.tool == Tool::Yum && rpm_fills_cache(t))?;
    yum.invocation.program()
}

impl Rule for YumCacheNotCleaned {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        check_cleanup(checker, instruction, &rpm_cleanup(fills));
    }
}
