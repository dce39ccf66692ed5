//! Retention: deleting what no story needs any more, old unmatched items and the article
//! text nobody refers to, while keeping matches, verdicts, baselines and figure observations.

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::{Context, Result, Store, ts};

/// What a prune removed (or, in a dry run, would remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Items first seen before the cutoff that no story matched and no person judged.
    pub items: usize,
    /// Article pages checked before the cutoff that no kept matched item, verdict or
    /// observation refers to.
    pub articles: usize,
}

/// Items that may go: first seen before `?1`, no match for any story, no person's verdict,
/// and no figure observation read from their page.
const PRUNABLE_ITEMS: &str = "FROM items i
    WHERE i.first_seen < ?1
      AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.item_id = i.id)
      AND (i.url IS NULL OR (
            NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.url = i.url)
        AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.url = i.url)))";

/// Articles that may go once those items are gone: last checked before `?1` (so a page in
/// use by the pipeline is never pulled from under it), and not the page of any matched
/// item, verdict, observation or baseline.
const PRUNABLE_ARTICLES: &str = "FROM articles a
    WHERE a.checked_at < ?1
      AND NOT EXISTS (SELECT 1 FROM items i JOIN matches m ON m.item_id = i.id
                      WHERE i.url = a.url)
      AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.url = a.url)
      AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.url = a.url)
      AND NOT EXISTS (SELECT 1 FROM baselines b WHERE b.source = a.url)";

impl Store {
    /// Removes what nothing needs from before `cutoff`; with `dry_run` only counts it. One
    /// transaction, so an interrupted prune removes nothing.
    pub fn prune(&mut self, cutoff: DateTime<Utc>, dry_run: bool) -> Result<Pruned> {
        let cutoff = ts(cutoff);
        let tx = self.conn.transaction().what(|| "begin prune".into())?;
        let pruned = if dry_run {
            Pruned {
                items: count(&tx, PRUNABLE_ITEMS, &cutoff, "items")?,
                // Articles are counted as they stand: deleting items never frees an article
                // that a matched item, verdict or observation still names.
                articles: count(&tx, PRUNABLE_ARTICLES, &cutoff, "articles")?,
            }
        } else {
            let items = tx
                .execute(
                    &format!("DELETE FROM items WHERE id IN (SELECT i.id {PRUNABLE_ITEMS})"),
                    [&cutoff],
                )
                .what(|| format!("prune items first seen before {cutoff}"))?;
            let articles = tx
                .execute(
                    &format!("DELETE FROM articles WHERE id IN (SELECT a.id {PRUNABLE_ARTICLES})"),
                    [&cutoff],
                )
                .what(|| format!("prune articles checked before {cutoff}"))?;
            // A failure is remembered for its item's sake: with the last item linking to
            // it gone, so is the reason to remember it.
            tx.execute(
                "DELETE FROM article_failures WHERE last_failed_at < ?1
                   AND NOT EXISTS (SELECT 1 FROM items i WHERE i.url = article_failures.url)",
                [&cutoff],
            )
            .what(|| format!("prune fetch failures before {cutoff}"))?;
            Pruned { items, articles }
        };
        tx.commit().what(|| "commit prune".into())?;
        Ok(pruned)
    }
}

fn count(tx: &Transaction, from: &str, cutoff: &str, what: &str) -> Result<usize> {
    let sql = format!("SELECT COUNT(*) {from}");
    tx.query_row(&sql, [cutoff], |row| row.get::<_, i64>(0))
        .map(|n| usize::try_from(n).unwrap_or(0))
        .what(|| format!("count prunable {what} before {cutoff}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::page::PageVersion;
    use crate::model::Verdict;
    use crate::model::{Article, Item};
    use crate::store::testing::store_with_feed;
    use crate::store::{ArticleVersion, FetchRecord};
    use chrono::{Duration, TimeZone};

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, day, 12, 0, 0).unwrap()
    }

    fn item(slug: &str) -> Item {
        Item {
            guid: Some(slug.into()),
            url: Some(format!("https://paper.example/{slug}")),
            title: format!("Harbour report {slug}"),
            summary: "Ferries stayed in port while the storm passed.".into(),
            ..Default::default()
        }
    }

    /// A store with items `old-*` first seen on day 1 and `new` on day 20, each with an
    /// article page checked the same day; `old-matched` is a match, `old-judged` rejected
    /// by a person.
    fn store() -> Store {
        let (mut store, feed) = store_with_feed("https://paper.example/rss", None);
        let mut ids = Vec::new();
        for (slugs, day) in [
            (&["old-matched", "old-judged", "old-plain"][..], 1),
            (&["new"][..], 20),
        ] {
            let record = FetchRecord {
                at: at(day),
                status: Some(200),
                next_fetch: at(day),
                ..Default::default()
            };
            let items: Vec<Item> = slugs.iter().map(|s| item(s)).collect();
            let saved = store.commit_feed(feed, &record, &items).unwrap();
            ids.extend(saved.iter().map(|s| s.id));
            for slug in slugs {
                let url = format!("https://paper.example/{slug}");
                let page = PageVersion {
                    article: Article {
                        title: Some((*slug).into()),
                        text: "Ferries stayed in port.".into(),
                        published: None,
                        updated: None,
                    },
                    hash: (*slug).into(),
                    ..PageVersion::default()
                };
                let version = ArticleVersion {
                    url: &url,
                    page: &page,
                    etag: None,
                    last_modified: None,
                };
                store.save_article(&version, at(day)).unwrap();
            }
        }
        let matched = ids[0];
        store
            .save_match("harbour", matched, 0.9, "{}", matched, at(2))
            .unwrap();
        store
            .set_verdict(
                "harbour",
                "https://paper.example/old-judged",
                Verdict::Rejected,
                at(2),
            )
            .unwrap();
        store
    }

    fn urls(store: &Store, table: &str) -> Vec<String> {
        let sql = format!("SELECT url FROM {table} ORDER BY url");
        let mut stmt = store.conn.prepare(&sql).unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|u| u.unwrap())
            .collect()
    }

    #[test]
    fn old_unmatched_items_go_and_matched_ones_stay() {
        let mut store = store();
        let pruned = store.prune(at(10), false).unwrap();
        assert_eq!(
            pruned,
            Pruned {
                items: 1,
                articles: 1
            }
        );
        let kept = [
            "https://paper.example/new",
            "https://paper.example/old-judged",
            "https://paper.example/old-matched",
        ];
        assert_eq!(urls(&store, "items"), kept);
        assert_eq!(urls(&store, "articles"), kept);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn dry_run_counts_and_changes_nothing() {
        let mut store = store();
        let before = (urls(&store, "items"), urls(&store, "articles"));
        let counted = store.prune(at(10), true).unwrap();
        assert_eq!(
            counted,
            Pruned {
                items: 1,
                articles: 1
            }
        );
        assert_eq!((urls(&store, "items"), urls(&store, "articles")), before);
        assert_eq!(store.prune(at(10), false).unwrap(), counted);
    }

    #[test]
    fn a_cutoff_before_everything_removes_nothing() {
        let mut store = store();
        assert_eq!(
            store.prune(at(1) - Duration::hours(1), false).unwrap(),
            Pruned::default()
        );
        assert_eq!(urls(&store, "items").len(), 4);
    }
}
