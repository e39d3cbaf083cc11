//! A crash of Deckhand alone while a method runs (SIGKILL; TerminateProcess on Windows): the
//! method runs on, and the next `deckhand run` re-attaches the same run by its process id and
//! start time, follows it to its end and records it once.

use std::time::Duration;

use deckhand::model::{HistoryQuery, RunStatus};

use super::locked::once;
use crate::support::alive;
use crate::support::faults::{DECKHAND, Reaper, SimLab};
use crate::support::wait::wait_until;

#[test]
fn a_run_in_flight_when_deckhand_crashes_is_reattached_and_completes_once() {
    let lab = SimLab::new(2);
    lab.method("Long.med", "outcome=completed duration=4s steps=4");
    let schedule = lab
        .store()
        .create_schedule(&once("Long", "Long.med", 800), "test")
        .unwrap();
    let runs = || {
        lab.store()
            .history(&HistoryQuery {
                schedule_id: Some(schedule.id),
                ..Default::default()
            })
            .unwrap()
            .entries
            .into_iter()
            .map(|e| e.run)
            .collect::<Vec<_>>()
    };
    // The reaper stands in for the PC's init (on Linux an orphaned simulator must be reaped).
    let mut reaper = Reaper::start();
    let db = lab.db.to_str().unwrap().to_owned();
    let argv = [DECKHAND, "--db", db.as_str(), "run", "--log-level", "info"];
    let first_log = lab.dir.path().join("first.stderr");
    let first = reaper.spawn(&argv, &first_log);
    assert!(
        wait_until(Duration::from_secs(30), || runs().first().is_some_and(
            |r| r.status == RunStatus::Running && r.trace_file.is_some()
        )),
        "the method runs: {:#?}",
        runs()
    );
    let running = runs().remove(0);
    let hxrun = running.pid.expect("a running run has its process");

    reaper.kill(first);
    assert!(
        wait_until(Duration::from_secs(10), || reaper
            .exit_code(first)
            .is_some()),
        "Deckhand ended"
    );
    assert!(alive(hxrun), "the method runs on without Deckhand");

    let second_log = lab.dir.path().join("second.stderr");
    let second = reaper.spawn(&argv, &second_log);
    assert!(
        wait_until(Duration::from_secs(30), || runs()
            .first()
            .is_some_and(|r| r.status.is_terminal())),
        "the re-attached run ends: {:#?}",
        runs()
    );
    reaper.kill(second);
    let log = std::fs::read_to_string(&second_log).unwrap_or_default();
    let all = runs();
    assert_eq!(all.len(), 1, "one run, recorded once: {all:#?}");
    let run = &all[0];
    assert_eq!(run.id, running.id);
    assert_eq!(run.status, RunStatus::Completed, "{run:#?}");
    assert_eq!(run.pid, Some(hxrun));
    assert_eq!(
        run.trace_file, running.trace_file,
        "the same trace followed"
    );
    assert!(
        log.contains(&format!(
            "run {}: re-attached to the method still running as process {hxrun}",
            run.id
        )),
        "the log says it re-attached: {log}"
    );
    let executed = deckhand::simulation::venus::traces_in(&lab.logs)
        .into_iter()
        .filter(|t| {
            String::from_utf8_lossy(&std::fs::read(t).unwrap()).contains("Execute method - start")
        })
        .count();
    assert_eq!(executed, 1, "the method reached the deck once");
}
