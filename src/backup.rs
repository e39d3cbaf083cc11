//! Backups of the database: an online copy made with SQLite's backup API while Deckhand keeps
//! running, checked with `PRAGMA integrity_check`, named with the local date and time, the
//! newest few kept; and restoring one (only while no scheduler runs on the database).
//!
//! A backup is written under a temporary name in its folder and renamed when it is complete
//! and checked, so a half-written file never looks like a backup. Retention only ever removes
//! files named like Deckhand's own backups (`deckhand-YYYY-MM-DD-HHMM.sqlite3`), never a
//! copy kept before a restore or a file someone put there.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;

use crate::engine::{EngineLock, LockError};
use crate::store::{Store, StoreError, migration_count};

/// How many backups are kept unless told otherwise.
pub const DEFAULT_KEEP: usize = 14;

/// Backup files' names start with this …
const PREFIX: &str = "deckhand-";
/// … and end with this.
const SUFFIX: &str = ".sqlite3";
/// The copy of the database kept before a restore replaces it.
const BEFORE_RESTORE: &str = "deckhand-before-restore-";
/// The date-time in a backup's name (local time).
const STAMP: &str = "%Y-%m-%d-%H%M";

/// The folder backups go to unless told otherwise: `backups` beside the database.
pub fn default_folder(database: &Path) -> PathBuf {
    database.parent().unwrap_or(Path::new(".")).join("backups")
}

/// What went wrong with a backup or a restore. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// There is no database to back up.
    #[error("There is no Deckhand database at {}; nothing to back up.", .0.display())]
    NoDatabase(PathBuf),
    /// A file or folder could not be read or written.
    #[error("Could not {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// SQLite failed while copying or checking.
    #[error("The database reported an error while {what}: {source}")]
    Sqlite {
        what: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// The copy (or the file to restore) failed SQLite's integrity check.
    #[error("{} is damaged (SQLite's integrity check found: {})", path.display(), problems.join("; "))]
    Damaged {
        path: PathBuf,
        problems: Vec<String>,
    },
    /// The file is not a Deckhand database.
    #[error("{} is not a Deckhand database: {reason}", path.display())]
    NotDeckhand { path: PathBuf, reason: String },
    /// The file was made by a newer Deckhand than this one.
    #[error(
        "{} was made by a newer Deckhand (schema version {version}; this program knows up to {known}). Restore it with that version, or update Deckhand first.",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        version: u32,
        known: u32,
    },
    /// A scheduler runs on the database, so it cannot be replaced now.
    #[error(
        "A Deckhand scheduler is running on this database ({0}). Close the Deckhand app and stop `deckhand run` first, then restore."
    )]
    SchedulerRunning(String),
    /// Another program has the database open.
    #[error(
        "Another program has the database open (the Deckhand window or another deckhand command); close it and try again. Nothing was changed."
    )]
    InUse,
    /// Bad input (a keep count of 0, restoring the database onto itself).
    #[error("{0}")]
    Invalid(String),
    /// The restored database could not be opened or brought up to date.
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl BackupError {
    /// The stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::NoDatabase(_) => "not_found",
            BackupError::Io { .. } => "io",
            BackupError::Sqlite { .. } => "database",
            BackupError::Damaged { .. } => "damaged",
            BackupError::NotDeckhand { .. } | BackupError::TooNew { .. } => "invalid_input",
            BackupError::Invalid(_) => "invalid_input",
            BackupError::SchedulerRunning(_) | BackupError::InUse => "busy",
            BackupError::Store(e) => e.code(),
        }
    }
}

pub type Result<T, E = BackupError> = std::result::Result<T, E>;

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.to_path_buf();
    move |source| BackupError::Io { what, path, source }
}

fn sqlite(what: &'static str) -> impl FnOnce(rusqlite::Error) -> BackupError {
    move |source| BackupError::Sqlite { what, source }
}

/// What a backup made.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupReport {
    /// The new backup file.
    #[ts(type = "string")]
    pub path: PathBuf,
    #[ts(type = "number")]
    pub bytes: u64,
    /// The schema version of the copy.
    pub schema_version: u32,
    /// Older backups removed to keep the newest `keep`.
    #[ts(type = "Array<string>")]
    pub removed: Vec<PathBuf>,
}

/// One backup file in a folder.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupFile {
    #[ts(type = "string")]
    pub path: PathBuf,
    pub name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// When it was taken (from its name, else the file's time).
    pub taken_at: DateTime<Utc>,
    /// A copy kept before a restore (never removed by retention).
    pub before_restore: bool,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestoreReport {
    /// The database that was replaced.
    #[ts(type = "string")]
    pub database: PathBuf,
    /// The file it was restored from.
    #[ts(type = "string")]
    pub restored_from: PathBuf,
    /// Where the database as it was before is kept (none if there was no database).
    #[ts(type = "string | null")]
    pub previous_kept_at: Option<PathBuf>,
    /// The restored file's schema version, and the version after migrating it.
    pub schema_version_before: u32,
    pub schema_version: u32,
}

/// Makes a backup of the database at `database` into `folder` now (local time), then keeps the
/// newest `keep` backups there.
pub fn backup_now(database: &Path, folder: &Path, keep: usize) -> Result<BackupReport> {
    backup_at(database, folder, keep, Local::now())
}

/// [`backup_now`] at a given time (names the file).
pub fn backup_at<Tz: TimeZone>(
    database: &Path,
    folder: &Path,
    keep: usize,
    now: DateTime<Tz>,
) -> Result<BackupReport> {
    if keep == 0 {
        return Err(BackupError::Invalid(
            "Keep at least 1 backup (--keep 1 or more).".to_owned(),
        ));
    }
    if !database.is_file() {
        return Err(BackupError::NoDatabase(database.to_path_buf()));
    }
    crate::config::private::create_folder(folder).map_err(io("create the folder", folder))?;
    let stamp = now.naive_local().format(STAMP).to_string();
    let mut target = folder.join(format!("{PREFIX}{stamp}{SUFFIX}"));
    let mut n = 2;
    while target.exists() {
        target = folder.join(format!("{PREFIX}{stamp}-{n}{SUFFIX}"));
        n += 1;
    }
    let mut report = backup_to_file(database, &target)?;
    report.removed = prune(folder, keep)?;
    Ok(report)
}

/// Makes a backup of the database at `database` into the file `target`, which must not exist.
/// No retention.
pub fn backup_to_file(database: &Path, target: &Path) -> Result<BackupReport> {
    if !database.is_file() {
        return Err(BackupError::NoDatabase(database.to_path_buf()));
    }
    if target.exists() {
        return Err(BackupError::Invalid(format!(
            "{} exists already; choose another file name (a backup never overwrites a file).",
            target.display()
        )));
    }
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(BackupError::Invalid(format!(
            "The folder {} does not exist.",
            folder.display()
        )));
    }
    let source = open_read_only(database)?;
    let partial = copy_into_temp(&source, &folder)?;
    drop(source);
    let schema_version = check_copy(partial.path())?;
    partial
        .as_file()
        .sync_all()
        .map_err(io("write", partial.path()))?;
    partial
        .persist_noclobber(target)
        .map_err(|e| BackupError::Io {
            what: "save the backup as",
            path: target.to_path_buf(),
            source: e.error,
        })?;
    sync_folder(&folder);
    let bytes = std::fs::metadata(target).map_err(io("read", target))?.len();
    Ok(BackupReport {
        path: target.to_path_buf(),
        bytes,
        schema_version,
        removed: Vec::new(),
    })
}

/// A read-only connection to `path` that waits for writers.
fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite("opening the database"))?;
    conn.busy_timeout(crate::store::BUSY_TIMEOUT)
        .map_err(sqlite("opening the database"))?;
    Ok(conn)
}

/// Copies the database behind `source` into a new temporary file in `folder` with SQLite's
/// online backup, as a self-contained file (rollback journal, no `-wal` beside it).
fn copy_into_temp(source: &Connection, folder: &Path) -> Result<tempfile::NamedTempFile> {
    let partial = tempfile::Builder::new()
        .prefix(".deckhand-partial-")
        .suffix(SUFFIX)
        .tempfile_in(folder)
        .map_err(io("create a file in", folder))?;
    let mut copy = Connection::open(partial.path()).map_err(sqlite("creating the copy"))?;
    {
        let backup = Backup::new(source, &mut copy).map_err(sqlite("starting the copy"))?;
        // All pages in one step: one consistent snapshot. In WAL mode a reader does not block
        // Deckhand's writers, so the scheduler goes on meanwhile.
        let mut waits = 0;
        loop {
            match backup.step(-1).map_err(sqlite("copying"))? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked => {
                    waits += 1;
                    if waits > 100 {
                        return Err(BackupError::Sqlite {
                            what: "copying",
                            source: rusqlite::Error::SqliteFailure(
                                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                                Some("the database stayed busy for 10 seconds".to_owned()),
                            ),
                        });
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                _ => {}
            }
        }
    }
    copy.pragma_update(None, "journal_mode", "DELETE")
        .map_err(sqlite("finishing the copy"))?;
    drop(copy);
    Ok(partial)
}

/// Checks a copy: SQLite's integrity check, a Deckhand schema no newer than this program's.
/// Returns its schema version.
fn check_copy(path: &Path) -> Result<u32> {
    let conn = open_read_only(path)?;
    let problems = integrity(&conn)?;
    if problems != ["ok"] {
        return Err(BackupError::Damaged {
            path: path.to_path_buf(),
            problems,
        });
    }
    deckhand_version(&conn, path)
}

fn integrity(conn: &Connection) -> Result<Vec<String>> {
    let what = "checking the file";
    let mut stmt = conn
        .prepare("PRAGMA integrity_check")
        .map_err(sqlite(what))?;
    let rows = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(sqlite(what))?;
    rows.collect::<rusqlite::Result<_>>().map_err(sqlite(what))
}

/// The schema version of a Deckhand database, or why it is not one this program can use.
fn deckhand_version(conn: &Connection, path: &Path) -> Result<u32> {
    let what = "checking the file";
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(sqlite(what))?;
    let tables: u32 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN
             ('schedules', 'runs', 'runs_archive', 'notification_contacts', 'settings', 'audit_log')",
            [],
            |row| row.get(0),
        )
        .map_err(sqlite(what))?;
    if version == 0 || tables < 6 {
        return Err(BackupError::NotDeckhand {
            path: path.to_path_buf(),
            reason: "it has no Deckhand schedules, runs and settings tables".to_owned(),
        });
    }
    let known = migration_count() as u32;
    if version > known {
        return Err(BackupError::TooNew {
            path: path.to_path_buf(),
            version,
            known,
        });
    }
    Ok(version)
}

/// Makes a finished rename survive a power cut (Unix; Windows has no folder handles to sync).
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

/// When a backup file name says it was taken (local time), and whether it is a copy kept
/// before a restore. `None` for any other file.
fn parse_name(name: &str) -> Option<(NaiveDateTime, u32, bool)> {
    let rest = name.strip_suffix(SUFFIX)?;
    let (rest, before_restore) = match rest.strip_prefix(BEFORE_RESTORE) {
        Some(rest) => (rest, true),
        None => (rest.strip_prefix(PREFIX)?, false),
    };
    let (stamp, n) = match rest.get(15..) {
        Some("") => (rest, 1),
        Some(tail) => (rest.get(..15)?, tail.strip_prefix('-')?.parse().ok()?),
        None => return None,
    };
    let at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
    Some((at, n, before_restore))
}

/// The backups in `folder`, newest first (a missing folder has none).
pub fn list(folder: &Path) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io("read the folder", folder)(e)),
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let Some((at, n, before_restore)) = parse_name(&name) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let taken_at = Local
            .from_local_datetime(&at)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .or_else(|| meta.modified().ok().map(DateTime::<Utc>::from))
            .unwrap_or_default();
        found.push((
            (at, n),
            BackupFile {
                path: entry.path(),
                name,
                bytes: meta.len(),
                taken_at,
                before_restore,
            },
        ));
    }
    found.sort_by_key(|b| std::cmp::Reverse(b.0));
    Ok(found.into_iter().map(|(_, file)| file).collect())
}

/// Removes all but the newest `keep` backups in `folder` (copies kept before a restore stay).
/// Returns what it removed.
pub fn prune(folder: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let backups = list(folder)?.into_iter().filter(|b| !b.before_restore);
    for old in backups.skip(keep) {
        std::fs::remove_file(&old.path).map_err(io("remove the old backup", &old.path))?;
        removed.push(old.path);
    }
    Ok(removed)
}

/// Whether the daily automatic backup is due: no backup in `folder` was taken on `now`'s
/// local day.
pub fn daily_due<Tz: TimeZone>(folder: &Path, now: DateTime<Tz>) -> bool {
    let today: NaiveDate = now.naive_local().date();
    match list(folder) {
        Ok(backups) => !backups
            .iter()
            .filter(|b| !b.before_restore)
            .filter_map(|b| parse_name(&b.name))
            .any(|(at, _, _)| at.date() == today),
        Err(_) => true,
    }
}

/// The newest backup in `folder` (copies kept before a restore count too: they are backups).
pub fn newest(folder: &Path) -> Result<Option<BackupFile>> {
    Ok(list(folder)?.into_iter().next())
}

/// Replaces the database at `database` with the backup `file`, now.
///
/// Refuses while a scheduler holds the database's engine lock, and holds that lock itself
/// meanwhile so none starts. Checks `file` (integrity; a Deckhand database no newer than this
/// program), copies it beside the database and brings its schema up to date, keeps the
/// database as it was in `keep_folder` (`deckhand-before-restore-<time>.sqlite3`), then swaps
/// the new file in with one rename. If anything fails before the rename, the database is as
/// it was.
pub fn restore(database: &Path, file: &Path, keep_folder: &Path) -> Result<RestoreReport> {
    restore_at(database, file, keep_folder, Local::now())
}

/// [`restore`] at a given time (names the kept copy).
pub fn restore_at<Tz: TimeZone>(
    database: &Path,
    file: &Path,
    keep_folder: &Path,
    now: DateTime<Tz>,
) -> Result<RestoreReport> {
    if !file.is_file() {
        return Err(BackupError::Io {
            what: "read",
            path: file.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    if same_file(database, file) {
        return Err(BackupError::Invalid(format!(
            "{} is the database itself; name a backup file.",
            file.display()
        )));
    }
    let _lock = EngineLock::acquire(database).map_err(|e| match e {
        LockError::Held { holder } => BackupError::SchedulerRunning(holder),
        LockError::Io { path, source } => BackupError::Io {
            what: "open the lock file",
            path,
            source,
        },
    })?;
    // The file to restore: checked as it is.
    let schema_version_before = (|| {
        let conn = open_read_only(file)?;
        let problems = integrity(&conn)?;
        if problems != ["ok"] {
            return Err(BackupError::Damaged {
                path: file.to_path_buf(),
                problems,
            });
        }
        deckhand_version(&conn, file)
    })()
    .map_err(|e| match e {
        // "file is not a database", and the like.
        BackupError::Sqlite { source, .. } => BackupError::NotDeckhand {
            path: file.to_path_buf(),
            reason: source.to_string(),
        },
        e => e,
    })?;
    let folder = match database.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    crate::config::private::create_folder(&folder).map_err(io("create the folder", &folder))?;
    // A copy beside the database, brought up to date there, so a failed migration changes
    // nothing.
    let source = open_read_only(file)?;
    let incoming = copy_into_temp(&source, &folder)?;
    drop(source);
    let schema_version = {
        let clock = std::sync::Arc::new(crate::clock::SystemClock);
        let store = Store::open(incoming.path(), clock)?;
        let version = store.schema_version()?;
        drop(store);
        let conn = Connection::open(incoming.path()).map_err(sqlite("finishing the copy"))?;
        conn.pragma_update(None, "journal_mode", "DELETE")
            .map_err(sqlite("finishing the copy"))?;
        version
    };
    // The database as it is now, kept: its WAL folded in (SQLite refuses that while another
    // program has it open), then copied as a file, so even a damaged database is kept.
    let previous_kept_at = if database.is_file() {
        crate::config::private::create_folder(keep_folder)
            .map_err(io("create the folder", keep_folder))?;
        let stamp = now.naive_local().format(STAMP).to_string();
        let mut kept = keep_folder.join(format!("{BEFORE_RESTORE}{stamp}{SUFFIX}"));
        let mut n = 2;
        while kept.exists() {
            kept = keep_folder.join(format!("{BEFORE_RESTORE}{stamp}-{n}{SUFFIX}"));
            n += 1;
        }
        let folded = quiesce(database)?;
        std::fs::copy(database, &kept).map_err(io("keep a copy of the database as", &kept))?;
        for suffix in ["-wal", "-shm"] {
            let side = side_file(database, suffix);
            if !side.exists() {
                continue;
            }
            if !folded && suffix == "-wal" {
                let kept_wal = side_file(&kept, suffix);
                std::fs::copy(&side, &kept_wal).map_err(io("keep a copy of", &side))?;
            }
            std::fs::remove_file(&side).map_err(io("remove", &side))?;
        }
        Some(kept)
    } else {
        None
    };
    incoming
        .as_file()
        .sync_all()
        .map_err(io("write", incoming.path()))?;
    incoming.persist(database).map_err(|e| BackupError::Io {
        what: "replace the database",
        path: database.to_path_buf(),
        source: e.error,
    })?;
    sync_folder(&folder);
    // Back to Deckhand's usual set-up (WAL), and up to date.
    let store = Store::open(database, std::sync::Arc::new(crate::clock::SystemClock))?;
    let schema_version = store.schema_version().unwrap_or(schema_version);
    Ok(RestoreReport {
        database: database.to_path_buf(),
        restored_from: file.to_path_buf(),
        previous_kept_at,
        schema_version_before,
        schema_version,
    })
}

/// Whether two paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `path` with `suffix` appended to its name (`-wal`, `-shm`).
fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Folds the database's WAL into it and switches it to a rollback journal, so no `-wal` file is
/// left to be paired with the file that replaces it. SQLite refuses the switch while another
/// connection has the database open, which is how we know nobody else is using it. Returns
/// false when SQLite could not read the database at all (a damaged file): its files are then
/// kept as they are.
fn quiesce(database: &Path) -> Result<bool> {
    let conn = Connection::open(database).map_err(sqlite("opening the database"))?;
    conn.busy_timeout(Duration::from_secs(2))
        .map_err(sqlite("opening the database"))?;
    let switched: rusqlite::Result<String> =
        conn.query_row("PRAGMA journal_mode=DELETE", [], |row| row.get(0));
    drop(conn);
    match switched {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => {}
        Ok(_) => return Err(BackupError::InUse),
        Err(e) if is_busy(&e) => return Err(BackupError::InUse),
        Err(e) => {
            log::warn!(
                "the database {} could not be read before the restore ({e}); its files are kept as they are",
                database.display()
            );
            return Ok(false);
        }
    }
    if side_file(database, "-wal").exists() {
        return Err(BackupError::InUse);
    }
    Ok(true)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        let (at, n, before) = parse_name("deckhand-2026-11-27-2300.sqlite3").unwrap();
        assert_eq!(at.to_string(), "2026-11-27 23:00:00");
        assert_eq!((n, before), (1, false));
        assert_eq!(
            parse_name("deckhand-2026-11-27-2300-3.sqlite3").map(|p| p.1),
            Some(3)
        );
        assert!(
            parse_name("deckhand-before-restore-2026-11-27-2300.sqlite3")
                .unwrap()
                .2
        );
        for other in [
            "deckhand.sqlite3",
            "deckhand-2026-11-27.sqlite3",
            "deckhand-2026-11-27-2300.sqlite3-wal",
            ".deckhand-partial-x.sqlite3",
            "deckhand-2026-11-27-2300-x.sqlite3",
        ] {
            assert!(parse_name(other).is_none(), "{other}");
        }
    }
}
