"""Smoke test in the real window: Deckhand starts on an empty database, shows the dashboard,
and the Schedules page renders its empty state. Screenshots go to target/e2e-screenshots/."""

import sys
import time

from harness import Desktop, temp_db


def main() -> int:
    db = temp_db()
    with Desktop(db) as desktop:
        started = time.monotonic()
        desktop.launch()
        desktop.wait_for_text("Robot")  # the dashboard's robot card: data loaded
        shown = time.monotonic() - started
        desktop.screenshot("dashboard-empty")
        desktop.click_nav("Schedules")
        desktop.wait_for_text("No schedules yet")
        desktop.screenshot("schedules-empty")
        assert db.exists(), "the app created its database"
    print(f"smoke: ok — dashboard shown {shown:.2f} s after the WebDriver session was requested")
    return 0


if __name__ == "__main__":
    sys.exit(main())
