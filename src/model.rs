//! Plain data shared by every stage: feeds, items, articles, stories, matches, figures. No I/O.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an article reports a number of people as: the four casualty kinds followup tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// Dead: killed, died, death toll, fatalities, bodies.
    Killed,
    /// Injured: wounded, hurt, hospitalised (the total, not those still in hospital).
    Injured,
    /// Missing or unaccounted for.
    Missing,
    /// Arrested, detained, held or charged in connection with the story.
    Arrested,
}

impl FigureKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [FigureKind; 4] = [Self::Killed, Self::Injured, Self::Missing, Self::Arrested];

    /// The stable lowercase name used in JSON, config and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Killed => "killed",
            Self::Injured => "injured",
            Self::Missing => "missing",
            Self::Arrested => "arrested",
        }
    }

    /// Parses the stable name back; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How exact a reported number is ("at least 42" is `AtLeast`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// The number as stated, with no hedge.
    #[default]
    Exact,
    /// "at least", "no fewer than", and vague lower bounds such as "dozens".
    AtLeast,
    /// "more than", "over", "upwards of".
    MoreThan,
    /// "about", "around", "some", "roughly".
    About,
    /// "nearly", "almost", "close to".
    Nearly,
    /// "up to", "as many as".
    UpTo,
}

impl Qualifier {
    /// The stable snake_case name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::AtLeast => "at_least",
            Self::MoreThan => "more_than",
            Self::About => "about",
            Self::Nearly => "nearly",
            Self::UpTo => "up_to",
        }
    }

    /// Parses the stable name back; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Exact,
            Self::AtLeast,
            Self::MoreThan,
            Self::About,
            Self::Nearly,
            Self::UpTo,
        ]
        .into_iter()
        .find(|q| q.as_str() == s)
    }

    /// The words a person reads in front of the number ("at least"), empty for exact.
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Exact => "",
            Self::AtLeast => "at least",
            Self::MoreThan => "more than",
            Self::About => "about",
            Self::Nearly => "nearly",
            Self::UpTo => "up to",
        }
    }
}

/// One casualty figure stated by a text: "at least 42 killed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// Which kind of casualty the number counts.
    pub kind: FigureKind,
    /// The number, saturated at `u64::MAX` for absurd inputs.
    pub value: u64,
    /// How exact the number is.
    pub qualifier: Qualifier,
    /// The sentence that states it, for people to check the reading.
    pub sentence: String,
    /// The word that named the kind ("wounded", "hospitalised"), kept because outlets differ.
    pub term: String,
}

/// What main-text extraction reads from an article page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The headline, without the site name.
    pub title: Option<String>,
    /// When the page says it was first published.
    pub published: Option<DateTime<Utc>>,
    /// When the page says it was last updated.
    pub updated: Option<DateTime<Utc>>,
    /// The main text, paragraphs separated by a blank line.
    pub text: String,
}

/// One entry of a feed, as parsed and reduced to plain text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The feed's own id/guid for the entry, when it gives one.
    pub guid: Option<String>,
    /// The entry's link, absolute (resolved against xml:base or the feed URL).
    pub url: Option<String>,
    /// The headline as plain text.
    pub title: String,
    /// The summary or description as plain text.
    pub summary: String,
    /// When the feed says the entry was published.
    pub published: Option<DateTime<Utc>>,
    /// When the feed says the entry was last updated.
    pub updated: Option<DateTime<Utc>>,
}

/// A person's verdict on an item for a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A follow-up, whatever the automatic judgement says.
    Confirmed,
    /// Not a follow-up, whatever the automatic judgement says.
    Rejected,
}

impl Verdict {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Confirmed => "confirmed",
            Verdict::Rejected => "rejected",
        }
    }
}

/// A configured feed as the store registers it: its URL, name and a fingerprint of its
/// config line, so an edit of the line is noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLine {
    /// The configured URL: the feed's identity.
    pub url: String,
    /// The configured name, if any.
    pub name: Option<String>,
    /// A stable text of the line's other settings.
    pub fingerprint: String,
}

/// A feed's stored state: identity, schedule and health.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeedState {
    /// Row id.
    #[serde(skip)]
    pub id: i64,
    /// The configured URL, the feed's identity.
    pub url: String,
    /// Display name from the config.
    pub name: Option<String>,
    /// The feed's own title, from its last document that stated one.
    pub title: Option<String>,
    /// Where a permanent redirect moved the feed; fetched instead of `url`.
    pub fetch_url: Option<String>,
    /// Validator for conditional GET.
    #[serde(skip)]
    pub etag: Option<String>,
    /// Validator for conditional GET.
    #[serde(skip)]
    pub last_modified: Option<String>,
    /// When the feed was last fetched (successfully or not).
    pub last_fetch: Option<DateTime<Utc>>,
    /// HTTP status of the last fetch, if one came back.
    pub last_status: Option<i64>,
    /// Why the last fetch failed; `None` after a success.
    pub last_error: Option<String>,
    /// Consecutive failed fetches.
    pub error_count: i64,
    /// When the current run of failures began.
    #[serde(skip)]
    pub failing_since: Option<DateTime<Utc>>,
    /// Items stored for this feed.
    pub items: i64,
    /// When the feed last carried an item not seen before, for the adaptive interval.
    #[serde(skip)]
    pub last_new_item: Option<DateTime<Utc>>,
    /// When the scheduler will fetch it next.
    pub next_fetch: Option<DateTime<Utc>>,
    /// The server answered 410 Gone: skipped until its config line changes.
    pub gone: bool,
}

/// A stored item with its feed, as listed by `items`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StoredItem {
    /// Row id.
    #[serde(skip)]
    pub id: i64,
    /// The configured URL of the feed that carried it.
    pub feed: String,
    /// The feed's display name.
    #[serde(skip)]
    pub feed_name: Option<String>,
    /// The feed's guid for it, if any.
    pub guid: Option<String>,
    /// Its link as the feed gave it (resolved).
    pub url: Option<String>,
    /// Plain-text headline.
    pub title: String,
    /// Plain-text summary.
    #[serde(skip)]
    pub summary: String,
    /// Declared publication time.
    pub published: Option<DateTime<Utc>>,
    /// Declared update time.
    #[serde(skip)]
    pub updated: Option<DateTime<Utc>>,
    /// When followup first saw it.
    pub first_seen: DateTime<Utc>,
}

impl Item {
    /// The entry's stable identity within its feed: its guid, else its normalised link, else a
    /// hash of its title, date and summary. Never feed-rs's generated id, which hashes the
    /// title, so an edited headline would look like a new item.
    pub fn identity(&self) -> String {
        if let Some(guid) = self
            .guid
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            return format!("guid:{guid}");
        }
        if let Some(url) = self.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            return format!("link:{}", normalise_link(url));
        }
        let date = self.published.or(self.updated).map(|d| d.timestamp());
        format!(
            "hash:{}",
            short_hash(&[&self.title, &format!("{date:?}"), &self.summary])
        )
    }

    /// The identity and the digest together, computed where the item is parsed so the
    /// database thread does not hash.
    pub fn key(&self) -> ItemKey {
        ItemKey {
            identity: self.identity(),
            digest: self.digest(),
        }
    }

    /// A hash of everything a later version of the entry may change, to notice edits.
    pub fn digest(&self) -> String {
        short_hash(&[
            &self.title,
            &self.summary,
            self.url.as_deref().unwrap_or(""),
            &format!("{:?}{:?}", self.published, self.updated),
        ])
    }
}

/// What the store looks an item up by and compares it with: [`Item::identity`] and [`Item::digest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKey {
    /// The entry's identity within its feed.
    pub identity: String,
    /// The hash of its editable fields.
    pub digest: String,
}

/// A link reduced to what identifies the page: no fragment, no tracking parameters, no
/// trailing slash difference, lowercase scheme and host.
pub fn normalise_link(link: &str) -> String {
    let Ok(mut url) = url::Url::parse(link) else {
        return link.trim().to_string();
    };
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !(k.starts_with("utm_") || matches!(k.as_str(), "fbclid" | "gclid" | "ocid" | "cmpid"))
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let mut out = url.to_string();
    if out.ends_with('/') && url.path() != "/" {
        out.pop();
    }
    out
}

/// A short stable hash of a text, naming one version of a page.
pub fn text_hash(text: &str) -> String {
    short_hash(&[text])
}

fn short_hash(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    // Half the digest: 128 bits name a version well enough, in half the text.
    let mut hex = format!("{:x}", hasher.finalize());
    hex.truncate(32);
    hex
}

/// An article page that could not be fetched, as remembered so it is not asked for again
/// before its time.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFailure {
    /// The item's link.
    pub url: String,
    /// The short cause, for people ("HTTP 404", "timeout after 30 s").
    pub cause: String,
    /// Consecutive failures, this one included.
    pub failures: u32,
    /// Not asked before this time; `None`: not until the item's link or content changes.
    pub retry_at: Option<DateTime<Utc>>,
}

impl ArticleFailure {
    /// Whether the page may be asked for at `now`; `changed` says the item changed.
    pub fn may_retry(&self, now: DateTime<Utc>, changed: bool) -> bool {
        match self.retry_at {
            None => changed,
            Some(at) => now >= at,
        }
    }
}

/// A fetched article page as stored: what extraction read, plus fetch bookkeeping.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredArticle {
    /// Row id.
    pub id: i64,
    /// The item's link, as the feed gave it.
    pub url: String,
    /// What extraction read from the current version.
    pub article: Article,
    /// Validator for the next conditional re-check.
    pub etag: Option<String>,
    /// Validator for the next conditional re-check.
    pub last_modified: Option<String>,
    /// Identifies the current version's text.
    pub hash: String,
    /// Near-duplicate sketch of the text.
    pub shingles: Vec<u64>,
    /// The figures the version states, read with it; `None` for a version stored before
    /// figures were kept with versions.
    pub figures: Option<Vec<Observation>>,
    /// First fetch.
    pub fetched_at: DateTime<Utc>,
}

/// One stored follow-up, joined with its item and feed, as `matches` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchRow {
    /// The story it follows up.
    pub story: String,
    /// The item's link as the feed gave it.
    pub url: String,
    /// The item's headline.
    pub title: String,
    /// The configured URL of the feed that carried it.
    pub feed: String,
    /// The feed's display name.
    #[serde(skip)]
    pub feed_name: Option<String>,
    /// Declared publication time of the item.
    pub published: Option<DateTime<Utc>>,
    /// When followup first saw the item.
    pub first_seen: DateTime<Utc>,
    /// The judgement's score.
    pub score: f64,
    /// Entity names that hit.
    pub entities: Vec<String>,
    /// Near-duplicate group: the item id of its first member.
    pub group: i64,
    /// Distinct feeds carrying the group.
    pub outlets: i64,
    /// The stored explanation (JSON), for `--explain`.
    #[serde(skip)]
    pub explanation: String,
    /// `confirmed` when a person confirmed it, else `auto`.
    pub verdict: String,
    /// The item's row id.
    #[serde(skip)]
    pub item_id: i64,
}

/// One stored casualty observation with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureRow {
    /// What kind of casualty.
    pub kind: FigureKind,
    /// The number.
    pub value: u64,
    /// How exact it is.
    pub qualifier: Qualifier,
    /// The article (or baseline) it came from.
    pub url: String,
    /// That page's headline.
    pub title: Option<String>,
    /// The page version's declared time.
    pub as_of: Option<DateTime<Utc>>,
    /// When followup read it.
    pub observed_at: DateTime<Utc>,
    /// The sentence stating it.
    pub sentence: String,
    /// The word that named the kind.
    #[serde(skip)]
    pub term: String,
    /// From the baseline article (or its configured figures).
    #[serde(skip)]
    pub baseline: bool,
    /// From the page's current version.
    #[serde(skip)]
    pub current: bool,
}
