//! The delivery task: sends what state changes queued in the outbox, by email and to the
//! desktop, and records every attempt. It runs beside the engine, never in its way: the engine
//! only writes rows (in the transaction of the change itself) and rings a bell.
//!
//! Once per (event, run, contact, channel): the outbox's unique dedupe key keeps a message from
//! being queued twice, and its delivery and its notification-log line are written in one
//! transaction. The one gap no SMTP client can close — the server took the message and Deckhand
//! died before writing that down — resends it on the next start with the same Message-ID, which
//! mail programs use to show it once.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use log::{info, warn};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::email::{self, MailError};
use super::message::{Facts, Rendered, render, render_desktop};
use crate::clock::Clock;
use crate::model::{Channel, EventKind, OutboxEntry, SmtpSettings};
use crate::secrets::Secrets;
use crate::store::{Delivery, Store};

/// Sends one email (the real one is [`Smtp`]).
pub trait Mailer: Send + Sync + 'static {
    fn send(
        &self,
        settings: &SmtpSettings,
        password: Option<&str>,
        to: (&str, &str),
        rendered: &Rendered,
        message_id: &str,
    ) -> impl Future<Output = Result<String, MailError>> + Send;
}

/// Email by SMTP, through lettre.
pub struct Smtp;

impl Mailer for Smtp {
    async fn send(
        &self,
        settings: &SmtpSettings,
        password: Option<&str>,
        to: (&str, &str),
        rendered: &Rendered,
        message_id: &str,
    ) -> Result<String, MailError> {
        email::send_with_id(settings, password, to.0, to.1, rendered, Some(message_id)).await
    }
}

/// Shows one desktop notification (the real one is [`super::DesktopNotifications`]). It may
/// block briefly; the delivery task calls it off the async threads.
pub trait DesktopNotifier: Send + Sync + 'static {
    fn show(&self, summary: &str, body: &str, urgent: bool) -> Result<(), String>;
}

/// How the delivery task retries.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPolicy {
    /// The wait after the first failed attempt; it doubles each time...
    pub first_retry: Duration,
    /// ...up to this.
    pub max_retry: Duration,
    /// A message still not delivered this long after it was queued is given up.
    pub give_up_after: Duration,
    /// A desktop notification older than this is not shown (it is news no more).
    pub desktop_fresh: Duration,
    /// How often the task looks at the outbox even when nothing rang (messages queued by
    /// another program, such as the CLI).
    pub poll: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(15 * 60),
            give_up_after: Duration::from_secs(3 * 24 * 3600),
            desktop_fresh: Duration::from_secs(3600),
            poll: Duration::from_secs(30),
        }
    }
}

impl DeliveryPolicy {
    /// The wait after failed attempt number `attempt` (1 for the first).
    pub fn retry_delay(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(20);
        self.first_retry
            .saturating_mul(factor)
            .min(self.max_retry.max(self.first_retry))
    }
}

/// A running delivery task.
pub struct Outbox {
    bell: Arc<Notify>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Outbox {
    /// The bell to give the stores whose writes queue messages
    /// ([`Store::set_outbox_bell`]).
    pub fn bell(&self) -> Arc<Notify> {
        self.bell.clone()
    }

    /// Look now (for example after another program wrote to the database).
    pub fn ring(&self) {
        self.bell.notify_one();
    }

    /// Stops after the message being sent, if any.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// What the task works with.
pub struct Delivering<M, D> {
    pub store: Store,
    pub mailer: Arc<M>,
    pub desktop: Option<Arc<D>>,
    pub secrets: Arc<Secrets>,
    pub clock: Arc<dyn Clock>,
    pub policy: DeliveryPolicy,
}

/// Starts the delivery task on the current tokio runtime. Without a desktop notifier (a
/// headless `deckhand run`), desktop messages are recorded as not shown.
pub fn start<M: Mailer, D: DesktopNotifier>(parts: Delivering<M, D>) -> Outbox {
    let bell = Arc::new(Notify::new());
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run(parts, bell.clone(), stopped));
    Outbox { bell, stop, task }
}

async fn run<M: Mailer, D: DesktopNotifier>(
    mut parts: Delivering<M, D>,
    bell: Arc<Notify>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        if *stopped.borrow() {
            return;
        }
        let now = parts.clock.now();
        let due = match parts.store.due_outbox(now, 20) {
            Ok(due) => due,
            Err(e) => {
                warn!("the outbox cannot be read ({e}); trying again shortly");
                Vec::new()
            }
        };
        let full = due.len() == 20;
        for entry in due {
            if *stopped.borrow() {
                return;
            }
            deliver(&mut parts, entry).await;
        }
        if full {
            continue;
        }
        let mut wait = parts.policy.poll;
        if let Ok(Some(next)) = parts.store.next_outbox_attempt() {
            let until = (next - parts.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO);
            wait = wait.min(until);
        }
        tokio::select! {
            _ = bell.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// A Message-ID that is the same every time this message is sent, so a resend after a crash
/// shows once in the recipient's mail program.
fn message_id(entry: &OutboxEntry, settings: &SmtpSettings) -> String {
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, entry.dedupe_key.as_bytes());
    let domain = settings
        .from_address
        .rsplit_once('@')
        .map_or("deckhand.invalid", |(_, d)| d);
    format!("<{}@{domain}>", id.simple())
}

async fn deliver<M: Mailer, D: DesktopNotifier>(parts: &mut Delivering<M, D>, entry: OutboxEntry) {
    let facts: Facts = serde_json::from_value(entry.payload.clone()).unwrap_or_default();
    let rendered = render(entry.event, &facts);
    let outcome = match entry.channel {
        Channel::Email => email_attempt(parts, &entry, &rendered).await,
        Channel::Desktop => desktop_attempt(parts, &entry).await,
    };
    let delivery = match outcome {
        Ok(answer) => {
            info!(
                "{} '{}' ({}) delivered: {answer}",
                entry.channel, rendered.subject, entry.dedupe_key
            );
            Delivery::Sent(answer)
        }
        Err(MailError {
            message,
            temporary: true,
        }) if age(parts, &entry) < parts.policy.give_up_after => {
            let delay = parts.policy.retry_delay(entry.attempts + 1);
            let retry_at = parts.clock.now()
                + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::minutes(15));
            warn!(
                "{} '{}' not delivered ({message}); trying again at {retry_at}",
                entry.channel, rendered.subject
            );
            Delivery::Retry {
                error: message,
                retry_at,
            }
        }
        Err(MailError { message, .. }) => {
            warn!(
                "{} '{}' not delivered, given up: {message}",
                entry.channel, rendered.subject
            );
            Delivery::GaveUp(message)
        }
    };
    if let Err(e) = parts.store.record_delivery(entry.id, &delivery) {
        // The message stays pending and is tried again (perhaps sent twice, with one
        // Message-ID); nothing is lost.
        warn!(
            "could not record the delivery of outbox message {}: {e}",
            entry.id
        );
    }
}

fn age<M, D>(parts: &Delivering<M, D>, entry: &OutboxEntry) -> Duration {
    (parts.clock.now() - entry.created_at)
        .to_std()
        .unwrap_or(Duration::ZERO)
}

fn temporary(message: String) -> MailError {
    MailError {
        message,
        temporary: true,
    }
}

fn permanent(message: String) -> MailError {
    MailError {
        message,
        temporary: false,
    }
}

async fn email_attempt<M: Mailer, D>(
    parts: &mut Delivering<M, D>,
    entry: &OutboxEntry,
    rendered: &Rendered,
) -> Result<String, MailError> {
    let Some(contact_id) = entry.contact_id else {
        return Err(permanent("the message has no recipient".to_owned()));
    };
    let contact = parts
        .store
        .get_contact(contact_id)
        .map_err(|_| permanent("the contact was deleted before it could be sent".to_owned()))?;
    if !contact.enabled {
        return Err(permanent(format!(
            "{} was disabled before it could be sent",
            contact.email
        )));
    }
    let settings = parts
        .store
        .smtp_settings()
        .map_err(|e| temporary(format!("the mail server settings cannot be read: {e}")))?
        .ok_or_else(|| {
            permanent("no mail server is set up (Notifications → Mail server)".to_owned())
        })?;
    let password = match &settings.username {
        None => None,
        Some(user) => match parts.secrets.smtp_password(&settings.host, user) {
            Ok(Some(password)) => Some(password),
            Ok(None) => {
                return Err(temporary(format!(
                    "no password is kept for {user} at {}; enter it under Notifications → Mail server",
                    settings.host
                )));
            }
            Err(e) => return Err(temporary(e.to_string())),
        },
    };
    let mailer = parts.mailer.clone();
    mailer
        .send(
            &settings,
            password.as_deref(),
            (&contact.name, &contact.email),
            rendered,
            &message_id(entry, &settings),
        )
        .await
}

async fn desktop_attempt<M, D: DesktopNotifier>(
    parts: &mut Delivering<M, D>,
    entry: &OutboxEntry,
) -> Result<String, MailError> {
    let Some(desktop) = parts.desktop.clone() else {
        return Err(permanent(
            "not shown: Deckhand runs without a desktop session".to_owned(),
        ));
    };
    if age(parts, entry) > parts.policy.desktop_fresh {
        return Err(permanent(
            "not shown: it was too old by the time Deckhand could show it".to_owned(),
        ));
    }
    let facts: Facts = serde_json::from_value(entry.payload.clone()).unwrap_or_default();
    let (summary, body) = render_desktop(entry.event, &facts);
    // Critical (stays until dismissed) only for what needs someone at the robot.
    let urgent = matches!(
        entry.event,
        EventKind::RunFailed
            | EventKind::RunAborted
            | EventKind::RunStuck
            | EventKind::RecoveryRequired
    );
    match tokio::task::spawn_blocking(move || desktop.show(&summary, &body, urgent)).await {
        Ok(Ok(())) => Ok("shown".to_owned()),
        // Not retried: a notification shown late is worse than none; the log says why.
        Ok(Err(e)) => Err(permanent(format!("not shown: {e}"))),
        Err(e) => Err(permanent(format!("not shown: {e}"))),
    }
}
