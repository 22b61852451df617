//! The build context: the files beside the Dockerfile that a build can see.
//!
//! Rules ask a [`BuildContext`] whether a file exists, read small files (`go.mod`,
//! `.dockerignore`) and list what `COPY . .` would send ([`ContextView::sent_files`]). With
//! no context (a buffer not saved to disk, stdin) they stay silent rather than guess.

pub mod dockerignore;

use dockerignore::{read_patterns, PatternError, PatternMatcher};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
}

/// The largest file [`BuildContext::read`] returns: rules only read small text files.
pub const MAX_READ: u64 = 1 << 20;

/// A build context on disk.
#[derive(Clone, Debug)]
pub struct FsContext {
    root: PathBuf,
}

impl FsContext {
    /// The context rooted at `root` (usually the Dockerfile's directory).
    pub fn new(root: impl Into<PathBuf>) -> FsContext {
        FsContext { root: root.into() }
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
        let file = std::fs::canonicalize(file).ok()?;
        let root = std::fs::canonicalize(&self.root).ok()?;
        let relative = file.strip_prefix(root).ok()?;
        Some(
            relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    fn resolve(&self, path: &str) -> Option<PathBuf> {
        let mut out = self.root.clone();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                // Never leave the context.
                ".." => return None,
                part => out.push(part),
            }
        }
        Some(out)
    }
}

impl BuildContext for FsContext {
    fn exists(&self, path: &str) -> bool {
        self.resolve(path)
            .is_some_and(|p| std::fs::symlink_metadata(p).is_ok())
    }

    fn read(&self, path: &str) -> Option<String> {
        let path = self.resolve(path)?;
        let metadata = std::fs::metadata(&path).ok()?;
        if !metadata.is_file() || metadata.len() > MAX_READ {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn list(&self, dir: &str) -> Vec<Entry> {
        let Some(path) = self.resolve(dir) else {
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
    fn fs_context_never_leaves_its_root() {
        let context = FsContext::new(env!("CARGO_MANIFEST_DIR"));
        assert!(context.exists("Cargo.toml"));
        assert!(!context.exists("../Cargo.toml"));
        assert!(context.read("src").is_none());
        assert!(context.list("src").iter().any(|e| e.name == "lib.rs"));
    }
}
