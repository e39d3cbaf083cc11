//! The command line: parse, open the store, run one command, print, exit with a code that
//! says what happened (0 ok, 1 other failure, 2 bad input, 3 not found, 4 conflict,
//! 5 database busy).

/// Prints a line to standard output. A closed pipe (`deckhand … | head`) ends the program
/// quietly instead of with a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

mod destinations;
mod input;
mod ops;
mod records;
mod run;
mod schedules;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use serde::Serialize;

use deckhand::clock::SystemClock;
use deckhand::config;
use deckhand::error::IpcError;
use deckhand::store::{Store, StoreError};
use deckhand::validate::shown;

/// Deckhand: runs Hamilton VENUS methods on a schedule. These commands read and change the
/// same store the desktop app uses.
#[derive(Parser)]
#[command(name = "deckhand", version, about, long_about = None)]
pub struct Cli {
    /// The database file [default: $DECKHAND_DB, else deckhand.sqlite3 in your data folder].
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Print results (and errors, on stderr) as JSON for scripts.
    #[arg(long, global = true)]
    json: bool,
    /// Who is acting, for the audit log [default: your login name].
    #[arg(long, global = true, value_name = "NAME")]
    actor: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create, list, show, edit, archive and delete schedules; mark and resolve recovery.
    #[command(subcommand, visible_alias = "schedule")]
    Schedules(schedules::ScheduleCommand),
    /// Past runs of every schedule, deleted ones included.
    History(records::HistoryArgs),
    /// People who get email about runs.
    #[command(subcommand, visible_alias = "contact")]
    Contacts(records::ContactCommand),
    /// Microsoft Teams, Slack and webhook destinations for messages about runs.
    #[command(subcommand, visible_alias = "destination")]
    Destinations(destinations::DestinationCommand),
    /// The mail server Deckhand sends from.
    #[command(subcommand)]
    Smtp(records::SmtpCommand),
    /// HxRun path, folders, concurrency and other settings.
    #[command(subcommand)]
    Settings(records::SettingsCommand),
    /// Runs in progress: abort one.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Pause or resume the whole scheduler (kept across restarts), or see whether it is paused.
    #[command(subcommand)]
    Scheduler(SchedulerCommand),
    /// Who did what, newest first.
    Audit(records::AuditArgs),
    /// Messages sent (email, desktop) newest first, and those still waiting to go out.
    Notifications(records::NotificationsArgs),
    /// Where the database is, and its schema version and health.
    Info,
    /// Run the scheduler headless until Ctrl-C (one per database).
    Run(run::RunArgs),
    /// Copy the database now (it may be in use), or list the backups.
    Backup(ops::BackupArgs),
    /// Replace the database with a backup (only while no scheduler runs); the database as it
    /// was is kept in the backups folder.
    Restore(ops::RestoreArgs),
    /// Check that this PC is ready to run methods unattended: HxRun, folders, database,
    /// keyring, mail server, disk space, backups. Exit code 1 if anything is wrong.
    Doctor,
    /// Write every schedule and contact to a JSON file, to move to a new PC.
    Export(ops::ExportArgs),
    /// Add the schedules and contacts from a `deckhand export` file.
    Import(ops::ImportArgs),
    /// How Deckhand judges a VENUS trace file, and the line that decided it.
    Trace {
        /// The trace file (`…_Trace.trc`).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum RunsCommand {
    /// End a running (or stuck) run's HxRun at once: the run becomes aborted and its schedule
    /// needs recovery. The scheduler (`deckhand run` or the app) carries it out.
    Abort {
        /// The run's id (or its first 6 or more characters), from `deckhand history`.
        id: String,
    },
}

#[derive(Subcommand)]
enum SchedulerCommand {
    /// Whether the scheduler is paused, by whom and since when.
    Status,
    /// Stop starting runs (a method already on the robot goes on) until resumed, even across
    /// restarts. The program running the scheduler follows within a second.
    Pause,
    /// Start runs again; runs missed meanwhile follow their schedules' missed-run policy.
    Resume,
}

/// What a command failed with, and the exit code that goes with it.
pub enum Failure {
    Store(StoreError),
    Config(config::ConfigError),
    /// Bad command-line input that the store never saw.
    Input(String),
    /// Output could not be written.
    Output(std::io::Error),
    /// A file named on the command line could not be read.
    File(PathBuf, std::io::Error),
    /// Something outside Deckhand failed (the mail server, the keyring); `code` is stable.
    Failed {
        code: &'static str,
        message: String,
    },
    /// A backup, restore or doctor check failed; `code` is stable and sets the exit code.
    Ops {
        code: &'static str,
        message: String,
    },
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Failure::Store(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure::Output(error)
    }
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Store(e) => match e.code() {
                "invalid_input" | "illegal_transition" | "duplicate_run" | "run_in_progress" => 2,
                "not_found" => 3,
                "conflict" => 4,
                "database_busy" => 5,
                _ => 1,
            },
            Failure::File(_, e) if e.kind() == std::io::ErrorKind::NotFound => 3,
            Failure::Ops { code, .. } => match *code {
                "invalid_input" => 2,
                "not_found" => 3,
                "busy" => 5,
                _ => 1,
            },
            Failure::Config(_)
            | Failure::Output(_)
            | Failure::File(..)
            | Failure::Failed { .. } => 1,
        }
    }

    fn into_ipc(self) -> IpcError {
        match self {
            Failure::Store(e) => e.into(),
            Failure::Config(e) => e.into(),
            Failure::Input(message) => IpcError::new("invalid_input", message),
            Failure::Failed { code, message } | Failure::Ops { code, message } => {
                IpcError::new(code, message)
            }
            Failure::Output(e) => IpcError::new("io", format!("Could not write the output: {e}")),
            Failure::File(path, e) => IpcError::new(
                if e.kind() == std::io::ErrorKind::NotFound {
                    "not_found"
                } else {
                    "io"
                },
                format!("Could not read {}: {e}", path.display()),
            ),
        }
    }
}

/// What every command gets: the open store, the output mode and the actor.
pub struct Context {
    pub store: Store,
    pub json: bool,
    pub actor: String,
}

impl Context {
    /// Prints `value` as JSON, or `human()` as text.
    pub fn print<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce() -> String,
    ) -> Result<(), Failure> {
        if self.json {
            let text =
                serde_json::to_string_pretty(value).map_err(|e| Failure::Output(e.into()))?;
            say!("{text}");
        } else {
            let text = human();
            if !text.is_empty() {
                say!("{}", text.trim_end());
            }
        }
        Ok(())
    }
}

fn login_name() -> String {
    deckhand::host::login_name().unwrap_or_else(|| "cli".to_owned())
}

/// Parses the arguments, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let code = failure.exit_code();
            let error = failure.into_ipc();
            if json {
                eprintln!(
                    "{}",
                    serde_json::to_string_pretty(&error).unwrap_or(error.message)
                );
            } else {
                if error.fields.len() > 1 {
                    eprintln!(
                        "error: {} things are wrong; nothing was saved:",
                        error.fields.len()
                    );
                    for field in &error.fields {
                        eprintln!("  - {}", field.message);
                    }
                } else {
                    eprintln!("error: {}", error.message);
                }
                if let Some(current) = &error.current {
                    eprintln!(
                        "  current version: {} (pass --expected-updated-at {} to edit it)",
                        current.updated_at.to_rfc3339(),
                        current.updated_at.to_rfc3339()
                    );
                }
            }
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Trace { file } = &cli.command {
        return trace(file, cli.json);
    }
    let path = config::resolve_db_path(cli.db).map_err(Failure::Config)?;
    match cli.command {
        Command::Run(args) => return run::run(&path, args),
        Command::Backup(args) => return ops::backup(&path, args, cli.json),
        Command::Restore(args) => return ops::restore(&path, args, cli.json),
        Command::Doctor => return ops::doctor(&path, cli.json),
        _ => {}
    }
    let store = Store::open(&path, Arc::new(SystemClock))?;
    let mut ctx = Context {
        store,
        json: cli.json,
        actor: cli.actor.unwrap_or_else(login_name),
    };
    match cli.command {
        Command::Schedules(command) => schedules::run(&mut ctx, command),
        Command::History(args) => records::history(&mut ctx, args),
        Command::Contacts(command) => records::contacts(&mut ctx, command),
        Command::Destinations(command) => destinations::run(&mut ctx, command),
        Command::Smtp(command) => records::smtp(&mut ctx, command),
        Command::Settings(command) => records::settings(&mut ctx, command),
        Command::Audit(args) => records::audit(&mut ctx, args),
        Command::Notifications(args) => records::notifications(&mut ctx, args),
        Command::Runs(RunsCommand::Abort { id }) => abort(&mut ctx, &path, &id),
        Command::Scheduler(command) => scheduler(&mut ctx, command),
        Command::Info => info(&ctx),
        Command::Export(args) => ops::export(&mut ctx, args),
        Command::Import(args) => ops::import(&mut ctx, args),
        Command::Run(_)
        | Command::Trace { .. }
        | Command::Backup(_)
        | Command::Restore(_)
        | Command::Doctor => unreachable!("handled above"),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Info {
    database: PathBuf,
    schema_version: u32,
    integrity: Vec<String>,
    simulation: bool,
}

fn info(ctx: &Context) -> Result<(), Failure> {
    let info = Info {
        database: ctx.store.path().to_path_buf(),
        schema_version: ctx.store.schema_version()?,
        integrity: ctx.store.integrity_check()?,
        simulation: ctx.store.settings()?.simulation,
    };
    ctx.print(&info, || {
        format!(
            "database:       {}\nschema version: {}\nintegrity:      {}\nruns go to:     {}",
            info.database.display(),
            info.schema_version,
            info.integrity.join("; "),
            if info.simulation {
                "the VENUS simulator (SIMULATION, not the robot)"
            } else {
                "VENUS (HxRun)"
            }
        )
    })
}

/// `deckhand scheduler status|pause|resume`.
fn scheduler(ctx: &mut Context, command: SchedulerCommand) -> Result<(), Failure> {
    let pause = match command {
        SchedulerCommand::Status => None,
        SchedulerCommand::Pause => Some(true),
        SchedulerCommand::Resume => Some(false),
    };
    let changed = match pause {
        Some(paused) => Some(ctx.store.set_scheduler_paused(paused, &ctx.actor)?),
        None => None,
    };
    let state = ctx.store.scheduler_state()?;
    ctx.print(&state, || {
        let word = if state.paused { "paused" } else { "running" };
        let since = match (&state.changed_by, state.changed_at) {
            (Some(by), Some(at)) => format!(
                " ({} by {by} on {})",
                if state.paused { "paused" } else { "resumed" },
                at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
            ),
            _ => String::new(),
        };
        let already = if changed == Some(false) {
            "already "
        } else {
            ""
        };
        format!("The scheduler is {already}{word}{since}.")
    })
}

/// `deckhand trace FILE`: needs no database.
fn trace(file: &std::path::Path, json: bool) -> Result<(), Failure> {
    let c =
        deckhand::trace::classify_file(file).map_err(|e| Failure::File(file.to_path_buf(), e))?;
    if json {
        let text = serde_json::to_string_pretty(&c).map_err(|e| Failure::Output(e.into()))?;
        say!("{text}");
        return Ok(());
    }
    use deckhand::trace::{DeckEvidence, TraceOutcome};
    let meaning = match (c.outcome, &c.deck) {
        (TraceOutcome::Completed, _) => "the method ran to its end without an error or an abort",
        (TraceOutcome::Aborted, _) => "someone aborted the method",
        (TraceOutcome::Error, _) => "a step reported an error",
        (TraceOutcome::Unknown, DeckEvidence::Unreadable { .. }) => {
            "unrecognised trace format: Deckhand could not read this file as a VENUS trace"
        }
        (TraceOutcome::Unknown, _) => {
            "the trace has no end line: VENUS crashed or was killed, or the method is still running"
        }
    };
    say!("outcome:      {} ({meaning})", c.outcome);
    if let (Some(number), Some(line)) = (c.line_number, &c.deciding_line) {
        say!("deciding line {number}: {line}");
    }
    if let Some(step) = &c.step {
        say!("step:         {step}");
    }
    say!(
        "method file:  {}",
        c.method_file
            .as_deref()
            .unwrap_or("(not named in the trace)")
    );
    say!(
        "deck:         {}",
        if c.touched_deck {
            "may have been touched: never repeated automatically"
        } else {
            "not touched"
        }
    );
    say!("why:          {}.", c.deck.explain());
    say!(
        "encoding:     {}",
        c.encoding.as_deref().unwrap_or("(an empty file)")
    );
    say!("lines read:   {}", c.lines);
    Ok(())
}

/// `deckhand runs abort ID`: asks the scheduler, through the database, to abort a run.
fn abort(ctx: &mut Context, path: &std::path::Path, id: &str) -> Result<(), Failure> {
    use deckhand::model::RunStatus;
    let prefix = id.trim().to_ascii_lowercase();
    let open = ctx
        .store
        .runs_in_status(&[RunStatus::Running, RunStatus::Stuck])?;
    let matches: Vec<_> = open
        .into_iter()
        .filter(|r| prefix.len() >= 6 && r.id.to_string().starts_with(&prefix))
        .collect();
    let run = match matches.as_slice() {
        [run] => run.clone(),
        [] => {
            return Err(Failure::Input(format!(
                "no running or stuck run has an id starting with '{}' (give 6 or more characters; `deckhand history --status running` lists them)",
                shown(&prefix)
            )));
        }
        _ => {
            return Err(Failure::Input(format!(
                "several runs have ids starting with '{}'; give more characters",
                shown(&prefix)
            )));
        }
    };
    // Only a running scheduler can end HxRun; it holds the engine lock.
    if let Ok(lock) = deckhand::engine::EngineLock::acquire(path) {
        drop(lock);
        return Err(Failure::Input(
            "no scheduler is running on this database (start `deckhand run` or the Deckhand app), so nothing can end HxRun; end it in VENUS instead".to_owned(),
        ));
    }
    let run = ctx.store.request_abort(run.id, &ctx.actor)?;
    ctx.print(&run, || {
        format!(
            "Abort requested for the run due {}; the scheduler ends HxRun within a moment.",
            input::local(run.slot)
        )
    })
}
