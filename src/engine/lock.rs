//! One engine per database: an OS file lock beside the database file. The OS releases it when
//! the holder exits, however it exits, so a crashed engine never blocks the next start.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

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
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim() {
                    "" => "another process".to_owned(),
                    text => text.to_owned(),
                };
                return Err(LockError::Held { holder });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
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
