//! The real HxRun runner launching the VENUS simulator as a real child process, through the
//! engine, over a real SQLite file: every outcome, abort, stuck, and a busy robot.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use deckhand::clock::{Clock, SystemClock};
use deckhand::engine::{
    Engine, EngineHandle, LaunchRequest, ProcessMonitor, Progress, Runner, Verdict, WallTimer,
};
use deckhand::model::{Recurrence, Run, RunStatus, ScheduleDraft, SettingKey};
use deckhand::runner::HxRunRunner;
use deckhand::simulation::DEMO_METHODS;
use deckhand::store::Store;

use crate::support::wait::{Timer, wait_until_async};
use crate::support::{TestStore, alive};

const SIM: &str = env!("CARGO_BIN_EXE_deckhand-sim");

/// A database set up for the simulator, with the demo methods made quick.
struct Lab {
    db: TestStore,
    methods: PathBuf,
    logs: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        let db = TestStore::new();
        let methods = db.dir.path().join("Demo Methods");
        let logs = db.dir.path().join("LogFiles");
        std::fs::create_dir_all(&methods).unwrap();
        for (name, text) in DEMO_METHODS {
            std::fs::write(
                methods.join(name),
                text.replace("duration=20s", "duration=0.6s"),
            )
            .unwrap();
        }
        // Each lab runs its own copy of the simulator under its own name, so neither the other
        // tests' simulators nor a `deckhand run` started by another test count as busy here.
        let own_name = format!("vsim-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let simulator = db.dir.path().join(&own_name);
        std::fs::copy(SIM, &simulator).unwrap();
        let mut store = Store::open(&db.path(), Arc::new(SystemClock)).unwrap();
        let set =
            |store: &mut Store, key, value: &str| store.set_setting(key, value, "test").unwrap();
        set(
            &mut store,
            SettingKey::HxrunPath,
            simulator.to_str().unwrap(),
        );
        set(
            &mut store,
            SettingKey::HxrunArgs,
            "{method} -r -t --log-folder {log_folder}",
        );
        set(
            &mut store,
            SettingKey::MethodsFolder,
            methods.to_str().unwrap(),
        );
        set(&mut store, SettingKey::LogFolder, logs.to_str().unwrap());
        set(&mut store, SettingKey::MaxConcurrentRuns, "8");
        // (Process names on Linux are cut at 15 characters; this one fits.)
        set(&mut store, SettingKey::RobotProcessNames, &own_name);
        Lab { db, methods, logs }
    }

    fn store(&self) -> Store {
        Store::open(&self.db.path(), Arc::new(SystemClock)).unwrap()
    }

    /// A schedule running the demo `method` (a name relative to the methods folder) once, soon.
    fn once(&self, method: &str, attempts: u32) -> deckhand::model::Schedule {
        let mut draft = ScheduleDraft {
            name: method.to_owned(),
            method_path: method.to_owned(),
            recurrence: Recurrence::Once {
                at: Utc::now() + Duration::milliseconds(1500),
            },
            retry: Default::default(),
            missed_runs: Default::default(),
            expected_duration_minutes: None,
            stuck_minutes: None,
            active: true,
        };
        draft.retry.max_attempts = attempts;
        self.store().create_schedule(&draft, "test").unwrap()
    }

    fn start(&self) -> EngineHandle {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let monitor = Arc::new(ProcessMonitor::new());
        let (engine, _task) = Engine::start(
            self.store(),
            Arc::new(HxRunRunner::new()),
            monitor,
            clock,
            WallTimer,
            chrono::Local,
        )
        .unwrap();
        engine
    }

    fn last_run(&self, schedule: uuid::Uuid) -> Option<Run> {
        let query = deckhand::model::HistoryQuery {
            schedule_id: Some(schedule),
            ..Default::default()
        };
        self.store()
            .history(&query)
            .unwrap()
            .entries
            .first()
            .map(|e| e.run.clone())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_outcome_through_the_engine() {
    let lab = Lab::new();
    let completes = lab.once("Demo - completes.med", 5);
    let step_error = lab.once("Demo - step error.med", 5);
    let aborted = lab.once("Demo - aborted.med", 5);
    let crashes = lab.once("Demo - crashes.med", 5);
    let not_started = lab.once("Demo - does not start.med", 1);
    let missing = lab.once("No such method.med", 1);
    let engine = lab.start();
    let mut events = engine.subscribe();
    let all = [
        completes.id,
        step_error.id,
        aborted.id,
        crashes.id,
        not_started.id,
        missing.id,
    ];
    assert!(
        wait_until_async(StdDuration::from_secs(20), || all
            .iter()
            .all(|id| lab.last_run(*id).is_some_and(|r| r.status.is_terminal())))
        .await,
        "every run ended: {:?}",
        all.iter()
            .map(|id| lab.last_run(*id).map(|r| r.status))
            .collect::<Vec<_>>()
    );

    let run = lab.last_run(completes.id).unwrap();
    assert_eq!(run.status, RunStatus::Completed);
    assert!(
        run.outcome_detail
            .as_deref()
            .unwrap()
            .contains("End method - complete"),
        "{run:?}"
    );
    let trace = run
        .trace_file
        .as_deref()
        .expect("the trace file is recorded");
    assert!(
        trace.starts_with(lab.logs.to_str().unwrap()) && trace.ends_with("_Trace.trc"),
        "{trace}"
    );
    assert!(
        run.command_line.as_deref().unwrap().contains("\""),
        "the path with spaces is quoted: {:?}",
        run.command_line
    );
    assert!(run.pid.is_some() && run.started_at.is_some());

    let run = lab.last_run(step_error.id).unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(
        run.exit_code,
        Some(0),
        "HxRun's exit code said fine; the trace knew better"
    );
    assert!(
        run.outcome_detail
            .as_deref()
            .unwrap()
            .contains("Aspirate - error"),
        "{run:?}"
    );
    assert_eq!(
        run.error_message.as_deref(),
        Some("ML_STAR : Aspirate reported an error.")
    );
    assert!(
        run.deck_evidence
            .as_deref()
            .unwrap()
            .starts_with("May have been touched. The method started on the deck (line 4: "),
        "the run keeps what decided that it may not be repeated: {run:?}"
    );
    assert!(
        lab.store()
            .get_schedule(step_error.id)
            .unwrap()
            .recovery
            .is_none()
    );

    let run = lab.last_run(aborted.id).unwrap();
    assert_eq!(run.status, RunStatus::Aborted);
    assert!(
        run.outcome_detail
            .as_deref()
            .unwrap()
            .contains("aborted by the user")
    );
    assert!(
        lab.store()
            .get_schedule(aborted.id)
            .unwrap()
            .recovery
            .is_some(),
        "an abort needs recovery"
    );

    let run = lab.last_run(crashes.id).unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.error_message
            .as_deref()
            .unwrap()
            .contains("no end line"),
        "{run:?}"
    );

    let run = lab.last_run(not_started.id).unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.error_message
            .as_deref()
            .unwrap()
            .contains("the deck was not touched"),
        "{run:?}"
    );
    assert!(
        run.deck_evidence
            .as_deref()
            .unwrap()
            .starts_with("Not touched. VENUS ended the method before it started (line 3: "),
        "{run:?}"
    );

    let run = lab.last_run(missing.id).unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    let message = run.error_message.unwrap();
    assert!(
        message.contains("No such method.med") && message.contains("does not exist"),
        "says which path and why: {message}"
    );
    assert!(run.pid.is_none(), "nothing was launched");

    // The run's trace file reached the UI while it ran, not only at the end.
    let mut saw_trace_while_running = false;
    while let Ok(event) = events.try_recv() {
        if let deckhand::engine::Event::Run { run, .. } = event
            && run.schedule_id == completes.id
            && run.status == RunStatus::Running
            && run.trace_file.is_some()
        {
            saw_trace_while_running = true;
        }
    }
    assert!(saw_trace_while_running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_aborts_a_stuck_run_from_deckhand() {
    let lab = Lab::new();
    let stuck = lab.once("Demo - stuck on a dialog.med", 5);
    let engine = lab.start();
    assert!(
        wait_until_async(StdDuration::from_secs(10), || {
            lab.last_run(stuck.id)
                .is_some_and(|r| r.status == RunStatus::Running && r.trace_file.is_some())
        })
        .await
    );
    let run = lab.last_run(stuck.id).unwrap();
    let pid = run.pid.unwrap();
    engine
        .abort(run.id, "Ann")
        .await
        .expect("the abort is accepted");
    assert!(
        wait_until_async(StdDuration::from_secs(10), || lab
            .last_run(stuck.id)
            .is_some_and(|r| r.status == RunStatus::Aborted))
        .await
    );
    let run = lab.last_run(stuck.id).unwrap();
    assert_eq!(
        run.error_message.as_deref(),
        Some("Aborted from Deckhand by Ann.")
    );
    let recovery = lab
        .store()
        .get_schedule(stuck.id)
        .unwrap()
        .recovery
        .expect("recovery required");
    assert_eq!(recovery.actor, "Ann");
    assert!(
        wait_until_async(StdDuration::from_secs(10), || !alive(pid)).await,
        "HxRun (the simulator) is gone"
    );
    let audit = lab
        .store()
        .audit_log(Some(&run.id.to_string()), 5, 0)
        .unwrap();
    assert_eq!(audit[0].actor, "Ann");
}

impl Lab {
    /// A launch request for `method` as the engine would make it.
    fn request(&self, method: &str) -> LaunchRequest {
        LaunchRequest {
            run_id: uuid::Uuid::new_v4(),
            schedule_id: uuid::Uuid::new_v4(),
            schedule_name: method.into(),
            method_path: method.into(),
            settings: self.store().settings().unwrap(),
            expected_duration: None,
            stuck_after: StdDuration::from_secs(600),
        }
    }

    /// The pid of the helper process a `sim: helper=yes` method started.
    async fn helper_of(&self, method_stem: &str) -> u32 {
        let mut found = None;
        let seen = wait_until_async(StdDuration::from_secs(20), || {
            found = std::fs::read_dir(&self.logs).ok().and_then(|entries| {
                entries.flatten().find_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name.starts_with(method_stem) && name.ends_with(".helper-pid"))
                        .then(|| std::fs::read_to_string(e.path()).ok()?.trim().parse().ok())
                        .flatten()
                })
            });
            found.is_some()
        })
        .await;
        assert!(seen, "the method started its helper process");
        found.unwrap()
    }
}

/// An abort ends HxRun and every process it started, whether Deckhand launched it or
/// re-attached it after a restart (on Windows through a job object, on Unix a process group).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abort_ends_the_method_and_the_processes_it_started() {
    let lab = Lab::new();
    std::fs::write(
        lab.methods.join("With helper.med"),
        "// sim: outcome=stuck helper=yes duration=1s\n",
    )
    .unwrap();
    let runner = HxRunRunner::new();
    let launched = runner.launch(lab.request("With helper.med")).await.unwrap();
    let pid = launched.pid.unwrap();
    let finished = tokio::spawn(launched.finished);
    let helper = lab.helper_of("With helper").await;
    assert!(alive(pid) && alive(helper), "both run");
    runner.abort(pid).unwrap();
    let outcome = finished.await.unwrap();
    assert_eq!(outcome.verdict, Verdict::Failed, "killed: no end line");
    assert!(
        wait_until_async(StdDuration::from_secs(10), || !alive(pid) && !alive(helper)).await,
        "HxRun ({pid}) and its helper ({helper}) are gone"
    );

    // After a restart: another runner re-attaches the run it did not start.
    std::fs::write(
        lab.methods.join("Again with helper.med"),
        "// sim: outcome=stuck helper=yes duration=1s\n",
    )
    .unwrap();
    let first = HxRunRunner::new();
    let launched = first
        .launch(lab.request("Again with helper.med"))
        .await
        .unwrap();
    let (pid, started_at) = (launched.pid.unwrap(), launched.started_at);
    // Deckhand ends; the method runs on.
    drop(launched);
    drop(first);
    let helper = lab.helper_of("Again with helper").await;
    let restarted = HxRunRunner::new();
    let attached = restarted
        .reattach(lab.request("Again with helper.med"), pid, started_at, None)
        .expect("the same process is found again");
    let finished = tokio::spawn(attached.finished);
    assert!(alive(pid) && alive(helper), "both ran on without Deckhand");
    restarted.abort(pid).unwrap();
    let outcome = finished.await.unwrap();
    assert_eq!(outcome.verdict, Verdict::Failed);
    assert!(
        wait_until_async(StdDuration::from_secs(10), || !alive(pid) && !alive(helper)).await,
        "the re-attached HxRun ({pid}) and its helper ({helper}) are gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_trace_is_reported_stuck_and_resumes_nothing_on_its_own() {
    let lab = Lab::new();
    let settings = lab.store().settings().unwrap();
    let runner = HxRunRunner::new();
    let request = LaunchRequest {
        run_id: uuid::Uuid::new_v4(),
        schedule_id: uuid::Uuid::new_v4(),
        schedule_name: "Stuck".into(),
        method_path: "Demo - stuck on a dialog.med".into(),
        settings,
        expected_duration: Some(StdDuration::from_millis(500)),
        stuck_after: StdDuration::from_secs(1),
    };
    let launched = runner.launch(request).await.unwrap();
    let pid = launched.pid.unwrap();
    let mut progress = launched.progress.unwrap();
    // The engine drives the follower by awaiting `finished` in a task of its own; so here.
    let finished = tokio::spawn(launched.finished);
    let mut seen = Vec::new();
    let limit = Timer::start(StdDuration::from_secs(10));
    while !seen.iter().any(|p| matches!(p, Progress::Stuck { .. })) && !limit.expired() {
        if let Ok(Some(p)) =
            tokio::time::timeout(StdDuration::from_millis(200), progress.recv()).await
        {
            seen.push(p);
        }
    }
    limit.end(seen.iter().any(|p| matches!(p, Progress::Stuck { .. })));
    assert!(
        matches!(seen.first(), Some(Progress::TraceFound(_))),
        "{seen:?}"
    );
    assert!(seen.contains(&Progress::MethodStarted), "{seen:?}");
    assert!(
        seen.iter().any(|p| matches!(p, Progress::Overrun { .. })),
        "{seen:?}"
    );
    assert!(seen.iter().any(|p| matches!(p, Progress::Stuck { silent_for } if *silent_for >= StdDuration::from_secs(1))), "{seen:?}");
    runner.abort(pid).unwrap();
    let outcome = finished.await.unwrap();
    assert_eq!(outcome.verdict, Verdict::Failed, "killed: no end line");
    assert!(outcome.touched_deck);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_simulator_run_makes_the_robot_busy() {
    let lab = Lab::new();
    // Someone runs a method by hand: a process Deckhand did not start (started through a
    // shell that exits at once, so its parent is not this test process either). It runs
    // under a name only this test's monitor looks for, so tests running beside it are not
    // held up by it.
    let hand_name = format!(
        "hand-{}{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8],
        std::env::consts::EXE_SUFFIX
    );
    let by_hand = lab.db.dir.path().join(&hand_name);
    std::fs::copy(SIM, &by_hand).unwrap();
    lab.store()
        .set_setting(SettingKey::RobotProcessNames, &hand_name, "test")
        .unwrap();
    let foreign = start_by_hand(
        &by_hand,
        &lab.methods.join("Demo - stuck on a dialog.med"),
        &lab.logs,
    );
    let schedule = lab.once("Demo - completes.med", 5);
    let _engine = lab.start();
    let waiting = wait_until_async(StdDuration::from_secs(10), || {
        lab.last_run(schedule.id)
            .is_some_and(|r| r.status == RunStatus::Waiting)
    })
    .await;
    deckhand::processes::with_process(foreign, |p| p.kill());
    assert!(waiting, "the run waits while the robot is busy");
    let run = lab.last_run(schedule.id).unwrap();
    let reason = run.error_message.unwrap();
    assert!(
        reason.contains(&hand_name) && reason.contains(&foreign.to_string()),
        "{reason}"
    );
    assert!(run.pid.is_none(), "nothing was launched");
}

/// Starts `program` on `method` the way a person would, not as a child of this process: through
/// a shell (`sh` on Unix, `cmd`'s `start` on Windows) that exits at once. Its pid.
fn start_by_hand(program: &Path, method: &Path, logs: &Path) -> u32 {
    #[cfg(unix)]
    {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(r#""$0" "$1" -r -t --log-folder "$2" >/dev/null 2>&1 & echo $!"#)
            .arg(program)
            .arg(method)
            .arg(logs)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        // cmd reads its own command line: written out whole, each path in quotes.
        let status = std::process::Command::new("cmd")
            .raw_arg(format!(
                r#"/c start "" /b "{}" "{}" -r -t --log-folder "{}""#,
                program.display(),
                method.display(),
                logs.display()
            ))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "cmd started the method: {status}");
        let name = program.file_name().unwrap().to_string_lossy().into_owned();
        let mut pid = None;
        assert!(
            crate::support::wait::wait_until(StdDuration::from_secs(10), || {
                pid = crate::support::faults::processes_named(&name)
                    .first()
                    .copied();
                pid.is_some()
            }),
            "{name} runs"
        );
        pid.unwrap()
    }
}

/// `deckhand runs abort` works through the database: another connection asks, the engine
/// (watching the database) ends HxRun and records who asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abort_asked_for_by_another_program_is_carried_out() {
    let lab = Lab::new();
    let stuck = lab.once("Demo - stuck on a dialog.med", 5);
    let _engine = lab.start();
    assert!(
        wait_until_async(StdDuration::from_secs(10), || lab
            .last_run(stuck.id)
            .is_some_and(|r| r.status == RunStatus::Running))
        .await
    );
    let run = lab.last_run(stuck.id).unwrap();
    lab.store().request_abort(run.id, "Bob").unwrap();
    assert!(
        wait_until_async(StdDuration::from_secs(10), || {
            lab.last_run(stuck.id)
                .is_some_and(|r| r.status == RunStatus::Aborted)
                && lab
                    .store()
                    .get_schedule(stuck.id)
                    .unwrap()
                    .recovery
                    .is_some()
        })
        .await,
        "the engine carried out the request"
    );
    let run = lab.last_run(stuck.id).unwrap();
    assert_eq!(
        run.error_message.as_deref(),
        Some("Aborted from Deckhand by Bob.")
    );
    assert!(
        lab.store().abort_requests().unwrap().is_empty(),
        "the request is cleared"
    );
    let error = lab.store().request_abort(run.id, "Bob").unwrap_err();
    assert!(error.to_string().contains("only a running"), "{error}");
}

/// Alerts through the engine and the simulator: two failures in a row send one message, the
/// completed run after them says the schedule works again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_follow_state_changes_not_repetitions() {
    let lab = Lab::new();
    lab.store()
        .create_contact(
            &deckhand::model::ContactDraft {
                name: "Ann Lee".into(),
                email: "ann@lab.example.org".into(),
                enabled: true,
                events: deckhand::model::EventKind::defaults(),
            },
            "test",
        )
        .unwrap();
    let method = lab.methods.join("Flaky.med");
    let draft = ScheduleDraft {
        name: "Flaky assay".into(),
        method_path: "Flaky.med".into(),
        recurrence: Recurrence::Daily {
            start: Utc::now() + Duration::hours(6),
        },
        retry: Default::default(),
        missed_runs: Default::default(),
        expected_duration_minutes: None,
        stuck_minutes: None,
        active: true,
    };
    let schedule = lab.store().create_schedule(&draft, "test").unwrap();
    let engine = lab.start();
    let mut ended = Vec::new();
    for outcome in ["step-error", "step-error", "completed"] {
        std::fs::write(
            &method,
            format!("// sim: outcome={outcome} duration=0.3s steps=3\n"),
        )
        .unwrap();
        let run = engine.run_now(schedule.id, "Dr. Test").await.unwrap();
        assert!(
            wait_until_async(StdDuration::from_secs(15), || lab
                .store()
                .get_run(run.id)
                .is_ok_and(|r| r.status.is_terminal()))
            .await,
            "the {outcome} run ended"
        );
        ended.push(lab.store().get_run(run.id).unwrap());
    }
    engine.shutdown().await;
    let conn = lab.db.raw();
    let mut stmt = conn
        .prepare("SELECT event FROM outbox WHERE channel = 'email' ORDER BY id")
        .unwrap();
    let emails: Vec<String> = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        emails,
        ["run_failed", "recovery_resolved"],
        "{:#?}",
        ended
            .iter()
            .map(|r| (r.status, r.outcome_detail.clone(), r.error_message.clone()))
            .collect::<Vec<_>>()
    );
}

/// Traces written in UTF-16 and in Windows-1252 (a method path with `ö` and `é`), followed
/// live by the real runner: found by their method line, judged like any other, a step error
/// never repeated, a method that provably never started tried again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_in_utf16_and_windows_1252_are_followed_and_judged() {
    let lab = Lab::new();
    std::fs::write(
        lab.methods.join("Wide error.med"),
        "// sim: outcome=step-error duration=0.6s trace=utf-16\n",
    )
    .unwrap();
    std::fs::write(
        lab.methods.join("Lösung é.med"),
        "// sim: outcome=not-started trace=windows-1252\n",
    )
    .unwrap();
    let wide = lab.once("Wide error.med", 3);
    let latin = lab.once("Lösung é.med", 2);
    let _engine = lab.start();
    // The never-started one waits for its second try (two minutes later): that it waits is
    // what this test needs to see.
    assert!(
        wait_until_async(StdDuration::from_secs(30), || {
            lab.last_run(wide.id)
                .is_some_and(|r| r.status.is_terminal())
                && lab
                    .last_run(latin.id)
                    .is_some_and(|r| r.status == RunStatus::Waiting)
        })
        .await,
        "one ended, the other waits to be tried again: {:?} {:?}",
        lab.last_run(wide.id),
        lab.last_run(latin.id)
    );

    let run = lab.last_run(wide.id).unwrap();
    assert_eq!(run.status, RunStatus::Failed, "{run:?}");
    assert_eq!(run.attempt, 1, "a step error in UTF-16 is never repeated");
    assert!(
        run.outcome_detail
            .as_deref()
            .unwrap()
            .contains("Aspirate - error"),
        "the deciding line, decoded: {run:?}"
    );
    assert!(
        run.deck_evidence
            .as_deref()
            .unwrap()
            .starts_with("May have been touched. The method started on the deck"),
        "{run:?}"
    );

    let run = lab.last_run(latin.id).unwrap();
    assert!(
        run.error_message
            .as_deref()
            .unwrap()
            .ends_with("trying again."),
        "proven never started (the trace read whole, in Windows-1252): tried again: {run:?}"
    );
    assert!(
        run.trace_file.is_some(),
        "the trace was found by its method line, 'ö' and 'é' decoded: {run:?}"
    );
    assert!(
        run.deck_evidence
            .as_deref()
            .unwrap()
            .starts_with("Not touched. VENUS ended the method before it started"),
        "{run:?}"
    );
}

/// Windows spellings of the methods and log folders: a verbatim `\\?\` path (what
/// canonicalising gives), forward slashes, and a network share (UNC, `\\server\share`). The
/// method is found, started, its trace found in the log folder and followed to the end,
/// whichever way the folders are written.
#[cfg(windows)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows_spellings_of_the_folders_are_followed() {
    let lab = Lab::new();
    let quick = "// sim: outcome=completed duration=0.3s steps=2\n";
    std::fs::write(lab.methods.join("Quick.med"), quick).unwrap();
    let plain = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    let (share, share_folder) = network_share(&lab);
    std::fs::create_dir_all(share_folder.join("Methods")).unwrap();
    std::fs::create_dir_all(share_folder.join("Logs")).unwrap();
    std::fs::write(share_folder.join("Methods").join("Quick.med"), quick).unwrap();
    for (what, methods, logs) in [
        (
            "a network share",
            format!(r"{share}\Methods"),
            format!(r"{share}\Logs"),
        ),
        (
            "verbatim",
            format!(r"\\?\{}", plain(&lab.methods)),
            format!(r"\\?\{}", plain(&lab.logs)),
        ),
        (
            "forward slashes",
            plain(&lab.methods).replace('\\', "/"),
            plain(&lab.logs).replace('\\', "/"),
        ),
    ] {
        let mut store = lab.store();
        store
            .set_setting(SettingKey::MethodsFolder, &methods, "test")
            .unwrap();
        store
            .set_setting(SettingKey::LogFolder, &logs, "test")
            .unwrap();
        let runner = HxRunRunner::new();
        let launched = runner
            .launch(lab.request("Quick.med"))
            .await
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        let outcome = launched.finished.await;
        assert_eq!(outcome.verdict, Verdict::Completed, "{what}: {outcome:?}");
        let trace = outcome.trace_file.clone().unwrap_or_default();
        assert!(
            trace.contains("Quick_"),
            "{what}: the trace was found: {outcome:?}"
        );
    }
    // Under Wine the share is a folder of the prefix's, kept between runs: removed.
    let share_root = share_folder
        .parent()
        .filter(|_| crate::support::wine_prefix().is_some());
    std::fs::remove_dir_all(share_root.unwrap_or(&share_folder)).unwrap();
}

/// A network share for `lab` (its UNC name, and where it is as a local folder): under Wine,
/// which maps `\\server\share` to `dosdevices\unc\server\share` in its prefix, a share of
/// this test's own; on Windows, the drive's administrative share on this PC (`\\localhost\C$`).
#[cfg(windows)]
fn network_share(lab: &Lab) -> (String, PathBuf) {
    match crate::support::wine_prefix() {
        Some(prefix) => {
            let server = format!("lab-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
            let local = PathBuf::from(format!(r"Z:{}", prefix.replace('/', r"\")))
                .join("dosdevices")
                .join("unc")
                .join(&server)
                .join("methods");
            (format!(r"\\{server}\methods"), local)
        }
        None => {
            let local = lab.db.dir.path().join("share");
            let plain = local.to_str().unwrap();
            let (drive, rest) = plain.split_once(':').expect("a drive letter");
            (format!(r"\\localhost\{drive}${rest}"), local)
        }
    }
}
