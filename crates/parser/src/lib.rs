//! Plimsoll's Dockerfile parser.
//!
//! [`parse`] reads a Dockerfile exactly as BuildKit's parser does — directives, escape token,
//! line continuations, heredocs, flags, exec and shell forms — and keeps what BuildKit throws
//! away: the byte range of every piece, the comments, and every instruction after a syntax
//! error.
//!
//! ```
//! use plimsoll_parser::{parse, Keyword};
//!
//! let file = parse("FROM golang:1.23 AS build\nRUN go build -o /app .\n");
//! assert!(file.diagnostics.is_empty());
//! let from = &file.instructions[0];
//! assert_eq!(from.keyword, Keyword::From);
//! assert_eq!(from.arg_values(), ["golang:1.23", "AS", "build"]);
//! assert_eq!(from.start_line, 1);
//! ```

#![warn(missing_docs)]

mod check;
pub mod diagnostic;
pub mod dump;
/// BuildKit's variable substitution and word splitting.
pub mod expand;
mod heredoc;
mod instruction;
mod json_array;
pub mod line_index;
mod parse;
/// The shell model of RUN scripts.
pub mod shell;
pub mod syntax;
pub mod text;

pub use check::{flags_of, levenshtein};
pub use diagnostic::{SyntaxCode, SyntaxDiagnostic};
pub use parse::parse;
pub use syntax::{
    Arguments, Comment, Directive, Dockerfile, EmptyContinuationLine, Flag, Heredoc, Instruction,
    KeyValue, Keyword, Word,
};
pub use text::{SourceMap, TextRange};

/// Parses a Dockerfile given as bytes.
///
/// Invalid UTF-8 is replaced with U+FFFD and reported as a [`SyntaxCode::InvalidUtf8`]
/// diagnostic at the first invalid byte; a UTF-8 byte-order mark is skipped by [`parse`].
///
/// ```
/// let file = plimsoll_parser::parse_bytes(b"FROM alpine\nRUN echo \xff\n");
/// assert_eq!(file.instructions.len(), 2);
/// assert_eq!(file.diagnostics[0].code.code(), "PL100");
/// ```
pub fn parse_bytes(bytes: &[u8]) -> Dockerfile {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(error) => {
            let text = String::from_utf8_lossy(bytes);
            let mut file = parse(&text);
            let at = error.valid_up_to();
            file.diagnostics.insert(
                0,
                SyntaxDiagnostic::new(
                    SyntaxCode::InvalidUtf8,
                    TextRange::from_usize(at, at + '\u{FFFD}'.len_utf8()),
                    format!("the file is not valid UTF-8 (invalid byte at offset {at})"),
                ),
            );
            file
        }
    }
}
