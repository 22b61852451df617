//! hadolint's configuration file (`.hadolint.yaml`), read into a [`SettingsFile`].
//!
//! | hadolint key | Plimsoll setting |
//! | --- | --- |
//! | `ignored: [DL3008, …]` | `ignore` |
//! | `override: {error: […], warning: […], info: […], style: […]}` | `severity` (a code listed under several levels gets the most severe) |
//! | `trustedRegistries: [..]` (or one string) | `trusted-registries` (DL3026; `*`, `*.host` and `host*` match as in hadolint) |
//! | `failure-threshold: error\|warning\|info\|style` | `failure-threshold` |
//! | `failure-threshold: ignore\|none` | `failure-threshold = "style"`: in hadolint every finding is at or above that level, so any finding fails |
//! | `no-fail: true` | `no-fail` (findings never fail the run) |
//! | `label-schema: {name: kind}` | `label-schema` (DL3049–DL3058; kinds `text`, `url`, `semver`, `hash`, `rfc3339`, `spdx`, `email`; another kind is an error, as in hadolint) |
//! | `strict-labels: bool` | `strict-labels` |
//! | `disable-ignore-pragma: true` | `honor-inline-ignores = false` |
//!
//! hadolint ignores keys it does not know; so does this reader, with a warning. Its output
//! options (`format`, `no-color`, `verbose`) have no Plimsoll setting and are reported as
//! ignored. A value of the wrong type is an error, as in hadolint.

use super::{selects_any, ConfigError, SettingsFile};
use crate::diagnostic::Severity;
use crate::rules::helpers::labels::LabelKind;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use std::collections::BTreeMap;
use std::path::Path;

/// A hadolint configuration translated to Plimsoll's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HadolintFile {
    /// The settings it amounts to.
    pub settings: SettingsFile,
    /// Keys ignored and entries that name no Plimsoll rule (`DL9999`), in file order.
    pub warnings: Vec<String>,
}

/// Reads a `.hadolint.yaml`; `path` is only used in errors.
///
/// ```
/// use plimsoll_rules::settings::hadolint::from_yaml;
/// use plimsoll_rules::Severity;
/// use std::path::Path;
///
/// let yaml = "ignored: [DL3008]\noverride:\n  error: [DL3019]\nfailure-threshold: warning\n";
/// let file = from_yaml(yaml, Path::new(".hadolint.yaml")).unwrap().settings;
/// assert_eq!(file.ignore.unwrap(), ["DL3008"]);
/// assert_eq!(file.severity.unwrap()["DL3019"], Severity::Error);
/// assert_eq!(file.failure_threshold, Some(Severity::Warning));
/// ```
pub fn from_yaml(text: &str, path: &Path) -> Result<HadolintFile, ConfigError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|error| {
        let marker = error.marker();
        ConfigError::new(path, format!("invalid YAML: {}", error.info()))
            .at(marker.line(), marker.col() + 1)
    })?;
    let mut out = HadolintFile::default();
    let Some(root) = docs.first() else {
        return Ok(out);
    };
    let reader = Reader { path };
    let root = untagged(root);
    let map =
        match &root.data {
            YamlData::Value(Scalar::Null) => return Ok(out),
            YamlData::Mapping(map) => map,
            _ => return Err(reader.error(
                root,
                "expected a mapping of keys such as `ignored`, `override` or `trustedRegistries`",
            )),
        };
    let file = &mut out.settings;
    let warnings = &mut out.warnings;
    for (key, value) in map {
        let name = reader.string(key, "a key")?;
        let value = untagged(value);
        if is_null(value) {
            continue;
        }
        match name.as_str() {
            "ignored" => {
                let codes = reader.strings(value, "`ignored`")?;
                warn_unknown(&codes, "ignored", warnings);
                file.ignore = Some(codes);
            }
            "override" => {
                let severity = reader.overrides(value, warnings)?;
                file.severity = Some(severity);
            }
            "trustedRegistries" => {
                let registries = match &value.data {
                    YamlData::Value(Scalar::String(one)) => vec![one.to_string()],
                    _ => reader.strings(value, "`trustedRegistries`")?,
                };
                file.trusted_registries = Some(registries);
            }
            "failure-threshold" => {
                let level = reader.string(value, "`failure-threshold`")?;
                file.failure_threshold = Some(threshold(&level).ok_or_else(|| {
                    reader.error(
                        value,
                        format!(
                            "invalid `failure-threshold` `{level}`: expected `error`, `warning`, \
                             `info`, `style`, `ignore` or `none`"
                        ),
                    )
                })?);
            }
            "label-schema" => {
                file.label_schema = Some(reader.label_schema(value)?);
            }
            "strict-labels" => file.strict_labels = Some(reader.boolean(value, &name)?),
            "no-fail" => file.no_fail = Some(reader.boolean(value, &name)?),
            "disable-ignore-pragma" => {
                file.honor_inline_ignores = Some(!reader.boolean(value, &name)?);
            }
            "format" | "no-color" | "verbose" => warnings.push(format!(
                "`{name}` is one of hadolint's output options; Plimsoll ignores it"
            )),
            _ => warnings.push(format!("unknown key `{name}` ignored")),
        }
    }
    Ok(out)
}

/// hadolint's failure threshold as Plimsoll's.
fn threshold(level: &str) -> Option<Severity> {
    match level {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        "style" => Some(Severity::Style),
        // hadolint's lowest level: every finding is at or above it.
        "ignore" | "none" => Some(Severity::Style),
        _ => None,
    }
}

fn warn_unknown(codes: &[String], key: &str, warnings: &mut Vec<String>) {
    for code in codes {
        if !selects_any(code) {
            warnings.push(format!("`{code}` in `{key}` names no Plimsoll rule"));
        }
    }
}

fn untagged<'a, 'i>(mut node: &'a MarkedYaml<'i>) -> &'a MarkedYaml<'i> {
    while let YamlData::Tagged(_, inner) = &node.data {
        node = inner;
    }
    node
}

fn is_null(node: &MarkedYaml<'_>) -> bool {
    matches!(node.data, YamlData::Value(Scalar::Null))
}

fn kind(node: &MarkedYaml<'_>) -> &'static str {
    match &node.data {
        YamlData::Value(Scalar::Null) => "null",
        YamlData::Value(Scalar::Boolean(_)) => "a boolean",
        YamlData::Value(Scalar::Integer(_)) => "an integer",
        YamlData::Value(Scalar::FloatingPoint(_)) => "a number",
        YamlData::Value(Scalar::String(_)) | YamlData::Representation(..) => "a string",
        YamlData::Sequence(_) => "a list",
        YamlData::Mapping(_) => "a mapping",
        YamlData::Alias(_) => "an alias",
        YamlData::Tagged(..) | YamlData::BadValue => "an invalid value",
    }
}

struct Reader<'p> {
    path: &'p Path,
}

impl Reader<'_> {
    fn error(&self, node: &MarkedYaml<'_>, message: impl Into<String>) -> ConfigError {
        let start = node.span.start;
        let error = ConfigError::new(self.path, message);
        if start.line() == 0 {
            error
        } else {
            error.at(start.line(), start.col() + 1)
        }
    }

    fn mismatch(&self, node: &MarkedYaml<'_>, what: &str, expected: &str) -> ConfigError {
        self.error(
            node,
            format!("{what} must be {expected}, found {}", kind(node)),
        )
    }

    fn string(&self, node: &MarkedYaml<'_>, what: &str) -> Result<String, ConfigError> {
        match &untagged(node).data {
            YamlData::Value(Scalar::String(text)) => Ok(text.to_string()),
            YamlData::Representation(text, ..) => Ok(text.to_string()),
            _ => Err(self.mismatch(node, what, "a string")),
        }
    }

    fn boolean(&self, node: &MarkedYaml<'_>, key: &str) -> Result<bool, ConfigError> {
        match &node.data {
            YamlData::Value(Scalar::Boolean(value)) => Ok(*value),
            _ => Err(self.mismatch(node, &format!("`{key}`"), "`true` or `false`")),
        }
    }

    fn strings(&self, node: &MarkedYaml<'_>, what: &str) -> Result<Vec<String>, ConfigError> {
        match &node.data {
            YamlData::Sequence(items) => items
                .iter()
                .map(|item| self.string(item, &format!("each entry of {what}")))
                .collect(),
            _ => Err(self.mismatch(node, what, "a list of strings")),
        }
    }

    fn string_map(
        &self,
        node: &MarkedYaml<'_>,
        what: &str,
    ) -> Result<BTreeMap<String, String>, ConfigError> {
        let YamlData::Mapping(map) = &node.data else {
            return Err(self.mismatch(node, what, "a mapping"));
        };
        map.iter()
            .map(|(key, value)| {
                let key = self.string(key, &format!("each key of {what}"))?;
                let value = self.string(value, &format!("`{key}` in {what}"))?;
                Ok((key, value))
            })
            .collect()
    }

    /// `label-schema:` as label names and kinds; an unknown kind is an error, as in
    /// hadolint.
    fn label_schema(&self, node: &MarkedYaml<'_>) -> Result<BTreeMap<String, String>, ConfigError> {
        let schema = self.string_map(node, "`label-schema`")?;
        let YamlData::Mapping(map) = &node.data else {
            return Ok(schema);
        };
        for (key, value) in map {
            let kind = self.string(value, "a label kind")?;
            if LabelKind::parse(&kind).is_none() {
                let label = self.string(key, "a label name")?;
                return Err(self.error(
                    value,
                    format!(
                        "invalid kind `{kind}` for label `{label}` in `label-schema`: expected {}",
                        LabelKind::NAMES
                    ),
                ));
            }
        }
        Ok(schema)
    }

    /// `override:` as severity overrides; a code listed at several levels gets the most
    /// severe.
    fn overrides(
        &self,
        node: &MarkedYaml<'_>,
        warnings: &mut Vec<String>,
    ) -> Result<BTreeMap<String, Severity>, ConfigError> {
        let YamlData::Mapping(map) = &node.data else {
            return Err(self.mismatch(node, "`override`", "a mapping"));
        };
        let mut out: BTreeMap<String, Severity> = BTreeMap::new();
        for (key, value) in map {
            let level = self.string(key, "each key of `override`")?;
            let value = untagged(value);
            let severity = match level.as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                "info" => Severity::Info,
                "style" => Severity::Style,
                _ => {
                    warnings.push(format!(
                        "unknown key `override.{level}` ignored (hadolint knows `error`, \
                         `warning`, `info` and `style`)"
                    ));
                    continue;
                }
            };
            if is_null(value) {
                continue;
            }
            let codes = self.strings(value, &format!("`override.{level}`"))?;
            warn_unknown(&codes, &format!("override.{level}"), warnings);
            for code in codes {
                let entry = out.entry(code).or_insert(severity);
                *entry = (*entry).max(severity);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> HadolintFile {
        from_yaml(yaml, Path::new(".hadolint.yaml")).unwrap()
    }

    fn error(yaml: &str) -> ConfigError {
        from_yaml(yaml, Path::new("dir/.hadolint.yaml")).unwrap_err()
    }

    #[test]
    fn ignored_maps_to_ignore() {
        // ShellCheck's codes are known: they apply when ShellCheck runs.
        let file = read("ignored:\n  - DL3019\n  - SC2086\n  - DL9999\n");
        assert_eq!(
            file.settings.ignore.unwrap(),
            ["DL3019", "SC2086", "DL9999"]
        );
        assert_eq!(
            file.warnings,
            ["`DL9999` in `ignored` names no Plimsoll rule"]
        );
    }

    #[test]
    fn override_maps_to_severity() {
        let file = read(
            "override:\n  error: [DL3019]\n  warning:\n    - PL001\n  info: []\n  style:\n    - DL3019\n",
        );
        let severity = file.settings.severity.unwrap();
        assert_eq!(severity["PL001"], Severity::Warning);
        // Listed twice: the most severe wins.
        assert_eq!(severity["DL3019"], Severity::Error);
        assert_eq!(severity.len(), 2);
        assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    }

    #[test]
    fn override_with_empty_levels_and_unknown_level() {
        let file = read("override:\n  error:\n  fatal: [DL3008]\n");
        assert!(file.settings.severity.unwrap().is_empty());
        assert_eq!(file.warnings.len(), 1);
        assert!(file.warnings[0].contains("override.fatal"));
    }

    #[test]
    fn trusted_registries_list_or_string() {
        let file = read("trustedRegistries:\n  - docker.io\n  - my-company.com:5000\n");
        assert_eq!(
            file.settings.trusted_registries.unwrap(),
            ["docker.io", "my-company.com:5000"]
        );
        let one = read("trustedRegistries: ghcr.io\n");
        assert_eq!(one.settings.trusted_registries.unwrap(), ["ghcr.io"]);
    }

    #[test]
    fn failure_threshold_levels() {
        for (level, severity) in [
            ("error", Severity::Error),
            ("warning", Severity::Warning),
            ("info", Severity::Info),
            ("style", Severity::Style),
            ("ignore", Severity::Style),
            ("none", Severity::Style),
        ] {
            let file = read(&format!("failure-threshold: {level}\n"));
            assert_eq!(file.settings.failure_threshold, Some(severity), "{level}");
        }
        let bad = error("ignored: []\nfailure-threshold: fatal\n");
        assert_eq!(bad.line, Some(2));
        assert_eq!(bad.column, Some(20));
        assert!(bad.message.contains("`fatal`"), "{}", bad.message);
        assert!(bad.to_string().starts_with("dir/.hadolint.yaml:2:20: "));
    }

    #[test]
    fn labels_booleans_and_pragmas() {
        let file = read(
            "label-schema:\n  author: text\n  version: semver\nstrict-labels: true\nno-fail: true\ndisable-ignore-pragma: true\n",
        );
        let settings = file.settings;
        let schema = settings.label_schema.unwrap();
        assert_eq!(schema["author"], "text");
        assert_eq!(schema["version"], "semver");
        assert_eq!(settings.strict_labels, Some(true));
        assert_eq!(settings.no_fail, Some(true));
        assert_eq!(settings.honor_inline_ignores, Some(false));
        let on = read("disable-ignore-pragma: false\n");
        assert_eq!(on.settings.honor_inline_ignores, Some(true));
    }

    #[test]
    fn label_kinds_are_checked() {
        let file = read(
            "label-schema:\n  a: url\n  b: spdx\n  c: hash\n  d: rfc3339\n  e: email\n  f: \"\"\n",
        );
        assert_eq!(file.settings.label_schema.unwrap().len(), 6);
        let e = error("label-schema:\n  version: version\n");
        assert_eq!((e.line, e.column), (Some(2), Some(12)));
        let expected = "invalid kind `version` for label `version`";
        assert!(e.message.contains(expected), "{}", e.message);
    }

    #[test]
    fn merged_settings() {
        let file = read("ignored: [DL3008]\nno-fail: true\ndisable-ignore-pragma: true\n");
        let settings = crate::Settings::default().merged(file.settings);
        assert_eq!(settings.ignore, ["DL3008"]);
        assert!(settings.no_fail);
        assert!(!settings.fails_on(Severity::Error));
        assert!(!settings.honor_inline_ignores);
    }

    #[test]
    fn output_options_and_unknown_keys_are_warnings() {
        let file = read("format: json\nno-color: true\nverbose: false\nsomething: 1\n");
        assert_eq!(file.settings, SettingsFile::default());
        assert_eq!(file.warnings.len(), 4);
        assert!(file.warnings[3].contains("`something`"));
    }

    #[test]
    fn empty_file_and_nulls() {
        assert_eq!(read(""), HadolintFile::default());
        assert_eq!(read("# only a comment\n"), HadolintFile::default());
        assert_eq!(read("ignored:\n").settings, SettingsFile::default());
    }

    #[test]
    fn type_errors_have_positions() {
        let e = error("ignored: DL3008\n");
        assert_eq!((e.line, e.column), (Some(1), Some(10)));
        assert!(e.message.contains("`ignored` must be a list of strings"));
        let e = error("ignored:\n  - 3008\n");
        assert_eq!((e.line, e.column), (Some(2), Some(5)));
        let e = error("strict-labels: yes\n");
        assert!(e.message.contains("`true` or `false`"), "{}", e.message);
        let e = error("- DL3008\n");
        assert!(e.message.contains("expected a mapping"));
        let e = error("override: [DL3008]\n");
        assert!(e.message.contains("`override` must be a mapping"));
    }

    #[test]
    fn syntax_errors_and_duplicate_keys() {
        let e = error("ignored: [DL3008\n");
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        assert!(e.line.is_some());
        let e = error("ignored: []\nignored: []\n");
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
    }
}
