//! Byte offsets ↔ line/column, in UTF-8 bytes, UTF-16 code units or code points.
//!
//! Line breaks are `\n`, `\r\n` (one break) and a lone `\r`, as the Language Server Protocol
//! counts them. BuildKit does not treat a lone `\r` as a line break, but this index serves
//! editors and 1-based display, where following LSP keeps positions in agreement with the
//! client. A byte-order mark is an ordinary character (one column; three UTF-8 bytes).
//!
//! ```
//! use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
//!
//! let index = LineIndex::new("FROM alpine\r\nRUN echo 😀\n");
//! // 1-based display, counting characters:
//! let pos = index.line_col(13, PositionEncoding::Utf32);
//! assert_eq!((pos.line + 1, pos.col + 1), (2, 1));
//! ```

use crate::text::TextRange;

/// How a column is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default): a character outside the Basic Multilingual Plane,
    /// such as most emoji, counts as two.
    Utf16,
    /// Unicode code points (Rust `char`s).
    Utf32,
}

impl PositionEncoding {
    /// How many units of this encoding `c` takes.
    ///
    /// ```
    /// use plimsoll_parser::line_index::PositionEncoding;
    /// assert_eq!(PositionEncoding::Utf8.len_of('😀'), 4);
    /// assert_eq!(PositionEncoding::Utf16.len_of('😀'), 2);
    /// assert_eq!(PositionEncoding::Utf32.len_of('😀'), 1);
    /// ```
    pub fn len_of(self, c: char) -> u32 {
        match self {
            PositionEncoding::Utf8 => c.len_utf8() as u32,
            PositionEncoding::Utf16 => c.len_utf16() as u32,
            PositionEncoding::Utf32 => 1,
        }
    }
}

/// A 0-based line and column; the column is counted in some [`PositionEncoding`].
///
/// For 1-based display add one to both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    /// 0-based line.
    pub line: u32,
    /// 0-based column, in the chosen [`PositionEncoding`].
    pub col: u32,
}

/// A non-ASCII character: where it starts and how long it is in UTF-8 and UTF-16.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    offset: u32,
    utf8_len: u8,
    utf16_len: u8,
}

impl WideChar {
    fn end(self) -> u32 {
        self.offset + u32::from(self.utf8_len)
    }

    fn units(self, encoding: PositionEncoding) -> u32 {
        match encoding {
            PositionEncoding::Utf8 => u32::from(self.utf8_len),
            PositionEncoding::Utf16 => u32::from(self.utf16_len),
            PositionEncoding::Utf32 => 1,
        }
    }
}

/// Maps byte offsets of one text to lines and columns and back, in any
/// [`PositionEncoding`].
///
/// Building the index is one pass over the text. It keeps the start and end of every line
/// and, per line, only the positions of the non-ASCII characters, so a column on an
/// ASCII-only line converts in O(1) and on other lines in time linear in that line's
/// non-ASCII characters. Finding the line of an offset is a binary search.
///
/// Offsets are `u32`, like [`TextRange`]; texts of 4 GiB or more are not supported.
///
/// ```
/// use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
///
/// let text = "FROM alpine\n# 中文 😀\nRUN x\n";
/// let index = LineIndex::new(text);
/// assert_eq!(index.line_count(), 4); // the text ends with a line break
///
/// let run = text.find("RUN").unwrap() as u32;
/// assert_eq!(index.line_col(run, PositionEncoding::Utf16), LineCol { line: 2, col: 0 });
///
/// let emoji_end = (text.find('😀').unwrap() + '😀'.len_utf8()) as u32;
/// assert_eq!(index.line_col(emoji_end, PositionEncoding::Utf8), LineCol { line: 1, col: 13 });
/// assert_eq!(index.line_col(emoji_end, PositionEncoding::Utf16), LineCol { line: 1, col: 7 });
/// assert_eq!(index.line_col(emoji_end, PositionEncoding::Utf32), LineCol { line: 1, col: 6 });
/// assert_eq!(index.offset(LineCol { line: 1, col: 7 }, PositionEncoding::Utf16), emoji_end);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    len: u32,
    /// Byte offset where each line starts.
    line_starts: Vec<u32>,
    /// Byte offset where each line's content ends (before its line break).
    line_ends: Vec<u32>,
    /// Non-ASCII characters, sorted by offset.
    wide: Vec<WideChar>,
    /// `wide[wide_starts[l]..wide_starts[l + 1]]` are line `l`'s non-ASCII characters; one
    /// entry per line plus a final `wide.len()`.
    wide_starts: Vec<u32>,
}

impl LineIndex {
    /// Indexes `text` in one pass.
    ///
    /// ```
    /// use plimsoll_parser::line_index::LineIndex;
    /// let index = LineIndex::new("a\nb\r\nc\rd");
    /// assert_eq!(index.line_count(), 4);
    /// assert_eq!(index.len(), 8);
    /// ```
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        // Room for lines of 32 bytes on average, which most Dockerfiles' are not shorter than.
        let lines_guess = bytes.len() / 32 + 2;
        let mut line_starts = Vec::with_capacity(lines_guess);
        line_starts.push(0);
        let mut line_ends = Vec::with_capacity(lines_guess);
        let mut wide = Vec::new();
        let mut wide_starts = Vec::with_capacity(lines_guess);
        wide_starts.push(0);
        let mut i = 0;
        loop {
            i = skip_plain_ascii(bytes, i);
            let Some(&b) = bytes.get(i) else { break };
            if b == b'\n' || b == b'\r' {
                line_ends.push(i as u32);
                i += if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                line_starts.push(i as u32);
                wide_starts.push(wide.len() as u32);
            } else if b.is_ascii() {
                i += 1;
            } else {
                // `i` is a char boundary: every earlier step moved over whole characters.
                let c = text
                    .get(i..)
                    .and_then(|rest| rest.chars().next())
                    .unwrap_or('\u{FFFD}');
                wide.push(WideChar {
                    offset: i as u32,
                    utf8_len: c.len_utf8() as u8,
                    utf16_len: c.len_utf16() as u8,
                });
                i += c.len_utf8();
            }
        }
        line_ends.push(bytes.len() as u32);
        wide_starts.push(wide.len() as u32);
        LineIndex {
            len: bytes.len() as u32,
            line_starts,
            line_ends,
            wide,
            wide_starts,
        }
    }

    /// Length of the text in bytes.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of lines: one more than the number of line breaks. An empty text has one
    /// (empty) line, and a text ending with a line break has an empty last line.
    ///
    /// ```
    /// use plimsoll_parser::line_index::LineIndex;
    /// assert_eq!(LineIndex::new("").line_count(), 1);
    /// assert_eq!(LineIndex::new("FROM a").line_count(), 1);
    /// assert_eq!(LineIndex::new("FROM a\n").line_count(), 2);
    /// ```
    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Byte offset where 0-based `line` starts, or `None` past the last line.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
    }

    /// The byte range of `line`'s content, **without** its line break (`\n`, `\r\n` or
    /// `\r`), or `None` past the last line. See [`Self::full_line_range`] for the range with
    /// the break.
    ///
    /// ```
    /// use plimsoll_parser::line_index::LineIndex;
    /// use plimsoll_parser::TextRange;
    /// let index = LineIndex::new("ab\r\ncd");
    /// assert_eq!(index.line_range(0), Some(TextRange::new(0, 2)));
    /// assert_eq!(index.full_line_range(0), Some(TextRange::new(0, 4)));
    /// assert_eq!(index.line_range(1), Some(TextRange::new(4, 6)));
    /// assert_eq!(index.line_range(2), None);
    /// ```
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let start = self.line_start(line)?;
        Some(TextRange::new(start, self.line_ends[line as usize]))
    }

    /// The byte range of `line` **including** its line break, or `None` past the last line.
    /// The ranges of all lines tile the text.
    pub fn full_line_range(&self, line: u32) -> Option<TextRange> {
        let start = self.line_start(line)?;
        let end = self.line_start(line.saturating_add(1)).unwrap_or(self.len);
        Some(TextRange::new(start, end))
    }

    /// The non-ASCII characters of `line` (which must exist).
    fn wide_on(&self, line: usize) -> &[WideChar] {
        let lo = self.wide_starts[line] as usize;
        let hi = self.wide_starts[line + 1] as usize;
        &self.wide[lo..hi]
    }

    /// The 0-based line and column of byte `offset`, the column counted in `encoding`.
    ///
    /// Never panics: an offset past the end is clamped to the end of the text; one inside a
    /// multi-byte character is moved back to that character's start, and one between the
    /// `\r` and `\n` of a `\r\n` to the `\r` (the end of the line's content).
    ///
    /// ```
    /// use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
    /// let index = LineIndex::new("a\r\nbé");
    /// assert_eq!(index.line_col(6, PositionEncoding::Utf8), LineCol { line: 1, col: 3 });
    /// assert_eq!(index.line_col(6, PositionEncoding::Utf16), LineCol { line: 1, col: 2 });
    /// // Offset 5 is inside `é`: the column of its start.
    /// assert_eq!(index.line_col(5, PositionEncoding::Utf16), LineCol { line: 1, col: 1 });
    /// // Offset 2 is between `\r` and `\n`: the end of line 0.
    /// assert_eq!(index.line_col(2, PositionEncoding::Utf16), LineCol { line: 0, col: 1 });
    /// // Past the end: the end.
    /// assert_eq!(index.line_col(99, PositionEncoding::Utf32), LineCol { line: 1, col: 2 });
    /// ```
    pub fn line_col(&self, offset: u32, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.len);
        // `line_starts[0] == 0 <= offset`, so the partition point is at least 1.
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let offset = offset.min(self.line_ends[line]);
        let mut col = offset - start;
        for &w in self.wide_on(line) {
            if w.offset >= offset {
                break;
            }
            if w.end() > offset {
                // `offset` is inside this character: report the character's start.
                col -= offset - w.offset;
                break;
            }
            col -= u32::from(w.utf8_len) - w.units(encoding);
        }
        LineCol {
            line: line as u32,
            col,
        }
    }

    /// The byte offset of `pos`, whose column is counted in `encoding`.
    ///
    /// Never panics, and always returns a character boundary: a line past the last gives the
    /// end of the text; a column past the end of its line gives the end of the line's
    /// content (before its line break); a column inside a character that takes several
    /// units (such as between the two UTF-16 surrogates of an emoji) gives that character's
    /// start.
    ///
    /// ```
    /// use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
    /// let index = LineIndex::new("x😀y\n");
    /// assert_eq!(index.offset(LineCol { line: 0, col: 3 }, PositionEncoding::Utf16), 5);
    /// assert_eq!(index.offset(LineCol { line: 0, col: 2 }, PositionEncoding::Utf32), 5);
    /// // Column 2 in UTF-16 falls between the emoji's two surrogates.
    /// assert_eq!(index.offset(LineCol { line: 0, col: 2 }, PositionEncoding::Utf16), 1);
    /// // Past the end of the line: before its `\n`.
    /// assert_eq!(index.offset(LineCol { line: 0, col: 40 }, PositionEncoding::Utf16), 6);
    /// // Past the last line: the end of the text.
    /// assert_eq!(index.offset(LineCol { line: 9, col: 0 }, PositionEncoding::Utf16), 7);
    /// ```
    pub fn offset(&self, pos: LineCol, encoding: PositionEncoding) -> u32 {
        let line = pos.line as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return self.len;
        };
        let end = self.line_ends[line];
        let mut offset = start;
        let mut remaining = pos.col;
        for &w in self.wide_on(line) {
            let ascii_run = w.offset - offset;
            if remaining <= ascii_run {
                return offset + remaining;
            }
            remaining -= ascii_run;
            let units = w.units(encoding);
            if remaining < units {
                return w.offset;
            }
            remaining -= units;
            offset = w.end();
        }
        offset.saturating_add(remaining).min(end)
    }
}

/// The first offset from `i` on whose byte is a line break or not ASCII (or the end).
///
/// Most of a Dockerfile is ASCII text between line breaks, so this reads eight bytes at a
/// time, looking for a byte below 14 (a line break, but also a tab) or not ASCII.
fn skip_plain_ascii(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH_BITS: u64 = u64::from_le_bytes([0x80; 8]);
    const BELOW: u64 = 14;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(chunk);
        // A byte's high bit ends up set when the byte is not ASCII or (being ASCII) is below
        // 14. A borrow can set it in bytes after such a byte, never before it, so the first
        // byte flagged is a true one.
        let flagged = (word.wrapping_sub(ONES * BELOW) | word) & HIGH_BITS;
        if flagged == 0 {
            i += 8;
            continue;
        }
        let at = i + (flagged.trailing_zeros() / 8) as usize;
        match bytes.get(at) {
            Some(&b) if b == b'\n' || b == b'\r' || !b.is_ascii() => return at,
            _ => i = at + 1,
        }
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'\n' || b == b'\r' || !b.is_ascii() {
            break;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::PositionEncoding::{Utf16, Utf32, Utf8};
    use super::*;
    use proptest::prelude::*;

    const ENCODINGS: [PositionEncoding; 3] = [Utf8, Utf16, Utf32];

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    /// The column of `offset` in `encoding`, computed naively from the text.
    fn naive(text: &str, offset: usize, encoding: PositionEncoding) -> LineCol {
        let mut line = 0;
        let mut line_start = 0;
        let bytes = text.as_bytes();
        for (i, &b) in bytes[..offset].iter().enumerate() {
            let crlf_first = b == b'\r' && bytes.get(i + 1) == Some(&b'\n');
            if b == b'\n' || (b == b'\r' && !crlf_first) {
                line += 1;
                line_start = i + 1;
            }
        }
        let col = text[line_start..offset]
            .chars()
            .map(|c| encoding.len_of(c))
            .sum();
        lc(line, col)
    }

    /// Char boundaries of `text`, except those between the `\r` and `\n` of a `\r\n`, which
    /// are not positions of their own.
    fn positions(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .filter(|&i| !(i > 0 && bytes[i - 1] == b'\r' && bytes.get(i) == Some(&b'\n')))
            .collect()
    }

    fn check_round_trips(text: &str) {
        let index = LineIndex::new(text);
        assert_eq!(index.len() as usize, text.len());
        for offset in positions(text) {
            for enc in ENCODINGS {
                let pos = index.line_col(offset as u32, enc);
                assert_eq!(pos, naive(text, offset, enc), "{text:?} {offset} {enc:?}");
                assert_eq!(
                    index.offset(pos, enc),
                    offset as u32,
                    "{text:?} {offset} {enc:?}"
                );
            }
        }
        // The line ranges tile the text and never contain a line break.
        let mut next = 0;
        for line in 0..index.line_count() {
            let full = index.full_line_range(line).unwrap();
            let content = index.line_range(line).unwrap();
            assert_eq!(full.start, next);
            assert_eq!(content.start, full.start);
            assert!(!text[content.as_usize()].contains(['\r', '\n']));
            next = full.end;
        }
        assert_eq!(next as usize, text.len());
        assert_eq!(index.line_range(index.line_count()), None);
    }

    #[test]
    fn ascii() {
        let text = "FROM alpine\nRUN echo hi\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        for enc in ENCODINGS {
            assert_eq!(index.line_col(0, enc), lc(0, 0));
            assert_eq!(index.line_col(5, enc), lc(0, 5));
            assert_eq!(index.line_col(11, enc), lc(0, 11));
            assert_eq!(index.line_col(12, enc), lc(1, 0));
            assert_eq!(index.line_col(16, enc), lc(1, 4));
            assert_eq!(index.line_col(24, enc), lc(2, 0));
            assert_eq!(index.offset(lc(1, 4), enc), 16);
            assert_eq!(index.offset(lc(0, 50), enc), 11);
            assert_eq!(index.offset(lc(2, 3), enc), 24);
        }
        assert_eq!(index.line_start(1), Some(12));
        assert_eq!(index.line_range(1), Some(TextRange::new(12, 23)));
        assert_eq!(index.full_line_range(1), Some(TextRange::new(12, 24)));
        assert_eq!(index.line_range(2), Some(TextRange::empty(24)));
        check_round_trips(text);
    }

    #[test]
    fn crlf() {
        let text = "FROM a\r\nRUN b\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.line_range(0), Some(TextRange::new(0, 6)));
        assert_eq!(index.full_line_range(0), Some(TextRange::new(0, 8)));
        assert_eq!(index.line_col(6, Utf16), lc(0, 6)); // the \r
        assert_eq!(index.line_col(7, Utf16), lc(0, 6)); // between \r and \n
        assert_eq!(index.line_col(8, Utf16), lc(1, 0));
        assert_eq!(index.line_col(15, Utf16), lc(2, 0));
        assert_eq!(index.offset(lc(0, 7), Utf16), 6);
        assert_eq!(index.offset(lc(1, 0), Utf16), 8);
        check_round_trips(text);
    }

    #[test]
    fn lone_cr() {
        let text = "a\rb\r\rc\n\rd";
        let index = LineIndex::new(text);
        // a | b | (empty) | c | (empty) | d
        assert_eq!(index.line_count(), 6);
        assert_eq!(index.line_col(2, Utf8), lc(1, 0));
        assert_eq!(index.line_col(4, Utf8), lc(2, 0));
        assert_eq!(index.line_col(5, Utf8), lc(3, 0));
        assert_eq!(index.line_col(7, Utf8), lc(4, 0));
        assert_eq!(index.line_col(8, Utf8), lc(5, 0));
        assert_eq!(index.line_range(2), Some(TextRange::empty(4)));
        assert_eq!(index.offset(lc(2, 5), Utf8), 4);
        assert_eq!(LineIndex::new("\r").line_count(), 2);
        assert_eq!(LineIndex::new("\n\r").line_count(), 3);
        check_round_trips(text);
    }

    #[test]
    fn cjk() {
        let text = "# 中文注释\nRUN x";
        let index = LineIndex::new(text);
        let end = "# 中文注释".len() as u32;
        assert_eq!(end, 14);
        assert_eq!(index.line_col(end, Utf8), lc(0, 14));
        assert_eq!(index.line_col(end, Utf16), lc(0, 6));
        assert_eq!(index.line_col(end, Utf32), lc(0, 6));
        // 文 starts at byte 5, column 3.
        assert_eq!(index.line_col(5, Utf16), lc(0, 3));
        assert_eq!(index.line_col(6, Utf16), lc(0, 3)); // inside 文
        assert_eq!(index.line_col(7, Utf8), lc(0, 5)); // inside 文
        assert_eq!(index.offset(lc(0, 3), Utf16), 5);
        assert_eq!(index.offset(lc(0, 6), Utf8), 5); // inside 文 in UTF-8
        assert_eq!(index.offset(lc(0, 8), Utf8), 8);
        assert_eq!(index.offset(lc(0, 99), Utf32), end);
        assert_eq!(index.line_col(end + 1, Utf16), lc(1, 0));
        check_round_trips(text);
    }

    #[test]
    fn emoji() {
        let text = "LABEL x=\"😀🐳\" y\n";
        let index = LineIndex::new(text);
        let whale = text.find('🐳').unwrap() as u32;
        assert_eq!(whale, 13);
        assert_eq!(index.line_col(whale, Utf8), lc(0, 13));
        assert_eq!(index.line_col(whale, Utf16), lc(0, 11));
        assert_eq!(index.line_col(whale, Utf32), lc(0, 10));
        assert_eq!(index.line_col(whale + 2, Utf16), lc(0, 11)); // inside 🐳
                                                                 // Between the surrogates of 😀 and of 🐳.
        assert_eq!(index.offset(lc(0, 10), Utf16), 9);
        assert_eq!(index.offset(lc(0, 12), Utf16), whale);
        assert_eq!(index.offset(lc(0, 13), Utf16), whale + 4);
        assert_eq!(index.offset(lc(0, 11), Utf32), whale + 4);
        check_round_trips(text);
    }

    #[test]
    fn bom_is_a_character() {
        let text = "\u{feff}FROM a";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(3, Utf8), lc(0, 3));
        assert_eq!(index.line_col(3, Utf16), lc(0, 1));
        assert_eq!(index.line_col(3, Utf32), lc(0, 1));
        assert_eq!(index.line_col(1, Utf16), lc(0, 0));
        assert_eq!(index.offset(lc(0, 1), Utf16), 3);
        assert_eq!(index.offset(lc(0, 0), Utf16), 0);
        check_round_trips(text);
    }

    #[test]
    fn empty_text() {
        let index = LineIndex::new("");
        assert!(index.is_empty());
        assert_eq!(index.len(), 0);
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.line_start(0), Some(0));
        assert_eq!(index.line_start(1), None);
        assert_eq!(index.line_range(0), Some(TextRange::empty(0)));
        for enc in ENCODINGS {
            assert_eq!(index.line_col(0, enc), lc(0, 0));
            assert_eq!(index.line_col(u32::MAX, enc), lc(0, 0));
            assert_eq!(index.offset(lc(0, 0), enc), 0);
            assert_eq!(index.offset(lc(u32::MAX, u32::MAX), enc), 0);
        }
    }

    #[test]
    fn final_line_break_or_not() {
        let with = LineIndex::new("FROM a\n");
        assert_eq!(with.line_count(), 2);
        assert_eq!(with.line_col(7, Utf16), lc(1, 0));
        assert_eq!(with.line_range(1), Some(TextRange::empty(7)));
        assert_eq!(with.offset(lc(1, 0), Utf16), 7);
        assert_eq!(with.offset(lc(0, 100), Utf16), 6);

        let without = LineIndex::new("FROM a");
        assert_eq!(without.line_count(), 1);
        assert_eq!(without.line_col(6, Utf16), lc(0, 6));
        assert_eq!(without.line_range(0), Some(TextRange::new(0, 6)));
        assert_eq!(without.offset(lc(1, 0), Utf16), 6);
        assert_eq!(without.offset(lc(0, 100), Utf16), 6);
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let index = LineIndex::new("é😀\r\nx");
        for enc in ENCODINGS {
            assert_eq!(index.offset(lc(0, u32::MAX), enc), 6);
            assert_eq!(index.offset(lc(1, u32::MAX), enc), 9);
            assert_eq!(index.offset(lc(u32::MAX, 0), enc), 9);
            assert_eq!(index.line_col(u32::MAX, enc), lc(1, 1));
        }
        assert_eq!(index.full_line_range(u32::MAX), None);
    }

    #[test]
    fn round_trip_mixed_text() {
        check_round_trips(
            "\u{feff}# syntax=docker/dockerfile:1\r\n# 한국어 😀 中文\rFROM a AS é\n\n\
             RUN echo \"🐳\" \\\r\n  && ls\r\r\n𝄞ß\n",
        );
    }

    /// Strings rich in line breaks and characters of every UTF-8 and UTF-16 length.
    fn dockerfile_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just('\n'),
            Just('\r'),
            Just('a'),
            Just(' '),
            Just('é'),
            Just('中'),
            Just('\u{feff}'),
            Just('😀'),
            any::<char>(),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn round_trips_on_dockerfile_like_text(text in dockerfile_like()) {
            check_round_trips(&text);
        }

        #[test]
        fn round_trips_on_any_text(text in any::<String>()) {
            check_round_trips(&text);
        }

        #[test]
        fn arbitrary_positions_never_panic(
            text in dockerfile_like(),
            line in prop_oneof![0u32..12, any::<u32>()],
            col in prop_oneof![0u32..60, any::<u32>()],
            offset in prop_oneof![0u32..200, any::<u32>()],
        ) {
            let index = LineIndex::new(&text);
            for enc in ENCODINGS {
                let pos = index.line_col(offset, enc);
                prop_assert!(pos.line < index.line_count());
                let o = index.offset(LineCol { line, col }, enc);
                prop_assert!(o <= index.len());
                prop_assert!(text.is_char_boundary(o as usize));
                // Whatever offset comes back, it is a position of its own.
                let back = index.line_col(o, enc);
                prop_assert_eq!(index.offset(back, enc), o);
                if let Some(range) = index.line_range(line) {
                    prop_assert!(range.start <= o && o <= range.end);
                }
            }
        }
    }
}
