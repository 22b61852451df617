//! Quote removal for the static parts of words.

/// An unquoted word part: `\c` is `c`, a backslash-newline disappears.
pub(super) fn unquoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') => {}
            Some(next) => out.push(next),
            None => out.push('\\'),
        }
    }
    out
}

/// The content of a double-quoted string: a backslash only escapes `$`, `` ` ``, `"`, `\`
/// and a newline (which then disappears).
pub(super) fn double_quoted(s: &str) -> String {
    escaped_only(s, &['$', '`', '"', '\\'])
}

/// A here-document body with an unquoted delimiter: like a double-quoted string, but `"`
/// is not special.
pub(super) fn heredoc(s: &str) -> String {
    escaped_only(s, &['$', '`', '\\'])
}

fn escaped_only(s: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('\n') => {
                chars.next();
            }
            Some(next) if special.contains(&next) => {
                chars.next();
                out.push(next);
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// The content of a `$'…'` string, with its C escapes.
pub(super) fn ansi_c(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'e' | 'E' => out.push('\u{1b}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' | '\'' | '"' | '?' => out.push(e),
            '0'..='7' => {
                let mut n = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(n & 0xff).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let max = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut n: u32 = 0;
                let mut digits = 0;
                while digits < max {
                    match chars.peek().and_then(|d| d.to_digit(16)) {
                        Some(d) => {
                            n = n.wrapping_mul(16).wrapping_add(d);
                            chars.next();
                            digits += 1;
                        }
                        None => break,
                    }
                }
                if digits == 0 {
                    out.push('\\');
                    out.push(e);
                } else {
                    out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                }
            }
            'c' => match chars.next() {
                Some(ctl) => out.push(char::from_u32((ctl as u32) & 0x1f).unwrap_or('\u{fffd}')),
                None => out.push_str("\\c"),
            },
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_removes_backslashes() {
        assert_eq!(unquoted(r#"a\ b\\c\"d"#), "a b\\c\"d");
        assert_eq!(unquoted("a\\\nb"), "ab");
        assert_eq!(unquoted("tail\\"), "tail\\");
    }

    #[test]
    fn double_quoted_keeps_other_backslashes() {
        assert_eq!(double_quoted(r#"a\$b\"c\n\\"#), "a$b\"c\\n\\");
        assert_eq!(double_quoted("x\\\ny"), "xy");
        assert_eq!(heredoc(r#"\"\$"#), "\\\"$");
    }

    #[test]
    fn ansi_c_escapes() {
        assert_eq!(ansi_c(r"a\tb\n"), "a\tb\n");
        assert_eq!(ansi_c(r"\x41\101\u00e9\'"), "AAé'");
        assert_eq!(ansi_c(r"\q\x"), "\\q\\x");
        assert_eq!(ansi_c("\\"), "\\");
        assert_eq!(ansi_c(r"\U0001F600"), "😀");
        assert_eq!(ansi_c(r"\UFFFFFFFF"), "\u{fffd}");
    }
}
