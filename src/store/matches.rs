//! The `matches` table: positive follow-up decisions with their explanations and
//! near-duplicate groups, listed through people's verdicts.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::articles::decode_shingles;
use super::figures::FigureWrite;
use super::items::{ITEM_COLUMNS, fts_query, item_from_row};
use super::{Context, Result, Store, parse_ts, ts};
use crate::model::{MatchRow, StoredItem};

/// Which matches to list.
#[derive(Debug, Clone, Default)]
pub struct MatchFilter {
    /// Only this story.
    pub story: Option<String>,
    /// Only items first seen at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only items first seen before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only items of this feed (URL or name).
    pub feed: Option<String>,
    /// Only matches where this entity (or one of its names) hit.
    pub entity: Option<String>,
    /// Full-text query over items and their articles.
    pub search: Option<String>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// A round's match to store with [`Store::save_matches`], with its page's figures when
/// they are to be recorded.
#[derive(Debug, Clone)]
pub struct MatchWrite {
    /// The story.
    pub story: String,
    /// The matched item's row id.
    pub item_id: i64,
    /// The matcher's score.
    pub score: f64,
    /// The judgement as JSON.
    pub explanation: String,
    /// The group a new match joins (an existing match keeps its own).
    pub group: i64,
    /// The figures of the item's page, if recorded with the match.
    pub figures: Option<FigureWrite>,
}

/// A stored match as the grouping step needs it.
#[derive(Debug, Clone)]
pub struct GroupMember {
    /// The matched item's row id.
    pub item_id: i64,
    /// Its group.
    pub group: i64,
    /// The item's declared time, else first sight.
    pub time: Option<DateTime<Utc>>,
    /// Its article's near-duplicate sketch (empty if no article).
    pub shingles: Vec<u64>,
}

impl Store {
    /// Records (or refreshes) a positive decision. `group` is used only for a new row; an
    /// existing match keeps its group.
    pub fn save_match(
        &mut self,
        story: &str,
        item_id: i64,
        score: f64,
        explanation: &str,
        group: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let row = MatchWrite {
            story: story.to_string(),
            item_id,
            score,
            explanation: explanation.to_string(),
            group,
            figures: None,
        };
        save_match_in(&self.conn, &row, at)
    }

    /// Stores a round's matches and their figures in one transaction (one commit instead
    /// of two per match); returns how many observations were new.
    pub fn save_matches(&mut self, writes: &[MatchWrite], at: DateTime<Utc>) -> Result<usize> {
        let tx = self
            .conn
            .transaction()
            .what(|| "begin save matches".into())?;
        let mut added = 0;
        for w in writes {
            save_match_in(&tx, w, at)?;
            if let Some(f) = &w.figures {
                let source = f.source(&w.story, false);
                added += super::figures::write_observations(&tx, &source, &f.observations, at)?;
            }
        }
        tx.commit().what(|| "commit matches".into())?;
        Ok(added)
    }

    /// Makes a person-confirmed item a match, keeping an automatic match's score if any.
    pub fn save_confirmed(
        &mut self,
        story: &str,
        item_id: i64,
        explanation: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const SQL: &str =
            "INSERT INTO matches (story_id, item_id, score, explanation, grp, matched_at)
            VALUES (?1, ?2, 0, ?3, ?2, ?4) ON CONFLICT (story_id, item_id) DO NOTHING";
        self.conn
            .execute(SQL, params![story, item_id, explanation, ts(at)])
            .map(drop)
            .what(|| format!("confirm item {item_id} for story {story}"))
    }

    /// Forgets one match (a rematch found it no longer holds).
    pub fn delete_match(&mut self, story: &str, item_id: i64) -> Result<()> {
        self.conn
            .execute(
                "DELETE FROM matches WHERE story_id = ?1 AND item_id = ?2",
                params![story, item_id],
            )
            .map(drop)
            .what(|| format!("delete match of item {item_id} for story {story}"))
    }

    /// Per story: how many matches, and the newest one's first sight.
    pub fn match_stats(&self, story: &str) -> Result<(i64, Option<DateTime<Utc>>)> {
        const SQL: &str = "SELECT COUNT(*), MAX(i.first_seen) FROM matches m
            JOIN items i ON i.id = m.item_id
            LEFT JOIN verdicts v ON v.story_id = m.story_id AND v.url = i.url
            WHERE m.story_id = ?1 AND COALESCE(v.verdict, '') != 'rejected'";
        self.conn
            .query_row(SQL, [story], |r| Ok((r.get(0)?, parse_ts(r.get(1)?))))
            .what(|| format!("count matches of story {story}"))
    }

    /// The story's matched items (rejected ones left out) by link, with their scores and
    /// whether a person confirmed them: which sources count towards its figures, and how
    /// far, without building every match's listing row.
    pub fn matched_links(&self, story: &str) -> Result<Vec<MatchedLink>> {
        const SQL: &str = "SELECT COALESCE(i.url, ''), m.score,
                COALESCE(v.verdict, '') = 'confirmed' FROM matches m
            JOIN items i ON i.id = m.item_id
            LEFT JOIN verdicts v ON v.story_id = m.story_id AND v.url = i.url
            WHERE m.story_id = ?1 AND COALESCE(v.verdict, '') != 'rejected'";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([story], |r| {
                Ok(MatchedLink {
                    url: r.get(0)?,
                    score: r.get(1)?,
                    confirmed: r.get(2)?,
                })
            })
            .what(|| format!("list matched links of {story}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("list matched links of {story}"))
    }

    /// Ids of items matched to `story`.
    pub fn matched_items(&self, story: &str) -> Result<HashSet<i64>> {
        const SQL: &str = "SELECT item_id FROM matches WHERE story_id = ?1";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([story], |r| r.get(0))
            .what(|| format!("list matched items of {story}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("list matched items of {story}"))
    }

    /// The items matched to `story` that were first seen at or after `since`: the pages
    /// still live enough to re-check.
    pub fn matched_items_since(
        &self,
        story: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<StoredItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM matches m JOIN items i ON i.id = m.item_id
             JOIN feeds f ON f.id = i.feed_id
             WHERE m.story_id = ?1 AND i.first_seen >= ?2 ORDER BY i.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql).what(|| sql.clone())?;
        let rows = stmt
            .query_map(params![story, ts(since)], item_from_row)
            .what(|| format!("list recent matches of {story}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("list recent matches of {story}"))
    }

    /// The story's matches with their article sketches, for near-duplicate grouping.
    pub fn group_members(&self, story: &str) -> Result<Vec<GroupMember>> {
        const SQL: &str = "SELECT m.item_id, m.grp, COALESCE(i.published, i.first_seen), a.shingles
            FROM matches m JOIN items i ON i.id = m.item_id
            LEFT JOIN articles a ON a.url = i.url
            WHERE m.story_id = ?1";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([story], |r| {
                let blob: Option<Vec<u8>> = r.get(3)?;
                Ok(GroupMember {
                    item_id: r.get(0)?,
                    group: r.get(1)?,
                    time: parse_ts(r.get(2)?),
                    shingles: blob.map(|b| decode_shingles(&b)).unwrap_or_default(),
                })
            })
            .what(|| format!("list group members of {story}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("list group members of {story}"))
    }

    /// The stored item whose link is `url`, if any (the newest when several feeds carry it).
    pub fn item_id_by_url(&self, url: &str) -> Result<Option<i64>> {
        const SQL: &str = "SELECT id FROM items WHERE url = ?1 ORDER BY id DESC LIMIT 1";
        self.conn
            .query_row(SQL, [url], |r| r.get(0))
            .optional()
            .what(|| format!("look up item {url}"))
    }

    /// Matches newest first, without rejected ones; confirmed ones are included.
    pub fn matches(&self, filter: &MatchFilter) -> Result<Vec<MatchRow>> {
        let (sql, args) = matches_query(filter);
        let mut stmt = self.conn.prepare_cached(&sql).what(|| sql.clone())?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                let explanation: String = r.get(8)?;
                Ok(MatchRow {
                    story: r.get(0)?,
                    url: r.get(1)?,
                    title: r.get(2)?,
                    feed: r.get(3)?,
                    feed_name: r.get(4)?,
                    published: parse_ts(r.get(5)?),
                    first_seen: parse_ts(r.get(6)?).unwrap_or_default(),
                    score: r.get(7)?,
                    entities: entities_of(&explanation),
                    explanation,
                    group: r.get(9)?,
                    outlets: r.get(10)?,
                    verdict: r.get(11)?,
                    item_id: r.get(12)?,
                })
            })
            .what(|| "list matches".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list matches".into())
    }
}

/// One matched item's link, as [`Store::matched_links`] lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchedLink {
    /// The item's link.
    pub url: String,
    /// The matcher's score (stage 2's probability).
    pub score: f64,
    /// A person confirmed the match.
    pub confirmed: bool,
}

/// The listing query of [`Store::matches`] for `filter`, with its parameters.
fn matches_query(filter: &MatchFilter) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
    let mut sql = String::from(
            "SELECT m.story_id, COALESCE(i.url, ''), i.title, f.url, COALESCE(f.name, f.title), i.published,
                i.first_seen, m.score, m.explanation, m.grp,
                (SELECT COUNT(DISTINCT i2.feed_id) FROM matches m2 JOIN items i2 ON i2.id = m2.item_id
                  WHERE m2.story_id = m.story_id AND m2.grp = m.grp),
                COALESCE(v.verdict, 'auto'), i.id
             FROM matches m
             JOIN items i ON i.id = m.item_id
             JOIN feeds f ON f.id = i.feed_id
             LEFT JOIN verdicts v ON v.story_id = m.story_id AND v.url = i.url
             WHERE COALESCE(v.verdict, '') != 'rejected'",
        );
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    let mut arg = |sql: &mut String, clause: &str, value: Box<dyn rusqlite::ToSql>| {
        args.push(value);
        sql.push_str(&clause.replace("?#", &format!("?{}", args.len())));
    };
    if let Some(story) = &filter.story {
        arg(&mut sql, " AND m.story_id = ?#", Box::new(story.clone()));
    }
    if let Some(since) = filter.since {
        arg(&mut sql, " AND i.first_seen >= ?#", Box::new(ts(since)));
    }
    if let Some(until) = filter.until {
        arg(&mut sql, " AND i.first_seen < ?#", Box::new(ts(until)));
    }
    if let Some(feed) = &filter.feed {
        arg(&mut sql, " AND (f.url = ?# ", Box::new(feed.clone()));
        arg(&mut sql, "OR f.name = ?#)", Box::new(feed.clone()));
    }
    if let Some(entity) = &filter.entity {
        arg(
            &mut sql,
            " AND EXISTS (SELECT 1 FROM json_each(m.explanation, '$.hits') h
                   WHERE lower(json_extract(h.value, '$.entity')) = lower(?#)",
            Box::new(entity.clone()),
        );
        arg(
            &mut sql,
            " OR lower(json_extract(h.value, '$.name')) = lower(?#))",
            Box::new(entity.clone()),
        );
    }
    if let Some(search) = &filter.search {
        // Matches are read newest first and the first `limit` hits kept, so a term most
        // matches carry stops early. The items' hits are one set built once (cheaper than an
        // FTS probe per row); an article is found by the row's link through its unique
        // index and checked against the article hits, also built once.
        let query = fts_query(search);
        arg(
            &mut sql,
            " AND (m.item_id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?#)",
            Box::new(query.clone()),
        );
        arg(
            &mut sql,
            " OR EXISTS (SELECT 1 FROM articles a WHERE a.url = i.url AND a.id IN
               (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?#)))",
            Box::new(query),
        );
    }
    // `item_time` is the item's COALESCE(published, first_seen) (migration 0008), so the
    // order comes from `matches_story_newest` / `matches_newest` without a sort.
    arg(
        &mut sql,
        " ORDER BY m.item_time DESC, m.item_id DESC LIMIT ?#",
        Box::new(i64::try_from(filter.limit).unwrap_or(i64::MAX)),
    );
    (sql, args)
}

/// The distinct entity names that hit, from a stored explanation.
fn entities_of(explanation: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(explanation).unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for hit in value["hits"].as_array().into_iter().flatten() {
        if let Some(name) = hit["entity"].as_str()
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_string());
        }
    }
    names
}

/// Writes one match row (not its figures) on `conn`, inside whatever transaction it is in.
fn save_match_in(conn: &rusqlite::Connection, w: &MatchWrite, at: DateTime<Utc>) -> Result<()> {
    const SQL: &str = "INSERT INTO matches (story_id, item_id, score, explanation, grp, matched_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (story_id, item_id) DO UPDATE SET
            score = excluded.score, explanation = excluded.explanation";
    conn.prepare_cached(SQL)
        .and_then(|mut s| {
            s.execute(params![
                w.story,
                w.item_id,
                w.score,
                w.explanation,
                w.group,
                ts(at)
            ])
        })
        .map(drop)
        .what(|| format!("save match of item {} for story {}", w.item_id, w.story))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Item;
    use crate::store::FetchRecord;
    use crate::store::testing::store_with_feed;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2031, 3, day, 12, 0, 0).unwrap()
    }

    fn item(slug: &str, day: u32) -> Item {
        Item {
            guid: Some(slug.into()),
            url: Some(format!("https://paper.example/{slug}")),
            title: format!("Harbour {slug}"),
            published: Some(at(day)),
            ..Default::default()
        }
    }

    /// A store with one feed carrying `items`; returns the store, feed id and item ids.
    fn store_with(items: &[Item]) -> (Store, i64, Vec<i64>) {
        let (mut store, feed) = store_with_feed("https://paper.example/rss", None);
        let ids = commit(&mut store, feed, items);
        (store, feed, ids)
    }

    fn commit(store: &mut Store, feed: i64, items: &[Item]) -> Vec<i64> {
        let record = FetchRecord {
            at: at(20),
            status: Some(200),
            next_fetch: at(20),
            ..Default::default()
        };
        let saved = store.commit_feed(feed, &record, items).unwrap();
        saved.iter().map(|s| s.id).collect()
    }

    fn titles(store: &Store, filter: MatchFilter) -> Vec<String> {
        store
            .matches(&filter)
            .unwrap()
            .into_iter()
            .map(|m| m.title)
            .collect()
    }

    fn of_story(limit: usize) -> MatchFilter {
        MatchFilter {
            story: Some("harbour".into()),
            limit,
            ..Default::default()
        }
    }

    #[test]
    fn newest_first_follows_an_item_whose_date_changes() {
        let (mut store, feed, ids) = store_with(&[item("a", 1), item("b", 2), item("c", 3)]);
        for id in &ids {
            store
                .save_match("harbour", *id, 0.9, "{}", *id, at(4))
                .unwrap();
        }
        assert_eq!(titles(&store, of_story(2)), ["Harbour c", "Harbour b"]);
        // The feed re-dates `a` to the newest; the stored order must follow.
        commit(&mut store, feed, &[item("a", 5)]);
        assert_eq!(titles(&store, of_story(2)), ["Harbour a", "Harbour c"]);
        // A confirmed match (another insert path) is placed by its item's date too.
        let d = commit(&mut store, feed, &[item("d", 4)]);
        store.save_confirmed("other", d[0], "{}", at(6)).unwrap();
        store
            .save_match("other", ids[1], 0.9, "{}", ids[1], at(6))
            .unwrap();
        let all = MatchFilter {
            limit: 10,
            ..Default::default()
        };
        assert_eq!(
            titles(&store, all),
            [
                "Harbour a",
                "Harbour d",
                "Harbour c",
                "Harbour b",
                "Harbour b"
            ]
        );
    }

    #[test]
    fn matched_links_carry_scores_and_leave_out_rejections() {
        use crate::model::Verdict;
        let (mut store, _, ids) = store_with(&[item("a", 1), item("b", 2), item("c", 3)]);
        for (id, score) in ids.iter().zip([0.9, 0.55, 0.7]) {
            store
                .save_match("harbour", *id, score, "{}", *id, at(4))
                .unwrap();
        }
        let url = |slug: &str| format!("https://paper.example/{slug}");
        store
            .set_verdict("harbour", &url("b"), Verdict::Confirmed, at(5))
            .unwrap();
        store
            .set_verdict("harbour", &url("c"), Verdict::Rejected, at(5))
            .unwrap();
        let mut links = store.matched_links("harbour").unwrap();
        links.sort_by(|x, y| x.url.cmp(&y.url));
        let got: Vec<(String, f64, bool)> = links
            .into_iter()
            .map(|l| (l.url, l.score, l.confirmed))
            .collect();
        assert_eq!(got, [(url("a"), 0.9, false), (url("b"), 0.55, true)]);
    }

    #[test]
    fn search_finds_items_by_their_own_text_and_by_their_article() {
        let (mut store, _, ids) = store_with(&[item("a", 1), item("b", 2), item("c", 3)]);
        assert!(!store.index_pending(usize::MAX).unwrap());
        for id in &ids {
            store
                .save_match("harbour", *id, 0.9, "{}", *id, at(4))
                .unwrap();
        }
        let page = crate::extract::page::PageVersion {
            article: crate::model::Article {
                title: None,
                text: "Divers reached the sunken ferry at dawn.".into(),
                published: None,
                updated: None,
            },
            hash: "h".into(),
            ..Default::default()
        };
        let version = crate::store::ArticleVersion {
            url: "https://paper.example/a",
            page: &page,
            etag: None,
            last_modified: None,
        };
        store.save_article(&version, at(4)).unwrap();
        let search = |q: &str| MatchFilter {
            search: Some(q.into()),
            ..of_story(10)
        };
        assert_eq!(titles(&store, search("sunken ferry")), ["Harbour a"]);
        assert_eq!(titles(&store, search("harbour c")), ["Harbour c"]);
        assert_eq!(titles(&store, search("\"harbour\"")).len(), 3);
        assert!(titles(&store, search("nothing-like-this")).is_empty());
    }

    #[test]
    fn a_page_of_matches_comes_from_an_index_without_a_sort() {
        let store = Store::memory().unwrap();
        let filters = [
            of_story(50),
            MatchFilter {
                limit: 50,
                ..Default::default()
            },
            MatchFilter {
                search: Some("death toll".into()),
                ..of_story(50)
            },
            MatchFilter {
                search: Some("death toll".into()),
                limit: 50,
                ..Default::default()
            },
        ];
        for filter in filters {
            let (sql, args) = matches_query(&filter);
            let mut stmt = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(3))
                .unwrap()
                .map(|d| d.unwrap())
                .collect();
            let plan = plan.join("\n");
            assert!(
                !plan.contains("TEMP B-TREE FOR ORDER BY"),
                "{filter:?}:\n{plan}"
            );
            assert!(plan.contains("USING INDEX matches_"), "{filter:?}:\n{plan}");
        }
    }
}
