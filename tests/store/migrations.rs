use deckhand::store::{migration_count, migrations};

use crate::support::TestStore;

#[test]
fn migrations_are_valid() {
    migrations()
        .validate()
        .expect("every migration applies cleanly to an empty database");
}

#[test]
fn an_empty_database_gets_every_table() {
    let db = TestStore::new();
    assert_eq!(
        db.store.schema_version().unwrap() as usize,
        migration_count(),
        "every migration applied"
    );
    let tables: Vec<String> = db
        .raw()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        tables,
        [
            "audit_log",
            "notification_contacts",
            "notification_destinations",
            "notification_log",
            "outbox",
            "runs",
            "runs_archive",
            "scheduler_state",
            "schedules",
            "settings",
            "smtp_settings",
            "text_pool"
        ],
        "the tables DESIGN.md §2 needs, the scheduler's pause, and chat and webhook destinations"
    );
}

#[test]
fn reopening_is_a_no_op_that_keeps_data() {
    let mut db = TestStore::new();
    let schedule = db
        .store
        .create_schedule(&crate::support::daily("Prep"), "me")
        .unwrap();
    let again = db.reopen();
    assert_eq!(
        again.schema_version().unwrap() as usize,
        migration_count(),
        "re-applying migrations changes nothing"
    );
    assert_eq!(
        again.get_schedule(schedule.id).unwrap(),
        schedule,
        "data survives a reopen"
    );
    let objects = |store: &TestStore| -> i64 {
        store
            .raw()
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .unwrap()
    };
    let before = objects(&db);
    drop(again);
    let _third = db.reopen();
    assert_eq!(objects(&db), before, "no table or index is created twice");
}

#[test]
fn the_connection_uses_wal_and_the_file_is_healthy() {
    let db = TestStore::new();
    let mode: String = db
        .raw()
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "WAL lets the UI read while the engine writes");
    assert_eq!(db.store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn foreign_keys_are_enforced() {
    let mut db = TestStore::new();
    let missing = uuid::Uuid::new_v4();
    let error = db
        .store
        .insert_run(&deckhand::model::NewRun::pending(
            missing,
            crate::support::t("2026-06-02T08:00:00Z"),
            deckhand::model::RunOrigin::Schedule,
        ))
        .unwrap_err();
    assert_eq!(
        error.code(),
        "not_found",
        "a run for a schedule that does not exist is refused: {error}"
    );
}

#[test]
fn a_database_in_a_missing_folder_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("deckhand.sqlite3");
    let store =
        deckhand::Store::open(&path, std::sync::Arc::new(deckhand::clock::SystemClock)).unwrap();
    assert!(
        path.exists(),
        "the folder and file are created on first use"
    );
    assert_eq!(store.schema_version().unwrap() as usize, migration_count());
}

/// A database made by the first migration alone (as the first release would have left it)
/// is brought up to date, keeping its schedules.
#[test]
fn a_version_1_database_is_migrated_forward() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    rusqlite_migration::Migrations::new(vec![rusqlite_migration::M::up(include_str!(
        "../../migrations/0001_initial.sql"
    ))])
    .to_latest(&mut conn)
    .unwrap();
    conn.execute(
        "INSERT INTO schedules (id, name, method_path, recurrence_kind, starts_at, retry_max_attempts,
            retry_delay_minutes, retry_backoff, retry_max_delay_minutes, missed_catch_up,
            missed_grace_minutes, active, archived, created_at, updated_at)
         VALUES (?1, 'Old', 'Old.med', 'daily', 0, 5, 2, 'fixed', 30, 1, 15, 1, 0, 0, 0)",
        [uuid::Uuid::new_v4()],
    )
    .unwrap();
    drop(conn);
    let store =
        deckhand::Store::open(&path, std::sync::Arc::new(deckhand::clock::SystemClock)).unwrap();
    assert_eq!(store.schema_version().unwrap() as usize, migration_count());
    let schedules = store
        .list_schedules(deckhand::model::ScheduleListFilter::All)
        .unwrap();
    assert_eq!(schedules.len(), 1);
    assert_eq!(
        schedules[0].stuck_minutes, None,
        "the new column starts empty: the app setting applies"
    );
}

#[test]
fn a_database_from_a_newer_deckhand_is_refused_in_words_and_left_alone() {
    let db = TestStore::new();
    let path = db.path();
    drop(db.store);
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let error = match deckhand::store::Store::open(&path, db.clock.clone()) {
        Err(error) => error,
        Ok(_) => panic!("a newer schema opened"),
    };
    assert_eq!(error.code(), "migration");
    assert!(
        error
            .to_string()
            .starts_with("This database was made by a newer Deckhand (schema version 99"),
        "{error}"
    );
    let version: u32 = rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, 99, "left as it was");
}

/// Migration 9 copies the outbox and the notification log into tables that take the chat and
/// webhook channels: what was waiting still waits, what was sent is still on record.
#[test]
fn the_outbox_and_the_log_survive_the_destinations_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deckhand.sqlite3");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    migrations().to_version(&mut conn, 8).unwrap();
    conn.execute_batch(
        "INSERT INTO outbox (dedupe_key, event, run_id, schedule_id, contact_id, channel, payload,
             status, attempts, next_attempt_at, last_error, created_at)
         VALUES ('run_failed:x:y:email', 'run_failed', NULL, NULL, NULL, 'email',
             '{\"scheduleName\":\"Prep\"}', 'pending', 3, 1780000000000, 'server down',
             1779990000000);
         INSERT INTO notification_log (dedupe_key, event, channel, status, error, created_at)
         VALUES ('run_aborted:x:y:desktop', 'run_aborted', 'desktop', 'sent', NULL,
             1779990000000);",
    )
    .unwrap();
    drop(conn);
    let store =
        deckhand::store::Store::open(&path, std::sync::Arc::new(deckhand::clock::SystemClock))
            .unwrap();
    assert_eq!(store.schema_version().unwrap() as usize, migration_count());
    let pending = store.pending_outbox(10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].attempts, 3);
    assert_eq!(pending[0].last_error.as_deref(), Some("server down"));
    assert_eq!(pending[0].destination_id, None);
    assert_eq!(pending[0].payload["scheduleName"], "Prep");
    let log = store.notification_log(10, 0).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].channel, deckhand::model::Channel::Desktop);
    assert!(
        store
            .notification_logged("run_aborted:x:y:desktop")
            .unwrap()
    );
}
