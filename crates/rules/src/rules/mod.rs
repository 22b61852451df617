//! Every rule, one file each, grouped by category.

pub mod cache;
pub mod context;
pub mod correctness;
pub mod go;
pub(crate) mod helpers;
pub mod meta;
pub mod reproducibility;
pub mod security;
pub mod size;
pub mod style;
pub(crate) mod syntax;

use crate::registry::Rule;

/// Every rule; the registry sorts them by code. One line per rule.
pub(crate) static RULES: &[&dyn Rule] = &[
    &meta::UnusedSuppression,
    &size::ToolchainInFinalStage,
    &security::RunsAsRoot,
    &security::LastUserRoot,
    &security::PrivilegedPortNonRoot,
    &correctness::ScratchMissingRuntimeFiles,
    &size::ApkAddWithoutNoCache,
    &security::SecretInImage,
    &context::MissingDockerignore,
    &context::DockerignoreGaps,
    &size::AptListsNotRemoved,
    &size::PipWithoutNoCacheDir,
    &reproducibility::UntaggedBaseImage,
    &reproducibility::LatestTag,
    &correctness::AddInsteadOfCopy,
    &correctness::JsonArgsRecommended,
    &go::UnpinnedGoToolchain,
    &go::CgoWithStaticBase,
    &go::GoModCacheOrder,
    &go::GoBuildCacheMount,
    &go::GoRunAtRuntime,
];
