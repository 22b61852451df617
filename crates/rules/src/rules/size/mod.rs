//! Rules about image size: toolchains, package caches, leftovers.

mod apk_add_without_no_cache;
mod apt_get_install_recommends;
mod apt_lists_not_removed;
mod copied_archive_extracted;
mod copy_entire_filesystem;
mod dnf_cache_not_cleaned;
mod pip_without_no_cache_dir;
mod toolchain_in_final_stage;
mod useradd_high_uid_without_l;
mod wget_and_curl;
mod yarn_cache_not_cleaned;
mod yum_cache_not_cleaned;
mod zypper_cache_not_cleaned;

pub use apk_add_without_no_cache::ApkAddWithoutNoCache;
pub use apt_get_install_recommends::AptGetInstallRecommends;
pub use apt_lists_not_removed::AptListsNotRemoved;
pub use copied_archive_extracted::CopiedArchiveExtracted;
pub use copy_entire_filesystem::CopyEntireFilesystem;
pub use dnf_cache_not_cleaned::DnfCacheNotCleaned;
pub use pip_without_no_cache_dir::PipWithoutNoCacheDir;
pub use toolchain_in_final_stage::ToolchainInFinalStage;
pub use useradd_high_uid_without_l::UseraddHighUidWithoutL;
pub use wget_and_curl::WgetAndCurl;
pub use yarn_cache_not_cleaned::YarnCacheNotCleaned;
pub use yum_cache_not_cleaned::YumCacheNotCleaned;
pub use zypper_cache_not_cleaned::ZypperCacheNotCleaned;
