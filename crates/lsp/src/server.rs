//! The language server: document store, settings, and the LSP methods, each handed to the
//! module of its capability.
//!
//! Requests and notifications are handled one at a time, in the order they arrive (the
//! server runs with a concurrency of one): linting is synchronous and takes microseconds to
//! milliseconds, and strict order keeps incremental edits right. No handler holds the state
//! lock across an `.await`, and none awaits a request to the client: those (settings,
//! file-watch registration) run in spawned tasks.

use crate::code_actions::{self, fix_all_kind, EditSupport};
use crate::completion::{complete, CandidateKind};
use crate::diagnostics::to_lsp_all;
use crate::document::Document;
use crate::hover;
use crate::log;
use crate::navigation;
use crate::outline::{folds, outline, OutlineNode};
use crate::position::{encoding_kind, negotiate, Positions};
use crate::semantic_tokens;
use crate::settings::{ClientSettings, Workspace};
use crate::signature_help;
use crate::symbols::SymbolTable;
use plimsoll_parser::line_index::PositionEncoding;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tower_lsp_server::jsonrpc::{self, Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// The files whose change may change findings: configuration, `.dockerignore`, `go.mod`.
const WATCHED: &str =
    "**/{plimsoll.toml,.plimsoll.toml,.hadolint.yaml,.hadolint.yml,.dockerignore,*.dockerignore,go.mod}";

/// The server.
#[derive(Clone)]
pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
}

struct State {
    encoding: PositionEncoding,
    documents: HashMap<Uri, Document>,
    workspace: Workspace,
    support: EditSupport,
    pulls_configuration: bool,
    watches_files: bool,
    reported_notices: HashSet<String>,
    /// Large documents being linted on a blocking thread.
    linting: HashSet<Uri>,
}

/// What to send after a document was (re)linted.
struct Publish {
    uri: Uri,
    version: i32,
    diagnostics: Vec<Diagnostic>,
    notice: Option<String>,
}

impl Backend {
    /// A server talking to `client`.
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(Mutex::new(State {
                encoding: PositionEncoding::Utf16,
                documents: HashMap::new(),
                workspace: Workspace::default(),
                support: EditSupport::default(),
                pulls_configuration: false,
                watches_files: false,
                reported_notices: HashSet::new(),
                linting: HashSet::new(),
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A handler that panicked must not take the server down with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn publish(&self, publish: Option<Publish>) {
        let Some(publish) = publish else { return };
        if let Some(error) = publish.notice {
            let new = self.state().reported_notices.insert(error.clone());
            if new {
                log!(Warn, "{error}");
                self.client
                    .show_message(MessageType::WARNING, format!("plimsoll: {error}"))
                    .await;
            }
        }
        self.client
            .publish_diagnostics(publish.uri, publish.diagnostics, Some(publish.version))
            .await;
    }

    async fn relint_all(&self) {
        let uris: Vec<Uri> = {
            let mut state = self.state();
            for document in state.documents.values_mut() {
                document.invalidate();
            }
            state.documents.keys().cloned().collect()
        };
        for uri in uris {
            self.lint_and_publish(uri).await;
        }
    }

    /// Lints a document and publishes its diagnostics: at once, or on a blocking thread
    /// for a large document, so that typing elsewhere stays responsive.
    async fn lint_and_publish(&self, uri: Uri) {
        let publish = {
            let mut state = self.state();
            match state.documents.get(&uri) {
                None => None,
                Some(document) if document.is_large() => {
                    drop(state);
                    self.lint_in_background(uri);
                    return;
                }
                Some(_) => state.lint(&uri),
            }
        };
        self.publish(publish).await;
    }

    fn lint_in_background(&self, uri: Uri) {
        let pending = {
            let mut state = self.state();
            let State {
                documents,
                workspace,
                linting,
                ..
            } = &mut *state;
            let Some(document) = documents.get(&uri) else {
                return;
            };
            if document.is_analysed() || !linting.insert(uri.clone()) {
                // Done already, or running: the running lint checks the version when it ends.
                return;
            }
            document.pending_analysis(workspace)
        };
        let backend = self.clone();
        tokio::spawn(async move {
            let analysis = tokio::task::spawn_blocking(move || pending.run()).await;
            let (publish, again) = {
                let mut state = backend.state();
                state.linting.remove(&uri);
                let encoding = state.encoding;
                match (analysis, state.documents.get_mut(&uri)) {
                    (Ok(analysis), Some(document)) => {
                        let analysis = Arc::new(analysis);
                        document.store(analysis.clone());
                        if document.version == analysis.version {
                            let publish = Publish {
                                uri: uri.clone(),
                                version: analysis.version,
                                diagnostics: to_lsp_all(
                                    &analysis,
                                    document.positions(encoding),
                                    &uri,
                                ),
                                notice: analysis.notice.clone(),
                            };
                            (Some(publish), false)
                        } else {
                            (None, true)
                        }
                    }
                    _ => (None, false),
                }
            };
            backend.publish(publish).await;
            if again {
                backend.lint_in_background(uri);
            }
        });
    }

    async fn apply_client_settings(&self, value: &serde_json::Value) {
        let (settings, problems) = self.state().workspace.initial.updated(value);
        log!(Info, "settings from the editor: {settings:?}");
        for problem in problems {
            self.client
                .show_message(MessageType::WARNING, format!("plimsoll: {problem}"))
                .await;
        }
        let changed = {
            let mut state = self.state();
            let changed = state.workspace.client != settings;
            state.workspace.client = settings;
            state.workspace.forget_configuration_files();
            changed
        };
        if changed {
            self.relint_all().await;
        }
    }

    /// Asks the client for the `plimsoll` settings section (in a task of its own).
    fn pull_configuration(&self) {
        let backend = self.clone();
        tokio::spawn(async move {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("plimsoll".to_string()),
            };
            match backend.client.configuration(vec![item]).await {
                Ok(values) => {
                    if let Some(value) = values.first().filter(|v| !v.is_null()) {
                        backend.apply_client_settings(value).await;
                    }
                }
                Err(error) => {
                    backend
                        .client
                        .log_message(
                            MessageType::WARNING,
                            format!("workspace/configuration failed: {error}"),
                        )
                        .await
                }
            }
        });
    }

    fn watch_files(&self) {
        let backend = self.clone();
        tokio::spawn(async move {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String(WATCHED.to_string()),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "plimsoll-watched-files".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(error) = backend.client.register_capability(vec![registration]).await {
                backend
                    .client
                    .log_message(
                        MessageType::WARNING,
                        format!("cannot watch configuration files: {error}"),
                    )
                    .await;
            }
        });
    }

    /// Runs `f` on a document and its analysis; `None` when the document is not open.
    fn with_document<T>(
        &self,
        uri: &Uri,
        f: impl FnOnce(&Document, &crate::document::Analysis, PositionEncoding) -> T,
    ) -> Option<T> {
        let mut state = self.state();
        let State {
            documents,
            workspace,
            encoding,
            ..
        } = &mut *state;
        let document = documents.get_mut(uri)?;
        let analysis = document.analysis(workspace);
        Some(f(document, &analysis, *encoding))
    }
}

impl State {
    fn lint(&mut self, uri: &Uri) -> Option<Publish> {
        let document = self.documents.get_mut(uri)?;
        let started = std::time::Instant::now();
        let analysis = document.analysis(&mut self.workspace);
        log!(
            Debug,
            "{} v{}: {} findings in {:?}",
            uri.as_str(),
            document.version,
            analysis.diagnostics.len(),
            started.elapsed()
        );
        let positions = Positions::new(&document.line_index, self.encoding);
        Some(Publish {
            uri: uri.clone(),
            version: document.version,
            diagnostics: to_lsp_all(&analysis, positions, uri),
            notice: analysis.notice.clone(),
        })
    }
}

fn workspace_folders(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let mut folders: Vec<std::path::PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|folder| folder.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    #[allow(deprecated)]
    if folders.is_empty() {
        if let Some(root) = params.root_uri.as_ref().and_then(|uri| uri.to_file_path()) {
            folders.push(root.into_owned());
        }
    }
    folders
}

fn invalid_params(message: impl Into<String>) -> Error {
    Error::invalid_params(message.into())
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let capabilities = &params.capabilities;
        let workspace_edit = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref());
        let encoding = negotiate(capabilities);
        {
            let mut state = self.state();
            state.encoding = encoding;
            state.support = EditSupport {
                document_changes: workspace_edit
                    .and_then(|e| e.document_changes)
                    .unwrap_or(false),
                create_files: workspace_edit
                    .and_then(|e| e.resource_operations.as_ref())
                    .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
            };
            let workspace = capabilities.workspace.as_ref();
            state.pulls_configuration = workspace.and_then(|w| w.configuration).unwrap_or(false);
            state.watches_files = workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false);
            state.workspace.folders = workspace_folders(&params);
        }
        if let Some(options) = &params.initialization_options {
            let (settings, problems) = ClientSettings::from_json(options);
            for problem in problems {
                log!(Warn, "initializationOptions: {problem}");
                self.client
                    .show_message(MessageType::WARNING, format!("plimsoll: {problem}"))
                    .await;
            }
            let mut state = self.state();
            state.workspace.initial = settings.clone();
            state.workspace.client = settings;
        }
        log!(
            Info,
            "plimsoll {} serving {}; position encoding {encoding:?}",
            env!("CARGO_PKG_VERSION"),
            params
                .client_info
                .as_ref()
                .map_or("an editor", |c| c.name.as_str())
        );
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                            include_text: Some(false),
                        })),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(
                        ["$", "{", "-", "=", ",", " "].map(String::from).to_vec(),
                    ),
                    ..Default::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, fix_all_kind()]),
                        resolve_provider: Some(false),
                        ..Default::default()
                    },
                )),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                signature_help_provider: Some(SignatureHelpOptions {
                    trigger_characters: Some(vec![" ".to_string(), "=".to_string()]),
                    retrigger_characters: Some(vec![",".to_string()]),
                    work_done_progress_options: Default::default(),
                }),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: SemanticTokensLegend {
                                token_types: semantic_tokens::LEGEND
                                    .iter()
                                    .map(|name| SemanticTokenType::new(name))
                                    .collect(),
                                token_modifiers: Vec::new(),
                            },
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            work_done_progress_options: Default::default(),
                        },
                    ),
                ),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "plimsoll".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let (pulls, watches) = {
            let state = self.state();
            (state.pulls_configuration, state.watches_files)
        };
        if watches {
            self.watch_files();
        }
        if pulls {
            self.pull_configuration();
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let uri = item.uri.clone();
        let document = Document::new(item.uri, item.language_id, item.text, item.version);
        self.state().documents.insert(uri.clone(), document);
        self.lint_and_publish(uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let previous = {
            let mut state = self.state();
            let encoding = state.encoding;
            let Some(document) = state.documents.get_mut(&uri) else {
                return;
            };
            document.apply_changes(
                params.text_document.version,
                params.content_changes,
                encoding,
            )
        };
        self.lint_and_publish(uri).await;
        drop(previous);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(document) = self.state().documents.get_mut(&uri) {
            document.invalidate();
        }
        self.lint_and_publish(uri).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = self.state().documents.remove(&uri).is_some();
        if removed {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let pulls = self.state().pulls_configuration;
        match params.settings.get("plimsoll") {
            Some(section) if !pulls => self.apply_client_settings(section).await,
            _ if pulls => self.pull_configuration(),
            _ => {}
        }
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.state().workspace.forget_configuration_files();
        self.relint_all().await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        Ok(self
            .with_document(&at.text_document.uri, |document, analysis, encoding| {
                let positions = document.positions(encoding);
                let offset = positions.offset(at.position);
                let (markdown, range) = hover::hover(analysis, &document.text, offset)?;
                Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: markdown,
                    }),
                    range: Some(positions.range(range)),
                })
            })
            .flatten())
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        Ok(self
            .with_document(&at.text_document.uri, |document, analysis, encoding| {
                let positions = document.positions(encoding);
                let completions = complete(analysis, &document.text, positions.offset(at.position));
                let range = positions.range(completions.replace);
                let items: Vec<CompletionItem> = completions
                    .candidates
                    .into_iter()
                    .map(|candidate| CompletionItem {
                        kind: Some(match candidate.kind {
                            CandidateKind::Instruction | CandidateKind::Keyword => {
                                CompletionItemKind::KEYWORD
                            }
                            CandidateKind::Flag => CompletionItemKind::PROPERTY,
                            CandidateKind::Stage => CompletionItemKind::MODULE,
                            CandidateKind::Variable => CompletionItemKind::VARIABLE,
                            CandidateKind::Rule => CompletionItemKind::VALUE,
                        }),
                        detail: candidate.detail,
                        documentation: candidate.documentation.map(|value| {
                            Documentation::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value,
                            })
                        }),
                        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                            range,
                            new_text: candidate.insert,
                        })),
                        label: candidate.label,
                        ..Default::default()
                    })
                    .collect();
                (!items.is_empty()).then_some(CompletionResponse::Array(items))
            })
            .flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let support = self.state().support;
        Ok(self
            .with_document(&params.text_document.uri, |document, analysis, encoding| {
                let range = document.positions(encoding).text_range(params.range);
                let request = code_actions::Request {
                    document,
                    analysis,
                    range,
                    only: params.context.only.as_deref(),
                    encoding,
                    support,
                };
                let actions = code_actions::code_actions(&request);
                (!actions.is_empty()).then_some(actions)
            })
            .flatten())
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri;
        Ok(self
            .with_document(&uri, |document, analysis, encoding| {
                let positions = document.positions(encoding);
                let table = SymbolTable::new(&analysis.model, &document.text);
                let target = navigation::definition(&table, positions.offset(at.position))?;
                Some(GotoDefinitionResponse::Scalar(Location::new(
                    uri.clone(),
                    positions.range(target),
                )))
            })
            .flatten())
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri;
        Ok(self
            .with_document(&uri, |document, analysis, encoding| {
                let positions = document.positions(encoding);
                let table = SymbolTable::new(&analysis.model, &document.text);
                let ranges = navigation::references(
                    &table,
                    positions.offset(at.position),
                    params.context.include_declaration,
                );
                let locations: Vec<Location> = ranges
                    .into_iter()
                    .map(|range| Location::new(uri.clone(), positions.range(range)))
                    .collect();
                (!locations.is_empty()).then_some(locations)
            })
            .flatten())
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        Ok(self
            .with_document(&at.text_document.uri, |document, analysis, encoding| {
                let positions = document.positions(encoding);
                let table = SymbolTable::new(&analysis.model, &document.text);
                let highlights: Vec<DocumentHighlight> =
                    navigation::highlights(&table, positions.offset(at.position))
                        .into_iter()
                        .map(|(range, is_declaration)| DocumentHighlight {
                            range: positions.range(range),
                            kind: Some(if is_declaration {
                                DocumentHighlightKind::WRITE
                            } else {
                                DocumentHighlightKind::READ
                            }),
                        })
                        .collect();
                (!highlights.is_empty()).then_some(highlights)
            })
            .flatten())
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        Ok(self
            .with_document(&params.text_document.uri, |document, analysis, encoding| {
                let positions = document.positions(encoding);
                let table = SymbolTable::new(&analysis.model, &document.text);
                let (range, name) =
                    navigation::prepare_rename(&table, positions.offset(params.position))?;
                Some(PrepareRenameResponse::RangeWithPlaceholder {
                    range: positions.range(range),
                    placeholder: name,
                })
            })
            .flatten())
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri;
        let outcome = self.with_document(&uri, |document, analysis, encoding| {
            let positions = document.positions(encoding);
            let table = SymbolTable::new(&analysis.model, &document.text);
            let ranges =
                navigation::rename(&table, positions.offset(at.position), &params.new_name)?;
            let edits: Vec<TextEdit> = ranges
                .into_iter()
                .map(|range| TextEdit::new(positions.range(range), params.new_name.clone()))
                .collect();
            Ok::<_, String>(WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)])))
        });
        match outcome {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(message)) => Err(invalid_params(message)),
        }
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let at = params.text_document_position_params;
        Ok(self
            .with_document(&at.text_document.uri, |document, analysis, encoding| {
                let offset = document.positions(encoding).offset(at.position);
                let signature = signature_help::signature_help(analysis, offset)?;
                let documentation = match &signature.flag {
                    Some(flag) => format!("{flag}\n\n{}", signature.documentation),
                    None => signature.documentation.clone(),
                };
                Some(SignatureHelp {
                    signatures: signature
                        .forms
                        .into_iter()
                        .map(|label| SignatureInformation {
                            label,
                            documentation: Some(Documentation::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value: documentation.clone(),
                            })),
                            parameters: None,
                            active_parameter: None,
                        })
                        .collect(),
                    active_signature: Some(signature.active_form),
                    active_parameter: None,
                })
            })
            .flatten())
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(
            self.with_document(&params.text_document.uri, |document, analysis, encoding| {
                let positions = document.positions(encoding);
                let nodes = outline(&analysis.model, &document.text);
                DocumentSymbolResponse::Nested(
                    nodes
                        .iter()
                        .map(|n| document_symbol(n, positions))
                        .collect(),
                )
            }),
        )
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(
            self.with_document(&params.text_document.uri, |document, analysis, encoding| {
                let tokens = semantic_tokens::tokens(&analysis.model, &document.text);
                let data = semantic_tokens::encode(&tokens, document.positions(encoding))
                    .into_iter()
                    .map(
                        |[delta_line, delta_start, length, token_type, token_modifiers_bitset]| {
                            SemanticToken {
                                delta_line,
                                delta_start,
                                length,
                                token_type,
                                token_modifiers_bitset,
                            }
                        },
                    )
                    .collect();
                SemanticTokensResult::Tokens(SemanticTokens {
                    result_id: None,
                    data,
                })
            }),
        )
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(
            self.with_document(&params.text_document.uri, |document, analysis, encoding| {
                let positions = document.positions(encoding);
                folds(&analysis.model, &document.text)
                    .into_iter()
                    .filter_map(|fold| {
                        let range = positions.range(fold.range);
                        (range.end.line > range.start.line).then(|| FoldingRange {
                            start_line: range.start.line,
                            end_line: range.end.line,
                            kind: Some(if fold.is_comment {
                                FoldingRangeKind::Comment
                            } else {
                                FoldingRangeKind::Region
                            }),
                            ..Default::default()
                        })
                    })
                    .collect()
            }),
        )
    }
}

#[allow(deprecated)]
fn document_symbol(node: &OutlineNode, positions: Positions<'_>) -> DocumentSymbol {
    DocumentSymbol {
        name: if node.name.is_empty() {
            "?".to_string()
        } else {
            node.name.clone()
        },
        detail: node.detail.clone(),
        kind: if node.is_stage {
            SymbolKind::MODULE
        } else {
            SymbolKind::FIELD
        },
        tags: None,
        deprecated: None,
        range: positions.range(node.range),
        selection_range: positions.range(node.selection),
        children: (!node.children.is_empty()).then(|| {
            node.children
                .iter()
                .map(|child| document_symbol(child, positions))
                .collect()
        }),
    }
}

/// Keeps `jsonrpc` in the public signature list used by tests of the crate.
#[allow(dead_code)]
type JsonRpcResult<T> = jsonrpc::Result<T>;
