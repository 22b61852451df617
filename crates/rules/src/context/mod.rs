//! The build context: the files beside the Dockerfile that a build can see.
//!
//! Rules ask a [`BuildContext`] whether a file exists, read small files (`go.mod`,
//! `.dockerignore`) and list what `COPY . .` would send ([`ContextView::sent_files`]). With
//! no context (a buffer not saved to disk, stdin) they stay silent rather than guess.

pub mod dockerignore;

use dockerignore::{read_patterns, PatternError, PatternMatcher};
use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// An entry of a context directory.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The file name.
    pub name: String,
    /// Whether it is a directory.
    pub is_dir: bool,
}

/// Read access to a build context. Paths are relative to the context root and
/// `/`-separated; `""` is the root.
pub trait BuildContext: Sync {
    /// Whether a file or directory exists.
    fn exists(&self, path: &str) -> bool;
    /// A file's content (lossily decoded), `None` when it does not exist, is a directory or
    /// is larger than [`MAX_READ`].
    fn read(&self, path: &str) -> Option<String>;
    /// The entries of a directory, sorted by name; empty when it does not exist.
    fn list(&self, dir: &str) -> Vec<Entry>;
    /// Where answers worked out from the whole context ([`ContextView::memoized`]) are kept
    /// for the Dockerfiles that share it; `None` (the default) when the context may change
    /// between two lints, as an editor's does.
    fn memo(&self) -> Option<&ContextMemo> {
        None
    }
}

/// Answers worked out from a context that does not change while it is kept, by question
/// and ignore file: see [`ContextView::memoized`].
#[derive(Default)]
pub struct ContextMemo {
    answers: Mutex<HashMap<MemoKey, Arc<dyn Any + Send + Sync>>>,
}

/// A question, and the path of the ignore file of the view it was asked through.
type MemoKey = (String, Option<String>);

/// The largest file [`BuildContext::read`] returns: rules only read small text files.
pub const MAX_READ: u64 = 1 << 20;

/// A build context on disk.
///
/// Nothing outside the root is ever read, listed or reported to exist: `..` and absolute
/// paths stay inside it, and a symbolic link is followed only while its target is inside
/// too (a link pointing out, such as `id_rsa -> ~/.ssh/id_rsa`, is seen as a link that
/// exists but cannot be read).
#[derive(Clone, Debug)]
pub struct FsContext {
    root: PathBuf,
    /// The root with its symbolic links resolved, found on first use: the directory every
    /// path must resolve inside. `None` when the root does not exist.
    real_root: OnceLock<Option<PathBuf>>,
}

impl FsContext {
    /// The context rooted at `root` (usually the Dockerfile's directory).
    pub fn new(root: impl Into<PathBuf>) -> FsContext {
        FsContext {
            root: root.into(),
            real_root: OnceLock::new(),
        }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of `file` inside the context, `/`-separated, as [`LintOptions::with_context`]
    /// takes it; `None` when the file is outside the root or either cannot be resolved.
    ///
    /// [`LintOptions::with_context`]: crate::LintOptions::with_context
    pub fn path_of(&self, file: &Path) -> Option<String> {
        // The usual case, a file right in the root that is not a link, is its name: no need
        // to resolve every directory above it.
        let parent = file.parent().map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        });
        if let (true, Some(name)) = (parent == Some(self.root.as_path()), file.file_name()) {
            let is_link = std::fs::symlink_metadata(file).map(|m| m.file_type().is_symlink());
            if is_link.is_ok_and(|link| !link) && self.real_root().is_some() {
                return Some(name.to_string_lossy().into_owned());
            }
        }
        let file = std::fs::canonicalize(file).ok()?;
        let relative = file.strip_prefix(self.real_root()?).ok()?;
        Some(
            relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// The parts of a context path, `None` when it would leave the root (`..`). An absolute
    /// path is read from the root, as a build reads `COPY /go.mod .`.
    fn parts(path: &str) -> Option<Vec<&str>> {
        let mut parts = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => return None,
                // Anything the platform reads as more than a name (`C:`, `a\b` on Windows)
                // could replace the root when joined.
                part if !is_plain_name(part) => return None,
                part => parts.push(part),
            }
        }
        Some(parts)
    }

    fn real_root(&self) -> Option<&Path> {
        self.real_root
            .get_or_init(|| std::fs::canonicalize(&self.root).ok())
            .as_deref()
    }

    /// Where `parts` really is, every symbolic link on the way resolved; `None` when it
    /// does not exist or resolves outside the root.
    fn real_path(&self, parts: &[&str]) -> Option<PathBuf> {
        let root = self.real_root()?;
        // The root is resolved already: while no part is a link, the path is its own real
        // path, one `lstat` per part (resolving it whole costs one `readlink` per directory
        // from `/`). A link anywhere is resolved the long way.
        let mut path = root.to_path_buf();
        for part in parts {
            path.push(part);
            let metadata = std::fs::symlink_metadata(&path).ok()?;
            if metadata.file_type().is_symlink() {
                let real = std::fs::canonicalize(root.join(parts.join("/"))).ok()?;
                return real.starts_with(root).then_some(real);
            }
        }
        Some(path)
    }
}

fn is_plain_name(part: &str) -> bool {
    let mut components = Path::new(part).components();
    matches!(components.next(), Some(std::path::Component::Normal(_)))
        && components.next().is_none()
}

impl BuildContext for FsContext {
    fn exists(&self, path: &str) -> bool {
        let Some(parts) = Self::parts(path) else {
            return false;
        };
        // The entry itself may be a link pointing anywhere (a build sends it as a link);
        // the directories leading to it must be inside the root.
        match parts.split_last() {
            None => self.real_root().is_some(),
            Some((name, dirs)) => self
                .real_path(dirs)
                .is_some_and(|dir| std::fs::symlink_metadata(dir.join(name)).is_ok()),
        }
    }

    fn read(&self, path: &str) -> Option<String> {
        let path = self.real_path(&Self::parts(path)?)?;
        let metadata = std::fs::metadata(&path).ok()?;
        // Only regular files: reading a FIFO or a device could block or never end.
        if !metadata.is_file() || metadata.len() > MAX_READ {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn list(&self, dir: &str) -> Vec<Entry> {
        let Some(path) = Self::parts(dir).and_then(|parts| self.real_path(&parts)) else {
            return Vec::new();
        };
        let Ok(read) = std::fs::read_dir(path) else {
            return Vec::new();
        };
        let mut entries: Vec<Entry> = read
            .filter_map(Result::ok)
            .map(|entry| Entry {
                name: entry.file_name().to_string_lossy().into_owned(),
                // A symlink is sent as a link: never followed, so never a directory.
                is_dir: entry.file_type().is_ok_and(|t| t.is_dir()),
            })
            .collect();
        entries.sort();
        entries
    }
}

/// A build context in memory: for tests and for buffers of an editor.
///
/// ```
/// use plimsoll_rules::context::{BuildContext, MemoryContext};
///
/// let context = MemoryContext::new([("go.mod", "module x\n\ngo 1.23.4\n"), ("cmd/api/main.go", "")]);
/// assert!(context.exists("cmd"));
/// assert!(context.exists("cmd/api/main.go"));
/// assert_eq!(context.list("").len(), 2);
/// assert!(context.read("go.mod").unwrap().contains("1.23.4"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryContext {
    files: BTreeMap<String, String>,
}

impl MemoryContext {
    /// A context with these files (directories are implied by the paths).
    pub fn new<I, P, C>(files: I) -> MemoryContext
    where
        I: IntoIterator<Item = (P, C)>,
        P: Into<String>,
        C: Into<String>,
    {
        let mut context = MemoryContext::default();
        for (path, content) in files {
            context.insert(path, content);
        }
        context
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, content: impl Into<String>) {
        let path = dockerignore::clean(&path.into());
        self.files.insert(path, content.into());
    }

    fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || path == "." || self.files.keys().any(|f| is_inside(f, path))
    }
}

fn is_inside(file: &str, dir: &str) -> bool {
    file.len() > dir.len() && file.starts_with(dir) && file.as_bytes()[dir.len()] == b'/'
}

impl BuildContext for MemoryContext {
    fn exists(&self, path: &str) -> bool {
        let path = dockerignore::clean(path);
        self.files.contains_key(&path) || self.is_dir(&path)
    }

    fn read(&self, path: &str) -> Option<String> {
        self.files.get(&dockerignore::clean(path)).cloned()
    }

    fn list(&self, dir: &str) -> Vec<Entry> {
        let dir = dockerignore::clean(dir);
        let prefix = if dir == "." || dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut entries: Vec<Entry> = Vec::new();
        for path in self.files.keys() {
            let Some(rest) = path.strip_prefix(&prefix) else {
                continue;
            };
            let (name, is_dir) = match rest.split_once('/') {
                Some((name, _)) => (name, true),
                None => (rest, false),
            };
            if entries.last().is_some_and(|e| e.name == name) {
                continue;
            }
            entries.push(Entry {
                name: name.to_string(),
                is_dir,
            });
        }
        entries.sort();
        entries.dedup();
        entries
    }
}

/// A [`MemoryContext`] that keeps answers ([`BuildContext::memo`]) as the command line's
/// contexts do, to check that kept answers are the ones worked out afresh.
#[cfg(test)]
pub(crate) struct KeptContext {
    files: MemoryContext,
    memo: ContextMemo,
}

#[cfg(test)]
impl KeptContext {
    pub(crate) fn new(files: MemoryContext) -> KeptContext {
        KeptContext {
            files,
            memo: ContextMemo::default(),
        }
    }
}

#[cfg(test)]
impl BuildContext for KeptContext {
    fn exists(&self, path: &str) -> bool {
        self.files.exists(path)
    }

    fn read(&self, path: &str) -> Option<String> {
        self.files.read(path)
    }

    fn list(&self, dir: &str) -> Vec<Entry> {
        self.files.list(dir)
    }

    fn memo(&self) -> Option<&ContextMemo> {
        Some(&self.memo)
    }
}

/// A context plus files a fix is about to create: lets `apply_fixes` re-lint as if they
/// were written.
pub(crate) struct Overlay<'a> {
    pub(crate) base: Option<&'a dyn BuildContext>,
    pub(crate) created: &'a MemoryContext,
}

impl BuildContext for Overlay<'_> {
    fn exists(&self, path: &str) -> bool {
        self.created.read(path).is_some() || self.base.is_some_and(|b| b.exists(path))
    }

    fn read(&self, path: &str) -> Option<String> {
        self.created
            .read(path)
            .or_else(|| self.base.and_then(|b| b.read(path)))
    }

    fn list(&self, dir: &str) -> Vec<Entry> {
        let mut entries = self.base.map(|b| b.list(dir)).unwrap_or_default();
        entries.extend(self.created.list(dir));
        entries.sort();
        entries.dedup();
        entries
    }
}

/// The `.dockerignore` that applies to a build.
#[derive(Debug)]
pub struct DockerIgnore {
    /// The file it was read from (`.dockerignore` or `<Dockerfile>.dockerignore`).
    pub path: String,
    /// Its text.
    pub text: String,
    /// The patterns, after `read_patterns`.
    pub patterns: Vec<String>,
    /// The compiled patterns; `Err` when a pattern is malformed (the build fails then).
    pub matcher: Result<PatternMatcher, PatternError>,
}

impl DockerIgnore {
    /// Whether `path` is left out of the context. With a malformed pattern nothing is
    /// known to be excluded.
    pub fn excludes(&self, path: &str) -> bool {
        self.matcher
            .as_ref()
            .is_ok_and(|m| m.matches_or_parent_matches(path))
    }
}

/// A build context as one build sees it: the context, where the Dockerfile is in it, and
/// the `.dockerignore` that applies.
pub struct ContextView<'a> {
    /// The context.
    pub context: &'a dyn BuildContext,
    /// The Dockerfile's path relative to the context root, when it is inside it.
    pub dockerfile: Option<&'a str>,
    /// The ignore file, if any.
    pub dockerignore: Option<DockerIgnore>,
}

/// How many context entries [`ContextView::sent_files`] looks at, at most: enough for any
/// real service, bounded for a home directory passed by mistake.
pub const MAX_WALK: usize = 20_000;

impl<'a> ContextView<'a> {
    /// Looks up the ignore file as BuildKit does: `<Dockerfile>.dockerignore` beside the
    /// Dockerfile first, else `.dockerignore` at the root.
    pub fn new(context: &'a dyn BuildContext, dockerfile: Option<&'a str>) -> ContextView<'a> {
        let specific = dockerfile.map(|d| format!("{d}.dockerignore"));
        let dockerignore = specific
            .into_iter()
            .chain(std::iter::once(".dockerignore".to_string()))
            .find_map(|path| {
                let text = context.read(&path)?;
                let patterns = read_patterns(&text);
                let matcher = PatternMatcher::new(&patterns);
                Some(DockerIgnore {
                    path,
                    text,
                    patterns,
                    matcher,
                })
            });
        ContextView {
            context,
            dockerfile,
            dockerignore,
        }
    }

    /// `compute()`, or the answer it gave for an earlier view of the same context with the
    /// same ignore file, when the context keeps answers ([`BuildContext::memo`]): a walk of
    /// the context gives the same answer for every Dockerfile of a folder. `question` names
    /// what `compute` works out, with any parameter it depends on.
    pub fn memoized<T>(&self, question: &str, compute: impl FnOnce() -> T) -> T
    where
        T: Clone + Send + Sync + 'static,
    {
        let Some(memo) = self.context.memo() else {
            return compute();
        };
        let key = (
            question.to_string(),
            self.dockerignore.as_ref().map(|d| d.path.clone()),
        );
        let lock = || memo.answers.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(answer) = lock().get(&key).and_then(|a| a.downcast_ref::<T>()) {
            return answer.clone();
        }
        // Not under the lock: two threads may compute the same answer once each.
        let answer = compute();
        lock().insert(key, Arc::new(answer.clone()));
        answer
    }

    /// Whether `path` is sent to the builder (exists and is not ignored).
    pub fn is_sent(&self, path: &str) -> bool {
        self.context.exists(path) && !self.is_ignored(path)
    }

    /// Whether `.dockerignore` excludes `path`.
    pub fn is_ignored(&self, path: &str) -> bool {
        self.dockerignore.as_ref().is_some_and(|d| d.excludes(path))
    }

    /// Calls `visit` for every file and directory sent to the builder, parents before
    /// children, until it returns `false` or [`MAX_WALK`] entries were seen. Ignored
    /// directories are skipped unless a `!` pattern could re-include something inside.
    pub fn walk(&self, mut visit: impl FnMut(&str, bool) -> bool) {
        if self.context.memo().is_some() {
            // Several rules walk the context of every Dockerfile that shares it: the
            // entries are listed once, all of them (within the bound), then replayed.
            let sent = self.memoized("sent entries", || {
                let mut sent: Vec<(String, bool)> = Vec::new();
                self.walk_context(|path, is_dir| {
                    sent.push((path.to_string(), is_dir));
                    true
                });
                Arc::new(sent)
            });
            for (path, is_dir) in sent.iter() {
                if !visit(path, *is_dir) {
                    return;
                }
            }
            return;
        }
        self.walk_context(visit);
    }

    /// [`ContextView::walk`], asking the context.
    fn walk_context(&self, mut visit: impl FnMut(&str, bool) -> bool) {
        let descend_ignored = self
            .dockerignore
            .as_ref()
            .and_then(|d| d.matcher.as_ref().ok())
            .is_some_and(PatternMatcher::has_exclusions);
        let mut stack = vec![String::new()];
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            for entry in self.context.list(&dir) {
                seen += 1;
                if seen > MAX_WALK {
                    return;
                }
                let path = if dir.is_empty() {
                    entry.name.clone()
                } else {
                    format!("{dir}/{}", entry.name)
                };
                let ignored = self.is_ignored(&path);
                if !ignored && !visit(&path, entry.is_dir) {
                    return;
                }
                if entry.is_dir && (!ignored || descend_ignored) {
                    stack.push(path);
                }
            }
        }
    }

    /// The files (not directories) sent to the builder whose path matches `select`, at most
    /// `limit` of them.
    pub fn sent_files(&self, limit: usize, mut select: impl FnMut(&str) -> bool) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(|path, is_dir| {
            if !is_dir && select(path) {
                out.push(path.to_string());
            }
            out.len() < limit
        });
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_specific_ignore_file_wins() {
        let context = MemoryContext::new([
            (".dockerignore", "*.md\n"),
            ("build/api.Dockerfile.dockerignore", ".git\n"),
            ("README.md", ""),
            (".git/config", ""),
        ]);
        let view = ContextView::new(&context, Some("build/api.Dockerfile"));
        assert_eq!(
            view.dockerignore.as_ref().unwrap().path,
            "build/api.Dockerfile.dockerignore"
        );
        assert!(view.is_sent("README.md"));
        assert!(!view.is_sent(".git/config"));
        let plain = ContextView::new(&context, Some("Dockerfile"));
        assert!(!plain.is_sent("README.md"));
    }

    #[test]
    fn walk_skips_ignored_directories_but_honours_exceptions() {
        let context = MemoryContext::new([
            (".dockerignore", "secrets\nvendor\n!vendor/keep\n"),
            ("secrets/id_rsa", ""),
            ("vendor/drop/x", ""),
            ("vendor/keep/y", ""),
            ("main.go", ""),
        ]);
        let view = ContextView::new(&context, Some("Dockerfile"));
        let files = view.sent_files(100, |_| true);
        assert_eq!(files, [".dockerignore", "main.go", "vendor/keep/y"]);
    }

    #[test]
    fn a_kept_walk_is_the_walk() {
        let files = MemoryContext::new([
            (".dockerignore", "secrets\nvendor\n!vendor/keep\n"),
            ("api.Dockerfile.dockerignore", "*.go\n"),
            ("secrets/id_rsa", ""),
            ("vendor/drop/x", ""),
            ("vendor/keep/y", ""),
            ("main.go", ""),
            ("cmd/api/main.go", ""),
        ]);
        let kept = KeptContext::new(files.clone());
        for dockerfile in ["Dockerfile", "api.Dockerfile", "Dockerfile"] {
            let fresh = ContextView::new(&files, Some(dockerfile));
            let view = ContextView::new(&kept, Some(dockerfile));
            for limit in [1, 2, 100] {
                assert_eq!(
                    view.sent_files(limit, |_| true),
                    fresh.sent_files(limit, |_| true)
                );
            }
            let mut visited = Vec::new();
            view.walk(|path, is_dir| {
                visited.push((path.to_string(), is_dir));
                visited.len() < 3
            });
            let mut expected = Vec::new();
            fresh.walk(|path, is_dir| {
                expected.push((path.to_string(), is_dir));
                expected.len() < 3
            });
            assert_eq!(visited, expected, "{dockerfile}");
        }
    }

    #[test]
    fn fs_context_never_leaves_its_root() {
        let context = FsContext::new(env!("CARGO_MANIFEST_DIR"));
        assert!(context.exists("Cargo.toml"));
        assert!(!context.exists("../Cargo.toml"));
        assert!(context.read("src").is_none());
        assert!(context.list("src").iter().any(|e| e.name == "lib.rs"));
    }

    /// A fresh directory under the system's temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!(
                "plimsoll-context-{name}-{}-{n}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl TempDir {
        /// `context/sub/inside` (reads `inside`) beside `outside/secret` and
        /// `outside/dir/file` (read `outside`); returns the directory and the context root.
        fn with_context_and_outside(name: &str) -> (TempDir, PathBuf) {
            let temp = TempDir::new(name);
            let root = temp.0.join("context");
            for (path, content) in [
                ("outside/secret", "outside"),
                ("outside/dir/file", "outside"),
                ("context/sub/inside", "inside"),
            ] {
                let path = temp.0.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, content).unwrap();
            }
            (temp, root)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn fs_context_reads_nothing_outside_its_root() {
        let (temp, root) = TempDir::with_context_and_outside("escape");
        let outside = temp.0.join("outside");
        let context = FsContext::new(&root);
        for path in [
            "../outside/secret",
            "sub/../../outside/secret",
            "/../outside/secret",
        ] {
            assert!(!context.exists(path), "{path}");
            assert_eq!(context.read(path), None, "{path}");
            assert!(context.list(path).is_empty(), "{path}");
        }
        // An absolute path is read from the root, as a build reads it.
        assert_eq!(context.read("/sub/inside").as_deref(), Some("inside"));
        assert!(context
            .read(outside.join("secret").to_str().unwrap())
            .is_none());
    }

    #[cfg(unix)]
    #[test]
    fn fs_context_follows_symbolic_links_only_inside_its_root() {
        use std::os::unix::fs::symlink;
        let (temp, root) = TempDir::with_context_and_outside("symlinks");
        let outside = temp.0.join("outside");
        symlink(outside.join("secret"), root.join("absolute-file")).unwrap();
        symlink("../outside/secret", root.join("relative-file")).unwrap();
        symlink(&outside, root.join("absolute-dir")).unwrap();
        symlink("../../outside/dir", root.join("sub/relative-dir")).unwrap();
        symlink("/", root.join("filesystem-root")).unwrap();
        symlink("sub/inside", root.join("inside-link")).unwrap();
        symlink("sub", root.join("inside-dir")).unwrap();
        symlink("loop-b", root.join("loop-a")).unwrap();
        symlink("loop-a", root.join("loop-b")).unwrap();
        symlink("nowhere", root.join("dangling")).unwrap();
        let context = FsContext::new(&root);

        // Links that point out exist (a build sends them as links) but are never read.
        for link in [
            "absolute-file",
            "relative-file",
            "absolute-dir",
            "sub/relative-dir",
        ] {
            assert!(context.exists(link), "{link}");
            assert_eq!(context.read(link), None, "{link}");
            assert!(context.list(link).is_empty(), "{link}");
        }
        // Nothing is found through them.
        for path in [
            "absolute-dir/secret",
            "absolute-dir/dir/file",
            "sub/relative-dir/file",
            "filesystem-root/etc/passwd",
            "filesystem-root/etc",
        ] {
            assert!(!context.exists(path), "{path}");
            assert_eq!(context.read(path), None, "{path}");
            assert!(context.list(path).is_empty(), "{path}");
        }
        // Links inside the root are followed.
        assert_eq!(context.read("inside-link").as_deref(), Some("inside"));
        assert_eq!(context.read("inside-dir/inside").as_deref(), Some("inside"));
        assert!(context
            .list("inside-dir")
            .iter()
            .any(|e| e.name == "inside"));
        // Loops and dangling links exist as links, and read as nothing.
        for link in ["loop-a", "dangling"] {
            assert!(context.exists(link), "{link}");
            assert_eq!(context.read(link), None, "{link}");
        }
        assert!(!context.exists("loop-a/x"));
        // A listing shows links as entries, never as directories to descend into.
        let listed: Vec<(String, bool)> = context
            .list("")
            .into_iter()
            .map(|e| (e.name, e.is_dir))
            .collect();
        assert!(listed.contains(&("absolute-dir".to_string(), false)));
        assert!(listed.contains(&("sub".to_string(), true)));
        // What `COPY . .` sends has the links, never what is behind them.
        let view = ContextView::new(&context, Some("Dockerfile"));
        let sent = view.sent_files(100, |_| true);
        assert!(sent.contains(&"absolute-dir".to_string()), "{sent:?}");
        for link in ["absolute-dir/", "sub/relative-dir/", "filesystem-root/"] {
            assert!(sent.iter().all(|p| !p.starts_with(link)), "{sent:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn fs_context_root_may_itself_be_a_link() {
        let temp = TempDir::new("root-link");
        std::fs::create_dir_all(temp.0.join("real")).unwrap();
        std::fs::write(temp.0.join("real/go.mod"), "module x\n").unwrap();
        std::os::unix::fs::symlink("real", temp.0.join("link")).unwrap();
        let context = FsContext::new(temp.0.join("link"));
        assert!(context.exists("go.mod"));
        assert_eq!(context.read("go.mod").as_deref(), Some("module x\n"));
        assert_eq!(
            context.path_of(&temp.0.join("link/go.mod")).as_deref(),
            Some("go.mod")
        );
    }

    #[cfg(unix)]
    #[test]
    fn fs_context_never_opens_a_fifo() {
        let temp = TempDir::new("fifo");
        let fifo = temp.0.join("go.mod");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo is not available: skipped");
            return;
        }
        let context = FsContext::new(&temp.0);
        assert!(context.exists("go.mod"));
        // Opening a FIFO with no writer would block forever.
        assert_eq!(context.read("go.mod"), None);
    }
}
