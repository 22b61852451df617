//! What the editor says about settings, merged with the configuration files on disk.
//!
//! The client sends the `plimsoll` section of its settings (through
//! `workspace/configuration`, `workspace/didChangeConfiguration` or `initializationOptions`):
//!
//! ```json
//! { "select": ["DL", "PL5"], "extendSelect": [], "ignore": ["DL3008"],
//!   "severity": { "DL3008": "error" }, "context": "..", "config": "ci/plimsoll.toml" }
//! ```
//!
//! Every key is optional. The file found upward from the Dockerfile (`plimsoll.toml`, else
//! `.hadolint.yaml`) is read first, and the editor's keys apply over it the way the command
//! line's options do.

use plimsoll_rules::find_meta;
use plimsoll_rules::settings::{discover, selects_any, ConfigError};
use plimsoll_rules::{Settings, Severity};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The `plimsoll` section of the editor's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientSettings {
    /// Rules to run instead of the configured ones.
    pub select: Vec<String>,
    /// Rules to run in addition.
    pub extend_select: Vec<String>,
    /// Rules not to run.
    pub ignore: Vec<String>,
    /// Severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// The build context directory.
    pub context: Option<String>,
    /// The configuration file to use instead of the discovered one.
    pub config: Option<String>,
}

impl ClientSettings {
    /// Reads settings sent by the client: the section itself or an object holding it under
    /// `plimsoll`. Returns the settings and what was wrong with the value (wrong keys are
    /// skipped, not fatal: an editor user with a typo still gets diagnostics).
    pub fn from_json(value: &Value) -> (ClientSettings, Vec<String>) {
        ClientSettings::default().updated(value)
    }

    /// These settings with the keys `value` holds replaced: a key the editor does not send
    /// keeps its value (editors answer `{}` when the user set nothing, which must not undo
    /// the `initializationOptions`).
    pub fn updated(&self, value: &Value) -> (ClientSettings, Vec<String>) {
        let section = value.get("plimsoll").unwrap_or(value);
        let mut settings = self.clone();
        let mut problems = Vec::new();
        let Some(object) = section.as_object() else {
            if !section.is_null() {
                problems.push("the `plimsoll` settings are not an object".to_string());
            }
            return (settings, problems);
        };
        for (key, value) in object {
            match key.as_str() {
                "select" => settings.select = selectors(key, value, &mut problems),
                "extendSelect" | "extend-select" | "extend_select" => {
                    settings.extend_select = selectors(key, value, &mut problems)
                }
                "ignore" => settings.ignore = selectors(key, value, &mut problems),
                "severity" => settings.severity = severities(value, &mut problems),
                "context" => settings.context = path(key, value, &mut problems),
                "config" => settings.config = path(key, value, &mut problems),
                // Settings the editor extension itself uses.
                "path" | "trace" | "enable" => {}
                _ => problems.push(format!("unknown setting `plimsoll.{key}`")),
            }
        }
        (settings, problems)
    }
}

/// A list of rule selectors; one that selects no rule is reported and dropped.
fn selectors(key: &str, value: &Value, problems: &mut Vec<String>) -> Vec<String> {
    let mut list = strings(key, value, problems);
    list.retain(|selector| {
        let known = selects_any(selector);
        if !known {
            problems.push(format!(
                "`{selector}` in `plimsoll.{key}` selects no rule (codes, names, prefixes such as `DL30`, categories or `ALL`)"
            ));
        }
        known
    });
    list
}

fn strings(key: &str, value: &Value, problems: &mut Vec<String>) -> Vec<String> {
    match value {
        Value::Null => Vec::new(),
        Value::String(one) => one
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item.as_str() {
                Some(text) => Some(text.trim().to_string()),
                None => {
                    problems.push(format!("`plimsoll.{key}` holds {item}, not a string"));
                    None
                }
            })
            .collect(),
        other => {
            problems.push(format!(
                "`plimsoll.{key}` must be a list of strings, not {other}"
            ));
            Vec::new()
        }
    }
}

fn severities(value: &Value, problems: &mut Vec<String>) -> BTreeMap<String, Severity> {
    let mut out = BTreeMap::new();
    match value {
        Value::Null => {}
        Value::Object(entries) => {
            for (code, level) in entries {
                match level.as_str().and_then(Severity::parse) {
                    Some(_) if find_meta(code).is_none() => {
                        problems.push(format!("`plimsoll.severity` names `{code}`, which is no rule"))
                    }
                    Some(severity) => {
                        out.insert(code.clone(), severity);
                    }
                    None => problems.push(format!(
                        "`plimsoll.severity.{code}` must be one of error, warning, info, style, not {level}"
                    )),
                }
            }
        }
        other => problems.push(format!(
            "`plimsoll.severity` must be an object, not {other}"
        )),
    }
    out
}

fn path(key: &str, value: &Value, problems: &mut Vec<String>) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) if text.trim().is_empty() => None,
        Value::String(text) => Some(text.clone()),
        other => {
            problems.push(format!("`plimsoll.{key}` must be a path, not {other}"));
            None
        }
    }
}

/// The settings of the workspace: the client's, the workspace folders, and the
/// configuration files read so far (cached per directory until a watched file changes).
#[derive(Default)]
pub struct Workspace {
    /// The client's settings.
    pub client: ClientSettings,
    /// The settings given at `initialize`, which later settings update.
    pub initial: ClientSettings,
    /// The workspace folders, to resolve relative paths in the client's settings.
    pub folders: Vec<PathBuf>,
    discovered: HashMap<PathBuf, Arc<Discovered>>,
}

/// The configuration that applies to Dockerfiles of one directory.
#[derive(Debug)]
struct Discovered {
    settings: Settings,
    /// A configuration file that could not be read, shown to the user once.
    error: Option<String>,
}

/// The settings and build context for one Dockerfile.
pub struct Resolved {
    /// The settings to lint with.
    pub settings: Arc<Settings>,
    /// The build context root, when the document is a file.
    pub context_root: Option<PathBuf>,
    /// A configuration problem to show.
    pub error: Option<String>,
}

impl Workspace {
    /// Forgets the configuration files read so far (one was created, changed or deleted).
    pub fn forget_configuration_files(&mut self) {
        self.discovered.clear();
    }

    /// The settings and context for a Dockerfile at `path` (`None` for an unsaved buffer).
    pub fn resolve(&mut self, path: Option<&Path>) -> Resolved {
        let dir = path.and_then(Path::parent).map(Path::to_path_buf);
        let key = dir.clone().unwrap_or_default();
        let discovered = match self.discovered.get(&key) {
            Some(found) => found.clone(),
            None => {
                let found = Arc::new(self.discover(dir.as_deref()));
                self.discovered.insert(key, found.clone());
                found
            }
        };
        let settings = self.with_client_settings(discovered.settings.clone());
        let context_root = match &self.client.context {
            Some(context) => Some(self.absolute(context, dir.as_deref())),
            None => dir,
        };
        Resolved {
            settings: Arc::new(settings),
            context_root,
            error: discovered.error.clone(),
        }
    }

    fn discover(&self, dir: Option<&Path>) -> Discovered {
        let loaded = match (&self.client.config, dir) {
            (Some(config), _) => discover::load(&self.absolute(config, dir)).map(Some),
            (None, Some(dir)) => discover::discover(dir),
            (None, None) => Ok(None),
        };
        match loaded {
            Ok(Some(config)) => Discovered {
                settings: config.settings(),
                error: None,
            },
            Ok(None) => Discovered {
                settings: Settings::default(),
                error: None,
            },
            Err(error) => Discovered {
                settings: Settings::default(),
                error: Some(describe(&error)),
            },
        }
    }

    /// A path from the client's settings: absolute as given, else from the first workspace
    /// folder, else from the Dockerfile's directory.
    fn absolute(&self, path: &str, dir: Option<&Path>) -> PathBuf {
        let path = Path::new(path);
        if path.is_absolute() {
            return path.to_path_buf();
        }
        match self.folders.first().map(PathBuf::as_path).or(dir) {
            Some(base) => base.join(path),
            None => path.to_path_buf(),
        }
    }

    fn with_client_settings(&self, mut settings: Settings) -> Settings {
        let client = &self.client;
        if !client.select.is_empty() {
            settings.select = client.select.clone();
        }
        settings
            .extend_select
            .extend(client.extend_select.iter().cloned());
        settings.ignore.extend(client.ignore.iter().cloned());
        for (code, severity) in &client.severity {
            settings.severity.insert(code.clone(), *severity);
        }
        settings
    }
}

fn describe(error: &ConfigError) -> String {
    format!("{error}; linting with the default settings")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_section_and_reports_bad_keys() {
        let (settings, problems) = ClientSettings::from_json(&json!({
            "plimsoll": {
                "select": ["DL", "PL5"],
                "extendSelect": "PL504, PL401",
                "ignore": ["DL3020", 3],
                "severity": {"DL3019": "error", "DL3020": "loud"},
                "context": "",
                "colour": true,
                "path": "/usr/bin/plimsoll"
            }
        }));
        assert_eq!(settings.select, ["DL", "PL5"]);
        assert_eq!(settings.extend_select, ["PL504", "PL401"]);
        assert_eq!(settings.ignore, ["DL3020"]);
        assert_eq!(settings.severity.get("DL3019"), Some(&Severity::Error));
        assert_eq!(settings.context, None);
        assert_eq!(problems.len(), 3, "{problems:?}");

        let (updated, problems) =
            settings.updated(&json!({"select": ["DL", "XX9"], "severity": {"NOPE": "error"}}));
        assert_eq!(updated.select, ["DL"]);
        assert_eq!(updated.ignore, ["DL3020"], "keys not sent are kept");
        assert!(
            updated.severity.is_empty(),
            "a sent key replaces the old value"
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn client_settings_apply_over_the_file() {
        let dir =
            std::env::temp_dir().join(format!("plimsoll-lsp-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("plimsoll.toml"), "ignore = [\"DL3007\"]\n").unwrap();
        let mut workspace = Workspace::default();
        workspace.client.ignore = vec!["DL3019".into()];
        let resolved = workspace.resolve(Some(&dir.join("Dockerfile")));
        assert_eq!(resolved.settings.ignore, ["DL3007", "DL3019"]);
        assert_eq!(resolved.context_root.as_deref(), Some(dir.as_path()));
        assert!(resolved.error.is_none());

        std::fs::write(dir.join("plimsoll.toml"), "ignore = 3\n").unwrap();
        // Cached until told that a configuration file changed.
        assert!(workspace
            .resolve(Some(&dir.join("Dockerfile")))
            .error
            .is_none());
        workspace.forget_configuration_files();
        let resolved = workspace.resolve(Some(&dir.join("Dockerfile")));
        assert!(resolved.error.unwrap().contains("plimsoll.toml"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
