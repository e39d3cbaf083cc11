//! The engine task: its state and every decision it makes.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use log::{error, info, warn};
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

use super::backoff;
use super::effects::{
    LaunchError, LaunchRequest, Launched, Outcome, RobotMonitor, Runner, Verdict,
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
}

/// A schedule the engine runs, and the next slot it has not handled yet.
struct Tracked {
    schedule: Schedule,
    cursor: Option<DateTime<Utc>>,
}

/// How long the engine waits before writing again after the store refused a write.
const WRITE_RETRY: Duration = Duration::seconds(5);

/// What one schedule's due slots come to: a `missed` row, a run to start, the next slot.
struct DuePlan {
    schedule: Schedule,
    missed: Option<NewRun>,
    start: Option<NewRun>,
    cursor: Option<DateTime<Utc>>,
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
    /// Gated or retrying runs: run id → when to try again.
    waiting: HashMap<Uuid, DateTime<Utc>>,
    paused: bool,
    /// `PRAGMA data_version` when the engine last looked: it moves only when another
    /// connection commits.
    data_version: i64,
    view: View,
    prefetched: Option<Prefetched>,
    /// After a failed write of due runs: not before this instant again.
    write_retry_at: Option<DateTime<Utc>>,
    /// Watches the database's folder so changes from other processes arrive within moments.
    _watcher: Option<notify::RecommendedWatcher>,
}

/// Sends [`Msg::DatabaseChanged`] when a file of the database at `path` changes. The engine
/// sleeps otherwise: no polling.
fn watch_database(
    path: &std::path::Path,
    outbox: mpsc::UnboundedSender<Msg>,
) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path.file_name()?.to_string_lossy().into_owned();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let ours = event.is_ok_and(|e| {
            e.kind.is_modify() || e.kind.is_create()
        } && e.paths.iter().any(|p| p.file_name().is_some_and(|f| f.to_string_lossy().starts_with(&name))));
        if ours {
            let _ = outbox.send(Msg::DatabaseChanged);
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

impl<R, M, T, Tz> Engine<R, M, T, Tz>
where
    R: Runner,
    M: RobotMonitor,
    T: Timer,
    Tz: TimeZone + Send + Sync + 'static,
    Tz::Offset: Send + Sync,
{
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
        let (outbox, inbox) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(1024);
        let handle = EngineHandle {
            commands: outbox.clone(),
            events: events.clone(),
        };
        let watcher = watch_database(store.path(), outbox.clone());
        let data_version = store.data_version()?;
        let mut engine = Engine {
            store,
            runner,
            monitor,
            clock,
            timer,
            tz,
            inbox,
            outbox,
            events,
            schedules: HashMap::new(),
            in_flight: HashMap::new(),
            waiting: HashMap::new(),
            paused: false,
            data_version,
            view: View::default(),
            prefetched: None,
            write_retry_at: None,
            _watcher: watcher,
        };
        engine.reconcile()?;
        engine.load_schedules()?;
        let task = tokio::spawn(engine.run());
        Ok((handle, task))
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
        match self.store.transition_run(run_id, to, changes) {
            Ok(run) => {
                self.emit_run(&run);
                Some(run)
            }
            Err(e) => {
                self.problem(&format!("Could not record run {run_id} as {to}"), &e);
                None
            }
        }
    }

    // --- start-up ------------------------------------------------------------------------

    /// Resolves runs a crash left `pending`, `waiting`, `running` or `stuck`: a method that
    /// is still running is re-attached; anything else becomes `interrupted`, and a schedule
    /// whose interrupted run had launched its method needs recovery.
    fn reconcile(&mut self) -> Result<(), EngineError> {
        let open = self.store.runs_in_status(&[
            RunStatus::Pending,
            RunStatus::Waiting,
            RunStatus::Running,
            RunStatus::Stuck,
        ])?;
        for run in open {
            let launched = matches!(run.status, RunStatus::Running | RunStatus::Stuck);
            if launched {
                if let (Some(pid), Some(started)) = (run.pid, run.started_at)
                    && let Some(method) = self.runner.reattach(run.id, pid, started)
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
                self.store.transition_run(
                    run.id,
                    RunStatus::Interrupted,
                    &RunChanges {
                        ended_at: Some(self.now()),
                        error_message: Some(message.to_owned()),
                        ..Default::default()
                    },
                )?;
                let note = format!(
                    "A run due {} was interrupted while its method ran; check the deck.",
                    run.slot
                );
                match self
                    .store
                    .mark_recovery_required(run.schedule_id, &note, ENGINE)
                {
                    Ok(_) | Err(StoreError::NotFound { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
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

    fn load_schedules(&mut self) -> Result<(), EngineError> {
        for schedule in self.store.runnable_schedules()? {
            // Slots since the last time a person touched the schedule count; older ones not.
            let reference = schedule.updated_at;
            self.track(schedule, reference);
        }
        Ok(())
    }

    /// Starts tracking a runnable schedule; without a stored next run, its first slot at or
    /// after `reference`.
    fn track(&mut self, schedule: Schedule, reference: DateTime<Utc>) {
        let cursor = schedule
            .next_run
            .or_else(|| slots::at_or_after(&schedule.recurrence, reference, &self.tz));
        self.schedules
            .insert(schedule.id, Tracked { schedule, cursor });
    }

    // --- the loop ------------------------------------------------------------------------

    async fn run(mut self) {
        info!("engine started with {} schedules", self.schedules.len());
        self.emit_engine();
        loop {
            // Settings and the robot's state are read afresh at each wake, once for all the
            // runs due at that moment; a scan made just before a slot (see below) is used then.
            let now = self.now();
            self.view = View::default();
            if let Some(scan) = self.prefetched.take_if(|scan| now >= scan.slot)
                && now - scan.scanned_at <= PREFETCH_FRESH
            {
                self.view.foreign = Some(scan.foreign);
            }
            self.handle_due(now);
            self.retry_waiting(now);
            let message = match self.next_wake() {
                // Scan the processes a moment before a slot, so the launch does not wait for
                // the scan (about a millisecond).
                Some(at) if self.prefetched.is_none() && self.now() + PREFETCH_LEAD < at => {
                    tokio::select! {
                        message = self.inbox.recv() => message,
                        () = self.timer.sleep_until(at - PREFETCH_LEAD) => {
                            let foreign = self.monitor.foreign_run(&self.own_pids());
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

    /// The earliest moment something is due: a slot (unless paused) or a retry.
    fn next_wake(&self) -> Option<DateTime<Utc>> {
        let slots = self
            .schedules
            .values()
            .filter(|_| !self.paused)
            .filter_map(|t| t.cursor);
        let retries = self.waiting.values().copied().filter(|_| !self.paused);
        let slots = slots.map(|at| self.write_retry_at.map_or(at, |retry| at.max(retry)));
        slots.chain(retries).min()
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
        }
    }

    /// Another process may have changed schedules (the CLI, say): re-read those a person
    /// touched since the engine last saw them. Own writes do not move `data_version`.
    fn database_changed(&mut self) {
        let version = match self.store.data_version() {
            Ok(version) => version,
            Err(e) => return self.problem("Could not check the database for changes", &e),
        };
        if version == self.data_version {
            return;
        }
        self.data_version = version;
        let schedules = match self
            .store
            .list_schedules(crate::model::ScheduleListFilter::All)
        {
            Ok(schedules) => schedules,
            Err(e) => return self.problem("Could not re-read the schedules", &e),
        };
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

    // --- due slots -----------------------------------------------------------------------

    /// Handles every schedule whose next slot has come: decides for each, writes all the new
    /// rows and next-run times in one transaction, then starts the runs. Cursors move only
    /// once the write has landed; if it fails, the engine tries again a few seconds later.
    fn handle_due(&mut self, now: DateTime<Utc>) {
        if self.paused || self.write_retry_at.is_some_and(|at| now < at) {
            return;
        }
        let mut plans: Vec<DuePlan> = self
            .schedules
            .values()
            .filter(|t| t.cursor.is_some_and(|c| c <= now))
            .filter_map(|t| self.plan(t, now))
            .collect();
        if plans.is_empty() {
            return;
        }
        // Oldest slot first, so the longest-waiting schedule gets the capacity.
        plans.sort_by_key(|p| p.start.as_ref().map(|r| r.slot));
        let mut runs: Vec<NewRun> = Vec::new();
        for plan in &plans {
            runs.extend(plan.missed.iter().cloned());
            runs.extend(plan.start.iter().cloned());
        }
        let next_runs: Vec<(Uuid, Option<DateTime<Utc>>)> =
            plans.iter().map(|p| (p.schedule.id, p.cursor)).collect();
        let written = match self.store.record_due(&runs, &next_runs) {
            Ok(written) => written,
            Err(e) => {
                self.write_retry_at = Some(now + WRITE_RETRY);
                return self.problem(
                    "Could not write the runs that are due; trying again shortly",
                    &e,
                );
            }
        };
        self.write_retry_at = None;
        let mut written = written.into_iter();
        for plan in plans {
            if let Some(tracked) = self.schedules.get_mut(&plan.schedule.id) {
                tracked.cursor = plan.cursor;
            }
            if let Some(missed) = &plan.missed {
                let count = missed.missed_count.unwrap_or(1);
                warn!(
                    "'{}': {count} slot(s) missed, the latest at {}",
                    plan.schedule.name, missed.slot
                );
                if let Some(run) = written.next().flatten() {
                    self.emit_run(&run);
                    self.emit(Event::Missed {
                        schedule_id: plan.schedule.id,
                        schedule_name: plan.schedule.name.clone(),
                        latest: missed.slot,
                        count,
                    });
                }
            }
            if let Some(start) = &plan.start {
                match written.next().flatten() {
                    Some(run) => {
                        if start.origin == RunOrigin::CatchUp {
                            info!(
                                "run {}: '{}' due {}, late: running one catch-up",
                                run.id, plan.schedule.name, start.slot
                            );
                        } else {
                            info!(
                                "run {}: '{}' due {} ({})",
                                run.id, plan.schedule.name, start.slot, start.origin
                            );
                        }
                        self.emit_run(&run);
                        self.try_start_with(run, &plan.schedule);
                    }
                    None => info!(
                        "'{}': slot {} already has a run; not running it again",
                        plan.schedule.name, start.slot
                    ),
                }
            }
        }
    }

    /// One schedule's slots up to `now`: the latest runs (on time, or as a catch-up within
    /// the grace window), the others are recorded as one `missed` row with a count. Never a
    /// burst.
    fn plan(&self, tracked: &Tracked, now: DateTime<Utc>) -> Option<DuePlan> {
        let schedule = &tracked.schedule;
        let first = tracked.cursor?;
        // The latest slot at or before now, and how many there were since the cursor.
        let (mut latest, mut count, mut previous) = (first, 1u32, None);
        while let Some(next) =
            slots::after(&schedule.recurrence, latest, &self.tz).filter(|n| *n <= now)
        {
            previous = Some(latest);
            latest = next;
            count = count.saturating_add(1);
        }
        let late = now - latest;
        let policy = &schedule.missed_runs;
        let origin = if late <= ON_TIME {
            Some(RunOrigin::Schedule)
        } else if policy.catch_up && late <= Duration::minutes(i64::from(policy.grace_minutes)) {
            Some(RunOrigin::CatchUp)
        } else {
            None
        };
        let (missed_count, missed_latest) = match origin {
            Some(_) => (count - 1, previous),
            None => (count, Some(latest)),
        };
        let missed = missed_latest.filter(|_| missed_count > 0).map(|slot| NewRun {
            schedule_id: schedule.id,
            slot,
            origin: RunOrigin::Schedule,
            status: RunStatus::Missed,
            missed_count: Some(missed_count),
            error_message: Some(if missed_count == 1 {
                "Deckhand was not running (or the PC was asleep) at this time.".to_owned()
            } else {
                format!("Deckhand was not running (or the PC was asleep) for {missed_count} runs; this is the latest of them.")
            }),
        });
        Some(DuePlan {
            schedule: schedule.clone(),
            missed,
            start: origin.map(|origin| NewRun::pending(schedule.id, latest, origin)),
            cursor: slots::after(&schedule.recurrence, latest, &self.tz),
        })
    }

    /// Writes the run row, then tries to start it. A slot that already has a run (after a
    /// crash or a clock jump) is left alone.
    fn create_and_start(
        &mut self,
        schedule: &Schedule,
        slot: DateTime<Utc>,
        origin: RunOrigin,
    ) -> Option<Run> {
        match self
            .store
            .insert_run(&NewRun::pending(schedule.id, slot, origin))
        {
            Ok(run) => {
                info!("run {}: '{}' due {slot} ({origin})", run.id, schedule.name);
                self.emit_run(&run);
                let id = run.id;
                self.try_start_with(run, schedule);
                self.store.get_run(id).ok()
            }
            Err(StoreError::DuplicateRun { .. }) => {
                info!(
                    "'{}': slot {slot} already has a run; not running it again",
                    schedule.name
                );
                None
            }
            Err(e) => {
                self.problem(
                    &format!("Could not write the run of '{}' due {slot}", schedule.name),
                    &e,
                );
                None
            }
        }
    }

    // --- gates and launching -----------------------------------------------------------------

    fn retry_waiting(&mut self, now: DateTime<Utc>) {
        if self.paused {
            return;
        }
        let mut due: Vec<(DateTime<Utc>, Uuid)> = self
            .waiting
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(id, at)| (*at, *id))
            .collect();
        due.sort();
        for (_, run_id) in due {
            self.try_start(run_id);
        }
    }

    fn own_pids(&self) -> HashSet<u32> {
        self.in_flight
            .values()
            .filter_map(|f| match f {
                Flight::Running { pid } => *pid,
                Flight::Launching => None,
            })
            .collect()
    }

    /// Loads a waiting run and tries to start it.
    fn try_start(&mut self, run_id: Uuid) {
        self.waiting.remove(&run_id);
        let Ok(run) = self.store.get_run(run_id) else {
            return;
        };
        let Ok(schedule) = self.store.get_schedule(run.schedule_id) else {
            return;
        };
        self.try_start_with(run, &schedule);
    }

    /// Launches the run if the gates are open; otherwise counts an attempt and waits, or
    /// skips the run when its attempts are used up.
    fn try_start_with(&mut self, run: Run, schedule: &Schedule) {
        let capacity = match self.view.capacity {
            Some(capacity) => capacity,
            None => {
                let capacity = self
                    .store
                    .settings()
                    .map(|s| s.max_concurrent_runs)
                    .unwrap_or(1) as usize;
                *self.view.capacity.insert(capacity)
            }
        };
        let gate = if self.in_flight.len() >= capacity {
            Some(format!(
                "Deckhand is at capacity ({capacity} run(s) in progress)"
            ))
        } else {
            let foreign = match &self.view.foreign {
                Some(foreign) => foreign.clone(),
                None => {
                    let foreign = self.monitor.foreign_run(&self.own_pids());
                    self.view.foreign.insert(foreign).clone()
                }
            };
            foreign
                .map(|what| format!("the robot is busy with a run Deckhand did not start ({what})"))
        };
        match gate {
            Some(reason) => self.gated(run, schedule, reason),
            None => self.launch(run, schedule),
        }
    }

    fn gated(&mut self, run: Run, schedule: &Schedule, reason: String) {
        let attempt = run.attempt + 1;
        if attempt >= schedule.retry.max_attempts {
            warn!("run {}: skipped after {attempt} attempts: {reason}", run.id);
            self.transition(
                run.id,
                RunStatus::Skipped,
                &RunChanges {
                    attempt: Some(attempt),
                    ended_at: Some(self.now()),
                    error_message: Some(format!("Skipped after {attempt} attempts: {reason}.")),
                    ..Default::default()
                },
            );
            return;
        }
        let retry_at = self.now() + backoff::delay(&schedule.retry, attempt);
        if run.status != RunStatus::Waiting {
            // One line when the run starts waiting, not one per attempt.
            info!("run {}: waiting, {reason}; next try at {retry_at}", run.id);
        }
        if self
            .transition(
                run.id,
                RunStatus::Waiting,
                &RunChanges {
                    attempt: Some(attempt),
                    error_message: Some(format!("Waiting: {reason}.")),
                    ..Default::default()
                },
            )
            .is_some()
        {
            self.waiting.insert(run.id, retry_at);
        }
    }

    fn launch(&mut self, run: Run, schedule: &Schedule) {
        self.in_flight.insert(run.id, Flight::Launching);
        let request = LaunchRequest {
            run_id: run.id,
            schedule_id: schedule.id,
            schedule_name: schedule.name.clone(),
            method_path: schedule.method_path.clone(),
        };
        let runner = self.runner.clone();
        let outbox = self.outbox.clone();
        let run_id = run.id;
        tokio::spawn(async move {
            let result = runner.launch(request).await;
            let _ = outbox.send(Msg::Launched { run_id, result });
        });
    }

    fn launched(&mut self, run_id: Uuid, result: Result<Launched, LaunchError>) {
        let Ok(run) = self.store.get_run(run_id) else {
            return;
        };
        let attempt = run.attempt + 1;
        match result {
            Ok(method) => {
                info!(
                    "run {run_id}: launched as process {}: {}",
                    method.pid.map_or("?".to_owned(), |p| p.to_string()),
                    method.command_line
                );
                self.in_flight
                    .insert(run_id, Flight::Running { pid: method.pid });
                self.transition(
                    run_id,
                    RunStatus::Running,
                    &RunChanges {
                        attempt: Some(attempt),
                        started_at: Some(method.started_at),
                        command_line: Some(method.command_line.clone()),
                        pid: method.pid,
                        ..Default::default()
                    },
                );
                if let Err(e) = self.store.set_run_times(
                    run.schedule_id,
                    self.schedules.get(&run.schedule_id).and_then(|t| t.cursor),
                    Some(run.slot),
                ) {
                    self.problem("Could not save the last run time", &e);
                }
                self.emit_engine();
                self.watch(run_id, method);
            }
            Err(error) => {
                self.in_flight.remove(&run_id);
                let Ok(schedule) = self.store.get_schedule(run.schedule_id) else {
                    return;
                };
                // A launch that failed never touched the deck: retry within the budget.
                if attempt < schedule.retry.max_attempts {
                    let retry_at = self.now() + backoff::delay(&schedule.retry, attempt);
                    warn!(
                        "run {run_id}: could not start the method ({error}); trying again at {retry_at}"
                    );
                    if self
                        .transition(
                            run_id,
                            RunStatus::Waiting,
                            &RunChanges {
                                attempt: Some(attempt),
                                error_message: Some(format!(
                                    "Could not start the method: {error}. Trying again."
                                )),
                                ..Default::default()
                            },
                        )
                        .is_some()
                    {
                        self.waiting.insert(run_id, retry_at);
                    }
                } else {
                    error!(
                        "run {run_id}: could not start the method after {attempt} attempts: {error}"
                    );
                    self.transition(
                        run_id,
                        RunStatus::Failed,
                        &RunChanges {
                            attempt: Some(attempt),
                            ended_at: Some(self.now()),
                            error_message: Some(format!(
                                "Could not start the method after {attempt} attempts: {error}"
                            )),
                            ..Default::default()
                        },
                    );
                }
                self.emit_engine();
            }
        }
    }

    /// Waits for a launched method in its own task and reports the outcome.
    fn watch(&self, run_id: Uuid, method: Launched) {
        let outbox = self.outbox.clone();
        tokio::spawn(async move {
            let outcome = method.finished.await;
            let _ = outbox.send(Msg::Finished { run_id, outcome });
        });
    }

    // --- outcomes ----------------------------------------------------------------------------

    fn finished(&mut self, run_id: Uuid, outcome: Outcome) {
        self.in_flight.remove(&run_id);
        let Ok(run) = self.store.get_run(run_id) else {
            return;
        };
        let schedule = self.store.get_schedule(run.schedule_id).ok();
        let name = schedule
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let mut changes = RunChanges {
            ended_at: Some(self.now()),
            exit_code: outcome.exit_code,
            trace_file: outcome.trace_file.clone(),
            outcome_detail: outcome.deciding_line.clone(),
            error_message: outcome.error.clone(),
            ..Default::default()
        };
        let status = match outcome.verdict {
            Verdict::Completed => RunStatus::Completed,
            Verdict::Failed if !outcome.touched_deck => {
                // The method ended before it started: nothing was done on the deck, so the
                // run may be tried again within its budget.
                if let Some(schedule) = schedule
                    .as_ref()
                    .filter(|s| run.attempt < s.retry.max_attempts)
                {
                    let retry_at = self.now() + backoff::delay(&schedule.retry, run.attempt);
                    warn!(
                        "run {run_id}: the method ended before it started; trying again at {retry_at}"
                    );
                    changes.ended_at = None;
                    changes.error_message = Some(format!(
                        "The method ended before it started ({}); trying again.",
                        outcome.error.as_deref().unwrap_or("no reason given")
                    ));
                    if self
                        .transition(run_id, RunStatus::Waiting, &changes)
                        .is_some()
                    {
                        self.waiting.insert(run_id, retry_at);
                    }
                    self.emit_engine();
                    return;
                }
                RunStatus::Failed
            }
            Verdict::Failed => RunStatus::Failed,
            Verdict::Aborted => RunStatus::Aborted,
            Verdict::Stuck => RunStatus::Stuck,
        };
        info!("run {run_id}: '{name}' {status}");
        self.transition(run_id, status, &changes);
        if matches!(status, RunStatus::Aborted | RunStatus::Stuck) {
            let what = if status == RunStatus::Aborted {
                "aborted"
            } else {
                "stuck"
            };
            let detail = outcome
                .deciding_line
                .or(outcome.error)
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            let note = format!(
                "The run due {} {what}{detail}. Check the deck, then resolve.",
                run.slot
            );
            match self
                .store
                .mark_recovery_required(run.schedule_id, &note, ENGINE)
            {
                Ok(schedule) => {
                    warn!("'{}' needs recovery: {note}", schedule.name);
                    self.schedules.remove(&schedule.id);
                    self.drop_waiting_of(schedule.id, "its schedule needs recovery");
                    self.emit(Event::Schedule { schedule });
                }
                Err(e) => self.problem("Could not mark the schedule as needing recovery", &e),
            }
        }
        self.emit_engine();
    }

    /// Cancels the not-yet-launched runs of a schedule that stopped being runnable.
    fn drop_waiting_of(&mut self, schedule_id: Uuid, why: &str) {
        let runs: Vec<Uuid> = self.waiting.keys().copied().collect();
        for run_id in runs {
            if self
                .store
                .get_run(run_id)
                .is_ok_and(|r| r.schedule_id == schedule_id)
            {
                self.waiting.remove(&run_id);
                self.transition(
                    run_id,
                    RunStatus::Cancelled,
                    &RunChanges {
                        ended_at: Some(self.now()),
                        error_message: Some(format!("Cancelled: {why}.")),
                        ..Default::default()
                    },
                );
            }
        }
    }

    // --- commands ----------------------------------------------------------------------------

    fn command(&mut self, command: Command) {
        match command {
            Command::ScheduleChanged(id) => self.schedule_changed(id),
            Command::RunNow {
                schedule_id,
                actor,
                reply,
            } => {
                let _ = reply.send(self.run_now(schedule_id, &actor));
            }
            Command::SkipNext {
                schedule_id,
                actor,
                reply,
            } => {
                let _ = reply.send(self.skip_next(schedule_id, &actor));
            }
            Command::Cancel {
                run_id,
                actor,
                reply,
            } => {
                let _ = reply.send(self.cancel(run_id, &actor));
            }
            Command::Pause { actor, reply } => {
                let _ = reply.send(self.set_paused(true, &actor));
            }
            Command::Resume { actor, reply } => {
                let _ = reply.send(self.set_paused(false, &actor));
            }
            Command::Shutdown { .. } => unreachable!("handled by the loop"),
        }
    }

    fn schedule_changed(&mut self, id: Uuid) {
        match self.store.get_schedule(id) {
            Ok(schedule)
                if schedule.active && !schedule.archived && schedule.recovery.is_none() =>
            {
                let now = self.now();
                let unchanged = self
                    .schedules
                    .get(&id)
                    .is_some_and(|t| t.schedule.recurrence == schedule.recurrence);
                if unchanged {
                    if let Some(tracked) = self.schedules.get_mut(&id) {
                        tracked.schedule = schedule.clone();
                    }
                } else {
                    // A new or re-timed schedule starts from its next slot from now on.
                    let mut schedule = schedule.clone();
                    schedule.next_run = None;
                    self.track(schedule, now);
                    let cursor = self.schedules.get(&id).and_then(|t| t.cursor);
                    if let Err(e) = self.store.set_run_times(id, cursor, None) {
                        self.problem("Could not save the next run", &e);
                    }
                }
                if let Ok(schedule) = self.store.get_schedule(id) {
                    self.emit(Event::Schedule { schedule });
                }
            }
            Ok(schedule) => {
                self.schedules.remove(&id);
                let why = if schedule.archived {
                    "its schedule was archived"
                } else if schedule.recovery.is_some() {
                    "its schedule needs recovery"
                } else {
                    "its schedule was paused"
                };
                self.drop_waiting_of(id, why);
                self.emit(Event::Schedule { schedule });
            }
            Err(_) => {
                self.schedules.remove(&id);
            }
        }
    }

    fn run_now(&mut self, schedule_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let schedule = self.store.get_schedule(schedule_id)?;
        if schedule.archived {
            return Err(EngineError::Refused(format!(
                "'{}' is archived; unarchive it to run it.",
                schedule.name
            )));
        }
        if schedule.recovery.is_some() {
            return Err(EngineError::Refused(format!(
                "'{}' needs recovery; check the deck and resolve it before running it again.",
                schedule.name
            )));
        }
        self.store.record_audit(
            actor,
            AuditAction::RunRequested,
            AuditTarget::Schedule,
            Some(&schedule_id.to_string()),
            &format!("asked to run '{}' now", schedule.name),
        )?;
        let slot = crate::store::truncate_ms(self.now());
        self.create_and_start(&schedule, slot, RunOrigin::Manual)
            .ok_or_else(|| {
                EngineError::Refused(format!(
                    "'{}' has a run at this very moment already.",
                    schedule.name
                ))
            })
    }

    fn skip_next(&mut self, schedule_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let Some(tracked) = self.schedules.get(&schedule_id) else {
            let schedule = self.store.get_schedule(schedule_id)?;
            return Err(EngineError::Refused(format!(
                "'{}' is not active, so it has no next run to skip.",
                schedule.name
            )));
        };
        let schedule = tracked.schedule.clone();
        let slot = tracked.cursor.ok_or_else(|| {
            EngineError::Refused(format!("'{}' has no more runs.", schedule.name))
        })?;
        let run = self.store.insert_run(&NewRun {
            schedule_id,
            slot,
            origin: RunOrigin::Schedule,
            status: RunStatus::Skipped,
            missed_count: None,
            error_message: Some(format!("Skipped by {actor}.")),
        })?;
        self.store.record_audit(
            actor,
            AuditAction::RunSkipped,
            AuditTarget::Run,
            Some(&run.id.to_string()),
            &format!("skipped the run of '{}' due {slot}", schedule.name),
        )?;
        let cursor = slots::after(&schedule.recurrence, slot, &self.tz);
        if let Some(tracked) = self.schedules.get_mut(&schedule_id) {
            tracked.cursor = cursor;
        }
        self.store.set_run_times(schedule_id, cursor, None)?;
        info!(
            "run {}: '{}' due {slot} skipped by {actor}",
            run.id, schedule.name
        );
        self.emit_run(&run);
        Ok(run)
    }

    fn cancel(&mut self, run_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let run = self.store.get_run(run_id)?;
        if self.in_flight.contains_key(&run_id)
            || matches!(run.status, RunStatus::Running | RunStatus::Stuck)
        {
            return Err(EngineError::Refused(
                "This run has been launched; abort it instead of cancelling it.".to_owned(),
            ));
        }
        if !matches!(run.status, RunStatus::Pending | RunStatus::Waiting) {
            return Err(EngineError::Refused(format!(
                "This run is {}; only a waiting run can be cancelled.",
                run.status
            )));
        }
        self.waiting.remove(&run_id);
        let run = self.store.transition_run(
            run_id,
            RunStatus::Cancelled,
            &RunChanges {
                ended_at: Some(self.now()),
                error_message: Some(format!("Cancelled by {actor}.")),
                ..Default::default()
            },
        )?;
        self.store.record_audit(
            actor,
            AuditAction::RunCancelled,
            AuditTarget::Run,
            Some(&run_id.to_string()),
            &format!("cancelled the run due {}", run.slot),
        )?;
        info!("run {run_id}: cancelled by {actor}");
        self.emit_run(&run);
        Ok(run)
    }

    fn set_paused(&mut self, paused: bool, actor: &str) -> Result<(), EngineError> {
        if self.paused == paused {
            return Ok(());
        }
        let action = if paused {
            AuditAction::EnginePaused
        } else {
            AuditAction::EngineResumed
        };
        let detail = if paused {
            "paused the scheduler"
        } else {
            "resumed the scheduler"
        };
        self.store
            .record_audit(actor, action, AuditTarget::Engine, None, detail)?;
        self.paused = paused;
        info!(
            "scheduler {} by {actor}",
            if paused { "paused" } else { "resumed" }
        );
        self.emit_engine();
        Ok(())
    }
}
