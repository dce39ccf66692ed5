//! Near-duplicate detection: the same wire story in several feeds, re-titled or trimmed.

use super::normalize::normalize;

/// Words per shingle.
const SHINGLE_WORDS: usize = 4;
/// Hashes kept per text (bottom-k min-hash sketch), so storage and comparison stay bounded.
const SKETCH: usize = 256;
/// Longest text read.
const MAX_TEXT: usize = 300_000;

/// FNV-1a: stable across builds and platforms, so sketches can be stored.
fn fnv1a(words: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            h ^= u64::from(b' ');
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in w.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // A final mix spreads FNV's low-entropy high bits, which bottom-k selection relies on.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// The sorted bottom-k sketch of a text's hashed 4-word shingles (texts under 4 words give one shingle).
pub fn shingles(text: &str) -> Vec<u64> {
    let mut end = text.len().min(MAX_TEXT);
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let norm = normalize(&text[..end]);
    let words: Vec<&str> = norm
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut hs: Vec<u64> = if words.len() < SHINGLE_WORDS {
        vec![fnv1a(&words)]
    } else {
        words.windows(SHINGLE_WORDS).map(fnv1a).collect()
    };
    hs.sort_unstable();
    hs.dedup();
    hs.truncate(SKETCH);
    hs
}

/// Estimated Jaccard similarity (0..1) of two texts from their `shingles` sketches.
///
/// Bottom-k estimate: among the k smallest hashes of the union, the share present in both.
pub fn similarity(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let k = SKETCH.min(a.len().max(b.len()));
    let (mut i, mut j, mut seen, mut both) = (0, 0, 0usize, 0usize);
    while seen < k && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), Some(_)) => j += 1,
            (Some(_), None) => i += 1,
            (None, Some(_)) => j += 1,
            (None, None) => break,
        }
        seen += 1;
    }
    if seen == 0 {
        0.0
    } else {
        both as f64 / seen as f64
    }
}

/// Smallest hashes of a sketch that the index files it under. Two texts with similarity
/// `J` share one of the first few hashes of their union unless each of them lands in only
/// one text, which happens with probability about `(1 - J)^8`: 0.4 % at the grouping
/// threshold of 0.5, 7 in 100,000 at a wire copy's 0.7.
const INDEX_HASHES: usize = 8;
/// Members of one group compared with a new text, newest first. A group's members are
/// near-duplicates of each other, so more of them add work, not answers; without a cap a
/// story covered by one wire copy hundreds of times made grouping quadratic.
const PER_GROUP: usize = 8;

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
            .flatten()
            .copied()
            .collect();
        // Newest first, so the cap keeps each group's latest members.
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        candidates.dedup();
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

    const WIRE: &str = "Rescue teams in the hill town of Ostrava Nova pulled two more survivors from a collapsed \
        apartment block on Tuesday, officials said, as the number of dead from the earthquake rose to 41. \
        The regional governor said 212 people had been treated in hospital and that search dogs were \
        working through the night. Aftershocks continued to rattle the valley.";

    #[test]
    fn retitled_wire_copy_is_similar_and_other_news_is_not() {
        let a = shingles(&format!("Quake toll rises to 41\n\n{WIRE}"));
        let b = shingles(&format!(
            "Earthquake: two more survivors found — {WIRE} (Reporting by staff.)"
        ));
        let c = shingles(
            "The central bank raised its key interest rate by a quarter point on Tuesday, citing stubborn inflation in services and rents.",
        );
        let same = similarity(&a, &b);
        let other = similarity(&a, &c);
        assert!(same > 0.7, "{same}");
        assert!(other < 0.05, "{other}");
    }

    #[test]
    fn empty_and_short_texts() {
        assert!(shingles("").is_empty());
        assert_eq!(similarity(&[], &[]), 0.0);
        let s = shingles("Two words");
        assert_eq!(s.len(), 1);
        assert_eq!(similarity(&s, &shingles("two  WORDS")), 1.0);
    }

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
        for id in 1..500 {
            let group = index.best_group(id, &text, None, 0, 0.5).unwrap_or(id);
            assert_eq!(group, 0);
            index.add(id, group, None, text.clone());
        }
    }
}
