//! Settings: which rules run, at which severity, and their options.
//!
//! [`Settings::default`] runs every rule enabled by default at its own severity. A
//! configuration file is read into a [`SettingsFile`] (every field optional) and merged over
//! the defaults, so a file only says what it changes.
//!
//! Files: `plimsoll.toml` or `.plimsoll.toml` ([`SettingsFile::from_toml`]), else hadolint's
//! `.hadolint.yaml` or `.hadolint.yml` ([`hadolint::from_yaml`]); [`discover()`] finds the one
//! that applies to a Dockerfile.

pub mod discover;
pub mod hadolint;

pub use discover::{discover, load, ConfigKind, LoadedConfig};

use crate::diagnostic::Severity;
use crate::registry::{all_metas, RuleMeta};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The settings of a lint run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// Rules to run, by code, name, alias, code prefix (`DL30`) or category; empty means the
    /// rules enabled by default. `ALL` selects every rule.
    pub select: Vec<String>,
    /// Rules to run in addition to `select` (or the defaults).
    pub extend_select: Vec<String>,
    /// Rules never to run; wins over `select`.
    pub ignore: Vec<String>,
    /// Severity overrides by code, name or alias.
    pub severity: BTreeMap<String, Severity>,
    /// Findings below this severity do not fail a run (`plimsoll check` exits 0).
    pub failure_threshold: Severity,
    /// Registries base images may come from (DL3026); empty allows any.
    pub trusted_registries: Vec<String>,
    /// Required labels and their kinds (DL3049 and friends), hadolint's `label-schema`.
    pub label_schema: BTreeMap<String, String>,
    /// Whether labels outside `label_schema` are reported (hadolint's `strict-labels`).
    pub strict_labels: bool,
    /// Per-rule options by code: `[rules.PL501] allow-minor = true`.
    pub rule_options: BTreeMap<String, serde_json::Value>,
    /// When true, findings never fail a run, whatever `failure_threshold` says (hadolint's
    /// `no-fail`).
    pub no_fail: bool,
    /// Whether inline suppression comments (`# plimsoll ignore=…`, `# hadolint ignore=…`,
    /// `# check=skip=…`) are honoured; hadolint's `disable-ignore-pragma: true` turns them
    /// off.
    pub honor_inline_ignores: bool,
    /// Whether RUN scripts are also checked by ShellCheck, when the `shellcheck` program is
    /// installed (see [`crate::shellcheck`]); its findings have ShellCheck's codes (`SC2086`).
    pub shellcheck: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            select: Vec::new(),
            extend_select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            failure_threshold: Severity::Style,
            trusted_registries: Vec::new(),
            label_schema: BTreeMap::new(),
            strict_labels: false,
            rule_options: BTreeMap::new(),
            no_fail: false,
            honor_inline_ignores: true,
            shellcheck: false,
        }
    }
}

/// A partial configuration as read from a file; `None` keeps the default.
///
/// In `plimsoll.toml` the keys are kebab-case; an unknown key is an error:
///
/// ```toml
/// select = ["ALL"]
/// extend-select = ["PL501"]
/// ignore = ["DL3008", "size"]
/// severity = { DL3019 = "error" }
/// failure-threshold = "warning"
/// no-fail = false
/// honor-inline-ignores = true
/// shellcheck = true               # also run ShellCheck on RUN scripts (off by default)
/// trusted-registries = ["docker.io", "ghcr.io"]
/// label-schema = { maintainer = "email" }
/// strict-labels = true
///
/// [rules.PL501]
/// allow-minor = true
///
/// [rules.DL3026]                  # wins over the top-level `trusted-registries` for DL3026
/// trusted-registries = ["registry.example.com", "*.mirror.example.com"]
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SettingsFile {
    /// See [`Settings::select`].
    pub select: Option<Vec<String>>,
    /// See [`Settings::extend_select`].
    pub extend_select: Option<Vec<String>>,
    /// See [`Settings::ignore`].
    pub ignore: Option<Vec<String>>,
    /// See [`Settings::severity`]. Values are `error`, `warning` (or `warn`), `info` or
    /// `style`, in any case.
    #[serde(default, deserialize_with = "severity_map")]
    pub severity: Option<BTreeMap<String, Severity>>,
    /// See [`Settings::failure_threshold`].
    #[serde(default, deserialize_with = "optional_severity")]
    pub failure_threshold: Option<Severity>,
    /// See [`Settings::no_fail`].
    pub no_fail: Option<bool>,
    /// See [`Settings::honor_inline_ignores`].
    pub honor_inline_ignores: Option<bool>,
    /// See [`Settings::shellcheck`].
    pub shellcheck: Option<bool>,
    /// See [`Settings::trusted_registries`].
    pub trusted_registries: Option<Vec<String>>,
    /// See [`Settings::label_schema`]. Kinds are `text`, `url`, `semver`, `hash`,
    /// `rfc3339`, `spdx` or `email`.
    #[serde(default, deserialize_with = "label_schema")]
    pub label_schema: Option<BTreeMap<String, String>>,
    /// See [`Settings::strict_labels`].
    pub strict_labels: Option<bool>,
    /// See [`Settings::rule_options`]; each rule's options are a table.
    #[serde(default, deserialize_with = "rule_tables")]
    pub rules: Option<BTreeMap<String, serde_json::Value>>,
}

/// A configuration file that cannot be used: where, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong, in one line.
    pub message: String,
    /// The 1-based line of the problem, when the parser tells it.
    pub line: Option<usize>,
    /// The 1-based column (in characters) of the problem, when the parser tells it.
    pub column: Option<usize>,
}

impl ConfigError {
    /// An error about the whole file.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: path.into(),
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// The same error at a 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> ConfigError {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    fn render(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                format!("{}:{line}:{column}: {}", self.path.display(), self.message)
            }
            (Some(line), None) => format!("{}:{line}: {}", self.path.display(), self.message),
            _ => format!("{}: {}", self.path.display(), self.message),
        }
    }
}

impl SettingsFile {
    /// Reads a `plimsoll.toml`; `path` is only used in errors.
    ///
    /// ```
    /// use plimsoll_rules::settings::SettingsFile;
    /// use plimsoll_rules::Severity;
    /// use std::path::Path;
    ///
    /// let file = SettingsFile::from_toml("ignore = [\"DL3008\"]\nseverity = { DL3019 = \"error\" }\n", Path::new("plimsoll.toml")).unwrap();
    /// assert_eq!(file.ignore.unwrap(), ["DL3008"]);
    /// assert_eq!(file.severity.unwrap()["DL3019"], Severity::Error);
    ///
    /// let error = SettingsFile::from_toml("ignroe = []\n", Path::new("plimsoll.toml")).unwrap_err();
    /// assert!(error.to_string().starts_with("plimsoll.toml:1:1: unknown field `ignroe`"));
    /// ```
    pub fn from_toml(text: &str, path: &Path) -> Result<SettingsFile, ConfigError> {
        toml::from_str::<SettingsFile>(text).map_err(|error| {
            let message = error.message().trim().replace('\n', " ");
            let error_at = ConfigError::new(path, message);
            match error.span() {
                Some(span) => {
                    let (line, column) = line_column(text, span.start);
                    error_at.at(line, column)
                }
                None => error_at,
            }
        })
    }

    /// Advice about entries that name no rule: a misspelt code in `ignore` silently ignores
    /// nothing. Not errors, so that a file can name rules of a newer version.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let lists = [
            ("select", &self.select),
            ("extend-select", &self.extend_select),
            ("ignore", &self.ignore),
        ];
        for (key, list) in lists {
            for selector in list.iter().flatten() {
                if !selects_any(selector) {
                    out.push(format!("`{selector}` in `{key}` selects no rule"));
                }
            }
        }
        for name in self.severity.iter().flat_map(BTreeMap::keys) {
            let named = all_metas().iter().any(|meta| meta.is_named(name));
            if !named && !crate::shellcheck::names_some(name) {
                out.push(format!("`{name}` in `severity` is not a rule code or name"));
            }
        }
        for name in self.rules.iter().flat_map(BTreeMap::keys) {
            if !all_metas().iter().any(|meta| meta.is_named(name)) {
                out.push(format!("`[rules.{name}]` is not a rule code or name"));
            }
        }
        out
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

const SEVERITY_NAMES: &str = "`error`, `warning`, `info` or `style`";

struct SeverityName(Severity);

impl<'de> Deserialize<'de> for SeverityName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SeverityName, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = SeverityName;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a severity: {SEVERITY_NAMES}")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<SeverityName, E> {
                Severity::parse(value).map(SeverityName).ok_or_else(|| {
                    E::custom(format!(
                        "invalid severity `{value}`: expected {SEVERITY_NAMES}"
                    ))
                })
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

fn optional_severity<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Severity>, D::Error> {
    Ok(Some(SeverityName::deserialize(deserializer)?.0))
}

fn severity_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<BTreeMap<String, Severity>>, D::Error> {
    let map = BTreeMap::<String, SeverityName>::deserialize(deserializer)?;
    Ok(Some(map.into_iter().map(|(k, v)| (k, v.0)).collect()))
}

fn label_schema<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    let schema = BTreeMap::<String, String>::deserialize(deserializer)?;
    for (label, kind) in &schema {
        if crate::rules::helpers::labels::LabelKind::parse(kind).is_none() {
            return Err(serde::de::Error::custom(format!(
                "invalid kind `{kind}` for label `{label}` in `label-schema`: expected {}",
                crate::rules::helpers::labels::LabelKind::NAMES
            )));
        }
    }
    Ok(Some(schema))
}

fn rule_tables<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<BTreeMap<String, serde_json::Value>>, D::Error> {
    let map =
        BTreeMap::<String, serde_json::Map<String, serde_json::Value>>::deserialize(deserializer)?;
    Ok(Some(
        map.into_iter()
            .map(|(k, v)| (k, serde_json::Value::Object(v)))
            .collect(),
    ))
}

impl Settings {
    /// These settings with `file` merged over them: lists and maps given in the file
    /// replace or extend as their meaning says (`ignore` and `severity` add, `select`
    /// replaces).
    pub fn merged(mut self, file: SettingsFile) -> Settings {
        if let Some(select) = file.select {
            self.select = select;
        }
        if let Some(extend) = file.extend_select {
            self.extend_select.extend(extend);
        }
        if let Some(ignore) = file.ignore {
            self.ignore.extend(ignore);
        }
        if let Some(severity) = file.severity {
            self.severity.extend(severity);
        }
        if let Some(threshold) = file.failure_threshold {
            self.failure_threshold = threshold;
        }
        if let Some(registries) = file.trusted_registries {
            self.trusted_registries = registries;
        }
        if let Some(schema) = file.label_schema {
            self.label_schema = schema;
        }
        if let Some(strict) = file.strict_labels {
            self.strict_labels = strict;
        }
        if let Some(rules) = file.rules {
            self.rule_options.extend(rules);
        }
        if let Some(no_fail) = file.no_fail {
            self.no_fail = no_fail;
        }
        if let Some(honor) = file.honor_inline_ignores {
            self.honor_inline_ignores = honor;
        }
        if let Some(shellcheck) = file.shellcheck {
            self.shellcheck = shellcheck;
        }
        self
    }

    /// Whether a finding of `severity` fails a run.
    pub fn fails_on(&self, severity: Severity) -> bool {
        !self.no_fail && severity >= self.failure_threshold
    }

    /// Whether `rule` runs.
    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        if self.ignore.iter().any(|s| selects(s, rule)) {
            return false;
        }
        if self.extend_select.iter().any(|s| selects(s, rule)) {
            return true;
        }
        if self.select.is_empty() {
            rule.enabled_by_default
        } else {
            self.select.iter().any(|s| selects(s, rule))
        }
    }

    /// The severity `rule` reports at.
    pub fn severity_of(&self, rule: &RuleMeta) -> Severity {
        self.severity_override(rule).unwrap_or(rule.severity)
    }

    /// The severity the settings give `rule`, if they name it.
    pub fn severity_override(&self, rule: &RuleMeta) -> Option<Severity> {
        self.severity
            .iter()
            .find(|(name, _)| rule.is_named(name))
            .map(|(_, severity)| *severity)
    }

    /// The options given for `rule`.
    pub fn rule_options(&self, rule: &RuleMeta) -> Option<&serde_json::Value> {
        self.rule_options
            .iter()
            .find(|(name, _)| rule.is_named(name))
            .map(|(_, options)| options)
    }
}

/// Whether a selector (`DL3008`, `apk-no-cache`, `JSONArgsRecommended`, `DL30`, `go`, `ALL`)
/// selects `rule`.
pub fn selects(selector: &str, rule: &RuleMeta) -> bool {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("all") || rule.is_named(selector) {
        return true;
    }
    if selector.eq_ignore_ascii_case(rule.category.as_str()) {
        return true;
    }
    // A code prefix: the letters of a code (`DL`, `PL`: every hadolint rule, every Plimsoll
    // rule), optionally followed by digits (`DL30`, `PL5`).
    let letters = selector.bytes().take_while(u8::is_ascii_alphabetic).count();
    let code_letters = rule
        .code
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    letters > 0
        && letters == code_letters
        && selector[letters..].bytes().all(|b| b.is_ascii_digit())
        && rule.code.len() >= selector.len()
        && rule.code[..selector.len()].eq_ignore_ascii_case(selector)
}

/// Whether `selector` selects at least one rule (a selector that selects none is most
/// likely a typo); ShellCheck's codes (`SC2086`, `SC`, `shellcheck`) count.
pub fn selects_any(selector: &str) -> bool {
    all_metas().iter().any(|meta| selects(selector, meta))
        || crate::shellcheck::selects_some(selector)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> SettingsFile {
        SettingsFile::from_toml(text, Path::new("plimsoll.toml")).unwrap()
    }

    fn error(text: &str) -> ConfigError {
        SettingsFile::from_toml(text, Path::new("cfg/plimsoll.toml")).unwrap_err()
    }

    #[test]
    fn every_key() {
        let file = read(
            r#"
select = ["ALL"]
extend-select = ["PL001"]
ignore = ["PL001", "size"]
severity = { DL3019 = "error", apk-add-without-no-cache = "WARN" }
failure-threshold = "warning"
no-fail = true
honor-inline-ignores = false
shellcheck = true
trusted-registries = ["docker.io"]
label-schema = { maintainer = "email" }
strict-labels = true

[rules.DL3019]
answer = 42
nested = { list = [1, "a"] }
"#,
        );
        assert_eq!(file.select.as_deref(), Some(&["ALL".to_string()][..]));
        assert_eq!(file.extend_select.as_ref().unwrap(), &["PL001"]);
        assert_eq!(file.ignore.as_ref().unwrap(), &["PL001", "size"]);
        let severity = file.severity.clone().unwrap();
        assert_eq!(severity["DL3019"], Severity::Error);
        assert_eq!(severity["apk-add-without-no-cache"], Severity::Warning);
        assert_eq!(file.failure_threshold, Some(Severity::Warning));
        assert_eq!(file.no_fail, Some(true));
        assert_eq!(file.honor_inline_ignores, Some(false));
        assert_eq!(file.shellcheck, Some(true));
        assert_eq!(file.trusted_registries.as_ref().unwrap(), &["docker.io"]);
        assert_eq!(file.label_schema.as_ref().unwrap()["maintainer"], "email");
        assert_eq!(file.strict_labels, Some(true));
        assert_eq!(
            file.rules.as_ref().unwrap()["DL3019"],
            serde_json::json!({"answer": 42, "nested": {"list": [1, "a"]}})
        );
        assert!(file.warnings().is_empty(), "{:?}", file.warnings());

        let settings = Settings::default().merged(file);
        let meta = crate::registry::find_meta("DL3019").unwrap();
        // Two entries name DL3019: the first in key order (`DL3019`) is used.
        assert_eq!(settings.severity_of(meta), Severity::Error);
        assert_eq!(settings.rule_options(meta).unwrap()["answer"], 42);
        assert!(!settings.is_enabled(crate::registry::find_meta("PL001").unwrap()));
        assert!(settings.no_fail && !settings.honor_inline_ignores && settings.shellcheck);
    }

    #[test]
    fn empty_file_changes_nothing() {
        assert_eq!(read(""), SettingsFile::default());
        assert_eq!(Settings::default().merged(read("")), Settings::default());
    }

    #[test]
    fn unknown_keys_are_errors_with_positions() {
        let e = error("select = []\nignored = [\"DL3008\"]\n");
        assert_eq!(e.path, Path::new("cfg/plimsoll.toml"));
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        assert!(
            e.message.starts_with("unknown field `ignored`"),
            "{}",
            e.message
        );
        assert!(e
            .to_string()
            .starts_with("cfg/plimsoll.toml:2:1: unknown field"));
    }

    #[test]
    fn severities_are_validated() {
        let e = error("severity = { DL3008 = \"fatal\" }\n");
        assert_eq!(e.line, Some(1));
        assert!(
            e.message.contains("invalid severity `fatal`"),
            "{}",
            e.message
        );
        let e = error("failure-threshold = \"none\"\n");
        assert!(
            e.message.contains("invalid severity `none`"),
            "{}",
            e.message
        );
        let e = error("failure-threshold = 3\n");
        assert!(e.message.contains("severity"), "{}", e.message);
    }

    #[test]
    fn label_kinds_are_checked() {
        let file = read("label-schema = { a = \"semver\", b = \"\" }\n");
        assert_eq!(file.label_schema.unwrap()["a"], "semver");
        let e = error("\nlabel-schema = { version = \"version\" }\n");
        assert_eq!(e.line, Some(2));
        let expected = "invalid kind `version` for label `version`";
        assert!(e.message.contains(expected), "{}", e.message);
    }

    #[test]
    fn rule_options_must_be_tables() {
        let e = error("[rules]\nPL501 = 3\n");
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("map"), "{}", e.message);
    }

    #[test]
    fn type_and_syntax_errors() {
        let e = error("ignore = \"DL3008\"\n");
        assert_eq!(e.line, Some(1));
        let e = error("ignore = [\n");
        assert!(e.line.is_some());
    }

    #[test]
    fn warnings_for_names_of_no_rule() {
        let file = read(
            "select = [\"DL9\"]\nignore = [\"XY2086\", \"DL30\", \"SC2086\"]\nseverity = { XX1 = \"info\", SC2154 = \"error\", shellcheck = \"info\" }\n[rules.nope]\n",
        );
        assert_eq!(
            file.warnings(),
            [
                "`DL9` in `select` selects no rule",
                "`XY2086` in `ignore` selects no rule",
                "`XX1` in `severity` is not a rule code or name",
                "`[rules.nope]` is not a rule code or name",
            ]
        );
    }

    #[test]
    fn failing() {
        let mut settings = Settings {
            failure_threshold: Severity::Warning,
            ..Settings::default()
        };
        assert!(settings.fails_on(Severity::Error));
        assert!(settings.fails_on(Severity::Warning));
        assert!(!settings.fails_on(Severity::Info));
        settings.no_fail = true;
        assert!(!settings.fails_on(Severity::Error));
    }

    #[test]
    fn code_prefixes_select_by_whole_letter_part() {
        let dl3019 = crate::find_meta("DL3019").unwrap();
        for selector in ["DL", "dl", "DL3", "DL3019", "ALL", "size"] {
            assert!(selects(selector, dl3019), "{selector}");
        }
        for selector in ["D", "PL", "DL4", "DL30190"] {
            assert!(!selects(selector, dl3019), "{selector}");
        }
        assert!(selects_any("PL") && !selects_any("P") && !selects_any("XY1"));
    }

    #[test]
    fn line_columns_count_characters() {
        assert_eq!(line_column("ab\ncé\nx", 0), (1, 1));
        assert_eq!(line_column("ab\ncé\nx", 3), (2, 1));
        assert_eq!(line_column("ab\ncé\nx", 7), (3, 1));
        assert_eq!(line_column("ab\ncé\nx", 5), (2, 2));
        assert_eq!(line_column("ab", 99), (1, 3));
    }
}
