//! The word lists the figure rules read, as data: which words mark a date, a unit, a kind of
//! casualty, a hedge, a subset, another event or a superseded figure.
//!
//! Matching is case-insensitive and whole-word (see `is_any`), so each list holds
//! lowercase words and every inflection it means to catch.

/// Words after which a period does not end a sentence.
pub(super) const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "rep", "sen", "gov", "prof",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
    "vs", "etc", "inc", "ltd", "co", "jr", "approx",
];
/// Month names and their abbreviations: a number beside one is a date.
pub(super) const MONTHS: &[&str] = &[
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
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
];
/// Day names, which start no event's name ("Sunday's attack").
pub(super) const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words after a number that make it a measure, a time or an age rather than a head count.
pub(super) const UNITS: &[&str] = &[
    "%",
    "percent",
    "per",
    "pc",
    "year",
    "years",
    "year-old",
    "years-old",
    "month",
    "months",
    "day",
    "days",
    "week",
    "weeks",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "am",
    "pm",
    "a.m",
    "p.m",
    "gmt",
    "utc",
    "et",
    "bst",
    "cet",
    "km",
    "kilometres",
    "kilometers",
    "miles",
    "mile",
    "metres",
    "meters",
    "metre",
    "meter",
    "m",
    "feet",
    "ft",
    "kg",
    "tonnes",
    "tons",
    "cm",
    "mm",
    "degrees",
    "°",
    "dollars",
    "euros",
    "pounds",
    "roubles",
    "rubles",
    "yuan",
    "yen",
    "rupees",
    "points",
    "times",
    "storeys",
    "floors",
];

/// Words before a number that make it a label, an amount or an age.
pub(super) const LABELS: &[&str] = &[
    "$",
    "€",
    "£",
    "¥",
    "₽",
    "no",
    "page",
    "section",
    "flight",
    "route",
    "magnitude",
    "aged",
    "age",
    "ages",
    "number",
    "article",
    "chapter",
    "room",
    "gate",
    "platform",
    "level",
    "category",
];

/// Words that end the right-hand scan: a new clause or comparison starts.
pub(super) const RIGHT_STOPS: &[&str] = &[
    "and", "or", "but", "while", "as", "after", "because", "when", "than", "if", "whereas",
    "before", "until", "though", "although", "among",
];

/// Words that end the left-hand scan for a toll noun.
pub(super) const TOLL_STOPS: &[&str] = &[
    "and", "but", "while", "as", "because", "when", "which", "who", "whereas", "although",
];

/// Words that mean a figure is not the current one.
pub(super) const STALE_WORDS: &[&str] = &[
    "initially",
    "originally",
    "previously",
    "earlier",
    "initial",
];

/// Words that put a clause on another event.
pub(super) const OTHER_EVENT_WORDS: &[&str] =
    &["separate", "separately", "previous", "unrelated", "similar"];

/// Words that name an event: a capitalised name before one is a named event.
pub(super) const EVENT_NOUNS: &[&str] = &[
    "attack",
    "attacks",
    "bombing",
    "bombings",
    "blast",
    "explosion",
    "siege",
    "shooting",
    "shootings",
    "massacre",
    "earthquake",
    "quake",
    "flood",
    "floods",
    "flooding",
    "hurricane",
    "typhoon",
    "cyclone",
    "storm",
    "fire",
    "blaze",
    "wildfire",
    "collapse",
    "crash",
    "disaster",
    "tsunami",
    "eruption",
    "stampede",
    "derailment",
    "landslide",
    "tornado",
    "rampage",
    "hostage-taking",
    "tragedy",
];

/// Words that say the reporting is about migration, not the story's arrests.
pub(super) const MIGRATION_WORDS: &[&str] = &[
    "immigration",
    "migrant",
    "migrants",
    "migration",
    "visa",
    "visas",
    "deportation",
    "deported",
    "deport",
    "undocumented",
    "residency",
    "permits",
];

/// Custody words that make "N suspects" an arrest count.
pub(super) const CUSTODY_WORDS: &[&str] = &[
    "arrest",
    "arrested",
    "arrests",
    "detained",
    "detention",
    "custody",
    "court",
    "charged",
    "remanded",
    "jailed",
    "held",
    "trial",
    "prison",
    "jail",
];

/// Verbs between a toll noun and its number that report a change.
pub(super) const RISE_WORDS: &[&str] = &[
    "rose",
    "risen",
    "rises",
    "rise",
    "climbed",
    "climbs",
    "reached",
    "reaches",
    "hit",
    "hits",
    "increased",
    "jumped",
    "jumps",
    "grew",
    "revised",
    "raised",
    "now",
    "topped",
    "passed",
    "climb",
    "rising",
    "bringing",
    "brings",
    "taking",
    "takes",
    "pushing",
    "revises",
    "revise",
    "raises",
    "raise",
    "raising",
    "revising",
];
/// Words after "held" that make it something other than custody.
pub(super) const HELD_NOT_ARREST: &[&str] = &[
    "hostage", "hostages", "captive", "a", "an", "the", "their", "his", "her", "its", "talks",
    "signs", "placards", "candles",
];
/// Verbs that take lives: "claimed 12 lives", "took the lives of 12".
pub(super) const CLAIMED: &[&str] = &[
    "claimed", "claiming", "claims", "claim", "took", "taken", "taking", "take", "cost", "costing",
    "costs",
];

/// Nouns that pick some people out of a group ("six members of one family").
pub(super) const GROUP_OF: &[&str] = &["members", "relatives"];

/// Nouns for a person, which an ordinal may count ("a third contractor was arrested").
pub(super) const PERSON_NOUNS: &[&str] = &[
    "suspect",
    "person",
    "man",
    "woman",
    "victim",
    "body",
    "arrest",
    "teenager",
    "teen",
    "boy",
    "girl",
    "child",
    "youth",
    "officer",
    "soldier",
    "worker",
    "contractor",
    "builder",
    "member",
    "accomplice",
    "defendant",
    "gunman",
    "attacker",
    "assailant",
    "driver",
    "student",
    "individual",
    "relative",
    "employee",
    "official",
    "guard",
    "resident",
    "passenger",
    "patient",
    "civilian",
    "brother",
    "son",
    "daughter",
    "mother",
    "father",
    "wife",
    "husband",
    "captain",
    "pilot",
    "owner",
    "manager",
];

/// Nouns for the one who did it: "the suspect was arrested" is an arrest count of one.
pub(super) const CULPRIT_NOUNS: &[&str] = &[
    "suspect",
    "gunman",
    "shooter",
    "attacker",
    "assailant",
    "bomber",
    "perpetrator",
    "killer",
    "man",
    "woman",
    "teenager",
    "teen",
    "youth",
    "boy",
    "girl",
    "driver",
    "culprit",
];
