//! Paths as written in a Dockerfile.

/// The last component of a path, a trailing `/` left out: `src/.ssh/` → `.ssh`.
pub(crate) fn file_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}
