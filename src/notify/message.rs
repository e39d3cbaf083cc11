//! What a notification says: a subject, plain text and HTML that a scientist can act on
//! without opening Deckhand.

use chrono::{DateTime, Local, Utc};
use serde::{Deserialize, Serialize};

use crate::model::EventKind;

/// The facts a message is made from (kept as JSON in the outbox).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Facts {
    pub schedule_name: String,
    pub method_path: String,
    pub slot: Option<DateTime<Utc>>,
    pub status: Option<String>,
    pub deciding_line: Option<String>,
    pub trace_file: Option<String>,
    pub error: Option<String>,
    /// What happens next, in words, when it is neither of the two below.
    pub next: Option<String>,
    /// The schedule's next run, when one is planned.
    #[serde(default)]
    pub next_run: Option<DateTime<Utc>>,
    /// The schedule is paused until someone resolves its recovery.
    #[serde(default)]
    pub needs_recovery: bool,
    /// For a resolved recovery: who resolved it and their note.
    #[serde(default)]
    pub resolved_by: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The attempt number, when a run was tried more than once.
    #[serde(default)]
    pub attempt: Option<u32>,
    /// For missed runs: how many.
    pub count: Option<u32>,
    /// Simulation: runs go to the simulator.
    pub simulation: bool,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What happened, in a line.
pub(super) fn headline(event: EventKind, facts: &Facts) -> String {
    let name = &facts.schedule_name;
    match event {
        EventKind::RunStarted => format!("'{name}' started"),
        EventKind::RunCompleted => format!("'{name}' completed"),
        EventKind::RunFailed => format!("'{name}' failed"),
        EventKind::RunAborted => format!("'{name}' was aborted"),
        EventKind::RunStuck => format!("'{name}' is stuck — VENUS may be waiting on a dialog"),
        EventKind::RunOverrun => format!("'{name}' is taking longer than expected"),
        EventKind::RunMissed => match facts.count {
            Some(n) if n > 1 => format!("'{name}' missed {n} runs"),
            _ => format!("'{name}' missed a run"),
        },
        EventKind::RunSkipped => format!("'{name}' was skipped: the robot stayed busy"),
        EventKind::RecoveryRequired => format!("'{name}' needs recovery before it runs again"),
        EventKind::RecoveryResolved => match &facts.resolved_by {
            Some(who) => format!("'{name}' was recovered by {who} and runs again"),
            None => format!("'{name}' works again"),
        },
        EventKind::Test => "Test message from Deckhand".to_owned(),
    }
}

/// An instant in the lab's time zone (the PC's).
pub(super) fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%A %Y-%m-%d %H:%M (%Z)")
        .to_string()
}

/// The PC's name, as messages sign off with it (where several lab PCs send, the reader knows
/// which robot to walk to).
pub fn pc_name() -> String {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        sysinfo::System::host_name()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "the lab PC".to_owned())
    })
    .clone()
}

/// What a person should do now, when the event asks for someone.
pub(super) fn what_to_do(event: EventKind, facts: &Facts) -> Option<String> {
    if facts.needs_recovery
        && matches!(
            event,
            EventKind::RunFailed
                | EventKind::RunAborted
                | EventKind::RunStuck
                | EventKind::RecoveryRequired
        )
    {
        return Some(
            "Go to the robot and check the deck, then resolve the recovery in Deckhand (Dashboard → Needs recovery)."
                .to_owned(),
        );
    }
    let what = match event {
        EventKind::RunStuck => "Go to the robot: VENUS is probably showing an error dialog.",
        EventKind::RunFailed | EventKind::RunAborted => {
            "Check the deck and the trace file before the next run."
        }
        EventKind::RunOverrun => "Look in on the robot: the method has run longer than expected.",
        EventKind::RunSkipped => {
            "Nothing was started. Check what kept the robot busy, or start the run in Deckhand (Run now)."
        }
        EventKind::RunMissed => {
            "Nothing was started. Check that Deckhand stays running on this PC, or start the run in Deckhand (Run now)."
        }
        _ => return None,
    };
    Some(what.to_owned())
}

/// The labelled lines of a message, in order.
pub(super) fn rows(event: EventKind, facts: &Facts) -> Vec<(&'static str, String)> {
    let mut rows: Vec<(&'static str, String)> = Vec::new();
    if event != EventKind::Test {
        rows.push(("Schedule", facts.schedule_name.clone()));
        rows.push(("Method", facts.method_path.clone()));
    }
    if let Some(slot) = facts.slot {
        rows.push(("Due", local(slot)));
    }
    if let Some(status) = &facts.status {
        rows.push(("Status", status.clone()));
    }
    if let Some(attempt) = facts.attempt.filter(|a| *a > 1) {
        rows.push(("Attempt", attempt.to_string()));
    }
    if let Some(note) = &facts.note {
        rows.push(("Note", note.clone()));
    }
    if let Some(line) = &facts.deciding_line {
        rows.push(("Trace says", line.clone()));
    }
    if let Some(error) = &facts.error {
        rows.push(("Details", error.clone()));
    }
    if let Some(file) = &facts.trace_file {
        rows.push(("Trace file", file.clone()));
    }
    if let Some(what) = what_to_do(event, facts) {
        rows.push(("What to do", what));
    }
    if let Some(next) = next(facts) {
        rows.push(("What happens next", next));
    }
    if facts.simulation {
        rows.push((
            "Simulation",
            "Simulation: this ran on the VENUS simulator, not the robot.".to_owned(),
        ));
    }
    rows
}

/// The sign-off line.
pub(super) fn signature() -> String {
    format!("Deckhand on {}, the PC next to the robot", pc_name())
}

/// What happens next, in words.
pub(super) fn next(facts: &Facts) -> Option<String> {
    if facts.needs_recovery {
        return Some(
            "Recovery required — the schedule is paused until someone checks the deck and resolves it in Deckhand."
                .to_owned(),
        );
    }
    if let Some(next) = &facts.next {
        return Some(next.clone());
    }
    facts
        .next_run
        .map(|at| format!("The next run is due {}.", local(at)))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the message for `event`.
pub fn render(event: EventKind, facts: &Facts) -> Rendered {
    let prefix = if facts.simulation {
        "[Deckhand SIMULATION] "
    } else {
        "[Deckhand] "
    };
    let subject = format!("{prefix}{}", headline(event, facts));
    let rows = rows(event, facts);
    let body = if event == EventKind::Test {
        "This is a test message from Deckhand. If you can read it, email works.".to_owned()
    } else {
        headline(event, facts)
    };
    let text = std::iter::once(format!("{body}.\n"))
        .chain(rows.iter().map(|(k, v)| format!("{k}: {v}")))
        .collect::<Vec<_>>()
        .join("\n")
        + &format!("\n\n-- \n{}\n", signature());
    let html_rows: String = rows
        .iter()
        .map(|(k, v)| {
            format!(
                "<tr><th align=\"left\" style=\"padding:2px 12px 2px 0\">{}</th><td>{}</td></tr>",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\"><p><strong>{}</strong>.</p><table>{html_rows}</table><p style=\"color:#666\">{}</p></body></html>",
        escape(&body),
        escape(&signature())
    );
    Rendered {
        subject,
        text,
        html,
    }
}

/// A desktop notification's title and body: what happened, the trace's deciding line (or the
/// error), and what happens next — short enough for a notification bubble.
pub fn render_desktop(event: EventKind, facts: &Facts) -> (String, String) {
    let mut summary = headline(event, facts);
    if facts.simulation {
        summary = format!("{summary} (simulation)");
    }
    let mut body = Vec::new();
    if let Some(line) = facts.deciding_line.as_ref().or(facts.error.as_ref()) {
        body.push(line.trim().to_owned());
    }
    if let Some(note) = &facts.note {
        body.push(format!("Note: {note}"));
    }
    if let Some(next) = next(facts) {
        body.push(next);
    }
    (summary, body.join("\n"))
}
