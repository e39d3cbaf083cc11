//! Waiting for something that happens in real time (a process, a file, a message), the one way
//! the tests do it: poll a condition until it holds or a limit passes, never a fixed sleep.
//!
//! Every wait can say how long it took against its limit, so that a wait coming near its limit
//! on a busy machine is found before it fails there: run the tests with
//! `DECKHAND_TEST_WAITS=FILE` and each wait appends a line to FILE,
//! `file:line<TAB>waited ms<TAB>limit ms<TAB>fixed ms<TAB>held|timed out`, where "fixed" is the
//! part of the wait that is a timer of the code under test (a retry delay), the same on any
//! machine. `scripts/waits.py FILE` lists the waits whose other part took more than half its
//! limit (docs/implementation-notes.md, issue 15).

use std::future::Future;
use std::io::Write;
use std::panic::Location;
use std::time::{Duration, Instant};

/// How often a condition is checked: often enough that a wait ends within a few tens of
/// milliseconds of its condition, rarely enough to leave the machine to what is awaited.
const POLL: Duration = Duration::from_millis(20);

/// Polls `done` until it holds or `limit` passes; whether it held.
#[track_caller]
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let timer = Timer::start(limit);
    loop {
        if done() {
            return timer.end(true);
        }
        if timer.expired() {
            return timer.end(false);
        }
        std::thread::sleep(POLL);
    }
}

/// [`wait_until`] in an async test: sleeps on tokio's timer between checks, so the runtime goes on
/// with the work being waited for. Real time: not for tests with paused time.
#[track_caller]
pub fn wait_until_async(
    limit: Duration,
    mut done: impl FnMut() -> bool,
) -> impl Future<Output = bool> {
    let timer = Timer::start(limit);
    async move {
        loop {
            if done() {
                return timer.end(true);
            }
            if timer.expired() {
                return timer.end(false);
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// Waits until `ready`, failing the test with "`what` within `within`" if it does not come.
#[track_caller]
pub fn wait_for(what: &str, within: Duration, ready: impl FnMut() -> bool) {
    wait_for_explained(what, within, ready, String::new);
}

/// [`wait_for`], adding what `explain` says (a log, a listing) when it fails.
#[track_caller]
pub fn wait_for_explained(
    what: &str,
    within: Duration,
    ready: impl FnMut() -> bool,
    explain: impl Fn() -> String,
) {
    wait_for_explained_after(Duration::ZERO, what, within, ready, explain);
}

/// [`wait_for_explained`] for something that cannot come before a timer of the code under test
/// runs out (`fixed`, e.g. a retry delay of a minute): waits at most `fixed` + `within`, and
/// the report measures the margin on `within` alone, the part a slow machine stretches.
#[track_caller]
pub fn wait_for_explained_after(
    fixed: Duration,
    what: &str,
    within: Duration,
    mut ready: impl FnMut() -> bool,
    explain: impl Fn() -> String,
) {
    let timer = Timer::start_after(fixed, within);
    let held = loop {
        if ready() {
            break timer.end(true);
        }
        if timer.expired() {
            break timer.end(false);
        }
        std::thread::sleep(POLL);
    };
    assert!(held, "{what} within {:?}\n{}", fixed + within, explain());
}

/// One wait's clock, for waits that are not a polled condition (a channel, a timeout around a
/// future): start it, then say whether what was awaited came.
pub struct Timer {
    at: &'static Location<'static>,
    started: Instant,
    /// The whole limit, `fixed` included.
    limit: Duration,
    fixed: Duration,
}

impl Timer {
    /// Starts timing a wait of at most `limit`, reported under the caller's file and line.
    #[track_caller]
    pub fn start(limit: Duration) -> Timer {
        Timer::start_after(Duration::ZERO, limit)
    }

    /// Starts timing a wait of at most `fixed` + `within`, where `fixed` is a timer of the code
    /// under test that must run out first.
    #[track_caller]
    pub fn start_after(fixed: Duration, within: Duration) -> Timer {
        Timer {
            at: Location::caller(),
            started: Instant::now(),
            limit: fixed + within,
            fixed,
        }
    }

    /// Whether the limit has passed.
    pub fn expired(&self) -> bool {
        self.started.elapsed() >= self.limit
    }

    /// Ends the wait: reports it (with `DECKHAND_TEST_WAITS`) and gives back `held`.
    pub fn end(self, held: bool) -> bool {
        let waited = self.started.elapsed();
        if let Some(file) = std::env::var_os("DECKHAND_TEST_WAITS") {
            let line = format!(
                "{}:{}\t{}\t{}\t{}\t{}\n",
                self.at.file(),
                self.at.line(),
                waited.as_millis(),
                self.limit.as_millis(),
                self.fixed.as_millis(),
                if held { "held" } else { "timed out" }
            );
            // One short write in append mode: lines from tests on other threads do not mix.
            if let Ok(mut out) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(file)
            {
                let _ = out.write_all(line.as_bytes());
            }
        }
        held
    }
}
