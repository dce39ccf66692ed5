//! One feed's job: conditional fetch → parse → store the outcome and the items in one
//! commit → schedule the next fetch. Every failure ends up on the feed row and in the
//! report; none stops the round.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tracing::{debug, instrument, warn};

use super::{Context, JobError, blocking};
use crate::chain::Chain;
use crate::config::FeedConfig;
use crate::fetch::feed::{self, ParsedFeed};
use crate::fetch::{FetchError, FetchOutcome, Fetched, Response, Validators};
use crate::metrics::{PollOutcome, Target};
use crate::model::{FeedState, Item, ItemKey};
use crate::schedule::{self, Outcome, Policy};
use crate::store::{DiskProblem, FetchRecord, ItemChange, SavedItem};

/// How one feed's job ended, for the per-feed summary line.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedStatus {
    /// New body read: counts of new and changed items.
    Updated {
        /// Items not seen before.
        new: usize,
        /// Items seen before with edits.
        changed: usize,
        /// Items in the document.
        total: usize,
    },
    /// 304: nothing changed.
    NotModified,
    /// 429/503: the server asked to come back later.
    RateLimited,
    /// 410: the feed is gone.
    Gone,
    /// The job failed; the detail is on the feed row too.
    Failed {
        /// The cause in a few words ("DNS: cannot resolve news.example", "HTTP 403").
        cause: String,
        /// The whole chain of causes.
        detail: String,
        /// The network failed (not the server's answer): see [`FetchError::network`].
        network: bool,
    },
}

/// The result of one feed's job.
#[derive(Debug, Clone)]
pub struct FeedReport {
    /// The configured URL.
    pub url: String,
    /// What happened.
    pub status: FeedStatus,
    /// Items that are new or changed, for the story stage.
    pub touched: Vec<i64>,
    /// Set when the result could not be stored because the database is full or read-only;
    /// nothing of it was kept, so the feed is fetched whole again later.
    pub disk: Option<DiskProblem>,
}

/// What a fetch came to before it is stored: the row's record, the items read, the
/// status for the report (`None`: updated) and the outcome the schedule is computed from.
struct Fetch {
    record: FetchRecord,
    items: Vec<Item>,
    keys: Vec<ItemKey>,
    status: Option<FeedStatus>,
    outcome: Outcome,
    /// Why the fetch failed, for the errors-by-kind metric.
    error_kind: Option<&'static str>,
}

/// Runs one feed's job. Every failure ends up in the report and on the feed row.
pub async fn poll_feed(ctx: &Context, feed: &FeedConfig) -> FeedReport {
    poll_known_feed(ctx, feed, None).await
}

/// [`poll_feed`] with the feed's stored state when the caller has read it already.
#[instrument(skip_all, fields(feed_url = %feed.url))]
pub(super) async fn poll_known_feed(
    ctx: &Context,
    feed: &FeedConfig,
    state: Option<FeedState>,
) -> FeedReport {
    let started = Instant::now();
    match run_job(ctx, feed, state, started).await {
        Ok(report) => report,
        Err(err) => failed_job(ctx, feed, &err, started),
    }
}

/// The report of a job whose result could not be stored.
fn failed_job(ctx: &Context, feed: &FeedConfig, err: &JobError, started: Instant) -> FeedReport {
    let disk = err.disk_problem();
    let message = match disk {
        // The daemon reports the database's state once; this is the job's share.
        Some(problem) => {
            debug!(%problem, "feed result not stored; it is fetched again later");
            format!(
                "result not stored: database {} is {problem}",
                ctx.db.path().display()
            )
        }
        None => {
            warn!(error = %Chain(err), "feed job failed to store its result");
            crate::chain::text(err)
        }
    };
    ctx.metrics.fetch_error(Target::Feed, "store");
    ctx.metrics
        .feed_polled(PollOutcome::Error, started.elapsed());
    FeedReport {
        url: feed.url.to_string(),
        status: FeedStatus::Failed {
            cause: message.clone(),
            detail: message,
            network: false,
        },
        touched: Vec::new(),
        disk,
    }
}

/// The job proper; `started` times it for the poll latency metric.
async fn run_job(
    ctx: &Context,
    feed: &FeedConfig,
    known: Option<FeedState>,
    started: Instant,
) -> Result<FeedReport, JobError> {
    let url = feed.url.to_string();
    let state = match known {
        Some(state) => state,
        None => ctx.db.feed_state(feed.line()).await?,
    };
    if state.gone {
        return Ok(FeedReport {
            url,
            status: FeedStatus::Gone,
            touched: Vec::new(),
            disk: None,
        });
    }
    let target = state
        .fetch_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .unwrap_or_else(|| feed.url.clone());
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    // The slot is held through the parse, so bodies in memory stay bounded by `concurrency`,
    // and released before the commit.
    let slot = Arc::clone(&ctx.fetch_slots).acquire_owned().await.ok();
    let fetched = ctx.fetcher.get(&target, &validators).await;
    let now = Utc::now();
    let mut fetch = read_fetch(fetched, &state, now).await?;
    match &fetch.status {
        Some(FeedStatus::Failed { cause, detail, .. }) => {
            warn!(%cause, "feed fetch failed");
            debug!(error = %detail, "feed fetch failed: every cause");
        }
        _ => {
            if let Some(error) = &fetch.record.error {
                warn!(error = %error, "feed fetch failed");
            }
        }
    }
    let policy = Policy {
        interval: feed.interval.unwrap_or(ctx.config.settings.poll_interval),
        min: ctx.config.settings.min_interval,
        max: ctx.config.settings.max_interval,
    };
    fetch.record.next_fetch =
        schedule::next_fetch(&policy, &fetch.outcome, now, fastrand::f64() * 2.0 - 1.0);
    drop(slot);
    let total = fetch.items.len();
    let saved: Vec<SavedItem> = ctx
        .db
        .commit_feed(state.id, fetch.record, fetch.items, fetch.keys)
        .await?;
    let count = |change| saved.iter().filter(|s| s.change == change).count();
    let (new, changed) = (count(ItemChange::New), count(ItemChange::Changed));
    debug!(new, changed, total, "feed stored");
    record_metrics(
        ctx,
        fetch.status.as_ref(),
        fetch.error_kind,
        (new, changed),
        started,
    );
    let touched = saved
        .iter()
        .filter(|s| s.change != ItemChange::Unchanged)
        .map(|s| s.id)
        .collect();
    Ok(FeedReport {
        url,
        status: fetch.status.unwrap_or(FeedStatus::Updated {
            new,
            changed,
            total,
        }),
        touched,
        disk: None,
    })
}

/// Feeds the job's counters.
fn record_metrics(
    ctx: &Context,
    status: Option<&FeedStatus>,
    error_kind: Option<&'static str>,
    (new, changed): (usize, usize),
    started: Instant,
) {
    if let Some(kind) = error_kind {
        ctx.metrics.fetch_error(Target::Feed, kind);
    }
    ctx.metrics.items_stored(new, changed);
    let polled = match (status, error_kind) {
        (_, Some(_)) => PollOutcome::Error,
        (Some(FeedStatus::NotModified), _) => PollOutcome::NotModified,
        (Some(FeedStatus::RateLimited), _) => PollOutcome::RateLimited,
        (Some(FeedStatus::Gone), _) => PollOutcome::Gone,
        (Some(FeedStatus::Failed { .. }), _) => PollOutcome::Error,
        (Some(FeedStatus::Updated { .. }) | None, None) => PollOutcome::Ok,
    };
    ctx.metrics.feed_polled(polled, started.elapsed());
}

/// What a fetch's result means for the feed row, its items and its schedule.
async fn read_fetch(
    fetched: Result<Fetched, FetchError>,
    state: &FeedState,
    now: DateTime<Utc>,
) -> Result<Fetch, JobError> {
    let errors = u32::try_from(state.error_count)
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    let mut fetch = Fetch {
        record: FetchRecord {
            at: now,
            ..Default::default()
        },
        items: Vec::new(),
        keys: Vec::new(),
        status: None,
        outcome: Outcome::Failed { errors },
        error_kind: None,
    };
    let fetched = match fetched {
        Ok(fetched) => fetched,
        Err(err) => {
            if let FetchError::Status(code) = err {
                fetch.record.status = Some(code);
            }
            fetch.error_kind = Some(err.kind());
            fail(
                &mut fetch,
                err.short(),
                crate::chain::text(&err),
                err.network(),
            );
            return Ok(fetch);
        }
    };
    fetch.record.fetch_url = fetched.moved_to.map(|u| u.to_string());
    match fetched.outcome {
        FetchOutcome::Fresh(response) => {
            read_body(&mut fetch, response, idle_for(state, now), errors).await?;
        }
        FetchOutcome::NotModified { cache, validators } => {
            fetch.record.status = Some(304);
            fetch.record.etag = validators.etag;
            fetch.record.last_modified = validators.last_modified;
            fetch.status = Some(FeedStatus::NotModified);
            fetch.outcome = Outcome::NotModified {
                cache,
                idle: idle_for(state, now),
            };
        }
        FetchOutcome::RateLimited {
            status: code,
            retry_after,
        } => {
            fetch.record.status = Some(code);
            fetch.record.error = Some(match retry_after {
                Some(after) => format!(
                    "rate limited (HTTP {code}), asked to retry after {}",
                    humantime::format_duration(after)
                ),
                None => format!("rate limited (HTTP {code})"),
            });
            fetch.status = Some(FeedStatus::RateLimited);
            fetch.outcome = Outcome::RateLimited {
                retry_after,
                errors,
            };
        }
        FetchOutcome::Gone => {
            fetch.record.status = Some(410);
            fetch.record.error =
                Some("gone (HTTP 410): not polled again until its config line is edited".into());
            fetch.record.gone = true;
            fetch.status = Some(FeedStatus::Gone);
        }
    }
    Ok(fetch)
}

/// Parses a fresh body off the async threads (item keys hashed there too, not on the
/// database thread).
async fn read_body(
    fetch: &mut Fetch,
    response: Response,
    idle: Duration,
    errors: u32,
) -> Result<(), JobError> {
    fetch.record.status = Some(response.status);
    let Response {
        body,
        url: base,
        content_type,
        validators,
        cache,
        ..
    } = response;
    let parsed = blocking("parsing the feed", move || {
        feed::parse_served(&body, &base, content_type.as_deref()).map(|parsed| {
            let keys: Vec<ItemKey> = parsed.items.iter().map(Item::key).collect();
            (parsed, keys)
        })
    })
    .await?;
    match parsed {
        Ok((
            ParsedFeed {
                items, ttl, title, ..
            },
            keys,
        )) => {
            fetch.record.title = title;
            fetch.record.etag = validators.etag;
            fetch.record.last_modified = validators.last_modified;
            fetch.items = items;
            fetch.keys = keys;
            fetch.outcome = Outcome::Fetched { cache, ttl, idle };
        }
        Err(err) => {
            fetch.error_kind = Some("parse");
            fetch.outcome = Outcome::Failed { errors };
            fail(fetch, err.to_string(), crate::chain::text(&err), false);
        }
    }
    Ok(())
}

/// Marks the fetch failed: the whole chain on the row, the short cause in the report too.
fn fail(fetch: &mut Fetch, cause: String, detail: String, network: bool) {
    fetch.record.error = Some(detail.clone());
    fetch.status = Some(FeedStatus::Failed {
        cause,
        detail,
        network,
    });
}

/// How long the feed has carried nothing new (zero when unknown).
fn idle_for(state: &FeedState, now: DateTime<Utc>) -> Duration {
    state
        .last_new_item
        .and_then(|t| (now - t).to_std().ok())
        .unwrap_or(Duration::ZERO)
}
