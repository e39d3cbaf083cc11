//! Schedules: create, read, edit with the optimistic token, archive, delete, recovery.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::sql::{ms, opt_time, time};
use super::{Result, Store, StoreError, audit};
use crate::model::{
    AuditAction, AuditTarget, MissedRunPolicy, RecoveryState, Recurrence, RetryPolicy, RunStatus,
    Schedule, ScheduleDraft, ScheduleListFilter, Weekday,
};
use crate::validate;

const COLUMNS: &str = "id, name, method_path, recurrence_kind, interval_hours, starts_at, \
    weekdays, time_of_day, retry_max_attempts, retry_delay_minutes, retry_backoff, \
    retry_max_delay_minutes, missed_catch_up, missed_grace_minutes, expected_duration_minutes, \
    active, archived, recovery_required, recovery_note, recovery_actor, recovery_at, next_run, \
    last_run, created_at, updated_at, stuck_minutes";

fn conversion(index: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, message.into())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Schedule> {
    let kind: String = row.get(3)?;
    let hours: Option<f64> = row.get(4)?;
    let starts_at = opt_time(row.get(5)?)?;
    let start =
        || starts_at.ok_or_else(|| conversion(5, format!("a {kind} schedule without a start")));
    let recurrence = match kind.as_str() {
        "once" => Recurrence::Once { at: start()? },
        "interval" => Recurrence::Interval {
            hours: hours.ok_or_else(|| conversion(4, "an interval without hours".into()))?,
            start: start()?,
        },
        "hourly" => Recurrence::Hourly { start: start()? },
        "daily" => Recurrence::Daily { start: start()? },
        "weekly" => Recurrence::Weekly { start: start()? },
        "weekdays" => {
            let days: String = row.get(6)?;
            let time_text: String = row.get(7)?;
            Recurrence::Weekdays {
                days: days
                    .split(',')
                    .map(|d| {
                        d.parse::<Weekday>()
                            .map_err(|_| conversion(6, format!("'{d}' is not a weekday")))
                    })
                    .collect::<rusqlite::Result<_>>()?,
                time: validate_time(&time_text).map_err(|e| conversion(7, e))?,
            }
        }
        other => return Err(conversion(3, format!("'{other}' is not a recurrence kind"))),
    };
    let recovery_required: bool = row.get(17)?;
    let recovery = if recovery_required {
        Some(RecoveryState {
            note: row.get::<_, Option<String>>(18)?.unwrap_or_default(),
            actor: row.get::<_, Option<String>>(19)?.unwrap_or_default(),
            at: opt_time(row.get(20)?)?.unwrap_or_default(),
        })
    } else {
        None
    };
    Ok(Schedule {
        id: row.get(0)?,
        name: row.get(1)?,
        method_path: row.get(2)?,
        recurrence,
        retry: RetryPolicy {
            max_attempts: row.get(8)?,
            delay_minutes: row.get(9)?,
            backoff: row.get(10)?,
            max_delay_minutes: row.get(11)?,
        },
        missed_runs: MissedRunPolicy {
            catch_up: row.get(12)?,
            grace_minutes: row.get(13)?,
        },
        expected_duration_minutes: row.get(14)?,
        stuck_minutes: row.get(25)?,
        active: row.get(15)?,
        archived: row.get(16)?,
        recovery,
        next_run: opt_time(row.get(21)?)?,
        last_run: opt_time(row.get(22)?)?,
        created_at: time(row.get(23)?)?,
        updated_at: time(row.get(24)?)?,
    })
}

fn validate_time(text: &str) -> Result<chrono::NaiveTime, String> {
    crate::model::parse_time_of_day(text)
}

/// The recurrence as its columns: kind, hours, start, weekdays, time of day.
type RecurrenceColumns = (
    &'static str,
    Option<f64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn recurrence_columns(recurrence: &Recurrence) -> RecurrenceColumns {
    let weekdays = match recurrence {
        Recurrence::Weekdays { days, time } => Some((
            days.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
            time.format("%H:%M").to_string(),
        )),
        _ => None,
    };
    let (days, time_of_day) = weekdays.unzip();
    (
        recurrence.kind(),
        match recurrence {
            Recurrence::Interval { hours, .. } => Some(*hours),
            _ => None,
        },
        recurrence.start().map(ms),
        days,
        time_of_day,
    )
}

/// Reads one schedule inside a transaction.
pub(super) fn get_in(conn: &rusqlite::Connection, id: Uuid) -> Result<Schedule> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM schedules WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found("schedule", id))
}

/// Marks a schedule as needing recovery inside the caller's transaction (note and actor
/// already validated), with its audit entry.
pub(super) fn mark_recovery_in(
    tx: &Transaction<'_>,
    id: Uuid,
    note: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Schedule> {
    let current = get_in(tx, id)?;
    tx.execute(
        "UPDATE schedules SET recovery_required = 1, recovery_note = ?2,
            recovery_actor = ?3, recovery_at = ?4, active = 0, updated_at = ?5
         WHERE id = ?1",
        params![
            id,
            note,
            actor,
            ms(now),
            ms(next_token(now, current.updated_at))
        ],
    )?;
    audit(
        tx,
        now,
        actor,
        AuditAction::RecoveryRequired,
        AuditTarget::Schedule,
        Some(&id.to_string()),
        &format!("'{}' needs recovery: {note}", current.name),
    )?;
    get_in(tx, id)
}

/// The next token: the current time, but always later than the previous token, so two edits
/// within one millisecond still get different tokens.
fn next_token(now: DateTime<Utc>, previous: DateTime<Utc>) -> DateTime<Utc> {
    if now > previous {
        now
    } else {
        previous + Duration::milliseconds(1)
    }
}

/// Describes what an edit changed, for the audit log.
fn describe_changes(before: &Schedule, after: &ScheduleDraft) -> String {
    let mut changes = Vec::new();
    if before.name != after.name {
        changes.push(format!("name '{}' → '{}'", before.name, after.name));
    }
    if before.method_path != after.method_path {
        changes.push(format!(
            "method '{}' → '{}'",
            before.method_path, after.method_path
        ));
    }
    if before.recurrence != after.recurrence {
        changes.push("recurrence".to_owned());
    }
    if before.retry != after.retry {
        changes.push("retry policy".to_owned());
    }
    if before.missed_runs != after.missed_runs {
        changes.push("missed-run policy".to_owned());
    }
    if before.expected_duration_minutes != after.expected_duration_minutes {
        changes.push("expected duration".to_owned());
    }
    if before.stuck_minutes != after.stuck_minutes {
        changes.push("stuck threshold".to_owned());
    }
    if before.active != after.active {
        changes.push(if after.active { "resumed" } else { "paused" }.to_owned());
    }
    if changes.is_empty() {
        "no changes".to_owned()
    } else {
        format!("changed {}", changes.join(", "))
    }
}

/// Writes a new schedule row from a validated draft (created and updated now).
pub(super) fn insert_schedule(
    tx: &rusqlite::Transaction<'_>,
    id: Uuid,
    draft: &ScheduleDraft,
    archived: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let (kind, hours, start, days, time_of_day) = recurrence_columns(&draft.recurrence);
    tx.execute(
        "INSERT INTO schedules (id, name, method_path, recurrence_kind, interval_hours,
            starts_at, weekdays, time_of_day, retry_max_attempts, retry_delay_minutes,
            retry_backoff, retry_max_delay_minutes, missed_catch_up, missed_grace_minutes,
            expected_duration_minutes, active, archived, created_at, updated_at, stuck_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?19)",
        params![
            id, draft.name, draft.method_path, kind, hours, start, days, time_of_day,
            draft.retry.max_attempts, draft.retry.delay_minutes, draft.retry.backoff,
            draft.retry.max_delay_minutes, draft.missed_runs.catch_up,
            draft.missed_runs.grace_minutes, draft.expected_duration_minutes, draft.active,
            archived, ms(now), draft.stuck_minutes
        ],
    )?;
    Ok(())
}

/// Refuses a method outside the methods folder while "only methods in the methods folder" is on.
fn method_allowed(tx: &rusqlite::Transaction<'_>, method: &str) -> Result<()> {
    let settings = super::settings::settings_in(tx)?;
    match crate::runner::outside_methods_folder(method, &settings) {
        Some(why) => Err(StoreError::field("methodPath", why)),
        None => Ok(()),
    }
}

impl Store {
    /// Creates a schedule from a validated draft; audited as `actor`.
    pub fn create_schedule(&mut self, draft: &ScheduleDraft, actor: &str) -> Result<Schedule> {
        let now = self.now();
        let draft = validate::schedule(draft, None, now)?;
        let actor = validate::actor(actor)?;
        let id = Uuid::new_v4();
        self.write(|tx| {
            method_allowed(tx, &draft.method_path)?;
            insert_schedule(tx, id, &draft, false, now)?;
            audit(
                tx,
                now,
                &actor,
                AuditAction::ScheduleCreated,
                AuditTarget::Schedule,
                Some(&id.to_string()),
                &format!("created '{}' running {}", draft.name, draft.method_path),
            )?;
            get_in(tx, id)
        })
    }

    /// One schedule.
    pub fn get_schedule(&self, id: Uuid) -> Result<Schedule> {
        get_in(&self.conn, id)
    }

    /// Schedules by name (then id), filtered by archived state.
    pub fn list_schedules(&self, filter: ScheduleListFilter) -> Result<Vec<Schedule>> {
        let condition = match filter {
            ScheduleListFilter::Active => "WHERE archived = 0",
            ScheduleListFilter::Archived => "WHERE archived = 1",
            ScheduleListFilter::All => "",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM schedules {condition} ORDER BY name COLLATE NOCASE, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Schedules the engine should consider: active, not archived, not awaiting recovery.
    pub fn runnable_schedules(&self) -> Result<Vec<Schedule>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM schedules
             WHERE active = 1 AND archived = 0 AND recovery_required = 0 ORDER BY next_run"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Finds the schedule whose id starts with `prefix` (at least 4 hex digits), for the CLI.
    pub fn find_schedule_by_prefix(&self, prefix: &str) -> Result<Schedule> {
        let prefix = prefix.trim().to_ascii_lowercase();
        if let Ok(id) = Uuid::parse_str(&prefix) {
            return self.get_schedule(id);
        }
        // An id is 36 characters: anything longer cannot start one (and is not quoted whole).
        if !(4..=36).contains(&prefix.len())
            || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        {
            return Err(StoreError::field(
                "id",
                format!(
                    "'{}' is not a schedule id; give the id (or its first 4 or more characters) as `deckhand schedules list` shows it.",
                    crate::validate::shown(&prefix)
                ),
            ));
        }
        let matches: Vec<Schedule> = self
            .list_schedules(ScheduleListFilter::All)?
            .into_iter()
            .filter(|s| s.id.to_string().starts_with(&prefix))
            .collect();
        match matches.len() {
            0 => Err(StoreError::not_found("schedule", prefix)),
            1 => Ok(matches.into_iter().next().expect("one match")),
            n => Err(StoreError::field(
                "id",
                format!("{n} schedules have ids starting with '{prefix}'; give more characters."),
            )),
        }
    }

    /// Replaces a schedule's editable fields, if nobody changed it since `expected_updated_at`.
    /// A stale token gives [`StoreError::Conflict`] with the current record.
    pub fn update_schedule(
        &mut self,
        id: Uuid,
        draft: &ScheduleDraft,
        expected_updated_at: DateTime<Utc>,
        actor: &str,
    ) -> Result<Schedule> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let current = get_in(tx, id)?;
            if ms(current.updated_at) != ms(expected_updated_at) {
                return Err(StoreError::Conflict { current: Box::new(current) });
            }
            let draft = validate::schedule(draft, Some(&current.recurrence), now)?;
            // Only a new method is checked: pausing a schedule whose method is now outside a
            // moved methods folder must still work (it will not run; its runs say why).
            if draft.method_path != current.method_path {
                method_allowed(tx, &draft.method_path)?;
            }
            if draft.active && current.recovery.is_some() {
                return Err(StoreError::field(
                    "active",
                    format!("Schedule '{}' needs recovery; resolve it (with a note) to make it active again.", current.name),
                ));
            }
            let token = next_token(now, current.updated_at);
            let (kind, hours, start, days, time_of_day) = recurrence_columns(&draft.recurrence);
            // A new recurrence invalidates the engine's idea of the next run.
            let next_run = if draft.recurrence == current.recurrence {
                current.next_run.map(ms)
            } else {
                None
            };
            tx.execute(
                "UPDATE schedules SET name = ?2, method_path = ?3, recurrence_kind = ?4,
                    interval_hours = ?5, starts_at = ?6, weekdays = ?7, time_of_day = ?8,
                    retry_max_attempts = ?9, retry_delay_minutes = ?10, retry_backoff = ?11,
                    retry_max_delay_minutes = ?12, missed_catch_up = ?13, missed_grace_minutes = ?14,
                    expected_duration_minutes = ?15, active = ?16, next_run = ?17, updated_at = ?18,
                    stuck_minutes = ?19
                 WHERE id = ?1",
                params![
                    id, draft.name, draft.method_path, kind, hours, start, days, time_of_day,
                    draft.retry.max_attempts, draft.retry.delay_minutes, draft.retry.backoff,
                    draft.retry.max_delay_minutes, draft.missed_runs.catch_up,
                    draft.missed_runs.grace_minutes, draft.expected_duration_minutes, draft.active,
                    next_run, ms(token), draft.stuck_minutes
                ],
            )?;
            audit(tx, now, &actor, AuditAction::ScheduleEdited, AuditTarget::Schedule,
                Some(&id.to_string()), &describe_changes(&current, &draft))?;
            get_in(tx, id)
        })
    }

    /// Records the engine's next and last run. A background write: `updated_at` stays, so a
    /// form a person has open is not made stale by it.
    pub fn set_run_times(
        &mut self,
        id: Uuid,
        next_run: Option<DateTime<Utc>>,
        last_run: Option<DateTime<Utc>>,
    ) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE schedules SET next_run = ?2, last_run = COALESCE(?3, last_run) WHERE id = ?1",
                params![id, next_run.map(ms), last_run.map(ms)],
            )?;
            if changed == 0 {
                return Err(StoreError::not_found("schedule", id));
            }
            Ok(())
        })
    }

    /// Archives (hides, stops) or unarchives a schedule. Its history stays.
    pub fn set_archived(&mut self, id: Uuid, archived: bool, actor: &str) -> Result<Schedule> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let current = get_in(tx, id)?;
            if current.archived == archived {
                return Ok(current);
            }
            tx.execute(
                "UPDATE schedules SET archived = ?2, next_run = NULL, updated_at = ?3 WHERE id = ?1",
                params![id, archived, ms(next_token(now, current.updated_at))],
            )?;
            let (action, verb) = if archived {
                (AuditAction::ScheduleArchived, "archived")
            } else {
                (AuditAction::ScheduleUnarchived, "unarchived")
            };
            audit(tx, now, &actor, action, AuditTarget::Schedule, Some(&id.to_string()),
                &format!("{verb} '{}'", current.name))?;
            get_in(tx, id)
        })
    }

    /// Deletes a schedule. Its runs move to the archive with the schedule's name and method
    /// path as they are now, all in one transaction, so history keeps telling their story.
    /// Returns how many runs were archived.
    pub fn delete_schedule(&mut self, id: Uuid, actor: &str) -> Result<usize> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let current = get_in(tx, id)?;
            let in_flight: Option<RunStatus> = tx
                .query_row(
                    "SELECT status FROM runs WHERE schedule_id = ?1
                     AND status IN ('pending', 'waiting', 'running', 'stuck') LIMIT 1",
                    [id],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(status) = in_flight {
                return Err(StoreError::RunInProgress {
                    name: current.name,
                    status,
                });
            }
            let moved = tx.execute(
                "INSERT INTO runs_archive (seq, id, schedule_id, schedule_name, method_path,
                    archived_at, slot, origin, status, attempt, missed_count, queued_at,
                    started_at, ended_at, command_line, pid, exit_code, trace_folder,
                    trace_name, outcome_detail, error_message, deck_evidence, wait_until)
                 SELECT seq, id, schedule_id, ?2, ?3, ?4, slot, origin, status, attempt,
                    missed_count, queued_at, started_at, ended_at, command_line, pid, exit_code,
                    trace_folder, trace_name, outcome_detail, error_message, deck_evidence,
                    wait_until
                 FROM runs WHERE schedule_id = ?1",
                params![id, current.name, current.method_path, ms(now)],
            )?;
            tx.execute("DELETE FROM runs WHERE schedule_id = ?1", [id])?;
            tx.execute("DELETE FROM schedules WHERE id = ?1", [id])?;
            audit(
                tx,
                now,
                &actor,
                AuditAction::ScheduleDeleted,
                AuditTarget::Schedule,
                Some(&id.to_string()),
                &format!(
                    "deleted '{}' ({}); {moved} runs kept in history",
                    current.name, current.method_path
                ),
            )?;
            Ok(moved)
        })
    }

    /// Marks a schedule as needing a person (after an abort or a stuck run): it stops running
    /// until someone resolves it.
    pub fn mark_recovery_required(
        &mut self,
        id: Uuid,
        note: &str,
        actor: &str,
    ) -> Result<Schedule> {
        let now = self.now();
        let note = validate::note(note)?;
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let schedule = mark_recovery_in(tx, id, &note, &actor, now)?;
            super::events::recovery_marked(tx, now, &schedule, &note)?;
            Ok(schedule)
        })
    }

    /// Clears the recovery flag with a note saying what was done, and makes the schedule
    /// active again.
    pub fn resolve_recovery(&mut self, id: Uuid, note: &str, actor: &str) -> Result<Schedule> {
        let now = self.now();
        let note = validate::note(note)?;
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let current = get_in(tx, id)?;
            if current.recovery.is_none() {
                return Err(StoreError::field(
                    "id",
                    format!(
                        "Schedule '{}' does not need recovery; there is nothing to resolve.",
                        current.name
                    ),
                ));
            }
            tx.execute(
                "UPDATE schedules SET recovery_required = 0, recovery_note = NULL,
                    recovery_actor = NULL, recovery_at = NULL, active = 1, next_run = NULL,
                    updated_at = ?2
                 WHERE id = ?1",
                params![id, ms(next_token(now, current.updated_at))],
            )?;
            audit(
                tx,
                now,
                &actor,
                AuditAction::RecoveryResolved,
                AuditTarget::Schedule,
                Some(&id.to_string()),
                &format!("resolved recovery of '{}': {note}", current.name),
            )?;
            let schedule = get_in(tx, id)?;
            super::events::recovery_resolved(tx, now, &schedule, &note, &actor)?;
            Ok(schedule)
        })
    }
}
