//! Semantic tokens: what each part of a Dockerfile is, for editors that colour by meaning
//! rather than by a grammar (a stage name in `COPY --from=`, a variable inside a RUN line).

use crate::position::Positions;
use crate::symbols::{variable_uses, SymbolKind, SymbolTable};
use plimsoll_parser::TextRange;
use plimsoll_rules::SemanticModel;

/// The token kinds, in the order of the legend sent at `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenKind {
    /// An instruction keyword.
    Keyword = 0,
    /// A flag name (`--from`).
    Parameter = 1,
    /// A build argument or environment variable.
    Variable = 2,
    /// A build stage name.
    Namespace = 3,
    /// A comment.
    Comment = 4,
    /// A parser directive (`# syntax=…`).
    Macro = 5,
}

/// The legend's token type names, indexed by [`TokenKind`].
pub const LEGEND: [&str; 6] = [
    "keyword",
    "parameter",
    "variable",
    "namespace",
    "comment",
    "macro",
];

/// A token: where it is and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Its range, on one line.
    pub range: TextRange,
    /// Its kind.
    pub kind: TokenKind,
}

/// The tokens of a file, sorted and not overlapping, each on one line.
pub fn tokens(model: &SemanticModel, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for directive in &model.file.directives {
        out.push(Token {
            range: directive.range,
            kind: TokenKind::Macro,
        });
    }
    for comment in &model.file.comments {
        out.push(Token {
            range: comment.range,
            kind: TokenKind::Comment,
        });
    }
    for instruction in &model.file.instructions {
        let mut instructions = vec![instruction];
        instructions.extend(instruction.onbuild_child());
        for instruction in instructions {
            out.push(Token {
                range: instruction.keyword_range,
                kind: TokenKind::Keyword,
            });
            for flag in &instruction.flags {
                // The name with its dashes: `--from`.
                out.push(Token {
                    range: TextRange::new(flag.range.start, flag.name_range.end),
                    kind: TokenKind::Parameter,
                });
            }
        }
        for (_, range) in variable_uses(text, instruction.range, model.file.escape) {
            out.push(Token {
                range,
                kind: TokenKind::Variable,
            });
        }
    }
    let table = SymbolTable::new(model, text);
    for symbol in &table.symbols {
        let kind = match symbol.kind {
            SymbolKind::Stage => TokenKind::Namespace,
            SymbolKind::Variable => TokenKind::Variable,
        };
        for occurrence in &symbol.occurrences {
            out.push(Token {
                range: occurrence.range,
                kind,
            });
        }
    }
    out.retain(|t| !t.range.is_empty());
    out.sort_by_key(|t| (t.range.start, std::cmp::Reverse(t.range.end), t.kind));
    // Keep the first of overlapping tokens (the outer one: a comment over anything in it).
    let mut kept: Vec<Token> = Vec::with_capacity(out.len());
    for token in out {
        if kept
            .last()
            .is_none_or(|last| token.range.start >= last.range.end)
        {
            kept.push(token);
        }
    }
    kept.into_iter()
        .flat_map(|t| split_lines(t, text))
        .collect()
}

/// A token over several lines (a comment cannot be, a flag name can't either, but a
/// directive's range might end at a line break) becomes one token per line.
fn split_lines(token: Token, text: &str) -> Vec<Token> {
    let Some(slice) = text.get(token.range.as_usize()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = token.range.start as usize;
    for line in slice.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if !content.is_empty() {
            out.push(Token {
                range: TextRange::from_usize(start, start + content.len()),
                kind: token.kind,
            });
        }
        start += line.len();
    }
    out
}

/// The tokens in the protocol's relative encoding: five numbers per token.
pub fn encode(tokens: &[Token], positions: Positions<'_>) -> Vec<[u32; 5]> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut character) = (0, 0);
    for token in tokens {
        let start = positions.position(token.range.start);
        let end = positions.position(token.range.end);
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - character
        } else {
            start.character
        };
        out.push([
            delta_line,
            delta_start,
            end.character - start.character,
            token.kind as u32,
            0,
        ]);
        line = start.line;
        character = start.character;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_parser::line_index::{LineIndex, PositionEncoding};

    #[test]
    fn tokens_in_order_with_utf16_columns() {
        let text = "# syntax=docker/dockerfile:1\nARG GO=1\nFROM golang:${GO} AS build # 构建 😀\nFROM alpine\nCOPY --from=build /a /b\n";
        let model = SemanticModel::new(plimsoll_parser::parse(text));
        let tokens = tokens(&model, text);
        let written: Vec<(&str, TokenKind)> = tokens
            .iter()
            .map(|t| (&text[t.range.as_usize()], t.kind))
            .collect();
        assert_eq!(
            written,
            [
                ("# syntax=docker/dockerfile:1", TokenKind::Macro),
                ("ARG", TokenKind::Keyword),
                ("GO", TokenKind::Variable),
                ("FROM", TokenKind::Keyword),
                ("GO", TokenKind::Variable),
                ("build", TokenKind::Namespace),
                ("FROM", TokenKind::Keyword),
                ("COPY", TokenKind::Keyword),
                ("--from", TokenKind::Parameter),
                ("build", TokenKind::Namespace),
            ]
        );
        let index = LineIndex::new(text);
        let encoded = encode(&tokens, Positions::new(&index, PositionEncoding::Utf16));
        assert_eq!(encoded[0], [0, 0, 28, TokenKind::Macro as u32, 0]);
        assert_eq!(encoded[1], [1, 0, 3, TokenKind::Keyword as u32, 0]);
        assert_eq!(encoded.len(), tokens.len());
    }
}
