//! Rules about builds and images that do not do what the author meant.

// One `mod` line and one `pub use` line per rule, in code order.
