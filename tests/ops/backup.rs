//! Backups and restore: an online copy that includes what is still in the WAL, retention that
//! only touches Deckhand's own backups, the daily backup of a running scheduler, and a restore
//! that refuses anything unsafe and changes nothing when it does.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{FixedOffset, TimeZone};
use deckhand::backup;
use deckhand::clock::SystemClock;
use deckhand::engine::EngineLock;
use deckhand::store::{Store, migration_count};

use super::{deckhand, json, populated, snapshot, stderr, stdout};

fn count(db: &Path, table: &str) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn backups_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The copy is made with SQLite's backup API through a connection, so changes still in the
/// write-ahead log (not yet in the main file) are in it; it is checked and self-contained.
#[test]
fn a_backup_of_a_database_in_use_has_everything_committed_and_passes_its_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    // A program that keeps its changes in the WAL: the main file alone lacks them.
    let mut store = Store::open(&db, Arc::new(SystemClock)).unwrap();
    store.disable_auto_checkpoint().unwrap();
    for i in 0..20 {
        store
            .create_contact(
                &deckhand::model::ContactDraft {
                    name: format!("Person {i}"),
                    email: format!("p{i}@lab.example.org"),
                    enabled: true,
                    events: vec![],
                },
                "ops-test",
            )
            .unwrap();
    }
    assert!(side(&db, "-wal").exists(), "the changes sit in the WAL");

    let report = json(&db, &["backup"]);
    let path = PathBuf::from(report["path"].as_str().unwrap());
    assert_eq!(path.parent().unwrap(), dir.path().join("backups"));
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("deckhand-20") && name.ends_with(".sqlite3") && name.len() == 32,
        "named with the local date and time: {name}"
    );
    assert_eq!(report["schemaVersion"], migration_count());
    assert_eq!(
        count(&path, "notification_contacts"),
        21,
        "WAL content included"
    );
    assert_eq!(count(&path, "schedules"), 1);
    let copy = rusqlite::Connection::open(&path).unwrap();
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mode: String = copy
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "one self-contained file");
    drop(copy);
    assert!(!side(&path, "-wal").exists());
    assert!(
        backups_in(&dir.path().join("backups"))
            .iter()
            .all(|n| !n.contains("partial")),
        "no temporary file is left"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by the user only, like the database");
    }
    // The program that was writing is not disturbed.
    store
        .create_schedule(&crate::support::daily("After the backup"), "ops-test")
        .unwrap();
}

#[test]
fn retention_keeps_the_newest_backups_and_never_touches_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    for other in [
        "deckhand-before-restore-2020-01-01-0000.sqlite3",
        "notes.txt",
        "deckhand.sqlite3",
        "my-copy.sqlite3",
    ] {
        std::fs::write(folder.join(other), "keep me").unwrap();
    }
    let zone = FixedOffset::east_opt(3600).unwrap();
    let mut made = Vec::new();
    for day in 1..=5 {
        let at = zone.with_ymd_and_hms(2026, 11, day, 23, 0, 0).unwrap();
        let report = backup::backup_at(&db, &folder, 3, at).unwrap();
        made.push(
            report
                .path
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    // Two in the same minute get different names.
    let at = zone.with_ymd_and_hms(2026, 11, 5, 23, 0, 30).unwrap();
    let same_minute = backup::backup_at(&db, &folder, 3, at).unwrap();
    assert!(
        same_minute
            .path
            .ends_with("deckhand-2026-11-05-2300-2.sqlite3")
    );
    assert_eq!(
        same_minute.removed,
        vec![folder.join("deckhand-2026-11-03-2300.sqlite3")],
        "the oldest is removed once there are more than 3"
    );
    assert_eq!(
        backups_in(&folder),
        [
            "deckhand-2026-11-04-2300.sqlite3",
            "deckhand-2026-11-05-2300-2.sqlite3",
            "deckhand-2026-11-05-2300.sqlite3",
            "deckhand-before-restore-2020-01-01-0000.sqlite3",
            "deckhand.sqlite3",
            "my-copy.sqlite3",
            "notes.txt",
        ]
    );
    let listed = backup::list(&folder).unwrap();
    assert_eq!(
        listed[0].name, "deckhand-2026-11-05-2300-2.sqlite3",
        "newest first"
    );
    assert!(listed.last().unwrap().before_restore);
}

#[test]
fn the_daily_backup_is_due_once_per_local_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let folder = dir.path().join("backups");
    let zone = FixedOffset::east_opt(-5 * 3600).unwrap();
    let evening = zone.with_ymd_and_hms(2026, 11, 27, 23, 0, 0).unwrap();
    assert!(backup::daily_due(&folder, evening), "no folder yet");
    backup::backup_at(&db, &folder, 14, evening).unwrap();
    assert!(!backup::daily_due(&folder, evening));
    let later = zone.with_ymd_and_hms(2026, 11, 27, 23, 59, 0).unwrap();
    assert!(!backup::daily_due(&folder, later), "same local day");
    let next_day = zone.with_ymd_and_hms(2026, 11, 28, 0, 1, 0).unwrap();
    assert!(backup::daily_due(&folder, next_day), "a new local day");
}

#[test]
fn deckhand_backup_keeps_as_many_as_the_setting_says_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    json(&db, &["settings", "set", "backup_keep", "2"]);
    let folder = dir.path().join("backups");
    let mut made = Vec::new();
    for _ in 0..3 {
        let report = json(&db, &["backup"]);
        made.push(report["path"].as_str().unwrap().to_owned());
    }
    let left: Vec<String> = backup::list(&folder)
        .unwrap()
        .into_iter()
        .map(|b| b.path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "backup_keep = 2: {left:?}");
    assert!(
        !left.contains(&made[0]),
        "the oldest went: {made:?} {left:?}"
    );
    // --keep wins over the setting.
    let report = json(&db, &["backup", "--keep", "5"]);
    assert_eq!(report["removed"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(backup::list(&folder).unwrap().len(), 3);
}

#[test]
fn bad_backup_requests_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.sqlite3");
    let out = deckhand(&missing, &["backup"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("There is no Deckhand database"));
    assert!(!missing.exists(), "no database is created by a backup");
    assert!(!dir.path().join("backups").exists());

    let db = populated(dir.path());
    let out = deckhand(&db, &["backup", "--keep", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Keep at least 1"));
    assert!(!dir.path().join("backups").exists());

    let existing = dir.path().join("existing.sqlite3");
    std::fs::write(&existing, "precious").unwrap();
    let out = deckhand(&db, &["backup", "--to", existing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("never overwrites"));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");

    let out = deckhand(
        &db,
        &[
            "backup",
            "--to",
            dir.path().join("no/such/x.sqlite3").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    // A named file is written, and listed by path when in a folder.
    let named = dir.path().join("before-upgrade.sqlite3");
    let report = json(&db, &["backup", "--to", named.to_str().unwrap()]);
    assert_eq!(report["path"], named.to_str().unwrap());
    assert_eq!(count(&named, "schedules"), 1);
    let list = json(&db, &["backup", "--list"]);
    assert_eq!(
        list.as_array().unwrap().len(),
        0,
        "--to FILE is not in backups/"
    );
}

#[test]
fn restore_brings_the_backup_back_and_keeps_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let report = json(&db, &["backup"]);
    let file = report["path"].as_str().unwrap().to_owned();
    json(
        &db,
        &[
            "contacts",
            "add",
            "--name",
            "Bo Chan",
            "--email",
            "bo@lab.example.org",
        ],
    );
    assert_eq!(count(&db, "notification_contacts"), 2);

    let out = deckhand(&db, &["restore", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("is kept as"), "{}", stdout(&out));
    assert_eq!(count(&db, "notification_contacts"), 1, "as in the backup");
    let info = json(&db, &["info"]);
    assert_eq!(info["integrity"][0], "ok");
    assert_eq!(info["schemaVersion"], migration_count());

    let kept: Vec<_> = backup::list(&dir.path().join("backups"))
        .unwrap()
        .into_iter()
        .filter(|b| b.before_restore)
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        count(&kept[0].path, "notification_contacts"),
        2,
        "the database as it was before the restore"
    );
    // Deckhand goes on working on the restored file.
    json(
        &db,
        &[
            "contacts",
            "add",
            "--name",
            "Cy Dee",
            "--email",
            "cy@lab.example.org",
        ],
    );
    assert_eq!(count(&db, "notification_contacts"), 2);
}

#[test]
fn restore_refuses_while_a_scheduler_runs_or_another_program_has_the_database_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let file = json(&db, &["backup"])["path"].as_str().unwrap().to_owned();
    json(
        &db,
        &[
            "contacts",
            "add",
            "--name",
            "Bo Chan",
            "--email",
            "bo@lab.example.org",
        ],
    );
    let before = snapshot(&db);

    let lock = EngineLock::acquire(&db).unwrap();
    let out = deckhand(&db, &["restore", &file]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("scheduler is running"),
        "{}",
        stderr(&out)
    );
    drop(lock);
    assert_eq!(snapshot(&db), before);

    let open = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = open
        .query_row("SELECT count(*) FROM schedules", [], |r| r.get(0))
        .unwrap();
    let out = deckhand(&db, &["restore", &file]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has the database open"),
        "{}",
        stderr(&out)
    );
    drop(open);
    assert_eq!(snapshot(&db), before, "nothing changed");
    let restored = deckhand(&db, &["restore", &file]);
    assert!(restored.status.success(), "{}", stderr(&restored));
}

#[test]
fn restore_refuses_files_that_are_not_good_deckhand_databases() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let good = PathBuf::from(json(&db, &["backup"])["path"].as_str().unwrap());
    let before = snapshot(&db);

    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(
        &junk,
        "this is not a database, it is a shopping list\n".repeat(200),
    )
    .unwrap();
    let empty = dir.path().join("empty.sqlite3");
    rusqlite::Connection::open(&empty)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let newer = dir.path().join("newer.sqlite3");
    std::fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let damaged = dir.path().join("damaged.sqlite3");
    let mut bytes = std::fs::read(&good).unwrap();
    for b in &mut bytes[4096 * 2..4096 * 4] {
        *b = 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();

    for (file, says) in [
        (&junk, "is not a Deckhand database"),
        (&empty, "is not a Deckhand database"),
        (&newer, "newer Deckhand"),
        (&damaged, ""),
        (&db, "the database itself"),
        (&dir.path().join("missing.sqlite3"), "no such file"),
    ] {
        let out = deckhand(&db, &["restore", file.to_str().unwrap()]);
        assert!(!out.status.success(), "{} was restored", file.display());
        assert!(
            [2, 3].contains(&out.status.code().unwrap()),
            "{}: {}",
            file.display(),
            stderr(&out)
        );
        assert!(
            stderr(&out).contains(says),
            "{}: {}",
            file.display(),
            stderr(&out)
        );
        assert_eq!(snapshot(&db), before, "{}: nothing changed", file.display());
    }
    assert!(
        backup::list(&dir.path().join("backups"))
            .unwrap()
            .iter()
            .all(|b| !b.before_restore),
        "no copy was needed"
    );
}

/// The scheduler host makes the day's backup on its own (a few seconds after start).
#[test]
fn a_running_scheduler_makes_the_daily_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_deckhand"))
        .arg("--db")
        .arg(&db)
        .arg("run")
        .env_remove("DECKHAND_DB")
        .env("DECKHAND_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let folder = dir.path().join("backups");
    let read_log = || {
        std::fs::read_dir(dir.path().join("logs"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect::<String>()
    };
    let mut made = Vec::new();
    // The backup file can be listed a moment before the line saying so is in the log: both
    // are waited for before the scheduler is stopped.
    crate::support::wait::wait_until(Duration::from_secs(60), || {
        made = backup::list(&folder).unwrap_or_default();
        !made.is_empty() && read_log().contains("daily backup made")
    });
    let asked = crate::support::cli::stop(&mut child);
    let status = child.wait().unwrap();
    assert_eq!(made.len(), 1, "one backup for today");
    assert!(!asked || status.success(), "stopped cleanly: {status:?}");
    let log = read_log();
    assert!(log.contains("daily backup made"), "the log says so: {log}");
}
