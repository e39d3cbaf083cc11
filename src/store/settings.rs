//! Application settings and the audit log.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use strum::IntoEnumIterator;

use super::sql::{ms, time};
use super::{Result, Store, StoreError, audit};
use crate::model::{AppSettings, AuditAction, AuditEntry, AuditTarget, SchedulerState, SettingKey};
use crate::validate;

/// Lays stored values over the defaults. A stored value that no longer validates (written by
/// hand, or by a newer version) is passed over in favour of the default.
fn settings_from(stored: &HashMap<String, String>) -> AppSettings {
    let mut settings = AppSettings::default();
    for (key, value) in stored {
        let Ok(key) = key.parse::<SettingKey>() else {
            continue;
        };
        let Ok(value) = validate::setting(key, value) else {
            continue;
        };
        match key {
            SettingKey::HxrunPath => settings.hxrun_path = value,
            SettingKey::HxrunArgs => settings.hxrun_args = value,
            SettingKey::MethodsFolder => settings.methods_folder = value,
            SettingKey::LogFolder => settings.log_folder = value,
            SettingKey::MaxConcurrentRuns => {
                settings.max_concurrent_runs = value.parse().unwrap_or(settings.max_concurrent_runs)
            }
            SettingKey::StuckThresholdMinutes => {
                settings.stuck_threshold_minutes =
                    value.parse().unwrap_or(settings.stuck_threshold_minutes)
            }
            SettingKey::RobotProcessNames => {
                settings.robot_process_names = value.split(',').map(str::to_owned).collect()
            }
            SettingKey::Simulation => settings.simulation = value == "true",
            SettingKey::MethodsFolderOnly => settings.methods_folder_only = value == "true",
            SettingKey::LogLevel => {
                settings.log_level = value.parse().unwrap_or(settings.log_level)
            }
            SettingKey::BackupKeep => {
                settings.backup_keep = value.parse().unwrap_or(settings.backup_keep)
            }
            SettingKey::HttpsProxy => settings.https_proxy = value,
        }
    }
    settings
}

/// A setting's value in force, as text.
pub fn setting_text(settings: &AppSettings, key: SettingKey) -> String {
    match key {
        SettingKey::HxrunPath => settings.hxrun_path.clone(),
        SettingKey::HxrunArgs => settings.hxrun_args.clone(),
        SettingKey::MethodsFolder => settings.methods_folder.clone(),
        SettingKey::LogFolder => settings.log_folder.clone(),
        SettingKey::MaxConcurrentRuns => settings.max_concurrent_runs.to_string(),
        SettingKey::RobotProcessNames => settings.robot_process_names.join(","),
        SettingKey::StuckThresholdMinutes => settings.stuck_threshold_minutes.to_string(),
        SettingKey::Simulation => settings.simulation.to_string(),
        SettingKey::MethodsFolderOnly => settings.methods_folder_only.to_string(),
        SettingKey::LogLevel => settings.log_level.to_string(),
        SettingKey::BackupKeep => settings.backup_keep.to_string(),
        SettingKey::HttpsProxy => settings.https_proxy.clone(),
    }
}

/// Every setting, read on `conn` (or inside a transaction).
pub(super) fn settings_in(conn: &rusqlite::Connection) -> Result<AppSettings> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM settings")?;
    let stored = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<HashMap<String, String>>>()?;
    Ok(settings_from(&stored))
}

/// Whether runs go to the simulator (the one setting every notification needs).
pub(super) fn simulation_in(conn: &rusqlite::Connection) -> Result<bool> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([SettingKey::Simulation.to_string()], |row| row.get(0))
        .optional()?;
    Ok(match stored {
        Some(value) => validate::setting(SettingKey::Simulation, &value)
            .map(|v| v == "true")
            .unwrap_or(AppSettings::default().simulation),
        None => AppSettings::default().simulation,
    })
}

/// "Simulation" must be true to what runs: it may be on only while the HxRun path is
/// Deckhand's simulator, so the window never says "Simulation" while the robot moves. Checks
/// the settings as they would be after a change to `key`.
fn check_simulation(after: &AppSettings, key: SettingKey) -> Result<()> {
    if !after.simulation || crate::simulation::is_simulator(&after.hxrun_path) {
        return Ok(());
    }
    Err(if key == SettingKey::Simulation {
        StoreError::field(
            "simulation",
            format!(
                "Simulation can be on only while the HxRun path is Deckhand's simulator (deckhand-sim); it is now {}. Point the HxRun path at the simulator first.",
                after.hxrun_path
            ),
        )
    } else {
        StoreError::field(
            "hxrun_path",
            "Simulation is on, so the HxRun path must stay Deckhand's simulator. Turn simulation off first, then point Deckhand at HxRun (the robot).",
        )
    })
}

/// `settings` with `key` set to `value` (already validated).
fn with_value(settings: &AppSettings, key: SettingKey, value: &str) -> AppSettings {
    let mut stored: HashMap<String, String> = SettingKey::iter()
        .map(|k| (k.to_string(), setting_text(settings, k)))
        .collect();
    stored.insert(key.to_string(), value.to_owned());
    settings_from(&stored)
}

impl Store {
    /// Every setting, stored or default.
    pub fn settings(&self) -> Result<AppSettings> {
        settings_in(&self.conn)
    }

    /// The settings in the database at `path`, read without opening the store: nothing is
    /// created, migrated or tightened, and nothing is logged. For what a program needs to know
    /// before it starts logging or opens the store (the log level), or without holding it
    /// open (how many backups to keep). `None` when there is no database there yet or it
    /// cannot be read; the caller then uses the defaults.
    pub fn read_settings(path: &std::path::Path) -> Option<AppSettings> {
        if !path.is_file() {
            return None;
        }
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        conn.busy_timeout(super::BUSY_TIMEOUT).ok()?;
        settings_in(&conn).ok()
    }

    /// Changes one setting after checking the value; audited with the old and new value.
    pub fn set_setting(
        &mut self,
        key: SettingKey,
        value: &str,
        actor: &str,
    ) -> Result<AppSettings> {
        let now = self.now();
        let value = validate::setting(key, value)?;
        let actor = validate::actor(actor)?;
        let current = self.settings()?;
        check_simulation(&with_value(&current, key, &value), key)?;
        let old = setting_text(&current, key);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![key.to_string(), value, ms(now)],
            )?;
            audit(tx, now, &actor, AuditAction::SettingChanged, AuditTarget::Setting,
                Some(&key.to_string()), &format!("{key}: '{old}' → '{value}'"))
        })?;
        self.settings()
    }

    /// Puts one setting back to its default.
    pub fn reset_setting(&mut self, key: SettingKey, actor: &str) -> Result<AppSettings> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        let default = setting_text(&AppSettings::default(), key);
        check_simulation(&with_value(&self.settings()?, key, &default), key)?;
        self.write(|tx| {
            let removed = tx.execute("DELETE FROM settings WHERE key = ?1", [key.to_string()])?;
            if removed > 0 {
                audit(
                    tx,
                    now,
                    &actor,
                    AuditAction::SettingChanged,
                    AuditTarget::Setting,
                    Some(&key.to_string()),
                    &format!("{key}: reset to the default '{default}'"),
                )?;
            }
            Ok(())
        })?;
        self.settings()
    }

    /// Changes several settings in one transaction (each checked, the result checked as a
    /// whole), so a change that needs two settings together never lands half-way.
    pub fn set_settings(
        &mut self,
        changes: &[(SettingKey, &str)],
        actor: &str,
    ) -> Result<AppSettings> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        let current = self.settings()?;
        let mut after = current.clone();
        let mut valid = Vec::with_capacity(changes.len());
        for (key, value) in changes {
            let value = validate::setting(*key, value)?;
            after = with_value(&after, *key, &value);
            valid.push((*key, value));
        }
        if let Some((key, _)) = valid.first() {
            check_simulation(&after, *key)?;
        }
        self.write(|tx| {
            for (key, value) in &valid {
                tx.execute(
                    "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    params![key.to_string(), value, ms(now)],
                )?;
                let old = setting_text(&current, *key);
                audit(tx, now, &actor, AuditAction::SettingChanged, AuditTarget::Setting,
                    Some(&key.to_string()), &format!("{key}: '{old}' → '{value}'"))?;
            }
            Ok(())
        })?;
        self.settings()
    }

    /// Whether the scheduler is paused, and by whom.
    pub fn scheduler_state(&self) -> Result<SchedulerState> {
        Ok(self.conn.query_row(
            "SELECT paused, changed_at, changed_by FROM scheduler_state WHERE id = 1",
            [],
            |row| {
                Ok(SchedulerState {
                    paused: row.get(0)?,
                    changed_at: row.get::<_, Option<i64>>(1)?.map(time).transpose()?,
                    changed_by: row.get(2)?,
                })
            },
        )?)
    }

    /// Pauses (`true`) or resumes the scheduler, audited in `actor`'s name, in one transaction.
    /// Returns `false`, writing nothing, when it already was so. Every program on this
    /// database follows it: the one running the scheduler notices the change.
    pub fn set_scheduler_paused(&mut self, paused: bool, actor: &str) -> Result<bool> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        self.write(|tx| {
            let current: bool =
                tx.query_row("SELECT paused FROM scheduler_state WHERE id = 1", [], |row| row.get(0))?;
            if current == paused {
                return Ok(false);
            }
            tx.execute(
                "UPDATE scheduler_state SET paused = ?1, changed_at = ?2, changed_by = ?3 WHERE id = 1",
                params![paused, ms(now), actor],
            )?;
            let (action, detail) = if paused {
                (AuditAction::EnginePaused, "paused the scheduler")
            } else {
                (AuditAction::EngineResumed, "resumed the scheduler")
            };
            audit(tx, now, &actor, action, AuditTarget::Engine, None, detail)?;
            Ok(true)
        })
    }

    /// Records an action that changed no record (pausing the engine, asking for a run, …).
    pub fn record_audit(
        &mut self,
        actor: &str,
        action: AuditAction,
        target: AuditTarget,
        target_id: Option<&str>,
        detail: &str,
    ) -> Result<()> {
        let now = self.now();
        let actor = validate::actor(actor)?;
        self.write(|tx| audit(tx, now, &actor, action, target, target_id, detail))
    }

    /// The audit log, newest first; `target_id` narrows it to one schedule, contact, ….
    pub fn audit_log(
        &self,
        target_id: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<AuditEntry>> {
        if !(1..=10_000).contains(&limit) {
            return Err(StoreError::field(
                "limit",
                format!("{limit} entries is out of range: ask for 1 to 10000."),
            ));
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, at, actor, action, target_kind, target_id, detail FROM audit_log
             WHERE ?1 IS NULL OR target_id = ?1
             ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3",
        )?;
        let rows = stmt.query_map(params![target_id, limit, offset], |row| {
            Ok(AuditEntry {
                id: row.get(0)?,
                at: time(row.get(1)?)?,
                actor: row.get(2)?,
                action: row.get(3)?,
                target_kind: row.get(4)?,
                target_id: row.get(5)?,
                detail: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When a setting was last changed, if ever.
    pub fn setting_changed_at(
        &self,
        key: SettingKey,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let at: Option<i64> = self
            .conn
            .query_row(
                "SELECT updated_at FROM settings WHERE key = ?1",
                [key.to_string()],
                |row| row.get(0),
            )
            .optional()?;
        Ok(at.map(time).transpose()?)
    }
}
