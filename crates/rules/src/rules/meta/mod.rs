//! Rules about Plimsoll's own comments.

mod inline_ignore_pragma;
mod unused_suppression;

pub use inline_ignore_pragma::InlineIgnorePragma;
pub use unused_suppression::UnusedSuppression;
