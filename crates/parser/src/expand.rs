//! BuildKit's variable substitution and word splitting.
//!
//! [`Lexer`](crate::expand::Lexer) behaves like BuildKit's shell word lexer
//! (`frontend/dockerfile/shell/lex.go` in moby/buildkit): it removes quotes and escapes, expands
//! `$NAME` and `${NAME…}` references from an [`Env`](crate::expand::Env), and can split the
//! result into words. It is not a shell: there is no command substitution, no arithmetic, no
//! globbing and no field splitting on `IFS`.
//!
//! Supported forms, with BuildKit's semantics (an unset variable expands to nothing):
//!
//! | form | value |
//! |---|---|
//! | `$V`, `${V}` | the value of `V` |
//! | `${V:-w}` / `${V-w}` | `w` if `V` is unset or empty / unset |
//! | `${V:+w}` / `${V+w}` | `w` if `V` is set and not empty / set |
//! | `${V:?m}` / `${V?m}` | an error `V: m` if `V` is unset or empty / unset |
//! | `${V#p}` / `${V##p}` | `V` without its shortest / longest prefix matching `p` |
//! | `${V%p}` / `${V%%p}` | `V` without its shortest / longest suffix matching `p` |
//! | `${V/p/r}` / `${V//p/r}` | `V` with the first / every match of `p` replaced by `r` |
//!
//! Patterns know `*`, `?` and the escapes `\*`, `\?`, `\\` (and `\}`, `\/` for the
//! delimiters), always with `\` whatever the escape character; like BuildKit, bracket
//! expressions (`[a-z]`) are literal text. `*` and `?`
//! never match a newline, as in Go's regular expressions which BuildKit uses for them.
//! `$1`…`$9`, `$10`… and the special parameters `$@ $* $# $? $- $$ $! $0` are read as names and
//! are normally unset.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;

/// Variables visible to a [`Lexer`]. Lookups are case-sensitive.
///
/// Implemented for slices, arrays and vectors of `(name, value)` pairs (the **last** pair with a
/// name wins, as in BuildKit), for [`HashMap`] and [`BTreeMap`] of strings, for [`EnvList`] and
/// for [`EmptyEnv`].
pub trait Env {
    /// The value of `name`, or `None` when it is unset. `Some("")` means set but empty.
    fn get(&self, name: &str) -> Option<&str>;
}

impl<E: Env + ?Sized> Env for &E {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(*self, name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Env for [(K, V)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Env for [(K, V); N] {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Env for Vec<(K, V)> {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

impl<S: BuildHasher> Env for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

impl Env for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(String::as_str)
    }
}

/// An environment with no variables at all (what BuildKit uses to find heredoc markers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmptyEnv;

impl Env for EmptyEnv {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// An ordered list of `(name, value)` pairs; when a name appears twice the last value wins.
///
/// ```
/// use plimsoll_parser::expand::{Env, EnvList};
///
/// let env = EnvList::from_assignments(["A=1", "B", "A=2=3"]);
/// assert_eq!(env.get("A"), Some("2=3"));
/// assert_eq!(env.get("B"), Some(""));
/// assert_eq!(env.get("C"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvList(pub Vec<(String, String)>);

impl EnvList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `NAME=value` strings as BuildKit's `EnvsFromSlice` does: the name ends at the
    /// first `=`; a string without `=` sets the name to the empty string.
    pub fn from_assignments<I, S>(assignments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self(
            assignments
                .into_iter()
                .map(|a| {
                    let a = a.as_ref();
                    match a.split_once('=') {
                        Some((k, v)) => (k.to_owned(), v.to_owned()),
                        None => (a.to_owned(), String::new()),
                    }
                })
                .collect(),
        )
    }

    /// Appends `name=value`, shadowing any earlier value of `name`.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for EnvList {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl Env for EnvList {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.0.as_slice(), name)
    }
}

/// Why a word could not be expanded. The message is BuildKit's, e.g.
/// `failed to process "${A:?}": A: is not allowed to be unset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    /// The full message, starting with `failed to process "<word>": `.
    pub message: String,
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExpandError {}

/// The result of [`Lexer::process_word`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The word with quotes and escapes removed and variables expanded.
    pub value: String,
    /// Variables that were looked up and set (even if empty), in order of first use.
    pub matched: Vec<String>,
    /// Variables that were looked up and unset, in order of first use. Positional and special
    /// parameters (`1`, `@`, …) are listed too, as BuildKit does.
    pub unmatched: Vec<String>,
}

/// BuildKit's shell word lexer: quote and escape removal, variable expansion, word splitting.
///
/// The options mirror BuildKit's `Lex` fields. The Dockerfile parser finds heredoc markers with
/// `raw_quotes`, `raw_escapes` and `skip_unset_env` all set, which leaves a line's words as
/// written.
///
/// ```
/// use plimsoll_parser::expand::{EmptyEnv, Lexer};
///
/// let lexer = Lexer::new('\\');
/// let env = [("TAG", "1.23"), ("EMPTY", "")];
/// let out = lexer.process_word("golang:${TAG}-'alpine' ${EMPTY:-x} $NOPE", &env).unwrap();
/// assert_eq!(out.value, "golang:1.23-alpine x ");
/// assert_eq!(out.matched, ["TAG", "EMPTY"]);
/// assert_eq!(out.unmatched, ["NOPE"]);
///
/// assert_eq!(lexer.process_words(r#"a "b c"  d\ e"#, &env).unwrap(), ["a", "b c", "d e"]);
/// assert_eq!(
///     lexer.process_word("${TAG:?}${MISSING?must be set}", &env).unwrap_err().to_string(),
///     r#"failed to process "${TAG:?}${MISSING?must be set}": MISSING: must be set"#,
/// );
///
/// let heredocs = Lexer {
///     raw_quotes: true,
///     raw_escapes: true,
///     skip_unset_env: true,
///     ..Lexer::new('\\')
/// };
/// let words = heredocs.process_words(r#"cat <<-"EOF" 3<<'END' $X"#, &EmptyEnv).unwrap();
/// assert_eq!(words, ["cat", r#"<<-"EOF""#, "3<<'END'", "$X"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexer {
    /// The escape character: `\` by default, or a backtick after an `# escape=` directive.
    pub escape: char,
    /// Keep quote characters in the output (they still group words and stop expansion).
    pub raw_quotes: bool,
    /// Keep escape characters in the output (they still escape the next character).
    pub raw_escapes: bool,
    /// Treat `'` and `"` as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written (`$X`, `${X:-y}`) instead of expanding them.
    pub skip_unset_env: bool,
}

impl Default for Lexer {
    /// A lexer with the `\` escape and no options.
    fn default() -> Self {
        Self::new('\\')
    }
}

impl Lexer {
    /// A lexer with the given escape character and every option off.
    pub fn new(escape: char) -> Self {
        Self {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
        }
    }

    /// Expands one word (BuildKit's `ProcessWord` / `ProcessWordWithMatches`): whitespace is
    /// kept and nothing is split.
    pub fn process_word(&self, word: &str, env: &dyn Env) -> Result<Expansion, ExpandError> {
        let mut state = State::new(self, word, env, true);
        let (value, _) = state.top_level(word)?;
        Ok(Expansion {
            value,
            matched: state.matched,
            unmatched: state.unmatched,
        })
    }

    /// Expands `word` and splits it into words at unquoted, unescaped whitespace (BuildKit's
    /// `ProcessWords`). Whitespace that comes from a variable's value splits too, unless the
    /// reference is inside double quotes.
    ///
    /// BuildKit shares one word buffer between a line and the `${…}` operands nested in it, so
    /// the text of the current word before a `${V-w}`, `${V#p}`, `${V/p/r}`… expansion (any
    /// form with an operand) is dropped from the words: `a${V:-b}c` gives `["bc"]`. This is
    /// kept for fidelity, as BuildKit's parser finds heredoc markers with this function;
    /// [`process_word`](Self::process_word) is not affected.
    pub fn process_words(&self, word: &str, env: &dyn Env) -> Result<Vec<String>, ExpandError> {
        let mut state = State::new(self, word, env, false);
        let (_, words) = state.top_level(word)?;
        Ok(words)
    }
}

/// Reads a word one character at a time, like Go's `text/scanner` used with `Peek`/`Next`.
struct Scanner<'a> {
    rest: &'a str,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        // text/scanner drops a byte-order mark at the very start of its input.
        Self {
            rest: text.strip_prefix('\u{FEFF}').unwrap_or(text),
        }
    }

    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }
}

/// Accumulates words the way BuildKit's `wordsStruct` does. The word being built lives in a
/// buffer owned by [`State`] (shared with nested expansions), not here.
#[derive(Default)]
struct Splitter {
    words: Vec<String>,
    in_word: bool,
}

impl Splitter {
    /// An unquoted character: whitespace ends the current word.
    fn add_char(&mut self, buf: &mut String, ch: char) {
        if !ch.is_whitespace() {
            self.add_raw_char(buf, ch);
        } else if self.in_word && !buf.is_empty() {
            self.words.push(std::mem::take(buf));
            self.in_word = false;
        }
    }

    /// A quoted or escaped character: always part of the word.
    fn add_raw_char(&mut self, buf: &mut String, ch: char) {
        buf.push(ch);
        self.in_word = true;
    }

    fn add_str(&mut self, buf: &mut String, s: &str) {
        for ch in s.chars() {
            self.add_char(buf, ch);
        }
    }

    fn add_raw_str(&mut self, buf: &mut String, s: &str) {
        buf.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self, buf: &mut String) -> Vec<String> {
        if !buf.is_empty() {
            self.words.push(std::mem::take(buf));
        }
        self.words
    }
}

/// One run of the lexer over one word.
struct State<'l, 'a> {
    lexer: &'l Lexer,
    env: &'a dyn Env,
    scanner: Scanner<'a>,
    /// Current escape mode: the lexer's option at the top level, forced on or off inside
    /// some `${…}` operands.
    raw_escapes: bool,
    /// The word being built. BuildKit keeps a single buffer for every nesting level and clears
    /// it whenever a nested `${…}` operand is read; see [`Lexer::process_words`].
    word_buf: String,
    /// How many `${…}` operands are being read, one inside another.
    depth: usize,
    capture: bool,
    matched: Vec<String>,
    unmatched: Vec<String>,
}

type Step<T> = Result<T, String>;

/// The deepest nesting of `${…}` operands accepted (`${A:-${B:-…}}`); deeper input is an error.
const MAX_NESTING: usize = 100;

impl<'l, 'a> State<'l, 'a> {
    fn new(lexer: &'l Lexer, word: &'a str, env: &'a dyn Env, capture: bool) -> Self {
        Self {
            lexer,
            env,
            scanner: Scanner::new(word),
            raw_escapes: lexer.raw_escapes,
            word_buf: String::new(),
            depth: 0,
            capture,
            matched: Vec::new(),
            unmatched: Vec::new(),
        }
    }

    fn top_level(&mut self, source: &str) -> Result<(String, Vec<String>), ExpandError> {
        self.process_until(None, self.lexer.raw_escapes)
            .map_err(|cause| ExpandError {
                message: format!(
                    "failed to process {}: {cause}",
                    crate::dump::go_quote(source)
                ),
            })
    }

    /// Reads up to (and consumes) `stop`, or to the end of input when `stop` is `None`;
    /// returns the expanded text and its words.
    fn process_until(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Step<(String, Vec<String>)> {
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let out = self.process_until_inner(stop);
        self.raw_escapes = saved;
        out
    }

    fn process_until_inner(&mut self, stop: Option<char>) -> Step<(String, Vec<String>)> {
        let quotes = !self.lexer.skip_process_quotes;
        let escape = self.lexer.escape;
        let mut result = String::new();
        self.word_buf.clear();
        let mut words = Splitter::default();

        while let Some(ch) = self.scanner.peek() {
            if stop == Some(ch) {
                self.scanner.next();
                return Ok((result, words.finish(&mut self.word_buf)));
            }
            match ch {
                '$' => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                    words.add_str(&mut self.word_buf, &value);
                }
                '\'' if quotes => {
                    let value = self.process_single_quote()?;
                    result.push_str(&value);
                    words.add_raw_str(&mut self.word_buf, &value);
                }
                '"' if quotes => {
                    let value = self.process_double_quote()?;
                    result.push_str(&value);
                    words.add_raw_str(&mut self.word_buf, &value);
                }
                _ => {
                    self.scanner.next();
                    if ch == escape {
                        if self.raw_escapes {
                            words.add_raw_char(&mut self.word_buf, ch);
                            result.push(ch);
                        }
                        // An escape at the very end is dropped.
                        let Some(escaped) = self.scanner.next() else {
                            break;
                        };
                        words.add_raw_char(&mut self.word_buf, escaped);
                        result.push(escaped);
                    } else {
                        words.add_char(&mut self.word_buf, ch);
                        result.push(ch);
                    }
                }
            }
        }
        if let Some(stop) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.finish(&mut self.word_buf)))
    }

    /// `'…'`: everything up to the next `'` is literal; there is no escape.
    fn process_single_quote(&mut self) -> Step<String> {
        self.scanner.next();
        let mut result = String::new();
        if self.lexer.raw_quotes {
            result.push('\'');
        }
        loop {
            match self.scanner.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .to_owned(),
                    )
                }
                Some('\'') => {
                    if self.lexer.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    /// `"…"`: variables expand; the escape character escapes only `"`, `$` and itself and is
    /// kept before anything else.
    fn process_double_quote(&mut self) -> Step<String> {
        let escape = self.lexer.escape;
        self.scanner.next();
        let mut result = String::new();
        if self.lexer.raw_quotes {
            result.push('"');
        }
        loop {
            match self.scanner.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .to_owned(),
                    )
                }
                Some('"') => {
                    self.scanner.next();
                    if self.lexer.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                }
                Some(mut ch) => {
                    self.scanner.next();
                    if ch == escape {
                        // With raw escapes an escape that escapes nothing is written twice,
                        // as BuildKit does.
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.scanner.peek() {
                            // Dropped here; the missing closing quote is reported next.
                            None => continue,
                            Some(next) if next == '"' || next == '$' || next == escape => {
                                self.scanner.next();
                                ch = next;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    /// `$NAME`, `${NAME}` and `${NAME<op>…}`; the scanner is on the `$`.
    fn process_dollar(&mut self) -> Step<String> {
        self.scanner.next();
        let skip_unset = self.lexer.skip_unset_env;

        if self.scanner.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".to_owned());
            }
            return Ok(match self.lookup(&name) {
                Some(value) => value.to_owned(),
                None if skip_unset => format!("${name}"),
                None => String::new(),
            });
        }

        self.scanner.next();
        match self.scanner.peek() {
            None => return Err("syntax error: missing '}'".to_owned()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".to_owned()),
            Some(_) => {}
        }
        let name = self.process_name();
        let first = self.scanner.next();
        // The modifier as written, for messages; Go prints the end of input as U+FFFD.
        let mut modifier = String::from(first.unwrap_or(char::REPLACEMENT_CHARACTER));

        match first {
            Some('}') => Ok(match self.lookup(&name) {
                Some(value) => value.to_owned(),
                None if skip_unset => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let null_is_unset = first == Some(':');
                let op = if null_is_unset {
                    let op = self.scanner.next();
                    modifier.push(op.unwrap_or(char::REPLACEMENT_CHARACTER));
                    op
                } else {
                    first
                };
                let is_pattern = matches!(op, Some('#' | '%'));
                if null_is_unset && is_pattern {
                    return Err(format!("unsupported modifier ({modifier}) in substitution"));
                }
                let (mut operand, _) =
                    self.operand('}', is_pattern, "syntax error: missing '}'")?;

                let value = self.lookup(&name);
                if skip_unset && value.is_none() {
                    return Ok(format!("${{{name}{modifier}{operand}}}"));
                }
                let unset_or_null = value.is_none_or(|v| null_is_unset && v.is_empty());
                match op {
                    Some('-') if unset_or_null => Ok(operand),
                    Some('-') => Ok(value.unwrap_or_default().to_owned()),
                    Some('+') if unset_or_null => Ok(String::new()),
                    Some('+') => Ok(operand),
                    Some('?') => match value {
                        Some(v) if !unset_or_null => Ok(v.to_owned()),
                        _ => {
                            if operand.is_empty() {
                                operand = if value.is_none() {
                                    "is not allowed to be unset"
                                } else {
                                    "is not allowed to be empty"
                                }
                                .to_owned();
                            }
                            Err(format!("{name}: {operand}"))
                        }
                    },
                    Some(op @ ('#' | '%')) => {
                        // A doubled operator (`##`, `%%`) asks for the longest match.
                        let greedy = operand.starts_with(op);
                        if greedy {
                            operand.remove(0);
                        }
                        let value = value.unwrap_or_default();
                        if op == '%' {
                            trim_suffix(&operand, value, greedy)
                        } else {
                            trim_prefix(&operand, value, greedy)
                        }
                    }
                    _ => Err(format!("unsupported modifier ({modifier}) in substitution")),
                }
            }
            Some('/') => {
                let replace_all = self.scanner.peek() == Some('/');
                if replace_all {
                    self.scanner.next();
                }
                let (pattern, _) = self.operand('/', true, "syntax error: missing '/' in ${}")?;
                let (replacement, _) = self.operand('}', true, "syntax error: missing '}'")?;

                let value = self.lookup(&name);
                if skip_unset && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                replace(
                    value.unwrap_or_default(),
                    &pattern,
                    &replacement,
                    replace_all,
                )
            }
            _ => Err(format!("unsupported modifier ({modifier}) in substitution")),
        }
    }

    /// Reads the operand of a `${…}` form up to `stop`; running out of input gives `missing`.
    fn operand(
        &mut self,
        stop: char,
        raw_escapes: bool,
        missing: &str,
    ) -> Step<(String, Vec<String>)> {
        // Operands nest by recursion; a bound keeps absurd inputs from overflowing the stack
        // (BuildKit, on Go's growable stacks, has none).
        if self.depth >= MAX_NESTING {
            return Err(format!(
                "syntax error: substitutions nested more than {MAX_NESTING} deep"
            ));
        }
        self.depth += 1;
        let out = self.process_until(Some(stop), raw_escapes);
        self.depth -= 1;
        out.map_err(|err| {
            if self.scanner.peek().is_none() {
                missing.to_owned()
            } else {
                err
            }
        })
    }

    /// A variable name: a run of digits, one special parameter character, or letters, digits
    /// and `_` (Unicode letters and decimal digits, as Go's `unicode` package defines them).
    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.scanner.peek() {
            if name.is_empty() && is_go_digit(ch) {
                while let Some(d) = self.scanner.peek().filter(|&c| is_go_digit(c)) {
                    self.scanner.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && is_special_param(ch) {
                self.scanner.next();
                name.push(ch);
                return name;
            }
            if !is_name_char(ch) {
                break;
            }
            self.scanner.next();
            name.push(ch);
        }
        name
    }

    fn lookup(&mut self, name: &str) -> Option<&'a str> {
        let env: &'a dyn Env = self.env;
        let value = env.get(name);
        if self.capture {
            let list = if value.is_some() {
                &mut self.matched
            } else {
                &mut self.unmatched
            };
            if !list.iter().any(|n| n == name) {
                list.push(name.to_owned());
            }
        }
        value
    }
}

fn is_special_param(ch: char) -> bool {
    matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

fn is_name_char(ch: char) -> bool {
    ch == '_' || is_go_letter(ch) || is_go_digit(ch)
}

// ---------------------------------------------------------------------------------------------
// Patterns

/// One element of a `#`, `%` or `/` pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Glob {
    /// Exactly this character.
    Lit(char),
    /// `?`: any character but a newline.
    Any,
    /// `*`: any run of characters without a newline.
    Star,
}

/// Reads a pattern as BuildKit's `convertShellPatternToRegex` does, reporting its errors.
fn compile_pattern(pattern: &str) -> Result<Vec<Glob>, String> {
    let mut chars = Scanner::new(pattern);
    let mut globs = Vec::new();
    while let Some(c) = chars.next() {
        let glob = match c {
            // `**` matches exactly what `*` matches.
            '*' if globs.last() == Some(&Glob::Star) => continue,
            '*' => Glob::Star,
            '?' => Glob::Any,
            '\\' => {
                // `\}` and `\/` only protect the delimiters of `${…}`.
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(e @ ('*' | '?' | '\\')) => Glob::Lit(e),
                    other => {
                        let shown = other.unwrap_or(char::REPLACEMENT_CHARACTER);
                        return Err(format!("invalid escape '\\{shown}'"));
                    }
                }
            }
            c => Glob::Lit(c),
        };
        globs.push(glob);
    }
    Ok(globs)
}

/// For each start position `j` in `0..=text.len()`, the end of the match of `globs` starting
/// at `j` that Go's regexp would report (leftmost-first: a greedy `*` prefers the longest
/// run, a lazy one the shortest), or `None`. Dynamic programming over the pattern from the
/// end, so time is `O(pattern × text)` with no backtracking.
fn match_ends(globs: &[Glob], text: &[char], greedy: bool) -> Vec<Option<usize>> {
    let n = text.len();
    let mut after: Vec<Option<usize>> = (0..=n).map(Some).collect();
    let mut here: Vec<Option<usize>> = vec![None; n + 1];
    for glob in globs.iter().rev() {
        match *glob {
            Glob::Lit(c) => {
                for j in 0..=n {
                    here[j] = if j < n && text[j] == c {
                        after[j + 1]
                    } else {
                        None
                    };
                }
            }
            Glob::Any => {
                for j in 0..=n {
                    here[j] = if j < n && text[j] != '\n' {
                        after[j + 1]
                    } else {
                        None
                    };
                }
            }
            Glob::Star => {
                // From `j`, the star may stop anywhere in `j..=line_end(j)`. Walking `j`
                // downwards, `pick` is the preferred stop among those where the rest matches.
                let mut pick: Option<usize> = None;
                for j in (0..=n).rev() {
                    let rest_matches = after[j].is_some();
                    if j == n || text[j] == '\n' {
                        pick = rest_matches.then_some(j);
                    } else if rest_matches && (!greedy || pick.is_none()) {
                        pick = Some(j);
                    }
                    here[j] = pick.and_then(|k| after[k]);
                }
            }
        }
        std::mem::swap(&mut here, &mut after);
    }
    after
}

fn invalid_pattern(pattern: &str, err: String) -> String {
    format!("invalid pattern ({pattern}) in substitution: {err}")
}

/// `${V#p}` / `${V##p}`.
fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Step<String> {
    let globs = compile_pattern(pattern).map_err(|e| invalid_pattern(pattern, e))?;
    let text: Vec<char> = value.chars().collect();
    Ok(match match_ends(&globs, &text, greedy)[0] {
        Some(end) => text[end..].iter().collect(),
        None => value.to_owned(),
    })
}

/// `${V%p}` / `${V%%p}`: a prefix trim of the reversed value with the reversed pattern, so
/// errors show the reversed pattern, as BuildKit's do.
fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Step<String> {
    let reversed: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&reverse_pattern(pattern), &reversed, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

/// Reverses a pattern but keeps each `\x` escape pair in order (`a\*c` → `c\*a`).
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = chars.clone();
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let at = n - 1 - i;
        if chars[i] == '\\' && i + 1 < n {
            out[at - 1] = '\\';
            out[at] = chars[i + 1];
            i += 2;
        } else {
            out[at] = chars[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// `${V/p/r}` and `${V//p/r}`. Like BuildKit (Go's `ReplaceAllString`), the replace-all form
/// reads `$0` / `${0}` in the replacement as the matched text and `$$` as `$`.
fn replace(value: &str, pattern: &str, replacement: &str, all: bool) -> Step<String> {
    let globs = compile_pattern(pattern).map_err(|e| invalid_pattern(pattern, e))?;
    let text: Vec<char> = value.chars().collect();
    let ends = match_ends(&globs, &text, true);
    let find_from = |from: usize| (from..=text.len()).find_map(|j| ends[j].map(|e| (j, e)));

    let mut out = String::with_capacity(value.len());
    if !all {
        match find_from(0) {
            Some((start, end)) => {
                out.extend(&text[..start]);
                out.push_str(replacement);
                out.extend(&text[end..]);
            }
            None => out.push_str(value),
        }
        return Ok(out);
    }

    let mut last_end = 0;
    let mut search = 0;
    while search <= text.len() {
        let Some((start, end)) = find_from(search) else {
            break;
        };
        out.extend(&text[last_end..start]);
        // An empty match right after the previous match is not replaced.
        if end > last_end || start == 0 {
            expand_template(&mut out, replacement, &text[start..end]);
        }
        last_end = end;
        search = if end == search { search + 1 } else { end };
    }
    out.extend(&text[last_end..]);
    Ok(out)
}

/// Go's `Regexp.Expand` for a pattern without groups: `$0`, `${0}` → the match; `$$` → `$`;
/// any other `$name` / `${name}` → nothing; a malformed reference is kept as text.
fn expand_template(out: &mut String, template: &str, matched: &[char]) {
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (braced, body) = match rest.strip_prefix('{') {
            Some(body) => (true, body),
            None => (false, rest),
        };
        let name_len = body
            .char_indices()
            .find(|&(_, c)| !is_name_char(c))
            .map_or(body.len(), |(i, _)| i);
        let name = &body[..name_len];
        let after_name = &body[name_len..];
        let after = if braced {
            after_name.strip_prefix('}')
        } else {
            Some(after_name)
        };
        match after {
            Some(after) if !name.is_empty() => {
                if name == "0" {
                    out.extend(matched);
                }
                rest = after;
            }
            _ => out.push('$'),
        }
    }
    out.push_str(rest);
}

// ---------------------------------------------------------------------------------------------
// Go compatibility helpers

/// Go's `unicode.IsLetter` (general category L).
fn is_go_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic() && !in_ranges(ALPHABETIC_NON_LETTERS, c as u32)
}

/// Go's `unicode.IsDigit` (general category Nd).
fn is_go_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(DECIMAL_DIGITS, c as u32)
}

fn in_ranges(ranges: &[(u32, u32)], cp: u32) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

// Unicode tables, derived from the Unicode Character Database (general categories) and Rust's
// `char::is_alphabetic`. `ALPHABETIC_NON_LETTERS` lists the non-ASCII characters with the
// Alphabetic property that are not letters (category L): letter numbers (Nl) and
// Other_Alphabetic marks and symbols, which Go's `unicode.IsLetter` rejects.
// `DECIMAL_DIGITS` is category Nd outside ASCII (Unicode 15, as in Go).

#[rustfmt::skip]
const ALPHABETIC_NON_LETTERS: &[(u32, u32)] = &[
    (0x0345, 0x0345), (0x0363, 0x036F), (0x05B0, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2),
    (0x05C4, 0x05C5), (0x05C7, 0x05C7), (0x0610, 0x061A), (0x064B, 0x0657), (0x0659, 0x065F),
    (0x0670, 0x0670), (0x06D6, 0x06DC), (0x06E1, 0x06E4), (0x06E7, 0x06E8), (0x06ED, 0x06ED),
    (0x0711, 0x0711), (0x0730, 0x073F), (0x07A6, 0x07B0), (0x0816, 0x0817), (0x081B, 0x0823),
    (0x0825, 0x0827), (0x0829, 0x082C), (0x08D4, 0x08DF), (0x08E3, 0x08E9), (0x08F0, 0x0903),
    (0x093A, 0x093B), (0x093E, 0x094C), (0x094E, 0x094F), (0x0955, 0x0957), (0x0962, 0x0963),
    (0x0981, 0x0983), (0x09BE, 0x09C4), (0x09C7, 0x09C8), (0x09CB, 0x09CC), (0x09D7, 0x09D7),
    (0x09E2, 0x09E3), (0x0A01, 0x0A03), (0x0A3E, 0x0A42), (0x0A47, 0x0A48), (0x0A4B, 0x0A4C),
    (0x0A51, 0x0A51), (0x0A70, 0x0A71), (0x0A75, 0x0A75), (0x0A81, 0x0A83), (0x0ABE, 0x0AC5),
    (0x0AC7, 0x0AC9), (0x0ACB, 0x0ACC), (0x0AE2, 0x0AE3), (0x0AFA, 0x0AFC), (0x0B01, 0x0B03),
    (0x0B3E, 0x0B44), (0x0B47, 0x0B48), (0x0B4B, 0x0B4C), (0x0B56, 0x0B57), (0x0B62, 0x0B63),
    (0x0B82, 0x0B82), (0x0BBE, 0x0BC2), (0x0BC6, 0x0BC8), (0x0BCA, 0x0BCC), (0x0BD7, 0x0BD7),
    (0x0C00, 0x0C04), (0x0C3E, 0x0C44), (0x0C46, 0x0C48), (0x0C4A, 0x0C4C), (0x0C55, 0x0C56),
    (0x0C62, 0x0C63), (0x0C81, 0x0C83), (0x0CBE, 0x0CC4), (0x0CC6, 0x0CC8), (0x0CCA, 0x0CCC),
    (0x0CD5, 0x0CD6), (0x0CE2, 0x0CE3), (0x0D00, 0x0D03), (0x0D3E, 0x0D44), (0x0D46, 0x0D48),
    (0x0D4A, 0x0D4C), (0x0D57, 0x0D57), (0x0D62, 0x0D63), (0x0D81, 0x0D83), (0x0DCF, 0x0DD4),
    (0x0DD6, 0x0DD6), (0x0DD8, 0x0DDF), (0x0DF2, 0x0DF3), (0x0E31, 0x0E31), (0x0E34, 0x0E3A),
    (0x0E4D, 0x0E4D), (0x0EB1, 0x0EB1), (0x0EB4, 0x0EB9), (0x0EBB, 0x0EBC), (0x0ECD, 0x0ECD),
    (0x0F71, 0x0F83), (0x0F8D, 0x0F97), (0x0F99, 0x0FBC), (0x102B, 0x1036), (0x1038, 0x1038),
    (0x103B, 0x103E), (0x1056, 0x1059), (0x105E, 0x1060), (0x1062, 0x1064), (0x1067, 0x106D),
    (0x1071, 0x1074), (0x1082, 0x108D), (0x108F, 0x108F), (0x109A, 0x109D), (0x16EE, 0x16F0),
    (0x1712, 0x1713), (0x1732, 0x1733), (0x1752, 0x1753), (0x1772, 0x1773), (0x17B6, 0x17C8),
    (0x1885, 0x1886), (0x18A9, 0x18A9), (0x1920, 0x192B), (0x1930, 0x1938), (0x1A17, 0x1A1B),
    (0x1A55, 0x1A5E), (0x1A61, 0x1A74), (0x1ABF, 0x1AC0), (0x1ACC, 0x1ACE), (0x1B00, 0x1B04),
    (0x1B35, 0x1B43), (0x1B80, 0x1B82), (0x1BA1, 0x1BA9), (0x1BAC, 0x1BAD), (0x1BE7, 0x1BF1),
    (0x1C24, 0x1C36), (0x1DD3, 0x1DF4), (0x2160, 0x2182), (0x2185, 0x2188), (0x24B6, 0x24E9),
    (0x2DE0, 0x2DFF), (0x3007, 0x3007), (0x3021, 0x3029), (0x3038, 0x303A), (0xA674, 0xA67B),
    (0xA69E, 0xA69F), (0xA6E6, 0xA6EF), (0xA802, 0xA802), (0xA80B, 0xA80B), (0xA823, 0xA827),
    (0xA880, 0xA881), (0xA8B4, 0xA8C3), (0xA8C5, 0xA8C5), (0xA8FF, 0xA8FF), (0xA926, 0xA92A),
    (0xA947, 0xA952), (0xA980, 0xA983), (0xA9B4, 0xA9BF), (0xA9E5, 0xA9E5), (0xAA29, 0xAA36),
    (0xAA43, 0xAA43), (0xAA4C, 0xAA4D), (0xAA7B, 0xAA7D), (0xAAB0, 0xAAB0), (0xAAB2, 0xAAB4),
    (0xAAB7, 0xAAB8), (0xAABE, 0xAABE), (0xAAEB, 0xAAEF), (0xAAF5, 0xAAF5), (0xABE3, 0xABEA),
    (0xFB1E, 0xFB1E), (0x10140, 0x10174), (0x10341, 0x10341), (0x1034A, 0x1034A),
    (0x10376, 0x1037A), (0x103D1, 0x103D5), (0x10A01, 0x10A03), (0x10A05, 0x10A06),
    (0x10A0C, 0x10A0F), (0x10D24, 0x10D27), (0x10EAB, 0x10EAC), (0x11000, 0x11002),
    (0x11038, 0x11045), (0x11073, 0x11074), (0x11080, 0x11082), (0x110B0, 0x110B8),
    (0x110C2, 0x110C2), (0x11100, 0x11102), (0x11127, 0x11132), (0x11145, 0x11146),
    (0x11180, 0x11182), (0x111B3, 0x111BF), (0x111CE, 0x111CF), (0x1122C, 0x11234),
    (0x11237, 0x11237), (0x1123E, 0x1123E), (0x112DF, 0x112E8), (0x11300, 0x11303),
    (0x1133E, 0x11344), (0x11347, 0x11348), (0x1134B, 0x1134C), (0x11357, 0x11357),
    (0x11362, 0x11363), (0x11435, 0x11441), (0x11443, 0x11445), (0x114B0, 0x114C1),
    (0x115AF, 0x115B5), (0x115B8, 0x115BE), (0x115DC, 0x115DD), (0x11630, 0x1163E),
    (0x11640, 0x11640), (0x116AB, 0x116B5), (0x1171D, 0x1172A), (0x1182C, 0x11838),
    (0x11930, 0x11935), (0x11937, 0x11938), (0x1193B, 0x1193C), (0x11940, 0x11940),
    (0x11942, 0x11942), (0x119D1, 0x119D7), (0x119DA, 0x119DF), (0x119E4, 0x119E4),
    (0x11A01, 0x11A0A), (0x11A35, 0x11A39), (0x11A3B, 0x11A3E), (0x11A51, 0x11A5B),
    (0x11A8A, 0x11A97), (0x11C2F, 0x11C36), (0x11C38, 0x11C3E), (0x11C92, 0x11CA7),
    (0x11CA9, 0x11CB6), (0x11D31, 0x11D36), (0x11D3A, 0x11D3A), (0x11D3C, 0x11D3D),
    (0x11D3F, 0x11D41), (0x11D43, 0x11D43), (0x11D47, 0x11D47), (0x11D8A, 0x11D8E),
    (0x11D90, 0x11D91), (0x11D93, 0x11D96), (0x11EF3, 0x11EF6), (0x12400, 0x1246E),
    (0x16F4F, 0x16F4F), (0x16F51, 0x16F87), (0x16F8F, 0x16F92), (0x16FF0, 0x16FF1),
    (0x1BC9E, 0x1BC9E), (0x1E000, 0x1E006), (0x1E008, 0x1E018), (0x1E01B, 0x1E021),
    (0x1E023, 0x1E024), (0x1E026, 0x1E02A), (0x1E947, 0x1E947), (0x1F130, 0x1F149),
    (0x1F150, 0x1F169), (0x1F170, 0x1F189),
];

#[rustfmt::skip]
const DECIMAL_DIGITS: &[(u32, u32)] = &[
    (0x0660, 0x0669), (0x06F0, 0x06F9), (0x07C0, 0x07C9), (0x0966, 0x096F), (0x09E6, 0x09EF),
    (0x0A66, 0x0A6F), (0x0AE6, 0x0AEF), (0x0B66, 0x0B6F), (0x0BE6, 0x0BEF), (0x0C66, 0x0C6F),
    (0x0CE6, 0x0CEF), (0x0D66, 0x0D6F), (0x0DE6, 0x0DEF), (0x0E50, 0x0E59), (0x0ED0, 0x0ED9),
    (0x0F20, 0x0F29), (0x1040, 0x1049), (0x1090, 0x1099), (0x17E0, 0x17E9), (0x1810, 0x1819),
    (0x1946, 0x194F), (0x19D0, 0x19D9), (0x1A80, 0x1A89), (0x1A90, 0x1A99), (0x1B50, 0x1B59),
    (0x1BB0, 0x1BB9), (0x1C40, 0x1C49), (0x1C50, 0x1C59), (0xA620, 0xA629), (0xA8D0, 0xA8D9),
    (0xA900, 0xA909), (0xA9D0, 0xA9D9), (0xA9F0, 0xA9F9), (0xAA50, 0xAA59), (0xABF0, 0xABF9),
    (0xFF10, 0xFF19), (0x104A0, 0x104A9), (0x10D30, 0x10D39), (0x11066, 0x1106F),
    (0x110F0, 0x110F9), (0x11136, 0x1113F), (0x111D0, 0x111D9), (0x112F0, 0x112F9),
    (0x11450, 0x11459), (0x114D0, 0x114D9), (0x11650, 0x11659), (0x116C0, 0x116C9),
    (0x11730, 0x11739), (0x118E0, 0x118E9), (0x11950, 0x11959), (0x11C50, 0x11C59),
    (0x11D50, 0x11D59), (0x11DA0, 0x11DA9), (0x11F50, 0x11F59), (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9), (0x16B50, 0x16B59), (0x1D7CE, 0x1D7FF), (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9), (0x1E4F0, 0x1E4F9), (0x1E950, 0x1E959), (0x1FBF0, 0x1FBF9),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn word(input: &str, env: &[(&str, &str)]) -> Result<String, String> {
        Lexer::new('\\')
            .process_word(input, &env)
            .map(|e| e.value)
            .map_err(|e| e.message)
    }

    fn words(lexer: Lexer, input: &str) -> Vec<String> {
        lexer.process_words(input, &EmptyEnv).unwrap()
    }

    /// Input, environment, expected value.
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
    );

    fn heredoc_lexer() -> Lexer {
        Lexer {
            raw_quotes: true,
            raw_escapes: true,
            skip_unset_env: true,
            ..Lexer::new('\\')
        }
    }

    #[test]
    fn heredoc_markers_survive_raw_mode() {
        let line =
            r#"cat <<EOF <<-"EOF" 3<<'END' <<"E"'O'F >/out a\ b "x\y" $HOME ${A:-b} ${C/d/e}"#;
        assert_eq!(
            words(heredoc_lexer(), line),
            [
                "cat",
                "<<EOF",
                r#"<<-"EOF""#,
                "3<<'END'",
                r#"<<"E"'O'F"#,
                ">/out",
                r"a\ b",
                r#""x\\y""#,
                "$HOME",
                "${A:-b}",
                "${C/d/e}",
            ]
        );
        // The same line without the options loses its quotes and escapes.
        assert_eq!(
            words(Lexer::new('\\'), r#"cat <<-"EOF" 3<<'END' a\ b"#),
            ["cat", "<<-EOF", "3<<END", "a b"]
        );
        // Raw quotes alone (BuildKit's second look at a delimiter).
        let quotes_only = Lexer {
            raw_quotes: true,
            ..Lexer::new('\\')
        };
        assert_eq!(words(quotes_only, r#""E\"OF""#), [r#""E"OF""#]);
    }

    #[test]
    fn skip_unset_env_keeps_references_as_written() {
        let lexer = Lexer {
            skip_unset_env: true,
            ..Lexer::new('\\')
        };
        let env = [("SET", "v"), ("EMPTY", "")];
        let out = |s: &str| lexer.process_word(s, &env).unwrap().value;
        assert_eq!(
            out("$X ${X} ${X:-a} ${X-a} ${X:+a} ${X?a}"),
            "$X ${X} ${X:-a} ${X-a} ${X:+a} ${X?a}"
        );
        assert_eq!(
            out("${X#a} ${X%%a} ${X/a/b} ${X//a/b}"),
            "${X#a} ${X%%a} ${X/a/b} ${X/a/b}"
        );
        assert_eq!(out("$SET ${EMPTY:-d} ${SET/v/w} $1"), "v d w $1");
    }

    #[test]
    fn matched_and_unmatched_lists() {
        let lexer = Lexer::new('\\');
        let env = [("FOO", "xxx"), ("BAR", "")];
        let cases: &[(&str, &str, &[&str], &[&str])] = &[
            ("x", "x", &[], &[]),
            ("x ${UNUSED}", "x ", &[], &["UNUSED"]),
            (
                "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
                "xxx  ccc",
                &["FOO", "BAR"],
                &["BAZ"],
            ),
            (
                "${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
                "xxx bbb ccc",
                &["FOO", "BAR"],
                &["BAZ"],
            ),
            (
                "${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
                "aaa bbb ",
                &["FOO", "BAR"],
                &["BAZ"],
            ),
            (
                "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
                "aaa  ",
                &["FOO", "BAR"],
                &["BAZ"],
            ),
            ("${FOO:-} $FOO ${FOO}", "xxx xxx xxx", &["FOO"], &[]),
            ("${BAR?bbb}", "", &["BAR"], &[]),
            ("${FOO?aaa}${FOO:?aaa}", "xxxxxx", &["FOO"], &[]),
            ("${NOPE:-$FOO}", "xxx", &["FOO"], &["NOPE"]),
            ("$1 $@ ${0}", "  ", &[], &["1", "@", "0"]),
            ("'$FOO' \\$BAR \"$BAR\"", "$FOO $BAR ", &["BAR"], &[]),
        ];
        for &(input, value, matched, unmatched) in cases {
            let out = lexer.process_word(input, &env).unwrap();
            assert_eq!(out.value, value, "{input}");
            assert_eq!(out.matched, matched, "{input}");
            assert_eq!(out.unmatched, unmatched, "{input}");
        }
    }

    #[test]
    fn mandatory_variables() {
        let set = [("VAR", "plain"), ("ARG", "x")];
        let empty = [("VAR", ""), ("ARG", "x")];
        let unset = [("ARG", "x")];
        let no_empty = "${VAR:?message here$ARG}";
        let no_unset = "${VAR?message here$ARG}";
        assert_eq!(word(no_empty, &set).unwrap(), "plain");
        assert_eq!(
            word(no_empty, &empty).unwrap_err(),
            r#"failed to process "${VAR:?message here$ARG}": VAR: message herex"#
        );
        assert!(word(no_empty, &unset)
            .unwrap_err()
            .ends_with("VAR: message herex"));
        assert_eq!(word(no_unset, &set).unwrap(), "plain");
        assert_eq!(word(no_unset, &empty).unwrap(), "");
        assert!(word(no_unset, &unset)
            .unwrap_err()
            .ends_with("VAR: message herex"));
        assert!(word("${VAR:?}", &empty)
            .unwrap_err()
            .ends_with("VAR: is not allowed to be empty"));
        assert!(word("${VAR:?}", &unset)
            .unwrap_err()
            .ends_with("VAR: is not allowed to be unset"));
        assert!(word("${VAR?}", &unset)
            .unwrap_err()
            .ends_with("VAR: is not allowed to be unset"));
    }

    #[test]
    fn pattern_operators() {
        let cases: &[Case] = &[
            (
                r"${FOO#()[]{\}^$.\*\?|\\}",
                &[("FOO", r"()[]{}^$.*?|\x")],
                "x",
            ),
            (r"${FOO%%\**}", &[("FOO", "xx**")], "xx"),
            ("${FOO#*x*y}", &[("FOO", "xxyy")], "y"),
            ("${FOO#*}", &[("FOO", "xxyy")], "xxyy"),
            ("${FOO#$BAR}", &[("FOO", "xxyy"), ("BAR", "x")], "xyy"),
            ("${FOO#$BAR}", &[("FOO", "xxyy"), ("BAR", "")], "xxyy"),
            ("${FOO#}", &[("FOO", "xxyy")], "xxyy"),
            ("${FOO##*x}", &[("FOO", "xxyy")], "yy"),
            ("${FOO##}", &[("FOO", "xxyy")], "xxyy"),
            (r"${FOO#?\?}", &[("FOO", "???y")], "?y"),
            ("${ABC:-.}${FOO%x}${ABC:-.}", &[("FOO", "xxyy")], ".xxyy."),
            (r"${FOO%%\**\*}", &[("FOO", "a***yy*")], "a"),
            ("${FOO%}", &[("FOO", "xxyy")], "xxyy"),
            ("${FOO%%$BAR}", &[("FOO", "xxyy"), ("BAR", "")], "xxyy"),
            ("${FOO%.*}", &[("FOO", "a.tar.gz")], "a.tar"),
            ("${FOO%%.*}", &[("FOO", "a.tar.gz")], "a"),
            ("${FOO#*/}", &[("FOO", "a/b/c")], "b/c"),
            ("${FOO##*/}", &[("FOO", "a/b/c")], "c"),
            ("${FOO#[ab]}", &[("FOO", "[ab]c")], "c"),
            ("${FOO%?}", &[("FOO", "한국어")], "한국"),
            ("${FOO#한}", &[("FOO", "한국어")], "국어"),
            // `*` and `?` do not cross newlines, as with Go's regexp `.`.
            ("${FOO##*}", &[("FOO", "ab\ncd")], "\ncd"),
            ("${FOO%%*}", &[("FOO", "ab\ncd")], "ab\n"),
            ("${FOO#?}", &[("FOO", "\nx")], "\nx"),
            ("${NOPE#x}${NOPE%x}", &[], ""),
        ];
        for &(input, env, expected) in cases {
            assert_eq!(word(input, env).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn replacement_operators() {
        let cases: &[Case] = &[
            (
                "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
                &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", r"\*/")],
                "/foo.*/*.txt - /foo..*.txt",
            ),
            (
                "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
                &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")],
                "/tmp/bar.txt - /bar.txt",
            ),
            (
                "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
                &[
                    ("FOO", "/a/foo/b/c.txt"),
                    ("NEEDLE", "/?/"),
                    ("REPLACEMENT", "/"),
                ],
                "/foo/b/c.txt - /foo/c.txt",
            ),
            (
                "${FOO/$NEEDLE/$REPLACEMENT}",
                &[
                    ("FOO", "http://google.de"),
                    ("NEEDLE", "http://"),
                    ("REPLACEMENT", "https://"),
                ],
                "https://google.de",
            ),
            (
                r"${FOO//\//\/}",
                &[("FOO", "/tmp/foo.txt")],
                r"\/tmp\/foo.txt",
            ),
            ("${FOO/$BAR/ww}", &[("FOO", "xxyy"), ("BAR", "")], "wwxxyy"),
            ("${FOO//$BAR/-}", &[("FOO", "ab"), ("BAR", "")], "-a-b-"),
            ("${FOO//x*/-}", &[("FOO", "axbxc")], "a-"),
            ("${FOO///}", &[("FOO", "xxyy")], "xxyy"),
            ("${FOO///}", &[], ""),
            // Only the replace-all form reads `$0` and `$$` in the replacement (Go's Expand).
            (
                "${FOO//b/<$R>}",
                &[("FOO", "abc"), ("R", "$0$$${0}$x$")],
                "a<b$b$>c",
            ),
            (
                "${FOO/b/<$R>}",
                &[("FOO", "abc"), ("R", "$0$$${0}$x$")],
                "a<$0$$${0}$x$>c",
            ),
            (r"${FOO//b/\$0}", &[("FOO", "abc")], r"a\bc"),
        ];
        for &(input, env, expected) in cases {
            assert_eq!(word(input, env).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn buildkit_error_messages() {
        let cases: &[(&str, &str)] = &[
            ("${}", "syntax error: bad substitution"),
            ("${:}", "syntax error: bad substitution"),
            ("${{a}", "syntax error: bad substitution"),
            ("${", "syntax error: missing '}'"),
            ("${a:-b", "syntax error: missing '}'"),
            ("${a:-${b}", "syntax error: missing '}'"),
            ("${a", "unsupported modifier (\u{FFFD}) in substitution"),
            ("${a:=b}", "unsupported modifier (:=) in substitution"),
            ("${a=b}", "unsupported modifier (=) in substitution"),
            ("${a:b}", "unsupported modifier (:b) in substitution"),
            ("${a.b}", "unsupported modifier (.) in substitution"),
            ("${a:#b}", "unsupported modifier (:#) in substitution"),
            ("${a:%%b}", "unsupported modifier (:%) in substitution"),
            ("${a//b}", "syntax error: missing '/' in ${}"),
            ("${a//}", "syntax error: missing '/' in ${}"),
            ("${a/b/c", "syntax error: missing '}'"),
            (
                "${a#\\x}",
                "invalid pattern (\\x) in substitution: invalid escape '\\x'",
            ),
            (
                "${a%ab\\c}",
                "invalid pattern (\\cba) in substitution: invalid escape '\\c'",
            ),
            (
                "'abc",
                "unexpected end of statement while looking for matching single-quote",
            ),
            (
                "\"abc",
                "unexpected end of statement while looking for matching double-quote",
            ),
            (
                "\"abc\\",
                "unexpected end of statement while looking for matching double-quote",
            ),
        ];
        for &(input, cause) in cases {
            let err = Lexer::new('\\').process_word(input, &EmptyEnv).unwrap_err();
            assert_eq!(
                err.message,
                format!(
                    "failed to process {}: {cause}",
                    crate::dump::go_quote(input)
                )
            );
            assert_eq!(err.to_string(), err.message);
        }
        let err = Lexer::new('\\')
            .process_word("\t\"x\u{0}\u{200b}", &EmptyEnv)
            .unwrap_err();
        assert!(
            err.message
                .starts_with(r#"failed to process "\t\"x\x00\u200b": "#),
            "{err}"
        );
    }

    #[test]
    fn escapes_and_quotes() {
        assert_eq!(word(r"a\ b\$c\\", &[]).unwrap(), r"a b$c\");
        assert_eq!(word(r#""a\tb\"c\$d\\e""#, &[]).unwrap(), r#"a\tb"c$d\e"#);
        assert_eq!(word(r"'a\'", &[]).unwrap(), r"a\");
        assert_eq!(word("trailing\\", &[]).unwrap(), "trailing");
        let backtick = Lexer::new('`');
        let out = |s: &str| backtick.process_word(s, &EmptyEnv).unwrap().value;
        assert_eq!(out(r"C:\dir` x`$y"), r"C:\dir x$y");
        assert_eq!(out(r#""a``b`"c""#), r#"a`b"c"#);
        // Patterns always use `\` as their own escape.
        let env = [("P", r"C:\x\y")];
        assert_eq!(
            backtick.process_word(r"${P#*\\}", &env).unwrap().value,
            r"x\y"
        );
        let plain = Lexer {
            skip_process_quotes: true,
            ..Lexer::new('\\')
        };
        assert_eq!(words(plain, r#"'a b' "c d""#), ["'a", "b'", "\"c", "d\""]);
    }

    #[test]
    fn word_splitting() {
        let env = [("SPACE", "abc  def"), ("LEAD", "  ab c")];
        let lexer = Lexer::new('\\');
        let split = |s: &str| lexer.process_words(s, &env).unwrap();
        assert_eq!(split("hello${SPACE}bye"), ["helloabc", "defbye"]);
        assert_eq!(split("hello\"${SPACE}\"bye"), ["helloabc  defbye"]);
        assert_eq!(split("x${LEAD}"), ["x", "ab", "c"]);
        assert_eq!(split("a \"\" b ''"), ["a", "b"]);
        assert_eq!(split("  "), Vec::<String>::new());
        // BuildKit's shared word buffer: text before an operand form is dropped.
        assert_eq!(split("pre${NOPE:-x}post tail"), ["xpost", "tail"]);
        assert_eq!(split("pre\"${LEAD#*a}\""), ["b c"]);
        assert_eq!(
            lexer.process_word("pre${NOPE:-x}post", &env).unwrap().value,
            "prexpost"
        );
    }

    #[test]
    fn names_follow_go_unicode_classes() {
        let env = [("é", "1"), ("x", "2"), ("a٣", "3")];
        assert_eq!(word("$é.$x².$a٣", &env).unwrap(), "1.2².3");
        // A letter number (Roman numeral) and a combining vowel sign are not name characters.
        assert_eq!(word("$xⅫ|$xा", &env).unwrap(), "2Ⅻ|2ा");
        assert_eq!(word("$١٢x", &env).unwrap(), "x");
        assert!(is_go_letter('한') && is_go_letter('ª') && !is_go_letter('Ⓐ'));
        assert!(is_go_digit('٣') && !is_go_digit('²') && !is_go_digit('Ⅻ'));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let nested = |n: usize| format!("{}x{}", "${A:-\"".repeat(n), "\"}".repeat(n));
        assert_eq!(word(&nested(MAX_NESTING), &[]).unwrap(), "x");
        let err = word(&nested(MAX_NESTING + 1), &[]).unwrap_err();
        assert!(err.ends_with("syntax error: substitutions nested more than 100 deep"));
        // Far past the limit, on a thread with the default test stack.
        let input = nested(100_000);
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || word(&input, &[]).is_err())
            .unwrap()
            .join()
            .map(|failed| assert!(failed))
            .unwrap();
    }

    #[test]
    fn byte_order_mark_at_start_is_dropped() {
        assert_eq!(word("\u{FEFF}a\u{FEFF}", &[]).unwrap(), "a\u{FEFF}");
    }

    #[test]
    fn pattern_helpers() {
        for (pattern, reversed) in [
            (r"a\*c", r"c\*a"),
            (r"\\\ab", r"b\a\\"),
            (r"ab\", r"\ba"),
            (r"👽\🚀🖖", r"🖖\🚀👽"),
            (r"\\b", r"b\\"),
            ("", ""),
        ] {
            assert_eq!(reverse_pattern(pattern), reversed, "{pattern}");
        }
        for bad in ["\\", "\\x", "\\\\\\"] {
            assert!(compile_pattern(bad).is_err(), "{bad}");
        }
        assert_eq!(
            compile_pattern(r"a**?\*\}\/").unwrap(),
            [
                Glob::Lit('a'),
                Glob::Star,
                Glob::Any,
                Glob::Lit('*'),
                Glob::Lit('}'),
                Glob::Lit('/')
            ]
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let inputs = [
            "",
            "$",
            "${",
            "${}",
            "${$",
            "${#",
            "${a",
            "${a:",
            "${a:-",
            "${a/",
            "${a//",
            "${a/b",
            "${a/b/",
            "${a#",
            "${a%%",
            "\\",
            "`",
            "'",
            "\"",
            "\"\\",
            "${a#\\",
            "${a%\\}",
            "${a%\\",
            "$한국어",
            "${한국어:-é}",
            "\u{FEFF}",
            "${a/\u{FEFF}/x}",
            "${a%\u{FEFF}}",
            "$\u{0}",
            "${a:?\u{0}}",
            "${a//*/$0}",
            "${a/#/x}",
            "${a/%/x}",
            "${a:-${b:-${c:-${d",
            "${a:+}}}}",
        ];
        let env = [("a", "value\nwith 한 lines"), ("b", "")];
        for escape in ['\\', '`'] {
            for bits in 0..16u8 {
                let lexer = Lexer {
                    escape,
                    raw_quotes: bits & 1 != 0,
                    raw_escapes: bits & 2 != 0,
                    skip_process_quotes: bits & 4 != 0,
                    skip_unset_env: bits & 8 != 0,
                };
                for input in inputs {
                    let _ = lexer.process_word(input, &env);
                    let _ = lexer.process_words(input, &env);
                }
            }
        }
    }

    #[test]
    fn env_implementations() {
        let mut map = HashMap::new();
        map.insert("A".to_owned(), "1".to_owned());
        let tree: BTreeMap<String, String> = map.clone().into_iter().collect();
        let list: EnvList = [("A", "0"), ("A", "1")].into_iter().collect();
        let pairs = vec![("A".to_owned(), "1".to_owned())];
        let envs: [&dyn Env; 4] = [&map, &tree, &list, &pairs];
        for env in envs {
            assert_eq!(env.get("A"), Some("1"));
            assert_eq!(env.get("a"), None);
            assert_eq!(Lexer::default().process_word("$A", env).unwrap().value, "1");
        }
        let mut list = EnvList::new();
        list.push("B", "x");
        assert_eq!(list.get("B"), Some("x"));
    }

    fn any_lexer() -> impl Strategy<Value = Lexer> {
        (prop::sample::select(vec!['\\', '`']), any::<[bool; 4]>()).prop_map(|(escape, b)| Lexer {
            escape,
            raw_quotes: b[0],
            raw_escapes: b[1],
            skip_process_quotes: b[2],
            skip_unset_env: b[3],
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn never_panics(
            lexer in any_lexer(),
            input in r#"([${}:\-+?#%/*\\`'" \n\tAVx0-9@é한]|\PC){0,40}"#,
        ) {
            let env = [("A", "a*b/c\n d"), ("V", ""), ("x", "é한 x")];
            let _ = lexer.process_word(&input, &env);
            let _ = lexer.process_words(&input, &env);
        }

        #[test]
        fn plain_text_is_unchanged(input in "[a-zA-Z0-9_./:=,+@-]{0,30}") {
            let out = Lexer::new('\\').process_word(&input, &EmptyEnv).unwrap();
            prop_assert_eq!(&out.value, &input);
            prop_assert!(out.matched.is_empty() && out.unmatched.is_empty());
        }

        #[test]
        fn raw_mode_keeps_quoted_words(
            words in prop::collection::vec(
                r#"[a-z<>0-9-]{1,8}|'[a-z $]{0,6}'|"[a-z ]{0,6}""#,
                0..6,
            ),
        ) {
            let line = words.join(" ");
            let got = heredoc_lexer().process_words(&line, &EmptyEnv).unwrap();
            prop_assert_eq!(got, words);
        }

        #[test]
        fn patterns_match_like_a_naive_search(
            pattern in "[ab*?]{0,6}",
            value in "[ab\n]{0,8}",
            greedy in any::<bool>(),
        ) {
            let globs = compile_pattern(&pattern).unwrap();
            let text: Vec<char> = value.chars().collect();
            let ends = match_ends(&globs, &text, greedy);
            for (start, end) in ends.iter().enumerate() {
                prop_assert_eq!(*end, naive_match(&globs, &text, start, greedy));
            }
        }
    }

    /// Backtracking in the order Go's regexp prefers, for checking `match_ends`.
    fn naive_match(globs: &[Glob], text: &[char], at: usize, greedy: bool) -> Option<usize> {
        let Some((first, rest)) = globs.split_first() else {
            return Some(at);
        };
        match *first {
            Glob::Lit(c) => (text.get(at) == Some(&c))
                .then(|| naive_match(rest, text, at + 1, greedy))
                .flatten(),
            Glob::Any => (at < text.len() && text[at] != '\n')
                .then(|| naive_match(rest, text, at + 1, greedy))
                .flatten(),
            Glob::Star => {
                let line_end = (at..text.len())
                    .find(|&i| text[i] == '\n')
                    .unwrap_or(text.len());
                let mut stops: Vec<usize> = (at..=line_end).collect();
                if greedy {
                    stops.reverse();
                }
                stops
                    .into_iter()
                    .find_map(|k| naive_match(rest, text, k, greedy))
            }
        }
    }
}
