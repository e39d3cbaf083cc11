use std::thread;

use deckhand::model::ScheduleListFilter;

use crate::support::{ACTOR, TestStore, daily};

/// Two connections (as the desktop app and a CLI would have) write at the same time: the busy
/// timeout serialises them and every write lands.
#[test]
fn two_connections_writing_at_once() {
    let db = TestStore::new();
    let writers: Vec<_> = (0..2)
        .map(|writer| {
            let mut store = db.reopen();
            thread::spawn(move || {
                for i in 0..150 {
                    let s = store
                        .create_schedule(&daily(&format!("w{writer}-{i}")), ACTOR)
                        .expect("write lands");
                    store
                        .update_schedule(s.id, &s.draft(), s.updated_at, ACTOR)
                        .expect("edit lands");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("no writer failed");
    }
    assert_eq!(
        db.store
            .list_schedules(ScheduleListFilter::All)
            .unwrap()
            .len(),
        300
    );
    assert_eq!(
        db.count("audit_log"),
        600,
        "each write with its audit entry"
    );
    assert_eq!(db.store.integrity_check().unwrap(), ["ok"]);
}

/// An edit racing another edit of the same schedule: exactly one wins, the other gets a
/// conflict.
#[test]
fn racing_edits_of_one_schedule_give_one_conflict() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let results: Vec<_> = (0..2)
        .map(|i| {
            let mut store = db.reopen();
            let s = s.clone();
            thread::spawn(move || {
                let mut draft = s.draft();
                draft.name = format!("edit {i}");
                store
                    .update_schedule(s.id, &draft, s.updated_at, ACTOR)
                    .map(|_| ())
                    .map_err(|e| e.code())
            })
        })
        .map(|h| h.join().unwrap())
        .collect();
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "one edit lands: {results:?}");
    assert!(
        results.contains(&Err("conflict")),
        "the other is told: {results:?}"
    );
}

/// A write waits while another connection holds the write lock, and lands once it is free.
#[test]
fn a_writer_waits_for_a_held_lock() {
    let mut db = TestStore::new();
    let raw = db.raw();
    raw.execute_batch("BEGIN IMMEDIATE").unwrap();
    let release = thread::spawn(move || {
        thread::sleep(std::time::Duration::from_millis(300));
        raw.execute_batch("COMMIT").unwrap();
    });
    db.store
        .create_schedule(&daily("Prep"), ACTOR)
        .expect("waits for the lock, then writes");
    release.join().unwrap();
}

/// A lock held longer than the busy timeout: a clear error, nothing written, and the next
/// write after the lock is gone lands.
#[test]
fn a_lock_held_too_long_gives_a_clear_error_and_writes_nothing() {
    let mut db = TestStore::new();
    db.store
        .set_busy_timeout(std::time::Duration::from_millis(100))
        .unwrap();
    let raw = db.raw();
    raw.execute_batch("BEGIN IMMEDIATE").unwrap();
    let error = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap_err();
    assert_eq!(error.code(), "database_busy");
    assert!(
        error.to_string().contains("in use by another program"),
        "{error}"
    );
    raw.execute_batch("COMMIT").unwrap();
    assert_eq!(db.count("schedules"), 0, "nothing half-written");
    assert_eq!(db.count("audit_log"), 0);
    db.store
        .create_schedule(&daily("Prep"), ACTOR)
        .expect("lands once the lock is gone");
}
