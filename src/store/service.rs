//! Scheduling queries of the long-running service: which configured feeds are due, when the
//! next one is, and pulling a feed's next fetch forward after a config reload.
//!
//! They take the configured URLs because rows of feeds removed from the config stay (their
//! items are history): left in the schedule, they would crowd the due list and keep the
//! scheduler awake for feeds it will never fetch.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Context, Result, Store, parse_ts, ts};

/// The configured URLs as a JSON array, for `json_each`: one bound parameter however many.
fn url_list(urls: &[String]) -> String {
    serde_json::to_string(urls).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// URLs among `urls` due at `now` (never fetched first), soonest first, at most `limit`.
    pub fn due_among(
        &self,
        urls: &[String],
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<String>> {
        const SQL: &str = "SELECT url FROM feeds
             WHERE gone = 0 AND (next_fetch IS NULL OR next_fetch <= ?1)
               AND url IN (SELECT value FROM json_each(?3))
             ORDER BY next_fetch IS NOT NULL, next_fetch LIMIT ?2";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![ts(now), limit, url_list(urls)], |row| row.get(0))
            .what(|| "list due configured feeds".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list due configured feeds".into())
    }

    /// The earliest scheduled fetch among the live feeds in `urls`; `None` when none is
    /// scheduled (a never-fetched feed has no time and is due at once, see [`Self::due_among`]).
    pub fn next_due_among(&self, urls: &[String]) -> Result<Option<DateTime<Utc>>> {
        const SQL: &str = "SELECT MIN(next_fetch) FROM feeds
             WHERE gone = 0 AND url IN (SELECT value FROM json_each(?1))";
        self.conn
            .query_row(SQL, [url_list(urls)], |row| row.get(0))
            .map(parse_ts)
            .what(|| "read next due configured feed".into())
    }

    /// How many feeds among `urls` are marked gone.
    pub fn gone_among(&self, urls: &[String]) -> Result<usize> {
        const SQL: &str = "SELECT COUNT(*) FROM feeds
             WHERE gone = 1 AND url IN (SELECT value FROM json_each(?1))";
        self.conn
            .query_row(SQL, [url_list(urls)], |row| row.get::<_, i64>(0))
            .map(|n| usize::try_from(n).unwrap_or(0))
            .what(|| "count gone configured feeds".into())
    }

    /// Moves a healthy feed's next fetch forward to `at` if it is later, so a shortened
    /// interval takes effect now instead of after the old one. Failing feeds keep their
    /// backoff: a config edit must not bypass a server's Retry-After.
    pub fn reschedule_before(&mut self, url: &str, at: DateTime<Utc>) -> Result<()> {
        const SQL: &str = "UPDATE feeds SET next_fetch = ?2
             WHERE url = ?1 AND error_count = 0 AND next_fetch > ?2";
        self.conn
            .execute(SQL, params![url, ts(at)])
            .what(|| format!("reschedule feed {url}"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FeedLine;
    use crate::store::FetchRecord;
    use crate::store::testing::feed_line;
    use chrono::TimeZone;

    fn feed(url: &str) -> FeedLine {
        feed_line(url, None)
    }

    #[test]
    fn removed_feeds_leave_the_schedule() {
        let mut store = Store::memory().unwrap();
        store
            .sync_feeds(&[feed("https://a.example/1"), feed("https://a.example/2")])
            .unwrap();
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let configured = vec!["https://a.example/2".to_string()];
        assert_eq!(
            store.due_among(&configured, now, 10).unwrap(),
            vec!["https://a.example/2"]
        );
        let id = store.feed("https://a.example/1").unwrap().unwrap().id;
        let record = FetchRecord {
            at: now,
            status: Some(200),
            next_fetch: now,
            ..Default::default()
        };
        store.commit_feed(id, &record, &[]).unwrap();
        assert_eq!(store.next_due_among(&configured).unwrap(), None);
        let all = vec!["https://a.example/1".to_string()];
        assert_eq!(store.next_due_among(&all).unwrap(), Some(now));
    }

    #[test]
    fn reschedule_only_pulls_healthy_feeds_forward() {
        let mut store = Store::memory().unwrap();
        store
            .sync_feeds(&[feed("https://a.example/ok"), feed("https://a.example/bad")])
            .unwrap();
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let later = now + chrono::Duration::hours(6);
        for (url, error) in [
            ("https://a.example/ok", None),
            ("https://a.example/bad", Some("HTTP 429".to_string())),
        ] {
            let id = store.feed(url).unwrap().unwrap().id;
            let record = FetchRecord {
                at: now,
                error,
                next_fetch: later,
                ..Default::default()
            };
            store.commit_feed(id, &record, &[]).unwrap();
        }
        let soon = now + chrono::Duration::minutes(5);
        store
            .reschedule_before("https://a.example/ok", soon)
            .unwrap();
        store
            .reschedule_before("https://a.example/bad", soon)
            .unwrap();
        store
            .reschedule_before("https://a.example/ok", later)
            .unwrap();
        let next = |url: &str| store.feed(url).unwrap().unwrap().next_fetch;
        assert_eq!(next("https://a.example/ok"), Some(soon));
        assert_eq!(next("https://a.example/bad"), Some(later));
    }
}
