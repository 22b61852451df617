//! Rules about conventions that keep Dockerfiles readable.

// One `mod` line and one `pub use` line per rule, in code order.
