//! Liveness of the scheduler loop, shared by the systemd watchdog and `/healthz` so the two
//! always judge it the same way.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Longest sleep between scheduler passes without a watchdog.
pub const MAX_NAP: Duration = Duration::from_secs(30);
/// Shortest sleep, so a feed due now that cannot start yet does not spin the loop.
pub const MIN_NAP: Duration = Duration::from_millis(200);

/// Liveness of the scheduler loop: the loop beats after each healthy pass; the watchdog
/// pings systemd, and `/healthz` answers 200, only while the last beat is recent.
#[derive(Debug, Clone)]
pub struct Heartbeat {
    /// The clock's zero; beats are stored as milliseconds since it.
    origin: Instant,
    /// Milliseconds from `origin` to the last beat; atomic, since the watchdog reads it.
    last: Arc<AtomicU64>,
    /// The loop never sleeps longer than this, so a healthy loop beats at least this often.
    period: Duration,
    /// A last beat older than this means the loop stalled: half the watchdog timeout (the
    /// watchdog checks that often), else twice [`MAX_NAP`].
    limit: Duration,
}

impl Heartbeat {
    /// A heartbeat for a watchdog of `timeout` (systemd's `WatchdogSec`), or none: the loop
    /// then beats at least every quarter of it.
    pub fn for_watchdog(timeout: Option<Duration>) -> Heartbeat {
        let period = timeout.map_or(MAX_NAP, |t| (t / 4).clamp(MIN_NAP, MAX_NAP));
        let limit = timeout.map_or(MAX_NAP * 2, |t| (t / 2).max(MIN_NAP));
        Heartbeat {
            origin: Instant::now(),
            last: Arc::default(),
            period,
            limit,
        }
    }

    /// Records progress now.
    pub fn beat(&self) {
        let ms = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    /// Time since the last beat (since creation before the first).
    pub fn age(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.origin.elapsed().saturating_sub(last)
    }

    /// The longest the loop sleeps between beats.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// How long the loop has made no progress, if longer than it may; `None` while healthy.
    /// The watchdog and `/healthz` both judge by this, so they never disagree.
    pub fn stalled(&self) -> Option<Duration> {
        let age = self.age();
        (age > self.limit).then_some(age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_ages_and_resets() {
        let heart = Heartbeat::for_watchdog(Some(Duration::from_secs(8)));
        assert_eq!(heart.period(), Duration::from_secs(2));
        std::thread::sleep(Duration::from_millis(30));
        assert!(heart.age() >= Duration::from_millis(30));
        heart.beat();
        assert!(heart.age() < Duration::from_millis(30));
        assert_eq!(heart.stalled(), None);
        let quick = Heartbeat::for_watchdog(Some(Duration::from_millis(400)));
        std::thread::sleep(Duration::from_millis(250));
        assert!(
            quick
                .stalled()
                .is_some_and(|age| age > Duration::from_millis(200))
        );
        quick.beat();
        assert_eq!(quick.stalled(), None);
        assert_eq!(Heartbeat::for_watchdog(None).period(), MAX_NAP);
        let tiny = Heartbeat::for_watchdog(Some(Duration::from_millis(10)));
        assert_eq!(tiny.period(), MIN_NAP);
    }
}
