//! Helpers for the fault tests (`tests/faults/`): a database set up for the simulator under a
//! name of its own, processes found and killed by name, a reaper standing in for the PC's init,
//! polling with a deadline and a small seeded random number generator.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use deckhand::clock::SystemClock;
use deckhand::model::SettingKey;
use deckhand::store::Store;

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

#[cfg(unix)]
#[path = "faults_unix.rs"]
mod unix;
#[cfg(unix)]
pub use unix::{Reaper, kill_all_named, processes_named};
#[cfg(windows)]
#[path = "faults_windows.rs"]
mod windows;
#[cfg(windows)]
pub use windows::{Reaper, kill_all_named, processes_named};

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
