//! Whether a clause tells of another event than the story: another year, "separate", "last
//! month", a comparison, or an event named by words the story does not go by.
//!
//! The cues are general, never names of particular events: the story's own names are read
//! from its title and lead ([`StoryNames`]), and a named event outside them is another one.

use super::words::{left_verb, right_trigger};
use crate::extract::figures::lexicon::{
    COMPARISON_WORDS, EVENT_NOUNS, MONTHS, NAME_ARTICLES, OTHER_EVENT_WORDS, PAST_PERIOD_LEADS,
    PAST_PERIODS, PAST_TIME_WORDS, PLACE_PREPOSITIONS, RELATIVE_HEADS, SUPERLATIVES,
    THAN_QUANTITIES, WEEKDAYS,
};
use crate::extract::figures::sentence::{
    MAX_SENTENCE_BYTES, Scanner, Tk, Tok, clip, for_each_sentence, is, is_any,
};
use std::collections::{HashMap, HashSet};

/// How many sentences at the top of the text name the story, for the other-event cue.
const LEAD_SENTENCES: usize = 3;

/// Names the story goes by: capitalised words of the title and the lead, and those the text
/// repeats. A named event outside this set is another event; one named once deep in the text
/// ("the 2015 assault on …") usually is.
pub(in crate::extract::figures) struct StoryNames {
    /// Lowercased names.
    words: HashSet<String>,
    /// The newest year the text names: a full date in it is most likely the story's own.
    max_year: Option<u16>,
}

impl StoryNames {
    /// The names of the story that `title` and `text` tell.
    pub(in crate::extract::figures) fn from_text(title: &str, text: &str) -> Self {
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

    /// Whether `w` is one of the story's names, in any case.
    fn contains(&self, w: &str) -> bool {
        self.words.contains(&w.to_lowercase())
    }
}

/// Whether the clause of token `i` speaks of another event than the story.
pub(super) fn other_event(sc: &Scanner, i: usize, names: &StoryNames) -> bool {
    let c = sc.clause[i];
    // An opening clause about another time ("In 2015, ...") governs the whole sentence.
    if c > 0 && clause_cue(sc, 0, usize::MAX, names) && !has_trigger(sc, 0) {
        return true;
    }
    let mut c = c;
    let mut upto = i;
    loop {
        if clause_cue(sc, c, upto, names) {
            return true;
        }
        let chained = opens_relative(sc, c) || (is_short_clause(sc, c) && upto == usize::MAX);
        if !chained || c == 0 {
            return false;
        }
        c -= 1;
        upto = usize::MAX;
    }
}

/// "…, which left 15 dead": a relative clause belongs to the clause before it.
fn opens_relative(sc: &Scanner, c: u16) -> bool {
    sc.clause_head(c)
        .is_some_and(|t| is_any(Some(t), RELATIVE_HEADS))
}

/// "…in Kerman, Iran, that killed…": a short appositive does not break the chain of clauses.
fn is_short_clause(sc: &Scanner, c: u16) -> bool {
    let (a, b) = sc.clause_range(c);
    sc.toks[a..b].iter().filter(|t| t.kind != Tk::Punct).count() <= 3
}

/// Whether clause `c` names a casualty kind, so it states a figure rather than set a scene.
fn has_trigger(sc: &Scanner, c: u16) -> bool {
    let (a, b) = sc.clause_range(c);
    (a..b).any(|k| right_trigger(&sc.toks, k).is_some() || left_verb(sc.toks.get(k)).is_some())
}

/// Other-event cues in clause `c`; forward-only cues count when they precede token `upto`.
fn clause_cue(sc: &Scanner, c: u16, upto: usize, names: &StoryNames) -> bool {
    let (a, b) = sc.clause_range(c);
    (a..b).any(|k| cue_at(sc, k, (a, b), upto, names))
}

/// Whether token `k` of the clause spanning `a..b` is an other-event cue.
fn cue_at(sc: &Scanner, k: usize, (a, b): (usize, usize), upto: usize, names: &StoryNames) -> bool {
    let t = sc.toks.get(k);
    // "since 2004" and "deadliest since" only reach forward: the story's own figure may come
    // first ("42 killed, the deadliest since 2004").
    if is(t, "since") {
        return since_cue(sc, k, (a, b)) && k < upto;
    }
    if sc.is_year(k) {
        return year_cue(sc, k, names.max_year);
    }
    is_any(t, OTHER_EVENT_WORDS)
        || is_past_period(sc, k)
        || is_any(t, PAST_TIME_WORDS)
        || is_another_event(sc, k)
        || (k < upto && is_comparison(sc, k))
        || is_named_event(sc, k, (a, b), names)
}

/// "the deadliest since", "since 2004": the "since" at `k` compares with an older event.
fn since_cue(sc: &Scanner, k: usize, (a, b): (usize, usize)) -> bool {
    let sup = (a.max(k.saturating_sub(10))..k).any(|j| is_any(sc.toks.get(j), SUPERLATIVES));
    let year = (k + 1..(k + 4).min(b)).any(|j| sc.is_year(j));
    sup || year
}

/// "In 2015", "a 2011 earthquake": the year at `k` is another time, unless it follows "since"
/// (see [`since_cue`]) or dates a day in `max_year`, the newest year the text names.
fn year_cue(sc: &Scanner, k: usize, max_year: Option<u16>) -> bool {
    let toks = &sc.toks;
    if (k.saturating_sub(3)..k).any(|j| is(toks.get(j), "since")) {
        return false;
    }
    let prev = if k > 0 { toks.get(k - 1) } else { None };
    let dated = is_any(prev, MONTHS) || (k >= 2 && is_any(toks.get(k - 2), MONTHS));
    !(dated && Some(sc.year_value(k)) == max_year)
}

/// "earlier this year", "last month".
fn is_past_period(sc: &Scanner, k: usize) -> bool {
    is_any(sc.toks.get(k), PAST_PERIOD_LEADS) && is_any(sc.toks.get(k + 1), PAST_PERIODS)
}

/// "another attack".
fn is_another_event(sc: &Scanner, k: usize) -> bool {
    is(sc.toks.get(k), "another") && is_any(sc.toks.get(k + 1), EVENT_NOUNS)
}

/// "compared with", "higher than": a comparison; "more than 80" is a quantity instead.
fn is_comparison(sc: &Scanner, k: usize) -> bool {
    let t = sc.toks.get(k);
    let prev = if k > 0 { sc.toks.get(k - 1) } else { None };
    is_any(t, COMPARISON_WORDS) || (is(t, "than") && !is_any(prev, THAN_QUANTITIES))
}

/// "the Oklahoma City bombing", "bombings in Kerman": an event noun at `k` named by words the
/// story does not go by, within the clause spanning `a..b`.
fn is_named_event(sc: &Scanner, k: usize, (a, b): (usize, usize), names: &StoryNames) -> bool {
    is_any(sc.toks.get(k), EVENT_NOUNS)
        && (foreign_name_before(sc, k, a, names) || foreign_name_after(sc, k, b, names))
}

/// A word without its possessive ("Kerman's" is "Kerman"), as a word token.
fn bare<'a>(t: &Tok<'a>) -> Tok<'a> {
    let s =
        t.s.strip_suffix("’s")
            .or_else(|| t.s.strip_suffix("'s"))
            .unwrap_or(t.s);
    Tok { s, kind: Tk::Word }
}

/// Whether `t` is a word that starts with a capital.
fn is_capitalised(t: &Tok) -> bool {
    t.kind == Tk::Word && t.s.chars().next().is_some_and(char::is_uppercase)
}

/// Whether capitalised words right before the event noun at `k` name something the lead
/// does not ("the Oklahoma City bombing" in a story about somewhere else).
fn foreign_name_before(sc: &Scanner, k: usize, clause_start: usize, names: &StoryNames) -> bool {
    if names.words.is_empty() {
        return false;
    }
    let mut j = k;
    let mut saw = false;
    while j > clause_start && k - j < 4 {
        j -= 1;
        let t = &sc.toks[j];
        if !is_capitalised(t) || j == 0 {
            break;
        }
        let word = bare(t);
        let w = Some(&word);
        if is_any(w, MONTHS) || is_any(w, WEEKDAYS) || is_any(w, NAME_ARTICLES) {
            break;
        }
        if names.contains(word.s) {
            return false;
        }
        saw = true;
    }
    saw
}

/// Whether the event noun at `k` is placed by a name the lead does not use
/// ("bombings in Kerman" in a story about somewhere else).
fn foreign_name_after(sc: &Scanner, k: usize, clause_end: usize, names: &StoryNames) -> bool {
    if names.words.is_empty() || !is_any(sc.toks.get(k + 1), PLACE_PREPOSITIONS) {
        return false;
    }
    let mut j = k + 2;
    if is(sc.toks.get(j), "the") {
        j += 1;
    }
    let mut saw = false;
    while j < clause_end && j < k + 6 {
        let t = &sc.toks[j];
        if !is_capitalised(t) {
            break;
        }
        let word = bare(t);
        if is_any(Some(&word), MONTHS) || is_any(Some(&word), WEEKDAYS) {
            break;
        }
        if names.contains(word.s) {
            return false;
        }
        saw = true;
        j += 1;
    }
    saw
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A story about a flood in Valdmere, whose lead names the town and the river.
    fn valdmere() -> StoryNames {
        StoryNames::from_text(
            "Valdmere flood",
            "Floodwaters from the Ostra swept through Valdmere on 3 March 2024. \
             Rescue teams worked through the night in the town of Valdmere.",
        )
    }

    /// Runs `rule` on sentence `s` at its token `w`.
    fn at<R>(s: &str, w: &str, rule: impl FnOnce(&Scanner, usize) -> R) -> R {
        let sc = Scanner::of(s);
        rule(&sc, sc.at(w))
    }

    #[test]
    fn story_names_come_from_the_title_the_lead_and_repetition() {
        let text = "Menu | Home. Floodwaters swept through Valdmere on Monday night. \
                    Later Harwick was cut off, and Harwick stayed cut off. Once Ostra.";
        let names = StoryNames::from_text("Tarnow mourns", text);
        for w in ["tarnow", "valdmere", "floodwaters", "harwick"] {
            assert!(names.contains(w), "{w}");
        }
        assert!(names.contains("VALDMERE"));
        assert!(!names.contains("ostra") && !names.contains("menu"));
        assert_eq!(valdmere().max_year, Some(2024));
        assert_eq!(StoryNames::from_text("", "No year here.").max_year, None);
    }

    #[test]
    fn an_opening_clause_about_another_time_governs_the_sentence() {
        let s = "In 2015, 130 people were killed.";
        assert!(at(s, "130", |sc, i| other_event(sc, i, &valdmere())));
        let s = "In 2015 floods killed 9, and 130 people were killed.";
        assert!(!at(s, "130", |sc, i| other_event(sc, i, &valdmere())));
    }

    #[test]
    fn relative_clauses_and_short_appositives_chain_to_the_clause_before() {
        let s = "The bridge collapse of 2018, which left 43 dead, led to new rules.";
        assert!(at(s, "43", |sc, i| other_event(sc, i, &valdmere())));
        let s = "A blast hit Kerman in 2020, Iran, killing 95.";
        assert!(at(s, "95", |sc, i| other_event(sc, i, &valdmere())));
        let s = "Floods killed 12 on Monday, unlike in 2015, which left 95 dead.";
        assert!(at(s, "95", |sc, i| other_event(sc, i, &valdmere())));
        let s = "Floods killed 12 on Monday, unlike in 2015, and officials said 95 died.";
        assert!(!at(s, "95", |sc, i| other_event(sc, i, &valdmere())));
        assert!(!at(s, "12", |sc, i| other_event(sc, i, &valdmere())));
    }

    #[test]
    fn relative_heads() {
        let sc = Scanner::of("The flood, which left 15 dead, and then");
        assert!(opens_relative(&sc, 1));
        assert!(!opens_relative(&sc, 0) && !opens_relative(&sc, 2));
    }

    #[test]
    fn short_clauses() {
        let sc = Scanner::of("in Kerman, Iran, that killed many people here");
        assert!(is_short_clause(&sc, 0) && is_short_clause(&sc, 1));
        assert!(!is_short_clause(&sc, 2));
    }

    #[test]
    fn clauses_with_a_casualty_word() {
        let sc = Scanner::of("In 2015, floods killed 9");
        assert!(!has_trigger(&sc, 0) && has_trigger(&sc, 1));
    }

    #[test]
    fn clause_cues_reach_forward_only_for_since_and_comparisons() {
        let sc = Scanner::of("42 killed in the worst flood since 2004");
        assert!(clause_cue(&sc, 0, usize::MAX, &valdmere()));
        assert!(!clause_cue(&sc, 0, 0, &valdmere()));
        let sc = Scanner::of("8 died, more than at Oakfield");
        assert!(!clause_cue(&sc, 0, usize::MAX, &valdmere()));
    }

    #[test]
    fn since_an_older_event() {
        let s = "the deadliest flood since the great storm";
        assert!(at(s, "since", |sc, k| since_cue(sc, k, (0, sc.toks.len()))));
        let s = "killed since 2004";
        assert!(at(s, "since", |sc, k| since_cue(sc, k, (0, sc.toks.len()))));
        let s = "missing since Monday";
        assert!(!at(s, "since", |sc, k| since_cue(
            sc,
            k,
            (0, sc.toks.len())
        )));
        let s = "the deadliest, since Monday";
        assert!(!at(s, "since", |sc, k| since_cue(
            sc,
            k,
            (2, sc.toks.len())
        )));
    }

    #[test]
    fn another_year() {
        let cue = |s: &str, max| at(s, "2024", |sc, k| year_cue(sc, k, max));
        assert!(cue("In 2024 it flooded", Some(2024)));
        assert!(!cue("On 3 March 2024 it flooded", Some(2024)));
        assert!(!cue("On March 2024 it flooded", Some(2024)));
        assert!(cue("On 3 March 2024 it flooded", Some(2025)));
        assert!(!cue("the worst since 2024", None));
    }

    #[test]
    fn past_periods_another_events_and_comparisons() {
        assert!(at("earlier this year", "earlier", is_past_period));
        assert!(at("last month", "last", is_past_period));
        assert!(!at("earlier today", "earlier", is_past_period));
        assert!(at("another attack", "another", is_another_event));
        assert!(!at("another victim", "another", is_another_event));
        assert!(at("higher than at Oakfield", "than", is_comparison));
        assert!(at("compared with 2015", "compared", is_comparison));
        assert!(!at("more than 80", "than", is_comparison));
    }

    #[test]
    fn events_named_by_words_the_story_does_not_use() {
        let named = |s: &str, w: &str| {
            at(s, w, |sc, k| {
                is_named_event(sc, k, (0, sc.toks.len()), &valdmere())
            })
        };
        assert!(named("as in the Tarnow flood", "flood"));
        assert!(named("unlike the floods in Tarnow", "floods"));
        assert!(!named("as in the Valdmere flood", "flood"));
        assert!(!named("the floods in Valdmere", "floods"));
        assert!(!named("as in the Tarnow storms", "storms"));
    }

    #[test]
    fn possessives_and_capitals() {
        let sc = Scanner::of("Kerman’s Tarnow's attack");
        assert_eq!(bare(&sc.toks[0]).s, "Kerman");
        assert_eq!(bare(&sc.toks[1]).s, "Tarnow");
        assert!(is_capitalised(&sc.toks[0]) && !is_capitalised(&sc.toks[2]));
    }

    #[test]
    fn a_foreign_name_before_the_event_noun() {
        let before = |s: &str, names: &StoryNames| {
            at(s, "bombing", |sc, k| foreign_name_before(sc, k, 0, names))
        };
        assert!(before("after the Oklahoma City bombing", &valdmere()));
        assert!(before("after Kerman’s bombing", &valdmere()));
        assert!(!before("after the Valdmere bombing", &valdmere()));
        assert!(!before("after Sunday’s bombing", &valdmere()));
        assert!(!before("after The bombing", &valdmere()));
        assert!(
            !before("Oklahoma bombing", &valdmere()),
            "a sentence's first word"
        );
        let unnamed = StoryNames::from_text("", "");
        assert!(!before("after the Oklahoma City bombing", &unnamed));
    }

    #[test]
    fn a_foreign_name_after_the_event_noun() {
        let after = |s: &str| {
            at(s, "bombings", |sc, k| {
                foreign_name_after(sc, k, sc.toks.len(), &valdmere())
            })
        };
        assert!(after("the bombings in Kerman"));
        assert!(after("the bombings at the Crocus City Hall"));
        assert!(!after("the bombings in Valdmere"));
        assert!(!after("the bombings in March"));
        assert!(!after("the bombings by Kerman"));
    }
}
