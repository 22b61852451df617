//! The commands an image runs (CMD and ENTRYPOINT), and what RUN scripts do.

use plimsoll_parser::shell::{basename, ShellScript, Word};
use plimsoll_parser::{Arguments, Instruction, Keyword};

/// Programs that, run without arguments, only give a prompt: shells and interpreters.
pub(crate) const PROMPTS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "fish", "pwsh", "python", "python2", "python3", "pypy",
    "pypy3", "node", "irb", "ruby", "php", "perl", "julia", "ghci", "iex", "erl", "jshell",
];

/// Inits, which run the command given to them.
const INITS: &[&str] = &["tini", "tini-static", "dumb-init", "catatonit"];

/// How [`command_lines`] reads an exec form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExecForm {
    /// Every word as written: only `sh -c SCRIPT` (the flag `-c` itself) runs a script.
    AsWritten,
    /// Through an init to the program it runs (`tini -s -- app`, `dumb-init app`), and a
    /// shell flag cluster with `c` (`sh -ec SCRIPT`) runs a script too.
    ThroughInit,
}

/// The commands a CMD or ENTRYPOINT runs, each as its static words (a dynamic word is
/// kept as written). A shell form, or an exec form running `sh -c SCRIPT`, is split into
/// the script's commands.
pub(crate) fn command_lines(instruction: &Instruction, form: ExecForm) -> Vec<Vec<String>> {
    match &instruction.args {
        Arguments::Exec(words) => {
            let mut values: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
            if form == ExecForm::ThroughInit {
                values = skip_inits(values);
            }
            let is_shell = values
                .first()
                .is_some_and(|p| matches!(basename(p), "sh" | "bash" | "ash" | "dash"));
            if is_shell {
                let takes_script = |v: &str| match form {
                    ExecForm::AsWritten => v == "-c",
                    ExecForm::ThroughInit => {
                        v.starts_with('-') && !v.starts_with("--") && v.contains('c')
                    }
                };
                let script = values
                    .iter()
                    .position(|v| takes_script(v))
                    .and_then(|at| values.get(at + 1));
                if let Some(script) = script {
                    return script_lines(script);
                }
            }
            if values.is_empty() {
                Vec::new()
            } else {
                vec![values.iter().map(|v| v.to_string()).collect()]
            }
        }
        Arguments::Text(word) => script_lines(&word.value),
        _ => Vec::new(),
    }
}

/// The words after an init and its options: `tini -s -- app`, `dumb-init app`.
fn skip_inits(mut values: Vec<&str>) -> Vec<&str> {
    while values.first().is_some_and(|p| INITS.contains(&basename(p))) {
        let rest = values.iter().skip(1).position(|v| !v.starts_with('-'));
        let dashdash = values.iter().position(|v| *v == "--");
        let start = match (dashdash, rest) {
            (Some(at), _) => at + 1,
            (None, Some(at)) => at + 1,
            (None, None) => values.len(),
        };
        values = values.split_off(start.min(values.len()));
    }
    values
}

/// The commands of a shell script, each as its words (dynamic words as written).
fn script_lines(script: &str) -> Vec<Vec<String>> {
    ShellScript::parse_text(script)
        .commands()
        .filter_map(|command| {
            let invocation = command.unwrapped();
            let name = invocation.name?;
            let mut words = vec![name.as_str().unwrap_or(&name.text).to_string()];
            words.extend(
                invocation
                    .args
                    .iter()
                    .map(|w| w.as_str().unwrap_or(&w.text).to_string()),
            );
            Some(words)
        })
        .collect()
}

/// The ENTRYPOINT and CMD in effect at the end of a chain (the last of each).
pub(crate) fn image_command<'m>(
    instructions: &[&'m Instruction],
) -> (Option<&'m Instruction>, Option<&'m Instruction>) {
    let last = |keyword: Keyword| {
        instructions
            .iter()
            .rev()
            .find(|i| i.keyword == keyword)
            .copied()
    };
    (last(Keyword::Entrypoint), last(Keyword::Cmd))
}

/// Whether an ENTRYPOINT only wraps the CMD: an init (`tini`, `dumb-init`) or an
/// entrypoint script (`docker-entrypoint.sh`), with no command of its own.
pub(crate) fn is_wrapper_entrypoint(lines: &[Vec<String>]) -> bool {
    lines.iter().all(|line| {
        line.iter().all(|word| {
            let name = basename(word);
            word.starts_with('-')
                || name.contains("entrypoint")
                || INITS.contains(&name)
                || name == "$@"
        })
    })
}

/// Whether the script runs `rm` on `dir`, its content (`dir/*`) or a parent directory.
pub(crate) fn removes_path(script: &ShellScript, dir: &str) -> bool {
    script.commands().any(|command| {
        let rm = command.unwrapped();
        rm.is("rm")
            && rm.args.iter().filter_map(|w| w.as_str()).any(|arg| {
                let arg = arg.trim_end_matches("/*").trim_end_matches('/');
                !arg.is_empty() && (dir == arg || dir.starts_with(&format!("{arg}/")))
            })
    })
}

/// A program's subcommand: its first argument that is neither an option nor the value of an
/// option for which `takes_value` holds; `None` when a dynamic word comes first.
pub(crate) fn subcommand(args: &[Word], takes_value: impl Fn(&str) -> bool) -> Option<&Word> {
    let mut skip_value = false;
    for word in args {
        if skip_value {
            skip_value = false;
            continue;
        }
        let value = word.as_str()?;
        if value.starts_with('-') {
            skip_value = takes_value(value);
            continue;
        }
        return Some(word);
    }
    None
}
