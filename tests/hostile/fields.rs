//! Every field the desktop's IPC commands hand to the store, fed every hostile value: each is
//! refused with the field named and a readable message, and the database is not touched.

use chrono::{DateTime, Duration, Utc};
use deckhand::error::IpcError;
use deckhand::model::{
    ContactDraft, EventKind, HistoryQuery, Recurrence, ScheduleDraft, SettingKey, SmtpSettings,
    TlsMode,
};
use deckhand::store::{Store, StoreError};
use uuid::Uuid;

use crate::support::hostile::{
    assert_readable, bad_emails, bad_numbers, bad_text, not_methods, snapshot,
};
use crate::support::{ACTOR, TestStore, daily};

/// A database with one of everything a person can edit, so both "create" and "edit" paths
/// have something to work on.
struct Seeded {
    db: TestStore,
    schedule: deckhand::model::Schedule,
    recovering: deckhand::model::Schedule,
    contact: deckhand::model::Contact,
}

fn seeded() -> Seeded {
    let mut db = TestStore::new();
    let schedule = db.store.create_schedule(&daily("Prep"), ACTOR).unwrap();
    let recovering = db.store.create_schedule(&daily("Wash"), ACTOR).unwrap();
    let recovering = db
        .store
        .mark_recovery_required(recovering.id, "tips jammed", ACTOR)
        .unwrap();
    let contact = db
        .store
        .create_contact(&contact("Ann", "ann@example.org"), ACTOR)
        .unwrap();
    db.store.set_smtp_settings(&smtp(), ACTOR).unwrap();
    db.store
        .set_setting(SettingKey::MaxConcurrentRuns, "2", ACTOR)
        .unwrap();
    Seeded {
        db,
        schedule,
        recovering,
        contact,
    }
}

fn contact(name: &str, email: &str) -> ContactDraft {
    ContactDraft {
        name: name.to_owned(),
        email: email.to_owned(),
        enabled: true,
        events: EventKind::defaults(),
    }
}

fn smtp() -> SmtpSettings {
    SmtpSettings {
        host: "smtp.example.org".to_owned(),
        port: 587,
        tls: TlsMode::Starttls,
        username: Some("lab".to_owned()),
        from_address: "deckhand@example.org".to_owned(),
    }
}

/// Asserts `result` was refused as bad input naming `field`, with a readable message.
#[track_caller]
fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>, field: &str, context: &str) {
    let error = IpcError::from(result.expect_err(&format!("{context}: must be refused")));
    assert_eq!(error.code, "invalid_input", "{context}: {}", error.message);
    assert!(
        error.fields.iter().any(|f| f.field == field),
        "{context}: the error names {field}: {:?}",
        error.fields
    );
    assert_readable(&error.message, context);
    for f in &error.fields {
        assert_readable(&f.message, context);
    }
}

/// Calls on the store that write a text field, each paired with the field it names.
type TextCall = (
    &'static str,
    &'static str,
    fn(&mut Seeded, &str) -> Result<(), StoreError>,
);

fn text_calls() -> Vec<TextCall> {
    vec![
        ("create schedule", "name", |s, v| {
            let draft = ScheduleDraft {
                name: v.to_owned(),
                ..daily("x")
            };
            s.db.store.create_schedule(&draft, ACTOR).map(drop)
        }),
        ("create schedule", "methodPath", |s, v| {
            let draft = ScheduleDraft {
                method_path: v.to_owned(),
                ..daily("x")
            };
            s.db.store.create_schedule(&draft, ACTOR).map(drop)
        }),
        ("create schedule as", "actor", |s, v| {
            s.db.store.create_schedule(&daily("x"), v).map(drop)
        }),
        ("edit schedule", "name", |s, v| {
            let mut draft = s.schedule.draft();
            draft.name = v.to_owned();
            let (id, token) = (s.schedule.id, s.schedule.updated_at);
            s.db.store
                .update_schedule(id, &draft, token, ACTOR)
                .map(drop)
        }),
        ("edit schedule", "methodPath", |s, v| {
            let mut draft = s.schedule.draft();
            draft.method_path = v.to_owned();
            let (id, token) = (s.schedule.id, s.schedule.updated_at);
            s.db.store
                .update_schedule(id, &draft, token, ACTOR)
                .map(drop)
        }),
        ("resolve recovery by", "actor", |s, v| {
            let id = s.recovering.id;
            s.db.store.resolve_recovery(id, "cleared", v).map(drop)
        }),
        ("add contact", "name", |s, v| {
            s.db.store
                .create_contact(&contact(v, "bob@example.org"), ACTOR)
                .map(drop)
        }),
        ("add contact", "email", |s, v| {
            s.db.store
                .create_contact(&contact("Bob", v), ACTOR)
                .map(drop)
        }),
        ("edit contact", "name", |s, v| {
            let id = s.contact.id;
            s.db.store
                .update_contact(id, &contact(v, "ann@example.org"), ACTOR)
                .map(drop)
        }),
        ("edit contact", "email", |s, v| {
            let id = s.contact.id;
            s.db.store
                .update_contact(id, &contact("Ann", v), ACTOR)
                .map(drop)
        }),
        ("mail server", "host", |s, v| {
            let settings = SmtpSettings {
                host: v.to_owned(),
                ..smtp()
            };
            s.db.store.set_smtp_settings(&settings, ACTOR).map(drop)
        }),
        ("mail server", "fromAddress", |s, v| {
            let settings = SmtpSettings {
                from_address: v.to_owned(),
                ..smtp()
            };
            s.db.store.set_smtp_settings(&settings, ACTOR).map(drop)
        }),
        ("HxRun path", "hxrun_path", |s, v| {
            s.db.store
                .set_setting(SettingKey::HxrunPath, v, ACTOR)
                .map(drop)
        }),
        ("HxRun arguments", "hxrun_args", |s, v| {
            s.db.store
                .set_setting(SettingKey::HxrunArgs, v, ACTOR)
                .map(drop)
        }),
        ("methods folder", "methods_folder", |s, v| {
            s.db.store
                .set_setting(SettingKey::MethodsFolder, v, ACTOR)
                .map(drop)
        }),
        ("log folder", "log_folder", |s, v| {
            s.db.store
                .set_setting(SettingKey::LogFolder, v, ACTOR)
                .map(drop)
        }),
        ("robot process names", "robot_process_names", |s, v| {
            s.db.store
                .set_setting(SettingKey::RobotProcessNames, v, ACTOR)
                .map(drop)
        }),
        ("several settings at once", "log_folder", |s, v| {
            s.db.store
                .set_settings(
                    &[
                        (SettingKey::MethodsFolder, "/srv/methods"),
                        (SettingKey::LogFolder, v),
                    ],
                    ACTOR,
                )
                .map(drop)
        }),
    ]
}

#[test]
fn every_text_field_refuses_every_hostile_value_and_writes_nothing() {
    let mut s = seeded();
    let before = snapshot(&s.db.path());
    for hostile in bad_text() {
        for (call, field, f) in text_calls() {
            // `{method}` must be in the HxRun arguments, so those fail for that reason too;
            // what matters is that they fail.
            let context = format!(
                "{call} {field} = {} ({:.40?})",
                hostile.label, hostile.value
            );
            refused(f(&mut s, &hostile.value), field, &context);
        }
    }
    assert_eq!(snapshot(&s.db.path()), before, "nothing was written");
}

#[test]
fn method_paths_that_are_not_methods_are_refused() {
    let mut s = seeded();
    let before = snapshot(&s.db.path());
    for hostile in not_methods() {
        let draft = ScheduleDraft {
            method_path: hostile.value.clone(),
            ..daily("x")
        };
        refused(
            s.db.store.create_schedule(&draft, ACTOR),
            "methodPath",
            hostile.label,
        );
    }
    assert_eq!(snapshot(&s.db.path()), before, "nothing was written");
}

#[test]
fn invalid_email_addresses_are_refused_for_contacts_and_the_sender() {
    let mut s = seeded();
    let before = snapshot(&s.db.path());
    for hostile in bad_emails() {
        let context = format!("{} ({:.60?})", hostile.label, hostile.value);
        refused(
            s.db.store
                .create_contact(&contact("Bob", &hostile.value), ACTOR),
            "email",
            &context,
        );
        let settings = SmtpSettings {
            from_address: hostile.value.clone(),
            ..smtp()
        };
        refused(
            s.db.store.set_smtp_settings(&settings, ACTOR),
            "fromAddress",
            &context,
        );
    }
    assert_eq!(snapshot(&s.db.path()), before, "nothing was written");
}

#[test]
fn a_valid_address_is_kept_as_one_address() {
    let mut db = TestStore::new();
    let saved = db
        .store
        .create_contact(&contact("Ann", "  ann.o'neil+lab@example.org  "), ACTOR)
        .unwrap();
    assert_eq!(saved.email, "ann.o'neil+lab@example.org");
}

#[test]
fn mail_server_hosts_with_schemes_ports_or_paths_are_refused() {
    let mut s = seeded();
    let before = snapshot(&s.db.path());
    for host in [
        "smtp://smtp.example.org",
        "smtp.example.org/submit",
        "ann@smtp.example.org",
        "smtp example org",
        r"\\smtp\share",
        "smtp.example.org?x=1",
        "smtp.example.org#frag",
    ] {
        let settings = SmtpSettings {
            host: host.to_owned(),
            ..smtp()
        };
        refused(s.db.store.set_smtp_settings(&settings, ACTOR), "host", host);
    }
    let port0 = SmtpSettings { port: 0, ..smtp() };
    refused(
        s.db.store.set_smtp_settings(&port0, ACTOR),
        "port",
        "port 0",
    );
    let user = SmtpSettings {
        username: Some("lab\r\nRCPT TO:<eve@example.org>".to_owned()),
        ..smtp()
    };
    refused(
        s.db.store.set_smtp_settings(&user, ACTOR),
        "username",
        "header injection in the user name",
    );
    assert_eq!(snapshot(&s.db.path()), before, "nothing was written");
}

#[test]
fn number_settings_refuse_anything_but_a_whole_number_in_range() {
    let mut s = seeded();
    let before = snapshot(&s.db.path());
    for key in [
        SettingKey::MaxConcurrentRuns,
        SettingKey::StuckThresholdMinutes,
        SettingKey::Simulation,
    ] {
        let out_of_range = match key {
            SettingKey::MaxConcurrentRuns => "33",
            _ => "1441",
        };
        for value in bad_numbers()
            .into_iter()
            .map(str::to_owned)
            .chain([out_of_range.to_owned(), "9".repeat(100_000)])
        {
            let context = format!("{key} = {:.40?}", value);
            refused(
                s.db.store.set_setting(key, &value, ACTOR),
                &key.to_string(),
                &context,
            );
        }
    }
    assert_eq!(snapshot(&s.db.path()), before, "nothing was written");
}

#[test]
fn notes_refuse_empty_huge_and_hidden_characters_but_keep_line_breaks() {
    let mut s = seeded();
    let before = snapshot(&s.db.path());
    let line_breaks_allowed = [
        "CR LF",
        "LF",
        "tab",
        "line separator",
        "paragraph separator",
    ];
    for hostile in bad_text() {
        if line_breaks_allowed.contains(&hostile.label) {
            continue;
        }
        let context = format!("note = {}", hostile.label);
        let id = s.schedule.id;
        refused(
            s.db.store.mark_recovery_required(id, &hostile.value, ACTOR),
            "note",
            &context,
        );
        let id = s.recovering.id;
        refused(
            s.db.store.resolve_recovery(id, &hostile.value, ACTOR),
            "note",
            &context,
        );
    }
    assert_eq!(snapshot(&s.db.path()), before, "nothing was written");
    let resolved =
        s.db.store
            .resolve_recovery(s.recovering.id, "Cleared the jam.\r\nReloaded tips.", ACTOR)
            .unwrap();
    assert!(
        resolved.recovery.is_none(),
        "a note with line breaks is fine"
    );
}

fn instant(text: &str) -> DateTime<Utc> {
    crate::support::t(text)
}

#[test]
fn schedule_numbers_and_times_out_of_range_are_refused_with_their_field() {
    let mut s = seeded();
    let now = s.db.store.now();
    let before = snapshot(&s.db.path());
    let far_past = [
        DateTime::<Utc>::MIN_UTC,
        instant("0001-01-01T00:00:00Z"),
        instant("1970-01-01T00:00:00Z"),
        instant("1999-12-31T23:59:59Z"),
    ];
    let far_future = [
        DateTime::<Utc>::MAX_UTC,
        instant("9999-12-31T23:59:59Z"),
        now + Duration::days(366 * 11),
    ];
    let bad_hours = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -0.0,
        0.0,
        f64::MIN_POSITIVE,
        1e-300,
        0.001,
        24.0 * 366.0,
        1e308,
        f64::MAX,
    ];
    let start = now + Duration::hours(1);
    let mut recurrences: Vec<Recurrence> = Vec::new();
    for at in far_past
        .iter()
        .chain(&far_future)
        .chain(&[now - Duration::days(1)])
    {
        recurrences.push(Recurrence::Once { at: *at });
    }
    for at in far_past.iter().chain(&far_future) {
        recurrences.push(Recurrence::Daily { start: *at });
        recurrences.push(Recurrence::Hourly { start: *at });
        recurrences.push(Recurrence::Weekly { start: *at });
        recurrences.push(Recurrence::Interval {
            hours: 6.0,
            start: *at,
        });
    }
    for hours in bad_hours {
        recurrences.push(Recurrence::Interval { hours, start });
    }
    recurrences.push(Recurrence::Weekdays {
        days: vec![],
        time: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
    });
    for recurrence in recurrences {
        let context = format!("{recurrence:?}");
        let draft = ScheduleDraft {
            recurrence: recurrence.clone(),
            ..daily("x")
        };
        refused(
            s.db.store.create_schedule(&draft, ACTOR),
            "recurrence",
            &context,
        );
        let mut edit = s.schedule.draft();
        edit.recurrence = recurrence.clone();
        refused(
            s.db.store
                .update_schedule(s.schedule.id, &edit, s.schedule.updated_at, ACTOR),
            "recurrence",
            &context,
        );
        // What the form's preview (the `preview_recurrence` command) does first.
        let error = deckhand::validate::recurrence(&recurrence, None, now).unwrap_err();
        assert_eq!(error.field, "recurrence");
        assert_readable(&error.message, &context);
    }
    type Tweak = (&'static str, fn(&mut ScheduleDraft));
    let tweaks: &[Tweak] = &[
        ("retry.maxAttempts", |d| d.retry.max_attempts = 0),
        ("retry.maxAttempts", |d| d.retry.max_attempts = u32::MAX),
        ("retry.delayMinutes", |d| d.retry.delay_minutes = 0),
        ("retry.delayMinutes", |d| d.retry.delay_minutes = u32::MAX),
        ("retry.maxDelayMinutes", |d| d.retry.max_delay_minutes = 1),
        ("retry.maxDelayMinutes", |d| {
            d.retry.max_delay_minutes = u32::MAX
        }),
        ("missedRuns.graceMinutes", |d| {
            d.missed_runs.grace_minutes = u32::MAX
        }),
        ("expectedDurationMinutes", |d| {
            d.expected_duration_minutes = Some(0)
        }),
        ("expectedDurationMinutes", |d| {
            d.expected_duration_minutes = Some(u32::MAX)
        }),
        ("stuckMinutes", |d| d.stuck_minutes = Some(0)),
        ("stuckMinutes", |d| d.stuck_minutes = Some(u32::MAX)),
    ];
    for (field, tweak) in tweaks {
        let mut draft = daily("x");
        tweak(&mut draft);
        let context = format!("{field}: {draft:?}");
        refused(s.db.store.create_schedule(&draft, ACTOR), field, &context);
    }
    assert_eq!(snapshot(&s.db.path()), before, "nothing was written");
}

#[test]
fn everything_wrong_at_once_is_reported_at_once() {
    let mut s = seeded();
    let before = snapshot(&s.db.path());
    let draft = ScheduleDraft {
        name: "\u{202E}".to_owned(),
        method_path: "/etc/passwd".to_owned(),
        recurrence: Recurrence::Interval {
            hours: f64::NAN,
            start: DateTime::<Utc>::MIN_UTC,
        },
        expected_duration_minutes: Some(0),
        ..daily("x")
    };
    let error = IpcError::from(s.db.store.create_schedule(&draft, ACTOR).unwrap_err());
    let fields: Vec<&str> = error.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "name",
            "methodPath",
            "recurrence",
            "expectedDurationMinutes"
        ]
    );
    assert_eq!(snapshot(&s.db.path()), before, "nothing was written");
}

#[test]
fn reads_with_hostile_filters_fail_cleanly_or_answer() {
    let s = seeded();
    let before = snapshot(&s.db.path());
    let store: &Store = &s.db.store;
    for limit in [0, 1001, u32::MAX] {
        let query = HistoryQuery {
            limit,
            ..Default::default()
        };
        refused(store.history(&query), "limit", "history page size");
    }
    let backwards = HistoryQuery {
        from: Some(DateTime::<Utc>::MAX_UTC),
        to: Some(DateTime::<Utc>::MIN_UTC),
        ..Default::default()
    };
    refused(store.history(&backwards), "from", "history range backwards");
    let everything = HistoryQuery {
        from: Some(DateTime::<Utc>::MIN_UTC),
        to: Some(DateTime::<Utc>::MAX_UTC),
        offset: u32::MAX,
        schedule_id: Some(Uuid::nil()),
        ..Default::default()
    };
    assert!(store.history(&everything).unwrap().entries.is_empty());
    let mut csv = Vec::new();
    store.export_history_csv(&everything, &mut csv).unwrap();
    refused(store.audit_log(None, 0, 0), "limit", "audit page size");
    for target in [
        "",
        "\0",
        "'; DROP TABLE audit_log; --",
        &"x".repeat(100_000),
    ] {
        assert!(
            store
                .audit_log(Some(target), 10, u32::MAX)
                .unwrap()
                .is_empty()
        );
    }
    // The calendar (the command lets through at most two months, anywhere in time).
    let now = store.now();
    for (from, to) in [
        (
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MIN_UTC + Duration::days(62),
        ),
        (
            DateTime::<Utc>::MAX_UTC - Duration::days(62),
            DateTime::<Utc>::MAX_UTC,
        ),
        (now - Duration::days(31), now + Duration::days(31)),
    ] {
        for tz in [
            chrono_tz::Pacific::Kiritimati,
            chrono_tz::Pacific::Pago_Pago,
        ] {
            deckhand::status::calendar(store, from, to, now, &tz).unwrap();
        }
    }
    assert_eq!(snapshot(&s.db.path()), before, "reads wrote nothing");
}

/// A typed value is quoted back escaped and cut short, so a message stays a sentence.
#[test]
fn messages_quote_typed_values_briefly_and_escaped() {
    let now = crate::support::t("2026-06-01T12:00:00Z");
    for hours in [f64::MIN_POSITIVE, 1e-300, f64::MAX] {
        let error =
            deckhand::validate::recurrence(&Recurrence::Interval { hours, start: now }, None, now)
                .unwrap_err();
        assert!(error.message.len() < 150, "{}", error.message);
    }
    let error = deckhand::validate::email("email", &format!("{}@@x", "a".repeat(200))).unwrap_err();
    assert!(error.message.len() < 250, "{}", error.message);
    let error =
        deckhand::validate::setting(SettingKey::MaxConcurrentRuns, "\u{1b}[2J7").unwrap_err();
    assert!(error.message.contains(r"\u{1b}[2J7"), "{}", error.message);
    assert_eq!(
        deckhand::validate::shown(&"é".repeat(100)),
        format!("{}…", "é".repeat(60))
    );
}
