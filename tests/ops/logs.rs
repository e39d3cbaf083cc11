//! Log files: old rotated files are removed by age; `--log-level`, else `DECKHAND_LOG`, else the
//! log level setting sets the level, and a running scheduler follows the setting.

use std::time::{Duration, SystemTime};

use super::{json, populated, stderr};

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

/// Runs `deckhand run` until it says it is running, stops it, and returns its log file's text.
fn run_and_read_log(db: &std::path::Path, flag: Option<&str>, env: Option<&str>) -> String {
    use std::io::BufRead;
    let logs = db.parent().unwrap().join("logs");
    let _ = std::fs::remove_dir_all(&logs);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_deckhand"));
    command
        .arg("--db")
        .arg(db)
        .arg("run")
        .env_remove("DECKHAND_DB");
    if let Some(level) = flag {
        command.args(["--log-level", level]);
    }
    match env {
        Some(level) => command.env("DECKHAND_LOG", level),
        None => command.env_remove("DECKHAND_LOG"),
    };
    let mut child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read to the end (a closed pipe would make its last words fail), saying when it runs.
    let stderr = child.stderr.take().unwrap();
    let (running, is_running) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut said = String::new();
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if line.starts_with("Deckhand is running") {
                let _ = running.send(());
            }
            said.push_str(&line);
            said.push('\n');
        }
        said
    });
    let limit = crate::support::wait::Timer::start(std::time::Duration::from_secs(60));
    let running = is_running.recv_timeout(std::time::Duration::from_secs(60));
    limit.end(running.is_ok());
    crate::support::cli::stop(&mut child);
    // It may not listen for SIGTERM yet (it says it runs just before); how it ends does not
    // matter here, only what it logged by then.
    let _ = child.wait().unwrap();
    let said = reader.join().unwrap();
    assert!(said.contains("Deckhand is running"), "it started: {said}");
    std::fs::read_dir(&logs)
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect()
}

#[test]
fn deckhand_run_logs_at_the_log_level_setting_unless_the_flag_or_the_environment_says() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    const STARTED: &str = "Deckhand engine on";
    let log = run_and_read_log(&db, None, None);
    assert!(log.contains(STARTED), "info by default: {log}");

    json(&db, &["settings", "set", "log_level", "error"]);
    let log = run_and_read_log(&db, None, None);
    assert!(
        !log.contains(STARTED),
        "the setting (error) leaves info lines out: {log}"
    );
    let log = run_and_read_log(&db, Some("info"), None);
    assert!(
        log.contains(STARTED),
        "--log-level wins over the setting: {log}"
    );
    let log = run_and_read_log(&db, None, Some("info"));
    assert!(
        log.contains(STARTED),
        "DECKHAND_LOG wins over the setting: {log}"
    );
}

/// Everything in the log folder beside `db`.
fn log_text(db: &std::path::Path) -> String {
    std::fs::read_dir(db.parent().unwrap().join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect()
}

#[test]
fn a_running_scheduler_follows_the_log_level_set_by_another_program_unless_the_flag_fixed_it() {
    use crate::support::cli::{engine, ok};
    use crate::support::wait::wait_for_explained;
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let within = Duration::from_secs(20);
    let the_log = || log_text(&db);

    let running = engine(&db, None);
    wait_for_explained(
        "the scheduler to start",
        within,
        || the_log().contains("Deckhand engine on"),
        the_log,
    );
    assert!(
        !the_log().contains(" DEBUG "),
        "info at first: {}",
        the_log()
    );
    ok(&db, &["settings", "set", "log_level", "debug"]);
    wait_for_explained(
        "the scheduler to follow the new level",
        within,
        || {
            let log = the_log();
            log.contains("the log level setting changed to debug")
                && log.contains("DEBUG [deckhand::logging] ")
        },
        the_log,
    );
    running.stop();

    // With --log-level, the flag holds for this run; the change is noted, not followed.
    let pinned = engine(&db, Some("info"));
    wait_for_explained(
        "the scheduler to start again",
        within,
        || the_log().matches("Deckhand engine on").count() == 2,
        the_log,
    );
    ok(&db, &["settings", "set", "log_level", "error"]);
    wait_for_explained(
        "the change to be noted",
        within,
        || {
            the_log().contains("the log level setting changed to error; --log-level info keeps this run of Deckhand at its level")
        },
        the_log,
    );
    pinned.stop();
}
