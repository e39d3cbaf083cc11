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

/// Deckhand's log files, whose level follows the log level setting: a change saved in the
/// window applies at once, one made by another program when the scheduler sees it.
pub struct LogState {
    follower: Option<deckhand::logging::LevelFollower>,
}

impl LogState {
    /// The log level setting of the database at `db` (info when there is none yet).
    pub fn setting(db: Option<&std::path::Path>) -> deckhand::model::LogLevel {
        db.and_then(Store::read_settings)
            .map(|settings| settings.log_level)
            .unwrap_or_default()
    }

    /// The log level to start with: `DECKHAND_LOG` when it is set, else the log level setting
    /// of the database at `db`, else info.
    pub fn start_level(db: Option<&std::path::Path>) -> String {
        deckhand::logging::level_from_env(&Self::setting(db).to_string())
    }

    /// `handle` is `None` when logging could not start (there is nothing to adjust then);
    /// `setting` is the log level setting the window started with.
    pub fn new(
        handle: Option<deckhand::logging::LoggerHandle>,
        setting: deckhand::model::LogLevel,
    ) -> Self {
        LogState {
            follower: handle.map(|handle| {
                deckhand::logging::LevelFollower::new(
                    handle,
                    setting,
                    deckhand::logging::pinned_by_env(),
                )
            }),
        }
    }

    /// The log level setting is now `level`; `by` is who changed it, when known. Logs at that
    /// level from now on unless `DECKHAND_LOG` sets the level for this run of the program.
    pub fn follow(&self, level: deckhand::model::LogLevel, by: Option<&str>) {
        if let Some(follower) = &self.follower {
            follower.follow(level, by);
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
        LogState::new(None, deckhand::model::LogLevel::Info)
            .follow(deckhand::model::LogLevel::Trace, Some("test"));
    }
}
