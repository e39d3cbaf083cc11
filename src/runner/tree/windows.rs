//! Process trees on Windows: a Job Object per launched method.

use std::collections::HashMap;
use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, INVALID_HANDLE_VALUE};
use windows_sys::Win32::System::Diagnostics::ToolHelp::{
    CreateToolhelp32Snapshot, TH32CS_SNAPTHREAD, THREADENTRY32, Thread32First, Thread32Next,
};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, TerminateJobObject,
};
use windows_sys::Win32::System::Threading::{
    CREATE_SUSPENDED, OpenProcess, OpenThread, PROCESS_SET_QUOTA, PROCESS_TERMINATE, ResumeThread,
    THREAD_SUSPEND_RESUME, TerminateProcess,
};

/// The exit code a process ended by an abort gets.
const ABORTED: u32 = 1;

/// An owned kernel handle, closed on drop.
#[derive(Debug)]
struct Handle(HANDLE);

// SAFETY: a kernel handle is a process-wide value; any thread may use or close it.
unsafe impl Send for Handle {}
// SAFETY: as above; the calls made with it are thread-safe.
unsafe impl Sync for Handle {}

impl Handle {
    fn new(raw: HANDLE) -> Option<Handle> {
        (!raw.is_null() && raw != INVALID_HANDLE_VALUE).then_some(Handle(raw))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle is owned by this value and closed exactly once, here.
        unsafe { CloseHandle(self.0) };
    }
}

/// The job holding a method's processes. Dropping it closes the handle only: without
/// `KILL_ON_JOB_CLOSE`, the processes run on.
#[derive(Debug)]
pub struct Tree {
    job: Option<Handle>,
}

fn last_error() -> String {
    std::io::Error::last_os_error().to_string()
}

fn new_job() -> Result<Handle, String> {
    // SAFETY: no security attributes and no name: both may be null.
    let raw = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
    Handle::new(raw).ok_or_else(|| format!("could not make a job object: {}", last_error()))
}

fn assign(job: &Handle, process: HANDLE) -> Result<(), String> {
    // SAFETY: both handles are open for the duration of the call.
    if unsafe { AssignProcessToJobObject(job.0, process) } == 0 {
        Err(last_error())
    } else {
        Ok(())
    }
}

/// Makes the method's process start suspended, so it can be put into its job before it
/// runs (and before it can start anything outside it).
pub fn prepare(command: &mut tokio::process::Command) {
    command.creation_flags(CREATE_SUSPENDED);
}

/// Puts a just-started (suspended) method into a new job, then lets it run. If it cannot be
/// resumed, it is ended and the launch fails: a method left suspended would hold the robot.
pub fn adopt(child: &tokio::process::Child) -> Result<Tree, String> {
    let pid = child.id().ok_or("the process ended before it started")?;
    let job = match child.raw_handle() {
        Some(process) => new_job().and_then(|job| assign(&job, process).map(|()| job)),
        None => Err("the process ended before it started".to_owned()),
    };
    let job = job
        .inspect_err(|e| {
            log::warn!(
                "process {pid} could not be put into a job ({e}); an abort will end it and the \
                 processes it started one by one"
            )
        })
        .ok();
    if let Err(e) = resume(pid) {
        if let Some(process) = child.raw_handle() {
            // SAFETY: the child's handle stays open while `child` lives.
            unsafe { TerminateProcess(process, ABORTED) };
        }
        return Err(format!("could not let process {pid} run: {e}"));
    }
    Ok(Tree { job })
}

/// Resumes every thread of a process started suspended (there is one: its first).
fn resume(pid: u32) -> Result<(), String> {
    // SAFETY: a plain call; the snapshot handle is owned below.
    let snapshot = Handle::new(unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0) })
        .ok_or_else(|| format!("could not list threads: {}", last_error()))?;
    let mut entry = THREADENTRY32 {
        dwSize: size_of::<THREADENTRY32>() as u32,
        cntUsage: 0,
        th32ThreadID: 0,
        th32OwnerProcessID: 0,
        tpBasePri: 0,
        tpDeltaPri: 0,
        dwFlags: 0,
    };
    let mut resumed = 0;
    // SAFETY: `entry` is a valid THREADENTRY32 with its size set, as both calls require.
    let mut more = unsafe { Thread32First(snapshot.0, &mut entry) } != 0;
    while more {
        if entry.th32OwnerProcessID == pid {
            // SAFETY: a plain call; the thread handle is owned below.
            let thread =
                Handle::new(unsafe { OpenThread(THREAD_SUSPEND_RESUME, 0, entry.th32ThreadID) })
                    .ok_or_else(|| format!("could not open its thread: {}", last_error()))?;
            // SAFETY: the thread handle is open, with the right to resume it.
            if unsafe { ResumeThread(thread.0) } == u32::MAX {
                return Err(format!("could not resume its thread: {}", last_error()));
            }
            resumed += 1;
        }
        // SAFETY: as for Thread32First.
        more = unsafe { Thread32Next(snapshot.0, &mut entry) } != 0;
    }
    if resumed == 0 {
        return Err("it has no thread to resume".to_owned());
    }
    Ok(())
}

/// Puts a method re-attached after a restart, and the processes it started, into a new job:
/// what it starts from now on is in the job too.
pub fn adopt_running(pid: u32) -> Tree {
    let job = new_job().ok();
    if let Some(job) = &job {
        for member in tree_of(pid) {
            // SAFETY: a plain call; the process handle is owned below.
            let process = Handle::new(unsafe {
                OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, 0, member)
            });
            let done = match process {
                Some(process) => assign(job, process.0),
                None => Err(last_error()),
            };
            if let Err(e) = done {
                log::warn!("process {member} could not be put into a job ({e})");
            }
        }
    }
    Tree { job }
}

impl Tree {
    /// Ends the method's process and every process it started.
    pub fn end(&self, pid: u32) -> Result<(), String> {
        let Some(job) = &self.job else {
            return end_unheld(pid);
        };
        // SAFETY: the job handle is open while `self` lives.
        if unsafe { TerminateJobObject(job.0, ABORTED) } == 0 {
            let failed = last_error();
            return end_unheld(pid)
                .map_err(|e| format!("ending its job failed ({failed}), and then: {e}"));
        }
        Ok(())
    }
}

/// `pid` and its descendants, as the process list shows them now. A process counts as a
/// child only if it started after its parent, so a recycled parent id is not followed.
fn tree_of(pid: u32) -> Vec<u32> {
    let mut system = sysinfo::System::new();
    system.refresh_processes_specifics(
        sysinfo::ProcessesToUpdate::All,
        true,
        sysinfo::ProcessRefreshKind::nothing(),
    );
    let processes = system.processes();
    let mut children: HashMap<sysinfo::Pid, Vec<sysinfo::Pid>> = HashMap::new();
    for (id, process) in processes {
        if let Some(parent) = process.parent().and_then(|p| processes.get(&p))
            && parent.start_time() <= process.start_time()
        {
            children.entry(parent.pid()).or_default().push(*id);
        }
    }
    let mut tree = vec![sysinfo::Pid::from_u32(pid)];
    let mut next = 0;
    while next < tree.len() {
        let found: Vec<sysinfo::Pid> = children
            .get(&tree[next])
            .into_iter()
            .flatten()
            .filter(|p| !tree.contains(p))
            .copied()
            .collect();
        tree.extend(found);
        next += 1;
    }
    tree.into_iter().map(|p| p.as_u32()).collect()
}

/// Ends `pid` and its descendants one by one (no job holds them), the process first so it
/// starts nothing new.
pub fn end_unheld(pid: u32) -> Result<(), String> {
    let mut failed = Vec::new();
    for member in tree_of(pid) {
        // SAFETY: a plain call; the process handle is owned below.
        let Some(process) = Handle::new(unsafe { OpenProcess(PROCESS_TERMINATE, 0, member) })
        else {
            if member == pid {
                failed.push(format!("process {member}: {}", last_error()));
            }
            continue;
        };
        // SAFETY: the handle is open with the right to end the process.
        if unsafe { TerminateProcess(process.0, ABORTED) } == 0 {
            failed.push(format!("process {member}: {}", last_error()));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("; "))
    }
}
