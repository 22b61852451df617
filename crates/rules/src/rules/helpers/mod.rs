//! Small questions several rules ask, by topic. Not rules themselves.

pub(crate) mod commands;
pub(crate) mod images;
pub(crate) mod mounts;
pub(crate) mod paths;
pub(crate) mod stages;
pub(crate) mod users;
