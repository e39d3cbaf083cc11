//! `deckhand run`: the engine, headless, until Ctrl-C or SIGTERM.

use std::path::Path;
use std::sync::Arc;

use clap::Args;

use super::Failure;
use deckhand::clock::SystemClock;
use deckhand::engine::Event;
use deckhand::host::{self, HostError};
use deckhand::logging::{LevelFollower, LoggingError, pinned_by_env};
use deckhand::model::ScheduleListFilter;
use deckhand::secrets::Secrets;
use deckhand::store::Store;

#[derive(Args)]
pub struct RunArgs {
    /// Where the log files go [default: a `logs` folder beside the database].
    #[arg(long, value_name = "FOLDER")]
    log_dir: Option<std::path::PathBuf>,
    /// How much to log: error, warn, info, debug or trace [default: the log_level setting,
    /// info unless changed].
    #[arg(long, value_name = "LEVEL", env = deckhand::logging::LEVEL_ENV)]
    log_level: Option<String>,
}

/// Logs to standard error and to a daily-rotated file (kept for 30 days).
fn start_logging(folder: &Path, level: &str) -> Result<flexi_logger::LoggerHandle, Failure> {
    deckhand::logging::start(folder, level, true).map_err(|e| match e {
        LoggingError::Level { .. } => {
            Failure::Input(format!("{e}; use error, warn, info, debug or trace"))
        }
        e => Failure::Input(e.to_string()),
    })
}

/// Runs the engine on the database at `path` until asked to stop.
pub fn run(path: &Path, args: RunArgs) -> Result<(), Failure> {
    let log_dir = args
        .log_dir
        .unwrap_or_else(|| deckhand::config::log_folder(path));
    // --log-level, else $DECKHAND_LOG (clap reads both), else the setting — which is then
    // followed while the scheduler runs.
    let setting = Store::read_settings(path)
        .map(|settings| settings.log_level)
        .unwrap_or_default();
    let pinned = args.log_level.as_ref().map(|level| match pinned_by_env() {
        Some(env) if std::env::args().all(|a| !a.starts_with("--log-level")) => env,
        _ => format!("--log-level {level}"),
    });
    let level = args.log_level.unwrap_or_else(|| setting.to_string());
    let logger = start_logging(&log_dir, &level)?;
    let follower = Arc::new(LevelFollower::new(logger, setting, pinned));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Failure::Output)?;
    runtime.block_on(async move {
        let hosted = host::start(path, true, Arc::new(Secrets::probe())).map_err(|e| match e {
            HostError::Store(e) => Failure::Store(e),
            e => Failure::Input(e.to_string()),
        })?;
        let store = Store::open(path, Arc::new(SystemClock))?;
        let active = store.list_schedules(ScheduleListFilter::Active)?.len();
        log::info!(
            "Deckhand engine on {} ({active} schedules, lock {}), logs in {}",
            path.display(),
            hosted.lock_path().display(),
            log_dir.display()
        );
        drop(store);
        follow_log_level(&hosted, follower);
        eprintln!("Deckhand is running. Press Ctrl-C to stop (methods on the deck keep running).");
        stop_signal().await;
        log::info!("stopping: state is written; methods in flight keep running and are re-attached next time");
        hosted.shutdown().await;
        Ok::<(), Failure>(())
    })
}

/// Keeps the log level in step with the setting when another program changes it (the
/// scheduler announces changed settings).
fn follow_log_level(hosted: &host::Hosted, follower: Arc<LevelFollower>) {
    let mut events = hosted.engine.subscribe();
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(Event::Settings { settings }) => follower.follow(settings.log_level, None),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
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
