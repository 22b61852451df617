//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The shared conformance/corpus folder beside the project, or `None` (with a loud message)
/// when it is absent. CI fails separately when it is missing, so tests never skip there.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("conformance").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n\n*** SKIPPED: {} not found; conformance and corpus tests did not run ***\n\n",
            dir.display()
        );
        None
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: u32) -> usize {
    let offset = (offset as usize).min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads a file as text the way the CLI does (lossy for invalid UTF-8).
pub fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}
pub mod lsp;
