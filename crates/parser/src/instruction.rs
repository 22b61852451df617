//! Reading one logical line into an [`Instruction`]: keyword, flags and arguments, split
//! exactly as BuildKit's line parsers split them.

use crate::diagnostic::{SyntaxCode, SyntaxDiagnostic};
use crate::dump::go_quote;
use crate::json_array::{self, JsonArray};
use crate::syntax::{Arguments, Flag, Instruction, KeyValue, Keyword, Word};
use crate::text::{
    is_ascii_white_space, leading_white_space_len, trim_end_len, SourceMap, TextRange,
};

/// ONBUILD nesting deeper than this is not followed (BuildKit rejects any chaining anyway).
const MAX_ONBUILD_DEPTH: usize = 32;

/// The whitespace BuildKit splits on (`[\t\v\f\r ]`), all ASCII: a byte of the text is one
/// of them exactly when the character it starts is.
fn is_split_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Go's `unicode.IsSpace` applied to a single byte taken as a Latin-1 rune, as BuildKit's
/// flag scanner does.
fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Shared state for building the nodes of one logical line.
pub(crate) struct LineContext<'a> {
    /// The logical line.
    pub text: &'a str,
    /// Logical offsets to file offsets.
    pub map: &'a SourceMap,
    /// The escape token (`\` or `` ` ``).
    pub escape: char,
    pub diagnostics: Vec<SyntaxDiagnostic>,
}

impl LineContext<'_> {
    fn file_range(&self, lo: usize, hi: usize) -> TextRange {
        self.map.range_to_source(TextRange::from_usize(lo, hi))
    }

    fn word(&self, value: impl Into<String>, lo: usize, hi: usize) -> Word {
        Word {
            value: value.into(),
            range: self.file_range(lo, hi),
        }
    }

    fn error(&mut self, code: SyntaxCode, lo: usize, hi: usize, message: String) {
        let range = self.file_range(lo, hi);
        self.diagnostics
            .push(SyntaxDiagnostic::new(code, range, message));
    }

    /// Builds the instruction in `self.text[lo..hi]` (the whole line, or an ONBUILD's rest).
    pub fn instruction(&mut self, lo: usize, hi: usize, depth: usize) -> Instruction {
        let (klo, khi, rest_lo) = split_keyword(self.text, lo, hi);
        let keyword_text = &self.text[klo..khi];
        let keyword = Keyword::from_word(keyword_text);
        let (flags, args_lo) = match rest_lo {
            Some(r) => self.flags(r, hi),
            None => (Vec::new(), hi),
        };
        let (alo, ahi) = trim_space(self.text, args_lo.min(hi), hi);
        let (args, json) = self.arguments(keyword, alo, ahi, depth);
        let range = self.file_range(klo, hi.max(khi));
        Instruction {
            keyword,
            keyword_text: keyword_text.to_string(),
            keyword_range: self.file_range(klo, khi),
            range,
            start_line: 0,
            end_line: 0,
            flags,
            args,
            json,
            heredocs: Vec::new(),
            prev_comment: Vec::new(),
            original: String::new(),
            original_map: SourceMap::new(),
            args_range: TextRange::from_usize(alo, ahi),
        }
    }

    /// BuildKit's flag scanner: leading `--words`, with quotes and backslashes processed.
    /// Returns the flags and the offset where the arguments start.
    fn flags(&mut self, lo: usize, hi: usize) -> (Vec<Flag>, usize) {
        #[derive(PartialEq)]
        enum Phase {
            Spaces,
            Word,
            Quote,
        }
        let bytes = &self.text.as_bytes()[..hi];
        let mut flags = Vec::new();
        let mut phase = Phase::Spaces;
        let mut word: Vec<u8> = Vec::new();
        let mut quote = 0u8;
        let mut blank_ok = false;
        let mut start = lo;
        let mut pos = lo;
        loop {
            let at_end = pos >= hi;
            let ch = if at_end { 0 } else { bytes[pos] };
            if phase == Phase::Spaces {
                if at_end {
                    break;
                }
                if is_space_byte(ch) {
                    pos += 1;
                    continue;
                }
                if ch != b'-' || pos + 1 == hi || bytes[pos + 1] != b'-' {
                    return (flags, pos);
                }
                phase = Phase::Word;
                start = pos;
                // Room for the flag up to the next space, which is where it usually ends.
                let unquoted_len = bytes[pos..].iter().position(|&b| is_space_byte(b));
                word.reserve(unquoted_len.unwrap_or(hi - pos));
            }
            if at_end {
                if word != b"--" && (blank_ok || !word.is_empty()) {
                    flags.push(self.flag(std::mem::take(&mut word), start, hi));
                }
                break;
            }
            if phase == Phase::Word {
                if is_space_byte(ch) {
                    phase = Phase::Spaces;
                    if word == b"--" {
                        return (flags, pos);
                    }
                    if blank_ok || !word.is_empty() {
                        flags.push(self.flag(std::mem::take(&mut word), start, pos));
                    }
                    word.clear();
                    blank_ok = false;
                    pos += 1;
                    continue;
                }
                if ch == b'\'' || ch == b'"' {
                    quote = ch;
                    blank_ok = true;
                    phase = Phase::Quote;
                    pos += 1;
                    continue;
                }
            } else if ch == quote {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            if ch != b'\\' {
                // Copy the run of bytes up to the next one that means something here.
                let in_word = phase == Phase::Word;
                let ends_run = |b: u8| {
                    b == b'\\'
                        || if in_word {
                            is_space_byte(b) || b == b'\'' || b == b'"'
                        } else {
                            b == quote
                        }
                };
                let run_end = bytes[pos..]
                    .iter()
                    .position(|&b| ends_run(b))
                    .map_or(hi, |i| pos + i);
                word.extend_from_slice(&bytes[pos..run_end]);
                pos = run_end;
                continue;
            }
            // Inside or outside quotes, a backslash takes the next byte as is; a trailing one
            // is dropped.
            if pos + 1 == hi {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            word.push(bytes[pos + 1]);
            pos += 2;
        }
        (flags, hi)
    }

    fn flag(&self, word: Vec<u8>, lo: usize, hi: usize) -> Flag {
        // The bytes are taken over as they are unless they are not UTF-8, which they always
        // are: only ASCII quotes and backslashes are left out of the flag's text.
        let text = String::from_utf8(word)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        let body = text.strip_prefix("--").unwrap_or(&text);
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (body.to_string(), None),
        };
        let raw = &self.text[lo..hi];
        let raw_eq = raw.find('=').map(|i| lo + i);
        let name_end = raw_eq.unwrap_or(hi);
        Flag {
            text,
            name,
            value,
            range: self.file_range(lo, hi),
            name_range: self.file_range((lo + 2).min(name_end), name_end),
            value_range: raw_eq.map(|eq| self.file_range(eq + 1, hi)),
        }
    }

    fn arguments(
        &mut self,
        keyword: Keyword,
        lo: usize,
        hi: usize,
        depth: usize,
    ) -> (Arguments, bool) {
        match keyword {
            Keyword::Add | Keyword::Copy | Keyword::Volume => self.maybe_json_to_list(lo, hi),
            Keyword::Arg => (self.words_arguments(lo, hi), false),
            Keyword::Cmd | Keyword::Entrypoint | Keyword::Run | Keyword::Shell => {
                self.maybe_json(lo, hi)
            }
            Keyword::Env | Keyword::Label => (self.key_values(keyword, lo, hi), false),
            Keyword::Expose | Keyword::From => (self.whitespace_list(lo, hi), false),
            Keyword::Healthcheck => self.healthcheck(lo, hi),
            Keyword::Maintainer | Keyword::Stopsignal | Keyword::User | Keyword::Workdir => {
                (self.text_argument(lo, hi), false)
            }
            Keyword::Onbuild => {
                if lo == hi {
                    (Arguments::None, false)
                } else if depth >= MAX_ONBUILD_DEPTH {
                    (Arguments::Invalid, false)
                } else {
                    let mut child = self.instruction(lo, hi, depth + 1);
                    // The nested instruction's offsets are relative to the ONBUILD's line.
                    child.original = self.text.to_string();
                    child.original_map = self.map.clone();
                    (Arguments::Onbuild(Box::new(child)), false)
                }
            }
            Keyword::Unknown => (Arguments::Ignored, false),
        }
    }

    fn text_argument(&self, lo: usize, hi: usize) -> Arguments {
        if lo == hi {
            Arguments::None
        } else {
            Arguments::Text(self.word(&self.text[lo..hi], lo, hi))
        }
    }

    fn whitespace_list(&self, lo: usize, hi: usize) -> Arguments {
        if lo == hi {
            return Arguments::None;
        }
        let mut words = Vec::new();
        let mut start = lo;
        // The separators are ASCII, so bytes can be compared without decoding characters.
        let bytes = &self.text.as_bytes()[..hi];
        while start <= hi {
            let mut end = start;
            while end < hi && !is_split_space_byte(bytes[end]) {
                end += 1;
            }
            words.push(self.word(&self.text[start..end], start, end));
            if end == hi {
                break;
            }
            start = end;
            while start < hi && is_split_space_byte(bytes[start]) {
                start += 1;
            }
            if start == hi {
                // Trailing separators give BuildKit a final empty word.
                words.push(self.word("", hi, hi));
                break;
            }
        }
        Arguments::List(words)
    }

    fn json(&mut self, lo: usize, hi: usize) -> Option<(Arguments, bool)> {
        let text = &self.text[lo..hi];
        let skipped = leading_white_space_len(text);
        match json_array::parse(&text[skipped..]) {
            JsonArray::Strings(items) => {
                let base = lo + skipped;
                let words = items
                    .into_iter()
                    .map(|(v, s, e)| self.word(v, base + s, base + e))
                    .collect();
                Some((Arguments::Exec(words), true))
            }
            JsonArray::NotAllStrings => {
                self.error(
                    SyntaxCode::InvalidJsonArray,
                    lo,
                    hi,
                    "when using JSON array syntax, arrays must be comprised of strings only"
                        .to_string(),
                );
                Some((Arguments::Invalid, false))
            }
            JsonArray::NotJson => None,
        }
    }

    fn maybe_json(&mut self, lo: usize, hi: usize) -> (Arguments, bool) {
        if lo == hi {
            return (Arguments::None, false);
        }
        self.json(lo, hi)
            .unwrap_or_else(|| (self.text_argument(lo, hi), false))
    }

    fn maybe_json_to_list(&mut self, lo: usize, hi: usize) -> (Arguments, bool) {
        self.json(lo, hi)
            .unwrap_or_else(|| (self.whitespace_list(lo, hi), false))
    }

    fn healthcheck(&mut self, lo: usize, hi: usize) -> (Arguments, bool) {
        let bytes = self.text.as_bytes();
        let sep = (lo..hi).find(|&i| is_space_byte(bytes[i])).unwrap_or(hi);
        if sep == lo {
            return (Arguments::None, false);
        }
        let next = (sep..hi).find(|&i| !is_space_byte(bytes[i])).unwrap_or(hi);
        let kind = self.word(&self.text[lo..sep], lo, sep);
        let (command, json) = self.maybe_json(next, hi);
        if command == Arguments::Invalid {
            return (Arguments::Invalid, false);
        }
        (
            Arguments::Healthcheck {
                kind,
                command: Box::new(command),
            },
            json,
        )
    }

    fn words_arguments(&self, lo: usize, hi: usize) -> Arguments {
        let words = parse_words(self.text, lo, hi, self.escape);
        if words.is_empty() {
            return Arguments::None;
        }
        Arguments::List(
            words
                .into_iter()
                .map(|w| self.word(w.value(self.text), w.start, w.end))
                .collect(),
        )
    }

    fn key_values(&mut self, keyword: Keyword, lo: usize, hi: usize) -> Arguments {
        let words = parse_words(self.text, lo, hi, self.escape);
        let Some(first) = words.first() else {
            return Arguments::None;
        };
        if !first.value(self.text).contains('=') {
            // Legacy `ENV key value`: split the raw text once on whitespace.
            let bytes = &self.text.as_bytes()[..hi];
            let Some(sep) = (lo..hi).find(|&i| is_split_space_byte(bytes[i])) else {
                self.error(
                    SyntaxCode::WrongArgumentCount,
                    lo,
                    hi,
                    format!("{} must have two arguments", keyword.as_str()),
                );
                return Arguments::Invalid;
            };
            let vstart = (sep..hi)
                .find(|&i| !is_split_space_byte(bytes[i]))
                .unwrap_or(hi);
            let key = self.word(&self.text[lo..sep], lo, sep);
            let value = self.word(&self.text[vstart..hi], vstart, hi);
            return Arguments::KeyValues(vec![KeyValue {
                key,
                value,
                legacy: true,
                range: self.file_range(lo, hi),
            }]);
        }
        let mut pairs = Vec::with_capacity(words.len());
        for span in &words {
            let (word, s, e) = (span.value(self.text), span.start, span.end);
            let Some(eq) = word.find('=') else {
                self.error(
                    SyntaxCode::InvalidKeyValue,
                    s,
                    e,
                    format!(
                        "Syntax error - can't find = in {}. Must be of the form: name=value",
                        go_quote(word)
                    ),
                );
                return Arguments::Invalid;
            };
            let key_end = (s + eq).min(e);
            let value_start = (key_end + 1).min(e);
            pairs.push(KeyValue {
                key: self.word(&word[..eq], s, key_end),
                value: self.word(&word[eq + 1..], value_start, e),
                legacy: false,
                range: self.file_range(s, e),
            });
        }
        Arguments::KeyValues(pairs)
    }
}

/// Splits `text[lo..hi]` into the keyword and the start of the rest, as BuildKit's
/// `splitCommand` does: trim, then split once on `[\t\v\f\r ]+`.
fn split_keyword(text: &str, lo: usize, hi: usize) -> (usize, usize, Option<usize>) {
    let (tlo, thi) = trim_space(text, lo, hi);
    let bytes = &text.as_bytes()[..thi];
    match (tlo..thi).find(|&i| is_split_space_byte(bytes[i])) {
        Some(khi) => {
            let rest = (khi..thi)
                .find(|&i| !is_split_space_byte(bytes[i]))
                .unwrap_or(thi);
            (tlo, khi, Some(rest))
        }
        None => (tlo, thi, None),
    }
}

/// `strings.TrimSpace` on `text[lo..hi]`, as offsets.
pub(crate) fn trim_space(text: &str, lo: usize, hi: usize) -> (usize, usize) {
    let s = &text[lo..hi];
    let start = lo + leading_white_space_len(s);
    let end = lo + trim_end_len(s);
    (start, end.max(start))
}

/// A word found by [`parse_words`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WordSpan {
    /// Where the word starts in the text.
    pub start: usize,
    /// Where its value ends: before a final escape character that ends the text, which is
    /// dropped, else at [`Self::end`].
    pub value_end: usize,
    /// Where the word ends in the text.
    pub end: usize,
}

impl WordSpan {
    /// The word's value: quotes and escapes kept as written, so a slice of the text.
    pub fn value(self, text: &str) -> &str {
        text.get(self.start..self.value_end).unwrap_or("")
    }
}

/// BuildKit's `parseWords`: whitespace-separated words, quotes and escapes kept as written.
///
/// Every character of a word is kept but an escape character that ends the text, so each
/// value is a slice of `text` and no string is built here.
pub(crate) fn parse_words(text: &str, lo: usize, hi: usize, escape: char) -> Vec<WordSpan> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let bytes = &text.as_bytes()[..hi];
    // The character at `pos` and its width; ASCII bytes are taken as they are.
    let char_at = |pos: usize| match bytes.get(pos) {
        Some(&b) if b.is_ascii() => (char::from(b), 1),
        _ => {
            let c = text
                .get(pos..hi)
                .and_then(|rest| rest.chars().next())
                .unwrap_or('\0');
            (c, c.len_utf8())
        }
    };
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut start = lo;
    let mut pos = lo;
    // Where the value of the last word ends: before a dropped final escape, else at `hi`.
    let mut last_value_end = hi;
    // ASCII characters that the current phase only copies, skipped in a tight loop: all but
    // white space, quotes and the escape character in a word; all but the closing quote and
    // (unless it is `'`) the escape character in quotes.
    let plain_in_word = |b: u8| {
        b.is_ascii()
            && !is_ascii_white_space(b)
            && b != b'\''
            && b != b'"'
            && char::from(b) != escape
    };
    let plain_in_quote = |b: u8, quote: char| {
        b.is_ascii() && char::from(b) != quote && (quote == '\'' || char::from(b) != escape)
    };
    loop {
        match phase {
            Phase::Word => {
                while bytes.get(pos).is_some_and(|&b| plain_in_word(b)) {
                    pos += 1;
                }
            }
            Phase::Quote => {
                while bytes.get(pos).is_some_and(|&b| plain_in_quote(b, quote)) {
                    pos += 1;
                }
            }
            Phase::Spaces => {}
        }
        let at_end = pos >= hi;
        let (ch, mut width) = if at_end { ('\0', 1) } else { char_at(pos) };
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if ch.is_whitespace() {
                pos += width;
                continue;
            }
            phase = Phase::Word;
            start = pos;
        }
        if at_end {
            if blank_ok || last_value_end > start {
                words.push(WordSpan {
                    start,
                    value_end: last_value_end,
                    end: hi,
                });
            }
            break;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || pos > start {
                    words.push(WordSpan {
                        start,
                        value_end: pos,
                        end: pos,
                    });
                }
                blank_ok = false;
                pos += width;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if pos + width == hi {
                    last_value_end = pos;
                    pos += width;
                    continue;
                }
                // The escaped character is kept whatever it is.
                pos += width;
                width = char_at(pos).1;
            }
            pos += width;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if pos + width == hi {
                last_value_end = pos;
                phase = Phase::Word;
                pos += width;
                continue;
            }
            pos += width;
            width = char_at(pos).1;
        }
        pos += width;
    }
    words
}

/// Builds the instruction for a whole logical line, which it keeps as its `original`.
pub(crate) fn instruction_from_line(
    text: String,
    map: SourceMap,
    escape: char,
) -> (Instruction, Vec<SyntaxDiagnostic>) {
    let mut ctx = LineContext {
        text: &text,
        map: &map,
        escape,
        diagnostics: Vec::new(),
    };
    let mut instruction = ctx.instruction(0, text.len(), 0);
    let diagnostics = ctx.diagnostics;
    instruction.original = text;
    instruction.original_map = map;
    (instruction, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        parse_words(s, 0, s.len(), '\\')
            .into_iter()
            .map(|w| w.value(s).to_string())
            .collect()
    }

    #[test]
    fn parse_words_keeps_quotes_and_escapes() {
        assert_eq!(words(r#"a="1 2" b"#), vec![r#"a="1 2""#, "b"]);
        assert_eq!(words(r#"a\ b c"#), vec![r#"a\ b"#, "c"]);
        assert_eq!(words("x=''"), vec!["x=''"]);
        assert_eq!(words("a\\"), vec!["a"]);
        assert_eq!(words("  "), Vec::<String>::new());
    }

    fn line(s: &str) -> Instruction {
        let map = SourceMap::contiguous(0, s.len() as u32);
        instruction_from_line(s.to_string(), map, '\\').0
    }

    #[test]
    fn flags_are_split_from_arguments() {
        let i = line(r#"COPY --from="build stage" --link src dst"#);
        assert_eq!(i.flags.len(), 2);
        assert_eq!(i.flags[0].text, "--from=build stage");
        assert_eq!(i.flags[0].name, "from");
        assert_eq!(i.flags[0].value.as_deref(), Some("build stage"));
        assert_eq!(i.flags[0].range, TextRange::new(5, 25));
        assert_eq!(i.flags[0].name_range, TextRange::new(7, 11));
        assert_eq!(i.flags[1].value, None);
        assert_eq!(i.arg_values(), vec!["src", "dst"]);
        assert_eq!(i.args_text(), "src dst");
    }

    #[test]
    fn legacy_env_and_key_values() {
        let i = line("ENV a b c");
        assert_eq!(i.arg_values(), vec!["a", "b c", ""]);
        let i = line(r#"LABEL a="x y" b=2"#);
        assert_eq!(i.arg_values(), vec!["a", r#""x y""#, "=", "b", "2", "="]);
        let map = SourceMap::contiguous(0, 5);
        let (i, errs) = instruction_from_line("ENV a".to_string(), map, '\\');
        assert_eq!(i.args, Arguments::Invalid);
        assert_eq!(errs[0].message, "ENV must have two arguments");
    }

    #[test]
    fn exec_and_shell_forms() {
        let i = line(r#"CMD ["a", "b"]"#);
        assert!(i.json);
        assert_eq!(i.arg_values(), vec!["a", "b"]);
        let i = line(r#"CMD ['a']"#);
        assert!(!i.json);
        assert_eq!(i.arg_values(), vec!["['a']"]);
        let i = line("HEALTHCHECK --interval=5s CMD [\"x\"]");
        assert_eq!(i.arg_values(), vec!["CMD", "x"]);
        assert!(i.json);
        let i = line("ONBUILD RUN --mount=type=cache x");
        let child = i.onbuild_child().unwrap();
        assert_eq!(child.keyword, Keyword::Run);
        assert_eq!(child.flags[0].text, "--mount=type=cache");
    }
}
