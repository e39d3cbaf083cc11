#!/usr/bin/env bash
# Sets up a fresh Debian machine (as root) and runs every Deckhand test and check.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$DECKHAND_ROOT"

step "Test tools: a real SMTP server for the email tests (aiosmtpd, from PyPI)"
if ! python3 -c "import aiosmtpd" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi
python3 -c "import aiosmtpd" || fail "aiosmtpd could not be installed; the email tests need it (python3 -m pip install aiosmtpd)."

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "Building the UI (the desktop crate embeds ui/dist)"
(cd ui && npm run build)

step "Lints (cargo clippy, every crate and target, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (core: store, CLI, bindings; desktop shell)"
# In a fresh session keyring (keyctl), so the keyring tests have a real one to use; the
# desktop-notification tests start their own display, session bus and dunst.
DECKHAND_TEST_KEYRING=1 keyctl session deckhand-tests cargo test --workspace --locked

step "TypeScript bindings are up to date"
# `cargo test` above re-exported them from the Rust types; any difference means the committed
# bindings are stale.
if git -C "$DECKHAND_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  stale=$(git status --porcelain -- ui/src/bindings)
  if [ -n "$stale" ]; then
    echo "The committed TypeScript bindings differ from the Rust types:" >&2
    echo "$stale" >&2
    git --no-pager diff -- ui/src/bindings >&2
    echo "Run 'cargo test -p deckhand export_bindings' and commit ui/src/bindings." >&2
    exit 1
  fi
fi

step "UI lint, type check and unit tests"
(cd ui && npm run lint && npm run typecheck && npm test)

step "Windows: deckhand.exe and deckhand-sim.exe cross-built and checked under Wine"
bash scripts/windows.sh

step "Dependency audit (cargo audit, npm audit; a WARNING when the advisory sources cannot be reached)"
bash scripts/audit.sh

step "The real window (tauri-driver + WebKitWebDriver under Xvfb): smoke test, then the journeys"
if ! command -v tauri-driver >/dev/null && [[ ! -x "$HOME/.cargo/bin/tauri-driver" ]]; then
  cargo install tauri-driver --locked
fi
if ! python3 -c "import selenium" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check selenium
fi
# The app finds the simulator beside itself, so both are built into target/debug.
cargo build --locked -p deckhand-desktop -p deckhand --bins
python3 tests/e2e/smoke.py
python3 tests/e2e/security.py
# A scientist's journeys with the simulator, aiosmtpd and dunst (about 4.5 minutes);
# screenshots are left in target/e2e-screenshots/.
python3 tests/e2e/journeys.py

step "The .deb installer: built in release mode, installed with apt-get, the installed app started"
bash scripts/bundle.sh deb
deb="$(ls -t target/release/bundle/deb/*.deb | head -n1)"
as_root=()
((EUID == 0)) || as_root=(sudo)
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --reinstall "$PWD/$deb"
python3 tests/e2e/installed.py
# The programs are removed again (never the data): a test run leaves the machine as it found it.
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get remove -y -qq deckhand

step "All tests passed"
