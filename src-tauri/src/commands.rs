//! The commands the web UI invokes. Each one takes the managed state, makes
//! one call into the core on a blocking thread, and converts the result;
//! anything more belongs in the core.

use std::sync::{Arc, Mutex};

use deckhand::error::IpcError;
use deckhand::host::HostStatus;
use deckhand::store::Store;
use deckhand::{AppSettings, Schedule, ScheduleListFilter};
use tauri::State;

use crate::host::HostState;
use crate::state::StoreState;

/// The schedules the filter selects, as the Schedules page lists them.
#[tauri::command]
pub async fn list_schedules(
    state: State<'_, StoreState>,
    filter: ScheduleListFilter,
) -> Result<Vec<Schedule>, IpcError> {
    with_store(&state, move |store| Ok(store.list_schedules(filter)?)).await
}

/// The settings in force (the UI shows "Simulation" when runs go to the simulator).
#[tauri::command]
pub async fn get_settings(state: State<'_, StoreState>) -> Result<AppSettings, IpcError> {
    with_store(&state, |store| Ok(store.settings()?)).await
}

/// Whether the scheduler runs in this window and whether the keyring keeps passwords (the
/// header says plainly when either is not so).
#[tauri::command]
pub fn get_host_status(host: State<'_, Arc<HostState>>) -> HostStatus {
    HostStatus::new(host.not_here.clone(), &host.secrets)
}

/// Runs `call` with the store locked on Tokio's blocking pool, so the UI
/// thread never waits on SQLite.
async fn with_store<T, F>(state: &StoreState, call: F) -> Result<T, IpcError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, IpcError> + Send + 'static,
{
    let store: Arc<Mutex<Store>> = state.store()?;
    tauri::async_runtime::spawn_blocking(move || {
        // A poisoned lock means an earlier call panicked mid-way; SQLite's
        // transactions keep the file consistent, so carry on with the
        // connection rather than failing every later command.
        let store = store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        call(&store)
    })
    .await
    .map_err(|error| {
        IpcError::new(
            "internal",
            format!("The store call did not finish: {error}"),
        )
    })?
}
