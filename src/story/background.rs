//! The background corpus a round judges against: recent stored items, counted one text at
//! a time into the document frequencies that tell a story's specific names from common
//! ones, and fingerprinted, so a round with the same stories and background knows every
//! older item would be judged the same way again.

use sha2::{Digest, Sha256};

use super::weights::{StoryContext, TermMap};
use super::{Background, Matcher, StorySpec, topic};

/// Most recent items that make up the background corpus.
pub const BACKGROUND_DOCS: usize = 5_000;

/// Builds the matcher and weighs its names against the background corpus `texts`.
pub fn build_matcher(specs: &[StorySpec], texts: &[String]) -> Matcher {
    let mut counter = BackgroundCounter::new(specs);
    for text in texts {
        counter.add(text);
    }
    counter.finish()
}

/// Counts a background corpus one text at a time (see [`build_matcher`]), so the texts
/// need not be held together.
pub struct BackgroundCounter {
    matcher: Matcher,
    bg: Background,
    /// Term → (documents, last document counted), so a term repeated in one text counts
    /// once without a set per text.
    terms: Counts,
    /// Name token → (documents, last document counted), likewise.
    name_tokens: Counts,
    /// Per story (by index): its context's counts (see `StoryContext`).
    context: Vec<ContextCounts>,
    /// The current text's name tokens, kept between texts for its allocation.
    tokens: Vec<String>,
}

/// Key → (documents, last document counted).
type Counts = TermMap<(u64, usize)>;

/// One story's context while it is counted (see `StoryContext`).
#[derive(Clone, Default)]
struct ContextCounts {
    any: Counts,
    headline: Counts,
    items: u64,
}

/// Counts `key` once for document `doc`.
fn count_once(map: &mut Counts, key: &str, doc: usize) {
    match map.get_mut(key) {
        Some((count, last)) => {
            if *last != doc {
                *count += 1;
                *last = doc;
            }
        }
        None => {
            map.insert(key.to_string(), (1, doc));
        }
    }
}

impl BackgroundCounter {
    /// A counter for the names of `specs`.
    pub fn new(specs: &[StorySpec]) -> Self {
        Self {
            matcher: Matcher::build(specs, &Background::default()),
            bg: Background::default(),
            terms: TermMap::default(),
            name_tokens: TermMap::default(),
            context: vec![Default::default(); specs.len()],
            tokens: Vec::new(),
        }
    }

    /// Counts one text of the corpus.
    pub fn add(&mut self, text: &str) {
        let doc = self.bg.docs as usize;
        self.bg.docs += 1;
        let (names, named) = self.matcher.names_and_stories(text);
        for name in names {
            *self.bg.names.entry(name).or_default() += 1;
        }
        let terms = &mut self.terms;
        topic::for_each_term(text, |term| count_once(terms, term, doc));
        let (counts, tokens) = (&mut self.name_tokens, &mut self.tokens);
        tokens.clear();
        topic::for_each_name_token(text, |token, _| {
            count_once(counts, token, doc);
            if !named.is_empty() {
                tokens.push(token.to_string());
            }
        });
        for (story, headline) in named {
            let Some(counts) = self.context.get_mut(story) else {
                continue;
            };
            counts.items += 1;
            for token in &self.tokens {
                count_once(&mut counts.any, token, doc);
                if headline {
                    count_once(&mut counts.headline, token, doc);
                }
            }
        }
    }

    /// The matcher, weighed by what was counted.
    pub fn finish(self) -> Matcher {
        let Self {
            mut matcher,
            mut bg,
            terms,
            name_tokens,
            context,
            tokens: _,
        } = self;
        let counts =
            |map: Counts| -> TermMap<u64> { map.into_iter().map(|(t, (n, _))| (t, n)).collect() };
        bg.terms = counts(terms);
        bg.name_tokens = counts(name_tokens);
        bg.context = matcher
            .stories()
            .iter()
            .zip(context)
            .map(|(s, c)| {
                let context = StoryContext {
                    any: counts(c.any),
                    headline: counts(c.headline),
                    items: c.items,
                };
                (s.id.clone(), context)
            })
            .collect();
        matcher.set_background(&bg);
        matcher
    }
}

/// The share of the background that may be new since a round last judged the whole
/// re-judge window before the window is judged again. A name's weight is a log ratio of
/// document counts, so when k of N background documents are new it moves by about k/N at
/// most: judgements made with weights that moved less than 5 % stand, and a round judges
/// only touched and newer items until then.
pub const WEIGHTS_TOLERANCE: f64 = 0.05;

/// Whether the background's weights moved beyond [`WEIGHTS_TOLERANCE`]: `added` items were
/// stored since the window was last judged whole, into a background of `size` documents.
pub fn weights_moved(added: i64, size: usize) -> bool {
    added as f64 > WEIGHTS_TOLERANCE * size.max(1) as f64
}

/// What a round judges with — this build and the stories as configured and read —
/// hashed: equal fingerprints (and weights within [`WEIGHTS_TOLERANCE`]) judge every item
/// the same way.
pub struct Fingerprint(Sha256);

impl Fingerprint {
    /// A fingerprint of this build and `specs`.
    pub fn new(specs: &[StorySpec]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        for spec in specs {
            hasher.update(format!("{spec:?}\0").as_bytes());
        }
        Fingerprint(hasher)
    }

    /// The fingerprint as hex.
    pub fn finish(self) -> String {
        format!("{:x}", self.0.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> StorySpec {
        StorySpec {
            id: "flood".into(),
            title: "Valdora flood".into(),
            entities: vec!["Valdora".into()],
            ..StorySpec::default()
        }
    }

    #[test]
    fn weights_move_when_the_background_takes_in_more_than_the_tolerance() {
        assert!(!weights_moved(0, 5_000));
        assert!(!weights_moved(250, 5_000));
        assert!(weights_moved(251, 5_000));
        // A young store's background is small: a few items move it.
        assert!(weights_moved(5, 30));
        assert!(!weights_moved(1, 30));
        assert!(weights_moved(1, 0));
    }

    #[test]
    fn a_streamed_count_equals_a_counted_list() {
        let texts: Vec<String> = (0..50)
            .map(|n| format!("Council budget {n} and the Valdora ferry timetable"))
            .collect();
        let listed = build_matcher(&[spec()], &texts);
        let mut counter = BackgroundCounter::new(&[spec()]);
        texts.iter().for_each(|t| counter.add(t));
        let streamed = counter.finish();
        let fields = crate::story::Fields {
            title: "Valdora flood toll rises",
            summary: "",
            article: None,
            published: None,
        };
        assert_eq!(listed.judge(0, &fields), streamed.judge(0, &fields));
    }

    #[test]
    fn names_beside_a_storys_names_are_counted_for_it() {
        let mut story = spec();
        story.baseline = crate::model::Article {
            title: Some("Valdora ferry sinks off Kessit".into()),
            text: "The Valdora ferry sank off Kessit. Captain Orrin Dahl was rescued.".into(),
            ..Default::default()
        };
        let mut counter = BackgroundCounter::new(&[story]);
        for text in [
            "Orrin Dahl and Brenna Solt testify",
            "Brenna Solt speaks of Orrin Dahl",
            "Valdora ferry: Orrin Dahl home",
            "Brenna Solt opens a bakery",
        ] {
            counter.add(text);
        }
        let matcher = counter.finish();
        let context = &matcher.background().context["flood"];
        assert_eq!(context.any.get("solt"), Some(&2), "{context:?}");
        assert_eq!(context.any.get("dahl"), Some(&3), "{context:?}");
        assert_eq!(context.headline.get("dahl"), Some(&1), "{context:?}");
        assert_eq!(context.headline.get("solt"), None, "{context:?}");
        assert_eq!(context.items, 3, "{context:?}");
    }

    #[test]
    fn fingerprints_change_with_the_stories() {
        let of = |specs: &[StorySpec]| Fingerprint::new(specs).finish();
        let base = of(&[spec()]);
        assert_eq!(base.len(), 64);
        assert_eq!(base, of(&[spec()]));
        let mut other = spec();
        other.exclude = vec!["picnic basket".into()];
        assert_ne!(base, of(&[other]));
        assert_ne!(base, of(&[]));
    }
}
