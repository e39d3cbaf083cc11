use chrono::Duration;
use deckhand::model::{HistoryQuery, NewRun, RunChanges, RunOrigin, RunStatus};
use uuid::Uuid;

use crate::support::{ACTOR, TestStore, daily, t};

/// Two schedules with four daily runs each: slots on June 2–5 at 08:00 (Prep) and 09:00
/// (Wash); the last run of each failed, the others completed.
fn seeded() -> (TestStore, Uuid, Uuid) {
    let mut db = TestStore::new();
    let prep = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let mut wash_draft = daily("Wash");
    wash_draft.method_path = r"C:\Methods\Wash.hsl".into();
    let wash = db.store.create_schedule(&wash_draft, ACTOR).unwrap();
    for (schedule, hour) in [(prep.id, 8), (wash.id, 9)] {
        for day in 2..=5 {
            let slot = t(&format!("2026-06-0{day}T{hour:02}:00:00Z"));
            let run = db
                .store
                .insert_run(&NewRun::pending(schedule, slot, RunOrigin::Schedule))
                .unwrap();
            db.store
                .transition_run(run.id, RunStatus::Running, &RunChanges::default())
                .unwrap();
            let outcome = if day == 5 {
                RunStatus::Failed
            } else {
                RunStatus::Completed
            };
            db.store
                .transition_run(
                    run.id,
                    outcome,
                    &RunChanges {
                        outcome_detail: Some(format!("{slot} > SYSTEM : End method - complete;")),
                        ..Default::default()
                    },
                )
                .unwrap();
        }
    }
    (db, prep.id, wash.id)
}

fn slots(page: &deckhand::model::HistoryPage) -> Vec<String> {
    page.entries
        .iter()
        .map(|e| format!("{} {}", e.schedule_name, e.run.slot.format("%d %H")))
        .collect()
}

#[test]
fn history_is_newest_first_and_filtered() {
    let (db, prep, _) = seeded();
    let all = db.store.history(&HistoryQuery::default()).unwrap();
    assert_eq!(all.entries.len(), 8);
    assert_eq!(slots(&all)[..3], ["Wash 05 09", "Prep 05 08", "Wash 04 09"]);
    assert!(!all.has_more);

    let only_prep = db
        .store
        .history(&HistoryQuery {
            schedule_id: Some(prep),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        slots(&only_prep),
        ["Prep 05 08", "Prep 04 08", "Prep 03 08", "Prep 02 08"]
    );

    let failed = db
        .store
        .history(&HistoryQuery {
            status: Some(RunStatus::Failed),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(slots(&failed), ["Wash 05 09", "Prep 05 08"]);

    let range = HistoryQuery {
        from: Some(t("2026-06-03T00:00:00Z")),
        to: Some(t("2026-06-04T08:00:00Z")),
        ..Default::default()
    };
    assert_eq!(
        slots(&db.store.history(&range).unwrap()),
        ["Wash 03 09", "Prep 03 08"],
        "from inclusive, to exclusive"
    );

    let combined = HistoryQuery {
        schedule_id: Some(prep),
        status: Some(RunStatus::Completed),
        from: Some(t("2026-06-03T00:00:00Z")),
        ..Default::default()
    };
    assert_eq!(
        slots(&db.store.history(&combined).unwrap()),
        ["Prep 04 08", "Prep 03 08"]
    );
}

#[test]
fn history_pages_cover_every_run_once() {
    let (db, _, _) = seeded();
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = db
            .store
            .history(&HistoryQuery {
                limit: 3,
                offset,
                ..Default::default()
            })
            .unwrap();
        seen.extend(page.entries.iter().map(|e| e.run.id));
        offset += 3;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(seen.len(), 8, "every run, no more");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 8, "no run twice");
}

#[test]
fn deleting_a_schedule_keeps_its_runs_in_history_under_the_old_name() {
    let (mut db, prep, _) = seeded();
    let before = db.store.history(&HistoryQuery::default()).unwrap();
    db.clock.advance(Duration::days(10));
    let moved = db.store.delete_schedule(prep, ACTOR).unwrap();
    assert_eq!(moved, 4);
    assert_eq!(db.count("runs"), 4, "the live table keeps only Wash's runs");
    assert_eq!(db.count("runs_archive"), 4);
    assert_eq!(db.store.get_schedule(prep).unwrap_err().code(), "not_found");

    let after = db.store.history(&HistoryQuery::default()).unwrap();
    assert_eq!(
        slots(&after),
        slots(&before),
        "history reads the same, in the same order"
    );
    let archived: Vec<_> = after
        .entries
        .iter()
        .filter(|e| e.schedule_deleted)
        .collect();
    assert_eq!(archived.len(), 4);
    for entry in archived {
        assert_eq!(
            entry.schedule_name, "Prep",
            "the name snapshot, not 'Archived Schedule'"
        );
        assert_eq!(
            entry.method_path, r"C:\Methods\Prep.med",
            "the path snapshot"
        );
        assert_eq!(entry.run.schedule_id, prep);
        assert!(
            entry.run.outcome_detail.is_some(),
            "details travel with the run"
        );
    }
    let by_schedule = db
        .store
        .history(&HistoryQuery {
            schedule_id: Some(prep),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        by_schedule.entries.len(),
        4,
        "a deleted schedule's history is still filterable"
    );
    let failed = db
        .store
        .history(&HistoryQuery {
            status: Some(RunStatus::Failed),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(slots(&failed), ["Wash 05 09", "Prep 05 08"]);
}

#[test]
fn a_run_in_both_tables_is_listed_once() {
    let (db, prep, _) = seeded();
    // Simulate the old service's bug: a run copied to the archive but not removed.
    db.raw()
        .execute(
            "INSERT INTO runs_archive (seq, id, schedule_id, schedule_name, method_path, archived_at,
                slot, origin, status, attempt, queued_at)
             SELECT seq + 1000, id, schedule_id, 'Stale copy', 'x.med', 0, slot, origin, status,
                attempt, queued_at FROM runs WHERE schedule_id = ?1",
            [prep],
        )
        .unwrap();
    let page = db.store.history(&HistoryQuery::default()).unwrap();
    assert_eq!(page.entries.len(), 8, "each run once");
    assert!(
        page.entries.iter().all(|e| e.schedule_name != "Stale copy"),
        "the live row wins"
    );
}

#[test]
fn bad_history_queries_are_refused() {
    let (db, _, _) = seeded();
    for limit in [0, 1001] {
        let error = db
            .store
            .history(&HistoryQuery {
                limit,
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(error.code(), "invalid_input", "limit {limit}");
    }
    let backwards = HistoryQuery {
        from: Some(t("2026-06-05T00:00:00Z")),
        to: Some(t("2026-06-01T00:00:00Z")),
        ..Default::default()
    };
    assert_eq!(
        db.store.history(&backwards).unwrap_err().code(),
        "invalid_input"
    );
}

#[test]
fn csv_export_has_every_matching_run_and_defuses_formulas() {
    let (mut db, prep, _) = seeded();
    let mut draft = daily("=HYPERLINK(\"http://evil\")");
    draft.method_path = "+cmd.med".into();
    let evil = db.store.create_schedule(&draft, ACTOR).unwrap();
    db.store
        .insert_run(&NewRun::pending(
            evil.id,
            t("2026-06-06T08:00:00Z"),
            RunOrigin::Manual,
        ))
        .unwrap();
    db.store.delete_schedule(prep, ACTOR).unwrap();

    let mut out = Vec::new();
    let count = db
        .store
        .export_history_csv(&HistoryQuery::default(), &mut out)
        .unwrap();
    assert_eq!(count, 9);
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, deckhand::store::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(
        &rows[0][2], "'=HYPERLINK(\"http://evil\")",
        "a formula is defused with a leading quote"
    );
    assert_eq!(&rows[0][3], "'+cmd.med");
    assert_eq!(
        &rows[0][5], "2026-06-06T08:00:00.000Z",
        "times are UTC RFC 3339"
    );
    let deleted: Vec<_> = rows.iter().filter(|r| &r[4] == "true").collect();
    assert_eq!(deleted.len(), 4);
    assert!(
        deleted.iter().all(|r| &r[2] == "Prep"),
        "deleted runs carry the name snapshot"
    );

    let mut failed_only = Vec::new();
    let failed = db
        .store
        .export_history_csv(
            &HistoryQuery {
                status: Some(RunStatus::Failed),
                limit: 1,
                ..Default::default()
            },
            &mut failed_only,
        )
        .unwrap();
    assert_eq!(failed, 2, "filters apply and paging does not");
}
