use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{
    check_cleanup, removes_dir, tool_command, Cleanup, Tool, ZYPPER_INSTALLING,
};
use plimsoll_parser::shell::Command;
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs or updates packages with `zypper` without `zypper clean`
    /// later in the same RUN.
    ///
    /// The cache counts as cleaned by `zypper clean` (or `zypper cc`) with any options, and
    /// by `rm` of `/var/cache/zypp` (its content, a part of it, or a parent directory). The
    /// rule stays silent when the RUN has a cache or tmpfs mount there, and, like the other
    /// clean-up rules, only looks at the stages that end up in the image: the last stage and
    /// the stages it is built on.
    ///
    /// ## Why
    /// zypper keeps the repository metadata (and, for some repositories, the packages) in
    /// `/var/cache/zypp`: megabytes that nothing in the running container reads. A layer is
    /// fixed when its RUN ends, so the cache must be removed in the RUN that filled it.
    /// Unlike hadolint, the rule also checks updates and patches, and ignores build stages
    /// whose files are only copied from.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl=8.6.0
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl=8.6.0 && zypper clean --all
    /// ```
    ///
    /// ## Fix
    /// Appends `&& zypper clean --all` to the end of the `&&` chain that runs zypper, in the
    /// style of the RUN (on a new continuation line for a RUN written over several lines).
    /// The fix is unsafe: it changes what the chain does when a later command of the RUN
    /// still needs the cached metadata. It is offered for shell-form RUN without
    /// here-documents whose chain is not run in the background and does not end with `exit`
    /// or `exec`.
    pub struct ZypperCacheNotCleaned {
        code: "DL3036",
        name: "zypper-cache-not-cleaned",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Run])],
    }
}

const CACHE: &str = "/var/cache/zypp";

fn fills(command: &Command) -> Option<&str> {
    let zypper =
        tool_command(command).filter(|t| t.tool == Tool::Zypper && t.is(ZYPPER_INSTALLING))?;
    zypper.invocation.program()
}

fn cleans(command: &Command) -> bool {
    tool_command(command).is_some_and(|t| t.tool == Tool::Zypper && t.is(&["clean", "cc"]))
}

const CLEANUP: Cleanup = Cleanup {
    fills,
    cleans,
    removes: |path| removes_dir(path, CACHE),
    mounted: |target| removes_dir(target, CACHE),
    message: |_| "`zypper clean` missing after zypper use".to_string(),
    clean: |_| "zypper clean --all".to_string(),
};

impl Rule for ZypperCacheNotCleaned {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        check_cleanup(checker, instruction, &CLEANUP);
    }
}
