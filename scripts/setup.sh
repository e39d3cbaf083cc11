#!/usr/bin/env bash
# Installs what Deckhand needs to build, run and test on Debian (as root): the system
# libraries Tauri links against, the tools the tests drive, and the UI's npm packages.
# Sourced by scripts/run.sh and scripts/test.sh; safe to run again (it skips what is there).
set -euo pipefail

DECKHAND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

step() { printf '\n==> %s\n' "$*"; }

DEBIAN_PACKAGES=(
  build-essential pkg-config curl
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libssl-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  xvfb xauth imagemagick dbus-x11
)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  step "Installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "Installing system packages needs root; run this script as root (or with sudo)." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

for tool in cargo node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "Deckhand needs '$tool' on the PATH (Rust via rustup, Node.js 20 or newer)." >&2
    exit 1
  fi
done

if [ ! -d "$DECKHAND_ROOT/ui/node_modules" ] || [ "$DECKHAND_ROOT/ui/package-lock.json" -nt "$DECKHAND_ROOT/ui/node_modules/.package-lock.json" ]; then
  step "Installing the UI's npm packages (npm ci)"
  (cd "$DECKHAND_ROOT/ui" && npm ci --no-audit --no-fund)
fi
