//! Deckhand's files are the user's alone on Windows: an access list of the user, SYSTEM and the
//! Administrators, which folders pass on to what is made in them. The database, its folders and
//! its WAL when Deckhand creates them; the database and the log folder and files when they exist
//! open to others (then they are tightened, and the log says so). The Windows counterpart of
//! `modes.rs`.

#![cfg(windows)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use deckhand::clock::SystemClock;
use deckhand::config::private::{open_to_others, set_access_list};
use deckhand::store::Store;

use super::{engine, files_under, with_suffix};
use crate::support::wait::wait_for;
use crate::support::wine_prefix;

fn assert_private(path: &Path) {
    assert!(
        !open_to_others(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        "{} is open to other users",
        path.display()
    );
}

/// Everyone may read and write `path`, as in a folder shared on purpose.
fn open_to_everyone(path: &Path) {
    let inherit = if path.is_dir() { "OICI" } else { "" };
    set_access_list(path, &format!("D:P(A;{inherit};FA;;;WD)")).unwrap();
    assert!(open_to_others(path).unwrap());
}

#[test]
fn a_new_database_its_folders_and_its_wal_are_the_user_s_alone() {
    let dir = tempfile::tempdir().unwrap();
    // The folder above is open to everyone: nothing Deckhand makes in it may inherit that.
    open_to_everyone(dir.path());
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
    for path in [
        dir.path().join("new"),
        dir.path().join("new").join("deeper"),
        db.clone(),
    ] {
        assert_private(&path);
    }
    // SQLite makes these in the private folder, which passes its list on; Wine keeps no lists
    // to pass on (only Unix modes), so there they are as SQLite made them.
    if wine_prefix().is_none() {
        assert_private(&with_suffix(&db, "-wal"));
        assert_private(&with_suffix(&db, "-shm"));
    }
}

/// `deckhand run` over a database and logs left open to others: it tightens the database, the
/// log folder and its log files (not someone else's file in that folder), and logs what it did.
#[test]
fn deckhand_run_tightens_files_open_to_others_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    drop(Store::open(&db, Arc::new(SystemClock)).unwrap());
    open_to_everyone(&db);
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    open_to_everyone(&logs);
    let old_log = logs.join("deckhand_r2026-01-01_00-00-00.log");
    std::fs::write(&old_log, "an old log line\n").unwrap();
    open_to_everyone(&old_log);
    let other = logs.join("README.txt");
    std::fs::write(&other, "not Deckhand's\n").unwrap();
    open_to_everyone(&other);

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
            said(&format!("{} could be read by other users", db.display()))
                && said(&format!("{} could be read by other users", logs.display()))
        },
    );
    assert_private(&db);
    assert_private(&logs);
    assert_private(&old_log);
    // The log file of this start is made in the tightened folder, which passes its list on
    // (not under Wine, which keeps no lists to pass on).
    if wine_prefix().is_none() {
        for file in files_under(&logs) {
            if file != other {
                assert_private(&file);
            }
        }
    }
    assert!(
        open_to_others(&other).unwrap(),
        "a file that is not Deckhand's is left as it was"
    );
    hosted.stop();
}
