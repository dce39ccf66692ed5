//! One arrest said without a number: "the suspect was arrested".

use super::Hit;
use super::words::right_trigger;
use crate::extract::figures::lexicon::{
    ARREST_ADVERBS, ARTICLES, AUXILIARIES, COUNTED_MODIFIERS, CULPRIT_NOUNS,
};
use crate::extract::figures::sentence::{Scanner, Tk, Tok, is, is_any};
use crate::model::{FigureKind, Qualifier};

/// "The suspect, a 34-year-old man, was arrested at the scene": one arrest, said without a
/// number. Only a sentence whose subject is a single culprit counts; "a second man" is an
/// ordinal (read elsewhere) and "another man" an increment.
pub(super) fn singular_arrest(sc: &Scanner) -> Option<Hit> {
    let toks = &sc.toks;
    let head = culprit_subject(toks)?;
    let aux = auxiliary_after(toks, head)?;
    let k = verb_after(toks, aux)?;
    let (kind, len) = right_trigger(toks, k)?;
    if kind != FigureKind::Arrested {
        return None;
    }
    Some(Hit {
        kind,
        value: 1,
        qualifier: Qualifier::Exact,
        term_from: k,
        term_to: k + len,
        update: false,
        more: false,
        at: aux,
        weak: true,
    })
}

/// "The suspected gunman …", "A teenager …": the head noun of a subject that is one culprit.
fn culprit_subject(toks: &[Tok]) -> Option<usize> {
    if !is_any(toks.first(), ARTICLES) {
        return None;
    }
    // Up to three modifiers ("suspected", "34-year-old", "lone") before the head noun.
    let head = (1..5.min(toks.len())).find(|&k| is_any(toks.get(k), CULPRIT_NOUNS))?;
    let counted = toks[1..head].iter().any(|t| {
        t.kind == Tk::Punct
            || crate::extract::numbers::ordinal_value(t.s).is_some()
            || is_any(Some(t), COUNTED_MODIFIERS)
    });
    if counted { None } else { Some(head) }
}

/// The auxiliary after the subject's head noun at `head` ("was", "has"), past an apposition
/// ("…, Dale Brown, 34, was …") that sits between the subject and its verb.
fn auxiliary_after(toks: &[Tok], head: usize) -> Option<usize> {
    let mut k = head + 1;
    if is(toks.get(k), ",") {
        k = (k + 1..(k + 12).min(toks.len()))
            .find(|&x| is(toks.get(x - 1), ",") && is_any(toks.get(x), AUXILIARIES))?;
    }
    if is_any(toks.get(k), AUXILIARIES) {
        Some(k)
    } else {
        None
    }
}

/// Where the verb after the auxiliary at `aux` starts: past the "been" that "has" and "had"
/// need, and up to two adverbs ("was later arrested", "is being held").
fn verb_after(toks: &[Tok], aux: usize) -> Option<usize> {
    let mut k = aux + 1;
    if is(toks.get(aux), "has") || is(toks.get(aux), "had") {
        if !is(toks.get(k), "been") {
            return None;
        }
        k += 1;
    }
    let mut skipped = 0;
    while skipped < 2 && is_any(toks.get(k), ARREST_ADVERBS) {
        k += 1;
        skipped += 1;
    }
    Some(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Scanner<'_> {
        Scanner::of(s)
    }

    #[test]
    fn a_single_culprit_arrested() {
        let sc = toks("The suspect, a 34-year-old man, was later arrested at the scene.");
        let h = singular_arrest(&sc);
        assert_eq!(
            h.map(|h| (h.kind, h.value, h.term_from, h.at, h.weak)),
            Some((FigureKind::Arrested, 1, 9, 7, true))
        );
        assert!(singular_arrest(&toks("The gunman was killed by police.")).is_none());
        assert!(singular_arrest(&toks("The gunman was seen fleeing.")).is_none());
    }

    #[test]
    fn culprit_subjects() {
        assert_eq!(
            culprit_subject(&toks("The suspected lone gunman fled").toks),
            Some(3)
        );
        assert_eq!(culprit_subject(&toks("A teenager was held").toks), Some(1));
        assert_eq!(culprit_subject(&toks("Another man was held").toks), None);
        assert_eq!(culprit_subject(&toks("A second man was held").toks), None);
        assert_eq!(culprit_subject(&toks("A third man was held").toks), None);
        assert_eq!(culprit_subject(&toks("The mayor was held").toks), None);
        assert_eq!(culprit_subject(&toks("He was held").toks), None);
        assert_eq!(
            culprit_subject(&toks("The big old red dark van man").toks),
            None
        );
    }

    #[test]
    fn the_auxiliary_after_the_subject() {
        assert_eq!(auxiliary_after(&toks("The man was held").toks, 1), Some(2));
        assert_eq!(
            auxiliary_after(&toks("The man, Dale Brown, 34, has").toks, 1),
            Some(8)
        );
        assert_eq!(auxiliary_after(&toks("The man fled").toks, 1), None);
        assert_eq!(auxiliary_after(&toks("The man, who fled").toks, 1), None);
    }

    #[test]
    fn the_verb_after_the_auxiliary() {
        assert_eq!(verb_after(&toks("man has been arrested").toks, 1), Some(3));
        assert_eq!(verb_after(&toks("man has arrested").toks, 1), None);
        assert_eq!(
            verb_after(&toks("man was later formally charged").toks, 1),
            Some(4)
        );
        assert_eq!(
            verb_after(&toks("man is being then soon held").toks, 1),
            Some(4)
        );
    }
}
