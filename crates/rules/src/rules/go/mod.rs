//! Rules about Go toolchains and Go builds.

// One `mod` line and one `pub use` line per rule, in code order.
