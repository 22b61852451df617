use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::helpers::buildkit_compat::on_first_line;
use crate::rules::helpers::stages::{builds_on, stage_chain};
use plimsoll_parser::shell::{ShellScript, Statement};
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js`) rather
    /// than in exec form (`CMD ["node", "server.js"]`).
    ///
    /// As BuildKit's `JSONArgsRecommended` check does, the rule stays silent in a stage
    /// that sets its shell explicitly with `SHELL` (in the stage before the instruction, or
    /// in a stage it is built on): the shell form is then a deliberate choice. `CMD` and
    /// `ENTRYPOINT` registered with `ONBUILD` are not checked, since the stage they will
    /// run in is not known. Unlike hadolint, `HEALTHCHECK CMD` is not checked either: the
    /// check runs as a process of its own beside the container's main process, so the shell
    /// form costs nothing there.
    ///
    /// ## Why
    /// The shell form runs the command as `/bin/sh -c "…"`. The shell is then the
    /// container's main process (PID 1), and the program is its child: `docker stop` sends
    /// `SIGTERM` to the shell, which does not pass it on, so the program never gets the
    /// chance to shut down cleanly and is killed after the timeout. With the exec form the
    /// program itself is PID 1 and receives the signals.
    ///
    /// A shell-form `ENTRYPOINT` also ignores `CMD` and the arguments given to
    /// `docker run`.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// CMD node server.js
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM alpine:3.20
    /// SHELL ["/bin/sh", "-c"]
    /// ENTRYPOINT exec my-program --port "$PORT"
    /// ```
    ///
    /// ## Fix
    /// Rewrites the command in exec form when that runs exactly the same program with the
    /// same arguments: a single simple command whose words are all static (quotes are
    /// fine; no variable, glob, `~`, brace, redirection, pipe, `&&`, `;`, comment or
    /// assignment), whose program is not a shell builtin. A leading `exec` is dropped, as
    /// the exec form already replaces the shell. `CMD exec java -jar app.jar` becomes
    /// `CMD ["java", "-jar", "app.jar"]`. Commands that need a shell get no fix: writing
    /// them as `["/bin/sh", "-c", "…"]` would keep the shell as PID 1 and only hide the
    /// problem; move them to a script that ends with `exec`.
    ///
    /// For `CMD` the fix is safe when nothing receives `CMD` as arguments: the effective
    /// `ENTRYPOINT` is set in the Dockerfile in shell form or empty, or the stage is built
    /// on `scratch` or on a well-known image without an `ENTRYPOINT`. Otherwise it is
    /// unsafe, because the `ENTRYPOINT` then receives the words instead of
    /// `/bin/sh -c "…"`, and entrypoint scripts often decide what to do from their first
    /// argument. It is also unsafe when the program is a `.sh` script: without a `#!` line
    /// the shell runs it anyway, but the exec form cannot.
    ///
    /// For `ENTRYPOINT` the fix is unsafe: in exec form it receives `CMD` and the
    /// arguments of `docker run`, which the shell form ignored. No fix is offered when the
    /// stage, or a stage built on it, sets `CMD`. No fix is offered for Windows base
    /// images, whose default shell does not read the command as a POSIX shell would.
    pub struct JsonArgsRecommended {
        code: "DL3025",
        name: "json-args-recommended",
        aliases: ["JSONArgsRecommended"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Cmd, Keyword::Entrypoint])],
    }
}

/// Official images known to set no `ENTRYPOINT`: a `CMD` runs as is.
const NO_ENTRYPOINT_IMAGES: &[&str] = &[
    "alpine",
    "almalinux",
    "amazonlinux",
    "archlinux",
    "busybox",
    "centos",
    "debian",
    "fedora",
    "golang",
    "python",
    "rockylinux",
    "ruby",
    "rust",
    "ubuntu",
];

/// Shell builtins and keywords: as a program of the exec form they do not exist, or behave
/// differently (`echo` and `printf` read escapes differently).
const BUILTINS: &[&str] = &[
    ".", ":", "[", "[[", "alias", "bg", "break", "builtin", "case", "cd", "command", "continue",
    "declare", "do", "done", "echo", "elif", "else", "esac", "eval", "exec", "exit", "export",
    "false", "fg", "fi", "for", "function", "getopts", "hash", "if", "in", "jobs", "kill", "let",
    "local", "printf", "pwd", "read", "readonly", "return", "select", "set", "shift", "source",
    "test", "then", "time", "times", "trap", "true", "type", "typeset", "ulimit", "umask",
    "unalias", "unset", "until", "wait", "while",
];

impl Rule for JsonArgsRecommended {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        if instruction.json {
            return;
        }
        let Arguments::Text(word) = &instruction.args else {
            return;
        };
        if word.value.trim().is_empty() {
            return;
        }
        let model = checker.model;
        let Some(id) = model.id_of(instruction) else {
            return;
        };
        // ONBUILD's nested instruction: its stage is not known.
        if model.instruction(id).keyword != instruction.keyword {
            return;
        }
        let Some(stage) = model.stage_of(id) else {
            return;
        };
        if shell_set_before(model, stage, id) {
            return;
        }
        let keyword = instruction.keyword.as_str();
        let range = instruction.args_file_range();
        // BuildKit's message, word for word.
        let message = format!(
            "JSON arguments recommended for {keyword} to prevent unintended behavior related \
             to OS signals"
        );
        let fix = exec_form(&word.value).and_then(|words| {
            if is_windows(model, stage) || has_continuation_comment(model, range) {
                return None;
            }
            let json = format!(
                "[{}]",
                words
                    .iter()
                    .map(|w| serde_json::to_string(w).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let edits = vec![Edit::replace(range, json)];
            let title = format!("Rewrite `{keyword}` in exec form");
            if instruction.keyword == Keyword::Entrypoint {
                if cmd_reaches(model, stage) {
                    return None;
                }
                return Some(Fix::unsafe_edit(title, edits));
            }
            // A script without a `#!` line runs under `sh -c` (the shell reads it when
            // `exec` fails), but not in exec form.
            let may_lack_shebang = words.first().is_some_and(|p| p.ends_with(".sh"));
            Some(if cmd_is_run_as_is(model, stage) && !may_lack_shebang {
                Fix::safe(title, edits)
            } else {
                Fix::unsafe_edit(title, edits)
            })
        });
        // BuildKit reports the instruction's first line.
        let range = on_first_line(checker, instruction, range);
        let diagnostic = checker.report(range, message);
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

/// Whether a SHELL instruction is in effect at `id`: earlier in the stage, or anywhere in a
/// stage it is built on.
fn shell_set_before(model: &SemanticModel, stage: &Stage, id: usize) -> bool {
    stage_chain(model, stage).iter().any(|s| {
        let end = if s.index == stage.index {
            id
        } else {
            s.instructions.end
        };
        (s.instructions.start..end).any(|i| model.instruction(i).keyword == Keyword::Shell)
    })
}

/// The last instruction with `keyword` in the stage or, if none, in the nearest stage it
/// is built on.
fn last_in_chain<'m>(
    model: &'m SemanticModel,
    stage: &'m Stage,
    keyword: Keyword,
) -> Option<&'m Instruction> {
    stage_chain(model, stage).into_iter().find_map(|s| {
        s.instructions
            .clone()
            .rev()
            .map(|i| model.instruction(i))
            .find(|i| i.keyword == keyword)
    })
}

/// Whether the stage's `CMD` runs as is (nothing receives it as arguments), so that the
/// exec form only removes the shell.
fn cmd_is_run_as_is(model: &SemanticModel, stage: &Stage) -> bool {
    if let Some(entrypoint) = last_in_chain(model, stage, Keyword::Entrypoint) {
        return match &entrypoint.args {
            // A shell-form ENTRYPOINT ignores CMD.
            Arguments::Text(_) => !entrypoint.json,
            Arguments::Exec(words) => words.is_empty(),
            _ => false,
        };
    }
    match stage.root_base(model) {
        BaseImage::Scratch => true,
        BaseImage::Image(image) => image
            .docker_hub_name()
            .is_some_and(|name| NO_ENTRYPOINT_IMAGES.contains(&name)),
        _ => false,
    }
}

/// Whether a `CMD` would reach an exec-form `ENTRYPOINT` of `stage`: set in the stage, or
/// in a later stage built on it.
fn cmd_reaches(model: &SemanticModel, stage: &Stage) -> bool {
    model.stages.iter().skip(stage.index).any(|s| {
        builds_on(model, s, stage)
            && s.instructions
                .clone()
                .any(|i| model.instruction(i).keyword == Keyword::Cmd)
    })
}

fn is_windows(model: &SemanticModel, stage: &Stage) -> bool {
    match stage.root_base(model) {
        BaseImage::Image(image) => {
            let text = image.text.to_ascii_lowercase();
            ["windows", "nanoserver", "servercore", "powershell"]
                .iter()
                .any(|w| text.contains(w))
        }
        _ => false,
    }
}

/// Whether a comment line sits inside the range (it would be lost by a rewrite).
fn has_continuation_comment(model: &SemanticModel, range: plimsoll_parser::TextRange) -> bool {
    model
        .file
        .comments
        .iter()
        .any(|c| range.contains_range(c.range))
}

/// The words of the exec form that runs exactly what `sh -c text` runs, if there is one.
fn exec_form(text: &str) -> Option<Vec<String>> {
    let script = ShellScript::parse_text(text);
    if script.has_errors() {
        return None;
    }
    let [item] = script.body().items.as_slice() else {
        return None;
    };
    if item.separator.is_some() || item.pipeline.negated {
        return None;
    }
    let [Statement::Command(id)] = item.pipeline.elements.as_slice() else {
        return None;
    };
    let command = script.command(*id)?;
    if !command.assignments.is_empty()
        || !command.redirects.is_empty()
        || script.slice(command.script_range) != text.trim()
    {
        return None;
    }
    let mut words = Vec::with_capacity(command.args.len() + 1);
    for word in command.name.iter().chain(&command.args) {
        if word
            .text
            .contains(['$', '`', '*', '?', '[', ']', '{', '}', '~', '\n', '#'])
        {
            return None;
        }
        words.push(word.as_str()?.to_string());
    }
    if words.first().map(String::as_str) == Some("exec") {
        words.remove(0);
        if words.first().is_none_or(|w| w.starts_with('-')) {
            return None;
        }
    }
    let program = words.first()?;
    if program.is_empty() || BUILTINS.contains(&program.as_str()) {
        return None;
    }
    Some(words)
}
