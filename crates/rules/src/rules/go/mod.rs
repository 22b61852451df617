//! Rules about Go toolchains and Go builds.

// One `mod` line and one `pub use` line per rule, in code order.
mod cgo_with_static_base;
mod go_build_cache_mount;
mod go_mod_cache_order;
mod go_run_at_runtime;
pub(crate) mod toolchain;
mod unpinned_go_toolchain;
pub use cgo_with_static_base::CgoWithStaticBase;
pub use go_build_cache_mount::GoBuildCacheMount;
pub use go_mod_cache_order::GoModCacheOrder;
pub use go_run_at_runtime::GoRunAtRuntime;
pub use unpinned_go_toolchain::UnpinnedGoToolchain;
