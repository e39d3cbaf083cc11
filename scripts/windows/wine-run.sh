#!/usr/bin/env bash
# Cargo's runner for x86_64-pc-windows-gnu (scripts/windows.sh sets it): runs a Windows
# program, such as a test binary, under Wine in Deckhand's private prefix.
set -euo pipefail
export WINEPREFIX="${WINEPREFIX:?scripts/windows.sh sets the Wine prefix}"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
exec /usr/lib/wine/wine64 "$@"
