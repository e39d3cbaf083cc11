//! Export and import of schedules and contacts (JSON), to move Deckhand to a new PC.
//!
//! An export holds what people set: every schedule (archived ones too) with all its fields,
//! and every contact with the events they chose. Not runs, not the audit log, not the mail
//! server's password. An import checks everything first and writes nothing if anything is
//! wrong; then it writes all of it in one transaction, each record audited. A schedule with
//! the same name and method as one already here, and a contact with an address already here,
//! are skipped and reported.

use chrono::{DateTime, Utc};
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::contacts::{contacts_in, insert_contact};
use super::schedules::insert_schedule;
use super::{Result, Store, StoreError, audit};
use crate::model::{AuditAction, AuditTarget, ContactDraft, ScheduleDraft, ScheduleListFilter};
use crate::validate::{self, FieldError, Invalid};

/// The `format` of a Deckhand export file.
pub const EXPORT_FORMAT: &str = "deckhand-export";
/// The newest export `version` this program writes and reads.
pub const EXPORT_VERSION: u32 = 1;

/// An export file: schedules and contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Export {
    /// Always `deckhand-export`.
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub exported_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub schedules: Vec<ExportedSchedule>,
    #[serde(default)]
    pub contacts: Vec<ContactDraft>,
}

/// A schedule as exported: everything a person set, and whether it is archived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportedSchedule {
    #[serde(flatten)]
    pub schedule: ScheduleDraft,
    #[serde(default)]
    pub archived: bool,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Names of the schedules added.
    pub schedules_added: Vec<String>,
    /// Addresses of the contacts added.
    pub contacts_added: Vec<String>,
    /// A sentence for each record skipped, saying why.
    pub skipped: Vec<String>,
}

impl Store {
    /// Everything a person set up, for moving to another PC.
    pub fn export(&self) -> Result<Export> {
        let schedules = self
            .list_schedules(ScheduleListFilter::All)?
            .into_iter()
            .map(|s| ExportedSchedule {
                schedule: s.draft(),
                archived: s.archived,
            })
            .collect();
        let contacts = contacts_in(&self.conn)?
            .into_iter()
            .map(|c| ContactDraft {
                name: c.name,
                email: c.email,
                enabled: c.enabled,
                events: c.events,
            })
            .collect();
        Ok(Export {
            format: EXPORT_FORMAT.to_owned(),
            version: EXPORT_VERSION,
            exported_at: Some(self.now()),
            schedules,
            contacts,
        })
    }

    /// Adds an export's schedules and contacts, audited as `actor`, in one transaction. Every
    /// record is checked first; if any is wrong, every problem is reported and nothing is
    /// written. Duplicates (a schedule with the same name and method, a contact with the same
    /// address, here or earlier in the file) are skipped and reported. With `dry_run`, checks
    /// and reports without writing.
    pub fn import(&mut self, export: &Export, actor: &str, dry_run: bool) -> Result<ImportReport> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        if export.format != EXPORT_FORMAT {
            return Err(StoreError::field(
                "format",
                format!(
                    "This is not a Deckhand export (its format is '{}', expected '{EXPORT_FORMAT}').",
                    validate::shown(&export.format)
                ),
            ));
        }
        if export.version == 0 || export.version > EXPORT_VERSION {
            return Err(StoreError::field(
                "version",
                format!(
                    "This export is version {}; this Deckhand reads version {EXPORT_VERSION}. Update Deckhand first.",
                    export.version
                ),
            ));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let settings = super::settings::settings_in(&tx)?;
        let existing = {
            let mut stmt = tx.prepare("SELECT name, method_path FROM schedules")?;
            let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<rusqlite::Result<Vec<(String, String)>>>()?
        };
        let mut seen_schedules: Vec<(String, String)> = existing;
        let mut seen_emails: Vec<String> = contacts_in(&tx)?
            .into_iter()
            .map(|c| c.email.to_lowercase())
            .collect();

        let mut problems = Vec::new();
        let mut report = ImportReport {
            dry_run,
            ..ImportReport::default()
        };
        let mut schedules = Vec::new();
        for (i, item) in export.schedules.iter().enumerate() {
            let label = format!(
                "Schedule {} ('{}')",
                i + 1,
                validate::shown(&item.schedule.name)
            );
            // A one-off time in the past is kept as it was: it is not being chosen now.
            let checked =
                validate::schedule(&item.schedule, Some(&item.schedule.recurrence), now)
                    .map_err(|invalid| invalid.0)
                    .and_then(|draft| {
                        match crate::runner::outside_methods_folder(&draft.method_path, &settings) {
                            Some(why) => Err(vec![FieldError::new(
                                "methodPath",
                                format!("{why} Set the methods folder on this PC first (`deckhand settings set methods_folder …`)."),
                            )]),
                            None => Ok(draft),
                        }
                    });
            match checked {
                Err(errors) => problems.extend(errors.into_iter().map(|e| {
                    FieldError::new(
                        format!("schedules[{i}].{}", e.field),
                        format!("{label}: {}", e.message),
                    )
                })),
                Ok(draft) => {
                    let key = (draft.name.clone(), draft.method_path.clone());
                    if seen_schedules.contains(&key) {
                        report.skipped.push(format!(
                            "schedule '{}' ({}): a schedule with this name and method exists already",
                            draft.name, draft.method_path
                        ));
                    } else {
                        seen_schedules.push(key);
                        schedules.push((draft, item.archived));
                    }
                }
            }
        }
        let mut contacts = Vec::new();
        for (i, item) in export.contacts.iter().enumerate() {
            let label = format!("Contact {} ('{}')", i + 1, validate::shown(&item.name));
            match validate::contact(item) {
                Err(invalid) => problems.extend(invalid.0.into_iter().map(|e| {
                    FieldError::new(
                        format!("contacts[{i}].{}", e.field),
                        format!("{label}: {}", e.message),
                    )
                })),
                Ok(draft) => {
                    let key = draft.email.to_lowercase();
                    if seen_emails.contains(&key) {
                        report.skipped.push(format!(
                            "contact {} <{}>: a contact with this address exists already",
                            draft.name, draft.email
                        ));
                    } else {
                        seen_emails.push(key);
                        contacts.push(draft);
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(Invalid(problems)));
        }

        for (draft, archived) in &schedules {
            let id = Uuid::new_v4();
            insert_schedule(&tx, id, draft, *archived, now)?;
            audit(
                &tx,
                now,
                &actor,
                AuditAction::ScheduleCreated,
                AuditTarget::Schedule,
                Some(&id.to_string()),
                &format!(
                    "imported '{}' running {}{}",
                    draft.name,
                    draft.method_path,
                    if *archived { " (archived)" } else { "" }
                ),
            )?;
            report.schedules_added.push(draft.name.clone());
        }
        for draft in &contacts {
            let id = Uuid::new_v4();
            insert_contact(&tx, id, draft, now)?;
            audit(
                &tx,
                now,
                &actor,
                AuditAction::ContactCreated,
                AuditTarget::Contact,
                Some(&id.to_string()),
                &format!("imported {} <{}>", draft.name, draft.email),
            )?;
            report.contacts_added.push(draft.email.clone());
        }
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
            if let Some(bell) = &self.bell {
                bell.notify_one();
            }
        }
        Ok(report)
    }
}
