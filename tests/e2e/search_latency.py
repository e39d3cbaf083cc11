"""Measures, in the real window, how long the Schedules page takes from a key press in its
search box to the filtered table (issue 15): 1,000 schedules, each key changing what matches.
Not part of CI (a measurement, not a test); about a minute:

    python3 tests/e2e/search_latency.py [--app target/release/deckhand-desktop]

The time is taken inside the page: from the key's `keydown` event to the moment the table shows
the rows the new text matches (row count and "Showing … of N"), and to the next frame after it
(when the screen shows it). The schedules are imported with `deckhand import` and are due next
year, so the scheduler stays idle while it measures.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import APP, Desktop, temp_db
from support import Cli

SCHEDULES = 1_000
PAGE_SIZE = 50
# Typed from an empty box, one key at a time; every key changes what matches.
QUERIES = ["990", "123", "456", "785", "31", "204", "67"]


def names_and_paths() -> list[tuple[str, str]]:
    return [
        (f"Project {i // 10:03} plate prep {i}", f"C:\\Methods\\Project {i // 10:03}\\PlatePrep_{i:04}.med")
        for i in range(SCHEDULES)
    ]


def seed(db: Path) -> None:
    schedules = [
        {
            "name": name,
            "methodPath": path,
            "recurrence": {"kind": "daily", "start": "2027-06-01T08:00:00Z"},
            "retry": {"maxAttempts": 5, "delayMinutes": 2, "backoff": "fixed", "maxDelayMinutes": 30},
            "missedRuns": {"catchUp": True, "graceMinutes": 15},
            "expectedDurationMinutes": None,
            "stuckMinutes": None,
            "active": True,
            "archived": False,
        }
        for name, path in names_and_paths()
    ]
    export = {"format": "deckhand-export", "version": 1, "exportedAt": "2026-12-01T00:00:00Z",
              "schedules": schedules, "contacts": []}
    file = Path(tempfile.mkdtemp(prefix="deckhand-search-")) / "export.json"
    file.write_text(json.dumps(export))
    Cli(db)("import", str(file))


def matching(text: str) -> int:
    """How many schedules the page's rule (name or method contains the text, ignoring case) keeps."""
    needle = text.strip().lower()
    return sum(1 for name, path in names_and_paths() if needle in name.lower() or needle in path.lower())


# Installed once in the page: a capture-phase keydown listener notes when the key arrived; a
# MutationObserver notes when the table first shows what `window.__expect` says, then the next
# frame after it.
HOOK = """
window.__measure = null;
const done = () => {
  const m = window.__measure;
  if (m === null || m.key === null || m.dom !== null) return;
  const rows = document.querySelectorAll('table tbody tr').length;
  const text = document.body.textContent || '';
  const shown = m.total === 0
    ? text.includes('No schedule') && rows === 0
    : rows === Math.min(m.total, %d) && (m.total <= %d ? !text.includes('Showing 1–') : text.includes(m.label));
  if (!shown) return;
  m.dom = performance.now();
  requestAnimationFrame(() => { setTimeout(() => { m.frame = performance.now(); }, 0); });
};
document.addEventListener('keydown', (event) => {
  const m = window.__measure;
  if (m !== null && m.key === null) {
    m.key = event.timeStamp;
    // The first frame after the key shows the typed text in the box, unless a render blocks it.
    requestAnimationFrame(() => { setTimeout(() => { m.echo = performance.now(); }, 0); });
  }
}, true);
new MutationObserver(done).observe(document.body, { subtree: true, childList: true, characterData: true });
""" % (PAGE_SIZE, PAGE_SIZE)


def measure_key(desktop: Desktop, box, key: str, total: int) -> tuple[float, float, float]:
    """Presses `key` in the search box; returns the milliseconds from the key to the first frame
    (the typed text shown), to the table showing `total` matches, and to the frame after that."""
    driver = desktop.driver
    assert driver is not None
    label = f"of {total:,}"
    driver.execute_script(
        "window.__measure = { total: arguments[0], label: arguments[1], key: null, echo: null, dom: null, frame: null };",
        total, label,
    )
    box.send_keys(key)
    deadline = time.monotonic() + 30
    while True:
        m = driver.execute_script("return window.__measure;")
        if m["frame"] is not None and m["echo"] is not None:
            return m["echo"] - m["key"], m["dom"] - m["key"], m["frame"] - m["key"]
        if time.monotonic() > deadline:
            raise AssertionError(f"the table did not show {total} matches within 30 s after {key!r}: {m}")
        time.sleep(0.02)


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (f"{name}: median {statistics.median(ordered):.0f} ms, 90th percentile {p90:.0f} ms, "
            f"slowest {ordered[-1]:.0f} ms ({len(ordered)} keys)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", type=Path, default=APP, help="the deckhand-desktop binary")
    args = parser.parse_args()
    db = temp_db()
    seed(db)
    to_echo: list[float] = []
    to_dom: list[float] = []
    to_frame: list[float] = []
    with Desktop(db, args.app) as desktop:
        desktop.launch()
        desktop.wait_for_text("Robot", timeout=60)
        desktop.click_nav("Schedules")
        desktop.wait_for_text(f"Showing 1–{PAGE_SIZE} of {SCHEDULES:,}", timeout=60)
        driver = desktop.driver
        assert driver is not None
        driver.execute_script(HOOK)
        box = driver.find_element(By.CSS_SELECTOR, 'input[aria-label="Search schedules"]')
        box.click()
        for query in QUERIES:
            typed = ""
            for key in query:
                before = matching(typed)
                typed += key
                total = matching(typed)
                assert total != before, f"{typed!r} matches as many as {typed[:-1]!r}: pick another query"
                echo, dom, frame = measure_key(desktop, box, key, total)
                to_echo.append(echo)
                to_dom.append(dom)
                to_frame.append(frame)
                print(f"  {typed!r:8} {total:5} matches: typed text {echo:5.1f} ms, table {dom:6.1f} ms, next frame {frame:6.1f} ms",
                      flush=True)
            # Back to the whole list, one Backspace a key (each widens what matches).
            for _ in query:
                typed = typed[:-1]
                echo, dom, frame = measure_key(desktop, box, Keys.BACKSPACE, matching(typed))
                to_echo.append(echo)
                to_dom.append(dom)
                to_frame.append(frame)
                print(f"  {typed!r:8} {matching(typed):5} matches: typed text {echo:5.1f} ms, table {dom:6.1f} ms, next frame {frame:6.1f} ms",
                      flush=True)
        desktop.screenshot("schedules-search-1000")
    print(f"{SCHEDULES:,} schedules, key press → filtered table, in the window:")
    print("  " + summary("typed text shown", to_echo))
    print("  " + summary("table shown", to_dom))
    print("  " + summary("next frame", to_frame))
    return 0


if __name__ == "__main__":
    sys.exit(main())
