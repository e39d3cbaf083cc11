//! The real `deckhand` program as a child process, as a script or a scientist runs it, and the
//! small things tests around it need: waiting for a condition, a child killed on drop, the
//! loopback mail server's settings.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

/// `deckhand --db DB`, untouched by the environment of whoever runs the tests (`DECKHAND_DB`,
/// `DECKHAND_LOG`).
pub fn command(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deckhand"));
    command
        .arg("--db")
        .arg(db)
        .env_remove("DECKHAND_DB")
        .env_remove("DECKHAND_LOG");
    command
}

/// Runs `deckhand --db DB ARGS…`, which must succeed; returns what it printed, read as JSON
/// (`Null` when it printed no JSON: pass `--json` for the reads).
pub fn ok(db: &Path, args: &[&str]) -> Value {
    let out: Output = command(db).args(args).output().expect("the CLI runs");
    assert!(
        out.status.success(),
        "deckhand {args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// Stops `deckhand run` the way its operator would: SIGTERM on Unix (it then ends cleanly).
/// On Windows its stop is a Ctrl-C in its own console, which no other program can send it
/// here, so it is ended outright. Whether it was asked (rather than ended outright).
pub fn stop(child: &mut Child) -> bool {
    #[cfg(unix)]
    {
        let pid = i32::try_from(child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw)
            .expect("a process id");
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).is_ok()
    }
    #[cfg(windows)]
    {
        child.kill().expect("the process can be ended");
        false
    }
}

/// `deckhand run [--log-level LEVEL]` on `db` (the scheduler; without a level it logs at the
/// setting's), without a desktop session, its standard error dropped; killed when the guard is
/// dropped.
pub fn engine(db: &Path, level: Option<&str>) -> Killed {
    let level: &[&str] = match &level {
        Some(level) => &["--log-level", level],
        None => &[],
    };
    Killed(
        command(db)
            .arg("run")
            .args(level)
            .env_remove("DISPLAY")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stderr(Stdio::null())
            .spawn()
            .expect("deckhand run starts"),
    )
}

/// Points `db` at a mail server on loopback `port`, without TLS or a password.
pub fn loopback_mail_server(db: &Path, port: u16) {
    let port = port.to_string();
    ok(
        db,
        &[
            "smtp",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--tls",
            "none",
            "--from",
            "deckhand@lab.example.org",
        ],
    );
}

/// A child process killed (and reaped) when dropped, so a failing test leaves nothing running.
pub struct Killed(pub Child);

impl Killed {
    /// Kills it now and waits for it.
    pub fn stop(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
