//! The disk holding the database fills up (a 2 MB tmpfs, so it needs root — CI runs as root):
//! a CLI write fails with a clear error and writes nothing, `deckhand run` carries on and
//! writes the run that came due once space returns, and the file is never damaged.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use deckhand::model::{RunStatus, ScheduleListFilter};

use super::locked::{once, status_of};
use crate::support::faults::{DECKHAND, SimLab};
use crate::support::wait::wait_until;

/// A small tmpfs, unmounted on drop.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount() -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
            .arg(dir.path())
            .output()
            .expect("the mount program runs");
        assert!(
            out.status.success(),
            "this test needs root to mount a 2 MB tmpfs (CI runs as root); mount said: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the file system holding `dir` with a file; the file, to free the space again.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 4096];
    loop {
        match file.write_all(&block) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    let _ = file.flush();
    path
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_database_survives() {
    let began = Instant::now();
    let disk = SmallDisk::mount();
    let lab = SimLab::with_db(2, Some(disk.path().join("deckhand.sqlite3")));
    lab.method("Quick.med", "outcome=completed duration=300ms steps=2");
    let logs = lab.dir.path().join("logs");
    let log = lab.dir.path().join("run.stderr");
    let mut engine = Command::new(DECKHAND)
        .arg("--db")
        .arg(&lab.db)
        .args(["run", "--log-level", "info", "--log-dir"])
        .arg(&logs)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    assert!(wait_until(Duration::from_secs(20), || {
        std::fs::read_to_string(&log).is_ok_and(|t| t.contains("Deckhand is running."))
    }));
    let mut store = lab.store();
    let due = store
        .create_schedule(&once("Due on a full disk", "Quick.med", 4000), "test")
        .unwrap();
    drop(store);
    let filler = fill(disk.path());

    let add = lab.cli(&[
        "schedules",
        "add",
        "--name",
        "Added on a full disk",
        "--method",
        "Quick.med",
        "--once",
        "2030-01-01T08:00:00Z",
    ]);
    let said = String::from_utf8_lossy(&add.stderr).into_owned();
    assert!(!add.status.success(), "the write fails");
    assert!(
        said.contains("disk is full"),
        "the error says the disk is full: {said}"
    );
    // The engine cannot write what happens (the due run, or its start: SQLite may still
    // reuse room in its WAL for a while); it says so and keeps going.
    assert!(
        wait_until(Duration::from_secs(20), || std::fs::read_to_string(&log)
            .is_ok_and(|t| t.contains("database or disk is full"))),
        "the engine reports the failed write:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    assert!(
        engine.try_wait().unwrap().is_none(),
        "the engine keeps going"
    );
    let integrity = lab.cli(&["info"]);
    assert!(
        String::from_utf8_lossy(&integrity.stdout).contains("integrity:      ok"),
        "not damaged while full: {}",
        String::from_utf8_lossy(&integrity.stdout)
    );

    // Space returns: the engine writes the due run and it runs; CLI writes work again.
    std::fs::remove_file(&filler).unwrap();
    assert!(
        wait_until(Duration::from_secs(30), || status_of(&lab, due.id)
            == Some(RunStatus::Completed)),
        "the run due while the disk was full runs once there is space: {:?}\n{}",
        status_of(&lab, due.id),
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let add = lab.cli(&[
        "schedules",
        "add",
        "--name",
        "Added after",
        "--method",
        "Quick.med",
        "--once",
        "2030-01-01T08:00:00Z",
    ]);
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let _ = engine.kill();
    let _ = engine.wait();
    let store = lab.store();
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let names: Vec<String> = store
        .list_schedules(ScheduleListFilter::All)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert!(
        !names.iter().any(|n| n == "Added on a full disk"),
        "the refused write left nothing: {names:?}"
    );
    assert_eq!(names.len(), 2, "{names:?}");
    eprintln!(
        "disk full: a 2 MB tmpfs filled; a CLI write failed saying so, the engine wrote the run's start and outcome once it could, integrity ok throughout, the due run completed once space returned; {:.1} s",
        began.elapsed().as_secs_f64()
    );
}
