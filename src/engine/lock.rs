//! One engine per database: an OS file lock beside the database file. The OS releases it when
//! the holder exits, however it exits, so a crashed engine never blocks the next start. On
//! Windows the release may come a moment after the holder has ended ("depends upon available
//! system resources", says Microsoft): a lock whose holder is gone is waited for, briefly.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a lock whose holder has ended is waited for before it counts as held.
const RELEASE_WAIT: Duration = Duration::from_secs(5);

/// Why the engine could not take its database.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another engine runs on this database.
    #[error(
        "Another Deckhand engine is already running on this database ({holder}). Only one may run at a time: close the other one (the desktop app or `deckhand run`) first."
    )]
    Held { holder: String },
    /// The lock file could not be opened or written.
    #[error("Could not open the engine lock file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Held while the engine runs; dropping it releases the database.
#[derive(Debug)]
pub struct EngineLock {
    _file: File,
    path: PathBuf,
}

impl EngineLock {
    /// The lock file for `database`: `<database>.engine-lock`.
    pub fn path_for(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push(".engine-lock");
        PathBuf::from(name)
    }

    /// Takes the lock, or says which process holds it.
    pub fn acquire(database: &Path) -> Result<EngineLock, LockError> {
        let path = Self::path_for(database);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.seek(SeekFrom::Start(0));
                    let _ = file.read_to_string(&mut holder);
                    let holder = match holder.trim() {
                        "" => "another process".to_owned(),
                        text => text.to_owned(),
                    };
                    if holder_has_ended(&holder) && started.elapsed() < RELEASE_WAIT {
                        std::thread::sleep(Duration::from_millis(100));
                        continue;
                    }
                    return Err(LockError::Held { holder });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        write!(file, "process {}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(EngineLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether the lock file's `process N` names a process that no longer runs (an ended process
/// its parent has not reaped counts as ended).
fn holder_has_ended(holder: &str) -> bool {
    let Some(pid) = holder
        .strip_prefix("process ")
        .and_then(|pid| pid.parse::<u32>().ok())
    else {
        return false;
    };
    !crate::processes::is_running(pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_that_runs_has_not_ended_and_a_gone_one_has() {
        assert!(!holder_has_ended(&format!(
            "process {}",
            std::process::id()
        )));
        assert!(!holder_has_ended("another process"), "unknown: not ended");
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(holder_has_ended(&format!("process {pid}")));
    }
}
