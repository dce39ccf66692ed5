//! How specific a name or word is: the shipped prior blended with document frequencies from stored items.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::text::prior::name_prior;

/// A map keyed by words from feeds: a fast hash with a per-process random seed.
pub type TermMap<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// Documents after which the corpus and the prior count equally.
const HALF_TRUST_DOCS: f64 = 500.0;
/// The corpus never fully replaces the prior: a story's own coverage inflates its names' DF.
const MAX_CORPUS_TRUST: f64 = 0.7;
/// Document share at or below which a term is fully specific (1 in 1000 items).
const RARE_SHARE: f64 = 0.001;

/// Document frequencies counted by the caller over stored news items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Background {
    /// How many items were counted.
    pub docs: u64,
    /// Normalised story name → items whose text contains it (count with `Matcher::names_in`).
    pub names: HashMap<String, u64>,
    /// Content term → items that contain it (count with `topic::for_each_term`).
    pub terms: TermMap<u64>,
    /// Name token → items that contain it (count with `topic::for_each_name_token`).
    pub name_tokens: TermMap<u64>,
    /// Story id → what the items that name one of its entities say of other names.
    pub context: HashMap<String, StoryContext>,
}

/// The name tokens of the items that name a story (its context in the corpus): a name
/// that keeps company with the story's names but not with its headline's is another
/// event's, told in the same terms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryContext {
    /// Name token → items naming any of the story's entities that contain it.
    pub any: TermMap<u64>,
    /// Name token → items naming one of the baseline headline's entities that contain it.
    pub headline: TermMap<u64>,
    /// Items naming any of the story's entities.
    #[serde(default)]
    pub items: u64,
}

impl Background {
    /// How much the corpus is trusted over the prior, from 0 (empty) to `MAX_CORPUS_TRUST`.
    pub fn trust(&self) -> f64 {
        let n = self.docs as f64;
        MAX_CORPUS_TRUST * n / (n + HALF_TRUST_DOCS)
    }
}

/// IDF scaled to 0..1: 1 when the term is in at most 0.1 % of documents, 0 when in all of them.
fn scaled_idf(docs: u64, df: u64) -> f64 {
    if docs == 0 {
        return 1.0;
    }
    let n = docs as f64;
    let df = (df.min(docs) as f64).max(0.5);
    let full = (1.0 / RARE_SHARE)
        .ln()
        .min((n + 1.0).ln())
        .max(f64::MIN_POSITIVE);
    ((n / df).ln() / full).clamp(0.0, 1.0)
}

/// Specificity of a normalised name, 0..1, blending the prior with the background's DF.
pub fn name_specificity(name: &str, bg: &Background) -> f64 {
    let prior = name_prior(name);
    let trust = bg.trust();
    if trust <= 0.0 {
        return prior;
    }
    let corpus = scaled_idf(bg.docs, bg.names.get(name).copied().unwrap_or(0));
    (1.0 - trust) * prior + trust * corpus
}

/// Informativeness of a content word, 0..1, from its shipped prior and its stem's
/// document frequency in the background corpus.
pub fn weight_from_prior(prior: f64, stem: &str, bg: &Background) -> f64 {
    if prior <= 0.0 {
        return 0.0;
    }
    let trust = bg.trust();
    if trust <= 0.0 {
        return prior;
    }
    let corpus = scaled_idf(bg.docs, bg.terms.get(stem).copied().unwrap_or(0));
    (1.0 - trust) * prior + trust * corpus
}

/// Informativeness of a name token, 0..1, from its shipped rarity and its document
/// frequency in the background corpus: a surname every outlet prints daily says less.
pub fn name_token_weight(prior: f64, token: &str, bg: &Background) -> f64 {
    if prior <= 0.0 {
        return 0.0;
    }
    let trust = bg.trust();
    if trust <= 0.0 {
        return prior;
    }
    let corpus = scaled_idf(bg.docs, bg.name_tokens.get(token).copied().unwrap_or(0));
    (1.0 - trust) * prior + trust * corpus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_corpus_trusts_the_prior() {
        let bg = Background::default();
        assert!((name_specificity("moscow", &bg) - name_prior("moscow")).abs() < 1e-9);
    }

    #[test]
    fn a_large_corpus_moves_weights_towards_its_counts() {
        let mut bg = Background {
            docs: 20_000,
            ..Background::default()
        };
        // A name the prior thinks specific but that every tenth item carries.
        bg.names.insert("zorvath".into(), 2_000);
        let w = name_specificity("zorvath", &bg);
        assert!(w < 0.75, "{w}");
        // A name absent from the corpus stays specific.
        assert!(name_specificity("qellbrook", &bg) > 0.95);
    }
}
