#!/usr/bin/env bash
# Installs what Deckhand needs to build, run and test on Debian 12 or newer: the system
# libraries Tauri links against, the tools the tests drive, and the UI's npm packages.
# Sourced by scripts/run.sh and scripts/test.sh. Safe to run again: it installs only what is
# missing. Needs root (or sudo) the first time, for the Debian packages. Rust (cargo 1.85+)
# and Node.js (20.19+) must already be installed; it says how if they are not.
set -euo pipefail

DECKHAND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Each step says when it began, counted from the first script's start (so a CI log shows what
# each step took).
export DECKHAND_STARTED="${DECKHAND_STARTED:-$(date +%s)}"
step() {
  local elapsed=$(($(date +%s) - DECKHAND_STARTED))
  # The disk left beside each step: a build that runs out of disk fails with a linker's
  # "No space left on device", and this line says how close the step before came.
  local free
  free="$(df -Pk "${DECKHAND_ROOT:-.}" 2>/dev/null | awk 'NR == 2 { printf "%.1f GB", $4 / 1048576 }')"
  printf '\n==> [%d:%02d] %s (disk free: %s)\n' $((elapsed / 60)) $((elapsed % 60)) "$*" "${free:-unknown}"
}
fail() { printf '\n%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# --- Debian packages ---------------------------------------------------------------------
# Tauri 2 on Linux (WebKitGTK 4.1, GTK 3, libsoup 3, …), and a virtual display with a D-Bus
# session for running the window where there is no screen; a notification daemon (dunst) for the
# desktop-notification tests, keyutils (keyctl) to give the tests a kernel session keyring,
# and WebKitWebDriver (webkit2gtk-driver) for driving the real window in the smoke test.
DEBIAN_PACKAGES=(
  build-essential pkg-config curl libssl-dev
  libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev
  libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth dbus imagemagick
  dunst keyutils webkit2gtk-driver procps
)

step "Checking Debian packages"
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "All ${#DEBIAN_PACKAGES[@]} packages are installed."
else
  echo "Installing: ${missing[*]}"
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || fail "installing packages needs root; run this script as root or install sudo."
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Toolchains ----------------------------------------------------------------------------
step "Checking Rust and Node.js"
# version_at_least HAVE WANT: true when dotted version HAVE >= WANT.
version_at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

command -v cargo >/dev/null ||
  fail "cargo was not found. Install Rust with rustup (https://rustup.rs), open a new shell, and run this again."
cargo_version="$(cargo --version | awk '{print $2}')"
version_at_least "$cargo_version" 1.85.0 ||
  fail "cargo $cargo_version is too old; Deckhand needs 1.85 or newer. Run 'rustup update stable'."
command -v node >/dev/null && command -v npm >/dev/null ||
  fail "Node.js was not found. Install Node.js 20.19 or newer (Debian's own nodejs package is too old), then run this again."
node_version="$(node --version | sed 's/^v//')"
version_at_least "$node_version" 20.19.0 ||
  fail "Node.js $node_version is too old; the UI build (Vite) needs 20.19 or newer."
echo "cargo $cargo_version, Node.js $node_version."

# --- The UI's npm packages -----------------------------------------------------------------
step "Installing the UI's npm packages"
# `npm ci` starts from scratch every time; skip it while package-lock.json is the one the
# installed node_modules came from.
lock_hash="$(sha256sum "$DECKHAND_ROOT/ui/package-lock.json" | awk '{print $1}')"
stamp="$DECKHAND_ROOT/ui/node_modules/.deckhand-lock.sha256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" ]]; then
  echo "Up to date."
else
  (cd "$DECKHAND_ROOT/ui" && npm ci --no-audit --no-fund)
  echo "$lock_hash" >"$stamp"
fi
