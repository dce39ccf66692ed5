//! `followup demo`: the real binary runs the whole job on the world it carries, and its JSON
//! is checked here against that world's own truth (read through the library, not copied):
//! which items are follow-ups, look-alikes or other news, and the figures it states.

use std::collections::HashMap;

use followup::demo::{Truth, World};
use serde_json::Value;

use crate::util::TestEnv;

/// The item each served URL stands for: `http://127.0.0.1:PORT/outlet/id` → its truth.
fn truths(world: &World, server: &str) -> HashMap<String, Truth> {
    world
        .items
        .iter()
        .map(|i| (format!("{server}/{}", world.path(i)), i.truth))
        .collect()
}

#[test]
fn demo_finds_the_worlds_follow_ups_and_figures() {
    let env = TestEnv::raw("");
    let run = env.run_plain(&["demo", "--format", "json"]);
    assert!(run.ok(), "demo failed: {run:#?}");
    let out = run.json();
    let world = World::embedded().unwrap();
    let server = out["server"].as_str().unwrap();
    assert!(server.starts_with("http://127.0.0.1:"), "{server}");
    assert_eq!(
        out["polls"].as_array().unwrap().len(),
        world.story.steps.len()
    );
    let truth = truths(&world, server);

    // Every match is a follow-up: no look-alike, no other news, not the baseline itself
    // (which the Courier's feed also carries).
    let matches = out["matches"].as_array().unwrap();
    for m in matches {
        let url = m["url"].as_str().unwrap();
        assert_eq!(truth.get(url), Some(&Truth::Followup), "{url} matched");
        assert!(m["feed_name"].is_string(), "{m}");
    }
    let followups = truth.values().filter(|t| **t == Truth::Followup).count();
    assert!(
        matches.len() * 10 >= followups * 9,
        "{} of {followups} follow-ups found",
        matches.len()
    );

    // Baseline and latest figures as the world states them, with the change between.
    let figures = &out["figures"];
    for (kind, value) in &world.expect.baseline {
        assert_eq!(
            figures["baseline"][kind]["value"], *value,
            "baseline {kind}"
        );
    }
    for (kind, value) in &world.expect.latest {
        assert_eq!(figures["latest"][kind]["value"], *value, "latest {kind}");
        if let Some(base) = world.expect.baseline.get(kind) {
            let change = *value as i64 - *base as i64;
            assert_eq!(figures["delta"][kind], change, "change of {kind}");
        }
    }
    for kind in &world.expect.disputed {
        assert!(figures["disputed"][kind].is_array(), "{kind} disputed");
    }
    // The live page's toll moved between polls: its history holds more than one value.
    let killed: Vec<&Value> = figures["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "killed")
        .map(|r| &r["value"])
        .collect();
    assert!(killed.len() >= 4, "{killed:?}");
    // Its polls come a second apart, yet the live page was re-checked as its world's clock
    // moved: the news clock drives re-checks, so each of its versions' tolls was read.
    let live = world.items.iter().find(|i| i.versions.len() > 2).unwrap();
    let live_url = format!("{server}/{}", world.path(live));
    let mut live_killed: Vec<u64> = figures["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "killed" && r["url"] == live_url.as_str())
        .filter_map(|r| r["value"].as_u64())
        .collect();
    live_killed.dedup();
    assert!(live_killed.len() >= live.versions.len(), "{live_killed:?}");

    assert_eq!(out["check"]["ok"], true, "{}", out["check"]);
    let digest = out["digest"].to_string();
    assert!(digest.contains(&world.story.id), "{digest}");
    // Logs stay out of the way: only the demo's own lines on stderr.
    assert!(!run.stderr.contains("INFO"), "{}", run.stderr);
}

#[test]
fn a_kept_demo_database_answers_the_usual_commands() {
    let env = TestEnv::raw("");
    let db = env.dir().join("demo.db");
    let html = env.dir().join("digest.html");
    let db_arg = db.to_str().unwrap();
    let run = env.run_plain(&[
        "demo",
        "--database",
        db_arg,
        "--html",
        html.to_str().unwrap(),
    ]);
    assert!(run.ok(), "demo failed: {run:#?}");
    assert!(run.stdout.contains("Follow-ups found"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Check against the world"),
        "{}",
        run.stdout
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<html"), "{page}");

    let config = env.dir().join("demo.toml");
    let config_arg = config.to_str().unwrap();
    let matches = env.run_plain(&["--config", config_arg, "matches", "--format", "json"]);
    assert!(matches.ok(), "{matches:#?}");
    assert!(matches.json().as_array().is_some_and(|m| !m.is_empty()));
    let figures = env.run_plain(&["--config", config_arg, "figures", "--format", "json"]);
    assert!(figures.ok(), "{figures:#?}");
    assert!(figures.json()["latest"]["killed"]["value"].is_u64());

    // A second run must not mix into the first one's database.
    let again = env.run_plain(&["demo", "--database", db_arg]);
    assert_eq!(again.code, Some(2), "{again:#?}");
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}
