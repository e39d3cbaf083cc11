//! `deckhand destinations`: Microsoft Teams, Slack and webhook destinations. A URL is never
//! taken on the command line (it would stay in the shell's history and the process list): it
//! is read from standard input, or asked for without echo at a terminal.

use std::io::IsTerminal as _;

use clap::Subcommand;
use strum::IntoEnumIterator;

use super::input::{by_id_prefix, table};
use super::records::events;
use super::{Context, Failure};
use deckhand::model::{Destination, DestinationDraft, DestinationKind, EventKind};
use deckhand::notify::destinations::{self, DestinationError};
use deckhand::secrets::{KeyringStatus, Secrets, SecretsError};
use deckhand::validate::shown;

#[derive(Subcommand)]
pub enum DestinationCommand {
    /// List destinations (their hosts only: a URL is a secret).
    List,
    /// Add a destination. Its URL is read from standard input (or asked for at a terminal)
    /// and kept in the operating system's keyring.
    Add {
        #[arg(long)]
        name: String,
        /// teams, slack or webhook.
        #[arg(long)]
        kind: String,
        /// Events to hear about, comma-separated [default: everything that needs a person].
        #[arg(long, value_delimiter = ',')]
        events: Option<Vec<String>>,
        /// Add it switched off.
        #[arg(long)]
        disabled: bool,
    },
    /// Change a destination; only the options given change.
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, value_delimiter = ',')]
        events: Option<Vec<String>>,
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        #[arg(long)]
        disable: bool,
        /// Replace the URL: read from standard input (or asked for at a terminal).
        #[arg(long)]
        new_url: bool,
    },
    /// Remove a destination and forget its URL.
    Remove { id: String },
    /// Post a test message now and show the service's answer.
    Test { id: String },
}

fn kind(name: &str) -> Result<DestinationKind, Failure> {
    name.trim().parse::<DestinationKind>().map_err(|_| {
        let all: Vec<String> = DestinationKind::iter().map(|k| k.to_string()).collect();
        Failure::Input(format!(
            "'{}' is not a kind of destination; use {}",
            shown(name),
            all.join(", ")
        ))
    })
}

fn by_prefix(ctx: &Context, id: &str) -> Result<Destination, Failure> {
    let destinations = ctx.store.list_destinations()?;
    by_id_prefix(
        destinations,
        |d| d.id,
        "destination",
        "deckhand destinations list",
        id,
    )
}

/// The keyring, which must work: a URL kept only for this command would be gone when it ends,
/// and one left behind by `remove` would stay in the keyring unseen.
fn keyring() -> Result<Secrets, Failure> {
    let secrets = Secrets::probe();
    if let KeyringStatus::Unavailable(why) = secrets.status() {
        return Err(Failure::Failed {
            code: "keyring_unavailable",
            message: format!(
                "The operating system's keyring cannot be used from here: {why}. Add, change or remove the destination in the Deckhand window instead."
            ),
        });
    }
    Ok(secrets)
}

/// The URL, from standard input or asked for without echo.
fn read_url() -> Result<String, Failure> {
    let url = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("The destination's URL (pasted, not shown): ")
            .map_err(Failure::Output)?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    };
    Ok(url.trim().to_owned())
}

fn failure(error: DestinationError) -> Failure {
    match error {
        DestinationError::Store(e) => Failure::Store(e),
        DestinationError::Secrets(SecretsError::EmptyUrl) => Failure::Input(
            "The URL is empty: paste the address the channel's webhook or workflow gives you."
                .to_owned(),
        ),
        DestinationError::Secrets(e) => Failure::Failed {
            code: "keyring_unavailable",
            message: e.to_string(),
        },
    }
}

fn describe(d: &Destination) -> String {
    format!("'{}' ({}, {})", d.name, d.kind.label(), d.host)
}

pub fn run(ctx: &mut Context, command: DestinationCommand) -> Result<(), Failure> {
    match command {
        DestinationCommand::List => {
            let list = ctx.store.list_destinations()?;
            ctx.print(&list, || {
                if list.is_empty() {
                    return "No destinations. Add one with `deckhand destinations add --name NAME --kind teams|slack|webhook` (the URL is read from standard input).".to_owned();
                }
                let mut t = table(&["ID", "NAME", "KIND", "HOST", "ON", "EVENTS"]);
                for d in &list {
                    let events: Vec<String> = d.events.iter().map(ToString::to_string).collect();
                    t.add_row(vec![
                        d.id.to_string()[..8].to_owned(),
                        d.name.clone(),
                        d.kind.label().to_owned(),
                        d.host.clone(),
                        if d.enabled { "yes" } else { "no" }.to_owned(),
                        events.join(", "),
                    ]);
                }
                t.to_string()
            })
        }
        DestinationCommand::Add {
            name,
            kind: kind_name,
            events: names,
            disabled,
        } => {
            // Everything typed is checked before the URL is asked for.
            let kind = kind(&kind_name)?;
            let events = names
                .as_deref()
                .map(events)
                .transpose()?
                .unwrap_or_else(EventKind::defaults);
            let mut draft = DestinationDraft {
                name,
                kind,
                url: Some("https://example.invalid/".to_owned()),
                enabled: !disabled,
                events,
            };
            deckhand::validate::destination(&draft, true).map_err(deckhand::StoreError::from)?;
            let secrets = keyring()?;
            draft.url = Some(read_url()?);
            let (destination, _) =
                destinations::add(&mut ctx.store, &secrets, &draft, &ctx.actor).map_err(failure)?;
            ctx.print(&destination, || {
                format!(
                    "Added {} ({}); its URL is kept in the operating system's keyring. Try it with `deckhand destinations test {}`.",
                    describe(&destination),
                    destination.id,
                    &destination.id.to_string()[..8]
                )
            })
        }
        DestinationCommand::Edit {
            id,
            name,
            kind: kind_name,
            events: names,
            enable,
            disable,
            new_url,
        } => {
            let current = by_prefix(ctx, &id)?;
            let mut draft = DestinationDraft {
                name: name.unwrap_or(current.name),
                kind: kind_name
                    .as_deref()
                    .map(kind)
                    .transpose()?
                    .unwrap_or(current.kind),
                url: None,
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
            deckhand::validate::destination(&draft, false).map_err(deckhand::StoreError::from)?;
            let secrets = if new_url {
                let secrets = keyring()?;
                draft.url = Some(read_url()?);
                if draft.url.as_deref().is_some_and(str::is_empty) {
                    return Err(failure(DestinationError::Secrets(SecretsError::EmptyUrl)));
                }
                secrets
            } else {
                Secrets::probe()
            };
            let (destination, _) =
                destinations::edit(&mut ctx.store, &secrets, current.id, &draft, &ctx.actor)
                    .map_err(failure)?;
            ctx.print(&destination, || {
                format!("Saved {}.", describe(&destination))
            })
        }
        DestinationCommand::Remove { id } => {
            let current = by_prefix(ctx, &id)?;
            // Only where the keyring works can the URL be taken out of it.
            let secrets = keyring()?;
            destinations::delete(&mut ctx.store, &secrets, current.id, &ctx.actor)
                .map_err(failure)?;
            ctx.print(&current.id, || {
                format!("Removed {} and forgot its URL.", describe(&current))
            })
        }
        DestinationCommand::Test { id } => {
            let current = by_prefix(ctx, &id)?;
            let secrets = Secrets::probe();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(Failure::Output)?;
            let result = runtime
                .block_on(destinations::send_test(
                    &mut ctx.store,
                    &secrets,
                    current.id,
                ))
                .map_err(failure)?;
            ctx.print(&result, || match (&result.answer, &result.error) {
                (Some(answer), _) => format!(
                    "{}: sent; {} answered {answer}",
                    result.destination, result.host
                ),
                (_, Some(error)) => format!("{}: NOT sent: {error}", result.destination),
                _ => String::new(),
            })?;
            if let Some(error) = result.error {
                return Err(Failure::Failed {
                    code: "post_failed",
                    message: format!(
                        "The test message to '{}' was not delivered: {error}",
                        result.destination
                    ),
                });
            }
            Ok(())
        }
    }
}
