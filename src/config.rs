//! Where Deckhand keeps its files.

use std::path::PathBuf;

use directories::ProjectDirs;

/// The environment variable that names the database file, for scripts and tests.
pub const DB_ENV: &str = "DECKHAND_DB";

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "deckhand.sqlite3";

/// Why Deckhand could not work out where its files go.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The operating system reported no home or data folder for this user.
    #[error(
        "Deckhand could not find your user data folder; give the database file with --db PATH or the {DB_ENV} environment variable."
    )]
    NoDataFolder,
}

/// The user's data folder for Deckhand (e.g. `%APPDATA%\Deckhand\data` on Windows,
/// `~/.local/share/deckhand` on Linux).
pub fn data_dir() -> Result<PathBuf, ConfigError> {
    ProjectDirs::from("org", "Deckhand", "Deckhand")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(ConfigError::NoDataFolder)
}

/// The database path: `explicit` (from `--db`), else `$DECKHAND_DB`, else the data folder.
pub fn resolve_db_path(explicit: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    if let Some(path) = explicit {
        return Ok(path);
    }
    if let Some(path) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    Ok(data_dir()?.join(DB_FILE))
}

/// Where the log files of the program working on the database at `db` go: `logs` beside it.
pub fn log_folder(db: &std::path::Path) -> std::path::PathBuf {
    db.parent()
        .unwrap_or(std::path::Path::new("."))
        .join("logs")
}
