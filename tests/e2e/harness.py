"""The real Deckhand window under Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver).

`Desktop` starts a virtual display, a private D-Bus session bus and tauri-driver, and stops
them (and the app) on exit. Used by the smoke test, the start-up / memory measurement and the
journeys; for the journeys it can also run a notification daemon (dunst) on that bus, watched
by `dbus-monitor`, and quit and relaunch the app on the same database.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "target" / "debug" / "deckhand-desktop"
SCREENSHOTS = ROOT / "target" / "e2e-screenshots"


def tauri_driver() -> str:
    found = shutil.which("tauri-driver") or str(Path.home() / ".cargo" / "bin" / "tauri-driver")
    if not Path(found).exists():
        raise SystemExit("tauri-driver is missing: cargo install tauri-driver --locked")
    return found


class Desktop:
    """Xvfb + D-Bus session + tauri-driver, for one database file."""

    def __init__(self, db: Path, app: Path = APP, notifications: bool = False):
        self.db = db
        self.app = app
        self.notifications = notifications
        self.processes: list[subprocess.Popen] = []
        self.driver: webdriver.Remote | None = None
        self.monitor_log: Path | None = None

    def __enter__(self) -> "Desktop":
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1280x800x24"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.processes.append(xvfb)
        display = ":" + xvfb.stdout.readline().strip()
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.processes.append(bus)
        address = bus.stdout.readline().strip()
        self.env = dict(
            os.environ,
            DISPLAY=display,
            DBUS_SESSION_BUS_ADDRESS=address,
            DECKHAND_DB=str(self.db),
        )
        if self.notifications:
            self._start_notification_daemon(address)
        # A free port, so two harnesses (or a measurement beside the tests) never meet.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.processes.append(
            subprocess.Popen(
                [tauri_driver(), "--port", str(self.port), "--native-port", str(self.port + 1)],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"tauri-driver did not answer on port {self.port} within 30 s")
                time.sleep(0.1)
        return self

    def _start_notification_daemon(self, address: str) -> None:
        """dunst owns org.freedesktop.Notifications on the private bus; dbus-monitor writes
        every Notify call to `monitor_log`."""
        self.processes.append(
            subprocess.Popen(["dunst"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
        deadline = time.monotonic() + 15
        while "boolean true" not in subprocess.run(
            ["dbus-send", f"--bus={address}", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
             "string:org.freedesktop.Notifications"],
            capture_output=True, text=True,
        ).stdout:
            if time.monotonic() > deadline:
                raise AssertionError("dunst did not take org.freedesktop.Notifications within 15 s")
            time.sleep(0.1)
        self.monitor_log = Path(tempfile.mkdtemp(prefix="deckhand-e2e-dbus-")) / "notify.log"
        with self.monitor_log.open("w") as log:
            self.processes.append(
                subprocess.Popen(
                    ["dbus-monitor", "--address", address,
                     "interface='org.freedesktop.Notifications',member='Notify'"],
                    stdout=log, stderr=subprocess.DEVNULL,
                )
            )
        # dbus-monitor prints its own connection first: then it listens.
        while not self.monitor_log.read_text():
            if time.monotonic() > deadline:
                raise AssertionError("dbus-monitor did not start listening within 15 s")
            time.sleep(0.1)

    def notify_calls(self) -> list[str]:
        """Every Notify call seen on the bus so far, each as dbus-monitor printed it."""
        assert self.monitor_log is not None, "Desktop(notifications=True) watches Notify calls"
        text = self.monitor_log.read_text(errors="replace")
        return [block for block in text.split("method call ")[1:] if "member=Notify" in block]

    def launch(self) -> webdriver.Remote:
        """Starts the app (tauri-driver launches it for the session)."""
        options = webdriver.ChromeOptions()  # any Options: tauri-driver reads tauri:options
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": str(self.app)})
        self.driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{self.port}", options=options)
        return self.driver

    def wait_for_text(self, text: str, timeout: float = 20) -> None:
        assert self.driver is not None
        WebDriverWait(self.driver, timeout).until(
            EC.presence_of_element_located((By.XPATH, f"//*[contains(normalize-space(.), {text!r})]"))
        )

    def click_nav(self, label: str) -> None:
        assert self.driver is not None
        WebDriverWait(self.driver, 20).until(
            EC.element_to_be_clickable((By.XPATH, f"//nav//*[normalize-space(.)={label!r}]"))
        ).click()

    def screenshot(self, name: str) -> Path:
        assert self.driver is not None
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def own_app_pids(self) -> list[int]:
        """This harness's app processes: the app binary started with this database."""
        app = str(self.app.resolve())
        marker = f"DECKHAND_DB={self.db}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.readlink(entry / "exe") == app and marker in (entry / "environ").read_bytes().split(b"\0"):
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    def quit_app(self, timeout: float = 15) -> bool:
        """Quits the app by ending the WebDriver session, as a person closing Deckhand does (the
        session's end takes the app with it). Returns whether it was gone by itself within
        `timeout`; if not, it is killed (and False says so)."""
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception:  # the app may be gone already
                pass
            self.driver = None
        deadline = time.monotonic() + timeout
        while self.own_app_pids():
            if time.monotonic() > deadline:
                for pid in self.own_app_pids():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                return False
            time.sleep(0.1)
        return True

    def app_pids(self) -> list[int]:
        """The app's process and its descendants (WebKit's web and network processes), leaving
        out the methods it runs (the simulator stands in for the robot's own HxRun)."""
        app = str(self.app.resolve())
        roots = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.readlink(entry / "exe") == app:
                        roots.append(int(entry.name))
                except OSError:
                    continue
        pids = set(roots)
        frontier = list(roots)
        while frontier:
            children = subprocess.run(
                ["pgrep", "-P", str(frontier.pop())], capture_output=True, text=True
            ).stdout.split()
            for child in map(int, children):
                try:
                    name = Path(f"/proc/{child}/comm").read_text().strip()
                except OSError:
                    continue
                if child not in pids and not name.startswith("deckhand-sim"):
                    pids.add(child)
                    frontier.append(child)
        return sorted(pids)

    def __exit__(self, *exc) -> None:
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception:  # the app may be gone already
                pass
            self.driver = None
        # Whatever the session's end left of this database's app goes too.
        for pid in self.own_app_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.monitor_log is not None:
            shutil.rmtree(self.monitor_log.parent, ignore_errors=True)


def temp_db() -> Path:
    return Path(tempfile.mkdtemp(prefix="deckhand-e2e-")) / "deckhand.sqlite3"
