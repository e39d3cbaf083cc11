//! The engine in real time over a real SQLite file: real child processes as the runner, and
//! changes made by another connection (as the CLI makes them) picked up without being told.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
#[cfg(unix)]
use deckhand::clock::{Clock, SystemClock};
use deckhand::engine::Engine;
#[cfg(unix)]
use deckhand::model::RunStatus;
use deckhand::model::{Recurrence, ScheduleDraft};
#[cfg(unix)]
use deckhand::runner::HxRunRunner;
use deckhand::store::Store;

use super::fakes::FakeMonitor;
use crate::support::TestStore;
use crate::support::wait::{Timer, wait_until_async};

fn once_in(method: &str, seconds: i64) -> ScheduleDraft {
    ScheduleDraft {
        name: method.to_owned(),
        method_path: method.to_owned(),
        recurrence: Recurrence::Once {
            at: Utc::now() + Duration::seconds(seconds),
        },
        retry: Default::default(),
        missed_runs: Default::default(),
        expected_duration_minutes: None,
        stuck_minutes: None,
        active: true,
    }
}

/// Shell scripts stand in for HxRun (Unix only: on Windows the simulator's tests launch real
/// processes and judge them).
#[cfg(unix)]
#[tokio::test]
async fn real_processes_run_and_their_exit_codes_decide_the_outcome() {
    let db = TestStore::new();
    let folder = db.dir.path().join("Methods with spaces");
    std::fs::create_dir_all(&folder).unwrap();
    let ok = folder.join("ok.med");
    let fail = folder.join("it's \"bad\".med");
    std::fs::write(&ok, "sleep 0.2; exit 0\n").unwrap();
    std::fs::write(&fail, "exit 3\n").unwrap();

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut store = Store::open(&db.path(), clock.clone()).unwrap();
    store
        .set_setting(deckhand::model::SettingKey::MaxConcurrentRuns, "2", "test")
        .unwrap();
    store
        .set_setting(
            deckhand::model::SettingKey::MethodsFolder,
            folder.to_str().unwrap(),
            "test",
        )
        .unwrap();
    let a = store
        .create_schedule(&once_in(ok.to_str().unwrap(), 1), "test")
        .unwrap();
    let b = store
        .create_schedule(&once_in(fail.to_str().unwrap(), 1), "test")
        .unwrap();
    // Scripts stand in for HxRun here: no trace file, so the exit code decides.
    store
        .set_setting(deckhand::model::SettingKey::HxrunPath, "/bin/sh", "test")
        .unwrap();
    store
        .set_setting(deckhand::model::SettingKey::HxrunArgs, "{method}", "test")
        .unwrap();
    store
        .set_setting(
            deckhand::model::SettingKey::LogFolder,
            db.dir.path().join("LogFiles").to_str().unwrap(),
            "test",
        )
        .unwrap();
    let runner = Arc::new(HxRunRunner::new());
    let (_engine, _task) = Engine::start(
        store,
        runner,
        Arc::new(FakeMonitor::default()),
        clock.clone(),
        deckhand::engine::WallTimer,
        chrono::Local,
    )
    .unwrap();

    let reader = Store::open(&db.path(), clock).unwrap();
    let finished = |id| {
        reader
            .history(&deckhand::model::HistoryQuery {
                schedule_id: Some(id),
                ..Default::default()
            })
            .unwrap()
            .entries
            .first()
            .map(|e| e.run.clone())
            .filter(|r| r.status.is_terminal())
    };
    assert!(
        wait_until_async(StdDuration::from_secs(10), || finished(a.id).is_some()
            && finished(b.id).is_some())
        .await,
        "both ran"
    );
    let ok_run = finished(a.id).unwrap();
    assert_eq!(
        (ok_run.status, ok_run.exit_code),
        (RunStatus::Completed, Some(0))
    );
    assert!(ok_run.pid.is_some());
    assert!(
        ok_run.command_line.unwrap().contains("\""),
        "a path with spaces is quoted"
    );
    let bad = finished(b.id).unwrap();
    assert_eq!(
        (bad.status, bad.exit_code),
        (RunStatus::Failed, Some(3)),
        "the odd path reached the program as one argument"
    );
    assert!(bad.error_message.unwrap().contains("exit code 3"));
}

#[tokio::test]
async fn a_schedule_added_by_another_program_is_picked_up_within_a_second() {
    let db = TestStore::new();
    let clock = Arc::new(deckhand::clock::TokioClock::new(Utc::now()));
    let runner = Arc::new(super::fakes::FakeRunner::new(clock.clone()));
    let store = Store::open(&db.path(), clock.clone()).unwrap();
    let (_engine, _task) = Engine::start(
        store,
        runner.clone(),
        Arc::new(FakeMonitor::default()),
        clock.clone(),
        clock.clone(),
        chrono::Local,
    )
    .unwrap();
    tokio::time::sleep(StdDuration::from_millis(200)).await;

    // Another connection, as `deckhand schedules add` would make, due in 1.5 s.
    let mut cli = Store::open(&db.path(), clock.clone()).unwrap();
    cli.create_schedule(&once_in("Prep.med", 2), "cli").unwrap();
    assert!(
        wait_until_async(StdDuration::from_secs(5), || !runner
            .launch_times("Prep.med")
            .is_empty())
        .await,
        "the engine learnt of the new schedule from the database files and ran it"
    );
}

#[tokio::test]
async fn a_pause_set_by_another_program_is_followed_and_so_is_the_resume() {
    let db = TestStore::new();
    let clock = Arc::new(deckhand::clock::TokioClock::new(Utc::now()));
    let runner = Arc::new(super::fakes::FakeRunner::new(clock.clone()));
    let store = Store::open(&db.path(), clock.clone()).unwrap();
    let (engine, _task) = Engine::start(
        store,
        runner.clone(),
        Arc::new(FakeMonitor::default()),
        clock.clone(),
        clock.clone(),
        chrono::Local,
    )
    .unwrap();
    let mut events = engine.subscribe();
    tokio::time::sleep(StdDuration::from_millis(200)).await;

    // The window pausing a scheduler that runs as `deckhand run`: it writes the database only.
    let mut window = Store::open(&db.path(), clock.clone()).unwrap();
    assert!(window.set_scheduler_paused(true, "Ann").unwrap());
    window
        .create_schedule(&once_in("Prep.med", 1), "Ann")
        .unwrap();
    let limit = Timer::start(StdDuration::from_secs(5));
    let paused = tokio::time::timeout(StdDuration::from_secs(5), async {
        loop {
            if let Ok(deckhand::engine::Event::Engine { paused: true, .. }) = events.recv().await {
                return;
            }
        }
    })
    .await;
    assert!(limit.end(paused.is_ok()), "the engine said it is paused");
    tokio::time::sleep(StdDuration::from_secs(2)).await;
    assert!(
        runner.launch_times("Prep.med").is_empty(),
        "nothing launches while another program has paused the scheduler"
    );

    assert!(window.set_scheduler_paused(false, "Ann").unwrap());
    assert!(
        wait_until_async(StdDuration::from_secs(5), || !runner
            .launch_times("Prep.med")
            .is_empty())
        .await,
        "resumed from the other program, the engine runs the slot that came due (within its grace)"
    );
}
