//! Through the whole program: `deckhand run` with the simulator, a real SMTP server and a real
//! desktop notification service (dunst on a D-Bus session bus, under Xvfb), watched with
//! `dbus-monitor`. A method that aborts tells its contact and the desktop once, and a restart
//! of Deckhand tells nobody again.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::MailServer;
use crate::support::cli::{command, loopback_mail_server, ok};
use crate::support::wait::wait_for;

/// Child processes killed on drop, last started first.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in self.0.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A virtual display, a session bus on it with dunst owning the notification service, and
/// `dbus-monitor` writing every `Notify` call to `monitor_log`. Returns the bus address.
fn desktop_session(processes: &mut Processes, monitor_log: &Path) -> (String, String) {
    // Xvfb picks a free display and writes its number to standard output.
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-nolisten",
            "tcp",
            "-screen",
            "0",
            "800x600x24",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (scripts/setup.sh installs it)");
    let mut number = String::new();
    BufReader::new(xvfb.stdout.take().unwrap())
        .read_line(&mut number)
        .unwrap();
    processes.0.push(xvfb);
    let display = format!(":{}", number.trim());

    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon (the dbus package)");
    let mut address = String::new();
    BufReader::new(bus.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    let address = address.trim().to_owned();
    processes.0.push(bus);

    processes.0.push(
        Command::new("dunst")
            .env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stderr(Stdio::null())
            .spawn()
            .expect("dunst (scripts/setup.sh installs it)"),
    );
    wait_for(
        "dunst owns org.freedesktop.Notifications",
        Duration::from_secs(10),
        || {
            Command::new("dbus-send")
                .args([
                    &format!("--bus={address}"),
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.Notifications",
                ])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        },
    );
    processes.0.push(
        Command::new("dbus-monitor")
            .args([
                "--address",
                &address,
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(std::fs::File::create(monitor_log).unwrap())
            .spawn()
            .expect("dbus-monitor"),
    );
    // dbus-monitor prints its own name acquisition first: then it listens.
    wait_for("dbus-monitor listens", Duration::from_secs(10), || {
        std::fs::read_to_string(monitor_log).is_ok_and(|t| !t.is_empty())
    });
    (display, address)
}

#[test]
fn an_aborted_run_tells_its_contact_and_the_desktop_once_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let monitor_log = dir.path().join("dbus-monitor.log");
    let mut processes = Processes(Vec::new());
    let (display, bus) = desktop_session(&mut processes, &monitor_log);
    let server = MailServer::start();

    let deckhand = |args: &[&str]| ok(&db, args);
    let run = || {
        command(&db)
            .args(["run", "--log-level", "warn"])
            .env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    loopback_mail_server(&db, server.port);
    deckhand(&[
        "contacts",
        "add",
        "--name",
        "Ann Lee",
        "--email",
        "ann@lab.example.org",
    ]);

    let mut engine = run();
    let methods = dir.path().join("Demo methods");
    wait_for("the demo methods", Duration::from_secs(10), || {
        methods.join("Demo - aborted.med").exists()
    });
    std::fs::write(
        methods.join("Quick abort.med"),
        "// sim: outcome=aborted duration=0.4s steps=2\n",
    )
    .unwrap();
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let created = deckhand(&[
        "--json",
        "schedules",
        "add",
        "--name",
        "Quick abort",
        "--method",
        "Quick abort.med",
        "--once",
        &at,
    ]);
    let id = created["id"].as_str().unwrap().to_owned();
    let notifications = || {
        std::fs::read_to_string(&monitor_log)
            .unwrap_or_default()
            .matches("'Quick abort' was aborted")
            .count()
    };
    wait_for("the email", Duration::from_secs(30), || {
        !server.messages().is_empty()
    });
    wait_for("the desktop notification", Duration::from_secs(10), || {
        notifications() > 0
    });
    // Killed only once the deliveries are written down (a kill between showing and writing
    // would show it again at the next start, by design: nothing is ever lost).
    wait_for(
        "the deliveries are recorded",
        Duration::from_secs(10),
        || {
            let n = deckhand(&["--json", "notifications"]);
            n["waiting"].as_array().is_some_and(|w| w.is_empty())
                && n["log"].as_array().is_some_and(|l| l.len() == 2)
        },
    );
    let history = deckhand(&["--json", "history", "--schedule", &id]);
    assert_eq!(
        history["entries"][0]["run"]["status"], "aborted",
        "{history}"
    );

    // Deckhand stops and starts again: nobody hears about it twice.
    engine.kill().unwrap();
    engine.wait().unwrap();
    let mut engine = run();
    std::thread::sleep(Duration::from_secs(3));
    engine.kill().unwrap();
    engine.wait().unwrap();

    let messages = server.messages();
    assert_eq!(messages.len(), 1, "one email");
    let mail = &messages[0];
    for needle in [
        "To: \"Ann Lee\" <ann@lab.example.org>",
        "SIMULATION",
        "Method has been aborted by the user",
        "Recovery required",
    ] {
        assert!(mail.contains(needle), "{needle}:\n{mail}");
    }
    assert_eq!(notifications(), 1, "one desktop notification");
    let log = deckhand(&["--json", "notifications"]);
    assert_eq!(log["log"].as_array().unwrap().len(), 2, "{log}");
    assert!(
        log["log"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"] == "sent" && e["event"] == "run_aborted"),
        "{log}"
    );
    let monitor = std::fs::read_to_string(&monitor_log).unwrap();
    assert!(
        monitor.contains("string \"Deckhand\""),
        "sent in Deckhand's name:\n{monitor}"
    );
}
