//! Rules about the build context: `.dockerignore` and what is sent to the builder.

// One `mod` line and one `pub use` line per rule, in code order.
