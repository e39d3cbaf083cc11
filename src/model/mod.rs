//! Deckhand's domain types: what the store keeps and the UI shows.
//!
//! Every type here is plain data with serde (camelCase JSON for the UI) and ts-rs (the UI's
//! TypeScript bindings in `ui/src/bindings/`). Statuses and kinds are enums that are stored as
//! TEXT with their snake_case spelling (strum's `Display` / `FromStr`).

mod audit;
mod notify;
mod run;
mod schedule;
mod settings;

pub use audit::{AuditAction, AuditEntry, AuditTarget};
pub use notify::{
    Channel, Contact, ContactDraft, DeliveryStatus, Destination, DestinationDraft, DestinationKind,
    EventKind, NotificationLogEntry, OutboxDraft, OutboxEntry, OutboxStatus, PendingNotification,
    SmtpSettings, TlsMode,
};
pub use run::{
    HistoryEntry, HistoryPage, HistoryQuery, NewRun, Run, RunChanges, RunOrigin, RunStatus,
};
pub use schedule::{
    Backoff, MissedRunPolicy, RecoveryState, Recurrence, RetryPolicy, Schedule, ScheduleDraft,
    ScheduleListFilter, Weekday, parse_time_of_day,
};
pub use settings::{AppSettings, LogLevel, SchedulerState, SettingKey};
