//! Words as BuildKit reads them when it runs an instruction: quotes and escapes removed,
//! variables expanded with the ARGs and ENVs in scope.

use crate::model::{literal_expansion, InstructionId, RunScript, ScriptSource, SemanticModel};
use crate::rules::helpers::shells::shell_at;
use plimsoll_parser::expand::{EmptyEnv, Lexer};
use plimsoll_parser::shell::{Command, CompoundKind, Connector, Scope, ShellScript, Statement};
use plimsoll_parser::{Instruction, TextRange};

/// `word` as BuildKit's `ProcessWord` gives it at instruction `id`: quotes and escapes
/// removed, variables expanded. `None` when the word uses a variable without a value there,
/// or cannot be expanded at all (another rule reports that).
pub(crate) fn expand_word(model: &SemanticModel, id: InstructionId, word: &str) -> Option<String> {
    let lexer = Lexer::new(model.file.escape);
    if let Some(literal) = literal_expansion(&lexer, word) {
        return Some(literal.value);
    }
    let expansion = if word.contains('$') {
        lexer.process_word(word, &model.scope_at(id))
    } else {
        lexer.process_word(word, &EmptyEnv)
    };
    expansion
        .ok()
        .filter(|e| e.unmatched.is_empty())
        .map(|e| e.value)
}

/// Whether `instruction` is the trigger of an ONBUILD: it runs in the builds of other
/// Dockerfiles, with variables this file does not know.
pub(crate) fn is_onbuild_trigger(model: &SemanticModel, instruction: &Instruction) -> bool {
    model
        .id_of(instruction)
        .is_none_or(|id| model.instruction(id).keyword != instruction.keyword)
}

/// Whether the parser reported a syntax error within `range` (or around it): BuildKit stops
/// there, before it reads or expands any value, so rules about values stay silent.
pub(crate) fn has_syntax_error(model: &SemanticModel, range: TextRange) -> bool {
    model
        .file
        .diagnostics
        .iter()
        .any(|d| d.range.contains_range(range) || range.contains_range(d.range))
}

/// The variables `word` uses that have no ARG or ENV value at instruction `id` (an empty
/// list when every one has a value); `None` when the word cannot be expanded at all.
pub(crate) fn unset_variables(
    model: &SemanticModel,
    id: InstructionId,
    word: &str,
) -> Option<Vec<String>> {
    let lexer = Lexer::new(model.file.escape);
    let expansion = lexer.process_word(word, &model.scope_at(id)).ok()?;
    Some(expansion.unmatched)
}

/// `word`, a word of `command` in a RUN script, expanded as the script would see it: with
/// the ARG and ENV values, and the values the script gives its own variables before the
/// command ([`script_value`]). `None` when it uses a variable whose value is not known
/// there: one without ARG or ENV value that the script does not set that way, or one the
/// script sets otherwise (in a branch, a loop, from a command's output …).
pub(crate) fn expand_in_script(
    model: &SemanticModel,
    run: &RunScript,
    command: &Command,
    word: &str,
) -> Option<String> {
    if !word.contains('$') {
        return Some(word.to_string());
    }
    let lexer = Lexer::new(model.file.escape);
    let mut env = model.scope_at(run.instruction);
    let first = lexer.process_word(word, &env).ok()?;
    let script = &run.script;
    // A POSIX shell keeps the assignments written before a special built-in
    // (`deps='gcc make' set -x`); bash, outside POSIX mode, does not.
    let posix = run.source == ScriptSource::CommandLine
        && matches!(
            shell_at(model, run.instruction).program().as_str(),
            "sh" | "dash" | "ash"
        );
    let mut changed = false;
    for name in first.matched.iter().chain(&first.unmatched) {
        if set_by_script(script, name) {
            env.push(name.as_str(), script_value(script, command, name, posix)?);
            changed = true;
        } else if first.unmatched.contains(name) {
            return None;
        }
    }
    if !changed {
        return Some(first.value);
    }
    let expansion = lexer.process_word(word, &env).ok()?;
    expansion.unmatched.is_empty().then_some(expansion.value)
}

/// Commands that set the variables named by their arguments (`export NAME=value`, `read
/// NAME`, `local NAME`).
const SETTING_BUILTINS: &[&str] = &[
    "export",
    "local",
    "declare",
    "typeset",
    "readonly",
    "read",
    "getopts",
    "mapfile",
    "readarray",
];

/// Variables the shell itself sets: special and positional parameters, and those `cd` and
/// the login keep up to date.
fn is_shell_variable(name: &str) -> bool {
    matches!(
        name,
        "PWD" | "OLDPWD" | "HOME" | "RANDOM" | "LINENO" | "SECONDS" | "REPLY" | "OPTARG"
    ) || name.bytes().all(|b| b.is_ascii_digit())
        || matches!(name, "@" | "*" | "#" | "?" | "$" | "!" | "-" | "_")
}

/// Whether the script sets the variable `name` itself (an assignment, also before a command,
/// `export`, `read`, a `for` loop …), or `name` is one the shell sets.
pub(crate) fn set_by_script(script: &ShellScript, name: &str) -> bool {
    if is_shell_variable(name) {
        return true;
    }
    let names_it = |text: &str| {
        text == name
            || text
                .strip_prefix(name)
                .is_some_and(|r| r.starts_with(['=', '+']))
    };
    let by_command = script.commands().any(|command| {
        command.assignments.iter().any(|a| a.name == name)
            || command
                .name_str()
                .is_some_and(|n| SETTING_BUILTINS.contains(&n))
                && command.args.iter().any(|w| names_it(&w.text))
    });
    by_command
        || script.pipelines().iter().any(|pipeline| {
            pipeline.elements.iter().any(|element| {
                matches!(element, Statement::Compound(compound)
                    if matches!(&compound.kind, CompoundKind::For { variable: Some(v), .. }
                        if v.text == name))
            })
        })
}

/// Special built-ins whose preceding assignments a POSIX shell keeps (the others only
/// return or leave the script).
const SPECIAL_BUILTINS: &[&str] = &["set", ":", "readonly", "export", "unset", "trap"];

/// The value the script gives its variable `name` for `command`, when it is certain: the
/// script assigns `name` once, with a static value, in a plain `NAME=value` or `export
/// NAME=value` that runs before the command whatever happens (at the top level of the
/// script, not after `||`, not in a pipeline). With `posix`, an assignment before a special
/// built-in (`NAME=value set -x`) counts too.
pub(crate) fn script_value<'s>(
    script: &'s ShellScript,
    command: &Command,
    name: &str,
    posix: bool,
) -> Option<&'s str> {
    let mut found = None;
    for other in script.commands() {
        // Each value, `None` when it is not static (`NAME=$(…)`).
        let assigned: Vec<Option<&str>> = other
            .assignments
            .iter()
            .filter(|a| a.name == name)
            .map(|a| a.value.as_str())
            .collect();
        let assigns = |text: &str| text.strip_prefix(name).is_some_and(|r| r.starts_with('='));
        let exported: Vec<Option<&str>> = if other.is("export") {
            other
                .args
                .iter()
                .filter(|w| assigns(&w.text))
                .map(|w| w.as_str().and_then(|v| v.split_once('=')).map(|(_, v)| v))
                .collect()
        } else {
            Vec::new()
        };
        let value = match (assigned.as_slice(), exported.as_slice()) {
            ([], []) => continue,
            ([value], []) => {
                let kept = other.name.is_none()
                    || posix
                        && other
                            .name_str()
                            .is_some_and(|n| SPECIAL_BUILTINS.contains(&n));
                value.filter(|_| kept)
            }
            ([], [value]) => *value,
            _ => None,
        };
        let certain = found.is_none()
            && other.id < command.id
            && other.scopes.iter().all(|s| *s == Scope::Group)
            && other.before != Some(Connector::Or)
            && other.pipeline_len == 1;
        if !certain {
            return None;
        }
        found = Some(value?);
    }
    found
}
