//! The Plimsoll language server, started by `plimsoll server`: diagnostics as you type,
//! quick-fixes, hover, completion, navigation and outline for Dockerfiles, over stdio.
//!
//! Every capability has its module; [`server`] receives the LSP messages and hands each to
//! the module that answers it. Positions are converted in [`position`] only.

pub mod code_actions;
pub mod completion;
pub mod diagnostics;
pub mod document;
pub mod hover;
pub mod instruction_docs;
pub mod log;
pub mod navigation;
pub mod outline;
pub mod position;
pub mod semantic_tokens;
pub mod server;
pub mod settings;
pub mod signature_help;
pub mod symbols;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves LSP over standard input and output until the client says `exit`.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    Ok(())
}

/// Serves LSP over any byte streams (tests use in-memory pipes).
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::new(server::Backend::new);
    Server::new(input, output, socket)
        .concurrency_level(1)
        .serve(service)
        .await;
}
