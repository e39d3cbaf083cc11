//! Notification contacts, SMTP settings, the notification log and the outbox.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use uuid::Uuid;

use super::sql::{ms, opt_time, time};
use super::{Result, Store, StoreError, audit};
use crate::model::{
    AuditAction, AuditTarget, Contact, ContactDraft, DeliveryStatus, EventKind,
    NotificationLogEntry, OutboxDraft, OutboxEntry, OutboxStatus, SmtpSettings,
};
use crate::validate;

const CONTACT_COLUMNS: &str = "id, name, email, enabled, events, created_at, updated_at";

fn contact_from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    let events: String = row.get(4)?;
    Ok(Contact {
        id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
        enabled: row.get(3)?,
        // An event name this version does not know (written by a newer one) is passed over.
        events: events
            .split(',')
            .filter_map(|e| e.parse::<EventKind>().ok())
            .collect(),
        created_at: time(row.get(5)?)?,
        updated_at: time(row.get(6)?)?,
    })
}

pub(super) fn events_text(events: &[EventKind]) -> String {
    events
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// SQLite's unique-constraint error, which means "that address has a contact already" here.
pub(super) fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _)
        if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

fn duplicate_email(email: &str) -> StoreError {
    StoreError::field(
        "email",
        format!("A contact with the address {email} exists already."),
    )
}

const OUTBOX_COLUMNS: &str = "id, dedupe_key, event, run_id, schedule_id, contact_id, channel, \
    payload, status, attempts, next_attempt_at, last_error, created_at, sent_at, destination_id";

fn outbox_from_row(row: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let payload: String = row.get(7)?;
    Ok(OutboxEntry {
        id: row.get(0)?,
        dedupe_key: row.get(1)?,
        event: row.get(2)?,
        run_id: row.get(3)?,
        schedule_id: row.get(4)?,
        contact_id: row.get(5)?,
        channel: row.get(6)?,
        payload: serde_json::from_str(&payload).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
        })?,
        status: row.get(8)?,
        attempts: row.get(9)?,
        next_attempt_at: time(row.get(10)?)?,
        last_error: row.get(11)?,
        created_at: time(row.get(12)?)?,
        sent_at: opt_time(row.get(13)?)?,
        destination_id: row.get(14)?,
    })
}

/// Every contact, by name, read on `conn` (or inside a transaction).
pub(super) fn contacts_in(conn: &Connection) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CONTACT_COLUMNS} FROM notification_contacts ORDER BY name COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([], contact_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Queues a message inside the caller's transaction; the same dedupe key twice is a no-op.
/// Returns whether a row was added.
pub(super) fn enqueue_in(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    draft: &OutboxDraft,
) -> Result<bool> {
    let inserted = tx
        .prepare_cached(
            "INSERT INTO outbox (dedupe_key, event, run_id, schedule_id, contact_id, channel,
            payload, status, next_attempt_at, created_at, destination_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?8, ?9)
         ON CONFLICT (dedupe_key) DO NOTHING",
        )?
        .execute(params![
            draft.dedupe_key(),
            draft.event,
            draft.run_id,
            draft.schedule_id,
            draft.contact_id,
            draft.channel,
            draft.payload.to_string(),
            ms(now),
            draft.destination_id
        ])?;
    Ok(inserted == 1)
}

/// Writes a new contact row from a validated draft (created and updated now).
pub(super) fn insert_contact(
    tx: &rusqlite::Transaction<'_>,
    id: Uuid,
    draft: &ContactDraft,
    now: DateTime<Utc>,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO notification_contacts (id, name, email, email_key, enabled, events,
            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![
            id,
            draft.name,
            draft.email,
            draft.email.to_lowercase(),
            draft.enabled,
            events_text(&draft.events),
            ms(now)
        ],
    )
}

impl Store {
    /// Adds a contact. One contact per address (compared without case).
    pub fn create_contact(&mut self, draft: &ContactDraft, actor: &str) -> Result<Contact> {
        let now = self.now();
        let draft = validate::contact(draft)?;
        let actor = validate::actor(actor)?;
        let id = Uuid::new_v4();
        self.write(|tx| {
            insert_contact(tx, id, &draft, now).map_err(|e| {
                if is_unique_violation(&e) {
                    duplicate_email(&draft.email)
                } else {
                    e.into()
                }
            })?;
            audit(
                tx,
                now,
                &actor,
                AuditAction::ContactCreated,
                AuditTarget::Contact,
                Some(&id.to_string()),
                &format!("added {} <{}>", draft.name, draft.email),
            )?;
            Ok(())
        })?;
        self.get_contact(id)
    }

    /// One contact.
    pub fn get_contact(&self, id: Uuid) -> Result<Contact> {
        self.conn
            .query_row(
                &format!("SELECT {CONTACT_COLUMNS} FROM notification_contacts WHERE id = ?1"),
                [id],
                contact_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("contact", id))
    }

    /// Every contact, by name.
    pub fn list_contacts(&self) -> Result<Vec<Contact>> {
        contacts_in(&self.conn)
    }

    /// Replaces a contact's fields.
    pub fn update_contact(
        &mut self,
        id: Uuid,
        draft: &ContactDraft,
        actor: &str,
    ) -> Result<Contact> {
        let now = self.now();
        let draft = validate::contact(draft)?;
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let changed = tx
                .execute(
                    "UPDATE notification_contacts SET name = ?2, email = ?3, email_key = ?4,
                        enabled = ?5, events = ?6, updated_at = ?7
                     WHERE id = ?1",
                    params![
                        id,
                        draft.name,
                        draft.email,
                        draft.email.to_lowercase(),
                        draft.enabled,
                        events_text(&draft.events),
                        ms(now)
                    ],
                )
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        duplicate_email(&draft.email)
                    } else {
                        e.into()
                    }
                })?;
            if changed == 0 {
                return Err(StoreError::not_found("contact", id));
            }
            audit(
                tx,
                now,
                &actor,
                AuditAction::ContactEdited,
                AuditTarget::Contact,
                Some(&id.to_string()),
                &format!("edited {} <{}>", draft.name, draft.email),
            )?;
            Ok(())
        })?;
        self.get_contact(id)
    }

    /// Removes a contact. The notification log keeps what was sent to them.
    pub fn delete_contact(&mut self, id: Uuid, actor: &str) -> Result<()> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let contact: Option<(String, String)> = tx
                .query_row(
                    "SELECT name, email FROM notification_contacts WHERE id = ?1",
                    [id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let (name, email) = contact.ok_or_else(|| StoreError::not_found("contact", id))?;
            tx.execute("DELETE FROM notification_contacts WHERE id = ?1", [id])?;
            audit(
                tx,
                now,
                &actor,
                AuditAction::ContactDeleted,
                AuditTarget::Contact,
                Some(&id.to_string()),
                &format!("removed {name} <{email}>"),
            )
        })
    }

    /// The mail server settings, if set.
    pub fn smtp_settings(&self) -> Result<Option<SmtpSettings>> {
        Ok(self
            .conn
            .query_row(
                "SELECT host, port, tls_mode, username, from_address FROM smtp_settings WHERE id = 1",
                [],
                |row| {
                    let tls: String = row.get(2)?;
                    Ok(SmtpSettings {
                        host: row.get(0)?,
                        port: row.get(1)?,
                        tls: tls.parse().map_err(|_| {
                            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text,
                                format!("'{tls}' is not a TLS mode").into())
                        })?,
                        username: row.get(3)?,
                        from_address: row.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Saves the mail server settings (never a password: that goes to the OS keyring).
    pub fn set_smtp_settings(
        &mut self,
        settings: &SmtpSettings,
        actor: &str,
    ) -> Result<SmtpSettings> {
        let now = self.now();
        let settings = validate::smtp(settings)?;
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO smtp_settings (id, host, port, tls_mode, username, from_address, updated_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET host = excluded.host, port = excluded.port,
                    tls_mode = excluded.tls_mode, username = excluded.username,
                    from_address = excluded.from_address, updated_at = excluded.updated_at",
                params![settings.host, settings.port, settings.tls.to_string(), settings.username,
                    settings.from_address, ms(now)],
            )?;
            audit(tx, now, &actor, AuditAction::SmtpSettingsChanged, AuditTarget::Smtp, None,
                &format!("mail server {}:{} ({}), from {}", settings.host, settings.port,
                    settings.tls, settings.from_address))
        })?;
        Ok(settings)
    }

    /// Records a delivery. Returns false (and changes nothing) when the same event for the
    /// same subject already reached this contact over this channel.
    pub fn record_notification(&mut self, entry: &NotificationLogEntry) -> Result<bool> {
        let key = entry.dedupe_key();
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT INTO notification_log (dedupe_key, event, run_id, schedule_id, contact_id,
                    channel, status, error, created_at, destination_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (dedupe_key) DO NOTHING",
                params![
                    key,
                    entry.event,
                    entry.run_id,
                    entry.schedule_id,
                    entry.contact_id,
                    entry.channel,
                    entry.status,
                    entry.error,
                    ms(entry.created_at),
                    entry.destination_id
                ],
            )?;
            Ok(inserted == 1)
        })
    }

    /// Whether a delivery with this dedupe key was recorded.
    pub fn notification_logged(&self, dedupe_key: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM notification_log WHERE dedupe_key = ?1",
                [dedupe_key],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The newest deliveries first.
    pub fn notification_log(&self, limit: u32, offset: u32) -> Result<Vec<NotificationLogEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT event, run_id, schedule_id, contact_id, channel, status, error, created_at,
                destination_id
             FROM notification_log ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2",
        )?;
        let rows = stmt.query_map(params![limit, offset], |row| {
            Ok(NotificationLogEntry {
                event: row.get(0)?,
                run_id: row.get(1)?,
                schedule_id: row.get(2)?,
                contact_id: row.get(3)?,
                channel: row.get(4)?,
                status: row.get(5)?,
                error: row.get(6)?,
                created_at: time(row.get(7)?)?,
                destination_id: row.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Queues a message for delivery. Queuing the same message (same dedupe key) twice is a
    /// no-op that returns the existing entry's id.
    pub fn enqueue(&mut self, draft: &OutboxDraft) -> Result<i64> {
        let now = self.now();
        let key = draft.dedupe_key();
        self.write(|tx| {
            enqueue_in(tx, now, draft)?;
            Ok(tx.query_row(
                "SELECT id FROM outbox WHERE dedupe_key = ?1",
                [&key],
                |row| row.get(0),
            )?)
        })
    }

    /// Pending messages whose next attempt is due at `now`, oldest first.
    pub fn due_outbox(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<OutboxEntry>> {
        self.due_outbox_on(now, limit, true)
    }

    /// [`Store::due_outbox`], leaving emails out unless `email` (while the mail server is
    /// down, only desktop messages are worth looking at).
    pub fn due_outbox_on(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        email: bool,
    ) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox
             WHERE status = 'pending' AND next_attempt_at <= ?1 AND (?3 OR channel <> 'email')
             ORDER BY next_attempt_at, id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![ms(now), limit, email], outbox_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One outbox entry.
    pub fn outbox_entry(&self, id: i64) -> Result<OutboxEntry> {
        self.conn
            .query_row(
                &format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                outbox_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("outbox message", id))
    }

    /// Records one delivery attempt: `Ok(())` marks it sent; `Err(error)` with a retry time
    /// keeps it pending, without one marks it dead.
    pub fn record_outbox_attempt(
        &mut self,
        id: i64,
        outcome: std::result::Result<(), (&str, Option<DateTime<Utc>>)>,
    ) -> Result<OutboxEntry> {
        let now = self.now();
        self.write(|tx| {
            let changed = match outcome {
                Ok(()) => tx.execute(
                    "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?2,
                        last_error = NULL WHERE id = ?1 AND status = 'pending'",
                    params![id, ms(now)],
                )?,
                Err((error, retry_at)) => {
                    let status = if retry_at.is_some() {
                        OutboxStatus::Pending
                    } else {
                        OutboxStatus::Dead
                    };
                    tx.execute(
                        "UPDATE outbox SET status = ?2, attempts = attempts + 1, last_error = ?3,
                            next_attempt_at = COALESCE(?4, next_attempt_at)
                         WHERE id = ?1 AND status = 'pending'",
                        params![id, status, error, retry_at.map(ms)],
                    )?
                }
            };
            if changed == 0 {
                return Err(StoreError::field(
                    "id",
                    format!("Outbox message {id} is not waiting to be sent."),
                ));
            }
            Ok(tx.query_row(
                &format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                outbox_from_row,
            )?)
        })
    }
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// The message went out; the server's (or desktop's) answer.
    Sent(String),
    /// It did not, and will be tried again at `retry_at`.
    Retry {
        error: String,
        retry_at: DateTime<Utc>,
    },
    /// It did not, and will not be tried again.
    GaveUp(String),
}

impl Store {
    /// Records one delivery attempt of outbox message `id`, and, when the message is done
    /// (sent or given up), its line in the notification log, with the outbox's dedupe key, in
    /// the same transaction. Returns false (changing nothing) when the message was not
    /// waiting to be sent.
    pub fn record_delivery(&mut self, id: i64, delivery: &Delivery) -> Result<bool> {
        let now = self.now();
        self.write(|tx| {
            let Some(entry) = tx
                .query_row(
                    &format!(
                        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1 AND status = 'pending'"
                    ),
                    [id],
                    outbox_from_row,
                )
                .optional()?
            else {
                return Ok(false);
            };
            let (status, error, next, log) = match delivery {
                Delivery::Sent(_) => (OutboxStatus::Sent, None, None, Some(DeliveryStatus::Sent)),
                Delivery::Retry { error, retry_at } => (
                    OutboxStatus::Pending,
                    Some(error.as_str()),
                    Some(*retry_at),
                    None,
                ),
                Delivery::GaveUp(error) => (
                    OutboxStatus::Dead,
                    Some(error.as_str()),
                    None,
                    Some(DeliveryStatus::Failed),
                ),
            };
            tx.execute(
                "UPDATE outbox SET status = ?2, attempts = attempts + 1, last_error = ?3,
                    next_attempt_at = COALESCE(?4, next_attempt_at),
                    sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END
                 WHERE id = ?1",
                params![id, status, error, next.map(ms), ms(now)],
            )?;
            if let Some(log) = log {
                tx.execute(
                    "INSERT INTO notification_log (dedupe_key, event, run_id, schedule_id,
                        contact_id, channel, status, error, created_at, destination_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (dedupe_key) DO NOTHING",
                    params![
                        entry.dedupe_key,
                        entry.event,
                        entry.run_id,
                        entry.schedule_id,
                        entry.contact_id,
                        entry.channel,
                        log,
                        error,
                        ms(now),
                        entry.destination_id
                    ],
                )?;
            }
            Ok(true)
        })
    }

    /// Moves a pending message's next attempt to `at` without counting an attempt (its
    /// receiver was found unreachable a moment ago through another message); `why` is kept as
    /// its last error.
    pub fn postpone_outbox(&mut self, id: i64, at: DateTime<Utc>, why: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?2), last_error = ?3
                 WHERE id = ?1 AND status = 'pending'",
                params![id, ms(at), why],
            )?;
            Ok(())
        })
    }

    /// When the next pending message is due, if any is (emails only if `email`).
    pub fn next_outbox_attempt(&self, email: bool) -> Result<Option<DateTime<Utc>>> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT MIN(next_attempt_at) FROM outbox
             WHERE status = 'pending' AND (?1 OR channel <> 'email')",
            [email],
            |row| row.get(0),
        )?;
        opt_time(at).map_err(Into::into)
    }

    /// Messages not yet delivered (pending, oldest first), for the notification screen.
    pub fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE status = 'pending'
             ORDER BY created_at, id LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit], outbox_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
