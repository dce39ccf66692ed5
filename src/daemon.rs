//! The long-running scheduler: asks the store which feeds are due, runs their jobs on a
//! bounded set of workers, and stops cleanly when the shutdown token fires.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use crate::config::FeedConfig;
use crate::pipeline::{self, Context, JobError};

/// How long in-flight jobs may take to finish after shutdown is asked for.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Longest sleep between scheduler passes, so config-independent wake-ups stay timely.
const MAX_NAP: Duration = Duration::from_secs(30);

/// Runs until `shutdown` is cancelled, then waits up to [`SHUTDOWN_GRACE`] for jobs in hand.
pub async fn run(ctx: Context, shutdown: CancellationToken) -> Result<(), JobError> {
    let feeds = ctx.config.feeds.clone();
    ctx.db(move |s| s.sync_feeds(&feeds)).await?;
    let by_url: HashMap<String, FeedConfig> = ctx
        .config
        .feeds
        .iter()
        .map(|f| (f.url.to_string(), f.clone()))
        .collect();
    let workers = Arc::new(Semaphore::new(ctx.config.settings.concurrency));
    let in_flight: Arc<Mutex<HashSet<String>>> = Arc::default();
    let tracker = TaskTracker::new();
    info!(feeds = by_url.len(), "scheduler started");
    while !shutdown.is_cancelled() {
        let limit = ctx.config.settings.concurrency * 4;
        let due = match ctx.db(move |s| s.due_feeds(Utc::now(), limit)).await {
            Ok(due) => due,
            Err(err) => {
                // A full disk or locked file passes; keep the loop alive and try again.
                warn!(error = %err, "cannot read the schedule");
                Vec::new()
            }
        };
        for url in due {
            let Some(feed) = by_url.get(&url).cloned() else {
                continue; // a stored feed no longer in the config
            };
            if !lock(&in_flight).insert(url.clone()) {
                continue;
            }
            let permit = tokio::select! {
                permit = Arc::clone(&workers).acquire_owned() => permit,
                _ = shutdown.cancelled() => break,
            };
            let Ok(permit) = permit else { break };
            let ctx = ctx.clone();
            let in_flight = Arc::clone(&in_flight);
            tracker.spawn(async move {
                pipeline::poll_feed(&ctx, &feed).await;
                lock(&in_flight).remove(&url);
                drop(permit);
            });
        }
        let nap = match ctx.db(|s| s.next_due()).await {
            Ok(Some(next)) => (next - Utc::now())
                .to_std()
                .unwrap_or(Duration::from_millis(200)),
            _ => MAX_NAP,
        }
        .clamp(Duration::from_millis(200), MAX_NAP);
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(nap) => {}
        }
    }
    tracker.close();
    info!(in_flight = tracker.len(), "shutting down");
    if tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait())
        .await
        .is_err()
    {
        warn!("jobs still running after the grace period; their feeds will be polled again");
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
