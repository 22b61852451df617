use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{check_cleanup, tool_command, Cleanup, Tool};
use plimsoll_parser::shell::Command;
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs packages with yarn — `yarn install`, `yarn` alone (which
    /// installs), `yarn add`, `yarn global add` — without `yarn cache clean` later in the
    /// same RUN.
    ///
    /// The cache counts as cleaned by `yarn cache clean`, and by `rm` of a path naming a
    /// yarn cache (`/usr/local/share/.cache/yarn`, `~/.cache/yarn`, `.yarn/cache`,
    /// `$(yarn cache dir)`), of `~/.yarn` or of a `.cache` directory. The rule stays silent
    /// when the RUN has a cache or tmpfs mount on a yarn cache or a `.cache` directory, and,
    /// like the other clean-up rules, only looks at the stages that end up in the image: the
    /// last stage and the stages it is built on.
    ///
    /// ## Why
    /// yarn keeps a copy of every package it downloads in its cache, besides the copy in
    /// `node_modules`: often as big as `node_modules` itself, and never read again in the
    /// image. A layer is fixed when its RUN ends, so the cache must be removed in the RUN
    /// that filled it. Unlike hadolint, the rule also checks `yarn` run alone and
    /// `yarn add`, which fill the cache the same way.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install
    /// ```
    ///
    /// ## Fix
    /// Appends `&& yarn cache clean` to the end of the `&&` chain that runs yarn, in the
    /// style of the RUN (on a new continuation line for a RUN written over several lines).
    /// The fix is unsafe: a later command of the RUN may still install packages from the
    /// cache, offline. It is offered for shell-form RUN without here-documents whose chain
    /// is not run in the background and does not end with `exit` or `exec`.
    pub struct YarnCacheNotCleaned {
        code: "DL3060",
        name: "yarn-cache-not-cleaned",
        category: Size,
        severity: Info,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Run])],
    }
}

/// The command as the message names it, when `command` fills yarn's cache.
fn fills(command: &Command) -> Option<&str> {
    let yarn = tool_command(command).filter(|t| t.tool == Tool::Yarn)?;
    match yarn.sub() {
        Some("install") => Some("yarn install"),
        Some("add") => Some("yarn add"),
        Some("global") if yarn.action() == Some("add") => Some("yarn global add"),
        Some(_) => None,
        // `yarn` alone installs, unless it only prints its version or help.
        None => (!yarn.has_option(&["-v", "--version", "-h", "--help"])).then_some("yarn"),
    }
}

fn cleans(command: &Command) -> bool {
    tool_command(command)
        .is_some_and(|t| t.tool == Tool::Yarn && t.is(&["cache"]) && t.action() == Some("clean"))
}

/// A path that is, or holds, a yarn cache.
fn is_cache(path: &str) -> bool {
    let path = path.trim_end_matches(['*', '/']).to_ascii_lowercase();
    (path.contains("yarn") && path.contains("cache"))
        || path.ends_with(".cache")
        || path.ends_with("/.yarn")
        || path == ".yarn"
        || path == "~/.yarn"
}

const CLEANUP: Cleanup = Cleanup {
    fills,
    cleans,
    removes: is_cache,
    mounted: is_cache,
    message: |what| format!("`yarn cache clean` missing after `{what}` was run"),
    clean: |_| "yarn cache clean".to_string(),
};

impl Rule for YarnCacheNotCleaned {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        check_cleanup(checker, instruction, &CLEANUP);
    }
}
