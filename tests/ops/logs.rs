//! Log files: old rotated files are removed by age, and `DECKHAND_LOG` sets the level.

use std::time::{Duration, SystemTime};

use super::{populated, stderr};

#[test]
fn rotated_log_files_older_than_30_days_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path();
    let old = SystemTime::now() - Duration::from_secs(40 * 24 * 3600);
    let recent = SystemTime::now() - Duration::from_secs(3 * 24 * 3600);
    for (name, modified) in [
        ("deckhand_r2026-09-01_10-00-00.log", old),
        ("deckhand_r2026-11-24_10-00-00.log", recent),
        ("deckhand_rCURRENT.log", old),
        ("notes.txt", old),
    ] {
        let file = std::fs::File::create(logs.join(name)).unwrap();
        file.set_modified(modified).unwrap();
    }
    let removed = deckhand::logging::remove_old_logs(logs, deckhand::logging::MAX_LOG_AGE);
    assert_eq!(removed, 1);
    let mut left: Vec<String> = std::fs::read_dir(logs)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "deckhand_r2026-11-24_10-00-00.log",
            "deckhand_rCURRENT.log",
            "notes.txt"
        ]
    );
}

#[test]
fn the_log_level_comes_from_deckhand_log_unless_given() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    // An unknown level is refused before anything starts, which shows where it was read.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_deckhand"))
        .arg("--db")
        .arg(&db)
        .arg("run")
        .env("DECKHAND_LOG", "deckhand=chatty")
        .env_remove("DECKHAND_DB")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("'deckhand=chatty' is not a log level"),
        "{}",
        stderr(&out)
    );
    // --log-level wins over the environment.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_deckhand"))
        .arg("--db")
        .arg(&db)
        .args(["run", "--log-level", "deckhand=loud"])
        .env("DECKHAND_LOG", "info")
        .env_remove("DECKHAND_DB")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'deckhand=loud' is not a log level"),
        "{}",
        stderr(&out)
    );
}
