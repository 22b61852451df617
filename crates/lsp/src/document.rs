//! Open documents: their text, version, line index and latest analysis.

use crate::position::Positions;
use crate::settings::Workspace;
use plimsoll_parser::line_index::{LineIndex, PositionEncoding};
use plimsoll_rules::{lint, Diagnostic, FsContext, LintOptions, SemanticModel, Settings};
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
    /// A configuration problem found while resolving the settings.
    pub config_error: Option<String>,
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
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) {
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
        self.analysis = None;
    }

    /// Positions of this document's text.
    pub fn positions(&self, encoding: PositionEncoding) -> Positions<'_> {
        Positions::new(&self.line_index, encoding)
    }

    /// The analysis of the current text, linting it first when needed.
    pub fn analysis(&mut self, workspace: &mut Workspace) -> Arc<Analysis> {
        match &self.analysis {
            Some(analysis) if analysis.version == self.version => analysis.clone(),
            _ => {
                let analysis = Arc::new(self.analyze(workspace));
                self.analysis = Some(analysis.clone());
                analysis
            }
        }
    }

    /// Drops the analysis (the settings or the build context changed).
    pub fn invalidate(&mut self) {
        self.analysis = None;
    }

    fn analyze(&self, workspace: &mut Workspace) -> Analysis {
        let resolved = workspace.resolve(self.path.as_deref());
        let context = resolved.context_root.map(FsContext::new);
        let dockerfile_in_context = match (&context, &self.path) {
            (Some(context), Some(path)) => context.path_of(path),
            _ => None,
        };
        let result = lint(
            &self.text,
            &lint_options(
                &resolved.settings,
                context.as_ref(),
                dockerfile_in_context.as_deref(),
            ),
        );
        Analysis {
            version: self.version,
            model: result.model,
            diagnostics: result.diagnostics,
            settings: resolved.settings,
            context,
            dockerfile_in_context,
            config_error: resolved.error,
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
        document.apply_changes(
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
        document.apply_changes(
            2,
            vec![change(None, "FROM alpine:3.20\n")],
            PositionEncoding::Utf8,
        );
        let second = document.analysis(&mut workspace);
        assert_eq!(second.version, 2);
        assert!(!second.diagnostics.iter().any(|d| d.code == "DL3006"));
    }
}
