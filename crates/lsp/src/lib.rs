//! The Plimsoll language server (started by `plimsoll server`).

pub use plimsoll_rules as rules;
