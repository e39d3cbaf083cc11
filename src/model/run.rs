//! Runs: one row per schedule slot (the old service's `JobExecution`), and history queries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};
use ts_rs::TS;
use uuid::Uuid;

/// One attempt to run a schedule's slot, from queued to its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Run {
    pub id: Uuid,
    pub schedule_id: Uuid,
    /// The instant the run was due. At most one run per schedule per slot, ever.
    pub slot: DateTime<Utc>,
    pub origin: RunOrigin,
    pub status: RunStatus,
    /// Launch and capacity attempts made so far (one budget per run).
    pub attempt: u32,
    /// For a `missed` row: how many slots it stands for.
    pub missed_count: Option<u32>,
    pub queued_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The HxRun command line as a person would type it.
    pub command_line: Option<String>,
    pub pid: Option<u32>,
    pub exit_code: Option<i32>,
    pub trace_file: Option<String>,
    /// The trace line that decided the outcome.
    pub outcome_detail: Option<String>,
    pub error_message: Option<String>,
    /// Whether the deck may have been touched, and the evidence that decided it, in words
    /// (`trace::DeckEvidence`); for runs the runner judged.
    pub deck_evidence: Option<String>,
    /// For a run waiting for the robot: until when it may wait (its last try within the
    /// schedule's attempt budget); then it is skipped.
    pub wait_until: Option<DateTime<Utc>>,
}

/// Why a run exists.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    TS,
    Display,
    EnumString,
    EnumIter,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[ts(export)]
pub enum RunOrigin {
    /// Its slot came due.
    Schedule,
    /// Someone pressed "run now".
    Manual,
    /// A missed slot caught up within the grace window.
    CatchUp,
}

/// Where a run is in its life. `pending` → `waiting` → `running` → an outcome.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    Display,
    EnumString,
    EnumIter,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[ts(export)]
pub enum RunStatus {
    /// Written, not yet launched.
    Pending,
    /// Held back: the robot is busy, Deckhand is at capacity, or a launch is to be retried.
    Waiting,
    /// HxRun was launched.
    Running,
    Completed,
    /// A step error, or HxRun failed in a way that may have touched the deck.
    Failed,
    Aborted,
    /// HxRun is alive but the trace has stopped growing (VENUS waits on an error dialog).
    Stuck,
    /// The slot passed while Deckhand was not running.
    Missed,
    /// The robot never became free within the retry budget.
    Skipped,
    /// Deckhand stopped while the run was in flight.
    Interrupted,
    /// A person cancelled it before it launched.
    Cancelled,
}

impl RunStatus {
    /// A run in a terminal status never changes again.
    pub fn is_terminal(self) -> bool {
        !matches!(
            self,
            RunStatus::Pending | RunStatus::Waiting | RunStatus::Running | RunStatus::Stuck
        )
    }

    /// Whether a run may be created in this status (everything else is reached by a transition).
    pub fn is_initial(self) -> bool {
        matches!(
            self,
            RunStatus::Pending | RunStatus::Missed | RunStatus::Skipped
        )
    }

    /// Whether a run in `self` may move to `next`. Keeping the status (to record an attempt or
    /// a process id) is allowed while the run is not finished.
    ///
    /// `running → waiting` exists only for launches the engine has proved never touched the
    /// deck (the trace never showed `Execute method - start`); `stuck → running` for a trace
    /// that grows again after an operator dismissed VENUS's dialog.
    pub fn can_become(self, next: RunStatus) -> bool {
        use RunStatus::*;
        if self == next {
            return !self.is_terminal();
        }
        match self {
            Pending => matches!(
                next,
                Waiting | Running | Failed | Skipped | Cancelled | Interrupted
            ),
            Waiting => matches!(
                next,
                Pending | Running | Failed | Skipped | Cancelled | Interrupted
            ),
            Running => matches!(
                next,
                Waiting | Completed | Failed | Aborted | Stuck | Interrupted
            ),
            Stuck => matches!(next, Running | Completed | Failed | Aborted | Interrupted),
            Completed | Failed | Aborted | Missed | Skipped | Interrupted | Cancelled => false,
        }
    }
}

/// A run to be written before anything is launched.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    pub schedule_id: Uuid,
    pub slot: DateTime<Utc>,
    pub origin: RunOrigin,
    /// `pending`, or `missed` / `skipped` for a slot recorded without running.
    pub status: RunStatus,
    pub missed_count: Option<u32>,
    pub error_message: Option<String>,
}

impl NewRun {
    /// A run about to be launched for `slot`.
    pub fn pending(schedule_id: Uuid, slot: DateTime<Utc>, origin: RunOrigin) -> Self {
        NewRun {
            schedule_id,
            slot,
            origin,
            status: RunStatus::Pending,
            missed_count: None,
            error_message: None,
        }
    }
}

/// Fields recorded along with a status change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunChanges {
    pub attempt: Option<u32>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub command_line: Option<String>,
    pub pid: Option<u32>,
    pub exit_code: Option<i32>,
    pub trace_file: Option<String>,
    pub outcome_detail: Option<String>,
    pub error_message: Option<String>,
    pub deck_evidence: Option<String>,
    pub wait_until: Option<DateTime<Utc>>,
}

/// A history filter: every field narrows, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryQuery {
    pub schedule_id: Option<Uuid>,
    pub status: Option<RunStatus>,
    /// Slots at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Slots before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Rows per page, 1 to 1,000.
    pub limit: u32,
    pub offset: u32,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            schedule_id: None,
            status: None,
            from: None,
            to: None,
            limit: 50,
            offset: 0,
        }
    }
}

/// A run with the name and method of its schedule, live or (after delete) as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryEntry {
    pub run: Run,
    pub schedule_name: String,
    pub method_path: String,
    /// The schedule was deleted; name and path are the snapshots taken then.
    pub schedule_deleted: bool,
}

/// One page of history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    /// More rows follow this page.
    pub has_more: bool,
}
