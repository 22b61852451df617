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

#[cfg(test)]
mod tests {
    use crate::shell::{Command, Invocation, ShellScript};
    use crate::text::SourceMap;
    use proptest::prelude::*;

    /// Whether two invocations are the same view of the same words (not only equal words:
    /// `sudo sudo ls` has two `sudo`).
    fn same_view(a: Invocation<'_>, b: Invocation<'_>) -> bool {
        a.name.map(std::ptr::from_ref) == b.name.map(std::ptr::from_ref)
            && std::ptr::eq(a.args, b.args)
    }

    /// Checks that the unwrapping worked out when parsing is the one found wrapper by
    /// wrapper, for every command of `script`.
    fn check_precomputed(script: &ShellScript) {
        for command in script.commands() {
            let precomputed = command.unwrapped();
            let step_by_step = command.invocation().unwrapped();
            assert!(
                same_view(precomputed, step_by_step),
                "{:?}: {:?} instead of {:?}",
                command.name_str(),
                precomputed.name_str(),
                step_by_step.name_str(),
            );
        }
    }

    fn first(script: &ShellScript) -> &Command {
        script.commands().next().expect("a command")
    }

    /// The program and arguments of the first command, unwrapped.
    fn unwrapped(src: &str) -> (Option<String>, Vec<String>) {
        let script = ShellScript::parse_text(src);
        check_precomputed(&script);
        let inner = first(&script).unwrapped();
        let args = inner.args.iter().map(|w| w.text.clone()).collect();
        (inner.program().map(str::to_string), args)
    }

    #[test]
    fn nested_wrappers_are_looked_through_at_parse_time() {
        let (program, args) = unwrapped("sudo -u x env A=1 nice apt-get install -y curl");
        assert_eq!(program.as_deref(), Some("apt-get"));
        assert_eq!(args, ["install", "-y", "curl"]);
        let (program, args) = unwrapped("/usr/bin/sudo -E -- timeout -s KILL 5 nohup ls -l");
        assert_eq!(program.as_deref(), Some("ls"));
        assert_eq!(args, ["-l"]);
        let (program, args) = unwrapped("builtin command -p exec -a name nice -5 make all");
        assert_eq!(program.as_deref(), Some("make"));
        assert_eq!(args, ["all"]);
        // Stops at the first wrapper it cannot read.
        let (program, args) = unwrapped("sudo env -S 'a b' apt-get");
        assert_eq!(program.as_deref(), Some("env"));
        assert_eq!(args, ["-S", "'a b'", "apt-get"]);
    }

    #[test]
    fn commands_that_are_not_looked_through_stay_as_written() {
        for src in [
            "apt-get install -y curl",
            "sudo",
            "sudo -u",
            "sudo $OPTS apt-get",
            "command -v curl",
            "timeout 10",
            "exec > log",
            "FOO=1",
            "> file",
            "$CC -o x x.c",
        ] {
            let script = ShellScript::parse_text(src);
            check_precomputed(&script);
            let command = first(&script);
            assert!(
                same_view(command.unwrapped(), command.invocation()),
                "{src}"
            );
        }
    }

    #[test]
    fn precomputed_unwrapping_matches_everywhere_in_a_script() {
        let script = ShellScript::parse_text(
            "set -eux; sudo -E env LANG=C apt-get update \
             && echo $(sudo nice -n 10 id -u) | sudo tee /etc/x > /dev/null \
             && if command -p true; then time -p nohup make -j4; fi \
             && cat <<EOF | sudo -u app env A=1 B=$X sh -s\n sudo ls\nEOF\n\
             ( timeout --signal=KILL 3s env - PATH=/bin ls ) 2>/dev/null || exec env \"$@\"",
        );
        assert!(!script.has_errors(), "{:?}", script.errors());
        check_precomputed(&script);
        // Redirections between the words (they are attached after the command is built).
        check_precomputed(&ShellScript::parse_text(
            "sudo 2>/dev/null env > log A=1 ls -a",
        ));
        // Commands rebuilt from a syntax error.
        let broken = ShellScript::parse_text("sudo env apt-get install ( curl && sudo -u x ls )");
        assert!(broken.has_errors());
        check_precomputed(&broken);
    }

    #[test]
    fn a_script_from_the_cache_keeps_its_unwrapping() {
        let src = "sudo -u x env A=1 nice apt-get install -y curl && sudo ls";
        let len = u32::try_from(src.len()).expect("short");
        let here = ShellScript::parse(src, SourceMap::contiguous(0, len));
        // The same script elsewhere in a file: a moved copy of the cached model.
        let moved = ShellScript::parse(src, SourceMap::contiguous(1000, len));
        for script in [&here, &moved] {
            check_precomputed(script);
            let programs: Vec<_> = script.commands().map(|c| c.unwrapped().program()).collect();
            assert_eq!(programs, [Some("apt-get"), Some("ls")]);
        }
        let clone = moved.clone();
        check_precomputed(&clone);
        let curl = src.find("curl").expect("in the script") + 1000;
        assert_eq!(
            first(&clone).unwrapped().args[2].range.as_usize().start,
            curl
        );
    }

    /// Words that make wrappers, their options, and the shell syntax around them.
    fn wrapper_words() -> impl Strategy<Value = String> {
        const VOCABULARY: &str = "sudo env nice timeout nohup exec time command builtin \
            -u x -E -n 5 -5 -s KILL 10 -p -v -a -i - -- --user=x --preserve-env A=1 B=$V $V \
            \"$@\" /usr/bin/env apt-get install -y ls | && ; 2>/dev/null > log $( ) ( { }";
        let words: Vec<&str> = VOCABULARY.split_whitespace().collect();
        prop::collection::vec(prop::sample::select(words), 0..14).prop_map(|words| words.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn precomputed_unwrapping_is_the_step_by_step_one(src in wrapper_words()) {
            check_precomputed(&ShellScript::parse_text(&src));
        }
    }
}
