//! The `deckhand` binary, run as a real child process with hostile arguments: each one exits
//! with code 2, says in words what is wrong, never panics, and leaves the database as it was.
//! One process per case, so the cases are a fixed table rather than a property test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::hostile::{bad_emails, is_bidi_control, snapshot};

struct Cli {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Cli {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hostile.sqlite3");
        crate::support::lab_database(&db);
        Cli { _dir: dir, db }
    }

    fn run<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_deckhand"));
        command.arg("--db").arg(&self.db);
        if !args.iter().any(|a| a.as_ref() == "--actor") {
            command.args(["--actor", "hostile-test"]);
        }
        command.args(args).env_remove("DECKHAND_DB");
        crate::support::output_of(&mut command)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One hostile command line and a phrase its error must contain.
struct Case {
    args: Vec<String>,
    says: &'static str,
}

fn case(args: &[&str], says: &'static str) -> Case {
    Case {
        args: args.iter().map(|a| a.to_string()).collect(),
        says,
    }
}

/// A value far past every limit that still fits on a command line: Windows caps a whole
/// command line at 32,767 characters, Linux one argument at 128 kB.
const HUGE: usize = if cfg!(windows) { 30_000 } else { 100_000 };

fn add(extra: &[&str], says: &'static str) -> Case {
    let mut args = vec!["schedules", "add", "--name", "Prep", "--method", "Prep.med"];
    // Later options of the same name win in the table below, so name them first.
    if extra.iter().any(|a| *a == "--name" || *a == "--method") {
        args.truncate(2);
        if !extra.contains(&"--name") {
            args.extend(["--name", "Prep"]);
        }
        if !extra.contains(&"--method") {
            args.extend(["--method", "Prep.med"]);
        }
    }
    args.extend_from_slice(extra);
    if !extra.iter().any(|a| {
        matches!(
            *a,
            "--once" | "--every" | "--hourly" | "--daily" | "--weekly" | "--weekdays"
        )
    }) {
        args.push("--hourly");
    }
    case(&args, says)
}

fn cases(schedule: &str, contact: &str) -> Vec<Case> {
    let huge = "x".repeat(HUGE);
    let huge_med = format!("{}.med", "a".repeat(HUGE));
    let huge = huge.as_str();
    let mut cases = vec![
        // Names.
        add(&["--name", ""], "The name is empty"),
        add(&["--name", "   "], "The name is empty"),
        add(&["--name", "\u{200B}\u{FEFF}"], "The name is empty"),
        add(&["--name", huge], "at most 120"),
        add(&["--name", "Prep\r\nBcc: x"], "line break"),
        add(&["--name", "\u{1b}[2JPrep"], "control character"),
        add(&["--name", "Prep\u{202E}dem.exe"], "direction"),
        // Method paths.
        add(
            &["--method", r"..\..\Windows\System32\cmd.exe"],
            ".med or .hsl",
        ),
        add(&["--method", "/etc/passwd"], ".med or .hsl"),
        add(&["--method", "../../../../etc/passwd"], ".med or .hsl"),
        add(&["--method", "x.med & calc.exe"], ".med or .hsl"),
        add(&["--method", "$(rm -rf ~)"], ".med or .hsl"),
        add(&["--method", &huge_med], "at most 1024"),
        add(&["--method", "Prep\n.med"], "line break"),
        add(&["--method", "calc\u{202E}dem.exe.med"], "direction"),
        // Numbers.
        add(&["--every", "NaN"], "positive number of hours"),
        add(&["--every", "inf"], "positive number of hours"),
        add(&["--every", "1e400"], "positive number of hours"),
        add(&["--every", "0"], "positive number of hours"),
        add(&["--every", "-1"], "positive number of hours"),
        add(&["--every", "-inf"], "positive number of hours"),
        add(&["--every", "-0.0"], "positive number of hours"),
        add(&["--every", "1e308"], "longer than one year"),
        add(&["--every", "4294967296"], "longer than one year"),
        add(&["--every", "1e-300"], "shorter than one minute"),
        add(&["--every", "six"], "invalid value"),
        add(&["--retry-attempts", "0"], "allow 1 to 20"),
        add(&["--retry-attempts", "4294967296"], "invalid value"),
        add(
            &["--retry-attempts", "-1"],
            "invalid value '-1' for '--retry-attempts",
        ),
        add(
            &["--expected-minutes", "-5"],
            "invalid value '-5' for '--expected-minutes",
        ),
        add(&["--retry-delay", "0"], "out of range"),
        add(&["--grace", "99999"], "longer than one day"),
        add(&["--expected-minutes", "0"], "out of range"),
        add(&["--stuck-minutes", "1441"], "out of range"),
        add(&["--backoff", "\u{1b}[2J"], "not a backoff"),
        // Dates far away, and not dates.
        add(&["--once", "0001-01-01T00:00:00Z"], "out of range"),
        add(&["--once", "1999-12-31 23:59"], "out of range"),
        add(&["--once", "2001-01-01T00:00:00Z"], "in the past"),
        add(&["--once", "9999-12-31T23:59:59Z"], "out of range"),
        add(
            &["--once", "+275760-09-13T00:00:00Z"],
            "not a date and time",
        ),
        add(&["--once", "2026-02-30 08:00"], "not a date and time"),
        add(&["--once", "2026-13-01 08:00"], "not a date and time"),
        add(&["--once", ""], "not a date and time"),
        add(&["--once", huge], "not a date and time"),
        add(&["--once", "tomorrow\u{1b}[2J"], "not a date and time"),
        add(
            &["--daily", "--start", "0001-01-01T00:00:00Z"],
            "out of range",
        ),
        add(
            &["--every", "6", "--start", "9999-12-31T23:59:59Z"],
            "out of range",
        ),
        add(&["--weekdays", "", "--at", "08:00"], "not a weekday"),
        add(
            &["--weekdays", "mon,\u{202E}fri", "--at", "08:00"],
            "not a weekday",
        ),
        add(&["--weekdays", "mon", "--at", "24:00"], "not a time of day"),
        add(&["--weekdays", "mon", "--at", ""], "not a time of day"),
        add(&["--weekdays", "mon", "--at", huge], "not a time of day"),
        // Who is acting.
        case(
            &["--actor", "", "schedules", "archive", schedule],
            "actor) is empty",
        ),
        case(
            &["--actor", huge, "schedules", "archive", schedule],
            "at most 100",
        ),
        case(
            &["--actor", "Ann\u{202E}", "schedules", "archive", schedule],
            "direction",
        ),
        // Edits and lookups of schedules.
        case(&["schedules", "show", ""], "is not a schedule id"),
        case(
            &["schedules", "show", "../../etc/passwd"],
            "is not a schedule id",
        ),
        case(
            &["schedules", "show", "'; DROP TABLE schedules; --"],
            "is not a schedule id",
        ),
        case(
            &["schedules", "edit", schedule, "--name", ""],
            "The name is empty",
        ),
        case(
            &["schedules", "edit", schedule, "--method", "/etc/passwd"],
            ".med or .hsl",
        ),
        case(
            &[
                "schedules",
                "edit",
                schedule,
                "--name",
                "x",
                "--expected-updated-at",
                "yesterday",
            ],
            "not a date and time",
        ),
        case(
            &["schedules", "preview", schedule, "--count", "0"],
            "out of range",
        ),
        case(
            &[
                "schedules",
                "preview",
                schedule,
                "--count",
                "99999999999999999999",
            ],
            "invalid value",
        ),
        case(
            &["schedules", "mark-recovery", schedule, "--note", ""],
            "The note is empty",
        ),
        case(
            &["schedules", "mark-recovery", schedule, "--note", "\u{202E}"],
            "The note is empty",
        ),
        case(
            &["schedules", "mark-recovery", schedule, "--note", huge],
            "at most 2000",
        ),
        case(
            &[
                "schedules",
                "mark-recovery",
                schedule,
                "--note",
                "a\u{1b}[2Jb",
            ],
            "control characters",
        ),
        case(
            &["schedules", "resolve", schedule, "--note", "done"],
            "does not need recovery",
        ),
        case(&["schedules", "delete", schedule], "--yes"),
        // Contacts.
        case(
            &[
                "contacts",
                "add",
                "--name",
                "",
                "--email",
                "bob@example.org",
            ],
            "The name is empty",
        ),
        case(
            &[
                "contacts",
                "add",
                "--name",
                "Bob",
                "--email",
                "bob@example.org",
                "--events",
                "run_failed,\u{1b}[2J",
            ],
            "not an event",
        ),
        case(&["contacts", "edit", "", "--name", "x"], "not a contact id"),
        case(&["contacts", "remove", huge], "not a contact id"),
        case(
            &["contacts", "remove", "../../etc/passwd"],
            "not a contact id",
        ),
        case(
            &[
                "contacts",
                "edit",
                contact,
                "--email",
                "ann@example.org\r\nBcc: eve@example.org",
            ],
            "not a valid email address",
        ),
        // The mail server.
        case(
            &[
                "smtp",
                "set",
                "--host",
                "smtp.example.org\r\nRCPT TO:<eve@example.org>",
                "--port",
                "25",
                "--from",
                "a@example.org",
            ],
            "control character",
        ),
        case(
            &[
                "smtp",
                "set",
                "--host",
                "smtp://smtp.example.org",
                "--port",
                "25",
                "--from",
                "a@example.org",
            ],
            "not a host name",
        ),
        case(
            &[
                "smtp",
                "set",
                "--host",
                "smtp.example.org",
                "--port",
                "0",
                "--from",
                "a@example.org",
            ],
            "Port 0",
        ),
        case(
            &[
                "smtp",
                "set",
                "--host",
                "smtp.example.org",
                "--port",
                "70000",
                "--from",
                "a@example.org",
            ],
            "invalid value",
        ),
        case(
            &[
                "smtp",
                "set",
                "--host",
                "smtp.example.org",
                "--port",
                "25",
                "--from",
                "a@example.org\nBcc: eve@example.org",
            ],
            "not a valid email address",
        ),
        case(
            &[
                "smtp",
                "set",
                "--host",
                "smtp.example.org",
                "--port",
                "25",
                "--from",
                "a@example.org",
                "--user",
                "lab\r\nAUTH x",
            ],
            "control character",
        ),
        case(
            &[
                "smtp",
                "set",
                "--host",
                "smtp.example.org",
                "--port",
                "25",
                "--from",
                "a@example.org",
                "--tls",
                "\u{1b}[2J",
            ],
            "not a TLS mode",
        ),
        // Settings.
        case(
            &["settings", "set", "hxrun_path", ""],
            "HxRun path is empty",
        ),
        case(
            &["settings", "set", "hxrun_path", "  \t "],
            "HxRun path is empty",
        ),
        case(
            &["settings", "set", "hxrun_path", "C:\\Hx\nRun.exe"],
            "line break",
        ),
        case(&["settings", "set", "methods_folder", huge], "at most 1024"),
        case(
            &["settings", "set", "log_folder", "C:\\Logs\u{202E}"],
            "direction",
        ),
        case(
            &["settings", "set", "hxrun_args", "-r -t"],
            "must contain {method}",
        ),
        case(
            &["settings", "set", "max_concurrent_runs", "-1"],
            "is not allowed for",
        ),
        case(
            &["settings", "set", "stuck_threshold_minutes", "-inf"],
            "is not allowed for",
        ),
        case(
            &["settings", "set", "hxrun_args", "{method} \u{1b}[2J"],
            "control character",
        ),
        case(
            &["settings", "set", "robot_process_names", "HxRun.exe,,x"],
            "process name is empty",
        ),
        case(
            &["settings", "set", "simulation", "maybe"],
            "say true or false",
        ),
        case(
            &["settings", "set", "no_such\u{202E}", "1"],
            "not a setting",
        ),
        case(&["settings", "set", huge, "1"], "not a setting"),
        // History, audit, runs.
        case(&["history", "--status", "\u{1b}[2J"], "not a run status"),
        case(&["history", "--from", "yesterday"], "not a date and time"),
        case(&["history", "--to", huge], "not a date and time"),
        case(&["history", "--limit", "0"], "out of range"),
        case(&["history", "--page", "0"], "pages count from 1"),
        case(
            &["history", "--schedule", "../../etc/passwd"],
            "is not a schedule id",
        ),
        case(
            &[
                "history",
                "--from",
                "2030-01-01T00:00:00Z",
                "--to",
                "2020-01-01T00:00:00Z",
            ],
            "after its end",
        ),
        case(&["audit", "--limit", "0"], "out of range"),
        case(&["runs", "abort", "../../x"], "no running or stuck run"),
        case(&["runs", "abort", huge], "no running or stuck run"),
    ];
    for number in crate::support::hostile::bad_numbers() {
        for key in ["max_concurrent_runs", "stuck_threshold_minutes"] {
            cases.push(case(
                &["settings", "set", key, number],
                "is not allowed for",
            ));
        }
    }
    for email in bad_emails() {
        if email.value.contains('\0') {
            continue; // no program can be given a NUL in an argument
        }
        cases.push(Case {
            args: ["contacts", "add", "--name", "Bob", "--email", &email.value]
                .map(str::to_owned)
                .to_vec(),
            says: if email.value.len() > 254 {
                "characters long"
            } else {
                "not a valid email address"
            },
        });
    }
    cases
}

/// What the person sees of an error: plain words, short, nothing that rewrites the terminal.
fn assert_said(out: &Output, case: &Case) {
    let args: Vec<String> = case.args.iter().map(|a| format!("{a:.40?}")).collect();
    let text = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {text}");
    assert!(!text.contains("panicked"), "{args:?}: {text}");
    assert!(
        text.contains(case.says),
        "{args:?} should say {:?}: {text}",
        case.says
    );
    // Clap quotes an unparsable value back as typed; all of Deckhand's own messages quote
    // a value escaped and cut short.
    if !text.contains("invalid value") && !text.contains("unexpected argument") {
        assert!(
            text.chars().count() < 1000,
            "{args:?}: a {}-character error",
            text.len()
        );
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n') || is_bidi_control(c)),
            "{args:?}: control characters in {text:?}"
        );
    }
}

#[test]
fn every_hostile_command_line_is_refused_in_words_and_writes_nothing() {
    let cli = Cli::new();
    let schedule = cli.json(&[
        "schedules",
        "add",
        "--name",
        "Prep",
        "--method",
        "Prep.med",
        "--daily",
        "--start",
        "2030-01-01T08:00:00Z",
    ])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contact = cli.json(&[
        "contacts",
        "add",
        "--name",
        "Ann",
        "--email",
        "ann@example.org",
    ])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = snapshot(&cli.db);
    let cases = cases(&schedule, &contact);
    // Two at a time: this machine has two cores, and each case is its own process.
    let (left, right) = cases.split_at(cases.len() / 2);
    std::thread::scope(|scope| {
        for half in [left, right] {
            let cli = &cli;
            scope.spawn(move || {
                for case in half {
                    assert_said(&cli.run(&case.args), case);
                }
            });
        }
    });
    assert_eq!(snapshot(&cli.db), before, "nothing was written");
}

/// Values that start with a dash are values, not options: a name like "-80 °C freezer", a
/// note written as a bullet, HxRun arguments that put a switch first. (Before, the CLI
/// refused them as unknown options.)
#[test]
fn values_that_start_with_a_dash_are_taken_as_values() {
    let cli = Cli::new();
    let created = cli.json(&[
        "schedules",
        "add",
        "--name",
        "-80 °C freezer check",
        "--method",
        "-r.med",
        "--hourly",
    ]);
    assert_eq!(created["name"], "-80 °C freezer check");
    assert_eq!(created["methodPath"], "-r.med");
    let id = created["id"].as_str().unwrap();
    let marked = cli.json(&["schedules", "mark-recovery", id, "--note", "- tips jammed"]);
    assert_eq!(marked["recovery"]["note"], "- tips jammed");
    let settings = cli.json(&["settings", "set", "hxrun_args", "-t {method} -r"]);
    assert_eq!(settings["hxrunArgs"], "-t {method} -r");
}

#[test]
fn json_errors_carry_the_field_for_scripts() {
    let cli = Cli::new();
    let out = cli.run(&[
        "--json",
        "contacts",
        "add",
        "--name",
        "\u{202E}",
        "--email",
        "ann@example.org\r\nBcc: eve@example.org",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    assert_eq!(error["code"], "invalid_input");
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email"]);
    assert!(!cli.db.exists() || snapshot_has_no_contacts(&cli.db));
}

fn snapshot_has_no_contacts(db: &Path) -> bool {
    !snapshot(db)
        .iter()
        .any(|row| row.starts_with("notification_contacts:"))
}

/// A schedule id is looked up by the store, which quotes what was typed back short and escaped.
#[test]
fn a_huge_schedule_id_is_not_quoted_back_whole() {
    let cli = Cli::new();
    for id in ["x".repeat(HUGE), "\u{1b}[2Jnope".to_owned()] {
        let out = cli.run(&["schedules".to_owned(), "show".to_owned(), id]);
        assert_eq!(out.status.code(), Some(2));
        let text = stderr(&out);
        assert!(
            text.chars().count() < 1000,
            "a {}-character error",
            text.len()
        );
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
    }
}
