//! The line splitter and the driver of the parse.
//!
//! This follows BuildKit's `parser.Parse` step by step: physical lines are read one by one;
//! parser directives are recognised at the top; comment lines are collected; a line ending in
//! the escape character continues on the next line (comment lines and blank lines inside a
//! continuation are skipped); the joined logical line becomes one instruction; a RUN, COPY or
//! ADD naming heredocs then consumes the following lines up to each terminator. Where BuildKit
//! stops at the first error, this parser records a diagnostic and goes on.

use crate::check;
use crate::diagnostic::{SyntaxCode, SyntaxDiagnostic};
use crate::heredoc;
use crate::instruction::instruction_from_line;
use crate::syntax::{
    Comment, Directive, Dockerfile, EmptyContinuationLine, Heredoc, Instruction, Keyword,
};
use crate::text::{find_line_feed, leading_white_space_len, to_u32, trim, SourceMap, TextRange};
use std::borrow::Cow;
use std::ops::Range;

/// BuildKit reads lines with Go's `bufio.Scanner`, which refuses lines longer than this.
const MAX_LINE_LEN: usize = 64 * 1024 - 1;

const VALID_DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

/// One physical line: `start..end` without the `\n`, `next` after it.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    /// End without trailing `\r`s.
    content_end: usize,
    end: usize,
    next: usize,
}

struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let (end, next) = match find_line_feed(self.text.as_bytes(), start) {
            Some(i) => (i, i + 1),
            None => (self.text.len(), self.text.len()),
        };
        self.pos = next;
        let bytes = self.text.as_bytes();
        let mut content_end = end;
        while content_end > start && bytes[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        Some(Line {
            start,
            content_end,
            end,
            next,
        })
    }
}

/// Go's `\s` in BuildKit's directive regular expression.
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}

struct Parser {
    /// The escape token: `\\` or `` ` ``, both ASCII.
    escape: u8,
    directives_done: bool,
    directives: Vec<Directive>,
    comments: Vec<Comment>,
    empty_continuation_lines: Vec<EmptyContinuationLine>,
    diagnostics: Vec<SyntaxDiagnostic>,
}

impl Parser {
    fn error(&mut self, code: SyntaxCode, range: TextRange, message: impl Into<String>) {
        self.diagnostics
            .push(SyntaxDiagnostic::new(code, range, message));
    }

    fn check_length(&mut self, line: Line) {
        if line.end - line.start > MAX_LINE_LEN {
            self.error(
                SyntaxCode::LineTooLong,
                TextRange::from_usize(line.start, line.end),
                format!("dockerfile line greater than max allowed size of {MAX_LINE_LEN}"),
            );
        }
    }

    /// Recognises a parser directive in `token` (a line without its line break, left-trimmed
    /// for first lines). Returns whether it was one.
    fn directive(&mut self, token: &str, lo: usize) -> bool {
        if self.directives_done {
            return false;
        }
        let Some(found) = parse_directive(token) else {
            self.directives_done = true;
            return false;
        };
        let name = found.name.to_ascii_lowercase();
        if !VALID_DIRECTIVES.contains(&name.as_str()) {
            self.directives_done = true;
            return false;
        }
        let range = |r: (usize, usize)| TextRange::from_usize(lo + r.0, lo + r.1);
        let line_range = TextRange::from_usize(lo, lo + token.len());
        if self.directives.iter().any(|d| d.name == name) {
            self.error(
                SyntaxCode::InvalidDirective,
                line_range,
                format!("only one {name} parser directive can be used"),
            );
            return false;
        }
        let value = found.value.to_string();
        let mut recognised = true;
        if name == "escape" {
            match value.as_str() {
                "\\" => self.escape = b'\\',
                "`" => self.escape = b'`',
                _ => {
                    self.error(
                        SyntaxCode::InvalidDirective,
                        range(found.value_range),
                        format!("invalid escape token '{value}' does not match ` or \\"),
                    );
                    recognised = false;
                }
            }
        }
        self.directives.push(Directive {
            name,
            value,
            range: line_range,
            name_range: range(found.name_range),
            value_range: range(found.value_range),
        });
        recognised
    }

    /// BuildKit's continuation test: the line ends with the escape character (plus spaces or
    /// tabs) that is not itself escaped. Returns the end of the kept text and whether the
    /// logical line ends here.
    fn trim_continuation(&self, text: &str, lo: usize, hi: usize) -> (usize, bool) {
        let bytes = &text.as_bytes()[lo..hi];
        let mut end = bytes.len();
        while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        let escape = self.escape;
        if end == 0 || bytes[end - 1] != escape {
            return (hi, true);
        }
        let before = end - 1;
        if before == 0 || bytes[before - 1] != escape {
            (lo + before, false)
        } else {
            (hi, true)
        }
    }
}

struct FoundDirective<'t> {
    name: &'t str,
    value: &'t str,
    name_range: (usize, usize),
    value_range: (usize, usize),
}

/// `#` then `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` after leading white space.
fn parse_directive(token: &str) -> Option<FoundDirective<'_>> {
    let after_hash = token.strip_prefix('#')?;
    let body = after_hash.trim_start();
    let body_lo = token.len() - body.len();
    let name_len = body
        .char_indices()
        .take_while(|&(i, c)| {
            if i == 0 {
                c.is_ascii_alphabetic()
            } else {
                c.is_ascii_alphanumeric()
            }
        })
        .count();
    if name_len == 0 {
        return None;
    }
    let after_name = &body[name_len..];
    let rest = after_name
        .trim_start_matches(is_re_space)
        .strip_prefix('=')?;
    let trimmed = rest.trim_start_matches(is_re_space);
    let (value_lo, value) = if trimmed.is_empty() {
        // Only white space after `=`: the lazy value takes the last character.
        let last = rest.chars().last()?;
        (
            token.len() - last.len_utf8(),
            &rest[rest.len() - last.len_utf8()..],
        )
    } else {
        let lo = token.len() - trimmed.len();
        let v = trimmed.trim_end_matches(is_re_space);
        (lo, v)
    };
    Some(FoundDirective {
        name: &body[..name_len],
        value,
        name_range: (body_lo, body_lo + name_len),
        value_range: (value_lo, value_lo + value.len()),
    })
}

fn can_contain_heredoc(instruction: &Instruction) -> bool {
    let target = instruction.onbuild_child().unwrap_or(instruction);
    matches!(target.keyword, Keyword::Run | Keyword::Copy | Keyword::Add) && !target.json
}

/// Parses a Dockerfile. Never fails: syntax errors are in [`Dockerfile::diagnostics`] and every
/// other instruction is still in the tree.
pub fn parse(text: &str) -> Dockerfile {
    let has_bom = text.starts_with('\u{feff}');
    let first = if has_bom { '\u{feff}'.len_utf8() } else { 0 };
    let mut parser = Parser {
        escape: b'\\',
        directives_done: false,
        directives: Vec::new(),
        comments: Vec::new(),
        empty_continuation_lines: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut lines = Lines { text, pos: first };
    // An instruction is a large value, and growing the vector from empty would copy each one
    // several times. Real files have one per 50 to 150 bytes: room for one per 48 bytes means
    // a dense file seldom grows it, and a sparse one reserves a few kilobytes too many.
    let mut instructions = Vec::with_capacity(text.len() / 48 + 1);
    let mut prev_comment: Vec<String> = Vec::new();
    let mut current_line: u32 = 0;
    // The slices of the text that make up the current logical line.
    let mut pieces: Vec<Range<usize>> = Vec::new();

    while let Some(line) = lines.next() {
        parser.check_length(line);
        let raw = &text[line.start..line.end];
        let content = &text[line.start..line.content_end];
        let token_lo = line.start + leading_white_space_len(content);
        let token = &text[token_lo..line.content_end];
        // Trailing `\r`s are white space too, so this is whether `raw` starts with `#` once
        // trimmed.
        let comment_line = token.starts_with('#');
        if comment_line {
            // BuildKit drops the line's first byte, not the `#`, before trimming.
            let after_first = match raw.get(1..) {
                Some(after_first) => Cow::Borrowed(after_first),
                None => String::from_utf8_lossy(&raw.as_bytes()[1..]),
            };
            let comment = trim(&after_first);
            if comment.is_empty() {
                prev_comment.clear();
            } else {
                prev_comment.push(comment.to_string());
            }
        }
        let was_directive = !parser.directives_done && parser.directive(token, token_lo);
        if was_directive {
            prev_comment.pop();
        }
        current_line += 1;
        if comment_line {
            if !was_directive
                && parser.directives.last().map(|d| d.range.start) != Some(to_u32(token_lo))
            {
                parser.comments.push(Comment {
                    text: trim(&token[1..]).to_string(),
                    range: TextRange::from_usize(token_lo, line.content_end),
                    in_continuation: false,
                });
            }
            continue;
        }
        let (kept_end, mut end_of_line) =
            parser.trim_continuation(text, token_lo, line.content_end);
        if end_of_line && kept_end == token_lo {
            continue;
        }

        let start_line = current_line;
        let mut map = SourceMap::contiguous(to_u32(token_lo), to_u32(kept_end - token_lo));
        pieces.clear();
        pieces.push(token_lo..kept_end);
        let mut end_offset = line.content_end;
        let mut last_next = line.next;
        while !end_of_line {
            let Some(next) = lines.next() else { break };
            parser.check_length(next);
            let content = &text[next.start..next.content_end];
            if !parser.directives_done && parser.directive(content, next.start) {
                // Unreachable in practice (an instruction ends the directives), kept for parity.
            }
            current_line += 1;
            end_offset = next.content_end;
            last_next = next.next;
            let lo = next.start + leading_white_space_len(content);
            // As for the first line, trailing `\r`s do not change what the line starts with.
            if text[lo..next.content_end].starts_with('#') {
                parser.comments.push(Comment {
                    text: trim(&text[lo + 1..next.content_end]).to_string(),
                    range: TextRange::from_usize(lo, next.content_end),
                    in_continuation: true,
                });
                continue;
            }
            if lo == next.content_end {
                parser.empty_continuation_lines.push(EmptyContinuationLine {
                    range: TextRange::from_usize(next.start, next.next),
                });
                continue;
            }
            let (kept, eol) = parser.trim_continuation(text, next.start, next.content_end);
            end_of_line = eol;
            map.push(to_u32(next.start), to_u32(kept - next.start));
            pieces.push(next.start..kept);
        }
        // Joined once its length is known, rather than grown line by line.
        let mut logical = String::with_capacity(pieces.iter().map(|piece| piece.len()).sum());
        for piece in &pieces {
            logical.push_str(&text[piece.clone()]);
        }

        let has_heredoc_marker = logical.contains("<<");
        let (mut instruction, diagnostics) =
            instruction_from_line(logical, map, char::from(parser.escape));
        parser.diagnostics.extend(diagnostics);

        if has_heredoc_marker && can_contain_heredoc(&instruction) {
            for marker in heredoc::markers(&instruction.original) {
                let body_start = last_next;
                let mut terminator = None;
                for next in lines.by_ref() {
                    parser.check_length(next);
                    current_line += 1;
                    last_next = next.next;
                    end_offset = next.content_end;
                    let mut candidate = text[next.start..next.end].trim_end_matches(['\r', '\n']);
                    if marker.chomp {
                        candidate = candidate.trim_start_matches('\t');
                    }
                    if candidate == marker.name {
                        terminator = Some(next);
                        break;
                    }
                }
                let body_end = terminator.map_or(text.len(), |t| t.start);
                let body_start = body_start.min(body_end);
                instruction.heredocs.push(Heredoc {
                    name: marker.name,
                    expand: marker.expand,
                    chomp: marker.chomp,
                    fd: marker.fd,
                    content: text[body_start..body_end].to_string(),
                    body_range: TextRange::from_usize(body_start, body_end),
                    terminator_range: terminator
                        .map(|t| TextRange::from_usize(t.start, t.content_end)),
                });
                if terminator.is_none() {
                    // Like BuildKit, the rest of the file is the body; later markers get none.
                    parser.error(
                        SyntaxCode::UnterminatedHeredoc,
                        TextRange::new(instruction.range.start, to_u32(text.len())),
                        "unterminated heredoc",
                    );
                    end_offset = text.len();
                    break;
                }
            }
        }

        instruction.start_line = start_line;
        instruction.end_line = current_line;
        instruction.range = TextRange::new(
            instruction.range.start,
            to_u32(end_offset.max(instruction.range.start as usize)),
        );
        instruction.prev_comment = std::mem::take(&mut prev_comment);
        instructions.push(instruction);
    }

    if instructions.is_empty() {
        let end = text.len();
        let last_line_start = text[..end]
            .trim_end_matches('\n')
            .rfind('\n')
            .map_or(first, |i| i + 1);
        parser.error(
            SyntaxCode::NoInstructions,
            TextRange::from_usize(last_line_start.min(end), end),
            "file with no instructions",
        );
    }

    let mut file = Dockerfile {
        len: to_u32(text.len()),
        has_bom,
        escape: char::from(parser.escape),
        directives: parser.directives,
        instructions,
        comments: parser.comments,
        empty_continuation_lines: parser.empty_continuation_lines,
        diagnostics: parser.diagnostics,
    };
    let found = check::check(&file);
    file.diagnostics.extend(found);
    file.diagnostics
        .sort_by_key(|d| (d.range.start, d.range.end));
    file
}
