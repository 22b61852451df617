//! Rules about the build context: `.dockerignore` and what is sent to the builder.

// One `mod` line and one `pub use` line per rule, in code order.
mod copy_ignored_file;
mod dockerignore_gaps;
mod missing_dockerignore;
pub use copy_ignored_file::CopyIgnoredFile;
pub use dockerignore_gaps::DockerignoreGaps;
pub use missing_dockerignore::MissingDockerignore;
