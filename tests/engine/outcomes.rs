//! What each outcome does to the run and its schedule.

use deckhand::engine::Verdict;
use deckhand::model::{RunStatus, ScheduleListFilter};

use super::fakes::{Harness, Plan, every};
use crate::support::t;

fn ends(verdict: Verdict, touched_deck: bool) -> Plan {
    Plan::Run {
        minutes: 3,
        verdict,
        touched_deck,
    }
}

#[tokio::test(start_paused = true)]
async fn a_failure_after_the_method_started_is_never_retried() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 24.0, "2026-06-01T12:00:00Z"));
    h.runner.plan("Prep.med", [ends(Verdict::Failed, true)]);
    h.start();
    h.run_until("2026-06-01T13:00:00Z").await;
    assert_eq!(h.story(), ["01 12:00 failed"]);
    assert_eq!(h.runner.launch_times("Prep.med").len(), 1);
    assert!(
        h.schedule(s.id).recovery.is_none(),
        "a step error does not stop the schedule"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failure_with_a_trace_deckhand_cannot_read_needs_recovery_and_is_never_retried() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 1.0, "2026-06-01T12:00:00Z"));
    h.runner
        .plan("Prep.med", [Plan::UnreadableTrace { minutes: 3 }]);
    h.start();
    h.run_until("2026-06-01T15:10:00Z").await;
    assert_eq!(
        h.story(),
        ["01 12:00 failed"],
        "never tried again, and the next slots wait for a person"
    );
    assert_eq!(h.runner.launch_times("Prep.med").len(), 1);
    assert_eq!(h.runs()[0].attempt, 1);
    let schedule = h.schedule(s.id);
    let recovery = schedule
        .recovery
        .expect("a failure nothing explains needs a person at the deck");
    assert!(!schedule.active);
    assert!(
        recovery.note.contains("could not read this trace's format")
            && recovery.note.contains("Check the deck"),
        "the note says why: {}",
        recovery.note
    );
}

#[tokio::test(start_paused = true)]
async fn a_method_that_ended_before_it_started_is_retried() {
    let mut h = Harness::new();
    h.add(&every("Prep.med", 24.0, "2026-06-01T12:00:00Z"));
    h.runner.plan("Prep.med", [ends(Verdict::Failed, false)]);
    h.start();
    h.run_until("2026-06-01T13:00:00Z").await;
    assert_eq!(
        h.runner.launch_times("Prep.med"),
        [t("2026-06-01T12:00:00Z"), t("2026-06-01T12:05:00Z")],
        "ended at 12:03 without touching the deck; tried again 2 minutes later"
    );
    assert_eq!(h.story(), ["01 12:00 completed"]);
    assert_eq!(h.runs()[0].attempt, 2);
}

#[tokio::test(start_paused = true)]
async fn an_abort_needs_recovery_and_resolving_restarts_from_the_next_slot() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 1.0, "2026-06-01T12:00:00Z"));
    h.runner.plan("Prep.med", [ends(Verdict::Aborted, true)]);
    let engine = h.start();
    h.run_until("2026-06-01T15:10:00Z").await;
    assert_eq!(
        h.story(),
        ["01 12:00 aborted"],
        "nothing more runs until a person has looked"
    );
    let schedule = h.schedule(s.id);
    let recovery = schedule.recovery.expect("recovery required");
    assert!(!schedule.active);
    assert!(recovery.note.contains("aborted"), "{}", recovery.note);
    assert_eq!(recovery.actor, "engine");
    assert!(
        engine.run_now(s.id, "Ann").await.is_err(),
        "run now is refused until resolved"
    );

    h.store()
        .resolve_recovery(s.id, "Cleared the deck", "Ann")
        .unwrap();
    engine.schedule_changed(s.id).unwrap();
    h.run_until("2026-06-01T16:01:00Z").await;
    assert_eq!(
        h.story(),
        ["01 12:00 aborted", "01 16:00 running"],
        "from the next slot after now, no catch-up burst"
    );
}

#[tokio::test(start_paused = true)]
async fn a_stuck_method_needs_recovery() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 24.0, "2026-06-01T12:00:00Z"));
    h.runner.plan("Prep.med", [ends(Verdict::Stuck, true)]);
    h.start();
    h.run_until("2026-06-01T12:10:00Z").await;
    assert_eq!(h.story(), ["01 12:00 stuck"]);
    assert!(h.schedule(s.id).recovery.is_some());
    assert_eq!(
        h.store()
            .list_schedules(ScheduleListFilter::Active)
            .unwrap()
            .len(),
        1,
        "kept, just stopped"
    );
}

#[tokio::test(start_paused = true)]
async fn archiving_or_pausing_a_schedule_cancels_its_waiting_run() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 24.0, "2026-06-01T12:00:00Z"));
    *h.monitor.busy.lock().unwrap() = Some("HxRun.exe".into());
    let engine = h.start();
    h.run_until("2026-06-01T12:01:00Z").await;
    assert_eq!(h.runs()[0].status, RunStatus::Waiting);
    h.store().set_archived(s.id, true, "Ann").unwrap();
    engine.schedule_changed(s.id).unwrap();
    *h.monitor.busy.lock().unwrap() = None;
    h.run_until("2026-06-01T12:10:00Z").await;
    assert_eq!(h.runs()[0].status, RunStatus::Cancelled);
    assert!(h.runner.launch_times("Prep.med").is_empty());
}

/// VENUS waits on an error dialog: after the stuck threshold the run is `stuck` and the
/// schedule needs recovery (both at once); the operator aborts it from Deckhand.
#[tokio::test(start_paused = true)]
async fn a_run_silent_past_the_threshold_is_stuck_until_an_operator_aborts_it() {
    let mut h = Harness::new();
    let mut draft = every("Prep.med", 24.0, "2026-06-01T12:00:00Z");
    draft.stuck_minutes = Some(10);
    let s = h.add(&draft);
    h.runner
        .plan("Prep.med", [Plan::StuckAfter { silent_after: 5 }]);
    let engine = h.start();
    h.run_until("2026-06-01T12:14:00Z").await;
    assert_eq!(
        h.story(),
        ["01 12:00 running"],
        "not yet: 5 minutes of output, then 9 of silence"
    );
    h.run_until("2026-06-01T12:15:30Z").await;
    assert_eq!(
        h.story(),
        ["01 12:00 stuck"],
        "15 minutes: 5 of output and the 10-minute threshold"
    );
    let run = h.runs()[0].clone();
    assert!(
        run.error_message
            .as_deref()
            .unwrap()
            .contains("error dialog")
    );
    let schedule = h.schedule(s.id);
    assert!(schedule.recovery.is_some(), "a stuck run needs a person");

    engine.abort(run.id, "Ann").await.unwrap();
    h.run_until("2026-06-01T12:16:00Z").await;
    assert_eq!(h.story(), ["01 12:00 aborted"]);
    assert_eq!(
        h.runs()[0].error_message.as_deref(),
        Some("Aborted from Deckhand by Ann.")
    );
    assert_eq!(
        h.schedule(s.id).recovery.unwrap().actor,
        "Ann",
        "the abort is on the record in her name"
    );
}

/// A method that ended before it started would be retried — but not once its schedule was
/// archived meanwhile: the retry is cancelled, never launched.
#[tokio::test(start_paused = true)]
async fn no_retry_for_a_schedule_archived_while_its_method_ran() {
    let mut h = Harness::new();
    let s = h.add(&every("Prep.med", 24.0, "2026-06-01T12:00:00Z"));
    h.runner.plan("Prep.med", [ends(Verdict::Failed, false)]);
    let engine = h.start();
    h.run_until("2026-06-01T12:01:00Z").await;
    h.store().set_archived(s.id, true, "Ann").unwrap();
    engine.schedule_changed(s.id).unwrap();
    h.run_until("2026-06-01T12:30:00Z").await;
    assert_eq!(
        h.runner.launch_times("Prep.med"),
        [t("2026-06-01T12:00:00Z")],
        "launched once only"
    );
    assert_eq!(
        h.story(),
        ["01 12:00 failed"],
        "the method's own end, not a retry"
    );
}
