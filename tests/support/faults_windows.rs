//! Processes found, ended and watched the Windows way (the process list, TerminateProcess).
//! Windows has no zombies, so no reaper is needed: this one only keeps the children it
//! started, to tell their exit codes.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// The pids of the running processes named `name` (with or without `.exe`).
pub fn processes_named(name: &str) -> Vec<u32> {
    let mut system = sysinfo::System::new();
    system.refresh_processes_specifics(
        sysinfo::ProcessesToUpdate::All,
        true,
        sysinfo::ProcessRefreshKind::nothing(),
    );
    let exe = format!("{name}.exe");
    system
        .processes()
        .values()
        .filter(|p| {
            let own = p.name().to_string_lossy();
            own.eq_ignore_ascii_case(name) || own.eq_ignore_ascii_case(&exe)
        })
        .map(|p| p.pid().as_u32())
        .collect()
}

/// Ends every process named `name` outright; how many there were.
pub fn kill_all_named(name: &str) -> usize {
    let mut system = sysinfo::System::new();
    system.refresh_processes_specifics(
        sysinfo::ProcessesToUpdate::All,
        true,
        sysinfo::ProcessRefreshKind::nothing(),
    );
    let pids = processes_named(name);
    for pid in &pids {
        if let Some(process) = system.process(sysinfo::Pid::from_u32(*pid)) {
            process.kill();
        }
    }
    pids.len()
}

/// Ends process `pid` if the process list still shows it as `program`, started within two
/// seconds of `spawned` (so a reused pid is left alone), and waits until it is gone.
fn end_straggler(pid: u32, program: &str, spawned: std::time::SystemTime) {
    let name = Path::new(program)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let spawned = spawned
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let ours = |p: &sysinfo::Process| {
        p.name().to_string_lossy().eq_ignore_ascii_case(&name)
            && (p.start_time() == 0 || p.start_time().abs_diff(spawned) <= 2)
    };
    if deckhand::processes::with_process(pid, |p| ours(p) && p.kill()) == Some(true) {
        eprintln!("{name} (process {pid}) was still running: ended");
        assert!(
            crate::support::wait::wait_until(std::time::Duration::from_secs(10), || {
                !deckhand::processes::is_running(pid)
            }),
            "{name} (process {pid}) ends"
        );
    }
}

/// Starts programs and tells how they ended.
#[derive(Default)]
pub struct Reaper {
    children: Mutex<HashMap<u32, Child>>,
    exits: Mutex<HashMap<u32, i32>>,
}

impl Reaper {
    pub fn start() -> Reaper {
        Reaper::default()
    }

    /// Starts `argv` (no input or output, standard error to `stderr`); its pid.
    pub fn spawn(&mut self, argv: &[&str], stderr: &Path) -> u32 {
        let start = || {
            Command::new(argv[0])
                .args(&argv[1..])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(stderr).expect("a file for standard error"))
                .spawn()
        };
        let mut started = start();
        // Wine 8 now and then fails a process creation with ERROR_INTERNAL_ERROR (1359) while
        // processes are being ended around it: the harness tries again (what is under test is
        // Deckhand after a crash, not Wine's process creation).
        for _ in 0..5 {
            match &started {
                Err(e) if e.raw_os_error() == Some(1359) => {
                    eprintln!("Wine could not start {} ({e}); trying again", argv[0]);
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    started = start();
                }
                _ => break,
            }
        }
        let child = started.expect("the program starts");
        let pid = child.id();
        self.children.lock().unwrap().insert(pid, child);
        pid
    }

    /// Starts `deckhand run` (`argv`); its pid. Under Wine a program now and then ends at
    /// once without having run at all (nothing on its standard error, where Deckhand says
    /// every error and a panic): a start that ends silently within 300 ms is tried again, at
    /// most five times. (Short, so the storm can still kill Deckhand while it starts up.)
    pub fn start_deckhand(
        &mut self,
        argv: &[&str],
        stderr: &Path,
        started: impl Fn(&Path) -> bool,
    ) -> u32 {
        for _ in 0..5 {
            let spawned = std::time::SystemTime::now();
            let pid = self.spawn(argv, stderr);
            let limit = std::time::Instant::now() + std::time::Duration::from_millis(300);
            while std::time::Instant::now() < limit
                && !started(stderr)
                && self.exit_code(pid).is_none()
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            let silent = std::fs::metadata(stderr).map_or(true, |m| m.len() == 0);
            match self.exit_code(pid) {
                Some(code) if silent => {
                    eprintln!(
                        "Wine ended {} at once (exit code {code}); trying again",
                        argv[0]
                    );
                    // Wine has been seen to report such a start ended while the program ran on
                    // (and took the engine lock): it is ended by its entry in the process list.
                    end_straggler(pid, argv[0], spawned);
                }
                _ => return pid,
            }
        }
        panic!("Wine could not start {} five times in a row", argv[0]);
    }

    /// The exit code of `pid`, once it ended.
    pub fn exit_code(&self, pid: u32) -> Option<i32> {
        if let Some(code) = self.exits.lock().unwrap().get(&pid) {
            return Some(*code);
        }
        let mut children = self.children.lock().unwrap();
        let status = children.get_mut(&pid)?.try_wait().ok()??;
        children.remove(&pid);
        let code = status.code().unwrap_or(-1);
        self.exits.lock().unwrap().insert(pid, code);
        Some(code)
    }

    /// Ends `pid` outright (TerminateProcess), as a crash or a power loss would.
    pub fn kill(&self, pid: u32) {
        if let Some(child) = self.children.lock().unwrap().get_mut(&pid) {
            let _ = child.kill();
        }
    }

    /// Asks `pid` to stop. A Windows console program stops on a Ctrl-C in its own console,
    /// which no other program can send it here: it is ended outright. Whether it was asked.
    pub fn stop(&self, pid: u32) -> bool {
        self.kill(pid);
        false
    }
}

/// Nothing the harness started outlives it, even when a test fails halfway.
impl Drop for Reaper {
    fn drop(&mut self) {
        let children = self.children.get_mut().unwrap_or_else(|e| e.into_inner());
        for child in children.values_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
