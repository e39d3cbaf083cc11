//! The audit log: who did what, when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};
use ts_rs::TS;

/// A user action (or an engine decision a person must know about).
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
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum AuditAction {
    ScheduleCreated,
    ScheduleEdited,
    ScheduleArchived,
    ScheduleUnarchived,
    ScheduleDeleted,
    RecoveryRequired,
    RecoveryResolved,
    ContactCreated,
    ContactEdited,
    ContactDeleted,
    DestinationCreated,
    DestinationEdited,
    DestinationDeleted,
    SmtpSettingsChanged,
    SettingChanged,
    EnginePaused,
    EngineResumed,
    RunRequested,
    RunSkipped,
    RunCancelled,
    RunAborted,
}

/// What an audit entry is about.
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
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum AuditTarget {
    Schedule,
    Run,
    Contact,
    Destination,
    Smtp,
    Setting,
    Engine,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub target_kind: AuditTarget,
    pub target_id: Option<String>,
    /// What changed, in words.
    pub detail: String,
}
