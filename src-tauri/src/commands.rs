//! The commands the web UI invokes. Each one takes the managed state, makes
//! one call into the core (on a blocking thread when it touches SQLite), and
//! converts the result; anything more belongs in the core.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use deckhand::backup::{BackupError, BackupFile, BackupReport};
use deckhand::doctor::Check;
use deckhand::error::IpcError;
use deckhand::host::HostStatus;
use deckhand::model::{
    AuditEntry, Contact, ContactDraft, Destination, DestinationDraft, HistoryPage, HistoryQuery,
    NotificationLogEntry, PendingNotification, Recurrence, Run, SettingKey, SmtpSettings,
};
use deckhand::notify::TestEmailResult;
use deckhand::notify::destinations::TestPostResult;
use deckhand::status::Overview;
use deckhand::store::Store;
use deckhand::{AppSettings, Schedule, ScheduleDraft, ScheduleListFilter};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;
use uuid::Uuid;

use crate::host::HostState;
use crate::state::{LogState, StoreState};

type Host<'a> = State<'a, Arc<HostState>>;

/// Who is acting, for the audit log: the person logged in to this PC.
fn actor() -> String {
    deckhand::host::login_name().unwrap_or_else(|| "desktop".to_owned())
}

/// Runs `call` with the store locked on Tokio's blocking pool, so the UI
/// thread never waits on SQLite.
async fn with_store<T, F>(state: &StoreState, call: F) -> Result<T, IpcError>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, IpcError> + Send + 'static,
{
    let store: Arc<Mutex<Store>> = state.store()?;
    tauri::async_runtime::spawn_blocking(move || {
        // A poisoned lock means an earlier call panicked mid-way; SQLite's
        // transactions keep the file consistent, so carry on with the
        // connection rather than failing every later command.
        let mut store = store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        call(&mut store)
    })
    .await
    .map_err(|error| {
        IpcError::new(
            "internal",
            format!("The store call did not finish: {error}"),
        )
    })?
}

/// Writes a schedule through the store, then has the engine (when it runs here) plan it at
/// once, and returns it as planned, its next run filled in. Where the scheduler runs in another
/// program, that program plans it at its next look at the database.
async fn save_schedule<F>(
    state: &State<'_, StoreState>,
    host: &HostState,
    write: F,
) -> Result<Schedule, IpcError>
where
    F: FnOnce(&mut Store) -> Result<Schedule, IpcError> + Send + 'static,
{
    let schedule = with_store(state, write).await?;
    let Ok(engine) = host.engine() else {
        return Ok(schedule);
    };
    if engine.replan(schedule.id).await.is_err() {
        return Ok(schedule);
    }
    let id = schedule.id;
    with_store(state, move |store| Ok(store.get_schedule(id)?)).await
}

/// Tells the engine (when it runs here) that a schedule changed, so it acts at once rather
/// than at its next look at the database.
fn changed(host: &HostState, schedule_id: Uuid) {
    if let Ok(engine) = host.engine() {
        let _ = engine.schedule_changed(schedule_id);
    }
}

// --- Schedules -------------------------------------------------------------------------------

/// The schedules the filter selects, as the Schedules page lists them.
#[tauri::command]
pub async fn list_schedules(
    state: State<'_, StoreState>,
    filter: ScheduleListFilter,
) -> Result<Vec<Schedule>, IpcError> {
    with_store(&state, move |store| Ok(store.list_schedules(filter)?)).await
}

/// One schedule.
#[tauri::command]
pub async fn get_schedule(state: State<'_, StoreState>, id: Uuid) -> Result<Schedule, IpcError> {
    with_store(&state, move |store| Ok(store.get_schedule(id)?)).await
}

/// Creates a schedule from the form.
#[tauri::command]
pub async fn create_schedule(
    state: State<'_, StoreState>,
    host: Host<'_>,
    draft: ScheduleDraft,
) -> Result<Schedule, IpcError> {
    save_schedule(&state, &host, move |store| {
        Ok(store.create_schedule(&draft, &actor())?)
    })
    .await
}

/// Saves an edit made on the schedule as it was at `expected_updated_at`; a stale token is a
/// `conflict` carrying the schedule as it is now.
#[tauri::command]
pub async fn update_schedule(
    state: State<'_, StoreState>,
    host: Host<'_>,
    id: Uuid,
    draft: ScheduleDraft,
    expected_updated_at: DateTime<Utc>,
) -> Result<Schedule, IpcError> {
    save_schedule(&state, &host, move |store| {
        Ok(store.update_schedule(id, &draft, expected_updated_at, &actor())?)
    })
    .await
}

/// Pauses or resumes one schedule (an edit of its `active` flag, with the concurrency token).
#[tauri::command]
pub async fn set_schedule_active(
    state: State<'_, StoreState>,
    host: Host<'_>,
    id: Uuid,
    active: bool,
    expected_updated_at: DateTime<Utc>,
) -> Result<Schedule, IpcError> {
    save_schedule(&state, &host, move |store| {
        let mut draft = store.get_schedule(id)?.draft();
        draft.active = active;
        Ok(store.update_schedule(id, &draft, expected_updated_at, &actor())?)
    })
    .await
}

/// Archives (hides, never runs) or unarchives a schedule.
#[tauri::command]
pub async fn set_schedule_archived(
    state: State<'_, StoreState>,
    host: Host<'_>,
    id: Uuid,
    archived: bool,
) -> Result<Schedule, IpcError> {
    save_schedule(&state, &host, move |store| {
        Ok(store.set_archived(id, archived, &actor())?)
    })
    .await
}

/// Deletes a schedule; its runs stay in history under its name. Returns how many were kept.
#[tauri::command]
pub async fn delete_schedule(
    state: State<'_, StoreState>,
    host: Host<'_>,
    id: Uuid,
) -> Result<usize, IpcError> {
    let kept = with_store(
        &state,
        move |store| Ok(store.delete_schedule(id, &actor())?),
    )
    .await?;
    changed(&host, id);
    Ok(kept)
}

/// The next `count` run times of a recurrence as drafted in the form (validated first, so
/// the form shows the same messages saving would).
#[tauri::command]
pub fn preview_recurrence(
    recurrence: Recurrence,
    previous: Option<Recurrence>,
    count: usize,
) -> Result<Vec<DateTime<Utc>>, IpcError> {
    let now = Utc::now();
    let recurrence = deckhand::validate::recurrence(&recurrence, previous.as_ref(), now)?;
    Ok(deckhand::slots::preview(
        &recurrence,
        now,
        count.clamp(1, 50),
        &chrono::Local,
    ))
}

/// Resolves a schedule's recovery with a note and the name of the person who did it.
#[tauri::command]
pub async fn resolve_recovery(
    state: State<'_, StoreState>,
    host: Host<'_>,
    id: Uuid,
    note: String,
    name: String,
) -> Result<Schedule, IpcError> {
    save_schedule(&state, &host, move |store| {
        Ok(store.resolve_recovery(id, &note, &name)?)
    })
    .await
}

/// Runs a schedule now (the scheduler must run in this window).
#[tauri::command]
pub async fn run_now(host: Host<'_>, id: Uuid) -> Result<Run, IpcError> {
    Ok(host.engine()?.run_now(id, &actor()).await?)
}

/// Skips a schedule's next run.
#[tauri::command]
pub async fn skip_next(host: Host<'_>, id: Uuid) -> Result<Run, IpcError> {
    Ok(host.engine()?.skip_next(id, &actor()).await?)
}

/// Cancels a run that is waiting to start.
#[tauri::command]
pub async fn cancel_run(host: Host<'_>, run_id: Uuid) -> Result<Run, IpcError> {
    Ok(host.engine()?.cancel(run_id, &actor()).await?)
}

/// Aborts a running (or stuck) run: ends HxRun; the schedule then needs recovery. When the
/// scheduler runs in another program, the request is recorded for it to carry out.
#[tauri::command]
pub async fn abort_run(
    state: State<'_, StoreState>,
    host: Host<'_>,
    run_id: Uuid,
) -> Result<Run, IpcError> {
    match host.engine() {
        Ok(engine) => Ok(engine.abort(run_id, &actor()).await?),
        Err(_) => {
            with_store(&state, move |store| {
                Ok(store.request_abort(run_id, &actor())?)
            })
            .await
        }
    }
}

/// Picks a method file with the system's file dialog, starting in the methods folder.
#[tauri::command]
pub async fn pick_method_file(
    app: AppHandle,
    state: State<'_, StoreState>,
) -> Result<Option<String>, IpcError> {
    let folder = with_store(&state, |store| Ok(store.settings()?.methods_folder)).await?;
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = app
            .dialog()
            .file()
            .set_title("Choose a VENUS method")
            .add_filter("VENUS methods", &["med", "hsl"]);
        if !folder.is_empty() {
            dialog = dialog.set_directory(PathBuf::from(folder));
        }
        dialog.blocking_pick_file()
    })
    .await
    .map_err(|e| IpcError::new("internal", format!("The file dialog did not finish: {e}")))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.to_string_lossy().into_owned()))
}

// --- The scheduler ---------------------------------------------------------------------------

/// What runs, what needs a person, what is next, and whether the robot is busy with a run
/// Deckhand did not start.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Dashboard {
    pub overview: Overview,
    /// A run on the robot that Deckhand did not start (e.g. "HxRun.exe, pid 4242").
    pub foreign_run: Option<String>,
    /// The scheduler runs in this window.
    pub scheduler_here: bool,
}

/// The dashboard's data.
#[tauri::command]
pub async fn get_dashboard(
    state: State<'_, StoreState>,
    host: Host<'_>,
) -> Result<Dashboard, IpcError> {
    let (overview, names) = with_store(&state, |store| {
        Ok((
            deckhand::status::overview(store)?,
            store.settings()?.robot_process_names,
        ))
    })
    .await?;
    let foreign_run = tauri::async_runtime::spawn_blocking(move || {
        use deckhand::engine::RobotMonitor;
        deckhand::engine::ProcessMonitor::new().foreign_run(&names, &Default::default())
    })
    .await
    .unwrap_or(None);
    Ok(Dashboard {
        overview,
        foreign_run,
        scheduler_here: host.engine_here(),
    })
}

/// Pauses (`true`) or resumes the whole scheduler, wherever it runs; the pause is kept in the
/// database, so it outlives a restart.
#[tauri::command]
pub async fn set_scheduler_paused(
    app: AppHandle,
    host: Host<'_>,
    paused: bool,
) -> Result<(), IpcError> {
    host.set_paused(paused, &actor()).await?;
    crate::tray::refresh(&app);
    Ok(())
}

/// Whether the scheduler runs in this window and whether the keyring keeps passwords (the
/// header says plainly when either is not so).
#[tauri::command]
pub fn get_host_status(host: Host<'_>) -> HostStatus {
    HostStatus::new(host.not_here.clone(), &host.secrets)
}

/// Whether Deckhand starts when this user logs in.
#[tauri::command]
pub fn get_autostart(app: AppHandle) -> Result<bool, IpcError> {
    use tauri_plugin_autostart::ManagerExt;
    app.autolaunch().is_enabled().map_err(|e| {
        IpcError::new(
            "io",
            format!("Could not tell whether Deckhand starts at login: {e}"),
        )
    })
}

/// Makes Deckhand start (or not) when this user logs in.
#[tauri::command]
pub fn set_autostart(app: AppHandle, enabled: bool) -> Result<bool, IpcError> {
    use tauri_plugin_autostart::ManagerExt;
    let launcher = app.autolaunch();
    let result = if enabled {
        launcher.enable()
    } else {
        launcher.disable()
    };
    result.map_err(|e| IpcError::new("io", format!("Could not change starting at login: {e}")))?;
    log::info!("start at login {}", if enabled { "on" } else { "off" });
    Ok(enabled)
}

/// Opens the folder with Deckhand's log files in the file manager.
#[tauri::command]
pub fn open_logs_folder(app: AppHandle) -> Result<String, IpcError> {
    let db = deckhand::config::resolve_db_path(None)?;
    open_folder(&app, &deckhand::config::log_folder(&db))
}

/// Creates `folder` (readable by this user only) if it is missing and opens it in the file
/// manager; returns its path as shown to the person.
fn open_folder(app: &AppHandle, folder: &std::path::Path) -> Result<String, IpcError> {
    use tauri_plugin_opener::OpenerExt;
    deckhand::config::private::create_folder(folder)
        .map_err(|e| IpcError::new("io", format!("Could not create {}: {e}", folder.display())))?;
    let shown = folder.to_string_lossy().into_owned();
    app.opener()
        .open_path(&shown, None::<&str>)
        .map_err(|e| IpcError::new("io", format!("Could not open {shown}: {e}")))?;
    Ok(shown)
}

// --- History ---------------------------------------------------------------------------------

/// One page of history.
#[tauri::command]
pub async fn get_history(
    state: State<'_, StoreState>,
    query: HistoryQuery,
) -> Result<HistoryPage, IpcError> {
    with_store(&state, move |store| Ok(store.history(&query)?)).await
}

/// Exports the history the filters select as CSV, to a file the person picks. `None` when
/// they cancelled; otherwise the number of runs written.
#[tauri::command]
pub async fn export_history_csv(
    app: AppHandle,
    state: State<'_, StoreState>,
    query: HistoryQuery,
) -> Result<Option<usize>, IpcError> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Export history")
            .set_file_name("deckhand-history.csv")
            .add_filter("CSV", &["csv"])
            .blocking_save_file()
    })
    .await
    .map_err(|e| IpcError::new("internal", format!("The file dialog did not finish: {e}")))?;
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    with_store(&state, move |store| {
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."))
            .to_path_buf();
        let io = |e: std::io::Error| {
            IpcError::new("io", format!("Could not write {}: {e}", path.display()))
        };
        // Written beside the target and moved into place: never a half-written file.
        let mut file = tempfile::NamedTempFile::new_in(&folder).map_err(io)?;
        let count = store.export_history_csv(&query, &mut file)?;
        file.persist(&path).map_err(|e| io(e.error))?;
        Ok(Some(count))
    })
    .await
}

/// The calendar between two instants: runs that happened and slots still to come, in the
/// PC's time zone.
#[tauri::command]
pub async fn get_calendar(
    state: State<'_, StoreState>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<deckhand::status::CalendarItem>, IpcError> {
    if to <= from || to - from > chrono::Duration::days(62) {
        return Err(IpcError::new(
            "invalid_input",
            "The calendar shows at most two months at a time, and the end must come after the start.",
        ));
    }
    with_store(&state, move |store| {
        Ok(deckhand::status::calendar(
            store,
            from,
            to,
            Utc::now(),
            &chrono::Local,
        )?)
    })
    .await
}

// --- Notifications ---------------------------------------------------------------------------

#[tauri::command]
pub async fn list_contacts(state: State<'_, StoreState>) -> Result<Vec<Contact>, IpcError> {
    with_store(&state, |store| Ok(store.list_contacts()?)).await
}

#[tauri::command]
pub async fn create_contact(
    state: State<'_, StoreState>,
    draft: ContactDraft,
) -> Result<Contact, IpcError> {
    with_store(&state, move |store| {
        Ok(store.create_contact(&draft, &actor())?)
    })
    .await
}

#[tauri::command]
pub async fn update_contact(
    state: State<'_, StoreState>,
    id: Uuid,
    draft: ContactDraft,
) -> Result<Contact, IpcError> {
    with_store(&state, move |store| {
        Ok(store.update_contact(id, &draft, &actor())?)
    })
    .await
}

#[tauri::command]
pub async fn delete_contact(state: State<'_, StoreState>, id: Uuid) -> Result<(), IpcError> {
    with_store(&state, move |store| Ok(store.delete_contact(id, &actor())?)).await
}

#[tauri::command]
pub async fn get_smtp_settings(
    state: State<'_, StoreState>,
) -> Result<Option<SmtpSettings>, IpcError> {
    with_store(&state, |store| Ok(store.smtp_settings()?)).await
}

#[tauri::command]
pub async fn set_smtp_settings(
    state: State<'_, StoreState>,
    settings: SmtpSettings,
) -> Result<SmtpSettings, IpcError> {
    with_store(&state, move |store| {
        Ok(store.set_smtp_settings(&settings, &actor())?)
    })
    .await
}

/// Where a password was put.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PasswordKept {
    /// In the operating system's keyring.
    Keyring,
    /// In this program's memory until Deckhand closes (the keyring does not work).
    SessionOnly,
}

/// Keeps the mail server's password (for the user in the SMTP settings).
#[tauri::command]
pub async fn set_smtp_password(
    state: State<'_, StoreState>,
    host: Host<'_>,
    password: String,
) -> Result<PasswordKept, IpcError> {
    let settings = with_store(&state, |store| Ok(store.smtp_settings()?)).await?;
    let settings = settings.ok_or_else(|| {
        IpcError::new(
            "invalid_input",
            "Save the mail server settings first; the password belongs to their user.",
        )
    })?;
    let user = settings.username.ok_or_else(|| {
        IpcError::new(
            "invalid_input",
            "The mail server is set up without a user name, so it takes no password.",
        )
    })?;
    let secrets = host.secrets.clone();
    let host_name = settings.host.clone();
    let kept = tauri::async_runtime::spawn_blocking(move || {
        secrets.set_smtp_password(&host_name, &user, &password)
    })
    .await
    .map_err(|e| IpcError::new("internal", e.to_string()))??;
    if let Some(bell) = host.outbox_bell() {
        // Emails that waited for the password can go now.
        bell.notify_one();
    }
    Ok(self::kept(kept))
}

/// Sends a test message now, to `to` or else every enabled contact.
#[tauri::command]
pub async fn send_test_email(
    state: State<'_, StoreState>,
    host: Host<'_>,
    to: Option<String>,
) -> Result<Vec<TestEmailResult>, IpcError> {
    let secrets = host.secrets.clone();
    // The store is held for the length of the SMTP conversation (bounded by lettre's 30 s
    // timeout), on with_store's blocking thread with a small runtime of its own.
    with_store(&state, move |store| {
        Ok(
            current_thread()?.block_on(deckhand::notify::send_test_email(
                store,
                &secrets,
                to.map(|address| (String::new(), address)),
            ))?,
        )
    })
    .await
}

/// A small runtime for a call that talks to a server while the store is held.
fn current_thread() -> Result<tokio::runtime::Runtime, IpcError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| IpcError::new("internal", e.to_string()))
}

/// A destination as saved, and where its new URL was put (none when the URL was kept).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedDestination {
    pub destination: Destination,
    pub url_kept: Option<PasswordKept>,
}

fn kept(kept: deckhand::secrets::Kept) -> PasswordKept {
    match kept {
        deckhand::secrets::Kept::Keyring => PasswordKept::Keyring,
        deckhand::secrets::Kept::SessionOnly => PasswordKept::SessionOnly,
    }
}

/// Microsoft Teams, Slack and webhook destinations, by name (hosts only: URLs are secrets).
#[tauri::command]
pub async fn list_destinations(state: State<'_, StoreState>) -> Result<Vec<Destination>, IpcError> {
    with_store(&state, |store| Ok(store.list_destinations()?)).await
}

/// Adds a destination; its URL goes to the keyring.
#[tauri::command]
pub async fn create_destination(
    state: State<'_, StoreState>,
    host: Host<'_>,
    draft: DestinationDraft,
) -> Result<SavedDestination, IpcError> {
    let secrets = host.secrets.clone();
    with_store(&state, move |store| {
        let (destination, url_kept) =
            deckhand::notify::destinations::add(store, &secrets, &draft, &actor())?;
        Ok(SavedDestination {
            destination,
            url_kept: Some(kept(url_kept)),
        })
    })
    .await
}

/// Changes a destination; a draft without a URL keeps the one kept.
#[tauri::command]
pub async fn update_destination(
    state: State<'_, StoreState>,
    host: Host<'_>,
    id: Uuid,
    draft: DestinationDraft,
) -> Result<SavedDestination, IpcError> {
    let secrets = host.secrets.clone();
    let saved = with_store(&state, move |store| {
        let (destination, url_kept) =
            deckhand::notify::destinations::edit(store, &secrets, id, &draft, &actor())?;
        Ok(SavedDestination {
            destination,
            url_kept: url_kept.map(kept),
        })
    })
    .await?;
    if let Some(bell) = host.outbox_bell() {
        // Messages that waited for a URL (lost with a session-only keyring) can go now.
        bell.notify_one();
    }
    Ok(saved)
}

/// Removes a destination and forgets its URL.
#[tauri::command]
pub async fn delete_destination(
    state: State<'_, StoreState>,
    host: Host<'_>,
    id: Uuid,
) -> Result<(), IpcError> {
    let secrets = host.secrets.clone();
    with_store(&state, move |store| {
        deckhand::notify::destinations::delete(store, &secrets, id, &actor())?;
        Ok(())
    })
    .await
}

/// Posts a test message to a destination now and reports the service's answer.
#[tauri::command]
pub async fn send_test_post(
    state: State<'_, StoreState>,
    host: Host<'_>,
    id: Uuid,
) -> Result<TestPostResult, IpcError> {
    let secrets = host.secrets.clone();
    // As for the test email: the store is held for the post (at most 20 s).
    with_store(&state, move |store| {
        Ok(
            current_thread()?.block_on(deckhand::notify::destinations::send_test(
                store, &secrets, id,
            ))?,
        )
    })
    .await
}

/// The notification log, newest first.
#[tauri::command]
pub async fn get_notification_log(
    state: State<'_, StoreState>,
    limit: u32,
    offset: u32,
) -> Result<Vec<NotificationLogEntry>, IpcError> {
    with_store(&state, move |store| {
        Ok(store.notification_log(limit.clamp(1, 500), offset)?)
    })
    .await
}

/// Messages still waiting to go out, oldest first.
#[tauri::command]
pub async fn get_pending_notifications(
    state: State<'_, StoreState>,
) -> Result<Vec<PendingNotification>, IpcError> {
    with_store(&state, |store| {
        Ok(store
            .pending_outbox(500)?
            .iter()
            .map(PendingNotification::from)
            .collect())
    })
    .await
}

// --- Settings and the audit log --------------------------------------------------------------

/// The settings in force (the UI shows "Simulation" when runs go to the simulator).
#[tauri::command]
pub async fn get_settings(state: State<'_, StoreState>) -> Result<AppSettings, IpcError> {
    with_store(&state, |store| Ok(store.settings()?)).await
}

/// Changes one setting (validated; audited with the old and new value). A new log level
/// applies to the log files at once.
#[tauri::command]
pub async fn set_setting(
    state: State<'_, StoreState>,
    host: Host<'_>,
    logs: State<'_, LogState>,
    key: SettingKey,
    value: String,
) -> Result<AppSettings, IpcError> {
    let settings = with_store(&state, move |store| {
        Ok(store.set_setting(key, &value, &actor())?)
    })
    .await?;
    settings_changed(&host, &logs, key, &settings);
    Ok(settings)
}

/// After a setting changed: the engine (when it runs here) follows at once (a raised capacity
/// starts a waiting run), and a new log level applies to the log files.
fn settings_changed(host: &HostState, logs: &LogState, key: SettingKey, settings: &AppSettings) {
    if let Ok(engine) = host.engine() {
        let _ = engine.settings_changed();
    }
    if key == SettingKey::LogLevel {
        logs.follow(settings.log_level, Some(&actor()));
    }
}

/// Puts one setting back to its default.
#[tauri::command]
pub async fn reset_setting(
    state: State<'_, StoreState>,
    host: Host<'_>,
    logs: State<'_, LogState>,
    key: SettingKey,
) -> Result<AppSettings, IpcError> {
    let settings = with_store(&state, move |store| Ok(store.reset_setting(key, &actor())?)).await?;
    settings_changed(&host, &logs, key, &settings);
    Ok(settings)
}

/// Who did what, newest first (optionally about one schedule, contact or setting).
#[tauri::command]
pub async fn get_audit_log(
    state: State<'_, StoreState>,
    target: Option<String>,
    limit: u32,
) -> Result<Vec<AuditEntry>, IpcError> {
    with_store(&state, move |store| {
        Ok(store.audit_log(target.as_deref(), limit.clamp(1, 1000), 0)?)
    })
    .await
}

// --- Diagnostics and backups -----------------------------------------------------------------

/// The database this window works on.
fn database() -> Result<PathBuf, IpcError> {
    Ok(deckhand::config::resolve_db_path(None)?)
}

/// A backup that failed, in the core's words.
fn backup_error(error: BackupError) -> IpcError {
    IpcError::new(error.code(), error.to_string())
}

/// Runs `call` on Tokio's blocking pool (it reads files or waits on the network).
async fn blocking<T, F>(what: &str, call: F) -> Result<T, IpcError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, IpcError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(call)
        .await
        .map_err(|e| IpcError::new("internal", format!("{what} did not finish: {e}")))?
}

/// Every check `deckhand doctor` makes (HxRun, folders, database, keyring as this window found
/// it, mail server, disk space, backups). Takes up to 5 s when the mail server does not answer.
#[tauri::command]
pub async fn run_diagnostics(host: Host<'_>) -> Result<Vec<Check>, IpcError> {
    let db = database()?;
    let secrets = host.secrets.clone();
    blocking("The checks", move || {
        Ok(deckhand::doctor::run(&db, secrets.status(), Utc::now()))
    })
    .await
}

/// The backups folder and the backups in it, newest first.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Backups {
    /// Where backups are kept: `backups` beside the database.
    pub folder: String,
    pub files: Vec<BackupFile>,
}

/// Where backups are kept, and the backups there.
#[tauri::command]
pub async fn list_backups() -> Result<Backups, IpcError> {
    let folder = deckhand::backup::default_folder(&database()?);
    blocking("Listing the backups", move || {
        let files = deckhand::backup::list(&folder).map_err(backup_error)?;
        Ok(Backups {
            folder: folder.to_string_lossy().into_owned(),
            files,
        })
    })
    .await
}

/// Makes a checked backup of the database now into the backups folder, keeping the newest
/// `backup_keep` (the setting), as `deckhand backup` does.
#[tauri::command]
pub async fn backup_now() -> Result<BackupReport, IpcError> {
    let db = database()?;
    let report = blocking("The backup", move || {
        let keep = deckhand::host::backup_keep(&db);
        deckhand::backup::backup_now(&db, &deckhand::backup::default_folder(&db), keep)
            .map_err(backup_error)
    })
    .await?;
    log::info!(
        "{} made a backup from the window: {} ({} bytes){}",
        actor(),
        report.path.display(),
        report.bytes,
        if report.removed.is_empty() {
            String::new()
        } else {
            format!("; removed {} older backup(s)", report.removed.len())
        }
    );
    Ok(report)
}

/// Opens the backups folder in the file manager (created if there is none yet).
#[tauri::command]
pub fn open_backups_folder(app: AppHandle) -> Result<String, IpcError> {
    open_folder(&app, &deckhand::backup::default_folder(&database()?))
}
