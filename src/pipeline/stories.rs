//! The story stage of a round: read baselines, judge new and recent items against every
//! story, fetch candidates' articles, judge again on the article text, store matches with
//! their groups and figures, and re-check live matched pages.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use futures_util::StreamExt;
use tracing::{debug, info, warn};
use url::Url;

use super::{Context, JobError};
use crate::config::{Baseline, StoryConfig};
use crate::extract::{article, charset, figures};
use crate::fetch::{FetchOutcome, Validators};
use crate::model::{Article, FigureKind, Observation, StoredArticle, StoredItem, text_hash};
use crate::store::{ArticleVersion, Source, Verdict};
use crate::story::{self, Background, Fields, Matcher, StorySpec, topic};

/// Items first seen this recently that did not match are judged again each round, since
/// the background corpus that weighs names keeps growing.
const REJUDGE_WINDOW_HOURS: i64 = 48;
/// Most recent items that make up the background corpus.
const BACKGROUND_DOCS: usize = 5_000;
/// Shingle similarity at which two matches are the same coverage.
const SAME_STORY: f64 = 0.5;
/// Matches further apart than this (declared times) are never grouped.
const GROUP_WINDOW_DAYS: i64 = 4;

/// What a story round did, for logs and the poll summary.
#[derive(Debug, Clone, Default)]
pub struct RoundReport {
    /// New follow-ups stored.
    pub matched: usize,
    /// Article pages fetched (first fetches and re-checks).
    pub articles: usize,
    /// New figure observations stored.
    pub figures: usize,
}

/// A story ready for judging: its config, spec and figures' time anchor.
struct Prepared {
    config: StoryConfig,
    spec: StorySpec,
}

/// Runs the story stage for items touched this round (plus recent unmatched ones).
pub async fn run_round(ctx: &Context, touched: &[i64]) -> Result<RoundReport, JobError> {
    let mut report = RoundReport::default();
    if ctx.config.stories.is_empty() {
        return Ok(report);
    }
    let stories = prepare(ctx).await?;
    let specs: Vec<StorySpec> = stories.iter().map(|s| s.spec.clone()).collect();
    let texts = ctx.db(|s| s.background_texts(BACKGROUND_DOCS)).await?;
    let matcher = tokio::task::spawn_blocking(move || build_matcher(&specs, &texts))
        .await
        .map_err(|e| JobError::Task(e.to_string()))?;
    let matcher = Arc::new(matcher);

    let now = Utc::now();
    let recent_from = now - ChronoDuration::hours(REJUDGE_WINDOW_HOURS);
    let ids = touched.to_vec();
    let touched_set: HashSet<i64> = touched.iter().copied().collect();
    let items = ctx
        .db(move |s| {
            let mut items = s.items_by_ids(&ids)?;
            let known: HashSet<i64> = items.iter().map(|i| i.id).collect();
            items.extend(
                s.items_first_seen_since(recent_from)?
                    .into_iter()
                    .filter(|i| !known.contains(&i.id)),
            );
            Ok(items)
        })
        .await?;

    // Stage 1: title and summary.
    let mut matched: HashMap<String, HashSet<i64>> = HashMap::new();
    for story in &stories {
        let id = story.config.id.clone();
        let set = ctx.db(move |s| s.matched_items(&id)).await?;
        matched.insert(story.config.id.clone(), set);
    }
    let mut wanted: Vec<(usize, StoredItem)> = Vec::new();
    for item in items {
        for index in matcher.candidates(&item.title, &item.summary) {
            let Some(story) = stories.get(index) else {
                continue;
            };
            let already = matched
                .get(&story.config.id)
                .is_some_and(|m| m.contains(&item.id));
            if already && !touched_set.contains(&item.id) {
                continue;
            }
            if !in_window(&story.config, &story.spec, item.published) {
                continue;
            }
            wanted.push((index, item.clone()));
        }
    }

    // Fetch each candidate article once, politely, `concurrency` at a time.
    let mut urls: Vec<(String, bool)> = Vec::new();
    for (_, item) in &wanted {
        if let Some(url) = &item.url
            && !urls.iter().any(|(u, _)| u == url)
        {
            urls.push((url.clone(), touched_set.contains(&item.id)));
        }
    }
    let fetched: HashMap<String, Option<(StoredArticle, bool)>> = futures_util::stream::iter(urls)
        .map(|(url, refresh)| async move {
            let got = article_for(ctx, &url, refresh).await;
            (url, got)
        })
        .buffer_unordered(ctx.config.settings.concurrency)
        .collect()
        .await;
    report.articles += fetched.values().filter(|v| v.is_some()).count();

    // Stage 2: with the article text.
    let mut figured: HashSet<(String, String)> = HashSet::new();
    for (index, item) in wanted {
        let story = &stories[index];
        let page = item
            .url
            .as_ref()
            .and_then(|u| fetched.get(u))
            .and_then(|v| v.as_ref());
        if let Some((page, _)) = page
            && item.published.is_none()
            && !in_window(&story.config, &story.spec, page.article.published)
        {
            continue;
        }
        let fields = Fields {
            title: &item.title,
            summary: &item.summary,
            article: page.map(|(p, _)| p.article.text.as_str()),
        };
        let judgement = matcher.judge(index, &fields);
        let verdict = match &item.url {
            Some(url) => {
                let (sid, u) = (story.config.id.clone(), url.clone());
                ctx.db(move |s| s.verdict(&sid, &u)).await?
            }
            None => None,
        };
        let followup = match verdict {
            Some(Verdict::Confirmed) => true,
            Some(Verdict::Rejected) => false,
            None => judgement.followup,
        };
        debug!(story_id = %story.config.id, item = %item.title, score = judgement.score, followup, "judged");
        if !followup {
            continue;
        }
        let explanation = serde_json::to_string(&judgement).unwrap_or_else(|_| "{}".into());
        let is_new = !matched
            .get(&story.config.id)
            .is_some_and(|m| m.contains(&item.id));
        let shingles = page.map(|(p, _)| p.shingles.clone()).unwrap_or_default();
        let group = if is_new {
            group_for(ctx, &story.config.id, &item, &shingles).await?
        } else {
            item.id
        };
        let (sid, item_id, score) = (story.config.id.clone(), item.id, judgement.score);
        ctx.db(move |s| s.save_match(&sid, item_id, score, &explanation, group, Utc::now()))
            .await?;
        if is_new {
            report.matched += 1;
            matched
                .entry(story.config.id.clone())
                .or_default()
                .insert(item.id);
            info!(story_id = %story.config.id, url = item.url.as_deref().unwrap_or(""), title = %item.title, "follow-up");
        }
        if let Some((page, _)) = page {
            let key = (story.config.id.clone(), page.url.clone());
            if figured.insert(key) {
                report.figures += record_figures(ctx, &story.config.id, page, Some(&item)).await?;
            }
        }
    }

    // Live pages: matched articles still fresh are re-checked for new versions.
    report.articles += recheck(ctx, &stories, &fetched, &mut report).await?;
    Ok(report)
}

/// Reads (or loads) each story's baseline and builds its spec.
async fn prepare(ctx: &Context) -> Result<Vec<Prepared>, JobError> {
    let mut out = Vec::with_capacity(ctx.config.stories.len());
    for config in &ctx.config.stories {
        let id = config.id.clone();
        let stored = ctx.db(move |s| s.baseline(&id)).await?;
        let wanted_source = config.baseline.as_ref().map(source_of);
        let baseline = match (stored, &wanted_source) {
            (Some(b), Some(src)) if &b.source == src => Some(b.article),
            (_, Some(src)) => match read_baseline(ctx, config).await {
                Ok(article) => {
                    let (sid, src2, a2) = (config.id.clone(), src.clone(), article.clone());
                    ctx.db(move |s| s.save_baseline(&sid, &src2, &a2, Utc::now()))
                        .await?;
                    store_baseline_figures(ctx, config, src, Some(&article)).await?;
                    Some(article)
                }
                Err(err) => {
                    warn!(story_id = %config.id, error = %err, "cannot read the baseline; using the configured entities meanwhile");
                    if !config.baseline_figures.is_empty() {
                        store_baseline_figures(ctx, config, src, None).await?;
                    }
                    None
                }
            },
            (_, None) => None,
        };
        let baseline_time = baseline.as_ref().and_then(|b| b.published.or(b.updated));
        let since = config
            .since
            .or_else(|| baseline_time.map(|t| t - ChronoDuration::hours(48)));
        let spec = StorySpec {
            id: config.id.clone(),
            title: config.title.clone(),
            baseline: baseline.unwrap_or_default(),
            entities: config.entities.clone(),
            aliases: config.aliases.clone(),
            exclude: config.exclude.clone(),
            since,
        };
        out.push(Prepared {
            config: config.clone(),
            spec,
        });
    }
    Ok(out)
}

fn source_of(baseline: &Baseline) -> String {
    match baseline {
        Baseline::Url(url) => url.to_string(),
        Baseline::File(path) => path.display().to_string(),
    }
}

/// Fetches or reads the baseline page and extracts it.
async fn read_baseline(ctx: &Context, config: &StoryConfig) -> Result<Article, String> {
    let (bytes, content_type, url) = match &config.baseline {
        Some(Baseline::Url(url)) => {
            let fetched = ctx
                .fetcher
                .get(url, &Validators::default())
                .await
                .map_err(|e| format!("fetching baseline {url}: {e}"))?;
            match fetched.outcome {
                FetchOutcome::Fresh(r) => (r.body, r.content_type, Some(r.url)),
                _ => return Err(format!("fetching baseline {url}: no page came back")),
            }
        }
        Some(Baseline::File(path)) => {
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|e| format!("reading baseline {}: {e}", path.display()))?;
            (bytes, None, None)
        }
        None => return Err("no baseline configured".into()),
    };
    let article = tokio::task::spawn_blocking(move || {
        let html = charset::decode(&bytes, content_type.as_deref());
        article::read(&html, url.as_ref())
    })
    .await
    .map_err(|e| e.to_string())?;
    if article.text.trim().is_empty() {
        return Err("the baseline page has no readable text".into());
    }
    Ok(article)
}

/// Stores the baseline's figures: configured ones override what the article states.
async fn store_baseline_figures(
    ctx: &Context,
    config: &StoryConfig,
    source: &str,
    article: Option<&Article>,
) -> Result<(), JobError> {
    let mut by_kind: BTreeMap<FigureKind, Observation> = BTreeMap::new();
    if let Some(a) = article {
        for o in figures::article_figures(a.title.as_deref().unwrap_or(""), &a.text) {
            by_kind.insert(o.kind, o);
        }
    }
    for (kind, (value, qualifier)) in &config.baseline_figures {
        by_kind.insert(
            *kind,
            Observation {
                kind: *kind,
                value: *value,
                qualifier: *qualifier,
                sentence: "(set in the story's baseline_figures)".into(),
                term: kind.as_str().into(),
            },
        );
    }
    let observations: Vec<Observation> = by_kind.into_values().collect();
    let version = article.map_or_else(|| "configured".to_string(), |a| text_hash(&a.text));
    let (story, url) = (config.id.clone(), source.to_string());
    let title = article.and_then(|a| a.title.clone());
    let declared = article.and_then(|a| a.published.or(a.updated));
    ctx.db(move |s| {
        s.clear_baseline_observations(&story)?;
        s.save_observations(
            &Source {
                story: &story,
                url: &url,
                title: title.as_deref(),
                version: &version,
                declared_at: declared,
                baseline: true,
            },
            &observations,
            Utc::now(),
        )
    })
    .await?;
    Ok(())
}

/// Whether an item's declared time falls inside the story's window (unknown times pass).
fn in_window(config: &StoryConfig, spec: &StorySpec, published: Option<DateTime<Utc>>) -> bool {
    let Some(t) = published else { return true };
    spec.since.is_none_or(|since| t >= since) && config.until.is_none_or(|until| t <= until)
}

/// Builds the matcher and weighs its names against the background corpus.
fn build_matcher(specs: &[StorySpec], texts: &[String]) -> Matcher {
    let mut matcher = Matcher::build(specs, &Background::default());
    let mut bg = Background {
        docs: texts.len() as u64,
        ..Default::default()
    };
    for text in texts {
        for name in matcher.names_in(text) {
            *bg.names.entry(name).or_default() += 1;
        }
        let terms: HashSet<String> = topic::content_terms(text).into_iter().collect();
        for term in terms {
            *bg.terms.entry(term).or_default() += 1;
        }
    }
    matcher.set_background(&bg);
    matcher
}

/// The stored article for `url`, fetching it when never fetched or when `refresh` (the
/// item changed). Returns the article and whether this version is new.
async fn article_for(ctx: &Context, url: &str, refresh: bool) -> Option<(StoredArticle, bool)> {
    let key = url.to_string();
    let stored = ctx.db(move |s| s.article(&key)).await.ok().flatten();
    match stored {
        Some(stored) if !refresh => Some((stored, false)),
        stored => fetch_article(ctx, url, stored).await,
    }
}

/// Fetches an article page (conditionally when a version is stored) and stores it.
async fn fetch_article(
    ctx: &Context,
    url: &str,
    stored: Option<StoredArticle>,
) -> Option<(StoredArticle, bool)> {
    let parsed = Url::parse(url).ok()?;
    if !ctx.fetcher.allowed_by_robots(&parsed).await {
        debug!(url, "robots.txt disallows the article");
        return stored.map(|s| (s, false));
    }
    let validators = stored
        .as_ref()
        .map_or_else(Validators::default, |s| Validators {
            etag: s.etag.clone(),
            last_modified: s.last_modified.clone(),
        });
    let outcome = ctx.fetcher.get(&parsed, &validators).await;
    let response = match outcome {
        Ok(f) => match f.outcome {
            FetchOutcome::Fresh(response) => response,
            other => {
                let note = match other {
                    FetchOutcome::NotModified { .. } => None,
                    _ => Some("not available".to_string()),
                };
                let key = url.to_string();
                let _ = ctx
                    .db(move |s| s.article_checked(&key, note.as_deref(), Utc::now()))
                    .await;
                return stored.map(|s| (s, false));
            }
        },
        Err(err) => {
            warn!(url, error = %err, "cannot fetch article");
            let (key, msg) = (url.to_string(), err.to_string());
            let _ = ctx
                .db(move |s| s.article_checked(&key, Some(&msg), Utc::now()))
                .await;
            return stored.map(|s| (s, false));
        }
    };
    let base = response.url.clone();
    let content_type = response.content_type.clone();
    let body = response.body;
    let (article, shingles) = tokio::task::spawn_blocking(move || {
        let html = charset::decode(&body, content_type.as_deref());
        let article = article::read(&html, Some(&base));
        let shingles = story::shingles(&article.text);
        (article, shingles)
    })
    .await
    .ok()?;
    let hash = text_hash(&format!(
        "{}\n{}\n{:?}",
        article.title.as_deref().unwrap_or(""),
        article.text,
        article.updated.or(article.published)
    ));
    let etag = response.validators.etag.clone();
    let last_modified = response.validators.last_modified.clone();
    let key = url.to_string();
    let (a2, h2, s2) = (article.clone(), hash.clone(), shingles.clone());
    let changed = ctx
        .db(move |s| {
            let changed = s.save_article(
                &ArticleVersion {
                    url: &key,
                    article: &a2,
                    etag: etag.as_deref(),
                    last_modified: last_modified.as_deref(),
                    hash: &h2,
                    shingles: &s2,
                },
                Utc::now(),
            )?;
            Ok((changed, s.article(&key)?))
        })
        .await
        .ok()?;
    changed.1.map(|a| (a, changed.0))
}

/// The group of a new match: the group of a near-duplicate match within a few days, else
/// its own.
async fn group_for(
    ctx: &Context,
    story: &str,
    item: &StoredItem,
    shingles: &[u64],
) -> Result<i64, JobError> {
    if shingles.is_empty() {
        return Ok(item.id);
    }
    let sid = story.to_string();
    let members = ctx.db(move |s| s.group_members(&sid)).await?;
    let when = item.published.unwrap_or(item.first_seen);
    let best = members
        .iter()
        .filter(|m| m.item_id != item.id && !m.shingles.is_empty())
        .filter(|m| {
            m.time
                .is_none_or(|t| (t - when).num_days().abs() <= GROUP_WINDOW_DAYS)
        })
        .map(|m| (story::similarity(shingles, &m.shingles), m.group))
        .filter(|(sim, _)| *sim >= SAME_STORY)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Ok(best.map_or(item.id, |(_, group)| group))
}

/// Extracts and stores the figures a page version states for a story.
async fn record_figures(
    ctx: &Context,
    story: &str,
    page: &StoredArticle,
    item: Option<&StoredItem>,
) -> Result<usize, JobError> {
    let article = &page.article;
    let observations =
        figures::article_figures(article.title.as_deref().unwrap_or(""), &article.text);
    if observations.is_empty() {
        return Ok(0);
    }
    // The page's own time first; then the feed entry's; fetch time only as a last resort.
    let declared = article
        .updated
        .or(article.published)
        .or(item.and_then(|i| i.updated.or(i.published)))
        .or(Some(page.fetched_at));
    let (sid, url, title, version) = (
        story.to_string(),
        page.url.clone(),
        article
            .title
            .clone()
            .or_else(|| item.map(|i| i.title.clone())),
        page.hash.clone(),
    );
    ctx.db(move |s| {
        s.save_observations(
            &Source {
                story: &sid,
                url: &url,
                title: title.as_deref(),
                version: &version,
                declared_at: declared,
                baseline: false,
            },
            &observations,
            Utc::now(),
        )
    })
    .await
    .map_err(Into::into)
}

/// Re-fetches matched pages still within their story's `recheck_for`, reading figures from
/// changed versions. Pages fetched earlier this round are skipped.
async fn recheck(
    ctx: &Context,
    stories: &[Prepared],
    done: &HashMap<String, Option<(StoredArticle, bool)>>,
    report: &mut RoundReport,
) -> Result<usize, JobError> {
    let now = Utc::now();
    let mut jobs: Vec<(String, StoredItem)> = Vec::new();
    for story in stories {
        let fresh_from = now
            - ChronoDuration::from_std(story.config.recheck_for)
                .unwrap_or(ChronoDuration::hours(48));
        let sid = story.config.id.clone();
        let items = ctx
            .db(move |s| {
                let ids: Vec<i64> = s.matched_items(&sid)?.into_iter().collect();
                s.items_by_ids(&ids)
            })
            .await?;
        for item in items {
            if item.first_seen < fresh_from {
                continue;
            }
            if let Some(url) = &item.url
                && !done.contains_key(url)
            {
                jobs.push((story.config.id.clone(), item));
            }
        }
    }
    let mut urls: Vec<String> = jobs.iter().filter_map(|(_, i)| i.url.clone()).collect();
    urls.sort();
    urls.dedup();
    let fetched: HashMap<String, Option<(StoredArticle, bool)>> = futures_util::stream::iter(urls)
        .map(|url| async move {
            let key = url.clone();
            let stored = ctx.db(move |s| s.article(&key)).await.ok().flatten();
            let got = fetch_article(ctx, &url, stored).await;
            (url, got)
        })
        .buffer_unordered(ctx.config.settings.concurrency)
        .collect()
        .await;
    for (story, item) in &jobs {
        let Some(Some((page, true))) = item.url.as_ref().and_then(|u| fetched.get(u)) else {
            continue;
        };
        report.figures += record_figures(ctx, story, page, Some(item)).await?;
    }
    Ok(fetched.len())
}
