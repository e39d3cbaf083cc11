//! Log files: one folder, rotated daily or at 10 MB, kept 30 days. `deckhand run` and the
//! desktop app both log through this.

use std::path::{Path, PathBuf};

use flexi_logger::{Age, Cleanup, Criterion, Duplicate, FileSpec, Logger, Naming};

use crate::model::LogLevel;

/// What [`start`] returns: logging lasts as long as it is kept; [`set_level`] changes its level.
pub use flexi_logger::LoggerHandle;

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("'{level}' is not a log level ({reason})")]
    Level { level: String, reason: String },
    #[error("could not start logging to {}: {reason}", folder.display())]
    Start { folder: PathBuf, reason: String },
}

/// Starts logging at `level` into `folder` (basename `deckhand`), and to standard error too
/// when `echo`. Keep the handle for as long as the program runs.
///
/// The folder and the log files are readable by the user only (0700 / 0600 on Unix): the
/// folder is created so, an existing looser folder and Deckhand's log files in it are
/// tightened (and the log says so), and from here on this program creates every file private
/// (umask 077), so the files the logger rotates in later are too.
pub fn start(folder: &Path, level: &str, echo: bool) -> Result<LoggerHandle, LoggingError> {
    let logger = Logger::try_with_str(level).map_err(|e| LoggingError::Level {
        level: level.to_owned(),
        reason: e.to_string(),
    })?;
    crate::config::private::restrict_new_files();
    let notes = private_folder(folder).map_err(|e| LoggingError::Start {
        folder: folder.to_path_buf(),
        reason: e.to_string(),
    })?;
    let handle = logger
        .log_to_file(FileSpec::default().directory(folder).basename(BASENAME))
        .duplicate_to_stderr(if echo {
            Duplicate::All
        } else {
            Duplicate::Warn
        })
        .format_for_files(flexi_logger::detailed_format)
        .rotate(
            Criterion::AgeOrSize(Age::Day, 10_000_000),
            Naming::Timestamps,
            Cleanup::KeepLogFiles(30),
        )
        .append()
        .start()
        .map_err(|e| LoggingError::Start {
            folder: folder.to_path_buf(),
            reason: e.to_string(),
        })?;
    for note in notes {
        log::warn!("{note}");
    }
    sweep_every_hour(folder);
    Ok(handle)
}

/// Logs at `level` (as [`start`] takes it) from now on, without a restart.
pub fn set_level(handle: &LoggerHandle, level: &str) -> Result<(), LoggingError> {
    handle
        .parse_new_spec(level)
        .map_err(|e| LoggingError::Level {
            level: level.to_owned(),
            reason: e.to_string(),
        })
}

/// Keeps the log level in step with the `log_level` setting while the program runs — a change
/// saved in the window, or made with `deckhand settings set` and seen by the scheduler — unless
/// something stronger fixed the level for this run of the program (`--log-level`,
/// `DECKHAND_LOG`): then a change is noted in the log and waits for the next start.
pub struct LevelFollower {
    handle: LoggerHandle,
    /// What fixed the level for this run, as a person would write it (`DECKHAND_LOG=debug`).
    pinned: Option<String>,
    /// The setting as last followed.
    setting: std::sync::Mutex<LogLevel>,
}

impl LevelFollower {
    /// `setting` is the log level setting the program started with.
    pub fn new(handle: LoggerHandle, setting: LogLevel, pinned: Option<String>) -> Self {
        LevelFollower {
            handle,
            pinned,
            setting: std::sync::Mutex::new(setting),
        }
    }

    /// The setting is now `setting`; `by` is who changed it, when known. Nothing happens when
    /// it is what was followed last (the same change can arrive twice: from the command that
    /// saved it and from the scheduler that saw the database change).
    pub fn follow(&self, setting: LogLevel, by: Option<&str>) {
        let mut followed = self.setting.lock().unwrap_or_else(|e| e.into_inner());
        if *followed == setting {
            return;
        }
        *followed = setting;
        let who = by.map_or_else(
            || "the log level setting changed".to_owned(),
            |by| format!("{by} changed the log level"),
        );
        if let Some(pinned) = &self.pinned {
            log::info!("{who} to {setting}; {pinned} keeps this run of Deckhand at its level");
            return;
        }
        // Said at the old level, so a change to a quieter level is in the log too.
        log::info!("{who} to {setting}");
        match set_level(&self.handle, &setting.to_string()) {
            Ok(()) => log::debug!("debug lines are written from now on (log level {setting})"),
            Err(e) => log::warn!("the log level could not be changed to {setting}: {e}"),
        }
    }
}

/// What fixes the log level for this run of the program, if `DECKHAND_LOG` is set:
/// `DECKHAND_LOG=<its value>`.
pub fn pinned_by_env() -> Option<String> {
    std::env::var(LEVEL_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| format!("{LEVEL_ENV}={v}"))
}

/// The log files' names start with this.
const BASENAME: &str = "deckhand";

/// Creates the log folder private, or tightens it and Deckhand's log files in it; says what it
/// tightened (or could not). Only creating the folder can fail.
fn private_folder(folder: &Path) -> std::io::Result<Vec<String>> {
    use crate::config::private;
    if private::create_folder(folder)? {
        return Ok(Vec::new());
    }
    let mut paths = vec![folder.to_path_buf()];
    for entry in std::fs::read_dir(folder)?.flatten() {
        let path = entry.path();
        let ours = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(BASENAME));
        if ours && path.is_file() {
            paths.push(path);
        }
    }
    let notes = paths.iter().filter_map(|path| {
        let outcome = if path == folder {
            private::tighten_folder(path)
        } else {
            private::tighten_file(path)
        };
        outcome.unwrap_or_else(|e| {
            Some(format!(
                "could not make {} readable by this user only: {e}",
                path.display()
            ))
        })
    });
    Ok(notes.collect())
}

/// The environment variable that sets the log level (`error`, `warn`, `info`, `debug`, `trace`,
/// or a flexi_logger spec such as `info,deckhand::engine=debug`) when no level is given.
pub const LEVEL_ENV: &str = "DECKHAND_LOG";

/// The log level from [`LEVEL_ENV`] if it is set and not empty, else `default`.
pub fn level_from_env(default: &str) -> String {
    std::env::var(LEVEL_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Rotated log files older than this are removed (the logger itself keeps at most 30 files,
/// rotating daily or at 10 MB; this also clears old files after days the program was off).
pub const MAX_LOG_AGE: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Removes Deckhand's rotated log files in `folder` last written more than `max_age` ago (the
/// current file, `deckhand_rCURRENT.log`, is never touched). Returns how many it removed.
pub fn remove_old_logs(folder: &Path, max_age: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let rotated = name.starts_with(&format!("{BASENAME}_r")) && !name.contains("CURRENT");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age > max_age);
        if rotated && old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Removes old log files now and then once an hour, on a thread of its own for as long as the
/// program runs.
fn sweep_every_hour(folder: &Path) {
    let folder = folder.to_path_buf();
    let _ = std::thread::Builder::new()
        .name("deckhand-log-sweep".to_owned())
        .spawn(move || {
            loop {
                let removed = remove_old_logs(&folder, MAX_LOG_AGE);
                if removed > 0 {
                    log::info!("removed {removed} log file(s) older than 30 days");
                }
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        });
}
