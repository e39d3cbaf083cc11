"""Measures the desktop app (issue 6 targets): time from launch to an interactive dashboard
(target < 1.5 s), and the resident memory of the app with all its processes after ten minutes
with 1,000 schedules and 100,000 runs, every page opened once (target < 200 MB). Not part of CI (it takes 11 minutes):

    python3 tests/e2e/measure.py [--minutes 10] [--runs 100000]

The database is seeded by the store benchmark (`cargo bench --bench store -- --seed-only`).
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from harness import APP, ROOT, Desktop, temp_db


def kib(pid: int, field: str, source: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def launch_time(db: Path, app: Path) -> float:
    with Desktop(db, app) as desktop:
        started = time.monotonic()
        desktop.launch()
        desktop.wait_for_text("Robot", timeout=60)
        return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--app", type=Path, default=APP, help="the deckhand-desktop binary (e.g. target/release/...)")
    args = parser.parse_args()
    print(f"app: {args.app}")

    empty = [launch_time(temp_db(), args.app) for _ in range(3)]
    print("launch → dashboard shown (empty database): " + ", ".join(f"{t:.2f} s" for t in empty), flush=True)

    db = temp_db()
    subprocess.run(
        ["cargo", "bench", "-q", "--bench", "store", "--", "--runs", str(args.runs), "--seed-only", str(db)],
        cwd=ROOT,
        check=True,
    )
    with Desktop(db, args.app) as desktop:
        started = time.monotonic()
        desktop.launch()
        desktop.wait_for_text("Robot", timeout=60)
        print(
            f"launch → dashboard shown (1,000 schedules, {args.runs:,} runs): {time.monotonic() - started:.2f} s",
            flush=True,
        )
        # A person's session: every page once (the big tables and the busiest calendar week),
        # then back to the dashboard, where the window usually sits.
        for page in ["Schedules", "History", "Calendar", "Notifications", "Settings", "Dashboard"]:
            desktop.click_nav(page)
            time.sleep(2)
        deadline = time.monotonic() + args.minutes * 60
        peak = 0
        while time.monotonic() < deadline:
            time.sleep(10)
            pids = desktop.app_pids()
            peak = max(peak, sum(kib(p, "VmRSS", "status") for p in pids))
        pids = desktop.app_pids()
        names = [Path(f"/proc/{p}/comm").read_text().strip() for p in pids]
        rss = sum(kib(p, "VmRSS", "status") for p in pids)
        pss = sum(kib(p, "Pss", "smaps_rollup") for p in pids)
        print(f"after {args.minutes:g} min, processes {names}:")
        print(f"  resident (RSS, summed; shared pages counted in each): {rss / 1024:.0f} MB, peak {peak / 1024:.0f} MB")
        print(f"  proportional (PSS, shared pages split): {pss / 1024:.0f} MB (target < 200 MB)")
        for pid, name in zip(pids, names):
            print(f"    {name}: PSS {kib(pid, 'Pss', 'smaps_rollup') / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
