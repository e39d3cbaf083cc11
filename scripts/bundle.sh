#!/usr/bin/env bash
# Builds Deckhand's installers with the Tauri bundler, in release mode.
#
#   scripts/bundle.sh              the .deb (on Linux)
#   scripts/bundle.sh msi,nsis     the Windows installers (on Windows, in Git Bash)
#
# Each installer holds the desktop app, the `deckhand` command-line program and the
# simulator `deckhand-sim` side by side (the app finds the simulator beside itself).
# The installers are written to target/release/bundle/<kind>/ (or under $CARGO_TARGET_DIR).
#
# Run scripts/setup.sh first (or scripts/test.sh, which does): this script installs nothing.
set -euo pipefail

bundles="${1:-deb}"
case "$bundles" in
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
[[ -x ui/node_modules/.bin/tauri ]] || {
  echo "bundle.sh: the Tauri CLI is missing; run 'bash scripts/setup.sh' (it runs npm ci in ui/) first." >&2
  exit 1
}

# The command-line program and the simulator go into the installer as Tauri "external
# binaries", which the bundler looks for under src-tauri/binaries/ with the target triple in
# their names (and installs without it). They are named only in tauri.bundle.conf.json, so
# that plain debug builds of the desktop app do not need them.
triple="$(rustc -vV | sed -n 's/^host: //p')"
exe=""
[[ "$triple" == *windows* ]] && exe=".exe"
cargo build --release --locked -p deckhand --bin deckhand --bin deckhand-sim
mkdir -p src-tauri/binaries
for program in deckhand deckhand-sim; do
  cp "$target/release/$program$exe" "src-tauri/binaries/$program-$triple$exe"
done

# `tauri build` builds the UI (beforeBuildCommand), the desktop app in release mode, and the
# installers; --ci keeps it from asking anything.
(cd src-tauri && ../ui/node_modules/.bin/tauri build --ci --bundles "$bundles" --config tauri.bundle.conf.json)

echo
echo "Installers:"
find "$target/release/bundle" -maxdepth 2 -type f \( -name '*.deb' -o -name '*.msi' -o -name '*-setup.exe' \) -newer src-tauri/binaries/"deckhand-$triple$exe" -print
