//! The `feeds` table: configured feeds, their schedule and health, and the per-feed commit
//! that writes a fetch's outcome and its items in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::items::{ItemChange, SavedItem};
use super::{Context, Result, Store, StoreError, parse_ts, ts, ts_opt};
use crate::model::{FeedLine, FeedState, Item, ItemKey};

/// What one fetch of a feed did, to be written on its row.
#[derive(Debug, Clone, Default)]
pub struct FetchRecord {
    /// When the fetch finished.
    pub at: DateTime<Utc>,
    /// HTTP status, if a response came back.
    pub status: Option<u16>,
    /// Why it failed; `None` for a success (including 304).
    pub error: Option<String>,
    /// New ETag to send next time (kept as is when `None`).
    pub etag: Option<String>,
    /// New Last-Modified to send next time (kept as is when `None`).
    pub last_modified: Option<String>,
    /// Where a permanent redirect moved the feed.
    pub fetch_url: Option<String>,
    /// The server said 410 Gone.
    pub gone: bool,
    /// When to fetch next.
    pub next_fetch: DateTime<Utc>,
    /// The feed's own title, when the fetch read one (kept as is when `None`).
    pub title: Option<String>,
}

const FEED_COLUMNS: &str = "f.id, f.url, f.name, f.fetch_url, f.etag, f.last_modified, \
     f.last_fetch, f.last_status, f.last_error, f.error_count, f.failing_since, \
     (SELECT COUNT(*) FROM items i WHERE i.feed_id = f.id), f.next_fetch, f.gone, \
     f.last_new_item, f.title";

fn feed_from_row(row: &rusqlite::Row) -> rusqlite::Result<FeedState> {
    Ok(FeedState {
        id: row.get(0)?,
        url: row.get(1)?,
        name: row.get(2)?,
        fetch_url: row.get(3)?,
        etag: row.get(4)?,
        last_modified: row.get(5)?,
        last_fetch: parse_ts(row.get(6)?),
        last_status: row.get(7)?,
        last_error: row.get(8)?,
        error_count: row.get(9)?,
        failing_since: parse_ts(row.get(10)?),
        items: row.get(11)?,
        next_fetch: parse_ts(row.get(12)?),
        gone: row.get(13)?,
        last_new_item: parse_ts(row.get(14)?),
        title: row.get(15)?,
    })
}

impl Store {
    /// Makes sure every configured feed has a row, and keeps names current. Rows of feeds no
    /// longer configured stay (their items are history) but are not scheduled. A feed marked
    /// gone whose config line changed since the last sync is revived: gone mark, error
    /// backoff and redirect target cleared, due at once. Returns the revived URLs.
    pub fn sync_feeds(&mut self, feeds: &[FeedLine]) -> Result<Vec<String>> {
        // An edited config line is the operator's answer to "gone: not polled again until
        // its config line is edited": the feed starts afresh from its configured URL.
        const REVIVE: &str = "UPDATE feeds SET gone = 0, error_count = 0, failing_since = NULL,
                 last_error = NULL, next_fetch = NULL, fetch_url = NULL
             WHERE url = ?1 AND gone = 1 AND config IS NOT NULL AND config <> ?2";
        const UPSERT: &str = "INSERT INTO feeds (url, name, config) VALUES (?1, ?2, ?3)
             ON CONFLICT (url) DO UPDATE SET name = excluded.name, config = excluded.config";
        let tx = self.conn.transaction().what(|| "begin sync feeds".into())?;
        let mut revived = Vec::new();
        {
            let mut revive = tx.prepare_cached(REVIVE).what(|| REVIVE.into())?;
            let mut upsert = tx.prepare_cached(UPSERT).what(|| UPSERT.into())?;
            for feed in feeds {
                let config = &feed.fingerprint;
                if revive
                    .execute(params![feed.url, config])
                    .what(|| format!("revive feed {}", feed.url))?
                    > 0
                {
                    revived.push(feed.url.clone());
                }
                upsert
                    .execute(params![feed.url, feed.name, config])
                    .what(|| format!("register feed {}", feed.url))?;
            }
        }
        tx.commit().what(|| "commit sync feeds".into())?;
        Ok(revived)
    }

    /// The stored state of the feed configured at `url`.
    pub fn feed(&self, url: &str) -> Result<Option<FeedState>> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feeds f WHERE f.url = ?1");
        self.conn
            .query_row(&sql, [url], feed_from_row)
            .optional()
            .what(|| format!("read feed {url}"))
    }

    /// Every stored feed, in configuration-independent URL order.
    pub fn feeds(&self) -> Result<Vec<FeedState>> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feeds f ORDER BY f.url");
        let mut stmt = self.conn.prepare(&sql).what(|| sql.clone())?;
        let rows = stmt
            .query_map([], feed_from_row)
            .what(|| "list feeds".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list feeds".into())
    }

    /// URLs of the feeds due at `now` (never fetched first), soonest first, at most `limit`.
    pub fn due_feeds(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<String>> {
        const SQL: &str = "SELECT url FROM feeds
             WHERE gone = 0 AND (next_fetch IS NULL OR next_fetch <= ?1)
             ORDER BY next_fetch IS NOT NULL, next_fetch LIMIT ?2";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![ts(now), limit], |row| row.get(0))
            .what(|| "list due feeds".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list due feeds".into())
    }

    /// The earliest scheduled fetch among live feeds, to know how long the daemon may sleep.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>> {
        const SQL: &str = "SELECT MIN(next_fetch) FROM feeds WHERE gone = 0";
        self.conn
            .query_row(SQL, [], |row| row.get(0))
            .map(parse_ts)
            .what(|| "read next due feed".into())
    }

    /// Writes a fetch's outcome and its items in one transaction, so a crash leaves either
    /// the whole round of this feed or none of it.
    pub fn commit_feed(
        &mut self,
        feed_id: i64,
        record: &FetchRecord,
        items: &[Item],
    ) -> Result<Vec<SavedItem>> {
        self.commit_feeds(&[FeedCommit {
            feed_id,
            record,
            items,
            keys: &[],
        }])
        .pop()
        .unwrap_or_else(|| Ok(Vec::new()))
    }

    /// Writes several fetches in one transaction: a feed that fails rolls back alone, and
    /// the batch costs one commit (one WAL append, one full-text segment) instead of one per
    /// feed. One result per feed, in order; when the final commit fails, every feed gets
    /// that error.
    pub fn commit_feeds(&mut self, batch: &[FeedCommit]) -> Vec<Result<Vec<SavedItem>>> {
        // A savepoint per feed copies every page a feed touches first into the
        // sub-journal: a tenth of the database thread's time in a cold poll. Feeds almost
        // never fail alone, so the batch is first written without them, and only a batch
        // in which a feed failed is written again, each feed inside its own savepoint.
        self.before_load(batch.iter().map(|f| f.items.len()).sum());
        let attempt = match self.write_feeds(batch, false) {
            Err(Attempt::OneFailed(_)) => self.write_feeds(batch, true),
            other => other,
        };
        match attempt {
            Ok(results) => {
                self.after_load(
                    results
                        .iter()
                        .flatten()
                        .flatten()
                        .filter(|s| s.change == ItemChange::New)
                        .count(),
                );
                results
            }
            // Only an attempt without savepoints stops at one feed's failure.
            Err(Attempt::AllFailed(err) | Attempt::OneFailed(err)) => {
                batch.iter().map(|_| Err(err.again())).collect()
            }
        }
    }

    /// One attempt at [`Store::commit_feeds`]; without savepoints a failing feed gives up
    /// the whole attempt (rolled back) with [`Attempt::OneFailed`].
    fn write_feeds(
        &mut self,
        batch: &[FeedCommit],
        savepoints: bool,
    ) -> std::result::Result<Vec<Result<Vec<SavedItem>>>, Attempt> {
        let mut tx = self
            .conn
            .transaction()
            .what(|| "begin feed commit".into())
            .map_err(Attempt::AllFailed)?;
        let mut results = Vec::with_capacity(batch.len());
        for feed in batch {
            let result = if savepoints {
                commit_one(&mut tx, feed)
            } else {
                write_one(&tx, feed)
            };
            if let Err(err) = &result {
                if tx.is_autocommit() {
                    // SQLite rolled the whole transaction back (a full disk does): no feed
                    // of the batch is stored, and the rest must not run outside a transaction.
                    return Err(Attempt::AllFailed(err.again()));
                }
                if !savepoints {
                    return Err(Attempt::OneFailed(err.again()));
                }
            }
            results.push(result);
        }
        let new: Vec<i64> = results
            .iter()
            .flatten()
            .flatten()
            .filter(|s| s.change == ItemChange::New)
            .map(|s| s.id)
            .collect();
        super::items::queue_new(&tx, &new).map_err(Attempt::AllFailed)?;
        if let Err(source) = tx.commit() {
            let ids: Vec<String> = batch.iter().map(|f| f.feed_id.to_string()).collect();
            return Err(Attempt::AllFailed(StoreError::Sql {
                what: format!("commit feeds {}", ids.join(", ")),
                source,
            }));
        }
        Ok(results)
    }
}

/// Why an attempt at writing a batch of feeds stopped.
enum Attempt {
    /// One feed failed with this error; without savepoints the attempt was rolled back whole.
    OneFailed(StoreError),
    /// Every feed of the batch gets this error.
    AllFailed(StoreError),
}

/// One feed's fetch to store: its row id, the fetch's outcome and the items read.
#[derive(Debug, Clone, Copy)]
pub struct FeedCommit<'a> {
    /// Row id in `feeds`.
    pub feed_id: i64,
    /// What the fetch did.
    pub record: &'a FetchRecord,
    /// The items the feed carried (none for a 304 or a failure).
    pub items: &'a [Item],
    /// Their [`Item::key`]s in the same order, or empty to have the store compute them.
    pub keys: &'a [ItemKey],
}

/// Stores one feed of a batch inside a savepoint, rolled back alone when it fails.
fn commit_one(tx: &mut rusqlite::Transaction, feed: &FeedCommit) -> Result<Vec<SavedItem>> {
    let id = feed.feed_id;
    let sp = tx
        .savepoint()
        .what(|| format!("begin commit of feed {id}"))?;
    let saved = write_one(&sp, feed)?;
    sp.commit().what(|| format!("commit feed {id}"))?;
    Ok(saved)
}

/// Writes one feed's items and fetch record inside the caller's transaction.
fn write_one(tx: &rusqlite::Connection, feed: &FeedCommit) -> Result<Vec<SavedItem>> {
    let saved = super::items::upsert(tx, feed.feed_id, feed.items, feed.keys, feed.record.at)?;
    write_record(
        tx,
        feed.feed_id,
        feed.record,
        saved.iter().any(|s| s.change == ItemChange::New),
    )?;
    Ok(saved)
}

fn write_record(
    tx: &rusqlite::Connection,
    feed_id: i64,
    record: &FetchRecord,
    published_new: bool,
) -> Result<()> {
    const OK: &str = "UPDATE feeds SET
            last_fetch = ?2, last_status = ?3, last_error = NULL, error_count = 0,
            failing_since = NULL, last_success = ?2,
            etag = COALESCE(?4, etag), last_modified = COALESCE(?5, last_modified),
            fetch_url = COALESCE(?6, fetch_url), next_fetch = ?7,
            last_new_item = CASE WHEN ?8 THEN ?2 ELSE last_new_item END,
            title = COALESCE(?9, title)
         WHERE id = ?1";
    const FAILED: &str = "UPDATE feeds SET
            last_fetch = ?2, last_status = ?3, last_error = ?4, error_count = error_count + 1,
            failing_since = COALESCE(failing_since, ?2),
            fetch_url = COALESCE(?5, fetch_url), next_fetch = ?6, gone = ?7
         WHERE id = ?1";
    let at = ts(record.at);
    let status = record.status.map(i64::from);
    match &record.error {
        None => tx
            .prepare_cached(OK)
            .and_then(|mut s| {
                s.execute(params![
                    feed_id,
                    at,
                    status,
                    record.etag,
                    record.last_modified,
                    record.fetch_url,
                    ts(record.next_fetch),
                    published_new,
                    record.title
                ])
            })
            .what(|| format!("record fetch of feed {feed_id}"))?,
        Some(error) => tx
            .prepare_cached(FAILED)
            .and_then(|mut s| {
                s.execute(params![
                    feed_id,
                    at,
                    status,
                    error,
                    record.fetch_url,
                    ts_opt(Some(record.next_fetch)),
                    record.gone
                ])
            })
            .what(|| format!("record failed fetch of feed {feed_id}"))?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{feed_line, feed_line_with};
    use chrono::TimeZone;

    fn feed(url: &str) -> FeedLine {
        feed_line(url, Some("Test"))
    }

    #[test]
    fn an_edited_config_line_revives_a_gone_feed_and_nothing_else_does() {
        let mut store = Store::memory().unwrap();
        let url = "https://a.example/rss";
        assert!(store.sync_feeds(&[feed(url)]).unwrap().is_empty());
        let id = store.feed(url).unwrap().unwrap().id;
        let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let gone = FetchRecord {
            at,
            status: Some(410),
            error: Some("gone".into()),
            fetch_url: Some("https://b.example/rss".into()),
            gone: true,
            next_fetch: at + chrono::Duration::hours(8),
            ..Default::default()
        };
        store.commit_feed(id, &gone, &[]).unwrap();
        store.commit_feed(id, &gone, &[]).unwrap();
        // The same line again (a restart, a reload) keeps it gone.
        assert!(store.sync_feeds(&[feed(url)]).unwrap().is_empty());
        let state = store.feed(url).unwrap().unwrap();
        assert!(state.gone && state.error_count == 2);

        let edited = feed_line_with(url, Some("Test"), "interval 1h");
        assert_eq!(
            store.sync_feeds(std::slice::from_ref(&edited)).unwrap(),
            vec![url]
        );
        let state = store.feed(url).unwrap().unwrap();
        assert!(!state.gone, "{state:?}");
        assert_eq!(state.error_count, 0);
        assert_eq!(state.failing_since, None);
        assert_eq!(state.last_error, None);
        assert_eq!(state.fetch_url, None);
        assert_eq!(state.next_fetch, None);
        assert_eq!(state.last_status, Some(410));
        assert_eq!(store.due_feeds(at, 10).unwrap(), vec![url]);
        // Once revived, syncing the edited line again changes nothing.
        assert!(store.sync_feeds(&[edited]).unwrap().is_empty());
    }

    #[test]
    fn a_healthy_or_unrecorded_feed_is_not_rescheduled_by_an_edit() {
        let mut store = Store::memory().unwrap();
        let url = "https://a.example/rss";
        store.sync_feeds(&[feed(url)]).unwrap();
        let id = store.feed(url).unwrap().unwrap().id;
        let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let limited = FetchRecord {
            at,
            status: Some(429),
            error: Some("rate limited".into()),
            next_fetch: at + chrono::Duration::hours(2),
            ..Default::default()
        };
        store.commit_feed(id, &limited, &[]).unwrap();
        let renamed = feed_line(url, Some("Renamed"));
        assert!(store.sync_feeds(&[renamed]).unwrap().is_empty());
        let state = store.feed(url).unwrap().unwrap();
        // A server's Retry-After is not bypassed by a config edit.
        assert_eq!(state.error_count, 1);
        assert_eq!(state.next_fetch, Some(at + chrono::Duration::hours(2)));

        // A gone row synced before the config column existed is only recorded, not revived.
        store
            .commit_feed(
                id,
                &FetchRecord {
                    gone: true,
                    ..limited
                },
                &[],
            )
            .unwrap();
        store
            .conn
            .execute("UPDATE feeds SET config = NULL", [])
            .unwrap();
        assert!(store.sync_feeds(&[feed(url)]).unwrap().is_empty());
        assert!(store.feed(url).unwrap().unwrap().gone);
    }

    #[test]
    fn failures_count_up_and_reset_on_success() {
        let mut store = Store::memory().unwrap();
        store.sync_feeds(&[feed("https://a.example/rss")]).unwrap();
        let id = store.feed("https://a.example/rss").unwrap().unwrap().id;
        let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let failed = FetchRecord {
            at,
            status: Some(500),
            error: Some("server error".into()),
            next_fetch: at,
            ..Default::default()
        };
        store.commit_feed(id, &failed, &[]).unwrap();
        store.commit_feed(id, &failed, &[]).unwrap();
        let state = store.feed("https://a.example/rss").unwrap().unwrap();
        assert_eq!(state.error_count, 2);
        assert_eq!(state.last_error.as_deref(), Some("server error"));
        let ok = FetchRecord {
            at,
            status: Some(200),
            etag: Some("\"v1\"".into()),
            next_fetch: at,
            ..Default::default()
        };
        store.commit_feed(id, &ok, &[]).unwrap();
        let state = store.feed("https://a.example/rss").unwrap().unwrap();
        assert_eq!(state.error_count, 0);
        assert_eq!(state.last_error, None);
        assert_eq!(state.etag.as_deref(), Some("\"v1\""));
    }

    #[test]
    fn a_failing_feed_in_a_batch_rolls_back_alone() {
        let mut store = Store::memory().unwrap();
        store
            .sync_feeds(&[feed("https://a.example/1"), feed("https://a.example/2")])
            .unwrap();
        let one = store.feed("https://a.example/1").unwrap().unwrap().id;
        let two = store.feed("https://a.example/2").unwrap().unwrap().id;
        let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let record = FetchRecord {
            at,
            status: Some(200),
            etag: Some("\"e\"".into()),
            next_fetch: at,
            ..Default::default()
        };
        let item = |guid: &str| Item {
            guid: Some(guid.into()),
            title: format!("Item {guid}"),
            ..Default::default()
        };
        let items = [item("a"), item("b")];
        // No feed has this id: its items break the foreign key once the first is written.
        let results = store.commit_feeds(&[
            FeedCommit {
                feed_id: one,
                record: &record,
                items: &items,
                keys: &[],
            },
            FeedCommit {
                feed_id: 999,
                record: &record,
                items: &items,
                keys: &[],
            },
            FeedCommit {
                feed_id: two,
                record: &record,
                items: &items[..1],
                keys: &[],
            },
        ]);
        assert_eq!(results.len(), 3);
        assert_eq!(results[0].as_ref().unwrap().len(), 2);
        assert!(results[1].is_err());
        assert_eq!(results[2].as_ref().unwrap().len(), 1);
        assert_eq!(store.item_count().unwrap(), 3);
        let state = store.feed("https://a.example/2").unwrap().unwrap();
        assert_eq!(state.etag.as_deref(), Some("\"e\""));
        assert_eq!(state.items, 1);
    }

    #[test]
    fn due_feeds_come_soonest_first() {
        let mut store = Store::memory().unwrap();
        store
            .sync_feeds(&[feed("https://a.example/1"), feed("https://a.example/2")])
            .unwrap();
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let id = store.feed("https://a.example/1").unwrap().unwrap().id;
        let later = FetchRecord {
            at: now,
            status: Some(200),
            next_fetch: now + chrono::Duration::hours(1),
            ..Default::default()
        };
        store.commit_feed(id, &later, &[]).unwrap();
        assert_eq!(
            store.due_feeds(now, 10).unwrap(),
            vec!["https://a.example/2"]
        );
        let both = store
            .due_feeds(now + chrono::Duration::hours(2), 10)
            .unwrap();
        assert_eq!(both.len(), 2);
    }
}
