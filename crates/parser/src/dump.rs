//! BuildKit's `Node.Dump` format, so that the parse can be compared with BuildKit line by line.

use crate::syntax::{Arguments, Dockerfile, Instruction};
use std::fmt::Write;

impl Dockerfile {
    /// The syntax tree in BuildKit's `Node.Dump` format: one `(keyword ["flags"] "args")` line
    /// per instruction, joined with `\n`.
    ///
    /// ```
    /// let file = plimsoll_parser::parse("FROM golang:1.23 AS build\nRUN go build ./...\n");
    /// assert_eq!(file.dump(), "(from \"golang:1.23\" \"AS\" \"build\")\n(run \"go build ./...\")");
    /// ```
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for instruction in &self.instructions {
            out.push('(');
            out.push_str(&instruction.dump());
            out.push_str(")\n");
        }
        out.trim().to_string()
    }
}

impl Instruction {
    /// This instruction in BuildKit's `Node.Dump` format, without the enclosing parentheses.
    pub fn dump(&self) -> String {
        let mut out = self.keyword_text.to_lowercase();
        if !self.flags.is_empty() {
            out.push_str(" [");
            for (i, flag) in self.flags.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                // BuildKit builds flags byte by byte, turning each byte into a rune.
                let latin1: String = flag.text.bytes().map(char::from).collect();
                out.push_str(&go_quote(&latin1));
            }
            out.push(']');
        }
        if let Arguments::Onbuild(child) = &self.args {
            let _ = write!(out, " ({})", child.dump());
        } else {
            for value in self.arg_values() {
                out.push(' ');
                out.push_str(&go_quote(value));
            }
        }
        out.trim().to_string()
    }
}

/// Quotes `s` as Go's `strconv.Quote` does.
///
/// ```
/// use plimsoll_parser::dump::go_quote;
/// assert_eq!(go_quote("a\"b\tc\u{1}é"), r#""a\"b\tc\x01é""#);
/// ```
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
///
/// Other space separators, control and format characters and private-use characters are
/// not printable. Unassigned code points are treated as printable (they do not occur in
/// real Dockerfiles, and tracking Go's Unicode version for them is not worth a table).
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !matches!(u,
        // Cc
        0x80..=0x9f
        // Zs, Zl, Zp (except U+0020)
        | 0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
        // Cf
        | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff
        | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3
        | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        // Co
        | 0xe000..=0xf8ff | 0xf0000..=0x10ffff
        // Noncharacters that Go also reports as unprintable
        | 0xfffe | 0xffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote(""), "\"\"");
        assert_eq!(go_quote("\u{7f}"), "\"\\x7f\"");
        assert_eq!(go_quote("\u{a0}"), "\"\\u00a0\"");
        assert_eq!(go_quote("한국어 😀"), "\"한국어 😀\"");
        assert_eq!(go_quote("\u{e0001}"), "\"\\U000e0001\"");
        assert_eq!(go_quote("\u{10ffff}"), "\"\\U0010ffff\"");
    }
}
