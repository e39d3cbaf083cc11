//! Security: the SMTP password leaks nowhere (`secrets.rs`), Deckhand's files are readable by
//! their user only (`modes.rs` on Unix, `access.rs` on Windows).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::wait::wait_for;

mod access;
mod modes;
mod secrets;

/// `path` with `suffix` added to its name (`deckhand.sqlite3` → `deckhand.sqlite3-wal`).
#[allow(dead_code, reason = "used by the file-access tests of each platform")]
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// The `deckhand` program on the database `db`, with `stdin` given; `DECKHAND_DB` unset.
pub fn deckhand(db: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deckhand"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DECKHAND_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the deckhand program starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `deckhand run` on `db` (logging at `level`), standard error to `stderr`.
pub fn engine(db: &Path, level: &str, stderr: &Path) -> Engine {
    Engine(
        Command::new(env!("CARGO_BIN_EXE_deckhand"))
            .arg("--db")
            .arg(db)
            .args(["run", "--log-level", level])
            .env_remove("DECKHAND_DB")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(stderr).unwrap())
            .spawn()
            .expect("deckhand run starts"),
    )
}

/// A `deckhand run`, stopped (SIGTERM, then killed) on drop.
pub struct Engine(pub Child);

impl Engine {
    /// Waits until this engine holds the database's engine lock: it is up.
    pub fn wait_until_up(&mut self, db: &Path) {
        let lock = PathBuf::from(format!("{}.engine-lock", db.display()));
        let me = format!("process {}", self.0.id());
        let child = &mut self.0;
        wait_for(
            "deckhand run holds the engine lock",
            Duration::from_secs(15),
            || {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "deckhand run ended early"
                );
                std::fs::read_to_string(&lock).is_ok_and(|t| t.trim() == me)
            },
        );
    }

    /// Asks it to stop (SIGTERM) and waits.
    pub fn stop(mut self) {
        self.terminate();
    }

    fn terminate(&mut self) {
        if self.0.try_wait().ok().flatten().is_some() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.0.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.0.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.wait();
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// Every file under `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
