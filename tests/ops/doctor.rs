//! `deckhand doctor`: every check, ok on a PC that is set up, and an error with what to do for
//! each thing that is not, with exit code 1.

use std::path::Path;

use serde_json::Value;

use super::{deckhand, json, populated, stderr, stdout};

/// The check called `name`.
fn check<'a>(checks: &'a Value, name: &str) -> &'a Value {
    checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("a '{name}' check in {checks:#}"))
}

fn doctor(db: &Path) -> (Option<i32>, Value) {
    let out = deckhand(db, &["--json", "doctor"]);
    let checks = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}", stdout(&out)));
    (out.status.code(), checks)
}

/// A PC with VENUS (a stand-in HxRun), methods, a log folder, a reachable mail server.
struct Lab {
    dir: tempfile::TempDir,
    db: std::path::PathBuf,
    _smtp: Option<std::net::TcpListener>,
}

fn lab() -> Lab {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let venus = dir.path().join("HAMILTON");
    let methods = venus.join("Methods");
    std::fs::create_dir_all(methods.join("Plates")).unwrap();
    std::fs::create_dir_all(venus.join("LogFiles")).unwrap();
    std::fs::create_dir_all(venus.join("Bin")).unwrap();
    std::fs::write(venus.join("Bin/HxRun.exe"), "MZ").unwrap();
    std::fs::write(methods.join("Prep.med"), "").unwrap();
    std::fs::write(methods.join("Plates/Wash.MED"), "").unwrap();
    std::fs::write(methods.join("Lib.hsl"), "").unwrap();
    std::fs::write(methods.join("readme.txt"), "").unwrap();
    for (key, value) in [
        ("hxrun_path", venus.join("Bin/HxRun.exe")),
        ("methods_folder", methods.clone()),
        ("log_folder", venus.join("LogFiles")),
    ] {
        json(&db, &["settings", "set", key, value.to_str().unwrap()]);
    }
    let smtp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    crate::support::cli::loopback_mail_server(&db, smtp.local_addr().unwrap().port());
    json(&db, &["backup"]);
    Lab {
        dir,
        db,
        _smtp: Some(smtp),
    }
}

#[test]
fn a_pc_that_is_set_up_passes_every_check() {
    let lab = lab();
    let (code, checks) = doctor(&lab.db);
    let names: Vec<&str> = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Database",
            "HxRun",
            "Methods folder",
            "VENUS log folder",
            "Keyring",
            "Mail server",
            "Disk space",
            "Backups"
        ]
    );
    for c in checks.as_array().unwrap() {
        if c["name"] == "Keyring" || c["name"] == "Disk space" {
            // These depend on the machine the tests run on.
            assert_ne!(c["level"], "error", "{c:#}");
            continue;
        }
        assert_eq!(c["level"], "ok", "{c:#}");
    }
    assert_eq!(code, Some(0));
    assert!(
        check(&checks, "Methods folder")["message"]
            .as_str()
            .unwrap()
            .contains("3 method files"),
        ".med and .hsl, in subfolders too, any case: {checks:#}"
    );
    assert!(
        check(&checks, "Database")["message"]
            .as_str()
            .unwrap()
            .contains(&format!(
                "schema version {}",
                deckhand::store::migration_count()
            ))
    );
    let log_folder = lab.dir.path().join("HAMILTON/LogFiles");
    assert_eq!(
        std::fs::read_dir(log_folder).unwrap().count(),
        0,
        "the write test leaves nothing behind"
    );

    let human = deckhand(&lab.db, &["doctor"]);
    assert!(human.status.success(), "{}", stderr(&human));
    assert!(
        stdout(&human)
            .lines()
            .any(|l| l.starts_with("ok       HxRun"))
    );
}

#[test]
fn each_problem_is_an_error_or_warning_that_says_what_to_do() {
    let mut lab = lab();
    let venus = lab.dir.path().join("HAMILTON");
    std::fs::remove_file(venus.join("Bin/HxRun.exe")).unwrap();
    std::fs::remove_dir_all(venus.join("Methods")).unwrap();
    std::fs::remove_dir_all(venus.join("LogFiles")).unwrap();
    lab._smtp = None; // the mail server goes away: connection refused
    // The only backup is a week old.
    let backups = lab.dir.path().join("backups");
    for entry in std::fs::read_dir(&backups).unwrap().flatten() {
        std::fs::remove_file(entry.path()).unwrap();
    }
    let old = chrono::Local::now() - chrono::Duration::days(7);
    std::fs::write(
        backups.join(format!("deckhand-{}.sqlite3", old.format("%Y-%m-%d-%H%M"))),
        "",
    )
    .unwrap();

    let (code, checks) = doctor(&lab.db);
    assert_eq!(code, Some(1), "an error means exit code 1");
    for (name, level, says) in [
        ("HxRun", "error", "was not found"),
        ("Methods folder", "error", "does not exist"),
        ("VENUS log folder", "error", "does not exist"),
        ("Mail server", "error", "cannot be reached"),
        ("Backups", "warning", "7 days old"),
    ] {
        let c = check(&checks, name);
        assert_eq!(c["level"], level, "{c:#}");
        assert!(c["message"].as_str().unwrap().contains(says), "{c:#}");
        assert!(
            c["hint"].as_str().is_some_and(|h| h.len() > 20),
            "says what to do: {c:#}"
        );
    }
    assert_eq!(check(&checks, "Database")["level"], "ok");

    let human = deckhand(&lab.db, &["doctor"]);
    assert_eq!(human.status.code(), Some(1));
    assert!(stdout(&human).contains("→ "), "hints are shown");
    assert!(
        stderr(&human).contains("4 checks found a problem"),
        "{}",
        stderr(&human)
    );
}

#[test]
fn a_missing_or_damaged_database_is_an_error_and_doctor_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("deckhand.sqlite3");
    let (code, checks) = doctor(&missing);
    assert_eq!(code, Some(1));
    assert_eq!(check(&checks, "Database")["level"], "error");
    assert_eq!(check(&checks, "Settings")["level"], "error");
    assert!(!missing.exists(), "doctor does not create a database");

    std::fs::write(&missing, "not a database at all".repeat(100)).unwrap();
    let (code, checks) = doctor(&missing);
    assert_eq!(code, Some(1));
    let db = check(&checks, "Database");
    assert_eq!(db["level"], "error");
    assert!(db["hint"].as_str().unwrap().contains("deckhand restore"));
}

#[test]
fn simulation_needs_the_simulator() {
    let dir = tempfile::tempdir().unwrap();
    let db = populated(dir.path());
    let sim = Path::new(env!("CARGO_BIN_EXE_deckhand-sim"));
    json(
        &db,
        &["settings", "set", "hxrun_path", sim.to_str().unwrap()],
    );
    json(&db, &["settings", "set", "simulation", "true"]);
    let (_, checks) = doctor(&db);
    let hxrun = check(&checks, "HxRun");
    assert_eq!(hxrun["level"], "ok", "{hxrun:#}");
    assert!(hxrun["message"].as_str().unwrap().contains("SIMULATION"));

    // The settings refuse this pair; a database edited by hand can still have it.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE settings SET value = '/usr/bin/true' WHERE key = 'hxrun_path'",
            [],
        )
        .unwrap();
    let (_, checks) = doctor(&db);
    let hxrun = check(&checks, "HxRun");
    assert_eq!(hxrun["level"], "error", "{hxrun:#}");
    assert!(
        hxrun["message"]
            .as_str()
            .unwrap()
            .contains("not the VENUS simulator")
    );
}
