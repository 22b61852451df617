//! Findings as LSP diagnostics, pushed with `textDocument/publishDiagnostics`.

use crate::document::Analysis;
use crate::position::Positions;
use plimsoll_rules::registry::documentation_url;
use plimsoll_rules::{Diagnostic, Severity, Tag};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Uri,
};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "plimsoll";

/// The LSP diagnostics of an analysis.
pub fn to_lsp_all(
    analysis: &Analysis,
    positions: Positions<'_>,
    uri: &Uri,
) -> Vec<lsp::Diagnostic> {
    let mut out: Vec<lsp::Diagnostic> = analysis
        .diagnostics
        .iter()
        .map(|diagnostic| to_lsp(diagnostic, positions, uri))
        .collect();
    if let Some(error) = &analysis.notice {
        // Shown at the top of the file so the user sees why the rules are the defaults.
        out.insert(
            0,
            lsp::Diagnostic {
                range: lsp::Range::default(),
                severity: Some(DiagnosticSeverity::WARNING),
                source: Some(SOURCE.to_string()),
                message: error.clone(),
                ..Default::default()
            },
        );
    }
    out
}

/// One finding as an LSP diagnostic.
pub fn to_lsp(diagnostic: &Diagnostic, positions: Positions<'_>, uri: &Uri) -> lsp::Diagnostic {
    let code_description = documentation_url(diagnostic.code)
        .parse::<Uri>()
        .ok()
        .map(|href| CodeDescription { href });
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), positions.range(related.range)),
            message: related.message.clone(),
        })
        .collect();
    let tags: Vec<DiagnosticTag> = diagnostic
        .tags
        .iter()
        .map(|tag| match tag {
            Tag::Unnecessary => DiagnosticTag::UNNECESSARY,
            Tag::Deprecated => DiagnosticTag::DEPRECATED,
        })
        .collect();
    lsp::Diagnostic {
        range: positions.range(diagnostic.range),
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.code.to_string())),
        code_description,
        source: Some(SOURCE.to_string()),
        message: diagnostic.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: (!tags.is_empty()).then_some(tags),
        data: None,
    }
}

/// Plimsoll's severities as the editor's: a style finding is a hint.
pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Style => DiagnosticSeverity::HINT,
    }
}
