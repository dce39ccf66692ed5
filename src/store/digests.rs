//! The `digests` and `alerts` tables: which periods of a story were written or mailed as a
//! digest, what alerts announced; plus the matched articles' text the digest reads names from.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Context, Result, Store, parse_ts, ts};

/// How a recorded digest left the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Written to a file with `--output`.
    File,
    /// Mailed with `--send`.
    Mail,
}

impl Delivery {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::File => "file",
            Delivery::Mail => "mail",
        }
    }
}

/// One recorded digest of one story.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestRecord {
    /// The story.
    pub story: String,
    /// First instant the digest covered.
    pub start: DateTime<Utc>,
    /// The instant it was made; the next digest starts here.
    pub end: DateTime<Utc>,
    /// Its form (`text`, `html`, …).
    pub format: String,
    /// How it was delivered.
    pub delivery: String,
    /// The file or the recipients.
    pub destination: String,
}

/// A matched item with the text the digest reads names from.
#[derive(Debug, Clone)]
pub struct MatchedText {
    /// The item's near-duplicate group.
    pub group: i64,
    /// When followup first saw the item.
    pub first_seen: DateTime<Utc>,
    /// The item's headline.
    pub title: String,
    /// The article's main text, else the item's summary.
    pub text: String,
}

impl Store {
    /// Records that a digest of `story` covering `[start, end)` was delivered.
    pub fn record_digest(&mut self, record: &DigestRecord, made_at: DateTime<Utc>) -> Result<()> {
        const SQL: &str = "INSERT INTO digests
            (story_id, period_start, period_end, made_at, format, delivery, destination)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
        self.conn
            .execute(
                SQL,
                params![
                    record.story,
                    ts(record.start),
                    ts(record.end),
                    ts(made_at),
                    record.format,
                    record.delivery,
                    record.destination
                ],
            )
            .map(drop)
            .what(|| format!("record digest of story {}", record.story))
    }

    /// The most recent recorded digest of `story` (of one delivery, or of any when `None`).
    pub fn last_digest(
        &self,
        story: &str,
        delivery: Option<Delivery>,
    ) -> Result<Option<DigestRecord>> {
        const SQL: &str = "SELECT story_id, period_start, period_end, format, delivery, destination
            FROM digests WHERE story_id = ?1 AND (?2 IS NULL OR delivery = ?2)
            ORDER BY period_end DESC, id DESC LIMIT 1";
        self.conn
            .query_row(SQL, params![story, delivery.map(Delivery::as_str)], |r| {
                Ok(DigestRecord {
                    story: r.get(0)?,
                    start: parse_ts(r.get(1)?).unwrap_or_default(),
                    end: parse_ts(r.get(2)?).unwrap_or_default(),
                    format: r.get(3)?,
                    delivery: r.get(4)?,
                    destination: r.get(5)?,
                })
            })
            .optional()
            .what(|| format!("read last digest of story {story}"))
    }

    /// Whether digests of `story` delivered by `delivery` already covered everything from
    /// `start` through `through`: one began at or before `start` and ended after `through`.
    pub fn digest_covers(
        &self,
        story: &str,
        delivery: Delivery,
        start: DateTime<Utc>,
        through: DateTime<Utc>,
    ) -> Result<bool> {
        const SQL: &str = "SELECT EXISTS (SELECT 1 FROM digests
            WHERE story_id = ?1 AND delivery = ?2 AND period_start <= ?3 AND period_end > ?4)";
        self.conn
            .query_row(
                SQL,
                params![story, delivery.as_str(), ts(start), ts(through)],
                |r| r.get(0),
            )
            .what(|| format!("check digests of story {story}"))
    }

    /// When the most recent observation of `story` was stored (local clock), if any.
    pub fn last_observed(&self, story: &str) -> Result<Option<DateTime<Utc>>> {
        const SQL: &str =
            "SELECT MAX(observed_at) FROM observations WHERE story_id = ?1 AND baseline = 0";
        self.conn
            .query_row(SQL, [story], |r| r.get(0))
            .map(parse_ts)
            .what(|| format!("read last observation of story {story}"))
    }

    /// The newest `limit` matched items of `story` (rejected ones left out) with their
    /// article text, else their summary.
    pub fn matched_texts(&self, story: &str, limit: usize) -> Result<Vec<MatchedText>> {
        const SQL: &str = "SELECT m.grp, i.first_seen, COALESCE(a.title, i.title),
                CASE WHEN COALESCE(a.text, '') = '' THEN i.summary ELSE a.text END
            FROM matches m JOIN items i ON i.id = m.item_id
            LEFT JOIN articles a ON a.url = i.url
            LEFT JOIN verdicts v ON v.story_id = m.story_id AND v.url = i.url
            WHERE m.story_id = ?1 AND COALESCE(v.verdict, '') != 'rejected'
            ORDER BY i.first_seen DESC, i.id DESC LIMIT ?2";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![story, limit], |r| {
                Ok(MatchedText {
                    group: r.get(0)?,
                    first_seen: parse_ts(r.get(1)?).unwrap_or_default(),
                    title: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    text: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                })
            })
            .what(|| format!("list matched texts of {story}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("list matched texts of {story}"))
    }

    /// What `channel` has announced for `story`: key → value.
    pub fn announced(&self, story: &str, channel: &str) -> Result<HashMap<String, String>> {
        const SQL: &str = "SELECT key, value FROM alerts WHERE story_id = ?1 AND channel = ?2";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map(params![story, channel], |r| Ok((r.get(0)?, r.get(1)?)))
            .what(|| format!("list alerts of {story}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("list alerts of {story}"))
    }

    /// Notes that `channel` announced `value` under `key` for `story`.
    pub fn mark_announced(
        &mut self,
        story: &str,
        channel: &str,
        key: &str,
        value: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const SQL: &str = "INSERT INTO alerts (story_id, channel, key, value, announced_at)
            VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (story_id, channel, key) DO UPDATE SET
                value = excluded.value, announced_at = excluded.announced_at";
        self.conn
            .execute(SQL, params![story, channel, key, value, ts(at)])
            .map(drop)
            .what(|| format!("record alert {key} of story {story}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2031, 5, 10, hour, 0, 0).unwrap()
    }

    fn record(start: u32, end: u32, delivery: Delivery) -> DigestRecord {
        DigestRecord {
            story: "flood".into(),
            start: at(start),
            end: at(end),
            format: "html".into(),
            delivery: delivery.as_str().into(),
            destination: "desk@example.org".into(),
        }
    }

    #[test]
    fn last_digest_is_per_delivery() {
        let mut store = Store::memory().unwrap();
        assert_eq!(store.last_digest("flood", None).unwrap(), None);
        store
            .record_digest(&record(1, 5, Delivery::Mail), at(5))
            .unwrap();
        store
            .record_digest(&record(2, 7, Delivery::File), at(7))
            .unwrap();
        let mail = store
            .last_digest("flood", Some(Delivery::Mail))
            .unwrap()
            .unwrap();
        assert_eq!(mail.end, at(5));
        assert_eq!(
            store.last_digest("flood", None).unwrap().unwrap().end,
            at(7)
        );
        assert_eq!(store.last_digest("quake", None).unwrap(), None);
    }

    #[test]
    fn coverage_needs_both_ends() {
        let mut store = Store::memory().unwrap();
        store
            .record_digest(&record(1, 5, Delivery::Mail), at(5))
            .unwrap();
        assert!(
            store
                .digest_covers("flood", Delivery::Mail, at(1), at(4))
                .unwrap()
        );
        assert!(
            !store
                .digest_covers("flood", Delivery::Mail, at(1), at(5))
                .unwrap()
        );
        assert!(
            store
                .digest_covers("flood", Delivery::Mail, at(3), at(4))
                .unwrap()
        );
        assert!(
            !store
                .digest_covers("flood", Delivery::Mail, at(3), at(6))
                .unwrap()
        );
        assert!(
            !store
                .digest_covers("flood", Delivery::Mail, at(0), at(4))
                .unwrap()
        );
        assert!(
            !store
                .digest_covers("flood", Delivery::File, at(3), at(4))
                .unwrap()
        );
    }

    #[test]
    fn announcements_are_replaced() {
        let mut store = Store::memory().unwrap();
        store
            .mark_announced("flood", "command", "figure:killed", "12", at(1))
            .unwrap();
        store
            .mark_announced("flood", "command", "figure:killed", "19", at(2))
            .unwrap();
        let seen = store.announced("flood", "command").unwrap();
        assert_eq!(seen.get("figure:killed").map(String::as_str), Some("19"));
        assert!(store.announced("flood", "webhook").unwrap().is_empty());
    }
}
