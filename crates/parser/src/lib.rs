//! Plimsoll's Dockerfile parser.

pub mod expand;
pub mod line_index;
pub mod shell;
pub mod text;

pub use text::{SourceMap, TextRange};
