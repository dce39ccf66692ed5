//! Feed bytes → items: any document parses or fails cleanly, within the entry bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = url::Url::parse("https://fuzz.example/feed.xml").expect("static URL");
    if let Ok(feed) = followup::fetch::feed::parse(data, &base) {
        assert!(feed.items.len() <= 10_000);
        for item in &feed.items {
            assert!(item.title.chars().count() <= 1_000);
        }
    }
});
