//! Fixtures for the store's unit tests: feeds registered in an in-memory database.

use super::Store;
use crate::model::FeedLine;

/// A configured feed line for `url`, named `name`, with the default interval.
pub fn feed_line(url: &str, name: Option<&str>) -> FeedLine {
    feed_line_with(url, name, "")
}

/// A configured feed line whose other settings read `settings` (an edit changes it).
pub fn feed_line_with(url: &str, name: Option<&str>, settings: &str) -> FeedLine {
    FeedLine {
        url: url.to_string(),
        name: name.map(str::to_string),
        fingerprint: format!("{name:?} {settings}"),
    }
}

/// Registers the feed `url` (named `name`) in `store` and returns its row id.
pub fn add_feed(store: &mut Store, url: &str, name: Option<&str>) -> i64 {
    store
        .sync_feeds(&[feed_line(url, name)])
        .expect("register the test feed");
    store
        .feed(url)
        .expect("read the test feed")
        .expect("the test feed is registered")
        .id
}

/// An in-memory store with the feed `url` (named `name`) registered, and the feed's row id.
pub fn store_with_feed(url: &str, name: Option<&str>) -> (Store, i64) {
    let mut store = Store::memory().expect("an in-memory store");
    let id = add_feed(&mut store, url, name);
    (store, id)
}
