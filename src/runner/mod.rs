//! The HxRun runner: starts VENUS methods with HxRun.exe (or the simulator, which takes the
//! same arguments), follows their trace files, and judges their outcome from them.

mod follow;
mod method;
mod tree;

pub use method::outside_methods_folder;

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use chrono::{DateTime, TimeZone, Utc};
use tokio::sync::mpsc;

use crate::engine::{LaunchError, LaunchRequest, Launched, Runner};

pub use follow::{POLL, judge};
pub use method::{arguments, display_command, resolve};

/// Starts methods with the configured HxRun and argument template (from the request's
/// settings, so a change applies to the next launch).
#[derive(Default)]
pub struct HxRunRunner {
    claimed: follow::Claimed,
    /// The process trees of the runs being followed, by pid, for an abort.
    trees: Trees,
}

type Trees = Arc<Mutex<HashMap<u32, Arc<tree::Tree>>>>;

impl HxRunRunner {
    pub fn new() -> Self {
        HxRunRunner::default()
    }
}

/// Holds a run's process tree while it is followed; lets it go when the run has ended.
struct Held {
    trees: Trees,
    pid: u32,
}

impl Held {
    fn new(trees: &Trees, pid: u32, tree: tree::Tree) -> Held {
        lock(trees).insert(pid, Arc::new(tree));
        Held {
            trees: trees.clone(),
            pid,
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        lock(&self.trees).remove(&self.pid);
    }
}

fn lock(trees: &Trees) -> std::sync::MutexGuard<'_, HashMap<u32, Arc<tree::Tree>>> {
    // A panic elsewhere cannot leave the map half-changed: each change is one call.
    trees
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// When a process started, as the operating system says (whole seconds).
fn process_start(pid: u32) -> Option<DateTime<Utc>> {
    let seconds = crate::processes::with_process(pid, sysinfo::Process::start_time)?;
    Utc.timestamp_opt(i64::try_from(seconds).ok()?, 0).single()
}

impl Runner for HxRunRunner {
    async fn launch(&self, request: LaunchRequest) -> Result<Launched, LaunchError> {
        let settings = &request.settings;
        let method = method::resolve(&request.method_path, settings).map_err(LaunchError)?;
        let args = method::arguments(&settings.hxrun_args, &method, &settings.log_folder);
        if settings.simulation && !crate::simulation::is_simulator(&settings.hxrun_path) {
            // Never let "Simulation" on screen hide a robot that moves.
            return Err(LaunchError(format!(
                "simulation is on but the HxRun path is {}, not Deckhand's simulator; not started",
                settings.hxrun_path
            )));
        }
        let command_line = method::display_command(&settings.hxrun_path, &args);
        let launched_at = SystemTime::now();
        let mut command = tokio::process::Command::new(&settings.hxrun_path);
        command
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Closing Deckhand must not end a method on the deck.
        command.kill_on_drop(false);
        // Held as one tree, so an abort can end HxRun and everything it started.
        tree::prepare(&mut command);
        let child = command
            .spawn()
            .map_err(|e| LaunchError(format!("could not start {}: {e}", settings.hxrun_path)))?;
        let tree = tree::adopt(&child)
            .map_err(|e| LaunchError(format!("could not start {}: {e}", settings.hxrun_path)))?;
        let pid = child.id();
        let held = pid.map(|pid| Held::new(&self.trees, pid, tree));
        // Taken here rather than asked of the OS, so the launch path stays short; re-attaching
        // compares it with the OS's start time, allowing for the gap.
        let started_at: DateTime<Utc> = launched_at.into();
        let (progress, news) = mpsc::unbounded_channel();
        let watch = follow::Watch {
            method,
            log_folder: settings.log_folder.clone().into(),
            launched_at,
            stuck_after: request.stuck_after,
            expected: request.expected_duration,
            claimed: self.claimed.clone(),
            progress,
            known_trace: None,
        };
        Ok(Launched {
            pid,
            command_line,
            started_at,
            finished: Box::pin(async move {
                let outcome = follow::follow(follow::Process::Child(Box::new(child)), watch).await;
                drop(held);
                outcome
            }),
            progress: Some(news),
        })
    }

    fn reattach(
        &self,
        request: LaunchRequest,
        pid: u32,
        started_at: DateTime<Utc>,
        trace_file: Option<String>,
    ) -> Option<Launched> {
        // The same pid may belong to another process by now: the start time must match too.
        let now_started = process_start(pid)?;
        if (now_started - started_at).num_seconds().abs() > 2 {
            return None;
        }
        let settings = &request.settings;
        let method = method::resolve(&request.method_path, settings).ok()?;
        let held = Held::new(&self.trees, pid, tree::adopt_running(pid));
        let (progress, news) = mpsc::unbounded_channel();
        let watch = follow::Watch {
            method,
            log_folder: settings.log_folder.clone().into(),
            launched_at: SystemTime::from(started_at),
            stuck_after: request.stuck_after,
            expected: request.expected_duration,
            claimed: self.claimed.clone(),
            progress,
            known_trace: trace_file.map(Into::into),
        };
        Some(Launched {
            pid: Some(pid),
            command_line: String::new(),
            started_at,
            finished: Box::pin(async move {
                let outcome = follow::follow(follow::Process::Pid(pid), watch).await;
                drop(held);
                outcome
            }),
            progress: Some(news),
        })
    }

    fn abort(&self, pid: u32) -> Result<(), String> {
        let held = lock(&self.trees).get(&pid).cloned();
        match held {
            Some(tree) => tree.end(pid),
            None => tree::end_unheld(pid),
        }
    }
}
