//! The HxRun runner: starts VENUS methods with HxRun.exe (or the simulator, which takes the
//! same arguments), follows their trace files, and judges their outcome from them.

mod follow;
mod method;

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
}

impl HxRunRunner {
    pub fn new() -> Self {
        HxRunRunner {
            claimed: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

/// When a process started, as the operating system says (whole seconds).
fn process_start(pid: u32) -> Option<DateTime<Utc>> {
    let mut system = sysinfo::System::new();
    let pid = sysinfo::Pid::from_u32(pid);
    system.refresh_processes_specifics(
        sysinfo::ProcessesToUpdate::Some(&[pid]),
        true,
        sysinfo::ProcessRefreshKind::nothing(),
    );
    let seconds = system.process(pid)?.start_time();
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
        // Its own process group, so an abort can end HxRun and everything it started.
        #[cfg(unix)]
        command.process_group(0);
        let child = command
            .spawn()
            .map_err(|e| LaunchError(format!("could not start {}: {e}", settings.hxrun_path)))?;
        let pid = child.id();
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
            finished: Box::pin(follow::follow(
                follow::Process::Child(Box::new(child)),
                watch,
            )),
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
            finished: Box::pin(follow::follow(follow::Process::Pid(pid), watch)),
            progress: Some(news),
        })
    }

    fn abort(&self, pid: u32) -> Result<(), String> {
        kill_tree(pid)
    }
}

/// Ends a process and every process it started.
#[cfg(unix)]
fn kill_tree(pid: u32) -> Result<(), String> {
    let group = rustix::process::Pid::from_raw(pid as i32).ok_or("not a process id")?;
    rustix::process::kill_process_group(group, rustix::process::Signal::KILL)
        .map_err(|e| e.to_string())
}

/// Ends a process and every process it started.
#[cfg(windows)]
fn kill_tree(pid: u32) -> Result<(), String> {
    let status = std::process::Command::new("taskkill")
        .args(["/PID", &pid.to_string(), "/T", "/F"])
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("taskkill ended with {status}"))
    }
}
