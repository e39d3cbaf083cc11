//! Fakes for what cannot run here (VENUS) and a harness that starts an engine on a real
//! SQLite file with a clock that moves with tokio's paused time.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Europe::Berlin;
use deckhand::clock::{Clock, TokioClock};
use deckhand::engine::{
    Engine, EngineHandle, Event, LaunchError, LaunchRequest, Launched, Outcome, RobotMonitor,
    Runner, Verdict,
};
use deckhand::model::{HistoryQuery, Run, Schedule, ScheduleDraft};
use deckhand::store::Store;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::support::{ACTOR, TestStore, t};

/// What one launch of a method does.
#[derive(Clone, Copy, Debug)]
pub enum Plan {
    /// The process could not be started.
    FailLaunch(&'static str),
    /// The method runs this long and ends with this verdict.
    Run {
        minutes: i64,
        verdict: Verdict,
        touched_deck: bool,
    },
    /// The method goes silent on an error dialog after `silent_after` minutes (the runner
    /// reports it stuck then) and stays alive until aborted.
    StuckAfter { silent_after: i64 },
    /// The method fails after `minutes` with a trace the runner could not read: the deck may
    /// have been touched, and nothing says what happened on it.
    UnreadableTrace { minutes: i64 },
}

impl Plan {
    pub fn completes_after(minutes: i64) -> Plan {
        Plan::Run {
            minutes,
            verdict: Verdict::Completed,
            touched_deck: true,
        }
    }
}

/// Launches nothing: follows a plan per method path (the default plan when none is queued)
/// and records every launch with the wall time it happened.
pub struct FakeRunner {
    clock: Arc<TokioClock>,
    plans: Mutex<HashMap<String, VecDeque<Plan>>>,
    default: Mutex<Plan>,
    pub launches: Mutex<Vec<(String, DateTime<Utc>)>>,
    next_pid: Mutex<u32>,
    /// Processes "still running" for re-attaching: pid → minutes left.
    pub alive: Mutex<HashMap<u32, i64>>,
    /// How to end each running fake method early.
    kills: Mutex<HashMap<u32, tokio::sync::oneshot::Sender<()>>>,
}

impl FakeRunner {
    pub fn new(clock: Arc<TokioClock>) -> Self {
        FakeRunner {
            clock,
            plans: Mutex::new(HashMap::new()),
            default: Mutex::new(Plan::completes_after(10)),
            launches: Mutex::new(Vec::new()),
            next_pid: Mutex::new(1000),
            alive: Mutex::new(HashMap::new()),
            kills: Mutex::new(HashMap::new()),
        }
    }

    pub fn plan(&self, method: &str, plans: impl IntoIterator<Item = Plan>) {
        self.plans
            .lock()
            .unwrap()
            .entry(method.to_owned())
            .or_default()
            .extend(plans);
    }

    pub fn set_default(&self, plan: Plan) {
        *self.default.lock().unwrap() = plan;
    }

    /// Wall times of the launches of `method` (successful or not).
    pub fn launch_times(&self, method: &str) -> Vec<DateTime<Utc>> {
        self.launches
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, _)| m == method)
            .map(|(_, at)| *at)
            .collect()
    }

    /// Ends after `minutes`, or at once (killed, no verdict) when aborted.
    fn finished(
        &self,
        pid: u32,
        minutes: i64,
        outcome: Outcome,
    ) -> deckhand::engine::BoxFuture<Outcome> {
        let (kill, killed) = tokio::sync::oneshot::channel::<()>();
        self.kills.lock().unwrap().insert(pid, kill);
        Box::pin(async move {
            tokio::select! {
                () = tokio::time::sleep(StdDuration::from_secs(minutes as u64 * 60)) => outcome,
                _ = killed => Outcome {
                    verdict: Verdict::Failed,
                    touched_deck: true,
                    deck_unknown: None,
                    deck: None,
                    exit_code: None,
                    trace_file: outcome.trace_file,
                    deciding_line: None,
                    error: Some("killed".into()),
                },
            }
        })
    }
}

fn outcome(verdict: Verdict, touched_deck: bool) -> Outcome {
    Outcome {
        verdict,
        touched_deck,
        deck_unknown: None,
        deck: None,
        exit_code: Some(if verdict == Verdict::Completed { 0 } else { 1 }),
        trace_file: Some(r"C:\LogFiles\fake_Trace.trc".to_owned()),
        deciding_line: Some(format!("fake> SYSTEM : {verdict:?}")),
        error: None,
    }
}

impl Runner for FakeRunner {
    async fn launch(&self, request: LaunchRequest) -> Result<Launched, LaunchError> {
        let now = self.clock.now();
        self.launches
            .lock()
            .unwrap()
            .push((request.method_path.clone(), now));
        let plan = self
            .plans
            .lock()
            .unwrap()
            .get_mut(&request.method_path)
            .and_then(VecDeque::pop_front)
            .unwrap_or_else(|| *self.default.lock().unwrap());
        match plan {
            Plan::FailLaunch(why) => Err(LaunchError(why.to_owned())),
            Plan::Run {
                minutes,
                verdict,
                touched_deck,
            } => {
                let pid = {
                    let mut next = self.next_pid.lock().unwrap();
                    *next += 1;
                    *next
                };
                Ok(Launched {
                    pid: Some(pid),
                    command_line: format!(r#""C:\HxRun.exe" "{}" -r -t"#, request.method_path),
                    started_at: now,
                    finished: self.finished(pid, minutes, outcome(verdict, touched_deck)),
                    progress: None,
                })
            }
            Plan::UnreadableTrace { minutes } => {
                let pid = {
                    let mut next = self.next_pid.lock().unwrap();
                    *next += 1;
                    *next
                };
                let outcome = Outcome {
                    deciding_line: None,
                    error: Some("The trace has no end line.".to_owned()),
                    deck_unknown: Some(
                        "Deckhand could not read this trace's format (line 1: “\u{fffd}\u{fffd}”), so it assumes the deck may have been touched"
                            .to_owned(),
                    ),
                    ..outcome(Verdict::Failed, true)
                };
                Ok(Launched {
                    pid: Some(pid),
                    command_line: format!(r#""C:\HxRun.exe" "{}" -r -t"#, request.method_path),
                    started_at: now,
                    finished: self.finished(pid, minutes, outcome),
                    progress: None,
                })
            }
            Plan::StuckAfter { silent_after } => {
                let pid = {
                    let mut next = self.next_pid.lock().unwrap();
                    *next += 1;
                    *next
                };
                let (tell, news) = tokio::sync::mpsc::unbounded_channel();
                let threshold = request.stuck_after;
                tokio::spawn(async move {
                    tokio::time::sleep(
                        StdDuration::from_secs(silent_after as u64 * 60) + threshold,
                    )
                    .await;
                    let _ = tell.send(deckhand::engine::Progress::Stuck {
                        silent_for: threshold,
                    });
                    // Keep the channel open while the method "lives".
                    std::future::pending::<()>().await;
                });
                Ok(Launched {
                    pid: Some(pid),
                    command_line: format!(r#""C:\HxRun.exe" "{}" -r -t"#, request.method_path),
                    started_at: now,
                    // Alive for a year unless aborted.
                    finished: self.finished(pid, 525_600, outcome(Verdict::Completed, true)),
                    progress: Some(news),
                })
            }
        }
    }

    fn reattach(
        &self,
        _request: LaunchRequest,
        pid: u32,
        started_at: DateTime<Utc>,
        _trace_file: Option<String>,
    ) -> Option<Launched> {
        let minutes = *self.alive.lock().unwrap().get(&pid)?;
        Some(Launched {
            pid: Some(pid),
            command_line: "re-attached".to_owned(),
            started_at,
            finished: self.finished(pid, minutes, outcome(Verdict::Completed, true)),
            progress: None,
        })
    }

    fn abort(&self, pid: u32) -> Result<(), String> {
        let kill = self
            .kills
            .lock()
            .unwrap()
            .remove(&pid)
            .ok_or("no such process")?;
        let _ = kill.send(());
        Ok(())
    }
}

/// The robot is busy when `busy` holds a description of a foreign run; `looks` counts the
/// engine's looks at the process list.
#[derive(Default)]
pub struct FakeMonitor {
    pub busy: Mutex<Option<String>>,
    pub looks: std::sync::atomic::AtomicUsize,
}

impl FakeMonitor {
    pub fn looks(&self) -> usize {
        self.looks.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl RobotMonitor for FakeMonitor {
    fn foreign_run(&self, _names: &[String], _ours: &HashSet<u32>) -> Option<String> {
        self.looks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.busy.lock().unwrap().clone()
    }
}

/// An engine on a real database file, at wall time 2026-06-01 12:00 UTC (14:00 in Berlin).
pub struct Harness {
    pub db: TestStore,
    pub clock: Arc<TokioClock>,
    pub runner: Arc<FakeRunner>,
    pub monitor: Arc<FakeMonitor>,
    pub engine: Option<EngineHandle>,
    pub events: Option<broadcast::Receiver<Event>>,
}

pub const START: &str = "2026-06-01T12:00:00Z";

impl Harness {
    /// Must run under `#[tokio::test(start_paused = true)]`.
    pub fn new() -> Self {
        let db = TestStore::new();
        let clock = Arc::new(TokioClock::new(t(START)));
        db.clock.set(t(START));
        Harness {
            runner: Arc::new(FakeRunner::new(clock.clone())),
            monitor: Arc::new(FakeMonitor::default()),
            clock,
            db,
            engine: None,
            events: None,
        }
    }

    /// A store connection whose clock is the engine's.
    pub fn store(&self) -> Store {
        Store::open(&self.db.path(), self.clock.clone()).unwrap()
    }

    pub fn add(&mut self, draft: &ScheduleDraft) -> Schedule {
        let mut store = self.store();
        let schedule = store.create_schedule(draft, ACTOR).unwrap();
        if let Some(engine) = &self.engine {
            engine.schedule_changed(schedule.id).unwrap();
        }
        schedule
    }

    pub fn start(&mut self) -> EngineHandle {
        // Without the database watch: its file events come from a real thread at real
        // moments, which paused time cannot order. (`real.rs` tests the watch.)
        let (handle, _task) = Engine::start_with(
            self.store(),
            self.runner.clone(),
            self.monitor.clone(),
            self.clock.clone(),
            self.clock.clone(),
            Berlin,
            false,
        )
        .expect("the engine starts");
        self.events = Some(handle.subscribe());
        self.engine = Some(handle.clone());
        handle
    }

    /// Lets the engine work until the wall clock reads `until`.
    pub async fn run_until(&self, until: &str) {
        let target = t(until);
        let now = self.clock.now();
        if target > now {
            tokio::time::sleep((target - now).to_std().unwrap()).await;
        }
        // Let tasks woken at exactly that instant finish their work.
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
    }

    pub fn runs(&self) -> Vec<Run> {
        let mut runs: Vec<Run> = self
            .store()
            .history(&HistoryQuery {
                limit: 1000,
                ..Default::default()
            })
            .unwrap()
            .entries
            .into_iter()
            .map(|e| e.run)
            .collect();
        runs.reverse();
        runs
    }

    /// "slot-as-HH:MM-UTC status" for every run, oldest first.
    pub fn story(&self) -> Vec<String> {
        self.runs()
            .iter()
            .map(|r| format!("{} {}", r.slot.format("%d %H:%M"), r.status))
            .collect()
    }

    pub fn schedule(&self, id: Uuid) -> Schedule {
        self.store().get_schedule(id).unwrap()
    }

    /// Every event received so far.
    pub fn drain_events(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        if let Some(rx) = self.events.as_mut() {
            while let Ok(event) = rx.try_recv() {
                events.push(event);
            }
        }
        events
    }
}

/// A schedule draft for `method` every `hours` hours from `start` (RFC 3339).
pub fn every(method: &str, hours: f64, start: &str) -> ScheduleDraft {
    ScheduleDraft {
        name: method.trim_end_matches(".med").to_owned(),
        method_path: method.to_owned(),
        recurrence: deckhand::model::Recurrence::Interval {
            hours,
            start: t(start),
        },
        retry: Default::default(),
        missed_runs: Default::default(),
        expected_duration_minutes: None,
        stuck_minutes: None,
        active: true,
    }
}

pub fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}
