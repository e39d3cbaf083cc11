//! Deckhand's files are readable by their user only (Unix): the database and its `-wal` /
//! `-shm` 0600, its folder 0700, the log folder 0700 and the log files 0600, the CSV export
//! 0600 — when Deckhand creates them, and when they exist already with looser modes (then
//! they are tightened, and the log says so).

#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use deckhand::clock::SystemClock;
use deckhand::store::Store;

use super::{deckhand, engine, files_under, with_suffix};
use crate::support::wait::wait_for;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .mode()
        & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn assert_mode(path: &Path, expected: u32) {
    assert_eq!(
        mode(path),
        expected,
        "{} is {:04o}, not {expected:04o}",
        path.display(),
        mode(path)
    );
}

/// This test process keeps the usual umask (022): without Deckhand's care, what it creates
/// would be readable by everybody.
fn assert_loose_umask() {
    let probe = tempfile::tempdir().unwrap();
    let file = probe.path().join("probe");
    std::fs::write(&file, "").unwrap();
    assert_ne!(
        mode(&file) & 0o044,
        0,
        "the test needs a umask that lets others read new files"
    );
}

#[test]
fn a_new_database_its_folders_and_its_wal_are_private() {
    assert_loose_umask();
    let dir = tempfile::tempdir().unwrap();
    let db = dir
        .path()
        .join("new")
        .join("deeper")
        .join("deckhand.sqlite3");
    let mut store = Store::open(&db, Arc::new(SystemClock)).unwrap();
    store
        .set_setting(
            deckhand::model::SettingKey::MaxConcurrentRuns,
            "2",
            "Dr. Test",
        )
        .unwrap();
    // The connection is open after a write: the WAL and shared-memory files exist.
    for file in [
        db.clone(),
        with_suffix(&db, "-wal"),
        with_suffix(&db, "-shm"),
    ] {
        assert_mode(&file, 0o600);
    }
    assert_mode(&dir.path().join("new"), 0o700);
    assert_mode(&dir.path().join("new").join("deeper"), 0o700);
}

#[test]
fn looser_database_files_are_tightened_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let mut first = Store::open(&db, Arc::new(SystemClock)).unwrap();
    first
        .set_setting(
            deckhand::model::SettingKey::MaxConcurrentRuns,
            "2",
            "Dr. Test",
        )
        .unwrap();
    let files = [
        db.clone(),
        with_suffix(&db, "-wal"),
        with_suffix(&db, "-shm"),
    ];
    for file in &files {
        set_mode(file, 0o644);
    }
    set_mode(&with_suffix(&db, "-wal"), 0o666);
    let _second = Store::open(&db, Arc::new(SystemClock)).unwrap();
    for file in &files {
        assert_mode(file, 0o600);
    }
    // A folder the person chose for --db is theirs: Deckhand leaves its mode alone.
    set_mode(dir.path(), 0o755);
    let _third = Store::open(&db, Arc::new(SystemClock)).unwrap();
    assert_mode(dir.path(), 0o755);
}

/// Without --db, the database is in the user data folder (`$XDG_DATA_HOME/deckhand`): created
/// private the first time, tightened when it is looser.
#[test]
fn the_data_folder_is_private_new_or_existing() {
    assert_loose_umask();
    let dir = tempfile::tempdir().unwrap();
    let xdg = dir.path().join("xdg");
    let list = || {
        let out = Command::new(env!("CARGO_BIN_EXE_deckhand"))
            .args(["schedules", "list"])
            .env_remove("DECKHAND_DB")
            .env("XDG_DATA_HOME", &xdg)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let data = xdg.join("deckhand");
    list();
    assert_mode(&data, 0o700);
    assert_mode(&xdg, 0o700);
    assert_mode(&data.join("deckhand.sqlite3"), 0o600);

    set_mode(&data, 0o755);
    set_mode(&data.join("deckhand.sqlite3"), 0o644);
    list();
    assert_mode(&data, 0o700);
    assert_mode(&data.join("deckhand.sqlite3"), 0o600);
}

/// `deckhand run` on a fresh folder: the log folder 0700, the log file 0600, and the files it
/// creates later private too (the engine lock, made after logging started).
#[test]
fn deckhand_run_creates_private_logs() {
    assert_loose_umask();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh").join("deckhand.sqlite3");
    let mut hosted = engine(&db, "info", &dir.path().join("stderr.txt"));
    hosted.wait_until_up(&db);
    let logs = db.parent().unwrap().join("logs");
    wait_for("a log file", Duration::from_secs(10), || {
        !files_under(&logs).is_empty()
    });
    assert_mode(&logs, 0o700);
    for file in files_under(&logs) {
        assert_mode(&file, 0o600);
    }
    assert_mode(&db, 0o600);
    assert_mode(db.parent().unwrap(), 0o700);
    assert_mode(&with_suffix(&db, ".engine-lock"), 0o600);
    hosted.stop();
}

/// `deckhand run` over files left readable by others: it tightens the database and its WAL,
/// the log folder and its log files (not someone else's file in that folder), and logs what
/// it did.
#[test]
fn deckhand_run_tightens_loose_files_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    drop(Store::open(&db, Arc::new(SystemClock)).unwrap());
    set_mode(&db, 0o644);
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    set_mode(&logs, 0o755);
    let old_log = logs.join("deckhand_r2026-01-01_00-00-00.log");
    std::fs::write(&old_log, "an old log line\n").unwrap();
    set_mode(&old_log, 0o644);
    let other = logs.join("README.txt");
    std::fs::write(&other, "not Deckhand's\n").unwrap();
    set_mode(&other, 0o644);

    let mut hosted = engine(&db, "info", &dir.path().join("stderr.txt"));
    hosted.wait_until_up(&db);
    let said = |needle: &str| {
        files_under(&logs).iter().any(|f| {
            std::fs::read_to_string(f)
                .unwrap_or_default()
                .contains(needle)
        })
    };
    wait_for(
        "the log says what was tightened",
        Duration::from_secs(10),
        || {
            said(&format!(
                "{} could be read by other users (mode 0644)",
                db.display()
            )) && said(&format!(
                "{} could be read by other users (mode 0755)",
                logs.display()
            )) && said(&format!(
                "{} could be read by other users (mode 0644)",
                old_log.display()
            ))
        },
    );
    assert_mode(&db, 0o600);
    assert_mode(&logs, 0o700);
    for file in files_under(&logs) {
        if file != other {
            assert_mode(&file, 0o600);
        }
    }
    assert_mode(&other, 0o644);
    hosted.stop();
}

/// The CSV export is private, also when it replaces a file others could read.
#[test]
fn the_csv_export_is_private() {
    assert_loose_umask();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let csv = dir.path().join("history.csv");
    let export = || {
        let out = deckhand(
            &db,
            &["history", "--csv", "--output", csv.to_str().unwrap()],
            "",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    export();
    assert_mode(&csv, 0o600);
    set_mode(&csv, 0o644);
    export();
    assert_mode(&csv, 0o600);
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .starts_with(deckhand::store::CSV_HEADER[0])
    );
}
