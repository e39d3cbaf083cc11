//! The store: every schedule, run and setting, in one SQLite file.
//!
//! This module is the only place that knows SQL (the old service's `SchedulingDatabaseManager`
//! and `SQLiteSchedulingDatabase` in one). Every write runs in an `IMMEDIATE` transaction, so it
//! either lands whole or not at all, and every user action writes its audit entry in the same
//! transaction. Reads take `&self`; writes take `&mut self`.

mod contacts;
mod destinations;
mod events;
mod runs;
mod schedules;
mod settings;
mod sql;
mod transfer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations};
use uuid::Uuid;

use crate::clock::Clock;
use crate::model::{AuditAction, AuditTarget, RunStatus, Schedule};
use crate::validate::{FieldError, Invalid};

pub use contacts::Delivery;
pub use runs::CSV_HEADER;
pub use settings::setting_text as settings_text;
pub use transfer::{EXPORT_FORMAT, EXPORT_VERSION, Export, ExportedSchedule, ImportReport};

/// How long a write waits for another connection's write to finish before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The schema, oldest first. Forward-only: never edit an applied file, add a new one.
const MIGRATION_FILES: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_stuck_threshold.sql"),
    include_str!("../../migrations/0003_abort_requests.sql"),
    include_str!("../../migrations/0004_alerts.sql"),
    include_str!("../../migrations/0005_scheduler_pause.sql"),
    include_str!("../../migrations/0006_launching.sql"),
    include_str!("../../migrations/0007_deck_evidence.sql"),
    include_str!("../../migrations/0008_wait_until.sql"),
    include_str!("../../migrations/0009_destinations.sql"),
];

/// How many migrations there are: a database brought up to date has this schema version.
pub fn migration_count() -> usize {
    MIGRATION_FILES.len()
}

/// The migrations, embedded at compile time.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_FILES.iter().map(|sql| M::up(sql)).collect())
}

/// What can go wrong in the store. [`StoreError::code`] is the stable code the UI switches on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The input was refused; nothing was written.
    #[error("{0}")]
    Invalid(#[from] Invalid),
    /// No such record.
    #[error("No {what} with id {id} exists (it may have been deleted).")]
    NotFound { what: &'static str, id: String },
    /// The schedule changed since the edit began; `current` is what it is now.
    #[error(
        "Schedule '{}' was changed by someone else while you were editing it. Reload to see the current values, then make your change again.",
        current.name
    )]
    Conflict { current: Box<Schedule> },
    /// A run for this schedule and slot exists already: it cannot run twice.
    #[error("A run for schedule {schedule_id} at {slot} exists already; a slot runs at most once.")]
    DuplicateRun {
        schedule_id: Uuid,
        slot: DateTime<Utc>,
    },
    /// The run cannot move from its status to the one asked for.
    #[error("Run {run_id} is {from}; it cannot become {to}.")]
    IllegalTransition {
        run_id: Uuid,
        from: RunStatus,
        to: RunStatus,
    },
    /// The schedule has a run in flight, so it cannot be deleted now.
    #[error(
        "Schedule '{name}' has a run that is {status}; wait for it to end (or abort it) before deleting the schedule."
    )]
    RunInProgress { name: String, status: RunStatus },
    /// Another program held the database for longer than the busy timeout.
    #[error(
        "The database is in use by another program and did not become free in time; nothing was changed. Try again in a moment."
    )]
    Busy(#[source] rusqlite::Error),
    /// The database folder could not be created.
    #[error("Could not create the folder {path} for the database: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The database was upgraded by a newer Deckhand; this one must not touch it.
    #[error(
        "This database was made by a newer Deckhand (schema version {found}; this one knows up to {known}). Use that newer Deckhand, or restore a backup made before it was upgraded."
    )]
    TooNew { found: u32, known: usize },
    /// The schema could not be brought up to date.
    #[error("The database schema could not be updated: {0}")]
    Migration(#[source] rusqlite_migration::Error),
    /// Any other SQLite failure (a damaged file, a full disk, …).
    #[error("The database reported an error: {0}")]
    Database(#[source] rusqlite::Error),
    /// CSV export could not write its output.
    #[error("Could not write the CSV export: {0}")]
    Export(#[source] std::io::Error),
}

impl StoreError {
    /// The stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Invalid(_) => "invalid_input",
            StoreError::NotFound { .. } => "not_found",
            StoreError::Conflict { .. } => "conflict",
            StoreError::DuplicateRun { .. } => "duplicate_run",
            StoreError::IllegalTransition { .. } => "illegal_transition",
            StoreError::RunInProgress { .. } => "run_in_progress",
            StoreError::Busy(_) => "database_busy",
            StoreError::Folder { .. } => "io",
            StoreError::Migration(_) | StoreError::TooNew { .. } => "migration",
            StoreError::Database(_) => "database",
            StoreError::Export(_) => "io",
        }
    }

    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }

    pub(crate) fn field(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(FieldError::new(field, message).into())
    }
}

impl From<FieldError> for StoreError {
    fn from(error: FieldError) -> Self {
        StoreError::Invalid(error.into())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy(error),
            _ => StoreError::Database(error),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection to Deckhand's database. Open one per thread; SQLite serialises the writers
/// (WAL mode lets readers go on meanwhile) and the busy timeout makes a writer wait its turn.
pub struct Store {
    conn: Connection,
    clock: Arc<dyn Clock>,
    path: PathBuf,
    /// Rung after every commit, so the outbox's delivery task looks for new messages at once.
    bell: Option<Arc<tokio::sync::Notify>>,
}

impl Store {
    /// Opens (creating if need be) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        private_files(path)?;
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        let found: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found as usize > migration_count() {
            return Err(StoreError::TooNew {
                found,
                known: migration_count(),
            });
        }
        migrations()
            .to_latest(&mut conn)
            .map_err(StoreError::Migration)?;
        Ok(Store {
            conn,
            clock,
            path: path.to_path_buf(),
            bell: None,
        })
    }

    /// How long a write waits for another connection's lock ([`BUSY_TIMEOUT`] unless set).
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<()> {
        self.conn.busy_timeout(timeout)?;
        Ok(())
    }

    /// Rings `bell` after each of this connection's commits (the outbox delivery task
    /// listens to it: messages queued by a state change go out without polling).
    pub fn set_outbox_bell(&mut self, bell: Arc<tokio::sync::Notify>) {
        self.bell = Some(bell);
    }

    /// Rings the outbox bell, if this connection has one: another program changed the
    /// database, and may have queued messages.
    pub fn ring_outbox_bell(&self) {
        if let Some(bell) = &self.bell {
            bell.notify_one();
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version (the number of migrations applied).
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    /// A number that changes whenever another connection (another process, say) commits a
    /// change; this connection's own writes leave it alone.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }

    /// Stops this connection from copying the WAL into the database file after its commits
    /// (which costs an fsync at unpredictable moments); someone must then call
    /// [`Store::checkpoint`] from another connection. The engine uses this to keep its
    /// writes short.
    pub fn disable_auto_checkpoint(&self) -> Result<()> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(())
    }

    /// Copies what it can of the WAL into the database file without blocking writers.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE);")?;
        Ok(())
    }

    /// SQLite's own consistency check: `ok`, or the problems it found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Refreshes the query planner's statistics (cheap; run after large imports).
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA optimize=0x10002;")?;
        Ok(())
    }

    /// The store's clock's time, to the millisecond it keeps.
    pub fn now(&self) -> DateTime<Utc> {
        sql::truncate(self.clock.now())
    }

    /// Runs `f` in an IMMEDIATE transaction: it takes the write lock at once (waiting up to
    /// the busy timeout), so two writers never deadlock on a lock upgrade.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        if let Some(bell) = &self.bell {
            bell.notify_one();
        }
        Ok(value)
    }
}

/// The connection settings every connection gets, in one place.
/// The database readable by its user only (0600 on Unix, its folder 0700): a new file is
/// created so, and SQLite gives its `-wal` and `-shm` files the database's mode. Existing files
/// with a looser mode are tightened, and the log says so. The folder is created private, and
/// tightened only when it is Deckhand's own data folder (a `--db` elsewhere may sit in a folder
/// the person shares on purpose).
fn private_files(path: &Path) -> Result<()> {
    use crate::config::private;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let created = private::create_folder(parent).map_err(|source| StoreError::Folder {
            path: parent.to_path_buf(),
            source,
        })?;
        if !created && is_data_folder(parent) {
            tightened(private::tighten_folder(parent), parent);
        }
    }
    // A failure here is left to SQLite's open to report, as before.
    let _ = private::create_file(path);
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let file = PathBuf::from(file);
        tightened(private::tighten_file(&file), &file);
    }
    Ok(())
}

/// Whether `folder` is Deckhand's own data folder.
fn is_data_folder(folder: &Path) -> bool {
    crate::config::data_dir().is_ok_and(|data| {
        data == folder
            || data
                .canonicalize()
                .is_ok_and(|data| folder.canonicalize().is_ok_and(|f| f == data))
    })
}

/// Logs what tightening a path's mode did; a failure is logged and does not stop Deckhand.
fn tightened(outcome: std::io::Result<Option<String>>, path: &Path) {
    match outcome {
        Ok(Some(note)) => log::warn!("{note}"),
        Ok(None) => {}
        Err(e) => log::warn!(
            "could not make {} readable by this user only: {e}",
            path.display()
        ),
    }
}

/// How many prepared statements a connection keeps for reuse.
const STATEMENT_CACHE: usize = 64;

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The engine's path from a run ending to the next starting runs about twenty statements;
    // each is parsed once and kept (rusqlite keeps 16 by default, fewer than the store uses).
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Appends one audit entry inside the caller's transaction.
fn audit(
    tx: &Transaction<'_>,
    at: DateTime<Utc>,
    actor: &str,
    action: AuditAction,
    target: AuditTarget,
    target_id: Option<&str>,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, target_kind, target_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![sql::ms(at), actor, action, target, target_id, detail],
    )?;
    Ok(())
}

/// Drops sub-millisecond precision, as the store does with every instant it keeps.
pub fn truncate_ms(at: DateTime<Utc>) -> DateTime<Utc> {
    sql::truncate(at)
}
