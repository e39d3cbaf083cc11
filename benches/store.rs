//! Store benchmark: 1,000 schedules and 1,000,000 runs (a third of them archived by deleting a
//! third of the schedules through the store), then the figures the targets are about:
//!
//! - open + migrate + load active schedules (target: under 100 ms),
//! - one history page of 50 rows, by schedule / status / time range / newest first
//!   (target: median under 5 ms each),
//! - bytes of database per run (target: under 400).
//!
//! `cargo bench --bench store` (add `-- --runs N` for a smaller run). Runs are seeded with raw
//! SQL for speed — one transaction instead of three million — with realistic contents: HxRun
//! command lines, trace file paths and deciding trace lines of real length.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use deckhand::clock::SystemClock;
use deckhand::model::{
    HistoryQuery, Recurrence, RunStatus, ScheduleDraft, ScheduleListFilter, SettingKey,
};
use deckhand::store::Store;
use rusqlite::params;
use uuid::Uuid;

const SCHEDULES: usize = 1_000;
const PAGE: u32 = 50;

/// A small deterministic generator (xorshift), so every run of the bench seeds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn status_for(roll: u64) -> (RunStatus, bool) {
    // (status, did it launch?) — roughly what a busy lab sees.
    match roll {
        0..=899 => (RunStatus::Completed, true),
        900..=949 => (RunStatus::Failed, true),
        950..=969 => (RunStatus::Aborted, true),
        970..=979 => (RunStatus::Cancelled, false),
        980..=989 => (RunStatus::Missed, false),
        990..=994 => (RunStatus::Skipped, false),
        _ => (RunStatus::Interrupted, true),
    }
}

fn seed(path: &Path, runs: usize) -> (Vec<Uuid>, i64, i64) {
    let mut store = Store::open(path, Arc::new(SystemClock)).expect("open");
    // The methods sit under C:\Methods, as in a lab.
    store
        .set_setting(SettingKey::MethodsFolder, r"C:\Methods", "bench")
        .expect("methods folder");
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut ids = Vec::with_capacity(SCHEDULES);
    for i in 0..SCHEDULES {
        let draft = ScheduleDraft {
            name: format!("Project {:03} plate prep {}", i / 10, i),
            method_path: format!(r"C:\Methods\Project {:03}\PlatePrep_{i:04}.med", i / 10),
            recurrence: Recurrence::Interval {
                hours: 1.0 + (i % 24) as f64,
                start,
            },
            retry: Default::default(),
            missed_runs: Default::default(),
            expected_duration_minutes: Some(30 + (i % 90) as u32),
            stuck_minutes: None,
            active: true,
        };
        ids.push(store.create_schedule(&draft, "bench").expect("create").id);
    }
    drop(store);

    let mut conn = rusqlite::Connection::open(path).expect("raw connection");
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let tx = conn.transaction().unwrap();
    let mut rng = Rng(0x5eed_dec4_a11d);
    let per_schedule = runs.div_ceil(SCHEDULES);
    let first_ms = start.timestamp_millis();
    let mut last_ms = first_ms;
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO runs (id, schedule_id, slot, origin, status, attempt, queued_at,
                    started_at, ended_at, command_line, pid, exit_code, trace_folder, trace_name,
                    outcome_detail, error_message, missed_count)
                 VALUES (?1, ?2, ?3, 'schedule', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                    ?15, ?16)",
            )
            .unwrap();
        // The store pools repeated texts (see migrations/0001): one command line per
        // schedule, one trace folder.
        let pool = |text: String| -> i64 {
            tx.execute(
                "INSERT INTO text_pool (text) VALUES (?1) ON CONFLICT DO NOTHING",
                [&text],
            )
            .unwrap();
            tx.query_row("SELECT id FROM text_pool WHERE text = ?1", [&text], |row| {
                row.get(0)
            })
            .unwrap()
        };
        let trace_folder = pool(r"C:\Program Files (x86)\HAMILTON\LogFiles\".to_owned());
        let command_lines: Vec<i64> = (0..SCHEDULES)
            .map(|i| {
                pool(format!(
                    r#""C:\Program Files (x86)\HAMILTON\Bin\HxRun.exe" "C:\Methods\Project {:03}\PlatePrep_{i:04}.med" -r -t"#,
                    i / 10
                ))
            })
            .collect();
        let mut written = 0;
        // Slot-major order, as runs are really written over time.
        'outer: for k in 0..per_schedule {
            for (i, schedule) in ids.iter().enumerate() {
                if written == runs {
                    break 'outer;
                }
                let hours = 1 + (i % 24) as i64;
                let slot = first_ms + (k as i64 * hours * 3_600_000) + (i as i64 * 7_919);
                last_ms = last_ms.max(slot);
                let (status, launched) = status_for(rng.below(1000));
                let started = slot + 1_500;
                let ended = started + (20 + rng.below(60) as i64) * 60_000;
                let trace_name = format!(
                    "PlatePrep_{i:04}_{:032x}_Trace.trc",
                    (u128::from(rng.next()) << 64) | u128::from(rng.next())
                );
                let when = Utc
                    .timestamp_millis_opt(ended)
                    .unwrap()
                    .format("%Y-%m-%d %H:%M:%S");
                let outcome = match status {
                    RunStatus::Completed => {
                        Some(format!("{when}> SYSTEM : End method - complete; "))
                    }
                    RunStatus::Failed => Some(format!(
                        "{when}> ML_STAR : Aspirate - error; Not enough liquid (channel 3)"
                    )),
                    RunStatus::Aborted => Some(format!(
                        "{when}> SYSTEM : Method has been aborted by the user - complete; "
                    )),
                    _ => None,
                };
                let error = match status {
                    RunStatus::Missed => Some("Deckhand was not running at the slot".to_owned()),
                    RunStatus::Skipped => {
                        Some("The robot was busy with another run for 5 attempts".to_owned())
                    }
                    RunStatus::Cancelled => Some("Cancelled by Ann before it started".to_owned()),
                    RunStatus::Interrupted => {
                        Some("Deckhand stopped while the run was in flight".to_owned())
                    }
                    _ => None,
                };
                insert
                    .execute(params![
                        Uuid::new_v4(),
                        schedule,
                        slot,
                        status.to_string(),
                        u32::from(launched),
                        slot,
                        launched.then_some(started),
                        launched.then_some(ended),
                        launched.then_some(command_lines[i]),
                        launched.then(|| 1000 + rng.below(60_000) as i64),
                        launched.then_some(if status == RunStatus::Completed { 0 } else { 1 }),
                        launched.then_some(trace_folder),
                        launched.then_some(trace_name),
                        outcome,
                        error,
                        (status == RunStatus::Missed).then_some(1),
                    ])
                    .unwrap();
                written += 1;
            }
        }
    }
    tx.commit().unwrap();
    drop(conn);

    // A third of the schedules deleted through the store: their runs move to the archive.
    let mut store = Store::open(path, Arc::new(SystemClock)).expect("open");
    for id in ids.iter().step_by(3) {
        store.delete_schedule(*id, "bench").expect("delete");
    }
    store.optimize().expect("optimize");
    drop(store);
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
        .unwrap();
    (ids, first_ms, last_ms)
}

fn median_and_p95(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[(samples.len() * 95 / 100).min(samples.len() - 1)];
    (median, p95)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(label: &str, target_ms: f64, samples: Vec<Duration>) -> bool {
    let (median, p95) = median_and_p95(samples);
    let ok = ms(median) < target_ms;
    println!(
        "{label:<44} median {:>8.3} ms   p95 {:>8.3} ms   target < {target_ms} ms  {}",
        ms(median),
        ms(p95),
        if ok { "ok" } else { "MISSED" }
    );
    ok
}

fn main() {
    let mut runs = 1_000_000;
    let mut seed_only = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N");
        }
        // Seeds a database for other measurements (tests/e2e/measure.py) and stops.
        if arg == "--seed-only" {
            seed_only = Some(std::path::PathBuf::from(
                args.next().expect("--seed-only PATH"),
            ));
        }
    }
    if let Some(path) = seed_only {
        let seeding = Instant::now();
        seed(&path, runs);
        println!(
            "seeded {SCHEDULES} schedules and {runs} runs into {} in {:.1} s",
            path.display(),
            seeding.elapsed().as_secs_f64()
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("bench.sqlite3");
    let seeding = Instant::now();
    let (ids, first_ms, last_ms) = seed(&path, runs);
    println!(
        "seeded {SCHEDULES} schedules and {runs} runs (a third archived) in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let mut all_ok = true;

    // Open + migrate + load active schedules, as the app does at start.
    let mut samples = Vec::new();
    let mut active = 0;
    for _ in 0..30 {
        let t = Instant::now();
        let store = Store::open(&path, Arc::new(SystemClock)).unwrap();
        active = store
            .list_schedules(ScheduleListFilter::Active)
            .unwrap()
            .len();
        samples.push(t.elapsed());
    }
    all_ok &= report(
        &format!("open + migrate + load {active} active schedules"),
        100.0,
        samples,
    );

    let store = Store::open(&path, Arc::new(SystemClock)).unwrap();
    let mut rng = Rng(42);
    let mut page = |label: &str, make: &mut dyn FnMut(&mut Rng) -> HistoryQuery| {
        let mut samples = Vec::new();
        let mut rows = 0;
        for _ in 0..300 {
            let query = make(&mut rng);
            let t = Instant::now();
            let result = store.history(&query).unwrap();
            samples.push(t.elapsed());
            rows += result.entries.len();
        }
        assert!(rows > 0, "{label}: the queries found rows");
        report(label, 5.0, samples)
    };
    let span = (last_ms - first_ms) as u64;
    let base = HistoryQuery {
        limit: PAGE,
        ..Default::default()
    };
    all_ok &= page("history page: newest first", &mut |_| base.clone());
    all_ok &= page("history page: newest first, page 20", &mut |_| {
        HistoryQuery {
            offset: 19 * PAGE,
            ..base.clone()
        }
    });
    all_ok &= page("history page: by schedule (live or deleted)", &mut |rng| {
        HistoryQuery {
            schedule_id: Some(ids[rng.below(ids.len() as u64) as usize]),
            ..base.clone()
        }
    });
    for status in [
        RunStatus::Completed,
        RunStatus::Failed,
        RunStatus::Aborted,
        RunStatus::Skipped,
    ] {
        all_ok &= page(&format!("history page: status {status}"), &mut |_| {
            HistoryQuery {
                status: Some(status),
                ..base.clone()
            }
        });
    }
    all_ok &= page("history page: one-week time range", &mut |rng| {
        let from = first_ms + rng.below(span) as i64;
        HistoryQuery {
            from: Utc.timestamp_millis_opt(from).single(),
            to: Utc.timestamp_millis_opt(from + 7 * 86_400_000).single(),
            ..base.clone()
        }
    });
    all_ok &= page("history page: schedule + status failed", &mut |rng| {
        HistoryQuery {
            schedule_id: Some(ids[rng.below(ids.len() as u64) as usize]),
            status: Some(RunStatus::Failed),
            ..base.clone()
        }
    });

    let bytes = std::fs::metadata(&path).unwrap().len();
    let per_run = bytes as f64 / runs as f64;
    let ok = per_run < 400.0;
    all_ok &= ok;
    println!(
        "database size {:.1} MB = {per_run:.0} bytes per run             target < 400  {}",
        bytes as f64 / 1e6,
        if ok { "ok" } else { "MISSED" }
    );
    // Where the bytes are, per table and index (SQLite's dbstat).
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 10")
        .unwrap();
    let objects = stmt
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })
        .unwrap();
    for object in objects {
        let (name, size) = object.unwrap();
        println!(
            "    {name:<32} {:>7.1} bytes per run",
            size as f64 / runs as f64
        );
    }
    println!(
        "{}",
        if all_ok {
            "all targets met"
        } else {
            "SOME TARGETS MISSED"
        }
    );
}
