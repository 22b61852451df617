//! Exec-form arguments: a strict JSON array of strings, with the span of every element.
//!
//! BuildKit decides between exec and shell form with Go's `encoding/json`: anything that is not
//! valid JSON falls back to shell form, while a valid array holding anything but strings is an
//! error. This module reproduces that decision and keeps byte ranges, which no JSON crate gives.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, one_of};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;
use nom::{IResult, Parser};

/// The outcome of reading a text as a JSON array.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonArray {
    /// A valid array of strings: each element's decoded value and its byte range in the input.
    Strings(Vec<(String, usize, usize)>),
    /// A valid JSON array with a non-string element.
    NotAllStrings,
    /// Not valid JSON (or not an array): the text is shell form.
    NotJson,
}

/// Go's JSON decoder limits nesting to 10 000 levels; deeper input is invalid JSON.
const MAX_DEPTH: usize = 10_000;

fn is_json_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn ws(input: &str) -> &str {
    input.trim_start_matches(is_json_space)
}

/// Reads `text` (which BuildKit has already left-trimmed) as a JSON array.
pub(crate) fn parse(text: &str) -> JsonArray {
    let base = text.as_ptr() as usize;
    let offset = |s: &str| s.as_ptr() as usize - base;
    let Some(mut rest) = text.strip_prefix('[') else {
        return JsonArray::NotJson;
    };
    let mut items = Vec::new();
    let mut all_strings = true;
    rest = ws(rest);
    if let Some(after) = rest.strip_prefix(']') {
        return finish(after, items, all_strings);
    }
    loop {
        rest = ws(rest);
        if rest.starts_with('"') {
            let start = offset(rest);
            match string(rest) {
                Ok((after, value)) => {
                    items.push((value, start, offset(after)));
                    rest = after;
                }
                Err(_) => return JsonArray::NotJson,
            }
        } else {
            match skip_value(rest) {
                Some(after) => {
                    all_strings = false;
                    rest = after;
                }
                None => return JsonArray::NotJson,
            }
        }
        rest = ws(rest);
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if let Some(after) = rest.strip_prefix(']') {
            return finish(after, items, all_strings);
        } else {
            return JsonArray::NotJson;
        }
    }
}

fn finish(after: &str, items: Vec<(String, usize, usize)>, all_strings: bool) -> JsonArray {
    if !ws(after).is_empty() {
        JsonArray::NotJson
    } else if all_strings {
        JsonArray::Strings(items)
    } else {
        JsonArray::NotAllStrings
    }
}

/// A JSON string literal, decoded as Go decodes it (lone surrogates become U+FFFD).
fn string(input: &str) -> IResult<&str, String> {
    let (mut rest, _) = char('"').parse(input)?;
    let mut out = String::new();
    let fail = |i| nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Char));
    loop {
        // The characters looked for are ASCII, so a byte search finds the same place.
        let end = rest
            .bytes()
            .position(|b| b == b'"' || b == b'\\' || b < 0x20)
            .ok_or_else(|| fail(rest))?;
        out.push_str(&rest[..end]);
        rest = &rest[end..];
        let c = rest.as_bytes()[0];
        match c {
            b'"' => return Ok((&rest[1..], out)),
            b'\\' => {
                // Every escape is one ASCII letter: a `\` before a multi-byte character is an
                // invalid escape, and slicing past its first byte would split the character.
                let esc = rest
                    .as_bytes()
                    .get(1)
                    .copied()
                    .filter(u8::is_ascii)
                    .ok_or_else(|| fail(rest))?;
                rest = &rest[2..];
                match esc {
                    b'"' => out.push('"'),
                    b'\\' => out.push('\\'),
                    b'/' => out.push('/'),
                    b'b' => out.push('\u{8}'),
                    b'f' => out.push('\u{c}'),
                    b'n' => out.push('\n'),
                    b'r' => out.push('\r'),
                    b't' => out.push('\t'),
                    b'u' => {
                        let (after, unit) = hex4(rest).ok_or_else(|| fail(rest))?;
                        rest = after;
                        if (0xD800..0xDC00).contains(&unit) {
                            // A high surrogate: only a following `\uDC00`..`\uDFFF` completes it.
                            let low = rest
                                .strip_prefix("\\u")
                                .and_then(hex4)
                                .filter(|(_, lo)| (0xDC00..0xE000).contains(lo));
                            if let Some((after, lo)) = low {
                                rest = after;
                                let c = 0x10000 + ((unit - 0xD800) << 10) + (lo - 0xDC00);
                                out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                            } else {
                                out.push('\u{FFFD}');
                            }
                        } else {
                            out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                        }
                    }
                    _ => return Err(fail(rest)),
                }
            }
            _ => return Err(fail(rest)),
        }
    }
}

fn hex4(input: &str) -> Option<(&str, u32)> {
    let digits = input.get(..4)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((&input[4..], u32::from_str_radix(digits, 16).ok()?))
}

fn number(input: &str) -> IResult<&str, &str> {
    let digits = || take_while1(|c: char| c.is_ascii_digit());
    let int = alt((
        tag("0"),
        recognize(pair(
            one_of("123456789"),
            take_while(|c: char| c.is_ascii_digit()),
        )),
    ));
    recognize((
        opt(char('-')),
        int,
        opt(pair(char('.'), digits())),
        opt((one_of("eE"), opt(one_of("+-")), digits())),
    ))
    .parse(input)
}

/// Skips one JSON value that is not at the top level, without recursion.
fn skip_value(input: &str) -> Option<&str> {
    let mut stack: Vec<u8> = Vec::new();
    let mut rest = input;
    loop {
        rest = ws(rest);
        // A value.
        let first = *rest.as_bytes().first()?;
        match first {
            b'"' => rest = string(rest).ok()?.0,
            b'[' | b'{' => {
                if stack.len() + 2 > MAX_DEPTH {
                    return None;
                }
                stack.push(first);
                rest = ws(&rest[1..]);
                let close = if first == b'[' { ']' } else { '}' };
                if let Some(after) = rest.strip_prefix(close) {
                    stack.pop();
                    rest = after;
                } else {
                    if first == b'{' {
                        rest = object_key(rest)?;
                    }
                    continue;
                }
            }
            b't' => rest = rest.strip_prefix("true")?,
            b'f' => rest = rest.strip_prefix("false")?,
            b'n' => rest = rest.strip_prefix("null")?,
            _ => {
                let (after, num) = number(rest).ok()?;
                // Go decodes numbers into float64 and rejects those out of its range.
                if num.parse::<f64>().ok()?.is_infinite() {
                    return None;
                }
                rest = after;
            }
        }
        // After a value: close containers or move to the next element.
        loop {
            let Some(&open) = stack.last() else {
                return Some(rest);
            };
            rest = ws(rest);
            let close = if open == b'[' { ']' } else { '}' };
            if let Some(after) = rest.strip_prefix(',') {
                rest = after;
                if open == b'{' {
                    rest = object_key(ws(rest))?;
                }
                break;
            } else if let Some(after) = rest.strip_prefix(close) {
                stack.pop();
                rest = after;
            } else {
                return None;
            }
        }
    }
}

/// `"key" :` inside an object.
fn object_key(input: &str) -> Option<&str> {
    let (rest, _) = string(ws(input)).ok()?;
    ws(rest).strip_prefix(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        match parse(text) {
            JsonArray::Strings(items) => items.into_iter().map(|i| i.0).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_string_arrays_with_spans() {
        let text = r#"[ "a", "b c" ]"#;
        let JsonArray::Strings(items) = parse(text) else {
            panic!()
        };
        assert_eq!(items[0], ("a".to_string(), 2, 5));
        assert_eq!(&text[items[1].1..items[1].2], r#""b c""#);
        assert_eq!(values("[]"), Vec::<String>::new());
        assert_eq!(
            values(r#"["\u00e9\n\"", "\ud83d\ude00", "\ud800x"]"#),
            vec!["é\n\"", "😀", "\u{FFFD}x"]
        );
    }

    #[test]
    fn distinguishes_invalid_json_from_non_strings() {
        assert_eq!(parse(r#"["a", 1]"#), JsonArray::NotAllStrings);
        assert_eq!(
            parse(r#"["a", {"k": [1, null, true]}]"#),
            JsonArray::NotAllStrings
        );
        assert_eq!(parse(r#"['a']"#), JsonArray::NotJson);
        assert_eq!(parse(r#"["a",]"#), JsonArray::NotJson);
        assert_eq!(parse(r#"["a"] x"#), JsonArray::NotJson);
        assert_eq!(parse(r#"["a""#), JsonArray::NotJson);
        assert_eq!(parse("[\"a\tb\"]"), JsonArray::NotJson);
        assert_eq!(parse("[01]"), JsonArray::NotJson);
        // A backslash before a multi-byte character (this used to panic).
        assert_eq!(parse("[\"a\\\u{97}\"]"), JsonArray::NotJson);
        assert_eq!(parse("[\"\\é\", \"b\"]"), JsonArray::NotJson);
        assert_eq!(parse("[1, \"\\😀\"]"), JsonArray::NotJson);
        assert_eq!(parse("[1e999]"), JsonArray::NotJson);
        assert_eq!(parse("[-0.5e+3]"), JsonArray::NotAllStrings);
        assert_eq!(
            parse(&format!("[{}{}]", "[".repeat(20_000), "]".repeat(20_000))),
            JsonArray::NotJson
        );
    }
}
