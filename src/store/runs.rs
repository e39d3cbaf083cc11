//! Runs: written before launch, moved only along legal transitions, and history that merges
//! live and archived runs.

use std::io::Write;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, Transaction, params, params_from_iter};
use uuid::Uuid;

use super::sql::{ms, opt_time, time};
use super::{Result, Store, StoreError};
use crate::model::{HistoryEntry, HistoryPage, HistoryQuery, NewRun, Run, RunChanges, RunStatus};

/// Run columns as SELECT expressions over the table aliased `alias`, in the order
/// [`run_from_row`] reads them. Pooled texts are looked up; the trace path is rejoined.
fn run_columns(alias: &str) -> String {
    format!(
        "{a}.id, {a}.schedule_id, {a}.slot, {a}.origin, {a}.status, {a}.attempt, \
         {a}.missed_count, {a}.queued_at, {a}.started_at, {a}.ended_at, \
         (SELECT text FROM text_pool WHERE id = {a}.command_line), {a}.pid, {a}.exit_code, \
         COALESCE((SELECT text FROM text_pool WHERE id = {a}.trace_folder), '') || {a}.trace_name, \
         {a}.outcome_detail, {a}.error_message, {a}.deck_evidence, {a}.wait_until",
        a = alias
    )
}

/// Stores `text` once in the text pool and returns its id.
fn pooled(tx: &Transaction<'_>, text: Option<&str>) -> Result<Option<i64>> {
    let Some(text) = text else { return Ok(None) };
    tx.prepare_cached("INSERT INTO text_pool (text) VALUES (?1) ON CONFLICT (text) DO NOTHING")?
        .execute([text])?;
    Ok(Some(
        tx.prepare_cached("SELECT id FROM text_pool WHERE text = ?1")?
            .query_row([text], |row| row.get(0))?,
    ))
}

/// Splits a path after its last separator (either kind: the PC is Windows, tests are not),
/// so the folder can be pooled. Rejoining the two gives the path back exactly.
fn split_path(path: &str) -> (Option<&str>, &str) {
    match path.rfind(['\\', '/']) {
        Some(at) => (Some(&path[..=at]), &path[at + 1..]),
        None => (None, path),
    }
}

/// The CSV export's header line.
pub const CSV_HEADER: [&str; 20] = [
    "run_id",
    "schedule_id",
    "schedule_name",
    "method_path",
    "schedule_deleted",
    "slot",
    "status",
    "origin",
    "attempt",
    "missed_count",
    "queued_at",
    "started_at",
    "ended_at",
    "exit_code",
    "pid",
    "command_line",
    "trace_file",
    "outcome_detail",
    "error_message",
    "deck_evidence",
];

fn run_from_row(row: &Row<'_>) -> rusqlite::Result<Run> {
    Ok(Run {
        id: row.get(0)?,
        schedule_id: row.get(1)?,
        slot: time(row.get(2)?)?,
        origin: row.get(3)?,
        status: row.get(4)?,
        attempt: row.get(5)?,
        missed_count: row.get(6)?,
        queued_at: time(row.get(7)?)?,
        started_at: opt_time(row.get(8)?)?,
        ended_at: opt_time(row.get(9)?)?,
        command_line: row.get(10)?,
        pid: row.get(11)?,
        exit_code: row.get(12)?,
        trace_file: row.get(13)?,
        outcome_detail: row.get(14)?,
        error_message: row.get(15)?,
        deck_evidence: row.get(16)?,
        wait_until: opt_time(row.get(17)?)?,
    })
}

fn history_from_row(row: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        run: run_from_row(row)?,
        schedule_name: row.get(18)?,
        method_path: row.get(19)?,
        schedule_deleted: row.get(20)?,
    })
}

fn get_in(conn: &rusqlite::Connection, id: Uuid) -> Result<Run> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM runs r WHERE r.id = ?1",
        run_columns("r")
    ))?
    .query_row([id], run_from_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found("run", id))
}

/// The SQL and parameters of a history query: live runs joined to their schedules, then
/// archived runs whose id is not live (so a run is never listed twice), newest slot first.
/// Each arm can walk an index in slot order, so SQLite merges them without sorting.
fn history_sql(query: &HistoryQuery, paged: bool) -> (String, Vec<Value>) {
    let mut params: Vec<Value> = Vec::new();
    let conditions = |alias: &str, params: &mut Vec<Value>| {
        let mut parts = Vec::new();
        if let Some(id) = query.schedule_id {
            parts.push(format!("{alias}.schedule_id = ?"));
            params.push(Value::Blob(id.as_bytes().to_vec()));
        }
        if let Some(status) = query.status {
            // Literals, not parameters, so SQLite can see that the partial status index
            // (`WHERE status <> 'completed'`) applies: it only matches a query that repeats
            // that term word for word. The spelling comes from the enum, never from user text.
            parts.push(format!("{alias}.status = '{status}'"));
            if status != RunStatus::Completed {
                parts.push(format!("{alias}.status <> 'completed'"));
            }
        }
        if let Some(from) = query.from {
            parts.push(format!("{alias}.slot >= ?"));
            params.push(Value::Integer(ms(from)));
        }
        if let Some(to) = query.to {
            parts.push(format!("{alias}.slot < ?"));
            params.push(Value::Integer(ms(to)));
        }
        parts
    };
    let live = conditions("r", &mut params);
    let mut archived = conditions("a", &mut params);
    archived.push("NOT EXISTS (SELECT 1 FROM runs l WHERE l.id = a.id)".to_owned());
    let where_clause = |parts: Vec<String>| {
        if parts.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", parts.join(" AND "))
        }
    };
    let mut sql = format!(
        "SELECT {}, s.name, s.method_path, 0 AS deleted, r.seq AS seq FROM runs r
           JOIN schedules s ON s.id = r.schedule_id {}
         UNION ALL
         SELECT {}, a.schedule_name, a.method_path, 1, a.seq FROM runs_archive a {}
         ORDER BY 3 DESC, seq DESC",
        run_columns("r"),
        where_clause(live),
        run_columns("a"),
        where_clause(archived),
    );
    if paged {
        sql.push_str(" LIMIT ? OFFSET ?");
        // One row more than asked tells whether another page follows.
        params.push(Value::Integer(i64::from(query.limit) + 1));
        params.push(Value::Integer(i64::from(query.offset)));
    }
    (sql, params)
}

/// Excel and LibreOffice run a cell that starts with one of these as a formula.
fn csv_text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// Moves a run inside the caller's transaction, if the move is legal; returns it and the
/// status it had. The caller raises the notification event once the rest of its change is in.
fn transition_in(
    tx: &Transaction<'_>,
    id: Uuid,
    to: RunStatus,
    changes: &RunChanges,
) -> Result<(Run, RunStatus)> {
    let current = get_in(tx, id)?;
    if !current.status.can_become(to) {
        return Err(StoreError::IllegalTransition {
            run_id: id,
            from: current.status,
            to,
        });
    }
    let command_line = pooled(tx, changes.command_line.as_deref())?;
    let (trace_folder, trace_name) = match changes.trace_file.as_deref().map(split_path) {
        Some((folder, name)) => (pooled(tx, folder)?, Some(name)),
        None => (None, None),
    };
    tx.prepare_cached(
        "UPDATE runs SET status = ?2,
                attempt = COALESCE(?3, attempt),
                started_at = COALESCE(?4, started_at),
                ended_at = COALESCE(?5, ended_at),
                command_line = COALESCE(?6, command_line),
                pid = COALESCE(?7, pid),
                exit_code = COALESCE(?8, exit_code),
                trace_folder = CASE WHEN ?10 IS NULL THEN trace_folder ELSE ?9 END,
                trace_name = COALESCE(?10, trace_name),
                outcome_detail = COALESCE(?11, outcome_detail),
                error_message = COALESCE(?12, error_message),
                deck_evidence = COALESCE(?13, deck_evidence),
                wait_until = COALESCE(?14, wait_until)
             WHERE id = ?1",
    )?
    .execute(params![
        id,
        to,
        changes.attempt,
        changes.started_at.map(ms),
        changes.ended_at.map(ms),
        command_line,
        changes.pid,
        changes.exit_code,
        trace_folder,
        trace_name,
        changes.outcome_detail,
        changes.error_message,
        changes.deck_evidence,
        changes.wait_until.map(ms)
    ])?;
    Ok((get_in(tx, id)?, current.status))
}

impl Store {
    /// Writes a run before anything is launched. A second run for the same schedule and slot
    /// is refused with [`StoreError::DuplicateRun`], whatever happened in between.
    pub fn insert_run(&mut self, new: &NewRun) -> Result<Run> {
        if !new.status.is_initial() {
            return Err(StoreError::field(
                "status",
                format!(
                    "A run cannot be created as {}; it starts pending (or is recorded missed or skipped).",
                    new.status
                ),
            ));
        }
        let now = self.now();
        let id = Uuid::new_v4();
        self.write(|tx| {
            super::schedules::get_in(tx, new.schedule_id)?;
            let inserted = tx.execute(
                "INSERT INTO runs (id, schedule_id, slot, origin, status, missed_count, queued_at,
                    error_message)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (schedule_id, slot) DO NOTHING",
                params![
                    id,
                    new.schedule_id,
                    ms(new.slot),
                    new.origin,
                    new.status,
                    new.missed_count,
                    ms(now),
                    new.error_message
                ],
            )?;
            if inserted == 0 {
                return Err(StoreError::DuplicateRun {
                    schedule_id: new.schedule_id,
                    slot: super::sql::truncate(new.slot),
                });
            }
            let run = get_in(tx, id)?;
            super::events::run_changed(tx, now, None, &run)?;
            Ok(run)
        })
    }

    /// Writes the runs due at one moment and their schedules' next run times, all in one
    /// transaction. Each run comes back in order: `None` where its slot already had a run or
    /// its schedule no longer exists (nothing is written for it).
    pub fn record_due(
        &mut self,
        runs: &[NewRun],
        next_runs: &[(Uuid, Option<chrono::DateTime<chrono::Utc>>)],
    ) -> Result<Vec<Option<Run>>> {
        if let Some(bad) = runs.iter().find(|r| !r.status.is_initial()) {
            return Err(StoreError::field(
                "status",
                format!("A run cannot be created as {}.", bad.status),
            ));
        }
        let now = self.now();
        self.write(|tx| {
            let mut written = Vec::with_capacity(runs.len());
            let mut insert = tx.prepare_cached(
                "INSERT INTO runs (id, schedule_id, slot, origin, status, missed_count, queued_at,
                    error_message)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE EXISTS (SELECT 1 FROM schedules WHERE id = ?2)
                 ON CONFLICT (schedule_id, slot) DO NOTHING",
            )?;
            for new in runs {
                let id = Uuid::new_v4();
                let inserted = insert.execute(params![
                    id, new.schedule_id, ms(new.slot), new.origin, new.status, new.missed_count,
                    ms(now), new.error_message
                ])?;
                written.push(if inserted == 1 { Some(get_in(tx, id)?) } else { None });
            }
            let mut advance = tx.prepare_cached("UPDATE schedules SET next_run = ?2 WHERE id = ?1")?;
            for (schedule_id, next_run) in next_runs {
                advance.execute(params![schedule_id, next_run.map(ms)])?;
            }
            // Events after the next runs are in, so a missed-run message says what comes next.
            for run in written.iter().flatten() {
                super::events::run_changed(tx, now, None, run)?;
            }
            Ok(written)
        })
    }

    /// One live run.
    pub fn get_run(&self, id: Uuid) -> Result<Run> {
        get_in(&self.conn, id)
    }

    /// Moves a run to `to`, recording `changes`, if the move is legal from its current status
    /// ([`RunStatus::can_become`]); otherwise [`StoreError::IllegalTransition`].
    pub fn transition_run(&mut self, id: Uuid, to: RunStatus, changes: &RunChanges) -> Result<Run> {
        let now = self.now();
        self.write(|tx| {
            let (run, from) = transition_in(tx, id, to, changes)?;
            super::events::run_changed(tx, now, Some(from), &run)?;
            Ok(run)
        })
    }

    /// Records that the engine is about to start this run's method, so that if Deckhand stops
    /// before the run is recorded as running, the next start knows the method may be on the
    /// deck. Only a run that is still `pending` or `waiting` is marked.
    pub fn mark_launching(&mut self, id: Uuid) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            tx.prepare_cached(
                "UPDATE runs SET launching_at = ?2 WHERE id = ?1 AND status IN ('pending', 'waiting')",
            )?
            .execute(params![id, ms(now)])?;
            Ok(())
        })
    }

    /// Takes the mark back: the launch failed, so the method never started.
    pub fn clear_launching(&mut self, id: Uuid) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE runs SET launching_at = NULL WHERE id = ?1",
                params![id],
            )?;
            Ok(())
        })
    }

    /// When the engine began starting this run's method, if it did (see
    /// [`Store::mark_launching`]).
    pub fn launching_since(&self, id: Uuid) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let at: Option<Option<i64>> = self
            .conn
            .query_row(
                "SELECT launching_at FROM runs WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )
            .optional()?;
        Ok(at.flatten().map(time).transpose()?)
    }

    /// Records that a running method is taking longer than expected; the schedule's contacts
    /// hear it once per run (see `events`).
    pub fn record_overrun(&mut self, id: Uuid, expected_minutes: u32) -> Result<Run> {
        let now = self.now();
        self.write(|tx| {
            let run = get_in(tx, id)?;
            super::events::overrun(tx, now, &run, expected_minutes)?;
            Ok(run)
        })
    }

    /// Moves a run to its final status and marks its schedule as needing recovery, in one
    /// transaction, so nobody ever sees an aborted run on a schedule that still looks fine.
    pub fn finish_run_needing_recovery(
        &mut self,
        id: Uuid,
        to: RunStatus,
        changes: &RunChanges,
        note: &str,
        actor: &str,
    ) -> Result<(Run, crate::model::Schedule)> {
        let now = self.now();
        let note = crate::validate::note(note)?;
        let actor = crate::validate::actor(actor)?;
        self.write(|tx| {
            let (run, from) = transition_in(tx, id, to, changes)?;
            let schedule =
                super::schedules::mark_recovery_in(tx, run.schedule_id, &note, &actor, now)?;
            super::events::run_changed(tx, now, Some(from), &run)?;
            Ok((run, schedule))
        })
    }

    /// Records that `actor` wants a launched run aborted; the engine (perhaps in another
    /// process) carries it out. Refused unless the run is running or stuck.
    pub fn request_abort(&mut self, id: Uuid, actor: &str) -> Result<Run> {
        let actor = crate::validate::actor(actor)?;
        self.write(|tx| {
            let run = get_in(tx, id)?;
            if !matches!(run.status, RunStatus::Running | RunStatus::Stuck) {
                return Err(StoreError::field(
                    "id",
                    format!(
                        "This run is {}; only a running (or stuck) run can be aborted.",
                        run.status
                    ),
                ));
            }
            tx.execute(
                "UPDATE runs SET abort_requested_by = ?2 WHERE id = ?1",
                params![id, actor],
            )?;
            Ok(run)
        })
    }

    /// Abort requests not yet carried out: run id and who asked.
    pub fn abort_requests(&self) -> Result<Vec<(Uuid, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, abort_requested_by FROM runs WHERE abort_requested_by IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks an abort request as dealt with.
    pub fn clear_abort_request(&mut self, id: Uuid) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE runs SET abort_requested_by = NULL WHERE id = ?1",
                [id],
            )?;
            Ok(())
        })
    }

    /// Live runs in any of `statuses`, oldest slot first (start-up reconciliation uses it for
    /// the runs a crash left in flight). Runs of the same slot in the order of their ids, the
    /// engine's order for its queue (ids compare as bytes in both), so the dashboard lists
    /// waiting runs in the order they will start.
    pub fn runs_in_status(&self, statuses: &[RunStatus]) -> Result<Vec<Run>> {
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; statuses.len()].join(", ");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM runs r WHERE r.status IN ({marks}) ORDER BY r.slot, r.id",
            run_columns("r")
        ))?;
        let rows = stmt.query_map(params_from_iter(statuses), run_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One page of execution history, newest first: live and archived runs merged, each run
    /// once, filtered by schedule, status and slot range.
    pub fn history(&self, query: &HistoryQuery) -> Result<HistoryPage> {
        if !(1..=1000).contains(&query.limit) {
            return Err(StoreError::field(
                "limit",
                format!(
                    "A page of {} rows is out of range: ask for 1 to 1000.",
                    query.limit
                ),
            ));
        }
        if let (Some(from), Some(to)) = (query.from, query.to)
            && from > to
        {
            return Err(StoreError::field(
                "from",
                "The start of the time range is after its end.",
            ));
        }
        let (sql, params) = history_sql(query, true);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), history_from_row)?;
        let mut entries = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let has_more = entries.len() > query.limit as usize;
        entries.truncate(query.limit as usize);
        Ok(HistoryPage { entries, has_more })
    }

    /// Writes every run matching `query`'s filters (paging ignored) as CSV, newest first.
    /// Text cells that a spreadsheet would run as a formula are prefixed with `'`. Returns the
    /// number of runs written.
    pub fn export_history_csv(&self, query: &HistoryQuery, out: impl Write) -> Result<usize> {
        let (sql, params) = history_sql(query, false);
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(params))?;
        let mut writer = csv::Writer::from_writer(out);
        let csv_error = |e: csv::Error| StoreError::Export(e.into());
        writer.write_record(CSV_HEADER).map_err(csv_error)?;
        let mut count = 0;
        let time_text = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                .unwrap_or_default()
        };
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        while let Some(row) = rows.next()? {
            let entry = history_from_row(row)?;
            let run = &entry.run;
            let text = |t: &Option<String>| csv_text(t.as_deref().unwrap_or_default());
            writer
                .write_record([
                    run.id.to_string(),
                    run.schedule_id.to_string(),
                    csv_text(&entry.schedule_name),
                    csv_text(&entry.method_path),
                    entry.schedule_deleted.to_string(),
                    time_text(Some(run.slot)),
                    run.status.to_string(),
                    run.origin.to_string(),
                    run.attempt.to_string(),
                    number(run.missed_count.map(i64::from)),
                    time_text(Some(run.queued_at)),
                    time_text(run.started_at),
                    time_text(run.ended_at),
                    number(run.exit_code.map(i64::from)),
                    number(run.pid.map(i64::from)),
                    text(&run.command_line),
                    text(&run.trace_file),
                    text(&run.outcome_detail),
                    text(&run.error_message),
                    text(&run.deck_evidence),
                ])
                .map_err(csv_error)?;
            count += 1;
        }
        writer.flush().map_err(StoreError::Export)?;
        Ok(count)
    }
}
