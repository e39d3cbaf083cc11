//! Chat and webhook destinations. Their URLs are not here (see `notify::destinations`, which
//! keeps them in the keyring); only the host, for the screens.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use super::contacts::{events_text, is_unique_violation};
use super::sql::{ms, time};
use super::{Result, Store, StoreError, audit};
use crate::model::{AuditAction, AuditTarget, Destination, DestinationDraft, EventKind};
use crate::validate;

const DESTINATION_COLUMNS: &str = "id, name, kind, host, enabled, events, created_at, updated_at";

fn destination_from_row(row: &Row<'_>) -> rusqlite::Result<Destination> {
    let kind: String = row.get(2)?;
    let events: String = row.get(5)?;
    Ok(Destination {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: kind.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                format!("'{kind}' is not a destination kind").into(),
            )
        })?,
        host: row.get(3)?,
        enabled: row.get(4)?,
        // An event name this version does not know (written by a newer one) is passed over.
        events: events
            .split(',')
            .filter_map(|e| e.parse::<EventKind>().ok())
            .collect(),
        created_at: time(row.get(6)?)?,
        updated_at: time(row.get(7)?)?,
    })
}

fn duplicate_name(name: &str) -> StoreError {
    StoreError::field(
        "name",
        format!("A destination named '{name}' exists already; give this one another name."),
    )
}

/// Every destination, by name, read on `conn` (or inside a transaction).
pub(super) fn destinations_in(conn: &Connection) -> Result<Vec<Destination>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DESTINATION_COLUMNS} FROM notification_destinations
         ORDER BY name COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([], destination_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A host as the screens show it: what `validate::post_url` gives, never a path or token.
fn checked_host(host: &str) -> Result<String> {
    let host = host.trim();
    let fine = !host.is_empty()
        && host.len() <= 260
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'));
    if fine {
        Ok(host.to_owned())
    } else {
        Err(StoreError::field(
            "url",
            "The URL's host could not be read; paste the URL again.",
        ))
    }
}

/// One destination, read on `conn` (or inside a transaction).
fn destination_in(conn: &Connection, id: Uuid) -> Result<Destination> {
    conn.query_row(
        &format!("SELECT {DESTINATION_COLUMNS} FROM notification_destinations WHERE id = ?1"),
        [id],
        destination_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("destination", id))
}

impl Store {
    /// Adds destination `id` (its URL is kept by the caller, in the keyring); `host` is the
    /// URL's host. One destination per name (compared without case).
    pub fn create_destination(
        &mut self,
        id: Uuid,
        draft: &DestinationDraft,
        host: &str,
        actor: &str,
    ) -> Result<Destination> {
        let now = self.now();
        let (draft, _) = validate::destination(
            &DestinationDraft {
                url: None,
                ..draft.clone()
            },
            false,
        )?;
        let host = checked_host(host)?;
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO notification_destinations (id, name, name_key, kind, host, enabled,
                    events, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![
                    id,
                    draft.name,
                    draft.name.to_lowercase(),
                    draft.kind.to_string(),
                    host,
                    draft.enabled,
                    events_text(&draft.events),
                    ms(now)
                ],
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    duplicate_name(&draft.name)
                } else {
                    e.into()
                }
            })?;
            audit(
                tx,
                now,
                &actor,
                AuditAction::DestinationCreated,
                AuditTarget::Destination,
                Some(&id.to_string()),
                &format!("added {} '{}' at {host}", draft.kind.label(), draft.name),
            )?;
            // Read inside the write: once it commits, the caller has the row it wrote.
            destination_in(tx, id)
        })
    }

    /// One destination.
    pub fn get_destination(&self, id: Uuid) -> Result<Destination> {
        destination_in(&self.conn, id)
    }

    /// Every destination, by name.
    pub fn list_destinations(&self) -> Result<Vec<Destination>> {
        destinations_in(&self.conn)
    }

    /// Replaces a destination's fields; `host`: the new URL's host, or `None` when the URL
    /// stays as it is.
    pub fn update_destination(
        &mut self,
        id: Uuid,
        draft: &DestinationDraft,
        host: Option<&str>,
        actor: &str,
    ) -> Result<Destination> {
        let now = self.now();
        let (draft, _) = validate::destination(
            &DestinationDraft {
                url: None,
                ..draft.clone()
            },
            false,
        )?;
        let host = host.map(checked_host).transpose()?;
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let changed = tx
                .execute(
                    "UPDATE notification_destinations SET name = ?2, name_key = ?3, kind = ?4,
                        host = COALESCE(?5, host), enabled = ?6, events = ?7, updated_at = ?8
                     WHERE id = ?1",
                    params![
                        id,
                        draft.name,
                        draft.name.to_lowercase(),
                        draft.kind.to_string(),
                        host,
                        draft.enabled,
                        events_text(&draft.events),
                        ms(now)
                    ],
                )
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        duplicate_name(&draft.name)
                    } else {
                        e.into()
                    }
                })?;
            if changed == 0 {
                return Err(StoreError::not_found("destination", id));
            }
            let what = if host.is_some() { " (new URL)" } else { "" };
            audit(
                tx,
                now,
                &actor,
                AuditAction::DestinationEdited,
                AuditTarget::Destination,
                Some(&id.to_string()),
                &format!(
                    "edited {} '{}'{what}{}",
                    draft.kind.label(),
                    draft.name,
                    if draft.enabled { "" } else { ", turned off" }
                ),
            )?;
            destination_in(tx, id)
        })
    }

    /// Removes a destination. The notification log keeps what was sent to it; messages still
    /// waiting for it are given up when their turn comes.
    pub fn delete_destination(&mut self, id: Uuid, actor: &str) -> Result<Destination> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        let destination = self.get_destination(id)?;
        self.write(|tx| {
            let deleted =
                tx.execute("DELETE FROM notification_destinations WHERE id = ?1", [id])?;
            if deleted == 0 {
                return Err(StoreError::not_found("destination", id));
            }
            audit(
                tx,
                now,
                &actor,
                AuditAction::DestinationDeleted,
                AuditTarget::Destination,
                Some(&id.to_string()),
                &format!(
                    "removed {} '{}' at {}",
                    destination.kind.label(),
                    destination.name,
                    destination.host
                ),
            )
        })?;
        Ok(destination)
    }

    /// When destination `id` last got a message delivered, if ever.
    pub fn destination_last_sent(&self, id: Uuid) -> Result<Option<DateTime<Utc>>> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT MAX(created_at) FROM notification_log
             WHERE destination_id = ?1 AND status = 'sent'",
            [id],
            |row| row.get(0),
        )?;
        Ok(at.map(time).transpose()?)
    }
}
