//! Finding the configuration file that applies to a Dockerfile.
//!
//! [`discover`] walks from the Dockerfile's directory up to the filesystem root:
//!
//! 1. the first directory holding `plimsoll.toml` or `.plimsoll.toml` wins (both in one
//!    directory: `plimsoll.toml`, with a warning);
//! 2. only when no Plimsoll file exists anywhere up to the root, the first directory holding
//!    hadolint's `.hadolint.yaml` or `.hadolint.yml` wins (`.yaml` first, as in hadolint).
//!
//! So a project moving from hadolint keeps its `.hadolint.yaml` working, and a `plimsoll.toml`
//! anywhere above takes over completely: the two are never merged.
//!
//! hadolint's global files (`$XDG_CONFIG_HOME/hadolint.yaml`, `~/.hadolint/config.yaml`, …)
//! are not read: a lint result should depend on the repository, not on the machine. A
//! `~/.hadolint.yaml` is still found when the Dockerfile lies below the home directory, like
//! any file on the way up.

use super::hadolint;
use super::{ConfigError, Settings, SettingsFile};
use std::path::{Path, PathBuf};

/// Plimsoll's configuration file names, in order of preference.
pub const PLIMSOLL_FILES: [&str; 2] = ["plimsoll.toml", ".plimsoll.toml"];

/// hadolint's configuration file names, in order of preference.
pub const HADOLINT_FILES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// Which syntax a configuration file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigKind {
    /// `plimsoll.toml` or `.plimsoll.toml`.
    Plimsoll,
    /// hadolint's `.hadolint.yaml` or `.hadolint.yml`.
    Hadolint,
}

/// A configuration file, read.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedConfig {
    /// The file.
    pub path: PathBuf,
    /// Its syntax.
    pub kind: ConfigKind,
    /// What it sets.
    pub file: SettingsFile,
    /// Advice that does not stop the run: entries naming no rule, hadolint keys Plimsoll
    /// ignores, a second config file ignored beside this one.
    pub warnings: Vec<String>,
}

impl LoadedConfig {
    /// The default settings with this file merged over them.
    pub fn settings(&self) -> Settings {
        Settings::default().merged(self.file.clone())
    }
}

/// Finds and reads the configuration file that applies to a Dockerfile in `dockerfile_dir`
/// (see the module documentation); `Ok(None)` when there is none. A relative directory is
/// taken from the current directory.
pub fn discover(dockerfile_dir: &Path) -> Result<Option<LoadedConfig>, ConfigError> {
    discover_until(dockerfile_dir, None)
}

/// [`discover`], not looking above `stop` (when `stop` is an ancestor of the start).
pub fn discover_until(
    dockerfile_dir: &Path,
    stop: Option<&Path>,
) -> Result<Option<LoadedConfig>, ConfigError> {
    let start = absolute(dockerfile_dir);
    let stop = stop.map(absolute);
    let dirs: Vec<&Path> = start
        .ancestors()
        .scan(false, |done, dir| {
            if *done {
                return None;
            }
            *done = stop.as_deref() == Some(dir);
            Some(dir)
        })
        .collect();
    for (names, kind) in [
        (PLIMSOLL_FILES, ConfigKind::Plimsoll),
        (HADOLINT_FILES, ConfigKind::Hadolint),
    ] {
        for dir in &dirs {
            let found: Vec<PathBuf> = names
                .iter()
                .map(|name| dir.join(name))
                .filter(|path| path.is_file())
                .collect();
            let Some(path) = found.first() else {
                continue;
            };
            let mut config = load_as(path, kind)?;
            for other in &found[1..] {
                config.warnings.push(format!(
                    "{} is ignored: {} in the same directory wins",
                    other.display(),
                    path.display()
                ));
            }
            return Ok(Some(config));
        }
    }
    Ok(None)
}

/// Reads a configuration file named explicitly (`--config`): a `.yaml` or `.yml` file is
/// hadolint's, anything else Plimsoll's TOML.
pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let kind = if yaml {
        ConfigKind::Hadolint
    } else {
        ConfigKind::Plimsoll
    };
    load_as(path, kind)
}

/// Reads `path` as a configuration file of `kind`.
pub fn load_as(path: &Path, kind: ConfigKind) -> Result<LoadedConfig, ConfigError> {
    let bytes =
        std::fs::read(path).map_err(|e| ConfigError::new(path, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ConfigError::new(path, "cannot read: the file is not valid UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (file, warnings) = match kind {
        ConfigKind::Plimsoll => {
            let file = SettingsFile::from_toml(text, path)?;
            let warnings = file.warnings();
            (file, warnings)
        }
        ConfigKind::Hadolint => {
            let read = hadolint::from_yaml(text, path)?;
            (read.settings, read.warnings)
        }
    };
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        kind,
        file,
        warnings,
    })
}

fn absolute(dir: &Path) -> PathBuf {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system's temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "plimsoll-discover-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        fn write(&self, path: &str, content: &str) -> PathBuf {
            let path = self.0.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, content).unwrap();
            path
        }

        fn dir(&self, path: &str) -> PathBuf {
            let path = self.0.join(path);
            std::fs::create_dir_all(&path).unwrap();
            path
        }

        fn find(&self, start: &str) -> Option<LoadedConfig> {
            discover_until(&self.dir(start), Some(&self.0)).unwrap()
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn nothing_found() {
        let tmp = TempDir::new();
        assert_eq!(tmp.find("a/b"), None);
    }

    #[test]
    fn nearest_plimsoll_file_wins() {
        let tmp = TempDir::new();
        tmp.write("plimsoll.toml", "ignore = [\"DL3008\"]\n");
        let near = tmp.write("svc/.plimsoll.toml", "ignore = [\"DL3019\"]\n");
        let found = tmp.find("svc/docker").unwrap();
        assert_eq!(found.path, near);
        assert_eq!(found.kind, ConfigKind::Plimsoll);
        assert_eq!(
            found.file.ignore.as_deref(),
            Some(&["DL3019".to_string()][..])
        );
        let top = tmp.find("other").unwrap();
        assert_eq!(top.path, tmp.0.join("plimsoll.toml"));
    }

    #[test]
    fn plimsoll_anywhere_up_beats_a_nearer_hadolint_file() {
        let tmp = TempDir::new();
        let plimsoll = tmp.write("plimsoll.toml", "");
        tmp.write("svc/.hadolint.yaml", "ignored: [DL3008]\n");
        let found = tmp.find("svc").unwrap();
        assert_eq!(found.path, plimsoll);
        assert_eq!(found.kind, ConfigKind::Plimsoll);
    }

    #[test]
    fn hadolint_file_when_no_plimsoll_file() {
        let tmp = TempDir::new();
        tmp.write(".hadolint.yml", "ignored: [DL3019]\n");
        let yaml = tmp.write("svc/.hadolint.yaml", "ignored: [DL3008]\n");
        let found = tmp.find("svc/deep").unwrap();
        assert_eq!(found.path, yaml);
        assert_eq!(found.kind, ConfigKind::Hadolint);
        assert_eq!(found.file.ignore.unwrap(), ["DL3008"]);
        let top = tmp.find("x").unwrap();
        assert_eq!(top.file.ignore.unwrap(), ["DL3019"]);
    }

    #[test]
    fn two_files_in_one_directory() {
        let tmp = TempDir::new();
        let visible = tmp.write("plimsoll.toml", "");
        tmp.write(".plimsoll.toml", "");
        let found = tmp.find("").unwrap();
        assert_eq!(found.path, visible);
        assert_eq!(found.warnings.len(), 1);
        assert!(found.warnings[0].contains(".plimsoll.toml is ignored"));

        let tmp = TempDir::new();
        let yaml = tmp.write(".hadolint.yaml", "");
        tmp.write(".hadolint.yml", "");
        assert_eq!(tmp.find("").unwrap().path, yaml);
    }

    #[test]
    fn a_directory_named_like_a_config_is_skipped() {
        let tmp = TempDir::new();
        tmp.dir("svc/plimsoll.toml");
        let yaml = tmp.write(".hadolint.yaml", "");
        assert_eq!(tmp.find("svc").unwrap().path, yaml);
    }

    #[test]
    fn errors_name_the_file_and_position() {
        let tmp = TempDir::new();
        let path = tmp.write(
            "plimsoll.toml",
            "select = [\"ALL\"]\nfailure-threshold = \"fatal\"\n",
        );
        let error = discover_until(&tmp.0, Some(&tmp.0)).unwrap_err();
        assert_eq!(error.path, path);
        assert_eq!(error.line, Some(2));
        assert!(
            error.message.contains("invalid severity `fatal`"),
            "{error}"
        );
        assert!(error
            .to_string()
            .starts_with(&format!("{}:2:", path.display())));

        let tmp = TempDir::new();
        tmp.write(".hadolint.yaml", "ignored: [\n");
        let error = discover_until(&tmp.0, Some(&tmp.0)).unwrap_err();
        assert!(error.path.ends_with(".hadolint.yaml"));
        assert!(error.message.starts_with("invalid YAML"));

        let tmp = TempDir::new();
        std::fs::write(tmp.0.join("plimsoll.toml"), [0xff, 0xfe, b'x']).unwrap();
        let error = discover_until(&tmp.0, Some(&tmp.0)).unwrap_err();
        assert!(error.message.contains("UTF-8"));
    }

    #[test]
    fn explicit_load_by_extension() {
        let tmp = TempDir::new();
        let toml = tmp.write("ci/lint.toml", "severity = { DL3019 = \"error\" }\n");
        let loaded = load(&toml).unwrap();
        assert_eq!(loaded.kind, ConfigKind::Plimsoll);
        assert_eq!(loaded.settings().severity["DL3019"], Severity::Error);
        let yaml = tmp.write("ci/hadolint.YML", "override:\n  info: [DL3019]\n");
        let loaded = load(&yaml).unwrap();
        assert_eq!(loaded.kind, ConfigKind::Hadolint);
        assert_eq!(loaded.settings().severity["DL3019"], Severity::Info);
        let missing = load(&tmp.0.join("nope.toml")).unwrap_err();
        assert!(missing.message.starts_with("cannot read"));
    }

    #[test]
    fn bom_is_skipped() {
        let tmp = TempDir::new();
        tmp.write("plimsoll.toml", "\u{feff}ignore = [\"DL3008\"]\n");
        assert_eq!(tmp.find("").unwrap().file.ignore.unwrap(), ["DL3008"]);
    }

    #[test]
    fn relative_start_is_resolved() {
        // The crate's own directory has no config; walking up from it must not fail.
        let here = Path::new("");
        assert!(discover_until(here, Some(Path::new(""))).is_ok());
    }
}
