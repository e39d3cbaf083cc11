//! The first start on a machine without VENUS sets up the simulator.

use std::time::Duration;

use deckhand::model::SettingKey;
use deckhand::simulation::{self, DEMO_METHODS, FirstStart};

use crate::support::cli::{engine, ok};
use crate::support::wait::{wait_for, wait_until};
use crate::support::{ACTOR, TestStore};

#[test]
fn a_first_start_without_venus_sets_up_the_simulator_once() {
    let mut db = TestStore::new();
    let simulator = db.dir.path().join(simulation::PROGRAM);
    let data = db.dir.path().to_path_buf();

    let missing = simulation::first_start(&mut db.store, &data, &simulator).unwrap();
    assert_eq!(
        missing,
        FirstStart::NoSimulator {
            looked_for: simulator.clone()
        },
        "nothing to set up without it"
    );
    assert!(!db.store.settings().unwrap().simulation);

    std::fs::write(&simulator, "").unwrap();
    let FirstStart::Simulation { methods, logs } =
        simulation::first_start(&mut db.store, &data, &simulator).unwrap()
    else {
        panic!("simulation is set up")
    };
    let settings = db.store.settings().unwrap();
    assert!(settings.simulation);
    assert_eq!(settings.hxrun_path, simulator.to_str().unwrap());
    assert_eq!(settings.methods_folder, methods.to_str().unwrap());
    assert_eq!(settings.log_folder, logs.to_str().unwrap());
    assert!(settings.hxrun_args.contains("{log_folder}"));
    for (name, _) in DEMO_METHODS {
        assert!(methods.join(name).is_file(), "{name} is there to try");
    }
    let audit = db.store.audit_log(None, 20, 0).unwrap();
    assert!(
        audit.iter().all(|e| e.actor == simulation::ACTOR),
        "recorded as the first start"
    );

    assert_eq!(
        simulation::first_start(&mut db.store, &data, &simulator).unwrap(),
        FirstStart::AlreadySetUp
    );
}

#[test]
fn a_person_s_hxrun_path_is_never_overridden() {
    let mut db = TestStore::new();
    let simulator = db.dir.path().join(simulation::PROGRAM);
    std::fs::write(&simulator, "").unwrap();
    db.store
        .set_setting(SettingKey::HxrunPath, r"D:\VENUS\Bin\HxRun.exe", ACTOR)
        .unwrap();
    let data = db.dir.path().to_path_buf();
    assert_eq!(
        simulation::first_start(&mut db.store, &data, &simulator).unwrap(),
        FirstStart::AlreadySetUp
    );
    assert!(!db.store.settings().unwrap().simulation);
}

/// `deckhand run` on a fresh machine: the simulator is set up and a demo method runs on it.
#[test]
fn deckhand_run_on_a_fresh_machine_runs_the_simulator() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deckhand.sqlite3");
    let deckhand = |args: &[&str]| ok(&db, args);
    let methods = dir.path().join("Demo methods");
    let engine = engine(&db, Some("warn"));
    wait_for(
        "the first start sets up the demo methods",
        Duration::from_secs(10),
        || methods.join(DEMO_METHODS[0].0).exists(),
    );
    let settings = deckhand(&["--json", "settings", "list"]);
    assert_eq!(settings["simulation"], true);
    // A quick demo, so the test does not wait 20 seconds.
    std::fs::write(
        methods.join("Quick.med"),
        "// sim: outcome=completed duration=0.4s steps=2\n",
    )
    .unwrap();
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let created = deckhand(&[
        "--json",
        "schedules",
        "add",
        "--name",
        "Quick demo",
        "--method",
        "Quick.med",
        "--once",
        &at,
    ]);
    let id = created["id"].as_str().unwrap().to_owned();
    let mut history = serde_json::Value::Null;
    let completed = wait_until(Duration::from_secs(20), || {
        history = deckhand(&["--json", "history", "--schedule", &id]);
        history["entries"][0]["run"]["status"] == "completed"
    });
    engine.stop();
    assert!(completed, "the run completed: {history}");
    let run = &history["entries"][0]["run"];
    assert!(
        run["traceFile"]
            .as_str()
            .unwrap()
            .contains("Simulator LogFiles"),
        "{run}"
    );
    assert!(
        run["outcomeDetail"]
            .as_str()
            .unwrap()
            .contains("End method - complete"),
        "{run}"
    );
}
