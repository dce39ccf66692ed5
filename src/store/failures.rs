//! The `article_failures` table: article pages that could not be fetched, remembered per
//! link so a failure is asked again only when its time comes (or its item changes).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Context, Result, Store, parse_ts, ts, ts_opt};
use crate::model::ArticleFailure;

impl Store {
    /// The remembered failures among `urls`, by link, in one query.
    pub fn article_failures(&self, urls: &[String]) -> Result<HashMap<String, ArticleFailure>> {
        const SQL: &str = "SELECT url, cause, failures, retry_at
            FROM article_failures WHERE url IN (SELECT value FROM json_each(?1))";
        if urls.is_empty() {
            return Ok(HashMap::new());
        }
        let list = serde_json::to_string(urls).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([list], |r| {
                Ok(ArticleFailure {
                    url: r.get(0)?,
                    cause: r.get(1)?,
                    failures: r.get(2)?,
                    retry_at: parse_ts(r.get(3)?),
                })
            })
            .what(|| format!("read the fetch failures of {} links", urls.len()))?;
        rows.map(|r| r.map(|f| (f.url.clone(), f)))
            .collect::<rusqlite::Result<_>>()
            .what(|| format!("read the fetch failures of {} links", urls.len()))
    }

    /// Remembers a failed fetch of `url`: `retry_at` as [`ArticleFailure::retry_at`];
    /// consecutive failures are counted on from the stored row. Returns the count.
    pub fn save_article_failure(
        &mut self,
        url: &str,
        cause: &str,
        retry_at: impl FnOnce(u32) -> Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<u32> {
        const COUNT: &str = "SELECT failures FROM article_failures WHERE url = ?1";
        const SAVE: &str = "INSERT INTO article_failures
                (url, cause, failures, first_failed_at, last_failed_at, retry_at)
            VALUES (?1, ?2, ?3, ?4, ?4, ?5)
            ON CONFLICT (url) DO UPDATE SET cause = excluded.cause,
                failures = excluded.failures, last_failed_at = excluded.last_failed_at,
                retry_at = excluded.retry_at";
        let before: u32 = self
            .conn
            .query_row(COUNT, [url], |r| r.get(0))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(0),
                e => Err(e),
            })
            .what(|| format!("read the fetch failures of {url}"))?;
        let failures = before.saturating_add(1);
        let retry = retry_at(failures);
        self.conn
            .execute(SAVE, params![url, cause, failures, ts(at), ts_opt(retry)])
            .what(|| format!("remember the failed fetch of {url}"))?;
        Ok(failures)
    }

    /// Forgets a link's failures (it was fetched).
    pub fn clear_article_failure(&mut self, url: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM article_failures WHERE url = ?1", [url])
            .map(drop)
            .what(|| format!("forget the failed fetches of {url}"))
    }

    /// Ids of stored items whose article's retry has come (`retry_at` at or before `now`):
    /// a round judges them again, as if they had changed.
    pub fn items_due_retry(&self, now: DateTime<Utc>) -> Result<Vec<i64>> {
        const SQL: &str = "SELECT i.id FROM article_failures a JOIN items i ON i.url = a.url
            WHERE a.retry_at IS NOT NULL AND a.retry_at <= ?1 ORDER BY i.id";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([ts(now)], |r| r.get(0))
            .what(|| "list items whose article is due a retry".into())?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| "list items whose article is due a retry".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2031, 3, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(hour.into())
    }

    #[test]
    fn failures_are_counted_remembered_and_forgotten() {
        let mut store = Store::memory().unwrap();
        let url = "https://paper.example/a";
        let gone = store
            .save_article_failure(url, "HTTP 404", |_| None, at(1))
            .unwrap();
        assert_eq!(gone, 1);
        let twice = store
            .save_article_failure(url, "HTTP 503", |n| Some(at(1 + n)), at(2))
            .unwrap();
        assert_eq!(twice, 2);
        let got = store.article_failures(&[url.into(), "https://x.example/".into()]);
        let got = got.unwrap();
        assert_eq!(got.len(), 1);
        let f = &got[url];
        assert_eq!((f.cause.as_str(), f.failures), ("HTTP 503", 2));
        assert_eq!(f.retry_at, Some(at(3)));
        assert!(!f.may_retry(at(2), false) && f.may_retry(at(3), false));
        store.clear_article_failure(url).unwrap();
        assert!(store.article_failures(&[url.into()]).unwrap().is_empty());
        // A permanent failure waits for the item to change, however long.
        let permanent = ArticleFailure {
            retry_at: None,
            ..f.clone()
        };
        assert!(!permanent.may_retry(at(9999), false) && permanent.may_retry(at(2), true));
    }
}
