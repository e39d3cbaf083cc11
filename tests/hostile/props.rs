//! Property tests: arbitrary and hostile values into every validator, the store's writes, the
//! recurrence rules and the trace reader. No panic; what is accepted is clean; what is refused
//! names its field, reads well, and leaves the database as it was.

use std::cell::RefCell;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use deckhand::error::IpcError;
use deckhand::model::{
    Backoff, ContactDraft, DestinationDraft, DestinationKind, EventKind, MissedRunPolicy,
    Recurrence, RetryPolicy, ScheduleDraft, SettingKey, SmtpSettings, TlsMode, Weekday,
};
use deckhand::trace::{self, Line, TraceOutcome, TraceState};
use deckhand::{slots, validate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use strum::IntoEnumIterator;

use crate::support::hostile::{assert_readable, is_bidi_control, snapshot};
use crate::support::{ACTOR, TestStore};

const CASES: u32 = 192;

/// Pieces hostile text is made of.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n".to_owned()),
        Just("\0".to_owned()),
        Just("\u{1b}[2J".to_owned()),
        Just("\u{7f}".to_owned()),
        Just("\u{85}".to_owned()),
        Just("\u{2028}".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("\u{2067}".to_owned()),
        Just("\u{200B}".to_owned()),
        Just("\u{200F}".to_owned()),
        Just("\u{FEFF}".to_owned()),
        Just("\u{3000}".to_owned()),
        Just("é".to_owned()),
        Just("測".to_owned()),
        Just("مرحبا".to_owned()),
        Just("👩‍🔬".to_owned()),
        Just("Prep".to_owned()),
        Just(".med".to_owned()),
        Just(".hsl".to_owned()),
        Just(".exe".to_owned()),
        Just(r"..\".to_owned()),
        Just("../".to_owned()),
        Just(r"C:\".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("$(rm -rf ~)".to_owned()),
        Just("&|;<>`".to_owned()),
        Just("{method}".to_owned()),
        Just("@".to_owned()),
        Just("ann".to_owned()),
        Just("example.org".to_owned()),
        Just(",".to_owned()),
        Just("NaN".to_owned()),
        Just("-1".to_owned()),
        Just("7".to_owned()),
        Just("4294967296".to_owned()),
        Just("true".to_owned()),
        "\\PC{0,12}",
        any::<String>(),
    ]
}

/// Hostile text: fragments glued together, sometimes blown up past every limit.
fn hostile_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(fragment(), 0..8), 0usize..4).prop_map(|(parts, blow_up)| {
        let text = parts.concat();
        if blow_up == 0 && !text.is_empty() {
            text.repeat(100_000 / text.len() + 1)
        } else {
            text
        }
    })
}

/// What an accepted text must be: trimmed, one line, no direction tricks, not blank.
fn assert_clean(value: &str, max: usize) -> Result<(), TestCaseError> {
    prop_assert_eq!(value, value.trim());
    prop_assert!(!value.is_empty());
    prop_assert!(
        value.chars().count() <= max,
        "{} chars",
        value.chars().count()
    );
    prop_assert!(
        !value
            .chars()
            .any(|c| c.is_control() || is_bidi_control(c) || c == '\u{2028}' || c == '\u{2029}'),
        "accepted {:?}",
        value
    );
    Ok(())
}

fn readable(error: &validate::FieldError) -> Result<(), TestCaseError> {
    prop_assert!(!error.field.is_empty());
    assert_readable(&error.message, &error.field);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Every text validator: accepted values are clean, refused ones get a readable message.
    #[test]
    fn text_validators_never_let_dirt_through(value in hostile_text()) {
        let checks: [(&str, usize, Result<String, validate::FieldError>); 4] = [
            ("name", validate::MAX_NAME_CHARS, validate::name("name", &value)),
            ("actor", validate::MAX_ACTOR_CHARS, validate::actor(&value)),
            ("methodPath", validate::MAX_PATH_CHARS, validate::method_path(&value)),
            ("email", validate::MAX_EMAIL_CHARS, validate::email("email", &value)),
        ];
        for (field, max, result) in checks {
            match result {
                Ok(clean) => {
                    assert_clean(&clean, max)?;
                    if field == "methodPath" {
                        let lower = clean.to_lowercase();
                        prop_assert!(lower.ends_with(".med") || lower.ends_with(".hsl"));
                    }
                    if field == "email" {
                        prop_assert_eq!(clean.matches('@').count(), 1, "{:?}", clean);
                        prop_assert!(!clean.chars().any(char::is_whitespace));
                    }
                }
                Err(error) => {
                    prop_assert_eq!(&error.field, field);
                    readable(&error)?;
                }
            }
        }
        match validate::note(&value) {
            Ok(note) => {
                prop_assert!(!note.trim().is_empty());
                prop_assert!(note.chars().count() <= validate::MAX_NOTE_CHARS);
                prop_assert!(!note.chars().any(|c| is_bidi_control(c)
                    || (c.is_control() && !matches!(c, '\r' | '\n' | '\t'))));
            }
            Err(error) => readable(&error)?,
        }
    }

    /// Every setting, any value: a clean stored spelling or a readable refusal naming the key.
    #[test]
    fn settings_accept_only_their_own_kind_of_value(value in hostile_text()) {
        for key in SettingKey::iter() {
            match validate::setting(key, &value) {
                Ok(stored) => {
                    prop_assert!(!stored.chars().any(|c| c.is_control() || is_bidi_control(c)));
                    // What is stored reads back as itself.
                    prop_assert_eq!(validate::setting(key, &stored), Ok(stored.clone()));
                }
                Err(error) => {
                    let name = key.to_string();
                    prop_assert_eq!(&error.field, &name);
                    assert_readable(&error.message, &name);
                }
            }
        }
    }

    /// The mail server settings as a whole.
    #[test]
    fn smtp_settings_are_clean_or_refused(
        host in hostile_text(), user in prop::option::of(hostile_text()),
        from in hostile_text(), port in any::<u16>(),
    ) {
        let settings = SmtpSettings { host, port, tls: TlsMode::Tls, username: user, from_address: from };
        match validate::smtp(&settings) {
            Ok(clean) => {
                assert_clean(&clean.host, 253)?;
                assert_clean(&clean.from_address, validate::MAX_EMAIL_CHARS)?;
                if let Some(user) = &clean.username {
                    assert_clean(user, 256)?;
                }
                prop_assert!(clean.port > 0);
            }
            Err(invalid) => {
                prop_assert!(!invalid.0.is_empty());
                for error in &invalid.0 {
                    readable(error)?;
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// A chat or webhook destination: a clean name and an https (or loopback http) URL with a
    /// host and no credentials, or readable refusals that never quote the URL (it is a secret).
    #[test]
    fn destinations_are_clean_or_refused_without_quoting_the_url(
        name in hostile_text(),
        url in prop_oneof![
            hostile_text(),
            hostile_text().prop_map(|t| format!("https://hooks.example.org/{t}")),
            hostile_text().prop_map(|t| format!("https://{t}/hook")),
            hostile_text().prop_map(|t| format!("http://{t}@127.0.0.1:8080/x")),
        ],
    ) {
        let draft = DestinationDraft {
            name,
            kind: DestinationKind::Webhook,
            url: Some(url.clone()),
            enabled: true,
            events: vec![EventKind::RunFailed],
        };
        match validate::destination(&draft, true) {
            Ok((clean, checked)) => {
                assert_clean(&clean.name, validate::MAX_NAME_CHARS)?;
                let checked = checked.expect("a new destination's URL");
                let parsed = url::Url::parse(&checked.url).unwrap();
                prop_assert!(parsed.scheme() == "https" || parsed.scheme() == "http");
                prop_assert!(parsed.username().is_empty() && parsed.password().is_none());
                prop_assert!(!checked.url.chars().any(|c| c.is_control() || c.is_whitespace()));
                prop_assert!(!checked.host.is_empty());
                prop_assert!(!checked.host.contains('/') && !checked.host.contains('@'));
            }
            Err(invalid) => {
                prop_assert!(!invalid.0.is_empty());
                for error in &invalid.0 {
                    readable(error)?;
                    if error.field == "url" && url.trim().chars().count() > 12 {
                        prop_assert!(
                            !error.message.contains(url.trim()),
                            "the URL is quoted back: {}",
                            error.message
                        );
                    }
                }
            }
        }
    }
}

/// Any instant chrono can hold, with the edges and the near future weighted in.
fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let min = DateTime::<Utc>::MIN_UTC.timestamp_millis();
    let max = DateTime::<Utc>::MAX_UTC.timestamp_millis();
    let now = crate::support::t("2026-06-01T12:00:00Z").timestamp_millis();
    prop_oneof![
        Just(DateTime::<Utc>::MIN_UTC),
        Just(DateTime::<Utc>::MAX_UTC),
        (min..=max).prop_map(|ms| DateTime::from_timestamp_millis(ms).unwrap()),
        (now - 400 * 86_400_000i64..now + 4000 * 86_400_000i64)
            .prop_map(|ms| DateTime::from_timestamp_millis(ms).unwrap()),
    ]
}

/// Any hours value: the IEEE specials, subnormals, the huge, the negative, and sane ones.
fn any_hours() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        Just(1e-15),
        Just(f64::MAX),
        any::<f64>(),
        (1u32..20_000).prop_map(|m| f64::from(m) / 60.0),
        (-1e6..1e6f64),
    ]
}

fn any_recurrence() -> impl Strategy<Value = Recurrence> {
    prop_oneof![
        any_instant().prop_map(|at| Recurrence::Once { at }),
        (any_hours(), any_instant())
            .prop_map(|(hours, start)| Recurrence::Interval { hours, start }),
        any_instant().prop_map(|start| Recurrence::Hourly { start }),
        any_instant().prop_map(|start| Recurrence::Daily { start }),
        any_instant().prop_map(|start| Recurrence::Weekly { start }),
        (prop::collection::vec(0usize..7, 0..9), 0u32..24, 0u32..60).prop_map(|(days, h, m)| {
            let all: Vec<Weekday> = Weekday::iter().collect();
            Recurrence::Weekdays {
                days: days.into_iter().map(|d| all[d]).collect(),
                time: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            }
        }),
    ]
}

fn any_zone() -> impl Strategy<Value = Tz> {
    prop_oneof![
        Just(chrono_tz::UTC),
        Just(chrono_tz::Europe::Berlin),
        Just(chrono_tz::Australia::Lord_Howe),
        Just(chrono_tz::Pacific::Kiritimati),
        Just(chrono_tz::Pacific::Pago_Pago),
        Just(chrono_tz::America::St_Johns),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// The time rules, fed anything at all (as a damaged or hand-edited database could hold):
    /// no panic, no hang, and what comes out is in order and not before the question.
    #[test]
    fn the_time_rules_survive_any_recurrence(rec in any_recurrence(), from in any_instant(), tz in any_zone()) {
        let preview = slots::preview(&rec, from, 5, &tz);
        for slot in &preview {
            prop_assert!(*slot >= from);
        }
        for pair in preview.windows(2) {
            prop_assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
        }
        let _ = slots::after(&rec, from, &tz);
        let _ = slots::at_or_after(&rec, from, &tz);
        // The form's check: it never panics, and what it lets through the engine can lay out.
        let now = crate::support::t("2026-06-01T12:00:00Z");
        match validate::recurrence(&rec, None, now) {
            Ok(valid) => {
                if !matches!(valid, Recurrence::Once { .. }) {
                    prop_assert_eq!(slots::preview(&valid, now, 3, &tz).len(), 3, "{:?}", valid);
                }
            }
            Err(error) => {
                prop_assert_eq!(error.field.as_str(), "recurrence");
                assert_readable(&error.message, "recurrence");
            }
        }
    }

    /// Trace lines made of the words that decide and hostile bytes around them: no panic, one
    /// line counted per line fed, and a decided outcome always points at a line that was fed.
    #[test]
    fn the_trace_reader_survives_hostile_lines(lines in prop::collection::vec(trace_line(), 0..40)) {
        let mut state = TraceState::new();
        for line in &lines {
            state.feed(&Line::new(line.clone()));
        }
        let c = state.classification();
        prop_assert_eq!(c.lines, lines.len() as u64);
        match (c.outcome, c.line_number, &c.deciding_line) {
            (TraceOutcome::Unknown, None, None) => {}
            (TraceOutcome::Unknown, ..) => prop_assert!(false, "unknown with a deciding line"),
            (_, Some(n), Some(line)) => {
                prop_assert!(n >= 1 && n <= lines.len() as u64);
                prop_assert_eq!(line, &lines[n as usize - 1]);
            }
            other => prop_assert!(false, "{:?}", other),
        }
        // As bytes through the reader, with CRLF: the same verdict.
        let bytes: Vec<u8> = lines.iter().flat_map(|l| format!("{l}\r\n").into_bytes()).collect();
        let read = trace::classify(bytes.as_slice()).unwrap();
        // (Zero bytes may make the reader take the bytes for UTF-16, as they would be.)
        if !lines.iter().any(|l| l.contains(['\n', '\r', '\0'])) {
            prop_assert_eq!(read.outcome, c.outcome);
            prop_assert_eq!(read.touched_deck, c.touched_deck);
        }
    }
}

fn trace_line() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("2026-06-16 22:15:04> ".to_owned()),
        Just("SYSTEM : ".to_owned()),
        Just("ML_STAR : ".to_owned()),
        Just("Execute method - start".to_owned()),
        Just("; Method file ".to_owned()),
        Just("Method File".to_owned()),
        Just(" - error".to_owned()),
        Just(" - ERROR; ".to_owned()),
        Just("Abort command - complete".to_owned()),
        Just("End method - complete".to_owned()),
        Just(" : ".to_owned()),
        Just("> ".to_owned()),
        Just(";".to_owned()),
        Just("\0".to_owned()),
        Just("\u{FFFD}".to_owned()),
        Just("é".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("測試".to_owned()),
        Just(" ".to_owned()),
        "\\PC{0,6}",
    ];
    prop::collection::vec(word, 0..10).prop_map(|w| w.concat())
}

#[test]
fn an_endless_trace_line_is_cut_and_the_lines_after_it_still_count() {
    let mut bytes =
        b"2026-06-16 22:15:04> SYSTEM : Execute method - start; Method file C:\\M\\A.med\r\n"
            .to_vec();
    bytes.extend(std::iter::repeat_n(b'\0', 3 * 1024 * 1024));
    bytes.extend_from_slice(b"\r\n2026-06-16 22:17:32> SYSTEM : End method - complete; \r\n");
    let c = trace::classify(bytes.as_slice()).unwrap();
    assert_eq!(c.outcome, TraceOutcome::Completed);
    assert_eq!(
        c.line_number,
        Some(3),
        "the over-long line is cut and counted as one line"
    );
    assert_eq!(c.method_file.as_deref(), Some(r"C:\M\A.med"));
    assert!(c.touched_deck, "the method started");
}

// --- The store: whatever arrives over IPC, a refusal writes nothing ------------------------

fn any_u32() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(u32::MAX),
        0u32..50,
        0u32..20_000,
        any::<u32>()
    ]
}

fn any_draft() -> impl Strategy<Value = ScheduleDraft> {
    let text = || prop_oneof![3 => Just("Prep".to_owned()), 1 => hostile_text()];
    let path = || prop_oneof![3 => Just(r"C:\Methods\Prep.med".to_owned()), 1 => hostile_text()];
    let near = (0i64..(86_400_000 * 30))
        .prop_map(|ms| crate::support::t("2026-06-01T12:05:00Z") + Duration::milliseconds(ms));
    let recurrence = prop_oneof![
        2 => near.prop_map(|start| Recurrence::Daily { start }),
        1 => any_recurrence(),
    ];
    let retry = (any_u32(), any_u32(), any_u32()).prop_map(|(a, d, m)| RetryPolicy {
        max_attempts: a,
        delay_minutes: d,
        backoff: Backoff::Linear,
        max_delay_minutes: m,
    });
    (
        text(),
        path(),
        recurrence,
        prop_oneof![Just(RetryPolicy::default()), retry],
        any_u32(),
        prop::option::of(any_u32()),
        prop::option::of(any_u32()),
    )
        .prop_map(
            |(name, method_path, recurrence, retry, grace, expected, stuck)| ScheduleDraft {
                name,
                method_path,
                recurrence,
                retry,
                missed_runs: MissedRunPolicy {
                    catch_up: true,
                    grace_minutes: grace,
                },
                expected_duration_minutes: expected,
                stuck_minutes: stuck,
                active: true,
            },
        )
}

/// What the desktop could send to the store in one command.
#[derive(Debug, Clone)]
enum Command {
    CreateSchedule(ScheduleDraft),
    EditSchedule(ScheduleDraft),
    AddContact(ContactDraft),
    SetSmtp(SmtpSettings),
    SetSetting(SettingKey, String),
    MarkRecovery(String, String),
}

fn any_command() -> impl Strategy<Value = Command> {
    let email = prop_oneof![Just("bob@example.org".to_owned()), hostile_text()];
    let key = prop::sample::select(SettingKey::iter().collect::<Vec<_>>());
    prop_oneof![
        any_draft().prop_map(Command::CreateSchedule),
        any_draft().prop_map(Command::EditSchedule),
        (hostile_text(), email.clone()).prop_map(|(name, email)| Command::AddContact(
            ContactDraft {
                name,
                email,
                enabled: true,
                events: vec![EventKind::RunFailed],
            }
        )),
        (hostile_text(), any::<u16>(), email).prop_map(|(host, port, from)| Command::SetSmtp(
            SmtpSettings {
                host,
                port,
                tls: TlsMode::Starttls,
                username: None,
                from_address: from,
            }
        )),
        (key, hostile_text()).prop_map(|(k, v)| Command::SetSetting(k, v)),
        (hostile_text(), hostile_text())
            .prop_map(|(note, actor)| Command::MarkRecovery(note, actor)),
    ]
}

/// One store for every case (opening a database per case would be slow): each command either
/// lands whole (and is then checked to have been cleaned) or is refused as bad input and the
/// database is exactly as before.
#[test]
fn any_command_lands_whole_or_writes_nothing() {
    let db = RefCell::new(TestStore::new());
    let target = db
        .borrow_mut()
        .store
        .create_schedule(&crate::support::daily("Target"), ACTOR)
        .unwrap()
        .id;
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&any_command(), |command| {
            let mut db = db.borrow_mut();
            let before = snapshot(&db.path());
            let now = db.store.now();
            let result: Result<(), deckhand::StoreError> = match &command {
                Command::CreateSchedule(draft) => {
                    let result = db.store.create_schedule(draft, ACTOR);
                    if let Ok(saved) = &result {
                        let clean = validate::schedule(draft, None, now).unwrap();
                        prop_assert_eq!(&saved.draft(), &clean);
                        assert_clean(&saved.name, validate::MAX_NAME_CHARS)?;
                    }
                    result.map(drop)
                }
                Command::EditSchedule(draft) => {
                    let current = db.store.get_schedule(target).unwrap();
                    let result = db
                        .store
                        .update_schedule(target, draft, current.updated_at, ACTOR);
                    if let Ok(saved) = &result {
                        assert_clean(&saved.method_path, validate::MAX_PATH_CHARS)?;
                    }
                    result.map(drop)
                }
                Command::AddContact(draft) => {
                    let result = db.store.create_contact(draft, ACTOR);
                    if let Ok(saved) = &result {
                        assert_clean(&saved.email, validate::MAX_EMAIL_CHARS)?;
                    }
                    result.map(drop)
                }
                Command::SetSmtp(settings) => db.store.set_smtp_settings(settings, ACTOR).map(drop),
                Command::SetSetting(key, value) => {
                    db.store.set_setting(*key, value, ACTOR).map(drop)
                }
                Command::MarkRecovery(note, actor) => db
                    .store
                    .mark_recovery_required(target, note, actor)
                    .map(drop),
            };
            match result {
                Ok(()) => {
                    prop_assert_ne!(snapshot(&db.path()), before, "an accepted command writes")
                }
                Err(error) => {
                    let code = error.code();
                    let error = IpcError::from(error);
                    // A duplicate address is a refusal too; anything else would be a bug.
                    prop_assert_eq!(code, "invalid_input", "{}", error.message);
                    prop_assert!(!error.fields.is_empty(), "the error names a field");
                    for field in &error.fields {
                        assert_readable(&field.message, &field.field);
                    }
                    prop_assert_eq!(snapshot(&db.path()), before, "a refusal wrote something");
                }
            }
            // Undo a recovery mark, so later edits of the target can still be accepted.
            if matches!(command, Command::MarkRecovery(..))
                && db.store.get_schedule(target).unwrap().recovery.is_some()
            {
                db.store.resolve_recovery(target, "reset", ACTOR).unwrap();
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn far_edges_of_time_in_every_zone_do_not_panic() {
    let edges = [
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MIN_UTC + Duration::days(1),
        DateTime::<Utc>::MAX_UTC - Duration::days(1),
        DateTime::<Utc>::MAX_UTC,
    ];
    let zones = [
        chrono_tz::Pacific::Kiritimati,
        chrono_tz::Pacific::Pago_Pago,
        chrono_tz::UTC,
    ];
    for tz in zones {
        for at in edges {
            for rec in [
                Recurrence::Once { at },
                Recurrence::Hourly { start: at },
                Recurrence::Daily { start: at },
                Recurrence::Weekly { start: at },
                Recurrence::Interval {
                    hours: 36.5,
                    start: at,
                },
                Recurrence::Weekdays {
                    days: Weekday::iter().collect(),
                    time: NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
                },
            ] {
                for from in edges {
                    let slots = slots::preview(&rec, from, 3, &tz);
                    assert!(
                        slots.windows(2).all(|p| p[0] < p[1]),
                        "{rec:?} from {from} in {tz}"
                    );
                    let _ = slots::after(&rec, from, &tz);
                }
            }
            let _ = slots::resolve(&tz, at.naive_utc());
            let _ = tz.from_utc_datetime(&at.naive_utc());
        }
    }
}

/// Intervals far below a millisecond (never valid, but a damaged database could hold one)
/// used to walk the slot index past `i64::MAX` (a panic) or creep forward a step at a time
/// (a hang). Now they have no slots, at once.
#[test]
fn intervals_too_short_to_keep_have_no_slots_and_answer_at_once() {
    let start = crate::support::t("2026-06-01T12:00:00Z");
    let started = std::time::Instant::now();
    for hours in [5e-324, f64::MIN_POSITIVE, 1e-300, 1e-15, 2.7e-16, 1e-10] {
        for later in [Duration::days(11), Duration::days(365 * 200_000)] {
            let rec = Recurrence::Interval { hours, start };
            let Some(from) = start.checked_add_signed(later) else {
                continue;
            };
            assert_eq!(
                slots::at_or_after(&rec, from, &chrono_tz::UTC),
                None,
                "{hours}"
            );
            assert!(slots::preview(&rec, start, 3, &chrono_tz::UTC).len() <= 1);
        }
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}
