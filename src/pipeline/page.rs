//! Pages the story stage reads: a baseline, an article, a page named on the command line.
//! Fetched (conditionally when a version is stored, politely: robots.txt and the per-host
//! limits apply) or read from a file, turned into a page version by the page step on the
//! blocking pool, and stored with that version.

use std::path::PathBuf;

use chrono::Utc;
use tracing::{debug, warn};
use url::Url;

use super::{Context, blocking};
use crate::chain::Chain;
use crate::extract::page::{self, PageVersion};
use crate::fetch::{FetchError, FetchOutcome, Fetcher, Validators};
use crate::metrics::{ArticleOutcome, Target};
use crate::model::StoredArticle;

/// Where a page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageSource {
    /// Fetched from this URL.
    Url(Url),
    /// Read from a local file; `url` is where it was published, for links, if known.
    File {
        /// The file.
        path: PathBuf,
        /// Where the page lives on the web.
        url: Option<Url>,
    },
}

/// Why a page could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The request failed.
    #[error("fetching {url}")]
    Fetch {
        /// The page's URL.
        url: Url,
        /// Why.
        #[source]
        source: FetchError,
    },
    /// The server answered, but with no page (304, 410, 429 or 503).
    #[error("fetching {url}: {answer}")]
    NoPage {
        /// The page's URL.
        url: Url,
        /// What came back instead.
        answer: String,
    },
    /// The file could not be read.
    #[error("reading {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Reading the page panicked.
    #[error("reading the page failed")]
    Task(#[source] tokio::task::JoinError),
}

/// A page loaded and read, with the URL it finally came from (after redirects).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The version read.
    pub page: PageVersion,
    /// The page's address, if it has one.
    pub url: Option<Url>,
}

/// Fetches or reads a page and reads it with the page step.
pub async fn load(fetcher: &Fetcher, source: &PageSource) -> Result<Loaded, PageError> {
    let (bytes, content_type, url) = match source {
        PageSource::Url(url) => {
            let fetched = fetcher
                .get(url, &Validators::default())
                .await
                .map_err(|source| PageError::Fetch {
                    url: url.clone(),
                    source,
                })?;
            match fetched.outcome {
                FetchOutcome::Fresh(r) => (r.body, r.content_type, Some(r.url)),
                other => {
                    return Err(PageError::NoPage {
                        url: url.clone(),
                        answer: no_page(&other),
                    });
                }
            }
        }
        PageSource::File { path, url } => {
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|source| PageError::Read {
                    path: path.clone(),
                    source,
                })?;
            (bytes, None, url.clone())
        }
    };
    let base = url.clone();
    let page = tokio::task::spawn_blocking(move || {
        page::read(&bytes, content_type.as_deref(), base.as_ref())
    })
    .await
    .map_err(PageError::Task)?;
    Ok(Loaded { page, url })
}

/// What came back instead of a page, in words.
fn no_page(outcome: &FetchOutcome) -> String {
    match outcome {
        FetchOutcome::Fresh(_) => "a page".into(),
        FetchOutcome::NotModified { .. } => "unexpected 304".into(),
        FetchOutcome::RateLimited { status, .. } => format!("rate limited (HTTP {status})"),
        FetchOutcome::Gone => "gone (HTTP 410)".into(),
    }
}

/// An article as a round holds it: the stored version, and whether this round stored it.
pub type Page = (StoredArticle, bool);

/// The article at `url`: `stored` when there is one and no `refresh` is asked (the item
/// changed), else fetched now.
pub(super) async fn article_for(
    ctx: &Context,
    url: &str,
    stored: Option<StoredArticle>,
    refresh: bool,
) -> Option<Page> {
    match stored {
        Some(stored) if !refresh => Some((stored, false)),
        stored => fetch_article(ctx, url, stored).await,
    }
}

/// Fetches an article page (conditionally when a version is stored) and stores what the
/// page step reads from it. A failure is noted on the stored row and leaves the stored
/// version (if any) in use.
pub(super) async fn fetch_article(
    ctx: &Context,
    url: &str,
    stored: Option<StoredArticle>,
) -> Option<Page> {
    let parsed = Url::parse(url).ok()?;
    if !ctx.fetcher.allowed_by_robots(&parsed).await {
        debug!(url, "robots.txt disallows the article");
        ctx.metrics.article_fetched(ArticleOutcome::Disallowed);
        return stored.map(|s| (s, false));
    }
    let validators = stored
        .as_ref()
        .map_or_else(Validators::default, |s| Validators {
            etag: s.etag.clone(),
            last_modified: s.last_modified.clone(),
        });
    let response = match ctx.fetcher.get(&parsed, &validators).await {
        Ok(fetched) => match fetched.outcome {
            FetchOutcome::Fresh(response) => response,
            other => {
                let (outcome, note) = match other {
                    FetchOutcome::NotModified { .. } => (ArticleOutcome::NotModified, None),
                    _ => (
                        ArticleOutcome::Unavailable,
                        Some("not available".to_string()),
                    ),
                };
                ctx.metrics.article_fetched(outcome);
                let _ = ctx.db.article_checked(url.into(), note, Utc::now()).await;
                return stored.map(|s| (s, false));
            }
        },
        Err(err) => {
            warn!(url, error = %Chain(&err), "cannot fetch article");
            ctx.metrics.article_fetched(ArticleOutcome::Error);
            ctx.metrics.fetch_error(Target::Article, err.kind());
            let note = Some(crate::chain::text(&err));
            let _ = ctx.db.article_checked(url.into(), note, Utc::now()).await;
            return stored.map(|s| (s, false));
        }
    };
    ctx.metrics.article_fetched(ArticleOutcome::Ok);
    let validators = (response.validators.etag, response.validators.last_modified);
    let (body, content_type, base) = (response.body, response.content_type, response.url);
    let page = blocking("reading an article", move || {
        page::read(&body, content_type.as_deref(), Some(&base))
    })
    .await
    .ok()?;
    match ctx
        .db
        .save_article(url.into(), page, validators, Utc::now())
        .await
    {
        Ok((article, changed)) => article.map(|a| (a, changed)),
        Err(err) => {
            warn!(url, error = %Chain(&err), "cannot store article");
            None
        }
    }
}
