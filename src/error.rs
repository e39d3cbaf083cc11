//! The one error the UI sees: a stable `code` to switch on and a message for a person.

use serde::Serialize;
use ts_rs::TS;

use crate::config::ConfigError;
use crate::model::Schedule;
use crate::store::StoreError;
use crate::validate::FieldError;

/// An error as it crosses the IPC boundary.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IpcError {
    /// `invalid_input`, `not_found`, `conflict`, `duplicate_run`, `illegal_transition`,
    /// `run_in_progress`, `database_busy`, `database`, `migration`, `io`, `config`,
    /// `internal` (a bug: a call that did not finish).
    pub code: String,
    /// What happened, in words a scientist understands.
    pub message: String,
    /// For `invalid_input`: which fields are wrong and why.
    pub fields: Vec<FieldError>,
    /// For `conflict`: the schedule as it is now.
    pub current: Option<Box<Schedule>>,
}

impl IpcError {
    /// An error with no field details and no current record.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        IpcError {
            code: code.to_owned(),
            message: message.into(),
            fields: Vec::new(),
            current: None,
        }
    }
}

impl From<StoreError> for IpcError {
    fn from(error: StoreError) -> Self {
        let message = error.to_string();
        let code = error.code().to_owned();
        let (fields, current) = match error {
            StoreError::Invalid(invalid) => (invalid.0, None),
            StoreError::Conflict { current } => (Vec::new(), Some(current)),
            _ => (Vec::new(), None),
        };
        IpcError {
            code,
            message,
            fields,
            current,
        }
    }
}

impl From<ConfigError> for IpcError {
    fn from(error: ConfigError) -> Self {
        IpcError::new("config", error.to_string())
    }
}

impl From<crate::engine::EngineError> for IpcError {
    fn from(error: crate::engine::EngineError) -> Self {
        match error {
            crate::engine::EngineError::Store(e) => e.into(),
            e => IpcError::new(e.code(), e.to_string()),
        }
    }
}

impl From<FieldError> for IpcError {
    fn from(error: FieldError) -> Self {
        StoreError::from(error).into()
    }
}

impl From<crate::validate::Invalid> for IpcError {
    fn from(error: crate::validate::Invalid) -> Self {
        StoreError::Invalid(error).into()
    }
}

impl From<crate::notify::TestEmailError> for IpcError {
    fn from(error: crate::notify::TestEmailError) -> Self {
        use crate::notify::TestEmailError as E;
        match error {
            E::Store(e) => e.into(),
            e @ (E::NoServer | E::NoRecipient) => IpcError::new("invalid_input", e.to_string()),
            e @ E::NoPassword { .. } => IpcError::new("no_password", e.to_string()),
            e @ E::Secrets(_) => IpcError::new("keyring_unavailable", e.to_string()),
        }
    }
}

impl From<crate::notify::destinations::DestinationError> for IpcError {
    fn from(error: crate::notify::destinations::DestinationError) -> Self {
        use crate::notify::destinations::DestinationError as E;
        match error {
            E::Store(e) => e.into(),
            E::Secrets(e) => e.into(),
        }
    }
}

impl From<crate::secrets::SecretsError> for IpcError {
    fn from(error: crate::secrets::SecretsError) -> Self {
        match error {
            crate::secrets::SecretsError::Empty => {
                FieldError::new("password", error.to_string()).into()
            }
            crate::secrets::SecretsError::EmptyUrl => {
                FieldError::new("url", error.to_string()).into()
            }
            e => IpcError::new("keyring_unavailable", e.to_string()),
        }
    }
}
