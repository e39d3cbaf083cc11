#!/usr/bin/env bash
# Cargo's runner for x86_64-pc-windows-gnu (scripts/windows.sh sets it): runs a Windows
# program, such as a test binary, under Wine in Deckhand's private prefix.
#
# Afterwards it removes the temporary folders the program left in the prefix's Temp folder.
# A test's temporary folder holds copies of the simulator; Windows refuses to delete a program
# file while its process is ending, so a folder dropped right after a kill stays behind (about
# 140 MB each, over a gigabyte a run). Cargo runs test binaries one after another, and the
# prefix is Deckhand's own, so whatever is in that Temp folder newer than this start is this
# program's.
set -uo pipefail
export WINEPREFIX="${WINEPREFIX:?scripts/windows.sh sets the Wine prefix}"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
started="$(mktemp)"
/usr/lib/wine/wine64 "$@"
status=$?
for temp in "$WINEPREFIX"/drive_c/users/*/Temp; do
  [[ -d "$temp" ]] || continue
  find "$temp" -mindepth 1 -maxdepth 1 -name '.tmp*' -newer "$started" -exec rm -rf {} + || true
done
rm -f "$started"
exit "$status"
