#!/usr/bin/env bash
# Headless Neovim opens examples/go-service/Dockerfile, attaches `plimsoll server` through the
# config in editors/neovim (loaded from the runtimepath, not copied), waits for
# textDocument/publishDiagnostics, prints the diagnostics, and fails unless the expected codes
# arrived.
#
# Usage: tests/lsp_clients/neovim/run.sh     (after `cargo build --release`)
# Env:   PLIMSOLL_BIN  the binary (default: $CARGO_TARGET_DIR or target, then release/plimsoll)
#        NVIM          the nvim to use (default: nvim on PATH)
#        PLIMSOLL_TEST_TIMEOUT_MS  how long to wait for diagnostics (default 30000)
#
# Modes run: `native` (vim.lsp.enable('plimsoll') reading lsp/plimsoll.lua, 0.11+), `legacy`
# (require('plimsoll').setup({ native = false }): vim.lsp.start or vim.lsp.start_client on
# FileType, every Neovim from 0.7), and `settings` (require('plimsoll').setup() with
# settings.plimsoll.ignore, which must reach the server).
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"

nvim=${NVIM:-nvim}
bin=${PLIMSOLL_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/plimsoll}
file=examples/go-service/Dockerfile
# Always among the findings for the example: the test cannot pass on an empty list.
required="DL3007 DL3025 PL501"

fail() { echo "neovim lsp test: error: $*" >&2; exit 2; }

command -v "$nvim" >/dev/null || fail "'$nvim' not found (apt-get install neovim, or set NVIM)"
[ -x "$bin" ] || fail "no plimsoll binary at $bin: run 'cargo build --release' first, or set PLIMSOLL_BIN"
"$bin" server --help >/dev/null 2>&1 || fail "$bin has no 'server' subcommand"

# What the command line finds in the same file: the server must report at least these.
codes=$("$bin" check "$file" --format concise | awk '$2 ~ /^[A-Z]+[0-9]+$/ { print $2 }' | sort -u | tr '\n' ' ') || true
for code in $required; do
    case " $codes " in *" $code "*) ;; *) fail "'plimsoll check $file' no longer reports $code (got: $codes)";; esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# lsp/plimsoll.lua runs `plimsoll server`: the binary under test comes first on PATH.
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/plimsoll"
export PATH="$work/bin:$PATH"
# Keep Neovim's state (lsp.log, shada) out of the home folder.
export XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"

version=$("$nvim" --version | head -n 1)
modes="legacy settings"
if "$nvim" --headless -u NONE -i NONE +'lua if vim.lsp.enable == nil then vim.cmd("cquit 1") end' +'qall!' >/dev/null 2>&1; then
    modes="native legacy settings"
fi
echo "neovim lsp test: $version, modes: $modes, expecting: $codes"

passed=0
failed=0
for mode in $modes; do
    echo "--- neovim $mode"
    status=0
    PLIMSOLL_TEST_MODE=$mode PLIMSOLL_TEST_FILE=$file PLIMSOLL_EXPECTED="$codes" \
        timeout 120 "$nvim" --headless -u NONE -i NONE \
        --cmd "set rtp+=$root/editors/neovim" \
        -c "luafile $root/tests/lsp_clients/neovim/check.lua" </dev/null || status=$?
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
    else
        [ "$status" -eq 124 ] && echo "neovim lsp test: error: nvim did not exit within 120 s" >&2
        echo "neovim lsp test: $mode FAILED (exit $status)" >&2
        failed=$((failed + 1))
    fi
done
echo "neovim: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
