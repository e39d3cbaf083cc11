//! Deckhand's desktop shell: the Tauri window around the core crate.
//!
//! This crate is the only place that knows Tauri. It opens the core's store,
//! puts it into Tauri's managed state, and exposes thin commands
//! ([`commands`]) that the web UI in `ui/` calls with `invoke`. Scheduling,
//! storage and every rule live in the `deckhand` crate.

mod commands;
mod state;

use state::StoreState;

/// Builds and runs the app; returns when the last window closes.
///
/// # Panics
///
/// When Tauri cannot start at all (no display, no WebView runtime): there is
/// nothing to show an error in, so the message goes to stderr.
pub fn run() {
    tauri::Builder::default()
        .manage(StoreState::open())
        .invoke_handler(tauri::generate_handler![
            commands::list_schedules,
            commands::get_settings
        ])
        .run(tauri::generate_context!())
        .expect("Deckhand could not start its window");
}
