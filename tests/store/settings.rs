use deckhand::model::{AppSettings, AuditAction, LogLevel, SettingKey};
use deckhand::store::Store;
use strum::IntoEnumIterator;

use crate::support::{ACTOR, TestStore};

#[test]
fn defaults_until_set() {
    let mut db = TestStore::untouched();
    assert_eq!(db.store.settings().unwrap(), AppSettings::default());
    assert_eq!(AppSettings::default().hxrun_args, "{method} -r -t");
    let settings = db
        .store
        .set_setting(SettingKey::MaxConcurrentRuns, " 2 ", "Ann")
        .unwrap();
    assert_eq!(settings.max_concurrent_runs, 2);
    let settings = db
        .store
        .set_setting(
            SettingKey::RobotProcessNames,
            "HxRun.exe, HxRun2.exe",
            "Ann",
        )
        .unwrap();
    assert_eq!(settings.robot_process_names, ["HxRun.exe", "HxRun2.exe"]);
    assert_eq!(
        db.reopen().settings().unwrap(),
        settings,
        "settings survive a restart"
    );

    let entry = &db
        .store
        .audit_log(Some("max_concurrent_runs"), 1, 0)
        .unwrap()[0];
    assert_eq!(entry.action, AuditAction::SettingChanged);
    assert_eq!(
        entry.detail, "max_concurrent_runs: '1' → '2'",
        "old and new value"
    );

    let reset = db
        .store
        .reset_setting(SettingKey::MaxConcurrentRuns, "Ann")
        .unwrap();
    assert_eq!(reset.max_concurrent_runs, 1);
}

#[test]
fn bad_values_are_refused_and_nothing_changes() {
    let mut db = TestStore::untouched();
    let cases = [
        (SettingKey::MaxConcurrentRuns, "0"),
        (SettingKey::MaxConcurrentRuns, "33"),
        (SettingKey::MaxConcurrentRuns, "two"),
        (SettingKey::MaxConcurrentRuns, "-1"),
        (SettingKey::StuckThresholdMinutes, "NaN"),
        (SettingKey::HxrunArgs, "-r -t"),
        (SettingKey::HxrunPath, "  "),
        (SettingKey::LogFolder, "C:\\Lo\ngs"),
        (SettingKey::RobotProcessNames, "HxRun.exe,,"),
    ];
    for (key, value) in cases {
        let error = db.store.set_setting(key, value, ACTOR).unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{key} = {value:?}");
    }
    assert_eq!(db.store.settings().unwrap(), AppSettings::default());
    assert_eq!(db.count("audit_log"), 0);
}

#[test]
fn every_setting_can_be_set_to_its_default() {
    let mut db = TestStore::untouched();
    let defaults = AppSettings::default();
    for key in SettingKey::iter() {
        let text = deckhand::store::settings_text(&defaults, key);
        db.store
            .set_setting(key, &text, ACTOR)
            .unwrap_or_else(|e| panic!("{key}: {e}"));
    }
    assert_eq!(db.store.settings().unwrap(), defaults);
}

#[test]
fn simulation_is_on_only_while_the_simulator_is_the_runner() {
    use deckhand::model::SettingKey;
    let mut db = crate::support::TestStore::untouched();
    let refused = db
        .store
        .set_setting(SettingKey::Simulation, "true", crate::support::ACTOR)
        .unwrap_err();
    assert_eq!(refused.code(), "invalid_input");
    assert!(refused.to_string().contains("HxRun path"), "{refused}");
    assert!(!db.store.settings().unwrap().simulation, "nothing changed");

    let sim = if cfg!(windows) {
        r"C:\Deckhand\deckhand-sim.exe"
    } else {
        "/opt/deckhand/deckhand-sim"
    };
    db.store
        .set_setting(SettingKey::HxrunPath, sim, crate::support::ACTOR)
        .unwrap();
    db.store
        .set_setting(SettingKey::Simulation, "true", crate::support::ACTOR)
        .unwrap();
    let real = r"C:\Program Files (x86)\HAMILTON\Bin\HxRun.exe";
    assert!(
        db.store
            .set_setting(SettingKey::HxrunPath, real, crate::support::ACTOR)
            .is_err(),
        "the robot cannot become the runner while the window says Simulation"
    );
    assert!(
        db.store
            .reset_setting(SettingKey::HxrunPath, crate::support::ACTOR)
            .is_err(),
        "nor by a reset to HxRun's default path"
    );
    db.store
        .set_setting(SettingKey::Simulation, "false", crate::support::ACTOR)
        .unwrap();
    db.store
        .set_setting(SettingKey::HxrunPath, real, crate::support::ACTOR)
        .unwrap();
}

#[test]
fn the_scheduler_pause_is_stored_with_who_and_when_and_audited_once() {
    let mut db = TestStore::untouched();
    let store = &mut db.store;
    let fresh = store.scheduler_state().unwrap();
    assert!(!fresh.paused);
    assert_eq!((fresh.changed_at, fresh.changed_by), (None, None));

    assert!(store.set_scheduler_paused(true, "Ann").unwrap());
    assert!(
        !store.set_scheduler_paused(true, "Bob").unwrap(),
        "pausing a paused scheduler changes nothing"
    );
    let state = db.reopen().scheduler_state().unwrap();
    let store = &mut db.store;
    assert!(state.paused, "another connection sees it");
    assert_eq!(state.changed_by.as_deref(), Some("Ann"));
    assert!(state.changed_at.is_some());

    let error = store.set_scheduler_paused(false, " ").unwrap_err();
    assert_eq!(error.code(), "invalid_input", "{error}");
    assert!(
        store.scheduler_state().unwrap().paused,
        "a refused resume writes nothing"
    );

    let audit = store.audit_log(None, 10, 0).unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].action, AuditAction::EnginePaused);
}

#[test]
fn the_log_level_and_the_backups_kept_are_checked_and_kept() {
    let mut db = TestStore::untouched();
    let defaults = AppSettings::default();
    assert_eq!(defaults.log_level, LogLevel::Info, "info unless changed");
    assert_eq!(
        defaults.backup_keep as usize,
        deckhand::backup::DEFAULT_KEEP,
        "14 unless changed"
    );

    let settings = db
        .store
        .set_setting(SettingKey::LogLevel, " DEBUG ", "Ann")
        .unwrap();
    assert_eq!(settings.log_level, LogLevel::Debug, "trimmed, any case");
    let settings = db
        .store
        .set_setting(SettingKey::BackupKeep, " 30 ", "Ann")
        .unwrap();
    assert_eq!(settings.backup_keep, 30);
    for (key, value) in [
        (SettingKey::BackupKeep, "1"),
        (SettingKey::BackupKeep, "365"),
    ] {
        db.store
            .set_setting(key, value, "Ann")
            .unwrap_or_else(|e| panic!("{value} backups is allowed: {e}"));
    }
    assert_eq!(
        db.reopen().settings().unwrap().log_level,
        LogLevel::Debug,
        "kept across a restart"
    );
    let entry = &db.store.audit_log(Some("log_level"), 1, 0).unwrap()[0];
    assert_eq!(entry.detail, "log_level: 'info' → 'debug'", "audited");
    let reset = db.store.reset_setting(SettingKey::LogLevel, "Ann").unwrap();
    assert_eq!(reset.log_level, LogLevel::Info);
}

#[test]
fn a_bad_log_level_or_backup_count_names_the_field_and_saves_nothing() {
    let mut db = TestStore::untouched();
    let cases = [
        (
            SettingKey::LogLevel,
            "verbose",
            "error, warn, info, debug or trace",
        ),
        (
            SettingKey::LogLevel,
            "",
            "error, warn, info, debug or trace",
        ),
        // A logger spec is for DECKHAND_LOG; the setting is one of the five words.
        (
            SettingKey::LogLevel,
            "info,deckhand=debug",
            "is not a log level",
        ),
        (SettingKey::BackupKeep, "0", "from 1 to 365"),
        (SettingKey::BackupKeep, "366", "from 1 to 365"),
        (SettingKey::BackupKeep, "ten", "from 1 to 365"),
        (SettingKey::BackupKeep, "-1", "from 1 to 365"),
        (SettingKey::BackupKeep, "2.5", "from 1 to 365"),
    ];
    for (key, value, says) in cases {
        let error = db.store.set_setting(key, value, ACTOR).unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{key} = {value:?}");
        let ipc = deckhand::error::IpcError::from(error);
        assert_eq!(
            ipc.fields
                .iter()
                .map(|f| f.field.as_str())
                .collect::<Vec<_>>(),
            [key.to_string()],
            "{key} = {value:?}: the message goes under its field"
        );
        assert!(
            ipc.message.contains(says),
            "{key} = {value:?} should say {says:?}: {}",
            ipc.message
        );
    }
    assert_eq!(db.store.settings().unwrap(), AppSettings::default());
    assert_eq!(db.count("audit_log"), 0, "nothing saved, nothing audited");
}

#[test]
fn settings_are_read_before_the_store_opens_without_touching_the_database() {
    let mut db = TestStore::untouched();
    let missing = db.path().with_file_name("none.sqlite3");
    assert_eq!(Store::read_settings(&missing), None);
    assert!(!missing.exists(), "reading creates no database");
    assert_eq!(
        deckhand::host::backup_keep(&missing),
        deckhand::backup::DEFAULT_KEEP,
        "no database: the default"
    );

    db.store
        .set_setting(SettingKey::LogLevel, "warn", ACTOR)
        .unwrap();
    db.store
        .set_setting(SettingKey::BackupKeep, "3", ACTOR)
        .unwrap();
    let read = Store::read_settings(&db.path()).expect("the settings are read");
    assert_eq!(read.log_level, LogLevel::Warn);
    assert_eq!(
        deckhand::host::backup_keep(&db.path()),
        3,
        "the daily backup keeps 3"
    );

    // A value written by hand that does not validate is passed over for the default.
    db.raw()
        .execute(
            "UPDATE settings SET value = 'loud' WHERE key = 'log_level'",
            [],
        )
        .unwrap();
    let read = Store::read_settings(&db.path()).unwrap();
    assert_eq!(read.log_level, LogLevel::Info);
}
