//! Small questions several rules ask, by topic. Not rules themselves.

pub(crate) mod accounts;
pub(crate) mod buildkit;
pub(crate) mod buildkit_compat;
pub(crate) mod buildkit_env;
pub(crate) mod commands;
pub(crate) mod copy_from;
pub(crate) mod docker_hub;
pub(crate) mod expansion;
pub(crate) mod expose;
pub(crate) mod images;
pub(crate) mod label_formats;
pub(crate) mod labels;
pub(crate) mod mounts;
pub(crate) mod packages;
pub(crate) mod paths;
pub(crate) mod run_edits;
pub(crate) mod shells;
pub(crate) mod spdx;
pub(crate) mod stages;
pub(crate) mod typos;
pub(crate) mod users;
