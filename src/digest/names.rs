//! Names new to a story's coverage: proper names that follow-ups keep using (in at least two
//! near-duplicate groups, so one wire copy carried everywhere does not count) and that the
//! baseline never wrote, such as a newly named official or the suspects' nationality.

use std::collections::{BTreeSet, HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};

use super::{NewName, Period};
use crate::extract::entities;
use crate::store::MatchedText;
use crate::text::normalize::{normalize, on_word_boundaries};

/// Follow-up groups that must name something before it counts as recurring.
const MIN_GROUPS: usize = 2;
/// Longest text (bytes) normalised and scanned per article.
const MAX_TEXT: usize = 200_000;
/// Shortest name kept, in normalised bytes: shorter ones are mostly initials.
const MIN_NAME: usize = 3;

/// What the story already knew: its baseline and configured names.
#[derive(Debug, Clone, Default)]
pub struct Known<'a> {
    /// The baseline's headline.
    pub title: &'a str,
    /// The baseline's main text.
    pub text: &'a str,
    /// Configured entities, aliases and outlet names, never reported as new.
    pub configured: Vec<&'a str>,
}

/// The names recurring in `texts` (newest first) that `known` lacks, most used first.
pub fn new_names(
    known: &Known,
    texts: &[MatchedText],
    period: &Period,
    limit: usize,
) -> Vec<NewName> {
    let baseline = normalize(&format!(
        "{}\n{}",
        cut(known.title, MAX_TEXT),
        cut(known.text, MAX_TEXT)
    ));
    let configured: HashSet<String> = known.configured.iter().map(|n| normalize(n)).collect();
    // Candidates: each article's learned main names, with their written forms.
    let mut forms: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for t in texts {
        for entity in entities::learn(&t.title, &t.text) {
            let Some(name) = entity.names.first() else {
                continue;
            };
            let key = normalize(name);
            if key.len() < MIN_NAME
                || configured.contains(&key)
                || contains_words(&baseline, &key)
                || key.chars().all(|c| c.is_numeric() || c == ' ')
            {
                continue;
            }
            *forms
                .entry(key)
                .or_default()
                .entry(name.clone())
                .or_default() += 1;
        }
    }
    if forms.is_empty() {
        return Vec::new();
    }
    let keys: Vec<String> = forms.keys().cloned().collect();
    let Ok(automaton) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&keys)
    else {
        return Vec::new();
    };
    // Which groups (and which of them are new in the period) name each candidate.
    let mut groups: Vec<BTreeSet<i64>> = vec![BTreeSet::new(); keys.len()];
    let mut fresh: Vec<BTreeSet<i64>> = vec![BTreeSet::new(); keys.len()];
    for t in texts {
        let hay = normalize(&format!(
            "{}\n{}",
            cut(&t.title, MAX_TEXT),
            cut(&t.text, MAX_TEXT)
        ));
        let is_new = t.first_seen >= period.start && t.first_seen < period.end;
        for m in automaton.find_overlapping_iter(&hay) {
            if !on_word_boundaries(&hay, m.start(), m.end()) {
                continue;
            }
            let i = m.pattern().as_usize();
            if let Some(set) = groups.get_mut(i) {
                set.insert(t.group);
            }
            if is_new && let Some(set) = fresh.get_mut(i) {
                set.insert(t.group);
            }
        }
    }
    let kept: Vec<usize> = (0..keys.len())
        .filter(|&i| groups[i].len() >= MIN_GROUPS && !fresh[i].is_empty())
        .collect();
    // A short form inside a longer kept name ("Brandauer" in "Ilse Brandauer") is the same
    // person or body; the full name speaks for both.
    let kept: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&i| {
            !kept.iter().any(|&j| {
                j != i && keys[j].len() > keys[i].len() && contains_words(&keys[j], &keys[i])
            })
        })
        .collect();
    let mut out: Vec<NewName> = kept
        .into_iter()
        .map(|i| NewName {
            name: forms
                .get(&keys[i])
                .and_then(|f| {
                    f.iter()
                        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                        .map(|(name, _)| name.clone())
                })
                .unwrap_or_else(|| keys[i].clone()),
            followups: groups[i].len(),
            new_followups: fresh[i].len(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.followups
            .cmp(&a.followups)
            .then(b.new_followups.cmp(&a.new_followups))
            .then_with(|| a.name.cmp(&b.name))
    });
    out.truncate(limit);
    out
}

/// Whether normalised `needle` occurs in normalised `hay` as whole words.
fn contains_words(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|h| h.find(needle)) {
        let start = from + i;
        if on_word_boundaries(hay, start, start + needle.len()) {
            return true;
        }
        from = start + needle.len().max(1);
        while from < hay.len() && !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// At most `max` bytes of `text`, cut on a char boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2031, 5, day, 12, 0, 0).unwrap()
    }

    fn text(group: i64, day: u32, title: &str, body: &str) -> MatchedText {
        MatchedText {
            group,
            first_seen: at(day),
            title: title.into(),
            text: body.into(),
        }
    }

    const BASELINE: &str = "The Velmora river burst its banks in Castrano on Tuesday night. \
        Mayor Tomas Reiter said the town hall would open as a shelter for families.";

    #[test]
    fn recurring_names_absent_from_the_baseline_are_new() {
        let texts = vec![
            text(
                1,
                10,
                "Castrano counts the cost",
                "Regional emergency chief Ilse Brandauer \
                 said pumps from Lindqvist Engineering would arrive. Mayor Tomas Reiter thanked \
                 volunteers in Castrano.",
            ),
            text(
                2,
                11,
                "Pumps reach Castrano",
                "Ilse Brandauer toured the flooded streets \
                 of Castrano. Brandauer said the Velmora was falling.",
            ),
            text(
                3,
                11,
                "Castrano schools shut",
                "Schools in Castrano stay shut, the mayor \
                 said. Lindqvist Engineering sent a second crew.",
            ),
        ];
        let period = Period {
            start: at(11),
            end: at(12),
            since_previous_digest: true,
        };
        let known = Known {
            title: "Velmora floods Castrano",
            text: BASELINE,
            configured: vec![],
        };
        let names = new_names(&known, &texts, &period, 10);
        let listed: Vec<(&str, usize, usize)> = names
            .iter()
            .map(|n| (n.name.as_str(), n.followups, n.new_followups))
            .collect();
        assert!(listed.contains(&("Ilse Brandauer", 2, 1)), "{listed:?}");
        assert!(
            listed.contains(&("Lindqvist Engineering", 2, 1)),
            "{listed:?}"
        );
        assert!(!listed.iter().any(|n| n.0.contains("Reiter")), "{listed:?}");
        assert!(!listed.iter().any(|n| n.0 == "Brandauer"), "{listed:?}");
        assert!(!listed.iter().any(|n| n.0 == "Castrano"), "{listed:?}");
    }

    #[test]
    fn one_group_is_not_recurring_and_old_names_are_not_news() {
        let texts = vec![
            text(7, 10, "Castrano", "Ilse Brandauer spoke in Castrano."),
            text(7, 10, "Castrano", "Ilse Brandauer spoke in Castrano again."),
            text(
                8,
                10,
                "Castrano",
                "Lindqvist Engineering worked in Castrano.",
            ),
            text(
                9,
                10,
                "Castrano",
                "Lindqvist Engineering worked in Castrano.",
            ),
        ];
        let period = Period {
            start: at(11),
            end: at(12),
            since_previous_digest: false,
        };
        let known = Known {
            title: "",
            text: BASELINE,
            configured: vec![],
        };
        assert!(new_names(&known, &texts, &period, 10).is_empty());
    }

    #[test]
    fn word_containment_respects_boundaries() {
        assert!(contains_words("ilse brandauer said", "brandauer"));
        assert!(!contains_words("ilse brandauers", "brandauer"));
        assert!(!contains_words("", "x"));
        assert!(!contains_words("abc", ""));
    }

    #[test]
    fn huge_and_odd_input_is_bounded() {
        let big = "Qarvo Ümlaut ".repeat(50_000);
        let texts = vec![text(1, 11, "", &big), text(2, 11, "\u{0}", &big)];
        let period = Period {
            start: at(11),
            end: at(12),
            since_previous_digest: false,
        };
        let _ = new_names(&Known::default(), &texts, &period, 5);
        assert_eq!(cut("añb", 2), "a");
    }
}
