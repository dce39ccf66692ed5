//! The `articles` table: fetched article pages, one row per item link, with the current
//! version's text and validators for live re-checks.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use std::collections::HashMap;

use super::{Context, Result, Store, parse_ts, ts, ts_opt};
use crate::extract::page::PageVersion;
use crate::model::{Article, Observation, StoredArticle};

/// What a fetch of an article page brought, to be stored.
#[derive(Debug, Clone)]
pub struct ArticleVersion<'a> {
    /// The item's link.
    pub url: &'a str,
    /// The version as the page step read it.
    pub page: &'a PageVersion,
    /// Validators for the next re-check.
    pub etag: Option<&'a str>,
    /// Validators for the next re-check.
    pub last_modified: Option<&'a str>,
}

fn article_from_row(row: &rusqlite::Row) -> rusqlite::Result<StoredArticle> {
    let blob: Option<Vec<u8>> = row.get(9)?;
    let figures: Option<String> = row.get(11)?;
    Ok(StoredArticle {
        id: row.get(0)?,
        url: row.get(1)?,
        article: Article {
            title: row.get(2)?,
            text: row.get(3)?,
            published: parse_ts(row.get(4)?),
            updated: parse_ts(row.get(5)?),
        },
        etag: row.get(6)?,
        last_modified: row.get(7)?,
        hash: row.get(8)?,
        shingles: blob.map(|b| decode_shingles(&b)).unwrap_or_default(),
        fetched_at: parse_ts(row.get(10)?).unwrap_or_default(),
        // A column this build cannot read is a version to read again, not an error.
        figures: figures.and_then(|f| serde_json::from_str::<Vec<Observation>>(&f).ok()),
    })
}

const COLUMNS: &str = "id, url, title, text, published, updated, etag, last_modified, hash, \
     shingles, fetched_at, figures";

/// Each article's first and last fetch on the news clock, by URL.
pub type RecheckMarks = HashMap<String, (DateTime<Utc>, DateTime<Utc>)>;

impl Store {
    /// The stored article at `url`.
    pub fn article(&self, url: &str) -> Result<Option<StoredArticle>> {
        let sql = format!("SELECT {COLUMNS} FROM articles WHERE url = ?1");
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([url], article_from_row).optional())
            .what(|| format!("read article {url}"))
    }

    /// The stored articles among `urls`, by URL, in one query.
    pub fn articles(&self, urls: &[String]) -> Result<HashMap<String, StoredArticle>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM articles WHERE url IN (SELECT value FROM json_each(?1))"
        );
        let list = serde_json::to_string(urls).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare_cached(&sql).what(|| sql.clone())?;
        let rows = stmt
            .query_map([list], article_from_row)
            .what(|| format!("read {} articles", urls.len()))?;
        rows.map(|r| r.map(|a| (a.url.clone(), a)))
            .collect::<rusqlite::Result<_>>()
            .what(|| format!("read {} articles", urls.len()))
    }

    /// Stores a fetched version; returns true when it differs from the stored one (or is the
    /// first), so its figures should be read.
    pub fn save_article(&mut self, version: &ArticleVersion, at: DateTime<Utc>) -> Result<bool> {
        const FIND: &str = "SELECT hash FROM articles WHERE url = ?1";
        const INSERT: &str = "INSERT INTO articles
            (url, title, text, published, updated, etag, last_modified, hash, shingles,
             fetched_at, checked_at, figures)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)";
        const UPDATE: &str = "UPDATE articles SET title = ?2, text = ?3, published = ?4,
            updated = ?5, etag = ?6, last_modified = ?7, hash = ?8, shingles = ?9,
            checked_at = ?10, changed_at = ?10, error = NULL, version = version + 1,
            figures = ?11
            WHERE url = ?1";
        const TOUCH: &str = "UPDATE articles SET checked_at = ?2, error = NULL,
            etag = COALESCE(?3, etag), last_modified = COALESCE(?4, last_modified),
            figures = COALESCE(figures, ?5)
            WHERE url = ?1";
        let page = version.page;
        let a = &page.article;
        let figures = serde_json::to_string(&page.figures).ok();
        let old: Option<String> = self
            .conn
            .query_row(FIND, [version.url], |r| r.get(0))
            .optional()
            .what(|| format!("look up article {}", version.url))?;
        let at = ts(at);
        let args = params![
            version.url,
            a.title,
            a.text,
            ts_opt(a.published),
            ts_opt(a.updated),
            version.etag,
            version.last_modified,
            page.hash,
            encode_shingles(&page.shingles),
            at,
            figures
        ];
        match old {
            None => self.conn.execute(INSERT, args).map(|_| true),
            Some(h) if h == page.hash => self
                .conn
                .execute(
                    TOUCH,
                    params![
                        version.url,
                        at,
                        version.etag,
                        version.last_modified,
                        figures
                    ],
                )
                .map(|_| false),
            Some(_) => self.conn.execute(UPDATE, args).map(|_| true),
        }
        .what(|| format!("save article {}", version.url))
    }

    /// Each of `urls`' first and last fetch on the news clock, where both are recorded.
    pub fn recheck_marks(&self, urls: &[String]) -> Result<RecheckMarks> {
        const SQL: &str = "SELECT url, recheck_first, recheck_last FROM articles
            WHERE url IN (SELECT value FROM json_each(?1))
              AND recheck_first IS NOT NULL AND recheck_last IS NOT NULL";
        let list = serde_json::to_string(urls).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.to_string())?;
        let rows = stmt
            .query_map([list], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    parse_ts(r.get(1)?),
                    parse_ts(r.get(2)?),
                ))
            })
            .what(|| format!("read the re-check times of {} articles", urls.len()))?;
        let mut out = HashMap::new();
        for row in rows {
            let (url, first, last) =
                row.what(|| format!("read the re-check times of {} articles", urls.len()))?;
            if let (Some(first), Some(last)) = (first, last) {
                out.insert(url, (first, last));
            }
        }
        Ok(out)
    }

    /// Records that `urls` were fetched at news-clock time `at` (the first time too, once).
    pub fn mark_rechecked(&mut self, urls: &[String], at: DateTime<Utc>) -> Result<()> {
        const SQL: &str = "UPDATE articles
            SET recheck_first = COALESCE(recheck_first, ?2), recheck_last = ?2
            WHERE url IN (SELECT value FROM json_each(?1))";
        let list = serde_json::to_string(urls).unwrap_or_else(|_| "[]".into());
        self.conn
            .execute(SQL, params![list, ts(at)])
            .map(drop)
            .what(|| format!("note the re-check of {} articles", urls.len()))
    }

    /// Notes a re-check that found nothing new (304), or failed.
    pub fn article_checked(
        &mut self,
        url: &str,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const SQL: &str = "UPDATE articles SET checked_at = ?2, error = ?3 WHERE url = ?1";
        self.conn
            .execute(SQL, params![url, ts(at), error])
            .map(drop)
            .what(|| format!("note re-check of article {url}"))
    }
}

fn encode_shingles(shingles: &[u64]) -> Vec<u8> {
    shingles.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// Shingles stored as little-endian u64s.
pub(super) fn decode_shingles(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            u64::from_le_bytes(b)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FigureKind, Qualifier};

    fn page(text: &str, hash: &str, figures: Vec<Observation>) -> PageVersion {
        PageVersion {
            article: Article {
                text: text.into(),
                ..Article::default()
            },
            hash: hash.into(),
            shingles: vec![3, 1, 2],
            figures,
        }
    }

    fn killed(value: u64) -> Observation {
        Observation {
            kind: FigureKind::Killed,
            value,
            qualifier: Qualifier::AtLeast,
            sentence: format!("At least {value} people were killed."),
            term: "killed".into(),
        }
    }

    fn save(store: &mut Store, url: &str, page: &PageVersion) -> bool {
        let version = ArticleVersion {
            url,
            page,
            etag: None,
            last_modified: None,
        };
        store.save_article(&version, Utc::now()).unwrap()
    }

    #[test]
    fn versions_keep_their_figures_and_are_read_in_one_query() {
        let mut store = Store::memory().unwrap();
        assert!(save(
            &mut store,
            "https://a.example/1",
            &page("a", "h1", vec![killed(4)])
        ));
        assert!(save(
            &mut store,
            "https://a.example/2",
            &page("b", "h2", vec![])
        ));
        // The same version again is not new; a changed one is, with its own figures.
        assert!(!save(
            &mut store,
            "https://a.example/1",
            &page("a", "h1", vec![killed(4)])
        ));
        assert!(save(
            &mut store,
            "https://a.example/2",
            &page("c", "h3", vec![killed(9)])
        ));
        let urls = [
            "https://a.example/1",
            "https://a.example/2",
            "https://a.example/none",
        ]
        .map(String::from);
        let got = store.articles(&urls).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got["https://a.example/1"].figures, Some(vec![killed(4)]));
        assert_eq!(got["https://a.example/2"].figures, Some(vec![killed(9)]));
        assert_eq!(got["https://a.example/2"].shingles, vec![3, 1, 2]);
        assert_eq!(
            Some(&got["https://a.example/1"]),
            store.article(&urls[0]).unwrap().as_ref()
        );
    }

    #[test]
    fn a_version_stored_without_figures_gets_them_when_seen_again() {
        let mut store = Store::memory().unwrap();
        save(&mut store, "https://a.example/1", &page("a", "h1", vec![]));
        store
            .conn
            .execute("UPDATE articles SET figures = NULL", [])
            .unwrap();
        let url = "https://a.example/1";
        assert_eq!(store.article(url).unwrap().unwrap().figures, None);
        assert!(!save(&mut store, url, &page("a", "h1", vec![killed(2)])));
        assert_eq!(
            store.article(url).unwrap().unwrap().figures,
            Some(vec![killed(2)])
        );
    }
}
