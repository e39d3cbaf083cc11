//! The engine task: its state, its loop, and (in the child modules) every decision it makes:
//! `startup` (reconciliation, loading, watching the database), `due` (slots that came due),
//! `launch` (gates and launching), `look` (a thread that looks at the processes), `outcome`
//! (finished methods), `commands` (requests).

mod commands;
mod due;
mod launch;
mod look;
mod outcome;
mod startup;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use log::{debug, error, info, warn};
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

use super::backoff;
use super::effects::{
    LaunchError, LaunchRequest, Launched, Outcome, Progress, RobotMonitor, Runner, Verdict,
};
use super::timer::Timer;
use super::{Command, EngineError, EngineHandle, Event};
use crate::clock::Clock;
use crate::model::{
    AuditAction, AuditTarget, NewRun, Run, RunChanges, RunOrigin, RunStatus, Schedule,
};
use crate::slots;
use crate::store::{Store, StoreError};

/// A slot handled within this long of its instant is on time; later than that it is a missed
/// slot, run as a catch-up or recorded, as the schedule's policy says.
pub const ON_TIME: Duration = Duration::seconds(60);

/// Who the engine's own audit entries and recovery notes name.
const ENGINE: &str = "engine";

/// Messages to the engine task: commands, and reports from the tasks it spawned.
pub(crate) enum Msg {
    Command(Command),
    Launched {
        run_id: Uuid,
        result: Result<Launched, LaunchError>,
    },
    Finished {
        run_id: Uuid,
        outcome: Outcome,
    },
    /// The database files changed on disk (perhaps another process wrote).
    DatabaseChanged,
    /// News about a method still running.
    Progress {
        run_id: Uuid,
        progress: Progress,
    },
}

/// A schedule the engine runs, and the next slot it has not handled yet.
struct Tracked {
    schedule: Schedule,
    cursor: Option<DateTime<Utc>>,
}

/// How long after a database file event the engine looks at the database again.
const RECHECK_DATABASE: Duration = Duration::milliseconds(200);

/// How long the engine waits before writing again after the store refused a write.
const WRITE_RETRY: Duration = Duration::seconds(5);

/// What one schedule's due slots come to: a `missed` row, a run to start, the next slot.
struct DuePlan {
    schedule: Schedule,
    missed: Option<NewRun>,
    start: Option<NewRun>,
    cursor: Option<DateTime<Utc>>,
}

/// While a run waits on a run Deckhand did not start, how often the engine looks whether that
/// run has ended: the robot stands idle at most about this long after it ends. Each look reads
/// the process list (about a millisecond); nothing is written unless the run's try is due.
pub const FOREIGN_WATCH: Duration = Duration::seconds(2);

/// A run in the queue for the robot (`waiting`, or `pending` until its first look).
struct Queued {
    schedule_id: Uuid,
    /// When it fell due (a run started by hand: when it was asked for): its place in the queue.
    due: DateTime<Utc>,
    /// Its next counted try: still gated then, it uses one attempt of its budget (none left:
    /// it is skipped).
    next_try: DateTime<Utc>,
    /// After a launch that failed (or a method that ended before it started): it keeps its
    /// delay and is not started again before `next_try`.
    backing_off: bool,
    /// Asked for by a person (Run now): it may start while the scheduler is paused.
    manual: bool,
}

/// Why the queue's head cannot start now.
struct Gate {
    reason: String,
    /// A run Deckhand did not start (watched for its end), not Deckhand's own capacity.
    foreign: bool,
}

/// How long before a slot the engine looks at the robot's processes.
const PREFETCH_LEAD: Duration = Duration::milliseconds(25);
/// How old that look may be when the slot comes.
const PREFETCH_FRESH: Duration = Duration::milliseconds(250);

/// A look at the robot's processes taken just before `slot`.
struct Prefetched {
    slot: DateTime<Utc>,
    foreign: Option<String>,
    scanned_at: DateTime<Utc>,
}

/// A look at the robot's processes taken while a finished run's outcome was written.
struct EndLook {
    foreign: Option<String>,
    scanned_at: DateTime<Utc>,
}

/// What the gates look at, read at most once per wake-up.
#[derive(Default)]
struct View {
    capacity: Option<usize>,
    foreign: Option<Option<String>>,
}

/// A run that holds a capacity slot.
enum Flight {
    Launching,
    Running { pid: Option<u32> },
}

/// A time zone the engine can carry across threads (`chrono::Local`, a `chrono_tz::Tz`).
pub trait Zone: TimeZone<Offset: Send + Sync + std::fmt::Display> + Send + Sync + 'static {}

impl<Tz> Zone for Tz
where
    Tz: TimeZone + Send + Sync + 'static,
    Tz::Offset: Send + Sync + std::fmt::Display,
{
}

/// The engine: build it with [`Engine::start`].
pub struct Engine<R, M, T, Tz: TimeZone> {
    store: Store,
    runner: Arc<R>,
    monitor: Arc<M>,
    clock: Arc<dyn Clock>,
    timer: T,
    tz: Tz,
    inbox: mpsc::UnboundedReceiver<Msg>,
    outbox: mpsc::UnboundedSender<Msg>,
    events: broadcast::Sender<Event>,
    schedules: HashMap<Uuid, Tracked>,
    in_flight: HashMap<Uuid, Flight>,
    /// The queue: runs waiting for the robot or for their next try after a failed launch.
    waiting: HashMap<Uuid, Queued>,
    /// Something may have freed the robot (a run ended, a launch failed, a resume, new
    /// settings) or joined the queue: look at the queue at the next turn of the loop.
    kick: bool,
    /// When to look at the process list again for the end of a run Deckhand did not start.
    foreign_watch_at: Option<DateTime<Utc>>,
    paused: bool,
    /// A second look at the database after a file event (see `database_changed`).
    recheck_database_at: Option<DateTime<Utc>>,
    /// Runs a person asked to abort: run id → who.
    aborting: HashMap<Uuid, String>,
    /// `PRAGMA data_version` when the engine last looked: it moves only when another
    /// connection commits.
    data_version: i64,
    view: View,
    prefetched: Option<Prefetched>,
    end_look: Option<EndLook>,
    looker: look::Looker<M>,
    /// The robot's program names as last read from the settings (kept when a read fails, so a
    /// locked database never hides a foreign run).
    robot_names: Vec<String>,
    /// The settings when the engine last read them after another program's change: a
    /// different read is announced as [`Event::Settings`].
    settings_seen: crate::model::AppSettings,
    /// After a failed write of due runs: not before this instant again.
    write_retry_at: Option<DateTime<Utc>>,
    /// Launched runs whose move to `running` could not be written (a full disk, a locked
    /// database): written before their outcome.
    unrecorded_starts: HashMap<Uuid, RunChanges>,
    /// Watches the database's folder so changes from other processes arrive within moments.
    _watcher: Option<startup::DatabaseWatcher>,
}

impl<R: Runner, M: RobotMonitor, T: Timer, Tz: Zone> Engine<R, M, T, Tz> {
    /// Reconciles what a previous run of Deckhand left in flight, loads the schedules and
    /// starts the engine task. Must be called inside a tokio runtime.
    pub fn start(
        store: Store,
        runner: Arc<R>,
        monitor: Arc<M>,
        clock: Arc<dyn Clock>,
        timer: T,
        tz: Tz,
    ) -> Result<(EngineHandle, tokio::task::JoinHandle<()>), EngineError> {
        Self::start_with(store, runner, monitor, clock, timer, tz, true)
    }

    /// [`Engine::start`], choosing whether to watch the database for other programs'
    /// changes (which also moves WAL checkpoints to their own thread). Tests under paused
    /// time turn it off: file events arrive from a real thread at real moments.
    pub fn start_with(
        store: Store,
        runner: Arc<R>,
        monitor: Arc<M>,
        clock: Arc<dyn Clock>,
        timer: T,
        tz: Tz,
        watch_database: bool,
    ) -> Result<(EngineHandle, tokio::task::JoinHandle<()>), EngineError> {
        let (outbox, inbox) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(1024);
        let handle = EngineHandle {
            commands: outbox.clone(),
            events: events.clone(),
        };
        let checkpoints = watch_database
            .then(|| startup::spawn_checkpointer(store.path()))
            .flatten();
        let watcher = watch_database
            .then(|| startup::watch_database(store.path(), outbox.clone(), checkpoints.clone()))
            .flatten();
        if watcher.is_some() && checkpoints.is_some() {
            // The checkpoint thread, fed by the watcher, copies the WAL from now on.
            store.disable_auto_checkpoint()?;
        }
        let data_version = store.data_version()?;
        let settings_seen = store.settings()?;
        let robot_names = settings_seen.robot_process_names.clone();
        // A pause outlives a restart: the PC may have rebooted while someone works on the deck.
        let pause = store.scheduler_state()?;
        if pause.paused {
            info!(
                "the scheduler starts paused (paused by {} at {})",
                pause.changed_by.as_deref().unwrap_or("someone"),
                pause
                    .changed_at
                    .map_or_else(|| "an unknown time".to_owned(), |at| at.to_rfc3339()),
            );
        }
        let mut engine = Engine {
            store,
            runner,
            monitor: monitor.clone(),
            clock,
            timer,
            tz,
            inbox,
            outbox,
            events,
            schedules: HashMap::new(),
            in_flight: HashMap::new(),
            waiting: HashMap::new(),
            kick: false,
            foreign_watch_at: None,
            paused: pause.paused,
            recheck_database_at: None,
            aborting: HashMap::new(),
            data_version,
            view: View::default(),
            prefetched: None,
            end_look: None,
            looker: look::Looker::new(monitor),
            robot_names,
            settings_seen,
            write_retry_at: None,
            unrecorded_starts: HashMap::new(),
            _watcher: watcher,
        };
        engine.reconcile()?;
        engine.load_schedules()?;
        let task = tokio::spawn(engine.run());
        Ok((handle, task))
    }

    /// An instant as a person at this PC reads it ("Fri 27 Nov 22:10"), for notes people see.
    fn local(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz)
            .format("%a %-d %b %H:%M")
            .to_string()
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn emit(&self, event: Event) {
        // Nobody listening is fine.
        let _ = self.events.send(event);
    }

    fn emit_run(&self, run: &Run) {
        let schedule_name = self
            .schedules
            .get(&run.schedule_id)
            .map(|t| t.schedule.name.clone())
            .or_else(|| {
                self.store
                    .get_schedule(run.schedule_id)
                    .ok()
                    .map(|s| s.name)
            })
            .unwrap_or_default();
        self.emit(Event::Run {
            run: run.clone(),
            schedule_name,
        });
    }

    fn emit_engine(&self) {
        self.emit(Event::Engine {
            paused: self.paused,
            in_flight: self.in_flight.len() as u32,
        });
    }

    /// Logs a failed store write and tells the UI; the engine carries on.
    fn problem(&self, what: &str, error: &StoreError) {
        error!("{what}: {error}");
        self.emit(Event::Problem {
            message: format!("{what}: {error}"),
        });
    }

    /// Moves a run and publishes the change; `None` (logged) if the store refused.
    fn transition(&mut self, run_id: Uuid, to: RunStatus, changes: &RunChanges) -> Option<Run> {
        self.try_transition(run_id, to, changes).ok()
    }

    /// A run Deckhand did not start, looked for by the robot's program names in the settings
    /// as they are now: a change in Settings applies at the next look, without a restart.
    fn foreign_run(&mut self) -> Option<String> {
        self.read_robot_names();
        self.monitor
            .foreign_run(&self.robot_names, &self.own_pids())
    }

    /// The robot's program names as the settings say now (as before if they cannot be read).
    fn read_robot_names(&mut self) {
        match self.store.settings() {
            Ok(settings) => self.robot_names = settings.robot_process_names,
            Err(e) => warn!(
                "could not read the robot's program names ({e}); looking for {:?} as before",
                self.robot_names
            ),
        }
    }

    /// [`Engine::transition`], giving the store's error back.
    fn try_transition(
        &mut self,
        run_id: Uuid,
        to: RunStatus,
        changes: &RunChanges,
    ) -> Result<Run, StoreError> {
        match self.store.transition_run(run_id, to, changes) {
            Ok(run) => {
                self.emit_run(&run);
                Ok(run)
            }
            Err(e) => {
                self.problem(&format!("Could not record run {run_id} as {to}"), &e);
                Err(e)
            }
        }
    }

    async fn run(mut self) {
        info!("engine started with {} schedules", self.schedules.len());
        self.carry_out_abort_requests();
        self.emit_engine();
        loop {
            // Settings and the robot's state are read afresh at each wake, once for all the
            // runs due at that moment; a scan made just before a slot (see below) is used then.
            let now = self.now();
            self.view = View::default();
            if self.recheck_database_at.is_some_and(|at| at <= now) {
                self.recheck_database_at = None;
                self.reread_if_changed();
            }
            if let Some(scan) = self.prefetched.take_if(|scan| now >= scan.slot)
                && now - scan.scanned_at <= PREFETCH_FRESH
            {
                self.view.foreign = Some(scan.foreign);
            }
            if let Some(look) = self.end_look.take()
                && now - look.scanned_at <= PREFETCH_FRESH
            {
                self.view.foreign = Some(look.foreign);
            }
            self.handle_due(now);
            self.dispatch(now);
            let slot = self.next_slot();
            let message = match self.next_wake() {
                // Scan the processes a moment before a slot, so the launch does not wait for
                // the scan (about a millisecond).
                Some(at)
                    if slot == Some(at)
                        && self.prefetched.is_none()
                        && self.now() + PREFETCH_LEAD < at =>
                {
                    tokio::select! {
                        message = self.inbox.recv() => message,
                        () = self.timer.sleep_until(at - PREFETCH_LEAD) => {
                            let foreign = self.foreign_run();
                            self.prefetched = Some(Prefetched { slot: at, foreign, scanned_at: self.now() });
                            continue;
                        }
                    }
                }
                Some(at) => tokio::select! {
                    message = self.inbox.recv() => message,
                    () = self.timer.sleep_until(at) => continue,
                },
                None => self.inbox.recv().await,
            };
            match message {
                None => break,
                Some(Msg::Command(Command::Shutdown { reply })) => {
                    self.stop();
                    let _ = reply.send(());
                    return;
                }
                Some(message) => self.handle(message),
            }
        }
        self.stop();
    }

    /// The earliest slot to handle (none while paused).
    fn next_slot(&self) -> Option<DateTime<Utc>> {
        self.schedules
            .values()
            .filter(|_| !self.paused)
            .filter_map(|t| t.cursor)
            .map(|at| self.write_retry_at.map_or(at, |retry| at.max(retry)))
            .min()
    }

    /// The earliest moment something is due: a slot or a try of a queued run, or a look for
    /// the end of a run Deckhand did not start (none of these while paused); or a second look
    /// at the database.
    fn next_wake(&self) -> Option<DateTime<Utc>> {
        let queue = self
            .waiting
            .values()
            .map(|q| q.next_try)
            .chain(self.foreign_watch_at)
            .filter(|_| !self.paused);
        self.next_slot()
            .into_iter()
            .chain(queue)
            .chain(self.recheck_database_at)
            .min()
    }

    fn stop(&mut self) {
        // Runs not yet launched would otherwise be found at the next start and reported as
        // interrupted anyway; say so now, plainly.
        let waiting: Vec<Uuid> = self.waiting.keys().copied().collect();
        for run_id in waiting {
            self.transition(
                run_id,
                RunStatus::Interrupted,
                &RunChanges {
                    error_message: Some(
                        "Deckhand was closed before this run could start; it was not launched."
                            .to_owned(),
                    ),
                    ..Default::default()
                },
            );
        }
        self.waiting.clear();
        info!(
            "engine stopped; {} runs still in flight will be re-attached at the next start",
            self.in_flight.len()
        );
    }

    fn handle(&mut self, message: Msg) {
        self.view = View::default();
        match message {
            Msg::Launched { run_id, result } => self.launched(run_id, result),
            Msg::Finished { run_id, outcome } => self.finished(run_id, outcome),
            Msg::Command(command) => self.command(command),
            Msg::DatabaseChanged => self.database_changed(),
            Msg::Progress { run_id, progress } => self.progress(run_id, progress),
        }
    }

    /// Aborts asked for by another program (the CLI) through the database.
    fn carry_out_abort_requests(&mut self) {
        let requests = match self.store.abort_requests() {
            Ok(requests) => requests,
            Err(e) => return self.problem("Could not read abort requests", &e),
        };
        for (run_id, actor) in requests {
            match self.abort(run_id, &actor) {
                Ok(_) => info!("run {run_id}: aborted at {actor}'s request from another program"),
                Err(e) => warn!("run {run_id}: could not carry out {actor}'s abort request: {e}"),
            }
            if let Err(e) = self.store.clear_abort_request(run_id) {
                self.problem("Could not clear an abort request", &e);
            }
        }
    }

    /// The database files changed. The file event can come a moment before the commit is
    /// visible to readers (SQLite writes the WAL, then its index), so the engine looks now
    /// and once more shortly after the last event.
    fn database_changed(&mut self) {
        self.recheck_database_at = Some(self.now() + RECHECK_DATABASE);
        self.reread_if_changed();
    }

    /// Another process may have changed schedules (the CLI, say): re-read those a person
    /// touched since the engine last saw them. Own writes do not move `data_version`.
    fn reread_if_changed(&mut self) {
        let version = match self.store.data_version() {
            Ok(version) => version,
            Err(e) => return self.problem("Could not check the database for changes", &e),
        };
        if version == self.data_version {
            return;
        }
        // Another program wrote: it may have queued messages (a recovery resolved from the
        // CLI), which go out now rather than at the delivery task's next look.
        self.store.ring_outbox_bell();
        self.carry_out_abort_requests();
        match self.store.scheduler_state() {
            Ok(state) => {
                let by = state.changed_by.as_deref().unwrap_or("another program");
                self.follow_pause(state.paused, by);
            }
            Err(e) => return self.problem("Could not re-read whether the scheduler is paused", &e),
        }
        let schedules = match self
            .store
            .list_schedules(crate::model::ScheduleListFilter::All)
        {
            Ok(schedules) => schedules,
            Err(e) => return self.problem("Could not re-read the schedules", &e),
        };
        let settings = match self.store.settings() {
            Ok(settings) => settings,
            Err(e) => return self.problem("Could not re-read the settings", &e),
        };
        // Only now: had a read failed, the next look would try again.
        self.data_version = version;
        if settings != self.settings_seen {
            info!("the settings in the database changed; following them");
            self.robot_names = settings.robot_process_names.clone();
            self.settings_seen = settings.clone();
            // A raised capacity (or other robot names) may let a waiting run start.
            self.kick = true;
            self.emit(Event::Settings { settings });
        }
        let mut changed: Vec<Uuid> = schedules
            .iter()
            .filter(|s| {
                let runnable = s.active && !s.archived && s.recovery.is_none();
                match self.schedules.get(&s.id) {
                    Some(tracked) => !runnable || tracked.schedule.updated_at != s.updated_at,
                    None => runnable,
                }
            })
            .map(|s| s.id)
            .collect();
        let present: HashSet<Uuid> = schedules.iter().map(|s| s.id).collect();
        changed.extend(self.schedules.keys().filter(|id| !present.contains(id)));
        for id in changed {
            info!("schedule {id} was changed by another program");
            self.schedule_changed(id);
        }
    }
}
