//! Capacity, the busy robot, the one attempt budget, backoff.

use deckhand::model::{Backoff, RetryPolicy, RunStatus, SettingKey};

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
        [t("2026-06-01T12:10:00Z"), t("2026-06-01T12:16:00Z")],
        "one at the slot; the other after A's 5 minutes, at its third 2-minute try"
    );
    let waited = h
        .runs()
        .into_iter()
        .find(|r| r.started_at == Some(t("2026-06-01T12:16:00Z")))
        .unwrap();
    assert_eq!(
        waited.attempt, 4,
        "three gated attempts and the launch, from one budget"
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
    *h.monitor.busy.lock().unwrap() = None;
    h.run_until("2026-06-01T12:15:00Z").await;
    assert_eq!(
        h.runner.launch_times("Prep.med"),
        [t("2026-06-01T12:14:00Z")],
        "at the next try"
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
