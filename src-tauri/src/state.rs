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
