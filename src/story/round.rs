//! The follow-up decision of a round, as plain data in and out: a story's spec and time
//! window, stage 1 (which items' titles and summaries make them worth reading), stage 2
//! (the decision with the article text and people's verdicts), near-duplicate groups, and
//! what a rematch changes. The pipeline reads and fetches what these ask for and stores
//! what they return; nothing here does I/O.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use tracing::debug;

use super::matcher::Ask;
use super::{DuplicateIndex, Fields, Judgement, Matcher, StorySpec};
use crate::config::StoryConfig;
use crate::model::{Article, StoredArticle, StoredItem, Verdict, normalise_link};
use crate::text::shingles::{shingles, similarity};

/// Shingle similarity at which two matches are the same coverage.
const SAME_STORY: f64 = 0.5;
/// Matches further apart than this (declared times) are never grouped.
const GROUP_WINDOW_DAYS: i64 = 4;
/// How long before the baseline's publication a story's window opens by default.
const SINCE_BEFORE_BASELINE_HOURS: i64 = 48;

/// A story's matching spec from its config and its baseline article (if read). The window
/// opens at `since`, else 48 h before the baseline's publication, and closes at `until`.
pub fn spec(config: &StoryConfig, baseline: Option<Article>) -> StorySpec {
    let baseline_time = baseline.as_ref().and_then(|b| b.published.or(b.updated));
    let since = config
        .since
        .or_else(|| baseline_time.map(|t| t - Duration::hours(SINCE_BEFORE_BASELINE_HOURS)));
    StorySpec {
        id: config.id.clone(),
        title: config.title.clone(),
        baseline: baseline.unwrap_or_default(),
        entities: config.entities.clone(),
        aliases: config.aliases.clone(),
        exclude: config.exclude.clone(),
        since,
        until: config.until,
        baseline_url: match &config.baseline {
            Some(crate::config::Baseline::Url(url)) => Some(url.to_string()),
            _ => None,
        },
    }
}

/// Shingle similarity at or above which a page is the baseline itself (another copy, the
/// same text under another address).
const SAME_AS_BASELINE: f64 = 0.8;

/// Whether an item is the story's baseline: its link is the baseline's (the feed carried
/// the article the story was tracked from), or its page is the baseline's text again.
/// `sketch` is the baseline's shingle sketch.
pub fn is_baseline(
    spec: &StorySpec,
    sketch: &[u64],
    item: &StoredItem,
    page: Option<&StoredArticle>,
) -> bool {
    let same_link = |link: &str| {
        spec.baseline_url
            .as_deref()
            .is_some_and(|b| normalise_link(b) == normalise_link(link))
    };
    item.url.as_deref().is_some_and(same_link)
        || page.is_some_and(|p| {
            same_link(&p.url)
                || (!sketch.is_empty() && similarity(sketch, &p.shingles) >= SAME_AS_BASELINE)
        })
}

/// Whether a declared time falls inside the story's window (an unknown time passes).
pub fn in_window(spec: &StorySpec, published: Option<DateTime<Utc>>) -> bool {
    let Some(t) = published else { return true };
    spec.since.is_none_or(|since| t >= since) && spec.until.is_none_or(|until| t <= until)
}

/// Splits ascending ids into runs of at most `size` spanning less than twice that, so a
/// range read never drags in a long stretch of rows outside the round.
pub fn id_chunks(ids: &[i64], size: usize) -> Vec<&[i64]> {
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

/// A story's index in the matcher, with one of its candidate items.
pub type Candidate = (usize, StoredItem);

/// A candidate with why stage 1 asks for its article.
pub type Asked = (Candidate, Ask);

/// Share of a round's judged items whose articles stage 1's weights alone may ask for, per
/// story (see [`within_budget`]).
pub const FETCH_BUDGET_SHARE: f64 = 0.01;
/// Articles stage 1's weights alone may always ask for per story and round, however few
/// items the round judges: a quiet round's budget must not cut the follow-up that names the
/// event only by description.
pub const FETCH_BUDGET_MIN: usize = 8;

/// Stage 1: the (story, item) pairs whose title and summary make the item a candidate,
/// within each story's time window, minus those `skip` says are settled.
pub fn candidates(
    specs: &[StorySpec],
    matcher: &Matcher,
    items: Vec<StoredItem>,
    skip: impl Fn(&str, &StoredItem) -> bool,
) -> Vec<Asked> {
    let mut wanted = Vec::new();
    for item in items {
        let fields = Fields {
            title: &item.title,
            summary: &item.summary,
            article: None,
            published: item.published,
        };
        for (index, ask) in matcher.candidates(&fields) {
            let Some(spec) = specs.get(index) else {
                continue;
            };
            if skip(&spec.id, &item) || !in_window(spec, item.published) {
                continue;
            }
            wanted.push(((index, item.clone()), ask));
        }
    }
    wanted
}

/// Stage 1's fetch budget over a round that judged `judged` items: every candidate whose
/// title or summary names the story, and of those that stage 1's weights alone ask for,
/// per story, only the likeliest `max(FETCH_BUDGET_MIN, FETCH_BUDGET_SHARE × judged)`. The
/// weights read an item's words against the story's; a round of ordinary news that shares
/// the story's everyday vocabulary ("officials said", "police", "court") would clear any
/// fixed threshold by the thousand, so what counts is how an item ranks against the rest of
/// the round. Returns the candidates kept, in their order, and how many were cut.
pub fn within_budget(asked: Vec<Asked>, judged: usize) -> (Vec<Candidate>, usize) {
    let budget = FETCH_BUDGET_MIN.max((FETCH_BUDGET_SHARE * judged as f64).ceil() as usize);
    let mut weighed: HashMap<usize, Vec<(f64, usize)>> = HashMap::new();
    for (at, ((story, _), ask)) in asked.iter().enumerate() {
        if let Ask::Weighed(p) = ask {
            weighed.entry(*story).or_default().push((*p, at));
        }
    }
    let mut cut: HashSet<usize> = HashSet::new();
    for list in weighed.values_mut() {
        if list.len() > budget {
            list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            cut.extend(list[budget..].iter().map(|(_, at)| *at));
        }
    }
    let kept = asked
        .into_iter()
        .enumerate()
        .filter(|(at, _)| !cut.contains(at))
        .map(|(_, (candidate, _))| candidate)
        .collect();
    (kept, cut.len())
}

/// The article URLs stage 2 needs, each once, in first-asked order, with whether it must
/// be fetched again (its item is in `refresh`: it changed this round).
pub fn article_urls(wanted: &[Candidate], refresh: &HashSet<i64>) -> Vec<(String, bool)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut urls: Vec<(String, bool)> = Vec::new();
    for (_, item) in wanted {
        let Some(url) = &item.url else { continue };
        let again = refresh.contains(&item.id);
        match seen.get(url.as_str()) {
            // Any item due a re-check makes its page due, whichever came first.
            Some(&at) => urls[at].1 |= again,
            None => {
                seen.insert(url, urls.len());
                urls.push((url.clone(), again));
            }
        }
    }
    urls
}

/// One item judged against one story.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Index of the story in the matcher.
    pub story: usize,
    /// The item.
    pub item: StoredItem,
    /// The matcher's judgement with its explanation.
    pub judgement: Judgement,
    /// The final word: the judgement unless a person's verdict overrides it.
    pub followup: bool,
}

/// Stage 2: each candidate judged with its article (from `pages`, by the item's URL, when
/// it could be read) and the story's verdicts (story id → URL → verdict). An item without
/// a declared time is placed in the window by its page's own publication time.
pub fn decide(
    specs: &[StorySpec],
    matcher: &Matcher,
    wanted: Vec<Candidate>,
    pages: &HashMap<String, StoredArticle>,
    verdicts: &HashMap<String, HashMap<String, Verdict>>,
) -> Vec<Decision> {
    let sketches: Vec<Vec<u64>> = specs.iter().map(|s| shingles(&s.baseline.text)).collect();
    let mut decisions = Vec::with_capacity(wanted.len());
    for (index, item) in wanted {
        let Some(spec) = specs.get(index) else {
            continue;
        };
        let page = item.url.as_ref().and_then(|u| pages.get(u));
        if is_baseline(spec, &sketches[index], &item, page) {
            debug!(story_id = %spec.id, item = %item.title, "the baseline itself: not a follow-up");
            continue;
        }
        if let Some(page) = page
            && item.published.is_none()
            && !in_window(spec, page.article.published)
        {
            continue;
        }
        let fields = Fields {
            title: &item.title,
            summary: &item.summary,
            article: page.map(|p| p.article.text.as_str()),
            published: item
                .published
                .or_else(|| page.and_then(|p| p.article.published)),
        };
        let judgement = matcher.judge(index, &fields);
        let verdict = item
            .url
            .as_ref()
            .and_then(|u| verdicts.get(&spec.id).and_then(|v| v.get(u)));
        let followup = match verdict {
            Some(Verdict::Confirmed) => true,
            Some(Verdict::Rejected) => false,
            None => judgement.followup,
        };
        debug!(story_id = %spec.id, item = %item.title, score = judgement.score,
            entities = judgement.entity_score, topical = judgement.topical,
            hits = ?judgement.hits.iter().map(|h| format!("{}={:.2}", h.name, h.weight)).collect::<Vec<_>>(),
            followup, "judged");
        decisions.push(Decision {
            story: index,
            item,
            judgement,
            followup,
        });
    }
    decisions
}

/// Near-duplicate groups of each story's matches: a new match joins the group of a
/// near-duplicate within a few days (stored, or placed earlier this round), else its own.
#[derive(Debug, Default)]
pub struct Grouper {
    indexes: HashMap<String, DuplicateIndex>,
}

/// A stored match as grouping sees it: item id, group, time and sketch.
pub type Member = (i64, i64, Option<DateTime<Utc>>, Vec<u64>);

impl Grouper {
    /// Whether the story's stored matches were loaded.
    pub fn knows(&self, story: &str) -> bool {
        self.indexes.contains_key(story)
    }

    /// Loads a story's stored matches.
    pub fn load(&mut self, story: &str, members: impl IntoIterator<Item = Member>) {
        let index = self.indexes.entry(story.to_string()).or_default();
        for (item_id, group, time, shingles) in members {
            index.add(item_id, group, time.map(|t| t.timestamp()), shingles);
        }
    }

    /// The group of a new match of `story` whose page's sketch is `shingles`; the match
    /// joins the index, so later near-duplicates find it.
    pub fn place(&mut self, story: &str, item: &StoredItem, shingles: &[u64]) -> i64 {
        let when = item.published.unwrap_or(item.first_seen).timestamp();
        let index = self.indexes.entry(story.to_string()).or_default();
        // Within GROUP_WINDOW_DAYS whole days, as `num_days` counts them.
        let window = (GROUP_WINDOW_DAYS + 1) * 86_400 - 1;
        let group = if shingles.is_empty() {
            item.id
        } else {
            index
                .best_group(item.id, shingles, Some(when), window, SAME_STORY)
                .unwrap_or(item.id)
        };
        index.add(item.id, group, Some(when), shingles.to_vec());
        group
    }
}

/// What a rematch changes: items that now match and were not matched, and matched items
/// that no longer match (unless a person confirmed them).
#[derive(Debug, Default)]
pub struct RematchReport {
    /// Items that now match.
    pub added: Vec<StoredItem>,
    /// Items that no longer match.
    pub removed: Vec<StoredItem>,
}

/// Compares a rematch's decisions with the story's `current` matches.
pub fn rematch_changes(
    decisions: &[Decision],
    current: &HashSet<i64>,
    items: &HashMap<i64, StoredItem>,
    verdicts: &HashMap<String, Verdict>,
) -> RematchReport {
    let now_matching: HashSet<i64> = decisions
        .iter()
        .filter(|d| d.followup)
        .map(|d| d.item.id)
        .collect();
    let mut report = RematchReport::default();
    let mut gone: Vec<&i64> = current.difference(&now_matching).collect();
    gone.sort_unstable();
    for id in gone {
        let Some(item) = items.get(id) else { continue };
        let confirmed = item
            .url
            .as_ref()
            .is_some_and(|u| verdicts.get(u) == Some(&Verdict::Confirmed));
        if !confirmed {
            report.removed.push(item.clone());
        }
    }
    for decision in decisions.iter().filter(|d| d.followup) {
        if !current.contains(&decision.item.id) {
            report.added.push(decision.item.clone());
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::background::build_matcher;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2031, 5, day, 9, 0, 0).unwrap()
    }

    fn item(id: i64, title: &str, published: Option<DateTime<Utc>>) -> StoredItem {
        StoredItem {
            id,
            url: Some(format!("https://paper.example/{id}")),
            title: title.into(),
            published,
            first_seen: at(10),
            ..StoredItem::default()
        }
    }

    fn flood() -> StorySpec {
        StorySpec {
            id: "flood".into(),
            title: "Valdora flood".into(),
            baseline: Article {
                title: Some("Valdora dam breaks, flooding the lower town".into()),
                text:
                    "The Valdora dam broke on Monday night and flood water reached the lower town. \
                       Rescue teams from Merrow searched flooded streets."
                        .into(),
                published: Some(at(10)),
                updated: None,
            },
            entities: vec!["Valdora".into()],
            since: Some(at(8)),
            until: Some(at(20)),
            ..StorySpec::default()
        }
    }

    #[test]
    fn id_chunks_bound_count_and_span() {
        let ids: Vec<i64> = (1..=25).chain([100, 101, 5_000]).collect();
        let chunks = id_chunks(&ids, 10);
        let lens: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert_eq!(lens, vec![10, 10, 5, 2, 1]);
        assert_eq!(chunks.concat(), ids);
        assert!(id_chunks(&[], 10).is_empty());
    }

    #[test]
    fn the_window_opens_at_since_and_closes_at_until() {
        let spec = flood();
        assert!(in_window(&spec, None));
        assert!(in_window(&spec, Some(at(8))));
        assert!(!in_window(&spec, Some(at(7))));
        assert!(in_window(&spec, Some(at(20))));
        assert!(!in_window(&spec, Some(at(21))));
    }

    #[test]
    fn stage_one_keeps_window_and_skips_settled_items() {
        let specs = [flood()];
        let matcher = build_matcher(&specs, &[]);
        let items = vec![
            item(
                1,
                "Valdora dam: flood water reaches the lower town",
                Some(at(11)),
            ),
            item(
                2,
                "Valdora dam: flood water reaches the lower town",
                Some(at(2)),
            ),
            item(
                3,
                "Valdora dam: flood water reaches the lower town",
                Some(at(12)),
            ),
            item(4, "Council budget vote delayed", Some(at(12))),
        ];
        let got = candidates(&specs, &matcher, items, |_, i| i.id == 3);
        let ids: Vec<i64> = got.iter().map(|((_, i), _)| i.id).collect();
        assert_eq!(ids, vec![1]);
    }

    #[test]
    fn the_fetch_budget_keeps_named_items_and_the_likeliest_of_the_rest() {
        // A cold round of 2,000 items: 30 named in the title, 200 that only the weights
        // ask for, against story 0, and two weighed ones against story 1.
        let mut asked: Vec<Asked> = Vec::new();
        for n in 0..230 {
            let ask = if n % 23 == 0 || n < 23 {
                Ask::Named
            } else {
                Ask::Weighed(f64::from(n) / 1000.0)
            };
            asked.push(((0, item(n.into(), "item", None)), ask));
        }
        asked.push(((1, item(900, "other story", None)), Ask::Weighed(0.2)));
        asked.push(((1, item(901, "other story", None)), Ask::Weighed(0.3)));
        let named = asked
            .iter()
            .filter(|(_, a)| matches!(a, Ask::Named))
            .count();
        let (kept, cut) = within_budget(asked.clone(), 2_000);
        // 1 % of the round: 20 weighed per story, the likeliest, in their order.
        let weighed: Vec<i64> = kept
            .iter()
            .filter(|(s, i)| *s == 0 && (i.id % 23 != 0 && i.id >= 23))
            .map(|(_, i)| i.id)
            .collect();
        assert_eq!(weighed.len(), 20);
        assert!(weighed.windows(2).all(|w| w[0] < w[1]), "{weighed:?}");
        assert!(weighed.iter().all(|&id| id >= 209), "{weighed:?}");
        assert_eq!(kept.len(), named + 20 + 2);
        assert_eq!(cut, asked.len() - kept.len());
        // A quiet round keeps up to FETCH_BUDGET_MIN weighed items whatever its size.
        let (kept, cut) = within_budget(asked[..30].to_vec(), 10);
        assert_eq!(cut, 0, "{kept:?}");
        let (_, cut) = within_budget(asked, 10);
        assert_eq!(cut, (230 - named) - FETCH_BUDGET_MIN);
    }

    #[test]
    fn article_urls_are_asked_once_each() {
        let a = item(1, "a", None);
        let mut b = item(2, "b", None);
        b.url = a.url.clone();
        let c = item(3, "c", None);
        let refresh: HashSet<i64> = [3].into();
        let urls = article_urls(&[(0, a), (0, b), (1, c.clone()), (0, c)], &refresh);
        assert_eq!(
            urls,
            vec![
                ("https://paper.example/1".to_string(), false),
                ("https://paper.example/3".to_string(), true)
            ]
        );
        // An item due a re-check makes the shared page due, even when listed second.
        let mut d = item(4, "d", None);
        d.url = item(3, "c", None).url;
        let late = article_urls(&[(0, d), (0, item(3, "c", None))], &refresh);
        assert_eq!(late, vec![("https://paper.example/3".to_string(), true)]);
    }

    #[test]
    fn verdicts_override_the_judgement_and_page_times_place_undated_items() {
        let specs = [flood()];
        let matcher = build_matcher(&specs, &[]);
        let title = "Valdora dam: flood water reaches the lower town";
        let undated_old = item(1, title, None);
        let rejected = item(2, title, Some(at(11)));
        let confirmed = item(3, "Council budget vote delayed", Some(at(11)));
        let page = |id: i64, published| StoredArticle {
            url: format!("https://paper.example/{id}"),
            article: Article {
                published: Some(published),
                ..Article::default()
            },
            ..StoredArticle::default()
        };
        let pages: HashMap<String, StoredArticle> = [page(1, at(1))]
            .into_iter()
            .map(|p| (p.url.clone(), p))
            .collect();
        let verdicts: HashMap<String, HashMap<String, Verdict>> = [(
            "flood".to_string(),
            [
                ("https://paper.example/2".to_string(), Verdict::Rejected),
                ("https://paper.example/3".to_string(), Verdict::Confirmed),
            ]
            .into(),
        )]
        .into();
        let wanted = vec![(0, undated_old), (0, rejected), (0, confirmed)];
        let got = decide(&specs, &matcher, wanted, &pages, &verdicts);
        let out: Vec<(i64, bool)> = got.iter().map(|d| (d.item.id, d.followup)).collect();
        assert_eq!(out, vec![(2, false), (3, true)]);
        assert!(got[0].judgement.followup, "{:?}", got[0].judgement);
    }

    const WIRE: &str = "Rescue teams in the hill town of Ostrava Nova pulled two more survivors \
        from a collapsed apartment block on Tuesday, officials said, as the number of dead from the \
        earthquake rose to 41. The regional governor said 212 people had been treated in hospital.";

    #[test]
    fn near_duplicates_join_one_group_within_days() {
        let sketch = crate::text::shingles::shingles(WIRE);
        let mut grouper = Grouper::default();
        assert!(!grouper.knows("quake"));
        grouper.load("quake", [(1, 1, Some(at(10)), sketch.clone())]);
        assert!(grouper.knows("quake"));
        assert_eq!(
            grouper.place("quake", &item(2, "copy", Some(at(11))), &sketch),
            1
        );
        assert_eq!(
            grouper.place("quake", &item(3, "late", Some(at(25))), &sketch),
            3
        );
        assert_eq!(
            grouper.place("quake", &item(4, "no page", Some(at(11))), &[]),
            4
        );
        assert_eq!(
            grouper.place("quake", &item(5, "copy of late", Some(at(26))), &sketch),
            3
        );
    }

    #[test]
    fn the_baseline_is_known_by_its_link_or_its_text() {
        let mut spec = flood();
        spec.baseline_url = Some("https://paper.example/flood?utm_source=feed".into());
        let sketch = crate::text::shingles::shingles(&spec.baseline.text);
        let mut own = item(1, "Valdora dam breaks", None);
        own.url = Some("https://PAPER.example/flood".into());
        assert!(is_baseline(&spec, &sketch, &own, None));
        let other = item(2, "Valdora dam: water reaches the lower town", None);
        assert!(!is_baseline(&spec, &sketch, &other, None));
        let copy = StoredArticle {
            url: "https://mirror.example/copy".into(),
            article: spec.baseline.clone(),
            shingles: sketch.clone(),
            ..StoredArticle::default()
        };
        assert!(is_baseline(&spec, &sketch, &other, Some(&copy)));
        let report = StoredArticle {
            url: "https://paper.example/2".into(),
            shingles: crate::text::shingles::shingles(
                "Engineers from Merrow inspected the broken Valdora dam on Tuesday and said repairs \
                 would take months while residents of the lower town returned to clean their homes.",
            ),
            ..StoredArticle::default()
        };
        assert!(!is_baseline(&spec, &sketch, &other, Some(&report)));
    }

    #[test]
    fn a_rematch_keeps_confirmed_items() {
        let items: HashMap<i64, StoredItem> = (1..=3).map(|id| (id, item(id, "t", None))).collect();
        let decision = |id: i64, followup| Decision {
            story: 0,
            item: items[&id].clone(),
            judgement: Judgement {
                score: 0.0,
                followup,
                candidate: true,
                entity_score: 0.0,
                topical: 0.0,
                excluded: None,
                hits: vec![],
                evidence: Default::default(),
                contributions: Vec::new(),
                without_article: None,
            },
            followup,
        };
        let current: HashSet<i64> = [1, 2].into();
        let verdicts: HashMap<String, Verdict> =
            [("https://paper.example/2".to_string(), Verdict::Confirmed)].into();
        let decisions = [decision(1, false), decision(2, false), decision(3, true)];
        let report = rematch_changes(&decisions, &current, &items, &verdicts);
        let ids = |v: &[StoredItem]| v.iter().map(|i| i.id).collect::<Vec<_>>();
        assert_eq!(ids(&report.removed), vec![1]);
        assert_eq!(ids(&report.added), vec![3]);
    }
}
