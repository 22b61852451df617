use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::packages::{insert_after, tool_command, Tool, ToolCommand};
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apt`, the interactive front end of APT, run in a RUN.
    ///
    /// ## Why
    /// `apt` is meant for people at a terminal: its output and options may change between
    /// releases (it warns "apt does not have a stable CLI interface" when its output is not a
    /// terminal), and its progress display clutters build logs. `apt-get` and `apt-cache`
    /// offer the same operations with a stable interface for scripts.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// RUN apt update && apt install -y --no-install-recommends curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Replaces `apt` with the equivalent command:
    /// - safe for the subcommands that behave the same in `apt-get`: `update`, `remove`,
    ///   `purge`, `autoremove`, `clean`, `autoclean`, `changelog`;
    /// - unsafe for those that download packages (`install`, `reinstall`, `build-dep`,
    ///   `source`, `download`, `satisfy`, `dist-upgrade`, and `upgrade`, which becomes
    ///   `apt-get upgrade --with-new-pkgs`, and `full-upgrade`, which becomes
    ///   `apt-get dist-upgrade`): `apt` deletes the downloaded `.deb` files after installing
    ///   them, `apt-get` keeps them in `/var/cache/apt/archives` unless the image configures
    ///   otherwise (as the official Debian and Ubuntu images do);
    /// - unsafe for `search`, `show`, `policy`, `depends`, `rdepends` and `showsrc`, which
    ///   become `apt-cache …`, whose output differs slightly.
    ///
    /// `apt list` and `apt edit-sources` have no equivalent and get no fix.
    pub struct AptInsteadOfAptGet {
        code: "DL3027",
        name: "apt-instead-of-apt-get",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["apt"])],
    }
}

const MESSAGE: &str =
    "Do not use apt as it is meant to be a end-user tool, use apt-get or apt-cache instead";

/// Subcommands that `apt-get` runs the same way.
const SAME: &[&str] = &[
    "update",
    "remove",
    "purge",
    "autoremove",
    "clean",
    "autoclean",
    "changelog",
];

/// Subcommands that `apt-get` runs the same way but keeping the downloaded packages.
const DOWNLOADING: &[&str] = &[
    "install",
    "reinstall",
    "build-dep",
    "source",
    "download",
    "satisfy",
    "dist-upgrade",
];

/// Subcommands of `apt-cache`.
const CACHE: &[&str] = &["search", "show", "policy", "depends", "rdepends", "showsrc"];

impl Rule for AptInsteadOfAptGet {
    fn command(&self, checker: &mut Checker<'_>, _run: &RunScript, command: &Command) {
        let Some(apt) = tool_command(command).filter(|t| t.tool == Tool::Apt) else {
            return;
        };
        let name = apt.name;
        let fix = fix(checker, &apt);
        let diagnostic = checker.report(name.range, MESSAGE);
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

/// The fix described in the documentation.
fn fix(checker: &Checker<'_>, apt: &ToolCommand<'_>) -> Option<Fix> {
    let name = apt.name;
    let sub = apt.subcommand()?;
    let value = sub.as_str()?;
    // The name is edited in place: `apt` and `/usr/bin/apt` as written.
    if checker.text(name.range) != name.text || !name.text.ends_with("apt") {
        return None;
    }
    let with_suffix = |suffix: &str| Edit::insert(name.range.end, suffix);
    let (applicability, edits) = if SAME.contains(&value) {
        (Applicability::Safe, vec![with_suffix("-get")])
    } else if DOWNLOADING.contains(&value) {
        (Applicability::Unsafe, vec![with_suffix("-get")])
    } else if value == "upgrade" {
        let flag = insert_after(checker, sub, "--with-new-pkgs")?;
        (Applicability::Unsafe, vec![with_suffix("-get"), flag])
    } else if value == "full-upgrade" {
        if checker.text(sub.range) != sub.text {
            return None;
        }
        let dist = Edit::replace(sub.range, "dist-upgrade");
        (Applicability::Unsafe, vec![with_suffix("-get"), dist])
    } else if CACHE.contains(&value) {
        (Applicability::Unsafe, vec![with_suffix("-cache")])
    } else {
        return None;
    };
    let title = match value {
        "upgrade" => "Replace `apt upgrade` with `apt-get upgrade --with-new-pkgs`".to_string(),
        "full-upgrade" => "Replace `apt full-upgrade` with `apt-get dist-upgrade`".to_string(),
        _ if CACHE.contains(&value) => "Replace `apt` with `apt-cache`".to_string(),
        _ => "Replace `apt` with `apt-get`".to_string(),
    };
    Some(Fix::new(title, applicability, edits))
}
