//! Open documents: their text, version, line index and latest analysis.

use crate::position::Positions;
use crate::settings::{Resolved, Workspace};
use plimsoll_parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::{lint, Diagnostic, FsContext, LintOptions, SemanticModel, Settings};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// An open document.
pub struct Document {
    /// Its URI.
    pub uri: Uri,
    /// Its file, when the URI is a `file:` URI.
    pub path: Option<PathBuf>,
    /// The client's language id (`dockerfile`).
    pub language: String,
    /// The current text.
    pub text: String,
    /// The client's version of the text; only ever increases.
    pub version: i32,
    /// Lines of [`Self::text`].
    pub line_index: LineIndex,
    analysis: Option<Arc<Analysis>>,
}

/// What linting one version of a document found, kept until the next change so that
/// hover, completion and code actions read the same model the diagnostics came from.
pub struct Analysis {
    /// The version analysed.
    pub version: i32,
    /// The parse tree and semantic model.
    pub model: SemanticModel,
    /// The findings.
    pub diagnostics: Vec<Diagnostic>,
    /// The settings used.
    pub settings: Arc<Settings>,
    /// The build context used.
    pub context: Option<FsContext>,
    /// The Dockerfile's path inside the context.
    pub dockerfile_in_context: Option<String>,
    /// Something to tell the user about this file: a configuration file that could not be
    /// read, or an internal error.
    pub notice: Option<String>,
}

impl Analysis {
    /// Lint options equal to the ones of this analysis (for fix-all).
    pub fn options(&self) -> LintOptions<'_> {
        lint_options(
            &self.settings,
            self.context.as_ref(),
            self.dockerfile_in_context.as_deref(),
        )
    }
}

fn lint_options<'a>(
    settings: &'a Settings,
    context: Option<&'a FsContext>,
    dockerfile: Option<&'a str>,
) -> LintOptions<'a> {
    let options = LintOptions::new(settings);
    match context {
        Some(context) => options.with_context(context, dockerfile),
        None => options,
    }
}

impl Document {
    /// A newly opened document.
    pub fn new(uri: Uri, language: String, text: String, version: i32) -> Document {
        let path = uri
            .to_file_path()
            .map(|path| path.into_owned())
            .filter(|path| path.is_absolute());
        let line_index = LineIndex::new(&text);
        Document {
            uri,
            path,
            language,
            text,
            version,
            line_index,
            analysis: None,
        }
    }

    /// Applies the client's changes, in order. A change whose range is out of bounds is
    /// clamped rather than refused: the text stays a faithful copy as long as the client's
    /// ranges are right, and never panics when they are not.
    ///
    /// Returns the analysis of the previous text, no longer kept, for the caller to drop
    /// once the new diagnostics are sent: freeing a large model takes a share of the time
    /// between a keystroke and its diagnostics.
    #[must_use = "the previous analysis is dropped where this result is"]
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) -> Option<Arc<Analysis>> {
        for change in changes {
            match change.range {
                Some(range) => {
                    let range = Positions::new(&self.line_index, encoding).text_range(range);
                    self.text.replace_range(range.as_usize(), &change.text);
                }
                None => self.text = change.text,
            }
            self.line_index = LineIndex::new(&self.text);
        }
        self.version = version;
        if self.is_large() {
            None
        } else {
            self.analysis.take()
        }
    }

    /// Positions of this document's text.
    pub fn positions(&self, encoding: PositionEncoding) -> Positions<'_> {
        Positions::new(&self.line_index, encoding)
    }

    /// Whether linting this document takes long enough to be done off the message loop.
    pub fn is_large(&self) -> bool {
        self.text.len() >= LARGE_DOCUMENT
    }

    /// The analysis of the current text, linting it first when needed. A large document
    /// answers with its latest analysis, even of an older version, while a newer one is
    /// being made in the background: stale positions are clamped, never trusted.
    pub fn analysis(&mut self, workspace: &mut Workspace) -> Arc<Analysis> {
        match &self.analysis {
            Some(analysis) if analysis.version == self.version || self.is_large() => {
                analysis.clone()
            }
            _ => {
                let analysis = Arc::new(self.pending_analysis(workspace).run());
                self.analysis = Some(analysis.clone());
                analysis
            }
        }
    }

    /// Whether the stored analysis is of the current text.
    pub fn is_analysed(&self) -> bool {
        self.analysis
            .as_ref()
            .is_some_and(|a| a.version == self.version)
    }

    /// Drops the analysis (the settings or the build context changed).
    pub fn invalidate(&mut self) {
        self.analysis = None;
    }

    /// What linting the current text needs, to run elsewhere.
    pub fn pending_analysis(&self, workspace: &mut Workspace) -> PendingAnalysis {
        PendingAnalysis {
            text: self.text.clone(),
            version: self.version,
            path: self.path.clone(),
            resolved: workspace.resolve(self.path.as_deref()),
        }
    }

    /// Keeps an analysis made elsewhere, unless a newer one is already kept.
    pub fn store(&mut self, analysis: Arc<Analysis>) {
        if self
            .analysis
            .as_ref()
            .is_none_or(|kept| kept.version <= analysis.version)
        {
            self.analysis = Some(analysis);
        }
    }
}

/// Documents at least this long (bytes) are linted on a blocking thread.
pub const LARGE_DOCUMENT: usize = 1 << 20;

/// A lint to run: the text, its version, and the settings and context to use.
pub struct PendingAnalysis {
    text: String,
    version: i32,
    path: Option<PathBuf>,
    resolved: Resolved,
}

impl PendingAnalysis {
    /// Lints.
    pub fn run(self) -> Analysis {
        let resolved = self.resolved;
        let context = resolved.context_root.map(FsContext::new);
        let dockerfile_in_context = match (&context, &self.path) {
            (Some(context), Some(path)) => context.path_of(path),
            _ => None,
        };
        let options = lint_options(
            &resolved.settings,
            context.as_ref(),
            dockerfile_in_context.as_deref(),
        );
        // A bug in a rule must cost the user that file's diagnostics, not the editor's
        // server: the panic is caught and shown where the findings would be.
        let (model, diagnostics, internal_error) =
            match std::panic::catch_unwind(AssertUnwindSafe(|| lint(&self.text, &options))) {
                Ok(result) => (result.model, result.diagnostics, None),
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let model = SemanticModel::new(plimsoll_parser::parse(""));
                    (
                        model,
                        Vec::new(),
                        Some(format!(
                            "internal error while checking this file, please report it: {message}"
                        )),
                    )
                }
            };
        Analysis {
            version: self.version,
            model,
            diagnostics,
            settings: resolved.settings,
            context,
            dockerfile_in_context,
            notice: resolved.error.or(internal_error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let uri: Uri = "untitled:Dockerfile".parse().unwrap();
        let mut document = Document::new(
            uri,
            "dockerfile".into(),
            "FROM a\n# 中文 😀\nRUN x\n".into(),
            1,
        );
        let _previous = document.apply_changes(
            2,
            vec![
                // Replace `x` on line 2 (UTF-16 columns).
                change(Some(((2, 4), (2, 5))), "echo hi"),
                // Insert after the emoji: `# 中文 😀` is 7 UTF-16 units long.
                change(Some(((1, 7), (1, 7))), "!"),
                // A range past the end is clamped.
                change(Some(((40, 0), (41, 3))), "USER app\n"),
            ],
            PositionEncoding::Utf16,
        );
        assert_eq!(document.text, "FROM a\n# 中文 😀!\nRUN echo hi\nUSER app\n");
        assert_eq!(document.version, 2);
        let _previous =
            document.apply_changes(3, vec![change(None, "FROM b\n")], PositionEncoding::Utf16);
        assert_eq!(document.text, "FROM b\n");
    }

    #[test]
    fn analysis_is_cached_per_version() {
        let uri: Uri = "untitled:Dockerfile".parse().unwrap();
        let mut document = Document::new(uri, "dockerfile".into(), "FROM alpine\n".into(), 1);
        let mut workspace = Workspace::default();
        let first = document.analysis(&mut workspace);
        assert!(first.diagnostics.iter().any(|d| d.code == "DL3006"));
        assert!(Arc::ptr_eq(&first, &document.analysis(&mut workspace)));
        let _previous = document.apply_changes(
            2,
            vec![change(None, "FROM alpine:3.20\n")],
            PositionEncoding::Utf8,
        );
        let second = document.analysis(&mut workspace);
        assert_eq!(second.version, 2);
        assert!(!second.diagnostics.iter().any(|d| d.code == "DL3006"));
    }
}
