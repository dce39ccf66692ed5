//! The phrases a figure is read from: the kind word after a number, the verb before it, the
//! kind word inside a toll phrase, and the hedge ("at least", "nearly") in front of it.

use crate::extract::figures::lexicon::{
    ARREST_NOUNS, ARRESTED_WORDS, ARRESTING_VERBS, CUSTODY_NOUNS, DIRECTION_VERBS, HEDGE_ABOUT,
    HEDGE_FEWER, HEDGE_JUST, HEDGE_MANY, HEDGE_MORE, HEDGE_NEARLY, HEDGE_NEGATIONS, HEDGE_OVER,
    HELD_NOT_ARREST, INJURED_WORDS, INJURING_VERBS, INTO_CUSTODY, KILLED_WORDS, KILLING_VERBS,
    LOST_LIVES, MISSING_WORDS, RISE_WORDS, ROUNDED_UP, TOLL_ARRESTED, TOLL_INJURED, TOLL_KILLED,
};
use crate::extract::figures::sentence::{Tok, is, is_any};
use crate::model::{FigureKind, Qualifier};

/// A kind word ("killed") at `k`, possibly two or three words long, as a right-hand trigger.
pub(super) fn right_trigger(toks: &[Tok], k: usize) -> Option<(FigureKind, usize)> {
    use FigureKind::*;
    let t = toks.get(k);
    let next = toks.get(k + 1);
    if is_any(t, KILLED_WORDS) {
        return Some((Killed, 1));
    }
    if is(t, "to") && is(next, "death") {
        return Some((Killed, 2));
    }
    if is(t, "lost") && is_any(next, LOST_LIVES) {
        return Some((Killed, if is(next, "their") { 3 } else { 2 }));
    }
    if is_any(t, INJURED_WORDS) {
        return Some((Injured, 1));
    }
    if is_any(t, MISSING_WORDS) {
        return Some((Missing, if is(next, "for") { 2 } else { 1 }));
    }
    if is_any(t, ARRESTED_WORDS) || is_any(t, ARREST_NOUNS) {
        return Some((Arrested, 1));
    }
    if is(t, "held") && !is_any(next, HELD_NOT_ARREST) {
        return Some((Arrested, 1));
    }
    if is_any(t, CUSTODY_NOUNS) {
        return Some((Arrested, 1));
    }
    if is_any(t, INTO_CUSTODY) && is(next, "custody") {
        return Some((Arrested, 2));
    }
    if is(t, "under") && is(next, "arrest") {
        return Some((Arrested, 2));
    }
    if is_any(t, ROUNDED_UP) && is(next, "up") {
        return Some((Arrested, 2));
    }
    if is(t, "behind") && is(next, "bars") {
        return Some((Arrested, 2));
    }
    None
}

/// A verb right before a number ("killing 12") and the kind it names.
pub(super) fn left_verb(t: Option<&Tok>) -> Option<FigureKind> {
    use FigureKind::*;
    if is_any(t, KILLING_VERBS) {
        Some(Killed)
    } else if is_any(t, INJURING_VERBS) {
        Some(Injured)
    } else if is_any(t, ARRESTING_VERBS) {
        Some(Arrested)
    } else {
        None
    }
}

/// The kind a word names inside a toll phrase ("number of injured").
pub(super) fn toll_kind_word(t: Option<&Tok>) -> Option<FigureKind> {
    use FigureKind::*;
    if is_any(t, TOLL_KILLED) {
        Some(Killed)
    } else if is_any(t, TOLL_INJURED) {
        Some(Injured)
    } else if is_any(t, MISSING_WORDS) {
        Some(Missing)
    } else if is_any(t, TOLL_ARRESTED) {
        Some(Arrested)
    } else {
        None
    }
}

/// A hedge read to the left of the number that starts at `i`: the qualifier and where it starts.
pub(super) fn qualifier_before(toks: &[Tok], i: usize) -> (Qualifier, usize) {
    let at = |k: usize| if k < i { toks.get(i - 1 - k) } else { None };
    let words = [at(0), at(1), at(2)];
    phrase_hedge(words, i)
        .or_else(|| word_hedge(words[0], i))
        .unwrap_or((Qualifier::Exact, i))
}

/// A hedge of two or three words ending right before token `i` ("at least", "no fewer than"),
/// given those words nearest first.
fn phrase_hedge([w1, w2, w3]: [Option<&Tok>; 3], i: usize) -> Option<(Qualifier, usize)> {
    use Qualifier::*;
    let hedge = if is(w2, "at") && is(w1, "least") {
        (AtLeast, i - 2)
    } else if is_any(w2, HEDGE_FEWER) && is(w1, "than") {
        if is_any(w3, HEDGE_NEGATIONS) {
            (AtLeast, i - 3)
        } else {
            (UpTo, i - 2)
        }
    } else if is_any(w2, HEDGE_MORE) && is(w1, "than") {
        (MoreThan, i - 2)
    } else if is(w3, "in") && is(w2, "excess") && is(w1, "of") {
        (MoreThan, i - 3)
    } else if is(w2, "upwards") && is(w1, "of") {
        (MoreThan, i - 2)
    } else if is(w3, "as") && is_any(w2, HEDGE_MANY) && is(w1, "as") {
        (UpTo, i - 3)
    } else if is(w2, "up") && is(w1, "to") {
        (if is_direction(w3) { Exact } else { UpTo }, i - 2)
    } else if is(w2, "close") && is(w1, "to") {
        (Nearly, i - 2)
    } else if is(w2, "an") && is(w1, "estimated") {
        (About, i - 2)
    } else if is_any(w2, HEDGE_JUST) && is_any(w1, HEDGE_OVER) {
        (MoreThan, i - 2)
    } else if is(w2, "just") && is(w1, "under") {
        (Nearly, i - 2)
    } else if is(w3, "a") && is(w2, "total") && is(w1, "of") {
        (Exact, i - 3)
    } else {
        return None;
    };
    Some(hedge)
}

/// "revised up to 360", "rose up to 12": a word before "up to" that makes it a direction, not
/// a hedge.
fn is_direction(w: Option<&Tok>) -> bool {
    w.is_some_and(|t| {
        toll_kind_word(Some(t)).is_some()
            || is_any(Some(t), RISE_WORDS)
            || is_any(Some(t), DIRECTION_VERBS)
    })
}

/// A one-word hedge `w` right before token `i` ("over", "about", "nearly", "under").
fn word_hedge(w: Option<&Tok>, i: usize) -> Option<(Qualifier, usize)> {
    use Qualifier::*;
    let q = if is_any(w, HEDGE_OVER) {
        MoreThan
    } else if is_any(w, HEDGE_ABOUT) {
        About
    } else if is_any(w, HEDGE_NEARLY) {
        Nearly
    } else if is(w, "under") {
        UpTo
    } else {
        return None;
    };
    Some((q, i - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::figures::sentence::Scanner;

    /// The kind and length `right_trigger` reads at word `w` of `s`.
    fn trigger(s: &str, w: &str) -> Option<(FigureKind, usize)> {
        let sc = Scanner::of(s);
        right_trigger(&sc.toks, sc.at(w))
    }

    /// The hedge before word `w` of `s`, with how many words it spans.
    fn hedge(s: &str, w: &str) -> (Qualifier, usize) {
        let sc = Scanner::of(s);
        let i = sc.at(w);
        let (q, start) = qualifier_before(&sc.toks, i);
        (q, i - start)
    }

    #[test]
    fn kind_words_after_a_number() {
        use FigureKind::*;
        let cases = [
            ("12 killed", "killed", Some((Killed, 1))),
            ("12 bodies", "bodies", Some((Killed, 1))),
            ("stabbed to death", "to", Some((Killed, 2))),
            ("lost their lives", "lost", Some((Killed, 3))),
            ("lives were lost lives", "lost", Some((Killed, 2))),
            ("lost homes", "lost", None),
            ("11 hospitalised", "hospitalised", Some((Injured, 1))),
            ("9 missing", "missing", Some((Missing, 1))),
            ("70 unaccounted for", "unaccounted", Some((Missing, 2))),
            ("4 charged", "charged", Some((Arrested, 1))),
            ("14 arrests", "arrests", Some((Arrested, 1))),
            ("9 held after", "held", Some((Arrested, 1))),
            ("12 held hostage", "held", None),
            ("5 in detention", "detention", Some((Arrested, 1))),
            ("5 in custody", "in", Some((Arrested, 2))),
            ("taken into custody", "into", Some((Arrested, 2))),
            ("5 under arrest", "under", Some((Arrested, 2))),
            ("30 rounded up", "rounded", Some((Arrested, 2))),
            ("2 behind bars", "behind", Some((Arrested, 2))),
            ("3 trapped", "trapped", None),
        ];
        for (s, w, want) in cases {
            assert_eq!(trigger(s, w), want, "{s}");
        }
    }

    #[test]
    fn verbs_before_a_number() {
        let sc = Scanner::of("killing injuring detained held evacuated");
        let kinds: Vec<_> = sc.toks.iter().map(|t| left_verb(Some(t))).collect();
        use FigureKind::*;
        assert_eq!(
            kinds,
            [
                Some(Killed),
                Some(Injured),
                Some(Arrested),
                Some(Arrested),
                None
            ]
        );
        assert_eq!(left_verb(None), None);
    }

    #[test]
    fn kind_words_in_a_toll_phrase() {
        let sc = Scanner::of("victims injuries unaccounted suspects homes");
        let kinds: Vec<_> = sc.toks.iter().map(|t| toll_kind_word(Some(t))).collect();
        use FigureKind::*;
        assert_eq!(
            kinds,
            [
                Some(Killed),
                Some(Injured),
                Some(Missing),
                Some(Arrested),
                None
            ]
        );
    }

    #[test]
    fn hedges_before_a_number() {
        use Qualifier::*;
        let cases = [
            ("at least 5", AtLeast, 2),
            ("no fewer than 5", AtLeast, 3),
            ("less than 5", UpTo, 2),
            ("greater than 5", MoreThan, 2),
            ("in excess of 5", MoreThan, 3),
            ("upwards of 5", MoreThan, 2),
            ("as many as 5", UpTo, 3),
            ("up to 5", UpTo, 2),
            ("revised up to 5", Exact, 2),
            ("injured up to 5", Exact, 2),
            ("went up to 5", Exact, 2),
            ("close to 5", Nearly, 2),
            ("an estimated 5", About, 2),
            ("well above 5", MoreThan, 2),
            ("just under 5", Nearly, 2),
            ("a total of 5", Exact, 3),
            ("over 5", MoreThan, 1),
            ("roughly 5", About, 1),
            ("nearing 5", Nearly, 1),
            ("under 5", UpTo, 1),
            ("killed 5", Exact, 0),
            ("5", Exact, 0),
        ];
        for (s, q, len) in cases {
            assert_eq!(hedge(s, "5"), (q, len), "{s}");
        }
    }

    #[test]
    fn phrase_and_word_hedges_apart() {
        let sc = Scanner::of("just over");
        let [a, b] = [sc.toks.get(1), sc.toks.first()];
        assert_eq!(
            phrase_hedge([a, b, None], 2),
            Some((Qualifier::MoreThan, 0))
        );
        assert_eq!(phrase_hedge([a, None, None], 2), None);
        assert_eq!(word_hedge(a, 2), Some((Qualifier::MoreThan, 1)));
        assert_eq!(word_hedge(b, 2), None);
        assert!(is_direction(Scanner::of("rose").toks.first()));
        assert!(!is_direction(None));
    }
}
