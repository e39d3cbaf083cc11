//! Deckhand at a glance: what runs now, what needs a person, what comes next. The tray and the
//! dashboard show this.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::model::{RunStatus, Schedule, ScheduleListFilter};
use crate::store::{Result, Store};

/// A run in progress.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Current {
    pub run_id: Uuid,
    pub schedule_id: Uuid,
    pub schedule_name: String,
    pub status: RunStatus,
    pub started_at: Option<DateTime<Utc>>,
    /// The schedule's expected duration, to show elapsed against it.
    pub expected_minutes: Option<u32>,
}

/// A planned run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Upcoming {
    pub schedule_id: Uuid,
    pub schedule_name: String,
    pub at: DateTime<Utc>,
}

/// The state of things.
#[derive(Debug, Clone, PartialEq, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Overview {
    /// Runs launched and not finished (running or stuck).
    pub running: Vec<Current>,
    /// Schedules waiting for a person to resolve their recovery.
    pub needs_recovery: Vec<Schedule>,
    /// The next planned runs, soonest first (at most [`UPCOMING`]).
    pub upcoming: Vec<Upcoming>,
}

/// How many planned runs the overview lists.
pub const UPCOMING: usize = 5;

impl Overview {
    /// Something needs a person: a schedule waits for recovery or a run is stuck.
    pub fn needs_attention(&self) -> bool {
        !self.needs_recovery.is_empty() || self.running.iter().any(|r| r.status == RunStatus::Stuck)
    }

    /// The next planned run.
    pub fn next(&self) -> Option<&Upcoming> {
        self.upcoming.first()
    }
}

/// Reads the overview from the store.
pub fn overview(store: &Store) -> Result<Overview> {
    let schedules = store.list_schedules(ScheduleListFilter::All)?;
    let find = |id| schedules.iter().find(|s| s.id == id);
    let running = store
        .runs_in_status(&[RunStatus::Running, RunStatus::Stuck])?
        .into_iter()
        .map(|run| Current {
            run_id: run.id,
            schedule_id: run.schedule_id,
            schedule_name: find(run.schedule_id)
                .map_or_else(|| "(deleted schedule)".to_owned(), |s| s.name.clone()),
            status: run.status,
            started_at: run.started_at,
            expected_minutes: find(run.schedule_id).and_then(|s| s.expected_duration_minutes),
        })
        .collect();
    let needs_recovery = schedules
        .iter()
        .filter(|s| s.recovery.is_some() && !s.archived)
        .cloned()
        .collect();
    let mut upcoming: Vec<Upcoming> = schedules
        .iter()
        .filter(|s| s.active && !s.archived && s.recovery.is_none())
        .filter_map(|s| {
            s.next_run.map(|at| Upcoming {
                schedule_id: s.id,
                schedule_name: s.name.clone(),
                at,
            })
        })
        .collect();
    upcoming.sort_by_key(|u| u.at);
    upcoming.truncate(UPCOMING);
    Ok(Overview {
        running,
        needs_recovery,
        upcoming,
    })
}
