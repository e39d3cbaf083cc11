use deckhand::model::{NewRun, RunChanges, RunOrigin, RunStatus};
use deckhand::store::StoreError;
use strum::IntoEnumIterator;

use crate::support::{ACTOR, TestStore, daily, t};

#[test]
fn a_run_is_written_pending_with_its_slot() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let run = db.pending(s.id, "2026-06-02T08:00:00Z");
    assert_eq!(run.status, RunStatus::Pending);
    assert_eq!(run.slot, t("2026-06-02T08:00:00Z"));
    assert_eq!(run.queued_at, t("2026-06-01T12:00:00Z"));
    assert_eq!(db.store.get_run(run.id).unwrap(), run);
}

#[test]
fn a_second_run_for_the_same_slot_is_refused() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let slot = t("2026-06-02T08:00:00Z");
    let first = db
        .store
        .insert_run(&NewRun::pending(s.id, slot, RunOrigin::Schedule))
        .unwrap();
    db.advance(first.id, &[RunStatus::Running]);
    db.advance(first.id, &[RunStatus::Completed]);
    // Even after the first one finished, and from another connection, as after a restart.
    let mut other = db.reopen();
    for origin in [RunOrigin::Schedule, RunOrigin::CatchUp] {
        match other.insert_run(&NewRun::pending(s.id, slot, origin)) {
            Err(StoreError::DuplicateRun {
                schedule_id,
                slot: at,
            }) => {
                assert_eq!((schedule_id, at), (s.id, slot));
            }
            result => panic!("a slot must run at most once, got {result:?}"),
        }
    }
    assert_eq!(db.count("runs"), 1);
    // Another slot is fine.
    other
        .insert_run(&NewRun::pending(
            s.id,
            t("2026-06-03T08:00:00Z"),
            RunOrigin::Schedule,
        ))
        .unwrap();
}

#[test]
fn runs_cannot_be_created_in_a_later_status() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    for status in [RunStatus::Running, RunStatus::Completed, RunStatus::Waiting] {
        let mut new = NewRun::pending(s.id, t("2026-06-02T08:00:00Z"), RunOrigin::Schedule);
        new.status = status;
        assert_eq!(
            db.store.insert_run(&new).unwrap_err().code(),
            "invalid_input",
            "{status}"
        );
    }
    let mut missed = NewRun::pending(s.id, t("2026-05-30T08:00:00Z"), RunOrigin::Schedule);
    missed.status = RunStatus::Missed;
    missed.missed_count = Some(3);
    assert_eq!(db.store.insert_run(&missed).unwrap().missed_count, Some(3));
}

/// Every (from, to) pair: the store does exactly what `can_become` says, and a refused move
/// changes nothing.
#[test]
fn only_legal_status_transitions_are_allowed() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    // How to walk a fresh run to each status along legal moves.
    let path_to = |status: RunStatus| -> Vec<RunStatus> {
        use RunStatus::*;
        match status {
            Pending => vec![],
            Waiting => vec![Waiting],
            Running => vec![Running],
            Stuck => vec![Running, Stuck],
            Completed | Failed | Aborted | Interrupted => vec![Running, status],
            Skipped | Cancelled => vec![status],
            Missed => vec![],
        }
    };
    let mut minute = 0;
    let mut legal = 0;
    for from in RunStatus::iter() {
        for to in RunStatus::iter() {
            minute += 1;
            let mut new = NewRun::pending(
                s.id,
                t("2026-06-02T08:00:00Z") + chrono::Duration::minutes(minute),
                RunOrigin::Schedule,
            );
            if from == RunStatus::Missed {
                new.status = RunStatus::Missed;
            }
            let run = db.store.insert_run(&new).unwrap();
            for step in path_to(from) {
                db.store
                    .transition_run(run.id, step, &RunChanges::default())
                    .unwrap();
            }
            let changes = RunChanges {
                error_message: Some("probe".into()),
                ..Default::default()
            };
            let result = db.store.transition_run(run.id, to, &changes);
            if from.can_become(to) {
                legal += 1;
                assert_eq!(result.unwrap().status, to, "{from} → {to} is legal");
            } else {
                match result {
                    Err(StoreError::IllegalTransition { from: f, to: t, .. }) => {
                        assert_eq!((f, t), (from, to))
                    }
                    other => panic!("{from} → {to} must be refused, got {other:?}"),
                }
                let after = db.store.get_run(run.id).unwrap();
                assert_eq!(after.status, from, "a refused move changes nothing");
                assert_eq!(after.error_message, None, "a refused move records nothing");
            }
        }
    }
    assert!(
        legal > 20 && legal < 60,
        "a sensible number of legal moves, not all or none: {legal}"
    );
    for terminal in RunStatus::iter().filter(|s| s.is_terminal()) {
        assert!(
            RunStatus::iter().all(|to| !terminal.can_become(to)),
            "{terminal} is final"
        );
    }
}

#[test]
fn a_transition_records_its_details() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let run = db
        .store
        .insert_run(&NewRun::pending(
            s.id,
            t("2026-06-02T08:00:00Z"),
            RunOrigin::Manual,
        ))
        .unwrap();
    let running = db
        .store
        .transition_run(
            run.id,
            RunStatus::Running,
            &RunChanges {
                attempt: Some(1),
                started_at: Some(t("2026-06-02T08:00:01Z")),
                command_line: Some(r#""C:\HxRun.exe" "C:\Methods\Prep.med" -r -t"#.into()),
                pid: Some(4242),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((running.attempt, running.pid), (1, Some(4242)));
    let done = db
        .store
        .transition_run(
            run.id,
            RunStatus::Completed,
            &RunChanges {
                ended_at: Some(t("2026-06-02T08:45:00Z")),
                exit_code: Some(0),
                trace_file: Some(r"C:\LogFiles\Prep_1_Trace.trc".into()),
                outcome_detail: Some("2026-06-02 08:45:00> SYSTEM : End method - complete;".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(done.pid, Some(4242), "earlier details are kept");
    assert_eq!(done.started_at, Some(t("2026-06-02T08:00:01Z")));
    assert_eq!(done.exit_code, Some(0));
    assert!(done.outcome_detail.unwrap().contains("End method"));
}

#[test]
fn runs_left_in_flight_can_be_found() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let a = db.pending(s.id, "2026-06-02T08:00:00Z");
    let b = db.pending(s.id, "2026-06-03T08:00:00Z");
    db.advance(b.id, &[RunStatus::Running]);
    let c = db.pending(s.id, "2026-06-04T08:00:00Z");
    db.advance(c.id, &[RunStatus::Cancelled]);
    let open: Vec<_> = db
        .store
        .runs_in_status(&[
            RunStatus::Pending,
            RunStatus::Waiting,
            RunStatus::Running,
            RunStatus::Stuck,
        ])
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(open, [a.id, b.id], "oldest first, finished runs left out");
}

#[test]
fn a_schedule_with_a_run_in_flight_cannot_be_deleted() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let run = db.pending(s.id, "2026-06-02T08:00:00Z");
    db.advance(run.id, &[RunStatus::Running]);
    let error = db.store.delete_schedule(s.id, ACTOR).unwrap_err();
    assert_eq!(error.code(), "run_in_progress", "{error}");
    assert!(
        error.to_string().contains("running"),
        "the message says why: {error}"
    );
    assert_eq!(db.count("schedules"), 1);
    assert_eq!(db.count("runs"), 1);
}

/// Command lines and trace folders are pooled in storage; what comes back is exactly what
/// went in, whatever the separators.
#[test]
fn pooled_texts_come_back_exactly() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let traces = [
        r"C:\Program Files (x86)\HAMILTON\LogFiles\Prep_1_Trace.trc",
        "/var/log/venus/Prep_2_Trace.trc",
        "Prep_3_Trace.trc",
        r"\\server\logs\",
        "C:/mixed\\sep/Prep_4.trc",
    ];
    let mut ids = Vec::new();
    for (i, trace) in traces.iter().enumerate() {
        let run = db
            .store
            .insert_run(&NewRun::pending(
                s.id,
                t("2026-06-02T08:00:00Z") + chrono::Duration::days(i as i64),
                RunOrigin::Schedule,
            ))
            .unwrap();
        let command = format!(r#""C:\HxRun.exe" "C:\Methods\Prep.med" -r -t # {}"#, i % 2);
        let done = db
            .store
            .transition_run(
                run.id,
                RunStatus::Running,
                &RunChanges {
                    command_line: Some(command.clone()),
                    trace_file: Some((*trace).to_owned()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(done.trace_file.as_deref(), Some(*trace));
        assert_eq!(done.command_line, Some(command));
        ids.push(run.id);
    }
    assert_eq!(
        db.count("text_pool"),
        2 + 4,
        "two command lines and four distinct folders, each once"
    );
    // A later change that does not mention the trace keeps it.
    let kept = db
        .store
        .transition_run(ids[0], RunStatus::Completed, &RunChanges::default())
        .unwrap();
    assert_eq!(kept.trace_file.as_deref(), Some(traces[0]));
}

/// The engine's batch write: runs for one moment and next-run times in one transaction; a
/// slot that has a run, or a schedule that is gone, comes back as `None` and writes nothing.
#[test]
fn due_runs_are_written_together_and_duplicates_are_left_out() {
    let mut db = TestStore::new();
    let a = db.store.create_schedule(&daily("A"), ACTOR).unwrap();
    let b = db.store.create_schedule(&daily("B"), ACTOR).unwrap();
    let slot = t("2026-06-02T08:00:00Z");
    db.pending(a.id, "2026-06-02T08:00:00Z");
    let gone = uuid::Uuid::new_v4();
    let runs = [
        NewRun::pending(a.id, slot, RunOrigin::Schedule),
        NewRun::pending(b.id, slot, RunOrigin::Schedule),
        NewRun::pending(gone, slot, RunOrigin::Schedule),
    ];
    let next = t("2026-06-03T08:00:00Z");
    let written = db
        .store
        .record_due(&runs, &[(a.id, Some(next)), (b.id, Some(next))])
        .unwrap();
    assert!(written[0].is_none(), "A's slot had a run already");
    assert_eq!(written[1].as_ref().unwrap().schedule_id, b.id);
    assert!(written[2].is_none(), "a deleted schedule gets no run");
    assert_eq!(db.count("runs"), 2);
    assert_eq!(db.store.get_schedule(b.id).unwrap().next_run, Some(next));
    assert_eq!(
        db.store.get_schedule(b.id).unwrap().updated_at,
        b.updated_at,
        "a background write"
    );
}
