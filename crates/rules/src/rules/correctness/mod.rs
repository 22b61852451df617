//! Rules about builds and images that do not do what the author meant.

// One `mod` line and one `pub use` line per rule, in code order.
mod add_instead_of_copy;
mod json_args_recommended;
mod scratch_missing_runtime_files;
pub use add_instead_of_copy::AddInsteadOfCopy;
pub use json_args_recommended::JsonArgsRecommended;
pub use scratch_missing_runtime_files::ScratchMissingRuntimeFiles;
