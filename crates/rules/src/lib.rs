//! Semantic model, rule engine and rules of Plimsoll.
//!
//! [`lint`] parses a Dockerfile, builds its [`SemanticModel`], runs every enabled rule on it
//! (with the build context, when there is one) and returns [`Diagnostic`]s, each possibly
//! with a [`Fix`]. [`apply_fixes`] applies fixes to a fixed point.
//!
//! ```
//! use plimsoll_rules::{lint, LintOptions, Settings};
//!
//! let settings = Settings::default();
//! let result = lint("FROM alpine:3.20\nRUN apk add curl\n", &LintOptions::new(&settings));
//! let finding = &result.diagnostics[0];
//! assert_eq!(finding.code, "DL3019");
//! assert_eq!(finding.fix.as_ref().unwrap().title, "Add `--no-cache` to `apk add`");
//! ```

#![warn(missing_docs)]

pub use plimsoll_parser as parser;

pub mod checker;
pub mod context;
pub mod diagnostic;
pub mod fix;
pub mod lint;
pub mod model;
pub mod registry;
pub mod rules;
pub mod settings;
pub mod shellcheck;
pub mod suppression;

pub use checker::Checker;
pub use context::{BuildContext, FsContext, MemoryContext};
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Tag};
pub use fix::{apply_edits, apply_fixes, FixOutcome};
pub use lint::{lint, lint_model, LintOptions, LintResult};
pub use model::SemanticModel;
pub use registry::{all_metas, all_rules, find_meta, find_rule, Category, Rule, RuleMeta};
pub use settings::Settings;
