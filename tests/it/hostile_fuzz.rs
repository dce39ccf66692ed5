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

thread_local! {
    static PANICKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes panics on this thread even when something catches them: the feed parser shields
/// the daemon from feed-rs panics with catch_unwind, which would hide a regression here.
fn watch_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICKED.with(|p| p.set(true));
            previous(info);
        }));
    });
}

#[test]
fn feed_inputs_parse_or_fail_cleanly() {
    watch_panics();
    let base = url::Url::parse("https://fuzz.example/feed.xml").expect("URL");
    for (name, bytes) in inputs("feed") {
        PANICKED.with(|p| p.set(false));
        if let Ok(parsed) = feed::parse(&bytes, &base) {
            assert!(parsed.items.len() <= 10_000, "{name}");
        }
        assert!(
            !PANICKED.with(|p| p.get()),
            "{name}: panicked (caught or not)"
        );
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
