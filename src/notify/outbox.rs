//! The delivery task: sends what state changes queued in the outbox, by email and to the
//! desktop, and records every attempt. It runs beside the engine, never in its way: the engine
//! only writes rows (in the transaction of the change itself) and rings a bell.
//!
//! Once per (event, run, contact, channel): the outbox's unique dedupe key keeps a message from
//! being queued twice, and its delivery and its notification-log line are written in one
//! transaction. The one gap no SMTP client can close — the server took the message and Deckhand
//! died before writing that down — resends it on the next start with the same Message-ID, which
//! mail programs use to show it once.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use log::{info, warn};
use tokio::sync::{Notify, watch};

use super::chat::{self, Envelope};
use super::email::{self, MailError};
use super::message::{Facts, Rendered, render, render_desktop};
use super::post::{PostError, Poster};
use crate::clock::Clock;
use crate::model::{Channel, DestinationKind, EventKind, OutboxEntry, SmtpSettings};
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
    /// How often the task looks at the outbox even when nothing rang. A safety net only:
    /// the bell rings after each commit of the host's connections, and when the engine sees
    /// that another program (the CLI) wrote to the database.
    pub poll: Duration,
    /// How long after the bell rings the task looks (so a burst of writes is over).
    pub settle: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(15 * 60),
            give_up_after: Duration::from_secs(3 * 24 * 3600),
            desktop_fresh: Duration::from_secs(3600),
            poll: Duration::from_secs(15 * 60),
            settle: Duration::from_millis(250),
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
    done: tokio::sync::oneshot::Receiver<()>,
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
        let _ = self.done.await;
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

/// Starts the delivery task on a thread of its own (with its own small runtime), so that
/// talking to a slow or absent mail server never takes a moment from the engine's threads.
/// Without a desktop notifier (a headless `deckhand run`), desktop messages are recorded as
/// not shown.
pub fn start<M: Mailer, D: DesktopNotifier>(parts: Delivering<M, D>) -> Outbox {
    let bell = Arc::new(Notify::new());
    let (stop, stopped) = watch::channel(false);
    let (finished, done) = tokio::sync::oneshot::channel();
    let ring = bell.clone();
    let spawned = std::thread::Builder::new()
        .name("deckhand-outbox".to_owned())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(run(parts, ring, stopped)),
                Err(e) => warn!("the delivery task cannot start: {e}; nothing will be sent"),
            }
            let _ = finished.send(());
        });
    if let Err(e) = spawned {
        warn!("the delivery task cannot start: {e}; nothing will be sent");
    }
    Outbox { bell, stop, done }
}

/// What the delivery task remembers from one round to the next.
#[derive(Default)]
struct Memory {
    /// Destinations that could not be reached, or asked to be left alone (`Retry-After`):
    /// none of their messages is tried before this time.
    down: HashMap<Uuid, DateTime<Utc>>,
    /// Attempts made whose outcome could not be written (a full disk, a locked database): they
    /// are written again before anything else, and their messages are not tried again
    /// meanwhile — a message that went out is not posted over and over while the database
    /// cannot say so.
    unrecorded: HashMap<i64, Delivery>,
    /// When the desktop last said that a destination's message was given up: once an hour
    /// at most, not once per message.
    told: HashMap<Uuid, DateTime<Utc>>,
}

/// How often outcomes that could not be written are tried again.
const REWRITE: Duration = Duration::from_secs(2);

/// At most one "could not post" desktop notification per destination in this long.
const TELL_AGAIN: chrono::Duration = chrono::Duration::hours(1);

async fn run<M: Mailer, D: DesktopNotifier>(
    mut parts: Delivering<M, D>,
    bell: Arc<Notify>,
    mut stopped: watch::Receiver<bool>,
) {
    // While the mail server is unreachable, no email is tried until this time; the attempts
    // at reaching it back off like a message's own retries.
    let mut mail_down_until: Option<DateTime<Utc>> = None;
    let mut down_streak = 0u32;
    let mut poster = Poster::new();
    let mut memory = Memory::default();
    loop {
        if *stopped.borrow() {
            return;
        }
        let now = parts.clock.now();
        memory.down.retain(|_, until| *until > now);
        memory.unrecorded.retain(
            |id, delivery| match parts.store.record_delivery(*id, delivery) {
                Ok(_) => false,
                Err(e) => {
                    warn!("the outcome of outbox message {id} still cannot be written: {e}");
                    true
                }
            },
        );
        let email = mail_down_until.is_none_or(|until| now >= until);
        let due = match parts.store.due_outbox_on(now, 20, email) {
            Ok(due) => due,
            Err(e) => {
                warn!("the outbox cannot be read ({e}); trying again shortly");
                Vec::new()
            }
        };
        let full = due.len() == 20;
        let mut server_down = false;
        let mut tried = false;
        for entry in due {
            if *stopped.borrow() {
                return;
            }
            if memory.unrecorded.contains_key(&entry.id) {
                continue;
            }
            // Once the mail server is found unreachable, the other emails wait for the same
            // retry rather than knocking on a closed door one by one.
            if server_down && entry.channel == Channel::Email {
                continue;
            }
            // The same for a destination: its other messages wait for its retry, rather than
            // each waiting out a timeout while the emails and the desktop wait behind them.
            if let Some(at) = entry
                .destination_id
                .and_then(|d| memory.down.get(&d))
                .copied()
            {
                tried = true;
                wait_for_destination(&mut parts, &mut memory, entry, at).await;
                continue;
            }
            tried = true;
            let is_email = entry.channel == Channel::Email;
            let unreachable = deliver(&mut parts, &mut poster, &mut memory, entry).await;
            if unreachable.is_some() && is_email {
                server_down = true;
                down_streak += 1;
                let wait = parts.policy.retry_delay(down_streak);
                mail_down_until = Some(
                    parts.clock.now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(15)),
                );
            } else if is_email {
                mail_down_until = None;
                down_streak = 0;
            }
        }
        if full && tried && !server_down {
            continue;
        }
        let email = mail_down_until.is_none_or(|until| parts.clock.now() >= until);
        let mut wait = parts.policy.poll;
        if let Ok(Some(next)) = parts.store.next_outbox_attempt(email) {
            wait = wait.min(until(&parts, next));
        }
        if let Some(down) = mail_down_until {
            wait = wait.min(until(&parts, down));
        }
        if !memory.unrecorded.is_empty() {
            // Their messages look due to the database; the outcomes are written again soon.
            wait = wait.max(REWRITE.min(parts.policy.poll));
        }
        tokio::select! {
            _ = bell.notified() => {
                // Let the change that rang finish its burst (the engine writes several
                // things around a slot) before reading the outbox.
                tokio::time::sleep(parts.policy.settle).await;
            }
            _ = tokio::time::sleep(wait) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// A message of a destination that is down: it waits for the destination's retry, without an
/// attempt — or, once older than the give-up bound, is given up without one.
async fn wait_for_destination<M, D: DesktopNotifier>(
    parts: &mut Delivering<M, D>,
    memory: &mut Memory,
    entry: OutboxEntry,
    at: DateTime<Utc>,
) {
    if age(parts, &entry) >= parts.policy.give_up_after {
        let message = format!(
            "not delivered within {} hours: the destination could not be reached",
            parts.policy.give_up_after.as_secs() / 3600
        );
        let facts: Facts = serde_json::from_value(entry.payload.clone()).unwrap_or_default();
        let to = recipient(parts, &entry);
        warn!(
            "{}{}{to} '{}' not delivered, given up: {message}",
            about(&entry),
            entry.channel,
            render(entry.event, &facts).subject
        );
        given_up(parts, memory, &entry, &to, &facts, &message).await;
        record(parts, memory, &entry, Delivery::GaveUp(message));
        return;
    }
    if let Err(e) = parts.store.postpone_outbox(
        entry.id,
        at,
        "not tried: the destination could not be reached moments ago, or asked to be left alone until then",
    ) {
        warn!("could not postpone outbox message {}: {e}", entry.id);
    }
}

/// "run <id>: " for a message about a run: the engine's lines start the same way, so one
/// search of the log for a run id finds everything Deckhand decided and sent about it.
fn about(entry: &OutboxEntry) -> String {
    entry
        .run_id
        .map_or(String::new(), |run| format!("run {run}: "))
}

/// Writes an attempt's outcome; kept to be written again when the database refuses.
fn record<M, D>(
    parts: &mut Delivering<M, D>,
    memory: &mut Memory,
    entry: &OutboxEntry,
    delivery: Delivery,
) {
    if let Err(e) = parts.store.record_delivery(entry.id, &delivery) {
        // The message is not tried again while its outcome waits to be written; if Deckhand
        // stops first, it is tried again at the next start (perhaps a second time, with one
        // Message-ID or idempotency key). Nothing is lost.
        warn!(
            "could not record the delivery of outbox message {}: {e}; writing it again shortly",
            entry.id
        );
        memory.unrecorded.insert(entry.id, delivery);
    }
}

/// How long from now until `at` (zero if past).
fn until<M, D>(parts: &Delivering<M, D>, at: chrono::DateTime<chrono::Utc>) -> Duration {
    (at - parts.clock.now()).to_std().unwrap_or(Duration::ZERO)
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

/// Why an attempt failed.
struct Failed {
    message: String,
    temporary: bool,
    /// The mail server or destination could not be reached at all.
    unreachable: bool,
    /// How long the receiver asked to be left alone (`Retry-After`).
    retry_after: Option<Duration>,
    /// Given up because of a person's choice (the destination deleted or turned off): the
    /// desktop is not told.
    chosen: bool,
}

impl From<MailError> for Failed {
    fn from(e: MailError) -> Self {
        Failed {
            message: e.message,
            temporary: e.temporary,
            unreachable: e.unreachable,
            retry_after: None,
            chosen: false,
        }
    }
}

impl From<PostError> for Failed {
    fn from(e: PostError) -> Self {
        Failed {
            message: e.message,
            temporary: e.temporary,
            unreachable: e.unreachable,
            retry_after: e.retry_after,
            chosen: false,
        }
    }
}

/// Delivers one message and records the attempt. Returns the retry time when the mail server
/// itself could not be reached (so the other emails need not be tried now); a destination
/// that could not be reached, or asked to be left alone, goes into `memory.down` instead.
async fn deliver<M: Mailer, D: DesktopNotifier>(
    parts: &mut Delivering<M, D>,
    poster: &mut Poster,
    memory: &mut Memory,
    entry: OutboxEntry,
) -> Option<DateTime<Utc>> {
    let facts: Facts = serde_json::from_value(entry.payload.clone()).unwrap_or_default();
    let rendered = render(entry.event, &facts);
    let outcome = match entry.channel {
        Channel::Email => email_attempt(parts, &entry, &rendered)
            .await
            .map_err(Failed::from),
        Channel::Desktop => desktop_attempt(parts, &entry).await.map_err(Failed::from),
        Channel::Teams | Channel::Slack | Channel::Webhook => {
            destination_attempt(parts, poster, &entry, &facts).await
        }
    };
    let mut unreachable_until = None;
    let about = about(&entry);
    let to = recipient(parts, &entry);
    let delivery = match outcome {
        Ok(answer) => {
            info!(
                "{about}{}{to} '{}' ({}) delivered: {answer}",
                entry.channel, rendered.subject, entry.dedupe_key
            );
            Delivery::Sent(answer)
        }
        Err(Failed {
            message,
            temporary: true,
            unreachable,
            retry_after,
            ..
        }) if age(parts, &entry) < parts.policy.give_up_after => {
            let delay = parts
                .policy
                .retry_delay(entry.attempts + 1)
                .max(retry_after.unwrap_or_default());
            let retry_at = parts.clock.now()
                + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::minutes(15));
            warn!(
                "{about}{}{to} '{}' not delivered ({message}); trying again at {retry_at}",
                entry.channel, rendered.subject
            );
            match entry.destination_id {
                // Unreachable, or asked to wait: its other messages wait too.
                Some(destination) if unreachable || retry_after.is_some() => {
                    memory.down.insert(destination, retry_at);
                }
                _ if unreachable => unreachable_until = Some(retry_at),
                _ => {}
            }
            Delivery::Retry {
                error: message,
                retry_at,
            }
        }
        Err(Failed {
            message,
            unreachable,
            chosen,
            ..
        }) => {
            warn!(
                "{about}{}{to} '{}' not delivered, given up: {message}",
                entry.channel, rendered.subject
            );
            if let Some(destination) = entry.destination_id {
                if unreachable {
                    // Its other old messages are given up without a timeout each.
                    let retry_at = parts.clock.now()
                        + chrono::Duration::from_std(parts.policy.retry_delay(entry.attempts + 1))
                            .unwrap_or(chrono::Duration::minutes(15));
                    memory.down.insert(destination, retry_at);
                }
                if !chosen {
                    given_up(parts, memory, &entry, &to, &facts, &message).await;
                }
            }
            Delivery::GaveUp(message)
        }
    };
    record(parts, memory, &entry, delivery);
    unreachable_until
}

/// " to 'Lab channel'" for a destination's message, for the log.
fn recipient<M, D>(parts: &Delivering<M, D>, entry: &OutboxEntry) -> String {
    entry
        .destination_id
        .and_then(|id| parts.store.get_destination(id).ok())
        .map_or(String::new(), |d| format!(" to '{}'", d.name))
}

/// A chat or webhook message given up: the desktop says so, since the people who watch that
/// channel will not hear of it.
async fn given_up<M, D: DesktopNotifier>(
    parts: &Delivering<M, D>,
    memory: &mut Memory,
    entry: &OutboxEntry,
    to: &str,
    facts: &Facts,
    why: &str,
) {
    let now = parts.clock.now();
    if let Some(destination) = entry.destination_id {
        if memory
            .told
            .get(&destination)
            .is_some_and(|at| now - *at < TELL_AGAIN)
        {
            // Told within the hour; the log and the notification log have this one.
            return;
        }
        memory.told.insert(destination, now);
    }
    let Some(desktop) = parts.desktop.clone() else {
        warn!(
            "not shown on the desktop that a {} message was given up: Deckhand runs without a desktop session",
            entry.channel
        );
        return;
    };
    let summary = format!("Deckhand could not post{to}");
    let (headline, _) = render_desktop(entry.event, facts);
    let body = format!(
        "“{headline}” was not delivered: {why}. Check the destination under Notifications."
    );
    match tokio::task::spawn_blocking(move || desktop.show(&summary, &body, true)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => warn!("could not show that a message was given up: {e}"),
        Err(e) => warn!("could not show that a message was given up: {e}"),
    }
}

/// One post of a chat or webhook message.
async fn destination_attempt<M, D>(
    parts: &mut Delivering<M, D>,
    poster: &mut Poster,
    entry: &OutboxEntry,
    facts: &Facts,
) -> Result<String, Failed> {
    // A person's choice: given up without telling the desktop.
    let chosen = |message: String| Failed {
        message,
        temporary: false,
        unreachable: false,
        retry_after: None,
        chosen: true,
    };
    // Nothing can be posted to this destination now: its messages wait (up to the give-up
    // bound) for the URL or the keyring to come back.
    let stuck = |message: String| Failed {
        message,
        temporary: true,
        unreachable: true,
        retry_after: None,
        chosen: false,
    };
    let Some(id) = entry.destination_id else {
        return Err(chosen("the message has no destination".to_owned()));
    };
    let destination = parts
        .store
        .get_destination(id)
        .map_err(|_| chosen("the destination was deleted before it could be sent".to_owned()))?;
    if !destination.enabled {
        return Err(chosen(format!(
            "'{}' was turned off before it could be sent",
            destination.name
        )));
    }
    let url = match parts.secrets.destination_url(id) {
        Ok(Some(url)) => url,
        Ok(None) => {
            return Err(stuck(format!(
                "no URL is kept for '{}' (the keyring lost it, or Deckhand ran without a keyring and was restarted); enter it again under Notifications (Edit)",
                destination.name
            )));
        }
        Err(e) => return Err(stuck(e.to_string())),
    };
    let proxy = parts
        .store
        .settings()
        .map_err(|e| stuck(format!("the proxy setting cannot be read: {e}")))?
        .https_proxy;
    let envelope = Envelope {
        event_id: Envelope::event_id_for(&entry.dedupe_key),
        event: entry.event,
        run_id: entry.run_id,
        schedule_id: entry.schedule_id,
        at: entry.created_at,
    };
    let body = chat::body(destination.kind, &envelope, facts);
    let key = envelope.event_id.to_string();
    let key = (destination.kind == DestinationKind::Webhook).then_some(key.as_str());
    Ok(poster.post(&proxy, &url, &body, key).await?)
}

fn age<M, D>(parts: &Delivering<M, D>, entry: &OutboxEntry) -> Duration {
    (parts.clock.now() - entry.created_at)
        .to_std()
        .unwrap_or(Duration::ZERO)
}

/// A problem that stops every email for now (no password, settings unreadable).
fn temporary(message: String) -> MailError {
    MailError {
        message,
        temporary: true,
        unreachable: true,
    }
}

fn permanent(message: String) -> MailError {
    MailError {
        message,
        temporary: false,
        unreachable: false,
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
