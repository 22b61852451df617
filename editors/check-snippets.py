#!/usr/bin/env python3
"""Checks that every snippet in docs/editors.md is, byte for byte, the file it shows.

A snippet is a fenced code block preceded by a marker line naming the file, relative to the
repository root:

    <!-- file: editors/helix/languages.toml -->
    ```toml
    ...
    ```

The block's content (the lines between the fences, each ending in a newline) must equal the
file. Every other fenced block must be a shell command block (sh, shell, bash, console), so
that no configuration snippet can drift from the files that CI tests.

    editors/check-snippets.py            check docs/editors.md
    editors/check-snippets.py --write    copy the files into the docs' snippets instead
    editors/check-snippets.py DOC...     check other Markdown files

Python standard library only. Exit status: 0 all snippets match, 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = [ROOT / "docs" / "editors.md"]
MARKER = re.compile(r"^<!--\s*file:\s*(?P<path>\S+)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
COMMAND_LANGUAGES = {"sh", "shell", "bash", "console"}


@dataclass
class Block:
    info: str
    start: int  # index of the opening fence line
    end: int  # index of the closing fence line (len(lines) when unclosed)
    content: str
    marker: str | None
    marker_line: int | None


def parse(lines: list[str]) -> tuple[list[Block], list[str]]:
    """The fenced blocks of a Markdown file (lines keep their line ends), and problems."""
    blocks: list[Block] = []
    problems: list[str] = []
    pending: tuple[str, int] | None = None
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\r\n")
        marker = MARKER.match(line)
        if marker:
            if pending is not None:
                problems.append(f"line {pending[1] + 1}: marker for {pending[0]} is not followed by a code block")
            pending = (marker.group("path"), i)
            i += 1
            continue
        fence = FENCE.match(line)
        if fence:
            opening = fence.group("fence")
            j = i + 1
            while j < len(lines):
                closing = FENCE.match(lines[j].rstrip("\r\n"))
                if (
                    closing
                    and closing.group("fence")[0] == opening[0]
                    and len(closing.group("fence")) >= len(opening)
                    and closing.group("info").strip() == ""
                ):
                    break
                j += 1
            if j == len(lines):
                problems.append(f"line {i + 1}: code block is not closed")
            blocks.append(
                Block(
                    info=fence.group("info").strip(),
                    start=i,
                    end=j,
                    content="".join(lines[i + 1 : j]),
                    marker=pending[0] if pending else None,
                    marker_line=pending[1] if pending else None,
                )
            )
            pending = None
            i = j + 1
            continue
        if line.strip() != "" and pending is not None:
            problems.append(f"line {pending[1] + 1}: marker for {pending[0]} is not followed by a code block")
            pending = None
        i += 1
    if pending is not None:
        problems.append(f"line {pending[1] + 1}: marker for {pending[0]} is not followed by a code block")
    return blocks, problems


def resolve(path: str) -> Path | None:
    """The marked file, if it is inside the repository."""
    target = (ROOT / path).resolve()
    try:
        target.relative_to(ROOT)
    except ValueError:
        return None
    return target


def check(doc: Path, write: bool) -> tuple[int, list[str]]:
    """Returns how many snippets were checked (or written) and the problems found."""
    text = doc.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    blocks, problems = parse(lines)
    rel = doc.relative_to(ROOT) if doc.is_relative_to(ROOT) else doc
    problems = [f"{rel}: {p}" for p in problems]
    checked = 0
    replacements: list[tuple[Block, str]] = []
    for block in blocks:
        where = f"{rel}:{block.start + 1}"
        if block.marker is None:
            language = block.info.split()[0] if block.info else ""
            if language not in COMMAND_LANGUAGES:
                problems.append(
                    f"{where}: a ```{language} block without a `<!-- file: PATH -->` marker "
                    f"(only {', '.join(sorted(COMMAND_LANGUAGES))} blocks may stand alone)"
                )
            continue
        target = resolve(block.marker)
        if target is None:
            problems.append(f"{where}: {block.marker} is outside the repository")
            continue
        if not target.is_file():
            problems.append(f"{where}: {block.marker} does not exist")
            continue
        wanted = target.read_bytes()
        try:
            wanted_text = wanted.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"{where}: {block.marker} is not UTF-8 text")
            continue
        checked += 1
        if write:
            if block.content != wanted_text:
                replacements.append((block, wanted_text))
            continue
        if block.content.encode("utf-8") != wanted:
            if wanted_text and not wanted_text.endswith("\n"):
                problems.append(f"{where}: {block.marker} does not end with a newline, a snippet always does")
                continue
            diff = "".join(
                difflib.unified_diff(
                    wanted_text.splitlines(keepends=True),
                    block.content.splitlines(keepends=True),
                    fromfile=block.marker,
                    tofile=f"{rel} (line {block.start + 2})",
                )
            )
            problems.append(f"{where}: the snippet differs from {block.marker}:\n{diff}")
    if write and replacements:
        for block, wanted_text in sorted(replacements, key=lambda r: r[0].start, reverse=True):
            lines[block.start + 1 : block.end] = wanted_text.splitlines(keepends=True)
        doc.write_text("".join(lines), encoding="utf-8")
        print(f"{rel}: rewrote {len(replacements)} snippet(s) from their files")
    return checked, problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs", nargs="*", type=Path, help="Markdown files (default: docs/editors.md)")
    parser.add_argument("--write", action="store_true", help="copy each marked file into its snippet")
    args = parser.parse_args(argv)
    docs = [d.resolve() for d in args.docs] or DEFAULT_DOCS
    total = 0
    problems: list[str] = []
    for doc in docs:
        if not doc.is_file():
            problems.append(f"{doc}: no such file")
            continue
        checked, found = check(doc, args.write)
        total += checked
        problems += found
        if checked == 0:
            problems.append(f"{doc}: no `<!-- file: PATH -->` snippet to check")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"check-snippets: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check-snippets: {total} snippet(s) match their files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
