//! The SMTP password appears nowhere but in the keyring and on the wire to the mail server: not
//! in the database (or its WAL), the log files, the CSV export, the notification log, any
//! command's output or error, or `Debug` output — also when sending fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::sync::Arc;
use std::time::Duration;

use deckhand::clock::SystemClock;
use deckhand::model::{SmtpSettings, TlsMode};
use deckhand::secrets::Secrets;
use deckhand::store::Store;

use super::{deckhand, engine, files_under};
use crate::support::wait::wait_for;

/// A loopback port nobody listens on (yet).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An SMTP server (aiosmtpd, `smtp_auth.py`) that asks for a login and refuses or accepts it,
/// noting each password it was offered. Stopped on drop.
struct AuthServer {
    child: Child,
    port: u16,
    offered: PathBuf,
    _dir: tempfile::TempDir,
}

impl AuthServer {
    fn start(mode: &str) -> AuthServer {
        let dir = tempfile::tempdir().unwrap();
        let offered = dir.path().join("offered.txt");
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/security/smtp_auth.py");
        let child = Command::new("python3")
            .arg(script)
            .args([mode, &port.to_string()])
            .arg(&offered)
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test.sh installs it)");
        wait_for("the SMTP server listens", Duration::from_secs(15), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        AuthServer {
            child,
            port,
            offered,
            _dir: dir,
        }
    }

    /// The passwords offered to it so far.
    fn offered(&self) -> Vec<String> {
        std::fs::read_to_string(&self.offered)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The forms the password could take: as typed, and base64 as in `AUTH LOGIN` and `AUTH PLAIN`
/// (a logged SMTP conversation). Each long enough to be unmistakable.
fn forms(user: &str, password: &str) -> Vec<(String, Vec<u8>)> {
    let plain = base64(format!("\0{user}\0{password}").as_bytes());
    let login = base64(password.as_bytes());
    vec![
        ("the password".into(), password.as_bytes().to_vec()),
        (
            "the password in base64 (AUTH LOGIN)".into(),
            login.trim_end_matches('=').as_bytes().to_vec(),
        ),
        (
            "user and password in base64 (AUTH PLAIN)".into(),
            plain.trim_end_matches('=').as_bytes().to_vec(),
        ),
    ]
}

/// Fails the test when any form of the password is in `haystack`.
fn assert_absent(haystack: &[u8], forms: &[(String, Vec<u8>)], place: &str) {
    for (name, needle) in forms {
        assert!(
            !haystack
                .windows(needle.len())
                .any(|w| w == needle.as_slice()),
            "{name} is in {place}"
        );
    }
}

/// Every file under `dir` is free of the password; returns how many were looked at.
fn assert_no_file_has_it(dir: &Path, forms: &[(String, Vec<u8>)]) -> usize {
    let files = files_under(dir);
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        assert_absent(&bytes, forms, &file.display().to_string());
    }
    files.len()
}

fn settings(port: u16, user: &str) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        tls: TlsMode::None,
        username: Some(user.into()),
        from_address: "deckhand@lab.example.org".into(),
    }
}

/// Without a keyring (the window's session-only password): a test email to a server that is
/// not there, and to one that refuses the login, reports and logs the failure without the
/// password, and the password was really offered to the server.
#[test]
#[cfg_attr(windows, ignore = "needs aiosmtpd, a Linux program")]
fn failed_test_emails_never_show_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let mut store = Store::open(&db, Arc::new(SystemClock)).unwrap();
    let user = "robot-pc";
    let password = format!("Hx-{}-pw!", uuid::Uuid::new_v4().simple());
    let forms = forms(user, &password);
    let secrets = Secrets::session_only("no keyring in this test");
    secrets
        .set_smtp_password("127.0.0.1", user, &password)
        .unwrap();
    assert_absent(format!("{secrets:?}").as_bytes(), &forms, "Secrets' Debug");

    let refusing = AuthServer::start("refuse");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut shown = String::new();
    for port in [free_port(), refusing.port] {
        store
            .set_smtp_settings(&settings(port, user), "Dr. Test")
            .unwrap();
        let results = runtime
            .block_on(deckhand::notify::send_test_email(
                &mut store,
                &secrets,
                Some(("Ann Lee".into(), "ann@lab.example.org".into())),
            ))
            .unwrap();
        assert!(
            results.iter().all(|r| r.error.is_some()),
            "the test email failed: {results:?}"
        );
        shown.push_str(&format!(
            "{results:?}\n{}\n",
            serde_json::to_string(&results).unwrap()
        ));
    }
    assert_eq!(
        refusing.offered(),
        vec![password.clone()],
        "the password was offered to the server (so it was there to leak)"
    );
    // With no password kept: the error names the user, not a password.
    store
        .set_smtp_settings(&settings(refusing.port, "someone-else"), "Dr. Test")
        .unwrap();
    let missing = runtime
        .block_on(deckhand::notify::send_test_email(
            &mut store,
            &secrets,
            Some(("Ann Lee".into(), "ann@lab.example.org".into())),
        ))
        .unwrap_err();
    shown.push_str(&format!("{missing}\n{missing:?}\n"));
    let log = store.notification_log(100, 0).unwrap();
    assert!(
        log.iter().filter(|e| e.error.is_some()).count() >= 2,
        "the failures are in the notification log: {log:?}"
    );
    shown.push_str(&format!(
        "{log:?}\n{}",
        serde_json::to_string(&log).unwrap()
    ));
    assert_absent(shown.as_bytes(), &forms, "what the failures showed");
    drop(store);
    assert!(assert_no_file_has_it(dir.path(), &forms) >= 1);
}

/// Through the programs, with the password in the real keyring (`deckhand smtp password` in
/// the session keyring `scripts/test.sh` creates): test emails to a server that is not there,
/// one that refuses the login and one that takes it; then `deckhand run` (logging at `trace`)
/// trying to mail a contact about an aborted run through the refusing server; then every
/// report and export. The password is in no output and in no file under the data folder
/// (database, WAL, logs, the CSV export) — while each server was offered it.
#[test]
#[cfg_attr(windows, ignore = "needs aiosmtpd, a Linux program")]
fn the_password_is_in_no_file_and_no_output_of_the_programs() {
    if std::env::var_os("DECKHAND_TEST_KEYRING").is_none() {
        eprintln!("skipped: run through scripts/test.sh, which provides a session keyring");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    // A user of its own, so parallel tests sharing the session keyring never meet.
    let user = format!("robot-{}", uuid::Uuid::new_v4().simple());
    let password = format!("Zq-{}-s3cr3t;\"'", uuid::Uuid::new_v4().simple());
    let forms = forms(&user, &password);
    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut run = |args: &[&str], stdin: &str, ok: bool| {
        let out = deckhand(&db, args, stdin);
        assert_eq!(
            out.status.success(),
            ok,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push((format!("{args:?}"), out.clone()));
        out
    };
    let set = |run: &mut dyn FnMut(&[&str], &str, bool) -> Output, port: u16| {
        run(
            &[
                "smtp",
                "set",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--tls",
                "none",
                "--user",
                &user,
                "--from",
                "deckhand@lab.example.org",
            ],
            "",
            true,
        );
    };
    let refusing = AuthServer::start("refuse");
    let accepting = AuthServer::start("accept");

    set(&mut run, free_port());
    let kept = run(&["smtp", "password"], &format!("{password}\n"), true);
    assert!(String::from_utf8_lossy(&kept.stdout).contains("keyring"));
    let test = ["smtp", "test", "--to", "ann@lab.example.org"];
    let json_test = ["--json", "smtp", "test", "--to", "ann@lab.example.org"];
    // Nobody listens.
    run(&test, "", false);
    run(&json_test, "", false);
    // The server refuses the login.
    set(&mut run, refusing.port);
    run(&test, "", false);
    run(&json_test, "", false);
    assert_eq!(refusing.offered(), vec![password.clone(); 2]);
    // The server takes it.
    set(&mut run, accepting.port);
    run(&test, "", true);
    assert_eq!(accepting.offered(), vec![password.clone()]);

    // The engine mails a contact through the refusing server, and logs everything it does.
    set(&mut run, refusing.port);
    run(
        &[
            "contacts",
            "add",
            "--name",
            "Ann Lee",
            "--email",
            "ann@lab.example.org",
        ],
        "",
        true,
    );
    let mut hosted = engine(&db, "trace", &dir.path().join("engine-stderr.txt"));
    hosted.wait_until_up(&db);
    let methods = dir.path().join("Demo methods");
    wait_for("the demo methods", Duration::from_secs(10), || {
        methods.is_dir()
    });
    std::fs::write(
        methods.join("Quick abort.med"),
        "// sim: outcome=aborted duration=0.3s steps=2\n",
    )
    .unwrap();
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    run(
        &[
            "schedules",
            "add",
            "--name",
            "Quick abort",
            "--method",
            "Quick abort.med",
            "--once",
            &at,
        ],
        "",
        true,
    );
    wait_for(
        "the engine's email is refused and recorded",
        Duration::from_secs(60),
        || {
            let out = deckhand(&db, &["--json", "notifications"], "");
            let n: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
            let failed = n["log"].as_array().into_iter().flatten().any(|e| {
                e["channel"] == "email" && e["status"] == "failed" && e["event"] != "test"
            });
            let waiting = n["waiting"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|w| w["channel"] == "email" && !w["lastError"].is_null());
            refusing.offered().len() >= 3 && (failed || waiting)
        },
    );

    // Every report and export.
    let csv = dir.path().join("history.csv");
    let csv_arg = csv.to_str().unwrap();
    for args in [
        &["history", "--csv", "--output", csv_arg][..],
        &["history", "--csv"],
        &["history"],
        &["--json", "history"],
        &["notifications"],
        &["--json", "notifications"],
        &["audit"],
        &["--json", "audit"],
        &["smtp", "show"],
        &["--json", "smtp", "show"],
        &["settings", "list"],
        &["--json", "settings", "list"],
        &["scheduler", "status"],
    ] {
        let out = deckhand(&db, args, "");
        outputs.push((format!("{args:?}"), out));
    }
    assert!(csv.exists(), "the CSV export was written");
    hosted.stop();

    for (what, out) in &outputs {
        assert_absent(&out.stdout, &forms, &format!("the output of {what}"));
        assert_absent(&out.stderr, &forms, &format!("the errors of {what}"));
    }
    let logs = files_under(&dir.path().join("logs"));
    assert!(!logs.is_empty(), "deckhand run wrote its log");
    let logged: usize = logs
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0) as usize)
        .sum();
    assert!(
        logged > 1000,
        "the log at trace level says plenty ({logged} bytes)"
    );
    let looked_at = assert_no_file_has_it(dir.path(), &forms);
    assert!(
        looked_at >= 4,
        "database, log, CSV, engine output: {looked_at} files"
    );

    let forget = deckhand(&db, &["smtp", "password", "--forget"], "");
    assert!(forget.status.success());
}

/// The search above finds the password in each form it looks for.
#[test]
fn the_leak_search_finds_every_form() {
    assert_eq!(base64(b"\0robot\0Sekr1t-pw"), "AHJvYm90AFNla3IxdC1wdw==");
    assert_eq!(base64(b"ab"), "YWI=");
    let forms = forms("robot", "Sekr1t-pw");
    for leak in [
        "password=Sekr1t-pw;",
        "C: AUTH PLAIN AHJvYm90AFNla3IxdC1wdw==",
        "C: U2VrcjF0LXB3",
    ] {
        let found = std::panic::catch_unwind(|| assert_absent(leak.as_bytes(), &forms, "a line"));
        assert!(found.is_err(), "{leak:?} is found");
    }
    assert_absent(b"AUTH PLAIN <redacted>", &forms, "a clean line");
}

/// A destination's URL, like the password: set through the programs into the real keyring
/// (the session keyring `scripts/test.sh` creates), tested against a receiver that takes the
/// message, one that is gone and one that fails; `deckhand run` (logging at `trace`, the HTTP
/// library's lines too) posting about an aborted run to the failing receiver; then every
/// report. The URL's token is in no output and no file under the data folder — while the
/// receiver got it on every post.
#[test]
#[cfg_attr(windows, ignore = "the programs' keyring is tested on Linux")]
fn a_destination_url_is_in_no_file_and_no_output_of_the_programs() {
    use crate::notify::receiver::{Receiver, Reply};
    if std::env::var_os("DECKHAND_TEST_KEYRING").is_none() {
        eprintln!("skipped: run through scripts/test.sh, which provides a session keyring");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let token = format!("T0k3n{}", uuid::Uuid::new_v4().simple());
    let receiver = Receiver::start();
    let port = receiver.port;
    let path = format!("/workflows/{token}/invoke?sig={token}x");
    let url = receiver.url(&path);
    let forms = vec![
        ("the token".to_owned(), token.as_bytes().to_vec()),
        ("the URL".to_owned(), url.as_bytes().to_vec()),
    ];
    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut run = |args: &[&str], stdin: &str, ok: bool| {
        let out = deckhand(&db, args, stdin);
        assert_eq!(
            out.status.success(),
            ok,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push((format!("{args:?}"), out.clone()));
        out
    };
    let added = run(
        &[
            "--json",
            "destinations",
            "add",
            "--name",
            "LIMS",
            "--kind",
            "webhook",
        ],
        &format!("{url}\n"),
        true,
    );
    let added: serde_json::Value = serde_json::from_slice(&added.stdout).unwrap();
    let id = added["id"].as_str().unwrap().to_owned();
    assert_eq!(added["host"], format!("127.0.0.1:{port}"));
    run(&["destinations", "list"], "", true);
    run(&["destinations", "test", &id], "", true);
    receiver.then([Reply::status(500, "internal error")]);
    run(&["destinations", "test", &id], "", false);
    drop(receiver);
    run(&["destinations", "test", &id], "", false);
    run(&["--json", "destinations", "test", &id], "", false);
    run(
        &["destinations", "edit", &id, "--name", "LIMS gateway"],
        "",
        true,
    );

    // The engine posts about an aborted run to a receiver that fails, and logs everything.
    let receiver = Receiver::start_on(port);
    receiver.then((0..50).map(|_| Reply::status(503, "busy")));
    let mut hosted = engine(&db, "trace", &dir.path().join("engine-stderr.txt"));
    hosted.wait_until_up(&db);
    let methods = dir.path().join("Demo methods");
    wait_for("the demo methods", Duration::from_secs(10), || {
        methods.is_dir()
    });
    std::fs::write(
        methods.join("Quick abort.med"),
        "// sim: outcome=aborted duration=0.3s steps=2\n",
    )
    .unwrap();
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    run(
        &[
            "schedules",
            "add",
            "--name",
            "Quick abort",
            "--method",
            "Quick abort.med",
            "--once",
            &at,
        ],
        "",
        true,
    );
    wait_for(
        "the engine's post is refused and recorded",
        Duration::from_secs(60),
        || {
            let out = deckhand(&db, &["--json", "notifications"], "");
            let n: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
            let waiting = n["waiting"].as_array().into_iter().flatten().any(|w| {
                w["channel"] == "webhook"
                    && w["lastError"].as_str().is_some_and(|e| e.contains("503"))
            });
            waiting
                && receiver
                    .got()
                    .iter()
                    .any(|g| g.body.contains("run_aborted"))
        },
    );
    for args in [
        &["notifications"][..],
        &["--json", "notifications"],
        &["audit"],
        &["--json", "audit"],
        &["destinations", "list"],
        &["--json", "destinations", "list"],
        &["settings", "list"],
        &["history"],
    ] {
        run(args, "", true);
    }
    hosted.stop();
    assert!(
        receiver.got().iter().all(|g| g.path == path),
        "every post went to the URL, token and all"
    );
    for (what, out) in &outputs {
        assert_absent(&out.stdout, &forms, &format!("the output of {what}"));
        assert_absent(&out.stderr, &forms, &format!("the errors of {what}"));
    }
    let looked_at = assert_no_file_has_it(dir.path(), &forms);
    assert!(
        looked_at >= 3,
        "database, log, engine output: {looked_at} files"
    );
    assert!(
        deckhand(&db, &["destinations", "remove", &id], "")
            .status
            .success()
    );
}
