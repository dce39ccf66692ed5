//! One polling round and one feed job: fetch → parse → store items → judge follow-ups →
//! fetch articles → figures → store. A job's failure is recorded on its feed row and logged;
//! it never stops the round.

pub mod stories;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tracing::{debug, info, instrument, warn};

use crate::config::{Config, FeedConfig};
use crate::fetch::feed::{self, ParsedFeed};
use crate::fetch::{FetchError, FetchOutcome, Fetcher, Validators};
use crate::metrics::{Metrics, PollOutcome, Target};
use crate::model::{FeedState, Item, ItemKey};
use crate::schedule::{self, Outcome, Policy};
use crate::store::{
    Checkpointer, DiskProblem, FeedCommit, FetchRecord, ItemChange, SavedItem, Store, StoreError,
};

/// What a round needs: the config, the HTTP client and the database.
#[derive(Clone)]
pub struct Context {
    /// The validated config.
    pub config: Arc<Config>,
    /// The shared HTTP client with its politeness limits.
    pub fetcher: Fetcher,
    /// The database; rusqlite blocks, so it is only used on the database thread.
    pub store: Arc<Mutex<Store>>,
    /// Counters the jobs feed (`[settings] metrics`); off for one-shot commands.
    pub metrics: Metrics,
    /// `concurrency` permits: a job holds one while it fetches and parses its feed.
    fetch_slots: Arc<tokio::sync::Semaphore>,
    /// Calls for the database thread. One thread runs them in order: it stays hot while the
    /// queue is full, where a blocking task per call cost two thread hand-offs each and
    /// left up to `concurrency` threads contending for the mutex.
    calls: std::sync::mpsc::Sender<DbMsg>,
}

/// A store call sent to the database thread; it reports its result itself.
type DbCall = Box<dyn FnOnce(&mut Store) + Send>;

/// What the database thread is asked to do.
enum DbMsg {
    /// Run one call.
    Call(DbCall),
    /// Store one feed's fetch; commits already queued behind it share its transaction.
    Commit(FeedWrite),
}

/// One feed's fetch waiting to be stored, with where to send the result.
struct FeedWrite {
    feed_id: i64,
    record: FetchRecord,
    items: Vec<Item>,
    keys: Vec<ItemKey>,
    reply: tokio::sync::oneshot::Sender<Result<Vec<SavedItem>, StoreError>>,
}

/// Most feed commits grouped in one transaction.
const MAX_BATCH: usize = 64;

/// Least time between the starts of two feed transactions; commits arriving meanwhile
/// wait and share the next one. Each transaction costs a search-index segment (merged
/// later) and rewrites the upper pages of every index; feeds finishing a few at a time made
/// three-feed transactions, and those fixed costs were a fifth of a cold poll's CPU. The
/// window counts from the previous start, not from the first waiting commit: when writing
/// takes longer than the window, the commits queued meanwhile go at once, and the thread
/// never idles while feeds wait. Jobs do not hold a fetch slot meanwhile.
const BATCH_WINDOW: Duration = Duration::from_millis(15);

/// Feed jobs in flight per fetch slot (`concurrency`): the others have fetched and wait for
/// their commit, which must not keep the next fetches from starting.
pub const JOBS_PER_FETCH_SLOT: usize = 4;

/// Items added to the search index per idle step: a call arriving meanwhile waits a few
/// milliseconds, and the index gets a handful of segments per poll, not one per commit.
const INDEX_SLICE: usize = 2_000;

/// How long the database thread waits without a message before it indexes queued items.
/// Feed commits come more often than this during a poll, so the indexing waits for the
/// poll's feeds to be stored and then runs beside the judging, which only reads.
const INDEX_IDLE: Duration = Duration::from_millis(20);

/// Starts the database thread; it ends when every sender (every `Context` clone) is gone.
fn db_thread(
    store: Arc<Mutex<Store>>,
    checkpointer: Option<Checkpointer>,
) -> Result<std::sync::mpsc::Sender<DbMsg>, FetchError> {
    let (tx, rx) = std::sync::mpsc::channel::<DbMsg>();
    std::thread::Builder::new()
        .name("followup-db".into())
        .spawn(move || {
            let mut last_began: Option<Instant> = None;
            // An earlier run may have left items queued for the search index.
            let mut unindexed = true;
            loop {
                let next = if unindexed {
                    rx.recv_timeout(INDEX_IDLE)
                } else {
                    rx.recv()
                        .map_err(|_| std::sync::mpsc::RecvTimeoutError::Disconnected)
                };
                let msg = match next {
                    Ok(msg) => msg,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
                        unindexed = index_step(&mut guard, INDEX_SLICE);
                        if let Some(checkpointer) = &checkpointer {
                            checkpointer.nudge();
                        }
                        continue;
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                };
                let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
                match msg {
                    DbMsg::Call(call) => run_call(&mut guard, call),
                    DbMsg::Commit(first) => {
                        // Feeds that finish within the window are stored together: one
                        // commit instead of one each. Calls arriving meanwhile run at once,
                        // outside the transaction: no caller waits on a commit it has not
                        // been answered for, so none needs them to see the batch.
                        let until = last_began.map_or_else(Instant::now, |t| t + BATCH_WINDOW);
                        let mut batch = vec![first];
                        while batch.len() < MAX_BATCH {
                            let left = until.saturating_duration_since(Instant::now());
                            let next = if left.is_zero() {
                                rx.try_recv().map_err(|_| ())
                            } else {
                                rx.recv_timeout(left).map_err(|_| ())
                            };
                            match next {
                                Ok(DbMsg::Commit(write)) => batch.push(write),
                                Ok(DbMsg::Call(call)) => run_call(&mut guard, call),
                                Err(()) => break,
                            }
                        }
                        last_began = Some(Instant::now());
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            write_batch(&mut guard, batch)
                        }));
                        unindexed = true;
                    }
                }
                if let Some(checkpointer) = &checkpointer {
                    checkpointer.nudge();
                }
            }
        })
        .map_err(|err| FetchError::Request(format!("cannot start the database thread: {err}")))?;
    Ok(tx)
}

/// Indexes up to `limit` queued items for search; returns whether more wait. A failure is
/// logged and leaves them queued until the next commit wakes the indexing again.
fn index_step(store: &mut Store, limit: usize) -> bool {
    let began = Instant::now();
    match store.index_pending(limit) {
        Ok(more) => {
            debug!(
                ms = began.elapsed().as_millis(),
                more, "new items indexed for search"
            );
            more
        }
        Err(err) => {
            warn!(error = %err, "cannot index new items for search; they stay queued");
            false
        }
    }
}

/// Runs one store call. A panicking call drops its reply channel, which its caller sees as
/// an error; the thread lives on for the other jobs.
fn run_call(store: &mut Store, call: DbCall) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(store)));
}

/// Stores a batch of feed fetches in one transaction and answers each feed.
fn write_batch(store: &mut Store, batch: Vec<FeedWrite>) {
    let commits: Vec<FeedCommit> = batch
        .iter()
        .map(|w| FeedCommit {
            feed_id: w.feed_id,
            record: &w.record,
            items: &w.items,
            keys: &w.keys,
        })
        .collect();
    let began = Instant::now();
    let results = store.commit_feeds(&commits);
    debug!(
        feeds = commits.len(),
        ms = began.elapsed().as_millis(),
        "feeds stored in one transaction"
    );
    drop(commits);
    for (write, result) in batch.into_iter().zip(results) {
        let _ = write.reply.send(result);
    }
}

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
    /// The job failed; the message is on the feed row too.
    Failed(String),
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

/// A database failure inside a job; the job cannot record it on the row it failed to write.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The blocking task running the store call panicked or was cancelled.
    #[error("database task failed: {0}")]
    Task(String),
}

impl JobError {
    /// Whether the database is full, read-only or failing (see [`StoreError::disk_problem`]).
    pub fn disk_problem(&self) -> Option<DiskProblem> {
        match self {
            JobError::Store(err) => err.disk_problem(),
            JobError::Task(_) => None,
        }
    }
}

/// The fetch slots for a config: `concurrency` of them.
fn fetch_slots(config: &Config) -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(
        config.settings.concurrency.max(1),
    ))
}

impl Context {
    /// Builds the context: HTTP client and database.
    pub fn new(config: Arc<Config>, mut store: Store) -> Result<Context, FetchError> {
        // Without it the writer checkpoints itself, as SQLite does by default: slower, not wrong.
        let checkpointer = store.checkpoint_in_background().unwrap_or_else(|err| {
            warn!(error = %err, "cannot checkpoint in the background");
            None
        });
        let store = Arc::new(Mutex::new(store));
        let fetch_slots = fetch_slots(&config);
        Ok(Context {
            fetcher: Fetcher::new(&config.settings)?,
            config,
            calls: db_thread(Arc::clone(&store), checkpointer)?,
            store,
            metrics: Metrics::off(),
            fetch_slots,
        })
    }

    /// The same context recording into `metrics`.
    pub fn with_metrics(self, metrics: Metrics) -> Context {
        Context { metrics, ..self }
    }

    /// The same database with a reloaded config and its HTTP client.
    pub fn reconfigured(&self, config: Arc<Config>, fetcher: Fetcher) -> Context {
        let fetch_slots = fetch_slots(&config);
        Context {
            config,
            fetcher,
            store: Arc::clone(&self.store),
            calls: self.calls.clone(),
            metrics: self.metrics.clone(),
            fetch_slots,
        }
    }

    /// Runs a store call on the database thread, so SQLite never stalls the async workers.
    pub async fn db<T, F>(&self, f: F) -> Result<T, JobError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, result) = tokio::sync::oneshot::channel();
        let call: DbCall = Box::new(move |store| {
            let _ = reply.send(f(store));
        });
        self.calls
            .send(DbMsg::Call(call))
            .map_err(|_| JobError::Task("the database thread has stopped".into()))?;
        result
            .await
            .map_err(|_| JobError::Task("the database call panicked".into()))?
            .map_err(JobError::from)
    }

    /// Stores one feed's fetch on the database thread, in a transaction shared with the
    /// other feeds ready at the same moment (a failing feed still rolls back alone).
    pub async fn commit_feed(
        &self,
        feed_id: i64,
        record: FetchRecord,
        (items, keys): (Vec<Item>, Vec<ItemKey>),
    ) -> Result<Vec<SavedItem>, JobError> {
        let (reply, result) = tokio::sync::oneshot::channel();
        self.calls
            .send(DbMsg::Commit(FeedWrite {
                feed_id,
                record,
                items,
                keys,
                reply,
            }))
            .map_err(|_| JobError::Task("the database thread has stopped".into()))?;
        result
            .await
            .map_err(|_| JobError::Task("the database call panicked".into()))?
            .map_err(JobError::from)
    }
}

/// Polls every configured feed once, `concurrency` at a time, then runs the story stage on
/// what changed, and returns when everything the round causes is stored. Gone feeds are
/// skipped.
pub async fn poll_all(ctx: &Context) -> Result<(Vec<FeedReport>, stories::RoundReport), JobError> {
    let feeds = ctx.config.feeds.clone();
    // Every feed's state in one read: looked up per job, each lookup queued behind the
    // feed commits being written, and the next fetch could not start until it returned.
    let (revived, states) = ctx
        .db(move |s| {
            let revived = s.sync_feeds(&feeds)?;
            Ok((revived, s.feeds()?))
        })
        .await?;
    log_revived(&revived);
    let mut states: std::collections::HashMap<String, FeedState> =
        states.into_iter().map(|f| (f.url.clone(), f)).collect();
    let jobs = ctx.config.settings.concurrency.max(1) * JOBS_PER_FETCH_SLOT;
    let reports: Vec<FeedReport> = futures_util::stream::iter(ctx.config.feeds.iter())
        .map(|feed| {
            let state = states.remove(feed.url.as_str());
            poll_known_feed(ctx, feed, state)
        })
        .buffer_unordered(jobs)
        .collect()
        .await;
    let touched: Vec<i64> = reports
        .iter()
        .flat_map(|r| r.touched.iter().copied())
        .collect();
    let round = stories::run_round(ctx, &touched).await?;
    // What the idle moments of the round did not index is indexed before the poll ends, so
    // a search right after it finds every item. The items are stored either way: a failure
    // leaves them queued for the next poll, and does not fail this one.
    let indexed = ctx
        .db(|s| {
            while s.index_pending(INDEX_SLICE)? {}
            Ok(())
        })
        .await;
    if let Err(err) = indexed {
        warn!(error = %err, "cannot index new items for search; they stay queued");
    }
    Ok((reports, round))
}

/// Logs the feeds [`Store::sync_feeds`] revived.
pub fn log_revived(urls: &[String]) {
    for url in urls {
        info!(feed_url = %url, "gone feed revived: its config line changed");
    }
}

/// Runs one feed's job. Every failure ends up in the report and on the feed row.
pub async fn poll_feed(ctx: &Context, feed: &FeedConfig) -> FeedReport {
    poll_known_feed(ctx, feed, None).await
}

/// [`poll_feed`] with the feed's stored state when the caller has read it already.
#[instrument(skip_all, fields(feed_url = %feed.url))]
async fn poll_known_feed(ctx: &Context, feed: &FeedConfig, state: Option<FeedState>) -> FeedReport {
    let started = Instant::now();
    match run_job(ctx, feed, state, started).await {
        Ok(report) => report,
        Err(err) => {
            let disk = err.disk_problem();
            match disk {
                // The daemon reports the database's state once; this is the job's share.
                Some(problem) => {
                    debug!(%problem, "feed result not stored; it is fetched again later")
                }
                None => warn!(error = %err, "feed job failed to store its result"),
            }
            let message = match disk {
                Some(problem) => format!(
                    "result not stored: database {} is {problem}",
                    ctx.config.settings.database.display()
                ),
                None => err.to_string(),
            };
            ctx.metrics.fetch_error(Target::Feed, "store");
            ctx.metrics
                .feed_polled(PollOutcome::Error, started.elapsed());
            FeedReport {
                url: feed.url.to_string(),
                status: FeedStatus::Failed(message),
                touched: Vec::new(),
                disk,
            }
        }
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
    let key = url.clone();
    let stored = match known {
        Some(state) => Some(state),
        None => ctx.db(move |s| s.feed(&key)).await?,
    };
    let state = match stored {
        Some(state) => state,
        None => {
            let feeds = vec![feed.clone()];
            let key = url.clone();
            ctx.db(move |s| {
                s.sync_feeds(&feeds)?;
                s.feed(&key)
            })
            .await?
            .unwrap_or_default()
        }
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
    let policy = Policy {
        interval: feed.interval.unwrap_or(ctx.config.settings.poll_interval),
        min: ctx.config.settings.min_interval,
        max: ctx.config.settings.max_interval,
    };
    // The slot is held through the parse, so bodies in memory stay bounded by `concurrency`,
    // and released before the commit.
    let slot = Arc::clone(&ctx.fetch_slots).acquire_owned().await.ok();
    let fetched = ctx.fetcher.get(&target, &validators).await;
    let now = Utc::now();
    let idle = idle_for(&state, now);
    let errors = u32::try_from(state.error_count)
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    let mut record = FetchRecord {
        at: now,
        ..Default::default()
    };
    let mut items = Vec::new();
    let mut keys = Vec::new();
    let status;
    // Why the fetch failed, for the errors-by-kind metric.
    let mut error_kind = None;
    let outcome = match fetched {
        Ok(fetched) => {
            record.fetch_url = fetched.moved_to.map(|u| u.to_string());
            match fetched.outcome {
                FetchOutcome::Fresh(response) => {
                    record.status = Some(response.status);
                    let body = response.body;
                    let base = response.url.clone();
                    let content_type = response.content_type.clone();
                    // The items' keys are hashed here, not on the database thread.
                    let parsed = tokio::task::spawn_blocking(move || {
                        feed::parse_served(&body, &base, content_type.as_deref()).map(|parsed| {
                            let keys: Vec<ItemKey> = parsed.items.iter().map(Item::key).collect();
                            (parsed, keys)
                        })
                    })
                    .await
                    .map_err(|err| JobError::Task(err.to_string()))?;
                    match parsed {
                        Ok((
                            ParsedFeed {
                                items: got, ttl, ..
                            },
                            got_keys,
                        )) => {
                            record.etag = response.validators.etag;
                            record.last_modified = response.validators.last_modified;
                            items = got;
                            keys = got_keys;
                            status = None;
                            Outcome::Fetched {
                                cache: response.cache,
                                ttl,
                                idle,
                            }
                        }
                        Err(err) => {
                            error_kind = Some("parse");
                            record.error = Some(err.to_string());
                            status = Some(FeedStatus::Failed(err.to_string()));
                            Outcome::Failed { errors }
                        }
                    }
                }
                FetchOutcome::NotModified { cache, validators } => {
                    record.status = Some(304);
                    record.etag = validators.etag;
                    record.last_modified = validators.last_modified;
                    status = Some(FeedStatus::NotModified);
                    Outcome::NotModified { cache, idle }
                }
                FetchOutcome::RateLimited {
                    status: code,
                    retry_after,
                } => {
                    record.status = Some(code);
                    record.error = Some(match retry_after {
                        Some(after) => format!(
                            "rate limited (HTTP {code}), asked to retry after {}",
                            humantime::format_duration(after)
                        ),
                        None => format!("rate limited (HTTP {code})"),
                    });
                    status = Some(FeedStatus::RateLimited);
                    Outcome::RateLimited {
                        retry_after,
                        errors,
                    }
                }
                FetchOutcome::Gone => {
                    record.status = Some(410);
                    record.error = Some(
                        "gone (HTTP 410): not polled again until its config line is edited".into(),
                    );
                    record.gone = true;
                    status = Some(FeedStatus::Gone);
                    Outcome::Failed { errors }
                }
            }
        }
        Err(err) => {
            if let FetchError::Status(code) = err {
                record.status = Some(code);
            }
            error_kind = Some(err.kind());
            record.error = Some(err.to_string());
            status = Some(FeedStatus::Failed(err.to_string()));
            Outcome::Failed { errors }
        }
    };
    if let Some(error) = &record.error {
        warn!(error = %error, "feed fetch failed");
    }
    record.next_fetch = schedule::next_fetch(&policy, &outcome, now, fastrand::f64() * 2.0 - 1.0);
    drop(slot);
    let total = items.len();
    let feed_id = state.id;
    let saved: Vec<SavedItem> = ctx.commit_feed(feed_id, record, (items, keys)).await?;
    let new = saved.iter().filter(|s| s.change == ItemChange::New).count();
    let changed = saved
        .iter()
        .filter(|s| s.change == ItemChange::Changed)
        .count();
    debug!(new, changed, total, "feed stored");
    if let Some(kind) = error_kind {
        ctx.metrics.fetch_error(Target::Feed, kind);
    }
    ctx.metrics.items_stored(new, changed);
    let polled = match (&status, error_kind) {
        (_, Some(_)) => PollOutcome::Error,
        (Some(FeedStatus::NotModified), _) => PollOutcome::NotModified,
        (Some(FeedStatus::RateLimited), _) => PollOutcome::RateLimited,
        (Some(FeedStatus::Gone), _) => PollOutcome::Gone,
        (Some(FeedStatus::Failed(_)), _) => PollOutcome::Error,
        (Some(FeedStatus::Updated { .. }) | None, None) => PollOutcome::Ok,
    };
    ctx.metrics.feed_polled(polled, started.elapsed());
    let touched = saved
        .iter()
        .filter(|s| s.change != ItemChange::Unchanged)
        .map(|s| s.id)
        .collect();
    Ok(FeedReport {
        url,
        status: status.unwrap_or(FeedStatus::Updated {
            new,
            changed,
            total,
        }),
        touched,
        disk: None,
    })
}

/// How long the feed has carried nothing new (zero when unknown).
fn idle_for(state: &FeedState, now: DateTime<Utc>) -> Duration {
    state
        .last_new_item
        .and_then(|t| (now - t).to_std().ok())
        .unwrap_or(Duration::ZERO)
}
