//! Rules about image size: toolchains, package caches, leftovers.

mod apk_add_without_no_cache;

pub use apk_add_without_no_cache::ApkAddWithoutNoCache;
