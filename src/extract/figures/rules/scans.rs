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
            k = skip_aside(sc, k)?;
            continue;
        }
        if t.kind == Tk::Num || is_any(Some(t), RIGHT_STOPS) || opens_other_phrase(sc, k) {
            return None;
        }
        if let Some((kind, len)) = right_trigger(toks, k) {
            // "80 remain hospitalised": those still in hospital, not the injured total.
            if kind == FigureKind::Injured && remain {
                return None;
            }
            return Some((kind, k, k + len));
        }
        remain |= is_any(Some(t), REMAIN_WORDS);
        if is_in_care(sc, k) {
            return None;
        }
        k += 1;
        steps += 1;
    }
    None
}

/// "Nine people, including the four gunmen, were detained": the token after the aside that
/// the punctuation at `k` opens; `None` when it opens none, or none that closes.
fn skip_aside(sc: &Scanner, k: usize) -> Option<usize> {
    let toks = &sc.toks;
    let t = &toks[k];
    let aside = (t.s == "," && is_any(toks.get(k + 1), ASIDE_OPENERS)) || t.s == "(";
    if !aside {
        return None;
    }
    let close = if t.s == "(" { ")" } else { "," };
    toks[k + 1..]
        .iter()
        .position(|x| x.s == close)
        .map(|p| k + 1 + p + 1)
}

/// "3 hospitals treating the injured": a determiner outside a prepositional phrase starts a
/// new noun phrase, so a kind word after it belongs to someone else.
fn opens_other_phrase(sc: &Scanner, k: usize) -> bool {
    is_any(sc.toks.get(k), DETERMINERS) && !is_any(sc.toks.get(k - 1), PREPOSITIONS)
}

/// "in hospital", "in critical condition": those still in care, not a total.
fn is_in_care(sc: &Scanner, k: usize) -> bool {
    is(sc.toks.get(k), "in") && is_any(sc.toks.get(k + 1), IN_CARE_WORDS)
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
            k = step_over_punct(sc, k, qstart)?;
            continue;
        }
        if t.kind == Tk::Num {
            k = step_over_older(sc, k)?;
            continue;
        }
        if is_any(Some(t), TOLL_STOPS) {
            return None;
        }
        let is_toll = is(Some(t), "toll");
        let is_count = is_any(Some(t), COUNT_NOUNS);
        // "raised the death toll to 143", "revises number injured to 360".
        if is_any(Some(t), RISE_WORDS) || ((is_toll || is_count) && rise_before(sc, k)) {
            update = true;
        }
        if is_toll {
            return Some(toll_noun(sc, k, update));
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

/// Where the toll scan goes on past the punctuation at `k`, or `None` where it ends there:
/// "Death toll: 143" in a summary box, "raised their count of injured, to 382", and "The toll,
/// which had stood at 52, rose to 61" (the relative clause is stepped over).
fn step_over_punct(sc: &Scanner, k: usize, qstart: usize) -> Option<usize> {
    let toks = &sc.toks;
    let t = &toks[k];
    if (t.s == ":" && k + 1 == qstart && k > 0)
        || (t.s == "," && is_any(toks.get(k + 1), VALUE_PREPOSITIONS))
    {
        return Some(k);
    }
    if t.s != "," {
        return None;
    }
    toks[..k]
        .iter()
        .rposition(|x| x.s == ",")
        .filter(|&o| k - o <= TOLL_WINDOW && is_any(toks.get(o + 1), RELATIVE_PRONOUNS))
}

/// "climbed from 139 to 143": where the toll scan goes on past the older figure at `k`;
/// `None` for any other number.
fn step_over_older(sc: &Scanner, k: usize) -> Option<usize> {
    if k > 0 && is(sc.toks.get(k - 1), "from") {
        Some(k - 1)
    } else {
        None
    }
}

/// "raised the death toll": a change verb shortly before the toll noun at `k`.
fn rise_before(sc: &Scanner, k: usize) -> bool {
    (k.saturating_sub(4)..k).any(|j| is_any(sc.toks.get(j), RISE_WORDS))
}

/// The kind and term of the toll noun at `k`: "injury toll" counts the hurt, "death toll" and
/// a bare "toll" the dead.
fn toll_noun(sc: &Scanner, k: usize, update: bool) -> (FigureKind, usize, usize, bool) {
    let prev = if k > 0 { sc.toks.get(k - 1) } else { None };
    if is_any(prev, INJURY_NOUNS) {
        return (FigureKind::Injured, k - 1, k + 1, update);
    }
    let from = if is(prev, "death") { k - 1 } else { k };
    (FigureKind::Killed, from, k + 1, update)
}

#[cfg(test)]
mod tests {
    use super::*;
    use FigureKind::*;

    /// What the right-hand scan finds after word `w` of `s`, as (kind, term).
    fn right(s: &str, w: &str) -> Option<(FigureKind, String)> {
        let sc = Scanner::of(s);
        right_scan(&sc, sc.at(w) + 1).map(|(kind, a, b)| (kind, sc.words[a..b].join(" ")))
    }

    /// What the toll scan finds before word `w` of `s`, as (kind, term, update).
    fn toll(s: &str, w: &str) -> Option<(FigureKind, String, bool)> {
        let sc = Scanner::of(s);
        toll_scan(&sc, sc.at(w)).map(|(kind, a, b, up)| (kind, sc.words[a..b].join(" "), up))
    }

    fn found(kind: FigureKind, term: &str) -> Option<(FigureKind, String)> {
        Some((kind, term.to_string()))
    }

    #[test]
    fn the_right_scan_finds_the_kind_word_within_its_window() {
        assert_eq!(
            right("42 people in the hall were killed", "42"),
            found(Killed, "killed")
        );
        assert_eq!(
            right("9 fishermen are missing for days", "9"),
            found(Missing, "missing for")
        );
        assert_eq!(
            right("5 taken into custody", "5"),
            found(Arrested, "into custody")
        );
        assert_eq!(
            right("9 men seen near old big red killed", "9"),
            found(Killed, "killed")
        );
        assert_eq!(right("9 men seen near old big red tall killed", "9"), None);
        assert_eq!(
            right("6 killed and 40 wounded", "40"),
            found(Injured, "wounded")
        );
        assert_eq!(right("6 and 40 wounded", "6"), None);
        assert_eq!(right("400 officers were there when 3 died", "400"), None);
    }

    #[test]
    fn the_right_scan_skips_asides_and_stops_at_other_punctuation() {
        let s = "Nine people, including the four gunmen, were detained";
        assert_eq!(right(s, "Nine"), found(Arrested, "detained"));
        let s = "Nine people (four of them gunmen) were detained";
        assert_eq!(right(s, "Nine"), found(Arrested, "detained"));
        assert_eq!(
            right("Nine people, police said, were detained", "Nine"),
            None
        );
    }

    #[test]
    fn the_right_scan_leaves_out_those_still_in_care() {
        assert_eq!(right("80 remain hospitalised", "80"), None);
        assert_eq!(right("80 still dead", "80"), found(Killed, "dead"));
        assert_eq!(right("80 people in hospital were injured", "80"), None);
    }

    #[test]
    fn asides() {
        let sc = Scanner::of("9 , including the four , were ( all ) held , police");
        assert_eq!(skip_aside(&sc, 1), Some(6));
        assert_eq!(skip_aside(&sc, 7), Some(10));
        assert_eq!(skip_aside(&sc, 5), None);
        let sc = Scanner::of("9 ( never closed");
        assert_eq!(skip_aside(&sc, 1), None);
    }

    #[test]
    fn other_noun_phrases() {
        let sc = Scanner::of("3 hospitals treating the injured in the hall");
        assert!(opens_other_phrase(&sc, 3));
        assert!(!opens_other_phrase(&sc, 6));
        assert!(!opens_other_phrase(&sc, 1));
    }

    #[test]
    fn in_care() {
        let sc = Scanner::of("in hospital in critical in the hall");
        assert!(is_in_care(&sc, 0) && is_in_care(&sc, 2) && !is_in_care(&sc, 4));
    }

    #[test]
    fn the_toll_scan_finds_a_toll_noun_to_the_left() {
        let said = |kind, term: &str, up| Some((kind, term.to_string(), up));
        assert_eq!(
            toll("The death toll is 88", "88"),
            said(Killed, "death toll", false)
        );
        assert_eq!(
            toll("the toll stands at 61", "61"),
            said(Killed, "toll", false)
        );
        assert_eq!(
            toll("The injury toll rose to 30", "30"),
            said(Injured, "injury toll", true)
        );
        let s = "The number of injured climbed to 415";
        assert_eq!(toll(s, "415"), said(Injured, "injured", true));
        let s = "officials raised the death toll to 143";
        assert_eq!(toll(s, "143"), said(Killed, "death toll", true));
        assert_eq!(toll("The number rose to 12", "12"), None);
        assert_eq!(toll("The toll rose and 12", "12"), None);
        assert_eq!(toll("The toll of 5 and then 12", "12"), None);
    }

    #[test]
    fn the_toll_scan_steps_over_older_figures_and_relative_clauses() {
        let said = |kind, term: &str, up| Some((kind, term.to_string(), up));
        assert_eq!(
            toll("The toll climbed from 139 to 143", "143"),
            said(Killed, "toll", true)
        );
        let s = "The toll, which had stood at 52 on Monday, rose to 61";
        assert_eq!(toll(s, "61"), said(Killed, "toll", true));
        assert_eq!(
            toll("Death toll: 19", "19"),
            said(Killed, "Death toll", false)
        );
        let s = "They raised their count of injured, to 382";
        assert_eq!(toll(s, "382"), said(Injured, "injured", true));
        assert_eq!(toll("The toll, police said, 12", "12"), None);
    }

    #[test]
    fn punctuation_the_toll_scan_crosses() {
        let sc = Scanner::of("toll : 19");
        assert_eq!(step_over_punct(&sc, 1, 2), Some(1));
        assert_eq!(step_over_punct(&sc, 1, 3), None);
        let sc = Scanner::of("toll , which stood , rose");
        assert_eq!(step_over_punct(&sc, 4, 6), Some(1));
        let sc = Scanner::of("toll , police said , rose");
        assert_eq!(step_over_punct(&sc, 4, 6), None);
        let sc = Scanner::of("count , to 382");
        assert_eq!(step_over_punct(&sc, 1, 3), Some(1));
    }

    #[test]
    fn older_figures() {
        let sc = Scanner::of("from 139 to 143 and 12");
        assert_eq!(step_over_older(&sc, 1), Some(0));
        assert_eq!(step_over_older(&sc, 5), None);
    }

    #[test]
    fn a_rise_before_the_noun() {
        let sc = Scanner::of("officials raised the death toll the toll");
        assert!(rise_before(&sc, 4));
        assert!(!rise_before(&sc, 6));
    }

    #[test]
    fn toll_nouns() {
        let sc = Scanner::of("injury toll death toll toll");
        assert_eq!(toll_noun(&sc, 1, false), (Injured, 0, 2, false));
        assert_eq!(toll_noun(&sc, 3, true), (Killed, 2, 4, true));
        assert_eq!(toll_noun(&sc, 4, false), (Killed, 4, 5, false));
        let sc = Scanner::of("toll");
        assert_eq!(toll_noun(&sc, 0, false), (Killed, 0, 1, false));
    }
}
