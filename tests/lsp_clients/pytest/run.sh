#!/usr/bin/env bash
# Runs the pytest-lsp tests against a built `plimsoll` (PLIMSOLL_BIN, default
# target/debug/plimsoll), installing pytest-lsp into a cached virtual environment.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/plimsoll/pytest-lsp-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
export PLIMSOLL_BIN="${PLIMSOLL_BIN:-$root/target/debug/plimsoll}"
if [ ! -x "$PLIMSOLL_BIN" ]; then
    echo "error: $PLIMSOLL_BIN not found; build it first (cargo build)" >&2
    exit 1
fi
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
