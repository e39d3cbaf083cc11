//! Slots that passed while Deckhand was not running, or the clock jumped: one catch-up
//! within the grace window, otherwise one `missed` row with a count; never a burst.

use deckhand::model::RunOrigin;

use super::fakes::{Harness, every, minutes};
use crate::support::t;

#[tokio::test(start_paused = true)]
async fn started_late_within_grace_runs_one_catch_up() {
    let mut h = Harness::new();
    // The schedule was created at 11:40, its first slot 11:50; Deckhand starts at 12:00.
    h.clock.jump(minutes(-20));
    h.add(&every("Prep.med", 1.0, "2026-06-01T11:50:00Z"));
    h.clock.jump(minutes(20));
    h.start();
    h.run_until("2026-06-01T12:01:00Z").await;
    assert_eq!(h.story(), ["01 11:50 running"]);
    assert_eq!(
        h.runs()[0].origin,
        RunOrigin::CatchUp,
        "10 minutes late, within the 15-minute grace"
    );
}

#[tokio::test(start_paused = true)]
async fn started_hours_late_records_the_missed_slots_once() {
    let mut h = Harness::new();
    h.clock.jump(minutes(-300));
    let s = h.add(&every("Prep.med", 1.0, "2026-06-01T07:30:00Z"));
    h.clock.jump(minutes(300));
    h.start();
    h.run_until("2026-06-01T12:31:00Z").await;
    // 07:30 … 11:30 missed (five slots, 30 minutes late at best): one row; 12:30 runs.
    assert_eq!(h.story(), ["01 11:30 missed", "01 12:30 running"]);
    assert_eq!(h.runs()[0].missed_count, Some(5));
    assert_eq!(
        h.runner.launch_times("Prep.med"),
        [t("2026-06-01T12:30:00Z")],
        "no burst of catch-ups"
    );
    assert_eq!(h.schedule(s.id).next_run, Some(t("2026-06-01T13:30:00Z")));
}

#[tokio::test(start_paused = true)]
async fn no_catch_up_when_the_policy_says_so() {
    let mut h = Harness::new();
    h.clock.jump(minutes(-20));
    let mut draft = every("Prep.med", 24.0, "2026-06-01T11:50:00Z");
    draft.missed_runs.catch_up = false;
    h.add(&draft);
    h.clock.jump(minutes(20));
    h.start();
    h.run_until("2026-06-01T12:01:00Z").await;
    assert_eq!(h.story(), ["01 11:50 missed"]);
    assert!(h.runner.launch_times("Prep.med").is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_forward_clock_jump_while_running_gives_no_burst() {
    let mut h = Harness::new();
    h.add(&every("Prep.med", 1.0, "2026-06-01T12:30:00Z"));
    h.start();
    h.run_until("2026-06-01T12:41:00Z").await;
    // The PC sleeps for five hours (or its clock is set forward). The wall-clock timer wakes
    // the engine at once, not when its old monotonic sleep would have ended.
    h.clock.jump(minutes(5 * 60));
    h.run_until("2026-06-01T17:41:30Z").await;
    assert_eq!(
        h.story(),
        ["01 12:30 completed", "01 16:30 missed", "01 17:30 running"],
        "13:30–16:30 recorded as one missed row; 17:30, eleven minutes late, runs once as a catch-up"
    );
    assert_eq!(
        h.runner.launch_times("Prep.med")[1],
        t("2026-06-01T17:41:00Z"),
        "right after the jump"
    );
    assert_eq!(h.runs()[1].missed_count, Some(4));
    assert_eq!(h.runs()[2].origin, RunOrigin::CatchUp);
    assert_eq!(h.runner.launch_times("Prep.med").len(), 2, "no burst");
}

#[tokio::test(start_paused = true)]
async fn a_backward_clock_jump_never_runs_a_slot_twice() {
    let mut h = Harness::new();
    h.add(&every("Prep.med", 1.0, "2026-06-01T12:30:00Z"));
    h.start();
    h.run_until("2026-06-01T13:45:00Z").await;
    h.clock.jump(minutes(-120));
    // Wall time is now 11:45 again; run until the wall clock reads 14:31.
    h.run_until("2026-06-01T14:31:00Z").await;
    assert_eq!(
        h.story(),
        [
            "01 12:30 completed",
            "01 13:30 completed",
            "01 14:30 running"
        ]
    );
}
