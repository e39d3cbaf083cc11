//! The `deckhand` binary, run as a scientist's script would run it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Cli {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Cli {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cli.sqlite3");
        crate::support::lab_database(&db);
        Cli { _dir: dir, db }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_deckhand"))
            .arg("--db")
            .arg(&self.db)
            .args(["--actor", "cli-test"])
            .args(args)
            .env_remove("DECKHAND_DB")
            .output()
            .expect("the CLI runs")
    }

    /// Runs and expects success; returns stdout parsed as JSON.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn add_list_show_edit_archive_delete() {
    let cli = Cli::new();
    let created = cli.json(&[
        "schedules",
        "add",
        "--name",
        "Nightly prep",
        "--method",
        r"C:\Methods\Prep.med",
        "--daily",
        "--start",
        "2030-01-01T08:00:00Z",
        "--expected-minutes",
        "45",
    ]);
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["recurrence"]["kind"], "daily");
    assert_eq!(created["expectedDurationMinutes"], 45);

    let list = cli.json(&["schedules", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let shown = cli.json(&["schedules", "show", &id[..8]]);
    assert_eq!(shown["name"], "Nightly prep", "found by id prefix");

    let edited = cli.json(&[
        "schedules",
        "edit",
        &id,
        "--name",
        "Morning prep",
        "--weekdays",
        "mon,fri",
        "--at",
        "07:30",
    ]);
    assert_eq!(edited["name"], "Morning prep");
    assert_eq!(
        edited["recurrence"],
        serde_json::json!({"kind": "weekdays", "days": ["mon", "fri"], "time": "07:30"})
    );

    cli.json(&["schedules", "archive", &id]);
    assert!(
        cli.json(&["schedules", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        cli.json(&["schedules", "list", "--archived"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    cli.json(&["schedules", "unarchive", &id]);

    let refused = cli.run(&["schedules", "delete", &id]);
    assert_eq!(refused.status.code(), Some(2), "delete asks for --yes");
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
    let deleted = cli.json(&["schedules", "delete", &id, "--yes"]);
    assert_eq!(deleted["runsKeptInHistory"], 0);
    assert!(
        cli.json(&["schedules", "list", "--all"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    let audit = cli.json(&["audit"]);
    assert_eq!(audit[0]["action"], "schedule_deleted");
    assert_eq!(audit[0]["actor"], "cli-test");
}

#[test]
fn bad_input_exits_2_with_a_message_and_writes_nothing() {
    let cli = Cli::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "schedules",
                "add",
                "--name",
                "",
                "--method",
                "a.med",
                "--hourly",
            ],
            "The name is empty",
        ),
        (
            &[
                "schedules",
                "add",
                "--name",
                "x",
                "--method",
                "a.txt",
                "--hourly",
            ],
            ".med or .hsl",
        ),
        (
            &["schedules", "add", "--name", "x", "--method", "a.med"],
            "say when it runs",
        ),
        (
            &[
                "schedules",
                "add",
                "--name",
                "x",
                "--method",
                "a.med",
                "--every",
                "NaN",
            ],
            "positive number of hours",
        ),
        (
            &[
                "schedules",
                "add",
                "--name",
                "x",
                "--method",
                "a.med",
                "--once",
                "tomorrow",
            ],
            "not a date and time",
        ),
        (
            &[
                "schedules",
                "add",
                "--name",
                "x",
                "--method",
                "a.med",
                "--weekdays",
                "mon,funday",
                "--at",
                "08:00",
            ],
            "not a weekday",
        ),
        (
            &[
                "schedules",
                "add",
                "--name",
                "x",
                "--method",
                "a.med",
                "--weekdays",
                "mon",
                "--at",
                "25:00",
            ],
            "not a time of day",
        ),
        (
            &["contacts", "add", "--name", "Ann", "--email", "ann@"],
            "not a valid email address",
        ),
        (
            &["settings", "set", "max_concurrent_runs", "0"],
            "from 1 to 32",
        ),
        (
            &["settings", "set", "no_such_setting", "1"],
            "not a setting",
        ),
        (
            &["settings", "set", "log_level", "verbose"],
            "'verbose' is not a log level: say error, warn, info, debug or trace",
        ),
        (&["settings", "set", "backup_keep", "0"], "from 1 to 365"),
        (&["history", "--status", "exploded"], "not a run status"),
    ];
    for (args, expected) in cases {
        let out = cli.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?} should say {expected:?}, said {}",
            stderr(&out)
        );
    }
    assert!(
        cli.json(&["schedules", "list", "--all"])
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing written"
    );
    assert!(
        cli.json(&["audit"]).as_array().unwrap().is_empty(),
        "nothing audited"
    );
}

#[test]
fn errors_are_json_for_scripts_and_not_found_exits_3() {
    let cli = Cli::new();
    let out = cli.run(&[
        "--json",
        "schedules",
        "show",
        "00000000-0000-0000-0000-000000000000",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let error: Value = serde_json::from_slice(&out.stderr).expect("a JSON error on stderr");
    assert_eq!(error["code"], "not_found");
}

#[test]
fn a_stale_edit_exits_4_with_the_current_version() {
    let cli = Cli::new();
    let created = cli.json(&[
        "schedules",
        "add",
        "--name",
        "Prep",
        "--method",
        "a.med",
        "--hourly",
    ]);
    let id = created["id"].as_str().unwrap();
    let token = created["updatedAt"].as_str().unwrap();
    cli.json(&["schedules", "edit", id, "--name", "Prep 2"]);
    let out = cli.run(&[
        "--json",
        "schedules",
        "edit",
        id,
        "--name",
        "Prep 3",
        "--expected-updated-at",
        token,
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let error: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(error["code"], "conflict");
    assert_eq!(
        error["current"]["name"], "Prep 2",
        "the conflict shows the current record"
    );
}

#[test]
fn history_csv_to_a_file() {
    let cli = Cli::new();
    let out_path = cli.db.with_file_name("history.csv");
    let out = cli.run(&["history", "--csv", "--output", out_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        text.starts_with("run_id,schedule_id,schedule_name"),
        "{text}"
    );
    let bad = cli.run(&[
        "history",
        "--csv",
        "--output",
        Path::new("/no/such/folder/h.csv").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("Could not write"), "{}", stderr(&bad));
}

#[test]
fn the_database_path_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.sqlite3");
    let out = Command::new(env!("CARGO_BIN_EXE_deckhand"))
        .args(["--json", "info"])
        .env("DECKHAND_DB", &db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["database"], db.to_str().unwrap());
    assert_eq!(info["integrity"][0], "ok");
    assert!(db.exists());
}

#[test]
fn preview_lists_the_next_runs() {
    let cli = Cli::new();
    let created = cli.json(&[
        "schedules",
        "add",
        "--name",
        "Prep",
        "--method",
        "a.med",
        "--every",
        "6",
        "--start",
        "2030-01-01T00:00:00Z",
    ]);
    let id = created["id"].as_str().unwrap();
    let slots = cli.json(&["schedule", "preview", id, "--count", "3"]);
    assert_eq!(
        slots,
        serde_json::json!([
            "2030-01-01T00:00:00Z",
            "2030-01-01T06:00:00Z",
            "2030-01-01T12:00:00Z"
        ])
    );
    let out = cli.run(&["schedule", "preview", id, "--count", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `deckhand run` holds its database: a second one is refused and says who holds it; after
/// the holder is killed outright (SIGKILL; TerminateProcess on Windows), the next start works.
#[test]
fn one_engine_per_database_even_after_a_crash() {
    use std::time::Duration;

    use crate::support::wait::wait_for;
    let cli = Cli::new();
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_deckhand"))
            .arg("--db")
            .arg(&cli.db)
            .args(["run", "--log-level", "warn"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let lock = EngineLockPath(cli.db.with_file_name("cli.sqlite3.engine-lock"));
    let mut first = start();
    wait_for(
        "the first engine to take the lock",
        Duration::from_secs(10),
        || lock.held_by(first.id()),
    );
    let second = cli.run(&["run"]);
    assert_eq!(second.status.code(), Some(2));
    assert!(
        stderr(&second).contains(&format!("process {}", first.id())),
        "{}",
        stderr(&second)
    );

    first.kill().unwrap(); // SIGKILL: no clean-up at all
    first.wait().unwrap();
    let mut third = start();
    wait_for(
        "the next engine to take the lock a crashed one left",
        Duration::from_secs(10),
        || lock.held_by(third.id()),
    );
    third.kill().unwrap();
    third.wait().unwrap();
}

struct EngineLockPath(PathBuf);

impl EngineLockPath {
    fn held_by(&self, pid: u32) -> bool {
        std::fs::read_to_string(&self.0).is_ok_and(|text| text.trim() == format!("process {pid}"))
    }
}

#[test]
fn trace_explains_a_verdict_for_scripts_and_people() {
    let cli = Cli::new();
    let file =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/traces/step_error.trc");
    let verdict = cli.json(&["trace", file.to_str().unwrap()]);
    assert_eq!(verdict["outcome"], "error");
    assert_eq!(verdict["lineNumber"], 10);
    assert!(
        verdict["decidingLine"]
            .as_str()
            .unwrap()
            .contains("Aspirate - error")
    );
    let human = cli.run(&["trace", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("a step reported an error"));
    assert_eq!(
        cli.run(&["trace", "/no/such/file_Trace.trc"]).status.code(),
        Some(3)
    );
}

#[test]
fn aborting_without_a_scheduler_says_why_nothing_can_happen() {
    let cli = Cli::new();
    let out = cli.run(&["runs", "abort", "0123456789"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no running or stuck run"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_scheduler_is_paused_and_resumed_from_the_command_line_and_it_is_remembered() {
    let cli = Cli::new();
    assert_eq!(cli.json(&["scheduler", "status"])["paused"], false);
    let out = cli.run(&["scheduler", "pause"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        said.starts_with("The scheduler is paused (paused by cli-test on "),
        "{said}"
    );
    let again = cli.run(&["scheduler", "pause"]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("already paused"),
        "pausing twice says so and changes nothing"
    );

    let state = cli.json(&["scheduler", "status"]);
    assert_eq!(state["paused"], true, "kept in the database: {state}");
    assert_eq!(state["changedBy"], "cli-test");
    let audit = cli.json(&["audit"]);
    let paused: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "engine_paused")
        .collect();
    assert_eq!(paused.len(), 1, "audited once: {audit}");

    assert!(cli.run(&["scheduler", "resume"]).status.success());
    assert_eq!(cli.json(&["scheduler", "status"])["paused"], false);
}

/// `deckhand destinations`: bad input in every option exits 2 with a message and adds or
/// changes nothing; a URL is read from standard input, never taken as an argument.
#[test]
fn destinations_refuse_bad_input_and_change_nothing() {
    use std::io::Write as _;
    let cli = Cli::new();
    let with_stdin = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_deckhand"))
            .arg("--db")
            .arg(&cli.db)
            .args(["--actor", "cli-test"])
            .args(args)
            .env_remove("DECKHAND_DB")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    for (args, says) in [
        (
            &["destinations", "add", "--name", "Lab", "--kind", "telegram"][..],
            "not a kind of destination",
        ),
        (
            &["destinations", "add", "--name", " ", "--kind", "slack"],
            "The name is empty",
        ),
        (
            &[
                "destinations",
                "add",
                "--name",
                "Lab",
                "--kind",
                "slack",
                "--events",
                "run_exploded",
            ],
            "not an event",
        ),
        (
            &[
                "destinations",
                "add",
                "--name",
                "Lab",
                "--kind",
                "slack",
                "--events",
                "",
            ],
            "not an event",
        ),
        (
            &["destinations", "edit", "zz", "--name", "Lab"],
            "not a destination id",
        ),
        (&["destinations", "test", "0000"], "destination"),
    ] {
        let out = with_stdin(args, "https://hooks.slack.com/services/T/B/SECRET\n");
        let code = out.status.code();
        assert!(
            matches!(code, Some(2) | Some(3)),
            "{args:?}: {code:?} {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("SECRET"));
    }
    assert_eq!(cli.json(&["destinations", "list"]), serde_json::json!([]));
    if std::env::var_os("DECKHAND_TEST_KEYRING").is_none() {
        eprintln!("the URL checks need the session keyring scripts/test.sh provides; skipped");
        return;
    }
    for (url, says) in [
        ("http://hooks.slack.com/services/T/B/SECRET", "https://"),
        (
            "https://bob:SECRET@hooks.slack.com/x",
            "user name or password",
        ),
        ("not-a-url-SECRET", "not a web address"),
        (
            "https://hooks.slack.com/x SECRET",
            "paste it again, in one piece",
        ),
        ("", "URL is empty"),
    ] {
        let out = with_stdin(
            &["destinations", "add", "--name", "Lab", "--kind", "slack"],
            &format!("{url}\n"),
        );
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{url}: {}", stderr(&out));
        assert!(!stderr(&out).contains("SECRET"), "{}", stderr(&out));
    }
    assert_eq!(cli.json(&["destinations", "list"]), serde_json::json!([]));
    let added = with_stdin(
        &[
            "--json",
            "destinations",
            "add",
            "--name",
            "Lab",
            "--kind",
            "slack",
        ],
        "https://hooks.slack.com/services/T/B/KEPT\n",
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let id = serde_json::from_slice::<Value>(&added.stdout).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bad = with_stdin(
        &[
            "destinations",
            "edit",
            &id,
            "--name",
            "Renamed",
            "--new-url",
        ],
        "http://elsewhere.example/hook\n",
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    let listed = cli.json(&["destinations", "list"]);
    assert_eq!(listed[0]["name"], "Lab", "nothing changed: {listed}");
    assert_eq!(listed[0]["host"], "hooks.slack.com");
    let removed = cli.run(&["destinations", "remove", &id]);
    assert!(removed.status.success(), "{}", stderr(&removed));
}
