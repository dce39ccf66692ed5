//! Hostile input: bodies, timeouts, redirects and absurd documents are bounded and never
//! panic; private addresses are refused and the reason is recorded; what a feed supplied is
//! made safe in every output.

use std::process::Command;
use std::time::{Duration, Instant};

use followup::extract::{article, figures};
use followup::fetch::FetchError;
use followup::fetch::Validators;
use followup::fetch::feed;
use tokio::io::AsyncWriteExt;

use crate::hostile_util::{
    fixture, local_fetcher, raw_server, rss, rss_server, write_config, write_head,
};

const MIB: u64 = 1024 * 1024;

#[tokio::test]
async fn gzip_bomb_stops_at_the_body_cap() {
    let bomb = std::fs::read(fixture("bombs/zeros-64MiB.gz")).expect("bomb fixture");
    assert!(
        bomb.len() < 128 * 1024,
        "the fixture should be small on the wire"
    );
    let server = raw_server(move |mut stream, _| {
        let bomb = bomb.clone();
        async move {
            let len = bomb.len().to_string();
            write_head(
                &mut stream,
                "200 OK",
                &[
                    ("Content-Type", "application/rss+xml"),
                    ("Content-Encoding", "gzip"),
                    ("Content-Length", &len),
                ],
            )
            .await;
            let _ = stream.write_all(&bomb).await;
        }
    })
    .await;
    let fetcher = local_fetcher(MIB, Duration::from_secs(20));
    let err = fetcher
        .get(&server.url("/feed"), &Validators::default())
        .await
        .expect_err("64 MiB of zeros must not be accepted under a 1 MiB cap");
    assert!(
        matches!(err, FetchError::TooLarge(cap) if cap == MIB),
        "{err}"
    );
}

#[tokio::test]
async fn slow_loris_is_cut_off_by_the_total_timeout() {
    let server = raw_server(|mut stream, _| async move {
        write_head(
            &mut stream,
            "200 OK",
            &[("Content-Type", "application/rss+xml")],
        )
        .await;
        // One byte every 100 ms, forever: each read is quick, the whole never ends.
        loop {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let fetcher = local_fetcher(10 * MIB, Duration::from_secs(2));
    let start = Instant::now();
    let err = fetcher
        .get(&server.url("/feed"), &Validators::default())
        .await
        .expect_err("a drip-fed body must time out");
    assert!(matches!(err, FetchError::Timeout(_)), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "took {:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn silent_server_times_out() {
    let server = raw_server(|stream, _| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await;
    let fetcher = local_fetcher(MIB, Duration::from_secs(1));
    let start = Instant::now();
    let err = fetcher
        .get(&server.url("/feed"), &Validators::default())
        .await
        .expect_err("no answer must time out");
    assert!(matches!(err, FetchError::Timeout(_)), "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn redirect_loops_and_chains_stop() {
    // /a ↔ /b forever.
    let looping = raw_server(|mut stream, request| async move {
        let next = if request.path == "/a" { "/b" } else { "/a" };
        write_head(
            &mut stream,
            "302 Found",
            &[("Location", next), ("Content-Length", "0")],
        )
        .await;
    })
    .await;
    // /1 → /2 → /3 → … never repeating.
    let chain = raw_server(|mut stream, request| async move {
        let n: u32 = request.path.trim_start_matches('/').parse().unwrap_or(0);
        let next = format!("/{}", n + 1);
        write_head(
            &mut stream,
            "301 Moved",
            &[("Location", &next), ("Content-Length", "0")],
        )
        .await;
    })
    .await;
    let fetcher = local_fetcher(MIB, Duration::from_secs(5));
    let err = fetcher
        .get(&looping.url("/a"), &Validators::default())
        .await
        .expect_err("loop");
    assert!(matches!(err, FetchError::TooManyRedirects), "{err}");
    assert!(
        looping.hits() <= 3,
        "loop followed {} times",
        looping.hits()
    );
    let err = fetcher
        .get(&chain.url("/1"), &Validators::default())
        .await
        .expect_err("chain");
    assert!(matches!(err, FetchError::TooManyRedirects), "{err}");
    assert!(chain.hits() <= 7, "chain followed {} times", chain.hits());
}

#[test]
fn huge_feeds_are_bounded() {
    let base = url::Url::parse("https://news.example/feed.xml").expect("URL");
    let doc = rss("big", 100_000);
    let start = Instant::now();
    let parsed = feed::parse(doc.as_bytes(), &base).expect("valid feed");
    assert_eq!(parsed.items.len(), 10_000, "entries must be capped");
    // The same, broken (no version, truncated) so the tolerant scanner reads it.
    let broken = doc.replace("<rss version=\"2.0\">", "<rss>") + "<item><title>&bogus";
    let broken = &broken[..broken.len() - 500];
    let parsed = feed::parse(broken.as_bytes(), &base).expect("broken feed");
    assert_eq!(parsed.items.len(), 10_000);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn five_megabyte_title_is_clipped() {
    let base = url::Url::parse("https://news.example/feed.xml").expect("URL");
    let title = "Flood ".repeat(900_000);
    for doc in [
        format!(
            "<rss version=\"2.0\"><channel><item><title>{title}</title><guid>x</guid></item></channel></rss>"
        ),
        // Unclosed channel: the tolerant path must clip as well.
        format!("<rss><channel><item><title>{title}</title><guid>x</guid></item>"),
    ] {
        let parsed = feed::parse(doc.as_bytes(), &base).expect("feed");
        let got = &parsed.items[0].title;
        assert!(got.starts_with("Flood Flood"));
        assert!(
            got.chars().count() <= 1_000,
            "{} chars",
            got.chars().count()
        );
    }
}

#[test]
fn deeply_nested_markup_does_not_overflow() {
    // 100k nested blocks: deep enough to overflow any recursive walk, and, as html5ever's
    // scope checks walk the open elements per start tag, minutes of parsing unless the
    // nesting is bounded first (20k took 7.5 s in a debug build).
    let depth = 100_000;
    let html = format!(
        "<html><body>{}Rescue teams reached the valley.{}</body></html>",
        "<div><span>".repeat(depth),
        "</span></div>".repeat(depth)
    );
    let article = article::read(&html, None);
    assert!(article.text.contains("Rescue teams"), "{article:?}");
    // A feed summary is read up to 256 KiB: 40k blocks fit.
    let summary = format!("{}Rescue teams reached the valley.", "<div>".repeat(40_000));
    assert!(followup::text::html::html_to_text(&summary).contains("Rescue teams"));
    // Feed fragments: 100k nested tags must be linear.
    let depth = 100_000;
    let start = Instant::now();
    let base = url::Url::parse("https://news.example/feed.xml").expect("URL");
    let doc = format!(
        "<rss><channel><item><guid>n</guid><description>{}</description><title>Deep</title></item>",
        "<b>".repeat(depth)
    );
    let parsed = feed::parse(doc.as_bytes(), &base).expect("feed");
    assert_eq!(parsed.items.len(), 1);
    assert_eq!(parsed.items[0].title, "Deep");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn absurd_numbers_saturate_or_are_dropped() {
    for text in [
        "At least 999999999999999999999 killed in the blast.",
        "The toll rose to 18446744073709551616 dead.",
        "Police said 99,999,999,999,999,999,999,999 people were injured.",
        "A thousand thousand million billion trillion people were reported missing.",
    ] {
        for o in figures::observations(text) {
            assert!(o.value > 0, "{text}: {o:?}");
        }
        let _ = figures::article_figures(text, text);
    }
}

/// A feed on a loopback address is refused by default, nothing reaches the server, and the
/// feed's row says why.
#[test]
fn private_feed_is_refused_with_the_reason_on_its_row() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(rss_server("private"));
    let dir = tempfile::tempdir().expect("tempdir");
    let url = server.url("/feed.xml");
    let config = write_config(dir.path(), std::slice::from_ref(&url), "");
    let out = Command::new(env!("CARGO_BIN_EXE_followup"))
        .arg("--config")
        .arg(&config)
        .arg("poll")
        .output()
        .expect("run followup poll");
    // The one feed was refused, so nothing was read: the documented status 3, not a crash.
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.hits(), 0, "the private server was contacted");
    let store = followup::store::Store::open(&dir.path().join("followup.db")).expect("db");
    let row = store.feed(url.as_str()).expect("query").expect("feed row");
    let error = row.last_error.unwrap_or_default();
    assert!(
        error.contains("127.0.0.1 is not a public address"),
        "{error}"
    );
    assert!(error.contains("allow_private_networks"), "{error}");
    assert_eq!(row.items, 0);
}

/// A proxy in the environment would resolve and connect for followup, out of the address
/// check's sight (here a loopback proxy fetching a name that never resolves): with private
/// networks disallowed, proxy variables are ignored and the proxy is never contacted.
#[test]
fn proxy_variables_do_not_route_around_the_address_check() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let proxy = runtime.block_on(rss_server("proxied"));
    let dir = tempfile::tempdir().expect("tempdir");
    let url = url::Url::parse("http://feed.invalid/rss.xml").expect("url");
    let config = write_config(dir.path(), std::slice::from_ref(&url), "timeout = \"3s\"");
    let proxy_url = proxy.url("").to_string();
    let mut command = Command::new(env!("CARGO_BIN_EXE_followup"));
    command.arg("--config").arg(&config).arg("poll");
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env(var, &proxy_url);
    }
    command.env_remove("NO_PROXY").env_remove("no_proxy");
    let out = command.output().expect("run followup poll");
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(proxy.hits(), 0, "the request went through the proxy");
    let store = followup::store::Store::open(&dir.path().join("followup.db")).expect("db");
    let row = store.feed(url.as_str()).expect("query").expect("feed row");
    assert_eq!(row.items, 0);
    assert!(row.last_error.is_some_and(|e| !e.is_empty()));
}

/// With private networks allowed, proxy variables are honoured for other hosts, but a
/// loopback server is always asked directly: the proxy (here one that would answer with
/// other items) never sees the request for the local feed, and does see the remote one.
#[test]
fn loopback_feeds_bypass_the_proxy_and_others_use_it() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let proxy = runtime.block_on(rss_server("proxied"));
    let local = runtime.block_on(rss_server("local"));
    let dir = tempfile::tempdir().expect("tempdir");
    let remote = url::Url::parse("http://feed.invalid/rss.xml").expect("url");
    let local_url = local.url("/feed.xml");
    let config = write_config(
        dir.path(),
        &[local_url.clone(), remote.clone()],
        "allow_private_networks = true\ntimeout = \"3s\"",
    );
    let proxy_url = proxy.url("").to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_followup"))
        .arg("--config")
        .arg(&config)
        .arg("poll")
        .env("http_proxy", &proxy_url)
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .expect("run followup poll");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(local.hits(), 1, "the local feed was not asked directly");
    assert_eq!(
        proxy.hits(),
        1,
        "the remote feed did not go through the proxy"
    );
    let store = followup::store::Store::open(&dir.path().join("followup.db")).expect("db");
    for url in [&local_url, &remote] {
        let row = store.feed(url.as_str()).expect("query").expect("feed row");
        assert_eq!(row.items, 2, "{url}: {:?}", row.last_error);
    }
}

/// Titles with terminal escapes and formula-like starts are stored as given (straight into
/// the database, as another writer or an older version could leave them) and come out
/// harmless in the `items` table and CSV.
#[test]
fn outputs_neutralise_what_feeds_supplied() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(raw_server(|mut stream, _| async move {
        let body = rss("out", 5);
        let len = body.len().to_string();
        write_head(&mut stream, "200 OK", &[("Content-Length", &len)]).await;
        let _ = stream.write_all(body.as_bytes()).await;
    }));
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        &[server.url("/feed.xml")],
        "allow_private_networks = true",
    );
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_followup"))
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .expect("run followup");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    };
    run(&["poll"]);
    let hostile = [
        "\u{1b}[2J\u{1b}]0;owned\u{7}Screen cleared",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+cmd|' /C calc'!A0",
        "-2+3 injured",
        "@SUM(A1:A9)",
    ];
    let db = rusqlite::Connection::open(dir.path().join("followup.db")).expect("open db");
    for (i, title) in hostile.iter().enumerate() {
        let changed = db
            .execute(
                "UPDATE items SET title = ?1 WHERE guid = ?2",
                rusqlite::params![title, format!("out-{i}")],
            )
            .expect("update title");
        assert_eq!(changed, 1);
    }
    drop(db);
    let table = run(&["items"]);
    assert!(table.contains("Screen cleared"), "{table}");
    assert!(
        !table.chars().any(|c| c.is_control() && c != '\n'),
        "control characters reached the terminal: {table:?}"
    );
    let csv = run(&["items", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let titles: Vec<String> = reader
        .records()
        .map(|r| r.expect("csv record")[3].to_string())
        .collect();
    assert_eq!(titles.len(), 5, "{csv}");
    for title in &titles {
        assert!(
            !title.starts_with(['=', '+', '-', '@']),
            "formula left live in CSV: {title}"
        );
    }
    assert!(
        titles
            .iter()
            .any(|t| t == "'=HYPERLINK(\"http://evil.example\",\"click\")"),
        "{titles:?}"
    );
}
