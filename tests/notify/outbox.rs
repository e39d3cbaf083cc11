//! The outbox: events queued with the state change that caused them, delivered once to the
//! people who asked, through a real SMTP server that may be down for a while.

use std::sync::Arc;
use std::time::Duration;

use deckhand::clock::{Clock, SystemClock};
use deckhand::model::{
    ContactDraft, EventKind, NewRun, RunChanges, RunOrigin, RunStatus, Schedule,
};
use deckhand::notify::{self, Delivering, DeliveryPolicy, DesktopNotifications, Outbox, Smtp};
use deckhand::secrets::Secrets;
use deckhand::store::Store;

use super::{MailServer, free_port, settings};
use crate::support::wait::{wait_for_explained, wait_until};
use crate::support::{ACTOR, daily};

/// A database on the real clock (retries are timed by it).
struct Lab {
    dir: tempfile::TempDir,
    store: Store,
}

impl Lab {
    fn new(port: u16) -> Lab {
        let dir = tempfile::tempdir().unwrap();
        crate::support::lab_database(&dir.path().join("deckhand.sqlite3"));
        let mut store = Store::open(&dir.path().join("deckhand.sqlite3"), clock()).unwrap();
        store.set_smtp_settings(&settings(port), ACTOR).unwrap();
        Lab { dir, store }
    }

    fn connect(&self) -> Store {
        Store::open(&self.dir.path().join("deckhand.sqlite3"), clock()).unwrap()
    }

    fn contact(&mut self, name: &str, email: &str, enabled: bool, events: Vec<EventKind>) {
        self.store
            .create_contact(
                &ContactDraft {
                    name: name.into(),
                    email: email.into(),
                    enabled,
                    events,
                },
                ACTOR,
            )
            .unwrap();
    }

    fn schedule(&mut self, name: &str) -> Schedule {
        self.store.create_schedule(&daily(name), ACTOR).unwrap()
    }

    /// A run of `schedule` for slot number `n`, moved through `statuses`.
    fn run(&mut self, schedule: &Schedule, n: i64, statuses: &[RunStatus]) -> uuid::Uuid {
        let slot = chrono::Utc::now() - chrono::Duration::days(30) + chrono::Duration::hours(n);
        let run = self
            .store
            .insert_run(&NewRun::pending(schedule.id, slot, RunOrigin::Schedule))
            .unwrap();
        for status in statuses {
            self.store
                .transition_run(run.id, *status, &RunChanges::default())
                .unwrap();
        }
        run.id
    }

    fn pending(&self) -> usize {
        self.connect().pending_outbox(1000).unwrap().len()
    }

    #[track_caller]
    fn wait_until_delivered(&self, within: Duration) {
        wait_for_explained(
            "every message delivered",
            within,
            || self.pending() == 0,
            || format!("{:?}", self.connect().pending_outbox(1000).unwrap()),
        );
    }

    fn log_count(&self, channel: &str, status: &str) -> i64 {
        rusqlite::Connection::open(self.dir.path().join("deckhand.sqlite3"))
            .unwrap()
            .query_row(
                "SELECT count(*) FROM notification_log WHERE channel = ?1 AND status = ?2",
                [channel, status],
                |row| row.get(0),
            )
            .unwrap()
    }
}

fn clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

fn quick() -> DeliveryPolicy {
    DeliveryPolicy {
        first_retry: Duration::from_millis(100),
        max_retry: Duration::from_millis(400),
        poll: Duration::from_millis(200),
        settle: Duration::from_millis(20),
        ..DeliveryPolicy::default()
    }
}

/// The delivery task on its own connection, without a desktop (a headless engine).
fn deliverer(lab: &Lab, runtime: &tokio::runtime::Runtime) -> Outbox {
    let _guard = runtime.enter();
    notify::start(Delivering::<Smtp, DesktopNotifications> {
        store: lab.connect(),
        mailer: Arc::new(Smtp),
        desktop: None,
        secrets: Arc::new(Secrets::session_only("tests")),
        clock: clock(),
        policy: quick(),
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// `(recipient, subject)` of every message the server took.
fn mails(server: &MailServer) -> Vec<(String, String)> {
    let header = |mail: &str, name: &str| {
        mail.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let mut out: Vec<_> = server
        .messages()
        .iter()
        .map(|m| (header(m, "To: "), header(m, "Subject: ")))
        .collect();
    out.sort();
    out
}

fn count(mails: &[(String, String)], to: &str, subject: &str) -> usize {
    mails
        .iter()
        .filter(|(t, s)| t.contains(to) && s.contains(subject))
        .count()
}

#[test]
#[cfg_attr(windows, ignore = "needs aiosmtpd, a Linux program")]
fn each_person_hears_what_they_asked_for_once_and_alerts_follow_state_changes() {
    let server = MailServer::start();
    let mut lab = Lab::new(server.port);
    lab.contact(
        "Ann Lee",
        "ann@lab.example.org",
        true,
        EventKind::defaults(),
    );
    lab.contact(
        "Bob Ray",
        "bob@lab.example.org",
        true,
        vec![EventKind::RunStarted, EventKind::RunCompleted],
    );
    lab.contact("Cy Off", "cy@lab.example.org", false, EventKind::defaults());
    let prep = lab.schedule("Plate prep");
    use RunStatus::*;
    lab.run(&prep, 1, &[Running, Completed]);
    lab.run(&prep, 2, &[Running, Failed]);
    lab.run(&prep, 3, &[Running, Failed]); // the alert is open: no second failure message
    lab.run(&prep, 4, &[Running, Completed]); // closes it: "works again"
    let aborted = lab.run(&prep, 5, &[Running]);
    lab.store
        .finish_run_needing_recovery(
            aborted,
            Aborted,
            &RunChanges {
                outcome_detail: Some(
                    "2026-06-02 08:14:41> SYSTEM : Method has been aborted by the user - complete;"
                        .into(),
                ),
                ..RunChanges::default()
            },
            "The run aborted. Check the deck, then resolve.",
            "engine",
        )
        .unwrap();
    lab.store
        .resolve_recovery(prep.id, "Cleared the deck, new tips", ACTOR)
        .unwrap();
    lab.store
        .insert_run(&NewRun {
            schedule_id: prep.id,
            slot: chrono::Utc::now() - chrono::Duration::days(1),
            origin: RunOrigin::Schedule,
            status: Missed,
            missed_count: Some(3),
            error_message: Some("Deckhand was not running.".into()),
        })
        .unwrap();

    let runtime = runtime();
    let outbox = deliverer(&lab, &runtime);
    lab.wait_until_delivered(Duration::from_secs(20));
    runtime.block_on(outbox.shutdown());

    let mails = mails(&server);
    let ann = |subject| count(&mails, "ann@lab.example.org", subject);
    let bob = |subject| count(&mails, "bob@lab.example.org", subject);
    assert_eq!(
        ann("'Plate prep' failed"),
        1,
        "the first failure only: {mails:#?}"
    );
    assert_eq!(ann("'Plate prep' works again"), 1, "{mails:#?}");
    assert_eq!(ann("'Plate prep' was aborted"), 1, "{mails:#?}");
    assert_eq!(
        ann("needs recovery"),
        0,
        "one message for the abort: {mails:#?}"
    );
    assert_eq!(ann("recovered by Dr. Test"), 1, "{mails:#?}");
    assert_eq!(ann("'Plate prep' missed 3 runs"), 1, "{mails:#?}");
    assert_eq!(ann(""), 5, "nothing else for Ann: {mails:#?}");
    assert_eq!(bob("started"), 5, "{mails:#?}");
    assert_eq!(bob("completed"), 2, "{mails:#?}");
    assert_eq!(bob(""), 7, "{mails:#?}");
    assert_eq!(count(&mails, "cy@lab.example.org", ""), 0, "Cy is disabled");

    let aborted_mail = server
        .messages()
        .into_iter()
        .find(|m| m.contains("ann@lab.example.org") && m.contains("was aborted"))
        .unwrap();
    for needle in ["aborted by the user", "Recovery required", "Plate prep"] {
        assert!(aborted_mail.contains(needle), "{needle}: {aborted_mail}");
    }
    assert_eq!(lab.log_count("email", "sent"), 12);
    // No desktop here (a headless engine): the desktop messages are logged as not shown.
    assert_eq!(lab.log_count("desktop", "failed"), 5);
    assert_eq!(lab.log_count("email", "failed"), 0);
}

#[test]
#[cfg_attr(windows, ignore = "needs aiosmtpd, a Linux program")]
fn a_mail_server_that_is_down_for_a_while_gets_every_message_exactly_once() {
    let port = free_port();
    let mut lab = Lab::new(port);
    lab.contact(
        "Ann Lee",
        "ann@lab.example.org",
        true,
        EventKind::defaults(),
    );
    for n in 0..6 {
        let schedule = lab.schedule(&format!("Assay {n}"));
        lab.run(&schedule, n, &[RunStatus::Running, RunStatus::Failed]);
    }
    let runtime = runtime();
    let outbox = deliverer(&lab, &runtime);
    // Nobody listens: the first message tried finds the server down; the others are not
    // knocked on one by one but wait with it for the next attempt, which also fails, and so on.
    let mut emails = Vec::new();
    let retried = wait_until(Duration::from_secs(20), || {
        emails = lab.connect().pending_outbox(100).unwrap();
        emails.retain(|e| e.channel == deckhand::model::Channel::Email);
        emails.len() == 6 && emails.iter().map(|e| e.attempts).sum::<u32>() >= 3
    });
    assert!(retried, "three attempts at the six emails: {emails:#?}");
    assert!(
        emails.iter().filter(|e| e.attempts > 0).all(|e| e
            .last_error
            .as_deref()
            .is_some_and(|m| m.contains(&format!("127.0.0.1:{port}")))),
        "each attempt is recorded with its error: {emails:#?}"
    );
    assert!(
        emails.iter().map(|e| e.attempts).sum::<u32>() < 12,
        "the server is not asked once per message per round: {emails:#?}"
    );
    let server = MailServer::start_on(port);
    lab.wait_until_delivered(Duration::from_secs(20));
    // Give a duplicate, if there were one, time to arrive.
    std::thread::sleep(Duration::from_millis(500));
    runtime.block_on(outbox.shutdown());
    let messages = server.messages();
    assert_eq!(messages.len(), 6, "each message once");
    let mut ids: Vec<String> = messages
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.starts_with("Message-ID: "))
                .map(str::to_owned)
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "six different messages");
    assert_eq!(lab.log_count("email", "sent"), 6);
}

#[test]
#[cfg_attr(windows, ignore = "needs aiosmtpd, a Linux program")]
fn messages_queued_before_a_restart_are_delivered_after_it_and_never_twice() {
    let server = MailServer::start();
    let mut lab = Lab::new(server.port);
    lab.contact(
        "Ann Lee",
        "ann@lab.example.org",
        true,
        EventKind::defaults(),
    );
    let first = lab.schedule("Before the restart");
    lab.run(&first, 1, &[RunStatus::Running, RunStatus::Failed]);
    // Deckhand stops before anything is delivered: the message is only in the database.
    let path = lab.dir.path().join("deckhand.sqlite3");
    drop(std::mem::replace(
        &mut lab.store,
        Store::open(&path, clock()).unwrap(),
    ));
    assert_eq!(lab.pending(), 2, "an email and a desktop message wait");

    let runtime = runtime();
    let outbox = deliverer(&lab, &runtime);
    lab.wait_until_delivered(Duration::from_secs(20));
    runtime.block_on(outbox.shutdown());
    assert_eq!(mails(&server).len(), 1);

    // Started again, with more news: only the new message goes out.
    let second = lab.schedule("After the restart");
    lab.run(&second, 2, &[RunStatus::Running, RunStatus::Failed]);
    let outbox = deliverer(&lab, &runtime);
    lab.wait_until_delivered(Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(500));
    runtime.block_on(outbox.shutdown());
    let mails = mails(&server);
    assert_eq!(mails.len(), 2, "{mails:#?}");
    assert_eq!(count(&mails, "ann@", "Before the restart"), 1);
    assert_eq!(count(&mails, "ann@", "After the restart"), 1);
}
