//! What a chat or webhook message says: the email's content, as a Microsoft Teams Adaptive
//! Card, as Slack Block Kit, or as Deckhand's own versioned JSON (`docs/webhook.md`).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::message::{Facts, headline, local, next, pc_name, rows, signature, what_to_do};
use crate::model::{DestinationKind, EventKind};

/// The generic webhook body's schema name and version. A change that drops or renames a field
/// is a new version; new fields may be added within one.
pub const WEBHOOK_SCHEMA: &str = "deckhand.notification";
pub const WEBHOOK_VERSION: u32 = 1;

/// What every message carries besides the facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The same for every try of one message (from the outbox's dedupe key): a receiver drops
    /// a repeat by it.
    pub event_id: Uuid,
    pub event: EventKind,
    pub run_id: Option<Uuid>,
    pub schedule_id: Option<Uuid>,
    /// When it happened (the message was queued).
    pub at: DateTime<Utc>,
}

impl Envelope {
    /// The event id for an outbox dedupe key: stable across retries and restarts.
    pub fn event_id_for(dedupe_key: &str) -> Uuid {
        Uuid::new_v5(&Uuid::NAMESPACE_OID, dedupe_key.as_bytes())
    }
}

/// The body to post to a destination of `kind`.
pub fn body(kind: DestinationKind, envelope: &Envelope, facts: &Facts) -> Value {
    match kind {
        DestinationKind::Teams => teams(envelope, facts),
        DestinationKind::Slack => slack(envelope, facts),
        DestinationKind::Webhook => webhook(envelope, facts),
    }
}

/// A short title, with the simulation marked.
fn title(event: EventKind, facts: &Facts) -> String {
    let line = headline(event, facts);
    if facts.simulation {
        format!("{line} (simulation)")
    } else {
        line
    }
}

/// The line under the facts: which PC, which run, when.
fn footer(envelope: &Envelope) -> String {
    let mut parts = vec![signature(), local(envelope.at)];
    if let Some(run) = envelope.run_id {
        parts.push(format!("run {run}"));
    }
    parts.join(" · ")
}

/// The lines that need a sentence of their own, not a short fact.
fn is_long(label: &str) -> bool {
    matches!(
        label,
        "Trace says" | "Details" | "Note" | "What to do" | "What happens next" | "Simulation"
    )
}

fn teams(envelope: &Envelope, facts: &Facts) -> Value {
    let event = envelope.event;
    let rows = rows(event, facts);
    let mut body = vec![json!({
        "type": "TextBlock",
        "text": title(event, facts),
        "weight": "Bolder",
        "size": "Medium",
        "wrap": true,
        "color": if event.needs_a_person() { "Attention" } else { "Default" },
    })];
    if event == EventKind::Test {
        body.push(json!({
            "type": "TextBlock",
            "text": "This is a test message from Deckhand. If you can read it, this channel gets Deckhand's messages.",
            "wrap": true,
        }));
    }
    let facts_set: Vec<Value> = rows
        .iter()
        .filter(|(label, _)| !is_long(label))
        .map(|(label, value)| json!({ "title": label, "value": value }))
        .collect();
    if !facts_set.is_empty() {
        body.push(json!({ "type": "FactSet", "facts": facts_set }));
    }
    for (label, value) in rows.iter().filter(|(label, _)| is_long(label)) {
        body.push(json!({
            "type": "TextBlock",
            "text": format!("**{label}:** {value}"),
            "wrap": true,
        }));
    }
    body.push(json!({
        "type": "TextBlock",
        "text": footer(envelope),
        "isSubtle": true,
        "size": "Small",
        "wrap": true,
    }));
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "msteams": { "width": "Full" },
                "body": body,
            },
        }],
    })
}

/// Slack's mrkdwn needs only these three escaped.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Slack limits: a header's text to 150 characters, a field to 2,000, a section to 3,000.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn slack(envelope: &Envelope, facts: &Facts) -> Value {
    let event = envelope.event;
    let rows = rows(event, facts);
    let title = title(event, facts);
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": cut(&title, 150), "emoji": false },
    })];
    if event == EventKind::Test {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": "This is a test message from Deckhand. If you can read it, this channel gets Deckhand's messages." },
        }));
    }
    let fields: Vec<Value> = rows
        .iter()
        .filter(|(label, _)| !is_long(label))
        .take(10)
        .map(|(label, value)| {
            json!({
                "type": "mrkdwn",
                "text": cut(&format!("*{label}*\n{}", slack_escape(value)), 2000),
            })
        })
        .collect();
    if !fields.is_empty() {
        blocks.push(json!({ "type": "section", "fields": fields }));
    }
    for (label, value) in rows.iter().filter(|(label, _)| is_long(label)) {
        blocks.push(json!({
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": cut(&format!("*{label}:* {}", slack_escape(value)), 3000),
            },
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{ "type": "mrkdwn", "text": cut(&slack_escape(&footer(envelope)), 3000) }],
    }));
    json!({
        // What notifications and screen readers show.
        "text": cut(&slack_escape(&title), 3000),
        "blocks": blocks,
    })
}

fn webhook(envelope: &Envelope, facts: &Facts) -> Value {
    let event = envelope.event;
    let text: Vec<String> = rows(event, facts)
        .iter()
        .map(|(label, value)| format!("{label}: {value}"))
        .collect();
    let schedule = envelope.schedule_id.map(|id| {
        json!({
            "id": id,
            "name": facts.schedule_name,
            "methodPath": facts.method_path,
            "nextRun": facts.next_run,
            "needsRecovery": facts.needs_recovery,
        })
    });
    let run = envelope.run_id.map(|id| {
        json!({
            "id": id,
            "due": facts.slot,
            "status": facts.status,
            "attempt": facts.attempt,
            "missedCount": facts.count,
            "decidingLine": facts.deciding_line,
            "traceFile": facts.trace_file,
            "error": facts.error,
        })
    });
    json!({
        "schema": WEBHOOK_SCHEMA,
        "version": WEBHOOK_VERSION,
        "eventId": envelope.event_id,
        "event": event,
        "occurredAt": envelope.at,
        "occurredAtLocal": local(envelope.at),
        "pc": pc_name(),
        "simulation": facts.simulation,
        "title": title(event, facts),
        "text": text.join("\n"),
        "whatToDo": what_to_do(event, facts),
        "whatHappensNext": next(facts),
        "schedule": schedule,
        "run": run,
        "note": facts.note,
        "resolvedBy": facts.resolved_by,
    })
}
