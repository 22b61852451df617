use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{RunScript, SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::commands::subcommand;
use crate::rules::helpers::mounts::kept_out_targets;
use crate::rules::helpers::run_edits::{append_and, ends_script, is_editable_command_line};
use crate::rules::helpers::shells::inline_script;
use crate::rules::helpers::stages::{builds_on, ends_up_in_image, run_and_stage};
use plimsoll_parser::shell::{Command, Connector, ShellScript, Word};
use plimsoll_parser::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that runs `apt-get update` (or `apt update`) without removing the
    /// package lists, `/var/lib/apt/lists/*`, later in the same RUN.
    ///
    /// The lists count as removed by `rm` of `/var/lib/apt/lists`, of its content, or of a
    /// parent directory, by `find /var/lib/apt/lists … -delete`, or by `apt-get distclean`
    /// (or `dist-clean`). `apt-get clean` does not remove them: it only empties
    /// `/var/cache/apt/archives`; nor does, unlike for hadolint, an `rm -rf` of anything else
    /// (`rm -rf /tmp/build`).
    ///
    /// The rule stays silent when the RUN has a cache or tmpfs mount on
    /// `/var/lib/apt/lists` (or on `/var/lib/apt`): the lists are then not written to the
    /// layer. Like hadolint, it only looks at the stages that end up in the image: the last
    /// stage and the stages it is built on (`FROM stage`). Lists left in a build stage whose
    /// files are only copied from do not make the image bigger; unlike hadolint, that holds
    /// also for a stage that such a build stage is built on. `RUN` registered with `ONBUILD`
    /// is not checked.
    ///
    /// ## Why
    /// `apt-get update` downloads the package indexes of every configured repository into
    /// `/var/lib/apt/lists`: tens of megabytes that nothing in the running container needs.
    /// A layer is fixed when its RUN ends, so deleting the lists in a later RUN does not
    /// make the image smaller: they must go in the RUN that downloaded them. A later build
    /// step that needs packages runs `apt-get update` again anyway, so the lists would be
    /// stale by then.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:12
    /// RUN apt-get update \
    ///     && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN --mount=type=cache,target=/var/lib/apt/lists \
    ///     apt-get update && apt-get install -y git
    /// ```
    ///
    /// ## Fix
    /// Appends `&& rm -rf /var/lib/apt/lists/*` to the end of the RUN's command line, in
    /// the style of the RUN: on the same line for a one-line RUN, and on a new continuation
    /// line (`\` then `&& rm …`, or `&& \` then `rm …`, as the RUN's other lines are
    /// written) for a RUN written over several lines. The fix is safe: the lists are only
    /// removed when every earlier command succeeded, and the RUN's result does not change
    /// otherwise. It is offered only when the command line is a well-formed shell script
    /// that does not end with `&` (a background job), `exit` or `exec` (the removal would
    /// never run), and not for exec-form RUN or RUN with here-documents.
    pub struct AptListsNotRemoved {
        code: "DL3009",
        name: "apt-lists-not-removed",
        category: Size,
        severity: Info,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Run])],
    }
}

const LISTS: &str = "/var/lib/apt/lists";
const REMOVE: &str = "rm -rf /var/lib/apt/lists/*";

impl Rule for AptListsNotRemoved {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        let Some((id, stage)) = run_and_stage(model, instruction) else {
            return;
        };
        if !ends_up_in_image(model, stage) || mounts_lists(instruction) {
            return;
        }
        let runs: Vec<&RunScript> = model.runs_of(id).collect();
        // The last update: the lists must be removed after it.
        let Some((run, update)) = runs
            .iter()
            .flat_map(|run| run.script.commands().map(move |c| (*run, c)))
            .filter(|(_, c)| is_apt_update(c))
            .max_by_key(|(_, c)| c.range.start)
        else {
            return;
        };
        let cleaned = runs
            .iter()
            .flat_map(|run| run.script.commands())
            .any(|c| c.range.start > update.range.start && removes_lists(c, 0));
        if cleaned {
            return;
        }
        let program = update.unwrapped().program().unwrap_or("apt-get");
        let message = format!(
            "`{program} update` leaves the package lists in the layer: remove \
             `/var/lib/apt/lists/*` in the same RUN"
        );
        let sudo = if update.program() == Some("sudo") {
            "sudo "
        } else {
            ""
        };
        let later_needs_lists = later_run_needs_lists(model, stage, id);
        let fix = removal_edit(checker, instruction, run, sudo)
            .filter(|_| !later_needs_lists)
            .map(|edit| {
                Fix::safe(
                    "Remove `/var/lib/apt/lists/*` at the end of the RUN",
                    vec![edit],
                )
            });
        let diagnostic = checker.report(update.range, message);
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

/// What a RUN does with the package lists first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListsUse {
    /// It downloads them (`apt-get update`) before any use.
    Updates,
    /// It reads them (`apt-get install`, `apt-cache`, …) before any update.
    Reads,
    /// Neither.
    None,
}

fn lists_use(model: &SemanticModel, id: usize) -> ListsUse {
    let mut scripts = model.runs_of(id).peekable();
    if scripts.peek().is_none() {
        // Exec form or a non-POSIX shell: any mention of apt may read the lists.
        let mentions_apt = model
            .instruction(id)
            .arg_values()
            .iter()
            .any(|v| v.contains("apt"));
        return if mentions_apt {
            ListsUse::Reads
        } else {
            ListsUse::None
        };
    }
    for command in scripts.flat_map(|r| r.script.commands()) {
        let apt = command.unwrapped();
        match apt.program() {
            Some("apt-get" | "apt" | "aptitude") => match apt_subcommand(apt.args) {
                Some("update") => return ListsUse::Updates,
                Some(
                    "install" | "upgrade" | "dist-upgrade" | "full-upgrade" | "build-dep"
                    | "source" | "download" | "reinstall" | "satisfy",
                ) => return ListsUse::Reads,
                _ => {}
            },
            Some("apt-cache") => return ListsUse::Reads,
            _ => {}
        }
    }
    ListsUse::None
}

/// Whether a later RUN of the stage, or of a stage built on it, reads the package lists
/// that this RUN downloaded (`RUN apt-get update` then `RUN apt-get install …`, with no
/// `apt-get update` in between): removing them would break it.
fn later_run_needs_lists(model: &SemanticModel, stage: &Stage, id: usize) -> bool {
    let later: Vec<(usize, &Stage, ListsUse)> = (id + 1..model.file.instructions.len())
        .filter(|&i| model.instruction(i).keyword == Keyword::Run)
        .filter_map(|i| {
            let s = model.stage_of(i)?;
            builds_on(model, s, stage).then(|| (i, s, lists_use(model, i)))
        })
        .collect();
    later.iter().any(|&(reader, reader_stage, use_)| {
        use_ == ListsUse::Reads
            && !later.iter().any(|&(updater, updater_stage, u)| {
                u == ListsUse::Updates
                    && updater < reader
                    && builds_on(model, reader_stage, updater_stage)
            })
    })
}

/// A cache or tmpfs mount on the lists or a parent directory.
fn mounts_lists(instruction: &Instruction) -> bool {
    kept_out_targets(instruction).any(|target| covers(&target, LISTS))
}

/// Whether removing or mounting `path` covers `dir`: it is `dir` or a parent of it.
fn covers(path: &str, dir: &str) -> bool {
    let path = path.trim_end_matches(['*', '/']);
    !path.is_empty()
        && (dir == path
            || dir
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('/')))
}

/// The subcommand of apt-get/apt: the first argument that is not an option or the value of
/// one.
fn apt_subcommand(args: &[Word]) -> Option<&str> {
    subcommand(args, |option| {
        matches!(
            option,
            "-o" | "-c" | "-t" | "-a" | "--option" | "--config-file" | "--target-release"
        )
    })
    .and_then(Word::as_str)
}

fn is_apt_update(command: &Command) -> bool {
    let apt = command.unwrapped();
    (apt.is("apt-get") || apt.is("apt")) && apt_subcommand(apt.args) == Some("update")
}

/// Helpers of common base images that install packages and then remove the lists:
/// `clean-install` (Kubernetes' debian-base), `install_packages` (Bitnami's minideb),
/// `install_clean` (phusion/baseimage).
const CLEANING_INSTALLERS: &[&str] = &["clean-install", "install_packages", "install_clean"];

fn removes_lists(command: &Command, depth: usize) -> bool {
    let invocation = command.unwrapped();
    match invocation.program() {
        Some("rm") => invocation.args.iter().any(|word| match word.as_str() {
            // `rm -rf /var/lib/apt/lists/*`, `rm /var/lib/apt/lists/*_*`, or a parent.
            Some(path) => {
                covers(path, LISTS)
                    || path
                        .strip_prefix(LISTS)
                        .is_some_and(|rest| rest.starts_with('/') && rest.contains('*'))
            }
            // `rm -rf $LISTS`: it could be the lists.
            None => is_lone_variable(&word.text),
        }),
        Some(program) if CLEANING_INSTALLERS.contains(&program) => true,
        // `bash -c "… && rm -rf /var/lib/apt/lists/*"`
        Some("sh" | "bash" | "dash" | "ash" | "zsh") if depth < 2 => inline_script(invocation.args)
            .is_some_and(|inner| {
                ShellScript::parse_text(&inner)
                    .commands()
                    .any(|c| removes_lists(c, depth + 1))
            }),
        Some("find") => {
            let start = invocation.args.first().and_then(Word::as_str);
            start.is_some_and(|p| covers(p, LISTS))
                && invocation
                    .args
                    .iter()
                    .any(|w| matches!(w.as_str(), Some("-delete" | "-exec" | "-execdir")))
        }
        Some("apt-get" | "apt") => {
            matches!(
                apt_subcommand(invocation.args),
                Some("distclean" | "dist-clean")
            )
        }
        _ => false,
    }
}

/// `$NAME`, `${NAME}`, `"$NAME"`, optionally followed by `/*`.
fn is_lone_variable(text: &str) -> bool {
    let text = text
        .trim_matches('"')
        .trim_end_matches("/*")
        .trim_matches('"');
    let Some(name) = text.strip_prefix('$') else {
        return false;
    };
    let name = name
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name);
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The edit appending the removal to the RUN's command line, when it is exact.
fn removal_edit(
    checker: &Checker<'_>,
    instruction: &Instruction,
    run: &RunScript,
    sudo: &str,
) -> Option<Edit> {
    if !is_editable_command_line(instruction, run) {
        return None;
    }
    let script = &run.script;
    let last = script.body().items.last()?;
    if last.separator == Some(Connector::Background) {
        return None;
    }
    // `… && exec server` or `…; exit 0` would end the script before the removal; after
    // `||` it only runs when the script fails anyway.
    let after_or = script
        .body()
        .items
        .iter()
        .rev()
        .nth(1)
        .is_some_and(|item| item.separator == Some(Connector::Or));
    if ends_script(script, &last.pipeline) && !after_or {
        return None;
    }
    append_and(
        checker,
        instruction,
        last.pipeline.range,
        &format!("{sudo}{REMOVE}"),
    )
}
