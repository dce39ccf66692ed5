//! The `baselines` and `verdicts` tables: each story's baseline article, fetched once, and
//! people's verdicts on single items.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Context, Result, Store, parse_ts, ts, ts_opt};
use crate::model::{Article, Verdict};

/// A stored baseline: where it came from and what was read.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// URL or file path.
    pub source: String,
    /// What extraction read.
    pub article: Article,
}

/// The last complete story round: what it judged with and how far it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryRound {
    /// A hash of the build and the stories as configured and read.
    pub fingerprint: String,
    /// The newest item it saw.
    pub last_item: i64,
    /// The newest item when it last judged the whole re-judge window (`None`: unknown).
    pub weights_item: Option<i64>,
}

impl Store {
    /// The stored baseline of a story, if it was ever read.
    pub fn baseline(&self, story: &str) -> Result<Option<Baseline>> {
        const SQL: &str =
            "SELECT source, title, text, published, updated FROM baselines WHERE story_id = ?1";
        self.conn
            .query_row(SQL, [story], |row| {
                Ok(Baseline {
                    source: row.get(0)?,
                    article: Article {
                        title: row.get(1)?,
                        text: row.get(2)?,
                        published: parse_ts(row.get(3)?),
                        updated: parse_ts(row.get(4)?),
                    },
                })
            })
            .optional()
            .what(|| format!("read baseline of story {story}"))
    }

    /// Keeps a story's baseline article (replacing one read from another source).
    pub fn save_baseline(
        &mut self,
        story: &str,
        source: &str,
        article: &Article,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const SQL: &str = "INSERT OR REPLACE INTO baselines
            (story_id, source, title, text, published, updated, fetched_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
        self.conn
            .execute(
                SQL,
                params![
                    story,
                    source,
                    article.title,
                    article.text,
                    ts_opt(article.published),
                    ts_opt(article.updated),
                    ts(at)
                ],
            )
            .map(drop)
            .what(|| format!("save baseline of story {story}"))
    }

    /// Records a person's verdict on the item at `url` for `story`.
    pub fn set_verdict(
        &mut self,
        story: &str,
        url: &str,
        verdict: Verdict,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const SQL: &str = "INSERT OR REPLACE INTO verdicts (story_id, url, verdict, decided_at)
            VALUES (?1, ?2, ?3, ?4)";
        self.conn
            .execute(SQL, params![story, url, verdict.as_str(), ts(at)])
            .map(drop)
            .what(|| format!("record verdict on {url} for story {story}"))
    }

    /// The last complete story round, if any.
    pub fn last_story_round(&self) -> Result<Option<StoryRound>> {
        const SQL: &str =
            "SELECT fingerprint, last_item, weights_item FROM story_rounds WHERE id = 1";
        self.conn
            .query_row(SQL, [], |r| {
                Ok(StoryRound {
                    fingerprint: r.get(0)?,
                    last_item: r.get(1)?,
                    weights_item: r.get(2)?,
                })
            })
            .optional()
            .what(|| "read the last story round".into())
    }

    /// Records a complete story round (see [`Self::last_story_round`]).
    pub fn save_story_round(&mut self, round: &StoryRound, at: DateTime<Utc>) -> Result<()> {
        const SQL: &str = "INSERT OR REPLACE INTO story_rounds
            (id, fingerprint, last_item, weights_item, finished_at) VALUES (1, ?1, ?2, ?3, ?4)";
        self.conn
            .execute(
                SQL,
                params![
                    round.fingerprint,
                    round.last_item,
                    round.weights_item,
                    ts(at)
                ],
            )
            .map(drop)
            .what(|| "record the story round".into())
    }

    /// People's verdicts on `story`'s items, by URL: few, so read whole once per round.
    pub fn verdicts(&self, story: &str) -> Result<HashMap<String, Verdict>> {
        const SQL: &str = "SELECT url, verdict FROM verdicts WHERE story_id = ?1";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([story], |r| {
                Ok((r.get::<_, String>(0)?, verdict_of(&r.get::<_, String>(1)?)))
            })
            .what(|| format!("read verdicts of {story}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("read verdicts of {story}"))
    }

    /// A person's verdict on `url` for `story`, if any.
    pub fn verdict(&self, story: &str, url: &str) -> Result<Option<Verdict>> {
        const SQL: &str = "SELECT verdict FROM verdicts WHERE story_id = ?1 AND url = ?2";
        let text: Option<String> = self
            .conn
            .query_row(SQL, params![story, url], |r| r.get(0))
            .optional()
            .what(|| format!("read verdict on {url}"))?;
        Ok(text.as_deref().map(verdict_of))
    }
}

/// A stored verdict's text as a verdict; anything but "confirmed" rejects.
fn verdict_of(text: &str) -> Verdict {
    if text == "confirmed" {
        Verdict::Confirmed
    } else {
        Verdict::Rejected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storys_verdicts_are_read_in_one_go_and_agree_with_the_single_read() {
        let mut store = Store::memory().unwrap();
        let at = Utc::now();
        for (story, url, verdict) in [
            ("flood", "https://a.example/1", Verdict::Confirmed),
            ("flood", "https://a.example/2", Verdict::Rejected),
            ("quake", "https://a.example/1", Verdict::Rejected),
        ] {
            store.set_verdict(story, url, verdict, at).unwrap();
        }
        let flood = store.verdicts("flood").unwrap();
        assert_eq!(flood.len(), 2);
        assert_eq!(flood["https://a.example/1"], Verdict::Confirmed);
        assert_eq!(flood["https://a.example/2"], Verdict::Rejected);
        for (url, verdict) in &flood {
            assert_eq!(store.verdict("flood", url).unwrap(), Some(*verdict));
        }
        assert!(store.verdicts("none").unwrap().is_empty());
    }
}
