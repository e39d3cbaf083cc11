"""Deckhand's Windows command line and simulator under Wine (run by scripts/windows.sh, which
builds them and makes the Wine prefix). What a lab PC does first, the Windows way:

- the data folder is %APPDATA%\\Deckhand\\data;
- `deckhand doctor` finds the free space of the database's disk (a `\\\\?\\` path from
  canonicalising no longer hides it);
- `deckhand run` sets up the simulator beside itself on a fresh database and runs a method
  whose trace the simulator writes in UTF-16, following it live to `completed`;
- `deckhand trace` reads that UTF-16 trace, and judges a Windows-1252 one that never started
  as "not touched".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "target" / "windows" / "x86_64-pc-windows-gnu" / "debug"
CLI = BUILD / "deckhand.exe"
SIM = BUILD / "deckhand-sim.exe"
WINE = "/usr/lib/wine/wine64"


def windows_path(path: Path) -> str:
    """A Linux path as a Windows program under Wine sees it (Wine maps / to drive Z:)."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


def deckhand(*args: str, db: Path | None = None, check: bool = True,
             cli: Path | str = CLI) -> subprocess.CompletedProcess[str]:
    command = [WINE, str(cli)]
    if db is not None:
        command += ["--db", windows_path(db)]
    done = subprocess.run(command + list(args), capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DECKHAND_DB": ""})
    if check and done.returncode != 0:
        raise AssertionError(f"deckhand {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return done


def wait_until(what: str, check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.3)
    raise AssertionError(f"expected {what} within {timeout:.0f} s; last seen: {last!r}")


def data_folder() -> None:
    shown = deckhand("info").stdout
    line = next(l for l in shown.splitlines() if l.startswith("database:"))
    expected = "\\AppData\\Roaming\\Deckhand\\data\\deckhand.sqlite3"
    assert line.endswith(expected) and "Deckhand\\Deckhand" not in line, line
    print(f"windows: data folder ok — {line.split(':', 1)[1].strip()}")


def doctor_disk(lab: Path) -> None:
    db = lab / "deckhand.sqlite3"
    found = json.loads(deckhand("--json", "doctor", db=db, check=False).stdout)
    [disk] = [c for c in found if c["name"] == "Disk space"]
    assert disk["level"] == "ok" and "\\\\?\\" not in disk["message"], disk
    print(f"windows: doctor's disk check ok — {disk['message']}")


def run_with_the_simulator(lab: Path, cli: Path | str = CLI) -> dict:
    """`deckhand run` on a fresh database in `lab`: the simulator is set up beside `cli` and a
    quick method whose trace is UTF-16 runs to `completed`. The run, as the history shows it."""
    db = lab / "deckhand.sqlite3"
    engine = subprocess.Popen([WINE, str(cli), "--db", windows_path(db), "run"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "DECKHAND_DB": ""})
    try:
        methods = lab / "Demo methods"
        wait_until("the first start's demo methods", lambda: (methods / "Demo - completes.med").exists())
        (methods / "Wide quick.med").write_text("// sim: outcome=completed duration=1s steps=2 trace=utf-16\n")
        at = (datetime.now(timezone.utc) + timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
        created = json.loads(deckhand("--json", "schedules", "add", "--name", "Wide quick",
                                      "--method", "Wide quick.med", "--once", at, db=db,
                                      cli=cli).stdout)

        def finished():
            history = json.loads(deckhand("--json", "history", "--schedule", created["id"], db=db,
                                          cli=cli).stdout)
            runs = history["entries"]
            return runs[0]["run"] if runs and runs[0]["run"]["status"] in ("completed", "failed") else None

        run = wait_until("the run to end", finished, timeout=90)
        assert run["status"] == "completed", run
        assert "End method - complete" in (run["outcomeDetail"] or ""), run
        assert run["traceFile"] and run["traceFile"].startswith("Z:\\"), run
        print(f"windows: deckhand run with the simulator ok — a UTF-16 trace followed to {run['status']}")
        return run
    finally:
        engine.kill()
        engine.wait(timeout=30)


def traces(lab: Path) -> None:
    logs = lab / "Simulator LogFiles"
    [wide] = [p for p in logs.iterdir() if p.name.startswith("Wide quick_")]
    assert wide.read_bytes()[:2] == b"\xff\xfe", "the simulator wrote UTF-16 with a byte-order mark"
    judged = json.loads(deckhand("--json", "trace", windows_path(wide)).stdout)
    assert judged["outcome"] == "completed" and judged["touchedDeck"], judged
    assert judged["encoding"] == "UTF-16LE", judged
    method = lab / "Lösung é.med"
    method.write_text("// sim: outcome=not-started trace=windows-1252\n")
    out = lab / "latin"
    subprocess.run([WINE, str(SIM), windows_path(method), "-r", "-t", "--log-folder", windows_path(out)],
                   capture_output=True, timeout=60)
    [latin] = list(out.iterdir())
    judged = json.loads(deckhand("--json", "trace", windows_path(latin)).stdout)
    assert judged["outcome"] == "error" and not judged["touchedDeck"], judged
    assert judged["methodFile"].endswith("Lösung é.med"), judged
    print("windows: deckhand trace ok — UTF-16 and Windows-1252 traces read, the deck judged on proof")


def main() -> int:
    for needed in (CLI, SIM):
        if not needed.exists():
            raise SystemExit(f"{needed} is missing: bash scripts/windows.sh builds it")
    lab = Path(tempfile.mkdtemp(prefix="deckhand-windows-"))
    started = time.monotonic()
    try:
        data_folder()
        run_with_the_simulator(lab)
        doctor_disk(lab)
        traces(lab)
    except Exception:
        print(f"windows: the lab is kept in {lab}", file=sys.stderr)
        raise
    shutil.rmtree(lab, ignore_errors=True)
    print(f"windows: all checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
