//! Topical similarity: sparse vectors of an item's content words (names left out), compared by cosine.
//!
//! Names are the matcher's job; here only the event vocabulary counts ("gunmen", "flooded",
//! "collapsed"), each weighted by its rarity, so two texts about the same kind of event in the
//! same words score high and an unrelated item sharing only a country scores low.

use super::weights::{Background, TermMap, name_token_weight, weight_from_prior};
use crate::text::normalize::normalize;
use crate::text::prior::{facts, idf_prior_of, token_rarity};

/// Longest text read, so huge inputs cost bounded work.
const MAX_TEXT: usize = 300_000;

/// A weighted bag of content-word stems, L2-normalised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicVector {
    /// Stem → weight.
    pub terms: TermMap<f64>,
}

/// Crude English suffix stripping, enough to meet "killed", "kills" and "killing" at "kill":
/// the stem as a prefix of `word` and a suffix to append, so most words stem without a copy.
fn stem_parts(word: &str) -> (&str, &'static str) {
    if !word.is_ascii() || word.len() <= 4 {
        return (word, "");
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
                return (w, "");
            }
            if suf == "es"
                && !(base.ends_with("ss")
                    || base.ends_with('x')
                    || base.ends_with("ch")
                    || base.ends_with("sh"))
            {
                continue;
            }
            return (base, rep);
        }
    }
    (w, "")
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

/// Length in chars, without decoding ASCII.
fn char_len(w: &str) -> usize {
    if w.is_ascii() {
        w.len()
    } else {
        w.chars().count()
    }
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Writes the normalised form of one word into `out`; ASCII words only need lowercasing.
fn normalize_word(w: &str, out: &mut String) {
    out.clear();
    if w.is_ascii() {
        out.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&normalize(w));
    }
}

/// Calls `f(stem, prior)` for each content word of a text, names and function words left
/// out; `prior` is the word's shipped informativeness. Buffers are reused, so a word costs
/// no allocation: this runs over every word of every item a round judges.
fn for_each_word(text: &str, mut f: impl FnMut(&str, f64)) {
    let text = bounded(text);
    let mut raw: Vec<(&str, bool)> = Vec::new();
    let mut norm = String::new();
    let mut stemmed = String::new();
    for line in text.split('\n') {
        raw.clear();
        split_words(line, &mut raw);
        let (mut long, mut caps) = (0usize, 0usize);
        for (w, _) in &raw {
            if char_len(w) >= 4 {
                long += 1;
                caps += usize::from(starts_upper(w));
            }
        }
        let title_case = long >= 3 && caps * 5 >= long * 4;
        for &(w, sentence_start) in &raw {
            let capital = starts_upper(w);
            // Capitals mid-sentence are names; at a sentence start or in a Title Case line keep only known words.
            if capital && !(sentence_start || title_case) {
                continue;
            }
            normalize_word(w, &mut norm);
            let n = norm.as_str();
            let facts = facts(n);
            if char_len(n) < 3 || facts.stopword || facts.news || n.chars().all(char::is_numeric) {
                continue;
            }
            if capital && facts.level == 0 {
                continue;
            }
            let (base, rep) = stem_parts(n);
            let s = if rep.is_empty() {
                base
            } else {
                stemmed.clear();
                stemmed.push_str(base);
                stemmed.push_str(rep);
                stemmed.as_str()
            };
            f(s, idf_prior_of(n, facts));
        }
    }
}

/// Calls `f(token, prior)` for each token of the names in a text: capitalised words
/// mid-sentence, and at a sentence start or in a Title Case line those that are no ordinary
/// word; function words, weekdays, months and honorifics left out. `prior` is how specific
/// the token is in everyday news ([`token_rarity`]). Where [`for_each_term`] reads what
/// happened, this reads who and where.
pub fn for_each_name_token(text: &str, mut f: impl FnMut(&str, f64)) {
    let text = bounded(text);
    let mut raw: Vec<(&str, bool)> = Vec::new();
    let mut norm = String::new();
    for line in text.split('\n') {
        raw.clear();
        split_words(line, &mut raw);
        let (mut long, mut caps) = (0usize, 0usize);
        for (w, _) in &raw {
            if char_len(w) >= 4 {
                long += 1;
                caps += usize::from(starts_upper(w));
            }
        }
        let title_case = long >= 3 && caps * 5 >= long * 4;
        for &(w, sentence_start) in &raw {
            if !starts_upper(w) || char_len(w) < 2 {
                continue;
            }
            normalize_word(w, &mut norm);
            let n = norm.as_str();
            let facts = facts(n);
            if facts.stopword || facts.calendar || facts.honorific {
                continue;
            }
            let plain_word = facts.level > 0 && !facts.news;
            let all_caps = w
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
            if plain_word && (sentence_start || title_case) && !all_caps {
                continue;
            }
            f(n, token_rarity(n));
        }
    }
}

/// Appends the words of one line to `out`, each with whether it starts a sentence.
fn split_words<'a>(line: &'a str, out: &mut Vec<(&'a str, bool)>) {
    let mut start_next = true;
    let mut word_start: Option<usize> = None;
    let mut push = |w: &'a str, s: bool| {
        let w = trim_possessive(w);
        if !w.is_empty() {
            out.push((w, s));
        }
    };
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII is classified without decoding; other chars are decoded one at a time.
        let (c, len) = match bytes[i] {
            b if b.is_ascii() => (char::from(b), 1),
            _ => match line[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            },
        };
        if c.is_alphanumeric() || (word_start.is_some() && (c == '\'' || c == '\u{2019}')) {
            if word_start.is_none() {
                word_start = Some(i);
            }
            i += len;
            continue;
        }
        if let Some(s) = word_start.take() {
            push(&line[s..i], start_next);
            start_next = false;
        }
        if matches!(
            c,
            '.' | '!' | '?' | ':' | '"' | '\u{201C}' | '\u{2018}' | '•'
        ) {
            start_next = true;
        }
        i += len;
    }
    if let Some(s) = word_start {
        push(&line[s..], start_next);
    }
}

/// A word without trailing apostrophes and then trailing possessive `'s` (straight or curly),
/// as repeated `trim_end_matches` would leave it.
fn trim_possessive(mut w: &str) -> &str {
    w = w.trim_end_matches(['\'', '\u{2019}']);
    while let Some(rest) = w.strip_suffix("'s") {
        w = rest;
    }
    while let Some(rest) = w.strip_suffix("\u{2019}s") {
        w = rest;
    }
    w
}

/// Calls `f` with each content-term stem of a text (repeats included), for background counts.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    for_each_word(text, |s, _| f(s));
}

/// Stem → (weighted count, best prior of the words that share it): the corpus part of a
/// word's weight depends on its stem only, so the best word weight is the blend of the best
/// prior, looked up once per stem.
fn term_counts(texts: &[(&str, f64)]) -> TermMap<(f64, f64)> {
    // Sized for the text up front (about one stem per eight bytes): growing step by step
    // rehashed the table several times per item.
    let bytes: usize = texts.iter().map(|(t, _)| t.len().min(MAX_TEXT)).sum();
    let mut tf: TermMap<(f64, f64)> =
        TermMap::with_capacity_and_hasher((bytes / 8).min(4096), Default::default());
    for (t, tw) in texts {
        let tw = tw.max(0.0);
        for_each_word(t, |s, prior| match tf.get_mut(s) {
            Some(e) => {
                e.0 += tw;
                e.1 = e.1.max(prior);
            }
            None => {
                tf.insert(s.to_string(), (tw, prior.max(0.0)));
            }
        });
    }
    tf
}

/// A stem's unnormalised weight in a vector: sublinear term frequency × word weight (0 when
/// the word carries nothing).
fn term_value(stem: &str, (n, prior): (f64, f64), bg: &Background) -> f64 {
    let w = weight_from_prior(prior, stem, bg);
    if w > 0.0 && n > 0.0 {
        (1.0 + n.max(1.0).ln()) * w
    } else {
        0.0
    }
}

/// The cosine similarity of the texts' vector (as [`TopicVector::build`] would build it)
/// with each of `others`, without building the vector: judging needs only these numbers,
/// and every item of a round is judged.
pub fn cosines(texts: &[(&str, f64)], bg: &Background, others: &[&TopicVector]) -> Vec<f64> {
    let mut dots = vec![0.0; others.len()];
    let mut norm2 = 0.0;
    for (stem, counts) in term_counts(texts) {
        let v = term_value(&stem, counts, bg);
        if v <= 0.0 {
            continue;
        }
        norm2 += v * v;
        for (dot, other) in dots.iter_mut().zip(others) {
            if let Some(w) = other.terms.get(&stem) {
                *dot += v * w;
            }
        }
    }
    let norm = norm2.sqrt();
    dots.into_iter()
        .map(|d| {
            if norm > 0.0 {
                (d / norm).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect()
}

impl TopicVector {
    /// The vector of the names in the given texts (see [`for_each_name_token`]), each token
    /// weighted by sublinear frequency × its specificity.
    pub fn of_names(texts: &[(&str, f64)], bg: &Background) -> Self {
        let mut tf: TermMap<(f64, f64)> = TermMap::default();
        for (t, tw) in texts {
            let tw = tw.max(0.0);
            for_each_name_token(t, |token, prior| match tf.get_mut(token) {
                Some(e) => e.0 += tw,
                None => {
                    tf.insert(token.to_string(), (tw, prior));
                }
            });
        }
        let mut terms: TermMap<f64> =
            TermMap::with_capacity_and_hasher(tf.len(), Default::default());
        terms.extend(tf.into_iter().filter_map(|(token, (n, prior))| {
            let w = name_token_weight(prior, &token, bg);
            (w > 0.0 && n > 0.0).then(|| (token, (1.0 + n.max(1.0).ln()) * w))
        }));
        Self::normalised(terms)
    }

    /// Scales a vector to unit length (an empty one stays empty).
    fn normalised(mut terms: TermMap<f64>) -> Self {
        let norm = terms.values().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            for v in terms.values_mut() {
                *v /= norm;
            }
        }
        Self { terms }
    }

    /// Builds the vector of the given texts, each with a weight (sublinear term frequency × word weight).
    pub fn build(texts: &[(&str, f64)], bg: &Background) -> Self {
        let tf = term_counts(texts);
        // Sized up front: collecting a filtered iterator grew the table step by step, and
        // rehashing was a quarter of building a vector.
        let mut terms: TermMap<f64> =
            TermMap::with_capacity_and_hasher(tf.len(), Default::default());
        terms.extend(tf.into_iter().filter_map(|(s, counts)| {
            let v = term_value(&s, counts, bg);
            (v > 0.0).then_some((s, v))
        }));
        Self::normalised(terms)
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

    fn stem(word: &str) -> String {
        let (base, rep) = stem_parts(word);
        format!("{base}{rep}")
    }

    /// The distinct content-term stems of a text.
    fn content_terms(text: &str) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for_each_term(text, |s| v.push(s.to_string()));
        v.sort();
        v.dedup();
        v
    }

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
    fn cosines_agree_with_built_vectors() {
        let mut bg = Background {
            docs: 900,
            ..Background::default()
        };
        bg.terms.insert("flood".into(), 40);
        bg.terms.insert("stand".into(), 300);
        let texts = [
            (
                "The toll from the flooded stadium rose again as rescuers searched the stands.",
                1.0,
            ),
            ("Rescuers said the flooding reached the upper stands.", 0.5),
        ];
        let baselines = [
            TopicVector::build(
                &[(
                    "Floodwater swept through a stadium; rescuers pulled survivors from the flooded stands.",
                    1.0,
                )],
                &bg,
            ),
            TopicVector::build(
                &[("Parliament passed a budget with new tax rules.", 1.0)],
                &bg,
            ),
            TopicVector::default(),
        ];
        let refs: Vec<&TopicVector> = baselines.iter().collect();
        let item = TopicVector::build(&texts, &bg);
        let fused = cosines(&texts, &bg, &refs);
        assert_eq!(fused.len(), 3);
        for (got, baseline) in fused.iter().zip(&baselines) {
            assert!((got - item.cosine(baseline)).abs() < 1e-12, "{fused:?}");
        }
        assert!(
            fused[0] > 0.3 && fused[1] < 0.1 && fused[2] == 0.0,
            "{fused:?}"
        );
        assert_eq!(cosines(&[("", 1.0)], &bg, &refs), vec![0.0; 3]);
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
