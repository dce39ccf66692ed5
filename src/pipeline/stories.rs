//! The story stage of a round, as a script: read the stories and the items to judge →
//! stage 1 picks candidates → fetch the articles they need → stage 2 decides → store
//! matches, groups and figures in one transaction → re-check live matched pages. Every
//! decision is `story::round`'s; this file only reads, fetches and writes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{Duration as ChronoDuration, Utc};
use futures_util::StreamExt;
use tracing::{debug, info, warn};

use super::page::{self, Page, PageError, PageSource};
use super::{Context, JobError, blocking};
use crate::chain::Chain;
use crate::config::{Baseline, StoryConfig};
use crate::extract::page::{PageVersion, figures_of};
use crate::model::{FigureKind, Observation, StoredArticle, StoredItem, Verdict};
use crate::schedule;
use crate::store::{FigureWrite, ItemFilter, MatchWrite, StoryRound};
use crate::story::background::{BACKGROUND_DOCS, BackgroundCounter, Fingerprint, weights_moved};
use crate::story::round::{self, Asked, Candidate, Decision, Grouper, RematchReport};
use crate::story::{Matcher, StorySpec};

/// Items first seen this recently that did not match are judged again each round, since
/// the background corpus that weighs names keeps growing.
const REJUDGE_WINDOW_HOURS: i64 = 48;
/// Items read and pre-judged at a time: memory stays flat however many a round covers.
const CHUNK: usize = 1_000;

/// What a story round did, for logs and the poll summary.
#[derive(Debug, Clone, Default)]
pub struct RoundReport {
    /// New follow-ups stored.
    pub matched: usize,
    /// Article pages fetched (first fetches and re-checks).
    pub articles: usize,
    /// Items judged against the stories.
    pub judged: usize,
    /// Article requests sent (first fetches, retries and re-checks).
    pub requested: usize,
    /// Article pages not asked for: they failed before and their retry is not due.
    pub not_asked: usize,
    /// New figure observations stored.
    pub figures: usize,
    /// Stories whose baseline could not be read this round, with the short cause.
    pub unread_baselines: Vec<(String, String)>,
}

/// Articles a round holds, by URL; `None` where the page could not be read.
type Pages = HashMap<String, Option<Page>>;

/// Runs the story stage for items touched this round (plus recent unmatched ones).
pub async fn run_round(ctx: &Context, touched: &[i64]) -> Result<RoundReport, JobError> {
    let mut report = RoundReport::default();
    if ctx.config.stories.is_empty() {
        return Ok(report);
    }
    let specs = Arc::new(prepare(ctx, &mut report.unread_baselines).await?);
    // The marks first: an item stored meanwhile is then judged again, never skipped.
    let (previous, last_item, stored) = ctx.db.round_marks().await?;
    let fingerprint = Fingerprint::new(&specs).finish();
    // A round that judged with the same stories, and a background that has not moved
    // beyond the tolerance since, would judge every older item the same way again: only
    // touched and newer items need judging then.
    let size = usize::try_from(stored).unwrap_or(0).min(BACKGROUND_DOCS);
    let settled = previous.filter(|p| {
        p.fingerprint == fingerprint
            && p.weights_item
                .is_some_and(|w| !weights_moved(last_item - w, size))
    });
    let judged_up_to = settled.as_ref().map(|p| p.last_item);
    let weights_item = settled.and_then(|p| p.weights_item).unwrap_or(last_item);
    let recent_from = Utc::now() - ChronoDuration::hours(REJUDGE_WINDOW_HOURS);
    // An item whose article failed earlier and is due a retry is judged again as if it
    // had changed; until then, it is settled like any other.
    let mut touched = touched.to_vec();
    touched.extend(ctx.db.items_due_retry(Utc::now()).await?);
    touched.sort_unstable();
    touched.dedup();
    let ids = ctx
        .db
        .item_ids_to_judge(judged_up_to, recent_from, touched.clone())
        .await?;
    let mut matched = ctx
        .db
        .matched_items(specs.iter().map(|s| s.id.clone()).collect())
        .await?;
    debug!(items = ids.len(), "story round: items to judge read");
    report.judged = ids.len();
    let tally = page::Tally::default();
    // A round with nothing to judge needs no matcher: a poll where nothing changed only
    // re-checks live pages.
    let judged = if ids.is_empty() {
        Judged {
            decisions: Vec::new(),
            pages: Pages::new(),
            unread_remembered: true,
        }
    } else {
        let touched: HashSet<i64> = touched.iter().copied().collect();
        // Matched items are settled unless they changed this round.
        let settled: HashMap<String, HashSet<i64>> = matched
            .iter()
            .map(|(story, ids)| (story.clone(), ids.difference(&touched).copied().collect()))
            .collect();
        let matcher = Arc::new(weighed_matcher(ctx, &specs).await?);
        let asked = round_candidates(ctx, &specs, &matcher, Arc::new(settled), &ids).await?;
        let (wanted, over_budget) = round::within_budget(asked, ids.len());
        debug!(
            candidates = wanted.len(),
            over_budget, "story round: candidates picked"
        );
        judge_wanted(ctx, &specs, &matcher, wanted, &touched, &tally).await?
    };
    let Judged {
        decisions,
        pages,
        unread_remembered,
    } = judged;
    report.articles += pages.values().filter(|v| v.is_some()).count();
    let (new, figures) =
        save_decisions(ctx, &specs, &decisions, &pages, &mut matched, true).await?;
    report.matched += new;
    report.figures += figures;
    // A candidate whose page could not be read is judged again next round, unless the
    // failure is remembered: then its retry (or a change to the item) brings it back.
    if unread_remembered {
        let round = StoryRound {
            fingerprint,
            last_item,
            weights_item: Some(weights_item),
        };
        ctx.db.save_story_round(round, Utc::now()).await?;
    }
    // The pages whose figures the round's follow-ups stored. A matched page the round read
    // again without judging it a follow-up keeps counting (a live page's later version may
    // no longer name the story, but it is still its page): `recheck` stores its figures.
    let figured: HashSet<(usize, &str)> = decisions
        .iter()
        .filter(|d| d.followup)
        .filter_map(|d| Some((d.story, d.item.url.as_deref()?)))
        .collect();
    let (rechecked, figures) = recheck(ctx, &specs, &pages, &figured, &touched, &tally).await?;
    report.articles += rechecked;
    report.figures += figures;
    report.requested = tally.requested();
    report.not_asked = tally.not_asked();
    ctx.metrics.round_done(report.judged, report.requested);
    Ok(report)
}

/// Re-judges every stored item for one story after its entities or aliases changed.
/// People's verdicts stand: rejected items are never added, confirmed ones never removed.
pub async fn rematch(
    ctx: &Context,
    story_id: &str,
    dry_run: bool,
) -> Result<RematchReport, JobError> {
    let specs = prepare(ctx, &mut Vec::new()).await?;
    let matcher = weighed_matcher(ctx, &specs).await?;
    let items = ctx
        .db
        .items(ItemFilter {
            limit: usize::MAX >> 1,
            ..Default::default()
        })
        .await?;
    let by_id: HashMap<i64, StoredItem> = items.iter().map(|i| (i.id, i.clone())).collect();
    let judged = items.len();
    let asked = round::candidates(&specs, &matcher, items, |story, _| story != story_id);
    let (wanted, _) = round::within_budget(asked, judged);
    let Judged {
        decisions, pages, ..
    } = judge_wanted(
        ctx,
        &specs,
        &matcher,
        wanted,
        &HashSet::new(),
        &page::Tally::default(),
    )
    .await?;
    let mut matched = ctx.db.matched_items(vec![story_id.to_string()]).await?;
    let current = matched.get(story_id).cloned().unwrap_or_default();
    let verdicts = ctx.db.verdicts(story_id.to_string()).await?;
    let report = round::rematch_changes(&decisions, &current, &by_id, &verdicts);
    if dry_run {
        return Ok(report);
    }
    for item in &report.removed {
        ctx.db.delete_match(story_id.to_string(), item.id).await?;
    }
    save_decisions(ctx, &specs, &decisions, &pages, &mut matched, false).await?;
    Ok(report)
}

/// One stored item measured against a story, by stage 1 (title and summary) and stage 2
/// (with its article, fetched when not stored): what `followup features` prints and what
/// the decision's weights are fitted on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Measured {
    /// The item.
    pub item: StoredItem,
    /// Stage 1's judgement.
    pub stage1: crate::story::Judgement,
    /// Stage 2's judgement; its evidence says whether the article was read.
    pub stage2: crate::story::Judgement,
}

/// Measures every stored item in a story's window at both stages, fetching the articles
/// that are not stored (robots.txt and the per-host limits apply). Nothing is stored but
/// the articles.
pub async fn measure(ctx: &Context, story_id: &str) -> Result<Vec<Measured>, JobError> {
    let specs = prepare(ctx, &mut Vec::new()).await?;
    let Some(index) = specs.iter().position(|s| s.id == story_id) else {
        return Ok(Vec::new());
    };
    let matcher = weighed_matcher(ctx, &specs).await?;
    let items = ctx
        .db
        .items(ItemFilter {
            limit: usize::MAX >> 1,
            ..Default::default()
        })
        .await?;
    let wanted: Vec<Candidate> = items
        .into_iter()
        .filter(|i| round::in_window(&specs[index], i.published))
        .map(|i| (index, i))
        .collect();
    let stage1: HashMap<i64, crate::story::Judgement> = wanted
        .iter()
        .map(|(_, item)| {
            let fields = crate::story::Fields {
                title: &item.title,
                summary: &item.summary,
                article: None,
                published: item.published,
            };
            (item.id, matcher.judge(index, &fields))
        })
        .collect();
    let Judged { decisions, .. } = judge_wanted(
        ctx,
        &specs,
        &matcher,
        wanted,
        &HashSet::new(),
        &page::Tally::default(),
    )
    .await?;
    Ok(decisions
        .into_iter()
        .filter_map(|d| {
            let stage1 = stage1.get(&d.item.id)?.clone();
            Some(Measured {
                item: d.item,
                stage1,
                stage2: d.judgement,
            })
        })
        .collect())
}

/// The matcher for `specs`, weighed by the stored background corpus as it is read.
async fn weighed_matcher(ctx: &Context, specs: &[StorySpec]) -> Result<Matcher, JobError> {
    let counter = ctx
        .db
        .fold_background(BACKGROUND_DOCS, BackgroundCounter::new(specs), |c, t| {
            c.add(t)
        })
        .await?;
    Ok(counter.finish())
}

/// Stage 1 over a round's items (`ids`, ascending): read `CHUNK` at a time and pre-judged
/// on the blocking pool, as many chunks at once as there are cores; only the candidates
/// are kept, so memory follows the candidates, not the items. `buffered` keeps the
/// chunks' order, so the candidates come out as a sequential pass would give them.
async fn round_candidates(
    ctx: &Context,
    specs: &Arc<Vec<StorySpec>>,
    matcher: &Arc<Matcher>,
    settled: Arc<HashMap<String, HashSet<i64>>>,
    ids: &[i64],
) -> Result<Vec<Asked>, JobError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunks: Vec<Vec<i64>> = round::id_chunks(ids, CHUNK)
        .into_iter()
        .map(<[i64]>::to_vec)
        .collect();
    let found: Vec<Result<Vec<Asked>, JobError>> = futures_util::stream::iter(chunks)
        .map(|chunk| {
            let (specs, matcher, settled) =
                (Arc::clone(specs), Arc::clone(matcher), Arc::clone(&settled));
            async move {
                let items = ctx.db.items_among(chunk).await?;
                blocking("picking candidates", move || {
                    round::candidates(&specs, &matcher, items, |story, item| {
                        settled.get(story).is_some_and(|m| m.contains(&item.id))
                    })
                })
                .await
            }
        })
        .buffered(workers + 1)
        .collect()
        .await;
    let mut wanted = Vec::new();
    for chunk in found {
        wanted.extend(chunk?);
    }
    Ok(wanted)
}

/// Stage 2: the candidates' articles, read from the store or fetched once each (again when
/// the item is in `refresh`), then the decision on each candidate with its article text and
/// the stories' verdicts.
async fn judge_wanted(
    ctx: &Context,
    specs: &[StorySpec],
    matcher: &Matcher,
    wanted: Vec<Candidate>,
    refresh: &HashSet<i64>,
    tally: &page::Tally,
) -> Result<Judged, JobError> {
    let urls = round::article_urls(&wanted, refresh);
    let mut stored = ctx
        .db
        .articles(urls.iter().map(|(u, _)| u.clone()).collect())
        .await
        .unwrap_or_else(|err| {
            warn!(error = %Chain(&err), "cannot read stored articles; fetching them");
            HashMap::new()
        });
    let failures = ctx
        .db
        .article_failures(urls.iter().map(|(u, _)| u.clone()).collect())
        .await?;
    let asked: Vec<(String, bool, Option<StoredArticle>)> = urls
        .into_iter()
        .map(|(url, refresh)| {
            let stored = stored.remove(&url);
            (url, refresh, stored)
        })
        .collect();
    let failures = &failures;
    let mut pages: Pages = futures_util::stream::iter(asked)
        .map(|(url, refresh, stored)| async move {
            let failed = failures.get(&url);
            let got = page::article_for(ctx, &url, stored, refresh, failed, tally).await;
            (url, got)
        })
        .buffer_unordered(ctx.config.settings.concurrency.max(1))
        .collect()
        .await;
    read_missing_figures(&mut pages).await?;
    let mut verdicts: HashMap<String, HashMap<String, Verdict>> = HashMap::new();
    for index in wanted.iter().map(|(i, _)| *i).collect::<HashSet<_>>() {
        if let Some(spec) = specs.get(index) {
            verdicts.insert(spec.id.clone(), ctx.db.verdicts(spec.id.clone()).await?);
        }
    }
    let current: HashMap<String, StoredArticle> = pages
        .iter()
        .filter_map(|(url, page)| page.as_ref().map(|(a, _)| (url.clone(), a.clone())))
        .collect();
    let mut decisions = round::decide(specs, matcher, wanted, &current, &verdicts);
    let unread: Vec<String> = pages
        .iter()
        .filter(|(_, page)| page.is_none())
        .map(|(url, _)| url.clone())
        .collect();
    let mut unread_remembered = true;
    if !unread.is_empty() {
        let failed = ctx.db.article_failures(unread.clone()).await?;
        for d in &mut decisions {
            let failure = d.item.url.as_ref().and_then(|u| failed.get(u));
            d.judgement.without_article = failure.map(page::unread_because);
        }
        // A link no fetch could use needs no memory: it is never asked for.
        unread_remembered = unread
            .iter()
            .all(|u| failed.contains_key(u) || url::Url::parse(u).is_err());
    }
    Ok(Judged {
        decisions,
        pages,
        unread_remembered,
    })
}

/// What stage 2 came to.
struct Judged {
    /// The decision on each candidate.
    decisions: Vec<Decision>,
    /// The articles read, by link.
    pages: Pages,
    /// Every page that could not be read has its failure remembered, so its items need not
    /// be judged again before their retry (or a change to the item) brings them back.
    unread_remembered: bool,
}

/// Reads the figures of stored versions kept before figures were stored with versions,
/// on the blocking pool; every version read since carries its own.
async fn read_missing_figures(pages: &mut Pages) -> Result<(), JobError> {
    let missing: Vec<(String, crate::model::Article)> = pages
        .iter()
        .filter_map(|(url, page)| match page {
            Some((stored, _)) if stored.figures.is_none() => {
                Some((url.clone(), stored.article.clone()))
            }
            _ => None,
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let read = blocking("reading figures", move || {
        missing
            .into_iter()
            .map(|(url, article)| (url, figures_of(&article)))
            .collect::<Vec<_>>()
    })
    .await?;
    for (url, figures) in read {
        if let Some(Some((stored, _))) = pages.get_mut(&url) {
            stored.figures = Some(figures);
        }
    }
    Ok(())
}

/// Stores the positive decisions, with their groups and figures, in one transaction:
/// a new match joins the group of a near-duplicate; the figures of each (story, page) go
/// with the first match that shows it — every such page when `every_page` (a round),
/// only new matches' otherwise (a rematch). Returns how many matches and figures were new.
async fn save_decisions(
    ctx: &Context,
    specs: &[StorySpec],
    decisions: &[Decision],
    pages: &Pages,
    matched: &mut HashMap<String, HashSet<i64>>,
    every_page: bool,
) -> Result<(usize, usize), JobError> {
    let mut grouper = Grouper::default();
    let mut figured: HashSet<(&str, &str)> = HashSet::new();
    let mut rows = Vec::new();
    let mut new = Vec::new();
    for decision in decisions.iter().filter(|d| d.followup) {
        let Some(story) = specs.get(decision.story).map(|s| s.id.as_str()) else {
            continue;
        };
        let item = &decision.item;
        let is_new = !matched.get(story).is_some_and(|m| m.contains(&item.id));
        let page = page_of(pages, item);
        let group = if is_new {
            if !grouper.knows(story) {
                let members = ctx.db.group_members(story.to_string()).await?;
                grouper.load(
                    story,
                    members
                        .into_iter()
                        .map(|m| (m.item_id, m.group, m.time, m.shingles)),
                );
            }
            let shingles = page.map(|p| p.shingles.as_slice()).unwrap_or_default();
            new.push((story, item));
            matched
                .entry(story.to_string())
                .or_default()
                .insert(item.id);
            grouper.place(story, item, shingles)
        } else {
            item.id
        };
        let with_figures =
            (every_page || is_new) && page.is_some_and(|p| figured.insert((story, p.url.as_str())));
        rows.push(MatchWrite {
            story: story.to_string(),
            item_id: item.id,
            score: decision.judgement.score,
            explanation: serde_json::to_string(&decision.judgement).unwrap_or_else(|_| "{}".into()),
            group,
            figures: page
                .filter(|_| with_figures)
                .and_then(|p| figure_write(p, Some(item))),
        });
    }
    if rows.is_empty() {
        return Ok((0, 0));
    }
    let figures = ctx.db.save_matches(rows, Utc::now()).await?;
    ctx.metrics.matches_stored(new.len());
    for (story, item) in &new {
        info!(story_id = %story, url = %item.url.as_deref().unwrap_or(""), title = %item.title, "follow-up");
    }
    Ok((new.len(), figures))
}

/// The stored article of an item's link, if the round holds one.
fn page_of<'a>(pages: &'a Pages, item: &StoredItem) -> Option<&'a StoredArticle> {
    item.url
        .as_ref()
        .and_then(|u| pages.get(u))
        .and_then(|v| v.as_ref())
        .map(|(page, _)| page)
}

/// The figures a page version states, with where they came from; `None` when it states none.
fn figure_write(page: &StoredArticle, item: Option<&StoredItem>) -> Option<FigureWrite> {
    let observations = page.figures.clone().unwrap_or_default();
    if observations.is_empty() {
        return None;
    }
    let article = &page.article;
    // The page's own time first; then the feed entry's; fetch time only as a last resort.
    let declared_at = article
        .updated
        .or(article.published)
        .or(item.and_then(|i| i.updated.or(i.published)))
        .or(Some(page.fetched_at));
    Some(FigureWrite {
        url: page.url.clone(),
        title: article
            .title
            .clone()
            .or_else(|| item.map(|i| i.title.clone())),
        version: page.hash.clone(),
        declared_at,
        observations,
    })
}

/// Re-fetches matched pages still within their story's `recheck_for` whose re-check is due
/// ([`schedule::recheck_due`]) or whose feed entry changed this round (in `touched`, sorted),
/// storing the figures of changed versions. Pages fetched earlier this round are not asked
/// again, and their schedule starts; a new version read then whose figures the round did
/// not store (in `figured`: its new text alone was not judged a follow-up) is stored as a
/// re-check's would be. Returns how many pages were asked for and how many figures were new.
///
/// The schedule runs on the news clock (the newest publication time the feeds reported,
/// never past the wall clock): live, it is the wall clock give or take minutes; replaying
/// recorded coverage, whose polls come seconds apart, it advances with the recording, so
/// a replay re-checks as the live run would have.
async fn recheck(
    ctx: &Context,
    specs: &[StorySpec],
    done: &Pages,
    figured: &HashSet<(usize, &str)>,
    touched: &[i64],
    tally: &page::Tally,
) -> Result<(usize, usize), JobError> {
    let now = Utc::now();
    let clock = ctx.db.news_clock(now).await?.unwrap_or(now).min(now);
    let mut jobs: Vec<(String, StoredItem)> = Vec::new();
    let mut started: Vec<String> = Vec::new();
    let mut edited: HashSet<String> = HashSet::new();
    let mut figures = 0;
    for (index, (spec, config)) in specs.iter().zip(&ctx.config.stories).enumerate() {
        let fresh_from =
            now - ChronoDuration::from_std(config.recheck_for).unwrap_or(ChronoDuration::hours(48));
        let items = ctx
            .db
            .matched_items_since(spec.id.clone(), fresh_from)
            .await?;
        for item in items {
            let Some(url) = item.url.clone() else {
                continue;
            };
            match done.get(&url) {
                Some(page) => {
                    if let Some((page, true)) = page
                        && !figured.contains(&(index, url.as_str()))
                        && let Some(write) = figure_write(page, Some(&item))
                    {
                        figures += ctx
                            .db
                            .save_figures(spec.id.clone(), write, Utc::now())
                            .await?;
                    }
                    started.push(url);
                }
                None => {
                    if touched.binary_search(&item.id).is_ok() {
                        edited.insert(url);
                    }
                    jobs.push((spec.id.clone(), item));
                }
            }
        }
    }
    let mut urls: Vec<String> = jobs.iter().filter_map(|(_, i)| i.url.clone()).collect();
    urls.sort();
    urls.dedup();
    let marks = ctx.db.recheck_marks(urls.clone()).await?;
    let floor = ctx.config.settings.poll_interval;
    // An edited entry says its page changed: it is read now, whatever the schedule says.
    urls.retain(|url| {
        edited.contains(url) || schedule::recheck_due(clock, marks.get(url).copied(), floor)
    });
    let mut stored = ctx.db.articles(urls.clone()).await.unwrap_or_default();
    // A page that failed is re-checked only when its retry is due.
    let failures = ctx.db.article_failures(urls.clone()).await?;
    let now = Utc::now();
    let asked: Vec<(String, Option<StoredArticle>, bool)> = urls
        .into_iter()
        .filter(|url| {
            failures
                .get(url)
                .is_none_or(|f| f.may_retry(now, edited.contains(url)))
        })
        .map(|url| {
            let stored = stored.remove(&url);
            let failed = failures.contains_key(&url);
            (url, stored, failed)
        })
        .collect();
    let fetched: Pages = futures_util::stream::iter(asked)
        .map(|(url, stored, failed)| async move {
            let got = page::fetch_article(ctx, &url, stored, failed, tally).await;
            (url, got)
        })
        .buffer_unordered(ctx.config.settings.concurrency.max(1))
        .collect()
        .await;
    started.extend(fetched.keys().cloned());
    started.sort();
    started.dedup();
    ctx.db.mark_rechecked(started, clock).await?;
    for (story, item) in &jobs {
        let Some(Some((page, true))) = item.url.as_ref().and_then(|u| fetched.get(u)) else {
            continue;
        };
        if let Some(write) = figure_write(page, Some(item)) {
            figures += ctx
                .db
                .save_figures(story.clone(), write, Utc::now())
                .await?;
        }
    }
    Ok((fetched.len(), figures))
}

/// Why a story's baseline could not be read.
#[derive(Debug, thiserror::Error)]
enum BaselineError {
    /// Fetching or reading the page failed.
    #[error(transparent)]
    Page(#[from] PageError),
    /// The page came back, but nothing on it reads as an article.
    #[error("the baseline page has no readable text")]
    Empty,
}

impl BaselineError {
    /// The cause in a few words (see [`PageError::short`]).
    fn short(&self) -> String {
        match self {
            BaselineError::Page(err) => err.short(),
            other => other.to_string(),
        }
    }
}

/// The log target of "cannot read the baseline".
pub const BASELINE_TARGET: &str = "followup::baseline";

/// Reads (or loads) each story's baseline and builds its spec, in config order; the stories
/// whose baseline could not be read are added to `unread` with the short cause.
async fn prepare(
    ctx: &Context,
    unread: &mut Vec<(String, String)>,
) -> Result<Vec<StorySpec>, JobError> {
    let mut out = Vec::with_capacity(ctx.config.stories.len());
    for config in &ctx.config.stories {
        let stored = ctx.db.baseline(config.id.clone()).await?;
        let wanted = config.baseline.as_ref().map(source_of);
        let baseline = match (stored, wanted) {
            (Some(b), Some(src)) if b.source == src => Some(b.article),
            (_, Some(src)) => match read_baseline(ctx, config).await {
                Ok(page) => {
                    ctx.db
                        .save_baseline(
                            config.id.clone(),
                            src.clone(),
                            page.article.clone(),
                            Utc::now(),
                        )
                        .await?;
                    store_baseline_figures(ctx, config, &src, Some(&page)).await?;
                    Some(page.article)
                }
                Err(err) => {
                    // Its own target, so `poll`, which reports it in its summary, can leave the
                    // log line to -v; the daemon logs it.
                    warn!(target: BASELINE_TARGET, story_id = %config.id, cause = %err.short(), "cannot read the baseline; using the configured entities meanwhile");
                    unread.push((config.id.clone(), err.short()));
                    debug!(story_id = %config.id, error = %Chain(&err), "cannot read the baseline: every cause");
                    if !config.baseline_figures.is_empty() {
                        store_baseline_figures(ctx, config, &src, None).await?;
                    }
                    None
                }
            },
            (_, None) => None,
        };
        out.push(round::spec(config, baseline));
    }
    Ok(out)
}

/// What a baseline is stored under: its URL or its file's path.
fn source_of(baseline: &Baseline) -> String {
    match baseline {
        Baseline::Url(url) => url.to_string(),
        Baseline::File(path) => path.display().to_string(),
    }
}

/// Fetches or reads the baseline page and reads it with the page step.
async fn read_baseline(ctx: &Context, config: &StoryConfig) -> Result<PageVersion, BaselineError> {
    let source = match &config.baseline {
        Some(Baseline::Url(url)) => PageSource::Url(url.clone()),
        Some(Baseline::File(path)) => PageSource::File {
            path: path.clone(),
            url: None,
        },
        None => return Err(BaselineError::Empty),
    };
    let loaded = page::load(&ctx.fetcher, &source).await?;
    if loaded.page.article.text.trim().is_empty() {
        return Err(BaselineError::Empty);
    }
    Ok(loaded.page)
}

/// Stores the baseline's figures: configured ones override what the page states.
async fn store_baseline_figures(
    ctx: &Context,
    config: &StoryConfig,
    source: &str,
    page: Option<&PageVersion>,
) -> Result<(), JobError> {
    let mut by_kind: BTreeMap<FigureKind, Observation> = BTreeMap::new();
    for o in page.map(|p| p.figures.as_slice()).unwrap_or_default() {
        by_kind.insert(o.kind, o.clone());
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
    let write = FigureWrite {
        url: source.to_string(),
        title: page.and_then(|p| p.article.title.clone()),
        version: page.map_or_else(|| "configured".to_string(), |p| p.hash.clone()),
        declared_at: page.and_then(|p| p.article.published.or(p.article.updated)),
        observations: by_kind.into_values().collect(),
    };
    ctx.db
        .replace_baseline_figures(config.id.clone(), write, Utc::now())
        .await?;
    Ok(())
}
