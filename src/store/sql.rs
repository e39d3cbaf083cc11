//! Conversions between the model and SQLite values.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::model::{
    AuditAction, AuditTarget, Backoff, Channel, DeliveryStatus, EventKind, OutboxStatus, RunOrigin,
    RunStatus, TlsMode,
};

/// Instants are stored as whole milliseconds since the Unix epoch.
pub fn ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub fn from_ms(ms: i64) -> FromSqlResult<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or(FromSqlError::OutOfRange(ms))
}

/// Drops sub-millisecond precision so what is stored equals what is returned.
pub fn truncate(at: DateTime<Utc>) -> DateTime<Utc> {
    from_ms(ms(at)).unwrap_or(at)
}

/// Reads an optional millisecond column.
pub fn opt_time(value: Option<i64>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    value
        .map(|ms| {
            from_ms(ms).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Integer,
                    Box::new(e),
                )
            })
        })
        .transpose()
}

pub fn time(value: i64) -> rusqlite::Result<DateTime<Utc>> {
    from_ms(value).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Integer, Box::new(e))
    })
}

/// Stores the enums as their snake_case TEXT spelling.
macro_rules! text_enum {
    ($($ty:ty),* $(,)?) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.to_string()))
            }
        }
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                text.parse().map_err(|_| {
                    FromSqlError::Other(format!("'{text}' is not a {}", stringify!($ty)).into())
                })
            }
        }
    )*};
}

text_enum!(
    RunStatus,
    RunOrigin,
    Backoff,
    EventKind,
    Channel,
    DeliveryStatus,
    OutboxStatus,
    TlsMode,
    AuditAction,
    AuditTarget,
);
