//! Hosting the scheduler: what `deckhand run` and the desktop app both do to run Deckhand —
//! take the engine lock, set up simulation on a first start, check the keyring, start the
//! outbox delivery task and the engine. One program at a time hosts it per database.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::engine::{Engine, EngineHandle, EngineLock, ProcessMonitor, WallTimer};
use crate::notify::{self, Delivering, DeliveryPolicy, DesktopNotifications, Outbox, Smtp};
use crate::runner::HxRunRunner;
use crate::secrets::{KeyringStatus, Secrets};
use crate::simulation::{self, FirstStart};
use crate::store::{Store, StoreError};

/// Why the scheduler could not be started here.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// Another program (a `deckhand run`, another window) runs the scheduler on this database.
    #[error("{0}")]
    Locked(#[from] crate::engine::LockError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("The scheduler could not start: {0}")]
    Engine(#[from] crate::engine::EngineError),
    #[error("Deckhand cannot find its own program file: {0}")]
    Program(std::io::Error),
}

/// The running scheduler: keep it for as long as it should run, then [`Hosted::shutdown`].
pub struct Hosted {
    pub engine: EngineHandle,
    pub secrets: Arc<Secrets>,
    task: tokio::task::JoinHandle<()>,
    outbox: Outbox,
    backups: DailyBackups,
    lock: EngineLock,
}

impl Hosted {
    /// The bell that makes the delivery task look at the outbox: give it to every store this
    /// program writes through, so its changes' messages go out at once.
    pub fn outbox_bell(&self) -> Arc<tokio::sync::Notify> {
        self.outbox.bell()
    }

    /// The lock file that marks this program as the database's scheduler.
    pub fn lock_path(&self) -> &Path {
        self.lock.path()
    }

    /// Stops the engine (methods on the deck keep running; the next start re-attaches them)
    /// and the delivery task, then lets go of the lock.
    pub async fn shutdown(self) {
        self.engine.shutdown().await;
        let _ = self.task.await;
        self.outbox.shutdown().await;
        self.backups.shutdown().await;
        drop(self.lock);
    }
}

/// Where the simulator is: beside this program.
fn simulator() -> Result<PathBuf, HostError> {
    let program = std::env::current_exe().map_err(HostError::Program)?;
    Ok(simulation::simulator_beside(&program))
}

/// Starts the scheduler on the database at `path`, on the current tokio runtime. With
/// `desktop`, notifications are shown on this session's desktop too.
pub fn start(path: &Path, desktop: bool, secrets: Arc<Secrets>) -> Result<Hosted, HostError> {
    let lock = EngineLock::acquire(path)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut store = Store::open(path, clock.clone())?;
    let data_dir = path.parent().unwrap_or(Path::new("."));
    match simulation::first_start(&mut store, data_dir, &simulator()?)? {
        FirstStart::Simulation { methods, logs } => log::warn!(
            "VENUS was not found, so Deckhand is set up to run the VENUS simulator: demo methods in {}, traces in {}",
            methods.display(),
            logs.display()
        ),
        FirstStart::NoSimulator { looked_for } => log::warn!(
            "VENUS was not found and neither was the simulator ({}); runs will fail until the HxRun path is set",
            looked_for.display()
        ),
        FirstStart::AlreadySetUp | FirstStart::VenusFound => {}
    }
    let settings = store.settings()?;
    if settings.simulation {
        log::warn!(
            "SIMULATION: runs go to the VENUS simulator ({}), not to the robot",
            settings.hxrun_path
        );
    }
    if let KeyringStatus::Unavailable(why) = secrets.status() {
        log::warn!(
            "the operating system's keyring cannot keep the mail server's password: {why}; a password entered in the Deckhand window is kept for this session only"
        );
    }
    let outbox_store = Store::open(path, clock.clone())?;
    outbox_store.set_busy_timeout(std::time::Duration::from_secs(10))?;
    let outbox = notify::start(Delivering {
        store: outbox_store,
        mailer: Arc::new(Smtp),
        desktop: (desktop && notify::desktop_session()).then(|| Arc::new(DesktopNotifications)),
        secrets: secrets.clone(),
        clock: clock.clone(),
        policy: DeliveryPolicy::default(),
    });
    store.set_outbox_bell(outbox.bell());
    let runner = Arc::new(HxRunRunner::new());
    let monitor = Arc::new(ProcessMonitor::new());
    let (engine, task) = Engine::start(store, runner, monitor, clock, WallTimer, chrono::Local)?;
    // Messages queued by other programs (a recovery resolved from the CLI) go out as soon as
    // the engine notices their change, not at the delivery task's next look.
    let bell = outbox.bell();
    let mut events = engine.subscribe();
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(_) | Err(RecvError::Lagged(_)) => bell.notify_one(),
                Err(RecvError::Closed) => return,
            }
        }
    });
    let backups = DailyBackups::start(path);
    Ok(Hosted {
        engine,
        secrets,
        task,
        outbox,
        backups,
        lock,
    })
}

/// The automatic daily backup: a thread of its own (a backup never holds up the engine) that
/// looks once an hour, and a few seconds after start, whether today's backup is made, and
/// makes it into `backups` beside the database, keeping the newest `backup_keep` (the setting
/// as it is when the backup is made, so a change applies from the next backup on).
struct DailyBackups {
    stop: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DailyBackups {
    /// How long after start the first look is.
    const FIRST_LOOK: std::time::Duration = std::time::Duration::from_secs(10);
    /// How often it looks after that.
    const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

    fn start(database: &Path) -> DailyBackups {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let database = database.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("deckhand-backups".to_owned())
            .spawn(move || {
                let folder = crate::backup::default_folder(&database);
                let mut wait = Self::FIRST_LOOK;
                // Stop when told, or when the sender is gone.
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(wait)
                {
                    wait = Self::EVERY;
                    if !crate::backup::daily_due(&folder, chrono::Local::now()) {
                        continue;
                    }
                    match crate::backup::backup_now(&database, &folder, backup_keep(&database)) {
                        Ok(report) => log::info!(
                            "daily backup made: {} ({} bytes, schema version {}){}",
                            report.path.display(),
                            report.bytes,
                            report.schema_version,
                            if report.removed.is_empty() {
                                String::new()
                            } else {
                                format!("; removed {} older backup(s)", report.removed.len())
                            }
                        ),
                        Err(e) => {
                            log::warn!("the daily backup failed (tried again in an hour): {e}")
                        }
                    }
                }
            });
        let thread = match thread {
            Ok(thread) => Some(thread),
            Err(e) => {
                log::warn!("the daily backup could not start: {e}");
                None
            }
        };
        DailyBackups { stop, thread }
    }

    /// Stops the thread, letting a backup in progress finish.
    async fn shutdown(self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

/// How many backups to keep: the `backup_keep` setting of the database at `database`, else
/// [`backup::DEFAULT_KEEP`](crate::backup::DEFAULT_KEEP) when it cannot be read.
pub fn backup_keep(database: &Path) -> usize {
    Store::read_settings(database)
        .map(|settings| settings.backup_keep as usize)
        .unwrap_or(crate::backup::DEFAULT_KEEP)
}

/// The name of the person logged in, for the audit log, if the environment says.
pub fn login_name() -> Option<String> {
    ["USERNAME", "USER", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
}

/// What the window says about the program hosting it: whether the scheduler runs here, and
/// whether passwords can be kept.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HostStatus {
    /// The scheduler runs in this program.
    pub scheduler_here: bool,
    /// Why it does not, in words (another program runs it, or it could not start).
    pub scheduler_problem: Option<String>,
    /// The operating system's keyring keeps the mail server's password.
    pub keyring_works: bool,
    /// Why it does not.
    pub keyring_problem: Option<String>,
}

impl HostStatus {
    pub fn new(scheduler_problem: Option<String>, secrets: &Secrets) -> HostStatus {
        let keyring_problem = match secrets.status() {
            KeyringStatus::Works => None,
            KeyringStatus::Unavailable(why) => Some(why.clone()),
        };
        HostStatus {
            scheduler_here: scheduler_problem.is_none(),
            scheduler_problem,
            keyring_works: keyring_problem.is_none(),
            keyring_problem,
        }
    }
}

/// Keeps a long-running Deckhand's memory flat on Linux. glibc gives threads that allocate
/// their own malloc arenas (up to eight per core) and seldom hands their free pages back; with
/// Tokio's pool of blocking threads the window's process grew from 52 to 122 MB of private
/// memory in six minutes with 1,000 schedules, and stayed flat at 48 MB with two arenas
/// (docs/implementation-notes.md, issue 6). Call first thing in `main`. Windows' heap and
/// macOS's malloc have no such arenas.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts a malloc tuning value; it is called before other threads
    // exist, and a refusal (return 0) leaves glibc's default in place.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
