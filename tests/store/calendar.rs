//! The calendar: runs that happened and slots still to come, each once.

use chrono::Duration;
use deckhand::model::RunStatus;
use deckhand::status::calendar;

use crate::support::{ACTOR, TestStore, daily, t};

#[test]
fn runs_and_planned_slots_each_appear_once_in_time_order() {
    let mut db = TestStore::new(); // the clock stands at 2026-06-01 12:00 UTC
    let schedule = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap(); // daily 08:00 from 06-02
    let run = db.pending(schedule.id, "2026-06-02T08:00:00Z");
    db.advance(run.id, &[RunStatus::Running, RunStatus::Completed]);
    let now = t("2026-06-01T12:00:00Z");
    let items = calendar(
        &db.store,
        t("2026-06-01T00:00:00Z"),
        t("2026-06-05T00:00:00Z"),
        now,
        &chrono::Utc,
    )
    .unwrap();
    let summary: Vec<(String, Option<RunStatus>)> = items
        .iter()
        .map(|i| (i.at.to_rfc3339(), i.run.as_ref().map(|r| r.status)))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "2026-06-02T08:00:00+00:00".to_owned(),
                Some(RunStatus::Completed)
            ),
            ("2026-06-03T08:00:00+00:00".to_owned(), None),
            ("2026-06-04T08:00:00+00:00".to_owned(), None),
        ],
        "the slot that ran shows as its run, not also as planned"
    );

    // A schedule waiting for recovery plans nothing.
    db.store
        .mark_recovery_required(schedule.id, "Tips ran out", ACTOR)
        .unwrap();
    let items = calendar(&db.store, now, now + Duration::days(3), now, &chrono::Utc).unwrap();
    assert_eq!(items.len(), 1, "only the run that happened: {items:?}");
}
