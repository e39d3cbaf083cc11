//! Looking after an installation (issue 9): backups and restore, `deckhand doctor`, export and
//! import, a database from the first schema, log files. Real SQLite files and the real
//! `deckhand` program as a child process.

mod backup;
mod doctor;
mod logs;
mod transfer;
mod upgrade;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `deckhand --db DB ARGS…` as a scientist's script would.
pub fn deckhand(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deckhand"))
        .arg("--db")
        .arg(db)
        .args(["--actor", "ops-test"])
        .args(args)
        .env_remove("DECKHAND_DB")
        .env_remove("DECKHAND_LOG")
        .output()
        .expect("the CLI runs")
}

/// Runs with `--json`, expects success, returns standard output as JSON.
pub fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = deckhand(db, &all);
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A small database with a schedule and a contact, made through the CLI.
pub fn populated(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("deckhand.sqlite3");
    crate::support::lab_database(&db);
    json(
        &db,
        &[
            "schedules",
            "add",
            "--name",
            "Nightly prep",
            "--method",
            r"C:\Methods\Prep.med",
            "--daily",
            "--start",
            "2030-01-01T08:00:00Z",
        ],
    );
    json(
        &db,
        &[
            "contacts",
            "add",
            "--name",
            "Ann Lee",
            "--email",
            "ann.lee@lab.example.org",
        ],
    );
    db
}

/// Every row of the user tables, for "nothing changed" checks.
pub fn snapshot(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut rows = Vec::new();
    for table in [
        "schedules",
        "notification_contacts",
        "runs",
        "audit_log",
        "settings",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(row) = q.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            rows.push(format!("{table}: {}", cells.join("|")));
        }
    }
    rows
}
