use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::RunScript;
use crate::registry::{Rule, Target};
use crate::rules::helpers::shells::{installs_before, userland, Userland};
use plimsoll_parser::shell::{Command, RedirectOp, Word};

declare_rule! {
    /// ## What it does
    /// Reports GNU `wget` run without `--progress`, and without an option that quiets it
    /// (`-q`/`--quiet`, `-nv`/`--no-verbose`) or sends its messages to a file
    /// (`-o`/`--output-file`, `-a`/`--append-output`).
    ///
    /// ## Why
    /// Without a terminal, `wget` falls back to its `dot` progress display: one line of
    /// dots per 50 KB. Downloading a 200 MB archive writes some 4,000 lines to the build
    /// log, which hides everything else. `--progress=dot:giga` writes a line per 3 MB.
    ///
    /// Unlike hadolint, the rule stays silent when the messages go to `/dev/null`
    /// (`2>/dev/null`), and on Alpine and BusyBox images unless the Dockerfile installs GNU
    /// `wget`: BusyBox `wget` has no `--progress` option.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:bookworm
    /// RUN wget https://example.com/tool.tar.gz
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:bookworm
    /// RUN wget --progress=dot:giga https://example.com/tool.tar.gz
    /// ```
    ///
    /// ## Fix
    /// Adds `--progress=dot:giga` after `wget`. The fix is safe when the stage is built on a
    /// Debian, Ubuntu or RPM-based image, or installs `wget` itself: only the log changes.
    /// Otherwise it is unsafe, since the `wget` there could be BusyBox's, which rejects the
    /// option.
    pub struct WgetWithoutProgress {
        code: "DL3047",
        name: "wget-without-progress",
        category: Style,
        severity: Info,
        fix: Always,
        since: "0.1.0",
        targets: [Target::Command(&["wget"])],
    }
}

impl Rule for WgetWithoutProgress {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let wget = command.unwrapped();
        let Some(name) = wget.name else {
            return;
        };
        if is_quiet(wget.args) || messages_discarded(command) {
            return;
        }
        let model = checker.model;
        let Some(stage) = model.stages.get(run.stage) else {
            return;
        };
        let gnu_installed = installs_before(model, stage, run.instruction, "wget");
        let gnu = match userland(model, stage) {
            Some(Userland::Busybox) if !gnu_installed => return,
            Some(_) => true,
            None => gnu_installed,
        };
        let title = "Add `--progress=dot:giga` to `wget`";
        let edits = vec![Edit::insert(name.range.end, " --progress=dot:giga")];
        let fix = if gnu {
            Fix::safe(title, edits)
        } else {
            Fix::unsafe_edit(title, edits)
        };
        checker
            .report(
                command.range,
                "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. \
                 Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`)",
            )
            .set_fix(fix);
    }
}

/// Short options of GNU wget that take a value (the rest of a cluster is the value).
const SHORT_WITH_VALUE: &str = "OoaetTwQiBPUDlARIXY";

/// Whether an option sets the progress display, quiets wget, sends its messages to a file
/// or downloads nothing (`--spider`).
fn is_quiet(args: &[Word]) -> bool {
    for word in args {
        let Some(arg) = word.as_str() else {
            continue;
        };
        if arg == "--" {
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            if matches!(
                name,
                "progress" | "quiet" | "no-verbose" | "output-file" | "append-output" | "spider"
            ) {
                return true;
            }
            continue;
        }
        let Some(cluster) = arg.strip_prefix('-') else {
            continue;
        };
        let mut chars = cluster.chars();
        while let Some(c) = chars.next() {
            match c {
                'q' | 'o' | 'a' => return true,
                // `-nv` (`-nc`, `-nd`, `-nH` are other options).
                'n' if chars.next() == Some('v') => return true,
                c if SHORT_WITH_VALUE.contains(c) => break,
                _ => {}
            }
        }
    }
    false
}

/// Whether the command's messages (standard error) go to `/dev/null`.
fn messages_discarded(command: &Command) -> bool {
    command.redirects.iter().any(|redirect| {
        redirect.is_dev_null()
            && match redirect.op {
                RedirectOp::WriteAll | RedirectOp::AppendAll => true,
                RedirectOp::Write | RedirectOp::Append | RedirectOp::Clobber => {
                    redirect.fd == Some(2)
                }
                _ => false,
            }
    })
}
