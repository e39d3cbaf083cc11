//! `deckhand schedules …`

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::input::{instant, local, local_opt, next_minute, table};
use super::{Context, Failure};
use deckhand::model::{
    Backoff, Recurrence, Schedule, ScheduleDraft, ScheduleListFilter, Weekday, parse_time_of_day,
};
use deckhand::validate::shown;

#[derive(Subcommand)]
pub enum ScheduleCommand {
    /// Create a schedule.
    Add(AddArgs),
    /// List schedules (not archived, unless asked).
    List {
        /// Only archived schedules.
        #[arg(long, conflicts_with = "all")]
        archived: bool,
        /// Archived and not archived.
        #[arg(long)]
        all: bool,
    },
    /// Show one schedule in full.
    Show { id: String },
    /// The next times a schedule will run (this PC's time zone).
    Preview {
        id: String,
        /// How many runs to show (1 to 1000).
        #[arg(long, default_value_t = 10)]
        count: usize,
    },
    /// Change a schedule; only the options given change.
    Edit(EditArgs),
    /// Hide a schedule and stop it running; its history stays.
    Archive { id: String },
    /// Bring an archived schedule back.
    Unarchive { id: String },
    /// Delete a schedule; its runs stay in history under its current name and method.
    Delete {
        id: String,
        /// Confirm the deletion (required).
        #[arg(long)]
        yes: bool,
    },
    /// Stop a schedule until someone has checked the robot (after an abort, say).
    MarkRecovery {
        id: String,
        /// What happened.
        #[arg(long, allow_hyphen_values = true)]
        note: String,
    },
    /// Say the robot was recovered; the schedule becomes active again.
    Resolve {
        id: String,
        /// What was done.
        #[arg(long, allow_hyphen_values = true)]
        note: String,
    },
}

/// When it runs: exactly one of these.
#[derive(Args, Default)]
#[group(multiple = false)]
pub struct WhenArgs {
    /// Once, at this time (local `2026-12-01 08:00`, or RFC 3339).
    #[arg(long, value_name = "TIME")]
    once: Option<String>,
    /// Every N hours (fractions allowed, e.g. 0.5), from --start.
    #[arg(long, value_name = "HOURS", allow_hyphen_values = true)]
    every: Option<f64>,
    /// Every hour, from --start.
    #[arg(long)]
    hourly: bool,
    /// Every day at --start's time of day.
    #[arg(long)]
    daily: bool,
    /// Every week at --start's weekday and time.
    #[arg(long)]
    weekly: bool,
    /// On these weekdays (e.g. mon,wed,fri) at --at.
    #[arg(long, value_name = "DAYS", value_delimiter = ',')]
    weekdays: Option<Vec<String>>,
}

#[derive(Args, Default)]
pub struct PolicyArgs {
    /// First run of --every/--hourly/--daily/--weekly [default: the next whole minute].
    #[arg(long, value_name = "TIME")]
    start: Option<String>,
    /// Time of day for --weekdays (HH:MM, local).
    #[arg(long, value_name = "HH:MM")]
    at: Option<String>,
    /// Attempts in all when a run cannot start (robot busy, launch failed) [default: 5].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    retry_attempts: Option<u32>,
    /// Minutes between attempts [default: 2].
    #[arg(long, value_name = "MINUTES", allow_hyphen_values = true)]
    retry_delay: Option<u32>,
    /// How the delay grows: fixed, linear or exponential [default: fixed].
    #[arg(long, value_name = "KIND")]
    backoff: Option<String>,
    /// Longest delay between attempts, in minutes [default: 30].
    #[arg(long, value_name = "MINUTES", allow_hyphen_values = true)]
    retry_max_delay: Option<u32>,
    /// Run one catch-up if a missed slot is at most this many minutes late [default: 15].
    #[arg(long, value_name = "MINUTES", allow_hyphen_values = true)]
    grace: Option<u32>,
    /// Never catch up missed slots; record them as missed.
    #[arg(long, conflicts_with = "catch_up")]
    no_catch_up: bool,
    /// Catch up a missed slot within the grace window (the default).
    #[arg(long)]
    catch_up: bool,
    /// How long a run normally takes, in minutes (a longer run raises an overrun alert).
    #[arg(long, value_name = "MINUTES", allow_hyphen_values = true)]
    expected_minutes: Option<u32>,
    /// Minutes without trace output before a run is flagged stuck [default: the setting
    /// stuck_threshold_minutes].
    #[arg(long, value_name = "MINUTES", allow_hyphen_values = true)]
    stuck_minutes: Option<u32>,
}

#[derive(Args)]
pub struct AddArgs {
    /// A name people recognise, e.g. "Nightly plate prep".
    #[arg(long, allow_hyphen_values = true)]
    name: String,
    /// The VENUS method file (.med or .hsl); relative paths start at the methods folder.
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    method: String,
    #[command(flatten)]
    when: WhenArgs,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Create it paused.
    #[arg(long)]
    paused: bool,
}

#[derive(Args)]
pub struct EditArgs {
    id: String,
    #[arg(long, allow_hyphen_values = true)]
    name: Option<String>,
    #[arg(long, value_name = "PATH", allow_hyphen_values = true)]
    method: Option<String>,
    #[command(flatten)]
    when: WhenArgs,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Pause the schedule.
    #[arg(long, conflicts_with = "resume")]
    pause: bool,
    /// Resume a paused schedule.
    #[arg(long)]
    resume: bool,
    /// Clear the expected duration.
    #[arg(long, conflicts_with = "expected_minutes")]
    no_expected_duration: bool,
    /// The version you based the edit on (`updatedAt` from `show --json`); refused if the
    /// schedule changed since [default: the current version].
    #[arg(long, value_name = "TIME")]
    expected_updated_at: Option<String>,
}

fn input<T>(result: Result<T, String>) -> Result<T, Failure> {
    result.map_err(Failure::Input)
}

/// Builds a recurrence from the options, or `None` when none was given.
fn recurrence(
    when: &WhenArgs,
    policy: &PolicyArgs,
    now: DateTime<Utc>,
) -> Result<Option<Recurrence>, Failure> {
    let start = || -> Result<DateTime<Utc>, Failure> {
        policy
            .start
            .as_deref()
            .map_or(Ok(next_minute(now)), |s| input(instant(s)))
    };
    let recurrence = if let Some(at) = &when.once {
        Recurrence::Once {
            at: input(instant(at))?,
        }
    } else if let Some(hours) = when.every {
        Recurrence::Interval {
            hours,
            start: start()?,
        }
    } else if when.hourly {
        Recurrence::Hourly { start: start()? }
    } else if when.daily {
        Recurrence::Daily { start: start()? }
    } else if when.weekly {
        Recurrence::Weekly { start: start()? }
    } else if let Some(days) = &when.weekdays {
        let days = days
            .iter()
            .map(|d| {
                d.trim().parse::<Weekday>().map_err(|_| {
                    Failure::Input(format!(
                        "'{}' is not a weekday; use mon, tue, wed, thu, fri, sat, sun",
                        shown(d)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let at = policy.at.as_deref().ok_or_else(|| {
            Failure::Input("--weekdays needs --at HH:MM, the time of day to run".to_owned())
        })?;
        Recurrence::Weekdays {
            days,
            time: input(parse_time_of_day(at))?,
        }
    } else {
        return Ok(None);
    };
    Ok(Some(recurrence))
}

/// Lays the policy options over `draft`.
fn apply_policy(draft: &mut ScheduleDraft, policy: &PolicyArgs) -> Result<(), Failure> {
    if let Some(n) = policy.retry_attempts {
        draft.retry.max_attempts = n;
    }
    if let Some(n) = policy.retry_delay {
        draft.retry.delay_minutes = n;
    }
    if let Some(kind) = &policy.backoff {
        draft.retry.backoff = kind.parse::<Backoff>().map_err(|_| {
            Failure::Input(format!(
                "'{}' is not a backoff; use fixed, linear or exponential",
                shown(kind)
            ))
        })?;
    }
    if let Some(n) = policy.retry_max_delay {
        draft.retry.max_delay_minutes = n;
    }
    if let Some(n) = policy.grace {
        draft.missed_runs.grace_minutes = n;
    }
    if policy.no_catch_up {
        draft.missed_runs.catch_up = false;
    }
    if policy.catch_up {
        draft.missed_runs.catch_up = true;
    }
    if policy.expected_minutes.is_some() {
        draft.expected_duration_minutes = policy.expected_minutes;
    }
    if policy.stuck_minutes.is_some() {
        draft.stuck_minutes = policy.stuck_minutes;
    }
    Ok(())
}

/// A recurrence in words.
pub fn describe(recurrence: &Recurrence) -> String {
    match recurrence {
        Recurrence::Once { at } => format!("once at {}", local(*at)),
        Recurrence::Interval { hours, start } => format!("every {hours} h from {}", local(*start)),
        Recurrence::Hourly { start } => format!("hourly from {}", local(*start)),
        Recurrence::Daily { start } => format!("daily from {}", local(*start)),
        Recurrence::Weekly { start } => format!("weekly from {}", local(*start)),
        Recurrence::Weekdays { days, time } => {
            let days: Vec<String> = days.iter().map(ToString::to_string).collect();
            format!("{} at {}", days.join(","), time.format("%H:%M"))
        }
    }
}

fn state(schedule: &Schedule) -> &'static str {
    if schedule.archived {
        "archived"
    } else if schedule.recovery.is_some() {
        "NEEDS RECOVERY"
    } else if schedule.active {
        "active"
    } else {
        "paused"
    }
}

fn details(s: &Schedule) -> String {
    let mut lines = vec![
        format!("id:                {}", s.id),
        format!("name:              {}", s.name),
        format!("method:            {}", s.method_path),
        format!("runs:              {}", describe(&s.recurrence)),
        format!("state:             {}", state(s)),
        format!("next run:          {}", local_opt(s.next_run)),
        format!("last run:          {}", local_opt(s.last_run)),
        format!(
            "retries:           {} attempts, {} min apart ({}, at most {} min)",
            s.retry.max_attempts, s.retry.delay_minutes, s.retry.backoff, s.retry.max_delay_minutes
        ),
        format!(
            "missed runs:       {}",
            if s.missed_runs.catch_up {
                format!(
                    "catch up once if at most {} min late",
                    s.missed_runs.grace_minutes
                )
            } else {
                "record as missed".to_owned()
            }
        ),
        format!(
            "expected duration: {}",
            s.expected_duration_minutes
                .map_or("—".to_owned(), |m| format!("{m} min"))
        ),
    ];
    if let Some(recovery) = &s.recovery {
        lines.push(format!(
            "recovery:          needed since {} ({}): {}",
            local(recovery.at),
            recovery.actor,
            recovery.note
        ));
    }
    lines.push(format!("updated at:        {}", s.updated_at.to_rfc3339()));
    lines.join("\n")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Deleted {
    id: uuid::Uuid,
    runs_kept_in_history: usize,
}

pub fn run(ctx: &mut Context, command: ScheduleCommand) -> Result<(), Failure> {
    let now = Utc::now();
    match command {
        ScheduleCommand::Add(args) => {
            let recurrence = recurrence(&args.when, &args.policy, now)?.ok_or_else(|| {
                Failure::Input(
                    "say when it runs: --once TIME, --every HOURS, --hourly, --daily, --weekly or --weekdays DAYS --at HH:MM"
                        .to_owned(),
                )
            })?;
            let mut draft = ScheduleDraft {
                name: args.name,
                method_path: args.method,
                recurrence,
                retry: Default::default(),
                missed_runs: Default::default(),
                expected_duration_minutes: None,
                stuck_minutes: None,
                active: !args.paused,
            };
            apply_policy(&mut draft, &args.policy)?;
            let schedule = ctx.store.create_schedule(&draft, &ctx.actor)?;
            ctx.print(&schedule, || {
                format!("Created schedule {}.\n{}", schedule.id, details(&schedule))
            })
        }
        ScheduleCommand::List { archived, all } => {
            let filter = match (archived, all) {
                (_, true) => ScheduleListFilter::All,
                (true, _) => ScheduleListFilter::Archived,
                _ => ScheduleListFilter::Active,
            };
            let schedules = ctx.store.list_schedules(filter)?;
            ctx.print(&schedules, || {
                if schedules.is_empty() {
                    return "No schedules. Create one with `deckhand schedules add --help`."
                        .to_owned();
                }
                let mut t = table(&["ID", "NAME", "RUNS", "NEXT RUN", "STATE", "METHOD"]);
                for s in &schedules {
                    t.add_row(vec![
                        s.id.to_string()[..8].to_owned(),
                        s.name.clone(),
                        describe(&s.recurrence),
                        local_opt(s.next_run),
                        state(s).to_owned(),
                        s.method_path.clone(),
                    ]);
                }
                t.to_string()
            })
        }
        ScheduleCommand::Show { id } => {
            let schedule = ctx.store.find_schedule_by_prefix(&id)?;
            ctx.print(&schedule, || details(&schedule))
        }
        ScheduleCommand::Preview { id, count } => {
            if !(1..=1000).contains(&count) {
                return Err(Failure::Input(format!(
                    "--count {count} is out of range: ask for 1 to 1000 runs"
                )));
            }
            let schedule = ctx.store.find_schedule_by_prefix(&id)?;
            let slots = deckhand::slots::preview(&schedule.recurrence, now, count, &chrono::Local);
            ctx.print(&slots, || {
                if slots.is_empty() {
                    return format!(
                        "'{}' has no more runs ({}).",
                        schedule.name,
                        describe(&schedule.recurrence)
                    );
                }
                let lines: Vec<String> = slots
                    .iter()
                    .map(|s| {
                        s.with_timezone(&chrono::Local)
                            .format("%a %Y-%m-%d %H:%M %Z")
                            .to_string()
                    })
                    .collect();
                format!(
                    "Next runs of '{}' ({}):\n{}",
                    schedule.name,
                    describe(&schedule.recurrence),
                    lines.join("\n")
                )
            })
        }
        ScheduleCommand::Edit(args) => {
            let current = ctx.store.find_schedule_by_prefix(&args.id)?;
            let expected = match &args.expected_updated_at {
                Some(text) => input(instant(text))?,
                None => current.updated_at,
            };
            let mut draft = current.draft();
            if let Some(name) = args.name {
                draft.name = name;
            }
            if let Some(method) = args.method {
                draft.method_path = method;
            }
            if let Some(recurrence) = recurrence(&args.when, &args.policy, now)? {
                draft.recurrence = recurrence;
            } else if args.policy.start.is_some() || args.policy.at.is_some() {
                return Err(Failure::Input(
                    "--start and --at go with a recurrence option (--every, --daily, --weekdays, …)".to_owned(),
                ));
            }
            apply_policy(&mut draft, &args.policy)?;
            if args.no_expected_duration {
                draft.expected_duration_minutes = None;
            }
            if args.pause {
                draft.active = false;
            }
            if args.resume {
                draft.active = true;
            }
            let schedule = ctx
                .store
                .update_schedule(current.id, &draft, expected, &ctx.actor)?;
            ctx.print(&schedule, || format!("Saved.\n{}", details(&schedule)))
        }
        ScheduleCommand::Archive { id } => {
            let current = ctx.store.find_schedule_by_prefix(&id)?;
            let schedule = ctx.store.set_archived(current.id, true, &ctx.actor)?;
            ctx.print(&schedule, || {
                format!(
                    "Archived '{}'. It will not run; its history stays.",
                    schedule.name
                )
            })
        }
        ScheduleCommand::Unarchive { id } => {
            let current = ctx.store.find_schedule_by_prefix(&id)?;
            let schedule = ctx.store.set_archived(current.id, false, &ctx.actor)?;
            ctx.print(&schedule, || format!("Unarchived '{}'.", schedule.name))
        }
        ScheduleCommand::Delete { id, yes } => {
            let current = ctx.store.find_schedule_by_prefix(&id)?;
            if !yes {
                return Err(Failure::Input(format!(
                    "deleting '{}' cannot be undone (its runs stay in history under this name); add --yes to confirm",
                    current.name
                )));
            }
            let kept = ctx.store.delete_schedule(current.id, &ctx.actor)?;
            let result = Deleted {
                id: current.id,
                runs_kept_in_history: kept,
            };
            ctx.print(&result, || {
                format!(
                    "Deleted '{}'. {kept} runs stay in history under that name.",
                    current.name
                )
            })
        }
        ScheduleCommand::MarkRecovery { id, note } => {
            let current = ctx.store.find_schedule_by_prefix(&id)?;
            let schedule = ctx
                .store
                .mark_recovery_required(current.id, &note, &ctx.actor)?;
            ctx.print(&schedule, || {
                format!(
                    "'{}' now needs recovery and will not run until it is resolved.",
                    schedule.name
                )
            })
        }
        ScheduleCommand::Resolve { id, note } => {
            let current = ctx.store.find_schedule_by_prefix(&id)?;
            let schedule = ctx.store.resolve_recovery(current.id, &note, &ctx.actor)?;
            ctx.print(&schedule, || {
                format!("Resolved. '{}' is active again.", schedule.name)
            })
        }
    }
}
