//! One Aho-Corasick automaton over every story's names, and the two-stage follow-up judgement.
//!
//! Texts are normalised (see `normalize`) and scanned once for all stories. Names that are
//! also ordinary words match only where the original text writes them as names: capitalised
//! and not at a sentence start or in a Title Case line, or in capitals. A decision needs a
//! specific name: the sum of distinct entities' weights, plus topical similarity to the
//! baseline, must clear a threshold that generic names alone cannot reach.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind};
use serde::{Deserialize, Serialize};

use super::evidence::{self, Evidence, ItemProfile, NameEvidence, Profile};
use super::model::Model;
use super::topic::{self, TopicVector};
use super::weights::{Background, name_specificity};
use super::{Field, Fields, Hit, Judgement, StorySpec};
use crate::extract::entities::{LearnedEntity, is_boilerplate_paragraph, learn};
use crate::text::normalize::{normalize, normalize_mapped, on_word_boundaries};
use crate::text::prior::is_common_word;

/// Most entities kept per story (the most mentioned first): bounds the automaton.
const MAX_ENTITIES: usize = 60;
/// Weight factor of a name that is also a common word: it may be the word after all.
const COMMON_NAME_FACTOR: f64 = 0.6;
/// Score (entity evidence + `TOPIC_FACTOR` × topical similarity) that makes a follow-up.
const THRESHOLD: f64 = 1.0;
/// How much topical similarity (cosine, 0..1) counts against entity evidence.
const TOPIC_FACTOR: f64 = 7.0;
/// Topical similarity below which an item that shares no name or title word with the
/// story is unrelated (see `gates`).
const MIN_TOPICAL: f64 = 0.1;
/// Topical similarity (whole item or lead) below which an item does not speak of the
/// event, unless it uses the story title's words (see `gates`).
const MIN_EVENT: f64 = 0.05;
/// Names less specific than this are generic ("Russia", "Islamic State")...
const GENERIC_BELOW: f64 = 0.3;
/// ...and all of them together add at most this, so a country's news piling up its names stays low.
const GENERIC_CAP: f64 = 0.3;

/// Why stage 1 asks for an item's article.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ask {
    /// The title or summary names a specific story name: the article is always read.
    Named,
    /// Stage 1's weights ask for it, with this probability: read within the round's fetch
    /// budget (see `round::within_budget`).
    Weighed(f64),
}

/// A story entity, as the matcher weighs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityInfo {
    /// Names, main first.
    pub names: Vec<String>,
    /// Per name: its weight (specificity × salience, lowered for common-word names).
    pub name_weights: Vec<f64>,
    /// Occurrences in the baseline (0 for configured names the baseline lacks).
    pub count: u32,
    /// Whether the baseline's title names it.
    pub in_title: bool,
    /// Whether the baseline's title or lead names it: an anchor of the event, where the
    /// names only its later paragraphs give are context (an explainer's asides).
    #[serde(default)]
    pub in_lead: bool,
    /// Whether the main name is also an ordinary word.
    pub common_word: bool,
    /// Whether the user configured it.
    pub configured: bool,
    /// How central it is to the baseline, 0..1 (1 for configured names).
    pub salience: f64,
}

/// A compiled story: its entities and its baseline's topical vector.
#[derive(Debug, Clone)]
pub struct StoryInfo {
    /// The story id.
    pub id: String,
    /// Its entities.
    pub entities: Vec<EntityInfo>,
    /// Exclude phrases as configured.
    pub exclude: Vec<String>,
    /// Baseline texts and their weights, kept to rebuild the topical vector when the background changes.
    baseline_texts: Vec<(String, f64)>,
    /// The baseline's content-word vector.
    topic: TopicVector,
    /// What the evidence compares items with.
    profile: Profile,
    /// The spec, kept to rebuild the profile when the background changes.
    spec: StorySpec,
}

/// Who a pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Entity `entity` (index) of story `story`, through name `name` (index in its names).
    Entity {
        /// Story index.
        story: usize,
        /// Entity index.
        entity: usize,
        /// Name index.
        name: usize,
    },
    /// Exclude phrase `phrase` of story `story`.
    Exclude {
        /// Story index.
        story: usize,
        /// Phrase index.
        phrase: usize,
    },
}

/// One normalised pattern in the automaton.
#[derive(Debug, Clone)]
struct Pattern {
    norm: String,
    /// Matches only as a name (capitalised, not sentence-initial) because it is also a word.
    common: bool,
    owners: Vec<Owner>,
}

/// A name found in a text: who owns it and where (byte offsets in the original text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanHit {
    /// Which story and entity (or exclude phrase).
    pub owner: Owner,
    /// Start byte offset in the scanned text.
    pub start: usize,
    /// End byte offset in the scanned text.
    pub end: usize,
}

/// An item's name hits per field (title, summary, article) and its topical similarity with each story: what
/// judging needs from the item, computed once however many stories it is judged against.
#[derive(Debug, Clone, Default)]
pub struct PreparedItem {
    hits: [Vec<ScanHit>; 3],
    /// Topical similarity with each story's baseline, by story index.
    topical: Vec<f64>,
    /// Its lead and name vectors.
    profile: ItemProfile,
    /// When it was published.
    published: Option<chrono::DateTime<chrono::Utc>>,
}

impl PreparedItem {
    /// Whether the article text was read.
    fn profile_has_article(&self) -> bool {
        self.profile.has_article()
    }
}

/// Every story's names in one automaton, with weights and baselines for judging.
#[derive(Debug, Clone)]
pub struct Matcher {
    stories: Vec<StoryInfo>,
    patterns: Vec<Pattern>,
    ac: Option<AhoCorasick>,
    /// The background the weights came from, reused to weigh items' content words.
    bg: Background,
}

/// `in_lead` covers the title too: a headline name is always an anchor.
fn salience(e: &LearnedEntity, in_lead: bool) -> f64 {
    let c = f64::from(e.count.saturating_sub(1).min(3));
    let lead = if in_lead { 0.2 } else { 0.0 };
    (0.5 + lead + 0.1 * c + if e.in_title { 0.3 } else { 0.0 }).min(1.0)
}

/// Whether `lead` names one of `names`, as a whole word.
fn names_any(lead: &str, names: &[String]) -> bool {
    names.iter().any(|n| {
        lead.match_indices(n.as_str())
            .any(|(at, _)| on_word_boundaries(lead, at, at + n.len()))
    })
}

fn is_acronym(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// Builds a story's entities: learned from the baseline, merged with configured names and aliases.
fn story_entities(spec: &StorySpec) -> Vec<EntityInfo> {
    let body = body_paragraphs(spec);
    let text = body.join("\n");
    let lead = body[..body.len().min(LEAD_PARAGRAPHS)].join("\n");
    // The user's story title names the story as surely as the baseline's headline.
    let title = format!(
        "{}\n{}",
        spec.title,
        spec.baseline.title.as_deref().unwrap_or("")
    );
    let mut learned = learn(&title, &text);
    learned.truncate(MAX_ENTITIES);
    let mut out: Vec<EntityInfo> = learned
        .iter()
        .map(|e| {
            let in_lead = e.in_title || names_any(&lead, &e.names);
            EntityInfo {
                names: e.names.clone(),
                name_weights: Vec::new(),
                count: e.count,
                in_title: e.in_title,
                in_lead,
                common_word: e.common_word,
                configured: false,
                salience: salience(e, in_lead),
            }
        })
        .collect();
    let find = |out: &[EntityInfo], norm: &str| {
        out.iter()
            .position(|e| e.names.iter().any(|n| normalize(n) == norm))
    };
    for name in &spec.entities {
        let norm = normalize(name);
        if norm.is_empty() {
            continue;
        }
        match find(&out, &norm) {
            Some(i) => {
                out[i].configured = true;
                out[i].salience = 1.0;
            }
            None => out.push(EntityInfo {
                names: vec![name.clone()],
                name_weights: Vec::new(),
                count: 0,
                in_title: false,
                in_lead: false,
                common_word: !norm.contains(' ') && is_common_word(&norm),
                configured: true,
                salience: 1.0,
            }),
        }
    }
    for (name, aliases) in &spec.aliases {
        let norm = normalize(name);
        let i = match find(&out, &norm) {
            Some(i) => i,
            None => {
                out.push(EntityInfo {
                    names: vec![name.clone()],
                    name_weights: Vec::new(),
                    count: 0,
                    in_title: false,
                    in_lead: false,
                    common_word: !norm.contains(' ') && is_common_word(&norm),
                    configured: true,
                    salience: 1.0,
                });
                out.len() - 1
            }
        };
        for a in aliases {
            if !normalize(a).is_empty() && find(&out[i..=i], &normalize(a)).is_none() {
                out[i].names.push(a.clone());
            }
        }
    }
    out
}

fn name_is_common(e: &EntityInfo, name: &str) -> bool {
    let norm = normalize(name);
    !norm.contains(' ')
        && !is_acronym(name)
        && (is_common_word(&norm) || (e.common_word && normalize(&e.names[0]) == norm))
}

fn weigh(entities: &mut [EntityInfo], bg: &Background) {
    for e in entities.iter_mut() {
        let weights: Vec<f64> = e
            .names
            .iter()
            .map(|n| {
                let spec = name_specificity(&normalize(n), bg);
                let common = if name_is_common(e, n) {
                    COMMON_NAME_FACTOR
                } else {
                    1.0
                };
                spec * e.salience * common
            })
            .collect();
        e.name_weights = weights;
    }
}

/// Weight of headlines and of the lead in the baseline's vector: news puts the event first.
const TITLE_WEIGHT: f64 = 2.0;
/// See `TITLE_WEIGHT`.
const LEAD_WEIGHT: f64 = 1.5;
/// Paragraphs that make up the lead.
const LEAD_PARAGRAPHS: usize = 3;

/// The baseline's paragraphs without page furniture (a donation box, a newsletter offer),
/// which names no one in the story and says nothing of its event.
fn body_paragraphs(spec: &StorySpec) -> Vec<&str> {
    spec.baseline
        .text
        .split('\n')
        .filter(|p| !p.trim().is_empty() && !is_boilerplate_paragraph(p))
        .collect()
}

fn baseline_texts(spec: &StorySpec) -> Vec<(String, f64)> {
    let mut v = vec![(spec.title.clone(), TITLE_WEIGHT)];
    if let Some(t) = &spec.baseline.title {
        v.push((t.clone(), TITLE_WEIGHT));
    }
    let body = body_paragraphs(spec);
    let split = body.len().min(LEAD_PARAGRAPHS);
    v.push((body[..split].join("\n"), LEAD_WEIGHT));
    v.push((body[split..].join("\n"), 1.0));
    v
}

/// True if the original text at `start` begins a sentence, line or quote.
fn at_sentence_start(text: &str, start: usize) -> bool {
    let Some(before) = text.get(..start) else {
        return true;
    };
    for c in before.chars().rev() {
        if c == '\n' {
            return true;
        }
        if c.is_whitespace() {
            continue;
        }
        return matches!(
            c,
            '.' | '!'
                | '?'
                | ':'
                | '"'
                | '\u{201C}'
                | '\u{201E}'
                | '\u{2018}'
                | '\u{00AB}'
                | '•'
                | '|'
                | '('
                | '['
                | '—'
                | '–'
        );
    }
    true
}

/// The bounds `from..to` of the line holding `start` (no `'\n'` in it).
fn line_bounds(text: &str, start: usize) -> (usize, usize) {
    let from = text
        .get(..start)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    let to = text
        .get(start..)
        .and_then(|s| s.find('\n'))
        .map_or(text.len(), |i| start + i);
    (from, to)
}

/// True if `line` is a Title Case headline (capitals there prove nothing).
fn is_title_case_line(line: &str) -> bool {
    let mut words = 0usize;
    let mut caps = 0usize;
    for w in line
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}')
        .filter(|w| w.chars().count() >= 4)
    {
        words += 1;
        if words > 40 {
            return false;
        }
        if w.chars().next().is_some_and(char::is_uppercase) {
            caps += 1;
        }
    }
    words >= 3 && caps * 5 >= words * 4
}

/// The last line judged by `in_title_case_line`: scans report hits in text order, so a long
/// line is split into words once, not once per hit in it.
#[derive(Debug, Default)]
struct LineMemo {
    line: Option<(usize, usize, bool)>,
}

/// True if the line holding `start` is a Title Case headline (capitals there prove nothing).
fn in_title_case_line(text: &str, start: usize, memo: &mut LineMemo) -> bool {
    if let Some((from, to, title)) = memo.line
        && from <= start
        && start <= to
    {
        return title;
    }
    let (from, to) = match memo.line {
        // The previous line ends at a '\n' before `start`: look for this line's start after it.
        Some((_, to, _)) if to < start => {
            let from = text
                .get(to..start)
                .and_then(|s| s.rfind('\n'))
                .map_or(0, |i| to + i + 1);
            let end = text
                .get(start..)
                .and_then(|s| s.find('\n'))
                .map_or(text.len(), |i| start + i);
            (from, end)
        }
        _ => line_bounds(text, start),
    };
    let title = text.get(from..to).is_some_and(is_title_case_line);
    memo.line = Some((from, to, title));
    title
}

/// True if the original span reads as a name: capitalised mid-sentence, or all capitals.
fn reads_as_name(text: &str, start: usize, end: usize, memo: &mut LineMemo) -> bool {
    let Some(span) = text.get(start..end) else {
        return false;
    };
    let letters: Vec<char> = span.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        return true;
    }
    if !span.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    !at_sentence_start(text, start) && !in_title_case_line(text, start, memo)
}

impl Matcher {
    /// Learns every story's entities, weighs them against `bg` and builds the automaton.
    pub fn build(stories: &[StorySpec], bg: &Background) -> Self {
        let mut infos = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut add = |norm: String, common: bool, owner: Owner, patterns: &mut Vec<Pattern>| {
            if norm.is_empty() {
                return;
            }
            let i = *index.entry(norm.clone()).or_insert_with(|| {
                patterns.push(Pattern {
                    norm,
                    common,
                    owners: Vec::new(),
                });
                patterns.len() - 1
            });
            patterns[i].common &= common;
            patterns[i].owners.push(owner);
        };
        for (s, spec) in stories.iter().enumerate() {
            let mut entities = story_entities(spec);
            weigh(&mut entities, bg);
            for (ei, e) in entities.iter().enumerate() {
                for (ni, n) in e.names.iter().enumerate() {
                    let owner = Owner::Entity {
                        story: s,
                        entity: ei,
                        name: ni,
                    };
                    let common = name_is_common(e, n);
                    let norm = normalize(n);
                    // "COVID-19" is also written "COVID19".
                    if is_acronym(n) && norm.contains(' ') {
                        add(norm.replace(' ', ""), common, owner, &mut patterns);
                    }
                    add(norm, common, owner, &mut patterns);
                }
            }
            for (pi, p) in spec.exclude.iter().enumerate() {
                add(
                    normalize(p),
                    false,
                    Owner::Exclude {
                        story: s,
                        phrase: pi,
                    },
                    &mut patterns,
                );
            }
            let texts = baseline_texts(spec);
            let refs: Vec<(&str, f64)> = texts.iter().map(|(t, w)| (t.as_str(), *w)).collect();
            infos.push(StoryInfo {
                id: spec.id.clone(),
                entities,
                exclude: spec.exclude.clone(),
                topic: TopicVector::build(&refs, bg),
                baseline_texts: texts,
                profile: Profile::build(spec, bg),
                spec: spec.clone(),
            });
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(patterns.iter().map(|p| p.norm.as_bytes()))
            .or_else(|_| {
                // A DFA too large for the limits: fall back to the automatic choice.
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(patterns.iter().map(|p| p.norm.as_bytes()))
            })
            .ok();
        Self {
            stories: infos,
            patterns,
            ac,
            bg: bg.clone(),
        }
    }

    /// Re-weighs names and baseline vectors with new background counts (the automaton is kept).
    pub fn set_background(&mut self, bg: &Background) {
        for s in &mut self.stories {
            weigh(&mut s.entities, bg);
            let refs: Vec<(&str, f64)> = s
                .baseline_texts
                .iter()
                .map(|(t, w)| (t.as_str(), *w))
                .collect();
            s.topic = TopicVector::build(&refs, bg);
            s.profile = Profile::build(&s.spec, bg);
        }
        self.bg = bg.clone();
    }

    /// The background the weights came from.
    pub fn background(&self) -> &Background {
        &self.bg
    }

    /// The compiled stories, in the order given to `build`.
    pub fn stories(&self) -> &[StoryInfo] {
        &self.stories
    }

    /// The index of the story with this id.
    pub fn story_index(&self, id: &str) -> Option<usize> {
        self.stories.iter().position(|s| s.id == id)
    }

    /// Finds every story name and exclude phrase in `text`, on word boundaries, leftmost-longest.
    pub fn scan(&self, text: &str) -> Vec<ScanHit> {
        let mut out = Vec::new();
        self.scan_patterns(text, |p, start, end| {
            for &owner in &self.patterns[p].owners {
                out.push(ScanHit { owner, start, end });
            }
        });
        out
    }

    /// The distinct normalised names (not exclude phrases) found in `text`: what to count for `Background::names`.
    pub fn names_in(&self, text: &str) -> Vec<String> {
        self.names_and_stories(text).0
    }

    /// The distinct normalised names found in `text`, and the stories (by index) whose
    /// entities they are, each with whether one of them is in the baseline's headline.
    pub fn names_and_stories(&self, text: &str) -> (Vec<String>, Vec<(usize, bool)>) {
        // Hits are few next to the patterns: collect their indices rather than a flag per pattern.
        let mut seen: Vec<usize> = Vec::new();
        self.scan_patterns(text, |p, _, _| seen.push(p));
        seen.sort_unstable();
        seen.dedup();
        let mut names = Vec::new();
        let mut stories: Vec<(usize, bool)> = Vec::new();
        for p in seen.into_iter().filter_map(|i| self.patterns.get(i)) {
            let mut entity = false;
            for owner in &p.owners {
                let &Owner::Entity {
                    story, entity: e, ..
                } = owner
                else {
                    continue;
                };
                entity = true;
                let headline = self
                    .stories
                    .get(story)
                    .and_then(|s| s.entities.get(e))
                    .is_some_and(|e| e.in_title);
                match stories.iter_mut().find(|(s, _)| *s == story) {
                    Some(slot) => slot.1 |= headline,
                    None => stories.push((story, headline)),
                }
            }
            if entity {
                names.push(p.norm.clone());
            }
        }
        (names, stories)
    }

    fn scan_patterns(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        let Some(ac) = &self.ac else { return };
        let norm = normalize_mapped(text);
        let hay = norm.text.as_bytes();
        let mut memo = LineMemo::default();
        let mut at = 0;
        while at < hay.len() {
            let input = Input::new(hay).span(at..hay.len()).anchored(Anchored::No);
            let Some(m) = ac.find(input) else { break };
            let (s, e) = (m.start(), m.end());
            if !on_word_boundaries(&norm.text, s, e) {
                // A rejected match may hide a valid one starting inside it.
                at = next_char(&norm.text, s);
                continue;
            }
            let p = m.pattern().as_usize();
            let start = norm.original(s, text);
            let end = norm.original(e, text);
            // A span ending inside a separator run maps past it; trim back to the last word char.
            let end = text.get(start..end).map_or(end, |span| {
                start + span.trim_end_matches(|c: char| !c.is_alphanumeric()).len()
            });
            if !self.patterns[p].common || reads_as_name(text, start, end, &mut memo) {
                found(p, start, end);
            }
            at = e.max(s + 1);
        }
    }

    /// Stage 1: the stories for which title and summary make the item worth reading, and why.
    pub fn candidates(&self, fields: &Fields) -> Vec<(usize, Ask)> {
        let fields = Fields {
            article: None,
            ..*fields
        };
        // Most items of a round name no story and share little of any story's vocabulary:
        // they are settled by the scan and the topical cosines alone, before the item's
        // lead and name vectors are built (half the cost of judging it).
        let mut item = self.prepare_scan(&fields);
        let named: Vec<usize> = item.hits[..2]
            .iter()
            .flatten()
            .filter_map(|h| match h.owner {
                Owner::Entity { story, .. } => Some(story),
                Owner::Exclude { .. } => None,
            })
            .collect();
        let open: Vec<usize> = (0..self.stories.len())
            .filter(|s| {
                named.contains(s) || item.topical.get(*s).is_some_and(|t| *t >= MIN_TOPICAL)
            })
            .collect();
        if open.is_empty() {
            return Vec::new();
        }
        item.profile = ItemProfile::build(&fields, &self.bg);
        let model = Model::shipped();
        open.into_iter()
            .filter_map(|s| {
                let judgement = self.judge_prepared(s, &item);
                if !judgement.candidate {
                    return None;
                }
                // A story without a baseline asks by its configured names alone.
                let by_name = judgement.evidence.named_early
                    || self.stories.get(s).is_none_or(|i| i.profile.is_empty());
                let ask = if by_name {
                    Ask::Named
                } else {
                    Ask::Weighed(model.stage1.probability(&judgement.evidence))
                };
                Some((s, ask))
            })
            .collect()
    }

    /// Scans an item's fields and builds its topical vector once, to judge it against any story.
    pub fn prepare(&self, fields: &Fields) -> PreparedItem {
        let mut item = self.prepare_scan(fields);
        item.profile = ItemProfile::build(fields, &self.bg);
        item
    }

    /// [`Self::prepare`] without the lead and name vectors (an empty profile).
    fn prepare_scan(&self, fields: &Fields) -> PreparedItem {
        let texts = [Some(fields.title), Some(fields.summary), fields.article];
        let hits = texts.map(|t| t.map(|t| self.scan(t)).unwrap_or_default());
        let item_texts: Vec<(&str, f64)> = texts.into_iter().flatten().map(|t| (t, 1.0)).collect();
        let baselines: Vec<&TopicVector> = self.stories.iter().map(|s| &s.topic).collect();
        PreparedItem {
            hits,
            topical: topic::cosines(&item_texts, &self.bg, &baselines),
            profile: ItemProfile::default(),
            published: fields.published,
        }
    }

    /// Judges an item for story `story` (stage 2 when `fields.article` is set); unknown index → no match.
    pub fn judge(&self, story: usize, fields: &Fields) -> Judgement {
        if story >= self.stories.len() {
            return no_match();
        }
        self.judge_prepared(story, &self.prepare(fields))
    }

    /// Judges a prepared item for story `story`, as `judge` would judge its fields.
    pub fn judge_prepared(&self, story: usize, item: &PreparedItem) -> Judgement {
        let mut none = no_match();
        let Some(info) = self.stories.get(story) else {
            return none;
        };
        // Best (weight, name, field) per entity.
        let mut best: HashMap<usize, (f64, usize, Field, bool)> = HashMap::new();
        let fields = [Field::Title, Field::Summary, Field::Article];
        for (&field, hits) in fields.iter().zip(&item.hits) {
            for h in hits {
                match h.owner {
                    Owner::Exclude { story: s, phrase } if s == story => {
                        none.excluded = info.exclude.get(phrase).cloned();
                        return none;
                    }
                    Owner::Entity {
                        story: s,
                        entity,
                        name,
                    } if s == story => {
                        let Some(e) = info.entities.get(entity) else {
                            continue;
                        };
                        let w = e.name_weights.get(name).copied().unwrap_or(0.0);
                        let common = e.names.get(name).is_some_and(|n| name_is_common(e, n));
                        let slot = best.entry(entity).or_insert((w, name, field, common));
                        if w > slot.0 {
                            *slot = (w, name, field, common);
                        }
                    }
                    _ => {}
                }
            }
        }
        let entity_score = entity_sum(best.values().map(|b| b.0));
        // A name that is also a word never makes a follow-up on its own.
        let named = best.values().any(|b| !b.3);
        let named_early = best
            .values()
            .any(|b| !b.3 && b.0 >= GENERIC_BELOW && matches!(b.2, Field::Title | Field::Summary));
        // Entities named in the title or summary, at the best weight they have there.
        let mut early: HashMap<usize, f64> = HashMap::new();
        for h in item.hits.iter().take(2).flatten() {
            if let Owner::Entity {
                story: s,
                entity,
                name,
            } = h.owner
                && s == story
                && let Some(e) = info.entities.get(entity)
            {
                let w = e.name_weights.get(name).copied().unwrap_or(0.0);
                let slot = early.entry(entity).or_insert(w);
                *slot = slot.max(w);
            }
        }
        let entity_score_early = entity_sum(early.values().copied());
        let topical = item.topical.get(story).copied().unwrap_or(0.0);
        // One one-word name and nothing else of the story is not evidence: many places and
        // people share a one-word name ("Fairview", "Victoria"), and news that is about the
        // story names more of it (its country, venue, people). The topic must carry such an item.
        let lone = best.len() == 1
            && best.iter().all(|(&ei, &(_, ni, _, _))| {
                info.entities
                    .get(ei)
                    .and_then(|e| e.names.get(ni))
                    .is_some_and(|n| !n.trim().contains(char::is_whitespace))
            });
        // The hand-set rule this decision replaced, kept as one feature among the others:
        // entity evidence (none from a lone one-word name) plus weighted topical similarity.
        let rule = if lone { 0.0 } else { entity_score } + TOPIC_FACTOR * topical;
        let evidence = evidence::measure(
            &info.profile,
            &item.profile,
            topical,
            NameEvidence {
                entity_score,
                entity_score_early,
                legacy: rule / THRESHOLD,
                named,
                named_early,
                anchors: anchor_share(info, &best).0,
                anchor_best: anchor_share(info, &best).1,
                lone,
            },
            item.published,
        );
        let mut hits: Vec<Hit> = best
            .iter()
            .filter_map(|(&ei, &(w, ni, field, _))| {
                let e = info.entities.get(ei)?;
                Some(Hit {
                    name: e.names.get(ni)?.clone(),
                    entity: e.names.first()?.clone(),
                    field,
                    weight: w,
                })
            })
            .collect();
        hits.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.name.cmp(&b.name)));
        let model = Model::shipped();
        let stage = if item.profile_has_article() {
            &model.stage2
        } else {
            &model.stage1
        };
        let (asked, followup, score) = if info.profile.is_empty() {
            // No baseline read (yet): the weights were fitted on comparisons with one, so
            // the configured names decide alone, as they did before there were weights:
            // two specific names, or one with a name in the headline to read the article.
            let specific = best.values().filter(|b| b.0 >= GENERIC_BELOW).count();
            let followup = named && specific >= 2 && rule >= THRESHOLD;
            (named_early || followup, followup, rule / THRESHOLD)
        } else {
            gates(&evidence, model)
        };
        Judgement {
            score,
            followup,
            candidate: asked,
            entity_score,
            topical,
            excluded: None,
            hits,
            contributions: stage.contributions(&evidence),
            evidence,
            without_article: None,
        }
    }
}

/// What the fitted weights decide, within rules no weight overrides. An item is read when
/// its title or summary names a specific story name, or when it shares something with the
/// story and stage 1's weights ask for it. It is a follow-up only when stage 2's weights
/// say so, it names the story by a name that is no ordinary word, and it speaks of the
/// event: some of the baseline's vocabulary or the story title's words. Without the last
/// two, one shared place name (the town in every local story) or an on-topic report of
/// another event would pass on weights fitted where such items are rare. Returns
/// (read it, follow-up, stage 2's probability).
fn gates(e: &Evidence, model: &Model) -> (bool, bool, f64) {
    let shares =
        e.entities > 0.0 || e.names > 0.0 || e.title_terms > 0.0 || e.topical >= MIN_TOPICAL;
    if !shares {
        return (false, false, 0.0);
    }
    let asked = e.named_early || model.stage1.probability(e) >= model.stage1.threshold;
    let p = model.stage2.probability(e);
    let on_event = e.topical >= MIN_EVENT || e.lead_topical >= MIN_EVENT || e.title_terms > 0.0;
    (asked, e.named && on_event && p >= model.stage2.threshold, p)
}

/// Entity evidence from distinct entities' weights: specific names add up, generic ones
/// together add at most [`GENERIC_CAP`].
fn entity_sum(weights: impl Iterator<Item = f64>) -> f64 {
    let (mut specific, mut generic) = (0.0, 0.0);
    for w in weights {
        if w >= GENERIC_BELOW {
            specific += w;
        } else {
            generic += w;
        }
    }
    specific + f64::min(generic, GENERIC_CAP)
}

/// Share of the weight of the story's headline entities that an item's hits name.
/// Also the weight of the most specific headline entity named.
fn anchor_share(info: &StoryInfo, best: &HashMap<usize, (f64, usize, Field, bool)>) -> (f64, f64) {
    let (mut found, mut all, mut top) = (0.0, 0.0, 0.0);
    for (i, e) in info.entities.iter().enumerate().filter(|(_, e)| e.in_title) {
        let w = e.name_weights.iter().copied().fold(0.0, f64::max);
        all += w;
        if best.contains_key(&i) {
            found += w;
            top = f64::max(top, w);
        }
    }
    (if all > 0.0 { found / all } else { 0.0 }, top)
}

/// The judgement of an item that names nothing of the story.
fn no_match() -> Judgement {
    Judgement {
        score: 0.0,
        followup: false,
        candidate: false,
        entity_score: 0.0,
        topical: 0.0,
        excluded: None,
        hits: Vec::new(),
        evidence: Evidence::default(),
        contributions: Vec::new(),
        without_article: None,
    }
}

fn next_char(s: &str, i: usize) -> usize {
    let mut j = i + 1;
    while j < s.len() && !s.is_char_boundary(j) {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Article;

    /// An invented story: a flood at a stadium during a concert by a band whose name is a word.
    fn flood_story() -> StorySpec {
        StorySpec {
            id: "flood".into(),
            title: "Harbourlight Arena flood in Velmora".into(),
            baseline: Article {
                title: Some("Floodwater kills 12 at Harbourlight Arena during Lantern concert".into()),
                text: "Floodwater burst into the Harbourlight Arena in Velmora, Norway, on Saturday night during a concert by the rock band Lantern, killing at least 12 people.\n\n\
                    Rescuers pulled dozens of concertgoers from the flooded stands. The river Skarn broke its banks after days of rain.\n\n\
                    The Velmora Rescue Service (VRS) said 40 people were injured. Governor Olwen Marrick said the arena's drainage had failed.\n\n\
                    The Islamic State has no role here; police in Oslo and Moscow were not involved."
                    .into(),
                ..Article::default()
            },
            exclude: vec!["Harbourlight Arena tickets".into()],
            ..StorySpec::default()
        }
    }

    fn matcher() -> Matcher {
        Matcher::build(&[flood_story()], &Background::default())
    }

    fn judge(m: &Matcher, title: &str, summary: &str, article: &str) -> Judgement {
        m.judge(
            0,
            &Fields {
                title,
                summary,
                article: Some(article),
                published: None,
            },
        )
    }

    #[test]
    fn anchors_are_named_by_title_or_lead_and_furniture_is_not_learned() {
        let mut story = flood_story();
        story.baseline.text.push_str(
            "\n\nYour support keeps our reporters at Brightwave Media on the ground. \
             We rely on you: donate to our newsroom today.\n\n\
             Years earlier, Chief Engineer Tobin Hesketh had warned the Skarn Basin Board.",
        );
        let entities = story_entities(&story);
        let of = |name: &str| entities.iter().find(|e| e.names.iter().any(|n| n == name));
        let arena = of("Harbourlight Arena").expect("arena learned");
        assert!(arena.in_lead && arena.in_title, "{arena:?}");
        let rescue = of("Velmora Rescue Service").expect("rescue service learned");
        assert!(rescue.in_lead, "{rescue:?}");
        // Named once each: the governor in the lead, the engineer further down.
        let governor = of("Olwen Marrick").expect("governor learned");
        let engineer = of("Tobin Hesketh").unwrap_or_else(|| panic!("{entities:?}"));
        assert!(governor.in_lead && !engineer.in_lead, "{entities:?}");
        assert!(engineer.salience < governor.salience, "{entities:?}");
        assert!(of("Brightwave Media").is_none(), "{entities:?}");
    }

    #[test]
    fn a_headline_without_names_but_on_the_topic_is_a_candidate() {
        let m = matcher();
        let on_topic = Fields {
            title: "Floodwater kills concertgoers as river bursts its banks during rock concert",
            summary: "Rescuers pulled dozens of concertgoers from the flooded stands.",
            article: None,
            published: None,
        };
        assert!(m.judge(0, &on_topic).candidate);
        assert_eq!(
            m.candidates(&on_topic)
                .iter()
                .map(|(s, _)| *s)
                .collect::<Vec<_>>(),
            vec![0]
        );
        assert!(matches!(m.candidates(&on_topic)[0].1, Ask::Weighed(p) if p > 0.0));
        let off_topic = Fields {
            title: "Central bank holds interest rates steady",
            summary: "Inflation eased in May.",
            article: None,
            published: None,
        };
        assert!(!m.judge(0, &off_topic).candidate);
        // Fetched, the article must still name the story.
        let j = judge(
            &m,
            on_topic.title,
            on_topic.summary,
            "Floodwater burst into a stadium during a rock concert, killing concertgoers in the flooded stands as the river broke its banks.",
        );
        assert!(!j.followup, "{j:?}");
    }

    #[test]
    fn the_rules_around_the_weights_hold_whatever_they_say() {
        let model = Model::shipped();
        // Nothing shared: never read, never a follow-up.
        assert_eq!(gates(&Evidence::default(), model), (false, false, 0.0));
        // A specific name in the headline is always read.
        let headline = Evidence {
            named_early: true,
            entities: 0.3,
            ..Evidence::default()
        };
        assert!(gates(&headline, model).0);
        // Strong weights without a real name, or without the event's words, are no follow-up.
        let strong = Evidence {
            names: 0.8,
            lead_names: 0.8,
            topical: 0.4,
            lead_topical: 0.4,
            entities: 1.0,
            anchors: 1.0,
            legacy: 1.0,
            article: 1.0,
            named: true,
            ..Evidence::default()
        };
        assert!(gates(&strong, model).1);
        assert!(
            !gates(
                &Evidence {
                    named: false,
                    ..strong
                },
                model
            )
            .1
        );
        let off_event = Evidence {
            topical: 0.0,
            lead_topical: 0.0,
            title_terms: 0.0,
            ..strong
        };
        assert!(!gates(&off_event, model).1);
    }

    #[test]
    fn a_lone_one_word_name_is_not_enough() {
        let m = matcher();
        let j = judge(
            &m,
            "Velmora council approves budget and two new crossings",
            "The vote was 5-2.",
            "The Velmora town council approved its budget on Thursday in a 5-2 vote. It adds two pedestrian crossings and a part-time librarian.",
        );
        assert!(!j.followup, "{j:?}");
        // The same place with more of the story is a follow-up.
        let k = judge(
            &m,
            "Velmora mourns as flood toll rises",
            "",
            "Mourners gathered in Velmora, Norway, where floodwater killed 14 people at the Harbourlight Arena.",
        );
        assert!(k.followup, "{k:?}");
    }

    #[test]
    fn a_follow_up_naming_the_venue_matches() {
        let m = matcher();
        let j = judge(
            &m,
            "Death toll at Harbourlight Arena rises to 15",
            "Rescuers found three more bodies in the flooded stands.",
            "Three more bodies were found in the flooded stands of the Harbourlight Arena, raising the toll from Saturday's flood to 15. Governor Olwen Marrick said drainage failed.",
        );
        assert!(j.followup, "{j:?}");
        assert!(j.candidate);
        assert!(
            j.hits
                .iter()
                .any(|h| h.entity == "Harbourlight Arena" && h.field == Field::Title),
            "{j:?}"
        );
        let json = serde_json::to_string(&j).unwrap_or_default();
        assert!(json.contains("\"field\":\"title\""), "{json}");
    }

    #[test]
    fn an_item_sharing_only_generic_names_does_not_match() {
        let m = matcher();
        let j = judge(
            &m,
            "Norway and Russia sign fishing deal in Moscow",
            "Officials in Oslo said the Islamic State threat was discussed.",
            "Norway and Russia signed a fishing quota deal in Moscow on Tuesday. Ministers from Oslo also discussed the Islamic State and trade.",
        );
        assert!(!j.followup, "{j:?}");
    }

    #[test]
    fn alias_plus_same_event_matches_without_the_venue() {
        let m = matcher();
        let j = judge(
            &m,
            "VRS says flood toll rises as rescuers search stands",
            "",
            "The VRS said rescuers searching the flooded stands after the concert had found more bodies, and the number of people killed rose to 14; dozens of concertgoers were injured when floodwater burst in.",
        );
        assert!(j.followup, "{j:?}");
        // The same alias in an unrelated context is not enough.
        let k = judge(
            &m,
            "VRS opens new training centre",
            "",
            "The VRS opened a training centre for its staff and thanked the council for the budget.",
        );
        assert!(!k.followup, "{k:?}");
    }

    #[test]
    fn common_word_names_match_only_as_names_and_never_alone() {
        let m = matcher();
        let lower = m.scan("We packed a lantern for the camping trip.");
        assert!(lower.is_empty(), "{lower:?}");
        let start = m.scan("Lantern cancelled the tour.");
        assert!(start.is_empty(), "{start:?}");
        let title_case = m.scan("How To Light A Lantern In The Garden");
        assert!(title_case.is_empty(), "{title_case:?}");
        let named = m.scan("Fans of Lantern gathered outside.");
        assert_eq!(named.len(), 1, "{named:?}");
        let j = judge(
            &m,
            "Fans of Lantern gather",
            "",
            "Fans of Lantern gathered at a concert in a park and sang for an hour.",
        );
        assert!(!j.followup, "{j:?}");
    }

    #[test]
    fn hyphen_space_and_diacritic_variants_match_on_word_boundaries() {
        let spec = StorySpec {
            id: "x".into(),
            entities: vec!["ZK-9".into(), "Nuñoa Stadium".into(), "Лесной Бор".into()],
            ..StorySpec::default()
        };
        let m = Matcher::build(&[spec], &Background::default());
        assert_eq!(m.scan("the ZK 9 unit").len(), 1);
        assert_eq!(m.scan("the ZK\u{2013}9 unit").len(), 1);
        assert_eq!(m.scan("the ZK9 unit").len(), 1);
        assert_eq!(m.scan("at NUNOA STADIUM's gate").len(), 1);
        assert_eq!(m.scan("в Лесном Бору и в Лесной Бор").len(), 1);
        assert!(m.scan("the AZK-90 unit").is_empty());
        let hit = m.scan("Fans at Nuñoa Stadium left.");
        assert_eq!(
            hit.first()
                .map(|h| &"Fans at Nuñoa Stadium left."[h.start..h.end]),
            Some("Nuñoa Stadium")
        );
    }

    #[test]
    fn exclude_phrases_veto() {
        let m = matcher();
        let j = judge(
            &m,
            "Harbourlight Arena tickets on sale for Lantern tribute",
            "Governor Olwen Marrick attends.",
            "Harbourlight Arena flood victims remembered; Olwen Marrick speaks.",
        );
        assert!(!j.followup && !j.candidate);
        assert_eq!(j.excluded.as_deref(), Some("Harbourlight Arena tickets"));
    }

    #[test]
    fn configured_aliases_and_names_in() {
        let mut spec = flood_story();
        spec.aliases
            .insert("Harbourlight Arena".into(), vec!["HLA".into()]);
        let m = Matcher::build(
            &[
                spec,
                StorySpec {
                    id: "b".into(),
                    entities: vec!["Velmora".into()],
                    ..StorySpec::default()
                },
            ],
            &Background::default(),
        );
        let names = m.names_in("The HLA reopened; Velmora cheered.");
        assert!(
            names.contains(&"hla".to_string()) && names.contains(&"velmora".to_string()),
            "{names:?}"
        );
        let hits = m.scan("Velmora");
        assert_eq!(hits.len(), 2, "both stories own the name: {hits:?}");
        assert_eq!(
            m.candidates(&Fields {
                title: "HLA reopens",
                ..Fields::default()
            }),
            vec![(0, Ask::Named)]
        );
        assert_eq!(m.story_index("b"), Some(1));
        assert!(!m.judge(7, &Fields::default()).followup);
    }

    #[test]
    fn huge_and_empty_inputs() {
        let m = matcher();
        let big = "Harbourlight Arena flood ".repeat(20_000);
        let j = judge(&m, "", "", &big);
        assert!(j.entity_score > 0.0);
        let _ = judge(&m, "", "", "");
        let empty = Matcher::build(&[], &Background::default());
        assert!(empty.scan("anything").is_empty());
    }
}
