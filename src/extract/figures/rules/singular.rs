//! Figures said without a number: one arrest ("the suspect was arrested"), one victim ("a
//! man was shot and killed"), and none ("no one was hurt").

use super::Hit;
use super::words::right_trigger;
use crate::extract::figures::lexicon::{
    ARREST_ADVERBS, ARTICLES, AUXILIARIES, BE_FORMS, COUNTED_MODIFIERS, CULPRIT_NOUNS, FATALLY,
    NEGATORS, NO_CASUALTY_NOUNS, NOBODY, REFLEXIVES, SEVERITY_ADVERBS, VICTIM_NOUNS,
    WOUNDING_VERBS,
};
use crate::extract::figures::sentence::{Scanner, Tk, Tok, is, is_any};
use crate::model::{FigureKind, Qualifier};

/// "The suspect, a 34-year-old man, was arrested at the scene": one arrest, said without a
/// number. Only a sentence whose subject is a single culprit counts; "a second man" is an
/// ordinal (read elsewhere) and "another man" an increment.
pub(super) fn singular_arrest(sc: &Scanner) -> Option<Hit> {
    let toks = &sc.toks;
    let head = single_subject(toks, CULPRIT_NOUNS)?;
    let aux = auxiliary_after(toks, head)?;
    let k = verb_after(toks, aux)?;
    let (kind, len) = right_trigger(toks, k)?;
    if kind != FigureKind::Arrested {
        return None;
    }
    Some(unnumbered(kind, 1, (k, k + len), aux))
}

/// "A man was shot and killed", "a teenager has died", "a woman was seriously injured": one
/// victim, said without a number. The subject must be one person who is no culprit, and
/// the verb its own ("a man who killed himself" is the killer).
pub(super) fn singular_victim(sc: &Scanner) -> Option<Hit> {
    use FigureKind::*;
    let toks = &sc.toks;
    let head = single_subject(toks, VICTIM_NOUNS)?;
    let (k, fatal) = match toks.get(head + 1) {
        // "A man died", "a woman has died".
        t if is(t, "died") => (head + 1, false),
        t if is_any(t, &["has", "had"]) && is(toks.get(head + 2), "died") => (head + 2, false),
        _ => {
            let aux = auxiliary_after(toks, head)?;
            let mut k = verb_after(toks, aux)?;
            while is_any(toks.get(k), SEVERITY_ADVERBS) {
                k += 1;
            }
            if is_any(toks.get(k), FATALLY) && is_any(toks.get(k + 1), WOUNDING_VERBS) {
                (k, true)
            } else if is_any(toks.get(k), WOUNDING_VERBS) && is(toks.get(k + 1), "and") {
                (k + 2, false)
            } else {
                (k, false)
            }
        }
    };
    let (kind, len) = if fatal {
        (Killed, 2)
    } else {
        right_trigger(toks, k)?
    };
    if !matches!(kind, Killed | Injured) || is_any(toks.get(k + len), REFLEXIVES) {
        return None;
    }
    Some(unnumbered(kind, 1, (k, k + len), head))
}

/// A figure said without a number (one victim, one culprit, nobody): exact, and weak, so a
/// counted figure of the same kind outranks it. `term` is the kind word's token range.
fn unnumbered(kind: FigureKind, value: u64, term: (usize, usize), at: usize) -> Hit {
    Hit {
        kind,
        value,
        qualifier: Qualifier::Exact,
        term_from: term.0,
        term_to: term.1,
        update: false,
        more: false,
        at,
        weak: true,
    }
}

/// "No one was hurt", "nobody was seriously injured", "no deaths were reported": none of a
/// kind. "No one else" says nothing of the total, so it is not read.
pub(super) fn nobody(sc: &Scanner) -> Vec<Hit> {
    let toks = &sc.toks;
    let mut out: Vec<Hit> = Vec::new();
    for i in 0..toks.len() {
        let t = toks.get(i);
        let said = if is_any(t, NOBODY) {
            Some(i + 1)
        } else if is(t, "no") && is(toks.get(i + 1), "one") {
            Some(i + 2)
        } else {
            None
        };
        let found = match said {
            Some(mut k) => {
                if is(toks.get(k), "else") || !is_any(toks.get(k), BE_FORMS) {
                    continue;
                }
                while is_any(toks.get(k), BE_FORMS) || is_any(toks.get(k), SEVERITY_ADVERBS) {
                    k += 1;
                }
                right_trigger(toks, k)
                    .filter(|(kind, _)| *kind != FigureKind::Arrested)
                    .map(|(kind, len)| (kind, k, k + len))
            }
            None if is(t, "no") => NO_CASUALTY_NOUNS
                .iter()
                .find(|(noun, _)| is(toks.get(i + 1), noun))
                .map(|&(_, kind)| (kind, i + 1, i + 2)),
            None => None,
        };
        if let Some((kind, from, to)) = found
            && !out.iter().any(|h| h.kind == kind)
        {
            out.push(unnumbered(kind, 0, (from, to), i));
        }
    }
    out
}

/// Whether the verb of a figure is denied: a negator between its number at `at` and its
/// kind word at `term` ("two other children were not injured", "four weren't charged").
pub(super) fn denied(toks: &[Tok], at: usize, term: usize) -> bool {
    term > at
        && toks[at + 1..term.min(toks.len())]
            .iter()
            .any(|t| is_any(Some(t), NEGATORS) || t.s.ends_with("n't") || t.s.ends_with("n’t"))
}

/// "The suspected gunman …", "A teenager …": the head noun of a subject that is one person
/// of `nouns`.
fn single_subject(toks: &[Tok], nouns: &[&str]) -> Option<usize> {
    if !is_any(toks.first(), ARTICLES) {
        return None;
    }
    // Up to three modifiers ("suspected", "34-year-old", "lone") before the head noun.
    let head = (1..5.min(toks.len())).find(|&k| is_any(toks.get(k), nouns))?;
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
        let culprit = |s: &str| single_subject(&toks(s).toks, CULPRIT_NOUNS);
        assert_eq!(culprit("The suspected lone gunman fled"), Some(3));
        assert_eq!(culprit("A teenager was held"), Some(1));
        assert_eq!(culprit("Another man was held"), None);
        assert_eq!(culprit("A second man was held"), None);
        assert_eq!(culprit("A third man was held"), None);
        assert_eq!(culprit("The mayor was held"), None);
        assert_eq!(culprit("He was held"), None);
        assert_eq!(culprit("The big old red dark van man"), None);
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
