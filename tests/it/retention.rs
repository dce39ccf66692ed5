//! `followup prune`: old unmatched items go, matched and judged ones stay, and a dry run
//! only counts.

use wiremock::MockServer;

use crate::util::{TestEnv, config_text, ok, rss, serve, titles};

/// One feed of three items polled once, with a story that matches none of them by itself.
async fn polled() -> (MockServer, TestEnv, String) {
    let server = MockServer::start().await;
    let site = server.uri();
    let feed = rss(
        &site,
        &[
            ("kept", "Lighthouse keeper retires"),
            ("gone-1", "Market prices steady"),
            ("gone-2", "Choir wins regional prize"),
        ],
    );
    serve(&server, "/wire.xml", ok(feed, "application/rss+xml")).await;
    let story =
        "[[story]]\nid = \"lighthouse\"\ntitle = \"Lighthouse\"\nentities = [\"Cape Morrow\"]\n";
    let env = TestEnv::raw(&config_text(&[format!("{site}/wire.xml")], story));
    env.poll();
    assert_eq!(env.items(&[]).len(), 3);
    (server, env, format!("{site}/kept"))
}

#[tokio::test]
async fn prune_keeps_matches_and_dry_run_changes_nothing() {
    let (_server, env, kept) = polled().await;
    let confirm = env.run(&["confirm", &kept]);
    assert!(confirm.ok(), "{confirm:#?}");

    // Nothing is old enough yet.
    let none = env.run(&["prune", "--older-than", "90d"]);
    assert!(none.ok(), "{none:#?}");
    assert!(
        none.stdout.starts_with("removed 0 items"),
        "{}",
        none.stdout
    );
    assert_eq!(env.items(&[]).len(), 3);

    // A cutoff in the future makes every item old.
    let dry = env.run(&["prune", "--older-than", "2999-01-01", "--dry-run"]);
    assert!(dry.ok(), "{dry:#?}");
    assert!(
        dry.stdout.starts_with("would remove 2 items"),
        "{}",
        dry.stdout
    );
    assert_eq!(env.items(&[]).len(), 3, "a dry run removed items");

    let real = env.run(&["prune", "--older-than", "2999-01-01"]);
    assert!(real.ok(), "{real:#?}");
    assert!(
        real.stdout.starts_with("removed 2 items"),
        "{}",
        real.stdout
    );
    assert_eq!(titles(&env.items(&[])), ["Lighthouse keeper retires"]);
    assert_eq!(env.matches(&[]).len(), 1);

    let again = env.run(&["prune", "--older-than", "2999-01-01"]);
    assert!(
        again.stdout.starts_with("removed 0 items"),
        "{}",
        again.stdout
    );
}
