//! A hostile file system around a run: the HxRun path pointing at something that is not
//! HxRun, the method file and the log folder disappearing mid-run, a trace that cannot be
//! read. Each ends with a clear outcome and message, never a run left hanging.

use std::time::{Duration, Instant};

use deckhand::model::{Run, RunStatus, SettingKey};

use super::locked::{deckhand_run, once};
use crate::support::faults::SimLab;
use crate::support::wait::wait_until;

fn last_run(lab: &SimLab, schedule: uuid::Uuid) -> Option<Run> {
    let query = deckhand::model::HistoryQuery {
        schedule_id: Some(schedule),
        ..Default::default()
    };
    lab.store()
        .history(&query)
        .unwrap()
        .entries
        .first()
        .map(|e| e.run.clone())
}

/// Runs `method` once (one attempt) and waits for its terminal run.
fn run_once(lab: &SimLab, name: &str, method: &str) -> Run {
    let mut draft = once(name, method, 800);
    draft.retry.max_attempts = 1;
    let schedule = lab.store().create_schedule(&draft, "test").unwrap();
    assert!(
        wait_until(Duration::from_secs(30), || last_run(lab, schedule.id)
            .is_some_and(|r| r.status.is_terminal())),
        "{name}: the run ends: {:#?}",
        last_run(lab, schedule.id)
    );
    last_run(lab, schedule.id).unwrap()
}

#[test]
fn a_hostile_file_system_gives_clear_outcomes() {
    let began = Instant::now();
    let lab = SimLab::new(2);
    lab.method("Slow.med", "outcome=completed duration=2s steps=4");
    lab.method("Quick.med", "outcome=completed duration=200ms steps=2");
    let (mut engine, _log) = deckhand_run(&lab);
    let hxrun = |path: &str| {
        lab.store()
            .set_setting(SettingKey::HxrunPath, path, "test")
            .unwrap()
    };
    let simulator = lab.dir.path().join(&lab.robot);

    // The method file and then the log folder vanish while the method runs: the simulator
    // (like VENUS) has read the one and holds the trace open in the other.
    let mut draft = once("Vanishing", "Slow.med", 500);
    draft.retry.max_attempts = 1;
    let vanishing = lab.store().create_schedule(&draft, "test").unwrap();
    assert!(wait_until(Duration::from_secs(15), || last_run(
        &lab,
        vanishing.id
    )
    .is_some_and(|r| r.trace_file.is_some())));
    std::fs::remove_file(lab.methods.join("Slow.med")).unwrap();
    // (Windows refuses to delete a file a program holds open, so there the folder stays.)
    if cfg!(unix) {
        std::fs::remove_dir_all(&lab.logs).unwrap();
    }
    assert!(wait_until(Duration::from_secs(20), || last_run(
        &lab,
        vanishing.id
    )
    .is_some_and(|r| r.status.is_terminal())));
    let run = last_run(&lab, vanishing.id).unwrap();
    assert_eq!(
        run.status,
        RunStatus::Completed,
        "judged by its trace: {run:#?}"
    );

    // The method file is gone before the next launch: a clear launch failure.
    let gone = run_once(&lab, "Method gone", "Slow.med");
    assert_eq!(gone.status, RunStatus::Failed, "{gone:#?}");
    let message = gone.error_message.clone().unwrap_or_default();
    assert!(message.contains("Slow.med"), "names the method: {message}");
    std::fs::create_dir_all(&lab.logs).unwrap();

    // HxRun is a text file, a folder, or a program that is not HxRun (/bin/true, or on
    // Windows cmd.exe, which reads no commands from its empty input: exit 0, no trace).
    let text = lab.dir.path().join("HxRun.txt");
    std::fs::write(&text, "not a program\n").unwrap();
    let folder = lab.dir.path().join("HxRun folder");
    std::fs::create_dir_all(&folder).unwrap();
    let mut outcomes = Vec::new();
    for (what, path) in [
        ("a text file", text.to_str().unwrap()),
        ("a folder", folder.to_str().unwrap()),
    ] {
        hxrun(path);
        let run = run_once(&lab, &format!("HxRun is {what}"), "Quick.med");
        let message = run.error_message.clone().unwrap_or_default();
        assert_eq!(run.status, RunStatus::Failed, "{what}: {run:#?}");
        assert!(
            message.contains("Could not start the method") && message.contains(path),
            "{what}: says it could not start which program: {message}"
        );
        outcomes.push(format!("{what}: {}", run.status));
    }
    let not_hxrun = if cfg!(windows) {
        r"C:\windows\system32\cmd.exe"
    } else {
        "/bin/true"
    };
    hxrun(not_hxrun);
    let run = run_once(&lab, &format!("HxRun is {not_hxrun}"), "Quick.med");
    let message = run.error_message.clone().unwrap_or_default();
    assert!(
        message.contains("No trace file") && message.contains("not reliable"),
        "says there was no trace and the exit code is a poor judge: {run:#?}"
    );
    outcomes.push(format!(
        "{not_hxrun}: {} (by exit code, flagged)",
        run.status
    ));
    hxrun(simulator.to_str().unwrap());

    // A trace that cannot be read (as root, permissions do not stop reads, so the "trace" is
    // a folder): `deckhand trace` says so plainly.
    let unreadable = lab.dir.path().join("Locked_Trace.trc");
    std::fs::create_dir_all(&unreadable).unwrap();
    let out = lab.cli(&["trace", unreadable.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("Could not read") && said.contains("Locked_Trace.trc"),
        "{said}"
    );
    // And the scheduler, finding such a thing among the traces, still judges the real one.
    std::fs::create_dir_all(lab.logs.join("Quick_0000_Trace.trc")).unwrap();
    let run = run_once(&lab, "Beside a bad trace", "Quick.med");
    assert_eq!(run.status, RunStatus::Completed, "{run:#?}");

    let _ = engine.kill();
    let _ = engine.wait();
    assert_eq!(lab.store().integrity_check().unwrap(), ["ok"]);
    eprintln!(
        "hostile files: method and log folder removed mid-run → completed (by its trace); method gone → failed, named; {}; unreadable trace → exit 1 with the path; {:.1} s",
        outcomes.join("; "),
        began.elapsed().as_secs_f64()
    );
}
