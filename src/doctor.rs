//! `deckhand doctor`: is this PC ready to run methods unattended? Each check says ok, warning
//! or error, what it found and what to do, in words a scientist understands. The desktop's
//! Diagnostics page shows the same list.

use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::SystemClock;
use crate::model::AppSettings;
use crate::secrets::KeyringStatus;
use crate::store::{Store, migration_count};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CheckLevel {
    Ok,
    /// Works, but something should be looked at.
    Warning,
    /// Runs or alerts will fail until this is fixed.
    Error,
}

impl CheckLevel {
    pub fn word(self) -> &'static str {
        match self {
            CheckLevel::Ok => "ok",
            CheckLevel::Warning => "warning",
            CheckLevel::Error => "error",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Check {
    /// What was checked ("HxRun", "Methods folder", …).
    pub name: String,
    pub level: CheckLevel,
    /// What was found.
    pub message: String,
    /// What to do about it, when something should be done.
    pub hint: Option<String>,
}

impl Check {
    fn new(
        name: &str,
        level: CheckLevel,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Check {
        Check {
            name: name.to_owned(),
            level,
            message: message.into(),
            hint,
        }
    }
    fn ok(name: &str, message: impl Into<String>) -> Check {
        Check::new(name, CheckLevel::Ok, message, None)
    }
    fn warning(name: &str, message: impl Into<String>, hint: impl Into<String>) -> Check {
        Check::new(name, CheckLevel::Warning, message, Some(hint.into()))
    }
    fn error(name: &str, message: impl Into<String>, hint: impl Into<String>) -> Check {
        Check::new(name, CheckLevel::Error, message, Some(hint.into()))
    }
}

/// Free disk space below this is a warning …
pub const DISK_WARNING_BYTES: u64 = 1_000_000_000;
/// … and below this an error.
pub const DISK_ERROR_BYTES: u64 = 100_000_000;
/// A newest backup older than this is a warning.
pub const BACKUP_MAX_AGE: chrono::Duration = chrono::Duration::days(2);
/// How long the mail server gets to answer a connection.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(5);

/// Every check, for the database at `database`, with the keyring's state as probed at start.
pub fn run(database: &Path, keyring: &KeyringStatus, now: DateTime<Utc>) -> Vec<Check> {
    let mut checks = Vec::new();
    let store = database_check(database, &mut checks);
    let settings = store.as_ref().and_then(|s| s.settings().ok());
    match &settings {
        Some(settings) => {
            checks.push(hxrun(settings));
            checks.push(methods_folder(settings));
            checks.push(log_folder(settings));
        }
        None => checks.push(Check::error(
            "Settings",
            "The settings could not be read, so HxRun and the folders were not checked.",
            "Fix the database first (see above).",
        )),
    }
    checks.push(keyring_check(keyring));
    if let Some(store) = &store {
        checks.push(smtp(store));
    }
    checks.push(disk(database));
    checks.push(last_backup(&crate::backup::default_folder(database), now));
    checks
}

/// Whether any check is an error.
pub fn has_errors(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.level == CheckLevel::Error)
}

/// The database: there, not damaged, a schema this program knows. Opens the store (bringing
/// an older schema up to date, as every command does) when it is healthy.
fn database_check(database: &Path, checks: &mut Vec<Check>) -> Option<Store> {
    const NAME: &str = "Database";
    if !database.is_file() {
        checks.push(Check::error(
            NAME,
            format!("There is no Deckhand database at {}.", database.display()),
            "Start Deckhand once to create it, or restore a backup with `deckhand restore FILE`.",
        ));
        return None;
    }
    let known = migration_count() as u32;
    let raw =
        Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY).and_then(|conn| {
            conn.busy_timeout(crate::store::BUSY_TIMEOUT)?;
            let version: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            let mut stmt = conn.prepare("PRAGMA integrity_check")?;
            let problems = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((version, problems))
        });
    let restore_hint =
        "Restore the newest backup: `deckhand restore FILE` (see `deckhand backup --list`).";
    match raw {
        Err(e) => {
            checks.push(Check::error(
                NAME,
                format!("{} could not be read: {e}", database.display()),
                restore_hint,
            ));
            return None;
        }
        Ok((_, problems)) if problems != ["ok"] => {
            checks.push(Check::error(
                NAME,
                format!(
                    "{} is damaged (SQLite found: {}).",
                    database.display(),
                    problems.join("; ")
                ),
                restore_hint,
            ));
            return None;
        }
        Ok((version, _)) if version > known => {
            checks.push(Check::error(
                NAME,
                format!(
                    "The database was made by a newer Deckhand (schema version {version}; this program knows up to {known})."
                ),
                "Use the newer Deckhand, or update this one.",
            ));
            return None;
        }
        Ok(_) => {}
    }
    match Store::open(database, Arc::new(SystemClock)) {
        Ok(store) => {
            let version = store.schema_version().unwrap_or(0);
            checks.push(Check::ok(
                NAME,
                format!(
                    "{} is healthy (schema version {version} of {known}).",
                    database.display()
                ),
            ));
            Some(store)
        }
        Err(e) => {
            checks.push(Check::error(
                NAME,
                format!("The database could not be opened: {e}"),
                restore_hint,
            ));
            None
        }
    }
}

fn hxrun(settings: &AppSettings) -> Check {
    const NAME: &str = "HxRun";
    let path = Path::new(&settings.hxrun_path);
    let set_it = "Set the HxRun path in Settings to VENUS's HxRun.exe (usually C:\\Program Files (x86)\\HAMILTON\\Bin\\HxRun.exe), or with `deckhand settings set hxrun_path PATH`.";
    if settings.simulation {
        if !crate::simulation::is_simulator(&settings.hxrun_path) {
            return Check::error(
                NAME,
                format!(
                    "Simulation is on, but runs go to {}, which is not the VENUS simulator.",
                    settings.hxrun_path
                ),
                "In Settings, turn Simulation off or point the HxRun path at deckhand-sim (`deckhand settings set simulation false` does the first).",
            );
        }
        if !path.is_file() {
            return Check::error(
                NAME,
                format!(
                    "Simulation is on, but the simulator is missing at {}.",
                    settings.hxrun_path
                ),
                "Reinstall Deckhand, or point the HxRun path in Settings at deckhand-sim beside the deckhand program.",
            );
        }
        return Check::ok(
            NAME,
            format!(
                "SIMULATION: runs go to the VENUS simulator ({}), not to the robot.",
                settings.hxrun_path
            ),
        );
    }
    if settings.hxrun_path.trim().is_empty() {
        return Check::error(NAME, "No HxRun path is set, so no run can start.", set_it);
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Check::ok(NAME, format!("HxRun is at {}.", path.display())),
        Ok(_) => Check::error(
            NAME,
            format!("{} is a folder, not the HxRun program.", path.display()),
            set_it,
        ),
        Err(_) => Check::error(
            NAME,
            format!(
                "HxRun was not found at {}, so runs will fail to start.",
                path.display()
            ),
            format!("Is VENUS installed on this PC? {set_it}"),
        ),
    }
}

fn methods_folder(settings: &AppSettings) -> Check {
    const NAME: &str = "Methods folder";
    let folder = Path::new(&settings.methods_folder);
    let set_it = "Set the methods folder in Settings, or with `deckhand settings set methods_folder FOLDER`.";
    if !folder.is_dir() {
        return Check::error(
            NAME,
            format!("The methods folder {} does not exist.", folder.display()),
            set_it,
        );
    }
    match count_methods(folder) {
        Err(e) => Check::error(
            NAME,
            format!(
                "The methods folder {} cannot be read: {e}",
                folder.display()
            ),
            "Check that your Windows account may read this folder.",
        ),
        Ok(0) => Check::warning(
            NAME,
            format!(
                "The methods folder {} has no .med or .hsl method files.",
                folder.display()
            ),
            format!("Is it the right folder? {set_it}"),
        ),
        Ok(n) => Check::ok(
            NAME,
            format!(
                "{} has {n} method file{} (.med, .hsl).",
                folder.display(),
                if n == 1 { "" } else { "s" }
            ),
        ),
    }
}

/// Counts `.med` and `.hsl` files in `folder` and its subfolders (four levels, at most 20,000
/// entries looked at).
fn count_methods(folder: &Path) -> std::io::Result<usize> {
    let mut count = 0;
    let mut looked = 0;
    let mut pending: Vec<(PathBuf, u32)> = Vec::new();
    // The top folder must be readable; subfolders that are not are passed over.
    for entry in std::fs::read_dir(folder)? {
        pending.push((entry?.path(), 1));
    }
    while let Some((path, depth)) = pending.pop() {
        looked += 1;
        if looked > 20_000 {
            break;
        }
        if path.is_dir() {
            if depth < 4
                && let Ok(entries) = std::fs::read_dir(&path)
            {
                pending.extend(entries.flatten().map(|e| (e.path(), depth + 1)));
            }
            continue;
        }
        let method = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("med") || e.eq_ignore_ascii_case("hsl"));
        if method {
            count += 1;
        }
    }
    Ok(count)
}

fn log_folder(settings: &AppSettings) -> Check {
    const NAME: &str = "VENUS log folder";
    let folder = Path::new(&settings.log_folder);
    let set_it = "Set the folder VENUS writes its trace files to as the log folder in Settings, or with `deckhand settings set log_folder FOLDER`.";
    if !folder.is_dir() {
        return Check::error(
            NAME,
            format!(
                "The log folder {} does not exist, so Deckhand cannot read how runs went.",
                folder.display()
            ),
            set_it,
        );
    }
    match tempfile::Builder::new()
        .prefix(".deckhand-doctor-")
        .tempfile_in(folder)
    {
        Ok(file) => match file.close() {
            Ok(()) => Check::ok(
                NAME,
                format!("{} exists and can be written to.", folder.display()),
            ),
            Err(e) => Check::warning(
                NAME,
                format!(
                    "A test file in {} could not be removed: {e}",
                    folder.display()
                ),
                "Check the folder's permissions.",
            ),
        },
        Err(e) => Check::error(
            NAME,
            format!("Nothing can be written to {}: {e}", folder.display()),
            "VENUS must be able to write trace files there: check that your Windows account may write to this folder.",
        ),
    }
}

fn keyring_check(status: &KeyringStatus) -> Check {
    const NAME: &str = "Keyring";
    match status {
        KeyringStatus::Works => Check::ok(
            NAME,
            "The operating system's keyring keeps the mail server's password.",
        ),
        KeyringStatus::Unavailable(why) => Check::warning(
            NAME,
            format!("The operating system's keyring does not work here: {why}"),
            "A mail password typed in the app is kept only until it closes; after a restart emails fail until it is typed again. Ask IT to enable the Windows Credential Manager for your account.",
        ),
    }
}

fn smtp(store: &Store) -> Check {
    const NAME: &str = "Mail server";
    match store.smtp_settings() {
        Err(e) => Check::error(
            NAME,
            format!("The mail server settings could not be read: {e}"),
            "Fix the database first (see above).",
        ),
        Ok(None) => Check::warning(
            NAME,
            "No mail server is set up, so nobody gets an email when a run fails or aborts.",
            "Set it up in Notifications in the app, or with `deckhand smtp set`.",
        ),
        Ok(Some(settings)) => match reachable(&settings.host, settings.port, SMTP_TIMEOUT) {
            Ok(()) => Check::ok(
                NAME,
                format!(
                    "{}:{} answers (send a test email with `deckhand smtp test --to ADDRESS`).",
                    settings.host, settings.port
                ),
            ),
            Err(why) => Check::error(
                NAME,
                format!(
                    "{}:{} cannot be reached ({why}), so alert emails will not go out.",
                    settings.host, settings.port
                ),
                "Check the host name and port with your IT department, and that this PC's network and firewall allow it.",
            ),
        },
    }
}

/// Whether a TCP connection to `host:port` opens within `timeout`.
pub fn reachable(host: &str, port: u16, timeout: Duration) -> Result<(), String> {
    let addresses: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("the name does not resolve: {e}"))?
        .collect();
    let mut last = "the name has no address".to_owned();
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                last = format!("no answer within {} seconds", timeout.as_secs())
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

fn disk(database: &Path) -> Check {
    let folder = database.parent().unwrap_or(Path::new("."));
    // `dunce`: on Windows, `canonicalize` gives a verbatim `\\?\C:\…` path, which never starts
    // with a disk's mount point (`C:\`); dunce gives the plain form where it means the same.
    let folder = dunce::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    disk_check(&folder, crate::disk_space::available(&folder))
}

/// The free-space finding for `folder` with `available` bytes free (`None`: unknown).
pub fn disk_check(folder: &Path, available: Option<u64>) -> Check {
    const NAME: &str = "Disk space";
    let free_up = "Free some space on this disk: empty the recycle bin, move old VENUS trace files and backups elsewhere.";
    match available {
        None => Check::warning(
            NAME,
            format!(
                "How much space is free on the disk of {} could not be found out.",
                folder.display()
            ),
            "Check the free space in the file explorer.",
        ),
        Some(bytes) if bytes < DISK_ERROR_BYTES => Check::error(
            NAME,
            format!(
                "Only {} is free on the disk of {}: the database and logs may soon fail to save.",
                size(bytes),
                folder.display()
            ),
            free_up,
        ),
        Some(bytes) if bytes < DISK_WARNING_BYTES => Check::warning(
            NAME,
            format!(
                "{} is free on the disk of {} (under 1 GB).",
                size(bytes),
                folder.display()
            ),
            free_up,
        ),
        Some(bytes) => Check::ok(
            NAME,
            format!(
                "{} is free on the disk of {}.",
                size(bytes),
                folder.display()
            ),
        ),
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.1} GB", bytes as f64 / 1e9)
    } else {
        format!("{} MB", bytes / 1_000_000)
    }
}

/// The newest backup in `folder`: there, and taken in the last two days.
pub fn last_backup(folder: &Path, now: DateTime<Utc>) -> Check {
    const NAME: &str = "Backups";
    let make_one = "Make one now with Back up now on the Diagnostics page, or `deckhand backup`; the running scheduler (the app or `deckhand run`) makes one every day.";
    match crate::backup::newest(folder) {
        Err(e) => Check::warning(
            NAME,
            format!("The backups folder could not be read: {e}"),
            make_one,
        ),
        Ok(None) => Check::warning(
            NAME,
            format!("There is no backup in {} yet.", folder.display()),
            make_one,
        ),
        Ok(Some(newest)) => {
            let age = now - newest.taken_at;
            let when = newest
                .taken_at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M");
            if age > BACKUP_MAX_AGE {
                Check::warning(
                    NAME,
                    format!(
                        "The newest backup is {} days old ({when}, {}).",
                        age.num_days(),
                        newest.path.display()
                    ),
                    format!("Is the scheduler running every day? {make_one}"),
                )
            } else {
                Check::ok(
                    NAME,
                    format!(
                        "The newest backup was taken {when} ({}).",
                        newest.path.display()
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_thresholds() {
        let folder = Path::new("/data");
        assert_eq!(
            disk_check(folder, Some(50_000_000)).level,
            CheckLevel::Error
        );
        assert_eq!(
            disk_check(folder, Some(500_000_000)).level,
            CheckLevel::Warning
        );
        assert_eq!(
            disk_check(folder, Some(5_000_000_000)).level,
            CheckLevel::Ok
        );
        assert_eq!(disk_check(folder, None).level, CheckLevel::Warning);
        assert!(
            disk_check(folder, Some(50_000_000))
                .message
                .contains("50 MB")
        );
    }
}
