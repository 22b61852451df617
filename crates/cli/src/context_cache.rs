//! Build contexts shared by the Dockerfiles checked in one run.
//!
//! Every question a rule asks the file system (does `.dockerignore` exist, what is in this
//! folder) resolves the path inside the context root first, one `readlink` per path
//! component. Dockerfiles in the same folder share their context, and rules ask the same
//! questions several times per file: the answers are kept for the run, during which the
//! files are only read (fixes are written after every file is checked).

use plimsoll_rules::context::{ContextMemo, Entry};
use plimsoll_rules::{BuildContext, FsContext};
use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The contexts of a run, one per root directory.
#[derive(Default)]
pub struct SharedContexts {
    by_root: Mutex<HashMap<PathBuf, Arc<CachedContext>>>,
}

impl SharedContexts {
    /// The context rooted at `root`, created on first use.
    pub fn get(&self, root: &Path) -> Arc<CachedContext> {
        let mut by_root = self.by_root.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(by_root.entry(root.to_path_buf()).or_insert_with(|| {
            Arc::new(CachedContext {
                disk: FsContext::new(root),
                exists: Memo::default(),
                read: Memo::default(),
                list: Memo::default(),
                derived: ContextMemo::default(),
            })
        }))
    }
}

/// A context on disk whose answers are kept.
pub struct CachedContext {
    disk: FsContext,
    exists: Memo<bool>,
    read: Memo<Option<String>>,
    list: Memo<Vec<Entry>>,
    /// What rules work out from the whole context (the secrets it sends, …).
    derived: ContextMemo,
}

impl CachedContext {
    /// See [`FsContext::path_of`].
    pub fn path_of(&self, file: &Path) -> Option<String> {
        self.disk.path_of(file)
    }
}

impl BuildContext for CachedContext {
    fn exists(&self, path: &str) -> bool {
        self.exists.get_or(path, || self.disk.exists(path))
    }

    fn read(&self, path: &str) -> Option<String> {
        self.read.get_or(path, || self.disk.read(path))
    }

    fn list(&self, dir: &str) -> Vec<Entry> {
        self.list.get_or(dir, || self.disk.list(dir))
    }

    fn memo(&self) -> Option<&ContextMemo> {
        Some(&self.derived)
    }
}

/// Answers by path. The lock is not held while the file system is asked, so two threads
/// may ask the same question once each; both get the same answer.
struct Memo<T> {
    answers: Mutex<HashMap<String, T>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            answers: Mutex::new(HashMap::new()),
        }
    }
}

impl<T: Clone> Memo<T> {
    fn get_or(&self, path: &str, ask: impl FnOnce() -> T) -> T {
        if let Some(answer) = lock(&self.answers).get(path) {
            return answer.clone();
        }
        let answer = ask();
        lock(&self.answers).insert(path.to_string(), answer.clone());
        answer
    }
}

fn lock<K: Eq + Hash, V>(map: &Mutex<HashMap<K, V>>) -> std::sync::MutexGuard<'_, HashMap<K, V>> {
    map.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_those_of_the_disk_and_contexts_are_shared() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module x\n").unwrap();
        std::fs::create_dir(dir.path().join("cmd")).unwrap();
        let contexts = SharedContexts::default();
        let context = contexts.get(dir.path());
        assert!(Arc::ptr_eq(&context, &contexts.get(dir.path())));
        let disk = FsContext::new(dir.path());
        for _ in 0..2 {
            for path in ["go.mod", "cmd", "missing", "", "../etc/passwd"] {
                assert_eq!(context.exists(path), disk.exists(path), "{path}");
                assert_eq!(context.read(path), disk.read(path), "{path}");
                assert_eq!(context.list(path), disk.list(path), "{path}");
            }
        }
        let file = dir.path().join("go.mod");
        assert_eq!(context.path_of(&file), disk.path_of(&file));
    }
}
