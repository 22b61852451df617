use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::shells::is_option_cluster;
use plimsoll_parser::shell::{Command, Word};

declare_rule! {
    /// ## What it does
    /// Reports `useradd` with a UID of 100000 or more (`-u`/`--uid`) and without
    /// `-l` (`--no-log-init`).
    ///
    /// ## Why
    /// `useradd` reserves the user's entries in `/var/log/lastlog` and `/var/log/faillog`,
    /// files indexed by UID. On disk they are sparse, but image layers do not keep holes: a
    /// UID of 1000000 adds hundreds of megabytes of zeros to the layer. `-l` skips those
    /// files.
    ///
    /// A UID written as a variable is read from the `ARG` and `ENV` values in effect; one
    /// without a known value is not reported.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:bookworm
    /// RUN useradd -u 1000000 app
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:bookworm
    /// RUN useradd -l -u 1000000 app
    /// ```
    ///
    /// ## Fix
    /// Adds `-l` after `useradd` (safe: only the log files are skipped).
    pub struct UseraddHighUidWithoutL {
        code: "DL3046",
        name: "useradd-high-uid-without-l",
        category: Size,
        severity: Warning,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Command(&["useradd"])],
    }
}

/// The smallest UID hadolint reports (six digits).
const HIGH_UID: u64 = 100_000;

impl Rule for UseraddHighUidWithoutL {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let useradd = command.unwrapped();
        let Some(name) = useradd.name else {
            return;
        };
        if useradd.has_flag("-l") || useradd.has_flag("--no-log-init") {
            return;
        }
        let Some((written, uid)) = uid(checker, run, useradd.args) else {
            return;
        };
        if uid < HIGH_UID {
            return;
        }
        let shown = if written.contains('$') {
            format!("`{written}` ({uid})")
        } else {
            uid.to_string()
        };
        checker
            .report(
                command.range,
                format!(
                    "`useradd` without flag `-l` and high UID will result in excessively large \
                     Image: UID {shown} makes `/var/log/lastlog` and `/var/log/faillog` \
                     that large"
                ),
            )
            .set_fix(Fix::safe(
                "Add `-l` to `useradd`",
                vec![Edit::insert(name.range.end, " -l")],
            ));
    }
}

/// The UID given with `-u`/`--uid` (a value glued to `-u`, as in `-u1000`, is read too), as
/// written and with variables expanded from the ARG and ENV values in effect.
fn uid<'a>(checker: &Checker<'_>, run: &RunScript, args: &'a [Word]) -> Option<(&'a str, u64)> {
    let mut iter = args.iter();
    while let Some(word) = iter.next() {
        let text = word.as_str().unwrap_or(&word.text);
        if text == "--" {
            return None;
        }
        let cluster_ends_in_u = is_option_cluster(text) && text.ends_with('u');
        let written = if cluster_ends_in_u || text == "--uid" {
            iter.next()?.text.as_str()
        } else if let Some(value) = text.strip_prefix("--uid=") {
            value
        } else if let Some(value) = text
            .strip_prefix("-u")
            .filter(|v| v.starts_with(|c: char| c.is_ascii_digit() || c == '$'))
        {
            value
        } else {
            continue;
        };
        let value = checker
            .model
            .expand_at(run.instruction, written.trim_matches(['"', '\'']))?;
        return value.trim().parse::<u64>().ok().map(|uid| (written, uid));
    }
    None
}
