//! The database thread and its async handle: every async caller reaches SQLite through
//! [`Db`]'s typed methods, which queue work on one thread that owns the connection.
//!
//! One thread runs the calls in order: it stays hot while the queue is full, where a
//! blocking task per call cost two thread hand-offs each and left the async workers
//! contending for a lock. Feed commits arriving close together share one transaction, and
//! new items enter the search index when the thread is idle, so neither a commit nor a
//! search pays for the other.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tracing::{debug, warn};

use super::{
    Baseline, Checkpointer, FeedCommit, FetchRecord, FigureWrite, GroupMember, ItemFilter,
    MatchFilter, MatchWrite, Pruned, Result, SavedItem, Store, StoreError,
};
use crate::chain::Chain;
use crate::extract::page::PageVersion;
use crate::model::{
    Article, ArticleFailure, FeedLine, FeedState, FigureRow, Item, ItemKey, MatchRow,
    StoredArticle, StoredItem, Verdict,
};

/// Most feed commits grouped in one transaction.
const MAX_BATCH: usize = 64;

/// Least time between the starts of two feed transactions; commits arriving meanwhile
/// wait and share the next one. Each transaction costs a search-index segment (merged
/// later) and rewrites the upper pages of every index; feeds finishing a few at a time made
/// three-feed transactions, and those fixed costs were a fifth of a cold poll's CPU. The
/// window counts from the previous start, not from the first waiting commit: when writing
/// takes longer than the window, the commits queued meanwhile go at once, and the thread
/// never idles while feeds wait.
const BATCH_WINDOW: Duration = Duration::from_millis(15);

/// Items added to the search index per idle step: a call arriving meanwhile waits a few
/// milliseconds, and the index gets a handful of segments per poll, not one per commit.
const INDEX_SLICE: usize = 2_000;

/// How long the database thread waits without a message before it indexes queued items.
/// Feed commits come more often than this during a poll, so the indexing waits for the
/// poll's feeds to be stored and then runs beside the judging, which only reads.
const INDEX_IDLE: Duration = Duration::from_millis(20);

/// A store call queued for the database thread; it reports its result itself.
type Call = Box<dyn FnOnce(&mut Store) + Send>;

/// What the database thread is asked to do.
enum Msg {
    /// Run one call.
    Call(Call),
    /// Store one feed's fetch; commits already queued behind it share its transaction.
    Commit(FeedWrite),
}

/// One feed's fetch waiting to be stored, with where to send the result.
struct FeedWrite {
    feed_id: i64,
    record: FetchRecord,
    items: Vec<Item>,
    keys: Vec<ItemKey>,
    reply: tokio::sync::oneshot::Sender<Result<Vec<SavedItem>>>,
}

/// A cloneable handle to the database thread; the thread ends when the last clone is dropped.
#[derive(Clone)]
pub struct Db {
    calls: mpsc::Sender<Msg>,
    /// The database file, for messages that must name it.
    path: PathBuf,
}

impl Db {
    /// Starts the database thread over `store`, checkpointing the WAL on a connection of
    /// its own where it can.
    pub fn start(mut store: Store) -> Result<Db> {
        // Without it the writer checkpoints itself, as SQLite does by default: slower, not wrong.
        let checkpointer = store.checkpoint_in_background().unwrap_or_else(|err| {
            warn!(error = %Chain(&err), "cannot checkpoint in the background");
            None
        });
        let path = store.path().to_path_buf();
        let (tx, rx) = mpsc::channel::<Msg>();
        std::thread::Builder::new()
            .name("followup-db".into())
            .spawn(move || serve(store, checkpointer, &rx))
            .map_err(|source| StoreError::Thread {
                path: path.clone(),
                source,
            })?;
        Ok(Db { calls: tx, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the database thread and waits for its answer.
    async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let call: Call = Box::new(move |store| {
            let _ = reply.send(f(store));
        });
        self.calls
            .send(Msg::Call(call))
            .map_err(|_| self.stopped("the database thread has stopped"))?;
        answer
            .await
            .map_err(|_| self.stopped("a database call panicked"))?
    }

    fn stopped(&self, why: &'static str) -> StoreError {
        StoreError::Stopped {
            path: self.path.clone(),
            why,
        }
    }

    /// Stores one feed's fetch, in a transaction shared with the other feeds ready at the
    /// same moment (a failing feed still rolls back alone).
    pub async fn commit_feed(
        &self,
        feed_id: i64,
        record: FetchRecord,
        items: Vec<Item>,
        keys: Vec<ItemKey>,
    ) -> Result<Vec<SavedItem>> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.calls
            .send(Msg::Commit(FeedWrite {
                feed_id,
                record,
                items,
                keys,
                reply,
            }))
            .map_err(|_| self.stopped("the database thread has stopped"))?;
        answer
            .await
            .map_err(|_| self.stopped("a database call panicked"))?
    }

    /// Registers the configured feeds (see [`Store::sync_feeds`]); returns the revived URLs.
    pub async fn sync_feeds(&self, lines: Vec<FeedLine>) -> Result<Vec<String>> {
        self.call(move |s| s.sync_feeds(&lines)).await
    }

    /// Registers the configured feeds and reads every feed's state, in one call.
    pub async fn sync_and_read_feeds(
        &self,
        lines: Vec<FeedLine>,
    ) -> Result<(Vec<String>, Vec<FeedState>)> {
        self.call(move |s| Ok((s.sync_feeds(&lines)?, s.feeds()?)))
            .await
    }

    /// One feed's state, registering its line first when it has no row yet.
    pub async fn feed_state(&self, line: FeedLine) -> Result<FeedState> {
        self.call(move |s| match s.feed(&line.url)? {
            Some(state) => Ok(state),
            None => {
                s.sync_feeds(std::slice::from_ref(&line))?;
                Ok(s.feed(&line.url)?.unwrap_or_default())
            }
        })
        .await
    }

    /// URLs among `urls` due at `now`, soonest first, at most `limit`.
    pub async fn due_among(
        &self,
        urls: Vec<String>,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<String>> {
        self.call(move |s| s.due_among(&urls, now, limit)).await
    }

    /// The earliest scheduled fetch among the live feeds in `urls`.
    pub async fn next_due_among(&self, urls: Vec<String>) -> Result<Option<DateTime<Utc>>> {
        self.call(move |s| s.next_due_among(&urls)).await
    }

    /// How many feeds among `urls` are marked gone.
    pub async fn gone_among(&self, urls: Vec<String>) -> Result<usize> {
        self.call(move |s| s.gone_among(&urls)).await
    }

    /// Pulls a healthy feed's next fetch forward to `at` (see [`Store::reschedule_before`]).
    pub async fn reschedule_before(&self, url: String, at: DateTime<Utc>) -> Result<()> {
        self.call(move |s| s.reschedule_before(&url, at)).await
    }

    /// Caps the file at `max` bytes (see [`Store::limit_size`]).
    pub async fn limit_size(&self, max: Option<u64>) -> Result<()> {
        self.call(move |s| s.limit_size(max)).await
    }

    /// Removes old unmatched items and unneeded article text (see [`Store::prune`]).
    pub async fn prune(&self, cutoff: DateTime<Utc>, dry_run: bool) -> Result<Pruned> {
        self.call(move |s| s.prune(cutoff, dry_run)).await
    }

    /// Indexes every item still queued for search, so a search right after finds them.
    pub async fn index_all_pending(&self) -> Result<()> {
        self.call(|s| {
            while s.index_pending(INDEX_SLICE)? {}
            Ok(())
        })
        .await
    }

    /// The last story round, the newest item id now, and how many items are stored.
    pub async fn round_marks(&self) -> Result<(Option<super::StoryRound>, i64, i64)> {
        self.call(|s| Ok((s.last_story_round()?, s.last_item_id()?, s.item_count()?)))
            .await
    }

    /// Records a finished story round (see [`Store::save_story_round`]).
    pub async fn save_story_round(
        &self,
        round: super::StoryRound,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.call(move |s| s.save_story_round(&round, at)).await
    }

    /// Ids of items a round judges, ascending: those after `after` (every item first seen
    /// since `recent_from` when `None`, and those too when given), plus `also`.
    pub async fn item_ids_to_judge(
        &self,
        after: Option<i64>,
        recent_from: DateTime<Utc>,
        also: Vec<i64>,
    ) -> Result<Vec<i64>> {
        self.call(move |s| {
            let mut ids = match after {
                Some(after) => s.item_ids_after(after, recent_from)?,
                None => s.item_ids_first_seen_since(recent_from)?,
            };
            ids.extend(also);
            ids.sort_unstable();
            ids.dedup();
            Ok(ids)
        })
        .await
    }

    /// The items with the given ascending ids, read as one range.
    pub async fn items_among(&self, ids: Vec<i64>) -> Result<Vec<StoredItem>> {
        self.call(move |s| s.items_among(&ids)).await
    }

    /// Stored items, newest first (see [`Store::items`]).
    pub async fn items(&self, filter: ItemFilter) -> Result<Vec<StoredItem>> {
        self.call(move |s| s.items(&filter)).await
    }

    /// Folds the most recent `limit` item texts into `acc` on the database thread, one row
    /// at a time, so the background corpus is never held in memory at once.
    pub async fn fold_background<A, F>(&self, limit: usize, acc: A, mut f: F) -> Result<A>
    where
        A: Send + 'static,
        F: FnMut(&mut A, &str) + Send + 'static,
    {
        self.call(move |s| {
            let mut acc = acc;
            s.each_background_text(limit, |text| f(&mut acc, text))?;
            Ok(acc)
        })
        .await
    }

    /// Each story's matched item ids.
    pub async fn matched_items(
        &self,
        stories: Vec<String>,
    ) -> Result<HashMap<String, HashSet<i64>>> {
        self.call(move |s| {
            stories
                .into_iter()
                .map(|story| Ok((story.clone(), s.matched_items(&story)?)))
                .collect()
        })
        .await
    }

    /// A story's matched items first seen since `since` (their pages are re-checked).
    pub async fn matched_items_since(
        &self,
        story: String,
        since: DateTime<Utc>,
    ) -> Result<Vec<StoredItem>> {
        self.call(move |s| s.matched_items_since(&story, since))
            .await
    }

    /// People's verdicts on a story's items, by URL.
    pub async fn verdicts(&self, story: String) -> Result<HashMap<String, Verdict>> {
        self.call(move |s| s.verdicts(&story)).await
    }

    /// The news clock at `now` (see [`Store::news_clock`]).
    pub async fn news_clock(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        self.call(move |s| s.news_clock(now)).await
    }

    /// Each of `urls`' first and last fetch on the news clock (see [`Store::recheck_marks`]).
    pub async fn recheck_marks(&self, urls: Vec<String>) -> Result<super::RecheckMarks> {
        self.call(move |s| s.recheck_marks(&urls)).await
    }

    /// Records that `urls` were fetched at news-clock time `at`.
    pub async fn mark_rechecked(&self, urls: Vec<String>, at: DateTime<Utc>) -> Result<()> {
        self.call(move |s| s.mark_rechecked(&urls, at)).await
    }

    /// The stored articles among `urls`, by URL.
    pub async fn articles(&self, urls: Vec<String>) -> Result<HashMap<String, StoredArticle>> {
        self.call(move |s| s.articles(&urls)).await
    }

    /// Stores a fetched page version and returns the stored article and whether the version
    /// is new (see [`Store::save_article`]).
    pub async fn save_article(
        &self,
        url: String,
        page: PageVersion,
        validators: (Option<String>, Option<String>),
        at: DateTime<Utc>,
    ) -> Result<(Option<StoredArticle>, bool)> {
        self.call(move |s| {
            let (etag, last_modified) = validators;
            let changed = s.save_article(
                &super::ArticleVersion {
                    url: &url,
                    page: &page,
                    etag: etag.as_deref(),
                    last_modified: last_modified.as_deref(),
                },
                at,
            )?;
            Ok((s.article(&url)?, changed))
        })
        .await
    }

    /// Notes a re-check that found nothing new (`error` is `None`) or failed.
    pub async fn article_checked(
        &self,
        url: String,
        error: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.call(move |s| s.article_checked(&url, error.as_deref(), at))
            .await
    }

    /// Remembered fetch failures among `urls` (see [`Store::article_failures`]).
    pub async fn article_failures(
        &self,
        urls: Vec<String>,
    ) -> Result<HashMap<String, ArticleFailure>> {
        self.call(move |s| s.article_failures(&urls)).await
    }

    /// Remembers a failed article fetch (see [`Store::save_article_failure`]).
    pub async fn save_article_failure(
        &self,
        url: String,
        cause: String,
        retry_at: impl FnOnce(u32) -> Option<DateTime<Utc>> + Send + 'static,
        at: DateTime<Utc>,
    ) -> Result<u32> {
        self.call(move |s| s.save_article_failure(&url, &cause, retry_at, at))
            .await
    }

    /// Forgets an article's failures after a fetch.
    pub async fn clear_article_failure(&self, url: String) -> Result<()> {
        self.call(move |s| s.clear_article_failure(&url)).await
    }

    /// Items whose article is due a retry (see [`Store::items_due_retry`]).
    pub async fn items_due_retry(&self, now: DateTime<Utc>) -> Result<Vec<i64>> {
        self.call(move |s| s.items_due_retry(now)).await
    }

    /// A story's matches as near-duplicate grouping needs them.
    pub async fn group_members(&self, story: String) -> Result<Vec<GroupMember>> {
        self.call(move |s| s.group_members(&story)).await
    }

    /// Stores a round's matches and their figures in one transaction; returns how many
    /// figures were new.
    pub async fn save_matches(&self, rows: Vec<MatchWrite>, at: DateTime<Utc>) -> Result<usize> {
        self.call(move |s| s.save_matches(&rows, at)).await
    }

    /// Removes a match.
    pub async fn delete_match(&self, story: String, item_id: i64) -> Result<()> {
        self.call(move |s| s.delete_match(&story, item_id)).await
    }

    /// Stores the figures of a page version for `story`; returns how many were new.
    pub async fn save_figures(
        &self,
        story: String,
        write: FigureWrite,
        at: DateTime<Utc>,
    ) -> Result<usize> {
        self.call(move |s| s.save_figures(&story, &write, false, at))
            .await
    }

    /// Replaces a story's baseline figures with `write`'s.
    pub async fn replace_baseline_figures(
        &self,
        story: String,
        write: FigureWrite,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.call(move |s| {
            s.clear_baseline_observations(&story)?;
            s.save_figures(&story, &write, true, at).map(drop)
        })
        .await
    }

    /// The stored baseline of a story.
    pub async fn baseline(&self, story: String) -> Result<Option<Baseline>> {
        self.call(move |s| s.baseline(&story)).await
    }

    /// Stores a story's baseline article, read from `source`.
    pub async fn save_baseline(
        &self,
        story: String,
        source: String,
        article: Article,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.call(move |s| s.save_baseline(&story, &source, &article, at))
            .await
    }

    /// Every observation of a story (see [`Store::observations`]).
    pub async fn observations(&self, story: String) -> Result<Vec<FigureRow>> {
        self.call(move |s| s.observations(&story)).await
    }

    /// Stored matches (see [`Store::matches`]).
    pub async fn matches(&self, filter: MatchFilter) -> Result<Vec<MatchRow>> {
        self.call(move |s| s.matches(&filter)).await
    }

    /// What a story's alert channel announced: key → value.
    pub async fn announced(
        &self,
        story: String,
        channel: &'static str,
    ) -> Result<HashMap<String, String>> {
        self.call(move |s| s.announced(&story, channel)).await
    }

    /// Records that a channel announced `value` under `key`.
    pub async fn mark_announced(
        &self,
        story: String,
        channel: &'static str,
        key: String,
        value: String,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.call(move |s| s.mark_announced(&story, channel, &key, &value, at))
            .await
    }
}

/// The database thread's loop: calls in order, feed commits in batches, and search
/// indexing while idle. Ends when every [`Db`] clone is gone.
fn serve(mut store: Store, checkpointer: Option<Checkpointer>, rx: &mpsc::Receiver<Msg>) {
    let mut last_began: Option<Instant> = None;
    // An earlier run may have left items queued for the search index.
    let mut unindexed = true;
    loop {
        let next = if unindexed {
            rx.recv_timeout(INDEX_IDLE)
        } else {
            rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        };
        match next {
            Ok(Msg::Call(call)) => run_call(&mut store, call),
            Ok(Msg::Commit(first)) => {
                let batch = gather(&mut store, rx, first, last_began);
                last_began = Some(Instant::now());
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    write_batch(&mut store, batch)
                }));
                unindexed = true;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                unindexed = index_step(&mut store, INDEX_SLICE);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some(checkpointer) = &checkpointer {
            checkpointer.nudge();
        }
    }
}

/// The feed commits that share `first`'s transaction: those arriving within the batch
/// window. Calls arriving meanwhile run at once, outside the transaction: no caller waits
/// on a commit it has not been answered for, so none needs them to see the batch.
fn gather(
    store: &mut Store,
    rx: &mpsc::Receiver<Msg>,
    first: FeedWrite,
    last_began: Option<Instant>,
) -> Vec<FeedWrite> {
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
            Ok(Msg::Commit(write)) => batch.push(write),
            Ok(Msg::Call(call)) => run_call(store, call),
            Err(()) => break,
        }
    }
    batch
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
            warn!(error = %Chain(&err), "cannot index new items for search; they stay queued");
            false
        }
    }
}

/// Runs one store call. A panicking call drops its reply channel, which its caller sees as
/// an error; the thread lives on for the other jobs.
fn run_call(store: &mut Store, call: Call) {
    // A call ends a run of feed commits: it sees the indexes a bulk load set aside.
    store.end_load();
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
