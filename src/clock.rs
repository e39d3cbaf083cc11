//! Time is passed in: core logic never reads the system clock itself.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to, for tests and simulations.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(start))
    }

    /// Moves the clock by `by` (which may be negative: wall clocks jump backwards too).
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Wall time that moves with tokio's clock, so an engine under `tokio::time::pause` sees its
/// wall time move as the test advances time. `jump` moves the wall clock alone, as when
/// someone changes the PC's clock or the PC sleeps and wakes.
#[derive(Debug)]
pub struct TokioClock {
    base_wall: DateTime<Utc>,
    base: tokio::time::Instant,
    offset: Mutex<Duration>,
    jumps: tokio::sync::Notify,
}

impl TokioClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        TokioClock {
            base_wall: start,
            base: tokio::time::Instant::now(),
            offset: Mutex::new(Duration::zero()),
            jumps: tokio::sync::Notify::new(),
        }
    }

    /// Moves the wall clock by `by` without any time passing.
    pub fn jump(&self, by: Duration) {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner()) += by;
        self.jumps.notify_waiters();
    }

    /// Resolves at the next [`TokioClock::jump`].
    pub async fn jumped(&self) {
        self.jumps.notified().await;
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = Duration::from_std(self.base.elapsed()).unwrap_or(Duration::MAX);
        self.base_wall + elapsed + *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}
