//! Deckhand at a glance: what runs now, what needs a person, what comes next. The tray and the
//! dashboard show this.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::model::{RunStatus, Schedule, ScheduleListFilter, SchedulerState};
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

/// A run that came due and waits to start (the robot is busy, or all run slots are taken).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Waiting {
    pub run_id: Uuid,
    pub schedule_id: Uuid,
    pub schedule_name: String,
    /// When it was due.
    pub slot: DateTime<Utc>,
    /// Which try this is (the schedule's retry policy sets how many there are).
    pub attempt: u32,
    /// Why it waits, as the engine recorded it.
    pub reason: Option<String>,
    /// Until when it may wait: its last try; then it is skipped.
    pub wait_until: Option<DateTime<Utc>>,
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
    /// Runs that came due and wait to start, in the order they start: oldest due first.
    pub waiting: Vec<Waiting>,
    /// Schedules waiting for a person to resolve their recovery.
    pub needs_recovery: Vec<Schedule>,
    /// The next planned runs, soonest first (at most [`UPCOMING`]).
    pub upcoming: Vec<Upcoming>,
    /// Whether the scheduler is paused, by whom and since when.
    pub scheduler: SchedulerState,
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
    let waiting = store
        .runs_in_status(&[RunStatus::Waiting])?
        .into_iter()
        .map(|run| Waiting {
            run_id: run.id,
            schedule_id: run.schedule_id,
            schedule_name: find(run.schedule_id)
                .map_or_else(|| "(deleted schedule)".to_owned(), |s| s.name.clone()),
            slot: run.slot,
            attempt: run.attempt,
            reason: run.error_message,
            wait_until: run.wait_until,
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
        waiting,
        needs_recovery,
        upcoming,
        scheduler: store.scheduler_state()?,
    })
}

/// One thing on the calendar: a run that happened (or is happening), or a planned slot.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CalendarItem {
    pub schedule_id: Uuid,
    pub schedule_name: String,
    /// The slot the run is (or was) due at.
    pub at: DateTime<Utc>,
    /// The run, when there is one; `None` for a planned slot.
    pub run: Option<crate::model::Run>,
    /// The schedule was deleted (its runs keep their old name).
    pub schedule_deleted: bool,
}

/// At most this many items per calendar range (a week of a schedule every minute would be
/// 10,080).
pub const CALENDAR_LIMIT: usize = 2000;

/// The calendar between `from` and `to`: every run whose slot falls in the range (live and of
/// deleted schedules), and the planned slots of schedules that will run, in zone `tz`, sorted
/// by time. A planned slot that already has a run is shown as the run.
pub fn calendar<Tz: chrono::TimeZone>(
    store: &Store,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Result<Vec<CalendarItem>> {
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let query = crate::model::HistoryQuery {
        from: Some(from),
        to: Some(to),
        limit: 1000,
        ..Default::default()
    };
    let mut offset = 0;
    loop {
        let page = store.history(&crate::model::HistoryQuery {
            offset,
            ..query.clone()
        })?;
        for entry in page.entries {
            seen.insert((entry.run.schedule_id, entry.run.slot));
            items.push(CalendarItem {
                schedule_id: entry.run.schedule_id,
                schedule_name: entry.schedule_name,
                at: entry.run.slot,
                run: Some(entry.run),
                schedule_deleted: entry.schedule_deleted,
            });
        }
        if !page.has_more || items.len() >= CALENDAR_LIMIT {
            break;
        }
        offset += 1000;
    }
    // Planned slots: from now (or the range's start, if later) for schedules that will run.
    let planned_from = from.max(now);
    for schedule in store.list_schedules(ScheduleListFilter::Active)? {
        if !schedule.active || schedule.recovery.is_some() {
            continue;
        }
        let mut next = crate::slots::at_or_after(&schedule.recurrence, planned_from, tz);
        while let Some(at) = next.filter(|at| *at < to) {
            if items.len() >= CALENDAR_LIMIT {
                break;
            }
            if seen.insert((schedule.id, at)) {
                items.push(CalendarItem {
                    schedule_id: schedule.id,
                    schedule_name: schedule.name.clone(),
                    at,
                    run: None,
                    schedule_deleted: false,
                });
            }
            next = crate::slots::after(&schedule.recurrence, at, tz);
        }
    }
    items.sort_by_key(|i| i.at);
    items.truncate(CALENDAR_LIMIT);
    Ok(items)
}
