//! Tying one number to a casualty kind: the cues that say it counts something else (a time,
//! an age, a subset, an older figure), and the phrases around it that name what it counts.

use super::Hit;
use super::scans::{right_scan, toll_scan};
use super::words::{left_verb, qualifier_before, right_trigger, toll_kind_word};
use crate::extract::figures::lexicon::{
    ARTICLES, CLAIMED, COUNT_NOUNS, CUSTODY_WORDS, HELD_PEOPLE, INCREMENT_WORDS, LABELS, MONTHS,
    OF_GROUP, PERSON_NOUNS, SUBSET_CUES, SUBSET_FILLERS, SUSPECT_WORDS, UNITS, YEAR_WORDS,
};
use crate::extract::figures::sentence::{Scanner, Tk, is, is_any};
use crate::extract::numbers::{ParsedNumber, parse_number};
use crate::model::{FigureKind, Qualifier};

/// Ties the number spanning tokens `i..j` to a kind, or says it counts something else.
pub(super) fn tie_number(sc: &Scanner, i: usize, j: usize, p: ParsedNumber) -> Option<Hit> {
    let toks = &sc.toks;
    let t = &toks[i];
    let prev = if i > 0 { toks.get(i - 1) } else { None };
    let next = toks.get(j);
    let mut plus = false;
    if t.kind == Tk::Num {
        if t.s.contains(':') || sc.is_year(i) && j == i + 1 {
            return None;
        }
        // "15-year-old", "100-strong": only "-plus" keeps a numeral a count.
        if let Some((_, suffix)) = t.s.split_once('-') {
            if !suffix.eq_ignore_ascii_case("plus") {
                return None;
            }
            plus = true;
        } else if t.s.bytes().any(|b| b.is_ascii_alphabetic()) && !p.ordinal {
            return None;
        }
    }
    if p.value == 0 {
        return None;
    }
    if is(prev, "no") && is(toks.get(i), "one") {
        return None;
    }
    if is_any(next, UNITS) || is_any(prev, LABELS) || is_any(prev, MONTHS) || is_any(next, MONTHS) {
        return None;
    }
    if is(next, "-") && is_any(toks.get(j + 1), YEAR_WORDS) {
        return None;
    }
    // "up from 133", "rose to 48 from 42": the older figure.
    if is(prev, "from") {
        return None;
    }
    // Subsets: "including four", "among them three", "four of them", "one of the injured".
    let mut back = i;
    while back > 0 && is_any(toks.get(back - 1), SUBSET_FILLERS) {
        back -= 1;
    }
    let before = if back > 0 { toks.get(back - 1) } else { None };
    // "his two sons": a group named by its relation to someone, not a count.
    if is_any(before, SUBSET_CUES) {
        return None;
    }
    // "11 of the 24 people on board": the 24 is who was there, the 11 is the count.
    let of_total = is(next, "of")
        && is(toks.get(j + 1), "the")
        && parse_number(sc.words.get(j + 2..).unwrap_or(&[])).is_some();
    if i >= 3
        && is(prev, "the")
        && is(toks.get(i - 2), "of")
        && parse_number(&sc.words[i - 3..]).is_some()
    {
        return None;
    }
    if !of_total && is(next, "of") && is_any(toks.get(j + 1), OF_GROUP) {
        return None;
    }
    let (mut qualifier, qstart) = qualifier_before(toks, i);
    if p.vague && qualifier == Qualifier::Exact {
        qualifier = Qualifier::AtLeast;
    }
    if plus {
        qualifier = Qualifier::MoreThan;
    }
    let mut rstart = j;
    if is(next, "or") && is(toks.get(j + 1), "more") {
        qualifier = Qualifier::AtLeast;
        rstart = j + 2;
    }
    let qprev = if qstart > 0 {
        toks.get(qstart - 1)
    } else {
        None
    };
    let qprev2 = if qstart > 1 {
        toks.get(qstart - 2)
    } else {
        None
    };
    let increment = is_any(qprev, INCREMENT_WORDS);
    if increment {
        return None;
    }
    let more = is(next, "more");
    let hit = |kind, from, to, update| Hit {
        kind,
        value: p.value,
        qualifier,
        term_from: from,
        term_to: to,
        update,
        more,
        at: i,
        weak: false,
    };
    if p.ordinal {
        // "a ninth suspect was detained", "a third building contractor was arrested": that
        // many in all, said as news. Only people are counted so ("a second blast killed 4").
        let head = if is_any(next, PERSON_NOUNS) {
            Some(j)
        } else if next.is_some_and(|t| t.kind == Tk::Word) && is_any(toks.get(j + 1), PERSON_NOUNS)
        {
            Some(j + 1)
        } else {
            None
        };
        let head = head.filter(|_| is_any(qprev, ARTICLES) && p.value >= 2)?;
        if let Some((kind, a, b)) = right_scan(sc, head + 1) {
            return Some(hit(kind, a, b, true));
        }
        // "police arrested a third contractor on Sunday".
        let verb = if qstart >= 2 {
            toks.get(qstart - 2)
        } else {
            None
        };
        let kind = left_verb(verb)?;
        return Some(hit(kind, qstart - 2, qstart - 1, true));
    }
    // "claimed the lives of seven people": the number follows the phrase.
    if is(qprev, "of")
        && qstart >= 4
        && is(toks.get(qstart - 2), "lives")
        && is(toks.get(qstart - 3), "the")
        && is_any(toks.get(qstart - 4), CLAIMED)
    {
        return Some(hit(FigureKind::Killed, qstart - 4, qstart - 1, false));
    }
    // "lives": "claimed 12 lives", "12 lives were lost".
    if is(next, "lives") {
        let claimed = is_any(qprev, CLAIMED);
        let lost = (j + 1..(j + 4).min(toks.len())).any(|k| is(toks.get(k), "lost"));
        if claimed || lost {
            return Some(hit(FigureKind::Killed, j, j + 1, false));
        }
        return None;
    }
    if of_total {
        let m = parse_number(&sc.words[j + 2..]).map_or(0, |m| m.len);
        rstart = j + 2 + m;
    }
    if let Some((kind, a, b)) = right_scan(sc, rstart) {
        return Some(hit(kind, a, b, is(prev, "now")));
    }
    // "bringing to seven the number of people jailed", "raising to 12 the death toll": the
    // figure comes before the noun that says what it counts.
    if is(qprev, "to") && is(next, "the") {
        if is(toks.get(j + 1), "death") && is(toks.get(j + 2), "toll") {
            return Some(hit(FigureKind::Killed, j + 1, j + 3, true));
        }
        if is_any(toks.get(j + 1), COUNT_NOUNS) && is(toks.get(j + 2), "of") {
            let kind = (j + 3..(j + 6).min(toks.len())).find_map(|k| {
                right_trigger(toks, k)
                    .map(|(kind, len)| (kind, k, k + len))
                    .or_else(|| toll_kind_word(toks.get(k)).map(|kind| (kind, k, k + 1)))
            });
            if let Some((kind, a, b)) = kind {
                return Some(hit(kind, a, b, true));
            }
        }
    }
    if let Some(kind) = left_verb(qprev) {
        // "held" only reads as custody before a count of people.
        if !is(qprev, "held") || is_any(next, HELD_PEOPLE) {
            let update = is(qprev2, "now");
            return Some(hit(kind, qstart - 1, qstart, update));
        }
    }
    if let Some((kind, a, b, update)) = toll_scan(sc, qstart) {
        return Some(hit(kind, a, b, update));
    }
    // "four suspects appeared in court": a suspect count where custody is the topic.
    if is_any(next, SUSPECT_WORDS) && toks.iter().any(|t| is_any(Some(t), CUSTODY_WORDS)) {
        return Some(hit(FigureKind::Arrested, j, j + 1, false));
    }
    None
}
