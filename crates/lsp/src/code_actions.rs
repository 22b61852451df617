//! Code actions: each finding's fix, "Fix all safe problems", and "Ignore CODE for this
//! instruction".

use crate::diagnostics::to_lsp;
use crate::document::{Analysis, Document};
use crate::position::Positions;
use plimsoll_parser::line_index::PositionEncoding;
use plimsoll_parser::TextRange;
use plimsoll_rules::{apply_fixes, Applicability, Diagnostic, Edit, Fix};
use std::collections::HashMap;
use std::path::Path;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, Range, ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

/// `source.fixAll.plimsoll`: applies every safe fix (editors run it on save when asked to).
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.plimsoll")
}

/// What the client can apply.
#[derive(Clone, Copy, Debug, Default)]
pub struct EditSupport {
    /// Versioned `documentChanges` instead of `changes`.
    pub document_changes: bool,
    /// `CreateFile` resource operations.
    pub create_files: bool,
}

/// The request, as the handler read it.
pub struct Request<'a> {
    /// The document.
    pub document: &'a Document,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// The range the user is at.
    pub range: TextRange,
    /// The kinds the client asked for (`None`: all).
    pub only: Option<&'a [CodeActionKind]>,
    /// The negotiated encoding.
    pub encoding: PositionEncoding,
    /// What the client can apply.
    pub support: EditSupport,
}

/// The code actions for a range of a document.
pub fn code_actions(request: &Request<'_>) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    let wants = |kind: &CodeActionKind| match request.only {
        None => true,
        Some(only) => only.iter().any(|asked| {
            kind.as_str() == asked.as_str()
                || kind.as_str().starts_with(&format!("{}.", asked.as_str()))
        }),
    };
    let positions = request.document.positions(request.encoding);
    if wants(&CodeActionKind::QUICKFIX) {
        for diagnostic in request
            .analysis
            .diagnostics
            .iter()
            .filter(|d| touches(d.range, request.range))
        {
            if let Some(action) = fix_action(request, diagnostic, positions) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
            if let Some(action) = ignore_action(request, diagnostic, positions) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    if wants(&fix_all_kind()) {
        if let Some(action) = fix_all_action(request) {
            actions.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    actions
}

/// Whether a finding is at the requested range (an empty range at either end counts).
fn touches(found: TextRange, asked: TextRange) -> bool {
    found.start <= asked.end && asked.start <= found.end
}

fn fix_action(
    request: &Request<'_>,
    diagnostic: &Diagnostic,
    positions: Positions<'_>,
) -> Option<CodeAction> {
    let fix = diagnostic.fix.as_ref()?;
    if fix.applicability == Applicability::DisplayOnly {
        return None;
    }
    let edit = workspace_edit(request, fix)?;
    Some(CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![to_lsp(diagnostic, positions, &request.document.uri)]),
        edit: Some(edit),
        is_preferred: Some(fix.applicability == Applicability::Safe),
        ..Default::default()
    })
}

/// The edits of a fix as a workspace edit; `None` when the fix creates a file and the
/// client cannot create files.
fn workspace_edit(request: &Request<'_>, fix: &Fix) -> Option<WorkspaceEdit> {
    let positions = request.document.positions(request.encoding);
    let mut text_edits = Vec::new();
    let mut created = Vec::new();
    for edit in &fix.edits {
        match edit {
            Edit::Replace { range, content } => text_edits.push(TextEdit {
                range: positions.range(*range),
                new_text: content.clone(),
            }),
            Edit::CreateFile { path, content } => created.push((path.as_str(), content.as_str())),
        }
    }
    edit_with(request, text_edits, &created)
}

fn edit_with(
    request: &Request<'_>,
    text_edits: Vec<TextEdit>,
    created: &[(&str, &str)],
) -> Option<WorkspaceEdit> {
    let document = request.document;
    if created.is_empty() && !request.support.document_changes {
        let mut changes = HashMap::new();
        changes.insert(document.uri.clone(), text_edits);
        return Some(WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        });
    }
    let can_create = request.support.create_files && request.support.document_changes;
    if !created.is_empty() && !can_create {
        return None;
    }
    let mut operations = Vec::new();
    if !text_edits.is_empty() {
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: document.uri.clone(),
                version: Some(document.version),
            },
            edits: text_edits.into_iter().map(OneOf::Left).collect(),
        }));
    }
    let root = request.analysis.context.as_ref()?.root();
    for (path, content) in created {
        let uri = file_uri(root, path)?;
        operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            },
        )));
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![OneOf::Left(TextEdit {
                range: Range::new(Position::new(0, 0), Position::new(0, 0)),
                new_text: content.to_string(),
            })],
        }));
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(operations)),
        ..Default::default()
    })
}

fn file_uri(root: &Path, path: &str) -> Option<Uri> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    Uri::from_file_path(path.split('/').fold(root, |dir, part| dir.join(part)))
}

/// "Ignore CODE for this instruction": a `# plimsoll ignore=CODE` comment above the
/// instruction, or CODE added to the one already there.
fn ignore_action(
    request: &Request<'_>,
    diagnostic: &Diagnostic,
    positions: Positions<'_>,
) -> Option<CodeAction> {
    if diagnostic.code == "PL001" {
        return None;
    }
    let text = &request.document.text;
    let instruction = request.analysis.model.file.instructions.iter().find(|i| {
        i.range.start <= diagnostic.range.start && diagnostic.range.start <= i.range.end
    })?;
    let line_start = text
        .get(..instruction.range.start as usize)?
        .rfind('\n')
        .map_or(0, |at| at + 1);
    let indentation: String = text
        .get(line_start..)?
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let edit = match existing_ignore(text, line_start) {
        Some(end_of_codes) => TextEdit {
            range: positions.range(TextRange::empty(end_of_codes)),
            new_text: format!(",{}", diagnostic.code),
        },
        None => {
            let line_break = if text.contains("\r\n") { "\r\n" } else { "\n" };
            TextEdit {
                range: positions.range(TextRange::empty(line_start as u32)),
                new_text: format!(
                    "{indentation}# plimsoll ignore={}{line_break}",
                    diagnostic.code
                ),
            }
        }
    };
    Some(CodeAction {
        title: format!("Ignore {} for this instruction", diagnostic.code),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![to_lsp(diagnostic, positions, &request.document.uri)]),
        edit: edit_with(request, vec![edit], &[]),
        is_preferred: Some(false),
        ..Default::default()
    })
}

/// When the line above `line_start` is a `# plimsoll ignore=…` comment, the offset right
/// after its list of codes.
fn existing_ignore(text: &str, line_start: usize) -> Option<u32> {
    let above = text.get(..line_start.checked_sub(1)?)?;
    let above = above.strip_suffix('\r').unwrap_or(above);
    let start = above.rfind('\n').map_or(0, |at| at + 1);
    let line = &above[start..];
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("plimsoll")?;
    let rest = rest.trim_start().strip_prefix("ignore=")?;
    let codes = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if codes == 0 {
        return None;
    }
    let codes_start = start + line.len() - rest.len();
    Some((codes_start + codes) as u32)
}

/// "Fix all safe problems", as one edit over the part of the file that changes.
fn fix_all_action(request: &Request<'_>) -> Option<CodeAction> {
    let has_safe_fix = request.analysis.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == Applicability::Safe)
    });
    if !has_safe_fix {
        return None;
    }
    let before = &request.document.text;
    let outcome = apply_fixes(before, &request.analysis.options(), Applicability::Safe);
    let created: Vec<(&str, &str)> =
        if request.support.create_files && request.support.document_changes {
            outcome
                .created_files
                .iter()
                .map(|(path, content)| (path.as_str(), content.as_str()))
                .collect()
        } else {
            Vec::new()
        };
    if outcome.source == *before && created.is_empty() {
        return None;
    }
    let changed = changed_range(before, &outcome.source);
    let positions = request.document.positions(request.encoding);
    let replacement = &outcome.source
        [changed.start as usize..outcome.source.len() - (before.len() - changed.end as usize)];
    let edits = if changed.is_empty() && replacement.is_empty() {
        Vec::new()
    } else {
        vec![TextEdit {
            range: positions.range(changed),
            new_text: replacement.to_string(),
        }]
    };
    Some(CodeAction {
        title: "Fix all safe problems".to_string(),
        kind: Some(fix_all_kind()),
        edit: edit_with(request, edits, &created),
        ..Default::default()
    })
}

/// The range of `before` that differs from `after`: the text between their common prefix
/// and common suffix, on character boundaries.
fn changed_range(before: &str, after: &str) -> TextRange {
    let mut prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(prefix) || !after.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let longest_suffix = before.len().min(after.len()) - prefix;
    let mut suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(longest_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - suffix)
        || !after.is_char_boundary(after.len() - suffix)
    {
        suffix -= 1;
    }
    TextRange::from_usize(prefix, before.len() - suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_range_is_minimal_and_on_char_boundaries() {
        assert_eq!(changed_range("abc", "abc"), TextRange::new(3, 3));
        assert_eq!(
            changed_range("FROM a\nRUN x\n", "FROM a\nRUN y\n"),
            TextRange::new(11, 12)
        );
        assert_eq!(changed_range("aXb", "ab"), TextRange::new(1, 2));
        // `é` (c3 a9) and `è` (c3 a8) share their first byte.
        assert_eq!(changed_range("é", "è"), TextRange::new(0, 2));
        assert_eq!(changed_range("aa", "aaa"), TextRange::new(2, 2));
    }

    #[test]
    fn finds_an_existing_ignore_comment() {
        let text = "FROM a\n  # plimsoll ignore=DL3008 because\nRUN x\n";
        let line_start = text.find("RUN").unwrap();
        let end = existing_ignore(text, line_start).unwrap() as usize;
        assert_eq!(&text[..end], "FROM a\n  # plimsoll ignore=DL3008");
        assert_eq!(existing_ignore("# other\nRUN x\n", 8), None);
        assert_eq!(existing_ignore("RUN x\n", 0), None);
        assert_eq!(existing_ignore("# plimsoll ignore=\r\nRUN x\n", 20), None);
    }
}
