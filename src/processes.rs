//! One process looked up by id in the operating system's process list (sysinfo).

/// Calls `f` with process `pid` if it exists (an ended child not yet reaped included).
pub fn with_process<T>(pid: u32, f: impl FnOnce(&sysinfo::Process) -> T) -> Option<T> {
    let mut system = sysinfo::System::new();
    let pid = sysinfo::Pid::from_u32(pid);
    system.refresh_processes_specifics(
        sysinfo::ProcessesToUpdate::Some(&[pid]),
        true,
        sysinfo::ProcessRefreshKind::nothing(),
    );
    system.process(pid).map(f)
}

/// Whether process `pid` runs: it exists and has not ended (an ended child its parent has not
/// yet reaped counts as ended).
pub fn is_running(pid: u32) -> bool {
    with_process(pid, |p| {
        !matches!(p.status(), sysinfo::ProcessStatus::Zombie)
    })
    .unwrap_or(false)
}
