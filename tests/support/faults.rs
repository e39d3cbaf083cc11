//! Helpers for the fault tests (`tests/faults/`): a database set up for the simulator under a
//! name of its own, processes found and killed by name, a reaper standing in for the PC's init,
//! polling with a deadline and a small seeded random number generator.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deckhand::clock::SystemClock;
use deckhand::model::SettingKey;
use deckhand::store::Store;

use super::wait::Timer;

pub const DECKHAND: &str = env!("CARGO_BIN_EXE_deckhand");
pub const SIM: &str = env!("CARGO_BIN_EXE_deckhand-sim");

/// A database in a temporary folder, set up to run methods on its own copy of the simulator
/// (named `vsim-XXXXXXXX`, so no other test's simulator counts as "the robot is busy" here, and
/// this one can be found and killed by name). Simulation mode stays off: the copy is not named
/// `deckhand-sim`, and to Deckhand it is simply HxRun.
pub struct SimLab {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub methods: PathBuf,
    pub logs: PathBuf,
    /// The simulator's process name.
    pub robot: String,
}

impl SimLab {
    pub fn new(max_concurrent_runs: u32) -> SimLab {
        SimLab::with_db(max_concurrent_runs, None)
    }

    /// [`SimLab::new`] with the database at `db` (elsewhere than the lab's folder).
    pub fn with_db(max_concurrent_runs: u32, db: Option<PathBuf>) -> SimLab {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = db.unwrap_or_else(|| dir.path().join("deckhand.sqlite3"));
        let methods = dir.path().join("Methods");
        let logs = dir.path().join("LogFiles");
        std::fs::create_dir_all(&methods).unwrap();
        std::fs::create_dir_all(&logs).unwrap();
        // Process names on Linux are cut at 15 characters; this one fits.
        let robot = format!("vsim-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let simulator = dir.path().join(&robot);
        std::fs::copy(SIM, &simulator).unwrap();
        let mut store = Store::open(&db, Arc::new(SystemClock)).unwrap();
        let settings = [
            (
                SettingKey::HxrunPath,
                simulator.to_str().unwrap().to_owned(),
            ),
            (
                SettingKey::HxrunArgs,
                "{method} -r -t --log-folder {log_folder}".to_owned(),
            ),
            (
                SettingKey::MethodsFolder,
                methods.to_str().unwrap().to_owned(),
            ),
            (SettingKey::LogFolder, logs.to_str().unwrap().to_owned()),
            (
                SettingKey::MaxConcurrentRuns,
                max_concurrent_runs.to_string(),
            ),
            (SettingKey::RobotProcessNames, robot.clone()),
        ];
        for (key, value) in settings {
            store.set_setting(key, &value, "test").unwrap();
        }
        SimLab {
            dir,
            db,
            methods,
            logs,
            robot,
        }
    }

    pub fn store(&self) -> Store {
        Store::open(&self.db, Arc::new(SystemClock)).expect("the store opens")
    }

    /// Writes a simulated method (its `sim:` line) into the methods folder.
    pub fn method(&self, name: &str, sim: &str) -> PathBuf {
        let path = self.methods.join(name);
        std::fs::write(&path, format!("// sim: {sim}\n")).unwrap();
        path
    }

    /// `deckhand --db DB ARGS…`, waited for.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(DECKHAND)
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .output()
            .expect("deckhand runs")
    }
}

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

/// SplitMix64: a small, seeded, replayable random number generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The seed: `DECKHAND_FAULT_SEED` if set (to replay a failure or try another storm), else a
/// fixed one, so every run of the suite storms alike.
pub fn seed() -> u64 {
    std::env::var("DECKHAND_FAULT_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(20_260_608)
}
