//! Shared test set-up: a real SQLite file in a temporary folder and a clock that moves only
//! when told to.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use deckhand::clock::ManualClock;
use deckhand::model::{Recurrence, ScheduleDraft};
use deckhand::store::Store;
use tempfile::TempDir;

pub mod cli;
pub mod faults;
pub mod hostile;
pub mod wait;

pub const ACTOR: &str = "Dr. Test";

/// An instant from RFC 3339 text.
pub fn t(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a valid test instant")
        .with_timezone(&Utc)
}

pub struct TestStore {
    pub dir: TempDir,
    pub clock: Arc<ManualClock>,
    pub store: Store,
}

impl TestStore {
    /// A fresh database file, with the clock at 2026-06-01 12:00 UTC.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let clock = Arc::new(ManualClock::new(t("2026-06-01T12:00:00Z")));
        let path = dir.path().join("deckhand.sqlite3");
        lab_database(&path);
        let store = Store::open(&path, clock.clone()).expect("the store opens");
        TestStore { dir, clock, store }
    }

    /// A fresh database file with every setting at its default, on every platform.
    pub fn untouched() -> Self {
        let db = TestStore::new();
        db.raw()
            .execute("DELETE FROM settings WHERE key = 'methods_folder'", [])
            .expect("the default methods folder");
        db
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("deckhand.sqlite3")
    }

    /// A second connection to the same file, sharing the clock.
    pub fn reopen(&self) -> Store {
        Store::open(&self.path(), self.clock.clone()).expect("the store reopens")
    }

    /// A plain connection for looking under the hood.
    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path()).expect("a raw connection")
    }

    /// A pending scheduled run of `schedule` at `slot` (RFC 3339).
    pub fn pending(&mut self, schedule: uuid::Uuid, slot: &str) -> deckhand::model::Run {
        let new = deckhand::model::NewRun::pending(
            schedule,
            t(slot),
            deckhand::model::RunOrigin::Schedule,
        );
        self.store.insert_run(&new).expect("the run is written")
    }

    /// Moves `run` through `statuses` in turn.
    pub fn advance(&mut self, run: uuid::Uuid, statuses: &[deckhand::model::RunStatus]) {
        for status in statuses {
            self.store
                .transition_run(run, *status, &Default::default())
                .unwrap_or_else(|e| panic!("run moves to {status}: {e}"));
        }
    }

    /// How many rows `table` has.
    pub fn count(&self, table: &str) -> i64 {
        self.raw()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                row.get(0)
            })
            .expect("count")
    }
}

/// A valid daily schedule draft.
pub fn daily(name: &str) -> ScheduleDraft {
    ScheduleDraft {
        name: name.to_owned(),
        method_path: r"C:\Methods\Prep.med".to_owned(),
        recurrence: Recurrence::Daily {
            start: t("2026-06-02T08:00:00Z"),
        },
        retry: Default::default(),
        missed_runs: Default::default(),
        expected_duration_minutes: Some(45),
        stuck_minutes: None,
        active: true,
    }
}

/// Whether process `pid` is alive: it exists and has not ended (an ended child its parent
/// has not yet reaped counts as ended). Works on Linux and Windows alike.
pub fn alive(pid: u32) -> bool {
    deckhand::processes::is_running(pid)
}

/// The tests' method paths (`C:\Methods\Prep.med`…) are a lab's whose methods live in
/// `C:\Methods`. On Linux such a path is a file name inside the methods folder; on Windows it
/// is what it says, so the test databases there have `C:\Methods` as their methods folder
/// (written directly, so no audit entry or event tells of it). Makes the database at `path`.
pub fn lab_database(path: &std::path::Path) {
    let store = Store::open(path, Arc::new(deckhand::clock::SystemClock)).expect("the store opens");
    drop(store);
    if cfg!(windows) {
        rusqlite::Connection::open(path)
            .and_then(|c| {
                c.execute(
                    "INSERT OR REPLACE INTO settings (key, value, updated_at) \
                     VALUES ('methods_folder', 'C:\\Methods', 0)",
                    [],
                )
            })
            .expect("the methods folder is set");
    }
}

/// The Wine prefix these tests run in, when they run under Wine (`scripts/windows.sh` sets
/// it, and Wine passes it on to the Windows programs it runs).
#[cfg(windows)]
pub fn wine_prefix() -> Option<String> {
    std::env::var("WINEPREFIX").ok().filter(|p| !p.is_empty())
}

/// Runs `command` to its end. Wine 8 now and then fails a process creation with
/// ERROR_INTERNAL_ERROR (1359) when many start at once; that is tried again (what is under
/// test is Deckhand, not Wine's process creation). Elsewhere a failure is a failure.
pub fn output_of(command: &mut std::process::Command) -> std::process::Output {
    let mut result = command.output();
    for _ in 0..5 {
        match &result {
            Err(e) if cfg!(windows) && e.raw_os_error() == Some(1359) => {
                eprintln!("Wine could not start {command:?} ({e}); trying again");
                std::thread::sleep(std::time::Duration::from_millis(200));
                result = command.output();
            }
            _ => break,
        }
    }
    result.expect("the program runs")
}
