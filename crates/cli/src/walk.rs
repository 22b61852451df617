//! Finding Dockerfiles: the paths given on the command line, and the Dockerfiles inside the
//! directories given (walked with the `ignore` crate, so `.gitignore` is respected).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Whether a file name is a Dockerfile name: `Dockerfile`, `Containerfile`, `Dockerfile.*`,
/// `Containerfile.*`, `*.Dockerfile`, `*.dockerfile`, `*.Containerfile`.
///
/// `Dockerfile.dockerignore` files are ignore files, not Dockerfiles.
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    name == "Dockerfile"
        || name == "Containerfile"
        || lower == "dockerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
        || name.ends_with(".Containerfile")
}

/// One thing to check.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A file on disk.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

/// Expands the command-line paths: files are taken as given (whatever their name),
/// directories are walked for Dockerfile names. Errors are (path, message) pairs.
pub fn collect(paths: &[PathBuf]) -> (Vec<Target>, Vec<(String, String)>) {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            targets.push(Target::Stdin);
        } else if path.is_dir() {
            walk_dir(path, &mut targets, &mut errors);
        } else if path.exists() || path.symlink_metadata().is_ok() {
            // A broken or looping link is a target too: reading it says what is wrong.
            targets.push(Target::File(path.clone()));
        } else {
            errors.push((
                path.display().to_string(),
                "no such file or directory".to_string(),
            ));
        }
    }
    // The same file under two names (a link beside its target) is checked, and fixed, once,
    // under its own name rather than the link's.
    let mut real_dirs = HashMap::new();
    let identities: Vec<Option<(bool, PathBuf)>> = targets
        .iter()
        .map(|target| match target {
            Target::File(path) => Some(identity(path, &mut real_dirs)),
            Target::Stdin => None,
        })
        .collect();
    let files: HashSet<&PathBuf> = identities
        .iter()
        .flatten()
        .filter(|(is_link, _)| !is_link)
        .map(|(_, real)| real)
        .collect();
    let mut seen = HashSet::new();
    let mut keep = identities.iter().map(|identity| match identity {
        Some((true, real)) => !files.contains(real) && seen.insert(real.clone()),
        Some((false, real)) => seen.insert(real.clone()),
        None => seen.insert(PathBuf::from("-")),
    });
    targets.retain(|_| keep.next().unwrap_or(true));
    (targets, errors)
}

/// Whether `path` is a symbolic link, and the real path of the file it names (`path` itself
/// when it cannot be resolved). A file that is not a link is where its directory really is:
/// each directory is resolved once (`real_dirs`), not once per file.
fn identity(path: &Path, real_dirs: &mut HashMap<PathBuf, Option<PathBuf>>) -> (bool, PathBuf) {
    let resolve = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let is_link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
    let (Some(parent), Some(name), false) = (path.parent(), path.file_name(), is_link) else {
        return (is_link, resolve(path));
    };
    let dir = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let real_dir = real_dirs
        .entry(dir.to_path_buf())
        .or_insert_with(|| std::fs::canonicalize(dir).ok());
    let real = match real_dir {
        Some(real_dir) => real_dir.join(name),
        None => path.to_path_buf(),
    };
    (false, real)
}

fn walk_dir(dir: &Path, targets: &mut Vec<Target>, errors: &mut Vec<(String, String)>) {
    let mut found = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).hidden(false).build() {
        match entry {
            Ok(entry) => {
                // Links are not followed into directories (no loops), but a Dockerfile that
                // is a link is checked, and one that is broken, loops or is not a regular
                // file (a FIFO) is reported when it is read.
                let is_file = entry.file_type().is_some_and(|t| {
                    let links_to_dir = t.is_symlink() && entry.path().is_dir();
                    !(t.is_dir() || links_to_dir)
                });
                let name = entry.file_name().to_string_lossy();
                // `.git` is not in `.gitignore` but never holds Dockerfiles to check.
                if is_file
                    && is_dockerfile_name(&name)
                    && !entry.path().components().any(|c| c.as_os_str() == ".git")
                {
                    found.push(entry.into_path());
                }
            }
            Err(error) => errors.push((dir.display().to_string(), error.to_string())),
        }
    }
    // The current directory's files are shown as `Dockerfile`, not `./Dockerfile`.
    if dir == Path::new(".") {
        for path in &mut found {
            if let Ok(relative) = path.strip_prefix(".") {
                *path = relative.to_path_buf();
            }
        }
    }
    found.sort();
    targets.extend(found.into_iter().map(Target::File));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dockerfile_names() {
        for name in [
            "Dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "Containerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "api.Containerfile",
            "dockerfile",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            "README.md",
            "Dockerfiles",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }
}
