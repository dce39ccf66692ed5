//! Config handling seen from the command line: errors name file, line and key and write
//! nothing; `check` opens no database; `feeds` lists configured feeds before any poll.

use serde_json::Value;

use crate::util::{Feed, TestEnv};

/// The 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in config:\n{text}"))
}

/// Runs every command that needs a config on a broken one and checks each fails with a
/// `path:LINE:` message naming `key`, and that no database appears. `line` is 1-based.
fn assert_rejected(text: &str, line: usize, key: &str) {
    let env = TestEnv::raw(text);
    let location = format!("{}:{line}:", env.config.display());
    for command in [
        &["poll"][..],
        &["check"],
        &["items", "--format", "json"],
        &["feeds", "--format", "json"],
    ] {
        let run = env.run(command);
        assert!(!run.ok(), "{command:?} accepted a bad config: {run:#?}");
        assert!(
            run.stderr.contains(&location),
            "{command:?}: message does not name {location}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(key),
            "{command:?}: message does not name {key:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{command:?} printed: {}", run.stdout);
    }
    assert!(!env.db.exists(), "a database was created for a bad config");
    let leftovers: Vec<_> = std::fs::read_dir(env.dir())
        .expect("read temp dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "feeds.toml")
        .collect();
    assert!(leftovers.is_empty(), "files written: {leftovers:?}");
}

/// `assert_rejected` on `text` at the line holding `needle`.
fn assert_rejected_at(text: &str, needle: &str, key: &str) {
    assert_rejected(text, line_of(text, needle), key);
}

#[test]
fn unknown_settings_key_is_rejected() {
    assert_rejected_at(
        "[settings]\ndatabase = \"{db}\"\nconcurency = 4\n\n[[feed]]\nurl = \"https://a.example/rss\"\n",
        "concurency",
        "concurency",
    );
}

#[test]
fn unknown_feed_key_is_rejected() {
    assert_rejected_at(
        "[settings]\ndatabase = \"{db}\"\n\n[[feed]]\nurl = \"https://a.example/rss\"\n\n\
         [[feed]]\nurl = \"https://b.example/rss\"\nintervall = \"10m\"\n",
        "intervall",
        "intervall",
    );
}

#[test]
fn ftp_url_is_rejected() {
    assert_rejected_at(
        "[settings]\ndatabase = \"{db}\"\n\n[[feed]]\nurl = \"https://a.example/rss\"\n\n\
         [[feed]]\nname = \"Archive\"\nurl = \"ftp://files.example/news.xml\"\n",
        "ftp://",
        "feed.url",
    );
}

#[test]
fn duplicate_feed_is_rejected() {
    let text = "[settings]\ndatabase = \"{db}\"\n\n[[feed]]\nurl = \"https://a.example/rss\"\n\n\
                [[feed]]\nurl = \"https://b.example/rss\"\n\n\
                [[feed]]\nname = \"Again\"\nurl = \"https://A.EXAMPLE/rss\"\n";
    let env = TestEnv::raw(text);
    let run = env.run(&["poll"]);
    assert!(run.stderr.contains("duplicate"), "{}", run.stderr);
    // The same URL with its host in capitals is the same feed; the error points at the
    // second occurrence, the line after `name = "Again"`.
    assert_rejected(text, line_of(text, "Again") + 1, "feed.url");
}

#[test]
fn bad_setting_values_name_their_key() {
    assert_rejected_at(
        "[settings]\ndatabase = \"{db}\"\ntimeout = \"soon\"\n",
        "timeout",
        "timeout",
    );
    assert_rejected_at(
        "[settings]\ndatabase = \"{db}\"\nmax_body = \"lots\"\n",
        "max_body",
        "max_body",
    );
}

#[test]
fn check_prints_feeds_and_opens_no_database() {
    let env = TestEnv::new(
        &[],
        &[
            Feed::named("https://gazette.example/world.xml", "Harbour Gazette"),
            Feed::new("https://ledger.example/rss"),
        ],
    );
    let run = env.run(&["check"]);
    assert!(run.ok(), "{run:#?}");
    assert!(
        run.stdout.contains("https://gazette.example/world.xml"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Harbour Gazette"), "{}", run.stdout);
    assert!(
        run.stdout.contains("https://ledger.example/rss"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("feeds: 2"), "{}", run.stdout);
    assert!(!env.db.exists(), "check created the database");
}

#[test]
fn config_option_is_accepted_after_the_command() {
    let env = TestEnv::new(&[], &[Feed::new("https://ledger.example/rss")]);
    let config = env.config.to_str().expect("utf-8 path");
    let run = env.run_plain(&["check", "--config", config]);
    assert!(run.ok(), "{run:#?}");
    assert!(run.stdout.contains("https://ledger.example/rss"));
}

#[test]
fn missing_config_is_an_error() {
    let env = TestEnv::new(&[], &[]);
    let missing = env.dir().join("nowhere.toml");
    let run = env.run_plain(&["--config", missing.to_str().expect("utf-8 path"), "poll"]);
    assert!(!run.ok());
    assert!(run.stderr.contains("nowhere.toml"), "{}", run.stderr);
    assert!(!env.db.exists());
}

#[test]
fn feeds_lists_a_configured_feed_never_polled() {
    let env = TestEnv::new(
        &[],
        &[
            Feed::named("https://gazette.example/world.xml", "Harbour Gazette"),
            Feed::new("https://ledger.example/rss"),
        ],
    );
    let feeds = env.feeds();
    assert_eq!(feeds.len(), 2, "{feeds:#?}");
    assert!(env.items(&[]).is_empty());
    let gazette = &feeds[0];
    let expected = serde_json::json!({
        "url": "https://gazette.example/world.xml",
        "name": "Harbour Gazette",
        "fetch_url": null,
        "last_fetch": null,
        "last_status": null,
        "last_error": null,
        "error_count": 0,
        "items": 0,
        "next_fetch": null,
        "gone": false,
    });
    for (key, value) in expected.as_object().expect("object") {
        assert_eq!(gazette.get(key), Some(value), "field {key} of {gazette}");
    }
    assert_eq!(feeds[1]["url"], "https://ledger.example/rss");
    assert_eq!(feeds[1]["name"], Value::Null);
}
