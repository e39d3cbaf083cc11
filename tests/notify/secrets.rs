//! The SMTP password: in the operating system's keyring, shared between Deckhand's programs,
//! never in the database.

use std::io::Write;
use std::process::{Command, Stdio};

use deckhand::secrets::{Kept, KeyringStatus, Secrets};

fn deckhand(db: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deckhand"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `scripts/test.sh` runs the tests in a fresh kernel session keyring (keyctl session) and
/// says so; there the keyring must work, and the password set by one program is read by
/// another and never lands in the database.
#[test]
fn the_password_is_kept_in_the_keyring_not_in_the_database() {
    if std::env::var_os("DECKHAND_TEST_KEYRING").is_none() {
        eprintln!("skipped: run through scripts/test.sh, which provides a session keyring");
        return;
    }
    assert_eq!(Secrets::probe().status(), &KeyringStatus::Works);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let host = format!("mail-{}.lab.example.org", uuid::Uuid::new_v4().simple());
    let set = deckhand(
        &db,
        &[
            "smtp",
            "set",
            "--host",
            &host,
            "--port",
            "587",
            "--user",
            "robot-pc",
            "--from",
            "deckhand@lab.example.org",
        ],
        "",
    );
    assert!(set.status.success());
    let password = "c0rrect horse; battery \"staple\"";
    let out = deckhand(&db, &["smtp", "password"], &format!("{password}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("keyring"));

    // Another program (this one) finds it.
    let secrets = Secrets::probe();
    assert_eq!(
        secrets.smtp_password(&host, "robot-pc").unwrap().as_deref(),
        Some(password)
    );
    let raw = std::fs::read(&db).unwrap();
    let wal = std::fs::read(dir.path().join("deckhand.sqlite3-wal")).unwrap_or_default();
    let needle = b"c0rrect horse";
    assert!(
        !raw.windows(needle.len()).any(|w| w == needle)
            && !wal.windows(needle.len()).any(|w| w == needle),
        "the password is nowhere in the database files"
    );

    let empty = deckhand(&db, &["smtp", "password"], "\n");
    assert_eq!(empty.status.code(), Some(2), "an empty password is refused");
    let forget = deckhand(&db, &["smtp", "password", "--forget"], "");
    assert!(forget.status.success());
    assert_eq!(secrets.smtp_password(&host, "robot-pc").unwrap(), None);
}

#[test]
fn without_a_keyring_a_password_is_kept_for_the_session_only() {
    let secrets = Secrets::session_only("no keyring on this machine");
    assert_eq!(
        secrets
            .set_smtp_password("mail.lab.example.org", "robot-pc", "pw")
            .unwrap(),
        Kept::SessionOnly
    );
    assert_eq!(
        secrets
            .smtp_password("mail.lab.example.org", "robot-pc")
            .unwrap()
            .as_deref(),
        Some("pw")
    );
    assert!(
        !format!("{secrets:?}").contains("pw\""),
        "debug output never shows it"
    );
    assert!(
        secrets
            .set_smtp_password("mail.lab.example.org", "robot-pc", "")
            .is_err()
    );
}
