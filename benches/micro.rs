//! Micro-benchmarks of the pure stages (issue 9): story matching (MB/s of text against 100
//! stories × 20 names), main-text extraction (pages/s on the development pages, when
//! `../shared/eval-dev/extraction/html` is present) and figure extraction (sentences/s).
//!
//! Run with `cargo bench --bench micro`. CI only builds them (`cargo clippy --all-targets`).
//! Every text here is generated from invented words; no development data is embedded.

use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use followup::extract::{article, charset, figures};
use followup::model::Article;
use followup::story::background::build_matcher;
use followup::story::{Background, Matcher, StorySpec};

fn main() {
    divan::main();
}

/// A tiny deterministic generator, so every run scans the same text.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next() % from.len()]
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lor", "ven", "mi", "tas", "dre", "ol", "quin", "sar", "bel", "tho", "ru", "nex", "pa",
    "gil", "mor", "esh", "ty", "van", "do",
];
const WORDS: &[&str] = &[
    "the",
    "council",
    "said",
    "on",
    "Tuesday",
    "that",
    "officials",
    "would",
    "review",
    "plans",
    "for",
    "a",
    "new",
    "bridge",
    "after",
    "heavy",
    "rain",
    "and",
    "residents",
    "were",
    "asked",
    "to",
    "stay",
    "indoors",
    "while",
    "crews",
    "cleared",
    "roads",
    "in",
    "district",
    "of",
    "market",
    "prices",
    "rose",
    "slightly",
    "as",
    "traders",
    "waited",
    "inquiry",
    "police",
];

/// An invented capitalised name of one to three words.
fn name(rng: &mut Lcg) -> String {
    let words = 1 + rng.next() % 3;
    (0..words)
        .map(|_| {
            let mut w: String = (0..2 + rng.next() % 2)
                .map(|_| rng.pick(SYLLABLES))
                .collect();
            w[..1].make_ascii_uppercase();
            w
        })
        .collect::<Vec<_>>()
        .join(" ")
}

struct MatchSetup {
    matcher: Matcher,
    text: String,
}

/// 100 stories × 20 configured names, and ~4 MB of news-like prose that mentions some of them.
fn match_setup() -> &'static MatchSetup {
    static SETUP: OnceLock<MatchSetup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut rng = Lcg(9);
        let mut names = Vec::new();
        let stories: Vec<StorySpec> = (0..100)
            .map(|i| {
                let entities: Vec<String> = (0..20).map(|_| name(&mut rng)).collect();
                names.extend(entities.iter().cloned());
                StorySpec {
                    id: format!("story-{i}"),
                    title: format!("Story {i}"),
                    entities,
                    ..Default::default()
                }
            })
            .collect();
        let matcher = Matcher::build(&stories, &Background::default());
        let mut text = String::with_capacity(4 << 20);
        while text.len() < 4 << 20 {
            for _ in 0..18 {
                text.push_str(rng.pick(WORDS));
                text.push(' ');
            }
            if rng.next().is_multiple_of(4) {
                text.push_str(&names[rng.next() % names.len()]);
                text.push(' ');
            }
            text.push_str("today. ");
        }
        MatchSetup { matcher, text }
    })
}

/// Scans text for every story's names at once: throughput in bytes of text.
#[divan::bench]
fn matching_scan(bencher: Bencher) {
    let setup = match_setup();
    bencher
        .counter(BytesCount::new(setup.text.len()))
        .bench(|| black_box(setup.matcher.scan(black_box(&setup.text))).len());
}

/// A lowercase invented word, from a vocabulary of a few thousand.
fn word(rng: &mut Lcg) -> String {
    if rng.next().is_multiple_of(3) {
        return rng.pick(WORDS).to_string();
    }
    let mut inner = Lcg(rng.next() as u64 % 3_000);
    (0..2 + inner.next() % 2)
        .map(|_| inner.pick(SYLLABLES))
        .collect()
}

/// Sentences of invented words and names, about `bytes` long.
fn prose(rng: &mut Lcg, names: &[String], bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 200);
    while text.len() < bytes {
        let mut sentence = word(rng);
        sentence[..1].make_ascii_uppercase();
        for _ in 0..14 {
            sentence.push(' ');
            sentence.push_str(&word(rng));
        }
        if rng.next().is_multiple_of(3) {
            sentence.push(' ');
            sentence.push_str(&names[rng.next() % names.len()]);
        }
        text.push_str(&sentence);
        text.push_str(". ");
    }
    text
}

struct JudgeSetup {
    matcher: Matcher,
    items: Vec<(String, String)>,
}

/// One story with a baseline article and 20 names, a background of 5,000 items, and 1,000
/// feed items (title and an ~800-byte summary) of invented prose that name others.
fn judge_setup() -> &'static JudgeSetup {
    static SETUP: OnceLock<JudgeSetup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut rng = Lcg(17);
        let names: Vec<String> = (0..200).map(|_| name(&mut rng)).collect();
        let story = StorySpec {
            id: "story".into(),
            title: "Story".into(),
            entities: names[..20].to_vec(),
            baseline: Article {
                text: prose(&mut rng, &names[..20], 3_000),
                ..Default::default()
            },
            ..Default::default()
        };
        let background: Vec<String> = (0..5_000)
            .map(|_| prose(&mut rng, &names[20..], 800))
            .collect();
        let matcher = build_matcher(&[story], &background);
        let items = (0..1_000)
            .map(|_| (prose(&mut rng, &names, 60), prose(&mut rng, &names, 800)))
            .collect();
        JudgeSetup { matcher, items }
    })
}

/// Stage 1 of judging, what every item of a round costs: name scan and topical similarity
/// of title and summary against one story; throughput in items.
#[divan::bench]
fn matching_candidates(bencher: Bencher) {
    let setup = judge_setup();
    bencher
        .counter(ItemsCount::new(setup.items.len()))
        .bench(|| {
            setup
                .items
                .iter()
                .map(|(title, summary)| {
                    let fields = followup::story::Fields {
                        title,
                        summary,
                        ..Default::default()
                    };
                    setup.matcher.candidates(&fields).len()
                })
                .sum::<usize>()
        });
}

/// The development pages, decompressed, if the shared corpus is next to the repository.
fn pages() -> &'static [String] {
    static PAGES: OnceLock<Vec<String>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let dir =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval-dev/extraction/html");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("{} not found: extraction benchmark skipped", dir.display());
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "gz"))
            .filter_map(|p| {
                let file = std::fs::File::open(p).ok()?;
                let mut bytes = Vec::new();
                flate2::read::GzDecoder::new(file)
                    .read_to_end(&mut bytes)
                    .ok()?;
                Some(charset::decode(&bytes, None))
            })
            .collect()
    })
}

/// Main-text extraction over every development page: throughput in pages.
#[divan::bench(sample_count = 10)]
fn extraction_pages(bencher: Bencher) {
    let pages = pages();
    bencher.counter(ItemsCount::new(pages.len())).bench(|| {
        pages
            .iter()
            .map(|p| black_box(article::read(black_box(p), None)).text.len())
            .sum::<usize>()
    });
}

/// Generated prose with casualty statements in about one sentence in four.
fn figure_text() -> &'static (String, usize) {
    static TEXT: OnceLock<(String, usize)> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut rng = Lcg(3);
        let mut text = String::new();
        let sentences = 5_000;
        for i in 0..sentences {
            match rng.next() % 8 {
                0 => text.push_str(&format!(
                    "At least {} people were killed and {} injured in the blast, officials said.",
                    2 + rng.next() % 300,
                    5 + rng.next() % 900
                )),
                1 => text.push_str(&format!(
                    "Police said {} suspects had been arrested and {} people were still missing.",
                    1 + rng.next() % 12,
                    rng.next() % 40
                )),
                _ => {
                    for _ in 0..14 {
                        text.push_str(rng.pick(WORDS));
                        text.push(' ');
                    }
                    text.push_str("overnight.");
                }
            }
            text.push(if i % 6 == 5 { '\n' } else { ' ' });
        }
        (text, sentences)
    })
}

/// Casualty-figure extraction: throughput in sentences.
#[divan::bench]
fn figure_sentences(bencher: Bencher) {
    let (text, sentences) = figure_text();
    bencher
        .counter(ItemsCount::new(*sentences))
        .bench(|| black_box(figures::observations(black_box(text))).len());
}
