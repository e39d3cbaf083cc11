//! The kill storm: the real `deckhand run` with the simulator and fifty short schedules, killed
//! outright (SIGKILL; TerminateProcess on Windows) at random moments at least 200 times (30
//! on Windows, where it runs under Wine) and started again. Some kills are a crash
//! of Deckhand alone (the simulator's methods run on, to be re-attached), some a power loss
//! (every simulator dies too). Afterwards, one clean start lets what is in flight settle, and
//! the database must tell every schedule's and every run's story: nothing lost, nothing twice.
//!
//! Replay a failure with `DECKHAND_FAULT_SEED=<seed printed> cargo test … kill_storm`.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use deckhand::model::{
    HistoryQuery, Recurrence, RetryPolicy, Run, RunStatus, Schedule, ScheduleDraft,
    ScheduleListFilter,
};
use uuid::Uuid;

use crate::support::faults::{
    DECKHAND, Reaper, Rng, SimLab, kill_all_named, processes_named, seed,
};
use crate::support::wait::wait_until;

/// At least this many kills.
const KILLS: usize = if cfg!(windows) { 30 } else { 200 };
/// At most this long between a start and its kill: on Windows longer, so its fewer kills
/// still span a few minutes of slots.
const DWELL_MS: u64 = if cfg!(windows) { 5000 } else { 1500 };
const INTERVAL_SCHEDULES: usize = 20;
const ONCE_SCHEDULES: usize = 30;

fn draft(name: &str, method: &str, recurrence: Recurrence) -> ScheduleDraft {
    ScheduleDraft {
        name: name.to_owned(),
        method_path: method.to_owned(),
        recurrence,
        retry: RetryPolicy {
            max_attempts: 3,
            delay_minutes: 1,
            ..RetryPolicy::default()
        },
        missed_runs: Default::default(),
        expected_duration_minutes: None,
        stuck_minutes: None,
        active: true,
    }
}

fn history(lab: &SimLab, schedule: Uuid) -> Vec<Run> {
    let page = lab
        .store()
        .history(&HistoryQuery {
            schedule_id: Some(schedule),
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    assert!(!page.has_more, "fewer than 1000 runs per schedule");
    let mut runs: Vec<Run> = page.entries.into_iter().map(|e| e.run).collect();
    runs.sort_by_key(|r| r.slot);
    runs
}

/// Every slot of `schedule` from its first up to (not including) `until`.
fn slots_until(
    schedule: &Schedule,
    created: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let mut next = deckhand::slots::at_or_after(&schedule.recurrence, created, &chrono::Local);
    while let Some(slot) = next.filter(|s| *s < until) {
        out.push(slot);
        next = deckhand::slots::after(&schedule.recurrence, slot, &chrono::Local);
    }
    out
}

/// When each trace in `logs` was created, by method stem, for those whose method started
/// (reached the deck).
fn executed_traces(logs: &Path) -> HashMap<String, Vec<std::time::SystemTime>> {
    let mut out: HashMap<String, Vec<_>> = HashMap::new();
    for trace in deckhand::simulation::venus::traces_in(logs) {
        let text = String::from_utf8_lossy(&std::fs::read(&trace).unwrap()).into_owned();
        if !text.contains("Execute method - start") {
            continue;
        }
        let name = trace.file_name().unwrap().to_string_lossy().into_owned();
        let stem = name.split('_').next().unwrap().to_owned();
        let meta = std::fs::metadata(&trace).unwrap();
        let created = meta.created().or_else(|_| meta.modified()).unwrap();
        out.entry(stem).or_default().push(created);
    }
    out
}

#[test]
fn a_kill_storm_loses_nothing_and_runs_no_slot_twice() {
    let began = Instant::now();
    let seed = seed();
    eprintln!("kill storm: seed {seed} (set DECKHAND_FAULT_SEED={seed} to replay)");
    let mut rng = Rng::new(seed);
    let lab = SimLab::new(4);
    let mut store = lab.store();
    let now = Utc::now();
    let mut schedules = Vec::new();
    // Twenty schedules every minute, their slots three seconds apart; half a second to
    // two seconds long; some end in a step error or a crash (failed), one aborts (its schedule
    // then needs recovery, which the "scientist" below resolves).
    for i in 0..INTERVAL_SCHEDULES {
        let outcome = match i {
            7 => "aborted",
            i if i % 10 == 9 => "step-error",
            i if i % 10 == 4 => "crashed",
            _ => "completed",
        };
        let method = format!("m{i:02}.med");
        lab.method(
            &method,
            &format!(
                "outcome={outcome} duration={}ms steps=4",
                500 + (i % 4) * 500
            ),
        );
        let start = now + chrono::Duration::seconds(6 + 3 * i as i64);
        let recurrence = Recurrence::Interval {
            hours: 1.0 / 60.0,
            start,
        };
        schedules.push(
            store
                .create_schedule(
                    &draft(&format!("Every minute {i}"), &method, recurrence),
                    "storm",
                )
                .unwrap(),
        );
    }
    // Thirty single runs spread over the storm.
    for k in 0..ONCE_SCHEDULES {
        let method = format!("o{k:02}.med");
        lab.method(&method, "outcome=completed duration=400ms steps=2");
        let at = now + chrono::Duration::seconds(8 + 5 * k as i64);
        schedules.push(
            store
                .create_schedule(
                    &draft(&format!("Once {k}"), &method, Recurrence::Once { at }),
                    "storm",
                )
                .unwrap(),
        );
    }
    drop(store);

    let mut reaper = Reaper::start();
    let stderr = lab.dir.path().join("deckhand-run.stderr");
    let db = lab.db.to_str().unwrap().to_owned();
    let argv = [DECKHAND, "--db", db.as_str(), "run", "--log-level", "info"];
    let started_line = |path: &Path| {
        std::fs::read_to_string(path).is_ok_and(|t| t.contains("Deckhand is running."))
    };
    // The resolutions of recovery, per schedule: a slot may go unrun while its schedule waits
    // for a person.
    let mut resolved: HashMap<Uuid, Vec<DateTime<Utc>>> = HashMap::new();
    let (mut power_losses, mut during_start, mut simulators_killed) = (0, 0, 0);
    let resolve = |resolved: &mut HashMap<Uuid, Vec<DateTime<Utc>>>| {
        let mut store = lab.store();
        for s in store.list_schedules(ScheduleListFilter::All).unwrap() {
            if s.recovery.is_some() {
                let after = store
                    .resolve_recovery(s.id, "Checked the deck during the kill storm", "storm")
                    .unwrap();
                resolved.entry(s.id).or_default().push(after.updated_at);
            }
        }
    };
    for kill in 0..KILLS {
        // A scientist resolves what needs recovery while Deckhand is down.
        resolve(&mut resolved);
        let pid = reaper.start_deckhand(&argv, &stderr, started_line);
        if rng.chance(30) {
            // While it starts up: reconciling, loading, perhaps launching.
            during_start += 1;
            std::thread::sleep(Duration::from_millis(rng.below(400)));
        } else {
            assert!(
                wait_until(Duration::from_secs(20), || started_line(&stderr)
                    || reaper.exit_code(pid).is_some()),
                "deckhand run starts (kill {kill}, seed {seed})"
            );
            assert!(
                reaper.exit_code(pid).is_none(),
                "deckhand run keeps running after kill {kill} (seed {seed}), exit code {:?}: {}",
                reaper.exit_code(pid),
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(rng.below(DWELL_MS)));
        }
        reaper.kill(pid);
        assert!(
            wait_until(Duration::from_secs(10), || reaper.exit_code(pid).is_some()),
            "deckhand run ends when killed"
        );
        // Windows releases an ended process's file locks when it gets to it (under Wine after
        // the process is reported ended, and its small process ids are soon reused, so the
        // engine cannot tell the holder has gone): the next start comes once it has.
        if cfg!(windows) {
            let mut refused = String::new();
            assert!(
                wait_until(Duration::from_secs(30), || {
                    match deckhand::engine::EngineLock::acquire(&lab.db) {
                        Ok(_) => true,
                        Err(e) => {
                            refused = e.to_string();
                            false
                        }
                    }
                }),
                "the killed engine's lock is released (kill {kill}, seed {seed}, killed pid {pid}): {refused}; deckhand processes {:?}, simulators {:?}",
                processes_named("deckhand"),
                processes_named(&lab.robot)
            );
        }
        if rng.chance(30) {
            // A power loss: the methods on the deck die with it.
            power_losses += 1;
            simulators_killed += kill_all_named(&lab.robot);
        }
    }
    let storm_secs = began.elapsed().as_secs_f64();

    // A clean start with the scheduler paused: what is in flight settles, nothing new starts.
    resolve(&mut resolved);
    lab.store().set_scheduler_paused(true, "storm").unwrap();
    let pid = reaper.spawn(&argv, &stderr);
    assert!(
        wait_until(Duration::from_secs(20), || started_line(&stderr)),
        "the final start: {}",
        std::fs::read_to_string(&stderr).unwrap_or_default()
    );
    let settled = wait_until(Duration::from_secs(30), || {
        processes_named(&lab.robot).is_empty()
            && lab
                .store()
                .runs_in_status(&[RunStatus::Pending, RunStatus::Running, RunStatus::Stuck])
                .unwrap()
                .is_empty()
    });
    assert!(
        settled,
        "runs in flight settle: {:#?}; simulators still running: {:?}",
        lab.store()
            .runs_in_status(&[RunStatus::Pending, RunStatus::Running, RunStatus::Stuck])
            .unwrap(),
        processes_named(&lab.robot)
    );
    let asked = reaper.stop(pid);
    assert!(
        wait_until(Duration::from_secs(20), || reaper.exit_code(pid).is_some()),
        "deckhand run stops"
    );
    if asked {
        assert_eq!(reaper.exit_code(pid), Some(0), "a clean stop");
    }
    let end = Utc::now();

    // The checks.
    let store = lab.store();
    assert_eq!(store.integrity_check().unwrap(), ["ok"], "seed {seed}");
    let now_schedules = store.list_schedules(ScheduleListFilter::All).unwrap();
    assert_eq!(now_schedules.len(), schedules.len(), "no schedule lost");
    let open = store
        .runs_in_status(&[
            RunStatus::Pending,
            RunStatus::Waiting,
            RunStatus::Running,
            RunStatus::Stuck,
        ])
        .unwrap();
    assert!(
        open.is_empty(),
        "nothing left in flight (seed {seed}): {open:#?}"
    );
    let duplicates: i64 = rusqlite::Connection::open(&lab.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM (SELECT 1 FROM runs GROUP BY schedule_id, slot HAVING count(*) > 1)",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(duplicates, 0, "no slot with two runs");

    let traces = executed_traces(&lab.logs);
    let mut statuses: HashMap<RunStatus, usize> = HashMap::new();
    let (mut rows, mut slots_total, mut excused, mut deck_runs) = (0, 0, 0, 0);
    for original in &schedules {
        let schedule = now_schedules
            .iter()
            .find(|s| s.id == original.id)
            .unwrap_or_else(|| panic!("schedule '{}' is still there", original.name));
        assert!(
            !schedule.archived && schedule.name == original.name,
            "{schedule:?}"
        );
        let runs = history(&lab, schedule.id);
        for r in &runs {
            *statuses.entry(r.status).or_default() += 1;
        }
        rows += runs.len();
        // Every slot up to the schedule's next one is accounted for: a run (once), or one of
        // the slots a `missed` row stands for, or a slot that passed while the schedule waited
        // for a person to resolve its recovery.
        // Without a stored next slot, the engine starts from the first slot at or after the
        // last time a person touched the schedule (a resolved recovery), unless that one has
        // been handled already (a single run that ran).
        let until = schedule.next_run.unwrap_or_else(|| {
            deckhand::slots::at_or_after(&schedule.recurrence, schedule.updated_at, &chrono::Local)
                .filter(|c| !runs.iter().any(|r| r.slot >= *c))
                .unwrap_or(end)
        });
        let slots = slots_until(schedule, original.updated_at, until);
        slots_total += slots.len();
        let mut covered: HashMap<DateTime<Utc>, Uuid> = HashMap::new();
        for run in &runs {
            let index = slots
                .iter()
                .position(|s| *s == run.slot)
                .unwrap_or_else(|| {
                    panic!(
                        "run {run:?} is at one of '{}''s slots before its next",
                        schedule.name
                    )
                });
            let count = if run.status == RunStatus::Missed {
                run.missed_count.expect("a missed row has a count") as usize
            } else {
                1
            };
            assert!(count >= 1 && count <= index + 1, "{run:?}");
            for slot in &slots[index + 1 - count..=index] {
                if let Some(other) = covered.insert(*slot, run.id) {
                    panic!(
                        "slot {slot} of '{}' is told twice: runs {other} and {} (seed {seed})",
                        schedule.name, run.id
                    );
                }
            }
        }
        let resolutions = resolved.get(&schedule.id).cloned().unwrap_or_default();
        for (i, slot) in slots.iter().enumerate() {
            if covered.contains_key(slot) {
                continue;
            }
            // Not told: only allowed when a recovery was resolved after it and before the
            // next slot that is told.
            let next_told = slots[i..]
                .iter()
                .find(|s| covered.contains_key(*s))
                .copied()
                .unwrap_or(until);
            assert!(
                resolutions
                    .iter()
                    .any(|r| r > slot && *r <= next_told + chrono::Duration::seconds(1)),
                "slot {slot} of '{}' neither ran, nor was recorded missed or skipped, nor passed while it needed recovery (seed {seed}); runs: {runs:#?}; resolved: {resolutions:?}",
                schedule.name
            );
            excused += 1;
        }
        // Every method that reached the deck has a run that says so: an outcome, or
        // `interrupted` with the schedule marked for recovery.
        let stem = schedule.method_path.trim_end_matches(".med");
        let mut told: Vec<DateTime<Utc>> = runs
            .iter()
            .filter(|r| r.started_at.is_some())
            .filter(|r| match r.status {
                RunStatus::Completed | RunStatus::Failed | RunStatus::Aborted => true,
                RunStatus::Interrupted => r
                    .error_message
                    .as_deref()
                    .is_some_and(|m| m.contains("Check the deck")),
                _ => false,
            })
            .map(|r| r.started_at.unwrap())
            .collect();
        for run in runs.iter().filter(|r| r.status == RunStatus::Interrupted) {
            if run.started_at.is_some() {
                assert!(
                    run.error_message
                        .as_deref()
                        .is_some_and(|m| m.contains("Check the deck")),
                    "an interrupted run that was launched needs recovery: {run:#?}"
                );
            }
        }
        for created in traces.get(stem).into_iter().flatten() {
            let created: DateTime<Utc> = (*created).into();
            let nearest = told
                .iter()
                .enumerate()
                .min_by_key(|(_, at)| (**at - created).num_milliseconds().abs())
                .filter(|(_, at)| (**at - created).num_milliseconds().abs() < 5_000)
                .map(|(i, _)| i);
            match nearest {
                Some(i) => {
                    told.remove(i);
                    deck_runs += 1;
                }
                None => panic!(
                    "a method of '{}' reached the deck at {created} but no run says so (seed {seed}): {runs:#?}",
                    schedule.name
                ),
            }
        }
    }
    let total = began.elapsed().as_secs_f64();
    let mut by_status: Vec<_> = statuses
        .into_iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    by_status.sort();
    eprintln!(
        "kill storm (seed {seed}): {KILLS} kills in {storm_secs:.0} s ({during_start} during start-up, {power_losses} power losses killing {simulators_killed} simulators, {} crashes of Deckhand alone); {} schedules, {slots_total} slots up to their next, {rows} run rows ({}), {deck_runs} methods reached the deck and each has its run, {excused} slots passed while a schedule needed recovery ({} resolutions); integrity ok; {total:.0} s in all",
        KILLS - power_losses,
        schedules.len(),
        by_status.join(", "),
        resolved.values().map(Vec::len).sum::<usize>(),
    );
}
