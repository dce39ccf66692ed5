//! `followup poll` against servers that behave well and badly: conditional GET, edited
//! items, broken feeds among good ones, redirects, 410 Gone and its revival.

use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::util::{
    Feed, TestEnv, config_text, endless_chunked_server, fixture, header, ok, requests_to, rss,
    serve, titles, toml_string,
};

const RSS: &str = "application/rss+xml";
const ETAG: &str = "\"gazette-v1\"";
// In the past: a Last-Modified close to (or after) the Date header is weak and not sent back.
const LAST_MODIFIED: &str = "Fri, 02 May 2025 17:30:00 GMT";

/// A matcher for one exact header value; wiremock's own `header` splits values on commas,
/// which HTTP dates contain.
fn sends(name: &'static str, value: &'static str) -> impl Fn(&Request) -> bool + Send + Sync {
    move |request: &Request| header(request, name).as_deref() == Some(value)
}

#[tokio::test]
async fn second_poll_is_conditional_and_stores_nothing_new() {
    let server = MockServer::start().await;
    // One feed validated by ETag, one by Last-Modified; each answers 304 when its
    // validator comes back, and the full body otherwise.
    Mock::given(method("GET"))
        .and(path("/etag.xml"))
        .and(sends("if-none-match", ETAG))
        .respond_with(ResponseTemplate::new(304).insert_header("ETag", ETAG))
        .with_priority(1)
        .mount(&server)
        .await;
    serve(
        &server,
        "/etag.xml",
        ok(fixture("rss2.xml"), RSS).insert_header("ETag", ETAG),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/modified.xml"))
        .and(sends("if-modified-since", LAST_MODIFIED))
        .respond_with(ResponseTemplate::new(304))
        .with_priority(1)
        .mount(&server)
        .await;
    serve(
        &server,
        "/modified.xml",
        ok(fixture("atom.xml"), "application/atom+xml")
            .insert_header("Last-Modified", LAST_MODIFIED),
    )
    .await;
    let etag_url = format!("{}/etag.xml", server.uri());
    let modified_url = format!("{}/modified.xml", server.uri());
    let env = TestEnv::new(
        &[],
        &[Feed::new(etag_url.clone()), Feed::new(modified_url.clone())],
    );

    env.poll();
    let first = env.items(&[]);
    assert_eq!(first.len(), 7, "{:#?}", titles(&first));

    env.poll();
    let etag_requests = requests_to(&server, "/etag.xml").await;
    assert_eq!(etag_requests.len(), 2);
    assert_eq!(header(&etag_requests[0], "if-none-match"), None);
    assert_eq!(
        header(&etag_requests[1], "if-none-match").as_deref(),
        Some(ETAG)
    );
    let modified_requests = requests_to(&server, "/modified.xml").await;
    assert_eq!(modified_requests.len(), 2);
    assert_eq!(header(&modified_requests[0], "if-modified-since"), None);
    assert_eq!(
        header(&modified_requests[1], "if-modified-since").as_deref(),
        Some(LAST_MODIFIED)
    );

    // Nothing new or rewritten: the listing, first_seen included, is identical.
    assert_eq!(env.items(&[]), first);
    for url in [&etag_url, &modified_url] {
        let feed = env.feed(url);
        assert_eq!(feed["last_status"], 304, "{feed}");
        assert_eq!(feed["last_error"], serde_json::Value::Null, "{feed}");
        assert_eq!(feed["error_count"], 0, "{feed}");
    }
    assert_eq!(env.feed(&etag_url)["items"], 4);
    assert_eq!(env.feed(&modified_url)["items"], 3);
}

#[tokio::test]
async fn edited_item_is_updated_in_place() {
    let server = MockServer::start().await;
    let site = "https://wire.example/news";
    let before = rss(
        site,
        &[
            ("w-1", "Ferry runs aground near Skarvik"),
            ("w-2", "Ministers meet on grain prices"),
        ],
    );
    let after = rss(
        site,
        &[
            ("w-1", "Ferry refloated near Skarvik, all passengers safe"),
            ("w-2", "Ministers meet on grain prices"),
        ],
    );
    serve(&server, "/wire.xml", ok(before, RSS)).await;
    let url = format!("{}/wire.xml", server.uri());
    let env = TestEnv::new(&[], &[Feed::new(url.clone())]);
    env.poll();
    let first = env.items(&[]);
    assert_eq!(first.len(), 2);
    // A finished poll has indexed its items for search.
    assert_eq!(
        titles(&env.items(&["--search", "aground"])),
        ["Ferry runs aground near Skarvik"]
    );

    server.reset().await;
    serve(&server, "/wire.xml", ok(after, RSS)).await;
    env.poll();
    let second = env.items(&[]);
    assert_eq!(second.len(), 2, "{:#?}", titles(&second));
    let edited: Vec<_> = second.iter().filter(|i| i["guid"] == "w-1").collect();
    assert_eq!(
        edited.len(),
        1,
        "the edited item was duplicated: {second:#?}"
    );
    assert_eq!(
        edited[0]["title"],
        "Ferry refloated near Skarvik, all passengers safe"
    );
    let old_first_seen = first
        .iter()
        .find(|i| i["guid"] == "w-1")
        .map(|i| i["first_seen"].clone());
    assert_eq!(Some(edited[0]["first_seen"].clone()), old_first_seen);
    assert!(
        !titles(&second).contains(&"Ferry runs aground near Skarvik".to_string()),
        "the old title is still listed"
    );
    // The search index follows the edit: the new words find it, the old ones no longer.
    assert!(titles(&env.items(&["--search", "aground"])).is_empty());
    assert_eq!(
        titles(&env.items(&["--search", "refloated"])),
        ["Ferry refloated near Skarvik, all passengers safe"]
    );
    assert_eq!(env.feed(&url)["items"], 2);
}

#[tokio::test]
async fn broken_feeds_are_recorded_and_good_ones_stored() {
    let server = MockServer::start().await;
    serve(&server, "/good.xml", ok(fixture("rss2.xml"), RSS)).await;
    serve(
        &server,
        "/good.json",
        ok(fixture("feed.json"), "application/feed+json"),
    )
    .await;
    serve(&server, "/truncated.xml", ok(fixture("truncated.xml"), RSS)).await;
    serve(
        &server,
        "/page.html",
        ok(fixture("not_a_feed.html"), "text/html"),
    )
    .await;
    serve(
        &server,
        "/garbage.xml",
        ok(b"\x00\x01 not xml at all {{{ \xff\xfe".to_vec(), RSS),
    )
    .await;
    serve(&server, "/error.xml", ResponseTemplate::new(500)).await;
    // Longer than the configured timeout; the test never waits for it to finish.
    serve(
        &server,
        "/slow.xml",
        ok(fixture("rss2.xml"), RSS).set_delay(Duration::from_secs(30)),
    )
    .await;
    serve(&server, "/huge.xml", ok(vec![b' '; 50 * 1024], RSS)).await;

    let url = |route: &str| format!("{}{route}", server.uri());
    let routes = [
        "/good.xml",
        "/truncated.xml",
        "/page.html",
        "/garbage.xml",
        "/error.xml",
        "/slow.xml",
        "/huge.xml",
        "/good.json",
    ];
    let feeds: Vec<Feed> = routes.iter().map(|r| Feed::new(url(r))).collect();
    let env = TestEnv::new(&[("timeout", "\"2s\""), ("max_body", "\"8KiB\"")], &feeds);

    let run = env.run(&["poll"]);
    assert!(run.ok(), "poll must exit 0 when some feeds fail: {run:#?}");

    let items = env.items(&[]);
    let feed_items = |route: &str| {
        items
            .iter()
            .filter(|i| i["feed"] == url(route))
            .map(|i| i["title"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(feed_items("/good.xml").len(), 4);
    assert_eq!(feed_items("/good.json").len(), 2);
    // The complete items before the break are kept, the broken one is not.
    let mut kept = feed_items("/truncated.xml");
    kept.sort();
    assert_eq!(
        kept,
        [
            "Dam inspection finds no cracks",
            "Night trains return to the coast line"
        ]
    );
    assert_eq!(items.len(), 8, "{:#?}", titles(&items));

    for good in ["/good.xml", "/good.json", "/truncated.xml"] {
        let row = env.feed(&url(good));
        assert_eq!(row["last_error"], serde_json::Value::Null, "{row}");
        assert_eq!(row["error_count"], 0, "{row}");
        assert_eq!(row["last_status"], 200, "{row}");
    }
    let expect_error = |route: &str, needle: &str| {
        let row = env.feed(&url(route));
        let error = row["last_error"]
            .as_str()
            .unwrap_or_else(|| panic!("no last_error on {route}: {row}"));
        assert!(
            error.to_lowercase().contains(needle),
            "{route}: error {error:?} does not mention {needle:?}"
        );
        assert!(row["error_count"].as_i64() >= Some(1), "{row}");
        assert_eq!(row["items"], 0, "{row}");
        assert!(row["last_fetch"].is_string(), "{row}");
        assert!(row["next_fetch"].is_string(), "{row}");
        row
    };
    expect_error("/page.html", "html");
    expect_error("/garbage.xml", "parse");
    let status = expect_error("/error.xml", "500");
    assert_eq!(status["last_status"], 500);
    expect_error("/slow.xml", "timed out");
    expect_error("/huge.xml", "larger than");

    // A second round keeps counting the failures.
    env.poll();
    assert_eq!(env.feed(&url("/error.xml"))["error_count"], 2);
    assert_eq!(env.items(&[]).len(), 8);
}

#[tokio::test]
async fn body_cap_holds_without_content_length() {
    // The body never ends: if the cap were checked only after buffering, this would run
    // into the timeout instead of stopping at the cap.
    let endless = endless_chunked_server();
    let server = MockServer::start().await;
    serve(&server, "/good.xml", ok(fixture("rdf.xml"), RSS)).await;
    let endless_url = format!("{endless}/endless.xml");
    let env = TestEnv::new(
        &[("timeout", "\"10s\""), ("max_body", "\"16KiB\"")],
        &[
            Feed::new(endless_url.clone()),
            Feed::new(format!("{}/good.xml", server.uri())),
        ],
    );
    env.poll();
    let row = env.feed(&endless_url);
    let error = row["last_error"].as_str().unwrap_or_default();
    assert!(error.contains("larger than"), "{row}");
    assert_eq!(env.items(&[]).len(), 2);
}

#[tokio::test]
async fn body_cap_applies_after_decompression() {
    // 4 KiB of gzip that inflates to 4 MiB: small on the wire, over the cap once decoded.
    let server = MockServer::start().await;
    serve(
        &server,
        "/bomb.xml",
        ok(fixture("bomb.xml.gz"), RSS).insert_header("Content-Encoding", "gzip"),
    )
    .await;
    serve(&server, "/good.xml", ok(fixture("rdf.xml"), RSS)).await;
    let bomb_url = format!("{}/bomb.xml", server.uri());
    let env = TestEnv::new(
        &[("max_body", "\"64KiB\"")],
        &[
            Feed::new(bomb_url.clone()),
            Feed::new(format!("{}/good.xml", server.uri())),
        ],
    );
    env.poll();
    let row = env.feed(&bomb_url);
    let error = row["last_error"].as_str().unwrap_or_default();
    assert!(error.contains("larger than"), "{row}");
    assert_eq!(env.items(&[]).len(), 2);
}

#[tokio::test]
async fn permanent_redirect_sets_fetch_url_and_is_followed_directly() {
    let server = MockServer::start().await;
    let new_url = format!("{}/new/feed.xml", server.uri());
    serve(
        &server,
        "/old/feed.xml",
        ResponseTemplate::new(301).insert_header("Location", "/new/feed.xml"),
    )
    .await;
    serve(&server, "/new/feed.xml", ok(fixture("rss2.xml"), RSS)).await;
    // A temporary redirect must not move the feed.
    serve(
        &server,
        "/temp/feed.xml",
        ResponseTemplate::new(302).insert_header("Location", "/temp/today.xml"),
    )
    .await;
    serve(&server, "/temp/today.xml", ok(fixture("rdf.xml"), RSS)).await;
    let old_url = format!("{}/old/feed.xml", server.uri());
    let temp_url = format!("{}/temp/feed.xml", server.uri());
    let env = TestEnv::new(
        &[],
        &[Feed::new(old_url.clone()), Feed::new(temp_url.clone())],
    );

    env.poll();
    let moved = env.feed(&old_url);
    assert_eq!(moved["url"], old_url.as_str());
    assert_eq!(moved["fetch_url"], new_url.as_str(), "{moved}");
    assert_eq!(moved["items"], 4);
    let temp = env.feed(&temp_url);
    assert_eq!(temp["fetch_url"], serde_json::Value::Null, "{temp}");
    assert_eq!(temp["items"], 2);
    // Items stay filed under the configured URL.
    let items = env.items(&["--feed", &old_url]);
    assert_eq!(items.len(), 4);

    env.poll();
    assert_eq!(requests_to(&server, "/old/feed.xml").await.len(), 1);
    assert_eq!(requests_to(&server, "/new/feed.xml").await.len(), 2);
    assert_eq!(requests_to(&server, "/temp/feed.xml").await.len(), 2);
    assert_eq!(env.items(&[]).len(), 6);
}

#[tokio::test]
async fn gone_feed_is_marked_and_not_requested_again() {
    let server = MockServer::start().await;
    serve(&server, "/gone.xml", ResponseTemplate::new(410)).await;
    serve(&server, "/alive.xml", ok(fixture("rdf.xml"), RSS)).await;
    let gone_url = format!("{}/gone.xml", server.uri());
    let alive_url = format!("{}/alive.xml", server.uri());
    let env = TestEnv::new(
        &[],
        &[Feed::new(gone_url.clone()), Feed::new(alive_url.clone())],
    );

    env.poll();
    let gone = env.feed(&gone_url);
    assert_eq!(gone["gone"], true, "{gone}");
    assert_eq!(gone["last_status"], 410, "{gone}");
    assert!(gone["last_error"].is_string(), "{gone}");
    assert_eq!(env.feed(&alive_url)["gone"], false);

    env.poll();
    assert_eq!(requests_to(&server, "/gone.xml").await.len(), 1);
    assert_eq!(requests_to(&server, "/alive.xml").await.len(), 2);
    assert_eq!(env.feed(&gone_url)["gone"], true);
}

#[tokio::test]
async fn editing_a_gone_feeds_config_line_revives_it() {
    let server = MockServer::start().await;
    serve(&server, "/gone.xml", ResponseTemplate::new(410)).await;
    let url = format!("{}/gone.xml", server.uri());
    let feeds = [url.clone()];
    let env = TestEnv::raw(&config_text(&feeds, ""));
    env.poll_reading_nothing();
    let again = env.poll_reading_nothing();
    assert!(again.stderr.contains("gone (HTTP 410)"), "{again:#?}");
    assert_eq!(requests_to(&server, "/gone.xml").await.len(), 1);
    let gone = env.feed(&url);
    assert_eq!(gone["gone"], true, "{gone}");
    assert!(
        gone["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("until its config line is edited")),
        "{gone}"
    );

    // The publisher is back at the same URL; the operator edits the line (a name here).
    server.reset().await;
    serve(&server, "/gone.xml", ok(fixture("rdf.xml"), RSS)).await;
    env.rewrite(&config_text(&feeds, "").replace(
        &format!("url = {}\n", toml_string(&url)),
        &format!("url = {}\nname = \"Back again\"\n", toml_string(&url)),
    ));
    let run = env.poll();
    assert!(run.stderr.contains("gone feed revived"), "{run:#?}");
    assert_eq!(requests_to(&server, "/gone.xml").await.len(), 1);
    let revived = env.feed(&url);
    assert_eq!(revived["gone"], false, "{revived}");
    assert_eq!(revived["error_count"], 0, "{revived}");
    assert_eq!(revived["last_status"], 200, "{revived}");
    assert!(!env.items(&[]).is_empty());
}

/// A port on 127.0.0.1 that nothing listens on: connecting is refused.
fn refused_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}{path}")
}

#[tokio::test]
async fn a_poll_reports_each_failed_feed_by_name_and_short_cause() {
    let server = MockServer::start().await;
    serve(&server, "/good.xml", ok(fixture("rss2.xml"), RSS)).await;
    serve(&server, "/closed.xml", ResponseTemplate::new(403)).await;
    let env = TestEnv::new(
        &[],
        &[
            Feed::named(format!("{}/good.xml", server.uri()), "Harbour Gazette"),
            Feed::named(format!("{}/closed.xml", server.uri()), "Closed Courier"),
            Feed::new(refused_url("/down.xml")),
        ],
    );
    let run = env.poll();
    // One feed was read: success, with one line per failed feed.
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stderr.contains("Closed Courier: HTTP 403"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("127.0.0.1: connection refused by 127.0.0.1"),
        "an unnamed feed goes by its host: {}",
        run.stderr
    );
    assert!(run.stderr.contains("1 read"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("error sending request"),
        "{}",
        run.stderr
    );
    // Off a terminal there is no progress bar.
    assert!(!run.stderr.contains("/3 feeds"), "{}", run.stderr);
    // -v shows every cause.
    let verbose = env.run(&["-v", "poll"]);
    assert!(verbose.ok());
    assert!(
        verbose.stderr.contains("error sending request"),
        "{}",
        verbose.stderr
    );
}

#[tokio::test]
async fn a_poll_that_reads_no_feed_says_so() {
    let env = TestEnv::new(
        &[],
        &[
            Feed::named(refused_url("/a.xml"), "Alpha Wire"),
            Feed::named(refused_url("/b.xml"), "Beta Post"),
        ],
    );
    let config = std::fs::read_to_string(&env.config).unwrap();
    env.rewrite(&format!(
        "{config}\n[[story]]\nid = \"quake\"\ntitle = \"Quake\"\nbaseline_url = \"{}\"\nentities = [\"Valdoria\"]\n",
        refused_url("/baseline.html")
    ));
    let run = env.run(&["poll"]);
    // The documented status for a poll that read nothing, so cron and systemd notice.
    assert_eq!(run.code, Some(3), "{run:#?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("Alpha Wire: "))
            .count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Beta Post: connection refused"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("no feed could be reached") && l.contains("followup demo")),
        "{}",
        run.stderr
    );
    // The unread baseline is one line of the report, not a log line with a timestamp.
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("story quake: cannot read the baseline"))
            .count(),
        1,
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("WARN"), "{}", run.stderr);
    // Nothing stored is lost, and the failure is on each feed's row.
    let feeds = env.feeds();
    assert!(
        feeds.iter().all(|f| !f["last_error"].is_null()),
        "{feeds:#?}"
    );
}
