//! Quotes and shell metacharacters in method paths reach HxRun as ONE literal argument.
//!
//! Each odd name is saved as a schedule through the store (so validation must accept it),
//! then launched through the real runner (`HxRunRunner`, a real child process): once with a
//! tiny program that records the arguments it was given, and once with the VENUS simulator,
//! whose trace must name the very same file and whose run must complete.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use deckhand::clock::SystemClock;
use deckhand::engine::{LaunchRequest, Runner, Verdict};
use deckhand::model::{Recurrence, ScheduleDraft, SettingKey};
use deckhand::runner::HxRunRunner;
use deckhand::store::Store;
use uuid::Uuid;

use crate::support::hostile::odd_method_names;
use crate::support::wait::Timer;

/// A folder of odd method files and a store whose settings point at them.
struct Bench {
    dir: tempfile::TempDir,
    store: Store,
}

impl Bench {
    fn new(hxrun: &str, args: &str, content: &str) -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let methods = dir.path().join("Methods with spaces");
        std::fs::create_dir_all(&methods).unwrap();
        for name in odd_method_names() {
            std::fs::write(methods.join(name), content).unwrap();
        }
        let mut store =
            Store::open(&dir.path().join("deckhand.sqlite3"), Arc::new(SystemClock)).unwrap();
        let logs = dir.path().join("Log Files");
        store
            .set_settings(
                &[
                    (SettingKey::HxrunPath, hxrun),
                    (SettingKey::HxrunArgs, args),
                    (SettingKey::MethodsFolder, methods.to_str().unwrap()),
                    (SettingKey::LogFolder, logs.to_str().unwrap()),
                ],
                "test",
            )
            .unwrap();
        Bench { dir, store }
    }

    fn methods(&self) -> PathBuf {
        self.dir.path().join("Methods with spaces")
    }

    /// Saves each odd name as a schedule (validation accepts it as typed) and launches the
    /// saved method path through the real runner, all at once; returns each name with the
    /// launch's pid and outcome.
    async fn launch_all(&mut self) -> Vec<(&'static str, u32, deckhand::engine::Outcome)> {
        let runner = Arc::new(HxRunRunner::new());
        let settings = self.store.settings().unwrap();
        let mut launches = Vec::new();
        for name in odd_method_names() {
            let schedule = self
                .store
                .create_schedule(
                    &ScheduleDraft {
                        name: format!("odd {name}"),
                        method_path: name.to_owned(),
                        recurrence: Recurrence::Hourly {
                            start: self.store.now() + chrono::Duration::hours(1),
                        },
                        retry: Default::default(),
                        missed_runs: Default::default(),
                        expected_duration_minutes: None,
                        stuck_minutes: None,
                        active: true,
                    },
                    "test",
                )
                .unwrap_or_else(|e| panic!("{name:?} is a legal method name: {e}"));
            assert_eq!(schedule.method_path, name, "saved exactly as typed");
            let launched = runner
                .launch(LaunchRequest {
                    run_id: Uuid::new_v4(),
                    schedule_id: schedule.id,
                    schedule_name: schedule.name.clone(),
                    method_path: schedule.method_path.clone(),
                    settings: settings.clone(),
                    expected_duration: None,
                    stuck_after: Duration::from_secs(60),
                })
                .await
                .unwrap_or_else(|e| panic!("{name:?} launches: {}", e.0));
            assert!(
                launched.command_line.contains(&name.replace('"', "\\\"")),
                "the command line shows {name:?}: {}",
                launched.command_line
            );
            launches.push((name, launched.pid.unwrap(), launched.finished));
        }
        let mut done = Vec::new();
        for (name, pid, finished) in launches {
            let limit = Timer::start(Duration::from_secs(20));
            let outcome = tokio::time::timeout(Duration::from_secs(20), finished).await;
            limit.end(outcome.is_ok());
            let outcome = outcome.unwrap_or_else(|_| panic!("{name:?} finished"));
            done.push((name, pid, outcome));
        }
        done
    }
}

/// A stand-in for HxRun that writes each argument it got, NUL-terminated, to `argv-<pid>`.
fn recorder(folder: &Path) -> PathBuf {
    let program = folder.join("HxRun recorder");
    let out = folder.join("argv-");
    std::fs::write(
        &program,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '{}'\"$$\"\n",
            out.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    program
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_method_paths_reach_hxrun_as_one_literal_argument() {
    let programs = tempfile::tempdir().unwrap();
    let program = recorder(programs.path());
    let mut bench = Bench::new(
        program.to_str().unwrap(),
        "{method} -r -t --log {log_folder}",
        "",
    );
    let logs = bench.dir.path().join("Log Files");
    for (name, pid, outcome) in bench.launch_all().await {
        let recorded = std::fs::read(programs.path().join(format!("argv-{pid}")))
            .unwrap_or_else(|e| panic!("{name:?}: the recorder ran: {e}"));
        let argv: Vec<String> = recorded
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8(a.to_vec()).unwrap())
            .collect();
        assert_eq!(
            argv,
            [
                bench.methods().join(name).to_str().unwrap(),
                "-r",
                "-t",
                "--log",
                logs.to_str().unwrap()
            ],
            "{name:?} arrived as one argument, untouched"
        );
        // Nothing the name spells out was run by a shell.
        assert_eq!(outcome.exit_code, Some(0), "{name:?}");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    assert!(home.is_none_or(|h| h.exists()), "$(rm -rf ~) stayed a name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_runs_odd_method_paths_and_its_trace_names_them() {
    let mut bench = Bench::new(
        env!("CARGO_BIN_EXE_deckhand-sim"),
        "{method} -r -t --log-folder {log_folder}",
        "// sim: outcome=completed duration=0.2s steps=1\n",
    );
    for (name, _, outcome) in bench.launch_all().await {
        assert_eq!(
            outcome.verdict,
            Verdict::Completed,
            "{name:?}: {:?}",
            outcome.error
        );
        let trace = outcome
            .trace_file
            .unwrap_or_else(|| panic!("{name:?}: its trace was found"));
        let c = deckhand::trace::classify_file(Path::new(&trace)).unwrap();
        assert_eq!(
            c.method_file.as_deref(),
            bench.methods().join(name).to_str(),
            "the simulator was handed {name:?} whole"
        );
    }
}
