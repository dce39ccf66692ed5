//! How a story's figures moved: the baseline, the latest figure of each kind, the change, and
//! disagreements between outlets — a pure function of stored observations, so recorded
//! coverage replayed years later gives the same answer.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::model::{FigureKind, FigureRow};

/// Outlets whose declared times are this close and whose figures differ disagree.
const DISPUTE_WINDOW_HOURS: i64 = 6;

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

/// Computes the timeline. `rows` are the story's observations (baseline and articles);
/// `counts(url)` says whether an article still counts (a match not rejected).
pub fn build(rows: &[FigureRow], counts: impl Fn(&str) -> bool) -> Timeline {
    let mut timeline = Timeline::default();
    for row in rows.iter().filter(|r| r.baseline && r.current) {
        timeline.baseline.insert(row.kind, row.clone());
    }
    let baseline_time = rows
        .iter()
        .filter(|r| r.baseline)
        .filter_map(|r| r.as_of)
        .min();
    let articles: Vec<&FigureRow> = rows
        .iter()
        .filter(|r| !r.baseline && counts(&r.url))
        .collect();
    timeline.history = articles.iter().map(|r| (*r).clone()).collect();
    for kind in FigureKind::ALL {
        let baseline = timeline.baseline.get(&kind);
        // The baseline competes at its own publication time; an article published before it
        // can never displace it.
        let candidates = articles.iter().copied().filter(|r| {
            r.kind == kind
                && r.current
                && match (baseline_time, r.as_of) {
                    (Some(b), Some(t)) => t >= b,
                    _ => true,
                }
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
        let t = build(&rows, |_| true);
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
        let t = build(&rows, |_| true);
        assert_eq!(t.latest[&FigureKind::Missing].url, "base");
    }

    #[test]
    fn figures_can_fall_and_ties_take_the_larger() {
        let rows = vec![
            row(FigureKind::Missing, 40, "a", 2, false),
            row(FigureKind::Missing, 9, "b", 9, false),
            row(FigureKind::Missing, 11, "c", 9, false),
        ];
        let t = build(&rows, |_| true);
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
        let t = build(&rows, |url| url != "rejected");
        assert_eq!(t.latest[&FigureKind::Injured].url, "base");
    }
}
