//! Near-duplicate detection: the same wire story in several feeds, re-titled or trimmed.

use crate::text::shingles::similarity;

/// Smallest hashes of a sketch that the index files it under. Two texts with similarity
/// `J` share one of the first few hashes of their union unless each of them lands in only
/// one text, which happens with probability about `(1 - J)^8`: 0.4 % at the grouping
/// threshold of 0.5, 7 in 100,000 at a wire copy's 0.7.
const INDEX_HASHES: usize = 8;
/// Members of one group compared with a new text, newest first. A group's members are
/// near-duplicates of each other, so more of them add work, not answers; without a cap a
/// story covered by one wire copy hundreds of times made grouping quadratic.
const PER_GROUP: usize = 8;
/// Members a new text is compared through, newest first over all its indexed hashes. A
/// wire story copied thousands of times files each copy under the same hashes; walking
/// every copy to reach the newest few made each placement cost as much as the story's
/// matches so far (quadratic over a round). Its nearest copies are among the newest.
const MAX_CANDIDATES: usize = 32 * PER_GROUP;

/// A text already grouped: its group, time and sketch.
#[derive(Debug, Clone)]
struct Member {
    id: i64,
    group: i64,
    time: Option<i64>,
    sketch: Vec<u64>,
}

/// Near-duplicate groups of one story's matches, indexed by their sketches' smallest
/// hashes: a new text is compared with the few members it shares one with, not with all.
#[derive(Debug, Clone, Default)]
pub struct DuplicateIndex {
    members: Vec<Member>,
    by_hash: std::collections::HashMap<u64, Vec<usize>, foldhash::fast::RandomState>,
}

impl DuplicateIndex {
    /// Adds a grouped text (`time` in seconds, if known); an empty sketch is not indexed.
    pub fn add(&mut self, id: i64, group: i64, time: Option<i64>, sketch: Vec<u64>) {
        if sketch.is_empty() {
            return;
        }
        let at = self.members.len();
        for h in sketch.iter().take(INDEX_HASHES) {
            self.by_hash.entry(*h).or_default().push(at);
        }
        self.members.push(Member {
            id,
            group,
            time,
            sketch,
        });
    }

    /// The group of the most similar member (similarity at least `min`), leaving out the
    /// text itself (`id`) and members more than `window` seconds away when both times are
    /// known.
    pub fn best_group(
        &self,
        id: i64,
        sketch: &[u64],
        time: Option<i64>,
        window: i64,
        min: f64,
    ) -> Option<i64> {
        let mut candidates: Vec<usize> = sketch
            .iter()
            .take(INDEX_HASHES)
            .filter_map(|h| self.by_hash.get(h))
            // Each list is in insertion order: its newest members are at its end.
            .flat_map(|list| list.iter().rev().take(MAX_CANDIDATES))
            .copied()
            .collect();
        // Newest first, so the caps keep each group's latest members.
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        candidates.dedup();
        candidates.truncate(MAX_CANDIDATES);
        let mut per_group: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        let mut best: Option<(f64, i64)> = None;
        for at in candidates {
            let Some(m) = self.members.get(at) else {
                continue;
            };
            if m.id == id {
                continue;
            }
            if let (Some(a), Some(b)) = (m.time, time)
                && (a - b).abs() > window
            {
                continue;
            }
            let seen = per_group.entry(m.group).or_default();
            if *seen >= PER_GROUP {
                continue;
            }
            *seen += 1;
            let sim = similarity(sketch, &m.sketch);
            if sim >= min && best.is_none_or(|(s, _)| sim > s) {
                best = Some((sim, m.group));
            }
        }
        best.map(|(_, group)| group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::shingles::shingles;

    const WIRE: &str = "Rescue teams in the hill town of Ostrava Nova pulled two more survivors from a collapsed \
        apartment block on Tuesday, officials said, as the number of dead from the earthquake rose to 41. \
        The regional governor said 212 people had been treated in hospital and that search dogs were \
        working through the night. Aftershocks continued to rattle the valley.";

    #[test]
    fn the_index_finds_the_duplicate_among_many_and_respects_the_window() {
        let mut index = DuplicateIndex::default();
        for n in 0..300 {
            let other = shingles(&format!(
                "Story number {n} about the harbour council budget vote {n} and the new ferry timetable {n}."
            ));
            index.add(n, n, Some(0), other);
        }
        let wire = shingles(&format!("Quake toll rises to 41\n\n{WIRE}"));
        index.add(1000, 7, Some(0), wire);
        let copy = shingles(&format!("Earthquake: two more survivors found — {WIRE}"));
        assert_eq!(
            index.best_group(2000, &copy, Some(3600), 4 * 86_400, 0.5),
            Some(7)
        );
        // Ten days later it is news again, not a copy.
        assert_eq!(
            index.best_group(2000, &copy, Some(10 * 86_400), 4 * 86_400, 0.5),
            None
        );
        // A text never groups with itself.
        assert_eq!(
            index.best_group(1000, &copy, Some(0), 4 * 86_400, 0.99),
            None
        );
    }

    #[test]
    fn many_copies_of_one_text_stay_one_group() {
        let mut index = DuplicateIndex::default();
        let text = shingles(&format!("Quake toll rises to 41\n\n{WIRE}"));
        index.add(0, 0, None, text.clone());
        for id in 1..2_000 {
            let group = index.best_group(id, &text, None, 0, 0.5).unwrap_or(id);
            assert_eq!(group, 0);
            index.add(id, group, None, text.clone());
        }
    }
}
