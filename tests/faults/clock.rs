//! The wall clock jumping backwards and forwards by hours while runs are scheduled and in
//! flight (the engine's fake clock and timer, under paused tokio time): no slot runs twice,
//! nothing runs before its time, and a jump forward brings one catch-up at most, never a burst.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use deckhand::clock::Clock;
use deckhand::model::{Recurrence, RunOrigin, RunStatus};

use crate::engine::fakes::{Harness, every, minutes};

use crate::support::t;

#[tokio::test(start_paused = true)]
async fn clock_jumps_of_hours_give_no_duplicate_and_no_burst() {
    let mut h = Harness::new();
    let quarter = h.add(&every("Quarter.med", 0.25, "2026-06-01T12:05:00Z"));
    let hourly = h.add(&every("Hourly.med", 1.0, "2026-06-01T12:20:00Z"));
    let mut daily = every("Daily.med", 24.0, "2026-06-01T13:00:00Z");
    daily.recurrence = Recurrence::Daily {
        start: t("2026-06-01T13:00:00Z"),
    };
    let daily = h.add(&daily);
    let mut once = every("Once.med", 1.0, "2026-06-01T14:30:00Z");
    once.recurrence = Recurrence::Once {
        at: t("2026-06-01T14:30:00Z"),
    };
    let once = h.add(&once);
    let methods = ["Quarter.med", "Hourly.med", "Daily.med", "Once.med"];
    h.start();

    // (run this long, then jump by this much); the fake methods take ten minutes, so most
    // jumps happen with a run in flight.
    let jumps: [(i64, i64); 10] = [
        (47, 3 * 60),
        (23, -5 * 60),
        (95, 2 * 60 + 30),
        (8, -60),
        (61, 7 * 60),
        (12, -2 * 60),
        (3, -3 * 60),
        (130, 4 * 60),
        (17, -6 * 60),
        (200, 90),
    ];
    for (run_for, by) in jumps {
        let until = h.clock.now() + minutes(run_for);
        h.run_until(&until.to_rfc3339()).await;
        let launches = h.runner.launches.lock().unwrap().len();
        h.clock.jump(minutes(by));
        // Right after the jump: at most one launch per schedule (a catch-up), not a burst.
        let soon = h.clock.now() + minutes(1);
        h.run_until(&soon.to_rfc3339()).await;
        let after = h.runner.launches.lock().unwrap().len();
        assert!(
            after - launches <= methods.len(),
            "a jump of {by} minutes started {} methods at once",
            after - launches
        );
    }
    let end = h.clock.now() + minutes(30);
    h.run_until(&end.to_rfc3339()).await;

    let runs = h.runs();
    let launches = h.runner.launches.lock().unwrap().clone();
    let mut per_slot: HashMap<(uuid::Uuid, DateTime<Utc>), usize> = HashMap::new();
    for run in &runs {
        *per_slot.entry((run.schedule_id, run.slot)).or_default() += 1;
        if let Some(started) = run.started_at {
            assert!(
                started >= run.slot,
                "nothing runs before its time by the wall clock: {run:#?}"
            );
        }
    }
    assert!(per_slot.values().all(|n| *n == 1), "no slot twice");
    for (schedule, method) in [&quarter, &hourly, &daily, &once].iter().zip(methods) {
        let started = runs
            .iter()
            .filter(|r| r.schedule_id == schedule.id && r.started_at.is_some())
            .count();
        let launched = launches.iter().filter(|(m, _)| m == method).count();
        assert_eq!(
            launched, started,
            "{method}: every launch is a run of its own slot"
        );
        // No burst: two launches of one schedule are never at the same moment.
        let mut times: Vec<DateTime<Utc>> = launches
            .iter()
            .filter(|(m, _)| m == method)
            .map(|(_, at)| *at)
            .collect();
        times.sort();
        assert!(
            times
                .windows(2)
                .all(|w| w[1] - w[0] >= Duration::minutes(1)),
            "{method} launched twice within a minute: {times:?}"
        );
    }
    assert_eq!(
        runs.iter().filter(|r| r.schedule_id == once.id).count(),
        1,
        "the single run happened once, however the clock went"
    );
    let catch_ups = runs
        .iter()
        .filter(|r| r.origin == RunOrigin::CatchUp)
        .count();
    let missed: u32 = runs
        .iter()
        .filter(|r| r.status == RunStatus::Missed)
        .map(|r| r.missed_count.unwrap_or(1))
        .sum();
    eprintln!(
        "clock jumps: {} jumps between -6 h and +7 h; {} runs launched ({catch_ups} catch-ups), {missed} slots recorded missed in {} rows; no slot twice, none early",
        jumps.len(),
        launches.len(),
        runs.iter()
            .filter(|r| r.status == RunStatus::Missed)
            .count()
    );
}
