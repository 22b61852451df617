//! Finding here-document markers (`<<EOF`, `<<-"EOF"`, `3<<END`) in an instruction's line.
//!
//! BuildKit finds them by running its shell lexer over the line with no environment, keeping
//! quotes and escapes as written, then matching each word against `^(\d*)<<(-?)([^<]*)$`.
//! The delimiter is lexed twice more, with and without quote removal: if the two differ in
//! quotes, part of it was quoted and the body is not expanded.

use nom::bytes::complete::{tag, take_while};
use nom::character::complete::char;
use nom::combinator::{all_consuming, opt};
use nom::{IResult, Parser};

/// A heredoc marker read from an instruction's first line; the body comes later.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    pub name: String,
    pub expand: bool,
    pub chomp: bool,
    pub fd: u32,
}

/// The heredoc markers of `line`, in order.
pub(crate) fn markers(line: &str) -> Vec<Marker> {
    let raw = Mode {
        keep_quotes: true,
        keep_escapes: true,
    };
    // A line the lexer cannot read (an unterminated quote) has no heredocs for BuildKit.
    let Some(words) = lex_words(line, raw) else {
        return Vec::new();
    };
    words.iter().filter_map(|w| marker(w)).collect()
}

/// `^(\d*)<<(-?)([^<]*)$`
fn marker_syntax(word: &str) -> IResult<&str, (&str, bool, &str)> {
    all_consuming((
        take_while(|c: char| c.is_ascii_digit()),
        tag("<<"),
        opt(char('-')),
        take_while(|c: char| c != '<'),
    ))
    .map(|(fd, _, dash, rest)| (fd, dash.is_some(), rest))
    .parse(word)
}

fn marker(word: &str) -> Option<Marker> {
    let (_, (fd, chomp, rest)) = marker_syntax(word).ok()?;
    if rest.is_empty() {
        return None;
    }
    let unquoted = lex_words(rest, Mode::default())?;
    if unquoted.len() != 1 {
        return None;
    }
    let quoted = lex_words(
        rest,
        Mode {
            keep_quotes: true,
            keep_escapes: false,
        },
    )?;
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    let expand = quoted.len() == 1 && quotes(&unquoted[0]) == quotes(&quoted[0]);
    Some(Marker {
        name: unquoted.into_iter().next()?,
        expand,
        chomp,
        fd: fd.parse().unwrap_or(0),
    })
}

#[derive(Clone, Copy, Default)]
struct Mode {
    keep_quotes: bool,
    keep_escapes: bool,
}

/// Splits `text` into shell words with no variables set (a `$name` stays as written), as
/// BuildKit's lexer does with `SkipUnsetEnv`. `None` when a quote or `${` is unterminated.
fn lex_words(text: &str, mode: Mode) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                if mode.keep_quotes {
                    word.push('\'');
                }
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
                if mode.keep_quotes {
                    word.push('\'');
                }
            }
            '"' => {
                in_word = true;
                if mode.keep_quotes {
                    word.push('"');
                }
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let next = chars.next()?;
                            if mode.keep_escapes || !matches!(next, '"' | '$' | '\\') {
                                word.push('\\');
                            }
                            word.push(next);
                        }
                        '$' => dollar(&mut chars, &mut word)?,
                        c => word.push(c),
                    }
                }
                if mode.keep_quotes {
                    word.push('"');
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(next) => {
                        if mode.keep_escapes {
                            word.push('\\');
                        }
                        word.push(next);
                    }
                    None => {
                        if mode.keep_escapes {
                            word.push('\\');
                        }
                    }
                }
            }
            '$' => {
                in_word = true;
                dollar(&mut chars, &mut word)?;
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// A `$` with no variable set: `${…}` and `$name` are kept as written.
fn dollar(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, word: &mut String) -> Option<()> {
    word.push('$');
    if chars.peek() == Some(&'{') {
        for c in chars.by_ref() {
            word.push(c);
            if c == '}' {
                return Some(());
            }
        }
        return None;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, expand: bool, chomp: bool, fd: u32) -> Marker {
        Marker {
            name: name.into(),
            expand,
            chomp,
            fd,
        }
    }

    #[test]
    fn finds_markers() {
        assert_eq!(markers("RUN <<EOF"), vec![m("EOF", true, false, 0)]);
        assert_eq!(
            markers("RUN <<-\"EOF\" 3<<'END' cat"),
            vec![m("EOF", false, true, 0), m("END", false, false, 3)]
        );
        assert_eq!(markers("RUN <<E\\OF"), vec![m("EOF", true, false, 0)]);
        assert_eq!(markers("RUN echo '<<EOF'"), vec![]);
        assert_eq!(markers("RUN a<<EOF"), vec![]);
        assert_eq!(markers("RUN <<EOF 'unterminated"), vec![]);
        assert_eq!(markers("COPY <<EOF /x"), vec![m("EOF", true, false, 0)]);
        assert_eq!(markers("RUN <<"), vec![]);
    }
}
