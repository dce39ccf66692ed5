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
use crate::metrics::{ArticleOutcome, Target};
use crate::model::{Article, FigureKind, Observation, StoredArticle, StoredItem, text_hash};
use crate::store::{ArticleVersion, FigureWrite, MatchWrite, Source, Store, StoreError, Verdict};
use crate::story::{
    self, Background, DuplicateIndex, Fields, Judgement, Matcher, StorySpec, topic,
};

/// Items first seen this recently that did not match are judged again each round, since
/// the background corpus that weighs names keeps growing.
const REJUDGE_WINDOW_HOURS: i64 = 48;
/// Most recent items that make up the background corpus.
const BACKGROUND_DOCS: usize = 5_000;
/// Shingle similarity at which two matches are the same coverage.
const SAME_STORY: f64 = 0.5;
/// Matches further apart than this (declared times) are never grouped.
const GROUP_WINDOW_DAYS: i64 = 4;
/// Items read and pre-judged at a time: memory stays flat however many a round covers.
const CHUNK: usize = 1_000;

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
#[derive(Clone)]
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
    let stories = Arc::new(prepare(ctx).await?);
    let for_fingerprint = Arc::clone(&stories);
    let (fingerprint, last_item, previous) = ctx
        .db(move |s| {
            let fingerprint = round_fingerprint(&for_fingerprint, s)?;
            Ok((fingerprint, s.last_item_id()?, s.last_story_round()?))
        })
        .await?;
    // A round that judged with the same stories and background would judge every older
    // item the same way again: only touched and newer items need judging then.
    let judged_up_to = previous
        .filter(|(f, _)| *f == fingerprint)
        .map(|(_, last)| last);

    let now = Utc::now();
    let recent_from = now - ChronoDuration::hours(REJUDGE_WINDOW_HOURS);
    let touched_set: HashSet<i64> = touched.iter().copied().collect();
    let extra = touched.to_vec();
    let ids = ctx
        .db(move |s| {
            let mut ids = match judged_up_to {
                Some(after) => s.item_ids_after(after, recent_from)?,
                None => s.item_ids_first_seen_since(recent_from)?,
            };
            ids.extend(extra);
            ids.sort_unstable();
            ids.dedup();
            Ok(ids)
        })
        .await?;
    let mut matched = matched_sets(ctx, &stories).await?;
    debug!(items = ids.len(), "story round: items to judge read");
    // A round with nothing to judge needs no matcher: a poll where nothing changed only
    // re-checks live pages.
    let matcher = if ids.is_empty() {
        None
    } else {
        let specs: Vec<StorySpec> = stories.iter().map(|s| s.spec.clone()).collect();
        Some(Arc::new(matcher_from_store(ctx, specs).await?))
    };
    let (decisions, fetched) = match &matcher {
        Some(matcher) => {
            // Matched items are settled unless they changed this round.
            let settled: HashMap<String, HashSet<i64>> = matched
                .iter()
                .map(|(story, ids)| {
                    (
                        story.clone(),
                        ids.difference(&touched_set).copied().collect(),
                    )
                })
                .collect();
            debug!("story round: matcher built");
            let wanted = round_candidates(ctx, &stories, matcher, Arc::new(settled), &ids).await?;
            debug!(candidates = wanted.len(), "story round: candidates picked");
            judge_wanted(ctx, &stories, matcher, wanted, &touched_set).await?
        }
        None => (Vec::new(), Pages::new()),
    };
    let mut groups = Groups::new();
    report.articles += fetched.values().filter(|v| v.is_some()).count();
    let mut figured: HashSet<(String, String)> = HashSet::new();
    let mut writes = Writes::default();
    for decision in decisions.into_iter().filter(|d| d.followup) {
        let story = &stories[decision.story].config.id;
        let is_new = !matched
            .get(story)
            .is_some_and(|m| m.contains(&decision.item.id));
        let page = page_of(&fetched, &decision.item);
        let with_figures = page.is_some_and(|p| figured.insert((story.clone(), p.url.clone())));
        writes
            .add(
                ctx,
                story,
                &decision,
                page,
                is_new,
                with_figures,
                &mut groups,
            )
            .await?;
        if is_new {
            matched
                .entry(story.clone())
                .or_default()
                .insert(decision.item.id);
        }
    }
    let (new, figures) = writes.save(ctx).await?;
    report.matched += new;
    report.figures += figures;

    // A candidate whose page could not be read is judged again next round, as it was
    // before rounds were remembered.
    if fetched.values().all(Option::is_some) {
        ctx.db(move |s| s.save_story_round(&fingerprint, last_item, Utc::now()))
            .await?;
    }

    // Live pages: matched articles still fresh are re-checked for new versions.
    report.articles += recheck(ctx, &stories, &fetched, &mut report).await?;
    crate::digest::alert::fire(ctx).await;
    Ok(report)
}

/// One item judged against one story.
pub struct Decision {
    /// Index of the story in the prepared list.
    pub story: usize,
    /// The item.
    pub item: StoredItem,
    /// The matcher's judgement with its explanation.
    pub judgement: Judgement,
    /// The final word: the judgement unless a person's verdict overrides it.
    pub followup: bool,
}

/// Articles fetched (or loaded) in a round, by URL, with whether the version is new.
type Pages = HashMap<String, Option<(StoredArticle, bool)>>;

/// Each story's matched item ids.
async fn matched_sets(
    ctx: &Context,
    stories: &[Prepared],
) -> Result<HashMap<String, HashSet<i64>>, JobError> {
    let mut matched = HashMap::new();
    for story in stories {
        let id = story.config.id.clone();
        let set = ctx.db(move |s| s.matched_items(&id)).await?;
        matched.insert(story.config.id.clone(), set);
    }
    Ok(matched)
}

fn page_of<'a>(pages: &'a Pages, item: &StoredItem) -> Option<&'a StoredArticle> {
    item.url
        .as_ref()
        .and_then(|u| pages.get(u))
        .and_then(|v| v.as_ref())
        .map(|(page, _)| page)
}

/// What a round judges with: the stories as configured and read, and the background
/// corpus. Equal fingerprints judge every item the same way.
fn round_fingerprint(stories: &[Prepared], store: &Store) -> Result<String, StoreError> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for story in stories {
        hasher.update(format!("{:?}\0{:?}\0", story.spec, story.config.until).as_bytes());
    }
    store.each_background_text(BACKGROUND_DOCS, |text| {
        hasher.update(text.as_bytes());
        hasher.update([0u8]);
    })?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Builds the matcher on the database thread (see [`weighed_matcher`]).
async fn matcher_from_store(ctx: &Context, specs: Vec<StorySpec>) -> Result<Matcher, JobError> {
    ctx.db(move |s| weighed_matcher(s, &specs)).await
}

/// The matcher for `specs`, weighed by the stored background corpus, counted as it is
/// read rather than from a copy of it.
pub fn weighed_matcher(store: &Store, specs: &[StorySpec]) -> Result<Matcher, StoreError> {
    let mut counter = BackgroundCounter::new(specs);
    store.each_background_text(BACKGROUND_DOCS, |t| counter.add(t))?;
    Ok(counter.finish())
}

/// Stage 1 over a round's items (`ids`, ascending): read `CHUNK` at a time and pre-judged
/// off the async threads; only the candidates are kept, so memory follows the candidates,
/// not the items.
async fn round_candidates(
    ctx: &Context,
    stories: &Arc<Vec<Prepared>>,
    matcher: &Arc<Matcher>,
    settled: Arc<HashMap<String, HashSet<i64>>>,
    ids: &[i64],
) -> Result<Vec<(usize, StoredItem)>, JobError> {
    // Chunks are judged on as many blocking threads as there are cores; `buffered` keeps
    // their order, so the candidates come out as a sequential pass would give them.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunks: Vec<Vec<i64>> = id_chunks(ids, CHUNK)
        .into_iter()
        .map(<[i64]>::to_vec)
        .collect();
    let found: Vec<Result<Vec<(usize, StoredItem)>, JobError>> = futures_util::stream::iter(chunks)
        .map(|chunk: Vec<i64>| {
            chunk_candidates(
                ctx,
                Arc::clone(stories),
                Arc::clone(matcher),
                Arc::clone(&settled),
                chunk,
            )
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

/// Stage 1 over one chunk of ascending ids: read the items, pre-judge them off the async threads.
async fn chunk_candidates(
    ctx: &Context,
    stories: Arc<Vec<Prepared>>,
    matcher: Arc<Matcher>,
    settled: Arc<HashMap<String, HashSet<i64>>>,
    keep: Vec<i64>,
) -> Result<Vec<(usize, StoredItem)>, JobError> {
    let (Some(&first), Some(&last)) = (keep.first(), keep.last()) else {
        return Ok(Vec::new());
    };
    let items = ctx
        .db(move |s| {
            let mut items = s.items_in_id_range(first, last)?;
            items.retain(|i| keep.binary_search(&i.id).is_ok());
            Ok(items)
        })
        .await?;
    tokio::task::spawn_blocking(move || {
        candidates_among(&stories, &matcher, items, |story, item| {
            settled.get(story).is_some_and(|m| m.contains(&item.id))
        })
    })
    .await
    .map_err(|e| JobError::Task(e.to_string()))
}

/// Splits ascending ids into runs of at most `size` spanning less than twice that, so a
/// range read never drags in a long stretch of rows outside the round.
fn id_chunks(ids: &[i64], size: usize) -> Vec<&[i64]> {
    let span = i64::try_from(size.saturating_mul(2)).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &id) in ids.iter().enumerate() {
        if i - start >= size || ids.get(start).is_some_and(|&s| id - s >= span) {
            out.push(&ids[start..i]);
            start = i;
        }
    }
    if start < ids.len() {
        out.push(&ids[start..]);
    }
    out
}

/// Stage 1: the (story, item) pairs whose title and summary make the item a candidate,
/// within each story's time window, minus those `skip` says are settled.
fn candidates_among(
    stories: &[Prepared],
    matcher: &Matcher,
    items: Vec<StoredItem>,
    skip: impl Fn(&str, &StoredItem) -> bool,
) -> Vec<(usize, StoredItem)> {
    let mut wanted: Vec<(usize, StoredItem)> = Vec::new();
    for item in items {
        for index in matcher.candidates(&item.title, &item.summary) {
            let Some(story) = stories.get(index) else {
                continue;
            };
            if skip(&story.config.id, &item)
                || !in_window(&story.config, &story.spec, item.published)
            {
                continue;
            }
            wanted.push((index, item.clone()));
        }
    }
    wanted
}

/// Judges items in two stages: title and summary pick candidates (within each story's time
/// window, minus those `skip` says are settled), their articles are fetched once each
/// (re-fetched when in `refresh`), and candidates are judged again with the article text.
async fn judge_items(
    ctx: &Context,
    stories: &[Prepared],
    matcher: &Matcher,
    items: Vec<StoredItem>,
    skip: impl Fn(&str, &StoredItem) -> bool,
    refresh: &HashSet<i64>,
) -> Result<(Vec<Decision>, Pages), JobError> {
    let wanted = candidates_among(stories, matcher, items, skip);
    judge_wanted(ctx, stories, matcher, wanted, refresh).await
}

/// Stage 2: fetches the candidates' articles once each (again when in `refresh`) and
/// judges each candidate with its article text.
async fn judge_wanted(
    ctx: &Context,
    stories: &[Prepared],
    matcher: &Matcher,
    wanted: Vec<(usize, StoredItem)>,
    refresh: &HashSet<i64>,
) -> Result<(Vec<Decision>, Pages), JobError> {
    let mut urls: Vec<(String, bool)> = Vec::new();
    for (_, item) in &wanted {
        if let Some(url) = &item.url
            && !urls.iter().any(|(u, _)| u == url)
        {
            urls.push((url.clone(), refresh.contains(&item.id)));
        }
    }
    let pages: Pages = futures_util::stream::iter(urls)
        .map(|(url, refresh)| async move {
            let got = article_for(ctx, &url, refresh).await;
            (url, got)
        })
        .buffer_unordered(ctx.config.settings.concurrency)
        .collect()
        .await;
    let mut decisions = Vec::with_capacity(wanted.len());
    for (index, item) in wanted {
        let story = &stories[index];
        let page = page_of(&pages, &item);
        // An item without a declared time is placed by its page's own publication time.
        if let Some(page) = page
            && item.published.is_none()
            && !in_window(&story.config, &story.spec, page.article.published)
        {
            continue;
        }
        let fields = Fields {
            title: &item.title,
            summary: &item.summary,
            article: page.map(|p| p.article.text.as_str()),
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
        debug!(story_id = %story.config.id, item = %item.title, score = judgement.score, entities = judgement.entity_score, topical = judgement.topical, hits = ?judgement.hits.iter().map(|h| format!("{}={:.2}", h.name, h.weight)).collect::<Vec<_>>(), followup, "judged");
        decisions.push(Decision {
            story: index,
            item,
            judgement,
            followup,
        });
    }
    Ok((decisions, pages))
}

/// Each story's matches as grouping sees them: read once per round, then extended with
/// the matches the round stores, so a round with many new matches reads them once.
type Groups = HashMap<String, DuplicateIndex>;

/// A round's positive decisions, prepared to be stored together: a commit per round
/// instead of two per match.
#[derive(Default)]
struct Writes {
    rows: Vec<MatchWrite>,
    /// Story, URL and title of each new match, logged once stored.
    new: Vec<(String, String, String)>,
}

impl Writes {
    /// Prepares a positive decision's row: a new match joins the group of a near-duplicate
    /// (stored or prepared before it); its page's figures go with it when `with_figures`.
    #[allow(clippy::too_many_arguments)]
    async fn add(
        &mut self,
        ctx: &Context,
        story: &str,
        decision: &Decision,
        page: Option<&StoredArticle>,
        is_new: bool,
        with_figures: bool,
        groups: &mut Groups,
    ) -> Result<(), JobError> {
        let item = &decision.item;
        let explanation =
            serde_json::to_string(&decision.judgement).unwrap_or_else(|_| "{}".into());
        let shingles = page.map(|p| p.shingles.clone()).unwrap_or_default();
        let group = if is_new {
            group_for(ctx, story, item, &shingles, groups).await?
        } else {
            item.id
        };
        if is_new && let Some(index) = groups.get_mut(story) {
            let time = item.published.unwrap_or(item.first_seen).timestamp();
            index.add(item.id, group, Some(time), shingles);
        }
        if is_new {
            self.new.push((
                story.to_string(),
                item.url.clone().unwrap_or_default(),
                item.title.clone(),
            ));
        }
        self.rows.push(MatchWrite {
            story: story.to_string(),
            item_id: item.id,
            score: decision.judgement.score,
            explanation,
            group,
            figures: page
                .filter(|_| with_figures)
                .and_then(|p| figure_write(p, Some(item))),
        });
        Ok(())
    }

    /// Stores the prepared rows in one transaction and logs the new matches; returns how
    /// many matches were new and how many figures.
    async fn save(self, ctx: &Context) -> Result<(usize, usize), JobError> {
        if self.rows.is_empty() {
            return Ok((0, 0));
        }
        let rows = self.rows;
        let figures = ctx.db(move |s| s.save_matches(&rows, Utc::now())).await?;
        ctx.metrics.matches_stored(self.new.len());
        for (story, url, title) in &self.new {
            info!(story_id = %story, url = %url, title = %title, "follow-up");
        }
        Ok((self.new.len(), figures))
    }
}

/// A story's matching spec from its config and its baseline article (if read). The window
/// opens at `since`, else 48 h before the baseline's publication.
pub fn spec(config: &StoryConfig, baseline: Option<Article>) -> StorySpec {
    let baseline_time = baseline.as_ref().and_then(|b| b.published.or(b.updated));
    let since = config
        .since
        .or_else(|| baseline_time.map(|t| t - ChronoDuration::hours(48)));
    StorySpec {
        id: config.id.clone(),
        title: config.title.clone(),
        baseline: baseline.unwrap_or_default(),
        entities: config.entities.clone(),
        aliases: config.aliases.clone(),
        exclude: config.exclude.clone(),
        since,
    }
}

/// What a rematch changed (or would change, in a dry run).
#[derive(Debug, Default)]
pub struct RematchReport {
    /// Items that now match.
    pub added: Vec<StoredItem>,
    /// Items that no longer match.
    pub removed: Vec<StoredItem>,
}

/// Re-judges every stored item for one story after its entities or aliases changed.
/// People's verdicts stand: rejected items are never added, confirmed ones never removed.
pub async fn rematch(
    ctx: &Context,
    story_id: &str,
    dry_run: bool,
) -> Result<RematchReport, JobError> {
    let stories = prepare(ctx).await?;
    let specs: Vec<StorySpec> = stories.iter().map(|s| s.spec.clone()).collect();
    let matcher = matcher_from_store(ctx, specs).await?;
    let items = ctx
        .db(|s| {
            s.items(&crate::store::ItemFilter {
                limit: usize::MAX >> 1,
                ..Default::default()
            })
        })
        .await?;
    let by_id: HashMap<i64, StoredItem> = items.iter().map(|i| (i.id, i.clone())).collect();
    let skip = |story: &str, _: &StoredItem| story != story_id;
    let (decisions, pages) =
        judge_items(ctx, &stories, &matcher, items, skip, &HashSet::new()).await?;
    let sid = story_id.to_string();
    let current = ctx.db(move |s| s.matched_items(&sid)).await?;
    let now_matching: HashSet<i64> = decisions
        .iter()
        .filter(|d| d.followup)
        .map(|d| d.item.id)
        .collect();
    let mut report = RematchReport::default();
    for id in current.difference(&now_matching) {
        let Some(item) = by_id.get(id) else { continue };
        let confirmed = match &item.url {
            Some(url) => {
                let (sid, u) = (story_id.to_string(), url.clone());
                ctx.db(move |s| s.verdict(&sid, &u)).await? == Some(Verdict::Confirmed)
            }
            None => false,
        };
        if !confirmed {
            report.removed.push(item.clone());
        }
    }
    for decision in decisions.iter().filter(|d| d.followup) {
        if !current.contains(&decision.item.id) {
            report.added.push(decision.item.clone());
        }
    }
    if dry_run {
        return Ok(report);
    }
    for item in &report.removed {
        let (sid, id) = (story_id.to_string(), item.id);
        ctx.db(move |s| s.delete_match(&sid, id)).await?;
    }
    let mut groups = Groups::new();
    let mut writes = Writes::default();
    for decision in decisions.iter().filter(|d| d.followup) {
        let is_new = !current.contains(&decision.item.id);
        let page = page_of(&pages, &decision.item);
        let with_figures = is_new && page.is_some();
        writes
            .add(
                ctx,
                story_id,
                decision,
                page,
                is_new,
                with_figures,
                &mut groups,
            )
            .await?;
    }
    writes.save(ctx).await?;
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
        let spec = spec(config, baseline);
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
pub fn build_matcher(specs: &[StorySpec], texts: &[String]) -> Matcher {
    let mut counter = BackgroundCounter::new(specs);
    for text in texts {
        counter.add(text);
    }
    counter.finish()
}

/// Counts a background corpus one text at a time (see [`build_matcher`]), so the texts
/// need not be held together.
pub struct BackgroundCounter {
    matcher: Matcher,
    bg: Background,
    /// Term → (documents, last document counted), so a term repeated in one text counts
    /// once without a set per text.
    terms: topic::TermMap<(u64, usize)>,
}

impl BackgroundCounter {
    /// A counter for the names of `specs`.
    pub fn new(specs: &[StorySpec]) -> Self {
        Self {
            matcher: Matcher::build(specs, &Background::default()),
            bg: Background::default(),
            terms: topic::TermMap::default(),
        }
    }

    /// Counts one text of the corpus.
    pub fn add(&mut self, text: &str) {
        let doc = self.bg.docs as usize;
        self.bg.docs += 1;
        for name in self.matcher.names_in(text) {
            *self.bg.names.entry(name).or_default() += 1;
        }
        let terms = &mut self.terms;
        topic::for_each_term(text, |term| match terms.get_mut(term) {
            Some((count, last)) => {
                if *last != doc {
                    *count += 1;
                    *last = doc;
                }
            }
            None => {
                terms.insert(term.to_string(), (1, doc));
            }
        });
    }

    /// The matcher, weighed by what was counted.
    pub fn finish(self) -> Matcher {
        let Self {
            mut matcher,
            mut bg,
            terms,
        } = self;
        bg.terms = terms.into_iter().map(|(t, (n, _))| (t, n)).collect();
        matcher.set_background(&bg);
        matcher
    }
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
        ctx.metrics.article_fetched(ArticleOutcome::Disallowed);
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
                ctx.metrics.article_fetched(if note.is_none() {
                    ArticleOutcome::NotModified
                } else {
                    ArticleOutcome::Unavailable
                });
                let key = url.to_string();
                let _ = ctx
                    .db(move |s| s.article_checked(&key, note.as_deref(), Utc::now()))
                    .await;
                return stored.map(|s| (s, false));
            }
        },
        Err(err) => {
            warn!(url, error = %err, "cannot fetch article");
            ctx.metrics.article_fetched(ArticleOutcome::Error);
            ctx.metrics.fetch_error(Target::Article, err.kind());
            let (key, msg) = (url.to_string(), err.to_string());
            let _ = ctx
                .db(move |s| s.article_checked(&key, Some(&msg), Utc::now()))
                .await;
            return stored.map(|s| (s, false));
        }
    };
    ctx.metrics.article_fetched(ArticleOutcome::Ok);
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
    groups: &mut Groups,
) -> Result<i64, JobError> {
    if !groups.contains_key(story) {
        let sid = story.to_string();
        let members = ctx.db(move |s| s.group_members(&sid)).await?;
        let mut index = DuplicateIndex::default();
        for m in members {
            index.add(
                m.item_id,
                m.group,
                m.time.map(|t| t.timestamp()),
                m.shingles,
            );
        }
        groups.insert(story.to_string(), index);
    }
    if shingles.is_empty() {
        return Ok(item.id);
    }
    let Some(index) = groups.get(story) else {
        return Ok(item.id);
    };
    let when = item.published.unwrap_or(item.first_seen).timestamp();
    // Within GROUP_WINDOW_DAYS whole days, as `num_days` counts them.
    let window = (GROUP_WINDOW_DAYS + 1) * 86_400 - 1;
    let best = index.best_group(item.id, shingles, Some(when), window, SAME_STORY);
    Ok(best.unwrap_or(item.id))
}

/// The figures a page version states, with where they came from; `None` when it states none.
fn figure_write(page: &StoredArticle, item: Option<&StoredItem>) -> Option<FigureWrite> {
    let article = &page.article;
    let observations =
        figures::article_figures(article.title.as_deref().unwrap_or(""), &article.text);
    if observations.is_empty() {
        return None;
    }
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

/// Stores the figures a page version states for `story`; returns how many were new.
async fn record_figures(
    ctx: &Context,
    story: &str,
    page: &StoredArticle,
    item: Option<&StoredItem>,
) -> Result<usize, JobError> {
    let Some(write) = figure_write(page, item) else {
        return Ok(0);
    };
    let story = story.to_string();
    ctx.db(move |s| {
        s.save_observations(
            &Source {
                story: &story,
                url: &write.url,
                title: write.title.as_deref(),
                version: &write.version,
                declared_at: write.declared_at,
                baseline: false,
            },
            &write.observations,
            Utc::now(),
        )
    })
    .await
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
            .db(move |s| s.matched_items_since(&sid, fresh_from))
            .await?;
        for item in items {
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

#[cfg(test)]
mod tests {
    use super::id_chunks;

    #[test]
    fn id_chunks_bound_count_and_span() {
        let ids: Vec<i64> = (1..=25).chain([100, 101, 5_000]).collect();
        let chunks = id_chunks(&ids, 10);
        let lens: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert_eq!(lens, vec![10, 10, 5, 2, 1]);
        assert_eq!(chunks.concat(), ids);
        assert!(id_chunks(&[], 10).is_empty());
    }
}
