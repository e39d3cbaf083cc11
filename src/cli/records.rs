//! `deckhand history | contacts | smtp | settings | audit`

use std::io::Write;

use clap::{Args, Subcommand};
use strum::IntoEnumIterator;

use super::input::{by_id_prefix, instant, local, local_opt, table};
use super::{Context, Failure};
use std::io::IsTerminal as _;

use deckhand::model::{
    AuditAction, AuditTarget, ContactDraft, EventKind, HistoryQuery, RunStatus, SettingKey,
    SmtpSettings, TlsMode,
};
use deckhand::notify::{TestEmailError, send_test_email};
use deckhand::secrets::{KeyringStatus, Secrets};
use deckhand::store::settings_text;
use deckhand::validate::shown;

#[derive(Args)]
pub struct HistoryArgs {
    /// Only this schedule (id or its first characters; deleted schedules by full id).
    #[arg(long, value_name = "ID")]
    schedule: Option<String>,
    /// Only runs with this status (completed, failed, aborted, …).
    #[arg(long)]
    status: Option<String>,
    /// Runs due at or after this time.
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// Runs due before this time.
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// Rows per page.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Which page, from 1.
    #[arg(long, default_value_t = 1)]
    page: u32,
    /// Write every matching run as CSV (no paging) to standard output, or to --output.
    #[arg(long)]
    csv: bool,
    /// With --csv: the file to write.
    #[arg(long, value_name = "FILE", requires = "csv")]
    output: Option<std::path::PathBuf>,
}

fn history_query(ctx: &Context, args: &HistoryArgs) -> Result<HistoryQuery, Failure> {
    let schedule_id = match &args.schedule {
        None => None,
        Some(text) => Some(match uuid::Uuid::parse_str(text.trim()) {
            Ok(id) => id,
            Err(_) => ctx.store.find_schedule_by_prefix(text)?.id,
        }),
    };
    let status = args
        .status
        .as_deref()
        .map(|s| {
            s.trim().parse::<RunStatus>().map_err(|_| {
                let all: Vec<String> = RunStatus::iter().map(|s| s.to_string()).collect();
                Failure::Input(format!(
                    "'{}' is not a run status; use one of {}",
                    shown(s),
                    all.join(", ")
                ))
            })
        })
        .transpose()?;
    let time = |t: &Option<String>| {
        t.as_deref()
            .map(instant)
            .transpose()
            .map_err(Failure::Input)
    };
    if args.page == 0 {
        return Err(Failure::Input("pages count from 1".to_owned()));
    }
    Ok(HistoryQuery {
        schedule_id,
        status,
        from: time(&args.from)?,
        to: time(&args.to)?,
        limit: args.limit,
        offset: args.limit.saturating_mul(args.page - 1),
    })
}

pub fn history(ctx: &mut Context, args: HistoryArgs) -> Result<(), Failure> {
    let query = history_query(ctx, &args)?;
    if args.csv {
        let count = match &args.output {
            Some(path) => {
                // Written beside the target and renamed into place: no half-written export.
                let folder = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(std::path::Path::new("."));
                let mut file = tempfile::NamedTempFile::new_in(folder)?;
                let count = ctx.store.export_history_csv(&query, &mut file)?;
                file.persist(path).map_err(|e| Failure::Output(e.error))?;
                eprintln!("Wrote {count} runs to {}.", path.display());
                count
            }
            None => {
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                let count = ctx.store.export_history_csv(&query, &mut lock)?;
                lock.flush()?;
                count
            }
        };
        let _ = count;
        return Ok(());
    }
    let page = ctx.store.history(&query)?;
    ctx.print(&page, || {
        if page.entries.is_empty() {
            return "No runs match.".to_owned();
        }
        let mut t = table(&["DUE", "SCHEDULE", "STATUS", "STARTED", "ENDED", "DETAIL"]);
        for e in &page.entries {
            let name = if e.schedule_deleted {
                format!("{} (deleted)", e.schedule_name)
            } else {
                e.schedule_name.clone()
            };
            let detail = e
                .run
                .outcome_detail
                .clone()
                .or_else(|| e.run.error_message.clone())
                .unwrap_or_default();
            t.add_row(vec![
                local(e.run.slot),
                name,
                e.run.status.to_string(),
                local_opt(e.run.started_at),
                local_opt(e.run.ended_at),
                detail,
            ]);
        }
        let mut text = t.to_string();
        if page.has_more {
            text.push_str(&format!("\nMore runs: --page {}", args.page + 1));
        }
        text
    })
}

#[derive(Subcommand)]
pub enum ContactCommand {
    /// List contacts.
    List,
    /// Add a contact.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// Events to hear about, comma-separated [default: everything that needs a person].
        #[arg(long, value_delimiter = ',')]
        events: Option<Vec<String>>,
        /// Add it switched off.
        #[arg(long)]
        disabled: bool,
    },
    /// Change a contact; only the options given change.
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long, value_delimiter = ',')]
        events: Option<Vec<String>>,
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        #[arg(long)]
        disable: bool,
    },
    /// Remove a contact.
    Remove { id: String },
}

/// Event names as typed (`run_failed,run_aborted`), each checked.
pub(super) fn events(names: &[String]) -> Result<Vec<EventKind>, Failure> {
    names
        .iter()
        .map(|n| {
            n.trim().parse::<EventKind>().map_err(|_| {
                let all: Vec<String> = EventKind::iter().map(|e| e.to_string()).collect();
                Failure::Input(format!(
                    "'{}' is not an event; use any of {}",
                    shown(n),
                    all.join(", ")
                ))
            })
        })
        .collect()
}

fn contact_by_prefix(ctx: &Context, id: &str) -> Result<deckhand::model::Contact, Failure> {
    let contacts = ctx.store.list_contacts()?;
    by_id_prefix(contacts, |c| c.id, "contact", "deckhand contacts list", id)
}

pub fn contacts(ctx: &mut Context, command: ContactCommand) -> Result<(), Failure> {
    match command {
        ContactCommand::List => {
            let contacts = ctx.store.list_contacts()?;
            ctx.print(&contacts, || {
                if contacts.is_empty() {
                    return "No contacts. Add one with `deckhand contacts add --name NAME --email ADDRESS`.".to_owned();
                }
                let mut t = table(&["ID", "NAME", "EMAIL", "ON", "EVENTS"]);
                for c in &contacts {
                    let events: Vec<String> = c.events.iter().map(ToString::to_string).collect();
                    t.add_row(vec![
                        c.id.to_string()[..8].to_owned(),
                        c.name.clone(),
                        c.email.clone(),
                        if c.enabled { "yes" } else { "no" }.to_owned(),
                        events.join(", "),
                    ]);
                }
                t.to_string()
            })
        }
        ContactCommand::Add {
            name,
            email,
            events: names,
            disabled,
        } => {
            let draft = ContactDraft {
                name,
                email,
                enabled: !disabled,
                events: names
                    .as_deref()
                    .map(events)
                    .transpose()?
                    .unwrap_or_else(EventKind::defaults),
            };
            let contact = ctx.store.create_contact(&draft, &ctx.actor)?;
            ctx.print(&contact, || {
                format!(
                    "Added {} <{}> ({}).",
                    contact.name, contact.email, contact.id
                )
            })
        }
        ContactCommand::Edit {
            id,
            name,
            email,
            events: names,
            enable,
            disable,
        } => {
            let current = contact_by_prefix(ctx, &id)?;
            let draft = ContactDraft {
                name: name.unwrap_or(current.name),
                email: email.unwrap_or(current.email),
                enabled: if enable {
                    true
                } else if disable {
                    false
                } else {
                    current.enabled
                },
                events: names
                    .as_deref()
                    .map(events)
                    .transpose()?
                    .unwrap_or(current.events),
            };
            let contact = ctx.store.update_contact(current.id, &draft, &ctx.actor)?;
            ctx.print(&contact, || {
                format!("Saved {} <{}>.", contact.name, contact.email)
            })
        }
        ContactCommand::Remove { id } => {
            let current = contact_by_prefix(ctx, &id)?;
            ctx.store.delete_contact(current.id, &ctx.actor)?;
            ctx.print(&current.id, || {
                format!("Removed {} <{}>.", current.name, current.email)
            })
        }
    }
}

#[derive(Subcommand)]
pub enum SmtpCommand {
    /// Show the mail server settings.
    Show,
    /// Set the mail server. The password is not stored here (it goes to the OS keyring).
    Set {
        #[arg(long)]
        host: String,
        #[arg(long)]
        port: u16,
        /// none, starttls or tls.
        #[arg(long, default_value = "starttls")]
        tls: String,
        #[arg(long)]
        user: Option<String>,
        /// The sender address.
        #[arg(long)]
        from: String,
    },
    /// Keep the mail server's password in the operating system's keyring (asked for, or read
    /// from standard input when that is not a terminal).
    Password {
        /// Forget the kept password instead.
        #[arg(long)]
        forget: bool,
    },
    /// Send a test message now and show the mail server's answer.
    Test {
        /// The address to send to [default: every enabled contact].
        #[arg(long, value_name = "ADDRESS")]
        to: Option<String>,
    },
}

pub fn smtp(ctx: &mut Context, command: SmtpCommand) -> Result<(), Failure> {
    match command {
        SmtpCommand::Show => {
            let settings = ctx.store.smtp_settings()?;
            ctx.print(&settings, || match &settings {
                None => "No mail server set. Set one with `deckhand smtp set --help`.".to_owned(),
                Some(s) => format!(
                    "host: {}\nport: {}\ntls:  {}\nuser: {}\nfrom: {}",
                    s.host,
                    s.port,
                    s.tls,
                    s.username.as_deref().unwrap_or("—"),
                    s.from_address
                ),
            })
        }
        SmtpCommand::Set {
            host,
            port,
            tls,
            user,
            from,
        } => {
            let tls = tls.parse::<TlsMode>().map_err(|_| {
                Failure::Input(format!(
                    "'{}' is not a TLS mode; use none, starttls or tls",
                    shown(&tls)
                ))
            })?;
            let settings = SmtpSettings {
                host,
                port,
                tls,
                username: user,
                from_address: from,
            };
            let saved = ctx.store.set_smtp_settings(&settings, &ctx.actor)?;
            ctx.print(&saved, || {
                format!(
                    "Saved: {}:{} ({}), from {}.",
                    saved.host, saved.port, saved.tls, saved.from_address
                )
            })
        }
        SmtpCommand::Password { forget } => smtp_password(ctx, forget),
        SmtpCommand::Test { to } => smtp_test(ctx, to),
    }
}

fn smtp_password(ctx: &mut Context, forget: bool) -> Result<(), Failure> {
    let settings = ctx.store.smtp_settings()?.ok_or_else(|| {
        Failure::Input("No mail server is set yet; set one with `deckhand smtp set` first.".into())
    })?;
    let Some(user) = settings.username.clone() else {
        return Err(Failure::Input(format!(
            "The mail server {} is set up without a user name, so it takes no password; add one with `deckhand smtp set --user NAME ...`.",
            settings.host
        )));
    };
    let secrets = Secrets::probe();
    if let KeyringStatus::Unavailable(why) = secrets.status() {
        return Err(Failure::Failed {
            code: "keyring_unavailable",
            message: format!(
                "The operating system's keyring cannot keep the password: {why}. Enter it in the Deckhand window instead (it is then kept until Deckhand closes)."
            ),
        });
    }
    let keyring = |e: deckhand::secrets::SecretsError| Failure::Failed {
        code: "keyring_unavailable",
        message: e.to_string(),
    };
    if forget {
        secrets
            .forget_smtp_password(&settings.host, &user)
            .map_err(keyring)?;
        ctx.store.record_audit(
            &ctx.actor,
            AuditAction::SmtpSettingsChanged,
            AuditTarget::Smtp,
            None,
            &format!("forgot the password of {user} at {}", settings.host),
        )?;
        return ctx.print(&serde_json::json!({"forgotten": true}), || {
            format!("The password of {user} at {} is forgotten.", settings.host)
        });
    }
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Password of {user} at {}: ", settings.host))
            .map_err(Failure::Output)?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    secrets
        .set_smtp_password(&settings.host, &user, &password)
        .map_err(|e| match e {
            deckhand::secrets::SecretsError::Empty => Failure::Input(e.to_string()),
            e => keyring(e),
        })?;
    ctx.store.record_audit(
        &ctx.actor,
        AuditAction::SmtpSettingsChanged,
        AuditTarget::Smtp,
        None,
        &format!(
            "set the password of {user} at {} (kept in the keyring)",
            settings.host
        ),
    )?;
    ctx.print(&serde_json::json!({"kept": "keyring"}), || {
        format!(
            "The password of {user} at {} is kept in the operating system's keyring.",
            settings.host
        )
    })
}

fn smtp_test(ctx: &mut Context, to: Option<String>) -> Result<(), Failure> {
    let secrets = Secrets::probe();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::Output)?;
    let to = to.map(|address| (String::new(), address));
    let results = runtime
        .block_on(send_test_email(&mut ctx.store, &secrets, to))
        .map_err(|e| match e {
            TestEmailError::Store(e) => Failure::Store(e),
            e @ (TestEmailError::NoServer | TestEmailError::NoRecipient) => {
                Failure::Input(e.to_string())
            }
            e => Failure::Failed {
                code: "mail_failed",
                message: e.to_string(),
            },
        })?;
    let failed = results.iter().filter(|r| r.error.is_some()).count();
    ctx.print(&results, || {
        results
            .iter()
            .map(|r| match (&r.answer, &r.error) {
                (Some(answer), _) => format!("{}: sent; the server answered {answer}", r.to),
                (_, Some(error)) => format!("{}: NOT sent: {error}", r.to),
                _ => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    if failed > 0 {
        return Err(Failure::Failed {
            code: "mail_failed",
            message: format!(
                "{failed} of {} test messages did not go out.",
                results.len()
            ),
        });
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Every setting with its value.
    List,
    /// One setting's value.
    Get { key: String },
    /// Change a setting.
    Set {
        key: String,
        /// The new value (it may start with a dash, e.g. `-t {method}`).
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Put a setting back to its default.
    Reset { key: String },
}

fn key(text: &str) -> Result<SettingKey, Failure> {
    text.trim()
        .replace('-', "_")
        .parse::<SettingKey>()
        .map_err(|_| {
            let all: Vec<String> = SettingKey::iter().map(|k| k.to_string()).collect();
            Failure::Input(format!(
                "'{}' is not a setting; the settings are {}",
                shown(text),
                all.join(", ")
            ))
        })
}

pub fn settings(ctx: &mut Context, command: SettingsCommand) -> Result<(), Failure> {
    let listing = |settings: &deckhand::model::AppSettings| {
        let mut t = table(&["SETTING", "VALUE", "MEANING"]);
        for k in SettingKey::iter() {
            t.add_row(vec![
                k.to_string(),
                settings_text(settings, k),
                k.describe().to_owned(),
            ]);
        }
        t.to_string()
    };
    match command {
        SettingsCommand::List => {
            let settings = ctx.store.settings()?;
            ctx.print(&settings, || listing(&settings))
        }
        SettingsCommand::Get { key: name } => {
            let k = key(&name)?;
            let value = settings_text(&ctx.store.settings()?, k);
            ctx.print(&value, || value.clone())
        }
        SettingsCommand::Set { key: name, value } => {
            let k = key(&name)?;
            let settings = ctx.store.set_setting(k, &value, &ctx.actor)?;
            let value = settings_text(&settings, k);
            ctx.print(&settings, || format!("{k} = {value}"))
        }
        SettingsCommand::Reset { key: name } => {
            let k = key(&name)?;
            let settings = ctx.store.reset_setting(k, &ctx.actor)?;
            let value = settings_text(&settings, k);
            ctx.print(&settings, || format!("{k} = {value} (default)"))
        }
    }
}

#[derive(Args)]
pub struct AuditArgs {
    /// Only entries about this schedule, contact or setting (its full id or key).
    #[arg(long, value_name = "ID")]
    target: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

pub fn audit(ctx: &mut Context, args: AuditArgs) -> Result<(), Failure> {
    let entries = ctx.store.audit_log(args.target.as_deref(), args.limit, 0)?;
    ctx.print(&entries, || {
        if entries.is_empty() {
            return "The audit log is empty.".to_owned();
        }
        let mut t = table(&["WHEN", "WHO", "ACTION", "DETAIL"]);
        for e in &entries {
            t.add_row(vec![
                local(e.at),
                e.actor.clone(),
                e.action.to_string(),
                e.detail.clone(),
            ]);
        }
        t.to_string()
    })
}

#[derive(Args)]
pub struct NotificationsArgs {
    /// How many log lines to show.
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

/// A message still waiting in the outbox, as shown.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Waiting {
    event: EventKind,
    channel: deckhand::model::Channel,
    to: Option<String>,
    attempts: u32,
    next_attempt_at: chrono::DateTime<chrono::Utc>,
    last_error: Option<String>,
}

pub fn notifications(ctx: &mut Context, args: NotificationsArgs) -> Result<(), Failure> {
    let log = ctx.store.notification_log(args.limit, 0)?;
    // Who: a contact's address, or a destination's name and kind.
    let names: std::collections::HashMap<uuid::Uuid, String> = ctx
        .store
        .list_contacts()?
        .into_iter()
        .map(|c| (c.id, c.email))
        .chain(
            ctx.store
                .list_destinations()?
                .into_iter()
                .map(|d| (d.id, format!("{} ({})", d.name, d.kind.label()))),
        )
        .collect();
    let to = |contact: Option<uuid::Uuid>, destination: Option<uuid::Uuid>| {
        contact
            .or(destination)
            .and_then(|id| names.get(&id).cloned())
    };
    let waiting: Vec<Waiting> = ctx
        .store
        .pending_outbox(1000)?
        .into_iter()
        .map(|e| Waiting {
            event: e.event,
            channel: e.channel,
            to: to(e.contact_id, e.destination_id),
            attempts: e.attempts,
            next_attempt_at: e.next_attempt_at,
            last_error: e.last_error,
        })
        .collect();
    let value = serde_json::json!({ "log": log, "waiting": waiting });
    ctx.print(&value, || {
        let mut out = String::new();
        if waiting.is_empty() {
            out.push_str("Nothing is waiting to be sent.\n\n");
        } else {
            let mut t = table(&["WAITING", "TO", "ATTEMPTS", "NEXT TRY", "LAST ERROR"]);
            for w in &waiting {
                t.add_row(vec![
                    w.event.to_string(),
                    w.to.clone().unwrap_or_else(|| w.channel.to_string()),
                    w.attempts.to_string(),
                    local(w.next_attempt_at),
                    w.last_error.clone().unwrap_or_default(),
                ]);
            }
            out.push_str(&format!("{t}\n\n"));
        }
        if log.is_empty() {
            out.push_str("Nothing has been sent yet.");
        } else {
            let mut t = table(&["WHEN", "EVENT", "TO", "STATUS", "ERROR"]);
            for e in &log {
                t.add_row(vec![
                    local(e.created_at),
                    e.event.to_string(),
                    to(e.contact_id, e.destination_id).unwrap_or_else(|| e.channel.to_string()),
                    e.status.to_string(),
                    e.error.clone().unwrap_or_default(),
                ]);
            }
            out.push_str(&t.to_string());
        }
        out
    })
}
