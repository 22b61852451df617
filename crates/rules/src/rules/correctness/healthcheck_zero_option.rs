use crate::checker::Checker;
use crate::declare_rule;
use crate::registry::{Rule, Target};
use crate::rules::helpers::expansion::has_syntax_error;
use plimsoll_parser::{Arguments, Instruction, Keyword};
use regex::Regex;
use std::sync::LazyLock;

declare_rule! {
    /// ## What it does
    /// Reports a `HEALTHCHECK` option set to zero where zero means "the default":
    /// `--interval=0s`, `--timeout=0`, `--start-interval=0s` and `--retries=0`.
    ///
    /// ## Why
    /// Docker stores zero as "not set" and the container then uses the default: a check
    /// every 30 seconds, a 30-second timeout, 5 seconds between checks during the start
    /// period, and 3 retries. `--retries=0` does not make the first failure fatal, and
    /// `--timeout=0s` does not remove the timeout. (`--start-period=0s` is not reported:
    /// its default is zero.)
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM nginx:1.27
    /// HEALTHCHECK --retries=0 CMD curl -f http://localhost/ || exit 1
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM nginx:1.27
    /// HEALTHCHECK --retries=1 CMD curl -f http://localhost/ || exit 1
    /// ```
    ///
    /// ## Fix
    /// None: whether to drop the option or to choose another value is the author's call.
    pub struct HealthcheckZeroOption {
        code: "PL123",
        name: "healthcheck-zero-option",
        category: Correctness,
        severity: Warning,
        fix: None,
        since: "0.1.0",
        targets: [Target::Instruction(&[Keyword::Healthcheck])],
    }
}

/// A Go duration whose numbers are all zero (`0`, `0s`, `0.0ms`, `0h0m`).
static ZERO_DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[+-]?(?:0|(?:(?:0+\.?0*|\.0+)(?:ns|us|µs|μs|ms|s|m|h))+)$")
        .expect("the zero duration pattern compiles")
});

impl Rule for HealthcheckZeroOption {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        let Arguments::Healthcheck { kind, .. } = &instruction.args else {
            return;
        };
        // BuildKit reads no option of `HEALTHCHECK NONE`.
        if !kind.value.eq_ignore_ascii_case("cmd") {
            return;
        }
        for flag in &instruction.flags {
            let Some(value) = flag.value.as_deref() else {
                continue;
            };
            if has_syntax_error(checker.model, flag.range) {
                continue;
            }
            let default = match flag.name.as_str() {
                "interval" | "timeout" if ZERO_DURATION.is_match(value) => "30s",
                "start-interval" if ZERO_DURATION.is_match(value) => "5s",
                "retries" if is_zero_integer(value) => "3",
                _ => continue,
            };
            let message = format!(
                "`--{}={value}` does not set zero: Docker reads zero as unset and uses the \
                 default, {default}",
                flag.name
            );
            checker.report(flag.range, message);
        }
    }
}

/// Go's `strconv.ParseInt` reading zero: an optional sign and zeros.
fn is_zero_integer(value: &str) -> bool {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    !digits.is_empty() && digits.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::{is_zero_integer, ZERO_DURATION};

    #[test]
    fn zeros() {
        for zero in ["0", "-0", "0s", "0.0ms", "0h0m0s", ".0s", "00s"] {
            assert!(ZERO_DURATION.is_match(zero), "{zero}");
        }
        for other in ["1s", "0.5s", "10s", "", "s", "0x", "0h1m"] {
            assert!(!ZERO_DURATION.is_match(other), "{other}");
        }
        assert!(is_zero_integer("0"));
        assert!(is_zero_integer("+00"));
        assert!(!is_zero_integer("3"));
        assert!(!is_zero_integer(""));
    }
}
