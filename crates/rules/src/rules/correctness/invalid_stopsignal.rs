use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::expansion::{expand_word, is_onbuild_trigger};
use crate::rules::helpers::typos::{close_matches, typo_distance};
use plimsoll_parser::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a `STOPSIGNAL` that is not a signal BuildKit knows: a name that is not a
    /// Linux signal (`SIGTERMINATE`, `SIGTERM extra`), or a number outside 1–64. Values with a
    /// variable are checked once expanded, and skipped when the variable has no value.
    ///
    /// ## Why
    /// BuildKit checks the signal when it builds the stage and stops with
    /// `Invalid signal: …`. Names are read without case and with or without the `SIG`
    /// prefix (`SIGTERM`, `term`, `15` are all fine), but anything else fails the build.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// STOPSIGNAL SIGQUITE
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27
    /// STOPSIGNAL SIGQUIT
    /// ```
    ///
    /// ## Fix
    /// When one known signal name is closer to the value than any other, at most two typing
    /// mistakes away (`SIGTREM`), or the value is a valid signal followed by extra words
    /// (`SIGTERM graceful`), the fix writes that signal. It is unsafe: the signal the
    /// container receives on `docker stop` changes from a build error to the one guessed.
    pub struct InvalidStopsignal {
        code: "PL122",
        name: "invalid-stopsignal",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Stopsignal])],
    }
}

/// The signal names of `moby/sys/signal` on Linux, without `SIG`.
const SIGNALS: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL",
    "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP",
    "TTIN", "TTOU", "UNUSED", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
];

/// The highest real-time signal on Linux.
const SIGRTMAX: u32 = 64;

impl Rule for InvalidStopsignal {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let model = checker.model;
        if is_onbuild_trigger(model, instruction) {
            return;
        }
        let Arguments::Text(word) = &instruction.args else {
            return;
        };
        let Some(id) = model.id_of(instruction) else {
            return;
        };
        let Some(value) = expand_word(model, id, &word.value) else {
            return;
        };
        if is_signal(&value) {
            return;
        }
        let literal = !word.value.contains(['$', '"', '\'', model.file.escape]);
        let replacement = literal.then(|| correction(&value)).flatten();
        let diagnostic = checker.report(word.range, format!("Invalid signal: {value}"));
        if let Some(signal) = replacement {
            diagnostic.set_fix(Fix::unsafe_edit(
                format!("Use `{signal}`"),
                vec![Edit::replace(word.range, signal)],
            ));
        }
    }
}

/// `signal.ParseSignal`: a number from 1 to 64, or a name from the table (any case, `SIG`
/// prefix optional), including the real-time names `RTMIN+n` and `RTMAX-n`.
fn is_signal(value: &str) -> bool {
    if let Some(number) = go_atoi(value) {
        return number > 0 && number <= i64::from(SIGRTMAX);
    }
    let upper = value.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS.contains(&name) || is_realtime(name)
}

/// `RTMIN`, `RTMIN+1` … `RTMIN+15`, `RTMAX-14` … `RTMAX-1`, `RTMAX`.
fn is_realtime(name: &str) -> bool {
    let offset = |rest: &str| {
        rest.parse::<u32>()
            .ok()
            .filter(|n| (1..=15).contains(n) && !rest.starts_with('0'))
    };
    match name {
        "RTMIN" | "RTMAX" => true,
        _ => {
            if let Some(rest) = name.strip_prefix("RTMIN+") {
                offset(rest).is_some()
            } else if let Some(rest) = name.strip_prefix("RTMAX-") {
                offset(rest).is_some_and(|n| n <= 14)
            } else {
                false
            }
        }
    }
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits.
fn go_atoi(value: &str) -> Option<i64> {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<i64>().ok()
}

/// The signal the author most likely meant: the first word when it is a signal and more
/// follows, else the one signal name within two edits.
fn correction(value: &str) -> Option<String> {
    let mut words = value.split_whitespace();
    let first = words.next()?;
    if words.next().is_some() {
        return is_signal(first).then(|| first.to_string());
    }
    let upper = value.to_ascii_uppercase();
    let prefixed = upper.starts_with("SIG");
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    let close = close_matches(name, SIGNALS.iter().copied().filter(|s| *s != "UNUSED"));
    // The closest signal, when no other is as close.
    let signal = match close.as_slice() {
        [only] => *only,
        [first, second, ..] if typo_distance(name, first) < typo_distance(name, second) => *first,
        _ => return None,
    };
    if name.len() <= 2 {
        return None;
    }
    let spelled = if prefixed {
        format!("SIG{signal}")
    } else {
        signal.to_string()
    };
    Some(if value == value.to_lowercase() {
        spelled.to_lowercase()
    } else {
        spelled
    })
}

#[cfg(test)]
mod tests {
    use super::{correction, is_signal};

    #[test]
    fn signals() {
        for valid in [
            "SIGTERM",
            "sigterm",
            "TERM",
            "term",
            "15",
            "+15",
            "64",
            "SIGRTMIN+3",
            "RTMAX-14",
            "SIGWINCH",
            "sigkill",
        ] {
            assert!(is_signal(valid), "{valid}");
        }
        for invalid in [
            "",
            "0",
            "-1",
            "65",
            "SIGTERMINATE",
            "SIGTERM extra",
            "SIGRTMIN+16",
            "RTMAX-15",
            "SIGINFO",
            "15s",
        ] {
            assert!(!is_signal(invalid), "{invalid}");
        }
    }

    #[test]
    fn corrections() {
        assert_eq!(correction("SIGTREM").as_deref(), Some("SIGTERM"));
        assert_eq!(correction("sigquite").as_deref(), Some("sigquit"));
        assert_eq!(correction("SIGTERM graceful").as_deref(), Some("SIGTERM"));
        assert_eq!(correction("SIGFOOBAR"), None);
        // Several signals are close to a short name.
        assert_eq!(correction("SIGIN"), None);
    }
}
