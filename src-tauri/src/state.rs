//! What the shell keeps between commands.

use std::sync::{Arc, Mutex};

use deckhand::clock::SystemClock;
use deckhand::error::IpcError;
use deckhand::store::Store;

/// The core's store, shared by the commands.
///
/// `Store` holds a rusqlite connection: `Send` but not `Sync`, hence the
/// mutex. Commands lock it only inside `spawn_blocking`, never on the UI
/// thread and never across an `.await`.
///
/// Opening can fail (unwritable data folder, a database from a newer
/// Deckhand). The window still opens and every command answers with the
/// reason, so the user sees it on screen rather than a window that never
/// appears.
pub struct StoreState(Result<Arc<Mutex<Store>>, IpcError>);

impl StoreState {
    /// Opens the database that `DECKHAND_DB` names, else the one in the
    /// user's data folder.
    pub fn open() -> Self {
        let opened = deckhand::config::resolve_db_path(None)
            .map_err(IpcError::from)
            .and_then(|path| Store::open(&path, Arc::new(SystemClock)).map_err(IpcError::from));
        if let Err(error) = &opened {
            eprintln!(
                "deckhand: the schedule store could not be opened: {}",
                error.message
            );
        }
        StoreState(opened.map(|store| Arc::new(Mutex::new(store))))
    }

    /// A handle for one blocking call, or why there is no store.
    pub fn store(&self) -> Result<Arc<Mutex<Store>>, IpcError> {
        self.0.clone()
    }
}

/// Deckhand's log files, whose level a change of the log level setting adjusts at once.
pub struct LogState {
    handle: Option<deckhand::logging::LoggerHandle>,
}

impl LogState {
    /// The log level to start with: `DECKHAND_LOG` when it is set, else the log level setting
    /// of the database at `db`, else info.
    pub fn start_level(db: Option<&std::path::Path>) -> String {
        let setting = db
            .and_then(Store::read_settings)
            .map(|settings| settings.log_level)
            .unwrap_or_default();
        deckhand::logging::level_from_env(&setting.to_string())
    }

    /// `handle` is `None` when logging could not start (there is nothing to adjust then).
    pub fn new(handle: Option<deckhand::logging::LoggerHandle>) -> Self {
        LogState { handle }
    }

    /// Logs at `level` from now on, unless `DECKHAND_LOG` sets the level for this run of the
    /// program; says in the log who changed it to what.
    pub fn apply(&self, level: deckhand::model::LogLevel, actor: &str) {
        let Some(handle) = &self.handle else {
            return;
        };
        if let Some(forced) = std::env::var(deckhand::logging::LEVEL_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            log::info!(
                "{actor} set the log level to {level}; {}={forced} is set, so this run of Deckhand keeps logging at that level",
                deckhand::logging::LEVEL_ENV
            );
            return;
        }
        // Said at the old level, so a change to a quieter level is in the log too.
        log::info!("{actor} changed the log level to {level}");
        match deckhand::logging::set_level(handle, &level.to_string()) {
            Ok(()) => log::debug!("debug lines are written from now on (log level {level})"),
            Err(e) => log::warn!("the log level could not be changed to {level}: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deckhand::model::SettingKey;

    /// What `DECKHAND_LOG` says in this test's environment, which wins over the setting.
    fn forced() -> Option<String> {
        std::env::var(deckhand::logging::LEVEL_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
    }

    #[test]
    fn the_window_starts_logging_at_the_log_level_setting_unless_deckhand_log_says() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("deckhand.sqlite3");
        let expect = |level: &str| forced().unwrap_or_else(|| level.to_owned());
        assert_eq!(LogState::start_level(None), expect("info"), "no database");
        assert_eq!(
            LogState::start_level(Some(&db)),
            expect("info"),
            "a database not made yet"
        );
        assert!(!db.exists(), "reading the level creates nothing");

        let mut store = Store::open(&db, Arc::new(SystemClock)).unwrap();
        store
            .set_setting(SettingKey::LogLevel, "debug", "test")
            .unwrap();
        assert_eq!(LogState::start_level(Some(&db)), expect("debug"));
        // Without a logger (it could not start) a change is nothing to act on, and no panic.
        LogState::new(None).apply(deckhand::model::LogLevel::Trace, "test");
    }
}
