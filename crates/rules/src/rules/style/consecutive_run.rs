use crate::checker::Checker;
use crate::declare_rule;
use crate::model::{InstructionId, SemanticModel};
use crate::registry::{Rule, Target};
use crate::rules::helpers::shells::is_option_cluster;
use plimsoll_parser::shell::{basename, ShellScript};
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that directly follows another `RUN` (comments between them do not
    /// count) when each runs a single command and both have the same flags (`--mount`,
    /// `--network`, `--security`).
    ///
    /// ## Why
    /// Every `RUN` adds a layer and a step to the build. Two single-command steps in a row,
    /// `RUN apt-get update` then `RUN apt-get install …`, are one step written twice: joined
    /// with `&&` they build and cache together, and files the first one leaves behind can be
    /// removed before the layer is written.
    ///
    /// As in hadolint, `RUN`s that already chain several commands are not reported (the
    /// split is deliberate), nor `RUN`s whose flags differ (they cannot be merged as they
    /// are). Unlike hadolint, the order of `--mount` options does not matter, and a command
    /// whose name is a variable (`$CC …`) counts as a command.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM debian:bookworm
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM debian:bookworm
    /// RUN apt-get update \
    ///     && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// None: merging steps changes the layer cache and may need reordering; it is left to
    /// the author.
    pub struct ConsecutiveRun {
        code: "DL3059",
        name: "consecutive-run",
        category: Style,
        severity: Info,
        fix: None,
        since: "0.1.0",
        targets: [Target::File],
    }
}

/// The RUN seen last: its id, flags and number of commands.
struct Previous {
    id: InstructionId,
    flags: Vec<(String, Vec<String>)>,
    commands: usize,
}

impl Rule for ConsecutiveRun {
    fn file(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let mut previous: Option<Previous> = None;
        for (id, instruction) in model.file.instructions.iter().enumerate() {
            if instruction.keyword != Keyword::Run {
                previous = None;
                continue;
            }
            let Some(commands) = command_count(model, id, instruction) else {
                previous = None;
                continue;
            };
            let flags = normalized_flags(instruction);
            if let Some(before) = &previous {
                if before.flags == flags && before.commands <= 1 && commands <= 1 {
                    let related = model.instruction(before.id).range;
                    checker
                        .report(
                            instruction.range,
                            "Multiple consecutive `RUN` instructions. Consider consolidation",
                        )
                        .add_related(related, "the previous `RUN`");
                    continue;
                }
            }
            previous = Some(Previous {
                id,
                flags,
                commands,
            });
        }
    }
}

/// The number of named commands a RUN runs (nested ones included), its heredoc scripts
/// included; `sh -c SCRIPT` counts the commands of `SCRIPT`. `None` when the script was not
/// read (a shell that is not POSIX).
fn command_count(
    model: &SemanticModel,
    id: InstructionId,
    instruction: &Instruction,
) -> Option<usize> {
    if let Arguments::Exec(words) = &instruction.args {
        let words: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
        return Some(inline_script_count(&words).unwrap_or(1));
    }
    let mut runs = model.runs_of(id).peekable();
    runs.peek()?;
    Some(
        runs.flat_map(|run| run.script.commands())
            .filter(|c| c.name.is_some())
            .map(|c| {
                let words: Vec<&str> = std::iter::once(c.name.as_ref())
                    .flatten()
                    .chain(&c.args)
                    .map(|w| {
                        w.as_str().unwrap_or_else(|| {
                            let text = w.text.as_str();
                            text.strip_prefix('"')
                                .and_then(|t| t.strip_suffix('"'))
                                .unwrap_or(text)
                        })
                    })
                    .collect();
                inline_script_count(&words).unwrap_or(1)
            })
            .sum(),
    )
}

/// For a shell given its script as an argument (`sh -c SCRIPT`, `powershell -Command
/// SCRIPT`, `cmd /c SCRIPT`), the number of commands of the script: counted for POSIX
/// shells, 2 for other shells when the script has a `;`, `&&` or a line break.
fn inline_script_count(words: &[&str]) -> Option<usize> {
    let program = basename(words.first()?).to_ascii_lowercase();
    let program = program.strip_suffix(".exe").unwrap_or(&program);
    let posix = matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh");
    if !posix && !matches!(program, "powershell" | "pwsh" | "cmd") {
        return None;
    }
    let at = words.iter().position(|w| {
        let lower = w.to_ascii_lowercase();
        if posix {
            is_option_cluster(w) && w.contains('c')
        } else {
            matches!(lower.as_str(), "/c" | "-c" | "-command")
        }
    })?;
    let script = words.get(at + 1)?;
    if posix {
        let count = ShellScript::parse_text(script)
            .commands()
            .filter(|c| c.name.is_some())
            .count();
        Some(count.max(1))
    } else if script.contains(';') || script.contains("&&") || script.contains('\n') {
        Some(2)
    } else {
        Some(1)
    }
}

/// The flags, sorted, with the comma-separated options of each value sorted: two RUNs
/// with the same mounts written in another order have equal flags.
fn normalized_flags(instruction: &Instruction) -> Vec<(String, Vec<String>)> {
    let mut flags: Vec<(String, Vec<String>)> = instruction
        .flags
        .iter()
        .map(|flag| {
            let mut options: Vec<String> = flag
                .value
                .as_deref()
                .unwrap_or("")
                .split(',')
                .map(|o| o.trim().to_string())
                .collect();
            options.sort();
            (flag.name.to_ascii_lowercase(), options)
        })
        .collect();
    flags.sort();
    flags
}
