//! Fixtures for the store's unit tests: feeds registered in an in-memory database.

use super::Store;
use crate::config::FeedConfig;

/// A `[[feed]]` entry for `url`, named `name`.
pub fn feed_config(url: &str, name: Option<&str>) -> FeedConfig {
    FeedConfig {
        url: url::Url::parse(url).expect("a test feed URL"),
        name: name.map(str::to_string),
        interval: None,
    }
}

/// Registers the feed `url` (named `name`) in `store` and returns its row id.
pub fn add_feed(store: &mut Store, url: &str, name: Option<&str>) -> i64 {
    store
        .sync_feeds(&[feed_config(url, name)])
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
