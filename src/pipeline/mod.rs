//! One polling round: every feed's job (fetch → parse → store items), then the story stage
//! on what changed (judge → fetch articles → figures → store). A job's failure is recorded
//! on its feed row and logged; it never stops the round.
//!
//! Layout: `feed` (one feed's job), `page` (article and baseline pages: fetched, read by
//! the page step, stored), `stories` (the story stage, a script over `story::round`).

mod feed;
pub mod page;
pub mod stories;

use std::sync::Arc;

use tracing::{info, warn};

use crate::chain::Chain;
use crate::config::{Config, Settings};
use crate::fetch::{ClientOptions, FetchError, Fetcher};
use crate::metrics::Metrics;
use crate::model::{FeedLine, FeedState};
use crate::store::{Db, DiskProblem, Store, StoreError};

pub use feed::{FeedReport, FeedStatus, poll_feed};

/// Feed jobs in flight per fetch slot (`concurrency`): the others have fetched and wait for
/// their commit, which must not keep the next fetches from starting.
pub const JOBS_PER_FETCH_SLOT: usize = 4;

/// What a round needs: the config, the HTTP client and the database.
#[derive(Clone)]
pub struct Context {
    /// The validated config.
    pub config: Arc<Config>,
    /// The shared HTTP client with its politeness limits.
    pub fetcher: Fetcher,
    /// The database thread's handle.
    pub db: Db,
    /// Counters the jobs feed (`[settings] metrics`); off for one-shot commands.
    pub metrics: Metrics,
    /// `concurrency` permits: a job holds one while it fetches and parses its feed.
    fetch_slots: Arc<tokio::sync::Semaphore>,
}

/// Why a round could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The HTTP client could not be built.
    #[error("setting up the HTTP client")]
    Client(#[source] FetchError),
    /// The database thread could not be started.
    #[error("starting the database")]
    Database(#[source] StoreError),
}

/// A database failure inside a job; the job cannot record it on the row it failed to write.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A blocking task (parsing, the page step) panicked or was cancelled.
    #[error("{what} failed")]
    Task {
        /// What the task was doing.
        what: &'static str,
        /// Why it stopped.
        #[source]
        source: tokio::task::JoinError,
    },
}

impl JobError {
    /// Whether the database is full, read-only or failing (see [`StoreError::disk_problem`]).
    pub fn disk_problem(&self) -> Option<DiskProblem> {
        match self {
            JobError::Store(err) => err.disk_problem(),
            JobError::Task { .. } => None,
        }
    }
}

/// Runs CPU-bound work on the blocking pool.
async fn blocking<T, F>(what: &'static str, f: F) -> Result<T, JobError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|source| JobError::Task { what, source })
}

/// The HTTP client's options from `[settings]`.
pub fn client_options(settings: &Settings) -> ClientOptions {
    ClientOptions {
        user_agent: settings.user_agent.clone(),
        timeout: settings.timeout,
        per_host: settings.per_host,
        max_body: settings.max_body,
        allow_private_networks: settings.allow_private_networks,
    }
}

/// The configured feeds as the store registers them.
pub fn feed_lines(config: &Config) -> Vec<FeedLine> {
    config.feeds.iter().map(|f| f.line()).collect()
}

/// The fetch slots for a config: `concurrency` of them.
fn fetch_slots(config: &Config) -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(
        config.settings.concurrency.max(1),
    ))
}

impl Context {
    /// Builds the context: the HTTP client, and the database thread over `store`.
    pub fn new(config: Arc<Config>, store: Store) -> Result<Context, SetupError> {
        let fetcher =
            Fetcher::new(&client_options(&config.settings)).map_err(SetupError::Client)?;
        let db = Db::start(store).map_err(SetupError::Database)?;
        Ok(Context {
            fetch_slots: fetch_slots(&config),
            fetcher,
            config,
            db,
            metrics: Metrics::off(),
        })
    }

    /// The same context recording into `metrics`.
    pub fn with_metrics(self, metrics: Metrics) -> Context {
        Context { metrics, ..self }
    }

    /// The same database with a reloaded config and its HTTP client.
    pub fn reconfigured(&self, config: Arc<Config>, fetcher: Fetcher) -> Context {
        Context {
            fetch_slots: fetch_slots(&config),
            config,
            fetcher,
            db: self.db.clone(),
            metrics: self.metrics.clone(),
        }
    }
}

/// Polls every configured feed once, `concurrency` at a time, then runs the story stage on
/// what changed, and returns when everything the round causes is stored. Gone feeds are
/// skipped. `progress` hears of each feed as its job ends, and of the story stage's start.
pub async fn poll_all(
    ctx: &Context,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<(Vec<FeedReport>, stories::RoundReport), JobError> {
    use futures_util::StreamExt;
    // Every feed's state in one read: looked up per job, each lookup queued behind the
    // feed commits being written, and the next fetch could not start until it returned.
    let (revived, states) = ctx.db.sync_and_read_feeds(feed_lines(&ctx.config)).await?;
    log_revived(&revived);
    let mut states: std::collections::HashMap<String, FeedState> =
        states.into_iter().map(|f| (f.url.clone(), f)).collect();
    let jobs = ctx.config.settings.concurrency.max(1) * JOBS_PER_FETCH_SLOT;
    let reports: Vec<FeedReport> = futures_util::stream::iter(ctx.config.feeds.iter())
        .map(|feed| {
            let state = states.remove(feed.url.as_str());
            feed::poll_known_feed(ctx, feed, state)
        })
        .buffer_unordered(jobs)
        .inspect(|report| progress(Progress::Feed(report)))
        .collect()
        .await;
    let touched: Vec<i64> = reports
        .iter()
        .flat_map(|r| r.touched.iter().copied())
        .collect();
    progress(Progress::Stories);
    let round = stories::run_round(ctx, &touched).await?;
    // What the idle moments of the round did not index is indexed before the poll ends, so
    // a search right after it finds every item. The items are stored either way: a failure
    // leaves them queued for the next poll, and does not fail this one.
    if let Err(err) = ctx.db.index_all_pending().await {
        warn!(error = %Chain(&err), "cannot index new items for search; they stay queued");
    }
    Ok((reports, round))
}

/// What [`poll_all`] has got to, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// One feed's job ended.
    Feed(&'a FeedReport),
    /// The feeds are done; the story stage (judging, articles) starts.
    Stories,
}

/// Logs the feeds [`Store::sync_feeds`] revived.
pub fn log_revived(urls: &[String]) {
    for url in urls {
        info!(feed_url = %url, "gone feed revived: its config line changed");
    }
}
