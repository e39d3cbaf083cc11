//! The robot monitor that looks at the PC's processes (sysinfo): a process named like HxRun
//! that Deckhand did not start means someone is running a method by hand.

use std::collections::HashSet;
use std::sync::Mutex;

use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, System};

use super::effects::RobotMonitor;

/// Sees foreign runs by process name (compared without case, as Windows does). A process
/// Deckhand launched (its pid is known, or Deckhand is its parent) is not foreign.
pub struct ProcessMonitor {
    names: Vec<String>,
    system: Mutex<System>,
}

impl ProcessMonitor {
    /// Watches for processes with these names (e.g. `HxRun.exe`).
    pub fn new(names: &[String]) -> Self {
        ProcessMonitor {
            names: names.iter().map(|n| n.to_lowercase()).collect(),
            system: Mutex::new(System::new()),
        }
    }
}

impl RobotMonitor for ProcessMonitor {
    fn foreign_run(&self, ours: &HashSet<u32>) -> Option<String> {
        let mut system = self.system.lock().unwrap_or_else(|e| e.into_inner());
        system.refresh_processes_specifics(
            ProcessesToUpdate::All,
            true,
            ProcessRefreshKind::nothing(),
        );
        // Deckhand's own children are ours even before the engine has heard their pid.
        let deckhand = sysinfo::Pid::from_u32(std::process::id());
        system.processes().values().find_map(|process| {
            let name = process.name().to_string_lossy();
            let pid = process.pid().as_u32();
            let foreign = !ours.contains(&pid) && process.parent() != Some(deckhand);
            (foreign && self.names.contains(&name.to_lowercase()))
                .then(|| format!("{name}, process {pid}"))
        })
    }
}
