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

use super::topic::{TopicVector, for_each_name_token, for_each_term};
use super::weights::{Background, StoryContext, name_token_weight};
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
pub const FEATURES: [&str; 25] = [
    "topical",
    "lead_topical",
    "names",
    "lead_names",
    "novel",
    "novel_title",
    "novel_count",
    "novel_mentions",
    "novel_numbers",
    "known_title",
    "context_title",
    "context_lead",
    "rival",
    "entities",
    "entities_early",
    "anchors",
    "anchor_best",
    "distinct",
    "distinct_lead",
    "title_terms",
    "lone_name",
    "legacy",
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
    /// The same share for the item's title alone.
    pub novel_title: f64,
    /// Distinct lead name tokens the baseline never mentions (5 or more → 1).
    pub novel_count: f64,
    /// Share of all the item's name mentions (repeats counted) that the baseline never makes.
    pub novel_mentions: f64,
    /// Share of the numbers the item's lead states (scores, sums, counts) that the baseline never does.
    pub novel_numbers: f64,
    /// Share of the title's name weight that the baseline mentions.
    pub known_title: f64,
    /// Share of the title's name weight on the baseline's context: names it mentions
    /// only below its title and lead (an actor's earlier deal, an explainer's aside).
    pub context_title: f64,
    /// The same share for the item's whole lead.
    pub context_lead: f64,
    /// Share of the lead's name weight on the story's rivals: names new to the baseline's
    /// title and lead that keep company with the story's names in the corpus, but seldom
    /// with its headline's (another event told in the same terms).
    pub rival: f64,
    /// The story's entities named anywhere in the item (weights summed, scaled).
    pub entities: f64,
    /// The story's entities named in the title or summary (weights summed, scaled).
    pub entities_early: f64,
    /// Share of the baseline's headline entities the item names.
    pub anchors: f64,
    /// Weight of the most specific headline entity the item names.
    pub anchor_best: f64,
    /// Share of the baseline lead's distinguishing names the item names: names the
    /// story's neighbourhood in the corpus carries only in part (the other party of a
    /// deal, the opponent in a fight), where the names every look-alike carries say nothing.
    #[serde(default)]
    pub distinct: f64,
    /// The same share for the item's lead alone.
    #[serde(default)]
    pub distinct_lead: f64,
    /// Share of the story title's event words (stems) the item's lead uses: an item may
    /// name the event by description ("the concert hall attack") rather than by name.
    pub title_terms: f64,
    /// 1 when the only story name the item has is one single word (a surname, a town).
    pub lone_name: f64,
    /// The hand-set rule's score (entity evidence + 7 × topical), scaled: 1 at its threshold.
    pub legacy: f64,
    /// Time from the baseline, 0 at the baseline, 1 a year away (0 when unknown).
    pub days: f64,
    /// 1 when the item's lead names a year the baseline never does.
    pub other_year: f64,
    /// 1 when the article text was read, 0 for title and summary alone.
    pub article: f64,
    /// Not a weighed feature: whether the item names the story by a name that is no
    /// ordinary word (a follow-up must).
    #[serde(default)]
    pub named: bool,
    /// Not a weighed feature: whether the title or summary names a specific story name
    /// (its article is then always read).
    #[serde(default)]
    pub named_early: bool,
}

impl Evidence {
    /// The features in the order of [`FEATURES`].
    pub fn values(&self) -> [f64; 25] {
        [
            self.topical,
            self.lead_topical,
            self.names,
            self.lead_names,
            self.novel,
            self.novel_title,
            self.novel_count,
            self.novel_mentions,
            self.novel_numbers,
            self.known_title,
            self.context_title,
            self.context_lead,
            self.rival,
            self.entities,
            self.entities_early,
            self.anchors,
            self.anchor_best,
            self.distinct,
            self.distinct_lead,
            self.title_terms,
            self.lone_name,
            self.legacy,
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
    /// Every normalised word of the baseline's title and lead: its names there are anchors.
    lead_words: HashSet<String>,
    /// Name tokens the corpus shows as another event's (see [`Evidence::rival`]).
    rivals: HashSet<String>,
    /// The baseline lead's distinguishing name tokens and their weights (see
    /// [`Evidence::distinct`]).
    distinct: Vec<(String, f64)>,
    /// Years the baseline names, and the year it was published.
    years: Vec<i32>,
    /// Every number the baseline states, as written (digits only).
    numbers: HashSet<String>,
    /// Content-word stems of the story's title and the baseline's headline.
    title_terms: HashSet<String>,
    /// When the baseline was published.
    published: Option<DateTime<Utc>>,
    /// Whether a baseline article was read (a story may run on configured names alone).
    has_baseline: bool,
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

/// The numbers a text states in digits (`334`, `5.4`, `53-3` gives `53` and `3`), as written.
fn numbers_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')) {
        let w = w.trim_matches(|c| c == '.' || c == ',').replace(',', "");
        if !w.is_empty() && w.chars().any(|c| c.is_ascii_digit()) && !out.contains(&w) {
            out.push(w);
        }
    }
    out
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

/// Items naming the story in which a token must appear before it can be a rival.
const RIVAL_MIN_ITEMS: u64 = 2;
/// Share of a token's items that name the story: above it, the token belongs to the
/// story's neighbourhood rather than to the news at large.
const RIVAL_TIED: f64 = 0.5;
/// Share of those items that also name the headline's entities: below it, the token
/// keeps company with the story's secondary names only.
const RIVAL_HEADLINE: f64 = 0.5;

/// Items naming the story in which a lead name must appear before it can tell the story's
/// event from a look-alike: a name no other item carries tells nothing about the others.
const DISTINCT_MIN_ITEMS: u64 = 2;
/// Share of the items naming the story above which a lead name is shared by the story and
/// its look-alikes (the actor both events have), so it distinguishes nothing.
const DISTINCT_MAX_SHARE: f64 = 0.8;

/// The name tokens of the baseline's title and lead that only part of the story's
/// neighbourhood carries, each weighted by how rare it is there (ln of items over its items).
fn distinct_names(context: &StoryContext, head: &[(&str, f64)]) -> Vec<(String, f64)> {
    let items = context.items as f64;
    let mut out: Vec<(String, f64)> = Vec::new();
    for (text, _) in head {
        for_each_name_token(text, |token, _| {
            let n = context.any.get(token).copied().unwrap_or(0);
            if n >= DISTINCT_MIN_ITEMS
                && n as f64 <= DISTINCT_MAX_SHARE * items
                && !out.iter().any(|(t, _)| t == token)
            {
                out.push((token.to_string(), (items / n as f64).ln()));
            }
        });
    }
    out
}

/// The story's rivals in `context`: name tokens not in the baseline's title or lead, seen
/// mostly with the story's names, seldom with its headline's.
fn rivals(
    context: &StoryContext,
    bg: &Background,
    lead_words: &HashSet<String>,
) -> HashSet<String> {
    context
        .any
        .iter()
        .filter(|(token, n)| {
            let n = **n;
            let df = bg.name_tokens.get(*token).copied().unwrap_or(n).max(n);
            let headline = context.headline.get(*token).copied().unwrap_or(0);
            n >= RIVAL_MIN_ITEMS
                && !lead_words.contains(*token)
                && n as f64 >= RIVAL_TIED * df as f64
                && (headline as f64) < RIVAL_HEADLINE * n as f64
        })
        .map(|(token, _)| token.clone())
        .collect()
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
        let mut lead_words = HashSet::new();
        words_of(&title, &mut lead_words);
        words_of(&lead, &mut lead_words);
        let mut words = lead_words.clone();
        words_of(&spec.baseline.text, &mut words);
        let context = bg.context.get(&spec.id);
        let rivals = context
            .map(|c| rivals(c, bg, &lead_words))
            .unwrap_or_default();
        let distinct = context
            .map(|c| distinct_names(c, &head))
            .unwrap_or_default();
        let published = spec.baseline.published.or(spec.baseline.updated);
        let mut years = years_in(&title);
        years.extend(years_in(&spec.baseline.text));
        years.extend(published.map(|t| t.year()));
        let numbers = numbers_in(&title)
            .into_iter()
            .chain(numbers_in(&spec.baseline.text))
            .collect();
        let mut title_terms = HashSet::new();
        for_each_term(&title, |t| {
            title_terms.insert(t.to_string());
        });
        Profile {
            has_baseline: !spec.baseline.text.trim().is_empty(),
            title_terms,
            numbers,
            lead_topic: TopicVector::build(&head, bg),
            names: TopicVector::of_names(&whole, bg),
            lead_names: TopicVector::of_names(&head, bg),
            words,
            lead_words,
            rivals,
            distinct,
            years,
            published,
        }
    }

    /// Whether the profile has no baseline to compare with (a story may run on its
    /// configured names alone until its baseline can be read).
    pub fn is_empty(&self) -> bool {
        !self.has_baseline
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
    /// How many of them come from the title.
    title_tokens: usize,
    lead_years: Vec<i32>,
    /// Numbers of the lead, years left out (they have their own feature).
    lead_numbers: Vec<String>,
    /// Content-word stems of the lead.
    lead_terms: HashSet<String>,
    /// Name mentions in the whole item: (token, weight, times).
    mentions: Vec<(String, f64, u32)>,
    article: bool,
}

impl ItemProfile {
    /// Whether the item's article was read.
    pub fn has_article(&self) -> bool {
        self.article
    }

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
        let mut title_tokens = 0;
        for (i, (text, _)) in head.iter().enumerate() {
            for_each_name_token(text, |token, prior| {
                if !lead_tokens.iter().any(|(t, _)| t == token) {
                    lead_tokens.push((token.to_string(), name_token_weight(prior, token, bg)));
                }
            });
            if i == 0 {
                title_tokens = lead_tokens.len();
            }
        }
        let mut lead_years = years_in(fields.title);
        lead_years.extend(years_in(fields.summary));
        lead_years.extend(years_in(&first));
        let mut lead_numbers: Vec<String> = Vec::new();
        for text in [fields.title, fields.summary, first.as_str()] {
            for n in numbers_in(text) {
                let year =
                    n.len() == 4 && n.parse::<i32>().is_ok_and(|y| (1900..=2099).contains(&y));
                if !year && !lead_numbers.contains(&n) {
                    lead_numbers.push(n);
                }
            }
        }
        let mut lead_terms = HashSet::new();
        for (text, _) in &head {
            for_each_term(text, |t| {
                lead_terms.insert(t.to_string());
            });
        }
        let mut mentions: Vec<(String, f64, u32)> = Vec::new();
        for (text, _) in &whole {
            for_each_name_token(text, |token, prior| {
                match mentions.iter_mut().find(|(t, _, _)| t == token) {
                    Some(m) => m.2 += 1,
                    None => {
                        mentions.push((token.to_string(), name_token_weight(prior, token, bg), 1))
                    }
                }
            });
        }
        ItemProfile {
            lead_topic: TopicVector::build(&head, bg),
            names: TopicVector::of_names(&whole, bg),
            lead_names: TopicVector::of_names(&head, bg),
            lead_tokens,
            title_tokens,
            lead_years,
            lead_numbers,
            lead_terms,
            mentions,
            article: fields.article.is_some(),
        }
    }
}

/// What the matcher found of the story's names in the item, for [`measure`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NameEvidence {
    /// Entity evidence (sum of distinct entities' best weights, generic ones capped).
    pub entity_score: f64,
    /// The same from the title and summary alone.
    pub entity_score_early: f64,
    /// The hand-set rule's score.
    pub legacy: f64,
    /// Share of the baseline's headline entities named.
    pub anchors: f64,
    /// Weight of the most specific headline entity named.
    pub anchor_best: f64,
    /// The only name found is a single word.
    pub lone: bool,
    /// A name that is no ordinary word was found.
    pub named: bool,
    /// A specific story name was found in the title or summary.
    pub named_early: bool,
}

/// Measures one item against one story.
pub fn measure(
    story: &Profile,
    item: &ItemProfile,
    topical: f64,
    names: NameEvidence,
    published: Option<DateTime<Utc>>,
) -> Evidence {
    let (mut novel, mut all, mut count) = (0.0, 0.0, 0usize);
    let (mut title_novel, mut title_all) = (0.0, 0.0);
    let (mut context, mut title_context, mut rival) = (0.0, 0.0, 0.0);
    for (i, (token, w)) in item.lead_tokens.iter().enumerate() {
        // Flattened: a famous newcomer in the lead (a president, a champion) is as telling
        // as an obscure one, though a name every item carries says less.
        let w = 0.3 + 0.7 * w;
        let new = !story.words.contains(token);
        all += w;
        let aside = !new && !story.lead_words.contains(token);
        if new {
            novel += w;
            count += 1;
        }
        if aside {
            context += w;
        }
        if story.rivals.contains(token) {
            rival += w;
        }
        if i < item.title_tokens {
            title_all += w;
            if new {
                title_novel += w;
            }
            if aside {
                title_context += w;
            }
        }
    }
    let share = |part: f64, of: f64| if of > 0.0 { part / of } else { 0.0 };
    let (mut novel_said, mut said) = (0.0, 0.0);
    for (token, w, times) in &item.mentions {
        let w = (0.3 + 0.7 * w) * f64::from(*times);
        said += w;
        if !story.words.contains(token) {
            novel_said += w;
        }
    }
    let new_numbers = item
        .lead_numbers
        .iter()
        .filter(|n| !story.numbers.contains(*n))
        .count();
    let days = match (published, story.published) {
        (Some(a), Some(b)) => ((a - b).num_hours().abs() as f64 / 24.0 / DAYS_SCALE).min(2.0),
        _ => 0.0,
    };
    let distinct_total: f64 = story.distinct.iter().map(|(_, w)| w).sum();
    let distinct_share = |named: &dyn Fn(&str) -> bool| {
        let hit = story
            .distinct
            .iter()
            .filter(|(t, _)| named(t))
            .fold(0.0, |sum, (_, w)| sum + w);
        share(hit, distinct_total)
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
        novel_title: if title_all > 0.0 {
            title_novel / title_all
        } else {
            0.0
        },
        novel_count: (count as f64 / 5.0).min(1.0),
        novel_mentions: if said > 0.0 { novel_said / said } else { 0.0 },
        novel_numbers: if item.lead_numbers.is_empty() {
            0.0
        } else {
            new_numbers as f64 / item.lead_numbers.len() as f64
        },
        known_title: if title_all > 0.0 {
            1.0 - title_novel / title_all
        } else {
            0.0
        },
        context_title: share(title_context, title_all),
        context_lead: share(context, all),
        rival: share(rival, all),
        entities: (names.entity_score / ENTITIES_SCALE).min(1.0),
        entities_early: (names.entity_score_early / ENTITIES_SCALE).min(1.0),
        legacy: (names.legacy / 3.0).min(1.0),
        anchors: names.anchors,
        anchor_best: names.anchor_best,
        distinct: distinct_share(&|t| item.mentions.iter().any(|(m, _, _)| m == t)),
        distinct_lead: distinct_share(&|t| item.lead_tokens.iter().any(|(m, _)| m == t)),
        title_terms: if story.title_terms.is_empty() {
            0.0
        } else {
            story
                .title_terms
                .iter()
                .filter(|t| item.lead_terms.contains(*t))
                .count() as f64
                / story.title_terms.len() as f64
        },
        lone_name: f64::from(u8::from(names.lone)),
        days,
        other_year: f64::from(u8::from(other_year)),
        article: f64::from(u8::from(item.article)),
        named: names.named,
        named_early: names.named_early,
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

    /// An item (title, and article when read) measured against `story` weighed by `bg`.
    fn measure_item(
        story: &Profile,
        bg: &Background,
        title: &str,
        article: Option<&str>,
        published: Option<DateTime<Utc>>,
    ) -> Evidence {
        let fields = Fields {
            title,
            summary: "",
            article,
            published: None,
        };
        let item = ItemProfile::build(&fields, bg);
        measure(story, &item, 0.3, NameEvidence::default(), published)
    }

    fn measured(title: &str, article: &str, published: Option<DateTime<Utc>>) -> Evidence {
        let bg = Background::default();
        let story = Profile::build(&spec(), &bg);
        measure_item(&story, &bg, title, Some(article), published)
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
    fn a_title_on_the_baselines_aside_is_context() {
        let mut story = spec();
        story.baseline.text.push_str(
            "\nHer next film opens in spring.\nIn 2003 Venn spent a month at the Harrowgate clinic near Dunmore after a \
             car crash.",
        );
        let bg = Background::default();
        let profile = Profile::build(&story, &bg);
        let of = |title: &str| measure_item(&profile, &bg, title, None, None);
        let aside = of("Harrowgate clinic in Dunmore closes");
        let anchor = of("Serenity Oaks in Calder Bay says Venn is resting");
        assert!(aside.context_title > 0.9, "{aside:?}");
        assert!(aside.context_lead > 0.9, "{aside:?}");
        assert_eq!(anchor.context_title, 0.0, "{anchor:?}");
        assert_eq!(aside.rival, 0.0, "no corpus, no rivals: {aside:?}");
    }

    #[test]
    fn rivals_keep_company_with_the_story_but_not_with_its_headline() {
        let mut context = StoryContext::default();
        let mut bg = Background {
            docs: 100,
            ..Background::default()
        };
        // token: (items naming the story, of them naming the headline, items in all)
        for (token, any, headline, df) in [
            ("birchwood", 6, 1, 7), // another clinic, named beside the story's people
            ("serenity", 9, 9, 9),  // the headline's own company
            ("reuters", 8, 0, 60),  // everywhere: not the story's neighbourhood
            ("holloway", 1, 0, 1),  // once is no pattern
            ("venn", 12, 12, 12),   // in the baseline's lead
        ] {
            context.any.insert(token.into(), any);
            context.headline.insert(token.into(), headline);
            bg.name_tokens.insert(token.into(), df);
        }
        let mut lead_words = HashSet::new();
        words_of("Actress Marla Venn checks in", &mut lead_words);
        let found = rivals(&context, &bg, &lead_words);
        assert_eq!(found, HashSet::from(["birchwood".to_string()]));
    }

    #[test]
    fn names_that_split_the_storys_neighbourhood_are_its_distinct_ones() {
        // Ten items name the story: all name the actor (as a look-alike event would), four
        // the clinic, one the town.
        let mut context = StoryContext {
            items: 10,
            ..StoryContext::default()
        };
        for (token, n) in [
            ("marla", 10),
            ("venn", 10),
            ("serenity", 4),
            ("oaks", 4),
            ("calder", 1),
        ] {
            context.any.insert(token.into(), n);
        }
        let mut bg = Background {
            docs: 100,
            ..Background::default()
        };
        bg.context.insert("rehab".into(), context);
        let story = Profile::build(&spec(), &bg);
        let mut distinct: Vec<&str> = story.distinct.iter().map(|(t, _)| t.as_str()).collect();
        distinct.sort_unstable();
        assert_eq!(distinct, ["oaks", "serenity"], "{:?}", story.distinct);
        let of = |title: &str, article: &str| measure_item(&story, &bg, title, Some(article), None);
        let same = of(
            "Actress Marla Venn is resting at Serenity Oaks, her publicist says",
            "The actress is said to be doing well.",
        );
        assert!((same.distinct - 1.0).abs() < 1e-9, "{same:?}");
        assert!((same.distinct_lead - 1.0).abs() < 1e-9, "{same:?}");
        let other = of(
            "Actress Marla Venn checks into the clinic at Birchwood",
            "Venn entered the clinic in Port Ellis.",
        );
        assert_eq!(other.distinct, 0.0, "{other:?}");
        let passing = of(
            "Actress Marla Venn checks into the clinic at Birchwood",
            "Venn entered the clinic in Port Ellis.\nHer manager confirmed it.\nShe spent a \
             month at Serenity Oaks in 2003.",
        );
        assert!(passing.distinct > 0.9, "{passing:?}");
        assert_eq!(passing.distinct_lead, 0.0, "{passing:?}");
    }

    #[test]
    fn years_are_four_digit_numbers_in_range() {
        assert_eq!(
            years_in("In 2008 and 1999, not 12345 or 3000 or 208"),
            vec![2008, 1999]
        );
    }
}
