use chrono::Duration;
use deckhand::model::{AuditAction, Recurrence, ScheduleListFilter, SettingKey, Weekday};
use deckhand::store::StoreError;

use crate::support::{ACTOR, TestStore, daily, t};

#[test]
fn create_get_and_list() {
    let mut db = TestStore::new();
    let created = db
        .store
        .create_schedule(&daily("  Nightly prep  "), ACTOR)
        .unwrap();
    assert_eq!(created.name, "Nightly prep", "names are trimmed");
    assert_eq!(
        created.created_at,
        t("2026-06-01T12:00:00Z"),
        "times come from the injected clock"
    );
    assert_eq!(created.updated_at, created.created_at);
    assert!(created.active && !created.archived && created.recovery.is_none());
    assert_eq!(db.store.get_schedule(created.id).unwrap(), created);

    let other = db
        .store
        .create_schedule(&daily("Afternoon wash"), ACTOR)
        .unwrap();
    db.store.set_archived(other.id, true, ACTOR).unwrap();
    let names = |filter| -> Vec<String> {
        db.store
            .list_schedules(filter)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect()
    };
    assert_eq!(names(ScheduleListFilter::Active), ["Nightly prep"]);
    assert_eq!(names(ScheduleListFilter::Archived), ["Afternoon wash"]);
    assert_eq!(
        names(ScheduleListFilter::All),
        ["Afternoon wash", "Nightly prep"],
        "sorted by name"
    );
}

#[test]
fn every_recurrence_kind_round_trips() {
    let mut db = TestStore::new();
    let start = t("2026-06-02T08:00:00Z");
    let kinds = [
        Recurrence::Once { at: start },
        Recurrence::Interval { hours: 1.5, start },
        Recurrence::Hourly { start },
        Recurrence::Daily { start },
        Recurrence::Weekly { start },
        Recurrence::Weekdays {
            days: vec![Weekday::Fri, Weekday::Mon, Weekday::Mon],
            time: chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
        },
    ];
    for recurrence in kinds {
        let mut draft = daily("Round trip");
        draft.recurrence = recurrence.clone();
        let saved = db.store.create_schedule(&draft, ACTOR).unwrap();
        let expected = match recurrence {
            Recurrence::Weekdays { time, .. } => Recurrence::Weekdays {
                days: vec![Weekday::Mon, Weekday::Fri],
                time,
            },
            other => other,
        };
        assert_eq!(
            saved.recurrence, expected,
            "stored and read back (weekdays sorted, deduplicated)"
        );
        assert_eq!(
            db.store.get_schedule(saved.id).unwrap().recurrence,
            expected
        );
    }
}

#[test]
fn an_edit_with_a_stale_token_is_refused_with_the_current_record() {
    let mut db = TestStore::new();
    let original = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();

    db.clock.advance(Duration::minutes(1));
    let mut first = original.draft();
    first.name = "Prep (edited elsewhere)".to_owned();
    let edited = db
        .store
        .update_schedule(original.id, &first, original.updated_at, "Ann")
        .unwrap();
    assert!(
        edited.updated_at > original.updated_at,
        "an edit moves the token"
    );

    let mut second = original.draft();
    second.name = "Prep (stale form)".to_owned();
    match db
        .store
        .update_schedule(original.id, &second, original.updated_at, "Bob")
    {
        Err(StoreError::Conflict { current }) => {
            assert_eq!(
                *current, edited,
                "the conflict carries what the schedule is now"
            );
        }
        other => panic!("a stale token must give a conflict, got {other:?}"),
    }
    assert_eq!(
        db.store.get_schedule(original.id).unwrap().name,
        "Prep (edited elsewhere)",
        "nothing written"
    );
}

#[test]
fn two_edits_in_one_millisecond_still_get_different_tokens() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let a = db
        .store
        .update_schedule(s.id, &s.draft(), s.updated_at, ACTOR)
        .unwrap();
    let b = db
        .store
        .update_schedule(s.id, &a.draft(), a.updated_at, ACTOR)
        .unwrap();
    assert!(
        s.updated_at < a.updated_at && a.updated_at < b.updated_at,
        "tokens strictly increase"
    );
    assert!(
        db.store
            .update_schedule(s.id, &s.draft(), a.updated_at, ACTOR)
            .is_err(),
        "old token refused"
    );
}

#[test]
fn background_run_times_never_change_the_token() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    db.clock.advance(Duration::hours(1));
    db.store
        .set_run_times(
            s.id,
            Some(t("2026-06-02T08:00:00Z")),
            Some(t("2026-06-01T08:00:00Z")),
        )
        .unwrap();
    let after = db.store.get_schedule(s.id).unwrap();
    assert_eq!(
        after.updated_at, s.updated_at,
        "the engine's writes must not make an open form stale"
    );
    assert_eq!(after.next_run, Some(t("2026-06-02T08:00:00Z")));
    assert_eq!(after.last_run, Some(t("2026-06-01T08:00:00Z")));
    // An edit based on the token from before the background write still lands.
    db.store
        .update_schedule(s.id, &s.draft(), s.updated_at, ACTOR)
        .expect("no conflict");
}

#[test]
fn archive_and_unarchive() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let archived = db.store.set_archived(s.id, true, ACTOR).unwrap();
    assert!(archived.archived);
    assert!(
        db.store.runnable_schedules().unwrap().is_empty(),
        "archived schedules do not run"
    );
    let back = db.store.set_archived(s.id, false, ACTOR).unwrap();
    assert!(!back.archived);
    assert_eq!(db.store.runnable_schedules().unwrap().len(), 1);
}

#[test]
fn recovery_stops_a_schedule_until_resolved() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let marked = db
        .store
        .mark_recovery_required(s.id, "Run aborted at Aspirate", "engine")
        .unwrap();
    let recovery = marked.recovery.clone().expect("recovery recorded");
    assert_eq!(
        (recovery.note.as_str(), recovery.actor.as_str()),
        ("Run aborted at Aspirate", "engine")
    );
    assert!(!marked.active, "a schedule that needs recovery is inactive");
    assert!(db.store.runnable_schedules().unwrap().is_empty());

    let mut resume = marked.draft();
    resume.active = true;
    let error = db
        .store
        .update_schedule(s.id, &resume, marked.updated_at, ACTOR)
        .unwrap_err();
    assert_eq!(
        error.code(),
        "invalid_input",
        "an edit cannot skip the recovery: {error}"
    );

    let resolved = db
        .store
        .resolve_recovery(s.id, "Cleared the tip jam, deck checked", "Ann")
        .unwrap();
    assert!(resolved.active && resolved.recovery.is_none());
    let log = db.store.audit_log(Some(&s.id.to_string()), 10, 0).unwrap();
    assert_eq!(log[0].action, AuditAction::RecoveryResolved);
    assert_eq!(log[0].actor, "Ann");
    assert!(
        log[0].detail.contains("Cleared the tip jam"),
        "the note is in the audit log"
    );
    assert_eq!(
        db.store
            .resolve_recovery(s.id, "again", "Ann")
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

#[test]
fn every_user_action_is_audited() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), "Ann").unwrap();
    db.store
        .update_schedule(s.id, &s.draft(), s.updated_at, "Ann")
        .unwrap();
    db.store.set_archived(s.id, true, "Ann").unwrap();
    db.store.set_archived(s.id, false, "Ann").unwrap();
    db.store
        .mark_recovery_required(s.id, "aborted", "engine")
        .unwrap();
    db.store.resolve_recovery(s.id, "fixed", "Ann").unwrap();
    db.store.delete_schedule(s.id, "Ann").unwrap();
    let actions: Vec<AuditAction> = db
        .store
        .audit_log(Some(&s.id.to_string()), 100, 0)
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            AuditAction::ScheduleCreated,
            AuditAction::ScheduleEdited,
            AuditAction::ScheduleArchived,
            AuditAction::ScheduleUnarchived,
            AuditAction::RecoveryRequired,
            AuditAction::RecoveryResolved,
            AuditAction::ScheduleDeleted,
        ]
    );
}

/// What to do to a valid draft to make it invalid.
type Change = Box<dyn Fn(&mut deckhand::model::ScheduleDraft)>;

/// Each case: what to change in a valid draft, and the field that must be named.
#[test]
fn invalid_schedules_are_refused_and_nothing_is_written() {
    let cases: Vec<(&str, Change)> = vec![
        ("name", Box::new(|d| d.name = "   ".into())),
        ("name", Box::new(|d| d.name = "x".repeat(121))),
        ("name", Box::new(|d| d.name = "two\nlines".into())),
        ("methodPath", Box::new(|d| d.method_path = "".into())),
        (
            "methodPath",
            Box::new(|d| d.method_path = r"C:\Methods\Prep.txt".into()),
        ),
        (
            "methodPath",
            Box::new(|d| d.method_path = "Prep.med\u{0}".into()),
        ),
        (
            "recurrence",
            Box::new(|d| {
                d.recurrence = Recurrence::Interval {
                    hours: f64::NAN,
                    start: t("2026-06-02T08:00:00Z"),
                }
            }),
        ),
        (
            "recurrence",
            Box::new(|d| {
                d.recurrence = Recurrence::Interval {
                    hours: f64::INFINITY,
                    start: t("2026-06-02T08:00:00Z"),
                }
            }),
        ),
        (
            "recurrence",
            Box::new(|d| {
                d.recurrence = Recurrence::Interval {
                    hours: -1.0,
                    start: t("2026-06-02T08:00:00Z"),
                }
            }),
        ),
        (
            "recurrence",
            Box::new(|d| {
                d.recurrence = Recurrence::Interval {
                    hours: 0.0,
                    start: t("2026-06-02T08:00:00Z"),
                }
            }),
        ),
        (
            "recurrence",
            Box::new(|d| {
                d.recurrence = Recurrence::Interval {
                    hours: 8761.0,
                    start: t("2026-06-02T08:00:00Z"),
                }
            }),
        ),
        (
            "recurrence",
            Box::new(|d| {
                d.recurrence = Recurrence::Once {
                    at: t("2026-05-01T08:00:00Z"),
                }
            }),
        ),
        (
            "recurrence",
            Box::new(|d| {
                d.recurrence = Recurrence::Once {
                    at: t("2099-01-01T08:00:00Z"),
                }
            }),
        ),
        (
            "recurrence",
            Box::new(|d| {
                d.recurrence = Recurrence::Weekdays {
                    days: vec![],
                    time: chrono::NaiveTime::MIN,
                }
            }),
        ),
        ("retry.maxAttempts", Box::new(|d| d.retry.max_attempts = 0)),
        ("retry.maxAttempts", Box::new(|d| d.retry.max_attempts = 21)),
        (
            "retry.delayMinutes",
            Box::new(|d| d.retry.delay_minutes = 0),
        ),
        (
            "retry.maxDelayMinutes",
            Box::new(|d| {
                d.retry.delay_minutes = 10;
                d.retry.max_delay_minutes = 5
            }),
        ),
        (
            "missedRuns.graceMinutes",
            Box::new(|d| d.missed_runs.grace_minutes = 1441),
        ),
        (
            "expectedDurationMinutes",
            Box::new(|d| d.expected_duration_minutes = Some(0)),
        ),
        ("stuckMinutes", Box::new(|d| d.stuck_minutes = Some(0))),
    ];
    let mut db = TestStore::new();
    for (field, change) in cases {
        let mut draft = daily("Prep");
        change(&mut draft);
        match db.store.create_schedule(&draft, ACTOR) {
            Err(StoreError::Invalid(invalid)) => {
                assert_eq!(
                    invalid.0.len(),
                    1,
                    "one problem reported for {field}: {invalid}"
                );
                assert_eq!(
                    invalid.0[0].field, field,
                    "the wrong field is named: {invalid}"
                );
                assert!(
                    invalid.0[0].message.ends_with('.'),
                    "messages are sentences: {invalid}"
                );
            }
            other => panic!("{field}: expected invalid input, got {other:?}"),
        }
    }
    assert_eq!(db.count("schedules"), 0, "nothing written");
    assert_eq!(db.count("audit_log"), 0, "nothing audited");
}

#[test]
fn all_problems_are_reported_at_once() {
    let mut db = TestStore::new();
    let mut draft = daily("");
    draft.method_path = "prep.doc".into();
    let Err(StoreError::Invalid(invalid)) = db.store.create_schedule(&draft, ACTOR) else {
        panic!("expected invalid input")
    };
    let fields: Vec<&str> = invalid.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "methodPath"]);
}

#[test]
fn method_extensions_are_case_insensitive_and_hsl_is_allowed() {
    let mut db = TestStore::new();
    // About extensions only: methods anywhere (a share, too).
    db.store
        .set_setting(SettingKey::MethodsFolderOnly, "false", ACTOR)
        .unwrap();
    for path in [
        r"C:\Methods\A.MED",
        "relative/b.Hsl",
        r"\\server\share\c.med",
    ] {
        let mut draft = daily("Prep");
        draft.method_path = path.into();
        db.store
            .create_schedule(&draft, ACTOR)
            .unwrap_or_else(|e| panic!("{path} is a method: {e}"));
    }
}

#[test]
fn an_unchanged_once_time_in_the_past_may_be_kept_on_edit() {
    let mut db = TestStore::new();
    let mut draft = daily("One-off");
    draft.recurrence = Recurrence::Once {
        at: t("2026-06-01T13:00:00Z"),
    };
    let s = db.store.create_schedule(&draft, ACTOR).unwrap();
    db.clock.advance(Duration::days(2));
    let mut edit = s.draft();
    edit.name = "One-off (renamed after it ran)".into();
    db.store
        .update_schedule(s.id, &edit, s.updated_at, ACTOR)
        .expect("the old time is not re-validated");
}

#[test]
fn the_actor_is_required() {
    let mut db = TestStore::new();
    let error = db.store.create_schedule(&daily("Prep"), "  ").unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert_eq!(db.count("schedules"), 0);
}

#[test]
fn unknown_ids_are_not_found() {
    let mut db = TestStore::new();
    let id = uuid::Uuid::new_v4();
    assert_eq!(db.store.get_schedule(id).unwrap_err().code(), "not_found");
    assert_eq!(
        db.store.set_archived(id, true, ACTOR).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        db.store.delete_schedule(id, ACTOR).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        db.store.set_run_times(id, None, None).unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn schedules_are_found_by_id_prefix() {
    let mut db = TestStore::new();
    let s = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let prefix = &s.id.to_string()[..8];
    assert_eq!(db.store.find_schedule_by_prefix(prefix).unwrap().id, s.id);
    assert_eq!(
        db.store
            .find_schedule_by_prefix(&s.id.to_string())
            .unwrap()
            .id,
        s.id
    );
    assert_eq!(
        db.store.find_schedule_by_prefix("ab").unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        db.store
            .find_schedule_by_prefix("'; DROP TABLE")
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

#[test]
fn only_methods_inside_the_methods_folder_are_saved_unless_that_rule_is_off() {
    let mut db = TestStore::new();
    let methods = db.dir.path().join("Methods");
    let elsewhere = db.dir.path().join("Elsewhere");
    std::fs::create_dir_all(methods.join("Assays")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(methods.join("Assays").join("ELISA.med"), "").unwrap();
    std::fs::write(elsewhere.join("Wipe.med"), "").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(elsewhere.join("Wipe.med"), methods.join("Link.med")).unwrap();
    db.store
        .set_setting(SettingKey::MethodsFolder, methods.to_str().unwrap(), ACTOR)
        .unwrap();
    assert!(
        db.store.settings().unwrap().methods_folder_only,
        "on by default"
    );

    let save = |store: &mut deckhand::store::Store, path: &str| {
        let mut draft = daily("Assay");
        draft.method_path = path.to_owned();
        store.create_schedule(&draft, ACTOR)
    };
    let inside = methods.join("Assays").join("ELISA.med");
    for ok in [
        "Assays/ELISA.med",
        inside.to_str().unwrap(),
        "Not yet copied.med",
    ] {
        save(&mut db.store, ok).unwrap_or_else(|e| panic!("{ok} is inside: {e}"));
    }
    let before = db
        .store
        .list_schedules(ScheduleListFilter::All)
        .unwrap()
        .len();
    let outside = elsewhere.join("Wipe.med");
    let mut refused = vec![
        outside.to_str().unwrap().to_owned(),
        "/etc/Wipe.med".to_owned(),
    ];
    if cfg!(unix) {
        refused.push("Link.med".to_owned());
    }
    for bad in &refused {
        let error = save(&mut db.store, bad).unwrap_err();
        let StoreError::Invalid(invalid) = &error else {
            panic!("{bad}: {error}")
        };
        assert_eq!(invalid.0[0].field, "methodPath", "{bad}");
        assert!(
            invalid.0[0]
                .message
                .contains("is outside the methods folder")
                && invalid.0[0]
                    .message
                    .contains("Only methods in the methods folder"),
            "{bad}: {}",
            invalid.0[0].message
        );
    }
    assert_eq!(
        db.store
            .list_schedules(ScheduleListFilter::All)
            .unwrap()
            .len(),
        before,
        "nothing saved"
    );

    // An existing schedule can still be paused after the folder moves; a new method is checked.
    let kept = db
        .store
        .list_schedules(ScheduleListFilter::All)
        .unwrap()
        .into_iter()
        .find(|s| s.method_path == "Assays/ELISA.med")
        .unwrap();
    db.store
        .set_setting(
            SettingKey::MethodsFolder,
            elsewhere.to_str().unwrap(),
            ACTOR,
        )
        .unwrap();
    let mut paused = kept.draft();
    paused.active = false;
    let kept = db
        .store
        .update_schedule(kept.id, &paused, kept.updated_at, ACTOR)
        .expect("pausing never depends on where the method is");
    let mut moved = kept.draft();
    moved.method_path = inside.to_str().unwrap().to_owned();
    assert!(
        db.store
            .update_schedule(kept.id, &moved, kept.updated_at, ACTOR)
            .is_err(),
        "a method outside the (moved) folder is refused on edit"
    );

    db.store
        .set_setting(SettingKey::MethodsFolderOnly, "false", ACTOR)
        .unwrap();
    save(&mut db.store, outside.to_str().unwrap()).expect("the rule is off: anywhere");
}
