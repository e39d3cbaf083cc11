use chrono::Duration;
use deckhand::model::{
    Channel, ContactDraft, DeliveryStatus, EventKind, NotificationLogEntry, OutboxDraft,
    OutboxStatus, SmtpSettings, TlsMode,
};
use deckhand::store::StoreError;

use crate::support::{ACTOR, TestStore, t};

fn ann() -> ContactDraft {
    ContactDraft {
        name: "Ann Lee".into(),
        email: "ann.lee@lab.example.org".into(),
        enabled: true,
        events: EventKind::defaults(),
    }
}

#[test]
fn contacts_crud() {
    let mut db = TestStore::new();
    let created = db.store.create_contact(&ann(), ACTOR).unwrap();
    assert_eq!(db.store.get_contact(created.id).unwrap(), created);
    assert!(
        created.wants(EventKind::RunAborted),
        "defaults include what needs a person"
    );
    assert!(
        !created.wants(EventKind::RunStarted),
        "but not routine starts"
    );

    let mut edit = ann();
    edit.enabled = false;
    edit.events = vec![EventKind::RunCompleted, EventKind::RunCompleted];
    let edited = db.store.update_contact(created.id, &edit, ACTOR).unwrap();
    assert_eq!(
        edited.events,
        [EventKind::RunCompleted],
        "events deduplicated"
    );
    assert!(
        !edited.wants(EventKind::RunCompleted),
        "a disabled contact hears nothing"
    );

    assert_eq!(db.store.list_contacts().unwrap().len(), 1);
    db.store.delete_contact(created.id, ACTOR).unwrap();
    assert!(db.store.list_contacts().unwrap().is_empty());
    assert_eq!(
        db.store
            .delete_contact(created.id, ACTOR)
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        db.count("audit_log"),
        3,
        "create, edit and delete are audited"
    );
}

#[test]
fn one_contact_per_address() {
    let mut db = TestStore::new();
    db.store.create_contact(&ann(), ACTOR).unwrap();
    let mut again = ann();
    again.email = "ANN.LEE@lab.example.org".into();
    let error = db.store.create_contact(&again, ACTOR).unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert!(error.to_string().contains("exists already"), "{error}");
    assert_eq!(db.count("notification_contacts"), 1);
}

#[test]
fn invalid_addresses_are_refused() {
    let mut db = TestStore::new();
    for email in [
        "",
        "ann",
        "ann@",
        "@lab.org",
        "ann@lab",
        "ann lee@lab.org",
        "Ann <ann@lab.org>",
        "ann@@lab.org",
        "ann@lab..org",
        "ann@[127.0.0.1]",
        "ann@lab.org\nBcc: all@lab.org",
        "ann@lab.org,bob@lab.org",
    ] {
        let mut draft = ann();
        draft.email = email.into();
        match db.store.create_contact(&draft, ACTOR) {
            Err(StoreError::Invalid(invalid)) => {
                assert_eq!(invalid.0[0].field, "email", "{email:?}")
            }
            other => panic!("{email:?} must be refused, got {other:?}"),
        }
    }
    for email in [
        "ann@lab.example.org",
        "a.b+robot@sub.lab.org",
        "o'brien@lab.org",
    ] {
        let mut draft = ann();
        draft.email = email.into();
        db.store
            .create_contact(&draft, ACTOR)
            .unwrap_or_else(|e| panic!("{email} is valid: {e}"));
    }
}

#[test]
fn smtp_settings_round_trip_without_a_password() {
    let mut db = TestStore::new();
    assert_eq!(db.store.smtp_settings().unwrap(), None);
    let settings = SmtpSettings {
        host: " smtp.lab.example.org ".into(),
        port: 587,
        tls: TlsMode::Starttls,
        username: Some("robot".into()),
        from_address: "deckhand@lab.example.org".into(),
    };
    let saved = db.store.set_smtp_settings(&settings, ACTOR).unwrap();
    assert_eq!(saved.host, "smtp.lab.example.org");
    assert_eq!(db.store.smtp_settings().unwrap(), Some(saved));
    let columns: Vec<String> = db
        .raw()
        .prepare("SELECT name FROM pragma_table_info('smtp_settings')")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        !columns.iter().any(|c| c.contains("pass")),
        "no password column: {columns:?}"
    );

    let bad = SmtpSettings {
        host: "smtp lab".into(),
        port: 0,
        tls: TlsMode::Tls,
        username: None,
        from_address: "nobody".into(),
    };
    let Err(StoreError::Invalid(invalid)) = db.store.set_smtp_settings(&bad, ACTOR) else {
        panic!("must be refused")
    };
    let fields: Vec<&str> = invalid.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["host", "port", "fromAddress"]);
}

#[test]
fn the_notification_log_records_each_delivery_once() {
    let mut db = TestStore::new();
    let contact = db.store.create_contact(&ann(), ACTOR).unwrap();
    let run = uuid::Uuid::new_v4();
    let entry = NotificationLogEntry {
        event: EventKind::RunAborted,
        run_id: Some(run),
        schedule_id: None,
        contact_id: Some(contact.id),
        destination_id: None,
        channel: Channel::Email,
        status: DeliveryStatus::Sent,
        error: None,
        created_at: t("2026-06-01T12:00:00Z"),
    };
    assert!(!db.store.notification_logged(&entry.dedupe_key()).unwrap());
    assert!(
        db.store.record_notification(&entry).unwrap(),
        "first delivery recorded"
    );
    assert!(
        !db.store.record_notification(&entry).unwrap(),
        "the same delivery again is a no-op"
    );
    assert!(db.store.notification_logged(&entry.dedupe_key()).unwrap());
    let desktop = NotificationLogEntry {
        channel: Channel::Desktop,
        ..entry.clone()
    };
    assert!(
        db.store.record_notification(&desktop).unwrap(),
        "another channel is another delivery"
    );
    assert_eq!(db.store.notification_log(10, 0).unwrap().len(), 2);
}

#[test]
fn the_outbox_keeps_messages_until_sent() {
    let mut db = TestStore::new();
    let draft = OutboxDraft {
        event: EventKind::RunFailed,
        run_id: Some(uuid::Uuid::new_v4()),
        schedule_id: None,
        contact_id: Some(uuid::Uuid::new_v4()),
        destination_id: None,
        channel: Channel::Email,
        occurrence: None,
        payload: serde_json::json!({"schedule": "Prep", "status": "failed"}),
    };
    let id = db.store.enqueue(&draft).unwrap();
    assert_eq!(
        db.store.enqueue(&draft).unwrap(),
        id,
        "queuing the same message twice is a no-op"
    );
    let now = t("2026-06-01T12:00:00Z");
    assert_eq!(db.store.due_outbox(now, 10).unwrap().len(), 1);

    let retry_at = now + Duration::minutes(5);
    let after = db
        .store
        .record_outbox_attempt(id, Err(("connection refused", Some(retry_at))))
        .unwrap();
    assert_eq!((after.status, after.attempts), (OutboxStatus::Pending, 1));
    assert_eq!(after.last_error.as_deref(), Some("connection refused"));
    assert!(
        db.store.due_outbox(now, 10).unwrap().is_empty(),
        "not due before the retry time"
    );
    assert_eq!(db.store.due_outbox(retry_at, 10).unwrap().len(), 1);

    let sent = db.store.record_outbox_attempt(id, Ok(())).unwrap();
    assert_eq!((sent.status, sent.attempts), (OutboxStatus::Sent, 2));
    assert_eq!(sent.payload["schedule"], "Prep");
    assert!(
        db.store.record_outbox_attempt(id, Ok(())).is_err(),
        "a sent message is not sent again"
    );
}
