"""End-to-end journeys in the real Deckhand window, driven over WebDriver (tauri-driver +
WebKitWebDriver) under Xvfb, with the bundled VENUS simulator as the robot, a real SMTP server
on loopback (aiosmtpd) and a real notification daemon (dunst on the harness's private bus).

    python3 tests/e2e/journeys.py              # every journey
    python3 tests/e2e/journeys.py conflict 4   # some, by name or number

Each journey gets a fresh lab (database, methods and log folders) and a fresh window, and
leaves nothing running. Screenshots go to target/e2e-screenshots/journey-NN-what.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from selenium.webdriver.common.by import By

from harness import APP, SCREENSHOTS, Desktop
from support import (
    CLI,
    SIMULATOR,
    Lab,
    MailServer,
    WebhookReceiver,
    copy_simulator_as,
    end_leftovers,
    local_text,
    plain_text,
    wait_until,
)
from ui import DIALOG, Ui


JourneyFunction = Callable[[Lab, ExitStack], None]


@dataclass
class Journey:
    """One journey: its number in the issue, the name to pick it by, and the test itself (given a
    fresh lab and an exit stack that ends whatever it starts)."""

    number: int
    name: str
    run: JourneyFunction


JOURNEYS: list[Journey] = []

def journey(number: int, name: str) -> Callable[[JourneyFunction], JourneyFunction]:
    """Registers a journey under its number and name."""

    def register(function: JourneyFunction) -> JourneyFunction:
        JOURNEYS.append(Journey(number, name, function))
        return function

    return register


def ready(ui: Ui) -> None:
    """Waits for the dashboard to show the robot's status, and fails at once, saying why, when
    the window does not run the scheduler (every journey needs it there)."""
    problem = "The scheduler does not run in this window"
    ui.until(
        "the dashboard to show the robot's status",
        lambda: ui.driver.find_elements(By.XPATH, "//main//*[@role='status']") or problem in ui.visible_text(),
        timeout=30,
    )
    text = ui.visible_text("//main")
    assert problem not in text, (
        f"the scheduler did not start in the window (a stale build? the app and the deckhand CLI must be "
        f"built together: cargo build -p deckhand-desktop -p deckhand --bins): {text[:700]}"
    )


def window(lab: Lab, stack: ExitStack, number: int) -> tuple[Desktop, Ui]:
    """A fresh desktop (display, bus with dunst, tauri-driver) and the app launched on the lab's
    database, showing its dashboard."""
    desktop = stack.enter_context(Desktop(lab.db, notifications=True))
    desktop.launch()
    ui = Ui(desktop, number)
    ready(ui)
    return desktop, ui


def relaunch(desktop: Desktop, ui: Ui) -> None:
    """Starts the app again on the same database and waits for its dashboard."""
    desktop.launch()
    ready(ui)


def run_of(lab: Lab, schedule_id: str, status: str | set[str], timeout: float) -> dict:
    """Waits until the schedule's newest run has `status` and returns it."""
    wanted = {status} if isinstance(status, str) else status

    def newest() -> dict | None:
        runs = lab.cli.runs_of(schedule_id)
        return runs[0] if runs and runs[0]["status"] in wanted else None

    run = wait_until(f"a run of {schedule_id[:8]} that is {sorted(wanted)}", newest, timeout=timeout, interval=0.3)
    assert isinstance(run, dict)
    return run


def deliveries_done(lab: Lab, timeout: float = 30) -> dict:
    """Waits until no notification waits to be sent; returns the notification log."""
    log = wait_until(
        "every queued notification to be sent",
        lambda: (lambda n: n if not n["waiting"] else None)(lab.cli.notifications()),
        timeout=timeout,
    )
    assert isinstance(log, dict)
    return log


def tomorrow_at_eight() -> datetime:
    return (datetime.now() + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)


# --- 1 ---------------------------------------------------------------------------------------


@journey(1, "first-start")
def first_start(lab: Lab, stack: ExitStack) -> None:
    """First start on a PC without VENUS, on an empty database: Deckhand switches simulation on
    by itself (the simulator beside the app, demo methods written), says "Simulation" in the
    header and in Settings, and every page's empty state says what to do next."""
    desktop, ui = window(lab, stack, 1)
    badge = ui.shown(
        "//header//*[@aria-label='Simulation: runs go to the VENUS simulator, not to the robot']",
        "the Simulation badge in the header",
    )
    ui.until("the badge to say Simulation", lambda: ui.text_of(badge).strip().lower() == "simulation")
    ui.see_all(["Robot free", "Nothing runs on it. The next run starts at its time.",
                "Nothing planned. Paused or archived schedules, and those waiting for recovery, do not run"])
    ui.shot("dashboard")

    ui.nav("Schedules")
    ui.see_all(["No schedules yet", "A schedule runs a VENUS method at the times you choose. Start with your first one."])
    ui.button("New schedule")
    ui.shot("schedules")

    ui.nav("Calendar")
    ui.shown("//*[contains(@class,'fc-timegrid')]", "the week grid")
    ui.see_all(["Planned", "Completed", "Stuck"])
    ui.shot("calendar")

    ui.nav("History")
    ui.see_all(["No runs yet", "Runs appear here once schedules have run."])
    ui.shot("history")

    ui.nav("Notifications")
    ui.see("No one gets email yet. Add a contact so that someone hears when a run fails")
    ui.shot("notifications-people")
    ui.tab("Mail server")
    ui.see("No mail server is set up yet, so no email goes out.")
    ui.shot("notifications-mail-server")
    ui.tab("Log")
    ui.see_all(["Nothing is waiting: every message has gone out.", "No message has been sent yet."])
    ui.shot("notifications-log")

    ui.nav("Settings")
    simulator = str(SIMULATOR.resolve())
    ui.until("the HxRun path to be the simulator", lambda: ui.value("HxRun path") == simulator)
    ui.see("Simulation on: runs go to the simulator")
    assert ui.field("Simulation").is_selected(), "the Simulation switch is on"
    ui.see("Deckhand (first start)")  # the audit log says who chose these settings
    ui.shot("settings")

    settings = lab.cli.settings()
    assert settings["simulation"] is True, settings
    assert settings["hxrunPath"] == simulator, settings
    demo = lab.root / "Demo methods"
    assert settings["methodsFolder"] == str(demo), settings
    written = sorted(p.name for p in demo.iterdir())
    assert len(written) == 6 and all(name.endswith(".med") for name in written), written
    assert lab.cli.schedules() == [] and lab.cli.history() == []
    # The form's method field points at the demo methods folder.
    ui.nav("Schedules")
    ui.press("New schedule")
    ui.see(f"A relative path starts at the methods folder, {demo}.", scope=DIALOG)
    ui.shot("new-schedule-form")


# --- 2 ---------------------------------------------------------------------------------------


@journey(2, "create-daily")
def create_daily(lab: Lab, stack: ExitStack) -> None:
    """A daily schedule made with the recurrence editor: the preview lists the next five runs
    (08:00 on the next five days) as the kind changes, Create saves it (the CLI reads it back),
    and it appears in the table, on the dashboard's next runs and on the calendar."""
    lab.set_up_simulator()
    lab.method("Plate prep")
    desktop, ui = window(lab, stack, 2)
    ui.nav("Schedules")
    ui.press("New schedule")
    ui.type("Name", "Plate prep daily", DIALOG)
    ui.type("Method file", "Plate prep.med", DIALOG)

    first = tomorrow_at_eight()
    daily = [local_text(first + timedelta(days=i)) for i in range(5)]
    preview = f"{DIALOG}//ul[@aria-label='Next runs']"

    def listed() -> list[str]:
        return [ui.text_of(item).strip() for item in ui.driver.find_elements(By.XPATH, f"{preview}/li")]

    ui.until(f"the preview to list {daily}", lambda: listed() == daily)
    ui.choose("Repeats", "Every few hours (interval)", DIALOG)
    ui.type("Every (hours)", "6", DIALOG)
    six_hourly = [local_text(first + timedelta(hours=6 * i)) for i in range(5)]
    ui.until(f"the preview to follow the interval: {six_hourly}", lambda: listed() == six_hourly)
    ui.choose("Repeats", "Every day", DIALOG)
    ui.until(f"the preview to list {daily} again", lambda: listed() == daily)
    ui.type("Expected duration (minutes)", "45", DIALOG)
    ui.shot("form-with-preview")
    ui.press("Create schedule", DIALOG)

    ui.see("Created “Plate prep daily”.")
    # The window waits for the scheduler to plan the new schedule, so the message can say when.
    ui.see(f"Created “Plate prep daily”. Next run: {daily[0]}.")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Plate prep daily']]", "the new schedule's row")
    for text in ["Plate prep.med", f"Every day at {first:%H:%M}", daily[0], "Never", "Active"]:
        assert text in ui.text_of(row), f"{text!r} in the row: {ui.text_of(row)!r}"
    ui.shot("table")

    [saved] = lab.cli.schedules()
    assert saved["name"] == "Plate prep daily" and saved["active"], saved
    assert saved["recurrence"]["kind"] == "daily", saved
    assert datetime.fromisoformat(saved["recurrence"]["start"].replace("Z", "+00:00")) == first.astimezone(), saved
    assert saved["expectedDurationMinutes"] == 45, saved
    preview_cli = lab.cli("schedules", "preview", saved["id"], "--count", "5")
    assert len(preview_cli) == 5, preview_cli

    ui.nav("Dashboard")
    ui.see("Plate prep daily", scope="//ul[@aria-label='Next runs']")
    ui.see(daily[0], scope="//ul[@aria-label='Next runs']")

    ui.nav("Calendar")
    ui.press("Day")
    ui.press("Next ›")
    ui.see(f"{first:%B} {first.day}, {first.year}", scope="//*[contains(@class,'fc-toolbar-title')]")
    event = ui.shown(
        "//*[contains(@class,'fc-event')][.//*[normalize-space(.)='Plate prep daily']]",
        "the planned run on tomorrow's calendar",
    )
    ui.click(event)
    ui.see_all(["Plate prep daily", daily[0], "Planned: it has not run yet."], scope=DIALOG)
    ui.shot("calendar")


# --- 3 ---------------------------------------------------------------------------------------


@journey(3, "run-now")
def run_now(lab: Lab, stack: ExitStack) -> None:
    """Run now: the dashboard shows the run going with its elapsed time against the expected
    one, then the robot free again; History shows it completed with the trace line that
    decided it (also in its details); the contact who asked for completions gets one email."""
    lab.set_up_simulator()
    mail = stack.enter_context(MailServer(lab.root))
    mail.configure(lab.cli)
    lab.cli("contacts", "add", "--name", "Ann Lee", "--email", "ann@lab.example.org", "--events", "run_completed")
    lab.cli("contacts", "add", "--name", "Bo Chen", "--email", "bo@lab.example.org")  # the default: needs a person
    schedule = lab.daily_tomorrow("Quick prep", lab.method("Quick prep", duration="12s", steps=6), expected_minutes="1")
    desktop, ui = window(lab, stack, 3)

    ui.nav("Schedules")
    ui.row_menu("Quick prep", "Run now")
    ui.see("“Quick prep” was asked to run now.")
    ui.nav("Dashboard")
    ui.see("Running now", timeout=15)
    card = "//*[contains(@class,'mantine-Card-root')][.//*[normalize-space(.)='Running now'] or .//button[normalize-space(.)='Abort…']]"
    ui.see_all(["Busy — Deckhand is running “Quick prep”", "Quick prep", "Running", "Started ",
                "less than 1 min of about 1 min"])
    ui.shown("//*[@aria-label='Time elapsed against the expected 1 min']", "the elapsed-time bar")
    ui.button("Abort…")
    ui.shot("dashboard-running")
    ui.see("Robot free", timeout=45)
    ui.gone("Running now")

    run = run_of(lab, schedule["id"], "completed", timeout=15)
    assert run["origin"] == "manual", run
    deciding = run["outcomeDetail"]
    assert deciding and "End method - complete" in deciding, run

    ui.nav("History")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Quick prep']]", "the run in the history")
    ui.until("the row to say Completed", lambda: "Completed" in ui.text_of(row))
    # The table shows the deciding words without VENUS's time stamp; the details the whole line.
    words = deciding.split(">", 1)[-1].strip().removeprefix("SYSTEM :").strip().rstrip(";").strip()
    assert words[:30] in ui.text_of(row).replace("\n", " "), (deciding, ui.text_of(row))
    ui.shot("history")
    ui.press(f"Details of the Quick prep run due {local_text(datetime.fromisoformat(run['slot'].replace('Z', '+00:00')))}")
    ui.see_all(["Run details", "Started by hand (Run now)", "Deciding trace line", deciding.strip(),
                "The method ran to its end with no step error and no abort."], scope=DIALOG)
    ui.shot("history-details")

    log = deliveries_done(lab)
    messages = wait_until("the completion email", lambda: mail.messages(), timeout=30)
    assert len(messages) == 1, [m["Subject"] for m in messages]
    [message] = messages
    assert "ann@lab.example.org" in message["To"], message["To"]
    assert "'Quick prep' completed" in message["Subject"] and "SIMULATION" in message["Subject"], message["Subject"]
    assert "End method - complete" in plain_text(message), plain_text(message)
    sent = [entry for entry in log["log"] if entry["channel"] == "email"]
    assert [entry["event"] for entry in sent] == ["run_completed"], log


# --- 4 ---------------------------------------------------------------------------------------


@journey(4, "aborted")
def aborted(lab: Lab, stack: ExitStack) -> None:
    """A method that aborts: the run shows aborted, the schedule needs recovery (dashboard card,
    table badge), one email and one desktop notification arrive; resolving it in the window
    with a note and a name makes it active again, and the audit log shows who did what."""
    lab.set_up_simulator()
    mail = stack.enter_context(MailServer(lab.root))
    mail.configure(lab.cli)
    lab.cli("contacts", "add", "--name", "Ann Lee", "--email", "ann@lab.example.org")
    desktop, ui = window(lab, stack, 4)
    schedule = lab.daily_from("Tip wash", lab.method("Tip wash", outcome="aborted", duration="2s", steps=2), 3)

    ui.see("Needs a person", timeout=40)
    recovery = "//section[@aria-label='Recovery of Tip wash']"
    ui.see_all(["Tip wash", "Recovery required"], scope=recovery)
    ui.shot("dashboard-recovery")
    run = run_of(lab, schedule["id"], "aborted", timeout=10)
    assert "aborted" in (run["outcomeDetail"] or "").lower(), run
    shown = lab.cli.schedule(schedule["id"])
    assert shown["recovery"] is not None and not shown["active"], shown

    ui.nav("History")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Tip wash']]", "the aborted run in the history")
    ui.until("the row to say Aborted", lambda: "Aborted" in ui.text_of(row))
    ui.nav("Schedules")
    ui.see("Recovery required", scope="//tbody")
    ui.shot("schedules-recovery")

    log = deliveries_done(lab)
    messages = wait_until("the abort email", lambda: mail.messages(), timeout=30)
    notified = wait_until(
        "a desktop notification of the abort",
        lambda: [call for call in desktop.notify_calls() if "'Tip wash' was aborted" in call],
        timeout=15,
    )
    assert len(messages) == 1, [m["Subject"] for m in messages]
    assert "'Tip wash' was aborted" in messages[0]["Subject"], messages[0]["Subject"]
    body = plain_text(messages[0])
    assert "Recovery required" in body or "recovery" in body.lower(), body
    assert len(notified) == 1, notified
    assert {(e["channel"], e["event"]) for e in log["log"]} == {("email", "run_aborted"), ("desktop", "run_aborted")}, log

    ui.nav("Dashboard")
    ui.press("Resolve…", recovery)
    ui.see("Resolve “Tip wash”", scope=DIALOG)
    ui.type("What did you do?", "Cleared the deck and refilled the tips", DIALOG)
    ui.type("Your name", "Pat Doe", DIALOG)
    ui.shot("resolve")
    ui.press("Resolve and run again", DIALOG)
    ui.see("“Tip wash” is resolved and runs again at its next planned time.")
    ui.gone("Needs a person")
    shown = lab.cli.schedule(schedule["id"])
    assert shown["recovery"] is None and shown["active"], shown
    ui.nav("Schedules")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Tip wash']]", "the schedule's row")
    ui.until("the schedule to be Active again", lambda: "Active" in ui.text_of(row) and "Recovery required" not in ui.text_of(row))

    ui.nav("Settings")
    audit = "//table[.//th[normalize-space(.)='Who']]"
    resolved = ui.shown(f"{audit}//tr[.//*[normalize-space(.)='Recovery resolved']]", "the resolve in the audit log")
    assert "Pat Doe" in ui.text_of(resolved) and "Cleared the deck and refilled the tips" in ui.text_of(resolved), ui.text_of(resolved)
    ui.reveal(resolved)
    ui.shot("settings-audit")
    required = ui.shown(f"{audit}//tr[.//*[normalize-space(.)='Recovery required']]", "the recovery mark in the audit log")
    assert "engine" in ui.text_of(required) and "'Tip wash' needs recovery" in ui.text_of(required), ui.text_of(required)
    created = ui.shown(f"{audit}//tr[.//*[normalize-space(.)='Schedule created']]", "the schedule's creation in the audit log")
    assert "e2e-cli" in ui.text_of(created), ui.text_of(created)
    entries = lab.cli.audit()
    assert [e["actor"] for e in entries if e["action"] == "recovery_resolved"] == ["Pat Doe"], entries
    # Only the abort itself was told: resolving is news too, but nobody hears about the abort twice.
    assert len([c for c in desktop.notify_calls() if "'Tip wash' was aborted" in c]) == 1
    assert len([m for m in mail.messages() if "was aborted" in m["Subject"]]) == 1


# --- 5 ---------------------------------------------------------------------------------------


@journey(5, "stuck")
def stuck(lab: Lab, stack: ExitStack) -> None:
    """A method stuck on a dialog: after the (one-minute) stuck threshold the dashboard says it
    is stuck; the operator aborts it from the window, HxRun (the simulator) ends, the run is
    aborted by them and the schedule needs recovery."""
    lab.set_up_simulator(stuck_threshold_minutes="1")
    desktop, ui = window(lab, stack, 5)
    schedule = lab.daily_from("Seal plates", lab.method("Seal plates", outcome="stuck", duration="2s", steps=2), 3)
    ui.see("Busy — Deckhand is running “Seal plates”", timeout=30)
    running = run_of(lab, schedule["id"], "running", timeout=10)
    ui.see("“Seal plates” is stuck — VENUS is probably waiting on a dialog; go to the robot", timeout=120)
    ui.see("Stuck")
    ui.shot("dashboard-stuck")
    assert run_of(lab, schedule["id"], "stuck", timeout=5)["id"] == running["id"]

    ui.press("Abort…")
    ui.see("Abort “Seal plates”?", scope=DIALOG)
    ui.shot("abort-confirm")
    ui.press("Abort the run", DIALOG)
    right = "“Seal plates” was aborted. Check the deck, then resolve its recovery below."
    wrong = "Abort of “Seal plates” requested: the scheduler in the other program ends HxRun shortly."
    ui.until("the dashboard to say the run was aborted", lambda: right in ui.visible_text())
    assert wrong not in ui.visible_text(), "no talk of another program: the scheduler runs in this window"
    ui.see("Needs a person")
    ui.see("Robot free")
    ui.shot("dashboard-aborted")
    run = run_of(lab, schedule["id"], "aborted", timeout=10)
    assert run["id"] == running["id"], run
    wait_until("the simulator to end", lambda: running["pid"] not in lab.simulator_pids(), timeout=10)
    assert lab.cli.schedule(schedule["id"])["recovery"] is not None
    assert any(e["action"] == "run_aborted" for e in lab.cli.audit())


# --- 6 ---------------------------------------------------------------------------------------


@journey(6, "foreign-run")
def foreign_run(lab: Lab, stack: ExitStack) -> None:
    """The robot busy with a run Deckhand did not start: the due run waits (History says why,
    naming the process) and the dashboard lists it in the queue with until when it may wait;
    once the robot is free the run starts within Deckhand's look at the process list (every 2 s),
    not at its next attempt a minute later, and completes."""
    lab.set_up_simulator()
    by_hand = copy_simulator_as(lab.robot_name, lab.root)
    long = lab.method("By hand", duration="600s", steps=100)
    foreign = subprocess.Popen(
        [str(by_hand), str(lab.methods / long), "-r", "-t", "--log-folder", str(lab.root)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    stack.callback(lambda: (foreign.kill(), foreign.wait()))
    desktop, ui = window(lab, stack, 6)
    ui.see(f"Busy with a run Deckhand did not start: {lab.robot_name}, process {foreign.pid}", timeout=30)
    ui.see("Runs that come due wait until it has finished and the robot is free.")
    schedule = lab.daily_from("Buffer fill", lab.method("Buffer fill", duration="2s", steps=2), 2,
                              retry_attempts="5", retry_delay="1")
    waiting = run_of(lab, schedule["id"], "waiting", timeout=30)
    assert lab.robot_name in (waiting["errorMessage"] or ""), waiting
    ui.shot("dashboard-busy")
    waiting_list = ui.shown("//ol[@aria-label='Waiting to start']", "the dashboard's list of runs waiting to start")
    ui.until("the dashboard to show the waiting run with its reason and until when it may wait",
             lambda: "Buffer fill" in ui.text_of(waiting_list) and lab.robot_name in ui.text_of(waiting_list)
             and "May wait until" in ui.text_of(waiting_list) and "Next to start" in ui.text_of(waiting_list))
    ui.shot("dashboard-waiting")
    ui.nav("History")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Buffer fill']]", "the waiting run in the history")
    ui.until("the run to be waiting for the robot, saying why",
             lambda: "Waiting" in ui.text_of(row) and lab.robot_name in ui.text_of(row))
    ui.shot("history-waiting")

    foreign.kill()
    foreign.wait()
    freed = datetime.now().astimezone()
    ui.nav("Dashboard")
    ui.see("Robot free", timeout=30)
    run = run_of(lab, schedule["id"], "completed", timeout=100)
    assert run["id"] == waiting["id"], run
    # Started within moments of the robot freeing (Deckhand looks every 2 s; a loaded CI
    # machine adds some), long before its next attempt after the one-minute retry delay.
    started = datetime.fromisoformat(run["startedAt"].replace("Z", "+00:00"))
    assert started - freed < timedelta(seconds=20), (freed, run)
    ui.nav("History")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Buffer fill']]", "the run in the history")
    ui.until("the run to be completed", lambda: "Completed" in ui.text_of(row))
    ui.shot("history-completed")


# --- 7 ---------------------------------------------------------------------------------------


@journey(7, "conflict")
def conflict(lab: Lab, stack: ExitStack) -> None:
    """Someone edits the schedule elsewhere (the CLI) while the form is open: saving shows the
    conflict dialog with their version, nothing of ours is saved, "Reload their version" puts
    their values in the form, and a save from there works."""
    lab.set_up_simulator()
    schedule = lab.daily_tomorrow("Nightly prep", lab.method("Nightly prep"), expected_minutes="30")
    desktop, ui = window(lab, stack, 7)
    ui.nav("Schedules")
    ui.row_menu("Nightly prep", "Edit")
    ui.see("Edit schedule", scope=DIALOG)
    ui.until("the form to hold the schedule", lambda: ui.value("Name", DIALOG) == "Nightly prep")
    ui.type("Name", "Nightly prep (mine)", DIALOG)
    ui.type("Expected duration (minutes)", "50", DIALOG)

    lab.cli("schedules", "edit", schedule["id"], "--name", "Nightly prep (theirs)", "--expected-minutes", "40")
    ui.press("Save changes", DIALOG)
    conflict_dialog = "//*[@role='dialog'][.//*[normalize-space(.)='Someone else changed this schedule']]"
    ui.see("Your changes were not saved", scope=conflict_dialog)
    ui.see("Nightly prep (theirs)", scope=conflict_dialog)
    ui.shot("conflict-dialog")
    stored = lab.cli.schedule(schedule["id"])
    assert stored["name"] == "Nightly prep (theirs)" and stored["expectedDurationMinutes"] == 40, stored

    ui.press("Reload their version", conflict_dialog)
    ui.gone("Someone else changed this schedule")
    ui.until("the form to show their name", lambda: ui.value("Name", DIALOG) == "Nightly prep (theirs)")
    assert ui.value("Expected duration (minutes)", DIALOG) == "40"
    ui.shot("reloaded")
    ui.type("Expected duration (minutes)", "35", DIALOG)
    ui.press("Save changes", DIALOG)
    ui.see("Saved “Nightly prep (theirs)”.")
    stored = lab.cli.schedule(schedule["id"])
    assert stored["name"] == "Nightly prep (theirs)" and stored["expectedDurationMinutes"] == 35, stored


# --- 8 ---------------------------------------------------------------------------------------


@journey(8, "bad-input")
def bad_input(lab: Lab, stack: ExitStack) -> None:
    """Bad input wherever a person types — the schedule form, the resolve note, a contact's
    address, the mail server's port, settings: each message says what is wrong, and the CLI
    shows nothing was saved."""
    lab.set_up_simulator()
    held = lab.daily_tomorrow("Held", lab.method("Held"))
    lab.cli("schedules", "mark-recovery", held["id"], "--note", "Tip jam at channel 3")
    settings_before = lab.cli.settings()
    desktop, ui = window(lab, stack, 8)

    # The schedule form: blank name, a method that is not a VENUS method, an absurd stuck threshold.
    ui.nav("Schedules")
    ui.press("New schedule")
    ui.press("Create schedule", DIALOG)
    ui.wait_error("Name", "Give the schedule a name.", DIALOG)
    ui.wait_error("Method file", "Choose the VENUS method file to run.", DIALOG)
    ui.type("Name", "Broken", DIALOG)
    ui.type("Method file", "notes.txt", DIALOG)
    ui.type("Stuck after (minutes)", "5000", DIALOG)
    ui.press("Create schedule", DIALOG)
    method_error = ui.wait_error("Method file", ".med", DIALOG)
    assert ".hsl" in method_error, method_error
    ui.wait_error("Stuck after (minutes)", "A stuck threshold of 5000 minutes is out of range: use 1 to 1440", DIALOG)
    ui.shot("schedule-form-errors")
    assert [s["name"] for s in lab.cli.schedules()] == ["Held"]
    ui.press("Cancel", DIALOG)

    # The resolve note and name, left empty and then blank.
    ui.nav("Dashboard")
    ui.press("Resolve…", "//section[@aria-label='Recovery of Held']")
    ui.press("Resolve and run again", DIALOG)
    ui.wait_error("What did you do?", "Say what you did, so the next person knows the state of the deck.", DIALOG)
    ui.wait_error("Your name", "Give your name: the audit log records who resolved it.", DIALOG)
    ui.type("What did you do?", "   ", DIALOG)
    ui.type("Your name", "Pat Doe", DIALOG)
    ui.press("Resolve and run again", DIALOG)
    ui.wait_error("What did you do?", "Say what you did", DIALOG)
    ui.shot("resolve-errors")
    assert lab.cli.schedule(held["id"])["recovery"] is not None
    ui.press("Cancel", DIALOG)

    # A contact's address.
    ui.nav("Notifications")
    ui.press("Add contact")
    ui.type("Name", "Ann Lee", DIALOG)
    ui.type("Email address", "ann.lee-at-lab", DIALOG)
    ui.press("Add contact", DIALOG)
    contact_error = ui.until("a message under the address", lambda: ui.error_of("Email address", DIALOG))
    ui.see("Nothing was saved: correct the fields marked above and save again.", scope=DIALOG)
    ui.shot("contact-error")
    assert lab.cli("contacts", "list") == [], "no contact was saved"
    ui.press("Cancel", DIALOG)

    # Settings: each refuses what it cannot use and keeps the value in force.
    ui.nav("Settings")
    ui.type("Runs at the same time", "0")
    ui.press("Save Runs at the same time")
    concurrency_error = ui.until("a message under Runs at the same time", lambda: ui.error_of("Runs at the same time"))
    ui.type("HxRun arguments", "-r -t")
    ui.press("Save HxRun arguments")
    args_error = ui.until("a message under HxRun arguments", lambda: ui.error_of("HxRun arguments"))
    assert "{method}" in args_error, args_error
    ui.type("Stuck after (minutes)", "0")
    ui.press("Save Stuck after (minutes)")
    stuck_error = ui.until("a message under Stuck after", lambda: ui.error_of("Stuck after (minutes)"))
    ui.shot("settings-errors")
    assert lab.cli.settings() == settings_before, "no setting changed"
    for message in [contact_error, concurrency_error, stuck_error]:
        assert len(message) > 15, f"the message says what is wrong: {message!r}"

    # The mail server's port: left empty, then out of range.
    ui.nav("Notifications")
    ui.tab("Mail server")
    ui.type("Host", "smtp.lab.example.org")
    ui.type("From address", "deckhand@lab.example.org")
    ui.type("Port", "")
    ui.press("Save mail server")
    ui.wait_error("Port", "Give the port, e.g. 587.")
    ui.shot("smtp-port-error")
    assert lab.cli("smtp", "show") is None, "no mail server was saved"
    ui.type("Port", "0")
    ui.press("Save mail server")
    ui.wait_error("Port", "0 is not a port: give a whole number from 1 to 65535")
    assert ui.value("Port") == "0", f"the port is left as typed, not changed into another: {ui.value('Port')!r}"
    assert lab.cli("smtp", "show") is None, "no mail server was saved"
    print(f"    messages: {contact_error!r} / {concurrency_error!r} / {args_error!r} / {stuck_error!r}")


# --- 9 ---------------------------------------------------------------------------------------


@journey(9, "delete")
def delete(lab: Lab, stack: ExitStack) -> None:
    """Deleting a schedule that has run: the dialog says its runs stay, the list is empty, and
    History still shows the run under the old name, marked deleted."""
    lab.set_up_simulator()
    desktop, ui = window(lab, stack, 9)
    schedule = lab.daily_from("Old assay", lab.method("Old assay", duration="1s", steps=2), 2)
    run = run_of(lab, schedule["id"], "completed", timeout=40)
    ui.nav("Schedules")
    ui.row_menu("Old assay", "Delete…")
    ui.see("“Old assay” will be removed and will not run again. Its past runs stay in History under this name.",
           scope=DIALOG)
    ui.shot("delete-confirm")
    ui.press("Delete schedule", DIALOG)
    ui.see("Deleted; 1 run kept in history under the name “Old assay”.")
    ui.see("No schedules yet")
    assert lab.cli.schedules() == []

    ui.nav("History")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Old assay']]", "the deleted schedule's run")
    ui.until("the row to say deleted and completed", lambda: "(deleted)" in ui.text_of(row) and "Completed" in ui.text_of(row))
    ui.press(f"Details of the Old assay run due {local_text(datetime.fromisoformat(run['slot'].replace('Z', '+00:00')))}")
    ui.see("This schedule has been deleted; its name and method are shown as they were then.", scope=DIALOG)
    ui.shot("history-deleted")
    [entry] = lab.cli.history()
    assert entry["scheduleDeleted"] and entry["scheduleName"] == "Old assay" and entry["run"]["id"] == run["id"], entry


# --- 10 --------------------------------------------------------------------------------------


@journey(10, "restart-while-running")
def restart_while_running(lab: Lab, stack: ExitStack) -> None:
    """Quitting Deckhand while a method runs and starting it again: the method goes on meanwhile,
    the new window shows the same run still running (re-attached), it completes, and there is
    exactly one run with nothing lost."""
    lab.set_up_simulator()
    desktop, ui = window(lab, stack, 10)
    schedule = lab.daily_from("Long incubation", lab.method("Long incubation", duration="25s", steps=10), 2)
    ui.see("Busy — Deckhand is running “Long incubation”", timeout=30)
    running = run_of(lab, schedule["id"], "running", timeout=10)
    ui.shot("running-before-quit")

    quit_cleanly = desktop.quit_app()
    assert quit_cleanly, "the app ended with its WebDriver session"
    assert running["pid"] in lab.simulator_pids(), "the method keeps running while Deckhand is closed"
    relaunch(desktop, ui)
    ui.see("Busy — Deckhand is running “Long incubation”", timeout=20)
    ui.see("Running now")
    ui.shot("running-after-restart")
    run = run_of(lab, schedule["id"], {"completed", "interrupted"}, timeout=60)
    assert run["id"] == running["id"], (run, running)
    runs = lab.cli.runs_of(schedule["id"])
    assert len(runs) == 1, runs
    if run["status"] == "interrupted":
        assert run["errorMessage"], f"an interrupted run says why: {run}"
    else:
        assert "End method - complete" in (run["outcomeDetail"] or ""), run
    ui.see("Robot free", timeout=20)
    ui.nav("History")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Long incubation']]", "the run in the history")
    ui.until("the run to be completed", lambda: "Completed" in ui.text_of(row))
    ui.shot("history-after-restart")


# --- 11 --------------------------------------------------------------------------------------


@journey(11, "settings-survive-restart")
def settings_survive_restart(lab: Lab, stack: ExitStack) -> None:
    """Settings changed in the window are saved (the CLI reads them) and shown again after
    Deckhand is quit and started again."""
    lab.set_up_simulator()
    desktop, ui = window(lab, stack, 11)
    ui.nav("Settings")
    folder = str(lab.root / "other methods")
    changes = {"Runs at the same time": "2", "Stuck after (minutes)": "7", "Methods folder": folder}
    for label, value in changes.items():
        ui.type(label, value)
        ui.press(f"Save {label}")
        ui.until(f"{label} to be saved", lambda label=label, value=value: ui.value(label) == value
                 and "Not saved yet" not in ui.visible_text())
    ui.until("the three changes in the audit log",
             lambda: ui.visible_text().count("Setting changed") >= 3)
    ui.shot("settings-changed")
    expected = {"maxConcurrentRuns": 2, "stuckThresholdMinutes": 7, "methodsFolder": folder}
    settings = wait_until("the CLI to read the new settings",
                          lambda: (lambda s: s if all(s[k] == v for k, v in expected.items()) else None)(lab.cli.settings()))
    assert settings["simulation"] is True, settings

    assert desktop.quit_app(), "the app ended with its WebDriver session"
    relaunch(desktop, ui)
    ui.nav("Settings")
    for label, value in changes.items():
        ui.until(f"{label} to show {value!r} after the restart", lambda label=label, value=value: ui.value(label) == value)
    assert ui.field("Simulation").is_selected()
    ui.shot("settings-after-restart")
    assert all(lab.cli.settings()[k] == v for k, v in expected.items())


# --- 12 --------------------------------------------------------------------------------------


def deckhand_log(lab: Lab) -> str:
    """What Deckhand has written to its log files so far (they sit beside the database, here in
    the same folder as the simulator's traces)."""
    folder = lab.db.parent / "logs"
    return "".join(path.read_text(errors="replace") for path in sorted(folder.glob("deckhand_r*.log")))


@journey(12, "diagnostics")
def diagnostics(lab: Lab, stack: ExitStack) -> None:
    """The Diagnostics page: each check with its level in a word (the simulator as HxRun is ok;
    no mail server is a warning) under a summary; "Back up now" says which file it made, the
    file is in the backups folder beside the database and listed; and the log level set to
    debug in Settings applies at once: a debug line appears in the log file; settings changed
    with the command line show on the open page and the log level follows them."""
    # The journey checks the level the window sets; a level from the environment would win.
    if "DECKHAND_LOG" in os.environ:
        saved = os.environ.pop("DECKHAND_LOG")
        stack.callback(os.environ.__setitem__, "DECKHAND_LOG", saved)
    lab.set_up_simulator()
    desktop, ui = window(lab, stack, 12)
    ui.nav("Diagnostics")
    summary = ui.shown("//main//*[@role='status'][contains(., 'checks passed') or contains(., 'attention')]",
                       "the checks' summary", timeout=30)
    assert re.fullmatch(r"All \d+ checks passed|\d+ of \d+ checks? needs? attention \(.+\)", ui.text_of(summary).strip()), \
        ui.text_of(summary)
    hxrun = ui.shown("//*[@role='listitem'][@aria-label='HxRun: OK']", "the HxRun check, ok")
    assert "SIMULATION: runs go to the VENUS simulator" in ui.text_of(hxrun), ui.text_of(hxrun)
    mail = ui.shown("//*[@role='listitem'][@aria-label='Mail server: Warning']", "the mail server check, a warning")
    assert "No mail server is set up" in ui.text_of(mail) and "What to do:" in ui.text_of(mail), ui.text_of(mail)
    ui.see("Checked ")
    ui.shot("checks")

    # Again, on request: busy while it runs, then the time it was checked.
    ui.press("Check again")
    ui.until("the checks to be done again", lambda: ui.button("Check again") and "Checking again" not in ui.visible_text())

    folder = lab.db.parent / "backups"
    ui.see(str(folder))
    ui.press("Back up now")
    made = ui.until(
        "the backup's file name",
        lambda: re.search(r"Backup made: (deckhand-[\d-]+\.sqlite3) \([\d.]+ (?:KB|MB)\), checked\.", ui.visible_text()),
        timeout=30,
    )
    assert isinstance(made, re.Match)
    name = made.group(1)
    assert (folder / name).is_file(), f"{name} is in {folder}: {sorted(p.name for p in folder.iterdir())}"
    table = "//table[@aria-label='Backups']"
    ui.shown(f"{table}//td[normalize-space(.)={name!r}]", f"{name} in the list of backups")
    listed = [entry["name"] for entry in lab.cli("backup", "--list")]
    assert name in listed, listed
    ui.button("Back up now")  # done: enabled, not busy
    ui.until("the checks to run again after the backup", lambda: ui.button("Check again"))
    ui.shot("backup-made")
    ui.reveal(ui.shown(f"{table}", "the list of backups"))
    ui.shot("backups")

    # The log level: info at the start (no debug lines), debug as soon as it is saved.
    assert " DEBUG [" not in deckhand_log(lab), "info at the start: no debug lines yet"
    ui.nav("Settings")
    assert ui.value("Log level") == "info", ui.value("Log level")
    ui.choose("Log level", "debug: every decision in detail, for a support request")
    ui.press("Save Log level")
    ui.until("the log level to be saved", lambda: "Not saved yet" not in ui.visible_text())
    wait_until("a debug line in Deckhand's log file", lambda: " DEBUG [" in deckhand_log(lab), timeout=20)
    log = deckhand_log(lab)
    # Said by the save (with who) or, when the scheduler saw the database change first, by it.
    assert ("changed the log level to debug" in log
            or "the log level setting changed to debug" in log), log[-2000:]
    assert lab.cli.settings()["logLevel"] == "debug"
    ui.reveal(ui.field("Log level"))
    ui.shot("log-level")

    # A setting changed with the command line while the page is open shows up by itself (the
    # scheduler sees the database change), and the log level follows it.
    lab.cli("settings", "set", "backup_keep", "30")
    ui.until("the page to show the new number of backups to keep",
             lambda: ui.value("Backups to keep") == "30", timeout=20)
    lab.cli("settings", "set", "log_level", "warn")
    wait_until("the window's log level to follow the command line",
               lambda: "the log level setting changed to warn" in deckhand_log(lab), timeout=20)


# --- Running ---------------------------------------------------------------------------------

# --- 13 --------------------------------------------------------------------------------------


@journey(13, "chat-destination")
def chat_destination(lab: Lab, stack: ExitStack) -> None:
    """A webhook destination added in the window: the URL is hidden as it is typed and never
    shown again (only its host); Send test posts to a real HTTP server on loopback and says what
    it answered; a failed run's message arrives there once; the notification log names the
    destination, and the URL is in no file of the lab."""
    lab.set_up_simulator()
    receiver = stack.enter_context(WebhookReceiver())
    token = uuid.uuid4().hex
    url = receiver.url(f"/hooks/{token}")
    host = f"127.0.0.1:{receiver.port}"
    desktop, ui = window(lab, stack, 13)
    ui.nav("Notifications")
    ui.tab("Chat and webhooks")
    ui.see("No chat channel or webhook hears about runs yet")
    ui.press("Add destination")
    ui.see("Add a chat or webhook destination", scope=DIALOG)
    ui.type("Name", "Robot alerts", DIALOG)
    ui.click(ui.shown(f"{DIALOG}//label[normalize-space(.)='Webhook']", "the kind Webhook"))
    ui.see("accepts Deckhand's JSON", scope=DIALOG)
    typed = ui.type("URL", url, DIALOG)
    assert typed.get_attribute("type") == "password", "the URL is not shown as it is typed"
    ui.shot("destination-add")
    ui.press("Add destination", DIALOG)
    ui.gone("Add a chat or webhook destination")
    row = ui.shown("//tbody/tr[.//*[normalize-space(.)='Robot alerts']]", "the destination's row")
    ui.until("the row to show the kind and the host", lambda: f"Webhook · {host}" in ui.text_of(row))
    assert token not in ui.visible_text(), "only the host is shown"

    ui.press("Send a test message to Robot alerts")
    ui.see(f"delivered — {host} answered HTTP 200 OK: ok")
    ui.reveal(ui.shown("//*[@role='alert'][contains(normalize-space(.), 'Test message to Robot alerts')]",
                       "the test's answer"))
    ui.shot("destination-test")
    posts = wait_until("the test message at the receiver", lambda: receiver.posts() or None, timeout=10)
    assert posts[0]["path"] == f"/hooks/{token}", posts
    assert posts[0]["json"]["event"] == "test" and posts[0]["json"]["schema"] == "deckhand.notification", posts

    schedule = lab.daily_from("Buffer prep", lab.method("Buffer prep", outcome="step-error", duration="1s", steps=2), 3)
    run_of(lab, schedule["id"], "failed", timeout=40)
    failed = wait_until(
        "the failed run's message at the receiver",
        lambda: [p for p in receiver.posts() if p["json"]["event"] == "run_failed"] or None,
        timeout=30,
    )
    deliveries_done(lab)
    assert len([p for p in receiver.posts() if p["json"]["event"] == "run_failed"]) == 1, receiver.posts()
    message = failed[0]["json"]
    assert message["schedule"]["name"] == "Buffer prep" and message["run"]["status"] == "failed", message
    assert failed[0]["headers"].get("idempotency-key") == message["eventId"], failed[0]["headers"]

    ui.tab("Log")
    sent = ui.shown("//tbody/tr[.//*[normalize-space(.)='Test message']]", "the test message in the log")
    ui.until("the log row to name the destination", lambda: "Robot alerts (Webhook)" in ui.text_of(sent))
    ui.see("Run failed")
    ui.shot("destination-log")
    for file in lab.root.rglob("*"):
        if file.is_file():
            assert token.encode() not in file.read_bytes(), f"the URL's token is in {file}"


def run_one(item: Journey) -> tuple[bool, float]:
    """Runs one journey in a fresh lab; returns whether it passed and how long it took."""
    started = time.monotonic()
    lab = Lab()
    passed = False
    try:
        with ExitStack() as stack:
            item.run(lab, stack)
        passed = True
    except Exception:
        traceback.print_exc()
    finally:
        # Nothing the journey started may outlive it: the app, WebKit, dunst, simulated methods
        # all carry the journey's database in their environment.
        left = end_leftovers(f"DECKHAND_DB={lab.db}")
        left.update({pid: "a simulated method" for pid in lab.cleanup()})
        if left:
            print(f"    left running after the journey (now killed): {left}")
            passed = False
        if passed:
            shutil.rmtree(lab.root, ignore_errors=True)
        else:
            print(f"    the journey's database, methods and traces are kept in {lab.root}")
    return passed, time.monotonic() - started


def main(argv: list[str]) -> int:
    for needed in (APP, CLI, SIMULATOR):
        if not needed.exists():
            raise SystemExit(f"{needed} is missing: cargo build -p deckhand-desktop -p deckhand --bins")
    chosen = [j for j in JOURNEYS if not argv or j.name in argv or str(j.number) in argv]
    unknown = set(argv) - {j.name for j in JOURNEYS} - {str(j.number) for j in JOURNEYS}
    if unknown or not chosen:
        names = ", ".join(f"{j.number} {j.name}" for j in JOURNEYS)
        raise SystemExit(f"unknown journey {sorted(unknown)}; the journeys are: {names}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    failed = []
    for item in chosen:
        print(f"journey {item.number:2d} {item.name} …", flush=True)
        passed, took = run_one(item)
        print(f"journey {item.number:2d} {item.name}: {'ok' if passed else 'FAILED'} ({took:.1f} s)", flush=True)
        if not passed:
            failed.append(item.name)
    total = time.monotonic() - started
    print(f"{len(chosen) - len(failed)} of {len(chosen)} journeys passed in {total:.1f} s"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
