//! The long-running scheduler: asks the store which configured feeds are due, runs their
//! jobs on a bounded set of workers, runs the story stage on what they touched (and
//! periodically, for live re-checks), applies reloaded configs, proves its progress to the
//! watchdog, and stops cleanly when the shutdown token fires.
//!
//! One loop owns all scheduling state. Workers report back over a channel, so the loop
//! never waits on a job: it only waits on that channel, the shutdown token, a reload, or a
//! timer bounded by the heartbeat period, and so it beats regularly while it is healthy.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, error, info, warn};

use crate::chain::Chain;
use crate::config::{Config, FeedConfig, Settings};
use crate::digest::alert;
use crate::fetch::Fetcher;
use crate::health::{Heartbeat, MIN_NAP};
use crate::pipeline::{self, Context, JobError, stories};
use crate::store::DiskProblem;

/// How long in-flight jobs may take to finish after shutdown is asked for.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long touched items wait for more before the story stage runs, so a burst of feeds
/// finishing together makes one round instead of one each.
const STORY_DEBOUNCE: Duration = Duration::from_secs(2);
/// After the grace period, how long cancelled jobs get to unwind.
const CANCEL_WAIT: Duration = Duration::from_secs(2);
/// How often `retention` is applied: daily is enough for a window counted in days.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 3600);
/// While the database cannot be written, how long the loop waits before trying one feed
/// again; fetching everything each pass would only be thrown away.
const DISK_RETRY: Duration = Duration::from_secs(10);

/// What the daemon is told from outside while it runs.
pub struct Control {
    /// Fired by SIGTERM/SIGINT: stop taking work, finish or cancel jobs in hand, return.
    pub shutdown: CancellationToken,
    /// Validated configs from SIGHUP reloads, applied between passes.
    pub reloads: mpsc::Receiver<Config>,
    /// Beaten after each healthy pass.
    pub heartbeat: Heartbeat,
    /// Test hook (`FOLLOWUP_TEST_STALL_FILE`): while this file exists the loop blocks before
    /// its next pass, so tests can see the watchdog pings stop. `None` in production.
    pub stall_file: Option<PathBuf>,
}

/// What workers report back to the loop.
enum Event {
    /// A feed job ended; `touched` are its new or changed items, `gone` whether it got a
    /// 410, `disk` why its result could not be stored.
    FeedDone {
        url: String,
        touched: Vec<i64>,
        gone: bool,
        disk: Option<DiskProblem>,
    },
    /// The story round ended; `disk` as for a feed.
    StoriesDone { disk: Option<DiskProblem> },
}

/// The database refuses writes (full disk, `max_db_size`, read-only file system).
struct DiskTrouble {
    /// What the last failure was.
    problem: DiskProblem,
    /// When a write last failed; the next feed starts [`DISK_RETRY`] later.
    failed_at: Instant,
}

/// The scheduling state the loop owns.
struct Loop {
    ctx: Context,
    /// Configured feeds by URL.
    feeds: HashMap<String, FeedConfig>,
    /// Configured URLs, for the store's schedule queries.
    urls: Vec<String>,
    /// Feeds whose job is running.
    in_flight: HashSet<String>,
    /// Items touched since the last story round started.
    touched: HashSet<i64>,
    /// When the first of `touched` arrived.
    touched_since: Option<Instant>,
    /// A story round runs (at most one at a time: they share baselines and matches).
    stories_running: bool,
    /// A reload asked for a round whatever was touched (stories may have changed).
    stories_wanted: bool,
    /// When the last story round started, for the periodic live re-checks.
    last_round: Instant,
    /// When `retention` last pruned the database; `None` prunes at the first pass.
    last_prune: Option<Instant>,
    /// The feed gauges need recounting (start, reload, a feed went gone).
    gauges_stale: bool,
    /// Set while the database cannot be written: one feed at a time probes it.
    disk: Option<DiskTrouble>,
}

/// Runs until `control.shutdown` fires, then waits up to [`SHUTDOWN_GRACE`] for jobs in
/// hand and cancels what is left. Only a failure to register the configured feeds at start
/// is an error; everything later is logged and retried.
pub async fn run(ctx: Context, mut control: Control) -> Result<(), JobError> {
    let revived = ctx.db.sync_feeds(pipeline::feed_lines(&ctx.config)).await?;
    pipeline::log_revived(&revived);
    let mut state = Loop::new(ctx);
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let tracker = TaskTracker::new();
    // Fired only after the grace period: jobs then stop at their next await point. A store
    // call already running completes, so a feed's commit is whole or absent.
    let cancel = CancellationToken::new();
    info!(
        feeds = state.urls.len(),
        stories = state.ctx.config.stories.len(),
        "scheduler started"
    );
    loop {
        if let Some(file) = &control.stall_file {
            while file.exists() && !control.shutdown.is_cancelled() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        let mut healthy = true;
        let mut waiting = false;
        let concurrency = state.concurrency();
        let limit = concurrency * 4 + state.in_flight.len();
        match state
            .ctx
            .db
            .due_among(state.urls.clone(), Utc::now(), limit)
            .await
        {
            Ok(due) => {
                for url in due {
                    if state.in_flight.contains(&url) || state.in_flight.len() >= concurrency {
                        // Due but not startable: a finishing job wakes the loop.
                        waiting = true;
                        continue;
                    }
                    let Some(feed) = state.feeds.get(&url).cloned() else {
                        continue;
                    };
                    state.in_flight.insert(url.clone());
                    let ctx = state.ctx.clone();
                    let (tx, cancel) = (events_tx.clone(), cancel.clone());
                    tracker.spawn(async move {
                        let (touched, gone, disk) = tokio::select! {
                            report = pipeline::poll_feed(&ctx, &feed) => {
                                let gone = report.status == pipeline::FeedStatus::Gone;
                                (report.touched, gone, report.disk)
                            }
                            _ = cancel.cancelled() => {
                                warn!(feed_url = %url, "feed job cancelled at shutdown");
                                (Vec::new(), false, None)
                            }
                        };
                        let _ = tx.send(Event::FeedDone {
                            url,
                            touched,
                            gone,
                            disk,
                        });
                    });
                }
            }
            Err(err) => {
                // A full disk or a locked file may pass; the loop retries, but does not beat.
                healthy = false;
                warn!(error = %Chain(&err), "cannot read the schedule");
            }
        }
        if state.story_round_due() {
            state.start_story_round(&tracker, &events_tx, &cancel);
        }
        state.prune_if_due().await;
        state.count_feeds().await;
        let mut nap = control.heartbeat.period();
        if !waiting {
            match state.ctx.db.next_due_among(state.urls.clone()).await {
                Ok(Some(next)) => {
                    nap = nap.min((next - Utc::now()).to_std().unwrap_or(Duration::ZERO));
                }
                Ok(None) => {}
                Err(err) => {
                    healthy = false;
                    warn!(error = %Chain(&err), "cannot read the schedule");
                }
            }
        }
        if let Some(wake) = state.story_wake() {
            nap = nap.min(wake);
        }
        if let Some(trouble) = &state.disk {
            nap = nap.min(DISK_RETRY.saturating_sub(trouble.failed_at.elapsed()));
        }
        if healthy {
            control.heartbeat.beat();
        }
        tokio::select! {
            biased;
            _ = control.shutdown.cancelled() => break,
            Some(config) = control.reloads.recv() => state.reload(config).await,
            Some(event) = events.recv() => {
                state.handle(event);
                // Take every report that is ready, so a burst costs one pass.
                while let Ok(event) = events.try_recv() {
                    state.handle(event);
                }
            }
            _ = tokio::time::sleep(nap.max(MIN_NAP)) => {}
        }
    }
    tracker.close();
    info!(
        jobs = tracker.len(),
        "shutting down: no new work, waiting for jobs in hand"
    );
    if tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait())
        .await
        .is_err()
    {
        warn!(
            jobs = tracker.len(),
            "jobs still running after the grace period; cancelling them (their feeds are polled again at the next start)"
        );
        cancel.cancel();
        let _ = tokio::time::timeout(CANCEL_WAIT, tracker.wait()).await;
    }
    Ok(())
}

impl Loop {
    fn new(ctx: Context) -> Loop {
        let mut state = Loop {
            ctx,
            feeds: HashMap::new(),
            urls: Vec::new(),
            in_flight: HashSet::new(),
            touched: HashSet::new(),
            touched_since: None,
            stories_running: false,
            stories_wanted: false,
            last_round: Instant::now(),
            last_prune: None,
            gauges_stale: true,
            disk: None,
        };
        state.index_feeds();
        state
    }

    /// Applies `settings.retention` once a day (one transaction on the DB thread).
    async fn prune_if_due(&mut self) {
        let Some(keep) = self.ctx.config.settings.retention else {
            return;
        };
        if self.last_prune.is_some_and(|t| t.elapsed() < PRUNE_EVERY) {
            return;
        }
        self.last_prune = Some(Instant::now());
        let Some(cutoff) = chrono::Duration::from_std(keep)
            .ok()
            .and_then(|keep| Utc::now().checked_sub_signed(keep))
        else {
            return;
        };
        match self.ctx.db.prune(cutoff, false).await {
            Ok(pruned) => info!(
                items = pruned.items,
                articles = pruned.articles,
                "retention: pruned"
            ),
            Err(err) => warn!(error = %Chain(&err), "retention: cannot prune"),
        }
    }

    /// Sets the feed gauges of the metrics, when stale and metrics are on.
    async fn count_feeds(&mut self) {
        if !self.gauges_stale || !self.ctx.metrics.enabled() {
            return;
        }
        match self.ctx.db.gone_among(self.urls.clone()).await {
            Ok(gone) => {
                self.ctx.metrics.feeds(self.urls.len(), gone);
                self.gauges_stale = false;
            }
            Err(err) => warn!(error = %Chain(&err), "metrics: cannot count gone feeds"),
        }
    }

    fn index_feeds(&mut self) {
        self.feeds = self
            .ctx
            .config
            .feeds
            .iter()
            .map(|f| (f.url.to_string(), f.clone()))
            .collect();
        self.urls = self.feeds.keys().cloned().collect();
    }

    /// How many feed jobs may run now: none while a full or read-only database waits out
    /// [`DISK_RETRY`], then one, to probe it; when it is writable, as many as keep every
    /// fetch slot busy while finished jobs wait for their commit.
    fn concurrency(&self) -> usize {
        match &self.disk {
            None => self.ctx.config.settings.concurrency.max(1) * pipeline::JOBS_PER_FETCH_SLOT,
            Some(trouble) if trouble.failed_at.elapsed() < DISK_RETRY => 0,
            Some(_) => 1,
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::FeedDone {
                url,
                touched,
                gone,
                disk,
            } => {
                self.in_flight.remove(&url);
                self.gauges_stale |= gone;
                self.note_disk(disk);
                if !touched.is_empty() {
                    self.touched.extend(touched);
                    self.touched_since.get_or_insert_with(Instant::now);
                }
            }
            Event::StoriesDone { disk } => {
                self.stories_running = false;
                if disk.is_some() {
                    self.note_disk(disk);
                }
            }
        }
    }

    /// Tracks whether the database takes writes, telling the operator once when it stops
    /// (naming the file and why) and once when it takes them again. A feed whose result
    /// was refused is still due, so it is fetched whole and stored after recovery.
    fn note_disk(&mut self, disk: Option<DiskProblem>) {
        let database = self.ctx.config.settings.database.display().to_string();
        match (disk, self.disk.as_ref()) {
            (None, None) => {}
            (None, Some(_)) => {
                self.disk = None;
                info!(database = %database, "database {database} is writable again; storing resumes");
            }
            (Some(problem), trouble) => {
                if trouble.is_none_or(|t| t.problem != problem) {
                    let advice = match problem {
                        DiskProblem::Full => {
                            "free disk space or raise settings.max_db_size (SIGHUP applies it)"
                        }
                        DiskProblem::ReadOnly => "make the file and its file system writable",
                        DiskProblem::Io => "check the disk",
                    };
                    error!(
                        database = %database,
                        %problem,
                        "database {database} cannot be written ({problem}): new results are not stored, \
                         everything stored is kept; {advice}; retrying one feed every {}",
                        humantime::format_duration(DISK_RETRY)
                    );
                }
                self.disk = Some(DiskTrouble {
                    problem,
                    failed_at: Instant::now(),
                });
            }
        }
    }

    /// Whether a story round should start now: one is not running, and items were touched
    /// a debounce ago, a reload asked for one, or a poll interval passed since the last
    /// (matched articles are re-checked for live updates even when no feed changed).
    fn story_round_due(&self) -> bool {
        if self.stories_running || self.ctx.config.stories.is_empty() {
            return false;
        }
        self.stories_wanted
            || self
                .touched_since
                .is_some_and(|t| t.elapsed() >= STORY_DEBOUNCE)
            || self.last_round.elapsed() >= self.ctx.config.settings.poll_interval
    }

    /// How long until [`Self::story_round_due`] may turn true by itself.
    fn story_wake(&self) -> Option<Duration> {
        if self.stories_running || self.ctx.config.stories.is_empty() {
            return None;
        }
        let periodic = self
            .ctx
            .config
            .settings
            .poll_interval
            .saturating_sub(self.last_round.elapsed());
        let debounce = self
            .touched_since
            .map(|t| STORY_DEBOUNCE.saturating_sub(t.elapsed()));
        Some(debounce.map_or(periodic, |d| d.min(periodic)))
    }

    fn start_story_round(
        &mut self,
        tracker: &TaskTracker,
        events: &mpsc::UnboundedSender<Event>,
        cancel: &CancellationToken,
    ) {
        let touched: Vec<i64> = self.touched.drain().collect();
        self.touched_since = None;
        self.stories_wanted = false;
        self.stories_running = true;
        self.last_round = Instant::now();
        let ctx = self.ctx.clone();
        let (events, cancel) = (events.clone(), cancel.clone());
        tracker.spawn(async move {
            debug!(touched = touched.len(), "story round started");
            let mut disk = None;
            tokio::select! {
                result = async {
                    let round = stories::run_round(&ctx, &touched).await?;
                    alert::fire(&ctx.db, &ctx.config, &ctx.fetcher).await;
                    Ok::<_, JobError>(round)
                } => match result {
                    Ok(report) => info!(
                        touched = touched.len(),
                        judged = report.judged,
                        matched = report.matched,
                        articles = report.articles,
                        requested = report.requested,
                        not_asked = report.not_asked,
                        figures = report.figures,
                        "story round done"
                    ),
                    // Items stay in the re-judge window, so the next round retries them.
                    Err(err) => {
                        disk = err.disk_problem();
                        warn!(error = %Chain(&err), "story round failed");
                    }
                },
                _ = cancel.cancelled() => warn!("story round cancelled at shutdown"),
            }
            let _ = events.send(Event::StoriesDone { disk });
        });
    }

    /// Applies a reloaded config: feeds added are due at once, feeds removed leave the
    /// schedule (jobs in hand finish), shortened intervals take effect now, stories are
    /// judged again. What cannot change without a restart is reported and kept.
    async fn reload(&mut self, config: Config) {
        let old = Arc::clone(&self.ctx.config);
        if config.settings.database != old.settings.database {
            warn!(
                database = %old.settings.database.display(),
                "settings.database changed; restart the daemon to use the new database"
            );
        }
        if config.settings.metrics != old.settings.metrics {
            warn!(
                metrics = ?old.settings.metrics,
                "settings.metrics changed; restart the daemon to serve on the new address"
            );
        }
        let options = pipeline::client_options(&config.settings);
        let fetcher = if options == pipeline::client_options(&old.settings) {
            // Keeps the per-host budgets shared with jobs still running, and robots.txt.
            self.ctx.fetcher.clone()
        } else {
            match Fetcher::new(&options) {
                Ok(fetcher) => fetcher,
                Err(err) => {
                    error!(error = %Chain(&err), "reloaded config: cannot build the HTTP client; keeping the old config");
                    return;
                }
            }
        };
        if config.settings.max_db_size != old.settings.max_db_size
            && let Err(err) = self.ctx.db.limit_size(config.settings.max_db_size).await
        {
            warn!(error = %Chain(&err), "reloaded config: cannot apply max_db_size");
        }
        // Whatever was changed outside (space freed, a remount), try the database now.
        if let Some(trouble) = &mut self.disk {
            trouble.failed_at = Instant::now()
                .checked_sub(DISK_RETRY)
                .unwrap_or(trouble.failed_at);
        }
        match self.ctx.db.sync_feeds(pipeline::feed_lines(&config)).await {
            Ok(revived) => pipeline::log_revived(&revived),
            Err(err) => {
                error!(error = %Chain(&err), "reloaded config: cannot register its feeds; keeping the old config");
                return;
            }
        }
        let now = Utc::now();
        for feed in &config.feeds {
            let before = old.feeds.iter().find(|f| f.url == feed.url);
            let Some(before) = before else { continue };
            let (was, is) = (
                interval(&old.settings, before),
                interval(&config.settings, feed),
            );
            if is < was {
                let at = now + chrono::Duration::from_std(is).unwrap_or(chrono::Duration::zero());
                if let Err(err) = self
                    .ctx
                    .db
                    .reschedule_before(feed.url.to_string(), at)
                    .await
                {
                    warn!(feed_url = %feed.url, error = %Chain(&err), "cannot reschedule feed");
                }
            }
        }
        self.ctx = self.ctx.reconfigured(Arc::new(config), fetcher);
        self.index_feeds();
        self.stories_wanted = true;
        self.gauges_stale = true;
        info!(
            feeds = self.urls.len(),
            stories = self.ctx.config.stories.len(),
            "config reloaded"
        );
    }
}

/// A feed's effective interval under `settings`, clamped as the scheduler clamps it.
fn interval(settings: &Settings, feed: &FeedConfig) -> Duration {
    feed.interval.unwrap_or(settings.poll_interval).clamp(
        settings.min_interval,
        settings.max_interval.max(settings.min_interval),
    )
}

/// Pings systemd's watchdog every `timeout / 2` while the loop's last beat is younger than
/// that; a stalled loop stops the pings and systemd restarts the service. Returns when
/// `shutdown` fires.
pub async fn watchdog(heartbeat: Heartbeat, timeout: Duration, shutdown: CancellationToken) {
    let every = (timeout / 2).max(MIN_NAP);
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut stalled = false;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let Some(age) = heartbeat.stalled() else {
            if stalled {
                info!("scheduler progressing again; watchdog pings resumed");
                stalled = false;
            }
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
            continue;
        };
        if !stalled {
            error!(
                stalled_for = %humantime::format_duration(Duration::from_secs(age.as_secs())),
                "scheduler made no progress; withholding the watchdog ping"
            );
            stalled = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_clamped_like_the_scheduler() {
        let settings = Settings {
            min_interval: Duration::from_secs(300),
            max_interval: Duration::from_secs(3600),
            poll_interval: Duration::from_secs(900),
            ..Settings::default()
        };
        let mut feed = FeedConfig {
            url: url::Url::parse("https://a.example/rss").unwrap(),
            name: None,
            interval: None,
        };
        assert_eq!(interval(&settings, &feed), Duration::from_secs(900));
        feed.interval = Some(Duration::from_secs(10));
        assert_eq!(interval(&settings, &feed), Duration::from_secs(300));
        feed.interval = Some(Duration::from_secs(86_400));
        assert_eq!(interval(&settings, &feed), Duration::from_secs(3600));
    }
}
