//! What the engine does to the world, behind small traits: launching methods (the runner) and
//! seeing whether the robot is busy (the monitor). The real ones (HxRun, the simulator,
//! sysinfo) plug in here; tests use fakes.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::model::AppSettings;

/// A boxed future, for a runner's "method finished" promise.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What the engine asks a runner to start.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchRequest {
    pub run_id: Uuid,
    pub schedule_id: Uuid,
    pub schedule_name: String,
    /// The method path as the schedule has it (the runner resolves relative paths).
    pub method_path: String,
    /// The settings in force (HxRun path and arguments, folders, the stuck threshold).
    pub settings: AppSettings,
    /// How long the method normally takes; past it the runner reports an overrun.
    pub expected_duration: Option<std::time::Duration>,
    /// How long the trace may stay silent while HxRun is alive before the run is stuck.
    pub stuck_after: std::time::Duration,
}

/// A method that was started.
pub struct Launched {
    pub pid: Option<u32>,
    /// The command line as a person would type it.
    pub command_line: String,
    /// When the process started (for re-attaching after a restart).
    pub started_at: DateTime<Utc>,
    /// Resolves when the method has ended, with its outcome.
    pub finished: BoxFuture<Outcome>,
    /// What happens while it runs (trace found, stuck, overrun), if the runner can tell.
    pub progress: Option<mpsc::UnboundedReceiver<Progress>>,
}

/// News about a method that is still running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The run's trace file was found.
    TraceFound(String),
    /// The trace showed `Execute method - start`: the deck may be touched from now on.
    MethodStarted,
    /// HxRun is alive but the trace has not grown for this long (VENUS waits on a dialog).
    Stuck { silent_for: std::time::Duration },
    /// The trace grew again after being stuck.
    Resumed,
    /// The run has taken longer than expected.
    Overrun { expected: std::time::Duration },
}

/// Why a launch failed. A launch failure never touched the deck, so it may be retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LaunchError(pub String);

/// How a method ended, as the runner judged it (from the trace file; the exit code only as a
/// fallback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Verdict,
    /// Whether the deck may have been touched: false only on proof that the method never
    /// started (`trace::DeckEvidence`). A run that may have touched the deck is never repeated
    /// automatically.
    pub touched_deck: bool,
    /// Why Deckhand cannot tell what happened on the deck, when it cannot (a trace it could not
    /// read, one that stops before it says, no trace at all), as a sentence without its full
    /// stop: a failed run then needs a person to check the deck before its schedule runs again.
    pub deck_unknown: Option<String>,
    /// Whether the deck may have been touched and what decided it, in words, for the run's
    /// record (`Run::deck_evidence`).
    pub deck: Option<String>,
    pub exit_code: Option<i32>,
    pub trace_file: Option<String>,
    /// The line that decided the verdict.
    pub deciding_line: Option<String>,
    /// A message for people when something went wrong.
    pub error: Option<String>,
}

/// The verdict on a finished method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Completed,
    /// A step error, or an end without a verdict.
    Failed,
    Aborted,
    /// VENUS waited on an error dialog and the run was given up.
    Stuck,
}

/// Starts methods.
pub trait Runner: Send + Sync + 'static {
    /// Starts the method. Returns once the process exists (or could not be started).
    fn launch(
        &self,
        request: LaunchRequest,
    ) -> impl Future<Output = Result<Launched, LaunchError>> + Send;

    /// Picks up a method Deckhand launched before it stopped, if that very process (same pid,
    /// same start time) is still running; `None` otherwise.
    fn reattach(
        &self,
        request: LaunchRequest,
        pid: u32,
        started_at: DateTime<Utc>,
        trace_file: Option<String>,
    ) -> Option<Launched>;

    /// Ends a launched method and every process it started, at once.
    fn abort(&self, pid: u32) -> Result<(), String>;
}

/// Sees whether the robot is busy with something Deckhand did not start.
pub trait RobotMonitor: Send + Sync + 'static {
    /// A description of a foreign run (e.g. "HxRun.exe, pid 4242") if there is one: a
    /// process named one of `names` (the robot's programs, from the settings as they are
    /// now) that is not one of `ours`, the process ids Deckhand launched.
    fn foreign_run(&self, names: &[String], ours: &HashSet<u32>) -> Option<String>;
}
