//! Schedules: what runs, when, and what happens when it cannot.

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};
use ts_rs::TS;
use uuid::Uuid;

/// A method that Deckhand runs on a recurrence (the old service's `ScheduledExperiment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Schedule {
    pub id: Uuid,
    pub name: String,
    /// The VENUS method file (`.med` or `.hsl`), absolute or relative to the methods folder.
    pub method_path: String,
    pub recurrence: Recurrence,
    pub retry: RetryPolicy,
    pub missed_runs: MissedRunPolicy,
    /// How long a run normally takes; a run past it raises `overrun`.
    pub expected_duration_minutes: Option<u32>,
    /// Minutes of trace silence (HxRun alive) before a run is stuck; `None`: the app setting.
    pub stuck_minutes: Option<u32>,
    /// False when paused by a person or while recovery is required.
    pub active: bool,
    pub archived: bool,
    /// Set when a run aborted or got stuck and a person must look at the deck.
    pub recovery: Option<RecoveryState>,
    /// Background fields: the engine moves them without touching `updated_at`.
    pub next_run: Option<DateTime<Utc>>,
    pub last_run: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The optimistic-concurrency token: every user edit must name the value it was based on.
    pub updated_at: DateTime<Utc>,
}

impl Schedule {
    /// The editable part of this schedule, as a form would start from it.
    pub fn draft(&self) -> ScheduleDraft {
        ScheduleDraft {
            name: self.name.clone(),
            method_path: self.method_path.clone(),
            recurrence: self.recurrence.clone(),
            retry: self.retry.clone(),
            missed_runs: self.missed_runs.clone(),
            expected_duration_minutes: self.expected_duration_minutes,
            stuck_minutes: self.stuck_minutes,
            active: self.active,
        }
    }
}

/// What a person types to create or edit a schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScheduleDraft {
    pub name: String,
    pub method_path: String,
    pub recurrence: Recurrence,
    #[serde(default)]
    pub retry: RetryPolicy,
    #[serde(default)]
    pub missed_runs: MissedRunPolicy,
    #[serde(default)]
    pub expected_duration_minutes: Option<u32>,
    #[serde(default)]
    pub stuck_minutes: Option<u32>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// When a schedule's slots fall. Instants are UTC; the time rules (issue 3) lay them out in
/// the lab PC's local zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Recurrence {
    /// One run at `at`.
    Once { at: DateTime<Utc> },
    /// Every `hours` hours (may be fractional), the first slot at `start`.
    Interval { hours: f64, start: DateTime<Utc> },
    /// Every hour from `start`.
    Hourly { start: DateTime<Utc> },
    /// Every day at `start`'s local time of day.
    Daily { start: DateTime<Utc> },
    /// Every week at `start`'s local weekday and time of day.
    Weekly { start: DateTime<Utc> },
    /// On the chosen weekdays at a local time of day.
    Weekdays {
        days: Vec<Weekday>,
        #[ts(type = "string")]
        #[serde(with = "hh_mm")]
        time: NaiveTime,
    },
}

impl Recurrence {
    /// The storage spelling of the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Recurrence::Once { .. } => "once",
            Recurrence::Interval { .. } => "interval",
            Recurrence::Hourly { .. } => "hourly",
            Recurrence::Daily { .. } => "daily",
            Recurrence::Weekly { .. } => "weekly",
            Recurrence::Weekdays { .. } => "weekdays",
        }
    }

    /// The interval of the interval kinds, with the aliases' fixed lengths (1, 24, 168 hours).
    pub fn interval_hours(&self) -> Option<f64> {
        match self {
            Recurrence::Interval { hours, .. } => Some(*hours),
            Recurrence::Hourly { .. } => Some(1.0),
            Recurrence::Daily { .. } => Some(24.0),
            Recurrence::Weekly { .. } => Some(168.0),
            Recurrence::Once { .. } | Recurrence::Weekdays { .. } => None,
        }
    }

    /// The first slot of the interval kinds, or the one slot of `once`.
    pub fn start(&self) -> Option<DateTime<Utc>> {
        match self {
            Recurrence::Once { at } => Some(*at),
            Recurrence::Interval { start, .. }
            | Recurrence::Hourly { start }
            | Recurrence::Daily { start }
            | Recurrence::Weekly { start } => Some(*start),
            Recurrence::Weekdays { .. } => None,
        }
    }
}

/// `HH:MM` for times of day, the way people write them.
pub(crate) mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&time.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).map_err(serde::de::Error::custom)
    }

    /// Parses `HH:MM` (24-hour clock).
    pub fn parse(text: &str) -> Result<NaiveTime, String> {
        NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
            format!(
                "'{}' is not a time of day; write it as HH:MM, e.g. 08:30",
                crate::validate::shown(text)
            )
        })
    }
}

pub use hh_mm::parse as parse_time_of_day;

/// A day of the week, spelled `mon` … `sun`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
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
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl From<Weekday> for chrono::Weekday {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Mon => chrono::Weekday::Mon,
            Weekday::Tue => chrono::Weekday::Tue,
            Weekday::Wed => chrono::Weekday::Wed,
            Weekday::Thu => chrono::Weekday::Thu,
            Weekday::Fri => chrono::Weekday::Fri,
            Weekday::Sat => chrono::Weekday::Sat,
            Weekday::Sun => chrono::Weekday::Sun,
        }
    }
}

/// How a run that could not start is tried again (the guide's `RetryConfig`). Launch retries
/// and "robot busy" waits share this one budget per run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    pub delay_minutes: u32,
    pub backoff: Backoff,
    /// No wait is longer than this.
    pub max_delay_minutes: u32,
}

impl Default for RetryPolicy {
    /// The guide's defaults: 5 attempts, 2 minutes apart.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            delay_minutes: 2,
            backoff: Backoff::Fixed,
            max_delay_minutes: 30,
        }
    }
}

/// How the wait between attempts grows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Display, EnumString, EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[ts(export)]
pub enum Backoff {
    /// The same delay every time.
    Fixed,
    /// delay × attempt.
    Linear,
    /// delay × 2^(attempt − 1).
    Exponential,
}

/// What happens to slots that passed while Deckhand was not running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MissedRunPolicy {
    /// Run one catch-up when the latest missed slot is at most `grace_minutes` late.
    pub catch_up: bool,
    pub grace_minutes: u32,
}

impl Default for MissedRunPolicy {
    fn default() -> Self {
        MissedRunPolicy {
            catch_up: true,
            grace_minutes: 15,
        }
    }
}

/// Why a schedule is waiting for a person, and who said so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecoveryState {
    pub note: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// Which schedules a list shows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, Display, EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[ts(export)]
pub enum ScheduleListFilter {
    /// Not archived (paused and recovery-required ones included).
    #[default]
    Active,
    Archived,
    All,
}
