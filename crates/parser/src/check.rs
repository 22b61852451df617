//! The checks BuildKit makes after parsing (`instructions.Parse`), reported in BuildKit's
//! words. Unlike BuildKit, every instruction is checked, not only up to the first error.

use crate::diagnostic::{SyntaxCode, SyntaxDiagnostic};
use crate::syntax::{Arguments, Dockerfile, Flag, Instruction, Keyword};
use crate::text::TextRange;

/// How a flag takes its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    /// `--link`, `--link=true|false`.
    Bool,
    /// `--from=x`, once.
    String,
    /// `--mount=…`, may repeat.
    Strings,
}

use FlagKind::{Bool, String as Str, Strings};

/// The flags each instruction accepts.
fn allowed_flags(keyword: Keyword) -> &'static [(&'static str, FlagKind)] {
    match keyword {
        Keyword::From => &[("platform", Str)],
        Keyword::Copy => &[
            ("from", Str),
            ("chown", Str),
            ("chmod", Str),
            ("link", Bool),
            ("parents", Bool),
            ("exclude", Strings),
        ],
        Keyword::Add => &[
            ("chown", Str),
            ("chmod", Str),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", Str),
            ("exclude", Strings),
            ("unpack", Bool),
        ],
        Keyword::Run => &[
            ("mount", Strings),
            ("network", Str),
            ("security", Str),
            ("device", Strings),
        ],
        Keyword::Healthcheck => &[
            ("interval", Str),
            ("timeout", Str),
            ("start-period", Str),
            ("start-interval", Str),
            ("retries", Str),
        ],
        _ => &[],
    }
}

/// The syntax errors BuildKit's instruction parser would report for `file`.
pub(crate) fn check(file: &Dockerfile) -> Vec<SyntaxDiagnostic> {
    let mut out = Vec::new();
    let mut seen_from = false;
    for instruction in &file.instructions {
        if instruction.keyword == Keyword::From {
            seen_from = true;
        }
        let before = out.len();
        check_instruction(instruction, &mut out);
        if !seen_from
            && out.len() == before
            && !matches!(instruction.keyword, Keyword::Arg | Keyword::From)
            && !out
                .iter()
                .any(|d: &SyntaxDiagnostic| d.code == SyntaxCode::NoBuildStage)
        {
            out.push(SyntaxDiagnostic::new(
                SyntaxCode::NoBuildStage,
                instruction.range,
                "no build stage in current context",
            ));
        }
    }
    out
}

fn error(out: &mut Vec<SyntaxDiagnostic>, code: SyntaxCode, range: TextRange, message: String) {
    out.push(SyntaxDiagnostic::new(code, range, message));
}

fn check_instruction(instruction: &Instruction, out: &mut Vec<SyntaxDiagnostic>) {
    let keyword = instruction.keyword;
    if keyword == Keyword::Unknown {
        let word = &instruction.keyword_text;
        let mut message = format!("unknown instruction: {word}");
        let names = Keyword::ALL.map(|k| k.as_str().to_ascii_lowercase());
        if let Some(close) = suggest(&word.to_ascii_lowercase(), names.iter().map(String::as_str)) {
            message.push_str(&format!(" (did you mean {close}?)"));
        }
        error(
            out,
            SyntaxCode::UnknownInstruction,
            instruction.keyword_range,
            message,
        );
        return;
    }
    if instruction.args == Arguments::Invalid {
        // Already reported by the parser.
        return;
    }
    let errors_before = out.len();
    check_flags(instruction, out);
    if out.len() > errors_before {
        return;
    }
    let name = keyword.as_str();
    let args = instruction.arg_values();
    let range = instruction.range;
    let count = |out: &mut Vec<SyntaxDiagnostic>, message: String| {
        error(out, SyntaxCode::WrongArgumentCount, range, message)
    };
    match keyword {
        Keyword::From => check_from(instruction, &args, out),
        Keyword::Env | Keyword::Label => {
            if args.is_empty() {
                count(out, format!("{name} requires at least one argument"));
            } else if let Arguments::KeyValues(pairs) = &instruction.args {
                for pair in pairs.iter().filter(|p| p.key.value.is_empty()) {
                    let message = format!("{name} names can not be blank");
                    error(out, SyntaxCode::InvalidKeyValue, pair.range, message);
                }
            }
        }
        Keyword::Arg => {
            if args.is_empty() {
                count(out, "ARG requires at least one argument".to_string());
            } else if let Arguments::List(words) = &instruction.args {
                for word in words.iter().filter(|w| w.value.starts_with('=')) {
                    let message = "ARG names can not be blank".to_string();
                    error(out, SyntaxCode::InvalidKeyValue, word.range, message);
                }
            }
        }
        Keyword::Maintainer | Keyword::Workdir | Keyword::User | Keyword::Stopsignal => {
            if args.len() != 1 {
                count(out, format!("{name} requires exactly one argument"));
            }
        }
        Keyword::Add | Keyword::Copy => {
            if args.len() < 2 {
                count(
                    out,
                    format!(
                        "{name} requires at least two arguments, but only one was provided. \
                         Destination could not be determined."
                    ),
                );
            }
        }
        Keyword::Expose => {
            if args.is_empty() {
                count(out, "EXPOSE requires at least one argument".to_string());
            }
        }
        Keyword::Volume => {
            if args.is_empty() {
                count(out, "VOLUME requires at least one argument".to_string());
            } else if args.iter().any(|a| a.trim().is_empty()) {
                let message = "VOLUME specified can not be an empty string".to_string();
                error(out, SyntaxCode::InvalidArgument, range, message);
            }
        }
        Keyword::Shell => {
            if args.is_empty() {
                count(out, "SHELL requires at least one argument".to_string());
            } else if !instruction.json {
                let message = "SHELL requires the arguments to be in JSON form".to_string();
                error(out, SyntaxCode::InvalidArgument, range, message);
            }
        }
        Keyword::Onbuild => check_onbuild(instruction, out),
        Keyword::Healthcheck => check_healthcheck(instruction, &args, out),
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Unknown => {}
    }
}

fn check_flags(instruction: &Instruction, out: &mut Vec<SyntaxDiagnostic>) {
    let allowed = allowed_flags(instruction.keyword);
    let mut used: Vec<&str> = Vec::new();
    for flag in &instruction.flags {
        let Some(&(_, kind)) = allowed.iter().find(|(n, _)| *n == flag.name) else {
            let mut message = format!("unknown flag: --{}", flag.name);
            if let Some(close) = suggest(&flag.name, allowed.iter().map(|(n, _)| *n)) {
                message.push_str(&format!(" (did you mean {close}?)"));
            }
            error(out, SyntaxCode::InvalidFlag, flag.range, message);
            continue;
        };
        if kind != Strings && used.contains(&flag.name.as_str()) {
            let message = format!("duplicate flag specified: {}", flag.name);
            error(out, SyntaxCode::InvalidFlag, flag.range, message);
            continue;
        }
        used.push(&flag.name);
        check_flag_value(flag, kind, out);
    }
}

fn check_flag_value(flag: &Flag, kind: FlagKind, out: &mut Vec<SyntaxDiagnostic>) {
    match (kind, &flag.value) {
        (Bool, Some(value))
            if !matches!(value.to_ascii_lowercase().as_str(), "" | "true" | "false") =>
        {
            let message = format!(
                "expecting boolean value for flag {}, not: {value}",
                flag.name
            );
            error(out, SyntaxCode::InvalidFlag, flag.range, message);
        }
        (Str | Strings, None) => {
            let message = format!("missing a value on flag: --{}", flag.name);
            error(out, SyntaxCode::InvalidFlag, flag.range, message);
        }
        _ => {}
    }
}

/// BuildKit's stage-name rule: `^[a-z][a-z0-9-_.]*$` after lower-casing.
fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

fn check_from(instruction: &Instruction, args: &[&str], out: &mut Vec<SyntaxDiagnostic>) {
    match args {
        [_] => {}
        [_, as_word, name] if as_word.eq_ignore_ascii_case("as") => {
            if !is_valid_stage_name(&name.to_lowercase()) {
                let range = match &instruction.args {
                    Arguments::List(words) => words[2].range,
                    _ => instruction.range,
                };
                let message = format!(
                    "invalid name for build stage: {}, name can't start with a number or contain symbols",
                    crate::dump::go_quote(name)
                );
                error(out, SyntaxCode::InvalidStageName, range, message);
            }
        }
        _ => {
            let message = "FROM requires either one or three arguments".to_string();
            error(
                out,
                SyntaxCode::WrongArgumentCount,
                instruction.range,
                message,
            );
        }
    }
}

fn check_onbuild(instruction: &Instruction, out: &mut Vec<SyntaxDiagnostic>) {
    let Some(child) = instruction.onbuild_child() else {
        let message = "ONBUILD requires at least one argument".to_string();
        error(
            out,
            SyntaxCode::WrongArgumentCount,
            instruction.range,
            message,
        );
        return;
    };
    let message = match child.keyword {
        Keyword::Onbuild => "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string(),
        Keyword::From | Keyword::Maintainer => {
            format!(
                "{} isn't allowed as an ONBUILD trigger",
                child.keyword.as_str()
            )
        }
        _ => {
            check_instruction(child, out);
            return;
        }
    };
    error(
        out,
        SyntaxCode::InvalidOnbuild,
        child.keyword_range,
        message,
    );
}

fn check_healthcheck(instruction: &Instruction, args: &[&str], out: &mut Vec<SyntaxDiagnostic>) {
    let range = instruction.range;
    let Some((kind, command)) = args.split_first() else {
        let message = "HEALTHCHECK requires at least one argument".to_string();
        error(out, SyntaxCode::WrongArgumentCount, range, message);
        return;
    };
    let mut bad = |message: String| error(out, SyntaxCode::InvalidHealthcheck, range, message);
    match kind.to_ascii_uppercase().as_str() {
        "NONE" => {
            if !command.is_empty() {
                bad("HEALTHCHECK NONE takes no arguments".to_string());
            }
        }
        "CMD" => {
            if command.is_empty() {
                bad("Missing command after HEALTHCHECK CMD".to_string());
            }
            for name in ["interval", "timeout", "start-period", "start-interval"] {
                let Some(value) = instruction.flag(name).and_then(|f| f.value.as_deref()) else {
                    continue;
                };
                if value.is_empty() {
                    continue;
                }
                match parse_go_duration(value) {
                    Err(message) => bad(message),
                    Ok(d) if d < 0 => bad(format!("Interval \"{name}\" cannot be negative")),
                    Ok(d) if d > 0 && d < 1_000_000 => {
                        bad(format!("Interval \"{name}\" cannot be less than 1ms"))
                    }
                    Ok(_) => {}
                }
            }
            if let Some(value) = instruction.flag("retries").and_then(|f| f.value.as_deref()) {
                if !value.is_empty() {
                    match value.parse::<i32>() {
                        Err(_) => bad(format!(
                            "strconv.ParseInt: parsing {}: invalid syntax",
                            crate::dump::go_quote(value)
                        )),
                        Ok(n) if n < 0 => bad(format!("--retries cannot be negative ({n})")),
                        Ok(_) => {}
                    }
                }
            }
        }
        _ => bad(format!(
            "Unknown type {} in HEALTHCHECK (try CMD)",
            crate::dump::go_quote(kind)
        )),
    }
}

/// Go's `time.ParseDuration`, in nanoseconds, with Go's error messages.
fn parse_go_duration(s: &str) -> Result<i128, String> {
    let invalid = || format!("time: invalid duration {}", crate::dump::go_quote(s));
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int, after) = rest.split_at(int_len);
        let (frac, after) = match after.strip_prefix('.') {
            Some(f) => {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                (Some(&f[..n]), &f[n..])
            }
            None => (None, after),
        };
        if int.is_empty() && frac.is_none_or(str::is_empty) {
            return Err(invalid());
        }
        let unit_len = after
            .char_indices()
            .find(|&(_, c)| c == '.' || c.is_ascii_digit())
            .map_or(after.len(), |(i, _)| i);
        let unit = &after[..unit_len];
        if unit.is_empty() {
            return Err(format!(
                "time: missing unit in duration {}",
                crate::dump::go_quote(s)
            ));
        }
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    crate::dump::go_quote(unit),
                    crate::dump::go_quote(s)
                ))
            }
        };
        let number: f64 = format!(
            "{}.{}",
            if int.is_empty() { "0" } else { int },
            frac.unwrap_or("0")
        )
        .parse()
        .map_err(|_| invalid())?;
        total += number * scale;
        if total > 9.3e18 {
            return Err(invalid());
        }
        rest = &after[unit_len..];
    }
    let ns = total as i128;
    Ok(if negative { -ns } else { ns })
}

/// The closest of `options` to `value` within an edit distance of 2, as BuildKit suggests.
fn suggest<'a>(value: &str, options: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for option in options {
        let distance = levenshtein(value, option);
        if distance < 3 && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, option));
        }
    }
    best.map(|(_, o)| o)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use crate::parse;

    fn messages(text: &str) -> Vec<String> {
        parse(text)
            .diagnostics
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn instruction_errors_in_buildkit_words() {
        assert_eq!(
            messages("FROM a\nBOGUS x\n"),
            ["unknown instruction: BOGUS"]
        );
        assert_eq!(
            messages("FROM a\nRUNN x\n"),
            ["unknown instruction: RUNN (did you mean run?)"]
        );
        assert_eq!(
            messages("FROM a\nCOPY --from a b\n"),
            ["missing a value on flag: --from"]
        );
        assert_eq!(
            messages("FROM a\nCOPY --user=me a b\n"),
            ["unknown flag: --user"]
        );
        assert_eq!(
            messages("FROM a\nCOPY --link=maybe a b\n"),
            ["expecting boolean value for flag link, not: maybe"]
        );
        assert_eq!(
            messages("FROM a AS 1st\n"),
            ["invalid name for build stage: \"1st\", name can't start with a number or contain symbols"]
        );
        assert_eq!(
            messages("FROM a b\n"),
            ["FROM requires either one or three arguments"]
        );
        assert_eq!(
            messages("RUN x\nFROM a\n"),
            ["no build stage in current context"]
        );
        assert_eq!(messages("ARG V=1\nFROM a\n"), Vec::<String>::new());
        assert_eq!(
            messages("FROM a\nHEALTHCHECK\n"),
            ["HEALTHCHECK requires at least one argument"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK CONNECT x\n"),
            ["Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --interval=1x CMD a\n"),
            ["time: unknown unit \"x\" in duration \"1x\""]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --interval=10us CMD a\n"),
            ["Interval \"interval\" cannot be less than 1ms"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --interval=1m30.5s --retries=3 CMD a\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages("FROM a\nONBUILD ONBUILD RUN x\n"),
            ["Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"]
        );
        assert_eq!(
            messages("FROM a\nONBUILD FROM b\n"),
            ["FROM isn't allowed as an ONBUILD trigger"]
        );
        assert_eq!(
            messages("FROM a\nSHELL /bin/sh -c\n"),
            ["SHELL requires the arguments to be in JSON form"]
        );
        assert_eq!(
            messages("FROM a\nWORKDIR\n"),
            ["WORKDIR requires exactly one argument"]
        );
        assert_eq!(
            messages("FROM a\nCOPY a\n"),
            ["COPY requires at least two arguments, but only one was provided. Destination could not be determined."]
        );
    }
}
