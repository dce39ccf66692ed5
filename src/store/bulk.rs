//! Bulk loads of items: the indexes whose keys arrive out of order are set aside while a
//! load at least doubles the stored items, and built once when it ends.
//!
//! A first poll of many feeds stores days of news at once. Their dates land all over the
//! time-ordered indexes, and once those outgrow what one transaction inserts, every item
//! rewrites a page of each (to the log, then again at the checkpoint): at 10,000 feeds,
//! storing the items cost 13 times what it cost at 1,000 feeds. Building an index once from
//! sorted rows costs a fraction of that. Only a load that at least doubles the items
//! qualifies, so rebuilds add up to at most about twice the items ever stored.
//!
//! A load is a run of feed commits with no other call between them; the first call after
//! it builds the indexes again, before it runs, so every query the database thread answers
//! has them. Queries are right without them, only slower (a reader in another process
//! during the load). The statements that build them are kept in `deferred_indexes`, written
//! in the transaction that drops them: a process killed during a load builds them at its
//! next open.

use rusqlite::{OptionalExtension, params};
use tracing::{debug, warn};

use super::{Context, Result, Store};
use crate::chain::Chain;

/// Item indexes whose keys do not follow insertion order (publication dates), set aside
/// during a bulk load. The others grow at their end (first sight, row id) or per feed.
const DEFERRABLE: [&str; 2] = ["items_newest", "items_feed_newest"];

/// Fewest items a run of commits must bring before it counts as a bulk load: below this,
/// keeping the indexes up to date costs less than building them again.
const BULK_MIN_ITEMS: i64 = 50_000;

/// What the store knows of the current run of feed commits.
#[derive(Debug)]
pub(super) struct Load {
    /// Items stored, counted at the first commit and kept up to date since.
    stored: Option<i64>,
    /// New items the current run stored.
    run: i64,
    /// The deferrable indexes are set aside.
    deferred: bool,
    /// Fewest items that make a bulk load ([`BULK_MIN_ITEMS`]; smaller in tests).
    min_items: i64,
}

impl Default for Load {
    fn default() -> Self {
        Load {
            stored: None,
            run: 0,
            deferred: false,
            min_items: BULK_MIN_ITEMS,
        }
    }
}

impl Store {
    /// Before a commit of up to `incoming` new items: sets the deferrable indexes aside when
    /// the run would at least double the items stored before it. A failure leaves them in
    /// place: the load is then only slower.
    pub(super) fn before_load(&mut self, incoming: usize) {
        if self.load.deferred {
            return;
        }
        let stored = match self.load.stored {
            Some(n) => n,
            None => match self.item_count() {
                Ok(n) => *self.load.stored.insert(n),
                Err(_) => return,
            },
        };
        let incoming = i64::try_from(incoming).unwrap_or(i64::MAX);
        let before = stored - self.load.run;
        if self.load.run.saturating_add(incoming) <= before.max(self.load.min_items) {
            return;
        }
        match self.set_indexes_aside() {
            Ok(()) => {
                self.load.deferred = true;
                debug!(stored, "bulk load: time-ordered item indexes set aside");
            }
            Err(err) => {
                warn!(error = %Chain(&err), "cannot set item indexes aside for a bulk load");
            }
        }
    }

    /// After a commit that stored `new` new items.
    pub(super) fn after_load(&mut self, new: usize) {
        let new = i64::try_from(new).unwrap_or(i64::MAX);
        self.load.run = self.load.run.saturating_add(new);
        if let Some(stored) = &mut self.load.stored {
            *stored = stored.saturating_add(new);
        }
    }

    /// Ends the current run of commits: builds the indexes a bulk load set aside. A failure
    /// (a full disk) is logged and tried again at the next call.
    pub(super) fn end_load(&mut self) {
        self.load.run = 0;
        if self.load.deferred {
            match self.restore_indexes() {
                Ok(()) => debug!("bulk load over: item indexes built again"),
                Err(err) => warn!(error = %Chain(&err), "cannot build the item indexes again"),
            }
        }
    }

    /// Builds every index a bulk load set aside, including one left by a killed process.
    pub(super) fn restore_indexes(&mut self) -> Result<()> {
        const PENDING: &str = "SELECT name, sql FROM deferred_indexes ORDER BY name";
        const EXISTS: &str = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1";
        const DONE: &str = "DELETE FROM deferred_indexes WHERE name = ?1";
        let tx = self
            .conn
            .transaction()
            .what(|| "begin building item indexes".into())?;
        let pending: Vec<(String, String)> = tx
            .prepare(PENDING)
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()
            })
            .what(|| "read the indexes set aside".into())?;
        for (name, sql) in &pending {
            // Another process opening the database may have built it already.
            let exists = tx
                .query_row(EXISTS, [name], |_| Ok(()))
                .optional()
                .what(|| format!("look up index {name}"))?
                .is_some();
            if !exists {
                tx.execute_batch(sql)
                    .what(|| format!("build index {name}"))?;
            }
            tx.execute(DONE, [name])
                .what(|| format!("unrecord index {name}"))?;
        }
        tx.commit().what(|| "commit item indexes".into())?;
        self.load.deferred = false;
        Ok(())
    }

    /// Drops the deferrable indexes, keeping the statements that build them, in one
    /// transaction.
    fn set_indexes_aside(&mut self) -> Result<()> {
        const SAVE: &str = "INSERT OR REPLACE INTO deferred_indexes (name, sql)
             SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND name = ?1 AND sql IS NOT NULL";
        let tx = self
            .conn
            .transaction()
            .what(|| "begin setting item indexes aside".into())?;
        for name in DEFERRABLE {
            let saved = tx
                .execute(SAVE, params![name])
                .what(|| format!("record index {name}"))?;
            if saved > 0 {
                tx.execute_batch(&format!("DROP INDEX {name}"))
                    .what(|| format!("drop index {name}"))?;
            }
        }
        tx.commit()
            .what(|| "commit setting item indexes aside".into())
    }

    /// Makes runs of at least `n` items bulk loads, so a test need not store ten thousand.
    #[cfg(test)]
    pub(super) fn bulk_min_items(&mut self, n: i64) {
        self.load.min_items = n;
    }
}

impl Drop for Store {
    /// A store used without the database thread (a command writing directly) leaves no
    /// index set aside behind it.
    fn drop(&mut self) {
        self.end_load();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FeedLine, Item};
    use crate::store::testing::feed_line;
    use crate::store::{FeedCommit, FetchRecord, ItemFilter};
    use chrono::{Duration, TimeZone, Utc};

    fn indexes(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (?1, ?2)")
            .unwrap();
        let mut names: Vec<String> = stmt
            .query_map(DEFERRABLE, |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        names.sort();
        names
    }

    /// Stores `n` items dated a day apart (so out of order across feeds) in `feed`.
    fn commit(store: &mut Store, feed: i64, from: usize, n: usize) {
        let start = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let items: Vec<Item> = (from..from + n)
            .map(|i| Item {
                guid: Some(format!("g{feed}-{i}")),
                title: format!("item {i}"),
                published: Some(start + Duration::days(((i * 7919) % 97) as i64)),
                ..Default::default()
            })
            .collect();
        let record = FetchRecord {
            at: start,
            status: Some(200),
            next_fetch: start,
            ..Default::default()
        };
        let batch = [FeedCommit {
            feed_id: feed,
            record: &record,
            items: &items,
            keys: &[],
        }];
        for result in store.commit_feeds(&batch) {
            result.unwrap();
        }
    }

    fn feeds(store: &mut Store, n: usize) -> Vec<i64> {
        let lines: Vec<FeedLine> = (0..n)
            .map(|i| feed_line(&format!("https://f{i}.example/rss"), None))
            .collect();
        store.sync_feeds(&lines).unwrap();
        lines
            .iter()
            .map(|l| store.feed(&l.url).unwrap().unwrap().id)
            .collect()
    }

    #[test]
    fn a_load_that_doubles_the_items_sets_the_indexes_aside_until_it_ends() {
        let mut store = Store::memory().unwrap();
        store.bulk_min_items(50);
        let ids = feeds(&mut store, 4);
        let all = ["items_feed_newest".to_string(), "items_newest".to_string()];
        commit(&mut store, ids[0], 0, 40);
        assert_eq!(indexes(&store), all, "40 items are no bulk load");
        commit(&mut store, ids[1], 0, 40);
        assert!(indexes(&store).is_empty(), "80 items: the run passed 50");
        commit(&mut store, ids[2], 0, 40);
        store.end_load();
        assert_eq!(indexes(&store), all);
        let recorded: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM deferred_indexes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(recorded, 0);
        // The rebuilt index orders as before: newest publication first.
        let newest = store
            .items(&ItemFilter {
                limit: 3,
                ..Default::default()
            })
            .unwrap();
        let mut dates: Vec<_> = (0..40)
            .map(|i| ((i * 7919) % 97) as i64)
            .collect::<Vec<_>>();
        dates.sort_unstable_by(|a, b| b.cmp(a));
        let start = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(newest[0].published, Some(start + Duration::days(dates[0])));
        // 120 stored: the next run must bring more than 120 to count as bulk.
        commit(&mut store, ids[3], 0, 100);
        assert_eq!(indexes(&store), all);
        commit(&mut store, ids[3], 100, 30);
        assert!(indexes(&store).is_empty());
    }

    /// A store at `path` in the middle of a bulk load: its indexes set aside.
    fn mid_load(path: &std::path::Path) -> Store {
        let mut store = Store::open(path).unwrap();
        store.bulk_min_items(10);
        let ids = feeds(&mut store, 1);
        commit(&mut store, ids[0], 0, 20);
        assert!(indexes(&store).is_empty());
        store
    }

    #[test]
    fn a_store_dropped_during_a_load_builds_the_indexes_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        drop(mid_load(&path));
        let conn = rusqlite::Connection::open(&path).unwrap();
        let built: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('items_newest', 'items_feed_newest')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(built, 2);
    }

    #[test]
    fn indexes_set_aside_by_a_killed_process_are_built_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        // Gone without ending the load, as a killed process is.
        std::mem::forget(mid_load(&path));
        let store = Store::open(&path).unwrap();
        assert_eq!(
            indexes(&store),
            ["items_feed_newest".to_string(), "items_newest".to_string()]
        );
    }
}
