//! `followup items` filters and output forms: `--since`, `--limit`, `--feed`, CSV.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use wiremock::MockServer;

use crate::util::{Feed, TestEnv, fixture, ok, rss, serve, titles};

const RSS: &str = "application/rss+xml";

/// Two named feeds polled once: the RSS 2.0 fixture (4 items) and the RSS 1.0 one (2 items).
async fn two_feeds() -> (MockServer, TestEnv, String, String) {
    let server = MockServer::start().await;
    serve(&server, "/gazette.xml", ok(fixture("rss2.xml"), RSS)).await;
    serve(&server, "/ledger.xml", ok(fixture("rdf.xml"), RSS)).await;
    let gazette = format!("{}/gazette.xml", server.uri());
    let ledger = format!("{}/ledger.xml", server.uri());
    let env = TestEnv::new(
        &[],
        &[
            Feed::named(gazette.clone(), "Harbour Gazette"),
            Feed::named(ledger.clone(), "Northern Ledger"),
        ],
    );
    env.poll();
    (server, env, gazette, ledger)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[tokio::test]
async fn since_filters_on_first_seen() {
    let (_server, env, _, _) = two_feeds().await;
    let all = env.items(&[]);
    assert_eq!(all.len(), 6);
    // --since looks at first_seen (the poll just now), never at the declared 2031 dates:
    // filtering on those would keep items after the latest first_seen.
    let latest: DateTime<Utc> = all
        .iter()
        .filter_map(|i| i["first_seen"].as_str())
        .filter_map(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .max()
        .expect("first_seen times");
    let at_latest = env.items(&["--since", &rfc3339(latest)]);
    assert!(!at_latest.is_empty());
    assert!(
        at_latest
            .iter()
            .all(|i| i["first_seen"].as_str() == Some(rfc3339(latest).as_str()))
    );
    let after = env.items(&["--since", &rfc3339(latest + Duration::seconds(1))]);
    assert!(after.is_empty(), "{after:#?}");
    // Durations count back from now; dates are midnight UTC.
    assert_eq!(env.items(&["--since", "1h"]).len(), 6);
    assert_eq!(env.items(&["--since", "2000-01-01"]).len(), 6);
    assert!(env.items(&["--since", "2999-01-01"]).is_empty());
    let bad = env.run(&["items", "--since", "someday"]);
    assert!(!bad.ok());
    assert!(bad.stderr.contains("someday"), "{}", bad.stderr);
}

#[tokio::test]
async fn limit_keeps_the_newest() {
    let (_server, env, _, _) = two_feeds().await;
    let all = env.items(&[]);
    let run = env.run(&["items", "--format", "json", "--limit", "2"]);
    assert!(run.ok(), "{run:#?}");
    let two = run.json().as_array().cloned().unwrap_or_default();
    assert_eq!(two, all[..2].to_vec());
    // The newest declared items: the RSS 1.0 feed's 3 May items beat the 1–2 May ones.
    assert_eq!(
        titles(&two),
        [
            "Island ferry back in service & running on time",
            "Wildfire near Lindgren forces 400 from their homes"
        ]
    );
    // Without --limit at most 50 are listed.
    let server = MockServer::start().await;
    let many: Vec<(String, String)> = (0..60)
        .map(|n| (format!("m-{n}"), format!("Bulletin number {n}")))
        .collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(g, t)| (g.as_str(), t.as_str())).collect();
    serve(
        &server,
        "/many.xml",
        ok(rss("https://wire.example", &refs), RSS),
    )
    .await;
    let env = TestEnv::new(&[], &[Feed::new(format!("{}/many.xml", server.uri()))]);
    env.poll();
    let run = env.run(&["items", "--format", "json"]);
    assert!(run.ok(), "{run:#?}");
    assert_eq!(run.json().as_array().map(Vec::len), Some(50));
    assert_eq!(env.items(&[]).len(), 60);
}

#[tokio::test]
async fn feed_filter_takes_a_name_or_a_url() {
    let (_server, env, gazette, ledger) = two_feeds().await;
    let by_name = env.items(&["--feed", "Northern Ledger"]);
    assert_eq!(by_name.len(), 2);
    assert!(by_name.iter().all(|i| i["feed"] == ledger.as_str()));
    let by_url = env.items(&["--feed", &gazette]);
    assert_eq!(by_url.len(), 4);
    assert!(by_url.iter().all(|i| i["feed"] == gazette.as_str()));
    assert!(env.items(&["--feed", "No Such Feed"]).is_empty());
}

#[tokio::test]
async fn csv_has_a_header_and_neutralises_formulas() {
    let server = MockServer::start().await;
    let body = rss(
        "https://wire.example/n",
        &[
            ("c-1", "=HYPERLINK(\"https://evil.example\",\"totals\")"),
            ("c-2", "Turnout, by district: 61%"),
        ],
    );
    serve(&server, "/csv.xml", ok(body, RSS)).await;
    let feed = format!("{}/csv.xml", server.uri());
    let env = TestEnv::new(&[], &[Feed::new(feed.clone())]);
    env.poll();
    let run = env.run(&["items", "--format", "csv"]);
    assert!(run.ok(), "{run:#?}");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("csv header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        ["feed", "guid", "url", "title", "published", "first_seen"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("csv row")).collect();
    assert_eq!(rows.len(), 2);
    let title = |guid: &str| {
        rows.iter()
            .find(|r| r.get(1) == Some(guid))
            .and_then(|r| r.get(3))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no row {guid}: {}", run.stdout))
    };
    let formula = title("c-1");
    assert!(
        !formula.starts_with('='),
        "formula not neutralised: {formula:?}"
    );
    assert!(formula.contains("=HYPERLINK("), "{formula:?}");
    // A comma inside a cell is quoted, not split.
    assert_eq!(title("c-2"), "Turnout, by district: 61%");
    for row in &rows {
        assert_eq!(row.get(0), Some(feed.as_str()));
    }
}

/// Entries a feed reader shows are stored and listed: a title that is only a picture's
/// markup (titled from the summary or the link), Atom 0.3 links as element text, no ids.
#[tokio::test]
async fn entries_of_odd_shapes_are_stored() {
    let server = MockServer::start().await;
    let odd = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/odd-feeds")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    serve(&server, "/pics.xml", ok(odd("rss-markup-title.xml"), RSS)).await;
    serve(
        &server,
        "/courier.xml",
        ok(odd("atom03-link-text.xml"), "application/atom+xml"),
    )
    .await;
    serve(
        &server,
        "/desk.xml",
        ok(odd("atom-no-ids.xml"), "application/atom+xml"),
    )
    .await;
    let feeds: Vec<Feed> = ["pics", "courier", "desk"]
        .iter()
        .map(|n| Feed::new(format!("{}/{n}.xml", server.uri())))
        .collect();
    let env = TestEnv::new(&[], &feeds);
    assert!(env.poll().ok());
    let items = env.items(&[]);
    let mut got = titles(&items);
    got.sort();
    assert_eq!(
        got,
        [
            "A ferry ran aground off the north pier at dawn.",
            "Dam inspection finds cracks",
            "Harbour lights switched on",
            "Market day moved",
            "Only title one",
            "Only title two",
            "bridge closed for repairs",
        ]
    );
    let dam = items
        .iter()
        .find(|i| i["title"] == "Dam inspection finds cracks")
        .expect("the Atom 0.3 entry");
    assert_eq!(dam["url"], "https://courier.example/2031/06/dam-cracks");
    // A second poll stores nothing twice, ids or not.
    assert!(env.poll().ok());
    assert_eq!(env.items(&[]).len(), 7);
}

/// Tables call a feed by its configured name, else its own title, else its host; JSON keeps
/// the URL in `feed` and adds `feed_name`.
#[tokio::test]
async fn feeds_go_by_name_title_or_host_never_by_url() {
    let server = MockServer::start().await;
    serve(&server, "/titled.xml", ok(fixture("rss2.xml"), RSS)).await;
    let untitled = rss("https://plain.example", &[("q-1", "Quay reopens")])
        .replace("<title>Test wire</title>", "");
    serve(&server, "/untitled.xml", ok(untitled, RSS)).await;
    let titled = format!("{}/titled.xml", server.uri());
    let env = TestEnv::new(
        &[],
        &[
            Feed::new(titled.clone()),
            Feed::new(format!("{}/untitled.xml", server.uri())),
        ],
    );
    env.poll();
    let json = env.items(&[]);
    let from_titled = json
        .iter()
        .find(|i| i["feed"] == titled.as_str())
        .expect("an item of the titled feed");
    assert_eq!(from_titled["feed_name"], "Harbour Gazette: World");
    let table = env.run(&["items"]);
    assert!(table.ok());
    assert!(
        table.stdout.contains("Harbour Gazette: World"),
        "{}",
        table.stdout
    );
    assert!(
        !table.stdout.contains("http://"),
        "a URL in the table: {}",
        table.stdout
    );
    // No name and no title: the host.
    let quay = table
        .stdout
        .lines()
        .find(|l| l.contains("Quay reopens"))
        .expect("its row");
    assert!(quay.contains("127.0.0.1"), "{quay}");
    let feeds = env.run(&["feeds"]);
    assert!(
        feeds.stdout.contains("Harbour Gazette: World"),
        "{}",
        feeds.stdout
    );
    assert!(
        !feeds.stdout.contains("http://"),
        "a URL in the table: {}",
        feeds.stdout
    );
    let matches = env.run(&["matches", "--format", "json"]);
    assert!(matches.ok(), "{matches:#?}");
}
