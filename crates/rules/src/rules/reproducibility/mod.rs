//! Rules about builds that give a different image tomorrow: unpinned bases and packages.

// One `mod` line and one `pub use` line per rule, in code order.
