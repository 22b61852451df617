use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::commands::removes_path;
use crate::rules::helpers::mounts::has_cache_mount;
use plimsoll_parser::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apk add` without `--no-cache`.
    ///
    /// ## Why
    /// Without `--no-cache`, apk keeps the package index and downloaded packages in
    /// `/var/cache/apk`, and they stay in the layer: several megabytes on every image built
    /// on Alpine, for files nothing at runtime reads. `--no-cache` also fetches a fresh
    /// index, so `apk update` is no longer needed.
    ///
    /// The rule stays silent when the RUN has a cache mount on `/var/cache/apk` (the cache
    /// is then outside the layer) or removes `/var/cache/apk` itself.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM alpine:3.20
    /// RUN apk add ca-certificates tzdata
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// RUN apk add --no-cache ca-certificates tzdata
    /// ```
    ///
    /// ## Fix
    /// Adds `--no-cache` after `add` (safe: only the cache directory changes).
    pub struct ApkAddWithoutNoCache {
        code: "DL3019",
        name: "apk-add-without-no-cache",
        category: Size,
        severity: Info,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Command(&["apk"])],
    }
}

impl Rule for ApkAddWithoutNoCache {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let apk = command.unwrapped();
        let Some(add) = apk.args.iter().find(|w| !w.is_flag()) else {
            return;
        };
        if add.as_str() != Some("add") || apk.has_flag("--no-cache") {
            return;
        }
        let instruction = checker.model.instruction(run.instruction);
        if has_cache_mount(instruction, "/var/cache/apk")
            || removes_path(&run.script, "/var/cache/apk")
        {
            return;
        }
        let range = command.range;
        checker
            .report(
                range,
                "`apk add` without `--no-cache` leaves the package cache in the layer",
            )
            .set_fix(Fix::safe(
                "Add `--no-cache` to `apk add`",
                vec![Edit::insert(add.range.end, " --no-cache")],
            ));
    }
}
