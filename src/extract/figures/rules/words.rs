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
    use Qualifier::*;
    let at = |k: usize| if k < i { toks.get(i - 1 - k) } else { None };
    let (w1, w2, w3) = (at(0), at(1), at(2));
    if is(w2, "at") && is(w1, "least") {
        return (AtLeast, i - 2);
    }
    if is_any(w2, HEDGE_FEWER) && is(w1, "than") {
        return if is_any(w3, HEDGE_NEGATIONS) {
            (AtLeast, i - 3)
        } else {
            (UpTo, i - 2)
        };
    }
    if is_any(w2, HEDGE_MORE) && is(w1, "than") {
        return (MoreThan, i - 2);
    }
    if is(w3, "in") && is(w2, "excess") && is(w1, "of") {
        return (MoreThan, i - 3);
    }
    if is(w2, "upwards") && is(w1, "of") {
        return (MoreThan, i - 2);
    }
    if is(w3, "as") && is_any(w2, HEDGE_MANY) && is(w1, "as") {
        return (UpTo, i - 3);
    }
    if is(w2, "up") && is(w1, "to") {
        // "revised up to 360", "rose up to 12": a direction, not a hedge.
        let rev = w3.is_some_and(|t| {
            toll_kind_word(Some(t)).is_some()
                || is_any(Some(t), RISE_WORDS)
                || is_any(Some(t), DIRECTION_VERBS)
        });
        return (if rev { Exact } else { UpTo }, i - 2);
    }
    if is(w2, "close") && is(w1, "to") {
        return (Nearly, i - 2);
    }
    if is(w2, "an") && is(w1, "estimated") {
        return (About, i - 2);
    }
    if is_any(w2, HEDGE_JUST) && is_any(w1, HEDGE_OVER) {
        return (MoreThan, i - 2);
    }
    if is(w2, "just") && is(w1, "under") {
        return (Nearly, i - 2);
    }
    if is(w3, "a") && is(w2, "total") && is(w1, "of") {
        return (Exact, i - 3);
    }
    if is_any(w1, HEDGE_OVER) {
        return (MoreThan, i - 1);
    }
    if is_any(w1, HEDGE_ABOUT) {
        return (About, i - 1);
    }
    if is_any(w1, HEDGE_NEARLY) {
        return (Nearly, i - 1);
    }
    if is(w1, "under") {
        return (UpTo, i - 1);
    }
    (Exact, i)
}
