//! The time rules, with pinned zones across daylight-saving transitions.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Australia::Lord_Howe, Australia::Sydney, Europe::Berlin};
use deckhand::model::{Recurrence, Weekday};
use deckhand::slots;
use proptest::prelude::*;

use crate::support::t;

const ZONES: [Tz; 4] = [Berlin, New_York, Sydney, Lord_Howe];

/// Local wall times of `slots` in `tz`, as "YYYY-MM-DD HH:MM".
fn walls(tz: Tz, slots: &[DateTime<Utc>]) -> Vec<String> {
    slots
        .iter()
        .map(|s| s.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string())
        .collect()
}

fn local(tz: Tz, text: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive)
        .earliest()
        .expect("a wall time that exists")
        .with_timezone(&Utc)
}

#[test]
fn daily_keeps_its_wall_clock_time_across_both_transitions() {
    // Berlin: summer time starts 2026-03-29 and ends 2026-10-25.
    let daily = Recurrence::Daily {
        start: local(Berlin, "2026-03-27 08:00"),
    };
    let spring = slots::preview(&daily, t("2026-03-27T00:00:00Z"), 4, &Berlin);
    assert_eq!(
        walls(Berlin, &spring),
        [
            "2026-03-27 08:00 CET",
            "2026-03-28 08:00 CET",
            "2026-03-29 08:00 CEST",
            "2026-03-30 08:00 CEST",
        ]
    );
    assert_eq!(spring[3] - spring[2], Duration::hours(24));
    assert_eq!(
        spring[2] - spring[1],
        Duration::hours(23),
        "the short day is 23 hours of real time"
    );
    let autumn = slots::preview(&daily, t("2026-10-24T00:00:00Z"), 3, &Berlin);
    assert_eq!(
        walls(Berlin, &autumn),
        [
            "2026-10-24 08:00 CEST",
            "2026-10-25 08:00 CET",
            "2026-10-26 08:00 CET"
        ]
    );
}

#[test]
fn a_wall_time_in_the_spring_gap_runs_at_the_first_instant_after_it() {
    // Berlin 2026-03-29: 02:00 → 03:00. A daily 02:30 run that day runs at 03:00 CEST.
    let daily = Recurrence::Daily {
        start: local(Berlin, "2026-03-27 02:30"),
    };
    let slots = slots::preview(&daily, t("2026-03-27T00:00:00Z"), 4, &Berlin);
    assert_eq!(
        walls(Berlin, &slots),
        [
            "2026-03-27 02:30 CET",
            "2026-03-28 02:30 CET",
            "2026-03-29 03:00 CEST",
            "2026-03-30 02:30 CEST",
        ]
    );
    assert_eq!(
        slots[2],
        t("2026-03-29T01:00:00Z"),
        "exactly the transition instant"
    );
    // New York 2026-03-08: 02:00 → 03:00.
    let ny = Recurrence::Weekdays {
        days: vec![Weekday::Sun],
        time: NaiveTime::from_hms_opt(2, 15, 0).unwrap(),
    };
    assert_eq!(
        walls(
            New_York,
            &slots::preview(&ny, t("2026-03-07T00:00:00Z"), 2, &New_York)
        ),
        ["2026-03-08 03:00 EDT", "2026-03-15 02:15 EDT"]
    );
}

#[test]
fn a_wall_time_in_the_autumn_fold_runs_once_at_its_first_occurrence() {
    // Berlin 2026-10-25: 03:00 CEST → 02:00 CET, so 02:30 happens twice.
    let daily = Recurrence::Daily {
        start: local(Berlin, "2026-10-24 02:30"),
    };
    let slots = slots::preview(&daily, t("2026-10-24T00:00:00Z"), 3, &Berlin);
    assert_eq!(
        walls(Berlin, &slots),
        [
            "2026-10-24 02:30 CEST",
            "2026-10-25 02:30 CEST",
            "2026-10-26 02:30 CET"
        ]
    );
    assert_eq!(
        slots[1],
        t("2026-10-25T00:30:00Z"),
        "the first 02:30, not the second"
    );
}

#[test]
fn lord_howe_shifts_by_thirty_minutes() {
    // Lord Howe: +10:30 standard, +11:00 summer. Summer starts 2026-10-04 02:00 → 02:30;
    // it ends 2026-04-05 02:00 → 01:30.
    let daily = Recurrence::Daily {
        start: local(Lord_Howe, "2026-10-02 02:15"),
    };
    let spring = slots::preview(&daily, t("2026-10-01T00:00:00Z"), 4, &Lord_Howe);
    let times: Vec<String> = spring
        .iter()
        .map(|s| s.with_timezone(&Lord_Howe).format("%d %H:%M").to_string())
        .collect();
    assert_eq!(times, ["02 02:15", "03 02:15", "04 02:30", "05 02:15"]);
    assert_eq!(
        spring[2] - spring[1],
        Duration::minutes(24 * 60 - 15),
        "02:15 → 02:30 on the short day"
    );

    let fold = Recurrence::Daily {
        start: local(Lord_Howe, "2026-04-03 01:45"),
    };
    let autumn = slots::preview(&fold, t("2026-04-02T00:00:00Z"), 4, &Lord_Howe);
    assert_eq!(autumn[1] - autumn[0], Duration::hours(24));
    assert_eq!(
        autumn[2] - autumn[1],
        Duration::hours(24),
        "the first 01:45 of the long day (+11:00)"
    );
    assert_eq!(
        autumn[3] - autumn[2],
        Duration::minutes(24 * 60 + 30),
        "once: the next is the day after (+10:30)"
    );
}

#[test]
fn sub_day_intervals_are_real_elapsed_time() {
    for tz in ZONES {
        let every_six = Recurrence::Interval {
            hours: 6.0,
            start: t("2026-01-01T00:00:00Z"),
        };
        let slots = slots::preview(&every_six, t("2026-01-01T00:00:00Z"), 4 * 366, &tz);
        assert!(
            slots.windows(2).all(|w| w[1] - w[0] == Duration::hours(6)),
            "{tz}: six real hours apart, all year"
        );
    }
    let half_hour = Recurrence::Interval {
        hours: 0.5,
        start: t("2026-03-29T00:00:00Z"),
    };
    let slots = slots::preview(&half_hour, t("2026-03-29T00:00:00Z"), 5, &Berlin);
    assert!(
        slots
            .windows(2)
            .all(|w| w[1] - w[0] == Duration::minutes(30))
    );
}

#[test]
fn a_day_and_a_half_is_a_calendar_day_plus_twelve_hours() {
    let every_36 = Recurrence::Interval {
        hours: 36.0,
        start: local(Berlin, "2026-03-27 08:00"),
    };
    let slots = slots::preview(&every_36, t("2026-03-27T00:00:00Z"), 3, &Berlin);
    // Slot 2 = three calendar days later, same wall time; slot 1 = one day + 12 real hours.
    assert_eq!(
        walls(Berlin, &slots),
        [
            "2026-03-27 08:00 CET",
            "2026-03-28 20:00 CET",
            "2026-03-30 08:00 CEST"
        ]
    );
}

#[test]
fn slots_are_anchored_not_drifting() {
    let weekly = Recurrence::Weekly {
        start: local(Sydney, "2026-01-05 09:00"),
    };
    // Asking from any moment in the week gives the same next slot; years later still 09:00.
    let from_monday =
        slots::at_or_after(&weekly, local(Sydney, "2031-06-02 09:00"), &Sydney).unwrap();
    let from_thursday =
        slots::at_or_after(&weekly, local(Sydney, "2031-05-29 17:00"), &Sydney).unwrap();
    assert_eq!(from_monday, from_thursday);
    assert_eq!(
        from_monday
            .with_timezone(&Sydney)
            .format("%a %H:%M")
            .to_string(),
        "Mon 09:00"
    );
}

#[test]
fn once_is_one_slot() {
    let once = Recurrence::Once {
        at: t("2026-06-02T08:00:00Z"),
    };
    assert_eq!(
        slots::preview(&once, t("2026-06-01T00:00:00Z"), 5, &Berlin),
        [t("2026-06-02T08:00:00Z")]
    );
    assert_eq!(
        slots::at_or_after(&once, t("2026-06-02T08:00:00Z"), &Berlin),
        Some(t("2026-06-02T08:00:00Z"))
    );
    assert_eq!(
        slots::after(&once, t("2026-06-02T08:00:00Z"), &Berlin),
        None,
        "after its time, nothing"
    );
}

#[test]
fn weekdays_at_a_time() {
    let days = Recurrence::Weekdays {
        days: vec![Weekday::Mon, Weekday::Fri],
        time: NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
    };
    let slots = slots::preview(&days, t("2026-11-01T00:00:00Z"), 5, &New_York);
    let shown: Vec<String> = slots
        .iter()
        .map(|s| {
            s.with_timezone(&New_York)
                .format("%a %d %H:%M %Z")
                .to_string()
        })
        .collect();
    // US summer time ends 2026-11-01.
    assert_eq!(
        shown,
        [
            "Mon 02 07:30 EST",
            "Fri 06 07:30 EST",
            "Mon 09 07:30 EST",
            "Fri 13 07:30 EST",
            "Mon 16 07:30 EST"
        ]
    );
}

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(ZONES.to_vec())
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2024 to 2032: several years of both transitions in every zone.
    (1_704_067_200i64..1_956_528_000i64).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn recurrence() -> impl Strategy<Value = Recurrence> {
    let hours = prop_oneof![
        Just(0.25),
        Just(1.0),
        Just(1.5),
        Just(6.0),
        Just(23.5),
        Just(24.0),
        Just(36.0),
        Just(48.0),
        Just(168.0),
        (1u32..20_000).prop_map(|m| f64::from(m) / 60.0),
    ];
    prop_oneof![
        (hours, instant()).prop_map(|(hours, start)| Recurrence::Interval { hours, start }),
        instant().prop_map(|start| Recurrence::Daily { start }),
        instant().prop_map(|start| Recurrence::Weekly { start }),
        instant().prop_map(|start| Recurrence::Hourly { start }),
        (prop::collection::vec(0usize..7, 1..7), 0u32..24, 0u32..60).prop_map(|(days, h, m)| {
            let all = [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ];
            Recurrence::Weekdays {
                days: days.into_iter().map(|d| all[d]).collect(),
                time: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            }
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Slots strictly increase (so no two share an instant), and the preview is exactly what
    /// asking "what is next after this one?" again and again gives — which is what the engine does.
    #[test]
    fn slots_strictly_increase_and_preview_matches_the_engine(rec in recurrence(), from in instant(), tz in zone()) {
        let preview = slots::preview(&rec, from, 60, &tz);
        prop_assert_eq!(preview.len(), 60);
        prop_assert!(preview[0] >= from);
        for pair in preview.windows(2) {
            prop_assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
            prop_assert_eq!(slots::after(&rec, pair[0], &tz), Some(pair[1]));
            // Nothing is skipped: from just after one slot, the next is the next.
            prop_assert_eq!(slots::at_or_after(&rec, pair[0] + Duration::milliseconds(1), &tz), Some(pair[1]));
        }
        // Asking at a slot gives that slot; asking a moment before it gives it too.
        prop_assert_eq!(slots::at_or_after(&rec, preview[5], &tz), Some(preview[5]));
        prop_assert_eq!(slots::at_or_after(&rec, preview[5] - Duration::milliseconds(1), &tz), Some(preview[5]));
    }

    /// Whole-day intervals keep the start's wall-clock time, except on a day when that time does
    /// not exist (then: the first instant after the gap).
    #[test]
    fn whole_day_intervals_keep_their_wall_clock_time(days in 1i64..8, start in instant(), tz in zone()) {
        let rec = Recurrence::Interval { hours: 24.0 * days as f64, start };
        let wall = start.with_timezone(&tz).naive_local().time();
        for slot in slots::preview(&rec, start, 400, &tz) {
            let local = slot.with_timezone(&tz).naive_local();
            let exists = tz.from_local_datetime(&local.date().and_time(wall)).earliest().is_some();
            if exists {
                prop_assert_eq!(local.time(), wall, "{} in {}", slot, tz);
            } else {
                prop_assert!(local.time() > wall && local.time().minute() % 30 == 0, "gap resolved forward: {}", local);
            }
        }
    }
}
