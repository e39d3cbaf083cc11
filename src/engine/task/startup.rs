//! Start-up: what a previous run left in flight, the schedules to run, and watching the
//! database for changes made by other programs.

use super::*;

#[cfg(windows)]
mod windows_watch;

impl<R: Runner, M: RobotMonitor, T: Timer, Tz: Zone> Engine<R, M, T, Tz> {
    /// Resolves runs a crash left `pending`, `waiting`, `running` or `stuck`: a method that
    /// is still running is re-attached; anything else becomes `interrupted`, and a schedule
    /// whose interrupted run had launched its method needs recovery.
    pub(super) fn reconcile(&mut self) -> Result<(), EngineError> {
        let open = self.store.runs_in_status(&[
            RunStatus::Pending,
            RunStatus::Waiting,
            RunStatus::Running,
            RunStatus::Stuck,
        ])?;
        for run in open {
            let launched = matches!(run.status, RunStatus::Running | RunStatus::Stuck);
            if launched {
                let schedule = self.store.get_schedule(run.schedule_id).ok();
                if let (Some(pid), Some(started), Some(schedule)) =
                    (run.pid, run.started_at, schedule)
                    && let Some(method) = self.runner.reattach(
                        self.request_for(run.id, &schedule),
                        pid,
                        started,
                        run.trace_file.clone(),
                    )
                {
                    info!(
                        "run {}: re-attached to the method still running as process {pid}",
                        run.id
                    );
                    self.in_flight
                        .insert(run.id, Flight::Running { pid: Some(pid) });
                    self.watch(run.id, method);
                    continue;
                }
                let message = "Deckhand stopped while this run was in progress and the method is no longer running; its outcome is unknown. Check the deck before running it again.";
                warn!("run {}: interrupted while running", run.id);
                let note = format!(
                    "A run due {} was interrupted while its method ran; check the deck.",
                    self.local(run.slot)
                );
                let changes = RunChanges {
                    ended_at: Some(self.now()),
                    error_message: Some(message.to_owned()),
                    ..Default::default()
                };
                self.store.finish_run_needing_recovery(
                    run.id,
                    RunStatus::Interrupted,
                    &changes,
                    &note,
                    ENGINE,
                )?;
            } else if let Some(since) = self.store.launching_since(run.id)? {
                warn!(
                    "run {}: interrupted while its method was being started",
                    run.id
                );
                let note = format!(
                    "Deckhand stopped while it was starting the run due {}, so its method may have started on the deck. Check the deck, then resolve.",
                    self.local(run.slot)
                );
                let changes = RunChanges {
                    // When it may have started: the moment Deckhand began starting it.
                    started_at: Some(since),
                    ended_at: Some(self.now()),
                    error_message: Some(
                        "Deckhand stopped while starting this run, so the method may have started; its outcome is unknown. Check the deck before running it again."
                            .to_owned(),
                    ),
                    ..Default::default()
                };
                self.store.finish_run_needing_recovery(
                    run.id,
                    RunStatus::Interrupted,
                    &changes,
                    &note,
                    ENGINE,
                )?;
            } else {
                info!("run {}: interrupted before it was launched", run.id);
                self.store.transition_run(
                    run.id,
                    RunStatus::Interrupted,
                    &RunChanges {
                        error_message: Some(
                            "Deckhand stopped before this run could start; it was not launched."
                                .to_owned(),
                        ),
                        ..Default::default()
                    },
                )?;
            }
        }
        Ok(())
    }

    pub(super) fn load_schedules(&mut self) -> Result<(), EngineError> {
        let now = self.now();
        let mut unplanned = Vec::new();
        for schedule in self.store.runnable_schedules()? {
            // Slots since the last time a person touched the schedule count; older ones not.
            let reference = schedule.updated_at;
            let id = schedule.id;
            let planned = schedule.next_run.is_some();
            self.track(schedule, reference);
            let cursor = self.schedules.get(&id).and_then(|t| t.cursor);
            if !planned && let Some(next) = cursor.filter(|at| *at > now) {
                unplanned.push((id, Some(next)));
            }
        }
        // Schedules added while no scheduler ran (`deckhand schedules add`, an import onto a new
        // PC) have no next run stored: save the one just worked out, so that the window and
        // `deckhand schedules list` show it rather than "—". Only a slot still to come: one that
        // has passed is handled as due at once, which writes the next run with its runs (and a
        // once-only schedule's passed slot may have run already). One transaction; a background
        // write (the edit token does not move). Should it fail, the schedules still run.
        if !unplanned.is_empty()
            && let Err(e) = self.store.record_due(&[], &unplanned)
        {
            self.problem("Could not save the next runs of the schedules", &e);
        }
        Ok(())
    }

    /// Starts tracking a runnable schedule; without a stored next run, its first slot at or
    /// after `reference`.
    pub(super) fn track(&mut self, schedule: Schedule, reference: DateTime<Utc>) {
        let cursor = schedule
            .next_run
            .or_else(|| slots::at_or_after(&schedule.recurrence, reference, &self.tz));
        self.schedules
            .insert(schedule.id, Tracked { schedule, cursor });
    }
}

/// Sends [`Msg::DatabaseChanged`] when a file of the database at `path` changes. The engine
/// sleeps otherwise: no polling.
pub(super) fn watch_database(
    path: &std::path::Path,
    outbox: mpsc::UnboundedSender<Msg>,
    checkpoints: Option<std::sync::mpsc::Sender<()>>,
) -> Option<DatabaseWatcher> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path.file_name()?.to_string_lossy().into_owned();
    DatabaseWatcher::start(folder, name, move || {
        let _ = outbox.send(Msg::DatabaseChanged);
        if let Some(checkpoints) = &checkpoints {
            let _ = checkpoints.send(());
        }
    })
}

/// Watches the database's folder for files created or changed by other programs; dropping
/// it stops watching (and drops the callback). It blocks in the operating system while
/// nothing changes:
/// - on Windows, a thread of Deckhand's own waiting with no timeout for a
///   `ReadDirectoryChangesW` (`notify`'s Windows back-end wakes ten times a second to look
///   for a stop request), see `windows_watch`;
/// - elsewhere, `notify` (inotify on Linux, FSEvents on macOS).
pub(super) struct DatabaseWatcher {
    #[cfg(windows)]
    _inner: windows_watch::FolderWatcher,
    #[cfg(not(windows))]
    _inner: notify::RecommendedWatcher,
}

impl DatabaseWatcher {
    /// Calls `changed` (on the watcher's own thread) each time a file in `folder` whose name
    /// starts with `name` is created or modified: the database, its `-wal` and its `-shm`.
    /// `None`, with a warning, when the folder cannot be watched.
    pub(super) fn start(
        folder: &std::path::Path,
        name: String,
        changed: impl Fn() + Send + 'static,
    ) -> Option<DatabaseWatcher> {
        #[cfg(windows)]
        let inner = windows_watch::FolderWatcher::start(folder, name, changed)
            .map_err(|e| {
                warn!(
                    "cannot watch {} for changes by other programs: {e}",
                    folder.display()
                )
            })
            .ok()?;
        #[cfg(not(windows))]
        let inner = notify_watcher(folder, name, changed)?;
        Some(DatabaseWatcher { _inner: inner })
    }
}

#[cfg(not(windows))]
fn notify_watcher(
    folder: &std::path::Path,
    name: String,
    changed: impl Fn() + Send + 'static,
) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let ours = event.is_ok_and(|e| {
            (e.kind.is_modify() || e.kind.is_create())
                && e.paths.iter().any(|p| {
                    p.file_name()
                        .is_some_and(|f| f.to_string_lossy().starts_with(&name))
                })
        });
        if ours {
            changed();
        }
    })
    .map_err(|e| warn!("cannot watch the database for changes by other programs: {e}"))
    .ok()?;
    watcher
        .watch(folder, notify::RecursiveMode::NonRecursive)
        .map_err(|e| {
            warn!(
                "cannot watch {} for changes by other programs: {e}",
                folder.display()
            )
        })
        .ok()?;
    Some(watcher)
}

/// The engine's connection does not checkpoint the WAL itself (an fsync at a random moment
/// would delay a launch); this thread does, on its own connection, once writes have paused
/// for a second (or after many writes in a row). It sleeps while nothing is written, and
/// ends when the watcher that feeds it is dropped.
pub(super) fn spawn_checkpointer(path: &std::path::Path) -> Option<std::sync::mpsc::Sender<()>> {
    use std::sync::mpsc::RecvTimeoutError;
    let store = Store::open(path, Arc::new(crate::clock::SystemClock))
        .map_err(|e| warn!("cannot open a second connection for WAL checkpoints: {e}"))
        .ok()?;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("deckhand-checkpoint".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                let mut writes = 1u32;
                loop {
                    match rx.recv_timeout(std::time::Duration::from_secs(1)) {
                        Ok(()) if writes < 1000 => writes += 1,
                        Ok(()) | Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                if let Err(e) = store.checkpoint() {
                    warn!("WAL checkpoint failed (will try again after the next write): {e}");
                }
            }
        })
        .map_err(|e| warn!("cannot start the checkpoint thread: {e}"))
        .ok()?;
    Some(tx)
}
