//! Topical similarity: sparse vectors of an item's content words (names left out), compared by cosine.
//!
//! Names are the matcher's job; here only the event vocabulary counts ("gunmen", "flooded",
//! "collapsed"), each weighted by its rarity, so two texts about the same kind of event in the
//! same words score high and an unrelated item sharing only a country scores low.

use std::collections::HashMap;

use super::normalize::normalize;
use super::prior::{is_common_word, is_news_name, is_stopword};
use super::weights::{Background, word_weight};

/// Longest text read, so huge inputs cost bounded work.
const MAX_TEXT: usize = 300_000;

/// A weighted bag of content-word stems, L2-normalised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicVector {
    /// Stem → weight.
    pub terms: HashMap<String, f64>,
}

/// Crude English suffix stripping: enough to meet "killed", "kills" and "killing" at "kill".
pub fn stem(word: &str) -> String {
    if !word.is_ascii() || word.len() <= 4 {
        return word.to_string();
    }
    let w = word;
    for (suf, rep, min) in [
        ("ings", "", 7),
        ("ing", "", 6),
        ("ies", "y", 5),
        ("ied", "y", 5),
        ("ed", "", 5),
        ("es", "", 6),
        ("s", "", 4),
    ] {
        if w.len() >= min
            && let Some(base) = w.strip_suffix(suf)
        {
            if suf == "s" && base.ends_with('s') {
                return w.to_string();
            }
            if suf == "es"
                && !(base.ends_with("ss")
                    || base.ends_with('x')
                    || base.ends_with("ch")
                    || base.ends_with("sh"))
            {
                continue;
            }
            return format!("{base}{rep}");
        }
    }
    w.to_string()
}

fn bounded(s: &str) -> &str {
    if s.len() <= MAX_TEXT {
        return s;
    }
    let mut end = MAX_TEXT;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The content words of a text as (normalised word, stem), names and function words left out.
fn words(text: &str) -> Vec<(String, String)> {
    let text = bounded(text);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let raw: Vec<(&str, bool)> = split_words(line);
        let long = raw.iter().filter(|(w, _)| w.chars().count() >= 4).count();
        let caps = raw
            .iter()
            .filter(|(w, _)| {
                w.chars().count() >= 4 && w.chars().next().is_some_and(char::is_uppercase)
            })
            .count();
        let title_case = long >= 3 && caps * 5 >= long * 4;
        for (w, sentence_start) in raw {
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            let n = normalize(w);
            if n.chars().count() < 3
                || is_stopword(&n)
                || is_news_name(&n)
                || n.chars().all(|c| c.is_numeric())
            {
                continue;
            }
            // Capitals mid-sentence are names; at a sentence start or in a Title Case line keep only known words.
            if capital && !(sentence_start || title_case) {
                continue;
            }
            if capital && !is_common_word(&n) {
                continue;
            }
            let s = stem(&n);
            out.push((n, s));
        }
    }
    out
}

/// Words of one line with whether each starts a sentence.
fn split_words(line: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start_next = true;
    let mut word_start: Option<usize> = None;
    for (i, c) in line.char_indices() {
        if c.is_alphanumeric() || (word_start.is_some() && (c == '\'' || c == '\u{2019}')) {
            if word_start.is_none() {
                word_start = Some(i);
            }
            continue;
        }
        if let Some(s) = word_start.take() {
            out.push((&line[s..i], start_next));
            start_next = false;
        }
        if matches!(
            c,
            '.' | '!' | '?' | ':' | '"' | '\u{201C}' | '\u{2018}' | '•'
        ) {
            start_next = true;
        }
    }
    if let Some(s) = word_start {
        out.push((&line[s..], start_next));
    }
    out.into_iter()
        .map(|(w, s)| {
            (
                w.trim_end_matches(['\'', '\u{2019}'])
                    .trim_end_matches("'s")
                    .trim_end_matches("\u{2019}s"),
                s,
            )
        })
        .filter(|(w, _)| !w.is_empty())
        .collect()
}

/// The distinct content-term stems of a text, for the caller's background counts.
pub fn content_terms(text: &str) -> Vec<String> {
    let mut v: Vec<String> = words(text).into_iter().map(|(_, s)| s).collect();
    v.sort();
    v.dedup();
    v
}

impl TopicVector {
    /// Builds the vector of the given texts, each with a weight (sublinear term frequency × word weight).
    pub fn build(texts: &[(&str, f64)], bg: &Background) -> Self {
        let mut tf: HashMap<String, (f64, f64)> = HashMap::new();
        for (t, tw) in texts {
            for (w, s) in words(t) {
                let weight = word_weight(&w, &s, bg);
                let e = tf.entry(s).or_insert((0.0, 0.0));
                e.0 += tw.max(0.0);
                e.1 = e.1.max(weight);
            }
        }
        let mut terms: HashMap<String, f64> = tf
            .into_iter()
            .filter(|(_, (n, w))| *w > 0.0 && *n > 0.0)
            .map(|(s, (n, w))| (s, (1.0 + n.max(1.0).ln()) * w))
            .collect();
        let norm = terms.values().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            for v in terms.values_mut() {
                *v /= norm;
            }
        }
        Self { terms }
    }

    /// Cosine similarity with another vector (0 when either is empty).
    pub fn cosine(&self, other: &Self) -> f64 {
        let (small, large) = if self.terms.len() <= other.terms.len() {
            (self, other)
        } else {
            (other, self)
        };
        small
            .terms
            .iter()
            .filter_map(|(k, v)| large.terms.get(k).map(|w| v * w))
            .sum::<f64>()
            .clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet() {
        assert_eq!(stem("killed"), stem("kills"));
        assert_eq!(stem("killing"), "kill");
        assert_eq!(stem("boss"), "boss");
    }

    #[test]
    fn same_event_words_score_higher_than_shared_country() {
        let bg = Background::default();
        let base = TopicVector::build(
            &[(
                "Floodwater swept through a stadium during a concert; rescuers pulled survivors from the flooded stands as the toll rose.",
                1.0,
            )],
            &bg,
        );
        let follow = TopicVector::build(
            &[(
                "The toll from the flooded stadium rose again as rescuers searched the stands.",
                1.0,
            )],
            &bg,
        );
        let other = TopicVector::build(
            &[(
                "Parliament in Velmora passed a budget with new tax rules for farmers.",
                1.0,
            )],
            &bg,
        );
        let a = base.cosine(&follow);
        let b = base.cosine(&other);
        assert!(a > 0.3 && b < 0.1, "{a} {b}");
    }

    #[test]
    fn names_are_left_out() {
        let terms = content_terms("Officials in Velmora said the Harbourlight stadium flooded.");
        assert!(
            terms
                .iter()
                .all(|t| !t.contains("velmora") && !t.contains("harbourlight")),
            "{terms:?}"
        );
        assert!(terms.contains(&"flood".to_string()), "{terms:?}");
    }
}
