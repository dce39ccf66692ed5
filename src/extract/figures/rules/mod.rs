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
use singular::{denied, nobody, singular_arrest, singular_victim};
use stale::stale;
use tie::read_number;

/// A reading of one number before the sentence-level checks.
pub(super) struct Hit {
    kind: FigureKind,
    value: u64,
    qualifier: Qualifier,
    /// The tokens `term_from..term_to` say the kind ("were killed", "death toll").
    term_from: usize,
    term_to: usize,
    /// See [`Found::update`].
    update: bool,
    /// "three more suspects": an increment, unless another kind came first in the sentence.
    more: bool,
    /// The token whose clause the sentence-level checks read: the number, or the auxiliary
    /// of a singular arrest.
    at: usize,
    /// See [`Found::weak`].
    weak: bool,
}

/// Every casualty statement of `text` that states the story's own figure, in order.
pub(super) fn scan(text: &str, names: &StoryNames) -> Vec<Found> {
    let mut out = Vec::new();
    let mut sc = Scanner::new();
    let mut hits: Vec<Hit> = Vec::new();
    let mut n = 0usize;
    for_each_sentence(clip(text), |_, s| {
        n += 1;
        if is_readable(s) {
            sc.load(s);
            hits.clear();
            read_sentence(&sc, &mut hits);
            keep_current(&sc, &hits, names, (n, s), &mut out);
        }
        true
    });
    out
}

/// Whether sentence `s` is prose worth reading: not page junk, and more than marks.
fn is_readable(s: &str) -> bool {
    s.len() <= MAX_SENTENCE_BYTES && s.bytes().any(|b| b.is_ascii_alphanumeric())
}

/// Adds to `out` the hits of the loaded sentence `s`, number `n` in the text, that state the
/// story's figures: not increments, other events, superseded figures or migration arrests.
fn keep_current(
    sc: &Scanner,
    hits: &[Hit],
    names: &StoryNames,
    (n, s): (usize, &str),
    out: &mut Vec<Found>,
) {
    let mut kinds_before: [bool; 4] = [false; 4];
    for h in hits {
        let ki = FigureKind::ALL
            .iter()
            .position(|k| *k == h.kind)
            .unwrap_or(0);
        let other_kind_first = kinds_before
            .iter()
            .enumerate()
            .any(|(j, &seen)| seen && j != ki);
        kinds_before[ki] = true;
        if is_increment_only(h, other_kind_first) || other_event(sc, h.at, names) {
            continue;
        }
        let (hard, soft) = stale(sc, h.at);
        if hard || is_migration_arrest(sc, h) {
            continue;
        }
        out.push(found(sc, h, (n, s), soft));
    }
}

/// "three more suspects": an increment, unless another kind came first in the sentence ("40
/// were killed, while a hundred more were injured"); more arrests are always an increment.
fn is_increment_only(h: &Hit, other_kind_first: bool) -> bool {
    h.more && (h.kind == FigureKind::Arrested || !other_kind_first)
}

/// Arrests in a sentence about migration ("detained 40 for visa violations") are not the story's.
fn is_migration_arrest(sc: &Scanner, h: &Hit) -> bool {
    h.kind == FigureKind::Arrested && sc.toks.iter().any(|t| is_any(Some(t), MIGRATION_WORDS))
}

/// The statement `h` makes in sentence `s`, number `n` in the text.
fn found(sc: &Scanner, h: &Hit, (n, s): (usize, &str), soft_stale: bool) -> Found {
    let to = h.term_to.min(sc.words.len());
    let term = sc.words[h.term_from.min(to)..to].join(" ").to_lowercase();
    Found {
        obs: Observation {
            kind: h.kind,
            value: h.value,
            qualifier: h.qualifier,
            sentence: s.to_string(),
            term,
        },
        sentence: n,
        update: h.update,
        soft_stale,
        weak: h.weak,
    }
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
        if let Some(h) = read_number(sc, i, j, p)
            && !denied(toks, i, h.term_from)
        {
            hits.push(h);
        }
        i = j.max(i + 1);
    }
    // A figure said without a number counts only where no number says that kind.
    let said = |hits: &[Hit], kind| hits.iter().any(|h: &Hit| h.kind == kind);
    if !said(hits, FigureKind::Arrested)
        && let Some(h) = singular_arrest(sc)
    {
        hits.push(h);
    }
    if let Some(h) = singular_victim(sc)
        && !said(hits, h.kind)
    {
        hits.push(h);
    }
    for h in nobody(sc) {
        if !said(hits, h.kind) {
            hits.push(h);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use FigureKind::*;

    fn hit(kind: FigureKind, more: bool) -> Hit {
        Hit {
            kind,
            value: 3,
            qualifier: Qualifier::Exact,
            term_from: 1,
            term_to: 3,
            update: false,
            more,
            at: 0,
            weak: false,
        }
    }

    fn read(s: &str) -> Vec<(FigureKind, u64, bool)> {
        let sc = Scanner::of(s);
        let mut hits = Vec::new();
        read_sentence(&sc, &mut hits);
        hits.iter().map(|h| (h.kind, h.value, h.weak)).collect()
    }

    #[test]
    fn scan_numbers_sentences_and_keeps_the_story_s_figures() {
        let text = "Menu. 12 people died. In 2015, 130 people died. Police detained 4 migrants.";
        let got: Vec<_> = scan(text, &StoryNames::from_text("", text))
            .into_iter()
            .map(|f| (f.obs.kind, f.obs.value, f.sentence))
            .collect();
        assert_eq!(got, [(Killed, 12, 2)]);
    }

    #[test]
    fn readable_sentences() {
        assert!(is_readable("12 died."));
        assert!(!is_readable("… — •"));
        assert!(!is_readable(&"word ".repeat(400)));
    }

    #[test]
    fn sentence_readings_add_a_singular_arrest_only_without_a_counted_one() {
        assert_eq!(
            read("Police said 5 died and 12 were injured."),
            [(Killed, 5, false), (Injured, 12, false)]
        );
        assert_eq!(read("The gunman was arrested."), [(Arrested, 1, true)]);
        assert_eq!(
            read("The gunman was arrested with 2 others arrested."),
            [(Arrested, 2, false)]
        );
    }

    #[test]
    fn numbers_at_a_token() {
        let sc = Scanner::of("some 100-plus and a hundred and five , x");
        assert_eq!(number_at(&sc, 1).map(|p| (p.value, p.len)), Some((100, 1)));
        assert_eq!(number_at(&sc, 3).map(|p| (p.value, p.len)), Some((105, 4)));
        assert_eq!(number_at(&sc, 8), None);
    }

    #[test]
    fn increments() {
        assert!(is_increment_only(&hit(Killed, true), false));
        assert!(!is_increment_only(&hit(Injured, true), true));
        assert!(is_increment_only(&hit(Arrested, true), true));
        assert!(!is_increment_only(&hit(Killed, false), false));
    }

    #[test]
    fn migration_arrests() {
        let sc = Scanner::of("Police detained 40 for visa violations");
        assert!(is_migration_arrest(&sc, &hit(Arrested, false)));
        assert!(!is_migration_arrest(&sc, &hit(Killed, false)));
        let sc = Scanner::of("Police detained 40 suspects");
        assert!(!is_migration_arrest(&sc, &hit(Arrested, false)));
    }

    #[test]
    fn a_found_statement_keeps_its_sentence_and_lowercased_term() {
        let s = "Police Arrested Three men";
        let sc = Scanner::of(s);
        let f = found(&sc, &hit(Arrested, false), (7, s), true);
        assert_eq!(
            (f.obs.term.as_str(), f.obs.sentence.as_str()),
            ("arrested three", s)
        );
        assert_eq!((f.sentence, f.soft_stale, f.update), (7, true, false));
        let mut long = hit(Arrested, false);
        (long.term_from, long.term_to) = (9, 99);
        assert_eq!(found(&sc, &long, (1, s), false).obs.term, "");
    }
}
