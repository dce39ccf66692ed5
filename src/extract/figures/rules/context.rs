//! What a clause says about its figure beyond the figure itself: that it is about another event
//! (another year, "separate", a comparison, a name the story does not go by), or that the
//! figure is superseded ("initially", "had stood at").

use super::words::{left_verb, right_trigger};
use crate::extract::figures::lexicon::{
    COMPARISON_WORDS, EVENT_NOUNS, FIRST_REPORT_VERBS, MONTHS, NAME_ARTICLES, OTHER_EVENT_WORDS,
    PAST_PERIOD_LEADS, PAST_PERIODS, PAST_TIME_WORDS, PLACE_PREPOSITIONS, RELATIVE_HEADS,
    STALE_WORDS, SUPERLATIVES, THAN_QUANTITIES, WEEKDAYS,
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

    fn contains(&self, w: &str) -> bool {
        self.words.contains(&w.to_lowercase())
    }
}

impl Scanner<'_> {
    /// Whether the clause of token `i` speaks of another event than the story.
    pub(super) fn other_event(&self, i: usize, names: &StoryNames) -> bool {
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
    pub(super) fn stale(&self, i: usize) -> (bool, bool) {
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
