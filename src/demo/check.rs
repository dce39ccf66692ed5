//! A demo run against the world's truth: which follow-ups were found or missed, which other
//! items were taken for follow-ups, and whether the baseline, latest and disputed figures
//! are the ones the world states. The demo exits non-zero when this fails, so it doubles
//! as a smoke test of the whole pipeline.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::world::{Truth, World};

/// The share of the world's follow-ups a run must find. Not all: one follow-up names the
/// event only by description, the hardest kind to find, and a demo that fails on it would
/// say less than one that shows it missed.
const MIN_RECALL: f64 = 0.9;

/// What a run found, as plain values read from the store.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Links of the items matched as follow-ups.
    pub matched: BTreeSet<String>,
    /// The baseline's figure of each kind.
    pub baseline: BTreeMap<String, u64>,
    /// The latest figure of each kind.
    pub latest: BTreeMap<String, u64>,
    /// Kinds whose latest figure another outlet disputes.
    pub disputed: BTreeSet<String>,
}

/// The outcome of the check.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Whether the run found what the world contains.
    pub ok: bool,
    /// Follow-ups in the world.
    pub followups: usize,
    /// Of them, how many were matched.
    pub found: usize,
    /// Titles of the follow-ups not matched.
    pub missed: Vec<String>,
    /// Titles of matched items that are not follow-ups (the baseline, look-alikes, other news).
    pub wrong: Vec<String>,
    /// Figures that differ from what the world states, in words.
    pub figures: Vec<String>,
}

impl World {
    /// Checks a run whose server answered at `base` (`http://127.0.0.1:PORT`).
    pub fn check(&self, base: &str, found: &Found) -> Verdict {
        let (mut followups, mut missed, mut wrong) = (0, Vec::new(), Vec::new());
        for item in &self.items {
            let matched = found
                .matched
                .contains(&format!("{base}/{}", self.path(item)));
            match (item.truth, matched) {
                (Truth::Followup, true) => followups += 1,
                (Truth::Followup, false) => {
                    followups += 1;
                    missed.push(item.title.clone());
                }
                (_, true) => wrong.push(item.title.clone()),
                (_, false) => {}
            }
        }
        let mut figures = Vec::new();
        compare(
            "baseline",
            &self.expect.baseline,
            &found.baseline,
            &mut figures,
        );
        compare("latest", &self.expect.latest, &found.latest, &mut figures);
        for kind in &self.expect.disputed {
            if !found.disputed.contains(kind) {
                figures.push(format!("no outlet disputes the latest {kind} figure"));
            }
        }
        let hit = followups - missed.len();
        let recall = if followups == 0 {
            1.0
        } else {
            hit as f64 / followups as f64
        };
        Verdict {
            ok: recall >= MIN_RECALL && wrong.is_empty() && figures.is_empty(),
            followups,
            found: hit,
            missed,
            wrong,
            figures,
        }
    }
}

/// Adds a line for each kind whose figure is not the expected one.
fn compare(
    what: &str,
    want: &BTreeMap<String, u64>,
    got: &BTreeMap<String, u64>,
    out: &mut Vec<String>,
) {
    for (kind, value) in want {
        match got.get(kind) {
            Some(v) if v == value => {}
            Some(v) => out.push(format!("{what} {kind}: {v}, the world says {value}")),
            None => out.push(format!("{what} {kind}: none, the world says {value}")),
        }
    }
    for (kind, v) in got {
        if !want.contains_key(kind) {
            out.push(format!("{what} {kind}: {v}, the world states none"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:9";

    fn perfect(world: &World) -> Found {
        Found {
            matched: world
                .items
                .iter()
                .filter(|i| i.truth == Truth::Followup)
                .map(|i| format!("{BASE}/{}", world.path(i)))
                .collect(),
            baseline: world.expect.baseline.clone(),
            latest: world.expect.latest.clone(),
            disputed: world.expect.disputed.iter().cloned().collect(),
        }
    }

    #[test]
    fn a_run_that_found_the_world_passes_and_each_failure_is_named() {
        let world = World::embedded().unwrap();
        let verdict = world.check(BASE, &perfect(&world));
        assert!(verdict.ok, "{verdict:?}");
        assert_eq!(verdict.found, verdict.followups);

        let mut self_match = perfect(&world);
        self_match
            .matched
            .insert(format!("{BASE}/{}", world.story.baseline));
        let verdict = world.check(BASE, &self_match);
        assert!(!verdict.ok);
        assert_eq!(verdict.wrong.len(), 1);

        let mut nothing = perfect(&world);
        nothing.matched.clear();
        let verdict = world.check(BASE, &nothing);
        assert!(!verdict.ok);
        assert_eq!(verdict.missed.len(), verdict.followups);

        let mut off = perfect(&world);
        off.latest.insert("killed".into(), 1);
        off.latest.insert("perpetrators".into(), 2);
        let verdict = world.check(BASE, &off);
        assert!(!verdict.ok);
        assert_eq!(verdict.figures.len(), 2, "{:?}", verdict.figures);
    }
}
