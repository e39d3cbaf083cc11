"""Smoke test in the real window: Deckhand starts on an empty database, shows the dashboard,
and the Schedules page renders its empty state. Screenshots go to target/e2e-screenshots/."""

import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import Desktop, temp_db


def reach_with_tab(desktop: Desktop, label: str, presses: int = 20) -> None:
    """Moves the focus with Tab from the top of the page to the navigation button `label`, and
    presses Enter on it."""
    driver = desktop.driver
    assert driver is not None
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(presses):
        focused = driver.switch_to.active_element
        if focused.tag_name == "button" and focused.get_attribute("innerText").strip() == label:
            focused.send_keys(Keys.ENTER)
            return
        focused.send_keys(Keys.TAB)
    raise AssertionError(f"{label!r} was not reached with {presses} presses of Tab")


def main() -> int:
    db = temp_db()
    with Desktop(db) as desktop:
        started = time.monotonic()
        desktop.launch()
        desktop.wait_for_text("Robot")  # the dashboard's robot card: data loaded
        shown = time.monotonic() - started
        desktop.screenshot("dashboard-empty")
        reach_with_tab(desktop, "Schedules")  # the keyboard gets there too, not only the mouse
        desktop.wait_for_text("No schedules yet")
        desktop.screenshot("schedules-empty")
        assert db.exists(), "the app created its database"
    print(f"smoke: ok — dashboard shown {shown:.2f} s after the WebDriver session was requested")
    return 0


if __name__ == "__main__":
    sys.exit(main())
