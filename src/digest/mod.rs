//! The digest: what changed in each story over a period, built from the store, and its
//! forms (text, Markdown, HTML with inline SVG charts, JSON); plus the two ways changes leave
//! the machine: mail (`mail`) and per-change alerts (`alert`).
//!
//! Layout: this file holds the data (`Digest` and its parts) and `build`, which reads the
//! store; `names` finds names new to the coverage; `escape` makes feed text safe for each
//! form; `text`, `markdown`, `html` (with `chart`) render; `mail` sends over SMTP; `alert`
//! runs `on_change` commands and webhooks at the end of each story round.
//!
//! Periods are local bookkeeping (the clock: items' first sight, observations' storage
//! time); figures' declared times are only ever compared with each other.

pub mod alert;
mod chart;
pub mod escape;
mod html;
pub mod mail;
mod markdown;
mod names;
mod text;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::config::{Config, DigestFormat, StoryConfig};
use crate::model::{FigureKind, FigureRow, MatchRow, Qualifier};
use crate::store::{self, MatchFilter, Store};
use crate::story::timeline::{self, Standing, Standings, Timeline};

/// Feeds failing longer than this are listed in the footer.
const TROUBLE_AFTER_HOURS: i64 = 24;
/// Follow-up groups listed per story, newest first.
const MAX_GROUPS: usize = 100;
/// Matched articles read for new names, newest first.
const MAX_TEXTS: usize = 400;
/// Names listed per story.
const MAX_NAMES: usize = 12;
/// Points drawn per chart.
const MAX_POINTS: usize = 200;

/// A digest of one or more stories.
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    /// When it was made (local clock).
    pub generated_at: DateTime<Utc>,
    /// Each story, in config order.
    pub stories: Vec<StoryDigest>,
    /// Feeds failing for more than a day.
    pub feeds_in_trouble: Vec<FeedTrouble>,
}

/// The period a story's digest covers: `[start, end)` on the local clock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Period {
    /// First instant covered.
    pub start: DateTime<Utc>,
    /// The instant the digest was made.
    pub end: DateTime<Utc>,
    /// Whether `start` is where the previous recorded digest ended.
    pub since_previous_digest: bool,
}

/// One story's part of the digest.
#[derive(Debug, Clone, Serialize)]
pub struct StoryDigest {
    /// Stable identifier.
    pub id: String,
    /// Human title from the config.
    pub title: String,
    /// The period covered.
    pub period: Period,
    /// The baseline article, if read.
    pub baseline: Option<BaselineInfo>,
    /// Whether anything changed in the period; a quiet story gets one line.
    pub has_news: bool,
    /// Each figure kind known, baseline → latest.
    pub figures: Vec<FigureChange>,
    /// Near-duplicate groups with a follow-up first seen in the period, newest first.
    pub followups: Vec<FollowupGroup>,
    /// Names that recur in follow-ups but not in the baseline.
    pub new_names: Vec<NewName>,
    /// When the last thing in the period was stored (a follow-up first seen, a figure
    /// read); whether a sent digest already covered it decides if a mail is due.
    #[serde(skip)]
    pub last_activity: Option<DateTime<Utc>>,
}

/// The baseline article.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineInfo {
    /// Its headline.
    pub title: Option<String>,
    /// Where it was read from (URL or file).
    pub source: String,
    /// Its declared time.
    pub published: Option<DateTime<Utc>>,
}

/// One stated figure with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The number.
    pub value: u64,
    /// How exact it is.
    pub qualifier: Qualifier,
    /// As people write it: "at least 12".
    pub phrase: String,
    /// The page that states it.
    pub url: String,
    /// That page's headline.
    pub title: Option<String>,
    /// The outlet (feed name or host), or "baseline".
    pub outlet: String,
    /// The page version's declared time.
    pub as_of: Option<DateTime<Utc>>,
}

/// Another outlet's figure that disagrees with the latest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// Its value.
    pub value: u64,
    /// Its page.
    pub url: String,
    /// Its outlet.
    pub outlet: String,
    /// Its declared time.
    pub as_of: Option<DateTime<Utc>>,
}

/// One point of a figure's history, for the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// Declared time.
    pub as_of: DateTime<Utc>,
    /// The value stated.
    pub value: u64,
}

/// How one kind of figure moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureChange {
    /// The kind.
    pub kind: FigureKind,
    /// The baseline's figure, if it states one.
    pub baseline: Option<Figure>,
    /// The latest figure.
    pub latest: Figure,
    /// Latest minus baseline.
    pub since_baseline: Option<i64>,
    /// The latest figure as it stood at the period's start.
    pub previous: Option<u64>,
    /// Latest minus `previous`.
    pub since_previous: Option<i64>,
    /// Whether the latest figure is new in the period.
    pub changed: bool,
    /// Other outlets' figures that disagree with the latest.
    pub disagreements: Vec<Disagreement>,
    /// Values stated over time (declared times), oldest first.
    pub history: Vec<Point>,
}

/// One near-duplicate group of follow-ups: the same coverage carried by several outlets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowupGroup {
    /// The group's id: the item id of its first member.
    pub group: i64,
    /// The first item's headline.
    pub title: String,
    /// The first item's link.
    pub url: String,
    /// Its declared time, else when it was first seen.
    pub time: DateTime<Utc>,
    /// Every outlet carrying it, first one first.
    pub outlets: Vec<Outlet>,
    /// Items of the group first seen in the period.
    pub new_items: usize,
}

/// One outlet's copy of a follow-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlet {
    /// Feed name, else the feed's host.
    pub name: String,
    /// Its item's link.
    pub url: String,
}

/// A name new to the coverage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewName {
    /// The name as written most often.
    pub name: String,
    /// Follow-up groups naming it.
    pub followups: usize,
    /// Of those, groups with a follow-up first seen in the period.
    pub new_followups: usize,
}

/// A feed failing for more than a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedTrouble {
    /// Its name, else its URL.
    pub name: String,
    /// Its configured URL.
    pub url: String,
    /// When the current run of failures began.
    pub failing_since: DateTime<Utc>,
    /// Consecutive failures.
    pub errors: i64,
    /// The last error.
    pub last_error: Option<String>,
}

impl Digest {
    /// Whether any story has something new.
    pub fn has_news(&self) -> bool {
        self.stories.iter().any(|s| s.has_news)
    }

    /// Renders the digest in `format`.
    pub fn render(&self, format: DigestFormat) -> String {
        match format {
            DigestFormat::Text => text::render(self),
            DigestFormat::Markdown => markdown::render(self),
            DigestFormat::Html => html::render(self),
            DigestFormat::Json => {
                let mut out = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
                out.push('\n');
                out
            }
        }
    }

    /// A mail subject: "followup digest: River flood, 2031-05-10".
    pub fn subject(&self) -> String {
        let titles: Vec<String> = self
            .stories
            .iter()
            .map(|s| escape::single_line(&s.title))
            .collect();
        format!(
            "followup digest: {}, {}",
            titles.join(", "),
            self.generated_at.format("%Y-%m-%d")
        )
    }
}

/// The default start of a story's period: where its previous recorded digest ended (of
/// `delivery`, or of any kind), else a day before `now`.
pub fn default_period(
    store: &Store,
    story: &str,
    delivery: Option<store::Delivery>,
    now: DateTime<Utc>,
) -> store::Result<Period> {
    let previous = store.last_digest(story, delivery)?;
    Ok(match previous {
        Some(p) if p.end <= now => Period {
            start: p.end,
            end: now,
            since_previous_digest: true,
        },
        _ => Period {
            start: now - Duration::hours(24),
            end: now,
            since_previous_digest: false,
        },
    })
}

/// Builds the digest of `stories`, each over its period.
pub fn build(
    store: &Store,
    config: &Config,
    stories: &[(&StoryConfig, Period)],
    now: DateTime<Utc>,
) -> store::Result<Digest> {
    let mut out = Vec::with_capacity(stories.len());
    for (story, period) in stories {
        out.push(build_story(store, config, story, *period)?);
    }
    let trouble_from = now - Duration::hours(TROUBLE_AFTER_HOURS);
    let configured: HashSet<String> = config.feeds.iter().map(|f| f.url.to_string()).collect();
    let feeds_in_trouble = store
        .feeds()?
        .into_iter()
        .filter(|f| configured.contains(&f.url))
        .filter_map(|f| {
            let since = f.failing_since.filter(|t| *t <= trouble_from)?;
            Some(FeedTrouble {
                name: f.name.clone().unwrap_or_else(|| f.url.clone()),
                url: f.url,
                failing_since: since,
                errors: f.error_count,
                last_error: f.last_error,
            })
        })
        .collect();
    Ok(Digest {
        generated_at: now,
        stories: out,
        feeds_in_trouble,
    })
}

/// The timeline of a story from its stored observations and current matches.
pub fn timeline_of(store: &Store, story: &str) -> store::Result<Timeline> {
    let rows = store.observations(story)?;
    let links = store.matched_links(story)?;
    let standings = Standings::of(links.iter().map(|l| (l.url.as_str(), l.score, l.confirmed)));
    Ok(timeline::build(&rows, |url| standings.get(url)))
}

/// The standings of listed matches.
pub(crate) fn standings_of(matches: &[MatchRow]) -> Standings {
    Standings::of(
        matches
            .iter()
            .map(|m| (m.url.as_str(), m.score, m.verdict == "confirmed")),
    )
}

fn all_matches(store: &Store, story: &str) -> store::Result<Vec<MatchRow>> {
    store.matches(&MatchFilter {
        story: Some(story.to_string()),
        limit: usize::MAX >> 1,
        ..Default::default()
    })
}

fn build_story(
    store: &Store,
    config: &Config,
    story: &StoryConfig,
    period: Period,
) -> store::Result<StoryDigest> {
    let matches = all_matches(store, &story.id)?;
    let rows = store.observations(&story.id)?;
    let baseline = store.baseline(&story.id)?;
    let standings = standings_of(&matches);
    let now_timeline = timeline::build(&rows, |url| standings.get(url));
    // The figures as they stood when the period began: only what was stored before it.
    let before: Vec<FigureRow> = rows
        .iter()
        .filter(|r| r.observed_at < period.start)
        .cloned()
        .collect();
    let then_timeline = timeline::build(&before, |url| standings.get(url));
    let outlets = outlet_names(&matches);
    let figures = figure_changes(
        &now_timeline,
        &then_timeline,
        &rows,
        &standings,
        &outlets,
        &period,
    );
    let followups = groups(&matches, &period);
    let texts = store.matched_texts(&story.id, MAX_TEXTS)?;
    let feed_names: Vec<String> = config
        .feeds
        .iter()
        .filter_map(|f| f.name.clone())
        .chain(
            config
                .feeds
                .iter()
                .filter_map(|f| f.url.host_str().map(str::to_string)),
        )
        .collect();
    let new_names = match &baseline {
        Some(b) => names::new_names(
            &names::Known {
                title: b.article.title.as_deref().unwrap_or(""),
                text: &b.article.text,
                configured: story
                    .entities
                    .iter()
                    .chain(story.aliases.keys())
                    .chain(story.aliases.values().flatten())
                    .chain(feed_names.iter())
                    .map(String::as_str)
                    .collect(),
            },
            &texts,
            &period,
            MAX_NAMES,
        ),
        None => Vec::new(),
    };
    let in_period = |t: DateTime<Utc>| t >= period.start && t < period.end;
    let last_activity = matches
        .iter()
        .map(|m| m.first_seen)
        .chain(rows.iter().filter(|r| !r.baseline).map(|r| r.observed_at))
        .filter(|t| in_period(*t))
        .max();
    let has_news = figures.iter().any(|f| f.changed)
        || !followups.is_empty()
        || new_names.iter().any(|n| n.new_followups > 0);
    Ok(StoryDigest {
        id: story.id.clone(),
        title: story.title.clone(),
        period,
        baseline: baseline.map(|b| BaselineInfo {
            title: b.article.title,
            source: b.source,
            published: b.article.published.or(b.article.updated),
        }),
        has_news,
        figures,
        followups,
        new_names,
        last_activity,
    })
}

/// Outlet names by item link: the feed's name, else its host.
fn outlet_names(matches: &[MatchRow]) -> HashMap<String, String> {
    matches
        .iter()
        .map(|m| (m.url.clone(), outlet_of(m)))
        .collect()
}

fn outlet_of(m: &MatchRow) -> String {
    m.feed_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| host_of(&m.feed))
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}

fn figure_of(row: &FigureRow, outlets: &HashMap<String, String>) -> Figure {
    let q = row.qualifier.phrase();
    Figure {
        value: row.value,
        qualifier: row.qualifier,
        phrase: if q.is_empty() {
            row.value.to_string()
        } else {
            format!("{q} {}", row.value)
        },
        url: row.url.clone(),
        title: row.title.clone(),
        outlet: if row.baseline {
            "baseline".to_string()
        } else {
            outlets
                .get(&row.url)
                .cloned()
                .unwrap_or_else(|| host_of(&row.url))
        },
        as_of: row.as_of,
    }
}

fn figure_changes(
    now: &Timeline,
    then: &Timeline,
    rows: &[FigureRow],
    standings: &Standings,
    outlets: &HashMap<String, String>,
    period: &Period,
) -> Vec<FigureChange> {
    let mut out = Vec::new();
    for (kind, latest) in &now.latest {
        let previous = then.latest.get(kind);
        let changed = match previous {
            Some(p) => p.value != latest.value || p.qualifier != latest.qualifier,
            // A figure first known in the period is news unless it is the baseline's own.
            None => !latest.baseline && latest.observed_at >= period.start,
        };
        let mut history: Vec<Point> = rows
            .iter()
            .filter(|r| {
                r.kind == *kind
                    && if r.baseline {
                        r.current
                    } else {
                        // The chart leads to the latest, so it draws what may be latest.
                        standings.get(&r.url) == Standing::Trusted
                    }
            })
            .filter_map(|r| {
                r.as_of.map(|as_of| Point {
                    as_of,
                    value: r.value,
                })
            })
            .collect();
        history.sort_by_key(|p| (p.as_of, p.value));
        history.dedup();
        if history.len() > MAX_POINTS {
            history.drain(..history.len() - MAX_POINTS);
        }
        out.push(FigureChange {
            kind: *kind,
            baseline: now.baseline.get(kind).map(|r| figure_of(r, outlets)),
            latest: figure_of(latest, outlets),
            since_baseline: now.delta.get(kind).copied(),
            previous: previous.map(|p| p.value),
            since_previous: previous.map(|p| signed(latest.value).saturating_sub(signed(p.value))),
            changed,
            disagreements: now
                .disputed
                .get(kind)
                .into_iter()
                .flatten()
                .map(|d| Disagreement {
                    value: d.value,
                    outlet: outlets
                        .get(&d.url)
                        .cloned()
                        .unwrap_or_else(|| host_of(&d.url)),
                    url: d.url.clone(),
                    as_of: d.as_of,
                })
                .collect(),
            history,
        });
    }
    out
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Groups with a follow-up first seen in the period, each once with all its outlets.
fn groups(matches: &[MatchRow], period: &Period) -> Vec<FollowupGroup> {
    let mut by_group: BTreeMap<i64, Vec<&MatchRow>> = BTreeMap::new();
    for m in matches {
        by_group.entry(m.group).or_default().push(m);
    }
    let mut out: Vec<FollowupGroup> = by_group
        .into_iter()
        .filter_map(|(group, mut members)| {
            let new_items = members
                .iter()
                .filter(|m| m.first_seen >= period.start && m.first_seen < period.end)
                .count();
            if new_items == 0 {
                return None;
            }
            let time = |m: &MatchRow| m.published.unwrap_or(m.first_seen);
            // The earliest copy leads (the group's first match on ties); the rest follow.
            members.sort_by_key(|m| (time(m), m.item_id != group, m.item_id));
            let first = members.first()?;
            let mut outlets: Vec<Outlet> = Vec::new();
            for m in &members {
                let name = outlet_of(m);
                if !outlets.iter().any(|o| o.name == name) {
                    outlets.push(Outlet {
                        name,
                        url: m.url.clone(),
                    });
                }
            }
            Some(FollowupGroup {
                group,
                title: first.title.clone(),
                url: first.url.clone(),
                time: time(first),
                outlets,
                new_items,
            })
        })
        .collect();
    out.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.title.cmp(&b.title)));
    out.truncate(MAX_GROUPS);
    out
}

/// "+7", "−3", "±0": a change as people read it.
pub(crate) fn change(d: i64) -> String {
    match d {
        0 => "±0".to_string(),
        d if d > 0 => format!("+{d}"),
        d => format!("−{}", d.unsigned_abs()),
    }
}

/// "2031-05-10 18:00 UTC".
pub(crate) fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "killed: at least 12 → 19 (+7; +3 since the last digest)" without the kind.
pub(crate) fn figure_line(f: &FigureChange, since_label: &str) -> String {
    let mut line = match &f.baseline {
        Some(b) if b.url != f.latest.url || b.value != f.latest.value => {
            format!("{} → {}", b.phrase, f.latest.phrase)
        }
        Some(b) => format!("{} (baseline, unchanged)", b.phrase),
        None => f.latest.phrase.clone(),
    };
    let mut parts = Vec::new();
    if let (Some(d), Some(b)) = (f.since_baseline, &f.baseline)
        && (b.url != f.latest.url || d != 0)
    {
        parts.push(change(d));
    }
    match f.since_previous {
        Some(d) if d != 0 => parts.push(format!("{} {since_label}", change(d))),
        Some(_) => {}
        None if f.changed => parts.push(format!("new {since_label}")),
        None => {}
    }
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join("; ")));
    }
    line
}

/// "since the last digest" or "since 2031-05-09 06:00 UTC".
pub(crate) fn since_label(period: &Period) -> String {
    if period.since_previous_digest {
        "since the last digest".to_string()
    } else {
        format!("since {}", when(period.start))
    }
}

#[cfg(test)]
mod tests;
