//! Processes found, signalled and reaped the Unix way (`/proc`, signals, a child subreaper).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::super::wait::Timer;

/// The pids of the living (not zombie) processes named `name`.
pub fn processes_named(name: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state …": the name may hold spaces and parentheses; the state follows
        // the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = &stat[open + 1..close];
        let state = stat[close + 1..].trim_start().chars().next();
        if comm == name && state != Some('Z') {
            pids.push(pid);
        }
    }
    pids
}

/// Sends SIGKILL (or `signal`) to `pid`; a process already gone is fine.
pub fn signal(pid: u32, signal: rustix::process::Signal) {
    if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
        let _ = rustix::process::kill_process(pid, signal);
    }
}

/// Kills every process named `name`; how many there were.
pub fn kill_all_named(name: &str) -> usize {
    let pids = processes_named(name);
    for pid in &pids {
        signal(*pid, rustix::process::Signal::KILL);
    }
    pids.len()
}

/// Stands in for the PC's init: a child subreaper (a small python3 program) that starts
/// programs on request and reaps every process orphaned below it. Without it, a simulator
/// whose `deckhand run` was killed would stay a zombie here (this machine's pid 1 does not
/// reap), which Deckhand would rightly take for a method still running.
pub struct Reaper {
    child: Child,
    stdin: ChildStdin,
    started: mpsc::Receiver<u32>,
    exits: Arc<Mutex<std::collections::HashMap<u32, i32>>>,
}

const REAPER: &str = r#"
import ctypes, json, os, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.exit("cannot become a child subreaper")
lock = threading.Lock()
def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            time.sleep(0.02)
            continue
        with lock:
            print("exit", pid, os.waitstatus_to_exitcode(status), flush=True)
threading.Thread(target=reap, daemon=True).start()
for line in sys.stdin:
    request = json.loads(line)
    err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDWR)
    pid = os.posix_spawn(request["argv"][0], request["argv"], dict(os.environ),
                         file_actions=[(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
                                       (os.POSIX_SPAWN_DUP2, err, 2)])
    os.close(err); os.close(null)
    with lock:
        print("started", pid, flush=True)
"#;

impl Reaper {
    pub fn start() -> Reaper {
        let mut child = Command::new("python3")
            .args(["-c", REAPER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, started) = mpsc::channel();
        let exits = Arc::new(Mutex::new(std::collections::HashMap::new()));
        let seen = exits.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                let words: Vec<&str> = line.split_whitespace().collect();
                match words.as_slice() {
                    ["started", pid] => {
                        let _ = tx.send(pid.parse().unwrap());
                    }
                    ["exit", pid, code] => {
                        seen.lock()
                            .unwrap()
                            .insert(pid.parse().unwrap(), code.parse().unwrap());
                    }
                    _ => {}
                }
            }
        });
        Reaper {
            child,
            stdin,
            started,
            exits,
        }
    }

    /// Starts `argv` (stdin and stdout to /dev/null, stderr to `stderr`); its pid.
    pub fn spawn(&mut self, argv: &[&str], stderr: &Path) -> u32 {
        let request = serde_json::json!({ "argv": argv, "stderr": stderr });
        writeln!(self.stdin, "{request}").expect("the reaper takes requests");
        let limit = Timer::start(Duration::from_secs(10));
        let started = self.started.recv_timeout(Duration::from_secs(10));
        limit.end(started.is_ok());
        started.expect("the reaper started the program")
    }

    /// Starts `deckhand run` (`argv`); its pid. (`_started` is for Windows.)
    pub fn start_deckhand(
        &mut self,
        argv: &[&str],
        stderr: &Path,
        _started: impl Fn(&Path) -> bool,
    ) -> u32 {
        self.spawn(argv, stderr)
    }

    /// Ends `pid` outright (SIGKILL), as a crash or a power loss would.
    pub fn kill(&self, pid: u32) {
        signal(pid, rustix::process::Signal::KILL);
    }

    /// Asks `pid` to stop (SIGTERM). Whether it was asked (always, on Unix).
    pub fn stop(&self, pid: u32) -> bool {
        signal(pid, rustix::process::Signal::TERM);
        true
    }

    /// The exit code (negative: the signal) of `pid`, once it ended.
    pub fn exit_code(&self, pid: u32) -> Option<i32> {
        self.exits.lock().unwrap().get(&pid).copied()
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
