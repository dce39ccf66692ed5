//! Stories and the follow-up decision: entity weights, matching, topical similarity, near-duplicates.
//!
//! Layout: `weights` (prior blended with the caller's background document frequencies),
//! `background` (counting the stored corpus into those frequencies), `topic` (content-word
//! vectors and cosine), `matcher` (one automaton over every story's names, and the two-stage
//! judgement), `round` (a round's decision as plain data: windows, candidates, verdicts,
//! groups), `dedupe` (grouping wire copies by their sketches), `timeline` (figures from
//! baseline to latest).

pub mod background;
pub mod dedupe;
pub mod evidence;
pub mod matcher;
pub mod model;
pub mod round;
pub mod timeline;
pub mod topic;
pub mod weights;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Article;

pub use dedupe::DuplicateIndex;
pub use matcher::{Matcher, ScanHit};
pub use weights::Background;

/// A story as the user configures it, with its baseline article already extracted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StorySpec {
    /// Stable identifier.
    pub id: String,
    /// Human title.
    pub title: String,
    /// The article that defines the story.
    pub baseline: Article,
    /// Names the user configured, each an entity of its own.
    pub entities: Vec<String>,
    /// Other names of a configured (or learned) name: name → aliases.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Phrases that veto a match wherever they occur in an item.
    pub exclude: Vec<String>,
    /// Items published before this are never follow-ups (the caller filters; kept for explanations).
    pub since: Option<DateTime<Utc>>,
    /// Items published after this are never follow-ups (the story's `until`).
    pub until: Option<DateTime<Utc>>,
    /// Where the baseline was fetched from, if from the web: that page is never its own
    /// follow-up.
    pub baseline_url: Option<String>,
}

/// Which part of an item a hit was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The feed item's title.
    Title,
    /// The feed item's summary or description.
    Summary,
    /// The fetched article's main text.
    Article,
}

/// The texts of an item to judge; `article` is `None` before the article is fetched.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fields<'a> {
    /// Feed title.
    pub title: &'a str,
    /// Feed summary or description (plain text).
    pub summary: &'a str,
    /// Article main text, once fetched.
    pub article: Option<&'a str>,
    /// When the item (or its page) says it was published.
    pub published: Option<DateTime<Utc>>,
}

/// One name found in an item, with the weight it contributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The story name that matched (as configured or learned).
    pub name: String,
    /// The entity's main name.
    pub entity: String,
    /// Where it was found (the first field, in title, summary, article order).
    pub field: Field,
    /// Its weight: specificity × salience in the baseline.
    pub weight: f64,
}

/// The decision on one item for one story, with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// Entity evidence plus weighted topical similarity.
    pub score: f64,
    /// Whether the item is a follow-up of the story.
    pub followup: bool,
    /// Whether title and summary alone make it worth fetching the article (stage 1).
    pub candidate: bool,
    /// Sum over distinct entities of their best hit's weight.
    pub entity_score: f64,
    /// Cosine similarity of the item's content words with the baseline's (0..1).
    pub topical: f64,
    /// The exclude phrase that vetoed the item, if any.
    pub excluded: Option<String>,
    /// Every entity hit, best weight per entity, strongest first.
    pub hits: Vec<Hit>,
    /// The measured evidence the decision weighs.
    #[serde(default)]
    pub evidence: evidence::Evidence,
    /// Each feature's part in the decision (the stage that applies), largest first.
    #[serde(default)]
    pub contributions: Vec<model::Contribution>,
    /// Why the item was judged without its article, when its page could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_article: Option<String>,
}
