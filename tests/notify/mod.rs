//! Messages, sent for real to an SMTP server on loopback (aiosmtpd, writing a maildir).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use deckhand::model::{EventKind, SmtpSettings, TlsMode};
use deckhand::notify::{self, Facts};

use crate::support::wait::{wait_for, wait_until};

use crate::support::t;

mod desktop;
mod destinations;
mod outbox;
pub mod receiver;
mod secrets;
mod trail;

/// aiosmtpd on a free loopback port, delivering into a maildir; stopped on drop.
pub struct MailServer {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

/// A loopback port nobody listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl MailServer {
    pub fn start() -> MailServer {
        MailServer::start_on(free_port())
    }

    pub fn start_on(port: u16) -> MailServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir"); // must not exist yet
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .spawn()
            .expect("python3 -m aiosmtpd (scripts/setup.sh installs it)");
        wait_for(
            &format!("aiosmtpd listening on {port}"),
            Duration::from_secs(15),
            || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
        );
        MailServer {
            child,
            port,
            maildir,
            _dir: dir,
        }
    }

    pub fn messages(&self) -> Vec<String> {
        let new = self.maildir.join("new");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&new).into_iter().flatten().flatten() {
            out.push(std::fs::read_to_string(entry.path()).unwrap());
        }
        out
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn settings(port: u16) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        tls: TlsMode::None,
        username: None,
        from_address: "deckhand@lab.example.org".into(),
    }
}

fn aborted() -> Facts {
    Facts {
        schedule_name: "Nightly plate prep".into(),
        method_path: r"C:\Methods\Prep.med".into(),
        slot: Some(t("2026-06-02T08:00:00Z")),
        status: Some("aborted".into()),
        deciding_line: Some(
            "2026-06-02 08:14:41> SYSTEM : Method has been aborted by the user - complete; ".into(),
        ),
        trace_file: Some(r"C:\Program Files (x86)\HAMILTON\LogFiles\Prep_1a2b_Trace.trc".into()),
        error: None,
        needs_recovery: true,
        ..Facts::default()
    }
}

#[test]
fn a_message_says_what_happened_and_what_happens_next() {
    let m = notify::render(EventKind::RunAborted, &aborted());
    assert_eq!(m.subject, "[Deckhand] 'Nightly plate prep' was aborted");
    for needle in [
        r"C:\Methods\Prep.med",
        "aborted by the user",
        "Prep_1a2b_Trace.trc",
        "Recovery required",
    ] {
        assert!(
            m.text.contains(needle),
            "plain text has {needle:?}:\n{}",
            m.text
        );
    }
    let mut evil = aborted();
    evil.schedule_name = "<script>alert(1)</script>".into();
    let html = notify::render(EventKind::RunFailed, &evil).html;
    assert!(
        !html.contains("<script>") && html.contains("&lt;script&gt;"),
        "names are escaped in HTML"
    );
    let mut sim = aborted();
    sim.simulation = true;
    assert!(
        notify::render(EventKind::RunAborted, &sim)
            .subject
            .starts_with("[Deckhand SIMULATION]")
    );
}

#[test]
#[cfg_attr(windows, ignore = "needs aiosmtpd, a Linux program")]
fn an_email_reaches_a_real_smtp_server_with_proper_headers() {
    let server = MailServer::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let rendered = notify::render(EventKind::RunAborted, &aborted());
    let answer = runtime
        .block_on(notify::send(
            &settings(server.port),
            None,
            "Ann Lee",
            "ann.lee@lab.example.org",
            &rendered,
        ))
        .expect("the server takes the message");
    assert!(
        answer.starts_with("250"),
        "the server's answer is reported: {answer}"
    );
    wait_until(Duration::from_secs(5), || !server.messages().is_empty());
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    for header in [
        "Date: ",
        "Message-ID: ",
        "From: Deckhand <deckhand@lab.example.org>",
        "To: \"Ann Lee\" <ann.lee@lab.example.org>",
        "Subject: ",
    ] {
        assert!(
            mail.lines().any(|l| l.starts_with(header)),
            "has {header:?}:\n{mail}"
        );
    }
    assert!(
        mail.contains("multipart/alternative")
            && mail.contains("text/plain")
            && mail.contains("text/html"),
        "{mail}"
    );
}

#[test]
fn a_server_that_is_down_is_a_temporary_failure() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let rendered = notify::render(EventKind::Test, &Facts::default());
    let error = runtime
        .block_on(notify::send(
            &settings(port),
            None,
            "Ann",
            "ann@lab.example.org",
            &rendered,
        ))
        .unwrap_err();
    assert!(error.temporary, "worth retrying later: {error}");
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{port}")),
        "says which server: {error}"
    );
}

#[test]
#[cfg_attr(windows, ignore = "needs aiosmtpd, a Linux program")]
fn send_test_email_reports_the_server_s_answer_and_logs_it() {
    let server = MailServer::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let deckhand = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_deckhand"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    let none = deckhand(&["smtp", "test", "--to", "ann@lab.example.org"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("No mail server is set up"));
    crate::support::cli::loopback_mail_server(&db, server.port);
    let sent = deckhand(&["smtp", "test", "--to", "ann@lab.example.org"]);
    let said = String::from_utf8_lossy(&sent.stdout);
    assert!(sent.status.success(), "{said}");
    assert!(
        said.contains("ann@lab.example.org: sent; the server answered 250"),
        "{said}"
    );
    assert_eq!(server.messages().len(), 1);
    assert!(server.messages()[0].contains("If you can read it, email works"));

    let bad = deckhand(&["smtp", "test", "--to", "not an address"]);
    assert_eq!(bad.status.code(), Some(2), "a bad address is bad input");

    drop(server);
    let down = deckhand(&["smtp", "test", "--to", "ann@lab.example.org"]);
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stdout).contains("NOT sent"));
    let log = deckhand(&["--json", "notifications"]);
    let log: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    let statuses: Vec<&str> = log["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "sent"], "{log}");
}
