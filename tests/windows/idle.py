"""The idle cost of the Windows `deckhand.exe run` under Wine: 1,000 active schedules, none
due within the hour. Counts the context switches of all its threads (each one a wake-up) and
its CPU time over a quiet minute, as benches/engine.rs does for the Linux build (0 wake-ups).

Run after scripts/windows.sh (which builds deckhand.exe and makes the Wine prefix):
    python3 tests/windows/idle.py [SECONDS]
Prints the figures, by thread; exits 1 if any thread woke other than Wine's own thread-pool
thread ("wine_threadpool"), which carries the engine's waitable-timer wait and wakes every 5 s
under Wine 8 (12 a minute; a Wine detail: Deckhand's own threads do not wake).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from smoke import CLI, WINE, deckhand, wait_until, windows_path  # noqa: E402


# The threads allowed to wake while idle (see above).
EXPECTED = {"wine_threadpool"}


def threads_of(pid: int) -> list[Path]:
    return list(Path(f"/proc/{pid}/task").iterdir())


def cost(pid: int) -> tuple[float, int]:
    """CPU seconds and context switches (voluntary and not) over all threads of `pid`."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu, switches = 0.0, 0
    for task in threads_of(pid):
        try:
            stat = (task / "stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(stat[11]) + int(stat[12])) / ticks
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    switches += int(line.split()[-1])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return cpu, switches


def per_thread(pid: int) -> dict[str, int]:
    """Context switches by thread name."""
    out: dict[str, int] = {}
    for task in threads_of(pid):
        try:
            name = (task / "comm").read_text().strip()
            status = (task / "status").read_text().splitlines()
        except (FileNotFoundError, ProcessLookupError):
            continue
        out[name] = out.get(name, 0) + sum(int(l.split()[-1]) for l in status if "ctxt_switches" in l)
    return out


def windows_pid_of(name: str) -> int | None:
    """The Linux pid of the Wine process running `name` (its command line names the exe)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if name in cmdline and " run" in cmdline and "wine64 " not in cmdline.split(name)[0][-8:]:
            return int(proc.name)
    return None


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    lab = Path(tempfile.mkdtemp(prefix="deckhand-windows-idle-"))
    db = lab / "idle.sqlite3"
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    schedules = [{
        "name": f"Schedule {k}",
        "methodPath": f"m-{k}.med",
        "recurrence": {"kind": "daily",
                       "start": (later + timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%SZ")},
    } for k in range(1000)]
    export = lab / "thousand.json"
    export.write_text(json.dumps({"format": "deckhand-export", "version": 1,
                                  "schedules": schedules, "contacts": []}))
    deckhand("import", windows_path(export), db=db)
    engine = subprocess.Popen([WINE, str(CLI), "--db", windows_path(db), "run", "--log-level", "warn"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "DECKHAND_DB": ""})
    try:
        pid = wait_until("deckhand.exe to run", lambda: windows_pid_of("deckhand.exe"), timeout=60)
        # Start-up is not idle: the schedules are loaded, the next runs saved, and the day's
        # backup made a few seconds after start. Measure from a few seconds after it is on disk.
        wait_until("the start-up backup", lambda: any((lab / "backups").glob("*.sqlite3")), timeout=120)
        time.sleep(5)
        cpu0, switches0 = cost(pid)
        by_thread0 = per_thread(pid)
        threads = len(threads_of(pid))
        time.sleep(seconds)
        cpu1, switches1 = cost(pid)
        by_thread1 = per_thread(pid)
        assert engine.poll() is None, "deckhand.exe kept running"
    finally:
        engine.kill()
        engine.wait(timeout=30)
    wakeups = switches1 - switches0
    per_minute = wakeups * 60 / seconds
    print(f"windows idle: deckhand.exe run under Wine, 1,000 schedules, none due, {seconds} s: "
          f"{wakeups} context switches over its {threads} threads ({per_minute:.1f} a minute), "
          f"CPU {cpu1 - cpu0:.3f} s")
    woke = {name: n - by_thread0.get(name, 0) for name, n in by_thread1.items()}
    print("  by thread: " + ", ".join(f"{name} {n}" for name, n in sorted(woke.items(), key=lambda x: -x[1]) if n))
    unexplained = {name: n for name, n in woke.items() if n and name not in EXPECTED}
    if unexplained:
        print(f"  unexpected wake-ups: {unexplained}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
