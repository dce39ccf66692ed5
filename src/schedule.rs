//! When to fetch a feed next, when to ask again for an article page that failed, and when a
//! matched page is due for a re-check: pure functions of the policy, what the last fetch
//! said and the time, so every rule is unit-tested without a server.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Caching hints a response carried, for the scheduler.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheHints {
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    /// `Expires`.
    pub expires: Option<DateTime<Utc>>,
}

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
    let wait = wait(policy, outcome, now);
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
    let at = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(24));
    ceil_to_second(at)
}

/// The store keeps whole seconds; rounding up, not down, keeps a Retry-After a floor and
/// keeps a short interval from truncating to "due now".
fn ceil_to_second(at: DateTime<Utc>) -> DateTime<Utc> {
    match at.timestamp_subsec_nanos() {
        0 => at,
        nanos => {
            at + chrono::Duration::nanoseconds(1_000_000_000 - i64::from(nanos.min(999_999_999)))
        }
    }
}

/// The wait before jitter.
fn wait(policy: &Policy, outcome: &Outcome, now: DateTime<Utc>) -> Duration {
    let healthy = |cache: &CacheHints, ttl: Option<Duration>, idle: Duration| {
        // `Expires` in the past (or a clock skewed server) says nothing; max-age wins over it
        // in HTTP caching, but as polling hints both only ever lengthen the interval.
        let expires = cache
            .expires
            .and_then(|at| (at - now).to_std().ok())
            .filter(|d| !d.is_zero());
        let hint = [cache.max_age, expires, ttl].into_iter().flatten().max();
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

/// Why an article page could not be fetched, as far as asking again cares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArticleMiss {
    /// Not there or never fetchable as linked (404, 410, too large): ask again only when
    /// the item's link or content changes.
    Lasting,
    /// Worth asking again later (401/403, 429, 5xx, timeouts, resets); a server's
    /// `Retry-After` is a floor.
    Passing {
        /// What the server asked for.
        retry_after: Option<Duration>,
    },
    /// robots.txt forbids it: ask again when the robots file is read again.
    Refused {
        /// How long the robots file is kept.
        lifetime: Duration,
    },
}

/// A matched page's re-check interval at `age` since its first fetch: every poll interval
/// (`floor`, 15 minutes by default) in its first six hours, when tolls move fastest, then
/// hourly to a day, then every four hours until the story's `recheck_for` ends; never
/// shorter than `floor`, so a page is asked at most once per poll interval.
pub fn recheck_interval(age: chrono::Duration, floor: Duration) -> Duration {
    let step = match age.num_hours() {
        ..6 => floor,
        6..24 => Duration::from_secs(3600),
        _ => Duration::from_secs(4 * 3600),
    };
    step.max(floor)
}

/// Whether a matched page is due for a re-check at `clock`, given when it was first and
/// last fetched on the same clock (`None`: never under this schedule, so due now).
pub fn recheck_due(
    clock: DateTime<Utc>,
    marks: Option<(DateTime<Utc>, DateTime<Utc>)>,
    floor: Duration,
) -> bool {
    let Some((first, last)) = marks else {
        return true;
    };
    let interval = recheck_interval(clock - first, floor);
    clock - last >= chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::MAX)
}

/// When to ask again for an article page after `failures` consecutive failures (this one
/// included): never by itself for a lasting miss, else backing off from `base` (the poll
/// interval) by 2× per failure with ±10 % jitter, up to a day.
pub fn article_retry(
    miss: ArticleMiss,
    failures: u32,
    base: Duration,
    now: DateTime<Utc>,
    jitter: f64,
) -> Option<DateTime<Utc>> {
    let policy = Policy {
        interval: base,
        min: base,
        max: MAX_WAIT,
    };
    match miss {
        ArticleMiss::Lasting => None,
        ArticleMiss::Passing { retry_after } => Some(next_fetch(
            &policy,
            &Outcome::RateLimited {
                retry_after,
                errors: failures,
            },
            now,
            jitter,
        )),
        ArticleMiss::Refused { lifetime } => Some(ceil_to_second(
            now + chrono::Duration::from_std(lifetime.min(MAX_WAIT))
                .unwrap_or(chrono::Duration::hours(24)),
        )),
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

    #[test]
    fn rechecks_thin_out_as_a_page_ages() {
        let floor = Duration::from_secs(15 * 60);
        let h = chrono::Duration::hours;
        assert_eq!(recheck_interval(h(1), floor), 15 * MIN);
        assert_eq!(recheck_interval(h(7), floor), 60 * MIN);
        assert_eq!(recheck_interval(h(30), floor), 240 * MIN);
        // Never more often than the poll interval.
        assert_eq!(recheck_interval(h(1), 30 * MIN), 30 * MIN);
        assert_eq!(recheck_interval(h(7), 90 * MIN), 90 * MIN);

        let first = now();
        // Never checked under the schedule: due at once.
        assert!(recheck_due(first, None, floor));
        // Ten minutes after the first fetch: not yet; twenty: due.
        let ten = first + chrono::Duration::minutes(10);
        assert!(!recheck_due(ten, Some((first, first)), floor));
        let twenty = first + chrono::Duration::minutes(20);
        assert!(recheck_due(twenty, Some((first, first)), floor));
        // A day and more in, the last check two hours ago is recent enough.
        let later = first + h(30);
        assert!(!recheck_due(later, Some((first, later - h(2))), floor));
        assert!(recheck_due(later, Some((first, later - h(5))), floor));
        // A clock behind the last check (a feed's dates moved back) waits, never loops.
        assert!(!recheck_due(first, Some((first, first + h(1))), floor));
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
    fn failed_articles_wait_for_change_back_off_or_follow_robots() {
        let base = Duration::from_secs(900);
        let retry = |miss, failures| {
            article_retry(miss, failures, base, now(), 0.0).map(|t| (t - now()).num_seconds())
        };
        assert_eq!(retry(ArticleMiss::Lasting, 1), None);
        let passing = ArticleMiss::Passing { retry_after: None };
        assert_eq!(retry(passing, 1), Some(900));
        assert_eq!(retry(passing, 3), Some(3600));
        assert_eq!(retry(passing, 30), Some(86_400));
        let asked = ArticleMiss::Passing {
            retry_after: Some(Duration::from_secs(7200)),
        };
        assert_eq!(retry(asked, 1), Some(7200));
        // Jitter never brings a Retry-After closer.
        let early = article_retry(asked, 1, base, now(), -1.0).map(|t| (t - now()).num_seconds());
        assert_eq!(early, Some(7200));
        let refused = ArticleMiss::Refused {
            lifetime: Duration::from_secs(86_400),
        };
        assert_eq!(retry(refused, 5), Some(86_400));
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

    fn cached(max_age: Option<u64>, expires_in: Option<i64>) -> Outcome {
        Outcome::NotModified {
            cache: CacheHints {
                max_age: max_age.map(Duration::from_secs),
                expires: expires_in.map(|s| now() + chrono::Duration::seconds(s)),
            },
            idle: Duration::ZERO,
        }
    }

    fn policy_with(interval: u64, min: u64, max: u64) -> Policy {
        Policy {
            interval: Duration::from_secs(interval),
            min: Duration::from_secs(min),
            max: Duration::from_secs(max),
        }
    }

    fn wait_for(policy: &Policy, outcome: &Outcome) -> Duration {
        (next_fetch(policy, outcome, now(), 0.0) - now())
            .to_std()
            .unwrap()
    }

    #[test]
    fn expires_is_a_hint_like_max_age() {
        assert_eq!(after(cached(None, Some(2 * 3600)), 0.0), 120 * MIN);
        // The later of the two wins; a past or short Expires changes nothing.
        assert_eq!(after(cached(Some(3600), Some(1800)), 0.0), 60 * MIN);
        assert_eq!(after(cached(None, Some(-3600)), 0.0), 15 * MIN);
        assert_eq!(after(cached(None, Some(60)), 0.0), 15 * MIN);
        assert_eq!(after(cached(None, Some(30 * 86_400)), 0.0), 24 * 60 * MIN);
    }

    #[test]
    fn ttl_and_update_period_hints_lengthen_the_interval() {
        // feed.rs turns `<ttl>` and `sy:updatePeriod`/`sy:updateFrequency` into one `ttl`.
        let hourly_twice = Duration::from_secs(1800);
        let outcome = Outcome::Fetched {
            cache: CacheHints::default(),
            ttl: Some(hourly_twice),
            idle: Duration::ZERO,
        };
        assert_eq!(after(outcome, 0.0), 30 * MIN);
        assert_eq!(after(fetched(Some(600), Some(7200)), 0.0), 120 * MIN);
    }

    #[test]
    fn short_intervals_are_raised_to_min_interval() {
        let policy = policy_with(60, 300, 3600);
        assert_eq!(wait_for(&policy, &fetched(None, None)), 5 * MIN);
        // A max_interval below min_interval cannot invert the clamp.
        let odd = policy_with(60, 300, 120);
        assert_eq!(wait_for(&odd, &fetched(None, None)), 5 * MIN);
    }

    #[test]
    fn jitter_never_leaves_ten_percent() {
        let base = 15 * MIN;
        for i in 0..=200 {
            let jitter = -1.5 + 3.0 * f64::from(i) / 200.0;
            let got = after(fetched(None, None), jitter);
            assert!(
                got >= base * 9 / 10 && got <= base * 11 / 10,
                "{jitter}: {got:?}"
            );
        }
    }

    #[test]
    fn backoff_resets_on_the_first_success() {
        assert_eq!(after(Outcome::Failed { errors: 6 }, 0.0), 480 * MIN);
        // The pipeline counts errors from the row, which a success sets back to zero.
        assert_eq!(after(fetched(None, None), 0.0), 15 * MIN);
        assert_eq!(after(Outcome::Failed { errors: 1 }, 0.0), 15 * MIN);
    }

    #[test]
    fn backoff_may_exceed_max_interval_but_not_a_day() {
        let policy = policy_with(3600, 300, 2 * 3600);
        assert_eq!(
            wait_for(&policy, &Outcome::Failed { errors: 4 }),
            8 * 60 * MIN
        );
        assert_eq!(wait_for(&policy, &Outcome::Failed { errors: 40 }), MAX_WAIT);
        assert_eq!(
            wait_for(&policy, &Outcome::Failed { errors: u32::MAX }),
            MAX_WAIT
        );
    }

    #[test]
    fn rate_limits_without_retry_after_back_off() {
        let plain = |errors| Outcome::RateLimited {
            retry_after: None,
            errors,
        };
        assert_eq!(after(plain(1), 0.0), 15 * MIN);
        assert_eq!(after(plain(3), 0.0), 60 * MIN);
        // A Retry-After shorter than the backoff does not shorten it.
        let short = Outcome::RateLimited {
            retry_after: Some(Duration::from_secs(10)),
            errors: 3,
        };
        assert_eq!(after(short, 0.0), 60 * MIN);
        // One longer than max_interval is honoured.
        let policy = policy_with(900, 300, 3600);
        let long = Outcome::RateLimited {
            retry_after: Some(Duration::from_secs(5 * 3600)),
            errors: 1,
        };
        assert_eq!(wait_for(&policy, &long), 300 * MIN);
    }

    #[test]
    fn idle_feeds_speed_up_again_when_they_publish() {
        let idle = |days: u64| Outcome::Fetched {
            cache: CacheHints::default(),
            ttl: None,
            idle: Duration::from_secs(days * 86_400),
        };
        assert_eq!(after(idle(0), 0.0), 15 * MIN);
        assert_eq!(after(idle(1), 0.0), 30 * MIN);
        assert_eq!(after(idle(10), 0.0), 60 * MIN);
        // Slowing down stays within max_interval.
        let policy = policy_with(12 * 3600, 300, 24 * 3600);
        assert_eq!(wait_for(&policy, &idle(10)), 24 * 60 * MIN);
    }

    #[test]
    fn times_round_up_to_the_stored_second() {
        let odd = now() + chrono::Duration::milliseconds(400);
        let outcome = Outcome::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
            errors: 1,
        };
        let at = next_fetch(&policy_with(1, 1, 60), &outcome, odd, -1.0);
        assert_eq!(at, now() + chrono::Duration::seconds(4));
        assert_eq!(at.timestamp_subsec_nanos(), 0);
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
