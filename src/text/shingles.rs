//! Shingle sketches of texts: a compact fingerprint whose overlap estimates how much two
//! texts share, for grouping the same wire copy across feeds.

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
    let norm = normalize(&text[..text.floor_char_boundary(MAX_TEXT)]);
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

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "Ferry crews on the northern lakes were told to stay in port on Friday after \
        gale-force winds tore the roof from a terminal building, the operator said. Two passengers \
        were treated for minor injuries and more than forty sailings were cancelled. Engineers \
        expect the terminal to reopen once the storm passes and the pier has been inspected.";

    #[test]
    fn retitled_wire_copy_is_similar_and_other_news_is_not() {
        let a = shingles(&format!("Lake ferries halted by gale\n\n{WIRE}"));
        let b = shingles(&format!(
            "Storm: terminal roof torn off — {WIRE} (Reporting by staff.)"
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
}
