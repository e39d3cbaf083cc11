"""What the end-to-end journeys need besides the window: the `deckhand` command line on the
journey's database, a lab folder with simulated methods, a real SMTP server on loopback
(aiosmtpd writing a maildir) and waiting for a condition with a deadline."""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable, TypeVar

from harness import ROOT

CLI = ROOT / "target" / "debug" / "deckhand"
SIMULATOR = ROOT / "target" / "debug" / "deckhand-sim"

T = TypeVar("T")


def wait_until(what: str, check: Callable[[], T], timeout: float = 20, interval: float = 0.2) -> T:
    """Polls `check` until it returns something truthy and returns that; fails after `timeout`
    seconds saying what was expected and what was last seen."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = check()
        except Exception as error:  # a read that fails now may work in a moment
            last = error
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {what} within {timeout:.0f} s; last seen: {last!r}")
        time.sleep(interval)


class CliError(AssertionError):
    """The command line failed (an exit code other than the one expected)."""


@dataclass
class Cli:
    """The `deckhand` command line on one database, as a script uses it (`--json`)."""

    db: Path
    actor: str = "e2e-cli"

    def raw(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CLI), "--db", str(self.db), "--actor", self.actor, *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    def __call__(self, *args: str) -> Any:
        """Runs a command with `--json` and returns what it printed, parsed; fails on any exit code but 0."""
        done = self.raw("--json", *args)
        if done.returncode != 0:
            raise CliError(f"deckhand {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
        return json.loads(done.stdout) if done.stdout.strip() else None

    # Reads the journeys check against.
    def settings(self) -> dict[str, Any]:
        return self("settings", "list")

    def schedules(self) -> list[dict[str, Any]]:
        return self("schedules", "list", "--all")

    def schedule(self, schedule_id: str) -> dict[str, Any]:
        return self("schedules", "show", schedule_id)

    def history(self, *filters: str) -> list[dict[str, Any]]:
        return self("history", *filters)["entries"]

    def runs_of(self, schedule_id: str) -> list[dict[str, Any]]:
        return [entry["run"] for entry in self.history("--schedule", schedule_id)]

    def audit(self) -> list[dict[str, Any]]:
        return self("audit", "--limit", "200")

    def notifications(self) -> dict[str, Any]:
        return self("notifications", "--limit", "200")


def local_text(at: datetime, now: datetime | None = None) -> str:
    """An instant as the window shows it (`formatInstant`): "Sat 28 Nov, 08:00", with the year
    when it is not this year's."""
    at = at.astimezone()
    now = (now or datetime.now()).astimezone()
    year = "" if at.year == now.year else f" {at.year}"
    return f"{at:%a} {at.day} {at:%b}{year}, {at:%H:%M}"


def cli_time(at: datetime) -> str:
    """An instant for the command line: RFC 3339 with its offset."""
    return at.astimezone().isoformat(timespec="seconds")


@dataclass
class Lab:
    """One journey's folder: its database, a methods folder with simulated methods, the
    simulator's log folder, and a name for "the robot's program" that only this journey uses
    (so simulators started by other tests on this PC never look like a foreign run here)."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="deckhand-e2e-")))

    def __post_init__(self) -> None:
        self.db = self.root / "deckhand.sqlite3"
        self.methods = self.root / "methods"
        self.logs = self.root / "logs"
        self.methods.mkdir()
        self.logs.mkdir()
        self.robot_name = f"hand-{uuid.uuid4().hex[:8]}"
        self.cli = Cli(self.db)

    def set_up_simulator(self, **settings: str) -> None:
        """Sets Deckhand up as its first start does on a PC without VENUS (simulator, methods and
        log folders, simulation on), but with this journey's own folders and robot name."""
        values = {
            "methods_folder": str(self.methods),
            "log_folder": str(self.logs),
            "hxrun_args": "{method} -r -t --log-folder {log_folder}",
            "robot_process_names": self.robot_name,
            "hxrun_path": str(SIMULATOR),
            "simulation": "true",
            **settings,
        }
        for key, value in values.items():
            self.cli("settings", "set", key, value)

    def method(self, name: str, outcome: str = "completed", duration: str = "3s", steps: int = 3) -> str:
        """Writes a simulated method and returns its file name (relative to the methods folder)."""
        file = f"{name}.med"
        (self.methods / file).write_text(
            f"// e2e method: {outcome}\n// sim: outcome={outcome} duration={duration} steps={steps}\n"
        )
        return file

    def add_schedule(self, name: str, method: str, *recurrence: str, **options: str) -> dict[str, Any]:
        """Creates a schedule with the command line; `options` are flags without `--`."""
        args = ["schedules", "add", "--name", name, "--method", method, *recurrence]
        for key, value in options.items():
            args += [f"--{key.replace('_', '-')}", value]
        return self.cli(*args)

    def daily_from(self, name: str, method: str, seconds: float, **options: str) -> dict[str, Any]:
        """A daily schedule whose first run is `seconds` from now."""
        start = datetime.now().astimezone() + timedelta(seconds=seconds)
        return self.add_schedule(name, method, "--daily", "--start", cli_time(start), **options)

    def daily_tomorrow(self, name: str, method: str, **options: str) -> dict[str, Any]:
        """A daily schedule that does not run during the journey (tomorrow, 08:00)."""
        start = (datetime.now() + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
        return self.add_schedule(name, method, "--daily", "--start", cli_time(start), **options)

    def simulator_pids(self) -> list[int]:
        """Simulated methods of this journey still running (they write into its log folder)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if str(self.logs).encode() in cmdline or str(self.root).encode() + b"/" in cmdline[0]:
                found.append(int(entry.name))
        return found

    def cleanup(self) -> list[int]:
        """Ends what the journey left running (simulated methods), returning their pids."""
        left = [pid for pid in self.simulator_pids() if pid != os.getpid()]
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        return left


def processes_with(marker: str) -> dict[int, str]:
    """Processes whose environment holds `marker` (e.g. `DECKHAND_DB=<a journey's database>`,
    which everything started for a journey inherits), with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
    return found


def end_leftovers(marker: str, grace: float = 10) -> dict[int, str]:
    """Waits up to `grace` seconds for the processes `processes_with(marker)` finds to end, then
    kills those still there (by pid) and returns them."""
    deadline = time.monotonic() + grace
    while (left := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return left


class WebhookReceiver:
    """A real HTTP server on loopback that keeps every POST it gets (path, headers in lower case, JSON body)
    and answers 200 "ok": where the journeys' chat and webhook destinations post to."""

    def __init__(self) -> None:
        import http.server
        import threading

        received: list[dict] = []
        self.received = received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                headers = {name.lower(): value for name, value in self.headers.items()}
                received.append({"path": self.path, "headers": headers, "body": body})
                answer = b"ok"
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def posts(self) -> list[dict]:
        """Every POST so far, its body parsed as JSON."""
        return [{**post, "json": json.loads(post["body"])} for post in list(self.received)]


class MailServer:
    """aiosmtpd on a free loopback port, writing every message it receives to a maildir."""

    def __init__(self, root: Path):
        self.maildir = root / "maildir"  # must not exist yet: aiosmtpd creates it
        self.process: subprocess.Popen[bytes] | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def __enter__(self) -> "MailServer":
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
                "-c", "aiosmtpd.handlers.Mailbox", str(self.maildir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            assert self.process is not None and self.process.poll() is None, "aiosmtpd exited"
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True

        wait_until(f"aiosmtpd to answer on port {self.port}", answers, timeout=15)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def configure(self, cli: Cli) -> None:
        """Points Deckhand at this server (no encryption, no login: a relay on loopback)."""
        cli("smtp", "set", "--host", "127.0.0.1", "--port", str(self.port), "--tls", "none",
            "--from", "deckhand@lab.example.org")

    def messages(self) -> list[EmailMessage]:
        if not self.maildir.exists():
            return []
        box = mailbox.Maildir(self.maildir, factory=None, create=False)
        parsed = []
        for key in box.keys():
            with box.get_file(key) as raw:
                parsed.append(email.message_from_binary_file(raw, policy=email.policy.default))
        return parsed


def plain_text(message: EmailMessage) -> str:
    """A message's plain-text body, decoded."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def copy_simulator_as(name: str, folder: Path) -> Path:
    """The simulator under another program name, to play a method someone started by hand."""
    target = folder / name
    shutil.copy(SIMULATOR, target)
    return target
