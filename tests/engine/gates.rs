//! Capacity, the busy robot, the queue of waiting runs, the one attempt budget, backoff.

use chrono::Duration;
use deckhand::model::{Backoff, RetryPolicy, RunStatus, ScheduleDraft, SettingKey};

use super::fakes::{Harness, Plan, every};
use crate::support::t;

#[tokio::test(start_paused = true)]
async fn at_capacity_a_run_waits_and_starts_when_a_slot_frees() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(5));
    h.add(&every("A.med", 24.0, "2026-06-01T12:10:00Z"));
    h.add(&every("B.med", 24.0, "2026-06-01T12:10:00Z"));
    h.start();
    h.run_until("2026-06-01T12:30:00Z").await;
    let a = h.runner.launch_times("A.med");
    let b = h.runner.launch_times("B.med");
    let mut all = [a.clone(), b.clone()].concat();
    all.sort();
    assert_eq!(
        all,
        [t("2026-06-01T12:10:00Z"), t("2026-06-01T12:15:00Z")],
        "one at the slot; the other the instant the first ends, after its 5 minutes"
    );
    let waited = h
        .runs()
        .into_iter()
        .find(|r| r.started_at == Some(t("2026-06-01T12:15:00Z")))
        .unwrap();
    assert_eq!(
        waited.attempt, 4,
        "tries at 12:10, :12 and :14, and the launch, from one budget"
    );
    assert_eq!(waited.status, RunStatus::Completed);
}

#[tokio::test(start_paused = true)]
async fn capacity_that_never_frees_skips_the_run_with_its_reason() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(60));
    h.add(&every("A.med", 24.0, "2026-06-01T12:10:00Z"));
    let b = h.add(&every("B.med", 24.0, "2026-06-01T12:10:00Z"));
    h.start();
    h.run_until("2026-06-01T12:30:00Z").await;
    let skipped = h
        .runs()
        .into_iter()
        .find(|r| r.status == RunStatus::Skipped)
        .expect("one run skipped");
    assert_eq!(skipped.attempt, 5, "the guide's default: five attempts");
    assert_eq!(
        skipped.ended_at,
        Some(t("2026-06-01T12:18:00Z")),
        "tries at 12:10, :12, :14, :16, :18"
    );
    assert!(skipped.error_message.unwrap().contains("at capacity"));
    let next = h
        .schedule(if skipped.schedule_id == b.id {
            b.id
        } else {
            skipped.schedule_id
        })
        .next_run;
    assert_eq!(
        next,
        Some(t("2026-06-02T12:10:00Z")),
        "the schedule moves on to its next slot"
    );
}

#[tokio::test(start_paused = true)]
async fn a_higher_capacity_runs_both_at_once() {
    let mut h = Harness::new();
    h.store()
        .set_setting(SettingKey::MaxConcurrentRuns, "2", "Ann")
        .unwrap();
    h.add(&every("A.med", 24.0, "2026-06-01T12:10:00Z"));
    h.add(&every("B.med", 24.0, "2026-06-01T12:10:00Z"));
    h.start();
    h.run_until("2026-06-01T12:11:00Z").await;
    assert_eq!(h.runner.launch_times("A.med"), [t("2026-06-01T12:10:00Z")]);
    assert_eq!(h.runner.launch_times("B.med"), [t("2026-06-01T12:10:00Z")]);
}

#[tokio::test(start_paused = true)]
async fn a_busy_robot_holds_the_run_until_it_is_free() {
    let mut h = Harness::new();
    h.add(&every("Prep.med", 24.0, "2026-06-01T12:10:00Z"));
    *h.monitor.busy.lock().unwrap() = Some("HxRun.exe, pid 4242".into());
    h.start();
    h.run_until("2026-06-01T12:13:00Z").await;
    let run = &h.runs()[0];
    assert_eq!(run.status, RunStatus::Waiting);
    assert!(
        run.error_message
            .as_deref()
            .unwrap()
            .contains("HxRun.exe, pid 4242"),
        "says why it waits"
    );
    assert_eq!(
        run.wait_until,
        Some(t("2026-06-01T12:18:00Z")),
        "it may wait until its fifth try: 12:10 plus four 2-minute delays"
    );
    *h.monitor.busy.lock().unwrap() = None;
    h.run_until("2026-06-01T12:15:00Z").await;
    let launched = h.runner.launch_times("Prep.med");
    assert_eq!(launched.len(), 1);
    assert!(
        launched[0] > t("2026-06-01T12:13:00Z")
            && launched[0] - t("2026-06-01T12:13:00Z") <= deckhand::engine::FOREIGN_WATCH,
        "within one look ({:?}) of the robot freeing at 12:13, not at the next try at 12:14: {launched:?}",
        deckhand::engine::FOREIGN_WATCH
    );
}

/// A run by hand started while one of Deckhand's runs ran: when Deckhand's run ends, the look
/// made while its outcome is written sees it, and the waiting run keeps waiting for it.
#[tokio::test(start_paused = true)]
async fn a_run_by_hand_started_during_an_own_run_holds_the_queue_when_it_ends() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(5));
    h.runner.plan("Long.med", [Plan::completes_after(10)]);
    h.add(&every("Long.med", 24.0, "2026-06-01T12:00:00Z"));
    h.add(&patient("Waiting.med", "2026-06-01T12:03:00Z"));
    h.start();
    h.run_until("2026-06-01T12:05:00Z").await;
    *h.monitor.busy.lock().unwrap() = Some("HxRun.exe, pid 4242".into());
    h.run_until("2026-06-01T12:12:00Z").await;
    assert!(
        h.runner.launch_times("Waiting.med").is_empty(),
        "Long ended at 12:10 while a run by hand went on"
    );
    let waiting = h
        .runs()
        .into_iter()
        .find(|r| r.status == RunStatus::Waiting)
        .expect("still waiting");
    assert!(
        waiting
            .error_message
            .as_deref()
            .unwrap_or_default()
            .contains("pid 4242"),
        "{waiting:?}"
    );
    *h.monitor.busy.lock().unwrap() = None;
    h.run_until("2026-06-01T12:20:00Z").await;
    let launched = h.runner.launch_times("Waiting.med");
    assert_eq!(launched.len(), 1, "{launched:?}");
    assert!(
        launched[0] - t("2026-06-01T12:12:00Z") <= deckhand::engine::FOREIGN_WATCH,
        "within one look of the run by hand ending: {launched:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn exponential_backoff_with_a_cap() {
    let mut h = Harness::new();
    let mut draft = every("Prep.med", 24.0, "2026-06-01T12:00:00Z");
    draft.retry = RetryPolicy {
        max_attempts: 6,
        delay_minutes: 1,
        backoff: Backoff::Exponential,
        max_delay_minutes: 5,
    };
    h.add(&draft);
    h.runner
        .plan("Prep.med", [Plan::FailLaunch("HxRun.exe not found"); 5]);
    h.start();
    h.run_until("2026-06-01T13:00:00Z").await;
    let minutes: Vec<i64> = h
        .runner
        .launch_times("Prep.med")
        .iter()
        .map(|at| (*at - t("2026-06-01T12:00:00Z")).num_minutes())
        .collect();
    assert_eq!(
        minutes,
        [0, 1, 3, 7, 12, 17],
        "waits of 1, 2, 4, then 5 (the cap), 5"
    );
    assert_eq!(
        h.runs()[0].status,
        RunStatus::Completed,
        "the sixth attempt launched"
    );
    assert_eq!(h.runs()[0].attempt, 6);
}

#[tokio::test(start_paused = true)]
async fn launch_failures_and_busy_waits_share_one_budget() {
    let mut h = Harness::new();
    let mut draft = every("Prep.med", 24.0, "2026-06-01T12:00:00Z");
    draft.retry.max_attempts = 4;
    h.add(&draft);
    h.runner.plan(
        "Prep.med",
        [
            Plan::FailLaunch("spawn failed"),
            Plan::FailLaunch("spawn failed"),
        ],
    );
    *h.monitor.busy.lock().unwrap() = Some("HxRun.exe".into());
    h.start();
    h.run_until("2026-06-01T12:03:00Z").await; // busy at 12:00 and 12:02
    *h.monitor.busy.lock().unwrap() = None;
    h.run_until("2026-06-01T13:00:00Z").await;
    let run = &h.runs()[0];
    assert_eq!(run.status, RunStatus::Failed, "{run:?}");
    assert_eq!(
        run.attempt, 4,
        "2 busy + 2 failed launches = the budget of 4, not 4 × 4"
    );
    assert!(
        run.error_message
            .as_deref()
            .unwrap()
            .contains("after 4 attempts")
    );
    assert_eq!(h.runner.launch_times("Prep.med").len(), 2);
}

/// A draft that may wait long for the robot: 10 tries, 2 minutes apart.
fn patient(method: &str, start: &str) -> ScheduleDraft {
    let mut draft = every(method, 24.0, start);
    draft.retry.max_attempts = 10;
    draft
}

#[tokio::test(start_paused = true)]
async fn waiting_runs_start_in_the_order_they_fell_due_each_when_the_robot_frees() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(5));
    h.runner.plan("Long.med", [Plan::completes_after(10)]);
    h.add(&every("Long.med", 24.0, "2026-06-01T12:00:00Z"));
    // Added in the opposite order of their slots.
    h.add(&patient("Later.med", "2026-06-01T12:05:00Z"));
    h.add(&patient("Earlier.med", "2026-06-01T12:03:00Z"));
    h.start();
    h.run_until("2026-06-01T12:30:00Z").await;
    assert_eq!(
        h.runner.launch_times("Earlier.med"),
        [t("2026-06-01T12:10:00Z")],
        "the instant Long ends"
    );
    assert_eq!(
        h.runner.launch_times("Later.med"),
        [t("2026-06-01T12:15:00Z")],
        "the instant Earlier ends"
    );
}

/// Runs due at the very same instant (two schedules at 12:03) start in the order the
/// dashboard lists them: one tie-break, the run's id, in the engine and in the store.
#[tokio::test(start_paused = true)]
async fn runs_due_at_the_same_instant_start_in_the_order_the_dashboard_shows() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(1));
    h.runner.plan("Long.med", [Plan::completes_after(10)]);
    h.add(&every("Long.med", 24.0, "2026-06-01T12:00:00Z"));
    for n in 0..6 {
        h.add(&patient(&format!("Tie{n}.med"), "2026-06-01T12:03:00Z"));
    }
    h.start();
    h.run_until("2026-06-01T12:05:00Z").await;
    let overview = deckhand::status::overview(&h.store()).unwrap();
    let shown: Vec<String> = overview
        .waiting
        .iter()
        .map(|w| h.schedule(w.schedule_id).method_path)
        .collect();
    assert_eq!(shown.len(), 6, "{overview:?}");
    h.run_until("2026-06-01T13:00:00Z").await;
    let mut started = h.runner.launches.lock().unwrap().clone();
    started.sort_by_key(|(_, at)| *at);
    let started: Vec<String> = started
        .into_iter()
        .map(|(method, _)| method)
        .filter(|m| m.starts_with("Tie"))
        .collect();
    assert_eq!(started, shown, "the dashboard's order is the engine's");
}

/// The case seen with the simulator: a later slot of another schedule, due while a run waits,
/// goes behind it, even when it falls due at the instant the robot frees.
#[tokio::test(start_paused = true)]
async fn a_run_due_later_never_overtakes_a_waiting_one() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(5));
    h.runner.plan("Long.med", [Plan::completes_after(10)]);
    h.add(&every("Long.med", 24.0, "2026-06-01T12:00:00Z"));
    h.add(&patient("Waiting.med", "2026-06-01T12:05:00Z"));
    // Due at 12:10:00, the instant Long ends.
    h.add(&patient("Newcomer.med", "2026-06-01T12:10:00Z"));
    let engine = h.start();
    h.run_until("2026-06-01T12:08:00Z").await;
    // Someone asks for a run now: it goes in at the moment it was asked for.
    let by_hand = h.add(&patient("ByHand.med", "2026-06-02T12:00:00Z"));
    let run = engine.run_now(by_hand.id, "Ann").await.unwrap();
    assert_eq!(run.status, RunStatus::Waiting, "the robot is busy: {run:?}");
    h.run_until("2026-06-01T12:40:00Z").await;
    let order: Vec<(String, chrono::DateTime<chrono::Utc>)> = {
        let mut all = h.runner.launches.lock().unwrap().clone();
        all.sort_by_key(|(_, at)| *at);
        all
    };
    assert_eq!(
        order,
        [
            ("Long.med".to_owned(), t("2026-06-01T12:00:00Z")),
            ("Waiting.med".to_owned(), t("2026-06-01T12:10:00Z")),
            ("ByHand.med".to_owned(), t("2026-06-01T12:15:00Z")),
            ("Newcomer.med".to_owned(), t("2026-06-01T12:20:00Z")),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_paused_scheduler_holds_the_queue_and_the_head_starts_on_resume() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(5));
    h.runner.plan("Long.med", [Plan::completes_after(10)]);
    h.add(&every("Long.med", 24.0, "2026-06-01T12:00:00Z"));
    h.add(&every("Waiting.med", 24.0, "2026-06-01T12:05:00Z"));
    let engine = h.start();
    h.run_until("2026-06-01T12:06:00Z").await;
    engine.pause("Ann").await.unwrap();
    h.run_until("2026-06-01T12:30:00Z").await;
    assert!(
        h.runner.launch_times("Waiting.med").is_empty(),
        "nothing starts while paused, though the robot is free from 12:10"
    );
    let waiting = h
        .runs()
        .into_iter()
        .find(|r| r.status == RunStatus::Waiting)
        .expect("still waiting: no tries are used while paused");
    assert_eq!(waiting.attempt, 1);
    engine.resume("Ann").await.unwrap();
    h.run_until("2026-06-01T12:31:00Z").await;
    assert_eq!(
        h.runner.launch_times("Waiting.med"),
        [t("2026-06-01T12:30:00Z")],
        "the instant the scheduler is resumed"
    );
}

#[tokio::test(start_paused = true)]
async fn raising_the_capacity_starts_the_next_waiting_run_at_once() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(60));
    h.add(&every("Long.med", 24.0, "2026-06-01T12:00:00Z"));
    h.add(&patient("Waiting.med", "2026-06-01T12:01:00Z"));
    let engine = h.start();
    h.run_until("2026-06-01T12:02:30Z").await;
    assert!(h.runner.launch_times("Waiting.med").is_empty());
    h.store()
        .set_setting(SettingKey::MaxConcurrentRuns, "2", "Ann")
        .unwrap();
    engine.settings_changed().unwrap();
    h.run_until("2026-06-01T12:03:00Z").await;
    assert_eq!(
        h.runner.launch_times("Waiting.med"),
        [t("2026-06-01T12:02:30Z")],
        "when the capacity is raised, not at its next try (12:03)"
    );
}

/// A run that waits out its budget is skipped, says why, and the run behind it moves up.
#[tokio::test(start_paused = true)]
async fn a_run_out_of_tries_is_skipped_and_the_queue_moves_on() {
    let mut h = Harness::new();
    let mut short = every("Short.med", 24.0, "2026-06-01T12:00:00Z");
    short.retry.max_attempts = 3;
    let short = h.add(&short);
    h.add(&patient("Patient.med", "2026-06-01T12:01:00Z"));
    *h.monitor.busy.lock().unwrap() = Some("HxRun.exe, pid 77".into());
    h.start();
    h.run_until("2026-06-01T12:05:00Z").await;
    let skipped = h
        .runs()
        .into_iter()
        .find(|r| r.schedule_id == short.id)
        .unwrap();
    assert_eq!(skipped.status, RunStatus::Skipped);
    assert_eq!(
        skipped.ended_at,
        Some(t("2026-06-01T12:04:00Z")),
        "tries at 12:00, :02, :04"
    );
    let why = skipped.error_message.unwrap();
    assert!(
        why.contains("after 3 attempts") && why.contains("HxRun.exe, pid 77"),
        "{why}"
    );
    *h.monitor.busy.lock().unwrap() = None;
    h.run_until("2026-06-01T12:06:00Z").await;
    assert_eq!(h.runner.launch_times("Patient.med").len(), 1);
    assert!(h.runner.launch_times("Short.med").is_empty());
}

/// The process list is looked at every few seconds while a run waits on a run Deckhand did
/// not start, and not at all once nothing waits.
#[tokio::test(start_paused = true)]
async fn the_process_list_is_watched_only_while_a_run_waits_on_it() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(1));
    h.add(&every("Prep.med", 24.0, "2026-06-01T12:10:00Z"));
    *h.monitor.busy.lock().unwrap() = Some("HxRun.exe, pid 4242".into());
    h.start();
    h.run_until("2026-06-01T12:11:00Z").await;
    let looks = h.monitor.looks();
    h.run_until("2026-06-01T12:12:00Z").await;
    let per_minute = h.monitor.looks() - looks;
    let expected = (Duration::minutes(1).num_seconds()
        / deckhand::engine::FOREIGN_WATCH.num_seconds()) as usize;
    assert!(
        (expected..=expected + 2).contains(&per_minute),
        "one look per {:?} while it waits (and one at its try): {per_minute}",
        deckhand::engine::FOREIGN_WATCH
    );
    *h.monitor.busy.lock().unwrap() = None;
    h.run_until("2026-06-01T12:20:00Z").await;
    assert_eq!(h.runner.launch_times("Prep.med").len(), 1);
    let looks = h.monitor.looks();
    h.run_until("2026-06-01T13:20:00Z").await;
    assert_eq!(h.monitor.looks(), looks, "no look while nothing waits");
}

/// A person's Run now starts while the scheduler is paused, if the robot is free (as it always
/// did); the runs the pause holds stay where they are.
#[tokio::test(start_paused = true)]
async fn run_now_starts_while_the_scheduler_is_paused() {
    let mut h = Harness::new();
    h.runner.set_default(Plan::completes_after(5));
    let held = h.add(&every("Held.med", 24.0, "2026-06-01T12:30:00Z"));
    let asked = h.add(&every("Asked.med", 24.0, "2026-06-02T12:00:00Z"));
    let engine = h.start();
    engine.pause("Ann").await.unwrap();
    h.run_until("2026-06-01T12:10:00Z").await;
    let run = engine.run_now(asked.id, "Ann").await.unwrap();
    h.run_until("2026-06-01T12:40:00Z").await;
    assert_eq!(
        h.runner.launch_times("Asked.med"),
        [t("2026-06-01T12:10:00Z")],
        "{run:?}"
    );
    assert!(h.runner.launch_times("Held.med").is_empty());
    assert_eq!(
        h.schedule(held.id).next_run,
        Some(t("2026-06-01T12:30:00Z"))
    );
}
