//! Guards against tree-sitter-bash's worst cases.
//!
//! Before parsing, the script is copied and a few absurd constructs are rewritten, always
//! byte for byte (ASCII for ASCII, or a whole character for as many ASCII bytes) so that every
//! offset of the copy is an offset of the script:
//!
//! - **Long pipelines.** The grammar declares a conflict on `pipeline`, and tree-sitter spends
//!   time and memory quadratic in the number of elements of one pipeline (16 000 `a |` take
//!   seconds and gigabytes). No real script has pipelines of more than a dozen commands, so
//!   every `limit`-th pipe operator of a run is replaced by `;` (and the `&` of `|&` by a
//!   space).
//! - **Many here-documents on one line.** The external scanner re-serialises every pending
//!   here-document delimiter at each token, which is quadratic in their number: beyond
//!   [`HEREDOC_LIMIT`] unquoted `<<` on one line, the extra operators are blanked.
//! - **A crash.** tree-sitter-bash's external scanner (0.25.1, `scanner.c`, brace
//!   expressions `{1..3}`) calls C's `isdigit` on the code point after `{` and digits, which
//!   is undefined above 255 and, with glibc, reads far outside its table: `{` followed by a
//!   character such as U+EB9A9 segfaults. [`neutralize_brace_probes`] replaces such a
//!   character by as many ASCII `x` as it has bytes (both are word characters to the
//!   grammar).
//! - **Comments in backticks.** A long RUN line is often annotated with `` `# why` `` between
//!   its commands: a command substitution holding only a comment, which bash runs as
//!   nothing. tree-sitter-bash reads the `#` as a comment to the end of the line, taking the
//!   closing backtick and every command after it (the whole rest of a continued RUN, whose
//!   lines are joined): [`blank_comment_substitutions`] blanks such a substitution when it
//!   is a word of its own.
//!
//! The pipeline scan is a small lexer: it skips quoted strings, comments and escapes, and
//! keeps one counter per nesting level (`( )`, `$( )`, `{ }`, backticks, `if … fi`, loops,
//! `case`), so that the `;` inside `{ a; } | { b; } | …` does not hide the outer pipeline.
//! It is only a guard: counting too much merely splits an absurd pipeline a bit earlier.

/// At most this many here-document operators are kept on one line.
pub(super) const HEREDOC_LIMIT: usize = 16;

/// The text to give tree-sitter, when it differs from the script.
pub(super) struct Guarded {
    /// Same length as the script.
    pub text: String,
    /// Where the first over-long pipeline was split.
    pub pipeline_split: Option<usize>,
    /// Where the first here-document operator over the limit was blanked.
    pub heredoc_dropped: Option<usize>,
}

/// Applies every guard; `None` when the script can be parsed as it is.
pub(super) fn guard(script: &str, pipeline_limit: usize) -> Option<Guarded> {
    let (mut bytes, pipeline_split) = match break_long_pipelines(script, pipeline_limit) {
        Some((text, splits)) => (Some(text.into_bytes()), splits.first().copied()),
        None => (None, None),
    };
    let heredoc_dropped = if script.matches("<<").nth(HEREDOC_LIMIT).is_some() {
        let buf = bytes.get_or_insert_with(|| script.as_bytes().to_vec());
        limit_heredocs(buf, HEREDOC_LIMIT)
    } else {
        None
    };
    let mut braces = false;
    if script.contains('{') && !script.is_ascii() {
        let buf = bytes.get_or_insert_with(|| script.as_bytes().to_vec());
        braces = neutralize_brace_probes(buf);
    }
    let mut comments = false;
    if script.contains("`") && script.contains('#') {
        let buf = bytes.get_or_insert_with(|| script.as_bytes().to_vec());
        comments = blank_comment_substitutions(buf);
    }
    if pipeline_split.is_none() && heredoc_dropped.is_none() && !braces && !comments {
        return None;
    }
    // Whole characters were replaced by ASCII: still UTF-8.
    let text = String::from_utf8(bytes?).ok()?;
    Some(Guarded {
        text,
        pipeline_split,
        heredoc_dropped,
    })
}

/// Blanks the here-document operators (`<<`, `<<-`, not `<<<`) after the first `limit` of
/// each line (outside quotes); returns the offset of the first one blanked.
fn limit_heredocs(b: &mut [u8], limit: usize) -> Option<usize> {
    let mut first = None;
    let mut count = 0;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\\' => i += 1,
                b'\'' | b'"' => quote = Some(c),
                b'\n' => count = 0,
                b'<' if b.get(i + 1) == Some(&b'<') => {
                    if b.get(i + 2) == Some(&b'<') {
                        i += 2;
                    } else {
                        count += 1;
                        if count > limit {
                            b[i] = b' ';
                            b[i + 1] = b' ';
                            first.get_or_insert(i);
                        }
                        i += 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    first
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Root,
    Paren,
    Brace,
    Keyword,
    Backtick,
    DoubleQuote,
}

/// `text` with over-long pipelines split, and the offsets of the replaced `|`; `None` when
/// nothing had to change.
fn break_long_pipelines(text: &str, limit: usize) -> Option<(String, Vec<usize>)> {
    let b = text.as_bytes();
    // Cheap exit: no pipeline can be that long.
    if limit == 0 || b.iter().filter(|&&c| c == b'|').count() < limit {
        return None;
    }
    let mut out: Option<Vec<u8>> = None;
    let mut splits = Vec::new();
    // (frame, pipes counted in its current pipeline)
    let mut stack: Vec<(Frame, usize)> = vec![(Frame::Root, 0)];
    let mut i = 0;
    let mut word_start = true;
    let mut after_pipe = false;
    while i < b.len() {
        let c = b[i];
        let top = stack.last().map_or(Frame::Root, |f| f.0);
        if top == Frame::DoubleQuote {
            match c {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'$' if b.get(i + 1) == Some(&b'(') => {
                    stack.push((Frame::Paren, 0));
                    i += 2;
                }
                b'`' => {
                    stack.push((Frame::Backtick, 0));
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        let next = b.get(i + 1).copied();
        let mut next_word_start = false;
        let mut pipe = false;
        match c {
            b' ' | b'\t' | b'\r' => {
                next_word_start = true;
                pipe = after_pipe;
            }
            b'\n' => {
                if !after_pipe {
                    reset(&mut stack);
                }
                next_word_start = true;
                pipe = after_pipe;
            }
            b'\\' => i += 1,
            b'\'' => i = skip_until(b, i + 1, b'\''),
            b'"' => stack.push((Frame::DoubleQuote, 0)),
            b'$' if next == Some(b'\'') => i = skip_ansi_c(b, i + 2),
            b'$' | b'<' | b'>' if next == Some(b'(') => {
                stack.push((Frame::Paren, 0));
                i += 1;
                next_word_start = true;
            }
            b'(' => {
                stack.push((Frame::Paren, 0));
                next_word_start = true;
            }
            b')' => {
                if top == Frame::Paren {
                    stack.pop();
                }
                next_word_start = true;
            }
            b'`' => {
                if top == Frame::Backtick {
                    stack.pop();
                } else {
                    stack.push((Frame::Backtick, 0));
                }
                next_word_start = true;
            }
            b'#' if word_start => {
                while i + 1 < b.len() && b[i + 1] != b'\n' {
                    i += 1;
                }
                next_word_start = true;
                pipe = after_pipe;
            }
            b'{' if word_start && next.is_none_or(|n| n.is_ascii_whitespace()) => {
                stack.push((Frame::Brace, 0));
                next_word_start = true;
            }
            b'}' if word_start && top == Frame::Brace => {
                stack.pop();
            }
            b'|' if next == Some(b'|') => {
                reset(&mut stack);
                i += 1;
                next_word_start = true;
            }
            b'|' => {
                if let Some(frame) = stack.last_mut() {
                    frame.1 += 1;
                    if frame.1 >= limit {
                        frame.1 = 0;
                        let buf = out.get_or_insert_with(|| b.to_vec());
                        buf[i] = b';';
                        if next == Some(b'&') {
                            buf[i + 1] = b' ';
                        }
                        splits.push(i);
                    }
                }
                if next == Some(b'&') {
                    i += 1;
                }
                pipe = true;
                next_word_start = true;
            }
            b'&' => {
                let redirect = next == Some(b'>') || (i > 0 && matches!(b[i - 1], b'<' | b'>'));
                if next == Some(b'&') {
                    reset(&mut stack);
                    i += 1;
                } else if !redirect {
                    reset(&mut stack);
                }
                next_word_start = true;
            }
            b';' => {
                reset(&mut stack);
                next_word_start = true;
            }
            b'<' | b'>' => next_word_start = true,
            b'a'..=b'z' if word_start => {
                let end = b[i..]
                    .iter()
                    .position(|c| !c.is_ascii_lowercase())
                    .map_or(b.len(), |n| i + n);
                let delimited = b.get(end).is_none_or(|c| {
                    matches!(
                        c,
                        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'(' | b')'
                    )
                });
                if delimited {
                    match &b[i..end] {
                        b"if" | b"while" | b"until" | b"for" | b"select" | b"case" => {
                            stack.push((Frame::Keyword, 0));
                        }
                        b"fi" | b"done" | b"esac" if top == Frame::Keyword => {
                            stack.pop();
                        }
                        _ => {}
                    }
                }
                i = end - 1;
            }
            _ => {}
        }
        after_pipe = pipe;
        word_start = next_word_start;
        i += 1;
    }
    // Replacing ASCII bytes by ASCII bytes keeps the text valid UTF-8.
    let text = String::from_utf8(out?).ok()?;
    Some((text, splits))
}

/// Replaces, in place, every non-ASCII character that tree-sitter-bash's brace-expression
/// probe would pass to `isdigit`: the character after `{` and ASCII digits, and the one after
/// `{digits..digits`. Returns whether anything changed.
fn neutralize_brace_probes(b: &mut [u8]) -> bool {
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'{' {
            i += 1;
            continue;
        }
        let mut j = skip_digits(b, i + 1);
        changed |= neutralize_at(b, j);
        if b.get(j) == Some(&b'.') && b.get(j + 1) == Some(&b'.') {
            j = skip_digits(b, j + 2);
            changed |= neutralize_at(b, j);
        }
        i += 1;
    }
    changed
}

/// Blanks every unquoted `` `# comment` `` that is a word of its own (between blanks or
/// operators): bash expands it to nothing, so the command reads the same without it. A
/// substitution glued to other text (``a`#x`b``) or spanning lines (where the comment ends
/// at the newline and what follows runs) is left alone.
fn blank_comment_substitutions(b: &mut [u8]) -> bool {
    let is_boundary = |c: Option<&u8>| {
        c.is_none_or(|c| {
            matches!(
                c,
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')'
            )
        })
    };
    let mut changed = false;
    let mut word_start = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let mut next_word_start = false;
        match c {
            b'\\' => i += 1,
            b'\'' => i = skip_until(b, i + 1, b'\''),
            b'"' => i = skip_double_quoted(b, i + 1),
            b'#' if word_start => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                next_word_start = true;
            }
            b'`' => {
                let close = (i + 1..b.len()).find(|&j| b[j] == b'`' && b[j - 1] != b'\\');
                let Some(close) = close else { break };
                let content = &b[i + 1..close];
                let is_comment = content
                    .iter()
                    .find(|c| !matches!(c, b' ' | b'\t'))
                    .is_some_and(|&c| c == b'#');
                if is_comment
                    && word_start
                    && is_boundary(b.get(close + 1))
                    && !content.contains(&b'\n')
                {
                    b[i..=close].fill(b' ');
                    changed = true;
                }
                i = close;
            }
            _ => next_word_start = is_boundary(Some(&c)),
        }
        word_start = next_word_start;
        i += 1;
    }
    changed
}

/// The offset of the `"` closing a double-quoted string whose text starts at `i` (or the
/// end of `b`).
fn skip_double_quoted(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'"' {
        if b[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    i.min(b.len())
}

fn skip_digits(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// Replaces the multi-byte character starting at `i`, if any, by ASCII `x`s.
fn neutralize_at(b: &mut [u8], i: usize) -> bool {
    let Some(&lead) = b.get(i) else { return false };
    if lead < 0x80 {
        return false;
    }
    let len = match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    };
    for byte in b.iter_mut().skip(i).take(len) {
        *byte = b'x';
    }
    true
}

fn reset(stack: &mut [(Frame, usize)]) {
    if let Some(frame) = stack.last_mut() {
        frame.1 = 0;
    }
}

/// The offset of the closing `quote` at or after `from` (or the last byte).
fn skip_until(b: &[u8], from: usize, quote: u8) -> usize {
    b[from.min(b.len())..]
        .iter()
        .position(|&c| c == quote)
        .map_or(b.len().saturating_sub(1), |n| from + n)
}

/// The offset of the `'` closing a `$'…'` string whose content starts at `from`.
fn skip_ansi_c(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\'' => return i,
            _ => i += 1,
        }
    }
    b.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipes(n: usize, elem: &str) -> String {
        vec![elem; n].join(" | ")
    }

    #[test]
    fn short_pipelines_are_untouched() {
        assert!(break_long_pipelines("a | b | c", 4).is_none());
        let text = format!("{}; {}", pipes(4, "a"), pipes(4, "b"));
        assert!(break_long_pipelines(&text, 4).is_none());
        let text = format!("{} && {}", pipes(4, "a"), pipes(4, "b"));
        assert!(break_long_pipelines(&text, 4).is_none());
        // Quoted, escaped, commented pipes are not pipes.
        let text = "echo 'a|b|c|d|e' \"|||\" a\\|b\\|c $'|\\'|||' # | | | |\n";
        assert!(break_long_pipelines(text, 3).is_none());
        // `||` resets.
        assert!(break_long_pipelines("a | b || c | d || e | f", 2).is_none());
    }

    #[test]
    fn long_pipelines_are_split_at_the_limit() {
        let text = pipes(10, "a");
        let (out, splits) = break_long_pipelines(&text, 4).unwrap();
        assert_eq!(out.len(), text.len());
        assert_eq!(out, "a | a | a | a ; a | a | a | a ; a | a");
        assert_eq!(splits, [14, 30]);
        let (out, _) = break_long_pipelines("a |& a |& a", 2).unwrap();
        assert_eq!(out, "a |& a ;  a");
    }

    #[test]
    fn nested_semicolons_do_not_hide_outer_pipes() {
        for elem in [
            "{ a; }",
            "(a; b)",
            "if a; then b; fi",
            "while a; do b; done",
            "case x in a) b;; esac",
            "$(a; b)",
            "\"$(a; b)\"",
            "`a; b`",
        ] {
            let text = pipes(6, elem);
            let (out, splits) =
                break_long_pipelines(&text, 4).unwrap_or_else(|| panic!("{elem}: not split"));
            assert_eq!(splits.len(), 1, "{elem}");
            assert_eq!(out.len(), text.len());
        }
        // A newline after a pipe continues the pipeline.
        assert!(break_long_pipelines(&["a"; 6].join(" |\n"), 4).is_some());
    }

    #[test]
    fn brace_probes_are_neutralized() {
        let mut b = "{\u{EB9A9}中 {12é {1..2\u{10FFFF}} {a😀} x{"
            .as_bytes()
            .to_vec();
        let len = b.len();
        assert!(neutralize_brace_probes(&mut b));
        assert_eq!(b.len(), len);
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "{xxxx中 {12xx {1..2xxxx} {a😀} x{"
        );
        let mut b = b"{1..3} {a,b} ${x}".to_vec();
        assert!(!neutralize_brace_probes(&mut b));
    }

    #[test]
    fn many_heredocs_on_a_line_are_limited() {
        let line = "cat <<A ".repeat(5);
        let mut b = format!("{line}\n{line}'<<<<' <<< x").into_bytes();
        assert_eq!(limit_heredocs(&mut b, 3), Some(28));
        let out = String::from_utf8(b).unwrap();
        assert_eq!(out.matches("<<A").count(), 6);
        assert!(out.ends_with("'<<<<' <<< x"));
        let mut b = b"a <<A <<-B <<<c".to_vec();
        assert_eq!(limit_heredocs(&mut b, 2), None);
    }

    #[test]
    fn guard_combines_and_keeps_length() {
        assert!(guard("apt-get install -y x", 4).is_none());
        let src = format!(
            "{} {{\u{EB9A9} {}",
            ["a"; 6].join(" | "),
            "cat <<A ".repeat(20)
        );
        let g = guard(&src, 4).unwrap();
        assert_eq!(g.text.len(), src.len());
        assert!(g.pipeline_split.is_some() && g.heredoc_dropped.is_some());
        assert!(g.text.contains("{xxxx"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "|",
            "'",
            "\"",
            "$'",
            "$'\\",
            "\\",
            "`",
            "(((",
            ")))",
            "{",
            "}",
            "| | | |",
            "é|😀|中|",
            "a |&",
            "&|&|&|",
            "<<",
            "<<<<<",
            "{1..",
            "{é",
            "{1..é",
            "{12😀",
        ] {
            let _ = break_long_pipelines(text, 2);
            let _ = guard(text, 1);
            let mut b = text.as_bytes().to_vec();
            let _ = limit_heredocs(&mut b, 0);
            let _ = neutralize_brace_probes(&mut b);
            assert!(std::str::from_utf8(&b).is_ok());
        }
    }

    #[test]
    fn comment_substitutions_are_blanked_when_they_are_words() {
        let blank = |text: &str| {
            let mut b = text.as_bytes().to_vec();
            blank_comment_substitutions(&mut b).then(|| String::from_utf8(b).unwrap())
        };
        assert_eq!(
            blank("a && `# why` && b `  # more`; c").as_deref(),
            Some("a &&         && b           ; c")
        );
        // Not a comment, quoted, escaped, glued to a word, in a comment, over two lines.
        for text in [
            "a `date` b",
            "echo '`# x`' \"`# y`\"",
            "echo \\`# x\\` b",
            "echo a`# x` b",
            "echo `# x`b",
            "a # `# x` b",
            "a `# x\n b` c",
            "a `# unclosed",
        ] {
            assert_eq!(blank(text), None, "{text}");
        }
    }
}
