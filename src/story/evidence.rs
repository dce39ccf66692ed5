//! The evidence that an item reports the story's event, not merely an event of the same
//! kind: measured features the fitted model (`model`) weighs into one probability.
//!
//! News of the event talks about what happened in the baseline's words (`topical`,
//! `lead_topical`) and about whom and where in its names (`names`, `lead_names`,
//! `entities`, `anchors`). News of another event of the same kind shares the words but
//! leads with names the baseline never mentions (`novel`) or another year (`other_year`).
//! Each feature is scaled to about 0..1, so the weights read as each one's say.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::topic::{TopicVector, for_each_name_token};
use super::weights::{Background, name_token_weight};
use super::{Fields, StorySpec};
use crate::extract::entities::is_boilerplate_paragraph;
use crate::text::normalize::normalize;

/// Paragraphs of an article read as its lead (with its title and the feed's summary).
const ITEM_LEAD_PARAGRAPHS: usize = 2;
/// Paragraphs of the baseline read as its lead.
const BASELINE_LEAD_PARAGRAPHS: usize = 3;
/// Days at which the time feature reaches 1: a year after the baseline.
const DAYS_SCALE: f64 = 365.0;
/// Entity evidence at which `entities` reaches 1.
const ENTITIES_SCALE: f64 = 3.0;

/// The names of the features, in the order of [`Evidence::values`] and of the model's weights.
pub const FEATURES: [&str; 11] = [
    "topical",
    "lead_topical",
    "names",
    "lead_names",
    "novel",
    "entities",
    "anchors",
    "lone_name",
    "days",
    "other_year",
    "article",
];

/// One item's evidence for one story.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Event words shared with the whole baseline (cosine of content words, names left out).
    pub topical: f64,
    /// Event words of the item's lead shared with the baseline's title and lead.
    pub lead_topical: f64,
    /// Names shared with the baseline (cosine of name tokens weighted by specificity).
    pub names: f64,
    /// Names of the item's lead shared with the baseline's title and lead.
    pub lead_names: f64,
    /// Share of the item lead's name weight that the baseline never mentions.
    pub novel: f64,
    /// The story's entities named anywhere in the item (weights summed, scaled).
    pub entities: f64,
    /// Share of the baseline's headline entities the item names.
    pub anchors: f64,
    /// 1 when the only story name the item has is one single word (a surname, a town).
    pub lone_name: f64,
    /// Time from the baseline, 0 at the baseline, 1 a year away (0 when unknown).
    pub days: f64,
    /// 1 when the item's lead names a year the baseline never does.
    pub other_year: f64,
    /// 1 when the article text was read, 0 for title and summary alone.
    pub article: f64,
}

impl Evidence {
    /// The features in the order of [`FEATURES`].
    pub fn values(&self) -> [f64; 11] {
        [
            self.topical,
            self.lead_topical,
            self.names,
            self.lead_names,
            self.novel,
            self.entities,
            self.anchors,
            self.lone_name,
            self.days,
            self.other_year,
            self.article,
        ]
    }
}

/// What the evidence compares an item with: the baseline's lead vector, its name vectors,
/// every word it uses and the years it names.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    lead_topic: TopicVector,
    names: TopicVector,
    lead_names: TopicVector,
    /// Every normalised word of the baseline, any case: a name among them is not novel.
    words: HashSet<String>,
    /// Years the baseline names, and the year it was published.
    years: Vec<i32>,
    /// When the baseline was published.
    published: Option<DateTime<Utc>>,
}

/// The non-boilerplate paragraphs of an article text.
fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty() && !is_boilerplate_paragraph(p))
}

/// Every normalised word of `text`.
fn words_of(text: &str, into: &mut HashSet<String>) {
    for w in normalize(text).split(|c: char| !c.is_alphanumeric()) {
        if !w.is_empty() {
            into.insert(w.to_string());
        }
    }
}

/// The years (1900–2099) a text names as four-digit numbers.
fn years_in(text: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for w in text.split(|c: char| !c.is_ascii_digit()) {
        if w.len() == 4
            && let Ok(y) = w.parse::<i32>()
            && (1900..=2099).contains(&y)
            && !out.contains(&y)
        {
            out.push(y);
        }
    }
    out
}

impl Profile {
    /// The profile of a story's baseline, weighed by `bg`.
    pub fn build(spec: &StorySpec, bg: &Background) -> Self {
        let title = format!(
            "{}\n{}",
            spec.title,
            spec.baseline.title.as_deref().unwrap_or("")
        );
        let lead: Vec<&str> = paragraphs(&spec.baseline.text)
            .take(BASELINE_LEAD_PARAGRAPHS)
            .collect();
        let lead = lead.join("\n");
        let head = [(title.as_str(), 2.0), (lead.as_str(), 1.0)];
        let whole = [(title.as_str(), 2.0), (spec.baseline.text.as_str(), 1.0)];
        let mut words = HashSet::new();
        words_of(&title, &mut words);
        words_of(&spec.baseline.text, &mut words);
        let published = spec.baseline.published.or(spec.baseline.updated);
        let mut years = years_in(&title);
        years.extend(years_in(&spec.baseline.text));
        years.extend(published.map(|t| t.year()));
        Profile {
            lead_topic: TopicVector::build(&head, bg),
            names: TopicVector::of_names(&whole, bg),
            lead_names: TopicVector::of_names(&head, bg),
            words,
            years,
            published,
        }
    }

    /// Whether the profile has anything to compare with (a story without a baseline has not).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// An item's lead and name vectors, built once however many stories it is measured against.
#[derive(Debug, Clone, Default)]
pub struct ItemProfile {
    lead_topic: TopicVector,
    names: TopicVector,
    lead_names: TopicVector,
    /// The lead's name tokens with their weights.
    lead_tokens: Vec<(String, f64)>,
    lead_years: Vec<i32>,
    article: bool,
}

impl ItemProfile {
    /// The profile of an item's fields.
    pub fn build(fields: &Fields, bg: &Background) -> Self {
        let first: Vec<&str> = fields
            .article
            .map(|a| paragraphs(a).take(ITEM_LEAD_PARAGRAPHS).collect())
            .unwrap_or_default();
        let first = first.join("\n");
        let head = [
            (fields.title, 2.0),
            (fields.summary, 1.0),
            (first.as_str(), 1.0),
        ];
        let mut whole: Vec<(&str, f64)> = vec![(fields.title, 2.0), (fields.summary, 1.0)];
        whole.extend(fields.article.map(|a| (a, 1.0)));
        let mut lead_tokens: Vec<(String, f64)> = Vec::new();
        for (text, _) in &head {
            for_each_name_token(text, |token, prior| {
                if !lead_tokens.iter().any(|(t, _)| t == token) {
                    lead_tokens.push((token.to_string(), name_token_weight(prior, token, bg)));
                }
            });
        }
        let mut lead_years = years_in(fields.title);
        lead_years.extend(years_in(fields.summary));
        lead_years.extend(years_in(&first));
        ItemProfile {
            lead_topic: TopicVector::build(&head, bg),
            names: TopicVector::of_names(&whole, bg),
            lead_names: TopicVector::of_names(&head, bg),
            lead_tokens,
            lead_years,
            article: fields.article.is_some(),
        }
    }
}

/// What the matcher found of the story's names in the item, for [`measure`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NameEvidence {
    /// Entity evidence (sum of distinct entities' best weights, generic ones capped).
    pub entity_score: f64,
    /// Share of the baseline's headline entities named.
    pub anchors: f64,
    /// The only name found is a single word.
    pub lone: bool,
}

/// Measures one item against one story.
pub fn measure(
    story: &Profile,
    item: &ItemProfile,
    topical: f64,
    names: NameEvidence,
    published: Option<DateTime<Utc>>,
) -> Evidence {
    let (mut novel, mut all) = (0.0, 0.0);
    for (token, w) in &item.lead_tokens {
        all += w;
        if !story.words.contains(token) {
            novel += w;
        }
    }
    let days = match (published, story.published) {
        (Some(a), Some(b)) => ((a - b).num_hours().abs() as f64 / 24.0 / DAYS_SCALE).min(2.0),
        _ => 0.0,
    };
    let other_year = item
        .lead_years
        .iter()
        .any(|y| !story.years.contains(y) && !story.years.is_empty());
    Evidence {
        topical,
        lead_topical: item.lead_topic.cosine(&story.lead_topic),
        names: item.names.cosine(&story.names),
        lead_names: item.lead_names.cosine(&story.lead_names),
        novel: if all > 0.0 { novel / all } else { 0.0 },
        entities: (names.entity_score / ENTITIES_SCALE).min(1.0),
        anchors: names.anchors,
        lone_name: f64::from(u8::from(names.lone)),
        days,
        other_year: f64::from(u8::from(other_year)),
        article: f64::from(u8::from(item.article)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Article;
    use chrono::TimeZone;

    fn spec() -> StorySpec {
        StorySpec {
            id: "rehab".into(),
            title: "Marla Venn enters rehab".into(),
            baseline: Article {
                title: Some("Actress Marla Venn checks into Serenity Oaks rehab".into()),
                text: "Actress Marla Venn has checked into the Serenity Oaks treatment centre in \
                       Calder Bay, her publicist said on Sunday.\nVenn, 34, sought help for \
                       undisclosed reasons, the publicist said."
                    .into(),
                published: Some(Utc.with_ymd_and_hms(2008, 12, 21, 9, 0, 0).unwrap()),
                updated: None,
            },
            ..StorySpec::default()
        }
    }

    fn measured(title: &str, article: &str, published: Option<DateTime<Utc>>) -> Evidence {
        let bg = Background::default();
        let story = Profile::build(&spec(), &bg);
        let fields = Fields {
            title,
            summary: "",
            article: Some(article),
            published: None,
        };
        let item = ItemProfile::build(&fields, &bg);
        measure(&story, &item, 0.3, NameEvidence::default(), published)
    }

    #[test]
    fn the_same_event_shares_names_and_another_leads_with_new_ones() {
        let same = measured(
            "Marla Venn is seeking help at Serenity Oaks",
            "The actress Marla Venn checked into Serenity Oaks in Calder Bay, a publicist said.",
            None,
        );
        let other = measured(
            "Dana Holloway checks into Birchwood rehab",
            "Singer Dana Holloway checked into the Birchwood clinic in Port Ellis, her lawyer said.",
            None,
        );
        assert!(same.names > 0.5 && other.names < 0.1, "{same:?} {other:?}");
        assert!(same.lead_names > other.lead_names, "{same:?} {other:?}");
        assert!(same.novel < 0.2 && other.novel > 0.8, "{same:?} {other:?}");
        assert_eq!(same.article, 1.0);
    }

    #[test]
    fn another_year_and_distance_in_time_are_measured() {
        let later = Utc.with_ymd_and_hms(2009, 12, 21, 9, 0, 0).unwrap();
        let e = measured(
            "Marla Venn back in rehab in 2013",
            "Marla Venn returned.",
            Some(later),
        );
        assert_eq!(e.other_year, 1.0);
        assert!((e.days - 1.0).abs() < 0.01, "{e:?}");
        let same_year = measured("Marla Venn in rehab, 2008", "Marla Venn.", None);
        assert_eq!(same_year.other_year, 0.0);
        assert_eq!(same_year.days, 0.0);
    }

    #[test]
    fn years_are_four_digit_numbers_in_range() {
        assert_eq!(
            years_in("In 2008 and 1999, not 12345 or 3000 or 208"),
            vec![2008, 1999]
        );
    }
}
