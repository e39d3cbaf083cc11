//! The robot monitor that looks at the PC's processes (sysinfo): a process named like HxRun
//! that Deckhand did not start means someone is running a method by hand.

use std::collections::HashSet;
use std::sync::Mutex;

use sysinfo::{ProcessRefreshKind, ProcessStatus, ProcessesToUpdate, System};

use super::effects::RobotMonitor;

/// Sees foreign runs by process name (compared without case, as Windows does). A process
/// Deckhand launched (its pid is known, or Deckhand is its parent) is not foreign.
#[derive(Default)]
pub struct ProcessMonitor {
    system: Mutex<System>,
}

impl ProcessMonitor {
    pub fn new() -> Self {
        ProcessMonitor::default()
    }
}

impl RobotMonitor for ProcessMonitor {
    fn foreign_run(&self, names: &[String], ours: &HashSet<u32>) -> Option<String> {
        let names: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        let mut system = self.system.lock().unwrap_or_else(|e| e.into_inner());
        // Processes only: on Linux sysinfo would also list every thread of every process
        // (`nothing()` keeps tasks), which more than doubles the look (0.94 → 0.37 ms for 69
        // processes here) and finds no program a thread could be.
        system.refresh_processes_specifics(
            ProcessesToUpdate::All,
            true,
            ProcessRefreshKind::nothing().without_tasks(),
        );
        // Deckhand's own children are ours even before the engine has heard their pid.
        let deckhand = sysinfo::Pid::from_u32(std::process::id());
        system.processes().values().find_map(|process| {
            let name = process.name().to_string_lossy();
            let pid = process.pid().as_u32();
            // A zombie (ended, not yet reaped by its parent) runs nothing.
            let foreign = !ours.contains(&pid)
                && process.parent() != Some(deckhand)
                && process.status() != ProcessStatus::Zombie;
            (foreign && names.contains(&name.to_lowercase()))
                .then(|| format!("{name}, process {pid}"))
        })
    }
}
