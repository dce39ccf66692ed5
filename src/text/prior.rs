//! The prior shipped in the binary: how common an English word is, and which names are everyday news names.
//!
//! A new install has no stored items to count document frequencies from, yet its first poll must
//! already tell "Russia" from a venue's name. Two small lists carry that knowledge:
//! `data/common_words.txt` (SCOWL size levels, permissive licence) and `data/news_names.txt`
//! (countries, demonyms, capitals, big organisations, plus SCOWL's most common capitalised words).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::normalize::normalize;

const COMMON_WORDS: &str = include_str!("data/common_words.txt");
const NEWS_NAMES: &str = include_str!("data/news_names.txt");

/// Function words too frequent to carry any topic, in the languages followup is tested with.
const STOPWORDS: &[&str] = &[
    // English
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "by",
    "with",
    "about",
    "as",
    "into",
    "over",
    "after",
    "before",
    "than",
    "then",
    "that",
    "this",
    "these",
    "those",
    "it",
    "its",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "not",
    "no",
    "so",
    "he",
    "she",
    "they",
    "them",
    "his",
    "her",
    "their",
    "we",
    "our",
    "you",
    "your",
    "i",
    "me",
    "my",
    "who",
    "whom",
    "which",
    "what",
    "when",
    "where",
    "why",
    "how",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "said",
    "says",
    "say",
    "also",
    "more",
    "most",
    "some",
    "any",
    "all",
    "one",
    "two",
    "up",
    "out",
    "there",
    "here",
    "just",
    "now",
    "new",
    "while",
    "since",
    "during",
    "under",
    "against",
    "between",
    "other",
    "such",
    "only",
    "very",
    "both",
    "each",
    "s",
    "t",
    "mr",
    "mrs",
    // Spanish, French, German, Italian, Portuguese
    "el",
    "la",
    "los",
    "las",
    "un",
    "una",
    "y",
    "o",
    "de",
    "del",
    "en",
    "por",
    "para",
    "con",
    "que",
    "se",
    "su",
    "sus",
    "al",
    "es",
    "le",
    "les",
    "des",
    "du",
    "et",
    "au",
    "aux",
    "pour",
    "dans",
    "sur",
    "par",
    "une",
    "est",
    "der",
    "die",
    "das",
    "und",
    "den",
    "dem",
    "ein",
    "eine",
    "ist",
    "von",
    "mit",
    "im",
    "zu",
    "auf",
    "fur",
    "il",
    "di",
    "da",
    "e",
    "per",
    "non",
    "do",
    "da",
    "os",
    "as",
    "um",
    "uma",
    "em",
    "no",
    "na",
    // Russian and other Cyrillic
    "и",
    "в",
    "во",
    "не",
    "что",
    "он",
    "на",
    "я",
    "с",
    "со",
    "как",
    "а",
    "то",
    "все",
    "она",
    "так",
    "его",
    "но",
    "да",
    "ты",
    "к",
    "у",
    "же",
    "вы",
    "за",
    "бы",
    "по",
    "от",
    "из",
    "о",
    "об",
    "для",
    "это",
    "был",
    "была",
    "были",
    "при",
    "после",
];

/// Calendar words: capitalised in English yet never the name of a story's thing.
const CALENDAR: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "today",
    "yesterday",
    "tomorrow",
];

/// Titles and honorifics stripped from the front of a person's name.
const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "general",
    "gen",
    "colonel",
    "col",
    "major",
    "captain",
    "capt",
    "lieutenant",
    "lt",
    "sergeant",
    "sgt",
    "commander",
    "admiral",
    "president",
    "vice",
    "prime",
    "minister",
    "chancellor",
    "secretary",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "senator",
    "sen",
    "rep",
    "representative",
    "governor",
    "gov",
    "mayor",
    "judge",
    "justice",
    "chief",
    "officer",
    "sheikh",
    "imam",
    "rabbi",
    "reverend",
    "rev",
    "father",
    "bishop",
    "archbishop",
    "patriarch",
    "deputy",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "inspector",
    "detective",
    "constable",
    "sheriff",
    "premier",
    "emir",
    "ayatollah",
    "cardinal",
    "former",
    "acting",
    "interim",
    "late",
    "herr",
    "frau",
    "monsieur",
    "madame",
    "senor",
    "senora",
    "alcalde",
    "alcaldesa",
    "presidente",
    "presidenta",
    "ministro",
    "ministra",
    "gobernador",
    "maire",
    "ministre",
    "burgermeister",
    "prasident",
    "prasidentin",
    "kanzler",
    "sindaco",
    "мэр",
    "президент",
    "министр",
    "губернатор",
    "глава",
    "генерал",
    "премьер",
];

/// What the shipped lists say about one normalised word or name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// SCOWL size level (10 is most common), 0 when not among the common words.
    pub level: u8,
    /// A function word that carries no topic.
    pub stopword: bool,
    /// An everyday news name (country, capital, demonym, big organisation).
    pub news: bool,
    /// A weekday or month name.
    pub calendar: bool,
    /// A title or honorific that precedes a person's name.
    pub honorific: bool,
}

/// Every list in one map: matching asks about each word of every item judged, and one
/// lookup with a fast hash replaced five SipHash lookups per word. The keys are fixed at
/// start-up and never come from input, so a fixed-seed hash is safe here.
type Lexicon = HashMap<Box<str>, Facts, foldhash::fast::FixedState>;

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut map = Lexicon::default();
    let mut level = 0u8;
    for line in COMMON_WORDS.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(l) = line.strip_prefix('=') {
            level = l.trim().parse().unwrap_or(50);
            continue;
        }
        let facts = map.entry(line.trim().into()).or_default();
        if facts.level == 0 {
            facts.level = level;
        }
    }
    for name in NEWS_NAMES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        map.entry(normalize(name).into()).or_default().news = true;
    }
    for word in STOPWORDS {
        map.entry((*word).into()).or_default().stopword = true;
    }
    for word in CALENDAR {
        map.entry((*word).into()).or_default().calendar = true;
    }
    for word in HONORIFICS {
        map.entry((*word).into()).or_default().honorific = true;
    }
    map
});

/// What the lists say about a normalised word or name (all false when on none of them).
pub fn facts(word: &str) -> Facts {
    LEXICON.get(word).copied().unwrap_or_default()
}

/// SCOWL size level of a normalised lowercase word (10, 20 or 35), `None` if not among the common words.
pub fn word_level(word: &str) -> Option<u8> {
    Some(facts(word).level).filter(|&l| l > 0)
}

/// True if the normalised word is a common lowercase English word (SCOWL level 35 or below).
pub fn is_common_word(word: &str) -> bool {
    word_level(word).is_some()
}

/// True if the normalised name is an everyday news name (country, capital, demonym, big organisation).
pub fn is_news_name(name: &str) -> bool {
    facts(name).news
}

/// True for normalised function words that carry no topic.
pub fn is_stopword(word: &str) -> bool {
    facts(word).stopword
}

/// True for normalised weekday and month names.
pub fn is_calendar(word: &str) -> bool {
    facts(word).calendar
}

/// True for normalised titles and honorifics that precede a person's name.
pub fn is_honorific(word: &str) -> bool {
    facts(word).honorific
}

/// How specific one normalised token is in everyday news, from 0 (says nothing) to 1 (rare).
pub fn token_rarity(token: &str) -> f64 {
    if is_news_name(token) || is_calendar(token) || is_stopword(token) {
        return 0.12;
    }
    if token.chars().all(|c| c.is_ascii_digit()) {
        return 0.2;
    }
    match word_level(token) {
        Some(10) => 0.2,
        Some(20) => 0.4,
        Some(_) => 0.7,
        None => 1.0,
    }
}

/// Prior specificity of a normalised name (one or more tokens), from 0 to 1.
///
/// A name on the news list is generic outright. Otherwise each token's rarity counts as an
/// independent chance that the phrase is specific: "islamic state" stays low because both
/// tokens are everyday words, while one rare token ("saffron", a surname) makes the phrase specific.
pub fn name_prior(name: &str) -> f64 {
    if is_news_name(name) {
        return 0.12;
    }
    let mut generic = 1.0;
    let mut any = false;
    for t in name.split(' ').filter(|t| !t.is_empty()) {
        any = true;
        generic *= 1.0 - token_rarity(t);
    }
    if !any {
        return 0.0;
    }
    (1.0 - generic).clamp(0.05, 1.0)
}

/// How informative a normalised content word is in everyday text, from 0 to 1 (for topical
/// similarity), given its [`facts`].
pub fn idf_prior_of(word: &str, facts: Facts) -> f64 {
    if facts.stopword || word.chars().count() < 3 {
        return 0.0;
    }
    if word.chars().all(|c| c.is_ascii_digit()) {
        return 0.0;
    }
    match facts.level {
        0 => 1.0,
        10 => 0.25,
        20 => 0.55,
        _ => 0.85,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load() {
        assert_eq!(word_level("the"), Some(10));
        assert!(is_common_word("picnic"));
        assert!(!is_common_word("zzqx"));
        assert!(is_news_name("russia"));
        assert!(is_news_name("white house"));
        assert!(!is_news_name("zzqx"));
        // Regions a dateline names as often as a country: states and provinces.
        assert!(is_news_name("oregon"));
        assert!(is_news_name("new south wales"));
        assert!(is_news_name("tenn"));
    }

    #[test]
    fn generic_names_weigh_less_than_specific_ones() {
        let generic = name_prior("moscow");
        let venue = name_prior("harbourlight arena");
        let person = name_prior("olwen marrick");
        assert!(generic < 0.2, "{generic}");
        assert!(venue > 0.8, "{venue}");
        assert!(person > 0.9, "{person}");
        assert!(name_prior("islamic state") < 0.5);
    }
}
