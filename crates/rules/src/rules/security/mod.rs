//! Rules about root users, secrets and untrusted sources.

// One `mod` line and one `pub use` line per rule, in code order.
