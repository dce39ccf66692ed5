//! The rules that read casualty figures out of sentences: each number of a sentence is tied to
//! a kind or dropped, then the sentence-level cues (increments, other events, superseded
//! figures, migration arrests) decide which readings are kept.

mod other_event;
mod scans;
mod singular;
mod stale;
mod tie;
mod words;

use crate::extract::figures::Found;
use crate::extract::figures::lexicon::MIGRATION_WORDS;
use crate::extract::figures::sentence::{
    MAX_SENTENCE_BYTES, Scanner, Tk, clip, for_each_sentence, is_any,
};
use crate::extract::numbers::{ParsedNumber, parse_number};
use crate::model::{FigureKind, Observation, Qualifier};
pub(super) use other_event::StoryNames;
use other_event::other_event;
use singular::singular_arrest;
use stale::stale;
use tie::read_number;

/// A reading of one number before the sentence-level checks.
pub(super) struct Hit {
    kind: FigureKind,
    value: u64,
    qualifier: Qualifier,
    term_from: usize,
    term_to: usize,
    update: bool,
    /// "three more suspects": an increment, unless another kind came first in the sentence.
    more: bool,
    at: usize,
    /// See [`Found::weak`].
    weak: bool,
}

pub(super) fn scan(text: &str, names: &StoryNames) -> Vec<Found> {
    let mut out = Vec::new();
    let mut sc = Scanner::new();
    let mut hits: Vec<Hit> = Vec::new();
    let mut n = 0usize;
    for_each_sentence(clip(text), |_, s| {
        n += 1;
        if s.len() > MAX_SENTENCE_BYTES || !s.bytes().any(|b| b.is_ascii_alphanumeric()) {
            return true;
        }
        sc.load(s);
        hits.clear();
        read_sentence(&sc, &mut hits);
        if hits.is_empty() {
            return true;
        }
        let mut kinds_before: [bool; 4] = [false; 4];
        for h in &hits {
            let ki = FigureKind::ALL
                .iter()
                .position(|k| *k == h.kind)
                .unwrap_or(0);
            let other_kind_first = kinds_before
                .iter()
                .enumerate()
                .any(|(j, &seen)| seen && j != ki);
            kinds_before[ki] = true;
            if h.more && (h.kind == FigureKind::Arrested || !other_kind_first) {
                continue;
            }
            if other_event(&sc, h.at, names) {
                continue;
            }
            let (hard, soft) = stale(&sc, h.at);
            if hard {
                continue;
            }
            if h.kind == FigureKind::Arrested
                && sc.toks.iter().any(|t| is_any(Some(t), MIGRATION_WORDS))
            {
                continue;
            }
            let to = h.term_to.min(sc.words.len());
            let term = sc.words[h.term_from.min(to)..to].join(" ").to_lowercase();
            out.push(Found {
                obs: Observation {
                    kind: h.kind,
                    value: h.value,
                    qualifier: h.qualifier,
                    sentence: s.to_string(),
                    term,
                },
                sentence: n,
                update: h.update,
                soft_stale: soft,
                weak: h.weak,
            });
        }
        true
    });
    out
}

/// Finds every number tied to a casualty kind in the loaded sentence.
pub(super) fn read_sentence(sc: &Scanner, hits: &mut Vec<Hit>) {
    let toks = &sc.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.kind == Tk::Punct {
            i += 1;
            continue;
        }
        let Some(p) = number_at(sc, i) else {
            i += 1;
            continue;
        };
        let j = i + p.len;
        if let Some(h) = read_number(sc, i, j, p) {
            hits.push(h);
        }
        i = j.max(i + 1);
    }
    if !hits.iter().any(|h| h.kind == FigureKind::Arrested)
        && let Some(h) = singular_arrest(sc)
    {
        hits.push(h);
    }
}

/// The number that starts at token `i`, if one does.
fn number_at(sc: &Scanner, i: usize) -> Option<ParsedNumber> {
    let t = &sc.toks[i];
    // "100-plus" reads as its numeral; the hedge is read from the suffix later.
    let plus_prefix = (t.kind == Tk::Num)
        .then(|| t.s.split_once('-'))
        .flatten()
        .filter(|(_, suffix)| suffix.eq_ignore_ascii_case("plus"))
        .map(|(prefix, _)| prefix);
    match plus_prefix {
        Some(prefix) => parse_number(&[prefix]),
        None => parse_number(&sc.words[i..]),
    }
}
