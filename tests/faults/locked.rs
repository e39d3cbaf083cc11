//! The database held by another program for longer than the busy timeout (5 s): a CLI write
//! says so in plain words and exits 5 having written nothing; `deckhand run` carries on and
//! writes what it could not (a run that came due, a run that finished) once the lock is gone.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use deckhand::model::{Recurrence, RunStatus, ScheduleDraft, ScheduleListFilter};
use deckhand::store::BUSY_TIMEOUT;

use crate::support::faults::{DECKHAND, SimLab};
use crate::support::wait::wait_until;

/// How long the other program holds the lock: past the busy timeout of the due-run write
/// and then of the finished run's (the engine waits out one before the other).
const HOLD: u64 = 15;

/// `deckhand run` on the lab's database, its standard error (the log) in a file.
pub fn deckhand_run(lab: &SimLab) -> (Child, std::path::PathBuf) {
    let log = lab.dir.path().join("run.stderr");
    let child = Command::new(DECKHAND)
        .arg("--db")
        .arg(&lab.db)
        .args(["run", "--log-level", "info"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(20), || std::fs::read_to_string(&log)
            .is_ok_and(|t| t.contains("Deckhand is running."))),
        "deckhand run starts"
    );
    (child, log)
}

pub fn once(name: &str, method: &str, in_ms: i64) -> ScheduleDraft {
    ScheduleDraft {
        name: name.to_owned(),
        method_path: method.to_owned(),
        recurrence: Recurrence::Once {
            at: Utc::now() + chrono::Duration::milliseconds(in_ms),
        },
        retry: Default::default(),
        missed_runs: Default::default(),
        expected_duration_minutes: None,
        stuck_minutes: None,
        active: true,
    }
}

pub fn status_of(lab: &SimLab, schedule: uuid::Uuid) -> Option<RunStatus> {
    let query = deckhand::model::HistoryQuery {
        schedule_id: Some(schedule),
        ..Default::default()
    };
    lab.store()
        .history(&query)
        .unwrap()
        .entries
        .first()
        .map(|e| e.run.status)
}

#[test]
fn a_database_locked_past_the_busy_timeout_is_a_clear_error_and_the_engine_catches_up() {
    let began = Instant::now();
    let lab = SimLab::new(4);
    lab.method("Long.med", "outcome=completed duration=3s steps=2");
    lab.method("Later.med", "outcome=completed duration=500ms steps=2");
    let mut store = lab.store();
    let (mut engine, log) = deckhand_run(&lab);
    // "Long" runs when the lock is taken and ends while it is held; "Later" comes due then.
    let long = store
        .create_schedule(&once("Long", "Long.med", 1000), "test")
        .unwrap();
    let later = store
        .create_schedule(&once("Later", "Later.med", 5000), "test")
        .unwrap();
    let trace_known = || {
        let query = deckhand::model::HistoryQuery {
            schedule_id: Some(long.id),
            ..Default::default()
        };
        lab.store()
            .history(&query)
            .unwrap()
            .entries
            .first()
            .is_some_and(|e| e.run.status == RunStatus::Running && e.run.trace_file.is_some())
    };
    assert!(
        wait_until(Duration::from_secs(15), trace_known),
        "Long runs and its trace is found"
    );
    let audit_before = store.audit_log(None, 1000, 0).unwrap().len();
    drop(store);

    // Another program takes the write lock and keeps it for HOLD seconds.
    let holder = rusqlite::Connection::open(&lab.db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let locked_at = Instant::now();

    // Reading goes on (WAL); a write waits the busy timeout, then says why, and exits 5.
    let list = lab.cli(&["schedules", "list"]);
    assert!(
        list.status.success(),
        "reading works while another program writes"
    );
    let tried = Instant::now();
    let add = lab.cli(&[
        "schedules",
        "add",
        "--name",
        "Added while locked",
        "--method",
        "Later.med",
        "--once",
        "2030-01-01T08:00:00Z",
    ]);
    let waited = tried.elapsed();
    let said = String::from_utf8_lossy(&add.stderr).into_owned();
    assert_eq!(
        add.status.code(),
        Some(5),
        "exit code 5: database busy; {said}"
    );
    assert!(
        said.contains("in use by another program")
            && said.contains("nothing was changed")
            && said.contains("Try again"),
        "words a scientist understands: {said}"
    );
    assert!(
        waited >= BUSY_TIMEOUT,
        "it waited its turn first: {waited:?}"
    );
    let json = lab.cli(&[
        "--json",
        "schedules",
        "add",
        "--name",
        "Also locked",
        "--method",
        "Later.med",
        "--once",
        "2030-01-01T08:00:00Z",
    ]);
    assert_eq!(json.status.code(), Some(5));
    let error: serde_json::Value = serde_json::from_slice(&json.stderr).unwrap();
    assert_eq!(error["code"], "database_busy", "{error}");

    // Hold until well past both engine writes' busy timeouts.
    while locked_at.elapsed() < Duration::from_secs(HOLD) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let engine_alive = engine.try_wait().unwrap().is_none();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let held = locked_at.elapsed();
    assert!(
        engine_alive,
        "the engine keeps going while the database is locked"
    );

    // Once free: the due run is written and runs, the finished one gets its outcome.
    let caught_up = wait_until(Duration::from_secs(30), || {
        status_of(&lab, later.id) == Some(RunStatus::Completed)
            && status_of(&lab, long.id) == Some(RunStatus::Completed)
    });
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        caught_up,
        "after the lock: Long {:?}, Later {:?}; log:\n{text}",
        status_of(&lab, long.id),
        status_of(&lab, later.id)
    );
    assert!(
        text.contains("trying again shortly"),
        "the engine said it would try again:\n{text}"
    );
    // Nothing half-written: the refused adds left no schedule and no audit entry.
    let store = lab.store();
    let names: Vec<String> = store
        .list_schedules(ScheduleListFilter::All)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(store.audit_log(None, 1000, 0).unwrap().len(), audit_before);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let add = lab.cli(&[
        "schedules",
        "add",
        "--name",
        "Added after",
        "--method",
        "Later.med",
        "--once",
        "2030-01-01T08:00:00Z",
    ]);
    assert!(add.status.success(), "writes work again");
    let _ = engine.kill();
    let _ = engine.wait();
    eprintln!(
        "database locked: held {:.1} s; a CLI write waited {:.1} s and exited 5; the engine caught up (a due run and a finished run written) after the lock; {:.1} s in all",
        held.as_secs_f64(),
        waited.as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
}
