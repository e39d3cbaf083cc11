//! Adding, editing and removing chat and webhook destinations, with their URLs in the keyring
//! (all or nothing: a URL the keyring refused leaves no destination behind, and a destination
//! the database refused leaves no URL behind), and "Send test".

use log::{info, warn};
use uuid::Uuid;

use super::chat::{self, Envelope};
use super::message::Facts;
use super::post::Poster;
use crate::model::{
    DeliveryStatus, Destination, DestinationDraft, DestinationKind, EventKind, NotificationLogEntry,
};
use crate::secrets::{Kept, Secrets, SecretsError};
use crate::store::{Store, StoreError};
use crate::validate;

/// Why a destination could not be added, changed or removed.
#[derive(Debug, thiserror::Error)]
pub enum DestinationError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Secrets(#[from] SecretsError),
}

/// Adds a destination; its URL goes to the keyring (or, without one, is kept for this
/// session: `Kept::SessionOnly`).
pub fn add(
    store: &mut Store,
    secrets: &Secrets,
    draft: &DestinationDraft,
    actor: &str,
) -> Result<(Destination, Kept), DestinationError> {
    let (clean, url) = validate::destination(draft, true).map_err(StoreError::from)?;
    validate::actor(actor).map_err(StoreError::from)?;
    let url = url.expect("a new destination's URL is checked to be there");
    let id = Uuid::new_v4();
    let kept = secrets.set_destination_url(id, &url.url)?;
    match store.create_destination(id, &clean, &url.host, actor) {
        Ok(destination) => {
            info!(
                "destination '{}' ({}) at {} added by {actor}",
                destination.name,
                destination.kind.label(),
                destination.host
            );
            Ok((destination, kept))
        }
        Err(e) => {
            if let Err(forget) = secrets.forget_destination_url(id) {
                warn!("could not take back the URL of a destination that was not added: {forget}");
            }
            Err(e.into())
        }
    }
}

/// Changes a destination. A draft without a URL keeps the one kept; with one, the new URL
/// replaces it (and is put back if the database refuses the change).
pub fn edit(
    store: &mut Store,
    secrets: &Secrets,
    id: Uuid,
    draft: &DestinationDraft,
    actor: &str,
) -> Result<(Destination, Option<Kept>), DestinationError> {
    let (clean, url) = validate::destination(draft, false).map_err(StoreError::from)?;
    validate::actor(actor).map_err(StoreError::from)?;
    store.get_destination(id)?;
    let Some(url) = url else {
        return Ok((store.update_destination(id, &clean, None, actor)?, None));
    };
    let before = secrets.destination_url(id)?;
    let kept = secrets.set_destination_url(id, &url.url)?;
    match store.update_destination(id, &clean, Some(&url.host), actor) {
        Ok(destination) => Ok((destination, Some(kept))),
        Err(e) => {
            let undo = match &before {
                Some(before) => secrets.set_destination_url(id, before).map(|_| ()),
                None => secrets.forget_destination_url(id),
            };
            if let Err(undo) = undo {
                warn!("could not put back the URL of destination {id}: {undo}");
            }
            Err(e.into())
        }
    }
}

/// Removes a destination and forgets its URL.
pub fn delete(
    store: &mut Store,
    secrets: &Secrets,
    id: Uuid,
    actor: &str,
) -> Result<Destination, DestinationError> {
    let destination = store.delete_destination(id, actor)?;
    if let Err(e) = secrets.forget_destination_url(id) {
        // The destination is gone; only an unused keyring entry is left behind.
        warn!(
            "destination '{}' removed, but its URL could not be taken out of the keyring: {e}",
            destination.name
        );
    }
    info!(
        "destination '{}' ({}) removed by {actor}",
        destination.name,
        destination.kind.label()
    );
    Ok(destination)
}

/// What a test message came to.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestPostResult {
    pub destination: String,
    pub kind: DestinationKind,
    pub host: String,
    /// The service's answer when it took the message (e.g. `HTTP 200 OK: ok`).
    pub answer: Option<String>,
    /// What went wrong otherwise.
    pub error: Option<String>,
}

/// Posts a test message to destination `id` now (not through the outbox: the person asking
/// waits for the answer) and writes the attempt to the notification log. A destination that
/// is turned off is tested all the same: that is how one checks it before turning it on.
pub async fn send_test(
    store: &mut Store,
    secrets: &Secrets,
    id: Uuid,
) -> Result<TestPostResult, DestinationError> {
    let destination = store.get_destination(id)?;
    let settings = store.settings()?;
    let url = secrets.destination_url(id)?;
    let now = store.now();
    let sent = match url {
        None => Err(format!(
            "no URL is kept for '{}' (the keyring lost it, or Deckhand ran without a keyring and was restarted); enter it again",
            destination.name
        )),
        Some(url) => {
            let facts = Facts {
                simulation: settings.simulation,
                ..Facts::default()
            };
            let envelope = Envelope {
                event_id: Uuid::new_v4(),
                event: EventKind::Test,
                run_id: None,
                schedule_id: None,
                at: now,
            };
            let body = chat::body(destination.kind, &envelope, &facts);
            let key = envelope.event_id.to_string();
            let key = (destination.kind == DestinationKind::Webhook).then_some(key.as_str());
            Poster::new()
                .post(&settings.https_proxy, &url, &body, key)
                .await
                .map_err(|e| e.message)
        }
    };
    let (status, error) = match &sent {
        Ok(_) => (DeliveryStatus::Sent, None),
        Err(e) => (DeliveryStatus::Failed, Some(e.clone())),
    };
    store.record_notification(&NotificationLogEntry {
        event: EventKind::Test,
        run_id: None,
        schedule_id: None,
        contact_id: None,
        destination_id: Some(id),
        channel: destination.kind.channel(),
        status,
        error: error.clone(),
        created_at: now,
    })?;
    match &sent {
        Ok(answer) => info!(
            "test message to '{}' at {} delivered: {answer}",
            destination.name, destination.host
        ),
        Err(e) => warn!(
            "test message to '{}' at {} not delivered: {e}",
            destination.name, destination.host
        ),
    }
    Ok(TestPostResult {
        destination: destination.name,
        kind: destination.kind,
        host: destination.host,
        answer: sent.as_ref().ok().cloned(),
        error,
    })
}
