//! Every decision about a run can be found in the log by its id: `deckhand run` with the
//! simulator and a real SMTP server takes one run through due → waiting (the robot is busy
//! with a run someone started by hand) → launched → aborted → needs recovery → email sent,
//! and each of those lines names the run.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::MailServer;
use crate::support::cli::{Killed, engine, loopback_mail_server, ok};
use crate::support::wait::{wait_for_explained, wait_for_explained_after};

/// Everything Deckhand logged so far into `folder` (the current file and any rotated ones).
fn log_text(folder: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with("deckhand") {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    text
}

#[test]
fn every_decision_about_a_run_is_in_the_log_under_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let logs = dir.path().join("logs");
    let the_log = || format!("the log:\n{}", log_text(&logs));
    let server = MailServer::start();
    loopback_mail_server(&db, server.port);
    ok(
        &db,
        &[
            "contacts",
            "add",
            "--name",
            "Ann Lee",
            "--email",
            "ann@lab.example.org",
        ],
    );

    let _engine = engine(&db, Some("info"));
    let methods = dir.path().join("Demo methods");
    wait_for_explained(
        "the first start's demo methods",
        Duration::from_secs(15),
        || methods.join("Demo - aborted.med").exists(),
        the_log,
    );
    std::fs::write(
        methods.join("Quick abort.med"),
        "// sim: outcome=aborted duration=0.4s steps=2\n",
    )
    .unwrap();

    // "The robot's program", running when the run falls due: a copy of `sleep` under a name
    // only this test uses, set after the scheduler started (a change in Settings applies at
    // once). Not reaped when it ends: a zombie must not count as a run (the next try launches).
    let robot = format!("hand-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let program = dir.path().join(&robot);
    std::fs::copy("/bin/sleep", &program).unwrap();
    ok(&db, &["settings", "set", "robot_process_names", &robot]);
    let _busy = Killed(Command::new(&program).arg("8").spawn().unwrap());

    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let created = ok(
        &db,
        &[
            "--json",
            "schedules",
            "add",
            "--name",
            "Quick abort",
            "--method",
            "Quick abort.med",
            "--once",
            &at,
            "--retry-delay",
            "1",
        ],
    );
    let id = created["id"].as_str().unwrap().to_owned();

    // The robot is busy when the run falls due, so the run waits a minute (the shortest retry
    // delay) before its second try: the email cannot come sooner.
    wait_for_explained_after(
        Duration::from_secs(60),
        "the email",
        Duration::from_secs(60),
        || !server.messages().is_empty(),
        the_log,
    );
    let history = ok(&db, &["--json", "history", "--schedule", &id]);
    let run = &history["entries"][0]["run"];
    assert_eq!(run["status"], "aborted", "{history}");
    assert_eq!(run["attempt"], 2, "waited once for the robot: {history}");
    let run_id = run["id"].as_str().unwrap();
    let tag = format!("run {run_id}: ");
    wait_for_explained(
        "the delivery in the log",
        Duration::from_secs(10),
        || log_text(&logs).contains(&format!("{tag}email")),
        the_log,
    );

    let log = log_text(&logs);
    let about_run: Vec<&str> = log.lines().filter(|l| l.contains(&tag)).collect();
    for (decision, words) in [
        ("due", &["'Quick abort' due "][..]),
        (
            "waiting for the robot",
            &[
                "waiting, ",
                "it starts when the robot is free, or is skipped at",
            ],
        ),
        ("launched", &["launched as process "]),
        (
            "outcome, with the trace's words",
            &["'Quick abort' aborted (the trace says “"],
        ),
        ("needs recovery", &["'Quick abort' needs recovery"]),
        ("alert sent", &["email '", "was aborted", "delivered"]),
    ] {
        assert!(
            about_run
                .iter()
                .any(|line| words.iter().all(|w| line.contains(w))),
            "no line about the run's {decision} ({words:?}) under {tag:?}:\n{}",
            about_run.join("\n")
        );
    }
    // And nothing the engine or the outbox said about this schedule leaves the run out.
    let untagged: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("'Quick abort'") && !l.contains(&tag))
        .filter(|l| l.contains("[deckhand::engine") || l.contains("[deckhand::notify"))
        .collect();
    assert!(
        untagged.is_empty(),
        "lines without the run id:\n{}",
        untagged.join("\n")
    );
}
