//! Edits of a RUN's command line that keep the way it is written.

use crate::checker::Checker;
use crate::diagnostic::Edit;
use crate::model::{RunScript, ScriptSource};
use plimsoll_parser::shell::{Pipeline, ShellScript, Statement};
use plimsoll_parser::{Arguments, Instruction, TextRange};

/// Whether `run` is the shell-form command line of `instruction`, well-formed and without
/// here-documents, so that its text can be edited where the script says.
pub(crate) fn is_editable_command_line(instruction: &Instruction, run: &RunScript) -> bool {
    run.source == ScriptSource::CommandLine
        && !instruction.json
        && instruction.heredocs.is_empty()
        && matches!(instruction.args, Arguments::Text(_))
        && !run.script.has_errors()
}

/// The edit appending `&& {command}` right after `pipeline`, a pipeline of the RUN's
/// command line, in the style of the RUN: on the same line for a one-line RUN, and on a new
/// continuation line (`\` then `&& command`, or `&& \` then `command`, as the RUN's other
/// lines are written) when the pipeline ends a line of a RUN written over several lines.
pub(crate) fn append_and(
    checker: &Checker<'_>,
    instruction: &Instruction,
    pipeline: TextRange,
    command: &str,
) -> Option<Edit> {
    let source = checker.source;
    let start = pipeline.start;
    let end = pipeline.end;
    let args = instruction.args_file_range();
    let args_text = source.get(args.as_usize())?;
    if end <= start || !args.contains_range(pipeline) {
        return None;
    }
    if !args_text.contains('\n') {
        return Some(Edit::insert(end, format!(" && {command}")));
    }
    let escape = checker.model.file.escape;
    let line_break = checker.line_break();
    let line_start = checker.line_start(start);
    let before = source.get(line_start as usize..start as usize)?.trim();
    let same_line = checker.line_start(end) == line_start;
    // The pipeline ends its line unless more commands follow on it (`&& \`).
    let rest_of_line = source
        .get(end as usize..checker.next_line_start(end) as usize)?
        .trim_end_matches(['\n', '\r'])
        .trim_end_matches(escape)
        .trim()
        .trim_end_matches(';');
    if !rest_of_line.is_empty() {
        return Some(Edit::insert(end, format!(" && {command}")));
    }
    if before == "&&" {
        let indent = checker.indentation(start);
        return Some(Edit::insert(
            end,
            format!(" {escape}{line_break}{indent}&& {command}"),
        ));
    }
    if before.is_empty() {
        let indent = checker.indentation(start);
        return Some(Edit::insert(
            end,
            format!(" && {escape}{line_break}{indent}{command}"),
        ));
    }
    if same_line {
        return Some(Edit::insert(end, format!(" && {command}")));
    }
    let indent = checker.indentation(end);
    Some(Edit::insert(
        end,
        format!(" {escape}{line_break}{indent}&& {command}"),
    ))
}

/// Whether the last command of `pipeline` ends the script (`exit`, `exec`, `return`), so
/// that a command appended after it would never run.
pub(crate) fn ends_script(script: &ShellScript, pipeline: &Pipeline) -> bool {
    let Some(Statement::Command(id)) = pipeline.elements.last() else {
        return false;
    };
    script.command(*id).is_some_and(|command| {
        matches!(
            command.unwrapped().program(),
            Some("exit" | "exec" | "return")
        ) || command.program() == Some("exec")
    })
}
