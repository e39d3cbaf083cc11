//! Chat and webhook destinations: each kind's body field by field, delivery through the outbox
//! to a real HTTP server on loopback (events chosen, down through a restart, 429 with
//! Retry-After, a URL that no longer exists), the proxy, and bad input changing nothing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use deckhand::clock::{Clock, SystemClock};
use deckhand::model::{
    Channel, DestinationDraft, DestinationKind, EventKind, NewRun, RunChanges, RunOrigin,
    RunStatus, Schedule, SettingKey,
};
use deckhand::notify::destinations::{self, DestinationError};
use deckhand::notify::{
    self, Delivering, DeliveryPolicy, DesktopNotifier, Envelope, Facts, Outbox, Smtp,
};
use deckhand::secrets::Secrets;
use deckhand::store::Store;
use deckhand::validate::FieldError;

use super::free_port;
use super::receiver::{Receiver, Reply};
use crate::support::wait::{wait_for, wait_for_explained};
use crate::support::{ACTOR, daily, t};

/// The desktop, as the delivery task sees it: what it was asked to show.
#[derive(Default)]
struct Shown(Mutex<Vec<(String, String)>>);

impl DesktopNotifier for Shown {
    fn show(&self, summary: &str, body: &str, _urgent: bool) -> Result<(), String> {
        self.0
            .lock()
            .unwrap()
            .push((summary.to_owned(), body.to_owned()));
        Ok(())
    }
}

/// A database on the real clock, its secrets (session-only: the keyring is tested with the
/// programs), and the desktop the delivery task shows on.
struct Lab {
    dir: tempfile::TempDir,
    store: Store,
    secrets: Arc<Secrets>,
    shown: Arc<Shown>,
}

impl Lab {
    fn new() -> Lab {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deckhand.sqlite3");
        crate::support::lab_database(&path);
        Lab {
            store: Store::open(&path, clock()).unwrap(),
            dir,
            secrets: Arc::new(Secrets::session_only("tests")),
            shown: Arc::default(),
        }
    }

    fn connect(&self) -> Store {
        Store::open(&self.dir.path().join("deckhand.sqlite3"), clock()).unwrap()
    }

    fn destination(
        &mut self,
        name: &str,
        kind: DestinationKind,
        url: &str,
        enabled: bool,
        events: Vec<EventKind>,
    ) -> uuid::Uuid {
        let draft = DestinationDraft {
            name: name.into(),
            kind,
            url: Some(url.into()),
            enabled,
            events,
        };
        destinations::add(&mut self.store, &self.secrets, &draft, ACTOR)
            .unwrap()
            .0
            .id
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

    /// A run that failed with the trace's deciding line.
    fn failed(&mut self, schedule: &Schedule, n: i64) -> uuid::Uuid {
        let run = self.run(schedule, n, &[RunStatus::Running]);
        self.store
            .transition_run(
                run,
                RunStatus::Failed,
                &RunChanges {
                    outcome_detail: Some(
                        "2026-06-02 08:14:41> Aspirate (Single Step) - error; Hardware error: no liquid".into(),
                    ),
                    ..RunChanges::default()
                },
            )
            .unwrap();
        run
    }

    fn pending(&self) -> Vec<deckhand::model::OutboxEntry> {
        self.connect().pending_outbox(1000).unwrap()
    }

    fn deliverer(&self, runtime: &tokio::runtime::Runtime) -> Outbox {
        self.deliverer_with(runtime, self.secrets.clone())
    }

    /// The delivery task with other secrets (say, a restart that lost a session-only URL).
    fn deliverer_with(&self, runtime: &tokio::runtime::Runtime, secrets: Arc<Secrets>) -> Outbox {
        let _guard = runtime.enter();
        notify::start(Delivering {
            store: self.connect(),
            mailer: Arc::new(Smtp),
            desktop: Some(self.shown.clone()),
            secrets,
            clock: clock(),
            policy: quick(),
        })
    }

    fn log(&self, status: &str) -> Vec<deckhand::model::NotificationLogEntry> {
        self.connect()
            .notification_log(1000, 0)
            .unwrap()
            .into_iter()
            .filter(|e| e.status.to_string() == status)
            .collect()
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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn aborted() -> Facts {
    Facts {
        schedule_name: "Nightly plate prep".into(),
        method_path: r"C:\Methods\Prep.med".into(),
        slot: Some(t("2026-06-02T08:00:00Z")),
        status: Some("aborted".into()),
        deciding_line: Some(
            "2026-06-02 08:14:41> SYSTEM : Method has been aborted by the user - complete;".into(),
        ),
        trace_file: Some(r"C:\Program Files (x86)\HAMILTON\LogFiles\Prep_1a2b_Trace.trc".into()),
        needs_recovery: true,
        ..Facts::default()
    }
}

fn envelope() -> Envelope {
    Envelope {
        event_id: uuid::Uuid::from_u128(0x1234),
        event: EventKind::RunAborted,
        run_id: Some(uuid::Uuid::from_u128(0xabcd)),
        schedule_id: Some(uuid::Uuid::from_u128(0x5678)),
        at: t("2026-06-02T08:15:00Z"),
    }
}

/// The strings every kind's message must carry, as the email does.
fn must_say() -> Vec<String> {
    vec![
        "'Nightly plate prep' was aborted".into(),
        r"C:\Methods\Prep.med".into(),
        "Method has been aborted by the user".into(),
        "Prep_1a2b_Trace.trc".into(),
        "check the deck".into(),
        "resolve the recovery in Deckhand".into(),
        notify::pc_name(),
        uuid::Uuid::from_u128(0xabcd).to_string(),
    ]
}

#[test]
fn a_teams_message_is_an_adaptive_card_with_the_email_s_facts() {
    let body = notify::chat_body(DestinationKind::Teams, &envelope(), &aborted());
    assert_eq!(body["type"], "message");
    let attachment = &body["attachments"][0];
    assert_eq!(
        attachment["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.4");
    assert_eq!(
        card["$schema"],
        "http://adaptivecards.io/schemas/adaptive-card.json"
    );
    let blocks = card["body"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "TextBlock");
    assert_eq!(blocks[0]["text"], "'Nightly plate prep' was aborted");
    assert_eq!(blocks[0]["color"], "Attention", "it needs a person");
    let facts = blocks
        .iter()
        .find(|b| b["type"] == "FactSet")
        .expect("a fact set");
    let fact = |title: &str| {
        facts["facts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["title"] == title)
            .map(|f| f["value"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("a fact {title}: {facts}"))
    };
    assert_eq!(fact("Schedule"), "Nightly plate prep");
    assert_eq!(fact("Method"), r"C:\Methods\Prep.med");
    assert_eq!(fact("Status"), "aborted");
    assert!(
        fact("Due").contains("2026-06-02"),
        "the due time in the lab's zone"
    );
    let text = card.to_string();
    for needle in must_say() {
        assert!(
            text.contains(&needle.replace('\\', "\\\\")),
            "the card says {needle:?}: {text}"
        );
    }
}

#[test]
fn a_slack_message_is_block_kit_with_the_email_s_facts() {
    let mut facts = aborted();
    facts.schedule_name = "Prep <b> & co".into();
    let body = notify::chat_body(DestinationKind::Slack, &envelope(), &facts);
    assert_eq!(
        body["text"], "'Prep &lt;b&gt; &amp; co' was aborted",
        "the fallback text, escaped for Slack"
    );
    let blocks = body["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks[0]["text"]["type"], "plain_text");
    assert_eq!(
        blocks[0]["text"]["text"], "'Prep <b> & co' was aborted",
        "plain text is not escaped"
    );
    let fields = blocks
        .iter()
        .find(|b| b["fields"].is_array())
        .expect("a section of fields")["fields"]
        .as_array()
        .unwrap()
        .clone();
    assert!(fields.len() <= 10, "Slack takes at most 10 fields");
    assert!(fields.iter().all(|f| f["type"] == "mrkdwn"));
    assert_eq!(fields[0]["text"], "*Schedule*\nPrep &lt;b&gt; &amp; co");
    assert_eq!(fields[1]["text"], "*Method*\nC:\\Methods\\Prep.med");
    assert!(
        blocks.iter().any(|b| b["text"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("*Trace says:*") && t.contains("aborted by the user"))),
        "the deciding line: {body}"
    );
    assert_eq!(blocks.last().unwrap()["type"], "context");
    let text = body.to_string().replace("\\\\", "\\");
    let mut needles = must_say();
    needles.remove(0);
    for needle in needles {
        assert!(text.contains(&needle), "the blocks say {needle:?}: {text}");
    }
}

#[test]
fn a_webhook_gets_deckhand_s_versioned_json() {
    let body = notify::chat_body(DestinationKind::Webhook, &envelope(), &aborted());
    assert_eq!(body["schema"], notify::WEBHOOK_SCHEMA);
    assert_eq!(body["version"], notify::WEBHOOK_VERSION);
    assert_eq!(body["eventId"], uuid::Uuid::from_u128(0x1234).to_string());
    assert_eq!(body["event"], "run_aborted");
    assert_eq!(body["occurredAt"], "2026-06-02T08:15:00Z");
    assert!(
        body["occurredAtLocal"]
            .as_str()
            .unwrap()
            .contains("2026-06-02")
    );
    assert_eq!(body["pc"], notify::pc_name());
    assert_eq!(body["simulation"], false);
    assert_eq!(body["title"], "'Nightly plate prep' was aborted");
    assert_eq!(body["run"]["id"], uuid::Uuid::from_u128(0xabcd).to_string());
    assert_eq!(body["run"]["due"], "2026-06-02T08:00:00Z");
    assert_eq!(body["run"]["status"], "aborted");
    assert_eq!(
        body["run"]["decidingLine"],
        "2026-06-02 08:14:41> SYSTEM : Method has been aborted by the user - complete;"
    );
    assert_eq!(
        body["run"]["traceFile"],
        r"C:\Program Files (x86)\HAMILTON\LogFiles\Prep_1a2b_Trace.trc"
    );
    assert_eq!(
        body["schedule"]["id"],
        uuid::Uuid::from_u128(0x5678).to_string()
    );
    assert_eq!(body["schedule"]["name"], "Nightly plate prep");
    assert_eq!(body["schedule"]["methodPath"], r"C:\Methods\Prep.med");
    assert_eq!(body["schedule"]["needsRecovery"], true);
    assert!(
        body["whatToDo"]
            .as_str()
            .unwrap()
            .contains("check the deck, then resolve the recovery in Deckhand")
    );
    assert!(
        body["whatHappensNext"]
            .as_str()
            .unwrap()
            .contains("Recovery required")
    );
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("Trace says: 2026-06-02 08:14:41>")
    );
}

#[test]
fn each_destination_gets_the_events_it_chose_once_in_its_own_format() {
    let receiver = Receiver::start();
    let mut lab = Lab::new();
    let token = uuid::Uuid::new_v4().simple().to_string();
    lab.destination(
        "Lab Teams",
        DestinationKind::Teams,
        &receiver.url(&format!("/teams/{token}")),
        true,
        EventKind::defaults(),
    );
    lab.destination(
        "Lab Slack",
        DestinationKind::Slack,
        &receiver.url("/slack/T000/B000/XXXX"),
        true,
        vec![EventKind::RunFailed],
    );
    let hook = lab.destination(
        "LIMS",
        DestinationKind::Webhook,
        &receiver.url("/hook?key=abc"),
        true,
        vec![EventKind::RunCompleted, EventKind::RunFailed],
    );
    lab.destination(
        "Off",
        DestinationKind::Webhook,
        &receiver.url("/off"),
        false,
        EventKind::defaults(),
    );
    lab.destination(
        "Starts only",
        DestinationKind::Webhook,
        &receiver.url("/starts"),
        true,
        vec![EventKind::RunStarted],
    );
    let prep = lab.schedule("Plate prep");
    let completed = lab.run(&prep, 1, &[RunStatus::Running, RunStatus::Completed]);
    let failed = lab.failed(&prep, 2);
    let runtime = runtime();
    let outbox = lab.deliverer(&runtime);
    wait_for_explained(
        "every message delivered",
        Duration::from_secs(20),
        || lab.pending().is_empty() && receiver.got().len() >= 5,
        || format!("{:?}\n{:?}", lab.pending(), receiver.got()),
    );
    runtime.block_on(outbox.shutdown());
    let paths: Vec<String> = receiver.got().iter().map(|g| g.path.clone()).collect();
    let count = |path: &str| paths.iter().filter(|p| p.starts_with(path)).count();
    assert_eq!(
        count(&format!("/teams/{token}")),
        1,
        "the failure: {paths:?}"
    );
    assert_eq!(count("/slack/"), 1, "{paths:?}");
    assert_eq!(count("/hook"), 2, "completed and failed: {paths:?}");
    assert_eq!(count("/starts"), 2, "two starts: {paths:?}");
    assert_eq!(count("/off"), 0, "turned off: {paths:?}");
    for got in receiver.got() {
        assert_eq!(got.method, "POST");
        assert_eq!(got.header("Content-Type"), Some("application/json"));
        assert!(got.header("User-Agent").unwrap().starts_with("Deckhand/"));
    }
    let teams = &receiver.got_at(&format!("/teams/{token}"))[0];
    assert_eq!(
        teams.json()["attachments"][0]["content"]["type"],
        "AdaptiveCard"
    );
    assert_eq!(
        teams.header("Idempotency-Key"),
        None,
        "only the webhook has one"
    );
    let slack = &receiver.got_at("/slack/T000/B000/XXXX")[0];
    assert!(slack.json()["blocks"].is_array());
    assert!(slack.body.contains("Hardware error: no liquid"));
    let hooks = receiver.got_at("/hook?key=abc");
    let runs: Vec<String> = hooks
        .iter()
        .map(|h| h.json()["run"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(runs.contains(&completed.to_string()) && runs.contains(&failed.to_string()));
    for hook in &hooks {
        assert_eq!(
            hook.header("Idempotency-Key"),
            hook.json()["eventId"].as_str(),
            "the idempotency key is the event id"
        );
    }
    let sent = lab.log("sent");
    assert_eq!(
        sent.iter()
            .filter(|e| e.destination_id == Some(hook))
            .count(),
        2,
        "the log names the destination: {sent:?}"
    );
    assert!(
        sent.iter()
            .any(|e| e.channel == Channel::Teams && e.event == EventKind::RunFailed)
    );
}

#[test]
fn a_destination_down_through_several_runs_and_a_restart_gets_each_message_once() {
    let port = free_port();
    let mut lab = Lab::new();
    lab.destination(
        "LIMS",
        DestinationKind::Webhook,
        &format!("http://127.0.0.1:{port}/hook/{}", uuid::Uuid::new_v4()),
        true,
        EventKind::defaults(),
    );
    // Three schedules, so each failure opens its own alert.
    let schedules: Vec<Schedule> = (0..3).map(|n| lab.schedule(&format!("Prep {n}"))).collect();
    let runtime = runtime();
    let outbox = lab.deliverer(&runtime);
    lab.failed(&schedules[0], 1);
    lab.failed(&schedules[1], 2);
    // While the receiver is unreachable, one message is tried (with its backoff) and the
    // other waits for the same retry rather than waiting out its own connection failure.
    wait_for_explained(
        "tries while nobody listens",
        Duration::from_secs(30),
        || {
            let pending = lab.pending();
            pending.len() == 2
                && pending.iter().all(|e| e.last_error.is_some())
                && pending.iter().map(|e| e.attempts).max() >= Some(2)
        },
        || format!("{:?}", lab.pending()),
    );
    let errors: Vec<String> = lab
        .pending()
        .iter()
        .filter_map(|e| e.last_error.clone())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains(&format!("could not connect to 127.0.0.1:{port}"))),
        "{errors:?}"
    );
    // Deckhand closes and starts again; another run fails meanwhile.
    runtime.block_on(outbox.shutdown());
    lab.failed(&schedules[2], 3);
    let outbox = lab.deliverer(&runtime);
    wait_for(
        "the third message waiting too",
        Duration::from_secs(30),
        || {
            let pending = lab.pending();
            pending.len() == 3 && pending.iter().all(|e| e.last_error.is_some())
        },
    );
    let receiver = Receiver::start_on(port);
    wait_for_explained(
        "every message delivered once the receiver is up",
        Duration::from_secs(30),
        || lab.pending().is_empty(),
        || format!("{:?}", lab.pending()),
    );
    runtime.block_on(outbox.shutdown());
    let ids: Vec<String> = receiver
        .got()
        .iter()
        .map(|g| g.json()["eventId"].as_str().unwrap().to_owned())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), 3, "each message once: {ids:?}");
    assert_eq!(unique.len(), 3, "three different events: {ids:?}");
    assert_eq!(
        lab.log("sent")
            .iter()
            .filter(|e| e.destination_id.is_some())
            .count(),
        3
    );
}

#[test]
fn a_service_that_asks_to_slow_down_is_left_alone_as_long_as_it_asks() {
    let receiver = Receiver::start();
    receiver.then([Reply::status(429, "rate_limited").with_header("Retry-After", "2")]);
    let mut lab = Lab::new();
    lab.destination(
        "Lab Slack",
        DestinationKind::Slack,
        &receiver.url("/slack"),
        true,
        EventKind::defaults(),
    );
    let prep = lab.schedule("Plate prep");
    let runtime = runtime();
    let outbox = lab.deliverer(&runtime);
    lab.failed(&prep, 1);
    wait_for_explained(
        "the message delivered after the wait",
        Duration::from_secs(30),
        || lab.pending().is_empty() && receiver.got().len() >= 2,
        || format!("{:?} {:?}", lab.pending(), receiver.got()),
    );
    runtime.block_on(outbox.shutdown());
    let got = receiver.got();
    assert_eq!(got.len(), 2, "one refused, one taken: {got:?}");
    let waited = got[1].at - got[0].at;
    assert!(
        waited >= Duration::from_secs(2),
        "Retry-After: 2 obeyed (the retry policy alone would wait 0.1 s): {waited:?}"
    );
    let sent: Vec<_> = lab
        .log("sent")
        .into_iter()
        .filter(|e| e.channel == Channel::Slack)
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
}

#[test]
fn a_url_that_no_longer_exists_is_given_up_at_once_and_the_desktop_says_so() {
    let receiver = Receiver::start();
    receiver.then([Reply::status(404, "no_service")]);
    let mut lab = Lab::new();
    lab.destination(
        "Old channel",
        DestinationKind::Slack,
        &receiver.url("/gone"),
        true,
        EventKind::defaults(),
    );
    let prep = lab.schedule("Plate prep");
    let runtime = runtime();
    let outbox = lab.deliverer(&runtime);
    lab.failed(&prep, 1);
    wait_for("the message given up", Duration::from_secs(20), || {
        lab.pending().is_empty() && !lab.log("failed").is_empty()
    });
    wait_for("the desktop told", Duration::from_secs(10), || {
        lab.shown
            .0
            .lock()
            .unwrap()
            .iter()
            .any(|(s, _)| s.contains("could not post to 'Old channel'"))
    });
    runtime.block_on(outbox.shutdown());
    assert_eq!(receiver.got().len(), 1, "not retried");
    let failed = &lab.log("failed")[0];
    let error = failed.error.as_deref().unwrap();
    assert!(
        error.contains("does not know this URL") && error.contains("no_service"),
        "{error}"
    );
    assert!(
        !error.contains("/gone"),
        "the URL's path is not shown: {error}"
    );
    let shown = lab.shown.0.lock().unwrap().clone();
    let (_, body) = shown
        .iter()
        .find(|(s, _)| s.contains("Old channel"))
        .unwrap();
    assert!(
        body.contains("'Plate prep' failed") && body.contains("Notifications"),
        "{body}"
    );
}

#[test]
fn a_test_message_reports_the_answer_and_is_logged() {
    let receiver = Receiver::start();
    let mut lab = Lab::new();
    let id = lab.destination(
        "Lab Teams",
        DestinationKind::Teams,
        &receiver.url("/teams"),
        false,
        EventKind::defaults(),
    );
    let runtime = runtime();
    let result = runtime
        .block_on(destinations::send_test(&mut lab.store, &lab.secrets, id))
        .unwrap();
    assert_eq!(result.answer.as_deref(), Some("HTTP 200 OK: ok"));
    assert_eq!(result.host, format!("127.0.0.1:{}", receiver.port));
    let got = &receiver.got()[0];
    assert!(
        got.body.contains("Test message from Deckhand"),
        "{}",
        got.body
    );
    receiver.then([Reply::status(500, "boom")]);
    let result = runtime
        .block_on(destinations::send_test(&mut lab.store, &lab.secrets, id))
        .unwrap();
    assert!(
        result.error.as_deref().unwrap().contains("500"),
        "{result:?}"
    );
    let log = lab.connect().notification_log(10, 0).unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|e| e.event == EventKind::Test
        && e.destination_id == Some(id)
        && e.channel == Channel::Teams));
}

#[test]
fn messages_go_through_the_proxy_setting() {
    let proxy = Receiver::start();
    proxy.then([Reply::status(502, "no")]);
    let mut lab = Lab::new();
    lab.store
        .set_setting(
            SettingKey::HttpsProxy,
            &format!("http://127.0.0.1:{}", proxy.port),
            ACTOR,
        )
        .unwrap();
    let id = lab.destination(
        "Teams",
        DestinationKind::Teams,
        "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=SECRET",
        true,
        EventKind::defaults(),
    );
    let result = runtime()
        .block_on(destinations::send_test(&mut lab.store, &lab.secrets, id))
        .unwrap();
    assert!(result.error.is_some(), "{result:?}");
    let got = proxy.got();
    assert_eq!(got.len(), 1, "the post went to the proxy: {got:?}");
    assert_eq!(got[0].method, "CONNECT");
    assert!(
        got[0]
            .path
            .contains("prod-00.westeurope.logic.azure.com:443"),
        "{got:?}"
    );
    assert!(!result.error.unwrap().contains("SECRET"));
}

#[test]
fn bad_proxy_settings_are_refused() {
    let mut lab = Lab::new();
    for bad in [
        "proxy.lab:3128",
        "ftp://proxy.lab",
        "http://user:pw@proxy.lab:3128",
        "http://proxy.lab:3128/path",
    ] {
        let error = lab
            .store
            .set_setting(SettingKey::HttpsProxy, bad, ACTOR)
            .unwrap_err();
        assert!(!error.to_string().contains("pw@"), "{error}");
    }
    assert_eq!(lab.store.settings().unwrap().https_proxy, "");
    lab.store
        .set_setting(SettingKey::HttpsProxy, " http://proxy.lab:3128 ", ACTOR)
        .unwrap();
    assert_eq!(
        lab.store.settings().unwrap().https_proxy,
        "http://proxy.lab:3128"
    );
}

fn fields(error: DestinationError) -> Vec<String> {
    match error {
        DestinationError::Store(deckhand::StoreError::Invalid(invalid)) => {
            invalid.0.into_iter().map(|e: FieldError| e.field).collect()
        }
        other => panic!("a field error, not {other}"),
    }
}

#[test]
fn bad_input_in_every_field_changes_nothing() {
    let mut lab = Lab::new();
    let good = DestinationDraft {
        name: "Lab Teams".into(),
        kind: DestinationKind::Teams,
        url: Some("https://example.webhook.office.com/webhookb2/TOKEN-1".into()),
        enabled: true,
        events: EventKind::defaults(),
    };
    let kept = lab.destination(
        "Kept",
        DestinationKind::Slack,
        "https://hooks.slack.com/services/T/B/KEPT",
        true,
        vec![EventKind::RunFailed],
    );
    let audit = lab.store.audit_log(None, 1000, 0).unwrap().len();
    let cases: Vec<(&str, DestinationDraft)> = vec![
        (
            "name",
            DestinationDraft {
                name: " ".into(),
                ..good.clone()
            },
        ),
        (
            "name",
            DestinationDraft {
                name: "x".repeat(500),
                ..good.clone()
            },
        ),
        (
            "name",
            DestinationDraft {
                name: "two\nlines".into(),
                ..good.clone()
            },
        ),
        (
            "name",
            DestinationDraft {
                name: "kept".into(),
                ..good.clone()
            },
        ),
        (
            "url",
            DestinationDraft {
                url: None,
                ..good.clone()
            },
        ),
        (
            "url",
            DestinationDraft {
                url: Some("".into()),
                ..good.clone()
            },
        ),
        (
            "url",
            DestinationDraft {
                url: Some("not a url".into()),
                ..good.clone()
            },
        ),
        (
            "url",
            DestinationDraft {
                url: Some("http://hooks.slack.com/x".into()),
                ..good.clone()
            },
        ),
        (
            "url",
            DestinationDraft {
                url: Some("ftp://hooks.slack.com/x".into()),
                ..good.clone()
            },
        ),
        (
            "url",
            DestinationDraft {
                url: Some("https://bob:TOKEN@hooks.slack.com/x".into()),
                ..good.clone()
            },
        ),
        (
            "url",
            DestinationDraft {
                url: Some(format!("https://a.example/{}", "x".repeat(3000))),
                ..good.clone()
            },
        ),
        (
            "url",
            DestinationDraft {
                url: Some("https://a.example/x\ny".into()),
                ..good.clone()
            },
        ),
        (
            "events",
            DestinationDraft {
                events: vec![],
                ..good.clone()
            },
        ),
    ];
    for (field, draft) in cases {
        let error = destinations::add(&mut lab.store, &lab.secrets, &draft, ACTOR).unwrap_err();
        let message = error.to_string();
        assert_eq!(fields(error), [field], "{draft:?}: {message}");
        assert!(
            !message.contains("TOKEN") && !message.contains("bob"),
            "the URL is not quoted back: {message}"
        );
        // An edit of the kept destination with the same bad field changes nothing either
        // (without a URL, an edit keeps the one it has; its own name in other letters is
        // its own).
        let keeps_url = draft.url.as_deref().is_none_or(|u| u.trim().is_empty());
        if !keeps_url && draft.name != "kept" {
            let edit = destinations::edit(&mut lab.store, &lab.secrets, kept, &draft, ACTOR);
            assert!(edit.is_err(), "{draft:?}");
        }
    }
    let list = lab.store.list_destinations().unwrap();
    assert_eq!(list.len(), 1, "nothing added: {list:?}");
    assert_eq!(list[0].name, "Kept");
    assert_eq!(list[0].host, "hooks.slack.com");
    assert_eq!(list[0].events, [EventKind::RunFailed]);
    assert_eq!(
        lab.secrets.destination_url(kept).unwrap().as_deref(),
        Some("https://hooks.slack.com/services/T/B/KEPT"),
        "the URL kept"
    );
    let audit_now = lab.store.audit_log(None, 1000, 0).unwrap().len();
    assert_eq!(audit_now, audit, "nothing audited: nothing changed");
}

#[test]
fn an_answer_that_echoes_the_url_never_shows_its_token() {
    let receiver = Receiver::start();
    let token = format!("tok{}", uuid::Uuid::new_v4().simple());
    let path = format!("/api/webhooks/1234567/{token}?sig={token}2&sp=%2Ftriggers%2Fmanual");
    // A 404 page that quotes the path with the token starting 195 characters in (so a cut at
    // 200 falls inside it), then again with JSON's escaped slashes, then the token alone.
    let echo = format!(
        "{}Cannot POST {path} | {{\"path\":\"{}\"}} | unknown token {token} | sp=/triggers/manual",
        "x".repeat(161),
        path.replace('/', "\\/")
    );
    receiver.then([Reply::status(404, &echo), Reply::status(500, &echo)]);
    let mut lab = Lab::new();
    let id = lab.destination(
        "LIMS",
        DestinationKind::Webhook,
        &receiver.url(&path),
        true,
        EventKind::defaults(),
    );
    let runtime = runtime();
    for _ in 0..2 {
        let result = runtime
            .block_on(destinations::send_test(&mut lab.store, &lab.secrets, id))
            .unwrap();
        let error = result.error.unwrap();
        for part in [&token[..], &token[..12], &token[..5], "1234567"] {
            assert!(!error.contains(part), "{part:?} is in {error:?}");
        }
    }
    let log = lab.connect().notification_log(10, 0).unwrap();
    assert!(log.iter().all(|e| {
        !e.error
            .as_deref()
            .unwrap_or_default()
            .contains(&token[..12])
    }));
}

#[test]
fn a_receiver_on_this_pc_is_never_reached_through_the_proxy() {
    let proxy = Receiver::start();
    // Not 127.0.0.1 or localhost: any address of this PC is reached directly.
    let receiver = Receiver::start_at("127.0.0.2", 0);
    let mut lab = Lab::new();
    lab.store
        .set_setting(
            SettingKey::HttpsProxy,
            &format!("http://127.0.0.1:{}", proxy.port),
            ACTOR,
        )
        .unwrap();
    let id = lab.destination(
        "Local",
        DestinationKind::Webhook,
        &format!("http://127.0.0.2:{}/hook/SECRET", receiver.port),
        true,
        EventKind::defaults(),
    );
    let result = runtime()
        .block_on(destinations::send_test(&mut lab.store, &lab.secrets, id))
        .unwrap();
    assert!(result.error.is_none(), "{result:?}");
    assert_eq!(receiver.got().len(), 1);
    assert!(proxy.got().is_empty(), "{:?}", proxy.got());
}

#[test]
fn a_lost_url_keeps_the_messages_waiting_and_a_destination_turned_off_drops_them_quietly() {
    let receiver = Receiver::start();
    let mut lab = Lab::new();
    let url = receiver.url("/hook/after-restart");
    let id = lab.destination(
        "LIMS",
        DestinationKind::Webhook,
        &url,
        true,
        EventKind::defaults(),
    );
    let prep = lab.schedule("Plate prep");
    // Deckhand restarted without a keyring: the session-only URL is gone.
    let forgetful = Arc::new(Secrets::session_only("restarted"));
    let runtime = runtime();
    let outbox = lab.deliverer_with(&runtime, forgetful.clone());
    lab.failed(&prep, 1);
    wait_for_explained(
        "the message to wait for its URL",
        Duration::from_secs(20),
        || {
            lab.pending().iter().any(|e| {
                e.last_error
                    .as_deref()
                    .unwrap_or_default()
                    .contains("no URL is kept")
            })
        },
        || format!("{:?}", lab.pending()),
    );
    assert!(lab.log("failed").is_empty(), "not given up");
    // The URL entered again (Edit): the message goes.
    forgetful.set_destination_url(id, &url).unwrap();
    wait_for("the message delivered", Duration::from_secs(20), || {
        lab.pending().is_empty() && receiver.got().len() == 1
    });
    // Turned off: a new message is dropped, without a desktop notification.
    let mut off = lab.store.get_destination(id).unwrap();
    off.enabled = false;
    destinations::edit(
        &mut lab.store,
        &lab.secrets,
        id,
        &DestinationDraft {
            name: off.name.clone(),
            kind: off.kind,
            url: None,
            enabled: false,
            events: off.events.clone(),
        },
        ACTOR,
    )
    .unwrap();
    let second = lab.schedule("Second prep");
    lab.failed(&second, 2);
    wait_for(
        "the second message settled",
        Duration::from_secs(20),
        || lab.pending().is_empty(),
    );
    runtime.block_on(outbox.shutdown());
    assert_eq!(receiver.got().len(), 1, "nothing posted while off");
    let failed = lab.log("failed");
    assert_eq!(
        failed.len(),
        0,
        "a message never queued for a destination that is off: {failed:?}"
    );
    assert!(
        lab.shown
            .0
            .lock()
            .unwrap()
            .iter()
            .all(|(s, _)| !s.contains("could not post")),
        "the desktop is not told of a person's choice"
    );
}

/// The post went out but the database could not say so (another program held it locked past
/// the busy timeout): the message is not posted again while its outcome waits to be written,
/// and the outcome is written once the database frees.
#[test]
fn a_post_whose_outcome_cannot_be_written_is_not_posted_again() {
    let receiver = Receiver::start();
    let mut lab = Lab::new();
    lab.destination(
        "Lab Slack",
        DestinationKind::Slack,
        &receiver.url("/slack"),
        true,
        EventKind::defaults(),
    );
    let prep = lab.schedule("Plate prep");
    lab.failed(&prep, 1);
    // Another program takes the write lock and keeps it for a while.
    let holder = rusqlite::Connection::open(lab.dir.path().join("deckhand.sqlite3")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let runtime = runtime();
    let outbox = lab.deliverer(&runtime);
    wait_for("the post", Duration::from_secs(20), || {
        !receiver.got_at("/slack").is_empty()
    });
    // Long enough for several rounds of the delivery task (each write waits out the 5 s busy
    // timeout; outcomes are written again every 2 s).
    let held_until = std::time::Instant::now() + Duration::from_secs(12);
    while std::time::Instant::now() < held_until {
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(
            receiver.got_at("/slack").len(),
            1,
            "posted again while the outcome could not be written"
        );
    }
    holder.execute_batch("COMMIT").unwrap();
    wait_for_explained(
        "the outcome written once the database frees",
        Duration::from_secs(30),
        || lab.pending().iter().all(|e| e.channel != Channel::Slack),
        || format!("{:?}", lab.pending()),
    );
    runtime.block_on(outbox.shutdown());
    assert_eq!(receiver.got_at("/slack").len(), 1);
    assert_eq!(
        lab.log("sent")
            .iter()
            .filter(|e| e.channel == Channel::Slack)
            .count(),
        1
    );
}
