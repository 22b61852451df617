//! The checks BuildKit makes after parsing, in `instructions.Parse` (moby/buildkit
//! `frontend/dockerfile/instructions`), reported in BuildKit's words without its
//! `dockerfile parse error on line N:` prefix.
//!
//! BuildKit stops at the first error of the file. Here every instruction is checked, and so
//! is ONBUILD's trigger, which BuildKit only parses when an image built from the file is used
//! as a base. Within one instruction the steps run in BuildKit's order and stop at the first
//! step that fails, as BuildKit does; a step that looks at several independent things (the
//! flags, the `--mount` values, the HEALTHCHECK intervals, the ENV names) reports each bad
//! one.
//!
//! What is checked, per instruction (in BuildKit's order):
//!
//! | instruction | steps |
//! |---|---|
//! | unknown | `unknown instruction: X`, with BuildKit's "did you mean" suggestion |
//! | FROM | one or three arguments, `AS`, the stage name; flags |
//! | ADD, COPY | at least two arguments; flags; no heredoc as destination |
//! | RUN | flags; `--device`, `--mount`, `--network`, `--security` values |
//! | CMD, ENTRYPOINT | flags |
//! | ENV, LABEL | flags; at least one pair; no blank name |
//! | MAINTAINER, WORKDIR, USER | exactly one argument; flags |
//! | STOPSIGNAL | exactly one argument (BuildKit never reads its flags) |
//! | ARG | at least one argument; no blank name (BuildKit never reads its flags) |
//! | EXPOSE | at least one argument; flags |
//! | VOLUME | at least one argument; flags; no empty path |
//! | SHELL | flags; at least one argument; JSON form |
//! | ONBUILD | at least one argument; flags; no ONBUILD, FROM or MAINTAINER trigger; the trigger itself |
//! | HEALTHCHECK | at least one argument; `NONE` alone; flags; `CMD` with a command; durations; retries |
//!
//! Finally, an instruction other than ARG before the first FROM is reported once.

use crate::diagnostic::{SyntaxCode, SyntaxDiagnostic};
use crate::dump::go_quote;
use crate::syntax::{Arguments, Dockerfile, Flag, Instruction, Keyword, Word};
use crate::text::TextRange;
use std::fmt::Write as _;

/// How a flag takes its value: BuildKit's `boolType`, `stringType` and `stringsType`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FlagKind {
    /// `--link` or `--link=true|false`, once.
    Bool,
    /// `--from=x`, once.
    Str,
    /// `--mount=x`, any number of times.
    Strings,
}

use FlagKind::{Bool, Str, Strings};

/// A flag an instruction declares before BuildKit parses its flags.
type FlagSpec = (&'static str, FlagKind);

const FROM_FLAGS: &[FlagSpec] = &[("platform", Str)];
const COPY_FLAGS: &[FlagSpec] = &[
    ("exclude", Strings),
    ("parents", Bool),
    ("chown", Str),
    ("from", Str),
    ("chmod", Str),
    ("link", Bool),
];
const ADD_FLAGS: &[FlagSpec] = &[
    ("exclude", Strings),
    ("chown", Str),
    ("chmod", Str),
    ("link", Bool),
    ("keep-git-dir", Bool),
    ("checksum", Str),
    ("unpack", Bool),
];
/// Declared by RUN's hooks (`commands_rundevice.go`, `_runmount.go`, `_runnetwork.go`,
/// `_runsecurity.go`), in the order Go runs them.
const RUN_FLAGS: &[FlagSpec] = &[
    ("device", Strings),
    ("mount", Strings),
    ("network", Str),
    ("security", Str),
];
const HEALTHCHECK_FLAGS: &[FlagSpec] = &[
    ("interval", Str),
    ("timeout", Str),
    ("start-period", Str),
    ("start-interval", Str),
    ("retries", Str),
];
/// Instructions that parse their flags but declare none.
const NO_FLAGS: &[FlagSpec] = &[];

/// The flags BuildKit accepts on an instruction (without the leading `--`), in the order
/// BuildKit declares them; empty for instructions that take none.
///
/// ```
/// use plimsoll_parser::{flags_of, Keyword};
/// assert_eq!(flags_of(Keyword::From), ["platform"]);
/// assert!(flags_of(Keyword::Copy).contains(&"from"));
/// assert!(flags_of(Keyword::Cmd).is_empty());
/// ```
pub fn flags_of(keyword: Keyword) -> Vec<&'static str> {
    let specs = match keyword {
        Keyword::From => FROM_FLAGS,
        Keyword::Copy => COPY_FLAGS,
        Keyword::Add => ADD_FLAGS,
        Keyword::Run => RUN_FLAGS,
        Keyword::Healthcheck => HEALTHCHECK_FLAGS,
        _ => NO_FLAGS,
    };
    specs.iter().map(|(name, _)| *name).collect()
}

/// The HEALTHCHECK flags that hold a duration.
const DURATION_FLAGS: [&str; 4] = ["interval", "timeout", "start-period", "start-interval"];
const NETWORK_MODES: [&str; 3] = ["default", "none", "host"];
const SECURITY_MODES: [&str; 2] = ["insecure", "sandbox"];
const DEVICE_KEYS: [&str; 2] = ["name", "required"];

/// The syntax errors BuildKit's instruction parser would report for `file`.
pub(crate) fn check(file: &Dockerfile) -> Vec<SyntaxDiagnostic> {
    let mut checker = Checker { out: Vec::new() };
    let mut in_stage = false;
    let mut reported_no_stage = false;
    for instruction in &file.instructions {
        let parsed = checker.instruction(instruction).is_ok();
        match instruction.keyword {
            Keyword::From => in_stage = true,
            // ARGs before the first FROM are the file's global (meta) ARGs.
            Keyword::Arg => {}
            // BuildKit reports this only for an instruction that parses; once is enough.
            _ if parsed && !in_stage && !reported_no_stage => {
                reported_no_stage = true;
                checker.report(
                    SyntaxCode::NoBuildStage,
                    instruction.range,
                    "no build stage in current context",
                );
            }
            _ => {}
        }
    }
    checker.out
}

/// An instruction step failed: BuildKit would stop there.
struct Stop;

type Step = Result<(), Stop>;

struct Checker {
    out: Vec<SyntaxDiagnostic>,
}

impl Checker {
    fn report(&mut self, code: SyntaxCode, range: TextRange, message: impl Into<String>) {
        self.out.push(SyntaxDiagnostic::new(code, range, message));
    }

    /// Reports an error that ends the instruction's checks.
    fn fail(&mut self, code: SyntaxCode, range: TextRange, message: impl Into<String>) -> Step {
        self.report(code, range, message);
        Err(Stop)
    }

    /// A step made of independent checks: reports each error, fails if there was one.
    fn each<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut check: impl FnMut(T) -> Option<(SyntaxCode, TextRange, String)>,
    ) -> Step {
        let mut failed = false;
        for item in items {
            if let Some((code, range, message)) = check(item) {
                self.report(code, range, message);
                failed = true;
            }
        }
        if failed {
            Err(Stop)
        } else {
            Ok(())
        }
    }

    fn instruction(&mut self, instruction: &Instruction) -> Step {
        if instruction.args == Arguments::Invalid {
            // The parser has reported it; BuildKit's parser would have stopped there.
            return Err(Stop);
        }
        match instruction.keyword {
            Keyword::Unknown => self.unknown(instruction),
            Keyword::From => self.from(instruction),
            Keyword::Add => self.add_copy(instruction, ADD_FLAGS),
            Keyword::Copy => self.add_copy(instruction, COPY_FLAGS),
            Keyword::Run => self.run(instruction),
            Keyword::Cmd | Keyword::Entrypoint => self.flags(instruction, NO_FLAGS),
            Keyword::Env | Keyword::Label => self.key_values(instruction),
            Keyword::Maintainer | Keyword::Workdir | Keyword::User => {
                self.exactly_one_argument(instruction)?;
                self.flags(instruction, NO_FLAGS)
            }
            Keyword::Stopsignal => self.exactly_one_argument(instruction),
            Keyword::Arg => self.arg(instruction),
            Keyword::Expose => {
                self.at_least_one_argument(instruction)?;
                self.flags(instruction, NO_FLAGS)
            }
            Keyword::Volume => self.volume(instruction),
            Keyword::Shell => self.shell(instruction),
            Keyword::Onbuild => self.onbuild(instruction),
            Keyword::Healthcheck => self.healthcheck(instruction),
        }
    }

    fn unknown(&mut self, instruction: &Instruction) -> Step {
        let word = &instruction.keyword_text;
        let names = Keyword::ALL.map(Keyword::as_str);
        let message = with_suggestion(
            format!("unknown instruction: {word}"),
            suggest(word, names, false),
        );
        self.fail(
            SyntaxCode::UnknownInstruction,
            instruction.keyword_range,
            message,
        )
    }

    fn at_least_one_argument(&mut self, instruction: &Instruction) -> Step {
        if instruction.arg_values().is_empty() {
            let name = instruction.keyword.as_str();
            return self.fail(
                SyntaxCode::WrongArgumentCount,
                instruction.range,
                format!("{name} requires at least one argument"),
            );
        }
        Ok(())
    }

    fn exactly_one_argument(&mut self, instruction: &Instruction) -> Step {
        if instruction.arg_values().len() != 1 {
            let name = instruction.keyword.as_str();
            return self.fail(
                SyntaxCode::WrongArgumentCount,
                instruction.range,
                format!("{name} requires exactly one argument"),
            );
        }
        Ok(())
    }

    /// BuildKit's `BFlags.Parse` with the flags the instruction declares. Every bad flag is
    /// reported on its own range.
    fn flags(&mut self, instruction: &Instruction, declared: &[FlagSpec]) -> Step {
        let mut used: Vec<&str> = Vec::new();
        self.each(&instruction.flags, |flag| {
            parse_flag(flag, declared, &mut used)
                .err()
                .map(|message| (SyntaxCode::InvalidFlag, flag.range, message))
        })
    }

    fn from(&mut self, instruction: &Instruction) -> Step {
        let args = instruction.arg_values();
        match args.as_slice() {
            [_, as_word, name] if is_as(as_word) => {
                if !is_valid_stage_name(&go_lower(name)) {
                    let range = match &instruction.args {
                        Arguments::List(words) if words.len() == 3 => words[2].range,
                        _ => instruction.range,
                    };
                    return self.fail(
                        SyntaxCode::InvalidStageName,
                        range,
                        format!(
                            "invalid name for build stage: {}, name can't start with a number or contain symbols",
                            go_quote(name)
                        ),
                    );
                }
            }
            [_] => {}
            _ => {
                return self.fail(
                    SyntaxCode::WrongArgumentCount,
                    instruction.range,
                    "FROM requires either one or three arguments",
                )
            }
        }
        self.flags(instruction, FROM_FLAGS)
    }

    fn add_copy(&mut self, instruction: &Instruction, declared: &[FlagSpec]) -> Step {
        let name = instruction.keyword.as_str();
        let words = argument_words(instruction);
        if words.len() < 2 {
            return self.fail(
                SyntaxCode::WrongArgumentCount,
                instruction.range,
                format!(
                    "{name} requires at least two arguments, but only one was provided. \
                     Destination could not be determined"
                ),
            );
        }
        self.flags(instruction, declared)?;
        match words.last() {
            Some(dest) if is_heredoc_word(&dest.value) => self.fail(
                SyntaxCode::InvalidArgument,
                dest.range,
                format!("{name} cannot accept a heredoc as a destination"),
            ),
            _ => Ok(()),
        }
    }

    /// RUN: the flags, then what its hooks check of their values at parse time.
    fn run(&mut self, instruction: &Instruction) -> Step {
        self.flags(instruction, RUN_FLAGS)?;
        self.each(&instruction.flags, |flag| {
            let value = flag_value(flag).unwrap_or("");
            let error = match flag.name.as_str() {
                "device" => check_device(value).err(),
                "mount" => check_mount(value).err(),
                "network" if !NETWORK_MODES.contains(&value) => {
                    Some(format!("invalid network mode {}", go_quote(value)))
                }
                "security" if !SECURITY_MODES.contains(&value) => {
                    Some(format!("security {} is not valid", go_quote(value)))
                }
                _ => None,
            };
            error.map(|message| (SyntaxCode::InvalidFlag, flag.range, message))
        })
    }

    fn key_values(&mut self, instruction: &Instruction) -> Step {
        self.flags(instruction, NO_FLAGS)?;
        self.at_least_one_argument(instruction)?;
        let Arguments::KeyValues(pairs) = &instruction.args else {
            return Ok(());
        };
        let name = instruction.keyword.as_str();
        self.each(pairs, |pair| {
            pair.key.value.is_empty().then(|| {
                (
                    SyntaxCode::InvalidKeyValue,
                    pair.range,
                    format!("{name} names can not be blank"),
                )
            })
        })
    }

    fn arg(&mut self, instruction: &Instruction) -> Step {
        self.at_least_one_argument(instruction)?;
        let words = argument_words(instruction);
        self.each(words, |word| {
            word.value.starts_with('=').then(|| {
                (
                    SyntaxCode::InvalidKeyValue,
                    word.range,
                    "ARG names can not be blank".to_string(),
                )
            })
        })
    }

    fn volume(&mut self, instruction: &Instruction) -> Step {
        self.at_least_one_argument(instruction)?;
        self.flags(instruction, NO_FLAGS)?;
        if instruction.arg_values().iter().any(|v| v.trim().is_empty()) {
            return self.fail(
                SyntaxCode::InvalidArgument,
                instruction.range,
                "VOLUME specified can not be an empty string",
            );
        }
        Ok(())
    }

    fn shell(&mut self, instruction: &Instruction) -> Step {
        self.flags(instruction, NO_FLAGS)?;
        self.at_least_one_argument(instruction)?;
        if !instruction.json {
            return self.fail(
                SyntaxCode::InvalidArgument,
                instruction.range,
                "SHELL requires the arguments to be in JSON form",
            );
        }
        Ok(())
    }

    fn onbuild(&mut self, instruction: &Instruction) -> Step {
        let Some(trigger) = instruction.onbuild_child() else {
            return self.at_least_one_argument(instruction);
        };
        self.flags(instruction, NO_FLAGS)?;
        let keyword = go_upper(trigger.keyword_text.trim());
        let range = trigger.keyword_range;
        match keyword.as_str() {
            "ONBUILD" => self.fail(
                SyntaxCode::InvalidOnbuild,
                range,
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            ),
            "MAINTAINER" | "FROM" => self.fail(
                SyntaxCode::InvalidOnbuild,
                range,
                format!("{keyword} isn't allowed as an ONBUILD trigger"),
            ),
            _ => {
                // BuildKit parses the trigger only when the image is used as a base; its
                // errors are real but do not stop this file's build.
                let _ = self.instruction(trigger);
                Ok(())
            }
        }
    }

    fn healthcheck(&mut self, instruction: &Instruction) -> Step {
        let args = instruction.arg_values();
        let Some((kind, command)) = args.split_first() else {
            return self.at_least_one_argument(instruction);
        };
        let kind = go_upper(kind);
        if kind == "NONE" {
            // BuildKit does not read the flags of `HEALTHCHECK NONE`.
            if !command.is_empty() {
                return self.fail(
                    SyntaxCode::InvalidHealthcheck,
                    instruction.range,
                    "HEALTHCHECK NONE takes no arguments",
                );
            }
            return Ok(());
        }
        self.flags(instruction, HEALTHCHECK_FLAGS)?;
        if kind != "CMD" {
            let range = match &instruction.args {
                Arguments::Healthcheck { kind, .. } => kind.range,
                _ => instruction.range,
            };
            return self.fail(
                SyntaxCode::InvalidHealthcheck,
                range,
                format!("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(&kind)),
            );
        }
        if command.is_empty() {
            return self.fail(
                SyntaxCode::InvalidHealthcheck,
                instruction.range,
                "Missing command after HEALTHCHECK CMD",
            );
        }
        self.each(&instruction.flags, |flag| {
            let value = flag_value(flag).filter(|v| !v.is_empty())?;
            let name = flag.name.as_str();
            let error = if DURATION_FLAGS.contains(&name) {
                check_interval(name, value).err()
            } else if name == "retries" {
                check_retries(value).err()
            } else {
                None
            };
            error.map(|message| (SyntaxCode::InvalidHealthcheck, flag.range, message))
        })
    }
}

/// The words of a list or exec-form argument (ADD, COPY, ARG, VOLUME, FROM, EXPOSE).
fn argument_words(instruction: &Instruction) -> &[Word] {
    match &instruction.args {
        Arguments::List(words) | Arguments::Exec(words) => words,
        _ => &[],
    }
}

/// The value after the first `=` of a flag as BuildKit keeps it (`--from=x` gives `x`).
fn flag_value(flag: &Flag) -> Option<&str> {
    flag.text.split_once('=').map(|(_, value)| value)
}

/// One flag through BuildKit's `BFlags.Parse`. `used` collects the names seen so far.
fn parse_flag<'a>(
    flag: &'a Flag,
    declared: &[FlagSpec],
    used: &mut Vec<&'a str>,
) -> Result<(), String> {
    let text = flag.text.as_str();
    let (flag_name, value) = match text.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (text, None),
    };
    let Some(name) = flag_name.strip_prefix("--") else {
        return Err(format!("arg should start with -- : {text}"));
    };
    let Some(&(_, kind)) = declared.iter().find(|(n, _)| *n == name) else {
        let options = declared.iter().map(|(n, _)| *n);
        return Err(with_suggestion(
            format!("unknown flag: {flag_name}"),
            suggest(name, options, true),
        ));
    };
    if kind != Strings && used.contains(&name) {
        return Err(format!("duplicate flag specified: {flag_name}"));
    }
    used.push(name);
    let missing = || format!("missing a value on flag: {flag_name}");
    match (kind, value) {
        (Bool, Some("")) => Err(missing()),
        (Bool, Some(value)) if !matches!(go_lower(value).as_str(), "true" | "false") => Err(
            format!("expecting boolean value for flag {flag_name}, not: {value}"),
        ),
        (Str | Strings, None) => Err(missing()),
        _ => Ok(()),
    }
}

/// `strings.EqualFold(word, "as")`: Go folds `ſ` (U+017F) to `s`.
fn is_as(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some('a' | 'A'), Some('s' | 'S' | 'ſ'), None)
    )
}

/// BuildKit's stage-name pattern `^[a-z][a-z0-9-_.]*$` (applied to the lower-cased name).
fn is_valid_stage_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

/// Go's `strings.ToLower` (simple case mapping: `İ` becomes `i`).
fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\u{130}' {
                return 'i';
            }
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        })
        .collect()
}

/// Go's `strings.ToUpper` (simple case mapping: `ß` stays `ß`).
fn go_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

/// BuildKit's `parser.MustParseHeredoc(word) != nil`: the word matches
/// `^(\d*)<<(-?)([^<]*)$` and the delimiter is one shell word.
fn is_heredoc_word(word: &str) -> bool {
    let Some(rest) = word
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .strip_prefix("<<")
    else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    !rest.is_empty() && !rest.contains('<') && is_one_shell_word(rest)
}

/// Whether BuildKit's shell lexer (escape `\`) reads `text` as exactly one word without error:
/// no whitespace outside quotes, quotes and `${` closed.
fn is_one_shell_word(text: &str) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => return false,
            '\\' => {
                chars.next();
            }
            // A guard that consumes up to the closing quote or brace, if there is one.
            '\'' if !chars.any(|c| c == '\'') => return false,
            '"' => loop {
                match chars.next() {
                    None => return false,
                    Some('"') => break,
                    Some('\\') => {
                        chars.next();
                    }
                    Some(_) => {}
                }
            },
            '$' if chars.as_str().starts_with('{') && !chars.any(|c| c == '}') => return false,
            _ => {}
        }
    }
    true
}

/// A `RUN --mount` value as BuildKit reads it at parse time (without variables): only the CSV
/// syntax and a `from` that uses a variable are rejected; the rest is checked at build time.
fn check_mount(value: &str) -> Result<(), String> {
    let fields = csv_fields(value).map_err(|e| format!("failed to parse csv mounts: {e}"))?;
    for field in &fields {
        let Some((key, value)) = field.split_once('=') else {
            continue;
        };
        if go_lower(key) == "from" && value.find('$').is_some_and(|i| i + 1 != value.len()) {
            return Err(
                "'from' doesn't support variable expansion, define alias stage instead".to_string(),
            );
        }
    }
    Ok(())
}

/// A `RUN --device` value (BuildKit's `ParseDevice`).
fn check_device(value: &str) -> Result<(), String> {
    let fields = csv_fields(value).map_err(|e| format!("failed to parse csv devices: {e}"))?;
    let mut name = String::new();
    for field in &fields {
        let Some((key, value)) = field.split_once('=') else {
            if go_lower(field) == "required" {
                continue;
            }
            if name.is_empty() {
                name.clone_from(field);
                continue;
            }
            return Err(format!("invalid field '{field}' must be a key=value pair"));
        };
        let key = go_lower(key);
        match key.as_str() {
            "name" => {
                if !name.is_empty() {
                    return Err(format!("device name already set to {name}"));
                }
                name = value.to_string();
            }
            "required" => {
                if go_parse_bool(value).is_none() {
                    return Err(format!("invalid value for {key}: {value}"));
                }
            }
            _ if name.is_empty() => name.clone_from(field),
            _ => {
                return Err(with_suggestion(
                    format!("unexpected key '{key}' in '{field}'"),
                    suggest(&key, DEVICE_KEYS, true),
                ))
            }
        }
    }
    Ok(())
}

/// A HEALTHCHECK duration flag (BuildKit's `parseOptInterval`).
fn check_interval(name: &str, value: &str) -> Result<(), String> {
    const MILLISECOND: i64 = 1_000_000;
    let duration = parse_go_duration(value)?;
    if duration != 0 && duration < MILLISECOND {
        return Err(format!(
            "Interval {} cannot be less than 1ms",
            go_quote(name)
        ));
    }
    Ok(())
}

/// `HEALTHCHECK --retries`.
fn check_retries(value: &str) -> Result<(), String> {
    let retries = go_parse_int32(value)?;
    if retries < 0 {
        return Err(format!("--retries cannot be negative ({retries})"));
    }
    Ok(())
}

/// BuildKit's `suggest.WrapError` message: `<message> (did you mean <match>?)`.
fn with_suggestion(message: String, suggestion: Option<String>) -> String {
    match suggestion {
        Some(close) => format!("{message} (did you mean {close}?)"),
        None => message,
    }
}

/// BuildKit's `suggest.WrapErrorMaybe`: the first option closest to `value` within a
/// Levenshtein distance of 2; none when an option equals `value`. Compared in lower case
/// unless `case_sensitive`; the match is then upper- or lower-cased like `value`.
///
/// BuildKit passes some option lists in Go map order, so between options equally close the
/// choice is random there; here it is the first in the given order.
fn suggest<'o>(
    value: &str,
    options: impl IntoIterator<Item = &'o str>,
    case_sensitive: bool,
) -> Option<String> {
    let fold = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            go_lower(s)
        }
    };
    let value_folded = fold(value);
    // BuildKit's `matchCase`: an all-upper-case value gets an upper-case suggestion.
    let shout = !case_sensitive && value != go_lower(value) && value == go_upper(value);
    let mut best = None;
    let mut min_distance = 3;
    for option in options {
        let option = fold(option);
        if option == value_folded {
            return None;
        }
        let distance = levenshtein(&value_folded, &option);
        if distance < min_distance {
            min_distance = distance;
            best = Some(if shout { go_upper(&option) } else { option });
        }
    }
    best
}

/// The Levenshtein distance between two strings, counted in characters (insertions,
/// deletions and substitutions all cost 1), as BuildKit's "did you mean" suggestions
/// compute it.
///
/// ```
/// assert_eq!(plimsoll_parser::levenshtein("interva", "interval"), 1);
/// assert_eq!(plimsoll_parser::levenshtein("构建", "构件"), 1);
/// ```
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Go's `strconv.ParseBool`.
fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 10, 32)`, with Go's error message.
fn go_parse_int32(s: &str) -> Result<i64, String> {
    let error = |what: &str| format!("strconv.ParseInt: parsing {}: {what}", go_quote(s));
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(error("invalid syntax"));
    }
    // ParseUint(digits, 10, 32) stops at the first invalid byte or overflow.
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return Err(error("invalid syntax"));
        }
        n = n * 10 + u64::from(b - b'0');
        if n > u64::from(u32::MAX) {
            return Err(error("value out of range"));
        }
    }
    let cutoff = 1u64 << 31;
    if (!negative && n >= cutoff) || (negative && n > cutoff) {
        return Err(error("value out of range"));
    }
    let n = n as i64;
    Ok(if negative { -n } else { n })
}

/// Go's `time.ParseDuration`, in nanoseconds, with Go's error messages.
fn parse_go_duration(text: &str) -> Result<i64, String> {
    const LIMIT: u64 = 1 << 63;
    let invalid = || format!("time: invalid duration {}", time_quote(text));
    let mut s = text;
    let mut negative = false;
    if let Some(sign @ (b'-' | b'+')) = s.as_bytes().first() {
        negative = *sign == b'-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !(s.starts_with('.') || s.as_bytes()[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // [0-9]*
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let mut value: u64 = 0;
        for b in s[..int_len].bytes() {
            if value > LIMIT / 10 {
                return Err(invalid());
            }
            value = value * 10 + u64::from(b - b'0');
            if value > LIMIT {
                return Err(invalid());
            }
        }
        let has_int = int_len > 0;
        s = &s[int_len..];
        // (\.[0-9]*)?
        let (mut fraction, mut scale, mut has_fraction) = (0u64, 1f64, false);
        if let Some(after_dot) = s.strip_prefix('.') {
            let frac_len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for b in after_dot[..frac_len].bytes() {
                if overflow {
                    continue;
                }
                if fraction > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let next = fraction * 10 + u64::from(b - b'0');
                if next > LIMIT {
                    overflow = true;
                    continue;
                }
                fraction = next;
                scale *= 10.0;
            }
            has_fraction = frac_len > 0;
            s = &after_dot[frac_len..];
        }
        if !has_int && !has_fraction {
            return Err(invalid());
        }
        // The unit: everything up to the next number.
        let unit_len = s
            .bytes()
            .position(|b| b == b'.' || b.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                time_quote(text)
            ));
        }
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let unit_ns: u64 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    time_quote(unit),
                    time_quote(text)
                ))
            }
        };
        if value > LIMIT / unit_ns {
            return Err(invalid());
        }
        value *= unit_ns;
        if fraction > 0 {
            value += (fraction as f64 * (unit_ns as f64 / scale)) as u64;
            if value > LIMIT {
                return Err(invalid());
            }
        }
        total = total.wrapping_add(value);
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if negative {
        return Ok((total as i64).wrapping_neg());
    }
    if total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(total as i64)
}

/// The quoting of Go's `time` package errors: bytes outside printable ASCII as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for (i, c) in s.char_indices() {
        if !(' '..'\u{80}').contains(&c) {
            for b in s[i..i + c.len_utf8()].bytes() {
                let _ = write!(out, "\\x{b:02x}");
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// `csvvalue.Fields` (tonistiigi/go-csvvalue), the one-line CSV reader BuildKit uses for
/// `--mount` and `--device`: comma-separated, `"` quotes with `""` for a quote, strict.
/// The error is Go's message (`EOF`, or `parse error on line 1, column N: …`).
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    const BARE_QUOTE: &str = "bare \" in non-quoted-field";
    const QUOTE: &str = "extraneous or missing \" in quoted-field";
    let error =
        |pos: usize, what: &str| format!("parse error on line 1, column {}: {what}", pos + 1);
    let line = line
        .strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .unwrap_or(line);
    if line.is_empty() {
        return Err("EOF".to_string());
    }
    let mut fields: Vec<String> = Vec::new();
    let mut rest = line;
    let mut pos = 0;
    'field: loop {
        if !rest.starts_with('"') {
            let end = rest.find(',');
            let field = &rest[..end.unwrap_or(rest.len())];
            if let Some(j) = field.find('"') {
                return Err(error(pos + j, BARE_QUOTE));
            }
            fields.push(field.to_string());
            match end {
                Some(i) => {
                    rest = &rest[i + 1..];
                    pos += i + 1;
                    continue;
                }
                None => break,
            }
        }
        rest = &rest[1..];
        pos += 1;
        let mut half_open = false;
        loop {
            let Some(i) = rest.find('"') else {
                return Err(error(pos, QUOTE));
            };
            if half_open {
                if let Some(last) = fields.last_mut() {
                    last.push_str(&rest[..i]);
                }
            } else {
                fields.push(rest[..i].to_string());
            }
            rest = &rest[i + 1..];
            pos += i + 1;
            match rest.chars().next() {
                Some('"') => {
                    if let Some(last) = fields.last_mut() {
                        last.push('"');
                    }
                    rest = &rest[1..];
                    pos += 1;
                    half_open = true;
                }
                Some(',') => {
                    rest = &rest[1..];
                    pos += 1;
                    continue 'field;
                }
                None => break 'field,
                Some(_) => return Err(error(pos - 1, QUOTE)),
            }
        }
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    /// The messages of every diagnostic of `text`.
    fn messages(text: &str) -> Vec<String> {
        parse(text)
            .diagnostics
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    /// The one diagnostic of `text`: its code, the text it covers and its message.
    fn only(text: &str) -> (&'static str, String, String) {
        let file = parse(text);
        assert_eq!(file.diagnostics.len(), 1, "{:?}", file.diagnostics);
        let d = &file.diagnostics[0];
        (
            d.code.code(),
            text[d.range.as_usize()].to_string(),
            d.message.clone(),
        )
    }

    fn none(text: &str) {
        assert_eq!(messages(text), Vec::<String>::new(), "{text:?}");
    }

    #[test]
    fn unknown_instructions_with_suggestions() {
        assert_eq!(
            only("FROM a\nBOGUS x\n"),
            ("PL106", "BOGUS".into(), "unknown instruction: BOGUS".into())
        );
        assert_eq!(
            messages("FROM a\nfoo bar\n"),
            ["unknown instruction: foo (did you mean from?)"]
        );
        assert_eq!(
            messages("FROM a\nRUNN x\n"),
            ["unknown instruction: RUNN (did you mean RUN?)"]
        );
        assert_eq!(
            messages("FROM a\nrunn x\n"),
            ["unknown instruction: runn (did you mean run?)"]
        );
        assert_eq!(
            messages("FROM a\nCopi x y\n"),
            ["unknown instruction: Copi (did you mean copy?)"]
        );
        assert_eq!(
            messages("FROM a\nENTRYPIONT x\n"),
            ["unknown instruction: ENTRYPIONT (did you mean ENTRYPOINT?)"]
        );
        assert_eq!(messages("FROM a\n...\n"), ["unknown instruction: ..."]);
    }

    #[test]
    fn flag_errors() {
        assert_eq!(
            only("FROM a\nCOPY --user=me a b\n"),
            ("PL109", "--user=me".into(), "unknown flag: --user".into())
        );
        assert_eq!(
            messages("FROM a\nCOPY --frm=x a b\n"),
            ["unknown flag: --frm (did you mean from?)"]
        );
        assert_eq!(
            messages("FROM a\nCOPY --user=me --doit=true a b\n"),
            ["unknown flag: --user", "unknown flag: --doit"]
        );
        assert_eq!(
            messages("FROM a\nCOPY --from a b\n"),
            ["missing a value on flag: --from"]
        );
        assert_eq!(
            messages("FROM a\nRUN --mount echo\n"),
            ["missing a value on flag: --mount"]
        );
        assert_eq!(
            messages("FROM a\nCOPY --link= a b\n"),
            ["missing a value on flag: --link"]
        );
        assert_eq!(
            messages("FROM a\nCOPY --link=maybe a b\n"),
            ["expecting boolean value for flag --link, not: maybe"]
        );
        assert_eq!(
            messages("FROM a\nCOPY --from=x --from=y a b\n"),
            ["duplicate flag specified: --from"]
        );
        assert_eq!(
            messages("FROM --platform a\n"),
            ["missing a value on flag: --platform"]
        );
        assert_eq!(
            messages("FROM a\nMAINTAINER --boo joe@example.com\n"),
            ["unknown flag: --boo"]
        );
        assert_eq!(
            messages("FROM a\nCMD --doit [ \"a\", \"b\" ]\n"),
            ["unknown flag: --doit"]
        );
        assert_eq!(
            messages("FROM a\nONBUILD --x RUN y\n"),
            ["unknown flag: --x"]
        );
        // Repeatable, boolean and empty string values BuildKit accepts.
        none("FROM a\nCOPY --exclude=a --exclude=b --parents --link=TRUE --from= a b\n");
        none(
            "FROM a\nADD --keep-git-dir=false --checksum=sha256:x --unpack=true --chmod=755 a b\n",
        );
        none("FROM a\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none --security=insecure --device=/dev/x x\n");
        // ARG and STOPSIGNAL never read their flags.
        none("ARG --foo v\nFROM a\nSTOPSIGNAL --bar SIGTERM\n");
    }

    #[test]
    fn run_flag_values() {
        assert_eq!(
            messages("FROM a\nRUN --network=bridge x\n"),
            ["invalid network mode \"bridge\""]
        );
        assert_eq!(
            messages("FROM a\nRUN --security=x y\n"),
            ["security \"x\" is not valid"]
        );
        assert_eq!(
            messages("FROM a\nRUN --mount=type=bind,from=$IMG,target=/x y\n"),
            ["'from' doesn't support variable expansion, define alias stage instead"]
        );
        none("FROM a\nRUN --mount=type=bind,from=x$,target=/x,rw y\n");
        assert_eq!(
            messages("FROM a\nRUN --mount= y\n"),
            ["failed to parse csv mounts: EOF"]
        );
        assert_eq!(
            messages("FROM a\nRUN --mount='type=bind,source=a\"b' y\n"),
            ["failed to parse csv mounts: parse error on line 1, column 19: bare \" in non-quoted-field"]
        );
        assert_eq!(
            messages("FROM a\nRUN --device=a,b y\n"),
            ["invalid field 'b' must be a key=value pair"]
        );
        assert_eq!(
            messages("FROM a\nRUN --device=name=a,nme=b y\n"),
            ["unexpected key 'nme' in 'nme=b' (did you mean name?)"]
        );
        assert_eq!(
            messages("FROM a\nRUN --device=a,name=b y\n"),
            ["device name already set to a"]
        );
        assert_eq!(
            messages("FROM a\nRUN --device=a,required=maybe y\n"),
            ["invalid value for required: maybe"]
        );
        none("FROM a\nRUN --device=name=/dev/x,required=true --device=/dev/y,required y\n");
    }

    #[test]
    fn argument_counts() {
        for instruction in ["MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"] {
            assert_eq!(
                only(&format!("FROM a\n{instruction}\n")),
                (
                    "PL107",
                    instruction.into(),
                    format!("{instruction} requires exactly one argument")
                )
            );
        }
        for instruction in [
            "ENV",
            "LABEL",
            "ONBUILD",
            "HEALTHCHECK",
            "EXPOSE",
            "VOLUME",
            "SHELL",
        ] {
            assert_eq!(
                messages(&format!("FROM a\n{instruction}\n")),
                [format!("{instruction} requires at least one argument")]
            );
        }
        assert_eq!(
            messages("ARG\nFROM a\n"),
            ["ARG requires at least one argument"]
        );
        assert_eq!(
            messages("FROM a\nSHELL []\n"),
            ["SHELL requires at least one argument"]
        );
        assert_eq!(
            messages("FROM a\nVOLUME []\n"),
            ["VOLUME requires at least one argument"]
        );
        for instruction in ["COPY", "ADD"] {
            assert_eq!(
                messages(&format!("FROM a\n{instruction} --chown=1 a\n")),
                [format!("{instruction} requires at least two arguments, but only one was provided. Destination could not be determined")]
            );
        }
        assert_eq!(
            messages("FROM a\nCOPY [\"a\"]\n"),
            ["COPY requires at least two arguments, but only one was provided. Destination could not be determined"]
        );
        // The count is checked before the flags.
        assert_eq!(
            messages("FROM a\nCOPY --user=x a\n"),
            ["COPY requires at least two arguments, but only one was provided. Destination could not be determined"]
        );
    }

    #[test]
    fn from_and_stage_names() {
        assert_eq!(
            only("FROM a AS 1st\n"),
            (
                "PL110",
                "1st".into(),
                "invalid name for build stage: \"1st\", name can't start with a number or contain symbols".into()
            )
        );
        assert_eq!(
            messages("FROM a AS ${FIRST_STAGE}\n"),
            ["invalid name for build stage: \"${FIRST_STAGE}\", name can't start with a number or contain symbols"]
        );
        assert_eq!(
            messages("FROM a as platform-arm/v7\n"),
            ["invalid name for build stage: \"platform-arm/v7\", name can't start with a number or contain symbols"]
        );
        // The stage name is checked before the flags.
        assert_eq!(
            messages("FROM --bogus a AS 1\n"),
            ["invalid name for build stage: \"1\", name can't start with a number or contain symbols"]
        );
        none("FROM a AS Build-Stage_1.x\nFROM b aS other\nFROM c Aſ third\n");
        for text in [
            "FROM a b\n",
            "FROM a AS\n",
            "FROM a AS b c\n",
            "FROM a IS b\n",
            "FROM\n",
        ] {
            assert_eq!(
                only(text).2,
                "FROM requires either one or three arguments",
                "{text:?}"
            );
        }
    }

    #[test]
    fn key_values() {
        assert_eq!(
            only("FROM a\nENV =x\n"),
            ("PL108", "=x".into(), "ENV names can not be blank".into())
        );
        assert_eq!(
            messages("FROM a\nLABEL a=b =c\n"),
            ["LABEL names can not be blank"]
        );
        assert_eq!(
            only("ARG =x\nFROM a\n"),
            ("PL108", "=x".into(), "ARG names can not be blank".into())
        );
        none("ARG a b=c \"=d\"\nFROM a\nENV \"\"=x k=v\nENV k v w\n");
    }

    #[test]
    fn instructions_before_the_first_from() {
        assert_eq!(
            only("RUN x\nRUN y\nFROM a\n"),
            (
                "PL111",
                "RUN x".into(),
                "no build stage in current context".into()
            )
        );
        assert_eq!(
            messages("# comment\nARG V=1\nENV A=b\nFROM a\n"),
            ["no build stage in current context"]
        );
        // An instruction's own error comes first.
        assert_eq!(
            messages("RUNN x\nRUN y\nFROM a\n"),
            [
                "unknown instruction: RUNN (did you mean RUN?)",
                "no build stage in current context"
            ]
        );
        none("ARG V=1\nARG W\nFROM a\nRUN x\n");
    }

    #[test]
    fn onbuild_triggers() {
        assert_eq!(
            only("FROM a\nONBUILD ONBUILD RUN x\n"),
            (
                "PL112",
                "ONBUILD".into(),
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into()
            )
        );
        assert_eq!(
            messages("FROM a\nONBUILD from b\n"),
            ["FROM isn't allowed as an ONBUILD trigger"]
        );
        assert_eq!(
            messages("FROM a\nONBUILD MAINTAINER me\n"),
            ["MAINTAINER isn't allowed as an ONBUILD trigger"]
        );
        // The trigger's own errors (BuildKit finds them when the image is used).
        assert_eq!(
            messages("FROM a\nONBUILD COPY --user=x a b\n"),
            ["unknown flag: --user"]
        );
        none("FROM a\nONBUILD RUN --mount=type=cache,target=/x make\nONBUILD COPY . /src\n");
    }

    #[test]
    fn healthcheck() {
        assert_eq!(
            messages("FROM a\nHEALTHCHECK NONE x\n"),
            ["HEALTHCHECK NONE takes no arguments"]
        );
        // BuildKit does not read the flags of HEALTHCHECK NONE.
        none("FROM a\nHEALTHCHECK --bogus NONE\n");
        assert_eq!(
            only("FROM a\nHEALTHCHECK CONNECT TCP 7000\n"),
            (
                "PL113",
                "CONNECT".into(),
                "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)".into()
            )
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK cmd\n"),
            ["Missing command after HEALTHCHECK CMD"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK CMD []\n"),
            ["Missing command after HEALTHCHECK CMD"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --interval=1x CMD a\n"),
            ["time: unknown unit \"x\" in duration \"1x\""]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --timeout=5 CMD a\n"),
            ["time: missing unit in duration \"5\""]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --start-period=s CMD a\n"),
            ["time: invalid duration \"s\""]
        );
        assert_eq!(
            only("FROM a\nHEALTHCHECK --start-interval=10us CMD a\n"),
            (
                "PL113",
                "--start-interval=10us".into(),
                "Interval \"start-interval\" cannot be less than 1ms".into()
            )
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --interval=-1s CMD a\n"),
            ["Interval \"interval\" cannot be less than 1ms"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --retries=-1 CMD a\n"),
            ["--retries cannot be negative (-1)"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --retries=three CMD a\n"),
            ["strconv.ParseInt: parsing \"three\": invalid syntax"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --retries=2147483648 CMD a\n"),
            ["strconv.ParseInt: parsing \"2147483648\": value out of range"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --interval=5s --interval=6s CMD a\n"),
            ["duplicate flag specified: --interval"]
        );
        assert_eq!(
            messages("FROM a\nHEALTHCHECK --inteval=5s CMD a\n"),
            ["unknown flag: --inteval (did you mean interval?)"]
        );
        none(
            "FROM a\nHEALTHCHECK --start-period=0s --start-interval=0s --interval=5s --timeout=0s \
             --retries=0 CMD [\"foo\"]\nHEALTHCHECK --interval=1m30.5s --retries=+3 --timeout= CMD a b\n",
        );
    }

    #[test]
    fn shell_volume_and_heredoc_destination() {
        assert_eq!(
            messages("FROM a\nSHELL /bin/sh -c\n"),
            ["SHELL requires the arguments to be in JSON form"]
        );
        assert_eq!(
            messages("FROM a\nVOLUME [\"/a\", \" \"]\n"),
            ["VOLUME specified can not be an empty string"]
        );
        assert_eq!(
            messages("FROM a\nCOPY [\"a\", \"<<EOF\"]\n"),
            ["COPY cannot accept a heredoc as a destination"]
        );
        none("FROM a\nSHELL [\"/bin/sh\", \"-c\"]\nVOLUME /a /b\nCOPY [\"a\", \"<<\"]\n");
    }

    #[test]
    fn go_durations() {
        let ok = |s: &str| parse_go_duration(s).unwrap();
        assert_eq!(ok("0"), 0);
        assert_eq!(ok("-0"), 0);
        assert_eq!(ok("300ms"), 300_000_000);
        assert_eq!(ok("-1.5h"), -5_400_000_000_000);
        assert_eq!(ok("1h2m3.5s"), 3_723_500_000_000);
        assert_eq!(ok(".5s"), 500_000_000);
        assert_eq!(ok("1.s"), 1_000_000_000);
        assert_eq!(ok("10µs"), 10_000);
        assert_eq!(ok("10μs"), 10_000);
        assert_eq!(ok("2562047h47m16.854775807s"), i64::MAX);
        assert_eq!(ok("-2562047h47m16.854775808s"), i64::MIN);
        let err = |s: &str| parse_go_duration(s).unwrap_err();
        assert_eq!(err(""), "time: invalid duration \"\"");
        assert_eq!(err("+"), "time: invalid duration \"+\"");
        assert_eq!(err(".s"), "time: invalid duration \".s\"");
        assert_eq!(err("1"), "time: missing unit in duration \"1\"");
        assert_eq!(err("1 s"), "time: unknown unit \" s\" in duration \"1 s\"");
        assert_eq!(
            err("3é"),
            "time: unknown unit \"\\xc3\\xa9\" in duration \"3\\xc3\\xa9\""
        );
        assert_eq!(
            err("2562047h47m16.854775808s"),
            "time: invalid duration \"2562047h47m16.854775808s\""
        );
        assert_eq!(
            err("9223372036854775808ns"),
            "time: invalid duration \"9223372036854775808ns\""
        );
    }

    #[test]
    fn csv_like_go() {
        let ok = |s: &str| csv_fields(s).unwrap();
        assert_eq!(ok("a,,b"), ["a", "", "b"]);
        assert_eq!(ok("a,b,\n"), ["a", "b", ""]);
        assert_eq!(ok("a,\"b,c\",d"), ["a", "b,c", "d"]);
        assert_eq!(ok("a,\"foo\"\"\",c"), ["a", "foo\"", "c"]);
        assert_eq!(ok("\"\""), [""]);
        let err = |s: &str| csv_fields(s).unwrap_err();
        assert_eq!(err(""), "EOF");
        assert_eq!(
            err("\""),
            "parse error on line 1, column 2: extraneous or missing \" in quoted-field"
        );
        assert_eq!(
            err("\"\"\""),
            "parse error on line 1, column 4: extraneous or missing \" in quoted-field"
        );
        assert_eq!(
            err("foo,aa\"bb,cc"),
            "parse error on line 1, column 7: bare \" in non-quoted-field"
        );
        assert_eq!(
            err("\"a \"word\",\"b\""),
            "parse error on line 1, column 4: extraneous or missing \" in quoted-field"
        );
    }

    #[test]
    fn go_helpers() {
        assert_eq!(go_parse_int32("+7"), Ok(7));
        assert_eq!(go_parse_int32("-2147483648"), Ok(-2_147_483_648));
        assert!(go_parse_int32("-2147483649").is_err());
        assert!(go_parse_int32("1_0").is_err());
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(go_lower("İSTANBUL"), "istanbul");
        assert_eq!(go_upper("straße"), "STRAßE");
        assert!(is_heredoc_word("<<EOF"));
        assert!(is_heredoc_word("3<<-'E O F'"));
        assert!(!is_heredoc_word("<<"));
        assert!(!is_heredoc_word("a<<EOF"));
        assert!(!is_heredoc_word("<<A<<B"));
        assert!(!is_heredoc_word("<<'EOF"));
    }

    #[test]
    fn never_panics_on_odd_flags() {
        for text in [
            "FROM a\nCOPY --= a b\n",
            "FROM a\nCOPY -- a b\n",
            "FROM a\nRUN --mount=\"\" x\n",
            "FROM a\nRUN --mount=a,\"b x\n",
            "FROM a\nRUN --device=\",\" x\n",
            "FROM a\nHEALTHCHECK --interval=é CMD x\n",
            "FROM a\nHEALTHCHECK --retries=é CMD x\n",
            "FROM a\nONBUILD\n",
            "FROM a\nONBUILD ONBUILD\n",
        ] {
            let _ = parse(text);
        }
    }

    /// Compares the diagnostics with BuildKit's verdicts on the real-world corpus and on
    /// BuildKit's own test files, read from `../shared` beside the checkout.
    #[test]
    fn agrees_with_buildkit_on_the_corpus() {
        use std::path::Path;
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
        if !shared.join("conformance").is_dir() {
            eprintln!(
                "\n\n*** SKIPPED: {} not found; BuildKit agreement of the checks did not run ***\n\n",
                shared.display()
            );
            return;
        }
        let sets = [
            (
                shared.join("conformance/buildkit-corpus.jsonl"),
                shared.join("corpus"),
            ),
            (
                shared.join("conformance/buildkit/oracle.jsonl"),
                shared.join("conformance/buildkit"),
            ),
        ];
        let (mut passed, mut failed) = (0, Vec::new());
        for (records, root) in sets {
            let records = std::fs::read_to_string(records).unwrap();
            for line in records.lines() {
                let record: serde_json::Value = serde_json::from_str(line).unwrap();
                let path = record["file"].as_str().unwrap();
                let bytes = std::fs::read(root.join(path)).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                let file = parse(text);
                let line_of = |offset: u32| text[..offset as usize].matches('\n').count() + 1;
                let found: Vec<(usize, &str)> = file
                    .diagnostics
                    .iter()
                    .map(|d| (line_of(d.range.start), d.message.as_str()))
                    .collect();
                let verdict = match (
                    record["ok"].as_bool(),
                    record["instructions_error"].as_str(),
                ) {
                    (Some(false), _) => continue,
                    (_, None) if found.is_empty() => Ok(()),
                    (_, None) => Err(format!("BuildKit accepts it, we report {found:?}")),
                    (_, Some(error)) => {
                        let (line, message) = match error
                            .strip_prefix("dockerfile parse error on line ")
                            .and_then(|rest| rest.split_once(": "))
                        {
                            Some((n, m)) => (n.parse::<usize>().ok(), m),
                            None => (None, error),
                        };
                        if found
                            .iter()
                            .any(|(l, m)| *m == message && line.is_none_or(|n| n == *l))
                        {
                            Ok(())
                        } else {
                            Err(format!(
                                "expected {message:?} on line {line:?}, got {found:?}"
                            ))
                        }
                    }
                };
                match verdict {
                    Ok(()) => passed += 1,
                    Err(why) => failed.push(format!("{path}: {why}")),
                }
            }
        }
        // BuildKit's build-check cases: every Dockerfile parses, but for one unknown
        // instruction.
        let cases = std::fs::read_to_string(shared.join("conformance/buildkit-lint/cases.jsonl"));
        for line in cases.unwrap().lines() {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = case["dockerfile"].as_str().unwrap();
            let found: Vec<String> = parse(text)
                .diagnostics
                .into_iter()
                .map(|d| d.message)
                .collect();
            let expected: Vec<String> = match case["build_error_kind"].as_str() {
                Some("parse") => case["build_error"]
                    .as_str()
                    .and_then(|e| e.split_once(": "))
                    .map(|(_, m)| vec![m.to_string()])
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            if found == expected {
                passed += 1;
            } else {
                failed.push(format!(
                    "{}: expected {expected:?}, got {found:?}",
                    case["id"]
                ));
            }
        }
        eprintln!("{passed} files agree, {} differ", failed.len());
        for failure in &failed {
            eprintln!("  {failure}");
        }
        assert!(failed.is_empty());
    }
}
