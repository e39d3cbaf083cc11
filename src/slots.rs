//! The time rules: when a schedule's runs are due. Pure functions of a recurrence, an instant
//! and a time zone; no clock, no store.
//!
//! The rule (DESIGN.md §2, shown in the UI): instants are UTC; schedules are laid out in the
//! lab PC's local zone. For an interval of `H` hours, slot `k` is the start's local wall time
//! moved by `k × ⌊H / 24⌋` calendar days, then by `k × (H mod 24)` hours of real elapsed time.
//! So a daily 08:00 run stays at 08:00 across daylight-saving changes, while an every-6-hours
//! run is exactly 6 hours apart. A wall time that does not exist (spring forward) runs at the
//! first instant after the gap; one that happens twice (fall back) runs once, at its first
//! occurrence. Slots are computed from their index, so they never drift.
//!
//! Generic over the zone: the engine passes `chrono::Local`, tests pin `chrono_tz` zones.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc,
};

use crate::model::Recurrence;

const HOUR_MS: f64 = 3_600_000.0;

/// The local wall time of `at` in `tz`, or `None` at the very ends of time, where the zone's
/// offset would carry it past what a date can hold (chrono's `naive_local` panics there).
fn wall_time<Tz: TimeZone>(tz: &Tz, at: DateTime<Utc>) -> Option<NaiveDateTime> {
    let utc = at.naive_utc();
    utc.checked_add_offset(tz.offset_from_utc_datetime(&utc).fix())
}

/// The UTC instant of local wall time `wall` in `tz`, by the rule above: a wall time in a
/// spring-forward gap gives the first instant after the gap; an ambiguous one its first
/// occurrence.
pub fn resolve<Tz: TimeZone>(tz: &Tz, wall: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(first, second) => first.min(second).with_timezone(&Utc),
        LocalResult::None => first_instant_after_gap(tz, wall),
    }
}

/// The transition instant that skips over `wall`: the first instant whose local time is
/// later than `wall`. Found by bisection over whole seconds (zone transitions fall on whole
/// seconds); within a day either side of a gap the local clock only moves forward.
fn first_instant_after_gap<Tz: TimeZone>(tz: &Tz, wall: NaiveDateTime) -> DateTime<Utc> {
    let local = |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .and_then(|u| wall_time(tz, u))
            .unwrap_or(NaiveDateTime::MAX)
    };
    let guess = wall.and_utc().timestamp();
    let (mut lo, mut hi) = (guess - 26 * 3600, guess + 26 * 3600);
    // Invariant: local(lo) <= wall < local(hi).
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if local(mid) > wall {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0).unwrap_or_else(|| wall.and_utc())
}

/// Slot `k` of an interval of `hours` hours starting at `start` (see the module doc).
fn interval_slot<Tz: TimeZone>(
    tz: &Tz,
    start: DateTime<Utc>,
    hours: f64,
    k: i64,
) -> Option<DateTime<Utc>> {
    let whole_days = (hours / 24.0).floor();
    let remainder_hours = hours - whole_days * 24.0;
    let days = whole_days as i64 * k;
    let calendar = if days == 0 {
        start
    } else {
        let wall = wall_time(tz, start)?.checked_add_signed(Duration::try_days(days)?)?;
        resolve(tz, wall)
    };
    let elapsed_ms = (remainder_hours * HOUR_MS * k as f64).round();
    if !elapsed_ms.is_finite() || elapsed_ms.abs() > 1e15 {
        return None;
    }
    calendar.checked_add_signed(Duration::milliseconds(elapsed_ms as i64))
}

/// The first slot of an interval at or after `t`.
fn interval_at_or_after<Tz: TimeZone>(
    tz: &Tz,
    start: DateTime<Utc>,
    hours: f64,
    t: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    // Slots are kept to the millisecond: an interval shorter than that (never valid, but a
    // damaged database could hold one) has no distinct slots.
    if !hours.is_finite() || hours * HOUR_MS < 1.0 {
        return None;
    }
    if t <= start {
        return Some(start);
    }
    // Elapsed and calendar time differ by at most the zone's offset swings, a few hours over
    // any span: start two slots early and walk forward.
    let estimate = ((t - start).num_milliseconds() as f64 / (hours * HOUR_MS)).floor() as i64;
    let mut k = (estimate - 2).max(0);
    loop {
        let slot = interval_slot(tz, start, hours, k)?;
        if slot >= t {
            return Some(slot);
        }
        k = k.checked_add(1)?;
    }
}

/// The first weekday slot at or after `t`: the chosen days at a local time of day.
fn weekdays_at_or_after<Tz: TimeZone>(
    tz: &Tz,
    days: &[crate::model::Weekday],
    time: chrono::NaiveTime,
    t: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if days.is_empty() {
        return None;
    }
    // Start a day early: `t`'s local date may be behind the slot's (a gap resolves forward).
    let first: NaiveDate = wall_time(tz, t)?.date().pred_opt()?;
    for offset in 0..=8 {
        let date = first.checked_add_signed(Duration::days(offset))?;
        if days
            .iter()
            .any(|d| chrono::Weekday::from(*d) == date.weekday())
        {
            let slot = resolve(tz, date.and_time(time));
            if slot >= t {
                return Some(slot);
            }
        }
    }
    None
}

/// The first slot of `recurrence` at or after `t` in zone `tz`, or `None` when there is none
/// (a `once` schedule whose time has passed).
pub fn at_or_after<Tz: TimeZone>(
    recurrence: &Recurrence,
    t: DateTime<Utc>,
    tz: &Tz,
) -> Option<DateTime<Utc>> {
    match recurrence {
        Recurrence::Once { at } => (*at >= t).then_some(*at),
        Recurrence::Weekdays { days, time } => weekdays_at_or_after(tz, days, *time, t),
        other => {
            let hours = other.interval_hours()?;
            let start = other.start()?;
            interval_at_or_after(tz, start, hours, t)
        }
    }
}

/// The first slot strictly after `t`.
pub fn after<Tz: TimeZone>(
    recurrence: &Recurrence,
    t: DateTime<Utc>,
    tz: &Tz,
) -> Option<DateTime<Utc>> {
    at_or_after(
        recurrence,
        t.checked_add_signed(Duration::milliseconds(1))?,
        tz,
    )
}

/// The next `count` slots at or after `from`: what the UI and `deckhand schedules preview`
/// show, and exactly what the engine will then do.
pub fn preview<Tz: TimeZone>(
    recurrence: &Recurrence,
    from: DateTime<Utc>,
    count: usize,
    tz: &Tz,
) -> Vec<DateTime<Utc>> {
    let mut slots = Vec::with_capacity(count.min(1000));
    let mut next = at_or_after(recurrence, from, tz);
    while let Some(slot) = next {
        if slots.len() == count {
            break;
        }
        slots.push(slot);
        next = after(recurrence, slot, tz);
    }
    slots
}
