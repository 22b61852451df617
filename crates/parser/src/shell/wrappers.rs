//! Commands that run another command: `sudo`, `env`, `exec`, `nohup`, `time`, …
//!
//! Each wrapper is described by the options it accepts; an option that is not known, or an
//! option word that is not static, stops the unwrapping (we would rather not look through
//! than look through wrongly).

use super::Word;

struct Spec {
    /// Single-letter options without a value.
    flags: &'static str,
    /// Single-letter options taking a value (glued or in the next word).
    with_value: &'static str,
    /// Single-letter options that mean the wrapper does not run a command.
    reject: &'static str,
    /// Long options without a value (`--name` or `--name=…`).
    long_flags: &'static [&'static str],
    /// Long options taking a value (`--name=value` or `--name value`).
    long_with_value: &'static [&'static str],
    /// `-N` / `--N` numeric options (nice's adjustment).
    numeric: bool,
    /// `-` alone is an option (env's `-i`).
    lone_dash: bool,
    /// `NAME=value` words may come before the command.
    assignments: bool,
    /// Operands before the command (timeout's duration).
    operands: usize,
}

const NONE: Spec = Spec {
    flags: "",
    with_value: "",
    reject: "",
    long_flags: &[],
    long_with_value: &[],
    numeric: false,
    lone_dash: false,
    assignments: false,
    operands: 0,
};

fn spec(program: &str) -> Option<Spec> {
    Some(match program {
        "sudo" => Spec {
            flags: "AbEHiknPSs",
            with_value: "ugCDprtTU",
            reject: "eKlVvh",
            long_flags: &[
                "askpass",
                "background",
                "preserve-env",
                "set-home",
                "login",
                "non-interactive",
                "preserve-groups",
                "stdin",
                "shell",
                "reset-timestamp",
            ],
            long_with_value: &[
                "user",
                "group",
                "close-from",
                "chdir",
                "prompt",
                "role",
                "type",
                "command-timeout",
                "other-user",
                "host",
            ],
            assignments: true,
            ..NONE
        },
        "env" => Spec {
            flags: "i0v",
            with_value: "uC",
            reject: "S",
            long_flags: &["ignore-environment", "null", "debug"],
            long_with_value: &["unset", "chdir"],
            lone_dash: true,
            assignments: true,
            ..NONE
        },
        "exec" => Spec {
            flags: "cl",
            with_value: "a",
            ..NONE
        },
        "nohup" | "builtin" => NONE,
        "time" => Spec {
            flags: "pqva",
            with_value: "fo",
            long_flags: &["portability", "verbose", "append", "quiet"],
            long_with_value: &["format", "output"],
            ..NONE
        },
        "command" => Spec {
            flags: "p",
            reject: "vV",
            ..NONE
        },
        "nice" => Spec {
            with_value: "n",
            long_with_value: &["adjustment"],
            numeric: true,
            ..NONE
        },
        "timeout" => Spec {
            flags: "v",
            with_value: "sk",
            long_flags: &["preserve-status", "foreground", "verbose"],
            long_with_value: &["signal", "kill-after"],
            operands: 1,
            ..NONE
        },
        _ => return None,
    })
}

/// `NAME=…` (the value may be dynamic).
fn is_assignment(text: &str) -> bool {
    let Some((name, _)) = text.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The index in `args` of the command that the wrapper `program` runs, or `None` if
/// `program` is not a wrapper, an option is not understood, or there is no command.
pub(super) fn wrapped_command_start(program: &str, args: &[Word]) -> Option<usize> {
    let spec = spec(program)?;
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        if spec.assignments && is_assignment(&word.text) {
            break;
        }
        let v = word.as_str()?;
        if v == "--" {
            i += 1;
            break;
        }
        if v == "-" && spec.lone_dash {
            i += 1;
            continue;
        }
        if !v.starts_with('-') || v == "-" {
            break;
        }
        if spec.numeric && v.trim_start_matches('-').parse::<i64>().is_ok() {
            i += 1;
            continue;
        }
        if let Some(long) = v.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            if spec.long_flags.contains(&name) {
                i += 1;
            } else if spec.long_with_value.contains(&name) {
                i += if value { 1 } else { 2 };
            } else {
                return None;
            }
            continue;
        }
        let letters = &v[1..];
        let mut step = 1;
        for (pos, c) in letters.char_indices() {
            if spec.reject.contains(c) {
                return None;
            }
            if spec.flags.contains(c) {
                continue;
            }
            if spec.with_value.contains(c) {
                if pos + c.len_utf8() == letters.len() {
                    step = 2;
                }
                break;
            }
            return None;
        }
        i += step;
    }
    if spec.assignments {
        while args.get(i).is_some_and(|w| is_assignment(&w.text)) {
            i += 1;
        }
    }
    i += spec.operands;
    (i < args.len()).then_some(i)
}
