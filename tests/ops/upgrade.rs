//! Upgrades: a database made by the first schema (migration 0001 only, as the first release
//! wrote it) opens with today's `Store::open`, is brought up to the latest schema, and keeps
//! every record. The fixture, `tests/fixtures/first-schema.sqlite3`, is made by
//! `write_first_schema` below and committed; it must never be regenerated with a newer
//! schema.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use deckhand::clock::SystemClock;
use deckhand::model::{HistoryQuery, Recurrence, RunStatus, ScheduleListFilter, TlsMode};
use deckhand::store::{Store, migration_count};
use rusqlite::params;
use rusqlite_migration::{M, Migrations};
use uuid::Uuid;

use super::{deckhand, json, stderr};

/// The first schema, exactly as the first release applied it.
const FIRST_SCHEMA: &str = include_str!("../../migrations/0001_initial.sql");

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/first-schema.sqlite3")
}

const PREP: Uuid = Uuid::from_u128(0x0001);
const WASH: Uuid = Uuid::from_u128(0x0002);
const OLD: Uuid = Uuid::from_u128(0x0003);
const GONE: Uuid = Uuid::from_u128(0x0004);
const ANN: Uuid = Uuid::from_u128(0x00a1);
const BO: Uuid = Uuid::from_u128(0x00b0);
/// 2026-01-05 08:00 UTC, in milliseconds.
const T0: i64 = 1_767_600_000_000;
const HOUR: i64 = 3_600_000;

/// The committed fixture holds exactly what the first schema's SQL below writes, so an edit
/// to either is caught. To make the file again (only ever with the first schema):
/// `DECKHAND_WRITE_FIXTURE=1 cargo test --test integration the_fixture_is_what_the_first_schema_wrote`.
#[test]
fn the_fixture_is_what_the_first_schema_wrote() {
    if std::env::var_os("DECKHAND_WRITE_FIXTURE").is_some() {
        let _ = std::fs::remove_file(fixture());
        write_first_schema(&fixture());
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("first-schema.sqlite3");
    write_first_schema(&fresh);
    let before = std::fs::read(fixture()).unwrap();
    assert_eq!(
        crate::support::hostile::snapshot(&fixture()),
        crate::support::hostile::snapshot(&fresh),
        "tests/fixtures/first-schema.sqlite3 differs from what the first schema writes"
    );
    assert_eq!(
        std::fs::read(fixture()).unwrap(),
        before,
        "reading it changed nothing"
    );
}

/// Writes the first migration only, then a few of everything, as SQL of that schema.
fn write_first_schema(path: &Path) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    Migrations::new(vec![M::up(FIRST_SCHEMA)])
        .to_latest(&mut conn)
        .unwrap();
    let tx = conn.transaction().unwrap();
    let schedule = "INSERT INTO schedules (id, name, method_path, recurrence_kind, interval_hours,
        starts_at, weekdays, time_of_day, retry_max_attempts, retry_delay_minutes, retry_backoff,
        retry_max_delay_minutes, missed_catch_up, missed_grace_minutes, expected_duration_minutes,
        active, archived, recovery_required, recovery_note, recovery_actor, recovery_at, next_run,
        last_run, created_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
        ?19, ?20, ?21, ?22, ?23, ?24, ?25)";
    tx.execute(
        schedule,
        params![
            PREP,
            "Nightly prep",
            r"C:\Methods\Prep.med",
            "daily",
            None::<f64>,
            T0,
            None::<String>,
            None::<String>,
            5,
            2,
            "fixed",
            30,
            1,
            15,
            45,
            1,
            0,
            0,
            None::<String>,
            None::<String>,
            None::<i64>,
            T0 + 72 * HOUR,
            T0 + 48 * HOUR,
            T0 - HOUR,
            T0 - HOUR
        ],
    )
    .unwrap();
    tx.execute(
        schedule,
        params![
            WASH,
            "Wash plates",
            r"C:\Methods\Wash.med",
            "weekdays",
            None::<f64>,
            None::<i64>,
            "mon,wed,fri",
            "06:30",
            3,
            5,
            "exponential",
            60,
            0,
            30,
            None::<u32>,
            0,
            0,
            1,
            "Tip jam on channel 3",
            "Dr. Ann Lee",
            T0 + 30 * HOUR,
            None::<i64>,
            T0 + 24 * HOUR,
            T0 - HOUR,
            T0 + 30 * HOUR
        ],
    )
    .unwrap();
    tx.execute(
        schedule,
        params![
            OLD,
            "Old assay",
            r"C:\Methods\Old.med",
            "interval",
            1.5,
            T0,
            None::<String>,
            None::<String>,
            5,
            2,
            "linear",
            30,
            1,
            15,
            None::<u32>,
            1,
            1,
            0,
            None::<String>,
            None::<String>,
            None::<i64>,
            None::<i64>,
            None::<i64>,
            T0 - HOUR,
            T0
        ],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO text_pool (id, text) VALUES (1, ?1), (2, ?2)",
        params![
            r#""C:\HAMILTON\Bin\HxRun.exe" "C:\Methods\Prep.med" -t"#,
            r"C:\HAMILTON\LogFiles\"
        ],
    )
    .unwrap();
    let run = "INSERT INTO runs (id, schedule_id, slot, origin, status, attempt, queued_at,
        started_at, ended_at, command_line, pid, exit_code, trace_folder, trace_name,
        outcome_detail, error_message)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
    for (i, (schedule, slot, status, detail)) in [
        (PREP, T0, "completed", Some("Execute method - complete")),
        (PREP, T0 + 24 * HOUR, "failed", Some("Error in step 12")),
        (
            WASH,
            T0 + 24 * HOUR,
            "aborted",
            Some("Method aborted by user"),
        ),
        (PREP, T0 + 48 * HOUR, "missed", None),
    ]
    .into_iter()
    .enumerate()
    {
        let ran = status != "missed";
        tx.execute(
            run,
            params![
                Uuid::from_u128(0x100 + i as u128),
                schedule,
                slot,
                "schedule",
                status,
                u32::from(ran),
                slot,
                ran.then_some(slot + 1000),
                ran.then_some(slot + HOUR),
                ran.then_some(1),
                ran.then_some(4242),
                ran.then_some(i32::from(status != "completed")),
                ran.then_some(2),
                ran.then(|| format!("Prep_{i}_Trace.trc")),
                detail,
                None::<String>
            ],
        )
        .unwrap();
    }
    tx.execute(
        "INSERT INTO runs_archive (seq, id, schedule_id, schedule_name, method_path,
        archived_at, slot, origin, status, attempt, queued_at, started_at, ended_at, command_line,
        trace_folder, trace_name, outcome_detail)
        VALUES (100, ?1, ?2, 'Deleted schedule', 'C:\\Methods\\Gone.med', ?3, ?4, 'manual',
        'completed', 1, ?4, ?4, ?5, 1, 2, 'Gone_Trace.trc', 'Execute method - complete')",
        params![
            Uuid::from_u128(0x200),
            GONE,
            T0 + 60 * HOUR,
            T0 - 24 * HOUR,
            T0 - 23 * HOUR
        ],
    )
    .unwrap();
    let contact = "INSERT INTO notification_contacts (id, name, email, email_key, enabled, events,
        created_at, updated_at) VALUES (?1, ?2, ?3, lower(?3), ?4, ?5, ?6, ?6)";
    tx.execute(
        contact,
        params![
            ANN,
            "Ann Lee",
            "Ann.Lee@lab.example.org",
            1,
            "run_failed,run_aborted,recovery_required",
            T0
        ],
    )
    .unwrap();
    tx.execute(
        contact,
        params![BO, "Bo Chan", "bo@lab.example.org", 0, "run_failed", T0],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO smtp_settings (id, host, port, tls_mode, username, from_address,
        updated_at) VALUES (1, 'smtp.lab.example.org', 587, 'starttls', 'deckhand',
        'deckhand@lab.example.org', ?1)",
        [T0],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES
        ('max_concurrent_runs', '2', ?1), ('stuck_threshold_minutes', '25', ?1)",
        [T0],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO notification_log (dedupe_key, event, run_id, schedule_id, contact_id,
        channel, status, error, created_at) VALUES ('run_failed:x:y:email', 'run_failed', ?1, ?2,
        ?3, 'email', 'sent', NULL, ?4)",
        params![Uuid::from_u128(0x101), PREP, ANN, T0 + 25 * HOUR],
    )
    .unwrap();
    for (i, (action, target, detail)) in [
        (
            "schedule_created",
            "schedule",
            "created 'Nightly prep' running C:\\Methods\\Prep.med",
        ),
        (
            "contact_created",
            "contact",
            "added Ann Lee <Ann.Lee@lab.example.org>",
        ),
        (
            "recovery_required",
            "schedule",
            "'Wash plates' needs recovery: Tip jam on channel 3",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, target_kind, target_id, detail)
            VALUES (?1, 'Dr. Ann Lee', ?2, ?3, NULL, ?4)",
            params![T0 + i as i64 * HOUR, action, target, detail],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.execute_batch("VACUUM").unwrap();
}

/// A copy of the fixture in a fresh folder (the committed file is never changed).
fn copy_of_fixture(dir: &Path) -> PathBuf {
    let db = dir.join("deckhand.sqlite3");
    std::fs::copy(fixture(), &db).expect("tests/fixtures/first-schema.sqlite3 is committed");
    db
}

#[test]
fn a_database_from_the_first_schema_migrates_and_keeps_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_of_fixture(dir.path());
    let version: u32 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "the fixture is the first schema");

    let mut store = Store::open(&db, Arc::new(SystemClock)).expect("it opens and migrates");
    assert_eq!(store.schema_version().unwrap() as usize, migration_count());
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);

    let schedules = store.list_schedules(ScheduleListFilter::All).unwrap();
    assert_eq!(schedules.len(), 3);
    let prep = store.get_schedule(PREP).unwrap();
    assert_eq!(prep.name, "Nightly prep");
    assert!(matches!(prep.recurrence, Recurrence::Daily { .. }));
    assert_eq!(prep.expected_duration_minutes, Some(45));
    assert_eq!(
        prep.stuck_minutes, None,
        "a column added later reads as its default"
    );
    assert!(prep.active && !prep.archived && prep.recovery.is_none());
    assert!(prep.next_run.is_some() && prep.last_run.is_some());
    let wash = store.get_schedule(WASH).unwrap();
    match &wash.recurrence {
        Recurrence::Weekdays { days, time } => {
            assert_eq!(days.len(), 3);
            assert_eq!(time.format("%H:%M").to_string(), "06:30");
        }
        other => panic!("weekdays, not {other:?}"),
    }
    assert_eq!(wash.retry.max_attempts, 3);
    assert!(!wash.missed_runs.catch_up);
    let recovery = wash.recovery.as_ref().expect("still needs recovery");
    assert_eq!(recovery.note, "Tip jam on channel 3");
    assert_eq!(recovery.actor, "Dr. Ann Lee");
    let old = store.get_schedule(OLD).unwrap();
    assert!(old.archived);
    assert_eq!(old.recurrence.interval_hours(), Some(1.5));

    let history = store
        .history(&HistoryQuery {
            limit: 100,
            ..HistoryQuery::default()
        })
        .unwrap();
    assert_eq!(
        history.entries.len(),
        5,
        "4 live runs and 1 of a deleted schedule"
    );
    let statuses: Vec<RunStatus> = history.entries.iter().map(|e| e.run.status).collect();
    for status in [
        RunStatus::Completed,
        RunStatus::Failed,
        RunStatus::Aborted,
        RunStatus::Missed,
    ] {
        assert!(statuses.contains(&status), "{status} in {statuses:?}");
    }
    let gone = history
        .entries
        .iter()
        .find(|e| e.schedule_deleted)
        .expect("the deleted schedule's run");
    assert_eq!(gone.schedule_name, "Deleted schedule");
    let failed = history
        .entries
        .iter()
        .find(|e| e.run.status == RunStatus::Failed)
        .unwrap();
    assert_eq!(
        failed.run.outcome_detail.as_deref(),
        Some("Error in step 12")
    );
    assert!(
        failed
            .run
            .command_line
            .as_deref()
            .is_some_and(|c| c.contains("HxRun.exe")),
        "pooled texts are still found"
    );
    assert!(
        failed
            .run
            .trace_file
            .as_deref()
            .is_some_and(|t| t.ends_with("Prep_1_Trace.trc"))
    );

    let contacts = store.list_contacts().unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0].email, "Ann.Lee@lab.example.org");
    assert_eq!(contacts[0].events.len(), 3);
    assert!(!contacts[1].enabled);
    let smtp = store.smtp_settings().unwrap().expect("mail server kept");
    assert_eq!(
        (smtp.host.as_str(), smtp.port, smtp.tls),
        ("smtp.lab.example.org", 587, TlsMode::Starttls)
    );
    let settings = store.settings().unwrap();
    assert_eq!(settings.max_concurrent_runs, 2);
    assert_eq!(settings.stuck_threshold_minutes, 25);
    assert_eq!(store.audit_log(None, 100, 0).unwrap().len(), 3);
    assert_eq!(store.notification_log(100, 0).unwrap().len(), 1);
    assert!(
        !store.scheduler_state().unwrap().paused,
        "a table added later starts as it should"
    );

    // And it works as a current database: an edit, a resolve, a new run.
    store
        .resolve_recovery(WASH, "Cleared the jam", "Dr. Test")
        .unwrap();
    assert!(store.get_schedule(WASH).unwrap().recovery.is_none());
}

#[test]
fn an_old_backup_restores_and_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    json(&db, &["info"]);
    let out = deckhand(&db, &["--json", "restore", fixture().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schemaVersionBefore"], 1);
    assert_eq!(report["schemaVersion"], migration_count());
    let list = json(&db, &["schedules", "list", "--all"]);
    assert_eq!(list.as_array().unwrap().len(), 3);
    let version: u32 = rusqlite::Connection::open(fixture())
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "the fixture itself is untouched");
}
