//! Tying one number to a casualty kind: the cues that say it counts something else (a time,
//! an age, a subset, an older figure), and the phrases around it that name what it counts.
//!
//! Each rule reads a [`Spot`]: the number, where it sits and the hedge before it. The cues are
//! tried before the phrases, so a phrase never has to ask whether its number is a date.

use super::Hit;
use super::scans::{right_scan, toll_scan};
use super::words::{left_verb, qualifier_before, right_trigger, toll_kind_word};
use crate::extract::figures::lexicon::{
    ARTICLES, CLAIMED, COUNT_NOUNS, CULPRIT_NOUNS, CUSTODY_WORDS, GROUP_OF, HELD_PEOPLE,
    INCREMENT_WORDS, LABELS, MONTHS, OF_GROUP, PERSON_NOUNS, SUBSET_CUES, SUBSET_FILLERS,
    SUSPECT_WORDS, UNITS, YEAR_WORDS,
};
use crate::extract::figures::sentence::{Scanner, Tk, Tok, is, is_any};
use crate::extract::numbers::{ParsedNumber, parse_number};
use crate::model::{FigureKind, Qualifier};

/// A number in the loaded sentence and the places the rules read around it.
#[derive(Clone, Copy)]
struct Spot<'s, 'a> {
    sc: &'s Scanner<'a>,
    /// First token of the number.
    i: usize,
    /// First token after the number.
    j: usize,
    /// The number as parsed.
    p: ParsedNumber,
    /// The hedge right before the number ("at least"); `Exact` when there is none.
    hedge: Qualifier,
    /// First token of the hedge, or `i` when there is none.
    qstart: usize,
}

impl<'s, 'a> Spot<'s, 'a> {
    /// The number spanning tokens `i..j`, with the hedge read before it.
    fn new(sc: &'s Scanner<'a>, i: usize, j: usize, p: ParsedNumber) -> Self {
        let (hedge, qstart) = qualifier_before(&sc.toks, i);
        Self {
            sc,
            i,
            j,
            p,
            hedge,
            qstart,
        }
    }

    /// Token `k` of the sentence.
    fn tok(&self, k: usize) -> Option<&'s Tok<'a>> {
        self.sc.toks.get(k)
    }

    /// The number's first token.
    fn num(&self) -> &'s Tok<'a> {
        &self.sc.toks[self.i]
    }

    /// The word right before the number.
    fn prev(&self) -> Option<&'s Tok<'a>> {
        self.i.checked_sub(1).and_then(|k| self.tok(k))
    }

    /// The word right after the number.
    fn next(&self) -> Option<&'s Tok<'a>> {
        self.tok(self.j)
    }

    /// The word `n` places after the number's end (`after(0)` is [`Spot::next`]).
    fn after(&self, n: usize) -> Option<&'s Tok<'a>> {
        self.tok(self.j + n)
    }

    /// The word `n` places before the hedge (`before_hedge(1)` is right before it).
    fn before_hedge(&self, n: usize) -> Option<&'s Tok<'a>> {
        self.qstart.checked_sub(n).and_then(|k| self.tok(k))
    }
}

/// A kind read for a number, with the tokens `from..to` that say it.
struct Tie {
    kind: FigureKind,
    from: usize,
    to: usize,
    /// Said as a change ("rose to", "now", "a ninth suspect").
    update: bool,
}

/// A [`Tie`] of `kind` said by tokens `from..to`.
fn tie(kind: FigureKind, from: usize, to: usize, update: bool) -> Tie {
    Tie {
        kind,
        from,
        to,
        update,
    }
}

/// Ties the number spanning tokens `i..j` to a kind, or says it counts something else, then
/// reads what the phrase around the number adds to it.
pub(super) fn read_number(sc: &Scanner, i: usize, j: usize, p: ParsedNumber) -> Option<Hit> {
    if picks_a_group(sc, i) {
        return None;
    }
    let n = Spot::new(sc, i, j, p);
    let joined = joins_one_person(&n);
    let mut hit = match tie_number(&n) {
        Some(h) => h,
        None if joined => verb_over_joined(&n)?,
        None => return None,
    };
    if joined {
        hit.value = hit.value.saturating_add(1);
    }
    // Kept only when the text states no other figure of the kind; arrests of "three members
    // of a gang" are whole.
    if hit.kind != FigureKind::Arrested && counts_group_members(&n) {
        hit.weak = true;
    }
    Some(hit)
}

/// "members of one family": the "one" picks the family, it counts nobody.
fn picks_a_group(sc: &Scanner, i: usize) -> bool {
    i >= 2 && is(sc.toks.get(i - 1), "of") && is_any(sc.toks.get(i - 2), GROUP_OF)
}

/// "the captain and two crew members": an exact count joined to one person, who adds one.
fn joins_one_person(n: &Spot) -> bool {
    let q = n.qstart;
    !n.p.ordinal
        && n.hedge == Qualifier::Exact
        && q >= 3
        && is(n.tok(q - 1), "and")
        && (is_any(n.tok(q - 2), PERSON_NOUNS) || is_any(n.tok(q - 2), CULPRIT_NOUNS))
        && is_any(n.tok(q - 3), ARTICLES)
}

/// "the blast killed a woman and two children": the verb before the joined person governs both.
fn verb_over_joined(n: &Spot) -> Option<Hit> {
    let kind = left_verb(n.before_hedge(4))?;
    Some(Hit {
        kind,
        value: n.p.value,
        qualifier: n.hedge,
        term_from: n.qstart - 4,
        term_to: n.qstart - 3,
        update: false,
        more: false,
        at: n.i,
        weak: false,
    })
}

/// "six members of one family who died": the number counts a group within the toll.
fn counts_group_members(n: &Spot) -> bool {
    is_any(n.next(), GROUP_OF) && is(n.after(1), "of")
}

/// Ties the number at `n` to a kind, or says it counts something else.
fn tie_number(n: &Spot) -> Option<Hit> {
    if counts_something_else(n) || is_increment(n) {
        return None;
    }
    let t = kind_of(n)?;
    Some(Hit {
        kind: t.kind,
        value: n.p.value,
        qualifier: qualifier(n),
        term_from: t.from,
        term_to: t.to,
        update: t.update,
        more: is(n.next(), "more"),
        at: n.i,
        weak: false,
    })
}

/// Whether the number is no head count: a time, a code, nothing, a measure, a label, a date,
/// an age, an older figure, or a part or the whole of a group said beside it.
fn counts_something_else(n: &Spot) -> bool {
    is_clock_or_year(n)
        || is_compound_numeral(n)
        || is_code(n)
        || n.p.value == 0
        || is_no_one(n)
        || is_measure(n)
        || is_label(n)
        || is_date(n)
        || is_age(n)
        || is_earlier_figure(n)
        || is_named_subset(n)
        || is_whole_of_part(n)
        || is_part_of_group(n)
}

/// "At 4:30", "in 2015": a clock time, or a year standing alone.
fn is_clock_or_year(n: &Spot) -> bool {
    let t = n.num();
    t.kind == Tk::Num && (t.s.contains(':') || (n.sc.is_year(n.i) && n.j == n.i + 1))
}

/// What follows the first dash of a numeral token ("plus" in "100-plus").
fn numeral_suffix<'n>(n: &Spot<'_, 'n>) -> Option<&'n str> {
    let t = n.num();
    (t.kind == Tk::Num)
        .then(|| t.s.split_once('-'))
        .flatten()
        .map(|(_, suffix)| suffix)
}

/// "15-year-old", "100-strong": a numeral joined to a word; only "-plus" keeps it a count.
fn is_compound_numeral(n: &Spot) -> bool {
    numeral_suffix(n).is_some_and(|s| !s.eq_ignore_ascii_case("plus"))
}

/// "100-plus": more than the numeral says.
fn has_plus_suffix(n: &Spot) -> bool {
    numeral_suffix(n).is_some_and(|s| s.eq_ignore_ascii_case("plus"))
}

/// "5G": digits run into letters name a thing, unless they make an ordinal ("9th").
fn is_code(n: &Spot) -> bool {
    let t = n.num();
    t.kind == Tk::Num
        && !t.s.contains('-')
        && t.s.bytes().any(|b| b.is_ascii_alphabetic())
        && !n.p.ordinal
}

/// "no one was hurt": nobody.
fn is_no_one(n: &Spot) -> bool {
    is(n.prev(), "no") && is(n.tok(n.i), "one")
}

/// "20 percent", "7 km", "3 hours": a measure, a time or an age.
fn is_measure(n: &Spot) -> bool {
    is_any(n.next(), UNITS)
}

/// "$50", "flight 17", "aged 34": a label, an amount or an age.
fn is_label(n: &Spot) -> bool {
    is_any(n.prev(), LABELS)
}

/// "14 March", "March 14": a date.
fn is_date(n: &Spot) -> bool {
    is_any(n.prev(), MONTHS) || is_any(n.next(), MONTHS)
}

/// "a 15 -year-old": an age whose dash stands apart.
fn is_age(n: &Spot) -> bool {
    is(n.next(), "-") && is_any(n.after(1), YEAR_WORDS)
}

/// "up from 133", "rose to 48 from 42": the older figure.
fn is_earlier_figure(n: &Spot) -> bool {
    is(n.prev(), "from")
}

/// "including four", "among them three", "his two sons": a subset of the toll, or a group
/// named by its relation to someone.
fn is_named_subset(n: &Spot) -> bool {
    let mut back = n.i;
    while back > 0 && is_any(n.tok(back - 1), SUBSET_FILLERS) {
        back -= 1;
    }
    let before = if back > 0 { n.tok(back - 1) } else { None };
    is_any(before, SUBSET_CUES)
}

/// "11 of the 24 people on board": the number is a part of the total said after it.
fn is_part_of_total(n: &Spot) -> bool {
    is(n.next(), "of")
        && is(n.after(1), "the")
        && parse_number(n.sc.words.get(n.j + 2..).unwrap_or(&[])).is_some()
}

/// The 24 of "11 of the 24 people on board": who was there, not the count.
fn is_whole_of_part(n: &Spot) -> bool {
    let i = n.i;
    i >= 3
        && is(n.prev(), "the")
        && is(n.tok(i - 2), "of")
        && parse_number(&n.sc.words[i - 3..]).is_some()
}

/// "four of them", "one of the injured": a part of a group said elsewhere.
fn is_part_of_group(n: &Spot) -> bool {
    !is_part_of_total(n) && is(n.next(), "of") && is_any(n.after(1), OF_GROUP)
}

/// "another three", "a further two": an increment, not a total.
fn is_increment(n: &Spot) -> bool {
    is_any(n.before_hedge(1), INCREMENT_WORDS)
}

/// "50 or more".
fn is_or_more(n: &Spot) -> bool {
    is(n.next(), "or") && is(n.after(1), "more")
}

/// How hedged the number is: the words before it, then a vague numeral ("dozens"), a
/// "-plus" suffix or a trailing "or more".
fn qualifier(n: &Spot) -> Qualifier {
    let mut q = n.hedge;
    if n.p.vague && q == Qualifier::Exact {
        q = Qualifier::AtLeast;
    }
    if has_plus_suffix(n) {
        q = Qualifier::MoreThan;
    }
    if is_or_more(n) {
        q = Qualifier::AtLeast;
    }
    q
}

/// Where the right-hand scan starts: after the number, its "or more" or its "of the 24".
fn right_start(n: &Spot) -> usize {
    if is_part_of_total(n) {
        let total = parse_number(n.sc.words.get(n.j + 2..).unwrap_or(&[])).map_or(0, |m| m.len);
        n.j + 2 + total
    } else if is_or_more(n) {
        n.j + 2
    } else {
        n.j
    }
}

/// The kind the phrases around the number name, tried in order of how plainly they say it.
fn kind_of(n: &Spot) -> Option<Tie> {
    if n.p.ordinal {
        return ordinal_total(n);
    }
    if let Some(t) = lives_of(n) {
        return Some(t);
    }
    // A number of lives is a toll only if they were taken or lost ("saved 23 lives").
    if is(n.next(), "lives") {
        return lives_lost(n);
    }
    kind_after(n)
        .or_else(|| figure_before_count(n))
        .or_else(|| verb_before(n))
        .or_else(|| toll_before(n))
        .or_else(|| suspects_in_custody(n))
}

/// The person noun an ordinal counts: right after it ("a ninth suspect") or past one
/// modifier ("a third building contractor").
fn ordinal_head(n: &Spot) -> Option<usize> {
    if is_any(n.next(), PERSON_NOUNS) {
        Some(n.j)
    } else if n.next().is_some_and(|t| t.kind == Tk::Word) && is_any(n.after(1), PERSON_NOUNS) {
        Some(n.j + 1)
    } else {
        None
    }
}

/// "a ninth suspect was detained", "police arrested a third contractor": that many in all,
/// said as news. Only people are counted so ("a second blast killed 4").
fn ordinal_total(n: &Spot) -> Option<Tie> {
    let head = ordinal_head(n).filter(|_| is_any(n.before_hedge(1), ARTICLES) && n.p.value >= 2)?;
    if let Some((kind, a, b)) = right_scan(n.sc, head + 1) {
        return Some(tie(kind, a, b, true));
    }
    let kind = left_verb(n.before_hedge(2))?;
    Some(tie(kind, n.qstart - 2, n.qstart - 1, true))
}

/// "claimed the lives of seven people": the phrase before the number says they died.
fn lives_of(n: &Spot) -> Option<Tie> {
    let q = n.qstart;
    let found = is(n.before_hedge(1), "of")
        && q >= 4
        && is(n.tok(q - 2), "lives")
        && is(n.tok(q - 3), "the")
        && is_any(n.tok(q - 4), CLAIMED);
    if found {
        Some(tie(FigureKind::Killed, q - 4, q - 1, false))
    } else {
        None
    }
}

/// "claimed 12 lives", "12 lives were lost": lives taken.
fn lives_lost(n: &Spot) -> Option<Tie> {
    let claimed = is_any(n.before_hedge(1), CLAIMED);
    let lost = (n.j + 1..(n.j + 4).min(n.sc.toks.len())).any(|k| is(n.tok(k), "lost"));
    if claimed || lost {
        Some(tie(FigureKind::Killed, n.j, n.j + 1, false))
    } else {
        None
    }
}

/// "42 people in the hall were killed": the kind word to the right ("now 58 dead" is news).
fn kind_after(n: &Spot) -> Option<Tie> {
    let (kind, a, b) = right_scan(n.sc, right_start(n))?;
    Some(tie(kind, a, b, is(n.prev(), "now")))
}

/// "bringing to seven the number of people jailed", "raising to 12 the death toll": the
/// figure comes before the noun that says what it counts.
fn figure_before_count(n: &Spot) -> Option<Tie> {
    if !(is(n.before_hedge(1), "to") && is(n.next(), "the")) {
        return None;
    }
    let j = n.j;
    if is(n.tok(j + 1), "death") && is(n.tok(j + 2), "toll") {
        return Some(tie(FigureKind::Killed, j + 1, j + 3, true));
    }
    if !(is_any(n.tok(j + 1), COUNT_NOUNS) && is(n.tok(j + 2), "of")) {
        return None;
    }
    let toks = &n.sc.toks;
    (j + 3..(j + 6).min(toks.len())).find_map(|k| {
        right_trigger(toks, k)
            .map(|(kind, len)| tie(kind, k, k + len, true))
            .or_else(|| toll_kind_word(toks.get(k)).map(|kind| tie(kind, k, k + 1, true)))
    })
}

/// "killing 12", "police arrested seven": the verb before the number and its hedge; "now
/// killed 58" is news.
fn verb_before(n: &Spot) -> Option<Tie> {
    let verb = n.before_hedge(1);
    let kind = left_verb(verb)?;
    // "held" reads as custody only before a count of people, not "held 12 talks".
    if is(verb, "held") && !is_any(n.next(), HELD_PEOPLE) {
        return None;
    }
    let update = is(n.before_hedge(2), "now");
    Some(tie(kind, n.qstart - 1, n.qstart, update))
}

/// "the death toll rose to 144", "the number of injured climbed to 415": a toll noun to the left.
fn toll_before(n: &Spot) -> Option<Tie> {
    let (kind, a, b, update) = toll_scan(n.sc, n.qstart)?;
    Some(tie(kind, a, b, update))
}

/// "four suspects appeared in court": a suspect count where custody is the topic.
fn suspects_in_custody(n: &Spot) -> Option<Tie> {
    if is_any(n.next(), SUSPECT_WORDS) && n.sc.toks.iter().any(|t| is_any(Some(t), CUSTODY_WORDS)) {
        Some(tie(FigureKind::Arrested, n.j, n.j + 1, false))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::number_at;
    use super::*;
    use FigureKind::*;

    /// Runs `rule` on the number that starts at word `w` of sentence `s`.
    fn at<R>(s: &str, w: &str, rule: impl FnOnce(&Spot) -> R) -> R {
        let sc = Scanner::of(s);
        let i = sc.at(w);
        let p = number_at(&sc, i).unwrap_or_else(|| panic!("{w:?} is no number"));
        rule(&Spot::new(&sc, i, i + p.len, p))
    }

    /// Runs `rule` on a one-token number at word `w` that the number parser would not read.
    fn unparsed<R>(s: &str, w: &str, rule: impl FnOnce(&Spot) -> R) -> R {
        let sc = Scanner::of(s);
        let i = sc.at(w);
        let p = ParsedNumber {
            value: 5,
            qualifier: Qualifier::Exact,
            len: 1,
            ordinal: false,
            vague: false,
        };
        rule(&Spot::new(&sc, i, i + 1, p))
    }

    /// The kind, term and update flag a tie rule reads for the number at `w`.
    fn tie_at(
        s: &str,
        w: &str,
        rule: impl FnOnce(&Spot) -> Option<Tie>,
    ) -> Option<(FigureKind, String, bool)> {
        let sc = Scanner::of(s);
        at(s, w, rule).map(|t| (t.kind, sc.words[t.from..t.to].join(" "), t.update))
    }

    fn said(kind: FigureKind, term: &str, update: bool) -> Option<(FigureKind, String, bool)> {
        Some((kind, term.to_string(), update))
    }

    #[test]
    fn the_spot_reads_around_the_number_and_its_hedge() {
        at("Police arrested at least 12 people.", "12", |n| {
            assert_eq!((n.hedge, n.qstart), (Qualifier::AtLeast, n.i - 2));
            assert!(is(n.prev(), "least") && is(n.next(), "people"));
            assert!(is(n.before_hedge(1), "arrested") && is(n.after(1), "."));
        });
        at("12 died.", "12", |n| {
            assert!(n.prev().is_none() && n.before_hedge(1).is_none());
        });
    }

    #[test]
    fn read_number_adds_the_joined_person_and_marks_group_members() {
        let sc = Scanner::of("The blast killed a woman and two children.");
        let i = sc.at("two");
        let h = number_at(&sc, i).and_then(|p| read_number(&sc, i, i + p.len, p));
        assert_eq!(
            h.map(|h| (h.kind, h.value, h.term_from)),
            Some((Killed, 3, 2))
        );
        let sc = Scanner::of("Six members of one family died.");
        let i = sc.at("Six");
        let h = number_at(&sc, i).and_then(|p| read_number(&sc, i, i + p.len, p));
        assert_eq!(h.map(|h| (h.value, h.weak)), Some((6, true)));
    }

    #[test]
    fn one_of_a_group_picks_the_group() {
        let sc = Scanner::of("six members of one family");
        assert!(picks_a_group(&sc, sc.at("one")));
        assert!(!picks_a_group(&sc, sc.at("six")));
    }

    #[test]
    fn one_person_joined_to_a_count() {
        assert!(at("the captain and two crew", "two", joins_one_person));
        assert!(!at("a bus and two cars", "two", joins_one_person));
        assert!(!at(
            "the captain and at least two crew",
            "two",
            joins_one_person
        ));
    }

    #[test]
    fn the_verb_before_a_joined_person() {
        let h = at(
            "The blast killed a woman and two children.",
            "two",
            verb_over_joined,
        );
        assert_eq!(h.map(|h| (h.kind, h.term_from)), Some((Killed, 2)));
        assert!(at("a woman and two children.", "two", verb_over_joined).is_none());
    }

    #[test]
    fn members_of_a_group() {
        assert!(at("six members of one family", "six", counts_group_members));
        assert!(!at("six people of the town", "six", counts_group_members));
    }

    #[test]
    fn tie_number_reads_the_kind_the_hedge_and_more() {
        let h = at("Three more people died.", "Three", tie_number);
        assert_eq!(
            h.map(|h| (h.kind, h.qualifier, h.more)),
            Some((Killed, Qualifier::Exact, true))
        );
        assert!(at("In 2015 people died.", "2015", tie_number).is_none());
        assert!(at("Another 3 people died.", "3", tie_number).is_none());
    }

    #[test]
    fn clock_times_and_lone_years() {
        // The number parser reads no clock time, so `tie_number` never sees one today.
        assert!(unparsed("At 4:30 the roof fell.", "4:30", is_clock_or_year));
        assert!(at("In 2015 many died.", "2015", is_clock_or_year));
        assert!(!at("12 people died.", "12", is_clock_or_year));
    }

    #[test]
    fn numerals_joined_to_words() {
        // The number parser reads neither, so `tie_number` never sees them today.
        assert!(unparsed(
            "A 15-year-old died.",
            "15-year-old",
            is_compound_numeral
        ));
        assert!(unparsed(
            "A 100-strong crowd.",
            "100-strong",
            is_compound_numeral
        ));
        assert!(!at("100-plus injured.", "100-plus", is_compound_numeral));
        assert!(!at("Twenty-one died.", "Twenty-one", is_compound_numeral));
    }

    #[test]
    fn a_plus_suffix() {
        assert!(at("100-plus injured.", "100-plus", has_plus_suffix));
        assert!(!at("100 injured.", "100", has_plus_suffix));
    }

    #[test]
    fn digits_run_into_letters() {
        assert!(unparsed("5G masts", "5G", is_code));
        assert!(!at("A 9th suspect.", "9th", is_code));
        assert!(!at("Nine died.", "Nine", is_code));
    }

    #[test]
    fn no_one() {
        assert!(at("No one was hurt.", "one", is_no_one));
        assert!(!at("Only one was hurt.", "one", is_no_one));
    }

    #[test]
    fn measures_labels_and_dates() {
        assert!(at("Claims rise 20 percent.", "20", is_measure));
        assert!(!at("20 people died.", "20", is_measure));
        assert!(at("The driver, aged 34, died.", "34", is_label));
        assert!(at("Flight 17 crashed.", "17", is_label));
        assert!(!at("All 17 died.", "17", is_label));
        assert!(at("On 14 March it failed.", "14", is_date));
        assert!(at("On March 14 it failed.", "14", is_date));
        assert!(!at("On 14 streets it failed.", "14", is_date));
    }

    #[test]
    fn an_age_with_a_detached_dash() {
        assert!(at("A 15 -year-old died.", "15", is_age));
        assert!(!at("15 - nine died.", "15", is_age));
    }

    #[test]
    fn an_earlier_figure() {
        assert!(at("It rose to 48 from 42.", "42", is_earlier_figure));
        assert!(!at("It rose to 48 from 42.", "48", is_earlier_figure));
    }

    #[test]
    fn a_named_subset() {
        assert!(at(
            "Nine died, including four children.",
            "four",
            is_named_subset
        ));
        assert!(at(
            "Nine died, including at least four.",
            "four",
            is_named_subset
        ));
        assert!(at("His two sons were hurt.", "two", is_named_subset));
        assert!(!at("Nine died.", "Nine", is_named_subset));
    }

    #[test]
    fn a_part_of_the_total_after_it() {
        assert!(at(
            "Eleven of the 24 people died.",
            "Eleven",
            is_part_of_total
        ));
        assert!(!at(
            "Eleven of the people died.",
            "Eleven",
            is_part_of_total
        ));
    }

    #[test]
    fn the_whole_a_part_is_taken_from() {
        assert!(at("Eleven of the 24 people died.", "24", is_whole_of_part));
        assert!(!at("Of the 24 people, none died.", "24", is_whole_of_part));
    }

    #[test]
    fn a_part_of_a_group() {
        assert!(at("Four of them died.", "Four", is_part_of_group));
        assert!(at("One of the injured died.", "One", is_part_of_group));
        assert!(!at(
            "Eleven of the 24 people died.",
            "Eleven",
            is_part_of_group
        ));
    }

    #[test]
    fn an_increment() {
        assert!(at(
            "Police arrested another three men.",
            "three",
            is_increment
        ));
        assert!(at("A further 2 died.", "2", is_increment));
        assert!(!at("Police arrested three men.", "three", is_increment));
    }

    #[test]
    fn or_more() {
        assert!(at("Fifty or more died.", "Fifty", is_or_more));
        assert!(!at("Fifty or so died.", "Fifty", is_or_more));
    }

    #[test]
    fn the_hedge_of_a_number() {
        use Qualifier::*;
        assert_eq!(at("At least 12 died.", "12", qualifier), AtLeast);
        assert_eq!(at("Dozens died.", "Dozens", qualifier), AtLeast);
        assert_eq!(at("About dozens died.", "dozens", qualifier), About);
        assert_eq!(
            at("Some 100-plus injured.", "100-plus", qualifier),
            MoreThan
        );
        assert_eq!(at("About 50 or more died.", "50", qualifier), AtLeast);
        assert_eq!(at("Twelve died.", "Twelve", qualifier), Exact);
    }

    #[test]
    fn where_the_right_scan_starts() {
        assert_eq!(
            at("Eleven of the 24 people died.", "Eleven", right_start),
            4
        );
        assert_eq!(
            at("Eleven of the twenty-four died.", "Eleven", right_start),
            4
        );
        assert_eq!(at("Fifty or more died.", "Fifty", right_start), 3);
        assert_eq!(at("Fifty died.", "Fifty", right_start), 1);
    }

    #[test]
    fn kind_of_tries_the_phrases_in_order() {
        let s = "The fire claimed the lives of seven people.";
        assert_eq!(
            tie_at(s, "seven", kind_of),
            said(Killed, "claimed the lives", false)
        );
        assert!(tie_at("Paramedics saved 23 lives.", "23", kind_of).is_none());
        assert!(tie_at("A second blast killed 4.", "second", kind_of).is_none());
        assert_eq!(
            tie_at("It killed 9.", "9", kind_of),
            said(Killed, "killed", false)
        );
    }

    #[test]
    fn the_person_an_ordinal_counts() {
        assert_eq!(at("a ninth suspect", "ninth", ordinal_head), Some(2));
        assert_eq!(
            at("a third building contractor", "third", ordinal_head),
            Some(3)
        );
        assert_eq!(at("a second blast", "second", ordinal_head), None);
    }

    #[test]
    fn an_ordinal_person_is_the_total() {
        let s = "A ninth suspect was detained.";
        assert_eq!(
            tie_at(s, "ninth", ordinal_total),
            said(Arrested, "detained", true)
        );
        let s = "Police arrested a third contractor.";
        assert_eq!(
            tie_at(s, "third", ordinal_total),
            said(Arrested, "arrested", true)
        );
        assert!(tie_at("The first suspect was detained.", "first", ordinal_total).is_none());
        assert!(tie_at("Ninth suspect detained.", "Ninth", ordinal_total).is_none());
    }

    #[test]
    fn the_lives_of() {
        let s = "The crash took the lives of at least 12 passengers.";
        assert_eq!(
            tie_at(s, "12", lives_of),
            said(Killed, "took the lives", false)
        );
        assert!(tie_at("The lives of 12 passengers.", "12", lives_of).is_none());
    }

    #[test]
    fn lives_claimed_or_lost() {
        let s = "The storm claimed 23 lives.";
        assert_eq!(tie_at(s, "23", lives_lost), said(Killed, "lives", false));
        let s = "23 lives were lost.";
        assert_eq!(tie_at(s, "23", lives_lost), said(Killed, "lives", false));
        assert!(tie_at("Medics saved 23 lives.", "23", lives_lost).is_none());
    }

    #[test]
    fn the_kind_word_after() {
        let s = "Officials said 52 people were killed.";
        assert_eq!(tie_at(s, "52", kind_after), said(Killed, "killed", false));
        let s = "There are now 58 dead.";
        assert_eq!(tie_at(s, "58", kind_after), said(Killed, "dead", true));
        let s = "Eleven of the 24 people on board were killed.";
        assert_eq!(
            tie_at(s, "Eleven", kind_after),
            said(Killed, "killed", false)
        );
        assert!(tie_at("About 5,000 fans gathered.", "5,000", kind_after).is_none());
    }

    #[test]
    fn the_figure_before_the_count_it_names() {
        let s = "Bringing to five the number of people held.";
        assert_eq!(
            tie_at(s, "five", figure_before_count),
            said(Arrested, "held", true)
        );
        let s = "Raising to 31 the death toll.";
        assert_eq!(
            tie_at(s, "31", figure_before_count),
            said(Killed, "death toll", true)
        );
        let s = "Raising to 31 the number of injuries.";
        assert_eq!(
            tie_at(s, "31", figure_before_count),
            said(Injured, "injuries", true)
        );
        assert!(tie_at("Raising to 31 the total.", "31", figure_before_count).is_none());
        assert!(tie_at("Up to 31 the toll.", "31", figure_before_count).is_none());
    }

    #[test]
    fn the_verb_before() {
        let s = "A bomb exploded, killing 12.";
        assert_eq!(tie_at(s, "12", verb_before), said(Killed, "killing", false));
        let s = "The storm has now killed 58 people.";
        assert_eq!(tie_at(s, "58", verb_before), said(Killed, "killed", true));
        let s = "Police held 12 people.";
        assert_eq!(tie_at(s, "12", verb_before), said(Arrested, "held", false));
        assert!(tie_at("Leaders held 12 talks.", "12", verb_before).is_none());
    }

    #[test]
    fn the_toll_before() {
        let s = "The death toll rose to 204.";
        assert_eq!(
            tie_at(s, "204", toll_before),
            said(Killed, "death toll", true)
        );
        assert!(tie_at("The count rose to 204.", "204", toll_before).is_none());
    }

    #[test]
    fn suspects_where_custody_is_the_topic() {
        let s = "The three suspects appeared in court.";
        assert_eq!(
            tie_at(s, "three", suspects_in_custody),
            said(Arrested, "suspects", false)
        );
        assert!(
            tie_at(
                "Police are hunting two suspects.",
                "two",
                suspects_in_custody
            )
            .is_none()
        );
    }
}
