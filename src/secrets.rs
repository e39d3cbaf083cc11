//! The secrets: the SMTP password and the URLs of chat and webhook destinations (whoever has
//! one can post to the channel). Kept in the operating system's keyring (Windows Credential
//! Manager, macOS Keychain, the Linux kernel keyring), never in the database or the logs. When
//! the keyring does not work, a secret given in the app is kept for the session only, and the
//! app says so.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use uuid::Uuid;

/// The keyring "service" Deckhand's entries are filed under.
const SERVICE: &str = "Deckhand";

/// Whether the keyring keeps passwords.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringStatus {
    Works,
    /// It does not; the reason, in words.
    Unavailable(String),
}

/// Where a password was put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Keyring,
    /// In this program's memory, until it ends.
    SessionOnly,
}

/// What can go wrong with a password.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("The password cannot be empty.")]
    Empty,
    #[error("The URL cannot be empty.")]
    EmptyUrl,
    #[error("The operating system's keyring failed: {0}")]
    Keyring(String),
}

/// The passwords Deckhand keeps, with their keyring (checked once, at start).
pub struct Secrets {
    status: KeyringStatus,
    session: Mutex<HashMap<String, String>>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the passwords themselves.
        f.debug_struct("Secrets")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// The keyring entry name of the password for `user` at `host`.
fn account(host: &str, user: &str) -> String {
    format!("smtp:{user}@{host}")
}

/// The keyring entry name of a destination's URL.
fn destination_account(id: Uuid) -> String {
    format!("destination:{id}")
}

impl Secrets {
    /// Checks that the keyring keeps a password: writes a random one, reads it back through a
    /// second, independent handle, and removes it. A keyring crate built without its platform
    /// back-end hands out an in-memory stand-in whose handles do not share what they keep;
    /// this check catches it.
    pub fn probe() -> Secrets {
        Secrets {
            status: probe_keyring(),
            session: Mutex::new(HashMap::new()),
        }
    }

    /// Session-only secrets, for tests and for a machine known to have no keyring.
    pub fn session_only(reason: &str) -> Secrets {
        Secrets {
            status: KeyringStatus::Unavailable(reason.to_owned()),
            session: Mutex::new(HashMap::new()),
        }
    }

    pub fn status(&self) -> &KeyringStatus {
        &self.status
    }

    /// Keeps the password for `user` at `host`: in the keyring when it works, else for this
    /// session.
    pub fn set_smtp_password(
        &self,
        host: &str,
        user: &str,
        password: &str,
    ) -> Result<Kept, SecretsError> {
        if password.is_empty() {
            return Err(SecretsError::Empty);
        }
        self.keep(&account(host, user), password)
    }

    /// The password for `user` at `host`, if one is kept.
    pub fn smtp_password(&self, host: &str, user: &str) -> Result<Option<String>, SecretsError> {
        self.read(&account(host, user))
    }

    /// Forgets the password for `user` at `host`, wherever it is kept.
    pub fn forget_smtp_password(&self, host: &str, user: &str) -> Result<(), SecretsError> {
        self.forget(&account(host, user))
    }

    /// Keeps destination `id`'s URL (checked by `validate::post_url` before): in the keyring
    /// when it works, else for this session.
    pub fn set_destination_url(&self, id: Uuid, url: &str) -> Result<Kept, SecretsError> {
        if url.is_empty() {
            return Err(SecretsError::EmptyUrl);
        }
        self.keep(&destination_account(id), url)
    }

    /// Destination `id`'s URL, if one is kept.
    pub fn destination_url(&self, id: Uuid) -> Result<Option<String>, SecretsError> {
        self.read(&destination_account(id))
    }

    /// Forgets destination `id`'s URL, wherever it is kept.
    pub fn forget_destination_url(&self, id: Uuid) -> Result<(), SecretsError> {
        self.forget(&destination_account(id))
    }

    fn keep(&self, key: &str, secret: &str) -> Result<Kept, SecretsError> {
        if self.status == KeyringStatus::Works {
            keyring::Entry::new(SERVICE, key)
                .and_then(|entry| entry.set_password(secret))
                .map_err(|e| SecretsError::Keyring(e.to_string()))?;
            self.session().remove(key);
            Ok(Kept::Keyring)
        } else {
            self.session().insert(key.to_owned(), secret.to_owned());
            Ok(Kept::SessionOnly)
        }
    }

    fn read(&self, key: &str) -> Result<Option<String>, SecretsError> {
        if let Some(secret) = self.session().get(key) {
            return Ok(Some(secret.clone()));
        }
        if self.status != KeyringStatus::Works {
            return Ok(None);
        }
        match keyring::Entry::new(SERVICE, key).and_then(|entry| entry.get_password()) {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretsError::Keyring(e.to_string())),
        }
    }

    fn forget(&self, key: &str) -> Result<(), SecretsError> {
        self.session().remove(key);
        if self.status != KeyringStatus::Works {
            return Ok(());
        }
        match keyring::Entry::new(SERVICE, key).and_then(|entry| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretsError::Keyring(e.to_string())),
        }
    }

    fn session(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn probe_keyring() -> KeyringStatus {
    let key = format!("probe-{}", Uuid::new_v4());
    let token = Uuid::new_v4().to_string();
    let write = keyring::Entry::new(SERVICE, &key).and_then(|entry| {
        entry.set_password(&token)?;
        Ok(entry)
    });
    let writer = match write {
        Ok(entry) => entry,
        Err(e) => return KeyringStatus::Unavailable(format!("it refused a password: {e}")),
    };
    let read = keyring::Entry::new(SERVICE, &key).and_then(|entry| entry.get_password());
    let _ = writer.delete_credential();
    match read {
        Ok(back) if back == token => KeyringStatus::Works,
        Ok(_) => KeyringStatus::Unavailable("it gave back a different password".to_owned()),
        Err(keyring::Error::NoEntry) => KeyringStatus::Unavailable(
            "it does not keep passwords (only an in-memory stand-in is available)".to_owned(),
        ),
        Err(e) => KeyringStatus::Unavailable(format!("it could not read a password back: {e}")),
    }
}
