//! One arrest said without a number: "the suspect was arrested".

use super::Hit;
use super::words::right_trigger;
use crate::extract::figures::lexicon::{
    ARREST_ADVERBS, ARTICLES, AUXILIARIES, COUNTED_MODIFIERS, CULPRIT_NOUNS,
};
use crate::extract::figures::sentence::{Scanner, Tk, is, is_any};
use crate::model::{FigureKind, Qualifier};

/// "The suspect, a 34-year-old man, was arrested at the scene": one arrest, said without a
/// number. Only a sentence whose subject is a single culprit counts; "a second man" is an
/// ordinal (read elsewhere) and "another man" an increment.
pub(super) fn singular_arrest(sc: &Scanner) -> Option<Hit> {
    let toks = &sc.toks;
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
    if counted {
        return None;
    }
    // An apposition ("…, Dale Brown, 34, was …") sits between the subject and its verb.
    let mut k = head + 1;
    if is(toks.get(k), ",") {
        k = (k + 1..(k + 12).min(toks.len()))
            .find(|&x| is(toks.get(x - 1), ",") && is_any(toks.get(x), AUXILIARIES))?;
    }
    if !is_any(toks.get(k), AUXILIARIES) {
        return None;
    }
    let aux = k;
    k += 1;
    if is(toks.get(aux), "has") || is(toks.get(aux), "had") {
        if !is(toks.get(k), "been") {
            return None;
        }
        k += 1;
    }
    // "was later arrested", "was quickly taken into custody", "is being held".
    let mut skipped = 0;
    while skipped < 2 && is_any(toks.get(k), ARREST_ADVERBS) {
        k += 1;
        skipped += 1;
    }
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
