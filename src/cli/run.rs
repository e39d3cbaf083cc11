//! `deckhand run`: the engine, headless, until Ctrl-C or SIGTERM.

use std::path::Path;
use std::sync::Arc;

use clap::Args;
use flexi_logger::{Age, Cleanup, Criterion, Duplicate, FileSpec, Logger, Naming};

use super::Failure;
use deckhand::clock::{Clock, SystemClock};
use deckhand::engine::{Engine, EngineLock, ProcessMonitor, WallTimer};
use deckhand::model::ScheduleListFilter;
use deckhand::notify::{self, Delivering, DeliveryPolicy, DesktopNotifications, Smtp};
use deckhand::runner::HxRunRunner;
use deckhand::secrets::{KeyringStatus, Secrets};
use deckhand::simulation::{self, FirstStart};
use deckhand::store::Store;

#[derive(Args)]
pub struct RunArgs {
    /// Where the log files go [default: a `logs` folder beside the database].
    #[arg(long, value_name = "FOLDER")]
    log_dir: Option<std::path::PathBuf>,
    /// How much to log: error, warn, info, debug or trace.
    #[arg(long, default_value = "info")]
    log_level: String,
}

/// Logs to standard error and to a daily-rotated file (kept for 30 days).
fn start_logging(folder: &Path, level: &str) -> Result<flexi_logger::LoggerHandle, Failure> {
    Logger::try_with_str(level)
        .map_err(|e| {
            Failure::Input(format!(
                "'{level}' is not a log level ({e}); use error, warn, info, debug or trace"
            ))
        })?
        .log_to_file(FileSpec::default().directory(folder).basename("deckhand"))
        .duplicate_to_stderr(Duplicate::All)
        .format_for_files(flexi_logger::detailed_format)
        .rotate(
            Criterion::AgeOrSize(Age::Day, 10_000_000),
            Naming::Timestamps,
            Cleanup::KeepLogFiles(30),
        )
        .append()
        .start()
        .map_err(|e| {
            Failure::Input(format!(
                "could not start logging to {}: {e}",
                folder.display()
            ))
        })
}

/// Runs the engine on the database at `path` until asked to stop.
pub fn run(path: &Path, args: RunArgs) -> Result<(), Failure> {
    let lock = EngineLock::acquire(path).map_err(|e| Failure::Input(e.to_string()))?;
    let log_dir = args
        .log_dir
        .unwrap_or_else(|| path.parent().unwrap_or(Path::new(".")).join("logs"));
    let _logger = start_logging(&log_dir, &args.log_level)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut store = Store::open(path, clock.clone())?;
    let program = std::env::current_exe().map_err(Failure::Output)?;
    let data_dir = path.parent().unwrap_or(Path::new("."));
    match simulation::first_start(
        &mut store,
        data_dir,
        &simulation::simulator_beside(&program),
    )? {
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
    let active = store.list_schedules(ScheduleListFilter::Active)?.len();
    log::info!(
        "Deckhand engine on {} ({active} schedules, lock {}), logs in {}",
        path.display(),
        lock.path().display(),
        log_dir.display()
    );
    let runner = Arc::new(HxRunRunner::new());
    let monitor = Arc::new(ProcessMonitor::new(&settings.robot_process_names));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Failure::Output)?;
    let secrets = Arc::new(Secrets::probe());
    if let KeyringStatus::Unavailable(why) = secrets.status() {
        log::warn!(
            "the operating system's keyring cannot keep the mail server's password: {why}; use the Deckhand window to enter it for this session"
        );
    }
    let outbox_store = Store::open(path, clock.clone())?;
    outbox_store.set_busy_timeout(std::time::Duration::from_secs(10))?;
    let desktop = notify::desktop_session().then(|| Arc::new(DesktopNotifications));
    runtime.block_on(async move {
        let outbox = notify::start(Delivering {
            store: outbox_store,
            mailer: Arc::new(Smtp),
            desktop,
            secrets,
            clock: clock.clone(),
            policy: DeliveryPolicy::default(),
        });
        store.set_outbox_bell(outbox.bell());
        let (engine, task) = Engine::start(store, runner, monitor, clock, WallTimer, chrono::Local)
            .map_err(|e| Failure::Input(e.to_string()))?;
        eprintln!("Deckhand is running. Press Ctrl-C to stop (methods on the deck keep running).");
        stop_signal().await;
        log::info!("stopping: state is written; methods in flight keep running and are re-attached next time");
        engine.shutdown().await;
        let _ = task.await;
        outbox.shutdown().await;
        Ok::<(), Failure>(())
    })?;
    drop(lock);
    Ok(())
}

/// Ctrl-C anywhere, and SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
