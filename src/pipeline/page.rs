//! Pages the story stage reads: a baseline, an article, a page named on the command line.
//! Fetched (conditionally when a version is stored, politely: robots.txt and the per-host
//! limits apply) or read from a file, turned into a page version by the page step on the
//! blocking pool, and stored with that version.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;
use tracing::{debug, warn};
use url::Url;

use super::{Context, blocking};
use crate::chain::Chain;
use crate::extract::page::{self, PageVersion};
use crate::fetch::{FetchError, FetchOutcome, Fetcher, Validators};
use crate::metrics::{ArticleOutcome, Target};
use crate::model::{ArticleFailure, StoredArticle};
use crate::schedule::{ArticleMiss, article_retry};

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

impl PageError {
    /// The cause in a few words ("https://…: DNS: cannot resolve news.example"); the
    /// whole chain is for `-v`.
    pub fn short(&self) -> String {
        match self {
            PageError::Fetch { url, source } => format!("{url}: {}", source.short()),
            other => crate::chain::text(other),
        }
    }
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

/// What a round's article work came to: requests sent, and pages not asked for because
/// they failed before and their retry is not due.
#[derive(Debug, Default)]
pub struct Tally {
    requested: AtomicUsize,
    not_asked: AtomicUsize,
}

impl Tally {
    /// Requests sent.
    pub fn requested(&self) -> usize {
        self.requested.load(Ordering::Relaxed)
    }

    /// Pages not asked for.
    pub fn not_asked(&self) -> usize {
        self.not_asked.load(Ordering::Relaxed)
    }
}

/// The article at `url`: `stored` when there is one and no `refresh` is asked (the item
/// changed), else fetched now, unless an earlier failure says not to ask yet.
pub(super) async fn article_for(
    ctx: &Context,
    url: &str,
    stored: Option<StoredArticle>,
    refresh: bool,
    failed: Option<&ArticleFailure>,
    tally: &Tally,
) -> Option<Page> {
    match stored {
        Some(stored) if !refresh => Some((stored, false)),
        stored => match failed {
            Some(f) if !f.may_retry(Utc::now(), refresh) => {
                debug!(url, cause = %f.cause, failures = f.failures,
                    retry_at = ?f.retry_at, "article failed before; judged without asking again");
                ctx.metrics.article_fetched(ArticleOutcome::FailedBefore);
                tally.not_asked.fetch_add(1, Ordering::Relaxed);
                stored.map(|s| (s, false))
            }
            _ => fetch_article(ctx, url, stored, failed.is_some(), tally).await,
        },
    }
}

/// Fetches an article page (conditionally when a version is stored) and stores what the
/// page step reads from it. A failure is remembered per link (see [`remember`]) and leaves
/// the stored version (if any) in use; `failed_before` says there is a failure to forget
/// once it is fetched.
pub(super) async fn fetch_article(
    ctx: &Context,
    url: &str,
    stored: Option<StoredArticle>,
    failed_before: bool,
    tally: &Tally,
) -> Option<Page> {
    let parsed = Url::parse(url).ok()?;
    if !ctx.fetcher.allowed_by_robots(&parsed).await {
        debug!(url, "robots.txt disallows the article");
        ctx.metrics.article_fetched(ArticleOutcome::Disallowed);
        let lifetime = crate::fetch::ROBOTS_LIFETIME;
        remember(
            ctx,
            url,
            ArticleMiss::Refused { lifetime },
            "robots.txt disallows it",
        )
        .await;
        return stored.map(|s| (s, false));
    }
    let validators = stored
        .as_ref()
        .map_or_else(Validators::default, |s| Validators {
            etag: s.etag.clone(),
            last_modified: s.last_modified.clone(),
        });
    tally.requested.fetch_add(1, Ordering::Relaxed);
    let response = match ctx.fetcher.get(&parsed, &validators).await {
        Ok(fetched) => match fetched.outcome {
            FetchOutcome::Fresh(response) => response,
            FetchOutcome::NotModified { .. } if stored.is_some() => {
                ctx.metrics.article_fetched(ArticleOutcome::NotModified);
                let _ = ctx.db.article_checked(url.into(), None, Utc::now()).await;
                forget(ctx, url, failed_before).await;
                return stored.map(|s| (s, false));
            }
            other => {
                ctx.metrics.article_fetched(ArticleOutcome::Unavailable);
                let note = no_page(&other);
                let miss = match other {
                    FetchOutcome::Gone => ArticleMiss::Lasting,
                    FetchOutcome::RateLimited { retry_after, .. } => {
                        ArticleMiss::Passing { retry_after }
                    }
                    _ => ArticleMiss::Passing { retry_after: None },
                };
                let _ = ctx
                    .db
                    .article_checked(url.into(), Some(note.clone()), Utc::now())
                    .await;
                remember(ctx, url, miss, &note).await;
                return stored.map(|s| (s, false));
            }
        },
        Err(err) => {
            warn!(url, error = %Chain(&err), "cannot fetch article");
            ctx.metrics.article_fetched(ArticleOutcome::Error);
            ctx.metrics.fetch_error(Target::Article, err.kind());
            let note = crate::chain::text(&err);
            let _ = ctx
                .db
                .article_checked(url.into(), Some(note), Utc::now())
                .await;
            let miss = if err.lasting() {
                ArticleMiss::Lasting
            } else {
                ArticleMiss::Passing { retry_after: None }
            };
            remember(ctx, url, miss, &err.to_string()).await;
            return stored.map(|s| (s, false));
        }
    };
    ctx.metrics.article_fetched(ArticleOutcome::Ok);
    forget(ctx, url, failed_before).await;
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

/// Remembers a failed fetch so the page is asked for again only when [`article_retry`]
/// says (a lasting miss: when its item changes). Storing it failing only costs a request
/// next round, so it is logged, not raised.
async fn remember(ctx: &Context, url: &str, miss: ArticleMiss, cause: &str) {
    let now = Utc::now();
    let base = ctx.config.settings.poll_interval;
    let jitter = fastrand::f64() * 2.0 - 1.0;
    let retry = move |failures| article_retry(miss, failures, base, now, jitter);
    if let Err(err) = ctx
        .db
        .save_article_failure(url.into(), cause.into(), retry, now)
        .await
    {
        warn!(url, error = %Chain(&err), "cannot remember the failed article fetch");
    }
}

/// Why an item is judged without its article, in words for `matches --explain`.
pub(super) fn unread_because(failure: &ArticleFailure) -> String {
    let when = match failure.retry_at {
        None => "not asked again until the item changes".to_string(),
        Some(at) => format!(
            "asked again after {}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
    };
    let times = match failure.failures {
        1 => String::new(),
        n => format!(", {n} failures in a row"),
    };
    format!(
        "the article could not be fetched ({}{times}); {when}",
        failure.cause
    )
}

/// Forgets a page's earlier failures once it answered.
async fn forget(ctx: &Context, url: &str, failed_before: bool) {
    if failed_before && let Err(err) = ctx.db.clear_article_failure(url.into()).await {
        warn!(url, error = %Chain(&err), "cannot forget the failed article fetch");
    }
}
