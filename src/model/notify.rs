//! Who hears about runs, how, and the record of what was sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};
use ts_rs::TS;
use uuid::Uuid;

/// Something that happened that a person may want to hear about.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
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
pub enum EventKind {
    RunStarted,
    RunCompleted,
    RunFailed,
    RunAborted,
    RunStuck,
    RunOverrun,
    RunMissed,
    RunSkipped,
    RecoveryRequired,
    RecoveryResolved,
    Test,
}

impl EventKind {
    /// Whether this event asks a person to do something; contacts hear these by default.
    pub fn needs_a_person(self) -> bool {
        matches!(
            self,
            EventKind::RunFailed
                | EventKind::RunAborted
                | EventKind::RunStuck
                | EventKind::RunOverrun
                | EventKind::RunMissed
                | EventKind::RunSkipped
                | EventKind::RecoveryRequired
                | EventKind::RecoveryResolved
        )
    }

    /// The events a new contact hears unless told otherwise.
    pub fn defaults() -> Vec<EventKind> {
        EventKind::iter().filter(|e| e.needs_a_person()).collect()
    }
}

/// A person who gets email about runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Contact {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub enabled: bool,
    pub events: Vec<EventKind>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contact {
    /// Whether this contact wants to hear `event` now.
    pub fn wants(&self, event: EventKind) -> bool {
        self.enabled && (event == EventKind::Test || self.events.contains(&event))
    }
}

/// What a person types to add or edit a contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContactDraft {
    pub name: String,
    pub email: String,
    pub enabled: bool,
    pub events: Vec<EventKind>,
}

/// How the connection to the mail server is protected.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Display, EnumString, EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[ts(export)]
pub enum TlsMode {
    /// Plain text; only for a relay on the lab network.
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// The mail server. The password is not here: it lives in the operating system's keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub from_address: String,
}

/// How a notification travels.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Display, EnumString, EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum Channel {
    Email,
    Desktop,
    /// A Microsoft Teams channel, through its Workflows (or incoming-webhook) URL.
    Teams,
    /// A Slack channel, through its incoming-webhook URL.
    Slack,
    /// Any HTTP receiver of Deckhand's own JSON (see `docs/webhook.md`).
    Webhook,
}

impl Channel {
    /// Whether messages on this channel go to a destination (a URL), not a contact.
    pub fn is_destination(self) -> bool {
        matches!(self, Channel::Teams | Channel::Slack | Channel::Webhook)
    }
}

/// What a destination is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Display, EnumString, EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[ts(export)]
pub enum DestinationKind {
    /// Microsoft Teams: an Adaptive Card posted to a Workflows (or incoming-webhook) URL.
    Teams,
    /// Slack: Block Kit posted to an incoming-webhook URL.
    Slack,
    /// Deckhand's own versioned JSON, for any receiver (a lab system, a pager gateway).
    Webhook,
}

impl DestinationKind {
    /// The channel its messages travel on.
    pub fn channel(self) -> Channel {
        match self {
            DestinationKind::Teams => Channel::Teams,
            DestinationKind::Slack => Channel::Slack,
            DestinationKind::Webhook => Channel::Webhook,
        }
    }

    /// Its name as people say it.
    pub fn label(self) -> &'static str {
        match self {
            DestinationKind::Teams => "Microsoft Teams",
            DestinationKind::Slack => "Slack",
            DestinationKind::Webhook => "Webhook",
        }
    }
}

/// A chat channel or webhook that gets messages about runs. Its URL is a secret kept in the
/// operating system's keyring; only its host is here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Destination {
    pub id: Uuid,
    pub name: String,
    pub kind: DestinationKind,
    /// The URL's host, to show which service it posts to.
    pub host: String,
    pub enabled: bool,
    pub events: Vec<EventKind>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Destination {
    /// Whether this destination wants to hear `event` now.
    pub fn wants(&self, event: EventKind) -> bool {
        self.enabled && (event == EventKind::Test || self.events.contains(&event))
    }
}

/// What a person types to add or edit a destination.
#[derive(Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DestinationDraft {
    pub name: String,
    pub kind: DestinationKind,
    /// The URL to post to. Required for a new destination; when editing, `None` (or empty)
    /// keeps the one kept in the keyring.
    #[ts(optional)]
    pub url: Option<String>,
    pub enabled: bool,
    pub events: Vec<EventKind>,
}

impl std::fmt::Debug for DestinationDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it carries the channel's token.
        f.debug_struct("DestinationDraft")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("url", &self.url.as_ref().map(|_| "(hidden)"))
            .field("enabled", &self.enabled)
            .field("events", &self.events)
            .finish()
    }
}

/// Whether a delivery succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Display, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum DeliveryStatus {
    Sent,
    /// Given up on; `error` says why.
    Failed,
}

/// One delivery of one event to one contact over one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NotificationLogEntry {
    pub event: EventKind,
    pub run_id: Option<Uuid>,
    pub schedule_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    /// For a chat or webhook message: the destination.
    #[serde(default)]
    pub destination_id: Option<Uuid>,
    pub channel: Channel,
    pub status: DeliveryStatus,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl NotificationLogEntry {
    /// The key that makes a delivery happen once: event, subject (run, else schedule),
    /// contact and channel.
    pub fn dedupe_key(&self) -> String {
        let key = dedupe_key(
            self.event,
            self.run_id.or(self.schedule_id),
            self.contact_id.or(self.destination_id),
            self.channel,
        );
        // Every test message is its own happening.
        if self.event == EventKind::Test {
            format!("{key}@{}", self.created_at.timestamp_millis())
        } else {
            key
        }
    }
}

/// The dedupe key shared by the outbox and the notification log. `contact`: who gets it, a
/// contact or a destination.
pub fn dedupe_key(
    event: EventKind,
    subject: Option<Uuid>,
    contact: Option<Uuid>,
    channel: Channel,
) -> String {
    let part = |id: Option<Uuid>| id.map_or_else(|| "-".to_owned(), |id| id.to_string());
    format!("{event}:{}:{}:{channel}", part(subject), part(contact))
}

/// A message to be delivered by the outbox task.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxDraft {
    pub event: EventKind,
    pub run_id: Option<Uuid>,
    pub schedule_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    /// For a chat or webhook message: the destination.
    pub destination_id: Option<Uuid>,
    pub channel: Channel,
    /// What the message is about when a run or schedule id alone would not be unique, e.g.
    /// the second time one schedule needs recovery (`schedule-id@time`); else the run, or the
    /// schedule, is the subject.
    pub occurrence: Option<String>,
    /// JSON facts the message is rendered from.
    pub payload: serde_json::Value,
}

impl OutboxDraft {
    pub fn dedupe_key(&self) -> String {
        match &self.occurrence {
            Some(occurrence) => {
                let contact = self
                    .contact_id
                    .or(self.destination_id)
                    .map_or_else(|| "-".to_owned(), |id| id.to_string());
                format!("{}:{occurrence}:{contact}:{}", self.event, self.channel)
            }
            None => dedupe_key(
                self.event,
                self.run_id.or(self.schedule_id),
                self.contact_id.or(self.destination_id),
                self.channel,
            ),
        }
    }
}

/// Where an outbox message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Display, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum OutboxStatus {
    Pending,
    Sent,
    /// Given up after too many attempts.
    Dead,
}

/// A persisted message and its delivery attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub id: i64,
    pub dedupe_key: String,
    pub event: EventKind,
    pub run_id: Option<Uuid>,
    pub schedule_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub destination_id: Option<Uuid>,
    pub channel: Channel,
    pub payload: serde_json::Value,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message still waiting to go out, as the notification screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PendingNotification {
    pub id: i64,
    pub event: EventKind,
    pub channel: Channel,
    pub run_id: Option<Uuid>,
    pub schedule_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub destination_id: Option<Uuid>,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&OutboxEntry> for PendingNotification {
    fn from(e: &OutboxEntry) -> Self {
        PendingNotification {
            id: e.id,
            event: e.event,
            channel: e.channel,
            run_id: e.run_id,
            schedule_id: e.schedule_id,
            contact_id: e.contact_id,
            destination_id: e.destination_id,
            attempts: e.attempts,
            next_attempt_at: e.next_attempt_at,
            last_error: e.last_error.clone(),
            created_at: e.created_at,
        }
    }
}
