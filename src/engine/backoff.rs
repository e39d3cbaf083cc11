//! How long a run waits before its next attempt.

use chrono::Duration;

use crate::model::{Backoff, RetryPolicy};

/// The wait after failed attempt number `attempt` (1 for the first): fixed, linear
/// (delay × attempt) or exponential (delay × 2^(attempt − 1)), never more than the cap.
pub fn delay(policy: &RetryPolicy, attempt: u32) -> Duration {
    let base = i64::from(policy.delay_minutes);
    let cap = i64::from(policy.max_delay_minutes.max(policy.delay_minutes));
    let attempt = i64::from(attempt.max(1));
    let minutes = match policy.backoff {
        Backoff::Fixed => base,
        Backoff::Linear => base.saturating_mul(attempt),
        Backoff::Exponential => {
            let factor = 1i64
                .checked_shl((attempt - 1).min(32) as u32)
                .unwrap_or(i64::MAX);
            base.saturating_mul(factor)
        }
    };
    Duration::minutes(minutes.min(cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(backoff: Backoff) -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            delay_minutes: 2,
            backoff,
            max_delay_minutes: 15,
        }
    }

    #[test]
    fn each_backoff_grows_as_named_and_stops_at_the_cap() {
        let minutes = |b| {
            (1..=6)
                .map(|a| delay(&policy(b), a).num_minutes())
                .collect::<Vec<_>>()
        };
        assert_eq!(minutes(Backoff::Fixed), [2, 2, 2, 2, 2, 2]);
        assert_eq!(minutes(Backoff::Linear), [2, 4, 6, 8, 10, 12]);
        assert_eq!(minutes(Backoff::Exponential), [2, 4, 8, 15, 15, 15]);
        assert_eq!(
            delay(&policy(Backoff::Exponential), 200).num_minutes(),
            15,
            "no overflow"
        );
    }
}
