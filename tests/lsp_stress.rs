//! `plimsoll server` under stress, through the real binary: ten thousand random edits sent as
//! incremental changes whose UTF-16 ranges the client computes itself, malformed JSON-RPC,
//! requests at any position and for unknown documents, and open/close cycles. The server
//! must stay up, publish for the final text exactly what a fresh lint of it finds, and give
//! its memory back once the documents are closed.

mod common;

use common::lsp::{file_uri, lsp_lines, utf16_offset, utf16_position, LspClient};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The seed of the random session; `PLIMSOLL_STRESS_SEED` replays another one.
const SEED: u64 = 0x706c_696d_736f_6c6c;
const EDITS: usize = 10_000;
/// Edits between two comparisons with a fresh lint (diagnostics are awaited only there),
/// each followed by an open/close cycle.
const CHECKPOINT_EVERY: usize = 1_000;
/// Edits between two rounds of malformed and misdirected messages.
const ABUSE_EVERY: usize = 2_500;
/// Past this length (bytes) the document shrinks, so that each lint stays cheap.
const MAX_TEXT: usize = 6 * 1024;
/// Documents opened and closed together in one cycle, and their length (bytes).
const DOCUMENTS_PER_CYCLE: usize = 16;
const CYCLE_DOCUMENT_LEN: usize = 16 * 1024;
/// How much more resident memory than after the first open/close cycle the server may keep
/// once every document is closed: room for the allocator's fragmentation, far below what
/// keeping the documents or their analyses would take.
const RSS_SLACK_KIB: u64 = 32 * 1024;

/// SplitMix64: a tiny deterministic generator, so that a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a user types, a few keys at a time.
const TYPED: &[&str] = &[
    "a",
    "e",
    "R",
    "U",
    "N",
    "x",
    "1",
    " ",
    " ",
    "\t",
    "\n",
    "\n",
    "\r\n",
    "\r",
    "\\",
    "\\\n",
    "$",
    "${",
    "}",
    "\"",
    "'",
    "[",
    "]",
    "=",
    "-",
    "--",
    "#",
    ":",
    "/",
    ".",
    "&&",
    "|",
    "<<",
    "EOF",
    "`",
    "中",
    "文",
    "注释",
    "😀",
    "🚀",
    "é",
    "👋🏽",
    "👨‍👩‍👧",
    "\u{FEFF}",
];

/// Whole instructions, typed up to a random point.
const INSTRUCTIONS: &[&str] = &[
    "FROM golang:1.23-alpine AS build\n",
    "FROM --platform=$BUILDPLATFORM alpine:3.20\n",
    "FROM build AS test\n",
    "FROM scratch\n",
    "RUN apt-get update && apt-get install -y curl\n",
    "RUN apk add --no-cache git \\\n    make\n",
    "RUN --mount=type=cache,target=/root/.cache go build -o /app ./...\n",
    "RUN <<EOF\nset -e\necho 中文 😀\nEOF\n",
    "COPY --from=build /out/app /usr/local/bin/app\n",
    "COPY . .\n",
    "COPY <<-EOT /etc/motd\n\thello\n\tEOT\n",
    "ADD https://example.com/x.tar.gz /tmp/\n",
    "ENV PATH=/go/bin:$PATH GOFLAGS=-mod=vendor\n",
    "ENV legacy value with spaces\n",
    "ARG VERSION=${BASE:-1.0}\n",
    "WORKDIR /src\n",
    "USER root\n",
    "EXPOSE 8080/tcp\n",
    "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\n",
    "ONBUILD RUN make\n",
    "CMD [\"/app\", \"--port\", \"8080\"]\n",
    "ENTRYPOINT /bin/sh -c 'exec app'\n",
    "LABEL org.opencontainers.image.description=\"构建 🚀\"\n",
    "SHELL [\"/bin/bash\", \"-c\"]\n",
    "STOPSIGNAL SIGTERM\n",
    "VOLUME /data\n",
    "MAINTAINER someone@example.com\n",
    "# syntax=docker/dockerfile:1\n",
    "# escape=`\n",
    "# plimsoll ignore=DL3018,PL301\n",
    "# hadolint ignore=DL3008\n",
    "# check=skip=JSONArgsRecommended\n",
];

/// Lines of CJK and emoji text.
const WIDE_LINES: &[&str] = &[
    "# 构建阶段 🚀 emoji\n",
    "RUN echo \"你好，世界 👋🏽\" > /tmp/问候\n",
    "ENV 名前=値 ΚΑΛΗ=μέρα\n",
    "LABEL description=\"家族 👨‍👩‍👧 ok\"\r\n",
    "# 😀😀😀 𝄞 𠜎\n",
];

/// The corpus' Dockerfiles, sorted so that a seed always picks the same ones; none (said
/// loudly) without the shared folder.
fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    let Ok(repositories) = std::fs::read_dir(&dir) else {
        eprintln!(
            "\n\n*** SKIPPED: {} not found; the stress test pastes no corpus files ***\n\n",
            dir.display()
        );
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = repositories
        .flatten()
        .flat_map(|repository| std::fs::read_dir(repository.path()).into_iter().flatten())
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// A Dockerfile to paste or open: a corpus file, or a few instructions without the corpus.
fn some_dockerfile(rng: &mut Rng, corpus: &[PathBuf]) -> String {
    if corpus.is_empty() {
        return (0..8).map(|_| *rng.pick(INSTRUCTIONS)).collect();
    }
    let path: &PathBuf = rng.pick(corpus);
    common::read_text(path)
}

/// `offset` moved back to a position the protocol can name: a character boundary, not
/// between the `\r` and `\n` of a line break.
fn position_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if offset > 0
        && text.as_bytes()[offset - 1] == b'\r'
        && text.as_bytes().get(offset) == Some(&b'\n')
    {
        offset -= 1;
    }
    offset
}

fn random_offset(rng: &mut Rng, text: &str) -> usize {
    position_boundary(text, rng.below(text.len() + 1))
}

/// The start of the line `offset` is on (a lone `\r` ends a line too).
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |at| at + 1)
}

fn typed(rng: &mut Rng) -> String {
    (0..1 + rng.below(4)).map(|_| *rng.pick(TYPED)).collect()
}

/// Part of a Dockerfile as a user would paste it: whole or a slice, sometimes with CRLF.
fn paste(rng: &mut Rng, corpus: &[PathBuf]) -> String {
    let file = some_dockerfile(rng, corpus);
    let mut pasted = if file.len() > 2048 || rng.one_in(2) {
        let start = position_boundary(&file, rng.below(file.len() + 1));
        let end = position_boundary(&file, start + rng.below(2048));
        file[start..end.max(start)].to_string()
    } else {
        file
    };
    if rng.one_in(4) {
        pasted = pasted.replace('\n', "\r\n");
    }
    pasted
}

fn range(text: &str, start: usize, end: usize) -> Value {
    json!({"start": utf16_position(text, start), "end": utf16_position(text, end)})
}

/// One random entry of `contentChanges` for `text`.
fn random_change(rng: &mut Rng, text: &str, corpus: &[PathBuf]) -> Value {
    if text.len() > MAX_TEXT {
        let start = random_offset(rng, text);
        let end = position_boundary(text, start + text.len() / 2);
        return json!({"range": range(text, start, end), "text": ""});
    }
    if rng.one_in(500) {
        return json!({"text": some_dockerfile(rng, corpus)});
    }
    if rng.one_in(60) {
        return out_of_range_change(rng, text);
    }
    let at = random_offset(rng, text);
    let (start, end, new_text) = match rng.below(100) {
        0..=34 => (at, at, typed(rng)),
        35..=49 => {
            let start = line_start(text, at);
            let instruction = *rng.pick(INSTRUCTIONS);
            let typed_so_far = random_offset(rng, instruction);
            (start, start, instruction[..typed_so_far].to_string())
        }
        50..=74 => {
            let length = match rng.below(10) {
                0 => text.len() / 3,
                1 => text[at..].find('\n').map_or(text.len() - at, |end| end + 1),
                _ => 1 + rng.below(16),
            };
            (at, position_boundary(text, at + length), String::new())
        }
        75..=84 => {
            let end = position_boundary(text, at + rng.below(12));
            (at, end, typed(rng))
        }
        85..=92 => {
            let start = line_start(text, at);
            (start, start, rng.pick(WIDE_LINES).to_string())
        }
        _ => (at, at, paste(rng, corpus)),
    };
    json!({"range": range(text, start, end), "text": new_text})
}

/// A change whose range the protocol does not quite allow: past the end of a line or of the
/// text, between the halves of a surrogate pair, or reversed. The server clamps (and orders)
/// such ranges; [`apply_change`] does the same, so the texts stay equal only if it does.
fn out_of_range_change(rng: &mut Rng, text: &str) -> Value {
    let last_line = utf16_position(text, text.len())["line"].as_u64().unwrap();
    let valid = utf16_position(text, random_offset(rng, text));
    let start = match rng.below(5) {
        0 => json!({"line": last_line + 1 + rng.below(3) as u64, "character": rng.below(5)}),
        1 => json!({"line": valid["line"], "character": 10_000 + rng.below(5)}),
        2 => json!({"line": u32::MAX, "character": u32::MAX}),
        3 => match text.char_indices().find(|(_, c)| c.len_utf16() == 2) {
            Some((at, _)) => {
                let before = utf16_position(text, at);
                json!({"line": before["line"], "character": before["character"].as_u64().unwrap() + 1})
            }
            None => valid.clone(),
        },
        _ => valid.clone(),
    };
    // Reversed when `valid` comes after `start`.
    let (start, end) = if rng.one_in(2) {
        (start, valid)
    } else {
        (valid, start)
    };
    json!({"range": {"start": start, "end": end}, "text": typed(rng)})
}

/// Applies one entry of `contentChanges` to the client's copy of the text.
fn apply_change(text: &mut String, change: &Value) {
    let new_text = change["text"].as_str().unwrap();
    match change.get("range") {
        Some(range) => {
            let start = utf16_offset(text, &range["start"]);
            let end = utf16_offset(text, &range["end"]);
            text.replace_range(start.min(end)..start.max(end), new_text);
        }
        None => *text = new_text.to_string(),
    }
}

/// Whether `position` names a place in a text whose lines are `lengths` UTF-16 units long.
fn names_a_place(lengths: &[usize], position: &Value) -> bool {
    let (Some(line), Some(character)) = (position["line"].as_u64(), position["character"].as_u64())
    else {
        return false;
    };
    lengths
        .get(line as usize)
        .is_some_and(|&length| character as usize <= length)
}

/// Every `range` in `value` names places in `text`.
fn assert_ranges_within(text: &str, value: &Value, what: &str) {
    let lengths: Vec<usize> = lsp_lines(text)
        .into_iter()
        .map(|(start, end)| text[start..end].encode_utf16().count())
        .collect();
    assert_ranges_name_places(&lengths, value, what);
}

fn assert_ranges_name_places(lengths: &[usize], value: &Value, what: &str) {
    match value {
        Value::Object(object) => {
            if let Some(range) = object.get("range") {
                for end in ["start", "end"] {
                    assert!(
                        names_a_place(lengths, &range[end]),
                        "{what}: {range} is outside the document"
                    );
                }
            }
            for child in object.values() {
                assert_ranges_name_places(lengths, child, what);
            }
        }
        Value::Array(items) => {
            for item in items {
                assert_ranges_name_places(lengths, item, what);
            }
        }
        _ => {}
    }
}

/// A position in `text`, now and then one past its end.
fn random_position(rng: &mut Rng, text: &str) -> Value {
    match rng.below(12) {
        0 => json!({"line": rng.below(1000), "character": rng.below(1000)}),
        1 => json!({"line": u32::MAX, "character": u32::MAX}),
        _ => utf16_position(text, random_offset(rng, text)),
    }
}

/// A random request about `uri`, as an editor sends while the user types.
fn random_request(rng: &mut Rng, uri: &str, text: &str) -> (&'static str, Value) {
    let document = json!({"uri": uri});
    let at = json!({"textDocument": document, "position": random_position(rng, text)});
    match rng.below(11) {
        0 => ("textDocument/hover", at),
        1 => ("textDocument/completion", at),
        2 => ("textDocument/signatureHelp", at),
        3 => ("textDocument/definition", at),
        4 => (
            "textDocument/references",
            json!({"textDocument": document, "position": at["position"],
                   "context": {"includeDeclaration": rng.one_in(2)}}),
        ),
        5 => ("textDocument/documentHighlight", at),
        6 => ("textDocument/prepareRename", at),
        7 => (
            "textDocument/rename",
            json!({"textDocument": document, "position": at["position"],
                   "newName": rng.pick(&["compile", "GO_VERSION", "two words", "构建", ""])}),
        ),
        8 => {
            let only = match rng.below(3) {
                0 => json!(["quickfix"]),
                1 => json!(["source.fixAll"]),
                _ => Value::Null,
            };
            (
                "textDocument/codeAction",
                json!({"textDocument": document,
                       "range": {"start": at["position"], "end": random_position(rng, text)},
                       "context": {"diagnostics": [], "only": only}}),
            )
        }
        9 => (
            "textDocument/documentSymbol",
            json!({"textDocument": document}),
        ),
        _ => (
            "textDocument/foldingRange",
            json!({"textDocument": document}),
        ),
    }
}

/// Sends a random request and checks the answer: no error (but for a refused rename), and
/// no range outside the document.
fn check_random_request(client: &mut LspClient, rng: &mut Rng, uri: &str, text: &str) {
    let (method, params) = random_request(rng, uri, text);
    let response = client.request_full(method, params.clone());
    if let Some(error) = response.get("error") {
        assert!(
            method == "textDocument/rename" && error["code"] == -32602,
            "{method} {params} failed: {error}"
        );
        return;
    }
    assert_ranges_within(text, &response["result"], method);
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut message = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    message.extend_from_slice(body);
    message
}

/// Byte streams no client should send: bodies that are not JSON-RPC, headers without a
/// usable length, garbage between messages.
fn malformed_messages() -> Vec<Vec<u8>> {
    let initialized = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
    let mut too_short = b"Content-Length: 5\r\n\r\n".to_vec();
    too_short.extend_from_slice(initialized);
    vec![
        framed(b"{not json"),
        framed(b"[]"),
        framed(b"null"),
        framed(b"\"text\""),
        framed(br#"{"jsonrpc":"2.0","method":5}"#),
        framed(br#"{"jsonrpc":"1.0","id":1,"method":"shutdown"}"#),
        framed(br#"{"jsonrpc":"2.0","id":{},"method":"textDocument/hover"}"#),
        framed(b"\xff\xfe\xfd"),
        framed(b""),
        b"Content-Length: twelve\r\n\r\n{}".to_vec(),
        b"Content-Length: -5\r\n\r\n".to_vec(),
        b"Content-Length: 99999999999999999999999999\r\n\r\n{}".to_vec(),
        b"X-Custom: 1\r\n\r\n".to_vec(),
        b"Content-Type: application/json; charset=latin1\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"garbage without a header".to_vec(),
        b"\r\n\r\n".to_vec(),
        b"Content-Length: 2\n\n{}".to_vec(),
        too_short,
    ]
}

/// A document no test opens.
const UNKNOWN_URI: &str = "file:///nowhere/Dockerfile";

/// Asserts that the server still answers (with `null`: the document is unknown).
fn assert_answers(client: &mut LspClient, after: &str) {
    let answer = client.request_full(
        "textDocument/hover",
        json!({"textDocument": {"uri": UNKNOWN_URI},
               "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(answer["result"], Value::Null, "after {after}: {answer}");
    assert!(client.is_running(), "the server exited after {after}");
}

/// Malformed bytes, well-formed messages the server must refuse or ignore, and messages
/// about documents that are not open. None may change `uri`'s text or stop the server.
fn abuse_the_protocol(client: &mut LspClient, uri: &str) {
    for message in malformed_messages() {
        client.send_raw(&message);
        assert_answers(client, &String::from_utf8_lossy(&message));
    }

    let unknown_method = client.request_full("plimsoll/nothing", json!({}));
    assert_eq!(unknown_method["error"]["code"], -32601, "{unknown_method}");
    let again = client.request_full("initialize", json!({"capabilities": {}}));
    assert!(again.get("error").is_some(), "{again}");
    for params in [json!("a string"), json!({"textDocument": 5}), Value::Null] {
        let refused = client.request_full("textDocument/hover", params.clone());
        assert_eq!(refused["error"]["code"], -32602, "{params}: {refused}");
    }
    let ignored_notifications = [
        ("$/unknownNotification", json!({})),
        ("$/cancelRequest", json!({"id": 99_999})),
        ("textDocument/didChange", json!({"textDocument": 5})),
        (
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 1_000_000},
                   "contentChanges": [{"range": {"start": {"line": "x", "character": 0},
                                                 "end": {"line": 0, "character": 0}},
                                       "text": "RUN x\n"}]}),
        ),
        ("textDocument/didOpen", json!({"textDocument": {"uri": 3}})),
        ("textDocument/didClose", json!([])),
    ];
    for (method, params) in ignored_notifications {
        client.notify(method, params);
        assert_answers(client, method);
    }

    let unknown = UNKNOWN_URI;
    for (method, params) in [
        (
            "textDocument/didChange",
            json!({"textDocument": {"uri": unknown, "version": 2},
                                          "contentChanges": [{"text": "FROM x\n"}]}),
        ),
        (
            "textDocument/didSave",
            json!({"textDocument": {"uri": unknown}}),
        ),
        (
            "textDocument/didClose",
            json!({"textDocument": {"uri": unknown}}),
        ),
    ] {
        client.notify(method, params);
    }
    let mut rng = Rng(7);
    for _ in 0..40 {
        let (method, params) = random_request(&mut rng, unknown, "FROM alpine\n");
        let answer = client.request_full(method, params);
        assert_eq!(
            answer["result"],
            Value::Null,
            "{method} for an unknown document"
        );
    }
    assert_answers(client, "messages about unknown documents");
}

/// The context every linted copy of the text sees: same files, same file name.
fn context_dir(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/app\n\ngo 1.23\n").unwrap();
    std::fs::write(dir.join(".env"), "TOKEN=secret\n").unwrap();
    dir
}

/// The diagnostics of `uri` as text that does not name `uri`, to compare two documents'.
fn comparable(diagnostics: &[Value], uri: &str) -> String {
    serde_json::to_string_pretty(diagnostics)
        .unwrap()
        .replace(uri, "URI")
}

/// Opens `text` as a new document and asserts that the server says about it what it said
/// about the edited document: diagnostics, symbols and folding ranges.
fn assert_fresh_lint_agrees(
    client: &mut LspClient,
    (uri, incremental): (&str, &[Value]),
    fresh_uri: &str,
    text: &str,
    context: &str,
) {
    assert_ranges_within(text, &json!(incremental), context);
    let fresh = client.open(fresh_uri, text);
    assert_eq!(
        comparable(incremental, uri),
        comparable(&fresh, fresh_uri),
        "{context}: the edited document's diagnostics differ from a fresh lint of its text:\n{text:?}"
    );
    for method in ["textDocument/documentSymbol", "textDocument/foldingRange"] {
        let of = |client: &mut LspClient, uri: &str| {
            client.request(method, json!({"textDocument": {"uri": uri}}))
        };
        let edited = of(client, uri);
        assert_eq!(edited, of(client, fresh_uri), "{context}: {method}");
    }
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": fresh_uri}}),
    );
}

/// The message of a diagnostic saying that linting panicked: the server survives a
/// panicking parser or rule, but the panic is a bug all the same.
fn internal_error(diagnostics: &[Value]) -> Option<&str> {
    diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic["message"].as_str())
        .find(|message| message.starts_with("internal error"))
}

/// Fails when linting one of the edited document's versions published since the last
/// checkpoint panicked; `texts` holds those versions.
fn assert_no_panic_since_checkpoint(published: &[Value], uri: &str, texts: &HashMap<i64, String>) {
    let publications = published
        .iter()
        .filter(|message| message["method"] == "textDocument/publishDiagnostics")
        .map(|message| &message["params"])
        .filter(|params| params["uri"] == uri);
    for params in publications {
        let diagnostics = params["diagnostics"].as_array().unwrap();
        if let Some(error) = internal_error(diagnostics) {
            let version = params["version"].as_i64().unwrap_or_default();
            panic!(
                "linting version {version} panicked: {error}\ntext: {:?}",
                texts.get(&version)
            );
        }
    }
}

/// Opens long documents, waits for their diagnostics, closes them and waits until they are
/// cleared.
fn open_close_cycle(client: &mut LspClient, rng: &mut Rng, dir: &Path, corpus: &[PathBuf]) {
    // New names every cycle, so that documents kept after their close would add up.
    let cycle = rng.next();
    let uris: Vec<String> = (0..DOCUMENTS_PER_CYCLE)
        .map(|n| file_uri(&dir.join(format!("{cycle:x}-{n}.Dockerfile"))))
        .collect();
    for uri in &uris {
        let mut text = String::new();
        while text.len() < CYCLE_DOCUMENT_LEN {
            text.push_str(&some_dockerfile(rng, corpus));
        }
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}),
        );
    }
    for uri in &uris {
        let diagnostics = client.diagnostics(uri, 1);
        assert_eq!(
            internal_error(&diagnostics),
            None,
            "linting a document of an open/close cycle panicked"
        );
    }
    for uri in &uris {
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    for uri in &uris {
        client.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"].is_null()
        });
    }
}

/// The findings of `plimsoll check --format json` on a file holding `text`, as
/// (code, severity, line, column, end line, end column, message).
type Finding = (String, String, u64, u64, u64, u64, String);

fn check_findings(dir: &Path, text: &str) -> Vec<Finding> {
    let path = dir.join("Dockerfile");
    std::fs::write(&path, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut findings: Vec<Finding> = findings
        .iter()
        .map(|f| {
            let number = |key: &str| f[key].as_u64().unwrap();
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                number("line"),
                number("column"),
                number("end_line"),
                number("end_column"),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    findings.sort();
    findings
}

/// LSP diagnostics in the command line's terms: 1-based lines, columns in code points.
fn as_findings(text: &str, diagnostics: &[Value]) -> Vec<Finding> {
    let line_col = |position: &Value| -> (u64, u64) {
        let line = position["line"].as_u64().unwrap();
        let start = utf16_offset(text, &json!({"line": line, "character": 0}));
        let offset = utf16_offset(text, position);
        (line + 1, text[start..offset].chars().count() as u64 + 1)
    };
    let mut findings: Vec<Finding> = diagnostics
        .iter()
        .map(|d| {
            let (line, column) = line_col(&d["range"]["start"]);
            let (end_line, end_column) = line_col(&d["range"]["end"]);
            let severity = match d["severity"].as_u64() {
                Some(1) => "error",
                Some(2) => "warning",
                Some(3) => "info",
                _ => "style",
            };
            (
                d["code"].as_str().unwrap_or("").to_string(),
                severity.to_string(),
                line,
                column,
                end_line,
                end_column,
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    findings.sort();
    findings
}

#[test]
fn ten_thousand_random_edits_through_the_server() {
    let seed = std::env::var("PLIMSOLL_STRESS_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(SEED);
    eprintln!("lsp stress: seed {seed} (PLIMSOLL_STRESS_SEED replays it)");
    let mut rng = Rng(seed);
    let corpus = corpus_files();
    let root = tempfile::tempdir().unwrap();
    let edited_dir = context_dir(root.path(), "edited");
    let fresh_dir = context_dir(root.path(), "fresh");
    let cycle_dir = context_dir(root.path(), "cycles");
    let started = std::time::Instant::now();

    let mut client = LspClient::start(root.path());
    client.initialize(root.path(), json!({}));
    open_close_cycle(&mut client, &mut rng, &cycle_dir, &corpus);
    let baseline_kib = client.rss_kib();

    let uri = file_uri(&edited_dir.join("Dockerfile"));
    let fresh_uri = file_uri(&fresh_dir.join("Dockerfile"));
    let mut text = some_dockerfile(&mut rng, &corpus);
    let mut diagnostics = client.open(&uri, &text);
    let mut version: i64 = 1;
    // The texts published since the last checkpoint, by version.
    let mut texts: HashMap<i64, String> = HashMap::new();
    let mut edits = 0;
    let mut next_checkpoint = CHECKPOINT_EVERY;
    let mut next_abuse = ABUSE_EVERY;
    while edits < EDITS {
        let batch = (1 + rng.below(30)).min(EDITS - edits);
        let mut changes = Vec::with_capacity(batch);
        for _ in 0..batch {
            let change = random_change(&mut rng, &text, &corpus);
            apply_change(&mut text, &change);
            changes.push(change);
        }
        edits += batch;
        // Versions only increase, not always by one.
        version += if rng.one_in(10) { 3 } else { 1 };
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
        texts.insert(version, text.clone());
        if rng.one_in(50) {
            client.notify(
                "textDocument/didSave",
                json!({"textDocument": {"uri": uri}}),
            );
        }
        if rng.one_in(4) {
            check_random_request(&mut client, &mut rng, &uri, &text);
        }
        if edits >= next_checkpoint || edits == EDITS {
            next_checkpoint += CHECKPOINT_EVERY;
            let context = format!("seed {seed}, after {edits} edits (version {version})");
            diagnostics = client.diagnostics(&uri, version);
            assert_no_panic_since_checkpoint(&client.take_received(), &uri, &texts);
            assert_eq!(internal_error(&diagnostics), None, "{context}:\n{text:?}");
            texts.clear();
            assert_fresh_lint_agrees(
                &mut client,
                (&uri, &diagnostics),
                &fresh_uri,
                &text,
                &context,
            );
            open_close_cycle(&mut client, &mut rng, &cycle_dir, &corpus);
        }
        if edits >= next_abuse {
            next_abuse += ABUSE_EVERY;
            abuse_the_protocol(&mut client, &uri);
        }
    }
    assert!(client.is_running());

    let cli_dir = context_dir(root.path(), "cli");
    assert_eq!(
        as_findings(&text, &diagnostics),
        check_findings(&cli_dir, &text),
        "seed {seed}: the server and `plimsoll check` disagree about the final text:\n{text:?}"
    );

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    client.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p["version"].is_null()
    });
    client.take_received();
    let final_kib = client.rss_kib();
    eprintln!(
        "lsp stress: {EDITS} edits in {:?}; resident memory after the first open/close cycle {baseline_kib:?} KiB, with every document closed at the end {final_kib:?} KiB",
        started.elapsed()
    );
    if let (Some(baseline), Some(last)) = (baseline_kib, final_kib) {
        assert!(
            last <= baseline + RSS_SLACK_KIB,
            "the server keeps {last} KiB with no document open, {baseline} KiB after the first cycle"
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn malformed_messages_leave_the_server_running() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = LspClient::start(dir.path());
    client.initialize(dir.path(), json!({}));
    let uri = file_uri(&dir.path().join("Dockerfile"));
    client.open(&uri, "FROM alpine\n");
    abuse_the_protocol(&mut client, &uri);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "FROM alpine:3.20\n"}]}),
    );
    let diagnostics = client.diagnostics(&uri, 2);
    assert!(
        !diagnostics.iter().any(|d| d["code"] == "DL3006"),
        "{diagnostics:?}"
    );
    assert_eq!(client.shutdown(), Some(0));
}
