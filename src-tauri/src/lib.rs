//! Deckhand's desktop shell: the Tauri window around the core crate.
//!
//! This crate is the only place that knows Tauri. It opens the core's store and starts the
//! scheduler (`host`), puts them into Tauri's managed state, and exposes thin commands
//! ([`commands`]) that the web UI in `ui/` calls with `invoke`. The tray (`tray`) shows the
//! state at a glance; closing the window hides it there while the scheduler keeps running.
//! Scheduling, storage and every rule live in the `deckhand` crate.

mod commands;
mod host;
#[cfg(test)]
mod security_tests;
mod state;
mod tray;
mod webview;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use host::HostState;
use state::{LogState, StoreState};
use tauri::{AppHandle, Manager, WindowEvent};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// What of the window is remembered between starts: size, position, maximised — not whether
/// it was hidden in the tray.
fn window_state_flags() -> StateFlags {
    StateFlags::all() & !StateFlags::VISIBLE
}

/// Whether the tray icon exists (where it does not, closing the window quits).
static TRAY: AtomicBool = AtomicBool::new(false);

/// Shows, un-minimises and focuses the main window.
pub(crate) fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Quits, asking first while a method runs: the method goes on without Deckhand.
pub(crate) fn quit(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let host = app.state::<Arc<HostState>>().inner().clone();
        let running = tauri::async_runtime::spawn_blocking({
            let host = host.clone();
            move || host.overview().map(|o| o.running).unwrap_or_default()
        })
        .await
        .unwrap_or_default();
        if running.is_empty() || !host.engine_here() {
            return stop_and_exit(&app, &host).await;
        }
        let names: Vec<String> = running
            .iter()
            .map(|r| format!("'{}'", r.schedule_name))
            .collect();
        let message = format!(
            "{} {} running on the robot.\n\nIf you quit now, the method keeps running, but nobody watches it: no alert if it fails or gets stuck. Deckhand picks it up again the next time it starts.\n\nQuit Deckhand anyway?",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" }
        );
        show_window(&app);
        let confirm = app.clone();
        app.dialog()
            .message(message)
            .title("A method is running")
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                "Quit".to_owned(),
                "Keep Deckhand running".to_owned(),
            ))
            .show(move |quit| {
                if quit {
                    tauri::async_runtime::spawn(async move {
                        let host = confirm.state::<Arc<HostState>>().inner().clone();
                        stop_and_exit(&confirm, &host).await;
                    });
                }
            });
    });
}

async fn stop_and_exit(app: &AppHandle, host: &HostState) {
    log::info!("quitting: the scheduler stops; methods in flight keep running");
    if let Err(e) = app.save_window_state(window_state_flags()) {
        log::warn!("could not remember the window's size and position: {e}");
    }
    host.shutdown().await;
    app.exit(0);
}

/// Builds and runs the app; returns when Deckhand quits.
///
/// # Panics
///
/// When Tauri cannot start at all (no display, no WebView runtime): there is
/// nothing to show an error in, so the message goes to stderr.
pub fn run() {
    let db = deckhand::config::resolve_db_path(None).ok();
    // Logs beside the database, as `deckhand run` writes them ("Open logs folder" in Settings).
    // At DECKHAND_LOG's level when it is set, else the log level setting's; a change of the
    // setting in the window applies at once (`LogState`).
    let level = LogState::start_level(db.as_deref());
    let setting = LogState::setting(db.as_deref());
    let logger = db.as_ref().and_then(|path| {
        deckhand::logging::start(&deckhand::config::log_folder(path), &level, false)
            .map_err(|e| eprintln!("deckhand: {e}"))
            .ok()
    });
    webview::check();
    tauri::Builder::default()
        // First: a second launch hands over to the running Deckhand, which shows its window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            show_window(app);
        }))
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(window_state_flags())
                .build(),
        )
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(StoreState::open())
        .manage(LogState::new(logger, setting))
        .setup(move |app| {
            app.manage(Arc::new(HostState::start(db.clone())));
            match tray::Tray::build(app.handle()) {
                Ok(tray) => {
                    app.manage(tray);
                    TRAY.store(true, Ordering::Relaxed);
                }
                Err(e) => log::warn!("no tray icon ({e}); closing the window quits Deckhand"),
            }
            host::forward_events(app.handle());
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                // The scheduler keeps running behind the tray; Quit is in the tray's menu.
                api.prevent_close();
                if TRAY.load(Ordering::Relaxed) {
                    let _ = window.app_handle().save_window_state(window_state_flags());
                    let _ = window.hide();
                } else {
                    quit(window.app_handle());
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_schedules,
            commands::get_schedule,
            commands::create_schedule,
            commands::update_schedule,
            commands::set_schedule_active,
            commands::set_schedule_archived,
            commands::delete_schedule,
            commands::preview_recurrence,
            commands::resolve_recovery,
            commands::run_now,
            commands::skip_next,
            commands::cancel_run,
            commands::abort_run,
            commands::pick_method_file,
            commands::get_dashboard,
            commands::set_scheduler_paused,
            commands::get_host_status,
            commands::get_autostart,
            commands::set_autostart,
            commands::open_logs_folder,
            commands::get_history,
            commands::export_history_csv,
            commands::get_calendar,
            commands::list_contacts,
            commands::create_contact,
            commands::update_contact,
            commands::delete_contact,
            commands::get_smtp_settings,
            commands::set_smtp_settings,
            commands::set_smtp_password,
            commands::send_test_email,
            commands::list_destinations,
            commands::create_destination,
            commands::update_destination,
            commands::delete_destination,
            commands::send_test_post,
            commands::get_notification_log,
            commands::get_pending_notifications,
            commands::get_settings,
            commands::set_setting,
            commands::reset_setting,
            commands::get_audit_log,
            commands::run_diagnostics,
            commands::list_backups,
            commands::backup_now,
            commands::open_backups_folder
        ])
        .run(tauri::generate_context!())
        .expect("Deckhand could not start its window");
}
