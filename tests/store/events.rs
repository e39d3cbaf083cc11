//! Notification events are queued with the change that caused them: once, for the people who
//! asked, and on state changes rather than every repetition.

use strum::IntoEnumIterator;

use deckhand::model::{Channel, ContactDraft, EventKind, NewRun, RunChanges, RunOrigin, RunStatus};

use crate::support::{ACTOR, TestStore, daily, t};

fn with_contact(events: Vec<EventKind>) -> TestStore {
    let mut db = TestStore::new();
    db.store
        .create_contact(
            &ContactDraft {
                name: "Ann Lee".into(),
                email: "ann@lab.example.org".into(),
                enabled: true,
                events,
            },
            ACTOR,
        )
        .unwrap();
    db
}

/// `(event, channel)` of every queued message, oldest first.
fn queued(db: &TestStore) -> Vec<(String, String)> {
    let conn = db.raw();
    let mut stmt = conn
        .prepare("SELECT event, channel FROM outbox ORDER BY id")
        .unwrap();
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn emails(db: &TestStore) -> Vec<String> {
    queued(db)
        .into_iter()
        .filter(|(_, c)| c == "email")
        .map(|(e, _)| e)
        .collect()
}

#[test]
fn an_overrun_is_sent_once_and_not_while_the_alert_is_open() {
    let mut db = with_contact(EventKind::defaults());
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let run = db.pending(s.id, "2026-06-02T08:00:00Z");
    db.advance(run.id, &[RunStatus::Running]);
    db.store.record_overrun(run.id, 45).unwrap();
    db.store.record_overrun(run.id, 45).unwrap();
    assert_eq!(emails(&db), ["run_overrun"], "once per run");
    db.advance(run.id, &[RunStatus::Failed]);
    assert_eq!(
        emails(&db),
        ["run_overrun"],
        "the failure of the same stretch of trouble is not sent again"
    );
    let next = db.pending(s.id, "2026-06-03T08:00:00Z");
    db.advance(next.id, &[RunStatus::Running, RunStatus::Completed]);
    assert_eq!(emails(&db), ["run_overrun", "recovery_resolved"]);
}

#[test]
fn a_refused_change_queues_nothing() {
    let mut db = with_contact(EventKind::iter().collect());
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let run = db.pending(s.id, "2026-06-02T08:00:00Z");
    let before = queued(&db);
    assert!(
        db.store
            .transition_run(run.id, RunStatus::Completed, &RunChanges::default())
            .is_err(),
        "pending cannot become completed"
    );
    assert_eq!(queued(&db), before);
}

#[test]
fn a_retried_start_is_announced_once() {
    let mut db = with_contact(vec![EventKind::RunStarted]);
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let run = db.pending(s.id, "2026-06-02T08:00:00Z");
    db.advance(
        run.id,
        &[RunStatus::Running, RunStatus::Waiting, RunStatus::Running],
    );
    assert_eq!(emails(&db), ["run_started"]);
}

#[test]
fn each_time_a_schedule_needs_recovery_is_news() {
    let mut db = with_contact(EventKind::defaults());
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    db.store
        .mark_recovery_required(s.id, "Tips ran out", ACTOR)
        .unwrap();
    db.clock.advance(chrono::Duration::minutes(5));
    db.store.resolve_recovery(s.id, "Refilled", ACTOR).unwrap();
    db.clock.advance(chrono::Duration::minutes(5));
    db.store
        .mark_recovery_required(s.id, "Tips ran out again", ACTOR)
        .unwrap();
    assert_eq!(
        emails(&db),
        [
            "recovery_required",
            "recovery_resolved",
            "recovery_required"
        ]
    );
}

#[test]
fn the_desktop_hears_what_needs_a_person_and_runs_started_by_hand() {
    let mut db = with_contact(vec![]);
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let scheduled = db.pending(s.id, "2026-06-02T08:00:00Z");
    db.advance(scheduled.id, &[RunStatus::Running, RunStatus::Completed]);
    assert!(
        queued(&db).is_empty(),
        "routine runs stay quiet: {:?}",
        queued(&db)
    );
    let manual = db
        .store
        .insert_run(&NewRun::pending(
            s.id,
            t("2026-06-01T12:00:00Z"),
            RunOrigin::Manual,
        ))
        .unwrap();
    db.advance(manual.id, &[RunStatus::Running, RunStatus::Completed]);
    let missed = NewRun {
        status: RunStatus::Missed,
        missed_count: Some(1),
        ..NewRun::pending(s.id, t("2026-06-03T08:00:00Z"), RunOrigin::Schedule)
    };
    db.store.insert_run(&missed).unwrap();
    let desktop: Vec<String> = queued(&db)
        .into_iter()
        .filter(|(_, c)| c == &Channel::Desktop.to_string())
        .map(|(e, _)| e)
        .collect();
    assert_eq!(desktop, ["run_started", "run_completed", "run_missed"]);
    assert!(emails(&db).is_empty(), "Ann asked for nothing");
}
