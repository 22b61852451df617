//! The one place where byte offsets and LSP positions meet.
//!
//! Plimsoll works in byte offsets; the client counts columns in the encoding negotiated at
//! `initialize` (UTF-8 when the client offers it, else the protocol's default UTF-16).

use plimsoll_parser::line_index::{LineCol, LineIndex, PositionEncoding};
use plimsoll_parser::TextRange;
use tower_lsp_server::ls_types::{ClientCapabilities, Position, PositionEncodingKind, Range};

/// The encoding to use with a client: UTF-8 if it offers it, else UTF-16 (which every
/// client must support). UTF-32 is never chosen: UTF-8 needs no conversion and UTF-16 is
/// the default, so one of the two is always at least as good.
pub fn negotiate(capabilities: &ClientCapabilities) -> PositionEncoding {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

/// The protocol's name of an encoding.
pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// Converts between offsets of one text and positions in one encoding.
#[derive(Clone, Copy)]
pub struct Positions<'a> {
    index: &'a LineIndex,
    encoding: PositionEncoding,
}

impl<'a> Positions<'a> {
    /// A converter for the text `index` was built from.
    pub fn new(index: &'a LineIndex, encoding: PositionEncoding) -> Positions<'a> {
        Positions { index, encoding }
    }

    /// The position of a byte offset (offsets past the end give the end).
    pub fn position(&self, offset: u32) -> Position {
        let LineCol { line, col } = self.index.line_col(offset, self.encoding);
        Position::new(line, col)
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: TextRange) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a position; positions past a line's end or past the text clamp to
    /// the nearest valid offset, so a stale or hostile position never panics.
    pub fn offset(&self, position: Position) -> u32 {
        self.index.offset(
            LineCol {
                line: position.line,
                col: position.character,
            },
            self.encoding,
        )
    }

    /// The byte range of an LSP range (start and end swapped when reversed).
    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        TextRange::new(start.min(end), start.max(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_and_emoji_columns() {
        let text = "# 中文注释 😀\nFROM alpine:3.20 # ✓\n";
        let index = LineIndex::new(text);
        let utf16 = Positions::new(&index, PositionEncoding::Utf16);
        let utf8 = Positions::new(&index, PositionEncoding::Utf8);
        let end_of_comment = text.find('\n').unwrap() as u32;
        // `# ` + 4 CJK (1 unit each) + space + emoji (2 units).
        assert_eq!(utf16.position(end_of_comment), Position::new(0, 9));
        assert_eq!(
            utf8.position(end_of_comment),
            Position::new(0, end_of_comment)
        );
        let from = text.find("FROM").unwrap() as u32;
        assert_eq!(utf16.position(from), Position::new(1, 0));
        for offset in [0, 2, end_of_comment, from, text.len() as u32] {
            assert_eq!(utf16.offset(utf16.position(offset)), offset);
            assert_eq!(utf8.offset(utf8.position(offset)), offset);
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let index = LineIndex::new("FROM a\n");
        let positions = Positions::new(&index, PositionEncoding::Utf16);
        assert_eq!(positions.offset(Position::new(0, 999)), 6);
        assert_eq!(positions.offset(Position::new(99, 0)), 7);
        let reversed = Range::new(Position::new(0, 4), Position::new(0, 1));
        assert_eq!(positions.text_range(reversed), TextRange::new(1, 4));
    }

    #[test]
    fn negotiation_prefers_utf8() {
        let mut capabilities = ClientCapabilities::default();
        assert_eq!(negotiate(&capabilities), PositionEncoding::Utf16);
        capabilities.general = Some(tower_lsp_server::ls_types::GeneralClientCapabilities {
            position_encodings: Some(vec![
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8,
            ]),
            ..Default::default()
        });
        assert_eq!(negotiate(&capabilities), PositionEncoding::Utf8);
    }
}
