//! Casualty figures in article text: which numbers count the story's killed, injured, missing
//! and arrested, how hedged they are, and which one an article states for the story now.
//!
//! The reading is lexical and bounded: text is split into sentences, each sentence into words,
//! and every number is tied to a kind by the words around it ("42 people were killed",
//! "killing 12", "the death toll rose to 144"). Numbers that count something else are dropped
//! by general cues, never by names: ages, dates, units, money, subsets ("including four",
//! "remain in hospital"), superseded figures ("up from 133", "initially"), increments ("three
//! more suspects"), and clauses about other events (another year, "since", "separate",
//! comparisons, a named event the story's lead does not name).

mod lexicon;
mod sentence;

use std::collections::{HashMap, HashSet};

use crate::extract::numbers::parse_number;
use crate::model::{FigureKind, Observation, Qualifier};
use lexicon::{
    ARREST_ADVERBS, ARREST_NOUNS, ARRESTED_WORDS, ARRESTING_VERBS, ARTICLES, ASIDE_OPENERS,
    AUXILIARIES, CLAIMED, COMPARISON_WORDS, COUNT_NOUNS, COUNTED_MODIFIERS, CULPRIT_NOUNS,
    CUSTODY_NOUNS, CUSTODY_WORDS, DETERMINERS, DIRECTION_VERBS, EVENT_NOUNS, FIRST_REPORT_VERBS,
    GROUP_OF, HEDGE_ABOUT, HEDGE_FEWER, HEDGE_JUST, HEDGE_MANY, HEDGE_MORE, HEDGE_NEARLY,
    HEDGE_NEGATIONS, HEDGE_OVER, HELD_NOT_ARREST, HELD_PEOPLE, IN_CARE_WORDS, INCREMENT_WORDS,
    INJURED_WORDS, INJURING_VERBS, INJURY_NOUNS, INTO_CUSTODY, KILLED_WORDS, KILLING_VERBS, LABELS,
    LOST_LIVES, MIGRATION_WORDS, MISSING_WORDS, MONTHS, NAME_ARTICLES, OF_GROUP, OTHER_EVENT_WORDS,
    PAST_PERIOD_LEADS, PAST_PERIODS, PAST_TIME_WORDS, PERSON_NOUNS, PLACE_PREPOSITIONS,
    PREPOSITIONS, RELATIVE_HEADS, RELATIVE_PRONOUNS, REMAIN_WORDS, RIGHT_STOPS, RISE_WORDS,
    ROUNDED_UP, STALE_WORDS, SUBSET_CUES, SUBSET_FILLERS, SUPERLATIVES, SUSPECT_WORDS,
    THAN_QUANTITIES, TOLL_ARRESTED, TOLL_INJURED, TOLL_KILLED, TOLL_STOPS, UNITS,
    VALUE_PREPOSITIONS, WEEKDAYS, YEAR_WORDS,
};
use sentence::{MAX_SENTENCE_BYTES, Scanner, Tk, Tok, clip, for_each_sentence, is, is_any};

/// How many words the right-hand scan ("42 people in the hall were killed") may cross.
const RIGHT_WINDOW: usize = 7;
/// How many words may sit between a toll noun and its number ("death toll in the attack rose to").
const TOLL_WINDOW: usize = 12;
/// How many sentences at the top of the text name the story, for the other-event cue.
const LEAD_SENTENCES: usize = 3;

/// An observation with where and how it was said, for choosing the article's figure.
#[derive(Debug, Clone)]
struct Found {
    obs: Observation,
    /// Sentence number in the text: earlier means closer to the lead or the newest live entry.
    sentence: usize,
    /// Said as a change ("rose to", "now", "a ninth suspect"): may beat an earlier, lower figure.
    update: bool,
    /// Said in the past tense of a figure ("stood at"): kept, but chosen last.
    soft_stale: bool,
    /// Read from a singular subject, not a number ("the suspect was arrested"): chosen only
    /// when no number of that kind is stated.
    weak: bool,
}

/// Every casualty statement in `text`, in order.
pub fn observations(text: &str) -> Vec<Observation> {
    scan(text, &StoryNames::from_text("", text))
        .into_iter()
        .map(|f| f.obs)
        .collect()
}

/// At most one observation per kind: the figure `text` states for the story now.
///
/// The lead (or a summary on top, or a live blog's newest entry) wins over later mentions; a
/// later statement that the figure rose beats a lower earlier one; a precise figure in the body
/// beats a rounded one ("over 800" then "821"); the title is used only for kinds the body
/// does not state.
pub fn article_figures(title: &str, text: &str) -> Vec<Observation> {
    let names = StoryNames::from_text(title, text);
    let body = scan(text, &names);
    let head = scan(title, &names);
    let mut out = Vec::new();
    for kind in FigureKind::ALL {
        let cands: Vec<&Found> = body.iter().filter(|f| f.obs.kind == kind).collect();
        if let Some(f) = choose(&cands) {
            out.push(f.obs.clone());
        } else if let Some(f) = head.iter().find(|f| f.obs.kind == kind) {
            out.push(f.obs.clone());
        }
    }
    out
}

/// Picks the current figure among one kind's statements, given in text order.
fn choose<'a>(cands: &[&'a Found]) -> Option<&'a Found> {
    let strong: Vec<&Found> = cands.iter().copied().filter(|f| !f.weak).collect();
    let cands = if strong.is_empty() { cands } else { &strong };
    let first = cands
        .iter()
        .find(|f| !f.soft_stale)
        .or_else(|| cands.first())?;
    let mut chosen = *first;
    // A later "rose to" with a higher figure is newer than a lead written before the rise;
    // a live blog's older entries hold lower figures, so they do not pass this test.
    if let Some(up) = cands.iter().find(|f| {
        f.sentence > chosen.sentence && f.update && !f.soft_stale && f.obs.value > chosen.obs.value
    }) {
        chosen = up;
    }
    if chosen.obs.qualifier != Qualifier::Exact {
        let (q, v) = (chosen.obs.qualifier, chosen.obs.value);
        if let Some(precise) = cands.iter().find(|f| {
            f.sentence > chosen.sentence
                && f.obs.qualifier == Qualifier::Exact
                && !f.soft_stale
                && f.obs.value != v
                && rounds_to(q, v, f.obs.value)
        }) {
            chosen = precise;
        }
    }
    Some(chosen)
}

/// Whether a hedged figure (`q` `v`, "over 800") plausibly rounds the exact figure `x`.
fn rounds_to(q: Qualifier, v: u64, x: u64) -> bool {
    let (v, x) = (v as f64, x as f64);
    match q {
        Qualifier::MoreThan | Qualifier::AtLeast => x > v && x <= v * 1.25,
        Qualifier::About => x >= v * 0.8 && x <= v * 1.2,
        Qualifier::Nearly => x < v && x >= v * 0.8,
        Qualifier::UpTo => x < v && x >= v * 0.8,
        Qualifier::Exact => false,
    }
}

/// Names the story goes by: capitalised words of the title and the lead, and those the text
/// repeats. A named event outside this set is another event; one named once deep in the text
/// ("the 2015 assault on …") usually is.
struct StoryNames {
    /// Lowercased names.
    words: HashSet<String>,
    /// The newest year the text names: a full date in it is most likely the story's own.
    max_year: Option<u16>,
}

impl StoryNames {
    fn from_text(title: &str, text: &str) -> Self {
        let mut words = HashSet::new();
        let mut seen: HashMap<String, u8> = HashMap::new();
        let caps = |s: &str| -> Vec<String> {
            s.split(|c: char| !(c.is_alphanumeric() || c == '-'))
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .map(str::to_lowercase)
                .collect()
        };
        words.extend(caps(title));
        let mut prose = 0;
        for_each_sentence(clip(text), |_, s| {
            if s.len() > MAX_SENTENCE_BYTES {
                return true;
            }
            let found = caps(s);
            // Page furniture ("LV | EE | EN") is not the lead: count prose sentences only.
            if prose < LEAD_SENTENCES && s.split_whitespace().count() >= 6 {
                prose += 1;
                words.extend(found.iter().cloned());
            }
            for w in found {
                let n = seen.entry(w).or_insert(0);
                *n = n.saturating_add(1);
            }
            seen.len() < 50_000
        });
        words.extend(seen.into_iter().filter(|(_, n)| *n >= 2).map(|(w, _)| w));
        let max_year = clip(text)
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")))
            .filter_map(|w| w.parse::<u16>().ok())
            .max();
        Self { words, max_year }
    }

    fn contains(&self, w: &str) -> bool {
        self.words.contains(&w.to_lowercase())
    }
}

/// A kind word ("killed") at `k`, possibly two or three words long, as a right-hand trigger.
fn right_trigger(toks: &[Tok], k: usize) -> Option<(FigureKind, usize)> {
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
fn left_verb(t: Option<&Tok>) -> Option<FigureKind> {
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
fn toll_kind_word(t: Option<&Tok>) -> Option<FigureKind> {
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
fn qualifier_before(toks: &[Tok], i: usize) -> (Qualifier, usize) {
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

impl Scanner<'_> {
    /// Whether the clause of token `i` speaks of another event than the story.
    fn other_event(&self, i: usize, names: &StoryNames) -> bool {
        let c = self.clause[i];
        // An opening clause about another time ("In 2015, ...") governs the whole sentence.
        if c > 0 && self.clause_cue(0, usize::MAX, names) && !self.has_trigger(0) {
            return true;
        }
        let mut c = c;
        let mut upto = i;
        loop {
            if self.clause_cue(c, upto, names) {
                return true;
            }
            // A relative clause ("…, which left 15 dead") belongs to the clause before it.
            let rel = self
                .clause_head(c)
                .is_some_and(|t| is_any(Some(t), RELATIVE_HEADS));
            // Short appositives ("…in Kerman, Iran, that killed…") do not break the chain.
            let (ca, cb) = self.clause_range(c);
            let short = self.toks[ca..cb]
                .iter()
                .filter(|t| t.kind != Tk::Punct)
                .count()
                <= 3;
            if !(rel || short && upto == usize::MAX) || c == 0 {
                return false;
            }
            c -= 1;
            upto = usize::MAX;
        }
    }

    fn has_trigger(&self, c: u16) -> bool {
        let (a, b) = self.clause_range(c);
        (a..b).any(|k| {
            right_trigger(&self.toks, k).is_some() || left_verb(self.toks.get(k)).is_some()
        })
    }

    /// Other-event cues in clause `c`; forward-only cues count when they precede token `upto`.
    fn clause_cue(&self, c: u16, upto: usize, names: &StoryNames) -> bool {
        let (a, b) = self.clause_range(c);
        let toks = &self.toks;
        let max_year = names.max_year;
        for k in a..b {
            let t = toks.get(k);
            let prev = if k > 0 { toks.get(k - 1) } else { None };
            // "since 2004" and "deadliest since" only reach forward: the story's own figure
            // may come first ("42 killed, the deadliest since 2004").
            if is(t, "since") {
                let sup =
                    (a.max(k.saturating_sub(10))..k).any(|j| is_any(toks.get(j), SUPERLATIVES));
                let year = (k + 1..(k + 4).min(b)).any(|j| self.is_year(j));
                if (sup || year) && k < upto {
                    return true;
                }
                continue;
            }
            if self.is_year(k) {
                let after_since = (k.saturating_sub(3)..k).any(|j| is(toks.get(j), "since"));
                if after_since {
                    continue;
                }
                // A full date in the newest year the text names is most likely the story's.
                let dated = is_any(prev, MONTHS) || (k >= 2 && is_any(toks.get(k - 2), MONTHS));
                if dated && Some(self.year_value(k)) == max_year {
                    continue;
                }
                return true;
            }
            if is_any(t, OTHER_EVENT_WORDS) {
                return true;
            }
            if is_any(t, PAST_PERIOD_LEADS) && is_any(toks.get(k + 1), PAST_PERIODS) {
                return true;
            }
            if is_any(t, PAST_TIME_WORDS) {
                return true;
            }
            if is(t, "another") && is_any(toks.get(k + 1), EVENT_NOUNS) {
                return true;
            }
            if k < upto
                && (is_any(t, COMPARISON_WORDS)
                    || (is(t, "than") && !is_any(prev, THAN_QUANTITIES)))
            {
                return true;
            }
            if is_any(t, EVENT_NOUNS)
                && (self.foreign_name_before(k, a, names) || self.foreign_name_after(k, b, names))
            {
                return true;
            }
        }
        false
    }

    /// Whether capitalised words right before the event noun at `k` name something the lead
    /// does not ("the Oklahoma City bombing" in a story about somewhere else).
    fn foreign_name_before(&self, k: usize, clause_start: usize, names: &StoryNames) -> bool {
        if names.words.is_empty() {
            return false;
        }
        let mut j = k;
        let mut saw = false;
        while j > clause_start && k - j < 4 {
            j -= 1;
            let t = &self.toks[j];
            let cap = t.kind == Tk::Word && t.s.chars().next().is_some_and(char::is_uppercase);
            if !cap || j == 0 {
                break;
            }
            let bare =
                t.s.strip_suffix("’s")
                    .or_else(|| t.s.strip_suffix("'s"))
                    .unwrap_or(t.s);
            let word = Some(&Tok {
                s: bare,
                kind: Tk::Word,
            });
            if is_any(word, MONTHS) || is_any(word, WEEKDAYS) || is_any(word, NAME_ARTICLES) {
                break;
            }
            if names.contains(bare) {
                return false;
            }
            saw = true;
        }
        saw
    }

    /// Whether the event noun at `k` is placed by a name the lead does not use
    /// ("bombings in Kerman" in a story about somewhere else).
    fn foreign_name_after(&self, k: usize, clause_end: usize, names: &StoryNames) -> bool {
        if names.words.is_empty() || !is_any(self.toks.get(k + 1), PLACE_PREPOSITIONS) {
            return false;
        }
        let mut j = k + 2;
        if is(self.toks.get(j), "the") {
            j += 1;
        }
        let mut saw = false;
        while j < clause_end && j < k + 6 {
            let t = &self.toks[j];
            if t.kind != Tk::Word || !t.s.chars().next().is_some_and(char::is_uppercase) {
                break;
            }
            let bare =
                t.s.strip_suffix("’s")
                    .or_else(|| t.s.strip_suffix("'s"))
                    .unwrap_or(t.s);
            let word = Some(&Tok {
                s: bare,
                kind: Tk::Word,
            });
            if is_any(word, MONTHS) || is_any(word, WEEKDAYS) {
                break;
            }
            if names.contains(bare) {
                return false;
            }
            saw = true;
            j += 1;
        }
        saw
    }

    /// Whether the clause of token `i` marks the figure as superseded.
    fn stale(&self, i: usize) -> (bool, bool) {
        let (a, b) = self.clause_range(self.clause[i]);
        let mut hard = false;
        let mut soft = false;
        for k in a..b {
            let t = self.toks.get(k);
            if is_any(t, STALE_WORDS) {
                hard = true;
            }
            if is(t, "first") && is_any(self.toks.get(k + 1), FIRST_REPORT_VERBS) {
                hard = true;
            }
            if is(t, "stood") {
                if (a..k).any(|j| is(self.toks.get(j), "had")) {
                    hard = true;
                } else {
                    soft = true;
                }
            }
        }
        (hard, soft)
    }
}

/// A reading of one number before the sentence-level checks.
struct Hit {
    kind: FigureKind,
    value: u64,
    qualifier: Qualifier,
    term_from: usize,
    term_to: usize,
    update: bool,
    /// "three more suspects": an increment, unless another kind came first in the sentence.
    more: bool,
    at: usize,
    /// See [`Found::weak`].
    weak: bool,
}

fn scan(text: &str, names: &StoryNames) -> Vec<Found> {
    let mut out = Vec::new();
    let mut sc = Scanner::new();
    let mut hits: Vec<Hit> = Vec::new();
    let mut n = 0usize;
    for_each_sentence(clip(text), |_, s| {
        n += 1;
        if s.len() > MAX_SENTENCE_BYTES || !s.bytes().any(|b| b.is_ascii_alphanumeric()) {
            return true;
        }
        sc.load(s);
        hits.clear();
        read_sentence(&sc, &mut hits);
        if hits.is_empty() {
            return true;
        }
        let mut kinds_before: [bool; 4] = [false; 4];
        for h in &hits {
            let ki = FigureKind::ALL
                .iter()
                .position(|k| *k == h.kind)
                .unwrap_or(0);
            let other_kind_first = kinds_before
                .iter()
                .enumerate()
                .any(|(j, &seen)| seen && j != ki);
            kinds_before[ki] = true;
            if h.more && (h.kind == FigureKind::Arrested || !other_kind_first) {
                continue;
            }
            if sc.other_event(h.at, names) {
                continue;
            }
            let (hard, soft) = sc.stale(h.at);
            if hard {
                continue;
            }
            if h.kind == FigureKind::Arrested
                && sc.toks.iter().any(|t| is_any(Some(t), MIGRATION_WORDS))
            {
                continue;
            }
            let to = h.term_to.min(sc.words.len());
            let term = sc.words[h.term_from.min(to)..to].join(" ").to_lowercase();
            out.push(Found {
                obs: Observation {
                    kind: h.kind,
                    value: h.value,
                    qualifier: h.qualifier,
                    sentence: s.to_string(),
                    term,
                },
                sentence: n,
                update: h.update,
                soft_stale: soft,
                weak: h.weak,
            });
        }
        true
    });
    out
}

/// Finds every number tied to a casualty kind in the loaded sentence.
fn read_sentence(sc: &Scanner, hits: &mut Vec<Hit>) {
    let toks = &sc.toks;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.kind == Tk::Punct {
            i += 1;
            continue;
        }
        // "100-plus" reads as its numeral; the hedge is read from the suffix later.
        let plus_prefix = (t.kind == Tk::Num)
            .then(|| t.s.split_once('-'))
            .flatten()
            .filter(|(_, suffix)| suffix.eq_ignore_ascii_case("plus"))
            .map(|(prefix, _)| prefix);
        let parsed = match plus_prefix {
            Some(prefix) => parse_number(&[prefix]),
            None => parse_number(&sc.words[i..]),
        };
        let Some(p) = parsed else {
            i += 1;
            continue;
        };
        let j = i + p.len;
        if let Some(h) = read_number(sc, i, j, p) {
            hits.push(h);
        }
        i = j.max(i + 1);
    }
    if !hits.iter().any(|h| h.kind == FigureKind::Arrested)
        && let Some(h) = singular_arrest(sc)
    {
        hits.push(h);
    }
}

/// "The suspect, a 34-year-old man, was arrested at the scene": one arrest, said without a
/// number. Only a sentence whose subject is a single culprit counts; "a second man" is an
/// ordinal (read elsewhere) and "another man" an increment.
fn singular_arrest(sc: &Scanner) -> Option<Hit> {
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

/// Ties the number spanning tokens `i..j` to a kind, or says it counts something else, then
/// reads what the phrase around the number adds to it.
fn read_number(
    sc: &Scanner,
    i: usize,
    j: usize,
    p: crate::extract::numbers::ParsedNumber,
) -> Option<Hit> {
    let toks = &sc.toks;
    // "members of one family": the "one" picks the family, it counts nobody.
    if i >= 2 && is(toks.get(i - 1), "of") && is_any(toks.get(i - 2), GROUP_OF) {
        return None;
    }
    let (qualifier, qstart) = qualifier_before(toks, i);
    // "the captain and two crew members were detained": one person plus the counted ones.
    // Only an exact count joined to a single person ("the", "a") adds up so.
    let joined = !p.ordinal
        && qualifier == Qualifier::Exact
        && qstart >= 3
        && is(toks.get(qstart - 1), "and")
        && (is_any(toks.get(qstart - 2), PERSON_NOUNS)
            || is_any(toks.get(qstart - 2), CULPRIT_NOUNS))
        && is_any(toks.get(qstart - 3), ARTICLES);
    let mut hit = match tie_number(sc, i, j, p) {
        Some(h) => h,
        // "the blast killed a woman and two children": the verb governs both.
        None if joined && qstart >= 4 => {
            let kind = left_verb(toks.get(qstart - 4))?;
            Hit {
                kind,
                value: p.value,
                qualifier,
                term_from: qstart - 4,
                term_to: qstart - 3,
                update: false,
                more: false,
                at: i,
                weak: false,
            }
        }
        None => return None,
    };
    if joined {
        hit.value = hit.value.saturating_add(1);
    }
    // "six members of one family who died": a group within the toll. Kept only when the
    // text states no other figure of the kind; arrests of "three members of a gang" are whole.
    if hit.kind != FigureKind::Arrested
        && is_any(toks.get(j), GROUP_OF)
        && is(toks.get(j + 1), "of")
    {
        hit.weak = true;
    }
    Some(hit)
}

/// Ties the number spanning tokens `i..j` to a kind, or says it counts something else.
fn tie_number(
    sc: &Scanner,
    i: usize,
    j: usize,
    p: crate::extract::numbers::ParsedNumber,
) -> Option<Hit> {
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

/// Scans right of a number for the kind word it counts; `None` also for hospital subsets.
fn right_scan(sc: &Scanner, j: usize) -> Option<(FigureKind, usize, usize)> {
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
fn toll_scan(sc: &Scanner, qstart: usize) -> Option<(FigureKind, usize, usize, bool)> {
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

#[cfg(test)]
mod tests;
