"""Finding things in the Deckhand window as a person does: by visible text, label and role,
with every wait bounded and its failure saying what was expected."""

from __future__ import annotations

import time
from typing import Callable

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from harness import Desktop

DIALOG = "//*[@role='dialog']"


def lit(text: str) -> str:
    """`text` as an XPath string literal, whatever quotes it holds."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


class Ui:
    """The window of one `Desktop`, and the journey's screenshots."""

    def __init__(self, desktop: Desktop, journey: int):
        self.desktop = desktop
        self.journey = journey

    @property
    def driver(self):
        assert self.desktop.driver is not None, "the app is not launched"
        return self.desktop.driver

    # --- Waiting ---------------------------------------------------------------------------

    def until(self, what: str, check: Callable[[], object], timeout: float = 20) -> object:
        """Polls `check` (which may find elements) until it returns something truthy."""
        deadline = time.monotonic() + timeout
        last: object = None
        while True:
            try:
                last = check()
                if last:
                    return last
            except (StaleElementReferenceException, WebDriverException) as error:
                last = error
            if time.monotonic() > deadline:
                self.shot("failure")
                raise AssertionError(f"expected {what} within {timeout:.0f} s; last seen: {last!r}"[:2000])
            time.sleep(0.15)

    def eventually(self, check: Callable[[], object], timeout: float = 10) -> bool:
        """Whether `check` comes true within `timeout` (for what may rightly not happen)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if check():
                    return True
            except (StaleElementReferenceException, WebDriverException):
                pass
            time.sleep(0.15)
        return False

    def text_of(self, element: WebElement) -> str:
        """What a person reads in `element`: its rendered text (`innerText`: hidden parts left
        out, text-transform applied). WebKitWebDriver's own element text leaves out Mantine
        badges' labels, so it is not used."""
        return self.driver.execute_script("return arguments[0].innerText;", element) or ""

    def displayed(self, element: WebElement) -> bool:
        """Whether `element` is rendered: laid out, and neither it nor a parent hidden. (The
        WebDriver atom misjudges some Mantine elements, e.g. a switch's label.)"""
        return bool(self.driver.execute_script(
            """const e = arguments[0];
            if (e.getClientRects().length === 0) return false;
            for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
              const style = getComputedStyle(n);
              if (style.visibility === 'hidden' || style.display === 'none' || style.opacity === '0') return false;
            }
            return true;""",
            element,
        ))

    def visible_text(self, scope: str = "//body") -> str:
        """The text a person sees in `scope` (hidden elements left out)."""
        return "\n".join(self.text_of(element) for element in self.driver.find_elements(By.XPATH, scope))

    def see(self, text: str, timeout: float = 20, scope: str = "//body") -> None:
        """Waits until `text` is shown (in `scope`)."""
        self.until(f"to see {text!r}", lambda: text in self.visible_text(scope), timeout)

    def see_all(self, texts: list[str], timeout: float = 20, scope: str = "//body") -> None:
        for text in texts:
            self.see(text, timeout, scope)

    def gone(self, text: str, timeout: float = 20, scope: str = "//body") -> None:
        """Waits until `text` is no longer shown."""
        self.until(f"{text!r} to go away", lambda: text not in self.visible_text(scope), timeout)

    def shown(self, xpath: str, what: str, timeout: float = 20) -> WebElement:
        """The first displayed element matching `xpath`."""

        def find() -> WebElement | None:
            for element in self.driver.find_elements(By.XPATH, xpath):
                if self.displayed(element):
                    return element
            return None

        element = self.until(what, find, timeout)
        assert isinstance(element, WebElement)
        return element

    # --- Acting ----------------------------------------------------------------------------

    def reveal(self, element: WebElement) -> WebElement:
        """Scrolls `element` to the middle of the window (for a person, and for screenshots)."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        return element

    def click(self, element: WebElement) -> None:
        self.reveal(element)
        try:
            element.click()
        except ElementClickInterceptedException:
            # A closing overlay may still cover it for a moment.
            time.sleep(0.5)
            element.click()

    def button(self, label: str, scope: str = "") -> WebElement:
        """A displayed, enabled button by its text or its aria-label."""
        xpath = f"{scope}//button[normalize-space(.)={lit(label)} or @aria-label={lit(label)}]"

        def find() -> WebElement | None:
            for element in self.driver.find_elements(By.XPATH, xpath):
                if self.displayed(element) and element.is_enabled() and element.get_attribute("data-loading") is None:
                    return element
            return None

        element = self.until(f"a button {label!r}", find)
        assert isinstance(element, WebElement)
        return element

    def press(self, label: str, scope: str = "") -> None:
        self.click(self.button(label, scope))

    def field(self, label: str, scope: str = "") -> WebElement:
        """The input a visible label names (the label's own text, without the required mark)."""
        labels = f"{scope}//label[normalize-space(text()[1])={lit(label)}]"
        # A switch or checkbox: the input sits inside a label that holds its text in a span.
        wrapped = f"{scope}//label[.//*[normalize-space(text()[1])={lit(label)}]]//input"

        def find() -> WebElement | None:
            for element in self.driver.find_elements(By.XPATH, labels):
                target = element.get_attribute("for")
                if self.displayed(element) and target:
                    return self.driver.find_element(By.ID, target)
            for element in self.driver.find_elements(By.XPATH, wrapped):
                return element
            return None

        element = self.until(f"a field labelled {label!r}", find)
        assert isinstance(element, WebElement)
        return element

    def type(self, label: str, text: str, scope: str = "") -> WebElement:
        """Replaces what the field labelled `label` holds with `text`, keystroke by keystroke."""
        element = self.field(label, scope)
        self.click(element)
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(Keys.BACKSPACE)
        if text:
            element.send_keys(text)
        return element

    def value(self, label: str, scope: str = "") -> str:
        return self.field(label, scope).get_attribute("value") or ""

    def choose(self, label: str, option: str, scope: str = "") -> None:
        """Picks an option of a native select by its visible text."""
        Select(self.field(label, scope)).select_by_visible_text(option)

    def error_of(self, label: str, scope: str = "") -> str:
        """The error message shown under the field labelled `label` (Mantine links it with aria-describedby)."""
        element = self.field(label, scope)
        ids = (element.get_attribute("aria-describedby") or "").split()
        texts = []
        for described in ids:
            if described.endswith("-error"):
                texts += [self.text_of(e) for e in self.driver.find_elements(By.ID, described)]
        return " ".join(texts)

    def wait_error(self, label: str, contains: str, scope: str = "", timeout: float = 15) -> str:
        message = self.until(
            f"the message under {label!r} to say {contains!r}",
            lambda: (lambda text: text if contains in text else None)(self.error_of(label, scope)),
            timeout,
        )
        assert isinstance(message, str)
        return message

    def nav(self, page: str) -> None:
        self.desktop.click_nav(page)
        self.shown(f"//main//h2[normalize-space(.)={lit(page)}]", f"the {page} page")

    def row_menu(self, schedule: str, item: str) -> None:
        """Opens the ⋯ menu of a schedule's row and chooses `item`."""
        self.press(f"Actions for {schedule}")
        entry = self.shown(
            f"//*[@role='menuitem'][normalize-space(.)={lit(item)}]", f"the menu item {item!r} of {schedule!r}"
        )
        self.click(entry)

    def tab(self, label: str) -> None:
        self.click(self.shown(f"//*[@role='tab'][normalize-space(.)={lit(label)}]", f"the tab {label!r}"))

    def shot(self, what: str) -> None:
        """Saves a screenshot, once open dialogs have finished fading in."""
        self.eventually(
            lambda: self.driver.execute_script(
                "return [...document.querySelectorAll('[role=dialog]')]"
                ".every(d => getComputedStyle(d).opacity === '1' && getComputedStyle(d).transform === 'none'"
                " || getComputedStyle(d).display === 'none');"
            ),
            timeout=2,
        )
        try:
            self.desktop.screenshot(f"journey-{self.journey:02d}-{what}")
        except Exception:  # a screenshot never hides the real failure
            pass
