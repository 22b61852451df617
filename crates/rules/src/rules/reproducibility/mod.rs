//! Rules about builds that give a different image tomorrow: unpinned bases and packages.

// One `mod` line and one `pub use` line per rule, in code order.
mod latest_tag;
mod untagged_base_image;
pub use latest_tag::LatestTag;
pub use untagged_base_image::UntaggedBaseImage;
