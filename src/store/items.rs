//! The `items` table and its full-text index: storing feed entries once per (feed, identity)
//! and listing them newest first.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Context, Result, Store, parse_ts, ts, ts_opt};
use crate::model::{Item, ItemKey, StoredItem};

/// Which stored items to list.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Only this feed (its configured URL).
    pub feed: Option<String>,
    /// Only items first seen at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Full-text query over title and summary (FTS5 syntax).
    pub search: Option<String>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// Inserts new items, updates changed ones, and reports which is which.
pub(super) fn upsert(
    tx: &rusqlite::Connection,
    feed_id: i64,
    items: &[Item],
    keys: &[ItemKey],
    now: DateTime<Utc>,
) -> Result<Vec<SavedItem>> {
    const FIND: &str = "SELECT id, digest FROM items WHERE feed_id = ?1 AND identity = ?2";
    const INSERT: &str = "INSERT INTO items
            (feed_id, identity, guid, url, title, summary, published, updated, first_seen, digest)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    const UPDATE: &str = "UPDATE items SET guid = ?2, url = ?3, title = ?4, summary = ?5,
            published = ?6, updated = ?7, digest = ?8, changed_at = ?9, version = version + 1
         WHERE id = ?1";
    let mut find = tx.prepare_cached(FIND).what(|| FIND.into())?;
    let mut insert = tx.prepare_cached(INSERT).what(|| INSERT.into())?;
    let mut update = tx.prepare_cached(UPDATE).what(|| UPDATE.into())?;
    let now = ts(now);
    let mut saved = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::new();
    // Keys come with the items from the parsing thread; a caller without them pays here.
    let computed: Vec<ItemKey>;
    let keys = if keys.len() == items.len() {
        keys
    } else {
        computed = items.iter().map(Item::key).collect();
        &computed
    };
    for (item, ItemKey { identity, digest }) in items.iter().zip(keys) {
        // A feed that lists the same entry twice stores it once; the first listing wins.
        if !seen.insert(identity) {
            continue;
        }
        let existing: Option<(i64, String)> = find
            .query_row(params![feed_id, identity], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .what(|| format!("look up item {identity}"))?;
        let (id, change) = match existing {
            Some((id, old)) if old == *digest => (id, ItemChange::Unchanged),
            Some((id, _)) => {
                update
                    .execute(params![
                        id,
                        item.guid,
                        item.url,
                        item.title,
                        item.summary,
                        ts_opt(item.published),
                        ts_opt(item.updated),
                        digest,
                        now
                    ])
                    .what(|| format!("update item {identity}"))?;
                (id, ItemChange::Changed)
            }
            None => {
                insert
                    .execute(params![
                        feed_id,
                        identity,
                        item.guid,
                        item.url,
                        item.title,
                        item.summary,
                        ts_opt(item.published),
                        ts_opt(item.updated),
                        now,
                        digest
                    ])
                    .what(|| format!("insert item {identity}"))?;
                (tx.last_insert_rowid(), ItemChange::New)
            }
        };
        saved.push(SavedItem { id, change });
    }
    Ok(saved)
}

/// Queues new items for the full-text index (migration 0009): the database thread indexes
/// them when idle, with [`Store::index_pending`]. Changed and deleted items that are
/// indexed already are kept in step by their triggers.
pub(super) fn queue_new(conn: &rusqlite::Connection, ids: &[i64]) -> Result<()> {
    const SQL: &str = "INSERT OR IGNORE INTO items_unindexed (id) SELECT value FROM json_each(?1)";
    if ids.is_empty() {
        return Ok(());
    }
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(SQL)
        .and_then(|mut s| s.execute([list]))
        .map(drop)
        .what(|| format!("queue {} new items for search", ids.len()))
}

pub(super) const ITEM_COLUMNS: &str = "i.id, f.url, COALESCE(f.name, f.title), i.guid, i.url, i.title, i.summary, \
     i.published, i.updated, i.first_seen";

pub(super) fn item_from_row(row: &rusqlite::Row) -> rusqlite::Result<StoredItem> {
    Ok(StoredItem {
        id: row.get(0)?,
        feed: row.get(1)?,
        feed_name: row.get(2)?,
        guid: row.get(3)?,
        url: row.get(4)?,
        title: row.get(5)?,
        summary: row.get(6)?,
        published: parse_ts(row.get(7)?),
        updated: parse_ts(row.get(8)?),
        first_seen: parse_ts(row.get(9)?).unwrap_or_default(),
    })
}

/// How an item compared with what was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemChange {
    /// Not seen before in this feed.
    New,
    /// Seen before with a different title, summary, link or dates.
    Changed,
    /// Seen before, identical.
    Unchanged,
}

/// An item after it was written: its row id and whether it is new or changed.
#[derive(Debug, Clone)]
pub struct SavedItem {
    /// Row id in `items`.
    pub id: i64,
    /// New, changed or unchanged.
    pub change: ItemChange,
}

impl Store {
    /// The news clock at `now`: the newest publication time of any stored item that is not
    /// after `now` (a feed's future dates cannot push it ahead), or `None` with no dated item.
    pub fn news_clock(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        // Walks the items_newest index from the top; the first dated row ends it.
        const SQL: &str = "SELECT published FROM items
            WHERE COALESCE(published, first_seen) <= ?1 AND published IS NOT NULL
            ORDER BY COALESCE(published, first_seen) DESC LIMIT 1";
        let found: Option<String> = self
            .conn
            .prepare_cached(SQL)
            .and_then(|mut s| s.query_row([ts(now)], |r| r.get(0)).optional())
            .what(|| "read the news clock".to_string())?;
        Ok(parse_ts(found))
    }

    /// Adds up to `limit` queued items (oldest first) to the full-text index in one
    /// transaction; returns whether more are queued.
    pub fn index_pending(&mut self, limit: usize) -> Result<bool> {
        const INDEX: &str = "INSERT INTO items_fts (rowid, title, summary)
            SELECT i.id, i.title, i.summary FROM items i
            JOIN (SELECT id FROM items_unindexed ORDER BY id LIMIT ?1) u ON i.id = u.id";
        const DONE: &str = "DELETE FROM items_unindexed
            WHERE id IN (SELECT id FROM items_unindexed ORDER BY id LIMIT ?1)";
        const MORE: &str = "SELECT EXISTS (SELECT 1 FROM items_unindexed)";
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let tx = self
            .conn
            .transaction()
            .what(|| "begin indexing items for search".into())?;
        tx.execute(INDEX, [limit])
            .what(|| "index queued items for search".into())?;
        tx.execute(DONE, [limit])
            .what(|| "unqueue indexed items".into())?;
        let more: bool = tx
            .query_row(MORE, [], |row| row.get(0))
            .what(|| "count items waiting for search".into())?;
        tx.commit()
            .what(|| "commit items indexed for search".into())?;
        Ok(more)
    }

    /// Stored items matching `filter`, newest first by declared publication, else first sight.
    pub fn items(&self, filter: &ItemFilter) -> Result<Vec<StoredItem>> {
        let mut sql =
            format!("SELECT {ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id");
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let mut wheres: Vec<String> = Vec::new();
        if let Some(query) = &filter.search {
            wheres.push(format!(
                "i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?{})",
                args.len() + 1
            ));
            args.push(Box::new(fts_query(query)));
        }
        if let Some(feed) = &filter.feed {
            // As a subquery on the feed id, so the plan reads `items_feed_newest` for that
            // feed instead of scanning every item newest first.
            wheres.push(format!(
                "i.feed_id IN (SELECT id FROM feeds WHERE url = ?{n} OR name = ?{n})",
                n = args.len() + 1
            ));
            args.push(Box::new(feed.clone()));
        }
        if let Some(since) = filter.since {
            wheres.push(format!("i.first_seen >= ?{}", args.len() + 1));
            args.push(Box::new(ts(since)));
        }
        if !wheres.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&wheres.join(" AND "));
        }
        sql.push_str(&format!(
            " ORDER BY COALESCE(i.published, i.first_seen) DESC, i.id DESC LIMIT ?{}",
            args.len() + 1
        ));
        args.push(Box::new(i64::try_from(filter.limit).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare_cached(&sql).what(|| sql.clone())?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), item_from_row)
            .what(|| "list items".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list items".into())
    }

    /// The stored items with these row ids, in no particular order.
    pub fn items_by_ids(&self, ids: &[i64]) -> Result<Vec<StoredItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1"
        );
        let mut stmt = self.conn.prepare_cached(&sql).what(|| sql.clone())?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(item) = stmt
                .query_row([id], item_from_row)
                .optional()
                .what(|| format!("read item {id}"))?
            {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// Items first seen at or after `since`, for re-judging as the corpus grows.
    pub fn items_first_seen_since(&self, since: DateTime<Utc>) -> Result<Vec<StoredItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE i.first_seen >= ?1 ORDER BY i.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql).what(|| sql.clone())?;
        let rows = stmt
            .query_map([ts(since)], item_from_row)
            .what(|| "list recent items".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list recent items".into())
    }

    /// Row ids of the items first seen at or after `since`, ascending: the re-judge window,
    /// read a chunk at a time with [`Self::items_in_id_range`].
    pub fn item_ids_first_seen_since(&self, since: DateTime<Utc>) -> Result<Vec<i64>> {
        const SQL: &str = "SELECT id FROM items WHERE first_seen >= ?1 ORDER BY id";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([ts(since)], |r| r.get(0))
            .what(|| "list recent item ids".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list recent item ids".into())
    }

    /// Row ids above `after` of items first seen at or after `since`, ascending: what a
    /// round must judge when older items were judged against the same background.
    pub fn item_ids_after(&self, after: i64, since: DateTime<Utc>) -> Result<Vec<i64>> {
        const SQL: &str = "SELECT id FROM items WHERE id > ?1 AND first_seen >= ?2 ORDER BY id";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map(params![after, ts(since)], |r| r.get(0))
            .what(|| "list new item ids".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list new item ids".into())
    }

    /// The newest item's row id, 0 when there is none.
    pub fn last_item_id(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM items", [], |r| r.get(0))
            .what(|| "read the newest item id".into())
    }

    /// The items with row ids from `first` to `last` inclusive, ascending.
    pub fn items_in_id_range(&self, first: i64, last: i64) -> Result<Vec<StoredItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE i.id BETWEEN ?1 AND ?2 ORDER BY i.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql).what(|| sql.clone())?;
        let rows = stmt
            .query_map([first, last], item_from_row)
            .what(|| format!("read items {first} to {last}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("read items {first} to {last}"))
    }

    /// The items with the given ascending ids, read as the one range they span (callers
    /// keep that span short, see the story round's chunks).
    pub fn items_among(&self, ids: &[i64]) -> Result<Vec<StoredItem>> {
        let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
            return Ok(Vec::new());
        };
        let mut items = self.items_in_id_range(first, last)?;
        items.retain(|i| ids.binary_search(&i.id).is_ok());
        Ok(items)
    }

    /// Calls `f` with every stored item's title and summary, newest first, at most `limit`:
    /// the background corpus that tells common names from specific ones. A stream, not a
    /// list: 5,000 texts are 5 MB, a seventh of a poll's peak memory.
    pub fn each_background_text(&self, limit: usize, mut f: impl FnMut(&str)) -> Result<()> {
        const SQL: &str = "SELECT title || ' ' || summary FROM items ORDER BY id DESC LIMIT ?1";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let mut rows = stmt
            .query([i64::try_from(limit).unwrap_or(i64::MAX)])
            .what(|| "read background corpus".into())?;
        while let Some(row) = rows.next().what(|| "read background corpus".into())? {
            let text = row
                .get_ref(0)
                .and_then(|v| v.as_str().map_err(Into::into))
                .what(|| "read background corpus".into())?;
            f(text);
        }
        Ok(())
    }

    /// Number of stored items.
    pub fn item_count(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0))
            .what(|| "count items".into())
    }
}

/// Turns what a person typed into an FTS5 query: words are ANDed, quotes keep phrases, and
/// FTS5 operators in the input are treated as text so a stray `-` or `:` cannot error.
pub(super) fn fts_query(input: &str) -> String {
    let mut parts = Vec::new();
    for (i, chunk) in input.split('"').enumerate() {
        let words: Vec<String> = chunk
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\""))
            .collect();
        if words.is_empty() {
            continue;
        }
        if i % 2 == 1 {
            // Inside quotes: a phrase.
            let phrase: Vec<&str> = words.iter().map(|w| w.trim_matches('"')).collect();
            parts.push(format!("\"{}\"", phrase.join(" ")));
        } else {
            parts.extend(words);
        }
    }
    if parts.is_empty() {
        "\"\"".into()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::FetchRecord;
    use crate::store::testing;
    use chrono::TimeZone;

    fn store_with_feed() -> (Store, i64) {
        testing::store_with_feed("https://news.example/rss", Some("News"))
    }

    fn record() -> FetchRecord {
        let at = Utc.with_ymd_and_hms(2031, 2, 3, 4, 5, 6).unwrap();
        FetchRecord {
            at,
            status: Some(200),
            next_fetch: at,
            ..Default::default()
        }
    }

    fn item(guid: &str, title: &str) -> Item {
        Item {
            guid: Some(guid.into()),
            url: Some(format!("https://news.example/{guid}")),
            title: title.into(),
            summary: "Rescuers searched the collapsed school in Valdoria overnight.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_news_clock_is_the_newest_dated_item_never_the_future() {
        let (mut store, feed) = store_with_feed();
        let at = |h: u32| Utc.with_ymd_and_hms(2024, 3, 25, h, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(store.news_clock(now).unwrap(), None, "no items");
        let dated = |guid: &str, h: Option<u32>| Item {
            published: h.map(at),
            ..item(guid, "Quake hits coast")
        };
        let future = Item {
            published: Some(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap()),
            ..item("f", "Dated wrongly")
        };
        store
            .commit_feed(
                feed,
                &record(),
                &[
                    dated("a", Some(9)),
                    dated("b", Some(14)),
                    dated("c", None),
                    future,
                ],
            )
            .unwrap();
        // Not the undated item's first sighting (2031, a wall-clock time) nor the future one.
        assert_eq!(store.news_clock(now).unwrap(), Some(at(14)));
    }

    #[test]
    fn same_guid_with_new_title_updates_in_place() {
        let (mut store, feed) = store_with_feed();
        let first = store
            .commit_feed(feed, &record(), &[item("a1", "Quake hits coast")])
            .unwrap();
        assert_eq!(first[0].change, ItemChange::New);
        let again = store
            .commit_feed(feed, &record(), &[item("a1", "Quake hits coast")])
            .unwrap();
        assert_eq!(again[0].change, ItemChange::Unchanged);
        let edited = store
            .commit_feed(feed, &record(), &[item("a1", "Quake toll rises")])
            .unwrap();
        assert_eq!(edited[0].change, ItemChange::Changed);
        assert_eq!(edited[0].id, first[0].id);
        assert_eq!(store.item_count().unwrap(), 1);
        let listed = store
            .items(&ItemFilter {
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(listed[0].title, "Quake toll rises");
    }

    #[test]
    fn feed_filter_takes_url_or_name() {
        let (mut store, news) = store_with_feed();
        let other = testing::add_feed(&mut store, "https://other.example/atom", Some("Other"));
        store
            .commit_feed(news, &record(), &[item("n1", "Harbour reopens")])
            .unwrap();
        store
            .commit_feed(
                other,
                &record(),
                &[item("o1", "Dam inspected"), item("o2", "Road shut")],
            )
            .unwrap();
        for key in ["https://other.example/atom", "Other"] {
            let found = store
                .items(&ItemFilter {
                    feed: Some(key.into()),
                    limit: 10,
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(found.len(), 2, "{key}");
            assert!(found.iter().all(|i| i.feed == "https://other.example/atom"));
        }
        let none = store
            .items(&ItemFilter {
                feed: Some("Nobody".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert!(none.is_empty());
    }

    fn search(store: &Store, query: &str) -> Vec<String> {
        store
            .items(&ItemFilter {
                search: Some(query.into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .map(|i| i.title)
            .collect()
    }

    fn fts_integrity(store: &Store) {
        store
            .conn
            .execute_batch("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")
            .expect("the search index matches the items");
    }

    #[test]
    fn new_items_are_searchable_once_indexed_and_edits_stay_in_step() {
        let (mut store, feed) = store_with_feed();
        store
            .commit_feed(
                feed,
                &record(),
                &[
                    item("q1", "Harbour flooded"),
                    item("q2", "Bridge closed"),
                    item("q3", "Ferry delayed"),
                ],
            )
            .unwrap();
        // Queued, not yet indexed: an edit and a deletion touch nothing in the index.
        assert!(search(&store, "harbour").is_empty());
        store
            .commit_feed(feed, &record(), &[item("q1", "Harbour reopened")])
            .unwrap();
        store
            .conn
            .execute("DELETE FROM items WHERE guid = 'q2'", [])
            .unwrap();
        fts_integrity(&store);
        // One at a time, oldest first; the deleted one is gone from the queue.
        assert!(store.index_pending(1).unwrap());
        assert_eq!(search(&store, "harbour"), vec!["Harbour reopened"]);
        assert!(search(&store, "ferry").is_empty());
        assert!(!store.index_pending(1).unwrap());
        assert_eq!(search(&store, "ferry"), vec!["Ferry delayed"]);
        assert!(search(&store, "flooded").is_empty());
        // Indexed items are kept in step by the triggers again.
        store
            .commit_feed(feed, &record(), &[item("q3", "Ferry cancelled")])
            .unwrap();
        assert_eq!(search(&store, "cancelled"), vec!["Ferry cancelled"]);
        assert!(search(&store, "delayed").is_empty());
        store
            .conn
            .execute("DELETE FROM items WHERE guid = 'q3'", [])
            .unwrap();
        assert!(search(&store, "ferry").is_empty());
        fts_integrity(&store);
        assert!(!store.index_pending(10).unwrap());
    }

    #[test]
    fn full_text_search_finds_words_without_accents() {
        let (mut store, feed) = store_with_feed();
        let mut one = item("b1", "Café owner rescued from rubble");
        one.summary = "The death toll climbed overnight.".into();
        store
            .commit_feed(feed, &record(), &[one, item("b2", "Markets rally")])
            .unwrap();
        assert!(!store.index_pending(usize::MAX).unwrap());
        let found = store
            .items(&ItemFilter {
                search: Some("cafe".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].guid.as_deref(), Some("b1"));
        let phrase = store
            .items(&ItemFilter {
                search: Some("\"death toll\"".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(phrase.len(), 1);
        let hostile = store
            .items(&ItemFilter {
                search: Some("NEAR( -x: \"".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert!(hostile.is_empty());
    }
}
