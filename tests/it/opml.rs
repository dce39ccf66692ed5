//! `followup import-opml` / `export-opml`: names and folders kept, comments kept, a second
//! import changes nothing, hostile titles escaped.

use crate::util::TestEnv;

const CONFIG: &str = "# my feeds, hand-kept\n[settings]\ndatabase = \"{db}\"\n\n\
    # the wire service\n[[feed]]\nurl = \"https://wire.example/rss\"\nname = \"Wire\"\n";

const OPML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>exported elsewhere</title></head>
  <body>
    <outline text="Wire again" xmlUrl="https://wire.example/rss"/>
    <outline text="Regional">
      <outline type="rss" text="Valley Post" title="Valley Post" xmlUrl="https://valley.example/feed"/>
      <outline type="rss" title="Quote &quot;&amp;&lt;script&gt;" xmlUrl="https://odd.example/a?b=1&amp;c=2"/>
    </outline>
    <outline text="Not a feed" xmlUrl="ftp://files.example/x"/>
  </body>
</opml>
"#;

fn import(env: &TestEnv, opml: &str) -> crate::util::Run {
    let file = env.dir().join("in.opml");
    std::fs::write(&file, opml).expect("write opml");
    let run = env.run(&["import-opml", file.to_str().expect("utf-8 path")]);
    assert!(run.ok(), "import failed: {run:#?}");
    run
}

fn config(env: &TestEnv) -> String {
    std::fs::read_to_string(&env.config).expect("read config")
}

#[test]
fn import_adds_named_feeds_keeps_comments_and_is_idempotent() {
    let env = TestEnv::raw(CONFIG);
    let first = import(&env, OPML);
    assert!(
        first.stdout.starts_with("added 2 feeds"),
        "{}",
        first.stdout
    );
    let after = config(&env);
    assert!(after.contains("# my feeds, hand-kept"), "{after}");
    assert!(after.contains("# the wire service"), "{after}");
    let check = env.run(&["check"]);
    assert!(check.ok(), "{check:#?}\n{after}");
    let feeds = env.feeds();
    let names: Vec<(&str, &str)> = feeds
        .iter()
        .map(|f| {
            (
                f["url"].as_str().unwrap_or(""),
                f["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        names.contains(&("https://wire.example/rss", "Wire")),
        "{names:?}"
    );
    assert!(
        names.contains(&("https://valley.example/feed", "Regional / Valley Post")),
        "{names:?}"
    );
    assert!(
        names.contains(&(
            "https://odd.example/a?b=1&c=2",
            "Regional / Quote \"&<script>"
        )),
        "{names:?}"
    );

    let second = import(&env, OPML);
    assert!(
        second.stdout.starts_with("added 0 feeds"),
        "{}",
        second.stdout
    );
    assert_eq!(config(&env), after, "a second import changed the file");
}

#[test]
fn export_escapes_and_round_trips() {
    let env = TestEnv::raw(CONFIG);
    import(&env, OPML);
    let export = env.run(&["export-opml"]);
    assert!(export.ok(), "{export:#?}");
    let xml = export.stdout;
    assert!(xml.contains("<opml version=\"2.0\">"), "{xml}");
    assert!(!xml.contains("<script>"), "title not escaped: {xml}");
    assert!(
        xml.contains("xmlUrl=\"https://odd.example/a?b=1&amp;c=2\""),
        "{xml}"
    );
    assert!(
        xml.contains("<outline text=\"Regional\""),
        "folder lost: {xml}"
    );

    // Into an empty config: the same feeds with the same names come back.
    let fresh = TestEnv::raw("[settings]\ndatabase = \"{db}\"\n");
    let run = import(&fresh, &xml);
    assert!(run.stdout.starts_with("added 3 feeds"), "{}", run.stdout);
    let list = |env: &TestEnv| {
        let mut v: Vec<(String, String)> = env
            .feeds()
            .iter()
            .map(|f| (f["url"].to_string(), f["name"].to_string()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(list(&fresh), list(&env));
    let again = fresh.run(&["export-opml"]);
    assert_eq!(
        again.stdout, xml,
        "export is not stable across a round trip"
    );
}

#[test]
fn broken_opml_changes_nothing() {
    let env = TestEnv::raw(CONFIG);
    let file = env.dir().join("bad.opml");
    std::fs::write(
        &file,
        "<opml><body><outline xmlUrl=\"https://x.example/\"></opml>",
    )
    .unwrap();
    let run = env.run(&["import-opml", file.to_str().unwrap()]);
    assert!(!run.ok(), "{run:#?}");
    assert_eq!(
        config(&env),
        CONFIG.replace("{db}", &env.db.display().to_string())
    );
}
