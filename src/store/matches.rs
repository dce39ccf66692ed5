//! The `matches` table: positive follow-up decisions with their explanations and
//! near-duplicate groups, listed through people's verdicts.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::articles::decode_shingles;
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

/// A stored match as the grouping step needs it.
#[derive(Debug, Clone)]
pub struct GroupMember {
    /// The matched item's row id.
    pub item_id: i64,
    /// Its group.
    pub group: i64,
    /// The item's declared time, else first sight.
    pub time: Option<DateTime<Utc>>,
    /// The matched item's title.
    pub title: String,
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
        const SQL: &str =
            "INSERT INTO matches (story_id, item_id, score, explanation, grp, matched_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (story_id, item_id) DO UPDATE SET
                score = excluded.score, explanation = excluded.explanation";
        self.conn
            .prepare_cached(SQL)
            .and_then(|mut s| s.execute(params![story, item_id, score, explanation, group, ts(at)]))
            .map(drop)
            .what(|| format!("save match of item {item_id} for story {story}"))
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
        const SQL: &str = "SELECT m.item_id, m.grp, COALESCE(i.published, i.first_seen), i.title,
                a.shingles
            FROM matches m JOIN items i ON i.id = m.item_id
            LEFT JOIN articles a ON a.url = i.url
            WHERE m.story_id = ?1";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([story], |r| {
                let blob: Option<Vec<u8>> = r.get(4)?;
                Ok(GroupMember {
                    item_id: r.get(0)?,
                    group: r.get(1)?,
                    time: parse_ts(r.get(2)?),
                    title: r.get(3)?,
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
        let mut sql = String::from(
            "SELECT m.story_id, COALESCE(i.url, ''), i.title, f.url, f.name, i.published,
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
            let query = fts_query(search);
            arg(
                &mut sql,
                " AND (i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?#)",
                Box::new(query.clone()),
            );
            arg(
                &mut sql,
                " OR i.url IN (SELECT a.url FROM articles a WHERE a.id IN
                   (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?#)))",
                Box::new(query),
            );
        }
        arg(
            &mut sql,
            " ORDER BY COALESCE(i.published, i.first_seen) DESC, i.id DESC LIMIT ?#",
            Box::new(i64::try_from(filter.limit).unwrap_or(i64::MAX)),
        );
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
