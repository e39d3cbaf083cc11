//! Due detection, run now, skip next, cancel, pause and resume, reconciliation, the lock.

use deckhand::engine::{EngineLock, Event};
use deckhand::model::{AuditTarget, NewRun, RunChanges, RunOrigin, RunStatus};

use super::fakes::{Harness, Plan, every};
use crate::support::t;

#[tokio::test(start_paused = true)]
async fn a_due_slot_runs_exactly_on_time_and_the_next_is_anchored() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 1.0, "2026-06-01T12:30:00Z"));
    h.start();
    h.run_until("2026-06-01T14:35:00Z").await;
    assert_eq!(
        h.runner.launch_times("Prep.med"),
        [
            t("2026-06-01T12:30:00Z"),
            t("2026-06-01T13:30:00Z"),
            t("2026-06-01T14:30:00Z")
        ],
        "launched at each slot, not early, not late"
    );
    assert_eq!(
        h.story(),
        [
            "01 12:30 completed",
            "01 13:30 completed",
            "01 14:30 running"
        ]
    );
    let schedule = h.schedule(s.id);
    assert_eq!(schedule.next_run, Some(t("2026-06-01T15:30:00Z")));
    assert_eq!(schedule.last_run, Some(t("2026-06-01T14:30:00Z")));
    assert_eq!(
        schedule.updated_at, s.updated_at,
        "the engine never moves the edit token"
    );
    let run = &h.runs()[0];
    assert_eq!(run.attempt, 1);
    assert!(run.command_line.as_deref().unwrap().contains("Prep.med"));
    assert_eq!(
        run.ended_at,
        Some(t("2026-06-01T12:40:00Z")),
        "ended when the method did"
    );
    assert!(run.outcome_detail.is_some(), "the deciding line is kept");
}

#[tokio::test(start_paused = true)]
async fn events_tell_every_state_change() {
    let mut h = Harness::new();
    h.add(&every("Prep.med", 24.0, "2026-06-01T12:30:00Z"));
    h.start();
    h.run_until("2026-06-01T12:45:00Z").await;
    let statuses: Vec<RunStatus> = h
        .drain_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Run { run, schedule_name } => {
                assert_eq!(schedule_name, "Prep");
                Some(run.status)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        statuses,
        [RunStatus::Pending, RunStatus::Running, RunStatus::Completed]
    );
}

#[tokio::test(start_paused = true)]
async fn a_schedule_added_while_running_is_picked_up() {
    let mut h = Harness::new();
    h.start();
    h.run_until("2026-06-01T12:10:00Z").await;
    h.add(&every("Late.med", 24.0, "2026-06-01T12:20:00Z"));
    h.run_until("2026-06-01T12:21:00Z").await;
    assert_eq!(
        h.runner.launch_times("Late.med"),
        [t("2026-06-01T12:20:00Z")]
    );
}

#[tokio::test(start_paused = true)]
async fn run_now_skip_next_and_cancel() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 1.0, "2026-06-01T13:00:00Z"));
    let engine = h.start();
    h.run_until("2026-06-01T12:05:00Z").await;

    let manual = engine.run_now(s.id, "Ann").await.unwrap();
    assert_eq!(manual.origin, RunOrigin::Manual);
    h.run_until("2026-06-01T12:06:00Z").await;
    assert_eq!(
        h.runner.launch_times("Prep.med"),
        [t("2026-06-01T12:05:00Z")]
    );

    let skipped = engine.skip_next(s.id, "Ann").await.unwrap();
    assert_eq!(
        (skipped.slot, skipped.status),
        (t("2026-06-01T13:00:00Z"), RunStatus::Skipped)
    );
    assert_eq!(h.schedule(s.id).next_run, Some(t("2026-06-01T14:00:00Z")));

    // The 14:00 run waits behind a busy robot; cancel it while it waits.
    *h.monitor.busy.lock().unwrap() = Some("HxRun.exe, pid 77".into());
    h.run_until("2026-06-01T14:00:30Z").await;
    let waiting = h
        .runs()
        .into_iter()
        .find(|r| r.status == RunStatus::Waiting)
        .expect("a waiting run");
    let cancelled = engine.cancel(waiting.id, "Bob").await.unwrap();
    assert_eq!(cancelled.status, RunStatus::Cancelled);
    *h.monitor.busy.lock().unwrap() = None;
    h.run_until("2026-06-01T14:30:00Z").await;
    assert_eq!(
        h.runner.launch_times("Prep.med").len(),
        1,
        "neither the skipped nor the cancelled run launched"
    );

    let log = h.store().audit_log(None, 10, 0).unwrap();
    let actions: Vec<String> = log
        .iter()
        .map(|e| format!("{} {}", e.actor, e.action))
        .collect();
    assert!(
        actions.contains(&"Ann run_requested".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"Ann run_skipped".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"Bob run_cancelled".to_owned()),
        "{actions:?}"
    );

    let running = engine.run_now(s.id, "Ann").await.unwrap();
    h.run_until("2026-06-01T14:31:00Z").await;
    let error = engine.cancel(running.id, "Ann").await.unwrap_err();
    assert!(error.to_string().contains("abort it instead"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn pause_stops_launches_and_resume_applies_the_missed_run_policy() {
    let mut h = Harness::new();
    h.add(&every("Prep.med", 1.0, "2026-06-01T12:30:00Z"));
    let engine = h.start();
    engine.pause("Ann").await.unwrap();
    h.run_until("2026-06-01T14:40:00Z").await;
    assert!(
        h.runner.launch_times("Prep.med").is_empty(),
        "nothing launches while paused"
    );
    engine.resume("Ann").await.unwrap();
    h.run_until("2026-06-01T14:41:00Z").await;
    // 12:30, 13:30 and 14:30 passed; 14:30 is 10 minutes late (within the 15-minute grace).
    assert_eq!(h.story(), ["01 13:30 missed", "01 14:30 running"]);
    assert_eq!(
        h.runs()[0].missed_count,
        Some(2),
        "one row for the two missed slots"
    );
    assert_eq!(h.runs()[1].origin, RunOrigin::CatchUp);
}

#[tokio::test(start_paused = true)]
async fn a_pause_outlives_a_restart() {
    let mut h = Harness::new();
    h.add(&every("Prep.med", 1.0, "2026-06-01T12:30:00Z"));
    let engine = h.start();
    engine.pause("Ann").await.unwrap();
    engine.shutdown().await;

    // The PC restarts (Windows updates) while Ann works on the deck.
    let engine = h.start();
    h.run_until("2026-06-01T13:40:00Z").await;
    assert!(
        h.runner.launch_times("Prep.med").is_empty(),
        "the scheduler came back paused: nothing launched"
    );
    let state = h.store().scheduler_state().unwrap();
    assert!(state.paused);
    assert_eq!(state.changed_by.as_deref(), Some("Ann"));
    assert!(
        h.drain_events()
            .iter()
            .all(|e| !matches!(e, Event::Engine { paused: false, .. })),
        "it never said it was running"
    );

    engine.resume("Bob").await.unwrap();
    h.run_until("2026-06-01T13:41:00Z").await;
    assert_eq!(h.story(), ["01 12:30 missed", "01 13:30 running"]);
    assert!(!h.store().scheduler_state().unwrap().paused);
    let actions: Vec<String> = h
        .store()
        .audit_log(None, 100, 0)
        .unwrap()
        .iter()
        .filter(|e| e.target_kind == AuditTarget::Engine)
        .map(|e| format!("{} {}", e.actor, e.action))
        .collect();
    assert_eq!(
        actions,
        ["Bob engine_resumed", "Ann engine_paused"],
        "newest first"
    );
}

#[tokio::test(start_paused = true)]
async fn reconciliation_after_a_crash_at_every_status() {
    let mut h = Harness::new();
    let mut store = h.store();
    let s = store
        .create_schedule(&every("Prep.med", 24.0, "2026-06-02T08:00:00Z"), "Ann")
        .unwrap();
    let at = |day: u32| t(&format!("2026-05-{day:02}T08:00:00Z"));
    let pending = store
        .insert_run(&NewRun::pending(s.id, at(20), RunOrigin::Schedule))
        .unwrap();
    let waiting = store
        .insert_run(&NewRun::pending(s.id, at(21), RunOrigin::Schedule))
        .unwrap();
    store
        .transition_run(waiting.id, RunStatus::Waiting, &RunChanges::default())
        .unwrap();
    let launched = |pid| RunChanges {
        pid: Some(pid),
        started_at: Some(t("2026-06-01T11:50:00Z")),
        ..Default::default()
    };
    let alive = store
        .insert_run(&NewRun::pending(s.id, at(22), RunOrigin::Schedule))
        .unwrap();
    store
        .transition_run(alive.id, RunStatus::Running, &launched(4242))
        .unwrap();
    let dead = store
        .insert_run(&NewRun::pending(s.id, at(23), RunOrigin::Schedule))
        .unwrap();
    store
        .transition_run(dead.id, RunStatus::Running, &launched(4343))
        .unwrap();
    let stuck = store
        .insert_run(&NewRun::pending(s.id, at(24), RunOrigin::Schedule))
        .unwrap();
    store
        .transition_run(stuck.id, RunStatus::Running, &launched(4444))
        .unwrap();
    store
        .transition_run(stuck.id, RunStatus::Stuck, &RunChanges::default())
        .unwrap();
    h.runner.alive.lock().unwrap().insert(4242, 5);

    h.start();
    h.run_until("2026-06-01T12:10:00Z").await;
    let status = |id| store.get_run(id).unwrap();
    assert_eq!(status(pending.id).status, RunStatus::Interrupted);
    assert_eq!(status(waiting.id).status, RunStatus::Interrupted);
    assert!(
        status(waiting.id)
            .error_message
            .unwrap()
            .contains("not launched")
    );
    assert_eq!(
        status(alive.id).status,
        RunStatus::Completed,
        "re-attached and followed to its end"
    );
    assert_eq!(status(dead.id).status, RunStatus::Interrupted);
    assert_eq!(
        status(stuck.id).status,
        RunStatus::Interrupted,
        "a stuck run whose process is gone"
    );
    let recovery = h
        .schedule(s.id)
        .recovery
        .expect("a run interrupted on the deck needs a person");
    assert!(recovery.note.contains("interrupted"), "{}", recovery.note);
}

#[tokio::test(start_paused = true)]
async fn a_clean_shutdown_leaves_methods_running_and_says_what_did_not_start() {
    let mut h = Harness::new();
    h.add(&every("Long.med", 24.0, "2026-06-01T12:10:00Z"));
    h.add(&every("Queued.med", 24.0, "2026-06-01T12:10:00Z"));
    h.runner.set_default(Plan::completes_after(60));
    let engine = h.start();
    h.run_until("2026-06-01T12:11:00Z").await;
    engine.shutdown().await;
    let runs = h.runs();
    let statuses: Vec<RunStatus> = runs.iter().map(|r| r.status).collect();
    assert!(
        statuses.contains(&RunStatus::Running),
        "the launched method is left running: {statuses:?}"
    );
    assert!(
        statuses.contains(&RunStatus::Interrupted),
        "the waiting one is told it did not start: {statuses:?}"
    );
    assert!(
        engine.run_now(runs[0].schedule_id, "Ann").await.is_err(),
        "a stopped engine says so"
    );
}

#[test]
fn one_engine_per_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let first = EngineLock::acquire(&db).expect("the first engine takes the database");
    let error = EngineLock::acquire(&db).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&format!("process {}", std::process::id())),
        "says who holds it: {message}"
    );
    drop(first);
    EngineLock::acquire(&db).expect("free again once the holder is gone");
}

/// What the preview promises is what the engine then does, across a daylight-saving change.
#[tokio::test(start_paused = true)]
async fn the_engine_runs_exactly_the_previewed_slots() {
    let mut h = Harness::new();
    // Berlin's clocks go back on 2026-10-25; the harness starts on 2026-06-01.
    h.clock.jump(chrono::Duration::days(140));
    let draft = every("Prep.med", 36.0, "2026-10-19T06:00:00Z");
    let s = h.add(&draft);
    let preview = deckhand::slots::preview(
        &s.recurrence,
        deckhand::clock::Clock::now(h.clock.as_ref()),
        6,
        &chrono_tz::Europe::Berlin,
    );
    h.start();
    h.run_until("2026-10-28T12:00:00Z").await;
    assert_eq!(
        h.runner.launch_times("Prep.med"),
        preview,
        "the preview shown as the schedule was saved"
    );
}

#[tokio::test(start_paused = true)]
async fn schedules_added_while_no_scheduler_ran_get_their_next_run_when_it_starts() {
    let mut h = Harness::new();
    // Added by `deckhand schedules add` or an import while Deckhand was closed.
    let daily = h.add(&every("Prep.med", 24.0, "2026-06-02T08:00:00Z"));
    let hourly = h.add(&every("Wash.med", 1.0, "2026-06-01T12:30:00Z"));
    assert_eq!(daily.next_run, None, "the store alone does not plan");
    h.start();
    h.run_until("2026-06-01T12:01:00Z").await;
    let daily_now = h.schedule(daily.id);
    assert_eq!(
        daily_now.next_run,
        Some(t("2026-06-02T08:00:00Z")),
        "the window shows when it runs, not '—'"
    );
    assert_eq!(
        daily_now.updated_at, daily.updated_at,
        "a background write: the edit token stays"
    );
    assert_eq!(
        h.schedule(hourly.id).next_run,
        Some(t("2026-06-01T12:30:00Z"))
    );
    assert!(h.runs().is_empty(), "nothing was due yet");
}

#[tokio::test(start_paused = true)]
async fn replan_answers_once_the_next_run_is_written() {
    let mut h = Harness::new();
    let engine = h.start();
    // Created by the window's own connection; the window waits for the plan to say when it runs.
    let schedule = h
        .store()
        .create_schedule(&every("Prep.med", 2.0, "2026-06-01T12:30:00Z"), "Ann")
        .unwrap();
    assert_eq!(schedule.next_run, None, "the store alone does not plan");
    engine.replan(schedule.id).await.unwrap();
    assert_eq!(
        h.schedule(schedule.id).next_run,
        Some(t("2026-06-01T12:30:00Z")),
        "planned by the time replan answers"
    );
}

#[tokio::test(start_paused = true)]
async fn a_run_caught_while_its_method_was_being_started_needs_recovery() {
    let mut h = Harness::new();
    let mut store = h.store();
    let s = store
        .create_schedule(&every("Prep.med", 24.0, "2026-06-02T08:00:00Z"), "Ann")
        .unwrap();
    // Deckhand wrote the mark, started HxRun, and died before recording the run as running.
    let starting = store
        .insert_run(&NewRun::pending(
            s.id,
            t("2026-06-01T08:00:00Z"),
            RunOrigin::Schedule,
        ))
        .unwrap();
    store.mark_launching(starting.id).unwrap();
    // A run merely queued when Deckhand died never reached the deck.
    let queued = store
        .insert_run(&NewRun::pending(
            s.id,
            t("2026-05-31T08:00:00Z"),
            RunOrigin::Schedule,
        ))
        .unwrap();

    let _engine = h.start();
    let starting = store.get_run(starting.id).unwrap();
    assert_eq!(starting.status, RunStatus::Interrupted);
    assert!(
        starting.started_at.is_some(),
        "it says when it may have started (when Deckhand began starting it)"
    );
    assert!(
        starting
            .error_message
            .as_deref()
            .unwrap()
            .contains("may have started"),
        "{:?}",
        starting.error_message
    );
    let recovery = h
        .schedule(s.id)
        .recovery
        .expect("a person must check the deck");
    assert!(
        recovery.note.contains("Check the deck"),
        "{}",
        recovery.note
    );
    let queued = store.get_run(queued.id).unwrap();
    assert_eq!(queued.status, RunStatus::Interrupted);
    assert!(
        queued
            .error_message
            .as_deref()
            .unwrap()
            .contains("not launched"),
        "{:?}",
        queued.error_message
    );
}

#[tokio::test(start_paused = true)]
async fn a_launch_that_failed_is_not_taken_for_a_method_on_the_deck_after_a_crash() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 1.0, "2026-06-01T12:30:00Z"));
    h.runner
        .plan("Prep.med", [Plan::FailLaunch("HxRun.exe not found")]);
    let engine = h.start();
    h.run_until("2026-06-01T12:30:30Z").await;
    assert_eq!(
        h.story(),
        ["01 12:30 waiting"],
        "the failed launch waits to try again"
    );
    engine.shutdown().await;

    let _engine = h.start();
    assert_eq!(h.story(), ["01 12:30 interrupted"]);
    assert!(
        h.schedule(s.id).recovery.is_none(),
        "the method never started: no one needs to check the deck"
    );
}
