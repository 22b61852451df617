use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::model::{BaseImage, InstructionId, RunScript, SemanticModel, Stage};
use crate::registry::{Rule, Target};
use crate::rules::go::toolchain::{base_workdir, join_path, workdir_at};
use crate::rules::helpers::expansion::{expand_word, set_by_script, unset_variables};
use crate::rules::helpers::run_edits::is_editable_command_line;
use plimsoll_parser::shell::{Command, Connector, Scope, Statement};
use plimsoll_parser::{Arguments, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `cd` in a `RUN` where a `WORKDIR` could say the same: a `cd` to a fixed
    /// directory, or to one given by ARG and ENV variables; the first such `cd` of each
    /// script. A `cd` that a `WORKDIR` cannot
    /// replace is not reported: one in a subshell (`(cd src && make)`), a command
    /// substitution or a pipeline, whose effect ends with it; one in a loop, a condition,
    /// an `if` or `case` branch or a function, which a `WORKDIR` cannot be; `cd -`; and a
    /// `cd` to a directory computed by the script itself (`cd "$(mktemp -d)"`, `cd $tmp`
    /// with a variable the script sets). A variable the script does not set comes from the
    /// build (`cd $GOPATH/src/app`, with `GOPATH` from the base image): a `WORKDIR`
    /// expands it the same way.
    ///
    /// ## Why
    /// A `cd` lasts until the end of its `RUN`. Steps that belong to one directory read
    /// better under a `WORKDIR`, which also applies to the `COPY`, `RUN`, `CMD` and
    /// `ENTRYPOINT` instructions after it and is created when missing, instead of a `cd`
    /// repeated in every `RUN`. Unlike hadolint, a `cd` whose effect is scoped on purpose
    /// (a subshell, a loop over directories) is not reported.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM node:22-alpine
    /// WORKDIR /
    /// COPY . /app
    /// RUN cd /app && npm ci
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM node:22-alpine
    /// COPY . /app
    /// WORKDIR /app
    /// RUN npm ci && (cd tools && npm ci)
    /// ```
    ///
    /// ## Fix
    /// When the `RUN` is exactly `cd /dir && …` (a literal absolute directory, then commands
    /// joined only by `&&`, on the shell-form command line), the fix writes `WORKDIR /dir`
    /// before the `RUN` and removes `cd /dir &&` from it.
    ///
    /// A `WORKDIR` changes the working directory of every later instruction, where the `cd`
    /// changed it for its `RUN` only. So when the working directory before the `RUN` is
    /// known (an earlier absolute `WORKDIR`, or `scratch`), the fix also writes a `WORKDIR`
    /// back to it before the first later instruction that depends on it (a `RUN`, a `COPY`
    /// to a relative destination, a relative `WORKDIR`, …), or at the end of the stage when
    /// the stage is the image or the base of another one; nothing then runs elsewhere than
    /// before, and the fix is safe. When the `RUN` is already in `/dir`, the `cd` is only
    /// removed. When the working directory before the `RUN` is not known (the base image's
    /// own), it cannot be restored and the fix is unsafe: the instructions after the `RUN`,
    /// and `CMD`/`ENTRYPOINT`, then run in `/dir`.
    pub struct CdInsteadOfWorkdir {
        code: "DL3003",
        name: "cd-instead-of-workdir",
        category: Style,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Command(&["cd"])],
    }
}

impl Rule for CdInsteadOfWorkdir {
    fn command(&self, checker: &mut Checker<'_>, run: &RunScript, command: &Command) {
        let model = checker.model;
        // One finding per script: its first `cd` a WORKDIR could replace.
        let first = run
            .script
            .commands()
            .find(|c| could_be_workdir(model, run, c));
        if first.map(|c| c.id) != Some(command.id) {
            return;
        }
        let fix = workdir_fix(checker, run, command);
        let diagnostic = checker.report(
            command.range,
            "Use WORKDIR to switch to a directory: a `cd` lasts only until the end of its `RUN`",
        );
        if let Some(fix) = fix {
            diagnostic.set_fix(fix);
        }
    }
}

/// Whether `command` is a `cd` a WORKDIR could replace: not scoped to a subshell, a loop, a
/// branch or a function, and to a directory known before the RUN runs.
fn could_be_workdir(model: &SemanticModel, run: &RunScript, command: &Command) -> bool {
    let cd = command.unwrapped();
    if !cd.is("cd")
        || command.in_subshell()
        || command.scopes.iter().any(|s| !matches!(s, Scope::Group))
    {
        return false;
    }
    match cd.args.iter().find(|w| !w.is_flag()) {
        Some(word) => {
            let dynamic = word.text.contains("$(") || word.text.contains('`');
            // A variable without ARG or ENV value that the script does not set comes from
            // the base image's environment (`$GOPATH`) or is a build argument without
            // default: a WORKDIR expands it too.
            let computed = word.value.is_none()
                && unset_variables(model, run.instruction, &word.text)
                    .is_none_or(|names| names.iter().any(|n| set_by_script(&run.script, n)));
            word.as_str() != Some("-") && !dynamic && !computed
        }
        None => true,
    }
}

/// A RUN's command line that is `cd /dir && …`: a literal absolute directory, then commands
/// joined only by `&&`.
struct LeadingCd<'s> {
    /// The `cd` command.
    cd: &'s Command,
    /// The directory.
    path: &'s str,
    /// Where the command after `cd /dir &&` starts.
    rest: u32,
}

/// The leading `cd` of `run`, when the RUN is `cd /dir && …` on its editable command line.
fn leading_cd<'s>(model: &SemanticModel, run: &'s RunScript) -> Option<LeadingCd<'s>> {
    let instruction = model.instruction(run.instruction);
    if instruction.keyword != Keyword::Run || !is_editable_command_line(instruction, run) {
        return None;
    }
    let items = &run.script.body().items;
    let (first, rest) = items.split_first()?;
    let chained = items[..items.len() - 1]
        .iter()
        .all(|item| item.separator == Some(Connector::And))
        && matches!(
            items.last().and_then(|i| i.separator),
            None | Some(Connector::Seq)
        );
    let [Statement::Command(id)] = first.pipeline.elements.as_slice() else {
        return None;
    };
    let cd = run.script.command(*id)?;
    let next = rest.first()?;
    let [word] = cd.args.as_slice() else {
        return None;
    };
    let path = word.as_str()?;
    let literal = path.starts_with('/')
        && path.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | '@' | ',')
        })
        && !path.split('/').any(|part| part == "..");
    let text = run.script.text();
    let plain = cd.is("cd") && cd.assignments.is_empty() && cd.redirects.is_empty();
    if !chained
        || !plain
        || first.pipeline.negated
        || !literal
        || text.contains("OLDPWD")
        || text.contains("cd -")
    {
        return None;
    }
    Some(LeadingCd {
        cd,
        path,
        rest: next.pipeline.range.start,
    })
}

/// `WORKDIR /dir` instead of a RUN's leading `cd /dir &&`, going back to the working
/// directory before it where a later instruction depends on it, when it is known.
fn workdir_fix(checker: &Checker<'_>, run: &RunScript, command: &Command) -> Option<Fix> {
    let model = checker.model;
    let leading = leading_cd(model, run).filter(|l| l.cd.id == command.id)?;
    let path = leading.path;
    let instruction = model.instruction(run.instruction);
    let stage = model.stages.get(run.stage)?;
    let before = workdir_at(
        model,
        stage.index,
        run.instruction,
        base_workdir(model, stage.index),
    );
    let remove_cd = Edit::delete(TextRange::new(command.range.start, leading.rest));
    let target = join_path("/", path);
    if before.as_deref() == Some(target.as_str()) {
        return Some(Fix::safe(
            format!("Remove `cd {path}`: the working directory is already `{target}`"),
            vec![remove_cd],
        ));
    }
    let keyword = if instruction
        .keyword_text
        .chars()
        .all(|c| c.is_ascii_lowercase())
    {
        "workdir"
    } else {
        "WORKDIR"
    };
    let line_break = checker.line_break();
    let indent = checker.indentation(instruction.range.start);
    let mut edits = vec![
        Edit::insert(
            instruction.range.start,
            format!("{keyword} {path}{line_break}{indent}"),
        ),
        remove_cd,
    ];
    let Some(before) = before else {
        return Some(Fix::unsafe_edit(
            format!(
                "Replace `cd {path}` with `WORKDIR {path}` (the instructions after the `RUN` \
                 then run in `{path}` too)"
            ),
            edits,
        ));
    };
    let title = match restore_point(model, stage, run.instruction) {
        Restore::Before(id) => {
            let at = model.instruction(id).range.start;
            let indent = checker.indentation(at);
            edits.push(Edit::insert(
                at,
                format!("{keyword} {before}{line_break}{indent}"),
            ));
            format!("Replace `cd {path}` with `WORKDIR {path}`, and go back to `{before}` after it")
        }
        Restore::AfterRun => {
            edits.push(Edit::insert(
                instruction.range.end,
                format!("{line_break}{indent}{keyword} {before}"),
            ));
            format!("Replace `cd {path}` with `WORKDIR {path}`, and go back to `{before}` after it")
        }
        Restore::Never => format!("Replace `cd {path}` with `WORKDIR {path}`"),
    };
    Some(Fix::safe(title, edits))
}

/// Where the working directory before a RUN must be set again once a `WORKDIR` replaced
/// the RUN's `cd`.
enum Restore {
    /// Before this instruction, the first one after the RUN that depends on it.
    Before(InstructionId),
    /// Right after the RUN: nothing after it depends on the working directory, but the
    /// stage is the image or the base of another stage, whose working directory is the
    /// `WORKDIR` in effect at its end.
    AfterRun,
    /// Nowhere: an absolute `WORKDIR` comes first, or nothing after the RUN cares.
    Never,
}

/// Where to go back to the working directory in effect before the RUN `id`: before the
/// first later instruction of the stage that depends on it (a relative `WORKDIR`, `COPY` or
/// `ADD` to a relative destination, a `RUN` other than `cd /dir && …`, `VOLUME`,
/// `ONBUILD`), or at the end of the stage when the stage's working directory is used.
fn restore_point(model: &SemanticModel, stage: &Stage, id: InstructionId) -> Restore {
    for next in id + 1..stage.instructions.end {
        let instruction = model.instruction(next);
        let depends = match instruction.keyword {
            Keyword::Workdir => {
                let absolute = matches!(&instruction.args, Arguments::Text(word)
                    if expand_word(model, next, &word.value).is_some_and(|v| v.starts_with('/')));
                if absolute {
                    return Restore::Never;
                }
                true
            }
            Keyword::Copy | Keyword::Add => match &instruction.args {
                Arguments::List(words) | Arguments::Exec(words) => {
                    !words.last().is_some_and(|dest| {
                        expand_word(model, next, &dest.value).is_some_and(|v| v.starts_with('/'))
                    })
                }
                _ => true,
            },
            Keyword::Run => {
                let mut scripts = model.runs_of(next).peekable();
                scripts.peek().is_none()
                    || !scripts.all(|script| leading_cd(model, script).is_some())
            }
            Keyword::Volume | Keyword::Onbuild | Keyword::Unknown => true,
            _ => false,
        };
        if depends {
            return Restore::Before(next);
        }
    }
    let is_final = model.final_stage().is_some_and(|s| s.index == stage.index);
    let is_base = model
        .stages
        .iter()
        .any(|s| s.base == BaseImage::Stage(stage.index));
    if is_final || is_base {
        Restore::AfterRun
    } else {
        Restore::Never
    }
}
