//! Casualty figures in article text: which numbers count the story's killed, injured, missing
//! and arrested, how hedged they are, and which one an article states for the story now.
//!
//! The reading is lexical and bounded: text is split into sentences, each sentence into words,
//! and every number is tied to a kind by the words around it ("42 people were killed",
//! "killing 12", "the death toll rose to 144"). Numbers that count something else are dropped
//! by general cues, never by names: ages, dates, units, money, subsets ("including four",
//! "remain in hospital"), superseded figures ("up from 133", "initially"), increments ("three
//! more suspects"), and clauses about other events (another year, "since", "separate",
//! comparisons, a named event the story's lead does not name).
//!
//! This file chooses among the statements; `sentence` reads sentences and their words,
//! `lexicon` holds the word lists, and `rules` ties numbers to kinds and drops the rest.

mod lexicon;
mod rules;
mod sentence;

use crate::model::{FigureKind, Observation, Qualifier};
use rules::{StoryNames, scan};

/// An observation with where and how it was said, for choosing the article's figure.
#[derive(Debug, Clone)]
struct Found {
    obs: Observation,
    /// Sentence number in the text: earlier means closer to the lead or the newest live entry.
    sentence: usize,
    /// Said as a change ("rose to", "now", "a ninth suspect"): may beat an earlier, lower figure.
    update: bool,
    /// Said in the past tense of a figure ("stood at"): kept, but chosen last.
    soft_stale: bool,
    /// Read from a singular subject, not a number ("the suspect was arrested"): chosen only
    /// when no number of that kind is stated.
    weak: bool,
}

/// Every casualty statement in `text`, in order.
pub fn observations(text: &str) -> Vec<Observation> {
    scan(text, &StoryNames::from_text("", text))
        .into_iter()
        .map(|f| f.obs)
        .collect()
}

/// At most one observation per kind: the figure `text` states for the story now.
///
/// The lead (or a summary on top, or a live blog's newest entry) wins over later mentions; a
/// later statement that the figure rose beats a lower earlier one; a precise figure in the body
/// beats a rounded one ("over 800" then "821"); the title is used only for kinds the body
/// does not state.
pub fn article_figures(title: &str, text: &str) -> Vec<Observation> {
    let names = StoryNames::from_text(title, text);
    let body = scan(text, &names);
    let head = scan(title, &names);
    let mut out = Vec::new();
    for kind in FigureKind::ALL {
        let cands: Vec<&Found> = body.iter().filter(|f| f.obs.kind == kind).collect();
        if let Some(f) = choose(&cands) {
            out.push(f.obs.clone());
        } else if let Some(f) = head.iter().find(|f| f.obs.kind == kind) {
            out.push(f.obs.clone());
        }
    }
    out
}

/// Picks the current figure among one kind's statements, given in text order.
fn choose<'a>(cands: &[&'a Found]) -> Option<&'a Found> {
    let strong: Vec<&Found> = cands.iter().copied().filter(|f| !f.weak).collect();
    let cands = if strong.is_empty() { cands } else { &strong };
    let first = cands
        .iter()
        .find(|f| !f.soft_stale)
        .or_else(|| cands.first())?;
    let mut chosen = *first;
    // A later "rose to" with a higher figure is newer than a lead written before the rise;
    // a live blog's older entries hold lower figures, so they do not pass this test.
    if let Some(up) = cands.iter().find(|f| {
        f.sentence > chosen.sentence && f.update && !f.soft_stale && f.obs.value > chosen.obs.value
    }) {
        chosen = up;
    }
    if chosen.obs.qualifier != Qualifier::Exact {
        let (q, v) = (chosen.obs.qualifier, chosen.obs.value);
        if let Some(precise) = cands.iter().find(|f| {
            f.sentence > chosen.sentence
                && f.obs.qualifier == Qualifier::Exact
                && !f.soft_stale
                && f.obs.value != v
                && rounds_to(q, v, f.obs.value)
        }) {
            chosen = precise;
        }
    }
    Some(chosen)
}

/// Whether a hedged figure (`q` `v`, "over 800") plausibly rounds the exact figure `x`.
fn rounds_to(q: Qualifier, v: u64, x: u64) -> bool {
    let (v, x) = (v as f64, x as f64);
    match q {
        Qualifier::MoreThan | Qualifier::AtLeast => x > v && x <= v * 1.25,
        Qualifier::About => x >= v * 0.8 && x <= v * 1.2,
        Qualifier::Nearly => x < v && x >= v * 0.8,
        Qualifier::UpTo => x < v && x >= v * 0.8,
        Qualifier::Exact => false,
    }
}

#[cfg(test)]
mod tests;
