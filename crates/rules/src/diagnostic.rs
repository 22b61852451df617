//! What a rule reports: a [`Diagnostic`], possibly with a [`Fix`] made of [`Edit`]s.

use crate::registry::RuleMeta;
use plimsoll_parser::TextRange;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a finding is, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A matter of style or convention.
    Style,
    /// A suggestion worth knowing about.
    Info,
    /// Likely a problem: a bigger, slower or less safe image.
    Warning,
    /// The build fails, or the image is broken or unsafe.
    Error,
}

impl Severity {
    /// Every severity, least serious first.
    pub const ALL: [Severity; 4] = [
        Severity::Style,
        Severity::Info,
        Severity::Warning,
        Severity::Error,
    ];

    /// The lowercase name: `style`, `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Style => "style",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Reads a severity name, case-insensitively; hadolint's `warn` is accepted too.
    pub fn parse(name: &str) -> Option<Severity> {
        match name.trim().to_ascii_lowercase().as_str() {
            "style" => Some(Severity::Style),
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure a fix is to keep the build's meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown as a suggestion only: it needs a human to finish it.
    DisplayOnly,
    /// Correct in the usual case but may change behaviour: applied with `--unsafe-fixes`.
    Unsafe,
    /// Keeps the build's meaning: applied by `--fix`.
    Safe,
}

impl Applicability {
    /// `safe`, `unsafe` or `display-only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// One change to make.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Edit {
    /// Replaces a byte range of the Dockerfile (an empty range inserts).
    Replace {
        /// What to replace.
        range: TextRange,
        /// The new text.
        content: String,
    },
    /// Creates a file in the build context (for example a `.dockerignore`); never
    /// overwrites an existing file.
    CreateFile {
        /// The path relative to the context root, `/`-separated.
        path: String,
        /// The file's content.
        content: String,
    },
}

impl Edit {
    /// Replaces `range` with `content`.
    pub fn replace(range: TextRange, content: impl Into<String>) -> Edit {
        Edit::Replace {
            range,
            content: content.into(),
        }
    }

    /// Inserts `content` at `offset`.
    pub fn insert(offset: u32, content: impl Into<String>) -> Edit {
        Edit::replace(TextRange::empty(offset), content)
    }

    /// Deletes `range`.
    pub fn delete(range: TextRange) -> Edit {
        Edit::replace(range, "")
    }

    /// Creates the context file `path`.
    pub fn create_file(path: impl Into<String>, content: impl Into<String>) -> Edit {
        Edit::CreateFile {
            path: path.into(),
            content: content.into(),
        }
    }

    /// The Dockerfile range the edit touches; `None` for a new file.
    pub fn range(&self) -> Option<TextRange> {
        match self {
            Edit::Replace { range, .. } => Some(*range),
            Edit::CreateFile { .. } => None,
        }
    }
}

/// A way to resolve a diagnostic: edits applied together.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Fix {
    /// What the fix does, in the imperative: "Add `--no-cache` to `apk add`".
    pub title: String,
    /// Whether `--fix` may apply it.
    pub applicability: Applicability,
    /// The edits, which never overlap.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix `--fix` applies.
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }

    /// A fix applied only with `--unsafe-fixes`.
    pub fn unsafe_edit(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }

    /// A fix shown, never applied.
    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::DisplayOnly, edits)
    }

    /// A fix with the given applicability; the edits are sorted by position.
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|edit| {
            edit.range()
                .map_or((u32::MAX, u32::MAX), |r| (r.start, r.end))
        });
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }

    /// The smallest range covering every Dockerfile edit.
    pub fn range(&self) -> Option<TextRange> {
        self.edits
            .iter()
            .filter_map(Edit::range)
            .reduce(TextRange::cover)
    }
}

/// A finding: which rule, where, what, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule's code (`DL3008`, `PL301`).
    pub code: &'static str,
    /// The rule's kebab-case name.
    pub name: &'static str,
    /// The severity after settings and suppressions were applied.
    pub severity: Severity,
    /// Where the problem is, in bytes of the Dockerfile.
    pub range: TextRange,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Other places that explain the finding, each with a note.
    pub related: Vec<Related>,
    /// How to fix it, when an edit can.
    pub fix: Option<Fix>,
    /// What kind of code the range is, for editors that render it specially.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// What kind of code a diagnostic's range is; editors fade unnecessary code and strike
/// deprecated code through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    /// Code that does nothing and can be removed (an unused suppression, an empty
    /// continuation line).
    Unnecessary,
    /// A construct that still works but is deprecated (MAINTAINER).
    Deprecated,
}

/// A place related to a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Where.
    pub range: TextRange,
    /// Why it matters.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `rule` with the rule's default severity.
    pub fn new(rule: &RuleMeta, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            range,
            message: message.into(),
            related: Vec::new(),
            fix: None,
            tags: Vec::new(),
        }
    }

    /// Tags a reported diagnostic.
    pub fn add_tag(&mut self, tag: Tag) -> &mut Diagnostic {
        if !self.tags.contains(&tag) {
            self.tags.push(tag);
        }
        self
    }

    /// Sets the fix of a reported diagnostic.
    pub fn set_fix(&mut self, fix: Fix) -> &mut Diagnostic {
        self.fix = Some(fix);
        self
    }

    /// Adds a related place to a reported diagnostic.
    pub fn add_related(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }

    /// Adds a fix.
    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    /// Adds a related place.
    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }
}
