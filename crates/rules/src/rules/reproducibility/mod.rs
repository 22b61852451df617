//! Rules about builds that give a different image tomorrow: unpinned bases and packages.

// One `mod` line and one `pub use` line per rule, in code order.
mod apk_add_unpinned;
mod apt_get_install_unpinned;
mod dnf_install_unpinned;
mod gem_install_unpinned;
mod go_install_unpinned;
mod latest_tag;
mod npm_install_unpinned;
mod pip_install_unpinned;
mod untagged_base_image;
mod yum_install_unpinned;
mod zypper_dist_upgrade;
mod zypper_install_unpinned;
pub use apk_add_unpinned::ApkAddUnpinned;
pub use apt_get_install_unpinned::AptGetInstallUnpinned;
pub use dnf_install_unpinned::DnfInstallUnpinned;
pub use gem_install_unpinned::GemInstallUnpinned;
pub use go_install_unpinned::GoInstallUnpinned;
pub use latest_tag::LatestTag;
pub use npm_install_unpinned::NpmInstallUnpinned;
pub use pip_install_unpinned::PipInstallUnpinned;
pub use untagged_base_image::UntaggedBaseImage;
pub use yum_install_unpinned::YumInstallUnpinned;
pub use zypper_dist_upgrade::ZypperDistUpgrade;
pub use zypper_install_unpinned::ZypperInstallUnpinned;
