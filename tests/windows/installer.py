"""Deckhand's Windows installer under Wine (run by scripts/windows.sh, which builds it with
makensis from scripts/windows/installer.nsi and the Windows programs):

- installed silently (`/S`), with a stand-in for Microsoft's WebView2 offline installer beside
  it: that is run (`/silent /install`), as Wine has no WebView2 Runtime;
- the programs land in C:\\Program Files\\Deckhand, with a Start menu entry and an uninstall
  entry carrying the version;
- the installed deckhand.exe sets up the simulator installed beside it on a fresh database and
  runs a method on it to `completed`;
- the installed desktop app, without WebView2, says so in a native message box and runs the
  scheduler all the same (it holds the database's engine lock);
- an older installer refuses to install over it and changes nothing;
- the uninstaller (`/S`) removes the programs, the Start menu entry and the uninstall entry,
  and keeps the data; a second silent install without the stand-in still installs.

    python3 tests/windows/installer.py SETUP.exe OLDER-SETUP.exe
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from smoke import ROOT, WINE, deckhand, run_with_the_simulator, wait_until, windows_path  # noqa: E402

PREFIX = Path(os.environ["WINEPREFIX"])
INSTALLED = PREFIX / "drive_c" / "Program Files" / "Deckhand"
INSTALLED_CLI = r"C:\Program Files\Deckhand\deckhand.exe"
SHORTCUT = PREFIX / "drive_c" / "ProgramData" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Deckhand" / "Deckhand.lnk"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Deckhand"
PROGRAMS = ("deckhand-desktop.exe", "deckhand.exe", "deckhand-sim.exe", "WebView2Loader.dll", "uninstall.exe")
DATA = PREFIX / "drive_c" / "users" / os.environ.get("USER", "root") / "AppData" / "Roaming" / "Deckhand" / "data"
FAKE_WEBVIEW2 = ROOT / "target" / "windows" / "fake-webview2-installer.exe"
TITLE = "Deckhand cannot show its window"


def wine(*args: str, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([WINE, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def registry_version() -> str | None:
    done = wine("reg", "query", UNINSTALL_KEY, "/v", "DisplayVersion")
    if done.returncode != 0:
        return None
    return done.stdout.split("REG_SZ")[-1].strip() if "REG_SZ" in done.stdout else None


def clean_slate() -> None:
    """No Deckhand installed in the prefix (a previous run may have left one)."""
    shutil.rmtree(INSTALLED, ignore_errors=True)
    shutil.rmtree(SHORTCUT.parent, ignore_errors=True)
    wine("reg", "delete", UNINSTALL_KEY, "/f")


def install(setup: Path, folder: Path, with_webview2_installer: bool) -> int:
    """Runs `setup` /S from `folder`, with the WebView2 stand-in beside it or not."""
    folder.mkdir(parents=True, exist_ok=True)
    local = folder / setup.name
    shutil.copy(setup, local)
    beside = folder / "MicrosoftEdgeWebView2RuntimeInstallerX64.exe"
    if with_webview2_installer:
        shutil.copy(FAKE_WEBVIEW2, beside)
    return wine(windows_path(local), "/S").returncode


def installed(setup: Path, version: str, work: Path) -> None:
    code = install(setup, work / "media", with_webview2_installer=True)
    assert code == 0, f"the silent install exited {code}"
    for program in PROGRAMS:
        assert (INSTALLED / program).is_file(), f"{program} is in Program Files"
    assert SHORTCUT.is_file(), "the Start menu entry"
    assert registry_version() == version, f"the uninstall entry says {registry_version()!r}"
    ran = (work / "media" / "webview2-installer-ran.txt")
    assert ran.is_file(), "the WebView2 offline installer beside setup was run (Wine has no runtime)"
    assert ran.read_text().strip() == "/silent /install", ran.read_text()
    print(f"windows installer: /S installed {version} into C:\\Program Files\\Deckhand, Start menu "
          "and uninstall entries made, the WebView2 offline installer run silently")


def installed_cli_runs_a_method(work: Path) -> None:
    lab = work / "lab"
    lab.mkdir()
    run_with_the_simulator(lab, cli=INSTALLED_CLI)
    settings = deckhand("--json", "settings", "list", db=lab / "deckhand.sqlite3", cli=INSTALLED_CLI).stdout
    assert "Program Files\\\\Deckhand\\\\deckhand-sim.exe" in settings, settings
    # The default database, in the data folder the uninstaller must keep.
    deckhand("schedules", "list", cli=INSTALLED_CLI)
    assert (DATA / "deckhand.sqlite3").is_file(), f"a database in {DATA}"
    print("windows installer: the installed deckhand.exe set up the simulator beside it and ran a method")


def x_windows(display: str) -> str:
    return subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                          env={**os.environ, "DISPLAY": display}).stdout


def desktop_without_webview2(work: Path) -> None:
    display = os.environ.get("DISPLAY")
    xvfb = None
    if not display:
        display = ":97"
        xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until("Xvfb", lambda: subprocess.run(["xwininfo", "-root"], capture_output=True,
                                                  env={**os.environ, "DISPLAY": display}).returncode == 0)
    # Wine's desktop process belongs to the session: the earlier steps ran without a display, so
    # a new session is started for the app.
    subprocess.run(["/usr/lib/wine/wineserver", "-k"], capture_output=True)
    subprocess.run(["/usr/lib/wine/wineserver", "-w"], capture_output=True)
    db = work / "desktop" / "deckhand.sqlite3"
    db.parent.mkdir()
    app = subprocess.Popen([WINE, r"C:\Program Files\Deckhand\deckhand-desktop.exe"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env={**os.environ, "DISPLAY": display, "DECKHAND_DB": windows_path(db)})
    try:
        wait_until("the message box about WebView2", lambda: TITLE in x_windows(display), timeout=90)
        lock = db.with_name(db.name + ".engine-lock")
        wait_until("the scheduler to run (it holds the engine lock)",
                   lambda: lock.is_file() and lock.read_text().startswith("process "), timeout=60)
        logs = "".join(p.read_text(errors="replace") for p in (db.parent / "logs").glob("*"))
        assert TITLE in logs and "WebView2 Runtime" in logs, logs[-2000:]
    finally:
        app.kill()
        subprocess.run(["/usr/lib/wine/wineserver", "-k"], capture_output=True)
        app.wait(timeout=30)
        if xvfb:
            xvfb.kill()
            xvfb.wait(timeout=30)
    print("windows installer: the desktop app without WebView2 says so in a message box; its scheduler runs")


def older_refused(older: Path, version: str, work: Path) -> None:
    before = (INSTALLED / "deckhand.exe").stat().st_mtime_ns
    code = install(older, work / "older", with_webview2_installer=False)
    assert code == 2, f"an older installer exits 2, not {code}"
    assert registry_version() == version and (INSTALLED / "deckhand.exe").stat().st_mtime_ns == before
    print("windows installer: an older installer refuses to replace a newer Deckhand and changes nothing")


def uninstalled() -> None:
    done = wine(r"C:\Program Files\Deckhand\uninstall.exe", "/S")
    assert done.returncode == 0, done
    # The uninstaller runs from a copy of itself and returns at once.
    wait_until("the programs to be removed", lambda: not INSTALLED.exists(), timeout=120)
    assert not SHORTCUT.exists() and not SHORTCUT.parent.exists(), "the Start menu entry is gone"
    assert registry_version() is None, "the uninstall entry is gone"
    assert (DATA / "deckhand.sqlite3").is_file(), "the data stays"
    print("windows installer: /S uninstall removed the programs and entries and kept the data")


def main() -> int:
    setup, older = Path(sys.argv[1]), Path(sys.argv[2])
    version = setup.name.split("_")[1]
    work = Path(tempfile.mkdtemp(prefix="deckhand-windows-installer-"))
    started = time.monotonic()
    try:
        clean_slate()
        installed(setup, version, work)
        installed_cli_runs_a_method(work)
        desktop_without_webview2(work)
        older_refused(older, version, work)
        uninstalled()
        code = install(setup, work / "again", with_webview2_installer=False)
        assert code == 0 and (INSTALLED / "deckhand.exe").is_file(), f"installs without WebView2 too ({code})"
        uninstalled()
    except Exception:
        print(f"windows installer: the work folder is kept in {work}", file=sys.stderr)
        raise
    shutil.rmtree(work, ignore_errors=True)
    print(f"windows installer: all checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
