//! Rules about the layer cache: instruction order and cache mounts.

// One `mod` line and one `pub use` line per rule, in code order.
