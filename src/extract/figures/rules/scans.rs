//! The two scans that look past the words next to a number: rightwards for the kind word it
//! counts ("42 people in the hall were killed"), leftwards for a toll noun ("the death toll in
//! the attack rose to 144").

use super::words::{right_trigger, toll_kind_word};
use crate::extract::figures::lexicon::{
    ASIDE_OPENERS, COUNT_NOUNS, DETERMINERS, IN_CARE_WORDS, INJURY_NOUNS, PREPOSITIONS,
    RELATIVE_PRONOUNS, REMAIN_WORDS, RIGHT_STOPS, RISE_WORDS, TOLL_STOPS, VALUE_PREPOSITIONS,
};
use crate::extract::figures::sentence::{Scanner, Tk, is, is_any};
use crate::model::FigureKind;

/// How many words the right-hand scan ("42 people in the hall were killed") may cross.
const RIGHT_WINDOW: usize = 7;

/// How many words may sit between a toll noun and its number ("death toll in the attack rose to").
const TOLL_WINDOW: usize = 12;

/// Scans right of a number for the kind word it counts; `None` also for hospital subsets.
pub(super) fn right_scan(sc: &Scanner, j: usize) -> Option<(FigureKind, usize, usize)> {
    let toks = &sc.toks;
    let mut k = j;
    let mut steps = 0;
    let mut remain = false;
    while k < toks.len() && steps < RIGHT_WINDOW {
        let t = &toks[k];
        if t.kind == Tk::Punct {
            // "Nine people, including the four gunmen, were detained": skip the aside.
            let aside = (t.s == "," && is_any(toks.get(k + 1), ASIDE_OPENERS)) || t.s == "(";
            if !aside {
                return None;
            }
            let close = if t.s == "(" { ")" } else { "," };
            k = toks[k + 1..]
                .iter()
                .position(|x| x.s == close)
                .map(|p| k + 1 + p + 1)?;
            continue;
        }
        if t.kind == Tk::Num || is_any(Some(t), RIGHT_STOPS) {
            return None;
        }
        // A new noun phrase not inside a prepositional phrase ("3 hospitals treating the
        // injured") means the kind word belongs to someone else.
        if is_any(Some(t), DETERMINERS) && !is_any(toks.get(k - 1), PREPOSITIONS) {
            return None;
        }
        if let Some((kind, len)) = right_trigger(toks, k) {
            // "80 remain hospitalised": those still in hospital, not the injured total.
            if kind == FigureKind::Injured && remain {
                return None;
            }
            return Some((kind, k, k + len));
        }
        if is_any(Some(t), REMAIN_WORDS) {
            remain = true;
        }
        if is(Some(t), "in") && is_any(toks.get(k + 1), IN_CARE_WORDS) {
            return None;
        }
        k += 1;
        steps += 1;
    }
    None
}

/// Scans left of a number for a toll noun ("the death toll rose to", "number of injured ... to").
pub(super) fn toll_scan(sc: &Scanner, qstart: usize) -> Option<(FigureKind, usize, usize, bool)> {
    let toks = &sc.toks;
    let mut k = qstart;
    let mut update = false;
    let mut kind_word: Option<(FigureKind, usize)> = None;
    let mut steps = 0;
    while k > 0 && steps < TOLL_WINDOW {
        k -= 1;
        steps += 1;
        let t = &toks[k];
        if t.kind == Tk::Punct {
            // "Death toll: 143" in a summary box; "raised their count of injured, to 382".
            if (t.s == ":" && k + 1 == qstart && k > 0)
                || (t.s == "," && is_any(toks.get(k + 1), VALUE_PREPOSITIONS))
            {
                continue;
            }
            // "The toll, which had stood at 52, rose to 61": step over the relative clause.
            if t.s == "," {
                let open = toks[..k].iter().rposition(|x| x.s == ",");
                if let Some(o) = open
                    .filter(|&o| k - o <= TOLL_WINDOW && is_any(toks.get(o + 1), RELATIVE_PRONOUNS))
                {
                    k = o;
                    continue;
                }
            }
            return None;
        }
        if t.kind == Tk::Num {
            // "climbed from 139 to 143": step over the older figure.
            if k > 0 && is(toks.get(k - 1), "from") {
                k -= 1;
                continue;
            }
            return None;
        }
        if is_any(Some(t), TOLL_STOPS) {
            return None;
        }
        if is_any(Some(t), RISE_WORDS) {
            update = true;
        }
        let is_toll = is(Some(t), "toll");
        let is_count = is_any(Some(t), COUNT_NOUNS);
        // "raised the death toll to 143", "revises number injured to 360".
        if (is_toll || is_count)
            && (k.saturating_sub(4)..k).any(|j| is_any(toks.get(j), RISE_WORDS))
        {
            update = true;
        }
        if is_toll {
            let prev = if k > 0 { toks.get(k - 1) } else { None };
            if is_any(prev, INJURY_NOUNS) {
                return Some((FigureKind::Injured, k - 1, k + 1, update));
            }
            let from = if is(prev, "death") { k - 1 } else { k };
            return Some((FigureKind::Killed, from, k + 1, update));
        }
        if is_count {
            let (kind, at) = kind_word?;
            return Some((kind, at, at + 1, update));
        }
        if let Some(kind) = toll_kind_word(Some(t)) {
            kind_word = Some((kind, k));
        }
    }
    None
}
