#!/usr/bin/env bash
# Set up and run Deckhand on a Debian (12 or newer) machine.
#
#   scripts/run.sh            build (debug) and start the desktop app
#   scripts/run.sh --release  build an optimised binary instead
#
# Safe to run again: it installs only what is missing and rebuilds only what
# changed. Needs root (or sudo) the first time, to install Debian packages.
# Rust (cargo 1.85+) and Node.js (20.19+) must already be installed; the script
# says how if they are not. scripts/setup.sh does the installing.
#
# DECKHAND_DB=/path/to/file.sqlite3 makes the app use that database instead of
# the one in your data folder.
set -euo pipefail

profile=debug
cargo_profile_flag=()
for arg in "$@"; do
  case "$arg" in
    --release) profile=release; cargo_profile_flag=(--release) ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
repo="$DECKHAND_ROOT"
cd "$repo"

# --- The web UI and the desktop app ----------------------------------------------------------
step "Building the UI (ui/dist)"
(cd ui && npm run build)

# The plain cargo build embeds ui/dist into the binary (the crate enables
# tauri/custom-protocol by default), so no dev server is involved.
step "Building the desktop app, the command line and the VENUS simulator ($profile)"
cargo build -p deckhand-desktop -p deckhand --bins "${cargo_profile_flag[@]}"
app="$repo/target/$profile/deckhand-desktop"
scheduler="$repo/target/$profile/deckhand"
[[ -x "$app" && -x "$scheduler" ]] || fail "the build finished but $app or $scheduler is missing."
# The app finds the simulator beside itself.
[[ -x "$repo/target/$profile/deckhand-sim" ]] || fail "the build finished but deckhand-sim is missing."

# --- Start it ----------------------------------------------------------------------------------
step "Starting Deckhand"
if [[ -n "${DECKHAND_DB:-}" ]]; then
  echo "Database: $DECKHAND_DB (from DECKHAND_DB)."
else
  echo "Database: the default one in your data folder (set DECKHAND_DB to use another)."
fi

# The window hosts the scheduler. On a machine without VENUS its first start sets up the
# bundled simulator, and the window shows "Simulation". Logs go to the logs folder beside the
# database.

# WebKitGTK wants a D-Bus session; a bare root shell or SSH login has none.
run=("$app")
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v dbus-run-session >/dev/null; then
  run=(dbus-run-session -- "${run[@]}")
fi

if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
  echo "Closing the window hides it in the tray; the scheduler keeps running. Quit from the tray icon's menu (or press Ctrl+C here)."
  "${run[@]}"
else
  cat <<'EOF'
There is no display here: neither DISPLAY nor WAYLAND_DISPLAY is set, as on a
server or in a plain SSH session. Deckhand is a desktop app, so it is started
on a virtual screen (xvfb-run) instead: it runs, but no window appears on any
monitor. To see the window, run this script in a desktop session (or over
'ssh -X'). Press Ctrl+C to stop.
EOF
  xvfb-run --auto-servernum --server-args='-screen 0 1280x860x24' "${run[@]}"
fi
