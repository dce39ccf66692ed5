//! When to fetch a feed next: a pure function of its policy, what the last fetch said and
//! the time, so every rule is unit-tested without a server.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::fetch::CacheHints;

/// Hard cap on any wait, even one a server asks for.
pub const MAX_WAIT: Duration = Duration::from_secs(24 * 3600);

/// A feed's polling policy from the config.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// The feed's own interval, else `poll_interval`.
    pub interval: Duration,
    /// Shortest interval allowed.
    pub min: Duration,
    /// Longest interval allowed for healthy feeds.
    pub max: Duration,
}

/// What the last fetch came to, as far as scheduling cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A body came back and was read.
    Fetched {
        /// Cache headers of the response.
        cache: CacheHints,
        /// `<ttl>` or `sy:updatePeriod` of the feed.
        ttl: Option<Duration>,
        /// How long the feed has published nothing new, for the adaptive interval.
        idle: Duration,
    },
    /// 304 Not Modified.
    NotModified {
        /// Cache headers of the response.
        cache: CacheHints,
        /// How long the feed has published nothing new.
        idle: Duration,
    },
    /// 429/503 with an optional `Retry-After`.
    RateLimited {
        /// What the server asked for.
        retry_after: Option<Duration>,
        /// Consecutive errors including this one.
        errors: u32,
    },
    /// Any failure; `errors` counts this one.
    Failed {
        /// Consecutive errors including this one.
        errors: u32,
    },
}

/// The next fetch time. `jitter` in [-1, 1] spreads feeds by ±10 % so they do not all fire
/// together; callers pass a random value, tests a fixed one.
pub fn next_fetch(
    policy: &Policy,
    outcome: &Outcome,
    now: DateTime<Utc>,
    jitter: f64,
) -> DateTime<Utc> {
    let wait = wait(policy, outcome);
    let factor = 1.0 + 0.1 * jitter.clamp(-1.0, 1.0);
    let jittered = Duration::from_secs_f64(wait.as_secs_f64() * factor);
    // A server's Retry-After is a floor: jitter may only lengthen it.
    let floor = match outcome {
        Outcome::RateLimited {
            retry_after: Some(after),
            ..
        } => (*after).min(MAX_WAIT),
        _ => Duration::ZERO,
    };
    let wait = jittered.max(floor);
    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(24))
}

/// The wait before jitter.
fn wait(policy: &Policy, outcome: &Outcome) -> Duration {
    let healthy = |cache: &CacheHints, ttl: Option<Duration>, idle: Duration| {
        let hint = [cache.max_age, ttl].into_iter().flatten().max();
        let base = hint.map_or(policy.interval, |h| h.max(policy.interval));
        // A feed silent for days is polled less often, up to 4×; it speeds up on news.
        let slowdown = match idle.as_secs() / 86_400 {
            0 => 1,
            1..=2 => 2,
            _ => 4,
        };
        (base * slowdown).clamp(policy.min, policy.max.max(policy.min))
    };
    match outcome {
        Outcome::Fetched { cache, ttl, idle } => healthy(cache, *ttl, *idle),
        Outcome::NotModified { cache, idle } => healthy(cache, None, *idle),
        Outcome::RateLimited {
            retry_after,
            errors,
        } => {
            let backoff = backoff(policy, *errors);
            retry_after
                .map_or(backoff, |r| r.max(backoff))
                .min(MAX_WAIT)
        }
        Outcome::Failed { errors } => backoff(policy, *errors),
    }
}

/// 2× the interval per consecutive error, capped at a day.
fn backoff(policy: &Policy, errors: u32) -> Duration {
    let base = policy
        .interval
        .clamp(policy.min, policy.max.max(policy.min));
    let factor = 2u32.saturating_pow(errors.saturating_sub(1).min(20));
    base.saturating_mul(factor).min(MAX_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const MIN: Duration = Duration::from_secs(60);

    fn policy() -> Policy {
        Policy {
            interval: Duration::from_secs(15 * 60),
            min: Duration::from_secs(5 * 60),
            max: Duration::from_secs(24 * 3600),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 6, 1, 12, 0, 0).unwrap()
    }

    fn after(outcome: Outcome, jitter: f64) -> Duration {
        (next_fetch(&policy(), &outcome, now(), jitter) - now())
            .to_std()
            .unwrap()
    }

    fn fetched(max_age: Option<u64>, ttl: Option<u64>) -> Outcome {
        Outcome::Fetched {
            cache: CacheHints {
                max_age: max_age.map(Duration::from_secs),
                expires: None,
            },
            ttl: ttl.map(Duration::from_secs),
            idle: Duration::ZERO,
        }
    }

    #[test]
    fn interval_is_used_without_hints() {
        assert_eq!(after(fetched(None, None), 0.0), 15 * MIN);
    }

    #[test]
    fn longer_hints_win_shorter_do_not() {
        assert_eq!(after(fetched(Some(3600), None), 0.0), 60 * MIN);
        assert_eq!(after(fetched(None, Some(1800)), 0.0), 30 * MIN);
        assert_eq!(after(fetched(Some(60), None), 0.0), 15 * MIN);
    }

    #[test]
    fn hints_are_clamped_to_max_interval() {
        assert_eq!(after(fetched(Some(7 * 86_400), None), 0.0), 24 * 60 * MIN);
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        let low = after(fetched(None, None), -1.0);
        let high = after(fetched(None, None), 1.0);
        assert_eq!(low, Duration::from_secs(810));
        assert_eq!(high, Duration::from_secs(990));
    }

    #[test]
    fn errors_back_off_and_cap_at_a_day() {
        let waits: Vec<Duration> = (1..=12)
            .map(|errors| after(Outcome::Failed { errors }, 0.0))
            .collect();
        assert_eq!(waits[0], 15 * MIN);
        assert_eq!(waits[1], 30 * MIN);
        assert_eq!(waits[2], 60 * MIN);
        assert_eq!(*waits.last().unwrap(), MAX_WAIT);
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn retry_after_is_a_floor_even_with_negative_jitter() {
        let outcome = Outcome::RateLimited {
            retry_after: Some(Duration::from_secs(7200)),
            errors: 1,
        };
        assert_eq!(after(outcome, -1.0), Duration::from_secs(7200));
        let huge = Outcome::RateLimited {
            retry_after: Some(Duration::from_secs(10 * 86_400)),
            errors: 1,
        };
        assert_eq!(after(huge, 0.0), MAX_WAIT);
    }

    #[test]
    fn idle_feeds_slow_down() {
        let idle = Outcome::NotModified {
            cache: CacheHints::default(),
            idle: Duration::from_secs(5 * 86_400),
        };
        assert_eq!(after(idle, 0.0), 60 * MIN);
    }
}
