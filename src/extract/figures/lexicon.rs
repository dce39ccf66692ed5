//! The word lists the figure rules read, as data: which words mark a date, a unit, a kind of
//! casualty, a hedge, a subset, another event or a superseded figure.
//!
//! Matching is case-insensitive and whole-word (see `is_any`), so each list holds
//! lowercase words and every inflection it means to catch.

use crate::model::FigureKind;

// Reading sentences.

/// Words after which a period does not end a sentence.
pub(super) const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "rep", "sen", "gov", "prof",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
    "vs", "etc", "inc", "ltd", "co", "jr", "approx",
];

/// Conjunctions that open a new clause inside a sentence, as a comma does.
pub(super) const CLAUSE_CONJUNCTIONS: &[&str] = &["but", "while", "whereas", "although", "though"];

// Numbers that are not head counts.

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

/// Words after a detached dash that make the number an age ("15 -year-old").
pub(super) const YEAR_WORDS: &[&str] = &["year", "years", "year-old"];

// Kind words around a number.

/// Words after a number that say those people died ("42 were killed", "12 bodies").
pub(super) const KILLED_WORDS: &[&str] = &[
    "killed",
    "dead",
    "died",
    "deaths",
    "fatalities",
    "perished",
    "drowned",
    "murdered",
    "slain",
    "bodies",
];

/// Words after a number that say those people were hurt ("11 hospitalised").
pub(super) const INJURED_WORDS: &[&str] =
    &["injured", "wounded", "hurt", "hospitalised", "hospitalized"];

/// Words that say people are missing ("nine missing", "70 unaccounted for").
pub(super) const MISSING_WORDS: &[&str] = &["missing", "unaccounted"];

/// Words after a number that say those people were arrested ("four were charged").
pub(super) const ARRESTED_WORDS: &[&str] = &[
    "arrested",
    "detained",
    "charged",
    "remanded",
    "jailed",
    "imprisoned",
    "apprehended",
];

/// Nouns a number counts as arrests ("14 arrests").
pub(super) const ARREST_NOUNS: &[&str] = &["arrests", "detentions"];

/// Words after "lost" that make it a death ("lost their lives", "lost lives").
pub(super) const LOST_LIVES: &[&str] = &["their", "lives"];

/// Nouns that alone say people are held ("five in detention").
pub(super) const CUSTODY_NOUNS: &[&str] = &["custody", "detention"];

/// Prepositions before "custody" that make an arrest ("taken into custody").
pub(super) const INTO_CUSTODY: &[&str] = &["in", "into"];

/// Verbs that with "up" make an arrest ("rounded up", "locked up").
pub(super) const ROUNDED_UP: &[&str] = &["locked", "rounded"];

/// Words after "held" that make it something other than custody.
pub(super) const HELD_NOT_ARREST: &[&str] = &[
    "hostage", "hostages", "captive", "a", "an", "the", "their", "his", "her", "its", "talks",
    "signs", "placards", "candles",
];

/// Nouns after "held N" that make "held" custody ("held 12 people").
pub(super) const HELD_PEOPLE: &[&str] = &["people", "suspects", "men", "others"];

/// Verbs right before a number that say it was killed ("killing 12").
pub(super) const KILLING_VERBS: &[&str] = &["killed", "killing", "kills", "kill"];

/// Verbs right before a number that say it was hurt ("injuring 40").
pub(super) const INJURING_VERBS: &[&str] = &[
    "injured", "injuring", "injures", "wounded", "wounding", "wounds", "hurt", "hurting",
];

/// Verbs right before a number that say it was arrested ("detained nine").
pub(super) const ARRESTING_VERBS: &[&str] = &[
    "arrested",
    "arresting",
    "arrests",
    "arrest",
    "detained",
    "detaining",
    "detains",
    "detain",
    "charged",
    "charging",
    "charges",
    "jailed",
    "jails",
    "jailing",
    "remanded",
    "apprehended",
    "held",
];

/// Verbs that take lives: "claimed 12 lives", "took the lives of 12".
pub(super) const CLAIMED: &[&str] = &[
    "claimed", "claiming", "claims", "claim", "took", "taken", "taking", "take", "cost", "costing",
    "costs",
];

/// Words after a number that count suspects ("four suspects appeared in court").
pub(super) const SUSPECT_WORDS: &[&str] = &["suspects", "suspected"];

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

// Toll phrases ("the death toll rose to 144").

/// Words inside a toll phrase that make it a toll of the dead ("the number of dead").
pub(super) const TOLL_KILLED: &[&str] =
    &["dead", "deaths", "killed", "fatalities", "victims", "died"];

/// Words inside a toll phrase that make it a toll of the hurt ("number of injured").
pub(super) const TOLL_INJURED: &[&str] = &["injured", "wounded", "hurt", "injuries"];

/// Words inside a toll phrase that make it an arrest count ("number of arrests").
pub(super) const TOLL_ARRESTED: &[&str] =
    &["arrests", "arrested", "detained", "detentions", "suspects"];

/// Nouns for a tally, whose kind a nearby word names ("the number of injured").
pub(super) const COUNT_NOUNS: &[&str] = &["number", "count", "tally", "total"];

/// Words before "toll" that make it a toll of the hurt ("the injury toll").
pub(super) const INJURY_NOUNS: &[&str] = &["injury", "injuries"];

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

/// Words that end the left-hand scan for a toll noun.
pub(super) const TOLL_STOPS: &[&str] = &[
    "and", "but", "while", "as", "because", "when", "which", "who", "whereas", "although",
];

/// Prepositions that lead from a comma to a toll's value ("the count of injured, to 382").
pub(super) const VALUE_PREPOSITIONS: &[&str] = &["to", "at"];

/// Pronouns that open a relative clause inside a toll phrase ("the toll, which had stood at 52,").
pub(super) const RELATIVE_PRONOUNS: &[&str] = &["which", "who", "that"];

// Hedges before a number ("at least", "nearly").

/// First words of "fewer than" and "less than".
pub(super) const HEDGE_FEWER: &[&str] = &["fewer", "less"];

/// Words before "fewer than" that make it a lower bound ("no fewer than 16").
pub(super) const HEDGE_NEGATIONS: &[&str] = &["no", "not"];

/// First words of "more than" and "greater than".
pub(super) const HEDGE_MORE: &[&str] = &["more", "greater"];

/// Middle words of "as many as" and "as much as".
pub(super) const HEDGE_MANY: &[&str] = &["many", "much"];

/// Words before "over" that keep it a lower bound ("just over", "well above").
pub(super) const HEDGE_JUST: &[&str] = &["just", "well"];

/// Words right before a number that mean more than it ("over 90").
pub(super) const HEDGE_OVER: &[&str] = &["over", "above"];

/// Words right before a number that make it approximate ("some 70").
pub(super) const HEDGE_ABOUT: &[&str] = &[
    "about",
    "around",
    "some",
    "roughly",
    "approximately",
    "approx",
    "estimated",
];

/// Words right before a number that mean a little fewer ("almost 60").
pub(super) const HEDGE_NEARLY: &[&str] = &["nearly", "almost", "nearing"];

/// Verbs before "up to" that make it a direction, not a hedge ("went up to 12").
pub(super) const DIRECTION_VERBS: &[&str] = &["went", "gone", "pushed", "moved", "bumped"];

// People, groups and subsets.

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

/// Nouns for one person a casualty is counted by, when a sentence names no number ("a man
/// was shot and killed"); culprits are left out: a dead gunman is not a victim.
pub(super) const VICTIM_NOUNS: &[&str] = &[
    "man",
    "woman",
    "boy",
    "girl",
    "child",
    "baby",
    "toddler",
    "infant",
    "teenager",
    "teen",
    "youth",
    "person",
    "pedestrian",
    "cyclist",
    "motorcyclist",
    "motorist",
    "passenger",
    "driver",
    "officer",
    "soldier",
    "student",
    "resident",
    "worker",
    "victim",
    "tourist",
];

/// Verbs of a wound that "and killed" or "fatally" make a death ("shot and killed").
pub(super) const WOUNDING_VERBS: &[&str] = &["shot", "stabbed", "struck", "hit", "beaten"];

/// Adverbs that make a wound a death ("fatally shot").
pub(super) const FATALLY: &[&str] = &["fatally", "mortally"];

/// Objects after "killed" that make the dead the killer ("killed himself").
pub(super) const REFLEXIVES: &[&str] = &["himself", "herself", "themselves", "themself"];

/// Words that say nobody ("nobody was hurt"); "no one" is read as two words.
pub(super) const NOBODY: &[&str] = &["nobody", "no-one"];

/// Nouns after "no" that say none of a kind happened ("no injuries were reported").
pub(super) const NO_CASUALTY_NOUNS: &[(&str, FigureKind)] = &[
    ("deaths", FigureKind::Killed),
    ("fatalities", FigureKind::Killed),
    ("injuries", FigureKind::Injured),
    ("arrests", FigureKind::Arrested),
];

/// Auxiliaries of a plural or a past sentence, after "nobody" or between a number and its
/// verb ("no one was hurt", "two were not injured").
pub(super) const BE_FORMS: &[&str] = &["was", "were", "is", "are", "has", "had", "have", "been"];

/// Adverbs that may qualify a casualty verb without changing its kind ("seriously injured").
pub(super) const SEVERITY_ADVERBS: &[&str] = &[
    "seriously",
    "badly",
    "critically",
    "gravely",
    "severely",
    "reportedly",
    "immediately",
];

/// Words that deny the verb they precede ("were not injured"); forms such as "weren't" are
/// recognised by their ending.
pub(super) const NEGATORS: &[&str] = &["not", "never", "no"];

/// Articles that make a noun one person ("a ninth suspect", "the captain and two …").
pub(super) const ARTICLES: &[&str] = &["a", "an", "the"];

/// Words before a culprit noun that make it one of several ("another man").
pub(super) const COUNTED_MODIFIERS: &[&str] = &[
    "another",
    "other",
    "further",
    "additional",
    "more",
    "second",
    "no",
];

/// Auxiliaries between a single culprit and the arrest verb ("was", "has been").
pub(super) const AUXILIARIES: &[&str] = &["was", "is", "has", "had"];

/// Words that may sit between the auxiliary and the arrest verb ("was later arrested").
pub(super) const ARREST_ADVERBS: &[&str] = &[
    "later",
    "also",
    "quickly",
    "swiftly",
    "subsequently",
    "then",
    "being",
    "taken",
    "promptly",
    "soon",
    "eventually",
    "formally",
];

/// Nouns that pick some people out of a group ("six members of one family").
pub(super) const GROUP_OF: &[&str] = &["members", "relatives"];

/// Words skipped between a subset cue and its number ("including at least four").
pub(super) const SUBSET_FILLERS: &[&str] = &["the", "all", "at", "least", "some", "about"];

/// Words before a number that make it a part of the toll or a group named by its relation to someone ("including four", "his two sons").
pub(super) const SUBSET_CUES: &[&str] = &[
    "including",
    "among",
    "them",
    "whom",
    "includes",
    "include",
    "his",
    "her",
    "their",
];

/// Words after "N of" that make N a part of a group ("four of them", "one of the injured").
pub(super) const OF_GROUP: &[&str] = &["them", "whom", "those", "the", "these", "which"];

/// Words before a number that make it an increment, not a total ("another three").
pub(super) const INCREMENT_WORDS: &[&str] = &["another", "further", "additional"];

// The right-hand scan ("42 people in the hall were killed").

/// Words that end the right-hand scan: a new clause or comparison starts.
pub(super) const RIGHT_STOPS: &[&str] = &[
    "and", "or", "but", "while", "as", "after", "because", "when", "than", "if", "whereas",
    "before", "until", "though", "although", "among",
];

/// Words after a comma that open an aside the right-hand scan steps over ("nine, including the four gunmen, were").
pub(super) const ASIDE_OPENERS: &[&str] = &["including", "among", "mostly", "mainly"];

/// Determiners that start a new noun phrase ("3 hospitals treating the injured").
pub(super) const DETERMINERS: &[&str] = &["the", "a", "an", "their", "his", "her", "its"];

/// Prepositions that keep the noun phrase after them inside the counted one ("42 people in the hall").
pub(super) const PREPOSITIONS: &[&str] = &[
    "in", "at", "on", "of", "from", "near", "inside", "outside", "across",
];

/// Words that make a following hurt word a count of those still in care ("80 remain hospitalised").
pub(super) const REMAIN_WORDS: &[&str] = &[
    "remain",
    "remains",
    "remained",
    "still",
    "being",
    "currently",
];

/// Words after "in" that make the number those still in care ("in hospital", "in critical condition").
pub(super) const IN_CARE_WORDS: &[&str] = &[
    "hospital",
    "hospitals",
    "critical",
    "serious",
    "intensive",
    "stable",
];

// Other events and superseded figures.

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

/// First words of a clause that belongs to the clause before it ("…, which left 15 dead").
pub(super) const RELATIVE_HEADS: &[&str] = &[
    "which", "when", "where", "who", "that", "killing", "leaving", "in", "during",
];

/// Superlatives before "since" that compare with an older event ("the deadliest since").
pub(super) const SUPERLATIVES: &[&str] = &["deadliest", "worst", "bloodiest", "biggest", "largest"];

/// Words before a period that place a clause in the past ("earlier this year", "last month").
pub(super) const PAST_PERIOD_LEADS: &[&str] = &["earlier", "last"];

/// Words after "earlier" or "last" that name the period.
pub(super) const PAST_PERIODS: &[&str] = &["this", "year", "month"];

/// Words that put a clause at another time ("two years ago", "the anniversary").
pub(super) const PAST_TIME_WORDS: &[&str] = &["ago", "anniversary"];

/// Words that compare the story with another event ("compared with", "surpassing").
pub(super) const COMPARISON_WORDS: &[&str] = &[
    "compared",
    "reminiscent",
    "recalling",
    "echoing",
    "surpassing",
];

/// Words before "than" that make it a quantity or an exclusion, not a comparison.
pub(super) const THAN_QUANTITIES: &[&str] =
    &["more", "less", "fewer", "greater", "rather", "other"];

/// Articles that end the name read leftwards from an event noun ("the Oklahoma City bombing").
pub(super) const NAME_ARTICLES: &[&str] = &["the", "a"];

/// Prepositions after an event noun that lead to its place ("bombings in Kerman").
pub(super) const PLACE_PREPOSITIONS: &[&str] = &["in", "at", "on", "of"];

/// Words that mean a figure is not the current one.
pub(super) const STALE_WORDS: &[&str] = &[
    "initially",
    "originally",
    "previously",
    "earlier",
    "initial",
];

/// Verbs after "first" that make the figure an early report ("first reported 40 dead").
pub(super) const FIRST_REPORT_VERBS: &[&str] = &[
    "reported",
    "said",
    "put",
    "gave",
    "counted",
    "announced",
    "estimated",
];
