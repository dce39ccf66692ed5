//! Replays tests/fixtures/fuzz-regressions/<target>/* through the same calls as the fuzz
//! targets in fuzz/, so inputs that once crashed (and hand-made seeds) stay fixed without
//! a fuzzer in CI.

use std::path::Path;

use followup::extract::{article, charset, entities, figures};
use followup::fetch::feed;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz-regressions")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("dir entry").path();
            let bytes = std::fs::read(&path).expect("read input");
            (path.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs for {target}");
    out
}

#[test]
fn feed_inputs_parse_or_fail_cleanly() {
    let base = url::Url::parse("https://fuzz.example/feed.xml").expect("URL");
    for (name, bytes) in inputs("feed") {
        if let Ok(parsed) = feed::parse(&bytes, &base) {
            assert!(parsed.items.len() <= 10_000, "{name}");
        }
    }
}

#[test]
fn article_inputs_are_read() {
    for (_, bytes) in inputs("article") {
        let text = charset::decode(&bytes, Some("text/html"));
        let _ = article::read(&text, None);
    }
}

#[test]
fn figure_inputs_are_read() {
    for (_, bytes) in inputs("figures") {
        let text = String::from_utf8_lossy(&bytes);
        let _ = figures::observations(&text);
        let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
        let _ = figures::article_figures(title, body);
    }
}

#[test]
fn entity_inputs_are_read() {
    for (_, bytes) in inputs("entities") {
        let text = String::from_utf8_lossy(&bytes);
        let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
        let _ = entities::learn(title, body);
    }
}
