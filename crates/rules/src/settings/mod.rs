//! Settings: which rules run, at which severity, and their options.
//!
//! [`Settings::default`] runs every rule enabled by default at its own severity. A
//! configuration file is read into a [`SettingsFile`] (every field optional) and merged over
//! the defaults, so a file only says what it changes.

use crate::diagnostic::Severity;
use crate::registry::RuleMeta;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
        }
    }
}

/// A partial configuration as read from a file; `None` keeps the default.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SettingsFile {
    /// See [`Settings::select`].
    pub select: Option<Vec<String>>,
    /// See [`Settings::extend_select`].
    pub extend_select: Option<Vec<String>>,
    /// See [`Settings::ignore`].
    pub ignore: Option<Vec<String>>,
    /// See [`Settings::severity`].
    pub severity: Option<BTreeMap<String, Severity>>,
    /// See [`Settings::failure_threshold`].
    pub failure_threshold: Option<Severity>,
    /// See [`Settings::trusted_registries`].
    pub trusted_registries: Option<Vec<String>>,
    /// See [`Settings::label_schema`].
    pub label_schema: Option<BTreeMap<String, String>>,
    /// See [`Settings::strict_labels`].
    pub strict_labels: Option<bool>,
    /// See [`Settings::rule_options`].
    pub rules: Option<BTreeMap<String, serde_json::Value>>,
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
        self
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
        self.severity
            .iter()
            .find(|(name, _)| rule.is_named(name))
            .map_or(rule.severity, |(_, severity)| *severity)
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
    // A code prefix: letters then at least one digit, e.g. `DL30`, `PL5`.
    let letters = selector.bytes().take_while(u8::is_ascii_alphabetic).count();
    letters > 0
        && selector.len() > letters
        && selector[letters..].bytes().all(|b| b.is_ascii_digit())
        && rule.code.len() >= selector.len()
        && rule.code[..selector.len()].eq_ignore_ascii_case(selector)
}
