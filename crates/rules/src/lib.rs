//! Semantic model, rule engine and rules of Plimsoll.
//!
//! The engine is built on top of [`plimsoll_parser`]; `DESIGN.md` gives its planned shape.

#![warn(missing_docs)]

pub use plimsoll_parser as parser;

pub mod context;
