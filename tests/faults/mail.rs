//! The mail server down for the length of dozens of events and three restarts of the
//! delivery task, then up: every message is delivered, each exactly once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use deckhand::clock::SystemClock;
use deckhand::model::{Channel, ContactDraft, EventKind, NewRun, RunChanges, RunOrigin, RunStatus};
use deckhand::notify::{self, Delivering, DeliveryPolicy, DesktopNotifications, Smtp};
use deckhand::secrets::Secrets;
use deckhand::store::Store;

use crate::notify::{MailServer, free_port, settings};
use crate::support::daily;

fn open(path: &std::path::Path) -> Store {
    Store::open(path, Arc::new(SystemClock)).unwrap()
}

fn emails_waiting(path: &std::path::Path) -> Vec<deckhand::model::OutboxEntry> {
    open(path)
        .pending_outbox(1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.channel == Channel::Email)
        .collect()
}

#[test]
#[cfg_attr(windows, ignore = "needs aiosmtpd, a Linux program")]
fn a_mail_server_down_through_many_events_and_restarts_gets_each_message_once() {
    let began = Instant::now();
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deckhand.sqlite3");
    crate::support::lab_database(&path);
    let mut store = open(&path);
    store.set_smtp_settings(&settings(port), "test").unwrap();
    store
        .create_contact(
            &ContactDraft {
                name: "Ann Lee".into(),
                email: "ann@lab.example.org".into(),
                enabled: true,
                events: vec![
                    EventKind::RunStarted,
                    EventKind::RunFailed,
                    EventKind::RunCompleted,
                ],
            },
            "test",
        )
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let policy = DeliveryPolicy {
        first_retry: Duration::from_millis(100),
        max_retry: Duration::from_millis(400),
        poll: Duration::from_millis(200),
        settle: Duration::from_millis(20),
        ..DeliveryPolicy::default()
    };
    let start = || {
        let _guard = runtime.enter();
        notify::start(Delivering::<Smtp, DesktopNotifications> {
            store: open(&path),
            mailer: Arc::new(Smtp),
            desktop: None,
            secrets: Arc::new(Secrets::session_only("tests")),
            clock: Arc::new(SystemClock),
            policy,
        })
    };
    // Three lives of Deckhand while the server is down, each with a dozen runs' events.
    let mut slot = 0;
    for life in 0..3 {
        let outbox = start();
        for n in 0..12 {
            let schedule = store
                .create_schedule(&daily(&format!("Assay {life}-{n}")), "test")
                .unwrap();
            slot += 1;
            let at =
                chrono::Utc::now() - chrono::Duration::days(30) + chrono::Duration::hours(slot);
            let run = store
                .insert_run(&NewRun::pending(schedule.id, at, RunOrigin::Schedule))
                .unwrap();
            let end = if n % 3 == 0 {
                RunStatus::Failed
            } else {
                RunStatus::Completed
            };
            for status in [RunStatus::Running, end] {
                store
                    .transition_run(run.id, status, &RunChanges::default())
                    .unwrap();
            }
        }
        // The delivery task has tried (and found the server down) before it stops.
        let tried = crate::support::wait::wait_until(Duration::from_secs(20), || {
            emails_waiting(&path).iter().any(|e| e.attempts > 0)
        });
        assert!(tried, "life {life}: the delivery task tried the server");
        runtime.block_on(outbox.shutdown());
    }
    let queued = emails_waiting(&path).len();
    assert_eq!(
        queued,
        3 * 12 * 2,
        "a start and an end message per run, none sent"
    );

    let server = MailServer::start_on(port);
    let outbox = start();
    let delivered = crate::support::wait::wait_until(Duration::from_secs(60), || {
        emails_waiting(&path).is_empty()
    });
    assert!(delivered, "{} still waiting", emails_waiting(&path).len());
    // Time for a duplicate, were there one, to arrive.
    assert!(!crate::support::wait::wait_until(
        Duration::from_millis(700),
        || { server.messages().len() > queued }
    ));
    runtime.block_on(outbox.shutdown());
    let messages = server.messages();
    assert_eq!(messages.len(), queued, "each message once");
    let mut ids: Vec<&str> = messages
        .iter()
        .filter_map(|m| m.lines().find(|l| l.starts_with("Message-ID: ")))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), queued, "all different messages");
    let sent: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM notification_log WHERE channel = 'email' AND status = 'sent'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(sent as usize, queued, "each logged once as sent");
    eprintln!(
        "mail outage: {queued} messages queued over 36 runs and 3 restarts with the server down, then each delivered exactly once; {:.1} s",
        began.elapsed().as_secs_f64()
    );
}
