"""End-to-end checks of `plimsoll server` through pytest-lsp, a client that is not ours."""

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

GO_SERVICE = """FROM golang:latest
WORKDIR /src
COPY . .
RUN go build -o /app ./cmd/api
RUN apk add curl # 安装 🔧
CMD /app
"""


async def diagnostics_where(client: LanguageClient, uri: str, accept) -> list[types.Diagnostic]:
    """Waits for diagnostics of `uri` that `accept` takes: the server publishes again when the
    settings it asked the client for arrive, so the first publication may be superseded."""
    for _ in range(20):
        if uri in client.diagnostics and accept(list(client.diagnostics[uri])):
            return list(client.diagnostics[uri])
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 10)
    raise AssertionError(f"no acceptable diagnostics for {uri}: {client.diagnostics.get(uri)}")


async def open_document(client: LanguageClient, uri: str, text: str, accept=lambda d: True) -> list[types.Diagnostic]:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)
        )
    )
    return await diagnostics_where(client, uri, accept)


def utf16_offset(text: str, position: types.Position) -> int:
    lines = text.split("\n")
    line = lines[position.line]
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return sum(len(l) + 1 for l in lines[: position.line]) + index
        units += len(char.encode("utf-16-le")) // 2
    return sum(len(l) + 1 for l in lines[: position.line]) + len(line)


def apply(text: str, edits: list[types.TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = utf16_offset(text, edit.range.start), utf16_offset(text, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest.mark.asyncio
async def test_diagnostics_and_quick_fix(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    diagnostics = await open_document(client, uri, GO_SERVICE, lambda d: "PL504" not in {x.code for x in d})
    codes = {d.code for d in diagnostics}
    assert {"DL3007", "PL301", "DL3019"} <= codes, codes
    assert "PL504" not in codes, "the client's settings are applied"
    apk = next(d for d in diagnostics if d.code == "DL3019")
    assert GO_SERVICE[utf16_offset(GO_SERVICE, apk.range.start) : utf16_offset(GO_SERVICE, apk.range.end)] == "apk add curl"
    assert apk.code_description is not None and apk.code_description.href.endswith("DL3019.md")

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=apk.range,
            context=types.CodeActionContext(diagnostics=[apk]),
        )
    )
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.is_preferred)
    changes = fix.edit.document_changes or []
    edits = [e for change in changes if isinstance(change, types.TextDocumentEdit) for e in change.edits]
    fixed = apply(GO_SERVICE, edits)
    assert "apk add --no-cache curl" in fixed

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await diagnostics_where(client, uri, lambda d: "DL3019" not in {x.code for x in d})


@pytest.mark.asyncio
async def test_hover_and_completion(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    await open_document(client, uri, "FROM golang:1.23 AS build\nCOPY --from= /a /b\nFROM alpine:3.20\nCOPY --from= /a /b\n")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=1))
    )
    assert "**FROM**" in hover.contents.value
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=12))
    )
    items = completion.items if isinstance(completion, types.CompletionList) else completion
    assert [item.label for item in items] == ["build"]


@pytest.mark.asyncio
async def test_rename_stage(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM golang:1.23 AS build\nFROM alpine:3.20\nCOPY --from=build /a /b\n"
    await open_document(client, uri, text)
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=14), new_name="compile"
        )
    )
    assert apply(text, edit.changes[uri]) == text.replace("build", "compile")


@pytest.mark.asyncio
async def test_close_clears_diagnostics(client: LanguageClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    assert await open_document(client, uri, "FROM alpine\n")
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await diagnostics_where(client, uri, lambda d: d == [])
