//! Log files: one folder, rotated daily or at 10 MB, kept 30 days. `deckhand run` and the
//! desktop app both log through this.

use std::path::{Path, PathBuf};

use flexi_logger::{Age, Cleanup, Criterion, Duplicate, FileSpec, Logger, LoggerHandle, Naming};

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
pub fn start(folder: &Path, level: &str, echo: bool) -> Result<LoggerHandle, LoggingError> {
    Logger::try_with_str(level)
        .map_err(|e| LoggingError::Level {
            level: level.to_owned(),
            reason: e.to_string(),
        })?
        .log_to_file(FileSpec::default().directory(folder).basename("deckhand"))
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
        })
}
