//! How a story's figures moved: the baseline, the latest figure of each kind, the change, and
//! disagreements between outlets — a pure function of stored observations, so recorded
//! coverage replayed years later gives the same answer.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::model::{FigureKind, FigureRow};
use crate::story::model::Model;

/// Outlets whose declared times are this close and whose figures differ disagree.
const DISPUTE_WINDOW_HOURS: i64 = 6;
/// A count at or above which two reports stating it for the same kind are taken to tell of
/// the same event: small counts (one dead, two hurt) recur across look-alike events.
const CORROBORATING_COUNT: u64 = 10;

/// Another outlet's figure that disagrees with the latest one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dispute {
    /// Its value.
    pub value: u64,
    /// Its source.
    pub url: String,
    /// Its declared time.
    pub as_of: Option<DateTime<Utc>>,
}

/// A story's figures, computed from its observations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    /// The baseline's figure of each kind it states.
    pub baseline: BTreeMap<FigureKind, FigureRow>,
    /// The latest figure of each kind stated anywhere.
    pub latest: BTreeMap<FigureKind, FigureRow>,
    /// Latest minus baseline, for kinds with both.
    pub delta: BTreeMap<FigureKind, i64>,
    /// Figures from other outlets that disagree with the latest, per kind.
    pub disputed: BTreeMap<FigureKind, Vec<Dispute>>,
    /// Every observation of matched articles, oldest first.
    pub history: Vec<FigureRow>,
}

/// How far an article's figures count for a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// Not a match (never matched, or rejected by a person).
    Ignored,
    /// A match the model is not sure of: its figures are history, never the latest, unless
    /// one of them is a count a trusted report states (see [`build`]).
    Heard,
    /// A confident or person-confirmed match: its figures may be the latest.
    Trusted,
}

impl Standing {
    /// A match's standing by its score: trusted at or above the confidence the fitted model
    /// states, since a false follow-up of a look-alike event would otherwise set the latest.
    pub fn of_match(score: f64, confirmed: bool) -> Standing {
        if confirmed || score >= Model::shipped().confident {
            Standing::Trusted
        } else {
            Standing::Heard
        }
    }
}

/// Each matched link's standing; links not in it are ignored.
#[derive(Debug, Clone, Default)]
pub struct Standings(HashMap<String, Standing>);

impl Standings {
    /// The standings of matches given as (link, score, confirmed by a person).
    pub fn of<'a>(matches: impl IntoIterator<Item = (&'a str, f64, bool)>) -> Standings {
        let mut out = HashMap::new();
        for (url, score, confirmed) in matches {
            let standing = Standing::of_match(score, confirmed);
            let slot = out.entry(url.to_string()).or_insert(standing);
            *slot = (*slot).max(standing);
        }
        Standings(out)
    }

    /// The standing of an article's link.
    pub fn get(&self, url: &str) -> Standing {
        self.0.get(url).copied().unwrap_or(Standing::Ignored)
    }
}

/// Computes the timeline. `rows` are the story's observations (baseline and articles);
/// `standing(url)` says how far an article counts.
pub fn build(rows: &[FigureRow], standing: impl Fn(&str) -> Standing) -> Timeline {
    let mut timeline = Timeline::default();
    for row in rows.iter().filter(|r| r.baseline && r.current) {
        timeline.baseline.insert(row.kind, row.clone());
    }
    let baseline_time = rows
        .iter()
        .filter(|r| r.baseline)
        .filter_map(|r| r.as_of)
        .min();
    let mut articles: Vec<(&FigureRow, Standing)> = rows
        .iter()
        .filter(|r| !r.baseline)
        .map(|r| (r, standing(&r.url)))
        .filter(|(_, s)| *s != Standing::Ignored)
        .collect();
    // An unsure match whose page states a count that the baseline or a trusted report
    // states for the same kind tells of the same event: its figures may be the latest too.
    let trusted_counts: HashSet<(FigureKind, u64)> = rows
        .iter()
        .filter(|r| r.current && r.value >= CORROBORATING_COUNT)
        .filter(|r| r.baseline || standing(&r.url) == Standing::Trusted)
        .map(|r| (r.kind, r.value))
        .collect();
    let corroborated: HashSet<&str> = articles
        .iter()
        .filter(|(r, s)| {
            *s == Standing::Heard && r.current && trusted_counts.contains(&(r.kind, r.value))
        })
        .map(|(r, _)| r.url.as_str())
        .collect();
    for (r, s) in &mut articles {
        if corroborated.contains(r.url.as_str()) {
            *s = Standing::Trusted;
        }
    }
    timeline.history = articles.iter().map(|(r, _)| (*r).clone()).collect();
    for kind in FigureKind::ALL {
        let baseline = timeline.baseline.get(&kind);
        // The baseline competes at its own publication time; an article published before it
        // can never displace it.
        let candidates = articles.iter().filter_map(|&(r, s)| {
            let counts = s == Standing::Trusted
                && r.kind == kind
                && r.current
                && match (baseline_time, r.as_of) {
                    (Some(b), Some(t)) => t >= b,
                    _ => true,
                };
            counts.then_some(r)
        });
        let best = candidates
            .chain(baseline)
            .max_by(|a, b| key(a).cmp(&key(b)));
        let Some(best) = best else { continue };
        if let Some(base) = baseline {
            timeline.delta.insert(
                kind,
                clamp_i64(best.value).saturating_sub(clamp_i64(base.value)),
            );
        }
        let disputes: Vec<Dispute> = articles
            .iter()
            .map(|(r, _)| r)
            .filter(|r| r.kind == kind && r.current && r.url != best.url && r.value != best.value)
            .filter(|r| match (r.as_of, best.as_of) {
                (Some(a), Some(b)) => (a - b).abs() <= Duration::hours(DISPUTE_WINDOW_HOURS),
                _ => false,
            })
            .map(|r| Dispute {
                value: r.value,
                url: r.url.clone(),
                as_of: r.as_of,
            })
            .collect();
        if !disputes.is_empty() {
            timeline.disputed.insert(kind, disputes);
        }
        timeline.latest.insert(kind, best.clone());
    }
    timeline
}

/// Newest declared time first, then the larger value; undeclared counts as oldest.
fn key(row: &FigureRow) -> (Option<DateTime<Utc>>, u64) {
    (row.as_of, row.value)
}

fn clamp_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Qualifier;
    use chrono::TimeZone;

    fn row(kind: FigureKind, value: u64, url: &str, hour: u32, baseline: bool) -> FigureRow {
        FigureRow {
            kind,
            value,
            qualifier: Qualifier::Exact,
            url: url.into(),
            title: None,
            as_of: Some(Utc.with_ymd_and_hms(2031, 5, 10, hour, 0, 0).unwrap()),
            observed_at: Utc.with_ymd_and_hms(2040, 1, 1, 0, 0, 0).unwrap(),
            sentence: String::new(),
            term: String::new(),
            baseline,
            current: true,
        }
    }

    #[test]
    fn newest_declared_wins_and_delta_is_against_baseline() {
        let rows = vec![
            row(FigureKind::Killed, 20, "base", 1, true),
            row(FigureKind::Killed, 31, "a", 5, false),
            row(FigureKind::Killed, 27, "b", 3, false),
        ];
        let t = build(&rows, |_| Standing::Trusted);
        assert_eq!(t.latest[&FigureKind::Killed].value, 31);
        assert_eq!(t.delta[&FigureKind::Killed], 11);
        assert_eq!(t.history.len(), 2);
        assert_eq!(t.disputed[&FigureKind::Killed][0].value, 27);
    }

    #[test]
    fn an_article_older_than_the_baseline_never_displaces_it() {
        let rows = vec![
            row(FigureKind::Missing, 8, "base", 6, true),
            row(FigureKind::Missing, 12, "early", 2, false),
        ];
        let t = build(&rows, |_| Standing::Trusted);
        assert_eq!(t.latest[&FigureKind::Missing].url, "base");
    }

    #[test]
    fn figures_can_fall_and_ties_take_the_larger() {
        let rows = vec![
            row(FigureKind::Missing, 40, "a", 2, false),
            row(FigureKind::Missing, 9, "b", 9, false),
            row(FigureKind::Missing, 11, "c", 9, false),
        ];
        let t = build(&rows, |_| Standing::Trusted);
        assert_eq!(t.latest[&FigureKind::Missing].value, 11);
        assert!(!t.delta.contains_key(&FigureKind::Missing));
    }

    #[test]
    fn rejected_articles_and_old_versions_do_not_count() {
        let mut old = row(FigureKind::Injured, 500, "a", 8, false);
        old.current = false;
        let rows = vec![
            row(FigureKind::Injured, 100, "base", 1, true),
            old,
            row(FigureKind::Injured, 300, "rejected", 9, false),
        ];
        let t = build(&rows, |url| {
            if url == "rejected" {
                Standing::Ignored
            } else {
                Standing::Trusted
            }
        });
        assert_eq!(t.latest[&FigureKind::Injured].url, "base");
        assert!(t.history.iter().all(|r| r.url != "rejected"));
    }

    #[test]
    fn an_unsure_match_is_history_but_never_the_latest() {
        let rows = vec![
            row(FigureKind::Killed, 12, "base", 1, true),
            row(FigureKind::Killed, 15, "sure", 4, false),
            row(FigureKind::Killed, 90, "unsure", 6, false),
        ];
        let standings = Standings::of([("sure", 1.0, false), ("unsure", 0.0, false)]);
        let t = build(&rows, |url| standings.get(url));
        assert_eq!(t.latest[&FigureKind::Killed].url, "sure");
        assert_eq!(t.delta[&FigureKind::Killed], 3);
        assert_eq!(t.history.len(), 2);
        // A person's confirmation trusts a match whatever its score.
        let standings = Standings::of([("sure", 1.0, false), ("unsure", 0.0, true)]);
        let t = build(&rows, |url| standings.get(url));
        assert_eq!(t.latest[&FigureKind::Killed].value, 90);
        assert_eq!(standings.get("elsewhere"), Standing::Ignored);
    }

    #[test]
    fn an_unsure_match_that_states_a_trusted_count_is_trusted() {
        let rows = vec![
            row(FigureKind::Killed, 137, "base", 1, true),
            row(FigureKind::Killed, 144, "sure", 5, false),
            row(FigureKind::Killed, 144, "unsure", 4, false),
            row(FigureKind::Injured, 382, "unsure", 4, false),
            row(FigureKind::Injured, 360, "sure", 3, false),
            // A small count agrees by chance too often to vouch for a report.
            row(FigureKind::Killed, 1, "small", 6, false),
            row(FigureKind::Killed, 1, "sure-small", 2, false),
            row(FigureKind::Injured, 400, "small", 6, false),
        ];
        let standings = Standings::of([
            ("sure", 1.0, false),
            ("sure-small", 1.0, false),
            ("unsure", 0.0, false),
            ("small", 0.0, false),
        ]);
        let t = build(&rows, |url| standings.get(url));
        // The unsure report states the trusted 144 killed, so its 382 injured counts.
        assert_eq!(t.latest[&FigureKind::Injured].value, 382, "{t:#?}");
        assert_eq!(t.latest[&FigureKind::Injured].url, "unsure");
        assert_eq!(t.latest[&FigureKind::Killed].url, "sure");
        // An unsure report with nothing but a small count in common stays history.
        assert!(t.history.iter().any(|r| r.url == "small" && r.value == 400));
    }
}
