//! The Plimsoll language server, started by `plimsoll server`: diagnostics as you type,
//! quick-fixes, hover, completion, navigation and outline for Dockerfiles, over stdio.
//!
//! Every capability has its module; [`server`] receives the LSP messages and hands each to
//! the module that answers it. Positions are converted in [`position`] only.

pub mod code_actions;
pub mod completion;
pub mod diagnostics;
pub mod document;
pub mod framing;
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
    // A read of standard input that cannot be cancelled may still be waiting for the client:
    // leave it behind rather than wait for bytes that may never come.
    runtime.shutdown_background();
    Ok(())
}

/// Serves LSP over any byte streams (tests use in-memory pipes).
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::new(server::Backend::new);
    let (to_server, from_client) = tokio::io::duplex(64 * 1024);
    let server = Server::new(from_client, output, socket)
        .concurrency_level(1)
        .serve(service);
    tokio::pin!(server);
    tokio::select! {
        () = &mut server => {}
        read = framing::forward_decodable(input, to_server) => {
            if let Err(error) = read {
                log!(Error, "cannot read from the client: {error}");
            }
            // The input ended: the server handles what it was sent, then stops.
            server.await;
        }
    }
}
