use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::registry::{Rule, Target};
use crate::rules::helpers::expansion::has_syntax_error;
use plimsoll_parser::{Arguments, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a flag written with `=` and nothing after it, where BuildKit accepts the empty
    /// value without a word: `COPY --from= …`, `COPY --chown= …`, `ADD --chmod= …`,
    /// `ADD --checksum= …`, `FROM --platform= …`, and the `HEALTHCHECK` options.
    ///
    /// Empty values BuildKit rejects (`--mount=`, `--network=`, `--link=`, …) are syntax
    /// errors (PL109) and are not reported here; nor are values that come from a variable.
    ///
    /// ## Why
    /// BuildKit treats an empty value as if the flag were not there. The missing value is
    /// usually a mistake, and its effect can be far from harmless: `COPY --from= /app /app`
    /// copies from the build context instead of from a stage, `--chown=` leaves the files
    /// owned by root, `--checksum=` skips the verification of a download, and
    /// `HEALTHCHECK --interval=` uses the default interval.
    ///
    /// ## Example
    /// ```dockerfile invalid
    /// FROM golang:1.23 AS build
    /// RUN go build -o /app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from= /app /app
    /// ```
    ///
    /// ```dockerfile valid
    /// FROM golang:1.23 AS build
    /// RUN go build -o /app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Fix
    /// Display-only: removing the flag keeps what the build does today, but the value that
    /// is missing is the author's to write.
    pub struct EmptyFlagValue {
        code: "PL124",
        name: "empty-flag-value",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        since: "0.1.0",
        targets: [Target::Instruction(&[
            Keyword::Add,
            Keyword::Copy,
            Keyword::From,
            Keyword::Healthcheck,
        ])],
    }
}

impl Rule for EmptyFlagValue {
    fn instruction(&self, checker: &mut Checker<'_>, instruction: &Instruction) {
        for flag in &instruction.flags {
            if flag.value.as_deref() != Some("") || !ignores_empty(instruction, &flag.name) {
                continue;
            }
            if has_syntax_error(checker.model, flag.range) {
                continue;
            }
            let written = checker.text(flag.range);
            let effect = match flag.name.as_str() {
                "from" => "the files are copied from the build context",
                "chown" => "the files are owned by root",
                "chmod" => "the files keep their permissions",
                "checksum" => "the download is not verified",
                "platform" => "the stage is built for the default platform",
                _ => "the default is used",
            };
            let message =
                format!("`{written}` has an empty value, which BuildKit ignores: {effect}");
            let removal = removal_range(checker.source, flag.range);
            checker
                .report(flag.range, message)
                .set_fix(Fix::display_only(
                    format!("Remove `{written}`"),
                    vec![Edit::delete(removal)],
                ));
        }
    }
}

/// Whether BuildKit reads an empty value of this flag as "not given" (the flags it rejects
/// when empty are syntax errors; `--exclude=` adds an empty pattern).
fn ignores_empty(instruction: &Instruction, flag: &str) -> bool {
    match instruction.keyword {
        Keyword::Copy => matches!(flag, "from" | "chown" | "chmod"),
        Keyword::Add => matches!(flag, "chown" | "chmod" | "checksum"),
        Keyword::From => flag == "platform",
        // BuildKit reads no option of `HEALTHCHECK NONE`.
        Keyword::Healthcheck => {
            matches!(&instruction.args, Arguments::Healthcheck { kind, .. } if kind.value.eq_ignore_ascii_case("cmd"))
                && matches!(
                    flag,
                    "interval" | "timeout" | "start-period" | "start-interval" | "retries"
                )
        }
        _ => false,
    }
}

/// The flag and the blanks after it on its line.
fn removal_range(source: &str, flag: TextRange) -> TextRange {
    let rest = source.get(flag.end as usize..).unwrap_or("");
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    TextRange::new(flag.start, flag.end + blanks as u32)
}
