#!/usr/bin/env bash
# Builds Deckhand for Windows (x86_64-pc-windows-gnu, linked with mingw-w64): the command line,
# the simulator and the desktop app, and from them the NSIS installer (makensis, from
# scripts/windows/installer.nsi). Runs the core's unit and integration tests built for Windows
# under Wine, then the Windows checks (tests/windows/smoke.py) and the installer's
# (tests/windows/installer.py). Called by scripts/test.sh; runs alone too. Installs what it needs: Debian's mingw-w64 and Wine, and
# Rust's Windows target (rustup). Its own target folder (target/windows) and Wine prefix.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$DECKHAND_ROOT"

step "Windows: mingw-w64, Wine and NSIS (Debian packages), Rust's x86_64-pc-windows-gnu target"
WINDOWS_PACKAGES=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine64 wine nsis x11-utils xvfb)
missing=()
for package in "${WINDOWS_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v rustup >/dev/null ||
  fail "rustup was not found; the Windows build needs Rust's x86_64-pc-windows-gnu target (https://rustup.rs)."
rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu

step "Windows: building deckhand.exe, deckhand-sim.exe, deckhand-desktop.exe and the tests; clippy on the Windows code"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
# The Windows tests write their TypeScript bindings aside (the committed ones are checked
# against the Linux build's); set before building, as the tests are built with it.
export TS_RS_EXPORT_DIR="$DECKHAND_ROOT/target/windows/bindings"
windows_build=(--locked --target x86_64-pc-windows-gnu --target-dir target/windows -p deckhand)
cargo build "${windows_build[@]}" --bins
cargo test "${windows_build[@]}" --lib --test integration --no-run
# The desktop app embeds the built UI (ui/dist, which test.sh builds first).
[[ -f ui/dist/index.html ]] || (cd ui && npm run build)
cargo build --locked --target x86_64-pc-windows-gnu --target-dir target/windows -p deckhand-desktop --bins
cargo clippy --locked --target x86_64-pc-windows-gnu --target-dir target/windows -p deckhand-desktop --all-targets -- -D warnings
# Not the benchmarks: they measure the Linux build (timerfd, /proc), as the targets are met there.
cargo clippy "${windows_build[@]}" --lib --bins --tests -- -D warnings

step "Windows: a private Wine prefix"
export WINEPREFIX="$DECKHAND_ROOT/target/windows/wine"
export WINEDEBUG=-all
# No Mono or Gecko installers: Deckhand needs neither, and there is no internet to fetch them.
export WINEDLLOVERRIDES="mscoree,mshtml="
if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
  # (It says it cannot open the 32-bit rundll32: there is no 32-bit Wine here, and none is needed.)
  /usr/lib/wine/wine64 wineboot --init || true
  # The registry files are written when Wine's server ends: wait for it.
  /usr/lib/wine/wineserver -w
  [[ -f "$WINEPREFIX/system.reg" ]] || fail "Wine could not make its prefix in $WINEPREFIX."
fi
x86_64-w64-mingw32-gcc -shared -O2 -Wl,--kill-at \
  -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" scripts/windows/bcryptprimitives.c

step "Windows: the installer (makensis), from the same debug build the tests use"
# The programs without their debug information (a tenth of the size; makensis is then quick).
programs="$DECKHAND_ROOT/target/windows/installer/programs"
rm -rf "$programs" && mkdir -p "$programs"
for program in deckhand-desktop.exe deckhand.exe deckhand-sim.exe; do
  x86_64-w64-mingw32-strip -o "$programs/$program" "target/windows/x86_64-pc-windows-gnu/debug/$program"
done
cp target/windows/x86_64-pc-windows-gnu/debug/WebView2Loader.dll "$programs/"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' src-tauri/Cargo.toml | head -n 1)"
installers="$DECKHAND_ROOT/target/windows/installer"
for build in "$version" 0.0.1; do
  makensis -V2 -DCOMPRESSION=zlib -DVERSION="$build" -DROOT="$DECKHAND_ROOT" -DPROGRAMS="$programs" \
    -DOUTFILE="$installers/Deckhand_${build}_x64-setup.exe" scripts/windows/installer.nsi
done
x86_64-w64-mingw32-gcc -O2 -o target/windows/fake-webview2-installer.exe tests/windows/fake_webview2_installer.c

step "Windows: the core's tests under Wine"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$DECKHAND_ROOT/scripts/windows/wine-run.sh"
status=0
# Wine has the Windows credential store (CredWrite/CredRead): the keyring tests use it.
windows_tests() {
  DECKHAND_TEST_KEYRING=1 cargo test "${windows_build[@]}" --lib --test integration -- --test-threads=2
}
# Wine 8 now and then fails to create a process ("Internal error", 1359) when many start and
# end at once: a run with failures is run once more, and only a test failing twice fails.
if ! windows_tests; then
  echo "windows.sh: some tests failed under Wine (above); running them all once more" >&2
  windows_tests || status=$?
fi

step "Windows: the checks under Wine"
[[ $status -eq 0 ]] && { python3 tests/windows/smoke.py || status=$?; }
[[ $status -eq 0 ]] && { python3 tests/windows/installer.py "$installers/Deckhand_${version}_x64-setup.exe" \
  "$installers/Deckhand_0.0.1_x64-setup.exe" || status=$?; }
# Nothing the checks started may outlive them.
/usr/lib/wine/wineserver -k 2>/dev/null || true
exit "$status"
