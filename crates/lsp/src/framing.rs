//! The client's byte stream, cut into messages before the protocol library reads it.
//!
//! The library stops reading for good at the first message it cannot decode (its framed
//! reader ends after an error), and the server exits with it: one garbled message from an
//! editor, an extension or a proxy in between would take away every open document's
//! diagnostics. So each message is framed and decoded here first. One that is not JSON-RPC
//! is logged and dropped; a header without a usable `Content-Length` is skipped up to the
//! next `Content-Length`; every message passed on gets a header of its own, which the
//! library always reads.

use crate::log;
use serde::Deserialize;
use std::ops::Range;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};

const CONTENT_LENGTH: &[u8] = b"Content-Length";
/// A header still without its end after this many bytes is garbage, not a header arriving.
const MAX_HEADER: usize = 8 * 1024;

/// A message exactly as the protocol library decodes one (its own message type is private).
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // only whether a body decodes matters
enum Message {
    Response(Response),
    Request(Request),
}

/// What the bytes at the start of the buffer are.
#[derive(Debug, PartialEq)]
enum Frame {
    /// A whole message: its body, and where the next message starts.
    Complete { body: Range<usize>, end: usize },
    /// Bytes that start no message; the next message may start at `skip`.
    Garbage { skip: usize },
    /// Not enough bytes yet.
    Incomplete,
}

/// Copies the messages of `input` that the protocol library can decode to `output`, until
/// `input` ends.
pub async fn forward_decodable<I, O>(mut input: I, mut output: O) -> std::io::Result<()>
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let mut consumed = 0;
        loop {
            match frame(&buffer[consumed..]) {
                Frame::Complete { body, end } => {
                    let body = &buffer[consumed + body.start..consumed + body.end];
                    if let Some(body) = decodable(body) {
                        let header = format!("Content-Length: {}\r\n\r\n", body.len());
                        output.write_all(header.as_bytes()).await?;
                        output.write_all(body.as_bytes()).await?;
                    }
                    consumed += end;
                }
                Frame::Garbage { skip } => {
                    log!(Warn, "skipped {skip} bytes that are not a message header");
                    consumed += skip;
                }
                Frame::Incomplete => break,
            }
        }
        buffer.drain(..consumed);
        output.flush().await?;
        buffer.reserve(64 * 1024);
        if input.read_buf(&mut buffer).await? == 0 {
            return Ok(());
        }
    }
}

/// The body as text when it is a JSON-RPC message; `None`, logged, when it is not.
fn decodable(body: &[u8]) -> Option<&str> {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(error) => {
            log!(Warn, "dropped a message that is not UTF-8: {error}");
            return None;
        }
    };
    if text.is_empty() {
        return None;
    }
    match serde_json::from_str::<Message>(text) {
        Ok(_) => Some(text),
        Err(error) => {
            log!(Warn, "dropped a message that is not JSON-RPC: {error}");
            None
        }
    }
}

/// Frames the message at the start of `bytes`.
fn frame(bytes: &[u8]) -> Frame {
    let Some((header_len, body_start)) = header_end(bytes) else {
        if bytes.len() <= MAX_HEADER {
            return Frame::Incomplete;
        }
        // Keep the bytes that may be the start of a `Content-Length` still arriving.
        let skip =
            next_header(bytes, bytes.len()).unwrap_or(bytes.len() + 1 - CONTENT_LENGTH.len());
        return Frame::Garbage { skip };
    };
    match content_length(&bytes[..header_len]) {
        Some(length) => match body_start.checked_add(length) {
            Some(end) if end <= bytes.len() => Frame::Complete {
                body: body_start..end,
                end,
            },
            _ => Frame::Incomplete,
        },
        // Garbage before a header ends the header's first line: resume at the header.
        None => Frame::Garbage {
            skip: next_header(bytes, header_len).unwrap_or(body_start),
        },
    }
}

/// Where the header ends: the length of its lines, and where the body starts after the blank
/// line (`\r\n\r\n` as the protocol says, or `\n\n`, which some clients send).
fn header_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(at) = bytes[from..].iter().position(|&b| b == b'\n') {
        let newline = from + at;
        match &bytes[newline + 1..] {
            [b'\n', ..] => return Some((newline, newline + 2)),
            [b'\r', b'\n', ..] => return Some((newline, newline + 3)),
            _ => from = newline + 1,
        }
    }
    None
}

/// The value of the header's `Content-Length` (case-insensitive, the last one counts), or
/// `None` when it has none or it is not a number. Other lines are ignored.
fn content_length(header: &[u8]) -> Option<usize> {
    let mut length = None;
    for line in header.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if line[..colon]
            .trim_ascii()
            .eq_ignore_ascii_case(CONTENT_LENGTH)
        {
            length = std::str::from_utf8(line[colon + 1..].trim_ascii())
                .ok()
                .and_then(|value| value.parse::<usize>().ok());
        }
    }
    length
}

/// Where a `Content-Length` after the first byte and before `limit` starts.
fn next_header(bytes: &[u8], limit: usize) -> Option<usize> {
    let after_first = bytes.get(1..limit)?;
    find(after_first, CONTENT_LENGTH).map(|at| at + 1)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// What the server reads after `input` went through [`forward_decodable`].
    fn forwarded(input: &[u8]) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut output = Vec::new();
        runtime
            .block_on(forward_decodable(input, &mut output))
            .unwrap();
        String::from_utf8(output).unwrap()
    }

    const HOVER: &str = r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#;
    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    #[test]
    fn decodable_messages_pass_with_a_header_of_their_own() {
        let input = format!(
            "content-length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n{HOVER}Content-Length: {}\n\n{EXIT}",
            HOVER.len(),
            EXIT.len()
        );
        assert_eq!(
            forwarded(input.as_bytes()),
            format!("{}{}", framed(HOVER), framed(EXIT))
        );
    }

    #[test]
    fn undecodable_bodies_are_dropped() {
        let mut input = Vec::new();
        for body in [
            "{not json",
            "[]",
            "42",
            r#"{"jsonrpc":"1.0","method":"exit"}"#,
            r#"{"jsonrpc":"2.0","method":5}"#,
            r#"{"jsonrpc":"2.0","id":{},"method":"shutdown"}"#,
            "",
        ] {
            input.extend_from_slice(framed(body).as_bytes());
        }
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n\xff\xfe");
        input.extend_from_slice(framed(EXIT).as_bytes());
        assert_eq!(forwarded(&input), framed(EXIT));
    }

    #[test]
    fn broken_headers_are_skipped_to_the_next_message() {
        let input = [
            "garbage before a message".to_string(),
            framed(HOVER),
            "\r\n\r\n".to_string(),
            "Content-Length: twelve\r\n\r\n{}".to_string(),
            "X-Unknown: 1\r\n\r\n".to_string(),
            "Content-Length: -1\r\n\r\n".to_string(),
            "Content-Length: 99999999999999999999999\r\n\r\n".to_string(),
            // Too short: the rest of the body is garbage before the next header.
            format!("Content-Length: 5\r\n\r\n{HOVER}"),
            "\r\n\r\n".to_string(),
            "Content-Length: 2\n\n{}".to_string(),
            "\n\n".to_string(),
            framed(EXIT),
        ]
        .concat();
        assert_eq!(
            forwarded(input.as_bytes()),
            format!("{}{}", framed(HOVER), framed(EXIT))
        );
    }

    #[test]
    fn a_header_without_an_end_is_garbage_once_too_long() {
        let mut input = "x".repeat(MAX_HEADER * 3);
        input.push_str(&framed(EXIT));
        assert_eq!(forwarded(input.as_bytes()), framed(EXIT));
        assert_eq!(frame(b"Content-Length: 5\r\n"), Frame::Incomplete);
        assert_eq!(frame(b"Content-Length: 5\r\n\r\n{}"), Frame::Incomplete);
    }
}
