"""The installed .deb, as a lab would use it: the package is installed (by scripts/test.sh,
with apt-get), its files are where a Debian desktop looks for them, and the installed app starts
under Xvfb on a fresh database, sets itself up with the installed simulator, and runs a demo
method to completion; the installed `deckhand` program reads the same database.

    python3 tests/e2e/installed.py [VERSION]   # VERSION: the one the package must have

Screenshots go to target/e2e-screenshots/installed-*.png."""

import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from harness import ROOT, Desktop
from support import wait_until
from ui import Ui

BIN = Path("/usr/bin")
APP = BIN / "deckhand-desktop"
CLI = BIN / "deckhand"
SIMULATOR = BIN / "deckhand-sim"
ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]


def cargo_version() -> str:
    """The version in the root Cargo.toml, which the package must carry."""
    for line in (ROOT / "Cargo.toml").read_text().splitlines():
        if line.startswith("version = "):
            return line.split('"')[1]
    raise AssertionError("no version in Cargo.toml")


def check_package(version: str) -> None:
    """The package is installed at `version`, with the three programs, the menu entry and an
    icon at every size."""
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}|${Version}|${Depends}", "deckhand"], capture_output=True, text=True
    )
    assert status.returncode == 0, f"the deckhand package is not installed: {status.stderr.strip()}"
    state, installed, depends = status.stdout.split("|")
    assert state == "install ok installed", state
    assert installed == version, f"installed {installed}, expected {version}"
    for needed in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libayatana-appindicator3-1"]:
        assert needed in depends, f"the package does not depend on {needed}: {depends}"
    files = set(subprocess.run(["dpkg", "-L", "deckhand"], capture_output=True, text=True, check=True).stdout.split())
    for program in [APP, CLI, SIMULATOR]:
        assert str(program) in files and program.is_file(), f"{program} is not installed"
    desktop_file = Path("/usr/share/applications/Deckhand.desktop")
    assert str(desktop_file) in files, "no menu entry"
    entry = desktop_file.read_text()
    for line in ["Name=Deckhand", "Exec=deckhand-desktop", "Icon=deckhand-desktop", "Type=Application"]:
        assert line in entry.splitlines(), f"the menu entry lacks {line!r}:\n{entry}"
    for size in ICON_SIZES:
        icon = Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/deckhand-desktop.png")
        assert icon.is_file(), f"no {size}×{size} icon"
        header = icon.read_bytes()[:24]
        width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
        assert (width, height) == (size, size), f"{icon} is {width}×{height}"
    print(f"installed: package deckhand {installed}, {len(files)} paths, icons {ICON_SIZES}")


def cli(db: Path, *args: str) -> object:
    done = subprocess.run(
        [str(CLI), "--db", str(db), "--actor", "installed-test", "--json", *args],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, f"deckhand {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}"
    return json.loads(done.stdout) if done.stdout.strip() else None


def check_app() -> None:
    """The installed app starts on a fresh database, finds the installed simulator beside it,
    and runs a demo method to completion."""
    db = Path(tempfile.mkdtemp(prefix="deckhand-installed-")) / "deckhand.sqlite3"
    with Desktop(db, app=APP) as desktop:
        desktop.launch()
        ui = Ui(desktop, 0)
        ui.see("Robot", timeout=30)
        # No VENUS here, so the first start chose the simulator, and the header says so.
        badge = ui.shown(
            "//header//*[@aria-label='Simulation: runs go to the VENUS simulator, not to the robot']",
            "the Simulation badge in the header",
        )
        ui.until("the badge to say Simulation", lambda: ui.text_of(badge).strip().lower() == "simulation")
        desktop.screenshot("installed-dashboard")

        settings = cli(db, "settings", "list")
        assert settings["hxrunPath"] == str(SIMULATOR), settings
        assert settings["simulation"] is True, settings
        methods = Path(settings["methodsFolder"])
        assert (methods / "Demo - completes.med").is_file(), sorted(p.name for p in methods.iterdir())

        start = (datetime.now() + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
        schedule = cli(db, "schedules", "add", "--name", "Installed check", "--method", "Demo - completes.med",
                       "--daily", "--start", start.astimezone().isoformat(timespec="seconds"))
        ui.nav("Schedules")
        ui.row_menu("Installed check", "Run now")
        ui.see("“Installed check” was asked to run now.")

        def completed() -> dict | None:
            entries = cli(db, "history", "--schedule", schedule["id"])["entries"]
            runs = [entry["run"] for entry in entries]
            return runs[0] if runs and runs[0]["status"] in {"completed", "failed", "aborted", "interrupted"} else None

        run = wait_until("the demo run to end", completed, timeout=90, interval=0.5)
        assert run["status"] == "completed", run
        assert "End method - complete" in (run["outcomeDetail"] or ""), run
        ui.nav("History")
        ui.see("Installed check")
        desktop.screenshot("installed-history")

        about = cli(db, "doctor")
        errors = [check for check in about if check["level"] == "error"]
        assert not errors, errors
        print(f"installed: the app started, ran “Demo - completes” with {SIMULATOR}: {run['status']}; "
              f"doctor: {len(about)} checks, no errors")


def main(argv: list[str]) -> int:
    version = argv[1] if len(argv) > 1 else cargo_version()
    check_package(version)
    check_app()
    print("installed: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
