//! "Send test email": one message through the configured mail server, now, with the server's
//! answer reported back and written to the notification log.

use super::email::send_with_id;
use super::message::{Facts, render};
use crate::model::{Channel, DeliveryStatus, EventKind, NotificationLogEntry};
use crate::secrets::Secrets;
use crate::store::{Store, StoreError};

/// Why no test message could be tried at all.
#[derive(Debug, thiserror::Error)]
pub enum TestEmailError {
    #[error("No mail server is set up yet; set the host, port and sender address first.")]
    NoServer,
    #[error("There is nobody to send to: give an address, or add and enable a contact.")]
    NoRecipient,
    #[error(
        "The mail server needs a password for {user} and none is kept; enter it first (Notifications → Mail server in the window, or `deckhand smtp password`)."
    )]
    NoPassword { user: String },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Secrets(#[from] crate::secrets::SecretsError),
}

/// What one recipient's test message came to.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestEmailResult {
    pub to: String,
    /// The server's answer when it took the message (e.g. `250 OK`).
    pub answer: Option<String>,
    /// What went wrong otherwise.
    pub error: Option<String>,
}

/// Sends a test message to `to` (name, address), or else to every enabled contact, and logs
/// each attempt. Does not go through the outbox: the person asking waits for the answer.
pub async fn send_test_email(
    store: &mut Store,
    secrets: &Secrets,
    to: Option<(String, String)>,
) -> Result<Vec<TestEmailResult>, TestEmailError> {
    let settings = store.smtp_settings()?.ok_or(TestEmailError::NoServer)?;
    let recipients: Vec<(Option<uuid::Uuid>, String, String)> = match to {
        Some((name, address)) => {
            let address = crate::validate::email("to", &address).map_err(StoreError::from)?;
            vec![(None, name, address)]
        }
        None => store
            .list_contacts()?
            .into_iter()
            .filter(|c| c.enabled)
            .map(|c| (Some(c.id), c.name, c.email))
            .collect(),
    };
    if recipients.is_empty() {
        return Err(TestEmailError::NoRecipient);
    }
    let password = match &settings.username {
        None => None,
        Some(user) => Some(
            secrets
                .smtp_password(&settings.host, user)?
                .ok_or_else(|| TestEmailError::NoPassword { user: user.clone() })?,
        ),
    };
    let facts = Facts {
        simulation: store.settings()?.simulation,
        ..Facts::default()
    };
    let rendered = render(EventKind::Test, &facts);
    let mut results = Vec::new();
    for (contact_id, name, address) in recipients {
        let sent = send_with_id(
            &settings,
            password.as_deref(),
            &name,
            &address,
            &rendered,
            None,
        )
        .await;
        let (status, error) = match &sent {
            Ok(_) => (DeliveryStatus::Sent, None),
            Err(e) => (DeliveryStatus::Failed, Some(e.message.clone())),
        };
        store.record_notification(&NotificationLogEntry {
            event: EventKind::Test,
            run_id: None,
            schedule_id: None,
            contact_id,
            destination_id: None,
            channel: Channel::Email,
            status,
            error: error.clone(),
            created_at: store.now(),
        })?;
        results.push(TestEmailResult {
            to: address,
            answer: sent.ok(),
            error,
        });
    }
    Ok(results)
}
