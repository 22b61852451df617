//! Semantic model, rule engine and rules of Plimsoll.
//!
//! The engine is built on top of [`plimsoll_parser`]; see `DESIGN.md` for the planned shape.

pub use plimsoll_parser as parser;
