//! Sleeping until a wall-clock instant. A plain monotonic sleep oversleeps when the PC sleeps
//! (the monotonic clock stops) and misses a clock that is set forward or back; the engine
//! sleeps on a wall-clock timer instead, which also wakes it when the clock is changed.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::{Clock, TokioClock};

/// Waits for wall-clock instants.
pub trait Timer: Send + Sync + 'static {
    /// Resolves at wall-clock `deadline`, or earlier when the wall clock was changed; the
    /// engine then looks at the clock again, so an early wake is harmless.
    fn sleep_until(&self, deadline: DateTime<Utc>) -> impl Future<Output = ()> + Send;
}

/// The operating system's wall-clock timer: on Linux a `CLOCK_REALTIME` timerfd with
/// `TFD_TIMER_CANCEL_ON_SET` (it fires at the wall time even across suspend, and wakes at
/// once when the clock is set). Elsewhere a monotonic sleep of at most a minute at a time,
/// so a sleeping PC or a changed clock is noticed within a minute.
#[derive(Debug, Default, Clone, Copy)]
pub struct WallTimer;

impl Timer for WallTimer {
    async fn sleep_until(&self, deadline: DateTime<Utc>) {
        #[cfg(target_os = "linux")]
        match linux::sleep_until(deadline).await {
            Ok(()) => return,
            Err(e) => {
                log::warn!("the wall-clock timer failed ({e}); falling back to a capped sleep")
            }
        }
        capped_sleep(deadline).await;
    }
}

/// A monotonic sleep towards `deadline`, at most a minute long.
async fn capped_sleep(deadline: DateTime<Utc>) {
    let wait = (deadline - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait.min(std::time::Duration::from_secs(60))).await;
}

#[cfg(target_os = "linux")]
mod linux {
    use chrono::{DateTime, Utc};
    use rustix::io::Errno;
    use rustix::time::{Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec};
    use tokio::io::unix::AsyncFd;

    pub async fn sleep_until(deadline: DateTime<Utc>) -> std::io::Result<()> {
        let fd = rustix::time::timerfd_create(
            TimerfdClockId::Realtime,
            TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC,
        )?;
        let at = Timespec {
            tv_sec: deadline.timestamp(),
            tv_nsec: i64::from(deadline.timestamp_subsec_nanos()),
        };
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        rustix::time::timerfd_settime(
            &fd,
            TimerfdTimerFlags::ABSTIME | TimerfdTimerFlags::CANCEL_ON_SET,
            &Itimerspec {
                it_interval: zero,
                it_value: at,
            },
        )?;
        // SAFETY: the AsyncFd owns the OwnedFd, so the descriptor stays open and refers to the
        // same timer for the AsyncFd's whole life.
        let fd = unsafe { AsyncFd::register(fd) }?;
        loop {
            let mut ready = fd.readable().await?;
            let mut expirations = [0u8; 8];
            match rustix::io::read(fd.get_ref(), &mut expirations) {
                // Fired, or the clock was set (ECANCELED): either way, look again.
                Ok(_) | Err(Errno::CANCELED) => return Ok(()),
                Err(Errno::AGAIN) => ready.clear_ready(),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// For tests: sleeps on tokio's (pausable) clock towards the [`TokioClock`]'s wall time, and
/// wakes when that clock jumps, as the real timer does.
impl Timer for Arc<TokioClock> {
    async fn sleep_until(&self, deadline: DateTime<Utc>) {
        let wait = (deadline - self.now()).to_std().unwrap_or_default();
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = self.jumped() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_wall_timer_never_wakes_early() {
        for millis in [0, 30, 120] {
            let deadline = Utc::now() + chrono::Duration::milliseconds(millis);
            WallTimer.sleep_until(deadline).await;
            assert!(Utc::now() >= deadline, "woke before {deadline}");
        }
        // A deadline in the past returns at once.
        let started = std::time::Instant::now();
        WallTimer
            .sleep_until(Utc::now() - chrono::Duration::hours(1))
            .await;
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}
