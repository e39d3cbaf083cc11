//! The engine: one task that decides when runs happen, and never loses or doubles one.
//!
//! The task owns every scheduling decision; everything else talks to it through an
//! [`EngineHandle`] (commands over a channel) and listens to its [`Event`]s (a broadcast
//! channel). It sleeps until the earliest due slot, the earliest retry, or a message — never
//! on a fixed poll, except while a run waits on a run Deckhand did not start (then it looks at
//! the process list every [`FOREIGN_WATCH`]). Time comes from the injected
//! [`Clock`](crate::clock::Clock) and the zone from the caller (`chrono::Local` in the app).
//!
//! A due slot becomes a `pending` run row before anything is launched, and the store's unique
//! key on (schedule, slot) refuses a second one whatever happens (crash, restart, clock jump).
//! Gated runs (Deckhand at capacity, or the robot busy with a run Deckhand did not start) are
//! `waiting`, in one queue ordered by when they fell due: the head starts the moment a slot
//! frees, and a newly due run never overtakes a waiting one. The schedule's attempt budget
//! bounds the wait (its tries, counted at its retry delays); launches that never touched the
//! deck share that budget and keep their delays. A run that touched the deck is never repeated.

mod backoff;
mod effects;
mod lock;
mod monitor;
mod task;
mod timer;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot};
use ts_rs::TS;
use uuid::Uuid;

use crate::model::{Run, Schedule};
use crate::store::StoreError;

pub use self::backoff::delay as retry_delay;
pub use self::effects::{
    BoxFuture, LaunchError, LaunchRequest, Launched, Outcome, Progress, RobotMonitor, Runner,
    Verdict,
};
pub use self::lock::{EngineLock, LockError};
pub use self::monitor::ProcessMonitor;
pub use self::task::{Engine, FOREIGN_WATCH, ON_TIME};
pub use self::timer::{Timer, WallTimer};

/// Something that changed, for the UI, the tray and the notifier.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Event {
    /// A run was created or changed status.
    Run { run: Run, schedule_name: String },
    /// A run has taken longer than its schedule's expected duration.
    Overrun { run: Run, expected_minutes: u32 },
    /// Slots passed without running; `latest` is the newest of them.
    Missed {
        schedule_id: Uuid,
        schedule_name: String,
        latest: DateTime<Utc>,
        count: u32,
    },
    /// A schedule changed (next run, recovery required, …).
    Schedule { schedule: Schedule },
    /// The engine was paused or resumed, or the number of runs in flight changed.
    Engine { paused: bool, in_flight: u32 },
    /// The engine could not do something and will try again; `message` says what.
    Problem { message: String },
    /// Another program (the CLI, a second window) changed a setting: the settings as they are
    /// now. Hosts follow what concerns them (the log level); the window reads them again.
    Settings { settings: crate::model::AppSettings },
}

/// What the engine refused or could not do.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request does not fit the schedule or run as it is.
    #[error("{0}")]
    Refused(String),
    /// The engine has stopped.
    #[error("The scheduler is not running.")]
    Stopped,
}

impl EngineError {
    /// The stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::Store(e) => e.code(),
            EngineError::Refused(_) => "invalid_input",
            EngineError::Stopped => "engine_stopped",
        }
    }
}

type Reply<T> = oneshot::Sender<Result<T, EngineError>>;

/// A request to the engine task.
pub(crate) enum Command {
    /// A schedule was created, edited, archived, resolved or deleted: re-read it.
    ScheduleChanged(Uuid),
    /// Settings were changed by another connection (capacity, the robot's names): re-read.
    SettingsChanged,
    /// The same, answered once the schedule is planned (its next run written).
    Replan {
        schedule_id: Uuid,
        reply: Reply<()>,
    },
    RunNow {
        schedule_id: Uuid,
        actor: String,
        reply: Reply<Run>,
    },
    SkipNext {
        schedule_id: Uuid,
        actor: String,
        reply: Reply<Run>,
    },
    Cancel {
        run_id: Uuid,
        actor: String,
        reply: Reply<Run>,
    },
    Abort {
        run_id: Uuid,
        actor: String,
        reply: Reply<Run>,
    },
    Pause {
        actor: String,
        reply: Reply<()>,
    },
    Resume {
        actor: String,
        reply: Reply<()>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// Talks to a running engine. Cheap to clone.
#[derive(Clone)]
pub struct EngineHandle {
    commands: mpsc::UnboundedSender<task::Msg>,
    events: broadcast::Sender<Event>,
}

impl EngineHandle {
    /// Every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    fn send(&self, command: Command) -> Result<(), EngineError> {
        self.commands
            .send(task::Msg::Command(command))
            .map_err(|_| EngineError::Stopped)
    }

    async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Result<T, EngineError> {
        let (reply, answer) = oneshot::channel();
        self.send(make(reply))?;
        answer.await.map_err(|_| EngineError::Stopped)?
    }

    /// Tells the engine a schedule changed in the store.
    pub fn schedule_changed(&self, schedule_id: Uuid) -> Result<(), EngineError> {
        self.send(Command::ScheduleChanged(schedule_id))
    }

    /// Tells the engine the settings changed, so a raised capacity starts a waiting run at
    /// once (the database watch would tell it a moment later).
    pub fn settings_changed(&self) -> Result<(), EngineError> {
        self.send(Command::SettingsChanged)
    }

    /// Tells the engine a schedule changed and waits until it has planned it, so that the
    /// schedule read afterwards carries its next run.
    pub async fn replan(&self, schedule_id: Uuid) -> Result<(), EngineError> {
        self.ask(|reply| Command::Replan { schedule_id, reply })
            .await
    }

    /// Starts a run of the schedule now, outside its slots.
    pub async fn run_now(&self, schedule_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let actor = actor.to_owned();
        self.ask(|reply| Command::RunNow {
            schedule_id,
            actor,
            reply,
        })
        .await
    }

    /// Skips the schedule's next slot; returns the `skipped` run that records it.
    pub async fn skip_next(&self, schedule_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let actor = actor.to_owned();
        self.ask(|reply| Command::SkipNext {
            schedule_id,
            actor,
            reply,
        })
        .await
    }

    /// Cancels a run that has not been launched.
    pub async fn cancel(&self, run_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let actor = actor.to_owned();
        self.ask(|reply| Command::Cancel {
            run_id,
            actor,
            reply,
        })
        .await
    }

    /// Ends a launched run's HxRun process tree at once; the run becomes `aborted` and its
    /// schedule needs recovery, in `actor`'s name.
    pub async fn abort(&self, run_id: Uuid, actor: &str) -> Result<Run, EngineError> {
        let actor = actor.to_owned();
        self.ask(|reply| Command::Abort {
            run_id,
            actor,
            reply,
        })
        .await
    }

    /// Stops launching runs until resumed (runs in flight go on).
    pub async fn pause(&self, actor: &str) -> Result<(), EngineError> {
        let actor = actor.to_owned();
        self.ask(|reply| Command::Pause { actor, reply }).await
    }

    pub async fn resume(&self, actor: &str) -> Result<(), EngineError> {
        let actor = actor.to_owned();
        self.ask(|reply| Command::Resume { actor, reply }).await
    }

    /// Stops the engine: state written; methods in flight keep running and are re-attached on
    /// the next start. Returns when the engine has stopped.
    pub async fn shutdown(&self) {
        let (reply, done) = oneshot::channel();
        if self.send(Command::Shutdown { reply }).is_ok() {
            let _ = done.await;
        }
    }
}
