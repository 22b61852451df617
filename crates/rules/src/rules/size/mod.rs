//! Rules about image size: toolchains, package caches, leftovers.

mod apk_add_without_no_cache;
mod apt_lists_not_removed;
mod pip_without_no_cache_dir;
mod toolchain_in_final_stage;

pub use apk_add_without_no_cache::ApkAddWithoutNoCache;
pub use apt_lists_not_removed::AptListsNotRemoved;
pub use pip_without_no_cache_dir::PipWithoutNoCacheDir;
pub use toolchain_in_final_stage::ToolchainInFinalStage;
