//! Byte offsets ↔ line/column, in UTF-8 bytes, UTF-16 code units or code points.
//!
//! Line breaks are `\n`, `\r\n` and a lone `\r`, as the Language Server Protocol counts them.

use crate::text::TextRange;

/// How a column is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    Utf16,
    /// Unicode code points.
    Utf32,
}

/// A 0-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    /// 0-based line.
    pub line: u32,
    /// 0-based column, in the chosen [`PositionEncoding`].
    pub col: u32,
}

/// A non-ASCII character: where it starts and how long it is in UTF-8 and UTF-16.
#[derive(Clone, Copy, Debug)]
struct WideChar {
    offset: u32,
    utf8_len: u8,
    utf16_len: u8,
}

/// Maps offsets of one text to lines and columns.
///
/// ```
/// use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
///
/// let text = "FROM alpine\n# 中文 😀\nRUN x\n";
/// let index = LineIndex::new(text);
/// let run = text.find("RUN").unwrap() as u32;
/// assert_eq!(index.line_col(run, PositionEncoding::Utf16), LineCol { line: 2, col: 0 });
/// let emoji_end = (text.find('😀').unwrap() + 4) as u32;
/// assert_eq!(index.line_col(emoji_end, PositionEncoding::Utf16), LineCol { line: 1, col: 7 });
/// assert_eq!(index.line_col(emoji_end, PositionEncoding::Utf32), LineCol { line: 1, col: 6 });
/// assert_eq!(index.offset(LineCol { line: 1, col: 7 }, PositionEncoding::Utf16), emoji_end);
/// ```
#[derive(Clone, Debug)]
pub struct LineIndex {
    len: u32,
    /// Byte offset where each line starts.
    line_starts: Vec<u32>,
    /// Byte offset where each line's content ends (before its line break).
    line_ends: Vec<u32>,
    /// Non-ASCII characters, sorted by offset; lines without any convert in O(1).
    wide: Vec<WideChar>,
}

impl LineIndex {
    /// Indexes `text` in one pass.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut line_ends = Vec::new();
        let mut wide = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' || b == b'\r' {
                line_ends.push(i as u32);
                i += if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                line_starts.push(i as u32);
                continue;
            }
            if b < 0x80 {
                i += 1;
                continue;
            }
            let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
            wide.push(WideChar {
                offset: i as u32,
                utf8_len: c.len_utf8() as u8,
                utf16_len: c.len_utf16() as u8,
            });
            i += c.len_utf8();
        }
        line_ends.push(bytes.len() as u32);
        LineIndex {
            len: bytes.len() as u32,
            line_starts,
            line_ends,
            wide,
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

    /// Number of lines (a text ending with a line break has an empty last line).
    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Byte offset where `line` starts.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
    }

    /// The range of `line`'s content, without its line break.
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let start = self.line_start(line)?;
        Some(TextRange::new(start, self.line_ends[line as usize]))
    }

    /// The range of `line` including its line break.
    pub fn full_line_range(&self, line: u32) -> Option<TextRange> {
        let start = self.line_start(line)?;
        let end = self.line_start(line + 1).unwrap_or(self.len);
        Some(TextRange::new(start, end))
    }

    fn wide_in(&self, from: u32, to: u32) -> &[WideChar] {
        let lo = self.wide.partition_point(|w| w.offset < from);
        let hi = self.wide.partition_point(|w| w.offset < to);
        &self.wide[lo..hi]
    }

    /// The line and column of `offset`. An offset past the end is clamped to the end; one
    /// inside a character or a `\r\n` is moved back to its start.
    ///
    /// ```
    /// use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
    /// let index = LineIndex::new("a\r\nbé");
    /// assert_eq!(index.line_col(6, PositionEncoding::Utf8), LineCol { line: 1, col: 3 });
    /// assert_eq!(index.line_col(6, PositionEncoding::Utf16), LineCol { line: 1, col: 2 });
    /// // Offset 5 is inside `é`: the column of its start.
    /// assert_eq!(index.line_col(5, PositionEncoding::Utf16), LineCol { line: 1, col: 1 });
    /// ```
    pub fn line_col(&self, offset: u32, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        // Inside a line break: the position of the break itself.
        let offset = offset.min(self.line_ends[line]).max(start);
        let mut col = offset - start;
        for w in self.wide_in(start, offset) {
            if w.offset + w.utf8_len as u32 > offset {
                // `offset` is inside this character: report the character's start.
                col -= offset - w.offset;
                break;
            }
            col -= match encoding {
                PositionEncoding::Utf8 => 0,
                PositionEncoding::Utf16 => (w.utf8_len - w.utf16_len) as u32,
                PositionEncoding::Utf32 => (w.utf8_len - 1) as u32,
            };
        }
        LineCol {
            line: line as u32,
            col,
        }
    }

    /// The byte offset of `pos`. A line past the end gives the end of the text; a column past
    /// the end of its line gives the end of the line (before the break); a column inside a
    /// character gives that character's start.
    ///
    /// ```
    /// use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
    /// let index = LineIndex::new("x😀y\n");
    /// // Column 2 in UTF-16 falls between the emoji's two surrogates.
    /// assert_eq!(index.offset(LineCol { line: 0, col: 2 }, PositionEncoding::Utf16), 1);
    /// assert_eq!(index.offset(LineCol { line: 0, col: 3 }, PositionEncoding::Utf16), 5);
    /// assert_eq!(index.offset(LineCol { line: 9, col: 0 }, PositionEncoding::Utf16), 7);
    /// ```
    pub fn offset(&self, pos: LineCol, encoding: PositionEncoding) -> u32 {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return self.len;
        };
        let end = self.line_ends[pos.line as usize];
        let mut offset = start;
        let mut remaining = pos.col;
        for w in self.wide_in(start, end) {
            let ascii_run = w.offset - offset;
            if remaining <= ascii_run {
                return offset + remaining;
            }
            remaining -= ascii_run;
            offset = w.offset;
            let units = match encoding {
                PositionEncoding::Utf8 => w.utf8_len as u32,
                PositionEncoding::Utf16 => w.utf16_len as u32,
                PositionEncoding::Utf32 => 1,
            };
            if remaining < units {
                return offset;
            }
            remaining -= units;
            offset += w.utf8_len as u32;
        }
        (offset + remaining).min(end)
    }
}

#[cfg(test)]
mod tests {
    use super::PositionEncoding::{Utf16, Utf32, Utf8};
    use super::*;
    use proptest::prelude::*;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn line_breaks() {
        let index = LineIndex::new("a\nb\r\nc\rd");
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(2, Utf8), lc(1, 0));
        assert_eq!(index.line_col(4, Utf8), lc(1, 1)); // inside \r\n
        assert_eq!(index.line_col(5, Utf8), lc(2, 0));
        assert_eq!(index.line_col(7, Utf8), lc(3, 0));
        assert_eq!(index.line_range(1), Some(TextRange::new(2, 3)));
        assert_eq!(index.full_line_range(1), Some(TextRange::new(2, 5)));
        assert_eq!(LineIndex::new("").line_count(), 1);
        assert_eq!(LineIndex::new("x\n").line_count(), 2);
    }

    #[test]
    fn wide_characters() {
        let text = "\u{feff}中😀x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.line_col(x, Utf8), lc(0, 10));
        assert_eq!(index.line_col(x, Utf16), lc(0, 4));
        assert_eq!(index.line_col(x, Utf32), lc(0, 3));
        assert_eq!(index.offset(lc(0, 4), Utf16), x);
        assert_eq!(index.offset(lc(0, 100), Utf16), text.len() as u32);
        assert_eq!(index.line_col(4, Utf16), lc(0, 1)); // inside 中
    }

    fn round_trips(text: &str) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let offset = offset as u32;
            // Offsets between \r and \n are not positions of their own.
            if offset > 0
                && text.as_bytes()[offset as usize - 1] == b'\r'
                && text.as_bytes().get(offset as usize) == Some(&b'\n')
            {
                continue;
            }
            for enc in [Utf8, Utf16, Utf32] {
                let pos = index.line_col(offset, enc);
                assert_eq!(index.offset(pos, enc), offset, "{text:?} {offset} {enc:?}");
            }
        }
    }

    #[test]
    fn round_trip_mixed_text() {
        round_trips("FROM a\r\n# 한국어 😀\rRUN é\n\nx");
    }

    proptest! {
        #[test]
        fn round_trips_on_any_text(text in "\\PC*(\r\n|\r|\n)?\\PC*") {
            round_trips(&text);
        }

        #[test]
        fn never_panics(text in any::<String>(), line in 0u32..10, col in 0u32..100, offset in 0u32..1000) {
            let index = LineIndex::new(&text);
            for enc in [Utf8, Utf16, Utf32] {
                let _ = index.line_col(offset, enc);
                let o = index.offset(LineCol { line, col }, enc);
                prop_assert!(text.is_char_boundary(o as usize));
            }
        }
    }
}
