//! End-to-end tests of `plimsoll server`: the real binary, spoken to over stdio.

mod common;

use common::lsp::{apply_text_edits, codes, edits_for, file_uri, utf16_offset, LspClient};
use serde_json::{json, Value};
use std::path::Path;

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn start(dir: &Path) -> LspClient {
    let mut client = LspClient::start(dir);
    client.initialize(dir, json!({}));
    client
}

fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position(line, character)})
}

const GO_SERVICE: &str =
    "FROM golang:latest\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/api\nCMD /app\n";

#[test]
fn initialize_negotiates_encoding_and_advertises_capabilities() {
    let dir = workspace(&[]);
    let mut client = LspClient::start(dir.path());
    let result = client.initialize(
        dir.path(),
        json!({"capabilities": {"general": {"positionEncodings": ["utf-32", "utf-8", "utf-16"]}}}),
    );
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-8");
    assert_eq!(
        capabilities["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    for capability in [
        "hoverProvider",
        "completionProvider",
        "codeActionProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentSymbolProvider",
        "foldingRangeProvider",
        "semanticTokensProvider",
        "signatureHelpProvider",
        "documentHighlightProvider",
    ] {
        assert!(!capabilities[capability].is_null(), "{capability} missing");
    }
    assert_eq!(result["serverInfo"]["name"], "plimsoll");
    assert_eq!(client.shutdown(), Some(0));

    let mut client = LspClient::start(dir.path());
    let result = client.initialize(dir.path(), json!({}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn diagnostics_on_open_with_codes_links_tags_and_related_information() {
    let dir = workspace(&[
        ("Dockerfile", GO_SERVICE),
        ("go.mod", "module x\n\ngo 1.23\n"),
    ]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = format!("# plimsoll ignore=DL3000\n{GO_SERVICE}");
    let diagnostics = client.open(&uri, &text);
    let codes = codes(&diagnostics);
    for expected in ["DL3007", "PL301", "PL401", "PL001"] {
        assert!(
            codes.contains(&expected.to_string()),
            "{expected} not in {codes:?}"
        );
    }
    for diagnostic in &diagnostics {
        assert_eq!(diagnostic["source"], "plimsoll");
        let code = diagnostic["code"].as_str().unwrap();
        assert!(diagnostic["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&format!("docs/rules/{code}.md")));
        assert!(diagnostic["severity"].as_u64().is_some());
    }
    let unused = diagnostics.iter().find(|d| d["code"] == "PL001").unwrap();
    assert_eq!(
        unused["tags"],
        json!([1]),
        "unused suppressions are unnecessary code"
    );
    // DL3007's range is exactly the `latest` tag or the image reference on line 1.
    let latest = diagnostics.iter().find(|d| d["code"] == "DL3007").unwrap();
    assert_eq!(latest["range"]["start"]["line"], 1);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["relatedInformation"].is_array()),
        "some finding has related information"
    );
}

#[test]
fn utf16_ranges_are_exact_with_cjk_and_emoji() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "# 构建阶段 🚀 emoji\nFROM alpine:3.20 # 基础镜像 😀\nRUN apk add curl # 安装 🔧\n";
    let diagnostics = client.open(&uri, text);
    let apk = diagnostics
        .iter()
        .find(|d| d["code"] == "DL3019")
        .expect("DL3019");
    let start = utf16_offset(text, &apk["range"]["start"]);
    let end = utf16_offset(text, &apk["range"]["end"]);
    assert_eq!(&text[start..end], "apk add curl");
}

#[test]
fn quick_fix_round_trip_removes_the_diagnostic() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine:3.20\nRUN apk add curl # 安装 🔧\nUSER nobody\n";
    let diagnostics = client.open(&uri, text);
    let apk = diagnostics
        .iter()
        .find(|d| d["code"] == "DL3019")
        .unwrap()
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": apk["range"], "context": {"diagnostics": [apk]}}),
    );
    let actions = actions.as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["isPreferred"] == true)
        .expect("a preferred quick fix");
    assert_eq!(fix["diagnostics"][0]["code"], "DL3019");
    let fixed = apply_text_edits(text, &edits_for(&fix["edit"], &uri));
    assert_eq!(
        fixed,
        "FROM alpine:3.20\nRUN apk add --no-cache curl # 安装 🔧\nUSER nobody\n"
    );
    // The edit is versioned (documentChanges), for version 1.
    assert_eq!(
        fix["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    assert!(actions
        .iter()
        .any(|a| a["title"] == "Ignore DL3019 for this instruction"));

    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = client.diagnostics(&uri, 2);
    assert!(!codes(&after).contains(&"DL3019".to_string()), "{after:?}");
}

#[test]
fn ignore_action_inserts_or_extends_a_suppression_comment() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine:3.20\n  RUN apk add curl\nUSER nobody\n";
    let diagnostics = client.open(&uri, text);
    let apk = diagnostics
        .iter()
        .find(|d| d["code"] == "DL3019")
        .unwrap()
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": apk["range"], "context": {"diagnostics": [apk], "only": ["quickfix"]}}),
    );
    let ignore = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Ignore DL3019 for this instruction")
        .unwrap();
    let fixed = apply_text_edits(text, &edits_for(&ignore["edit"], &uri));
    assert_eq!(
        fixed,
        "FROM alpine:3.20\n  # plimsoll ignore=DL3019\n  RUN apk add curl\nUSER nobody\n"
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert!(!codes(&client.diagnostics(&uri, 2)).contains(&"DL3019".to_string()));
}

#[test]
fn fix_all_applies_every_safe_fix() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine:3.20\nRUN apk add curl\nRUN pip install flask\nUSER nobody\n";
    client.open(&uri, text);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": position(0, 0), "end": position(0, 0)},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.plimsoll");
    let fixed = apply_text_edits(text, &edits_for(&actions[0]["edit"], &uri));
    assert!(fixed.contains("apk add --no-cache curl"), "{fixed}");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let remaining = client.diagnostics(&uri, 2);
    assert!(!codes(&remaining).contains(&"DL3019".to_string()));
}

#[test]
fn a_fix_that_creates_a_dockerignore_is_a_create_file_operation() {
    let dir = workspace(&[
        ("Dockerfile", "FROM alpine:3.20\nCOPY . /app\nUSER nobody\n"),
        (".env", "TOKEN=x\n"),
    ]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let diagnostics = client.open(&uri, "FROM alpine:3.20\nCOPY . /app\nUSER nobody\n");
    let creating: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "PL402" || d["code"] == "PL601")
        .collect();
    assert!(!creating.is_empty(), "{diagnostics:?}");
    let mut found = false;
    for diagnostic in creating {
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}}),
        );
        for action in actions.as_array().into_iter().flatten() {
            let changes = action["edit"]["documentChanges"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if let Some(create) = changes.iter().find(|c| c["kind"] == "create") {
                assert!(create["uri"].as_str().unwrap().ends_with("/.dockerignore"));
                let content = &changes
                    .iter()
                    .find(|c| c["textDocument"]["uri"] == create["uri"])
                    .unwrap()["edits"][0]["newText"];
                assert!(content.as_str().unwrap().contains(".env"), "{content}");
                found = true;
            }
        }
    }
    assert!(found, "no action creates .dockerignore");
}

#[test]
fn hover_shows_instruction_flag_rule_variable_and_image() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "ARG GO=1.23\nFROM golang:${GO}-alpine AS build\nCOPY --from=build /a /b\nRUN apk add curl\nFROM gcr.io/distroless/static-debian12:nonroot@sha256:abc\n";
    client.open(&uri, text);
    let hover = |client: &mut LspClient, line, character| {
        client.request("textDocument/hover", at(&uri, line, character))["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(hover(&mut client, 3, 1).contains("**RUN**"));
    assert!(hover(&mut client, 2, 8).contains("`--from`"));
    assert!(hover(&mut client, 3, 6).contains("DL3019"));
    assert!(hover(&mut client, 1, 16).contains("`GO` = `1.23`"));
    let image = hover(&mut client, 4, 10);
    assert!(image.contains("registry: `gcr.io`"), "{image}");
    assert!(
        image.contains("tag: `nonroot`") && image.contains("digest: `sha256:abc`"),
        "{image}"
    );
    let go = hover(&mut client, 1, 7);
    assert!(
        go.contains("repository: `golang`") && go.contains("tag: `1.23-alpine`"),
        "{go}"
    );
}

#[test]
fn completion_of_instructions_flags_stages_variables_and_codes() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "ARG VERSION=1\nFROM golang:1.23 AS build\nENV APP=/app\nRU\nRUN echo $\nFROM alpine:3.20\nCOPY --from= /a /b\nCOPY --c\n# plimsoll ignore=DL30\nFROM \n";
    client.open(&uri, text);
    let labels = |client: &mut LspClient, line, character| -> Vec<String> {
        let result = client.request("textDocument/completion", at(&uri, line, character));
        result
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| item["label"].as_str().unwrap().to_string())
            .collect()
    };
    let instructions = labels(&mut client, 3, 2);
    assert!(
        instructions.contains(&"RUN".to_string())
            && instructions.contains(&"HEALTHCHECK".to_string())
    );
    assert_eq!(labels(&mut client, 6, 12), ["build"]);
    let flags = labels(&mut client, 7, 8);
    assert!(
        flags.contains(&"--chown".to_string()) && flags.contains(&"--chmod".to_string()),
        "{flags:?}"
    );
    let variables = labels(&mut client, 4, 10);
    assert!(variables.contains(&"APP".to_string()), "{variables:?}");
    assert!(
        !variables.contains(&"VERSION".to_string()),
        "global ARGs are not visible in a stage"
    );
    let codes = labels(&mut client, 8, 21);
    assert!(codes.contains(&"DL3019".to_string()) && codes.contains(&"PL501".to_string()));
    assert!(labels(&mut client, 9, 5).contains(&"build".to_string()));

    let help = client.request("textDocument/signatureHelp", at(&uri, 6, 8));
    assert!(help["signatures"][0]["label"]
        .as_str()
        .unwrap()
        .starts_with("COPY [--from="));
    assert!(help["signatures"][0]["documentation"]["value"]
        .as_str()
        .unwrap()
        .contains("`--from`"));
}

#[test]
fn navigation_and_rename_of_stages_and_arguments() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "ARG GO=1.23\nFROM golang:${GO} AS build\nARG GO\nRUN echo $GO\nFROM scratch\nCOPY --from=build /app /app\n";
    client.open(&uri, text);
    let definition = client.request("textDocument/definition", at(&uri, 5, 13));
    assert_eq!(definition["range"]["start"], position(1, 21));
    let references = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": position(3, 10), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(references.as_array().unwrap().len(), 4, "{references}");
    let highlights = client.request("textDocument/documentHighlight", at(&uri, 1, 22));
    assert_eq!(highlights.as_array().unwrap().len(), 2);
    let prepared = client.request("textDocument/prepareRename", at(&uri, 5, 13));
    assert_eq!(prepared["placeholder"], "build");
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": position(5, 13), "newName": "compile"}),
    );
    let renamed = apply_text_edits(text, &edits_for(&edit, &uri));
    assert_eq!(renamed, text.replace("build", "compile"));
    let refused = client.request_full(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": position(5, 13), "newName": "not valid"}),
    );
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not a valid stage name"));
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": position(0, 4), "newName": "GO_VERSION"}),
    );
    assert_eq!(
        apply_text_edits(text, &edits_for(&edit, &uri)),
        text.replace("GO", "GO_VERSION")
    );
}

#[test]
fn symbols_and_folding() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "# one\n# two\nFROM golang:1.23 AS build\nRUN go build \\\n    ./...\nFROM scratch\nCOPY --from=build /a /a\n";
    client.open(&uri, text);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["build", "stage 1"]);
    assert_eq!(symbols[0]["children"][0]["name"], "RUN");
    let folds = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let folds = folds.as_array().unwrap();
    assert!(folds
        .iter()
        .any(|f| f["startLine"] == 0 && f["endLine"] == 1 && f["kind"] == "comment"));
    assert!(folds
        .iter()
        .any(|f| f["startLine"] == 3 && f["endLine"] == 4));

    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert_eq!(data.len() % 5, 0);
    // The first token is the comment `# one` (type 4, comment) at line 0, column 0; the
    // second `# two` on the next line.
    assert_eq!(&data[..10], &[0, 0, 5, 4, 0, 1, 0, 5, 4, 0]);
}

#[test]
fn incremental_changes_match_a_fresh_lint() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut text = String::from("FROM alpine:3.20\n# 注释 😀\nUSER nobody\n");
    client.open(&uri, &text);
    let edits = [
        // Insert a RUN after the comment line (UTF-16 column after the emoji).
        (
            json!({"start": position(1, 7), "end": position(1, 7)}),
            "\nRUN apk add curl",
        ),
        // Type into it.
        (
            json!({"start": position(2, 16), "end": position(2, 16)}),
            " git",
        ),
        // Replace `curl` with `wget`.
        (
            json!({"start": position(2, 12), "end": position(2, 16)}),
            "wget",
        ),
        // Delete the comment's emoji (2 UTF-16 units).
        (json!({"start": position(1, 5), "end": position(1, 7)}), ""),
    ];
    for (version, (range, new_text)) in edits.iter().enumerate() {
        let change = json!({"range": range, "text": new_text});
        text = apply_text_edits(&text, &[json!({"range": range, "newText": new_text})]);
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version + 2}, "contentChanges": [change]}),
        );
    }
    assert_eq!(
        text,
        "FROM alpine:3.20\n# 注释 \nRUN apk add wget git\nUSER nobody\n"
    );
    let incremental = client.diagnostics(&uri, 5);
    let fresh_uri = file_uri(&dir.path().join("Fresh.Dockerfile"));
    let fresh = client.open(&fresh_uri, &text);
    let strip = |d: &[Value]| -> Vec<(Value, Value, Value)> {
        d.iter()
            .map(|d| (d["code"].clone(), d["range"].clone(), d["message"].clone()))
            .collect()
    };
    assert_eq!(strip(&incremental), strip(&fresh));
    assert!(codes(&incremental).contains(&"DL3019".to_string()));
}

#[test]
fn settings_from_the_client_and_from_plimsoll_toml() {
    let dir = workspace(&[("plimsoll.toml", "ignore = [\"DL3019\"]\n")]);
    let mut client = LspClient::start(dir.path());
    client.configuration = json!({"severity": {"DL3042": "error"}});
    client.initialize(dir.path(), json!({}));
    let uri = file_uri(&dir.path().join("Dockerfile"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1,
               "text": "FROM python:3.12-alpine\nRUN apk add curl && pip install flask\nUSER nobody\n"}}),
    );
    // The first publication may come before the settings were pulled; wait for the one with
    // the client's severity.
    let params = client.wait_for("textDocument/publishDiagnostics", |p| {
        p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "DL3042" && d["severity"] == 1)
    });
    let diagnostics = params["diagnostics"].as_array().unwrap();
    assert!(
        !codes(diagnostics).contains(&"DL3019".to_string()),
        "plimsoll.toml ignores DL3019"
    );

    // A pushed settings change re-lints open documents.
    client.configuration = json!({"ignore": ["DL3042"]});
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    client.wait_for("textDocument/publishDiagnostics", |p| {
        !p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "DL3042")
    });

    // Changing plimsoll.toml on disk and saying so re-lints with the new file.
    std::fs::write(dir.path().join("plimsoll.toml"), "ignore = []\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&dir.path().join("plimsoll.toml")), "type": 2}]}),
    );
    client.wait_for("textDocument/publishDiagnostics", |p| {
        p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "DL3019")
    });
}

#[test]
fn close_clears_and_unknown_documents_answer_empty() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let uri = file_uri(&dir.path().join("Dockerfile"));
    assert!(!client.open(&uri, "FROM alpine\n").is_empty());
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let cleared = client.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
    });
    assert_eq!(cleared["diagnostics"], json!([]));

    let unknown = "file:///nowhere/Dockerfile";
    for method in [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
        "textDocument/documentHighlight",
    ] {
        assert_eq!(
            client.request(method, at(unknown, 0, 0)),
            Value::Null,
            "{method}"
        );
    }
    assert_eq!(
        client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": unknown}})
        ),
        Value::Null
    );
    // Out-of-range positions in an open document answer without error.
    client.open(&uri, "FROM alpine\n");
    for (line, character) in [(0, 999), (999, 0), (u32::MAX, u32::MAX)] {
        client.request("textDocument/hover", at(&uri, line, character));
        client.request("textDocument/completion", at(&uri, line, character));
    }
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"range": {"start": position(50, 3), "end": position(60, 0)}, "text": "RUN x\n"}]}),
    );
    client.diagnostics(&uri, 3);
    assert!(client.is_running());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn large_documents_are_linted_off_the_message_loop() {
    let dir = workspace(&[]);
    let mut client = start(dir.path());
    let large_uri = file_uri(&dir.path().join("Large.Dockerfile"));
    let padding =
        "# padding line of a generated Dockerfile, long enough to matter\n".repeat(20_000);
    let text = format!("FROM alpine:3.20\n{padding}RUN apk add curl\nUSER nobody\n");
    assert!(text.len() > 1 << 20);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": large_uri, "languageId": "dockerfile", "version": 1, "text": text}}),
    );
    // Typing goes on while it is linted; only the last version's diagnostics count.
    let last_line = 20_002;
    for version in 2..=4 {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": large_uri, "version": version},
                   "contentChanges": [{"range": {"start": position(last_line, 11), "end": position(last_line, 11)}, "text": "x"}]}),
        );
    }
    // Other documents are served meanwhile.
    let small_uri = file_uri(&dir.path().join("Dockerfile"));
    assert!(codes(&client.open(&small_uri, "FROM alpine\n")).contains(&"DL3006".to_string()));
    let diagnostics = client.diagnostics(&large_uri, 4);
    let apk = diagnostics
        .iter()
        .find(|d| d["code"] == "DL3019")
        .expect("DL3019 in the large file");
    assert_eq!(apk["range"]["start"]["line"], 20_001);
    assert!(client.is_running());
}
