//! Notification events, raised inside the transaction of the state change that caused them:
//! a message is queued in the outbox if and only if the change landed, and once.
//!
//! Alerts go out on state changes, not on every repetition: a schedule's first bad outcome
//! (failed, missed, skipped, overrun) opens its alert and is sent; more bad outcomes while the
//! alert is open are not sent; a completed run (of a schedule not waiting for recovery) closes
//! the alert and says it works again. Aborts, stuck runs and recoveries are always sent. Each
//! contact gets one message per happening: where several events describe it (a run aborted and
//! its schedule now needs recovery), the first one the contact asked for.

use chrono::{DateTime, Utc};
use log::info;
use rusqlite::{Transaction, params};

use super::Result;
use super::contacts::{contacts_in, enqueue_in};
use super::destinations::destinations_in;
use super::settings::simulation_in;
use crate::model::{Channel, EventKind, OutboxDraft, Run, RunStatus, Schedule};
use crate::notify::Facts;

fn alert_open(tx: &Transaction<'_>, schedule: &Schedule) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT alert_open FROM schedules WHERE id = ?1")?
        .query_row([schedule.id], |row| row.get(0))?)
}

fn set_alert(tx: &Transaction<'_>, schedule: &Schedule, open: bool) -> Result<()> {
    tx.prepare_cached("UPDATE schedules SET alert_open = ?2 WHERE id = ?1")?
        .execute(params![schedule.id, open])?;
    Ok(())
}

/// The facts every message about `schedule` (and `run`) carries.
fn facts(tx: &Transaction<'_>, schedule: &Schedule, run: Option<&Run>) -> Result<Facts> {
    Ok(Facts {
        schedule_name: schedule.name.clone(),
        method_path: schedule.method_path.clone(),
        slot: run.map(|r| r.slot),
        status: run.map(|r| r.status.to_string()),
        deciding_line: run.and_then(|r| r.outcome_detail.clone()),
        trace_file: run.and_then(|r| r.trace_file.clone()),
        error: run.and_then(|r| r.error_message.clone()),
        next_run: schedule
            .next_run
            .filter(|_| schedule.active && !schedule.archived),
        next: (!schedule.active && schedule.recovery.is_none())
            .then(|| "The schedule is paused; it runs again when someone resumes it.".to_owned()),
        needs_recovery: schedule.recovery.is_some(),
        count: run.and_then(|r| r.missed_count),
        attempt: run.map(|r| r.attempt),
        simulation: simulation_in(tx)?,
        ..Facts::default()
    })
}

/// Queues one message per contact and per chat or webhook destination that wants one of
/// `events` (the first it wants), and one desktop notification (for the first event).
fn queue(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    events: &[EventKind],
    schedule: &Schedule,
    run: Option<&Run>,
    occurrence: Option<String>,
    facts: &Facts,
) -> Result<()> {
    let contacts = contacts_in(tx)?;
    let destinations = destinations_in(tx)?;
    let desktop = events.first().filter(|event| {
        event.needs_a_person() || run.is_some_and(|r| r.origin == crate::model::RunOrigin::Manual)
    });
    let wanted: Vec<_> = contacts
        .iter()
        .filter_map(|c| events.iter().find(|&&e| c.wants(e)).map(|&e| (c.id, e)))
        .collect();
    let posted: Vec<_> = destinations
        .iter()
        .filter_map(|d| {
            events
                .iter()
                .find(|&&e| d.wants(e))
                .map(|&e| (d.id, d.kind.channel(), e))
        })
        .collect();
    if wanted.is_empty() && posted.is_empty() && desktop.is_none() {
        return Ok(());
    }
    let payload = serde_json::to_value(facts).expect("facts serialize");
    let draft = |event, contact_id, destination_id, channel| OutboxDraft {
        event,
        run_id: run.map(|r| r.id),
        schedule_id: Some(schedule.id),
        contact_id,
        destination_id,
        channel,
        occurrence: occurrence.clone(),
        payload: payload.clone(),
    };
    for (contact, event) in wanted {
        enqueue_in(tx, now, &draft(event, Some(contact), None, Channel::Email))?;
    }
    for (destination, channel, event) in posted {
        enqueue_in(tx, now, &draft(event, None, Some(destination), channel))?;
    }
    // The desktop shows what needs a person, and the runs someone started by hand.
    if let Some(&event) = desktop {
        enqueue_in(tx, now, &draft(event, None, None, Channel::Desktop))?;
    }
    Ok(())
}

/// A run moved from `from` (`None`: it was just written, as missed or skipped) to its current
/// status. `schedule` is read after the move (so it shows a recovery marked with it).
pub(super) fn run_changed(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    from: Option<RunStatus>,
    run: &Run,
) -> Result<()> {
    use RunStatus::*;
    if from == Some(run.status) {
        return Ok(());
    }
    let event = match run.status {
        Running if matches!(from, Some(Pending | Waiting)) => EventKind::RunStarted,
        Completed => EventKind::RunCompleted,
        Failed | Interrupted => EventKind::RunFailed,
        Aborted => EventKind::RunAborted,
        Stuck => EventKind::RunStuck,
        Missed => EventKind::RunMissed,
        Skipped => EventKind::RunSkipped,
        _ => return Ok(()),
    };
    let schedule = super::schedules::get_in(tx, run.schedule_id)?;
    let facts = facts(tx, &schedule, Some(run))?;
    let open = alert_open(tx, &schedule)?;
    match event {
        EventKind::RunStarted => queue(tx, now, &[event], &schedule, Some(run), None, &facts),
        EventKind::RunCompleted if open && schedule.recovery.is_none() => {
            set_alert(tx, &schedule, false)?;
            let events = [EventKind::RecoveryResolved, EventKind::RunCompleted];
            queue(tx, now, &events, &schedule, Some(run), None, &facts)
        }
        EventKind::RunCompleted => queue(tx, now, &[event], &schedule, Some(run), None, &facts),
        _ if schedule.recovery.is_some() => {
            set_alert(tx, &schedule, true)?;
            let events = [event, EventKind::RecoveryRequired];
            queue(tx, now, &events, &schedule, Some(run), None, &facts)
        }
        _ if open => {
            info!(
                "run {}: '{}' {} again; its alert is still open, so no new message",
                run.id, schedule.name, run.status
            );
            Ok(())
        }
        _ => {
            set_alert(tx, &schedule, true)?;
            queue(tx, now, &[event], &schedule, Some(run), None, &facts)
        }
    }
}

/// A run is taking longer than expected (sent once per run, and only while the schedule's
/// alert is closed; it opens it).
pub(super) fn overrun(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    run: &Run,
    expected_minutes: u32,
) -> Result<()> {
    let schedule = super::schedules::get_in(tx, run.schedule_id)?;
    if alert_open(tx, &schedule)? {
        return Ok(());
    }
    set_alert(tx, &schedule, true)?;
    let mut facts = facts(tx, &schedule, Some(run))?;
    facts.next = Some(format!(
        "It was expected to take {expected_minutes} minutes and is still running; Deckhand keeps following it."
    ));
    facts.next_run = None;
    queue(
        tx,
        now,
        &[EventKind::RunOverrun],
        &schedule,
        Some(run),
        None,
        &facts,
    )
}

/// A person marked a schedule as needing recovery (no run involved).
pub(super) fn recovery_marked(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    schedule: &Schedule,
    note: &str,
) -> Result<()> {
    set_alert(tx, schedule, true)?;
    let mut facts = facts(tx, schedule, None)?;
    facts.note = Some(note.to_owned());
    let occurrence = format!("{}@{}", schedule.id, now.timestamp_millis());
    queue(
        tx,
        now,
        &[EventKind::RecoveryRequired],
        schedule,
        None,
        Some(occurrence),
        &facts,
    )
}

/// A person resolved a schedule's recovery; it runs again.
pub(super) fn recovery_resolved(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    schedule: &Schedule,
    note: &str,
    actor: &str,
) -> Result<()> {
    set_alert(tx, schedule, false)?;
    let mut facts = facts(tx, schedule, None)?;
    facts.note = Some(note.to_owned());
    facts.resolved_by = Some(actor.to_owned());
    facts.next = Some("The schedule is active again.".to_owned());
    let occurrence = format!("{}@{}", schedule.id, now.timestamp_millis());
    queue(
        tx,
        now,
        &[EventKind::RecoveryResolved],
        schedule,
        None,
        Some(occurrence),
        &facts,
    )
}
