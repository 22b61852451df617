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

mod check;
pub mod diagnostic;
pub mod dump;
pub mod expand;
mod heredoc;
mod instruction;
mod json_array;
pub mod line_index;
mod parse;
pub mod shell;
pub mod syntax;
pub mod text;

pub use diagnostic::{SyntaxCode, SyntaxDiagnostic};
pub use parse::parse;
pub use syntax::{
    Arguments, Comment, Directive, Dockerfile, EmptyContinuationLine, Flag, Heredoc, Instruction,
    KeyValue, Keyword, Word,
};
pub use text::{SourceMap, TextRange};
