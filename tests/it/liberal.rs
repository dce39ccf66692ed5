//! Liberal feed reading: a corpus of broken feeds (tests/fixtures/odd-feeds, MANIFEST.tsv
//! lists how many entries Python's feedparser 6.0.14 finds in each) must lose no more than
//! 1 % of those entries, and what is read must be readable text.

use std::path::{Path, PathBuf};

use followup::fetch::feed::{self, FeedError};
use url::Url;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/odd-feeds")
}

fn base() -> Url {
    Url::parse("https://news.example/feed.xml").expect("static URL")
}

/// (file, entries feedparser found).
fn manifest() -> Vec<(String, usize)> {
    let text = std::fs::read_to_string(corpus().join("MANIFEST.tsv")).expect("manifest");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let file = cols.next().expect("file column").to_string();
            let count = cols.next().expect("count column").parse().expect("count");
            (file, count)
        })
        .collect()
}

fn read(file: &str) -> Result<feed::ParsedFeed, FeedError> {
    let bytes = std::fs::read(corpus().join(file)).expect("fixture");
    feed::parse(&bytes, &base())
}

#[test]
fn corpus_keeps_what_feedparser_finds() {
    let manifest = manifest();
    assert!(manifest.len() >= 25, "corpus too small: {}", manifest.len());
    let (mut theirs, mut ours, mut strict_only) = (0, 0, 0);
    let mut report = String::new();
    for (file, expected) in &manifest {
        let got = read(file).map_or(0, |f| f.items.len());
        let bytes = std::fs::read(corpus().join(file)).expect("fixture");
        // feed-rs alone, for the record: what liberal reading adds.
        let strict = std::panic::catch_unwind(|| feed_rs::parser::parse(&bytes[..]))
            .ok()
            .and_then(Result::ok)
            .map_or(0, |f| f.entries.len().min(*expected));
        theirs += expected;
        ours += got.min(*expected);
        strict_only += strict;
        report.push_str(&format!(
            "{file}: feedparser {expected}, followup {got}, feed-rs {strict}\n"
        ));
        // Never more than feedparser either: extra "entries" would be invented ones.
        assert!(
            got <= *expected,
            "{file}: {got} entries, feedparser finds {expected}\n{report}"
        );
    }
    eprintln!("{report}total: feedparser {theirs}, followup {ours}, feed-rs alone {strict_only}");
    assert!(
        ours * 100 >= theirs * 99,
        "kept {ours} of {theirs} entries\n{report}"
    );
}

#[test]
fn html_served_as_a_feed_is_a_clear_error() {
    let err = read("html-page.html").expect_err("an HTML page is not a feed");
    assert!(matches!(err, FeedError::Html), "{err}");
    assert!(err.to_string().contains("HTML page"), "{err}");
}

fn titles(file: &str) -> Vec<String> {
    read(file)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .items
        .into_iter()
        .map(|i| i.title)
        .collect()
}

#[test]
fn undeclared_entities_are_decoded() {
    let titles = titles("entities-undeclared.xml");
    assert_eq!(titles[0], "Café reopens after fire — owners relieved");
    assert_eq!(titles[1], "Mayor’s statement");
    assert!(titles.iter().all(|t| !t.contains('&')), "{titles:?}");
}

#[test]
fn encodings_are_right_whatever_the_declaration_says() {
    for file in [
        "utf8-declared-1251.xml",
        "cp1251-declared.xml",
        "cp1251-undeclared.xml",
        "cp1251-declared-utf8.xml",
    ] {
        assert_eq!(titles(file)[0], "Новости: мост открыт", "{file}");
    }
    for file in [
        "latin1-declared.xml",
        "latin1-undeclared.xml",
        "utf16le-bom.xml",
        "utf16be-bom.xml",
        "utf16le-no-bom.xml",
    ] {
        assert_eq!(titles(file)[0], "Café fête à Noël", "{file}");
    }
}

#[test]
fn broken_markup_still_gives_clean_text_and_links() {
    let feed = read("entities-bare-ampersand.xml").expect("bare ampersands");
    assert_eq!(feed.items[0].title, "Rail & road works");
    assert_eq!(
        feed.items[0].url.as_deref(),
        Some("https://news.example/works?a=1&b=2")
    );
    let feed = read("mismatched-tags.xml").expect("mismatched tags");
    assert_eq!(feed.items[1].title, "Storm warning");
    assert_eq!(feed.items[1].summary, "Gusts expected");
    let feed = read("raw-html-description.xml").expect("raw HTML");
    assert_eq!(feed.items[0].summary, "Schools shut. Parents told to wait.");
    let feed = read("cdata-odd.xml").expect("CDATA");
    // Titles are read as HTML on every path (feeds put markup in CDATA), so the
    // pseudo-tag goes and the ampersand stays.
    assert_eq!(feed.items[0].title, "Ferry & rerouted");
    assert_eq!(feed.items[1].title, "Split ]]> marker");
    assert_eq!(
        feed.items[0].url.as_deref(),
        Some("https://news.example/ferry")
    );
}

#[test]
fn truncated_feeds_keep_entries_before_the_break() {
    let feed = read("truncated-mid-item.xml").expect("truncated");
    let guids: Vec<_> = feed.items.iter().filter_map(|i| i.guid.clone()).collect();
    assert_eq!(guids, ["bridge-1", "bridge-2", "bridge-3", "bridge-4"]);
    assert!(feed.repaired);
    let feed = read("atom-truncated.xml").expect("truncated atom");
    assert_eq!(feed.items.len(), 3);
    // The third entry's date was cut off mid-element; the first two keep theirs.
    assert!(feed.items[..2].iter().all(|i| i.published.is_some()));
    assert_eq!(feed.items[2].published, None);
}

#[test]
fn entries_a_reader_shows_are_kept() {
    // A title that is only markup (a picture) takes its words from the summary, else the link.
    let feed = read("rss-markup-title.xml").expect("markup titles");
    let got: Vec<(&str, Option<&str>)> = feed
        .items
        .iter()
        .map(|i| (i.title.as_str(), i.url.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "A ferry ran aground off the north pier at dawn.",
                Some("https://pics.example/2031/06/ferry-aground")
            ),
            (
                "bridge closed for repairs",
                Some("https://pics.example/2031/06/bridge-closed-for-repairs")
            ),
            (
                "Harbour lights switched on",
                Some("https://pics.example/2031/06/lights")
            ),
        ]
    );
    // Atom 0.3 gives the link as element text, and no ids.
    let feed = read("atom03-link-text.xml").expect("Atom 0.3");
    let urls: Vec<Option<&str>> = feed.items.iter().map(|i| i.url.as_deref()).collect();
    assert_eq!(
        urls,
        [
            Some("https://courier.example/2031/06/dam-cracks"),
            Some("https://courier.example/2031/06/market-day")
        ]
    );
    assert_eq!(
        feed.items[0].summary,
        "Engineers found cracks in the spillway."
    );
    assert!(feed.items[0].published.is_some(), "{:?}", feed.items[0]);
    // An entry with a title and nothing else is still an entry.
    assert_eq!(
        titles("atom-no-ids.xml"),
        ["Only title one", "Only title two"]
    );
}
