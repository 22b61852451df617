//! Byte ranges in the source text, and maps from derived text back to the source.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// A half-open byte range `start..end` in the source text.
///
/// Offsets are `u32`: a Dockerfile larger than 4 GiB is not a Dockerfile.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct TextRange {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl TextRange {
    /// A range from `start` to `end`; `end` is clamped so that it is never before `start`.
    pub fn new(start: u32, end: u32) -> Self {
        TextRange {
            start,
            end: end.max(start),
        }
    }

    /// An empty range at `offset`.
    pub fn empty(offset: u32) -> Self {
        TextRange::new(offset, offset)
    }

    /// A range from `usize` offsets (saturating at `u32::MAX`).
    pub fn from_usize(start: usize, end: usize) -> Self {
        TextRange::new(to_u32(start), to_u32(end))
    }

    /// Length in bytes.
    pub fn len(self) -> u32 {
        self.end - self.start
    }

    /// Whether the range covers no byte.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range (the end is included, so that a cursor
    /// right after a word still "touches" it).
    pub fn touches(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// Whether `offset` lies inside the range (the end excluded).
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether `other` lies entirely inside this range.
    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The smallest range that covers both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The range as `usize` offsets, for slicing.
    pub fn as_usize(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<TextRange> for Range<usize> {
    fn from(r: TextRange) -> Self {
        r.as_usize()
    }
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The offset of the first `\n` in `bytes` at or after `from`.
pub(crate) fn find_line_feed(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    memchr::memchr(b'\n', rest).map(|at| from + at)
}

/// Whether `b` is an ASCII character that [`char::is_whitespace`] accepts (unlike
/// [`u8::is_ascii_whitespace`], this includes the vertical tab).
pub(crate) fn is_ascii_white_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// The length of what [`str::trim_start`] removes from `s`. Lines are almost always ASCII, so
/// bytes are read as they are and characters are decoded only after the first non-ASCII byte.
pub(crate) fn leading_white_space_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if is_ascii_white_space(b) {
            i += 1;
        } else if b.is_ascii() {
            return i;
        } else {
            // Every byte before `i` is ASCII, so `i` is a character boundary.
            let rest = s.get(i..).unwrap_or("");
            return i + (rest.len() - rest.trim_start().len());
        }
    }
    i
}

/// [`str::trim`], reading ASCII bytes without decoding them (see [`leading_white_space_len`]).
pub(crate) fn trim(s: &str) -> &str {
    let s = s.get(leading_white_space_len(s)..).unwrap_or("");
    s.get(..trim_end_len(s)).unwrap_or("")
}

/// The length of `s.trim_end()`, reading ASCII bytes without decoding them (see
/// [`leading_white_space_len`]).
pub(crate) fn trim_end_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while end > 0 {
        let b = bytes[end - 1];
        if is_ascii_white_space(b) {
            end -= 1;
        } else if b.is_ascii() {
            return end;
        } else {
            // Every byte from `end` on is ASCII, so `end` is a character boundary.
            return s.get(..end).unwrap_or("").trim_end().len();
        }
    }
    0
}

/// Maps byte offsets of a *derived* text (a logical line joined from several physical
/// lines, with continuation characters and comment lines removed) back to offsets in the
/// source text.
///
/// The derived text is a concatenation of source slices; each [`Segment`] records one.
///
/// ```
/// use plimsoll_parser::{parse, TextRange};
///
/// let text = "FROM a\nRUN apt-get update \\\n    && apt-get install -y curl\n";
/// let run = &parse(text).instructions[1];
/// assert_eq!(run.original, "RUN apt-get update     && apt-get install -y curl");
/// // `-y` in the logical line, mapped back to the second physical line.
/// let y = run.original.find("-y").unwrap() as u32;
/// let range = run.original_map.range_to_source(TextRange::new(y, y + 2));
/// assert_eq!(&text[range.as_usize()], "-y");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SourceMap {
    segments: Vec<Segment>,
    len: u32,
    /// Where an empty derived text sits in the source.
    anchor: u32,
}

/// One slice of the source, placed at `derived_start` in the derived text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Where the slice starts in the derived text.
    pub derived_start: u32,
    /// Where the slice starts in the source.
    pub source_start: u32,
    /// Its length in bytes.
    pub len: u32,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// A map for a derived text that is exactly `source[source_start..source_start+len]`.
    pub fn contiguous(source_start: u32, len: u32) -> Self {
        let mut map = SourceMap::new();
        map.push(source_start, len);
        map
    }

    /// Appends the source slice `source_start..source_start+len` to the derived text.
    pub fn push(&mut self, source_start: u32, len: u32) {
        if self.segments.is_empty() && self.len == 0 {
            self.anchor = source_start + len;
        }
        if len == 0 {
            return;
        }
        if let Some(last) = self.segments.last_mut() {
            if last.source_start + last.len == source_start {
                last.len += len;
                self.len += len;
                return;
            }
        }
        self.segments.push(Segment {
            derived_start: self.len,
            source_start,
            len,
        });
        self.len += len;
    }

    /// Length of the derived text.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether the derived text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The source slices, in derived-text order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The source offset of derived offset `offset`. An offset at the end of a segment maps
    /// to the end of that segment's source slice (not to the start of the next one), so the
    /// end of a word never jumps over a continuation line.
    pub fn to_source(&self, offset: u32) -> u32 {
        let idx = self
            .segments
            .partition_point(|s| s.derived_start + s.len < offset);
        match self.segments.get(idx) {
            Some(s) => s.source_start + offset.saturating_sub(s.derived_start).min(s.len),
            None => self
                .segments
                .last()
                .map_or(self.anchor, |s| s.source_start + s.len),
        }
    }

    /// The source offset where derived offset `offset` starts: like [`Self::to_source`] but an
    /// offset at a segment boundary maps to the start of the following segment.
    pub fn to_source_start(&self, offset: u32) -> u32 {
        let idx = self
            .segments
            .partition_point(|s| s.derived_start + s.len <= offset);
        match self.segments.get(idx) {
            Some(s) => s.source_start + offset.saturating_sub(s.derived_start),
            None => self.to_source(offset),
        }
    }

    /// The source range covered by derived range `range`.
    pub fn range_to_source(&self, range: TextRange) -> TextRange {
        if range.is_empty() {
            let at = self.to_source_start(range.start);
            return TextRange::empty(at);
        }
        TextRange::new(self.to_source_start(range.start), self.to_source(range.end))
    }

    /// A map for the derived sub-text `range` of this map's derived text.
    pub fn slice(&self, range: TextRange) -> SourceMap {
        let mut out = SourceMap::new();
        for s in &self.segments {
            let lo = s.derived_start.max(range.start);
            let hi = (s.derived_start + s.len).min(range.end);
            if lo < hi {
                out.push(s.source_start + (lo - s.derived_start), hi - lo);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_feeds() {
        let text = b"0123456789\nabcdefghijklmnopqrstuvwxyz\n\n\xff\n";
        let naive = |from: usize| {
            text[from..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| from + i)
        };
        for from in 0..=text.len() + 1 {
            assert_eq!(
                find_line_feed(text, from),
                naive(from.min(text.len())),
                "{from}"
            );
        }
        // Bytes just around `\n`, where a borrow could be mistaken for a match.
        let tricky = [0x0b, 0x09, 0x0a, 0x0b, 0x8a, 0x0a, 0x00, 0x01];
        assert_eq!(find_line_feed(&tricky, 0), Some(2));
        assert_eq!(find_line_feed(&tricky, 3), Some(5));
        assert_eq!(find_line_feed(&[0x0b; 8], 0), None);
    }

    #[test]
    fn white_space_trimming_agrees_with_std() {
        let samples = [
            "",
            " ",
            "\t\u{b}\u{c}\r\n x \t",
            "x",
            "  \u{a0}\u{3000} x\u{2028} \u{85}",
            "\u{a0}",
            " é ",
            "\u{1680}",
            " \u{feff}x",
            "x\u{feff} ",
            "😀 \u{200a}",
        ];
        for s in samples {
            assert_eq!(
                leading_white_space_len(s),
                s.len() - s.trim_start().len(),
                "{s:?}"
            );
            assert_eq!(trim_end_len(s), s.trim_end().len(), "{s:?}");
        }
    }

    #[test]
    fn maps_offsets_across_segments() {
        // derived "abcdef" = source[10..13] + source[20..23]
        let mut m = SourceMap::new();
        m.push(10, 3);
        m.push(20, 3);
        assert_eq!(m.len(), 6);
        assert_eq!(m.to_source(0), 10);
        assert_eq!(m.to_source(2), 12);
        assert_eq!(m.to_source(3), 13);
        assert_eq!(m.to_source_start(3), 20);
        assert_eq!(m.to_source(6), 23);
        assert_eq!(
            m.range_to_source(TextRange::new(1, 5)),
            TextRange::new(11, 22)
        );
        assert_eq!(
            m.range_to_source(TextRange::new(3, 6)),
            TextRange::new(20, 23)
        );
        assert_eq!(
            m.range_to_source(TextRange::new(0, 3)),
            TextRange::new(10, 13)
        );
        let s = m.slice(TextRange::new(2, 4));
        assert_eq!(s.segments().len(), 2);
        assert_eq!(
            s.range_to_source(TextRange::new(0, 2)),
            TextRange::new(12, 21)
        );
    }

    #[test]
    fn merges_adjacent_segments() {
        let mut m = SourceMap::new();
        m.push(0, 3);
        m.push(3, 4);
        assert_eq!(m.segments().len(), 1);
        assert_eq!(m.to_source(100), 7);
    }
}
