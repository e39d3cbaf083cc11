//! Deckhand at a glance: what runs now, what needs a person, what comes next. The tray (and the
//! dashboard) show this.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::{RunStatus, ScheduleListFilter};
use crate::store::{Result, Store};

/// A run in progress and its schedule's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Current {
    pub schedule_name: String,
    pub status: RunStatus,
    pub started_at: Option<DateTime<Utc>>,
}

/// The state of things.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// Runs launched and not finished (running or stuck).
    pub running: Vec<Current>,
    /// Schedules waiting for a person to resolve their recovery, by name.
    pub needs_recovery: Vec<String>,
    /// The next planned run: schedule name and time.
    pub next: Option<(String, DateTime<Utc>)>,
}

impl Overview {
    /// Something needs a person: a schedule waits for recovery or a run is stuck.
    pub fn needs_attention(&self) -> bool {
        !self.needs_recovery.is_empty() || self.running.iter().any(|r| r.status == RunStatus::Stuck)
    }
}

/// Reads the overview from the store.
pub fn overview(store: &Store) -> Result<Overview> {
    let schedules = store.list_schedules(ScheduleListFilter::All)?;
    let name = |id| {
        schedules
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| "(deleted schedule)".to_owned(), |s| s.name.clone())
    };
    let running = store
        .runs_in_status(&[RunStatus::Running, RunStatus::Stuck])?
        .into_iter()
        .map(|run| Current {
            schedule_name: name(run.schedule_id),
            status: run.status,
            started_at: run.started_at,
        })
        .collect();
    let needs_recovery = schedules
        .iter()
        .filter(|s| s.recovery.is_some() && !s.archived)
        .map(|s| s.name.clone())
        .collect();
    let next = schedules
        .iter()
        .filter(|s| s.active && !s.archived && s.recovery.is_none())
        .filter_map(|s| s.next_run.map(|at| (s.name.clone(), at)))
        .min_by_key(|(_, at)| *at);
    Ok(Overview {
        running,
        needs_recovery,
        next,
    })
}
