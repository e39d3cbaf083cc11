//! Engine benchmark (Linux): dispatch latency side by side with a baseline, idle cost, and a
//! burst of 10,000 schedules due at one instant.
//!
//! - **Dispatch latency**: from a slot's instant to the child process starting (the child
//!   notes the wall time as its first act). The baseline sleeps until each instant with an
//!   absolute-time `clock_nanosleep` and spawns the same child — the best any scheduler can do
//!   here. Deckhand runs its real engine on a real SQLite file (the run row is written before
//!   the launch) with the real process runner. 200 slots 50 ms apart, then 20 at one instant.
//! - **Idle cost**: `deckhand run` with 1,000 active schedules, none due within the hour, for
//!   60 s after start-up: CPU time, context switches (every thread), resident memory.
//! - **Burst**: 10,000 schedules due at the same instant, capacity 1: time until every run is
//!   queued, and the engine's memory.
//! - **Waiting runs** (`deckhand run`, capacity 1): the gap between one of Deckhand's runs
//!   ending and the next waiting run's process starting (20 pairs); the same after a run
//!   someone started by hand ends (8 times, ending at different moments of the engine's looks);
//!   and what watching costs with 20 runs waiting on a run by hand for 10 minutes
//!   (`DECKHAND_BENCH_QUEUE_SECONDS` shortens it). The program started as HxRun here is a
//!   std-only child compiled with `rustc` at the start (about 0.5 ms to start, against about
//!   2 ms for this bench binary, which loads OpenSSL), so the gap measures Deckhand, not the
//!   child's start-up.
//!
//! `cargo bench --bench engine` (about 14 minutes; `-- queue` alone about 11).

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Duration, Utc};
use deckhand::clock::{Clock, SystemClock};
use deckhand::engine::{Engine, ProcessMonitor, RobotMonitor, WallTimer};
use deckhand::model::{
    ContactDraft, EventKind, Recurrence, RunStatus, ScheduleDraft, SettingKey, SmtpSettings,
    TlsMode,
};
use deckhand::notify::{self, Delivering, DeliveryPolicy, DesktopNotifications, Smtp};
use deckhand::runner::HxRunRunner;
use deckhand::secrets::Secrets;
use deckhand::store::Store;
use strum::IntoEnumIterator;

fn wall_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// The child: note the wall time (ns since the epoch) into the file named, then exit. A method
/// named `hold<MS>-…` runs as VENUS would for MS milliseconds, writing a trace into the log
/// folder (the second argument) that ends `End method - complete`, and notes its end in
/// `<file>.end` as its last act.
fn child(path: &str, log_folder: Option<&str>) {
    std::fs::write(path, wall_ns().to_string()).expect("the child writes its start time");
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(ms) = name
        .strip_prefix("hold")
        .and_then(|rest| rest.split('-').next())
        .and_then(|ms| ms.parse::<u64>().ok())
    else {
        return;
    };
    let folder = Path::new(log_folder.expect("a log folder for the trace"));
    std::fs::create_dir_all(folder).unwrap();
    let stem = name.trim_end_matches(".med");
    let trace_path = folder.join(format!(
        "{stem}_{}_Trace.trc",
        uuid::Uuid::new_v4().simple()
    ));
    let line = |text: &str| {
        format!(
            "{}> SYSTEM : {text}\r\n",
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
        )
    };
    let mut trace = line(&format!("Analyze method - start; Method file {path}"));
    trace += &line("Analyze method - complete; ");
    trace += &line("Start method - complete; ");
    trace += &line(&format!("Execute method - start; Method file {path}"));
    std::fs::write(&trace_path, &trace).unwrap();
    std::thread::sleep(StdDuration::from_millis(ms));
    trace += &line("End method - complete; ");
    std::fs::write(&trace_path, &trace).unwrap();
    std::fs::write(format!("{path}.end"), wall_ns().to_string())
        .expect("the child writes its end time");
}

/// A method someone runs by hand: runs `ms` milliseconds, notes its end in `end` as its last
/// act.
fn hold(ms: &str, end: &str) {
    std::thread::sleep(StdDuration::from_millis(ms.parse().expect("milliseconds")));
    std::fs::write(end, wall_ns().to_string()).expect("the run by hand writes its end time");
}

fn exe() -> PathBuf {
    std::env::current_exe().expect("the bench binary's path")
}

fn read_ns(path: &Path) -> Option<i128> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn ns_of(at: DateTime<Utc>) -> i128 {
    i128::from(at.timestamp_nanos_opt().expect("in range"))
}

/// Latencies in ms: child start minus slot, for each slot's output file.
fn latencies(slots: &[(DateTime<Utc>, PathBuf)]) -> Vec<f64> {
    slots
        .iter()
        .map(|(at, path)| {
            let started =
                read_ns(path).unwrap_or_else(|| panic!("{} was not written", path.display()));
            (started - ns_of(*at)) as f64 / 1e6
        })
        .collect()
}

fn summary(label: &str, mut ms: Vec<f64>) -> (f64, f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let pick = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    let (min, median, p99, max) = (ms[0], pick(0.5), pick(0.99), ms[ms.len() - 1]);
    println!(
        "  {label:<38} n={:<4} median {median:>7.3} ms  p99 {p99:>7.3} ms  max {max:>7.3} ms  min {min:>7.3} ms{}",
        ms.len(),
        if min < 0.0 { "  EARLY!" } else { "" }
    );
    (min, median, p99, max)
}

/// The slots of a scenario: `count` instants `gap_ms` apart from `first`, each with the file
/// its child writes.
fn slots(
    dir: &Path,
    tag: &str,
    first: DateTime<Utc>,
    count: usize,
    gap_ms: i64,
) -> Vec<(DateTime<Utc>, PathBuf)> {
    (0..count)
        .map(|k| {
            (
                first + Duration::milliseconds(gap_ms * k as i64),
                dir.join(format!("{tag}-{k}.med")),
            )
        })
        .collect()
}

fn baseline(slots: &[(DateTime<Utc>, PathBuf)]) -> Vec<f64> {
    let mut children: Vec<Child> = Vec::new();
    for (at, path) in slots {
        let ts = rustix::time::Timespec {
            tv_sec: at.timestamp(),
            tv_nsec: i64::from(at.timestamp_subsec_nanos()),
        };
        while rustix::thread::clock_nanosleep_absolute(rustix::thread::ClockId::Realtime, &ts)
            .is_err()
        {}
        children.push(
            Command::new(exe())
                .arg("--child")
                .arg(path)
                .spawn()
                .expect("spawn"),
        );
    }
    for mut c in children {
        c.wait().unwrap();
    }
    latencies(slots)
}

struct NeverBusy;

impl RobotMonitor for NeverBusy {
    fn foreign_run(
        &self,
        _names: &[String],
        _ours: &std::collections::HashSet<u32>,
    ) -> Option<String> {
        None
    }
}

fn deckhand<M: RobotMonitor>(
    dir: &Path,
    slots: &[(DateTime<Utc>, PathBuf)],
    monitor: M,
) -> Vec<f64> {
    let db = dir.join(format!(
        "dispatch-{}.sqlite3",
        slots[0].1.file_stem().unwrap().to_string_lossy()
    ));
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut store = Store::open(&db, clock.clone()).unwrap();
    store
        .set_setting(SettingKey::MaxConcurrentRuns, "32", "bench")
        .unwrap();
    let exe_text = exe().to_string_lossy().into_owned();
    let logs = dir.join("LogFiles").to_string_lossy().into_owned();
    store
        .set_setting(SettingKey::HxrunPath, &exe_text, "bench")
        .unwrap();
    store
        .set_setting(SettingKey::HxrunArgs, "--child {method}", "bench")
        .unwrap();
    store
        .set_setting(SettingKey::LogFolder, &logs, "bench")
        .unwrap();
    // The methods live in the benchmark's folder, which is the methods folder.
    let methods = slots[0].1.parent().unwrap().to_string_lossy().into_owned();
    store
        .set_setting(SettingKey::MethodsFolder, &methods, "bench")
        .unwrap();
    for (at, path) in slots {
        // The runner checks that the method file exists; the child then overwrites it.
        std::fs::write(path, "").unwrap();
        let draft = ScheduleDraft {
            name: path.file_stem().unwrap().to_string_lossy().into_owned(),
            method_path: path.to_string_lossy().into_owned(),
            recurrence: Recurrence::Once { at: *at },
            retry: Default::default(),
            missed_runs: Default::default(),
            expected_duration_minutes: None,
            stuck_minutes: None,
            active: true,
        };
        store.create_schedule(&draft, "bench").unwrap();
    }
    // Five people who want to hear everything, and a mail server that refuses connections:
    // every state change queues messages and the delivery task keeps failing and retrying
    // beside the engine, as it would during a mail outage.
    let contacts = if std::env::var_os("DECKHAND_BENCH_NO_MAIL").is_some() {
        0
    } else {
        5
    };
    for n in 0..contacts {
        store
            .create_contact(
                &ContactDraft {
                    name: format!("Person {n}"),
                    email: format!("person{n}@lab.example.org"),
                    enabled: true,
                    events: EventKind::iter().collect(),
                },
                "bench",
            )
            .unwrap();
    }
    store
        .set_smtp_settings(
            &SmtpSettings {
                host: "127.0.0.1".into(),
                port: 9,
                tls: TlsMode::None,
                username: None,
                from_address: "deckhand@lab.example.org".into(),
            },
            "bench",
        )
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let reader = Store::open(&db, clock.clone()).unwrap();
    let outbox_store = Store::open(&db, clock.clone()).unwrap();
    let deliver = std::env::var_os("DECKHAND_BENCH_NO_OUTBOX").is_none();
    runtime.block_on(async {
        let outbox = deliver.then(|| {
            notify::start(Delivering::<Smtp, DesktopNotifications> {
                store: outbox_store,
                mailer: Arc::new(Smtp),
                desktop: None,
                secrets: Arc::new(Secrets::session_only("bench")),
                clock: clock.clone(),
                policy: DeliveryPolicy {
                    first_retry: StdDuration::from_millis(200),
                    ..DeliveryPolicy::default()
                },
            })
        });
        if let Some(outbox) = &outbox {
            store.set_outbox_bell(outbox.bell());
        }
        let runner = Arc::new(HxRunRunner::new());
        let (engine, task) = Engine::start(
            store,
            runner,
            Arc::new(monitor),
            clock,
            WallTimer,
            chrono::Local,
        )
        .unwrap();
        let last = slots.last().unwrap().0;
        loop {
            tokio::time::sleep(StdDuration::from_millis(100)).await;
            let done = reader
                .runs_in_status(&[RunStatus::Pending, RunStatus::Waiting, RunStatus::Running])
                .unwrap()
                .is_empty();
            if done && Utc::now() > last + Duration::milliseconds(200) {
                break;
            }
        }
        engine.shutdown().await;
        task.await.unwrap();
        if let Some(outbox) = outbox {
            outbox.shutdown().await;
        }
    });
    let queued: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM outbox", [], |row| row.get(0))
        .unwrap();
    println!("   ({queued} messages queued meanwhile; the mail server refused them all)");
    latencies(slots)
}

fn dispatch(dir: &Path) {
    println!("Dispatch latency: slot instant → child process running (the child's first act)");
    let scenarios: [(&str, usize, i64); 2] = [
        ("200 slots 50 ms apart", 200, 50),
        ("20 slots at one instant", 20, 0),
    ];
    for (round, (label, count, gap)) in scenarios.iter().enumerate() {
        println!(" {label}:");
        let start = Utc::now() + Duration::seconds(2);
        let base = baseline(&slots(dir, &format!("base{round}"), start, *count, *gap));
        let (_, _, base_p99, _) = summary("baseline (clock_nanosleep + spawn)", base);
        let start = Utc::now() + Duration::seconds(3);
        let ours = deckhand(
            dir,
            &slots(dir, &format!("deck{round}"), start, *count, *gap),
            NeverBusy,
        );
        let (min, _, p99, _) = summary("Deckhand (fake monitor)", ours);
        let start = Utc::now() + Duration::seconds(3);
        // The default settings' robot names (HxRun.exe), read by the engine at each look.
        let real = deckhand(
            dir,
            &slots(dir, &format!("real{round}"), start, *count, *gap),
            ProcessMonitor::new(),
        );
        let (real_min, _, real_p99, _) = summary("Deckhand (real process monitor)", real);
        let verdict = |p99: f64, min: f64| {
            if p99 <= base_p99 + 1.5 && min >= 0.0 {
                "met"
            } else {
                "MISSED"
            }
        };
        println!(
            "  target p99 within 1.5 ms of the baseline's, never early: fake monitor {} (+{:.3} ms), real monitor {} (+{:.3} ms)",
            verdict(p99, min),
            p99 - base_p99,
            verdict(real_p99, real_min),
            real_p99 - base_p99
        );
    }
}

/// (cpu seconds, context switches over all threads, resident kB, peak resident kB) of `pid`.
fn process_cost(pid: u32) -> (f64, u64, u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks = rustix::param::clock_ticks_per_second() as f64;
    let cpu = (fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap()) / ticks;
    let mut switches = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let status =
            std::fs::read_to_string(task.unwrap().path().join("status")).unwrap_or_default();
        for line in status.lines() {
            if line.starts_with("voluntary_ctxt_switches")
                || line.starts_with("nonvoluntary_ctxt_switches")
            {
                switches += line
                    .split_whitespace()
                    .last()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap();
            }
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    (cpu, switches, kb("VmRSS:"), kb("VmHWM:"))
}

/// `deckhand run` on `db`, logging warnings (everything, on its standard error, with
/// `DECKHAND_BENCH_DEBUG` set: to see where time goes).
fn start_engine_process(db: &Path) -> Child {
    let debug = std::env::var_os("DECKHAND_BENCH_DEBUG").is_some();
    Command::new(env!("CARGO_BIN_EXE_deckhand"))
        .arg("--db")
        .arg(db)
        .args(["run", "--log-level", if debug { "trace" } else { "warn" }])
        .stderr(if debug {
            std::process::Stdio::inherit()
        } else {
            std::process::Stdio::null()
        })
        .spawn()
        .expect("deckhand run starts")
}

fn stop(mut child: Child) {
    let _ = rustix::process::kill_process(
        rustix::process::Pid::from_raw(child.id() as i32).unwrap(),
        rustix::process::Signal::TERM,
    );
    let _ = child.wait();
}

fn many_schedules(db: &Path, count: usize, at: impl Fn(usize) -> Recurrence) {
    let mut store = Store::open(db, Arc::new(SystemClock)).unwrap();
    store
        .set_setting(SettingKey::HxrunPath, &exe().to_string_lossy(), "bench")
        .unwrap();
    store
        .set_setting(SettingKey::HxrunArgs, "--child {method}", "bench")
        .unwrap();
    let methods = db.parent().unwrap().to_string_lossy().into_owned();
    store
        .set_setting(SettingKey::MethodsFolder, &methods, "bench")
        .unwrap();
    for k in 0..count {
        let draft = ScheduleDraft {
            name: format!("Schedule {k}"),
            method_path: db
                .with_file_name(format!("m-{k}.med"))
                .to_string_lossy()
                .into_owned(),
            recurrence: at(k),
            retry: Default::default(),
            missed_runs: Default::default(),
            expected_duration_minutes: None,
            stuck_minutes: None,
            active: true,
        };
        store.create_schedule(&draft, "bench").unwrap();
    }
}

fn idle(dir: &Path) {
    println!(
        "Idle cost: `deckhand run`, 1,000 active schedules, none due within the hour, 60 s after the start-up backup"
    );
    let db = dir.join("idle.sqlite3");
    let tomorrow = Utc::now() + Duration::hours(2);
    many_schedules(&db, 1000, |k| Recurrence::Daily {
        start: tomorrow + Duration::seconds(k as i64),
    });
    let child = start_engine_process(&db);
    // Start-up is not idle: the day's backup is made a few seconds after start. Measure from
    // a few seconds after it is on disk.
    let backups = dir.join("backups");
    let started = std::time::Instant::now();
    while std::fs::read_dir(&backups).map_or(true, |mut d| d.next().is_none())
        && started.elapsed() < StdDuration::from_secs(120)
    {
        std::thread::sleep(StdDuration::from_millis(200));
    }
    std::thread::sleep(StdDuration::from_secs(5));
    let (cpu0, switches0, _, _) = process_cost(child.id());
    std::thread::sleep(StdDuration::from_secs(60));
    let (cpu1, switches1, rss, peak) = process_cost(child.id());
    stop(child);
    println!(
        "  CPU time {:.3} s, context switches {} (all threads), resident {:.1} MB (peak {:.1} MB)",
        cpu1 - cpu0,
        switches1 - switches0,
        rss as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    println!(
        "  target zero wake-ups: {}; under 20 MB resident: {}",
        if switches1 == switches0 {
            "met"
        } else {
            "MISSED"
        },
        if rss < 20 * 1024 { "met" } else { "MISSED" }
    );
}

fn burst(dir: &Path) {
    println!("Burst: 10,000 schedules due at one instant, capacity 1");
    let db = dir.join("burst.sqlite3");
    let started = Instant::now();
    let at = Utc::now() + Duration::seconds(40);
    many_schedules(&db, 10_000, |_| Recurrence::Once { at });
    println!(
        "  (10,000 schedules created in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let child = start_engine_process(&db);
    let reader = Store::open(&db, Arc::new(SystemClock)).unwrap();
    let wait = (at - Utc::now()).to_std().unwrap_or_default();
    std::thread::sleep(wait);
    let mut queued_after = None;
    let mut peak = 0;
    for _ in 0..1200 {
        let (_, _, _, hwm) = process_cost(child.id());
        peak = peak.max(hwm);
        // Queued: every slot has its run row, and none is still pending (each is running or
        // waiting for capacity).
        let pending = reader.runs_in_status(&[RunStatus::Pending]).unwrap().len();
        let total = reader
            .export_history_csv(&deckhand::model::HistoryQuery::default(), std::io::sink())
            .unwrap();
        if total >= 10_000 && pending == 0 {
            queued_after = Some(Utc::now() - at);
            break;
        }
        std::thread::sleep(StdDuration::from_millis(100));
    }
    let (_, _, rss, hwm) = process_cost(child.id());
    stop(child);
    match queued_after {
        Some(took) => println!(
            "  all 10,000 runs queued {:.2} s after the instant; engine resident {:.1} MB (peak {:.1} MB)",
            took.num_milliseconds() as f64 / 1000.0,
            rss as f64 / 1024.0,
            hwm.max(peak) as f64 / 1024.0
        ),
        None => println!("  NOT all queued within two minutes"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(&args[2], args.get(3).map(String::as_str));
        return;
    }
    if args.get(1).map(String::as_str) == Some("--hold") {
        hold(&args[2], &args[3]);
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    // `-- dispatch`, `-- idle`, `-- burst` or `-- queue` runs one part.
    let only = args.iter().skip(1).find(|a| !a.starts_with('-')).cloned();
    let wanted = |part: &str| only.as_deref().is_none_or(|o| o == part);
    if wanted("dispatch") {
        dispatch(dir.path());
    }
    if wanted("idle") {
        idle(dir.path());
    }
    if wanted("burst") {
        burst(dir.path());
    }
    if wanted("queue") {
        queue(dir.path());
    }
}

/// `deckhand run`'s settings for `program` (the light child) as HxRun, methods in `db`'s folder,
/// and one schedule per (method file name, instant, attempts): a one-off, 2 minutes apart.
fn queue_schedules(db: &Path, program: &Path, schedules: &[(String, DateTime<Utc>, u32)]) {
    let mut store = Store::open(db, Arc::new(SystemClock)).unwrap();
    let folder = db.parent().unwrap();
    store
        .set_setting(SettingKey::HxrunPath, &program.to_string_lossy(), "bench")
        .unwrap();
    store
        .set_setting(
            SettingKey::HxrunArgs,
            "--child {method} {log_folder}",
            "bench",
        )
        .unwrap();
    store
        .set_setting(
            SettingKey::MethodsFolder,
            &folder.to_string_lossy(),
            "bench",
        )
        .unwrap();
    store
        .set_setting(
            SettingKey::LogFolder,
            &folder.join("LogFiles").to_string_lossy(),
            "bench",
        )
        .unwrap();
    store
        .set_setting(SettingKey::RobotProcessNames, FOREIGN, "bench")
        .unwrap();
    for (method, at, attempts) in schedules {
        let path = folder.join(method);
        std::fs::write(&path, "").unwrap();
        let retry = deckhand::model::RetryPolicy {
            max_attempts: *attempts,
            ..Default::default()
        };
        store
            .create_schedule(
                &ScheduleDraft {
                    name: method.clone(),
                    method_path: path.to_string_lossy().into_owned(),
                    recurrence: Recurrence::Once { at: *at },
                    retry,
                    missed_runs: Default::default(),
                    expected_duration_minutes: None,
                    stuck_minutes: None,
                    active: true,
                },
                "bench",
            )
            .unwrap();
    }
}

/// The name of the program "someone runs by hand" (the robot's program name in the queue part).
const FOREIGN: &str = "fgnrobot";

/// Starts a run by hand of `ms` milliseconds that notes its end in `end`, through a shell, so
/// that it is not a child of this process (nor of Deckhand).
fn start_by_hand(dir: &Path, ms: u64, end: &Path) {
    let program = dir.join(FOREIGN);
    if !program.exists() {
        std::fs::copy(exe(), &program).unwrap();
    }
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#""$0" --hold "$1" "$2" >/dev/null 2>&1 &"#)
        .arg(&program)
        .arg(ms.to_string())
        .arg(end)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits until `path` has been written (at most `limit`); its time.
fn wait_for_ns(path: &Path, limit: StdDuration) -> i128 {
    let started = Instant::now();
    loop {
        if let Some(ns) = read_ns(path) {
            return ns;
        }
        assert!(
            started.elapsed() < limit,
            "{} was not written within {limit:?}",
            path.display()
        );
        std::thread::sleep(StdDuration::from_millis(20));
    }
}

/// The program the queue part runs as HxRun: std only, so it starts in about half a
/// millisecond. The bench binary itself (`--child`) loads OpenSSL and more at start, about 2 ms
/// here, which would make the gap measure the bench's own start-up rather than Deckhand.
/// Same arguments and files as [`child`]: notes its start time in the method's file; a method
/// named `hold<MS>-…` writes a trace into the log folder, runs MS milliseconds, ends the trace
/// `End method - complete` and notes its end in `<file>.end` as its last act.
const LIGHT_CHILD: &str = r#"
use std::time::{Duration, SystemTime, UNIX_EPOCH};
fn ns() -> u128 { SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() }
// A UTC time stamp, YYYY-MM-DD HH:MM:SS (days to a civil date: Howard Hinnant's algorithm).
fn stamp() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", rest / 3_600, rest % 3_600 / 60, rest % 60)
}
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = &args[2];
    std::fs::write(path, ns().to_string()).unwrap();
    let name = std::path::Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
    let Some(ms) = name.strip_prefix("hold").and_then(|r| r.split('-').next()).and_then(|m| m.parse::<u64>().ok()) else { return };
    let folder = std::path::Path::new(&args[3]);
    std::fs::create_dir_all(folder).unwrap();
    let stem = name.trim_end_matches(".med");
    let trace_path = folder.join(format!("{stem}_{}_Trace.trc", ns()));
    let line = |text: &str| format!("{}> SYSTEM : {text}\r\n", stamp());
    let mut trace = line(&format!("Analyze method - start; Method file {path}"));
    trace += &line("Analyze method - complete; ");
    trace += &line("Start method - complete; ");
    trace += &line(&format!("Execute method - start; Method file {path}"));
    std::fs::write(&trace_path, &trace).unwrap();
    std::thread::sleep(Duration::from_millis(ms));
    trace += &line("End method - complete; ");
    std::fs::write(&trace_path, &trace).unwrap();
    std::fs::write(format!("{path}.end"), ns().to_string()).unwrap();
}
"#;

/// Compiles [`LIGHT_CHILD`] into `dir` with the toolchain's `rustc`; its path.
fn light_child(dir: &Path) -> PathBuf {
    let source = dir.join("light_child.rs");
    let program = dir.join(format!("light-child{}", std::env::consts::EXE_SUFFIX));
    std::fs::write(&source, LIGHT_CHILD).unwrap();
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let status = Command::new(rustc)
        .args(["--edition", "2021", "-O", "-o"])
        .arg(&program)
        .arg(&source)
        .status()
        .expect("rustc (the toolchain's compiler) builds the benchmark's child");
    assert!(status.success(), "the benchmark's child did not compile");
    program
}

fn queue(dir: &Path) {
    println!(
        "Waiting runs: the gap between the robot freeing and the next waiting run's process starting"
    );
    let program = light_child(dir);
    let folder = dir.join("queue-own");
    std::fs::create_dir_all(&folder).unwrap();
    let db = folder.join("queue.sqlite3");
    // 20 pairs, capacity 1: A runs 300 ms; B, due 100 ms after A, waits for it.
    let first = Utc::now() + Duration::seconds(8);
    let pairs: Vec<(String, String)> = (0..20)
        .map(|k| (format!("hold300-a{k}.med"), format!("b{k}.med")))
        .collect();
    let mut schedules = Vec::new();
    for (k, (a, b)) in pairs.iter().enumerate() {
        let at = first + Duration::seconds(k as i64);
        schedules.push((a.clone(), at, 5));
        schedules.push((b.clone(), at + Duration::milliseconds(100), 5));
    }
    queue_schedules(&db, &program, &schedules);
    let engine = start_engine_process(&db);
    let gaps: Vec<f64> = pairs
        .iter()
        .map(|(a, b)| {
            let limit = StdDuration::from_secs(60);
            let ended = wait_for_ns(&folder.join(format!("{a}.end")), limit);
            let started = wait_for_ns(&folder.join(b), limit);
            (started - ended) as f64 / 1e6
        })
        .collect();
    stop(engine);
    // The best any scheduler can do here: wait for A's process to end, then start B at once.
    let logs = folder.join("LogFiles").to_string_lossy().into_owned();
    let base: Vec<f64> = (0..20)
        .map(|k| {
            let a = folder.join(format!("hold300-base{k}.med"));
            let b = folder.join(format!("base-b{k}.med"));
            let spawn = |method: &Path| {
                Command::new(&program)
                    .arg("--child")
                    .arg(method)
                    .arg(&logs)
                    .spawn()
                    .expect("spawn")
            };
            spawn(&a).wait().unwrap();
            spawn(&b).wait().unwrap();
            let limit = StdDuration::from_secs(10);
            let ended = wait_for_ns(&PathBuf::from(format!("{}.end", a.display())), limit);
            (wait_for_ns(&b, limit) - ended) as f64 / 1e6
        })
        .collect();
    let (_, base_median, base_p99, _) = summary("baseline (waitpid, then spawn)", base);
    let (_, median, p99, _) = summary("Deckhand's own run ends → next starts", gaps);
    println!(
        "  target under 5 ms: {}; Deckhand adds {:.3} ms at the median, {:.3} ms at p99",
        if p99 < 5.0 { "met" } else { "MISSED" },
        median - base_median,
        p99 - base_p99
    );

    let folder = dir.join("queue-foreign");
    std::fs::create_dir_all(&folder).unwrap();
    let db = folder.join("queue.sqlite3");
    queue_schedules(&db, &program, &[]);
    let engine = start_engine_process(&db);
    std::thread::sleep(StdDuration::from_secs(3));
    let watch = deckhand::engine::FOREIGN_WATCH.num_milliseconds() as f64;
    let mut gaps = Vec::new();
    for k in 0..8u64 {
        // Ends at different moments of the engine's 2-second looks.
        let end = folder.join(format!("by-hand-{k}.end"));
        start_by_hand(&folder, 1500 + k * 263, &end);
        std::thread::sleep(StdDuration::from_millis(300));
        let method = format!("w{k}.med");
        queue_schedules(
            &db,
            &program,
            &[(method.clone(), Utc::now() + Duration::milliseconds(300), 5)],
        );
        let limit = StdDuration::from_secs(30);
        let ended = wait_for_ns(&end, limit);
        let started = wait_for_ns(&folder.join(&method), limit);
        gaps.push((started - ended) as f64 / 1e6);
    }
    stop(engine);
    let (_, _, _, max) = summary("a run by hand ends → next starts", gaps);
    println!(
        "  target under the watch period + 5 ms ({:.0} ms): {}",
        watch + 5.0,
        if max < watch + 5.0 { "met" } else { "MISSED" }
    );

    // What the watching costs: 20 runs waiting on a run by hand for 10 minutes (7 attempts, 2
    // minutes apart: they may wait 12), `deckhand run` measured from a few seconds after its
    // start-up backup.
    let seconds: u64 = std::env::var("DECKHAND_BENCH_QUEUE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    println!("Watching cost: `deckhand run`, 20 runs waiting on a run by hand, {seconds} s");
    let folder = dir.join("queue-cost");
    std::fs::create_dir_all(&folder).unwrap();
    let db = folder.join("queue.sqlite3");
    start_by_hand(&folder, (seconds + 120) * 1000, &folder.join("by-hand.end"));
    let due = Utc::now() + Duration::seconds(5);
    let waiting: Vec<_> = (0..20).map(|k| (format!("c{k}.med"), due, 7)).collect();
    queue_schedules(&db, &program, &waiting);
    let engine = start_engine_process(&db);
    let reader = Store::open(&db, Arc::new(SystemClock)).unwrap();
    let started = Instant::now();
    while reader.runs_in_status(&[RunStatus::Waiting]).unwrap().len() < 20 {
        assert!(
            started.elapsed() < StdDuration::from_secs(60),
            "the runs wait"
        );
        std::thread::sleep(StdDuration::from_millis(200));
    }
    let backups = folder.join("backups");
    while std::fs::read_dir(&backups).map_or(true, |mut d| d.next().is_none())
        && started.elapsed() < StdDuration::from_secs(120)
    {
        std::thread::sleep(StdDuration::from_millis(200));
    }
    std::thread::sleep(StdDuration::from_secs(5));
    let (cpu0, switches0, _, _) = process_cost(engine.id());
    std::thread::sleep(StdDuration::from_secs(seconds));
    let (cpu1, switches1, rss, _) = process_cost(engine.id());
    let still = reader.runs_in_status(&[RunStatus::Waiting]).unwrap().len();
    stop(engine);
    let _ = kill_all(FOREIGN);
    let minutes = seconds as f64 / 60.0;
    println!(
        "  CPU time {:.3} s ({:.4} s a minute), context switches {} ({:.0} a minute, all threads), resident {:.1} MB; {still} runs still waiting at the end",
        cpu1 - cpu0,
        (cpu1 - cpu0) / minutes,
        switches1 - switches0,
        (switches1 - switches0) as f64 / minutes,
        rss as f64 / 1024.0
    );
}

/// Ends every process named `name`; how many were ended.
fn kill_all(name: &str) -> usize {
    let mut system = sysinfo::System::new();
    system.refresh_processes(sysinfo::ProcessesToUpdate::All, true);
    system
        .processes()
        .values()
        .filter(|p| p.name() == name && p.kill())
        .count()
}
