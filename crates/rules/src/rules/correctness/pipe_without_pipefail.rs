use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, InstructionId, RunScript, ScriptSource, SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::images::is_windows_image;
use crate::rules::helpers::shells::{
    installs_before, sets_option, shell_at, userland, ShellInEffect, Userland,
};
use crate::rules::helpers::stages::stage_chain;
use plimsoll_parser::shell::{Command, Pipeline, ShellScript, Statement, SubstitutionKind, Word};
use plimsoll_parser::{Arguments, Keyword, TextRange};
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` with a pipe (`curl … | tar x`) whose shell does not have the
    /// `pipefail` option: no `SHELL` with `-o pipefail` before it in its stage or the stages
    /// it is built on, and no `set -o pipefail` earlier in the script.
    ///
    /// ## Why
    /// A pipeline's status is the status of its last command. In
    /// `RUN curl -fsSL https://example.com/tool.tgz | tar -xz`, a failed download gives
    /// `tar` an empty input; `tar` may still succeed and the build goes on without the tool.
    /// With `pipefail`, the pipeline fails when any of its commands fails, and so does the
    /// build.
    ///
    /// Unlike hadolint, a `SHELL` set in a parent stage counts (stages inherit it), so does
    /// any shell started with `-o pipefail` (a shell without the option fails at once), and
    /// so does `set -o pipefail` in the script. Pipes whose writers cannot fail (`echo`,
    /// `printf`, `yes`, `true`) are not reported: `pipefail` changes nothing there, or
    /// breaks `yes |`. Nor are pipes whose status nothing reads: in a command substitution
    /// given as an argument (`[ "$(ls | wc -l)" = 2 ]`), followed by `|| true`, or ending a
    /// step followed by `;` in a script without `set -e`; nor a pipe the parser could only
    /// rebuild from a syntax error. As in hadolint, PowerShell and `cmd` shells are not
    /// checked. A heredoc
    /// script run by its own interpreter (`#!/bin/bash`, or `RUN bash <<EOF`) does not see
    /// the `SHELL` options: only `set -o pipefail` in it counts.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:bookworm
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:bookworm
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Fix
    /// Inserts `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the first such `RUN` of
    /// the stage. When a `SHELL` already starts `bash`, `zsh`, `ksh` or `ash`, `-o pipefail`
    /// is added to it instead (in place when no `RUN` comes between them, else in a copy
    /// inserted before the `RUN`). The fix is unsafe: a failing pipe now fails the build,
    /// and with the default shell the `RUN`s after it run in `bash` instead of `sh` (`echo`
    /// reads backslashes differently). It is display-only when the base image is not known
    /// to ship `bash` and the Dockerfile does not install it (on Alpine it suggests
    /// `/bin/ash`, BusyBox's shell, which has `pipefail`). No fix is offered for a script
    /// that runs in its own interpreter: `set -o pipefail` goes in the script.
    pub struct PipeWithoutPipefail {
        code: "DL4006",
        name: "pipe-without-pipefail",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::File],
    }
}

/// Programs whose output piped elsewhere cannot fail in a way `pipefail` would catch.
const HARMLESS_WRITERS: &[&str] = &["echo", "printf", "yes", "true", ":"];

/// Shells with a `pipefail` option.
const PIPEFAIL_SHELLS: &[&str] = &["bash", "zsh", "ksh", "mksh", "ash"];

/// A RUN with an unprotected pipe.
struct Finding {
    instruction: InstructionId,
    stage: usize,
    pipe: TextRange,
    writer: Option<String>,
    reader: Option<String>,
    /// Whether the SHELL's options apply to the script (not a heredoc run by its own
    /// interpreter).
    shell_applies: bool,
    shell: ShellInEffect,
}

impl Rule for PipeWithoutPipefail {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let mut findings: Vec<Finding> = Vec::new();
        let mut windows_stages: HashMap<usize, bool> = HashMap::new();
        for run in &model.runs {
            if findings
                .last()
                .is_some_and(|f| f.instruction == run.instruction)
            {
                continue;
            }
            let shell = shell_at(model, run.instruction);
            let own_interpreter = runs_own_interpreter(model, run);
            if shell.is_windows_shell()
                || (!own_interpreter && shell.sets_pipefail())
                || (shell.instruction.is_none()
                    && *windows_stages
                        .entry(run.stage)
                        .or_insert_with(|| is_windows_stage(model, run.stage)))
            {
                continue;
            }
            let errexit = !own_interpreter && shell.sets_errexit();
            let Some(pipe) = unprotected_pipe(&run.script, errexit) else {
                continue;
            };
            let name = |index: usize| {
                pipe.command_at(index, &run.script)
                    .and_then(|c| c.unwrapped().program())
                    .map(str::to_string)
            };
            findings.push(Finding {
                instruction: run.instruction,
                stage: run.stage,
                pipe: pipe.range,
                writer: name(0),
                reader: pipe.elements.len().checked_sub(1).and_then(name),
                shell_applies: !own_interpreter,
                shell,
            });
        }
        // The SHELL inserted for the first finding of a stage under a given shell covers the
        // later ones, and the stages built on it.
        let mut first_of: HashMap<(usize, Option<InstructionId>), usize> = HashMap::new();
        for (index, finding) in findings.iter().enumerate() {
            if finding.shell_applies {
                first_of
                    .entry((finding.stage, finding.shell.instruction))
                    .or_insert(index);
            }
        }
        // The fix depends only on the stage and the SHELL in effect: made once for each.
        let mut fixes: HashMap<(usize, Option<InstructionId>), Option<Fix>> = HashMap::new();
        for finding in &findings {
            let fix = if finding.shell_applies {
                fixes
                    .entry((finding.stage, finding.shell.instruction))
                    .or_insert_with(|| fix_for(checker, finding, &findings, &first_of))
                    .clone()
            } else {
                None
            };
            let advice = if finding.shell_applies {
                "Set the SHELL option -o pipefail before RUN with a pipe in it"
            } else {
                "Add `set -o pipefail` before the pipe (this script runs in its own shell, \
                 without the SHELL options)"
            };
            let message = match (&finding.writer, &finding.reader) {
                (Some(writer), Some(reader)) => {
                    format!("{advice}: a failure of `{writer}` is hidden by `{reader}`")
                }
                _ => format!("{advice}: a failure before the last command of the pipe is hidden"),
            };
            let diagnostic = checker.report(finding.pipe, message);
            if let Some(fix) = fix {
                diagnostic.set_fix(fix);
            }
        }
    }
}

/// Whether a stage runs on Windows, whose default shell is `cmd`: it is built on a Windows
/// image, or the file uses the backtick escape of Windows Dockerfiles.
fn is_windows_stage(model: &SemanticModel, stage: usize) -> bool {
    if model.file.escape == '`' {
        return true;
    }
    model.stages.get(stage).is_some_and(|stage| {
        matches!(stage.root_base(model), BaseImage::Image(image) if is_windows_image(image))
    })
}

/// Whether a heredoc script runs in its own interpreter, which does not get the SHELL's
/// options: it has a `#!` line, or the RUN line starts a shell that reads it
/// (`RUN bash <<EOF`).
fn runs_own_interpreter(model: &SemanticModel, run: &RunScript) -> bool {
    let ScriptSource::Heredoc(index) = run.source else {
        return false;
    };
    let instruction = model.instruction(run.instruction);
    let shebang = instruction
        .heredocs
        .get(index)
        .is_some_and(|h| h.content.starts_with("#!"));
    let shell_line = model.runs_of(run.instruction).any(|r| {
        r.source == ScriptSource::CommandLine && r.script.commands().any(|c| c.name.is_some())
    });
    shebang || shell_line
}

/// The first pipe of the script whose status matters and whose writers can fail, unless
/// `set -o pipefail` runs before it. `errexit` says whether the shell runs with `-e`.
fn unprotected_pipe(script: &ShellScript, errexit: bool) -> Option<&Pipeline> {
    // Where `set` first turns an option on.
    let first_set = |letter: Option<char>, name: &str| {
        script
            .commands()
            .filter(|c| {
                let set = c.unwrapped();
                // The options are listed only for a `set` (this runs on every command).
                set.is("set") && {
                    let options: Vec<Option<&str>> = set.args.iter().map(Word::as_str).collect();
                    sets_option(&options, letter, name)
                }
            })
            .map(|c| c.script_range.start)
            .min()
    };
    let pipefail_at = first_set(None, "pipefail");
    let errexit_at = if errexit {
        Some(0)
    } else {
        first_set(Some('e'), "errexit")
    };
    script.pipelines().into_iter().find(|pipe| {
        pipe.is_piped()
            // A pipe rebuilt from a syntax error (`if "%x%"=="1" curl … | bash`, cmd syntax
            // in a POSIX shell) is a guess: the shell stops at the error anyway.
            && !script.errors().iter().any(|e| {
                e.script_range.start < pipe.script_range.end
                    && pipe.script_range.start < e.script_range.end
            })
            && pipefail_at.is_none_or(|at| pipe.script_range.start < at)
            && writers_can_fail(script, pipe)
            && status_matters(script, pipe, errexit_at)
    })
}

/// Whether an element before the last runs a command that can fail (`echo`, `printf`,
/// `yes`, `true`, or a `{ …; }` group of them, cannot).
fn writers_can_fail(script: &ShellScript, pipe: &Pipeline) -> bool {
    let harmless = |command: &Command| {
        command
            .unwrapped()
            .program()
            .is_some_and(|p| HARMLESS_WRITERS.contains(&p))
    };
    let count = pipe.elements.len().saturating_sub(1);
    pipe.elements
        .iter()
        .take(count)
        .any(|element| match element {
            Statement::Command(id) => script.command(*id).is_none_or(|c| !harmless(c)),
            Statement::Compound(compound) => {
                let commands = compound.commands(script);
                commands.is_empty() || !commands.iter().all(harmless)
            }
        })
}

/// Whether the status of a pipeline is used, so that `pipefail` changes something. It is
/// not when the pipeline is inside a command substitution that is an argument of a command
/// (`go test $(go list | grep -v x)`: the status is the command's), in a process
/// substitution, or in a `for` list; nor when it is followed by `|| true`; nor when it is a
/// top-level step followed by `;` or a line break in a script without `set -e`.
fn status_matters(script: &ShellScript, pipe: &Pipeline, errexit_at: Option<u32>) -> bool {
    let within =
        |outer: TextRange, inner: TextRange| outer.start <= inner.start && inner.end <= outer.end;
    // The innermost substitution around the pipeline.
    let substitution = script
        .substitutions()
        .iter()
        .filter(|s| within(s.script_range, pipe.script_range))
        .min_by_key(|s| s.script_range.len());
    // What carries the status: the pipeline, or the bare assignment holding the substitution.
    let (carrier, top_level) = match substitution {
        None => (
            pipe.script_range,
            pipe.commands(script)
                .first()
                .is_some_and(|c| c.is_top_level()),
        ),
        Some(substitution) => {
            if !matches!(
                substitution.kind,
                SubstitutionKind::Dollar | SubstitutionKind::Backtick
            ) {
                return false;
            }
            let enclosing = script
                .commands()
                .filter(|c| {
                    within(c.script_range, substitution.script_range)
                        && !within(substitution.script_range, c.script_range)
                })
                .min_by_key(|c| c.script_range.len());
            match enclosing {
                Some(assignment) if assignment.name.is_none() => {
                    (assignment.script_range, assignment.is_top_level())
                }
                _ => return false,
            }
        }
    };
    let rest = script.text().get(carrier.end as usize..).unwrap_or("");
    let rest = rest.trim_start_matches([' ', '\t']);
    if let Some(fallback) = rest.strip_prefix("||") {
        let fallback = fallback.trim_start();
        let word: String = fallback
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '&' | '|' | ')'))
            .collect();
        if matches!(word.as_str(), "true" | ":") {
            return false;
        }
    }
    let followed_by_step = rest.starts_with([';', '\n', '&']) && !rest.starts_with("&&");
    let last = script
        .body()
        .items
        .last()
        .is_none_or(|item| item.pipeline.script_range.start <= carrier.start);
    let errexit = errexit_at.is_some_and(|at| at <= carrier.start);
    // A step of the script whose status nothing reads.
    let ignored = top_level && followed_by_step && !last && !errexit;
    !ignored
}

/// The fix of a finding: a SHELL with `-o pipefail` inserted before the first finding of
/// its stage under the same shell; none when a stage it is built on gets one.
fn fix_for(
    checker: &Checker<'_>,
    finding: &Finding,
    findings: &[Finding],
    first_of: &HashMap<(usize, Option<InstructionId>), usize>,
) -> Option<Fix> {
    let model = checker.model;
    let stage = model.stages.get(finding.stage)?;
    let chain = stage_chain(model, stage);
    let fixed_in_parent = chain
        .iter()
        .skip(1)
        .any(|parent| first_of.contains_key(&(parent.index, finding.shell.instruction)));
    if fixed_in_parent {
        return None;
    }
    let first = findings.get(*first_of.get(&(finding.stage, finding.shell.instruction))?)?;
    if let Some(fix) = edit_shell(checker, &finding.shell, first.instruction) {
        return Some(fix);
    }
    let (words, applicable) = new_shell(model, stage, first.instruction, &finding.shell);
    let at = model.instruction(first.instruction).range.start;
    let line_start = above_comments(checker, checker.line_start(at));
    let indent = checker.indentation(at);
    let json: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_else(|_| format!("\"{w}\"")))
        .collect();
    let content = format!(
        "{indent}SHELL [{}]{}",
        json.join(", "),
        checker.line_break()
    );
    let title = format!("Insert `SHELL [{}]` before the `RUN`", json.join(", "));
    let edits = vec![Edit::insert(line_start, content)];
    Some(if applicable {
        Fix::unsafe_edit(title, edits)
    } else {
        Fix::display_only(title, edits)
    })
}

/// The start of the comment lines right above the line starting at `line_start` (so that a
/// `# hadolint ignore=…` comment stays on the RUN it is about).
fn above_comments(checker: &Checker<'_>, mut line_start: u32) -> u32 {
    while line_start > 0 {
        let previous = checker.line_start(line_start - 1);
        let text = checker.text(TextRange::new(previous, line_start));
        if !text.trim_start().starts_with('#') {
            break;
        }
        line_start = previous;
    }
    line_start
}

/// When the SHELL in effect starts a shell with `pipefail` and no RUN comes between it and
/// `run`, adds `-o pipefail` to it.
fn edit_shell(checker: &Checker<'_>, shell: &ShellInEffect, run: InstructionId) -> Option<Fix> {
    let model = checker.model;
    let id = shell.instruction?;
    if !PIPEFAIL_SHELLS.contains(&shell.program().as_str())
        || model.stage_of(id).map(|s| s.index) != model.stage_of(run).map(|s| s.index)
        || (id + 1..run).any(|i| model.instruction(i).keyword == Keyword::Run)
    {
        return None;
    }
    let Arguments::Exec(words) = &model.instruction(id).args else {
        return None;
    };
    let program = words.first()?;
    Some(Fix::unsafe_edit(
        "Add `-o pipefail` to the `SHELL`",
        vec![Edit::insert(program.range.end, ", \"-o\", \"pipefail\"")],
    ))
}

/// The SHELL to insert, and whether it can be applied: the current shell with
/// `-o pipefail` when it is a shell with that option; else `bash` when the image has it,
/// `ash` on BusyBox images (display-only), `bash` otherwise (display-only).
fn new_shell(
    model: &SemanticModel,
    stage: &Stage,
    before: InstructionId,
    shell: &ShellInEffect,
) -> (Vec<String>, bool) {
    let program = shell.program();
    if shell.instruction.is_some() && PIPEFAIL_SHELLS.contains(&program.as_str()) {
        let mut words = shell.words.clone();
        words.splice(1..1, ["-o".to_string(), "pipefail".to_string()]);
        return (words, true);
    }
    let with = |path: &str| {
        vec![
            path.to_string(),
            "-o".to_string(),
            "pipefail".to_string(),
            "-c".to_string(),
        ]
    };
    if installs_before(model, stage, before, "bash") {
        return (with("/bin/bash"), true);
    }
    match userland(model, stage) {
        Some(Userland::Gnu) => (with("/bin/bash"), true),
        Some(Userland::Busybox) => (with("/bin/ash"), false),
        None => (with("/bin/bash"), false),
    }
}
