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

/// The operating system's wall-clock timer, so an idle engine with nothing due is never woken:
/// - on Linux a `CLOCK_REALTIME` timerfd with `TFD_TIMER_CANCEL_ON_SET` (it fires at the wall
///   time even across suspend, and wakes at once when the clock is set);
/// - on Windows a waitable timer set to an absolute UTC due time (a positive `FILETIME`): it
///   follows changes of the wall clock (set forward past the deadline, it fires at once; set
///   back, it fires when the wall clock reaches the deadline again), and if the due time passed
///   while the PC slept it fires on resume (it does not wake the PC);
/// - elsewhere, or when the system timer fails (logged as a warning), a monotonic sleep of at
///   most a minute at a time, so a sleeping PC or a changed clock is noticed within a minute.
#[derive(Debug, Default, Clone, Copy)]
pub struct WallTimer;

impl Timer for WallTimer {
    async fn sleep_until(&self, deadline: DateTime<Utc>) {
        #[cfg(target_os = "linux")]
        let exact = linux::sleep_until(deadline).await;
        #[cfg(windows)]
        let exact = windows::sleep_until(deadline).await;
        #[cfg(any(target_os = "linux", windows))]
        match exact {
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

/// An absolute Windows waitable timer, awaited through the thread pool: a one-shot wait
/// registered on the timer wakes a [`Notify`](tokio::sync::Notify) from the pool's wait thread.
#[cfg(windows)]
mod windows {
    use std::ffi::c_void;
    use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
    use std::sync::Arc;

    use chrono::{DateTime, Utc};
    use tokio::sync::Notify;
    use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Threading::{
        CREATE_WAITABLE_TIMER_MANUAL_RESET, CreateWaitableTimerExW, INFINITE,
        RegisterWaitForSingleObject, SYNCHRONIZATION_SYNCHRONIZE, SetWaitableTimer,
        TIMER_MODIFY_STATE, UnregisterWaitEx, WT_EXECUTEINWAITTHREAD, WT_EXECUTEONLYONCE,
    };

    /// Seconds from the `FILETIME` epoch (1601-01-01 UTC) to the Unix epoch.
    const UNIX_EPOCH_IN_FILETIME_SECS: i64 = 11_644_473_600;

    /// Sleeps until the wall clock reads `deadline`. Cancel-safe: dropping the future
    /// unregisters the wait (waiting out a callback in flight) and closes the timer.
    pub async fn sleep_until(deadline: DateTime<Utc>) -> std::io::Result<()> {
        // The kernel judges an absolute timer against its own tick, which can run a hair ahead
        // of the precise system time that `Utc::now` reads; a timer that fired a little early
        // is set again rather than let the caller wake before its deadline.
        while Utc::now() < deadline {
            let armed = Armed::new(deadline)?;
            armed.notify.notified().await;
        }
        Ok(())
    }

    /// `deadline` as an absolute due time for `SetWaitableTimer`: 100-ns intervals since
    /// 1601-01-01 UTC, rounded up so the timer never fires before `deadline`.
    fn due_time(deadline: DateTime<Utc>) -> std::io::Result<i64> {
        deadline
            .timestamp()
            .checked_add(UNIX_EPOCH_IN_FILETIME_SECS)
            .and_then(|secs| secs.checked_mul(10_000_000))
            .and_then(|ticks| {
                ticks.checked_add(i64::from(deadline.timestamp_subsec_nanos().div_ceil(100)))
            })
            // Zero or less would be read as a relative due time.
            .filter(|&ticks| ticks > 0)
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{deadline} is outside the range of a Windows timer"),
                )
            })
    }

    /// A set waitable timer with a one-shot thread-pool wait on it. Dropping it unregisters
    /// the wait, then closes the timer and frees the `Notify` the callback points to.
    struct Armed {
        /// The registered wait.
        wait: HANDLE,
        /// The timer; `None` only after a failed unregistration leaked it on purpose.
        timer: Option<OwnedHandle>,
        /// Woken by [`fired`]; the wait's context points to it.
        notify: Arc<Notify>,
    }

    // SAFETY: `wait` is only an identifier of the registered wait, which `UnregisterWaitEx`
    // may release from any thread; `Armed` has no other non-`Send` part.
    unsafe impl Send for Armed {}

    impl Armed {
        fn new(deadline: DateTime<Utc>) -> std::io::Result<Self> {
            let due = due_time(deadline)?;
            // SAFETY: null attributes and name ask for an unnamed timer with default security;
            // the call has no other preconditions.
            let raw = unsafe {
                CreateWaitableTimerExW(
                    std::ptr::null(),
                    std::ptr::null(),
                    CREATE_WAITABLE_TIMER_MANUAL_RESET,
                    SYNCHRONIZATION_SYNCHRONIZE | TIMER_MODIFY_STATE,
                )
            };
            if raw.is_null() {
                return Err(std::io::Error::last_os_error());
            }
            // SAFETY: `raw` is a fresh, valid handle that nothing else owns or closes.
            let timer = unsafe { OwnedHandle::from_raw_handle(raw) };
            // SAFETY: `timer` is open with TIMER_MODIFY_STATE and `due` outlives the call; there
            // is no completion routine, so the null argument for it is never used.
            let set = unsafe {
                SetWaitableTimer(timer.as_raw_handle(), &due, 0, None, std::ptr::null(), 0)
            };
            if set == 0 {
                return Err(std::io::Error::last_os_error());
            }
            let notify = Arc::new(Notify::new());
            let mut wait: HANDLE = std::ptr::null_mut();
            // SAFETY: `wait` is writable; `timer` is open with SYNCHRONIZE and stays open until
            // the wait is unregistered (`Armed::drop`, or at once if this call fails); the
            // context points to the `Notify` that the returned `Armed` keeps alive until its
            // `drop` has unregistered the wait, which first waits for a running callback.
            let registered = unsafe {
                RegisterWaitForSingleObject(
                    &mut wait,
                    timer.as_raw_handle(),
                    Some(fired),
                    Arc::as_ptr(&notify).cast(),
                    INFINITE,
                    WT_EXECUTEONLYONCE | WT_EXECUTEINWAITTHREAD,
                )
            };
            if registered == 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(Self {
                wait,
                timer: Some(timer),
                notify,
            })
        }
    }

    impl Drop for Armed {
        fn drop(&mut self) {
            // SAFETY: `self.wait` came from a successful RegisterWaitForSingleObject and is
            // unregistered only here. INVALID_HANDLE_VALUE makes the call return only once a
            // callback in flight has finished, so afterwards no callback uses the context.
            let unregistered = unsafe { UnregisterWaitEx(self.wait, INVALID_HANDLE_VALUE) };
            if unregistered == 0 {
                // The callback might still run: keep what it points to, and the handle it waits
                // on, alive for good rather than free them under it.
                log::error!(
                    "could not unregister a wall-clock timer wait ({}); leaking it",
                    std::io::Error::last_os_error()
                );
                std::mem::forget(Arc::clone(&self.notify));
                std::mem::forget(self.timer.take());
            }
            // The fields drop after this: the timer handle is closed, the `Notify` freed.
        }
    }

    /// The wait's callback, run once on the thread pool's wait thread when the timer fires.
    unsafe extern "system" fn fired(context: *mut c_void, _timed_out: bool) {
        // SAFETY: `context` is the `Notify` of the `Armed` that registered this wait, which
        // stays alive until that `Armed`'s `drop` has unregistered the wait, and that waits for
        // this call to return.
        let notify = unsafe { &*context.cast_const().cast::<Notify>() };
        notify.notify_one();
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

    /// The waitable timer itself, not the capped-sleep fallback that `WallTimer` would hide a
    /// failure behind.
    #[cfg(windows)]
    #[tokio::test]
    async fn the_windows_waitable_timer_wakes_on_time_and_can_be_dropped() {
        use std::time::{Duration, Instant};

        use super::windows::sleep_until;

        let started = Instant::now();
        let deadline = Utc::now() + chrono::Duration::milliseconds(150);
        sleep_until(deadline)
            .await
            .expect("the waitable timer works");
        assert!(Utc::now() >= deadline, "woke before {deadline}");
        // Generous: the machine may be busy.
        assert!(started.elapsed() < Duration::from_secs(10), "overslept");

        // Dropped long before its deadline: returns promptly, the wait is unregistered.
        let started = Instant::now();
        let far = Utc::now() + chrono::Duration::hours(1);
        let dropped = tokio::time::timeout(Duration::from_millis(20), sleep_until(far)).await;
        assert!(dropped.is_err(), "an hour-long sleep ended early");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "dropping it blocked"
        );

        // Dropped just before, about when and just after it fires: now and then while its
        // callback runs, or after it ran but before the future saw it.
        for millis in 10..20 {
            let soon = Utc::now() + chrono::Duration::milliseconds(15);
            let _ = tokio::time::timeout(Duration::from_millis(millis), sleep_until(soon)).await;
        }

        // The thread pool still works afterwards.
        let deadline = Utc::now() + chrono::Duration::milliseconds(50);
        sleep_until(deadline)
            .await
            .expect("the waitable timer works");
        assert!(Utc::now() >= deadline, "woke before {deadline}");
    }
}
