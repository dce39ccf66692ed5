//! `followup run` as a service: it polls on schedule, honours Retry-After, backs off on
//! errors, stops cleanly on SIGTERM mid-poll, reloads on SIGHUP, talks to systemd over a
//! notify socket, and lets the CLI read its database while it runs.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::util::{
    Daemon, Feed, TestEnv, article_page, assert_integrity, ok, rss, titles, toml_string, wait_until,
};

const RSS: &str = "application/rss+xml";

/// Settings that let a test see several polls in a few seconds.
const FAST: &[(&str, &str)] = &[("poll_interval", "\"1s\""), ("min_interval", "\"1s\"")];

/// When each request to a route arrived, recorded by the responder itself.
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<Vec<Instant>>>);

impl Arrivals {
    fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    fn times(&self) -> Vec<Instant> {
        self.0.lock().unwrap().clone()
    }

    /// Gaps between consecutive requests, in seconds.
    fn gaps(&self) -> Vec<f64> {
        self.times()
            .windows(2)
            .map(|w| (w[1] - w[0]).as_secs_f64())
            .collect()
    }
}

/// Serves `route` with `respond(n)` for the n-th request (1-based), recording arrivals.
async fn scripted(
    server: &MockServer,
    route: &str,
    respond: impl Fn(usize) -> ResponseTemplate + Send + Sync + 'static,
) -> Arrivals {
    let arrivals = Arrivals::default();
    let seen = arrivals.clone();
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(move |_: &Request| {
            let n = {
                let mut times = seen.0.lock().unwrap();
                times.push(Instant::now());
                times.len()
            };
            respond(n)
        })
        .mount(server)
        .await;
    arrivals
}

fn two_items() -> String {
    rss(
        "https://wire.example/news",
        &[("a1", "Bridge reopens"), ("a2", "Ferry strike ends")],
    )
}

#[tokio::test]
async fn polls_on_schedule_and_readers_see_it_while_it_runs() {
    let server = MockServer::start().await;
    let feed = scripted(&server, "/feed.xml", |_| ok(two_items(), RSS)).await;
    let url = format!("{}/feed.xml", server.uri());
    let env = TestEnv::new(FAST, &[Feed::new(url.clone())]);
    let daemon = Daemon::start(&env, &[]);

    assert!(
        wait_until(Duration::from_secs(15), || feed.count() >= 3).await,
        "three polls expected:\n{}",
        daemon.log()
    );
    // 1 s ±10 % jitter apart: never sooner, and not much later on an idle machine.
    for gap in feed.gaps() {
        assert!((0.85..3.0).contains(&gap), "gap {gap} s: {:?}", feed.gaps());
    }
    // The CLI reads the daemon's database while it runs: no lock error, same items.
    assert_eq!(titles(&env.items(&[])).len(), 2);
    assert_eq!(env.feed(&url)["error_count"], 0);
    // New items reach the search index once the database thread is idle.
    assert!(
        wait_until(Duration::from_secs(5), || {
            titles(&env.items(&["--search", "ferry"])) == ["Ferry strike ends"]
        })
        .await,
        "{}",
        daemon.log()
    );

    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

#[tokio::test]
async fn honours_retry_after_and_backs_off_on_errors() {
    let server = MockServer::start().await;
    // First a 429 asking for 3 s, then content.
    let limited = scripted(&server, "/limited.xml", |n| {
        if n == 1 {
            ResponseTemplate::new(429).insert_header("Retry-After", "3")
        } else {
            ok(two_items(), RSS)
        }
    })
    .await;
    let broken = scripted(&server, "/broken.xml", |_| ResponseTemplate::new(500)).await;
    let env = TestEnv::new(
        FAST,
        &[
            Feed::new(format!("{}/limited.xml", server.uri())),
            Feed::new(format!("{}/broken.xml", server.uri())),
        ],
    );
    let daemon = Daemon::start(&env, &[]);

    assert!(
        wait_until(Duration::from_secs(20), || limited.count() >= 2
            && broken.count() >= 4)
        .await,
        "limited {} / broken {} requests:\n{}",
        limited.count(),
        broken.count(),
        daemon.log()
    );
    let limited_gaps = limited.gaps();
    assert!(
        limited_gaps[0] >= 2.95,
        "asked back after 3 s, came after {limited_gaps:?}"
    );
    // 1 s, 2 s, 4 s (±10 %, rounded up to the stored second): never sooner, and the third
    // wait is longer than the 1 s interval could ever make it (at most 1.1 s + rounding).
    let gaps = broken.gaps();
    assert!(gaps[0] >= 0.85, "{gaps:?}");
    assert!(gaps[1] >= 1.75, "{gaps:?}");
    assert!(gaps[2] >= 3.55, "{gaps:?}");
    let row = env.feed(&format!("{}/broken.xml", server.uri()));
    assert!(row["error_count"].as_i64().unwrap_or(0) >= 3, "{row:#}");

    daemon.signal("INT");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
}

#[tokio::test]
async fn sigterm_mid_poll_lets_the_job_finish_then_exits_zero() {
    let server = MockServer::start().await;
    let slow = scripted(&server, "/slow.xml", |_| {
        ok(two_items(), RSS).set_delay(Duration::from_secs(2))
    })
    .await;
    let url = format!("{}/slow.xml", server.uri());
    let env = TestEnv::new(FAST, &[Feed::new(url.clone())]);
    let daemon = Daemon::start(&env, &[]);
    assert!(wait_until(Duration::from_secs(10), || slow.count() >= 1).await);

    let asked = Instant::now();
    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
    assert!(asked.elapsed() < Duration::from_secs(10), "{log}");
    // Stopped taking work: the one request in hand, no second poll.
    assert_eq!(slow.count(), 1, "{log}");
    // The job in hand committed whole.
    assert_eq!(titles(&env.items(&[])).len(), 2);
    assert!(env.feed(&url)["last_fetch"].is_string());
    assert_integrity(&env.db);
}

#[tokio::test]
async fn sigterm_cancels_a_job_that_outlasts_the_grace_period() {
    let server = MockServer::start().await;
    let stuck = scripted(&server, "/stuck.xml", |_| {
        ok(two_items(), RSS).set_delay(Duration::from_secs(40))
    })
    .await;
    let url = format!("{}/stuck.xml", server.uri());
    let env = TestEnv::new(
        &[
            ("poll_interval", "\"1s\""),
            ("min_interval", "\"1s\""),
            ("timeout", "\"60s\""),
        ],
        &[Feed::new(url.clone())],
    );
    let daemon = Daemon::start(&env, &[]);
    assert!(wait_until(Duration::from_secs(10), || stuck.count() >= 1).await);

    let asked = Instant::now();
    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(20));
    assert_eq!(code, Some(0), "{log}");
    let took = asked.elapsed();
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(15),
        "{took:?}\n{log}"
    );
    assert!(log.contains("cancel"), "{log}");
    // Nothing half-written: no items, and the feed row says it was never fetched.
    assert!(env.items(&[]).is_empty());
    assert!(env.feed(&url)["last_fetch"].is_null());
    assert_integrity(&env.db);
}

#[tokio::test]
async fn sighup_reloads_the_config_and_keeps_it_when_invalid() {
    let server = MockServer::start().await;
    let first = scripted(&server, "/first.xml", |_| ok(two_items(), RSS)).await;
    let second = scripted(&server, "/second.xml", |_| ok(two_items(), RSS)).await;
    let env = TestEnv::new(FAST, &[Feed::new(format!("{}/first.xml", server.uri()))]);
    let original = std::fs::read_to_string(&env.config).unwrap();
    let daemon = Daemon::start(&env, &[]);
    assert!(wait_until(Duration::from_secs(10), || first.count() >= 1).await);

    // A broken edit is reported with its line and changes nothing.
    std::fs::write(
        &env.config,
        format!("{original}\n[[feed]]\nurl = \"ftp://nowhere.example/x\"\n"),
    )
    .unwrap();
    daemon.signal("HUP");
    daemon
        .wait_for_log("invalid config", Duration::from_secs(5))
        .await;
    let log = daemon.log();
    let line = original.lines().count() + 3;
    assert!(log.contains(&format!("feeds.toml:{line}:")), "{log}");
    let before = first.count();
    assert!(
        wait_until(Duration::from_secs(5), || first.count() >= before + 2).await,
        "the old config keeps running:\n{}",
        daemon.log()
    );

    // A valid edit adds a feed, which is polled at once.
    let added = format!("{}/second.xml", server.uri());
    std::fs::write(
        &env.config,
        format!("{original}\n[[feed]]\nurl = {}\n", toml_string(&added)),
    )
    .unwrap();
    daemon.signal("HUP");
    assert!(
        wait_until(Duration::from_secs(5), || second.count() >= 1).await,
        "the added feed was not polled:\n{}",
        daemon.log()
    );
    // The request can reach the server before the log line reaches the test's reader.
    daemon
        .wait_for_log("config reloaded", Duration::from_secs(5))
        .await;

    // Removing the first feed stops its polls.
    std::fs::write(
        &env.config,
        original.replace(
            &format!("{}/first.xml", server.uri()),
            &format!("{}/second.xml", server.uri()),
        ),
    )
    .unwrap();
    daemon.signal("HUP");
    daemon.wait_for_log("feeds=1", Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let frozen = first.count();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(first.count(), frozen, "a removed feed was still polled");

    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
}

/// Messages on a fake `NOTIFY_SOCKET`, read on a thread.
struct NotifySocket {
    socket: UnixDatagram,
}

impl NotifySocket {
    fn bind(path: &Path) -> NotifySocket {
        let socket = UnixDatagram::bind(path).expect("bind notify socket");
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("read timeout");
        NotifySocket { socket }
    }

    /// Every message that arrives within `window`.
    fn collect(&self, window: Duration) -> Vec<String> {
        let started = Instant::now();
        let mut messages = Vec::new();
        let mut buf = [0u8; 4096];
        while started.elapsed() < window {
            if let Ok(n) = self.socket.recv(&mut buf) {
                messages.push(String::from_utf8_lossy(&buf[..n]).into_owned());
            }
        }
        messages
    }

    /// Waits up to `limit` for a message containing `text`; returns the messages up to it.
    fn until(&self, text: &str, limit: Duration) -> Vec<String> {
        let started = Instant::now();
        let mut messages = Vec::new();
        let mut buf = [0u8; 4096];
        while started.elapsed() < limit {
            if let Ok(n) = self.socket.recv(&mut buf) {
                let message = String::from_utf8_lossy(&buf[..n]).into_owned();
                let done = message.contains(text);
                messages.push(message);
                if done {
                    return messages;
                }
            }
        }
        panic!("no {text:?} within {limit:?}; got {messages:?}");
    }
}

fn watchdogs(messages: &[String]) -> usize {
    messages
        .iter()
        .filter(|m| m.lines().any(|l| l == "WATCHDOG=1"))
        .count()
}

#[tokio::test]
async fn notifies_ready_pings_the_watchdog_only_while_making_progress() {
    let server = MockServer::start().await;
    let feed = scripted(&server, "/feed.xml", |_| ok(two_items(), RSS)).await;
    let settings = [FAST, &[("metrics", "\"127.0.0.1:0\"")]].concat();
    let env = TestEnv::new(
        &settings,
        &[Feed::new(format!("{}/feed.xml", server.uri()))],
    );
    let socket_path = env.dir().join("notify.sock");
    let stall = env.dir().join("stall");
    let notify = NotifySocket::bind(&socket_path);
    let vars = [
        ("NOTIFY_SOCKET", socket_path.as_os_str()),
        ("FOLLOWUP_TEST_STALL_FILE", stall.as_os_str()),
        // 1 s: pings every 0.5 s, and the loop beats every 0.25 s.
        ("WATCHDOG_USEC", OsStr::new("1000000")),
    ];
    let daemon = Daemon::start(&env, &vars);

    let first = notify.until("READY=1", Duration::from_secs(10));
    assert_eq!(watchdogs(&first), 0, "a ping before READY=1: {first:?}");
    // READY=1 comes after the migration: the schema is complete by then.
    assert_schema_current(&env.db);

    let healthy = notify.collect(Duration::from_secs(3));
    assert!(watchdogs(&healthy) >= 4, "{healthy:?}\n{}", daemon.log());
    assert!(feed.count() >= 1);
    let metrics = daemon.metrics_addr().await;
    assert_eq!(get(&metrics, "/healthz"), (200, "ok\n".to_string()));

    // Stall the scheduler loop: the pings stop although the process is alive.
    std::fs::write(&stall, "").unwrap();
    notify.collect(Duration::from_millis(1500));
    let stalled = notify.collect(Duration::from_secs(2));
    assert_eq!(watchdogs(&stalled), 0, "{stalled:?}\n{}", daemon.log());
    daemon
        .wait_for_log("withholding the watchdog ping", Duration::from_secs(5))
        .await;
    // /healthz judges as the watchdog does.
    let (status, reason) = get(&metrics, "/healthz");
    assert_eq!(status, 503, "{reason}");
    assert!(
        reason.starts_with("scheduler made no progress for "),
        "{reason}"
    );
    assert_eq!(reason.lines().count(), 1, "{reason}");

    // Unstalled, it pings again.
    std::fs::remove_file(&stall).unwrap();
    let resumed = notify.collect(Duration::from_secs(2));
    assert!(watchdogs(&resumed) >= 2, "{resumed:?}\n{}", daemon.log());
    assert_eq!(get(&metrics, "/healthz").0, 200);

    daemon.signal("TERM");
    notify.until("STOPPING=1", Duration::from_secs(5));
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
}

fn assert_schema_current(db: &Path) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the test database");
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'feeds'",
            [],
            |row| row.get(0),
        )
        .expect("read the schema");
    assert_eq!(tables, 1);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("read user_version");
    assert!(version >= 2, "user_version {version}");
}

#[tokio::test]
async fn runs_the_story_stage_on_what_the_feed_jobs_touched() {
    let server = MockServer::start().await;
    let title = "Velmora Dam breach: Ostrava Water Board counts the dead";
    let site = format!("{}/news", server.uri());
    let feed = rss(&site, &[("dam-1", title)]);
    scripted(&server, "/feed.xml", move |_| ok(feed.clone(), RSS)).await;
    let page = article_page(title);
    let articles = scripted(&server, "/news/dam-1", move |_| {
        ok(page.clone(), "text/html; charset=utf-8")
    })
    .await;
    let env = TestEnv::raw(&format!(
        "[settings]\ndatabase = {}\nallow_private_networks = true\ntimeout = \"5s\"\n\
         per_host = 8\npoll_interval = \"1s\"\nmin_interval = \"1s\"\n\
         metrics = \"127.0.0.1:0\"\n\n\
         [[feed]]\nurl = {}\n\n\
         [[story]]\nid = \"dam\"\ntitle = \"Dam breach\"\n\
         entities = [\"Velmora Dam\", \"Ostrava Water Board\"]\nsince = \"2031-05-01\"\n",
        toml_string("{db}"),
        toml_string(&format!("{}/feed.xml", server.uri())),
    ));
    let daemon = Daemon::start(&env, &[]);
    daemon
        .wait_for_log("story round done", Duration::from_secs(20))
        .await;
    assert!(
        wait_until(Duration::from_secs(10), || articles.count() >= 1).await,
        "the matched article was not fetched:\n{}",
        daemon.log()
    );
    let matches = env.run(&["matches", "--format", "json"]);
    assert!(matches.ok(), "{matches:#?}");
    let found = matches.json();
    assert!(
        found.as_array().is_some_and(|m| m.len() == 1),
        "{found:#}\n{}",
        daemon.log()
    );
    // The feed no longer changes, yet a matched page is re-read for live updates by the
    // periodic round (every poll_interval).
    assert!(
        wait_until(Duration::from_secs(10), || articles.count() >= 2).await,
        "the matched article was not re-checked:\n{}",
        daemon.log()
    );
    // The story stage counts into the metrics too.
    let addr = daemon.metrics_addr().await;
    let mut scrape = String::new();
    let counted = wait_until(Duration::from_secs(10), || {
        scrape = get(&addr, "/metrics").1;
        let pages = sample(&scrape, r#"followup_article_fetches_total{outcome="ok"}"#)
            + sample(
                &scrape,
                r#"followup_article_fetches_total{outcome="not_modified"}"#,
            );
        pages >= 2.0
    })
    .await;
    assert!(counted, "{scrape}");
    assert_eq!(
        sample(&scrape, "followup_matches_stored_total"),
        1.0,
        "{scrape}"
    );
    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
}

/// Sends `request` (raw bytes) to `addr` and returns the status and body of the answer; the
/// server closes each connection after one response.
fn exchange(addr: &str, request: &[u8]) -> (u16, String) {
    let answer = exchange_whole(addr, request);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, body)| body.to_string());
    (status, body)
}

/// Sends `request` and reads the whole answer, head and body.
fn exchange_whole(addr: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to the metrics address");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).expect("send the request");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("read the response");
    answer
}

/// The `Content-Type` of an answer.
fn content_type(answer: &str) -> String {
    answer
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default()
}

/// `GET path` on the metrics endpoint.
fn get(addr: &str, path: &str) -> (u16, String) {
    exchange(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
}

/// The value of the sample starting with `series` (name and labels) in a scrape.
fn sample(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn serves_metrics_that_count_polls_items_and_errors_by_kind() {
    let server = MockServer::start().await;
    let good = scripted(&server, "/feed.xml", |_| ok(two_items(), RSS)).await;
    scripted(&server, "/broken.xml", |_| ResponseTemplate::new(500)).await;
    scripted(&server, "/page.xml", |_| {
        ok("<html><body>not a feed</body></html>", "text/html")
    })
    .await;
    let settings = [FAST, &[("metrics", "\"127.0.0.1:0\"")]].concat();
    let env = TestEnv::new(
        &settings,
        &[
            Feed::new(format!("{}/feed.xml", server.uri())),
            Feed::new(format!("{}/broken.xml", server.uri())),
            Feed::new(format!("{}/page.xml", server.uri())),
        ],
    );
    let daemon = Daemon::start(&env, &[]);
    let addr = daemon.metrics_addr().await;

    // A client that connects and sends nothing must not hold up the others.
    let _idle = TcpStream::connect(&addr).expect("connect");
    let mut scrape = String::new();
    let counted = wait_until(Duration::from_secs(15), || {
        scrape = get(&addr, "/metrics").1;
        sample(&scrape, r#"followup_feed_polls_total{outcome="ok"}"#) >= 1.0
            && sample(
                &scrape,
                r#"followup_fetch_errors_total{target="feed",kind="http_5xx"}"#,
            ) >= 1.0
            && sample(
                &scrape,
                r#"followup_fetch_errors_total{target="feed",kind="parse"}"#,
            ) >= 1.0
    })
    .await;
    assert!(counted, "{scrape}\n{}", daemon.log());
    assert!(good.count() >= 1);
    // The feed offered two items; later polls find them unchanged.
    assert_eq!(
        sample(&scrape, r#"followup_items_stored_total{change="new"}"#),
        2.0,
        "{scrape}"
    );
    assert!(sample(&scrape, r#"followup_feed_polls_total{outcome="error"}"#) >= 2.0);
    assert!(sample(&scrape, "followup_poll_duration_seconds_count") >= 3.0);
    assert!(sample(&scrape, "followup_last_successful_poll_timestamp_seconds") > 1.0e9);
    assert_eq!(
        sample(&scrape, "followup_feeds_configured"),
        3.0,
        "{scrape}"
    );
    assert!(scrape.contains("# TYPE followup_poll_duration_seconds histogram"));
    // Prometheus text 0.0.4 unless the scraper asks for OpenMetrics.
    let plain = exchange_whole(&addr, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        content_type(&plain),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(
        scrape.contains("# TYPE followup_feed_polls_total counter"),
        "{scrape}"
    );
    assert!(!scrape.contains("# EOF"), "{scrape}");
    let open = exchange_whole(
        &addr,
        b"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text; version=1.0.0\r\n\r\n",
    );
    assert!(
        content_type(&open).starts_with("application/openmetrics-text"),
        "{open}"
    );
    assert!(open.trim_end().ends_with("# EOF"), "{open}");
    promtool_passes(&scrape);

    assert_eq!(get(&addr, "/healthz"), (200, "ok\n".to_string()));
    assert_eq!(get(&addr, "/nope").0, 404);
    assert_eq!(get(&addr, "/metrics/").0, 404);
    assert_eq!(
        exchange(&addr, b"POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n").0,
        405
    );
    // Garbage and an oversized head are refused, and the server keeps serving.
    assert_eq!(exchange(&addr, b"HELLO THERE\r\n\r\n").0, 400);
    let huge = format!(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    // hyper answers 431 and closes; the close may reset the connection before the answer
    // is read, so only a wrong answer fails.
    if let Ok(mut stream) = TcpStream::connect(&addr) {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let _ = stream.write_all(huge.as_bytes());
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
            "{answer}"
        );
    }
    assert_eq!(get(&addr, "/healthz").0, 200);

    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
}

#[tokio::test]
async fn a_taken_metrics_port_fails_the_start_naming_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let env = TestEnv::new(&[("metrics", &toml_string(&addr))], &[]);
    let run = env.run(&["run"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains(&format!("metrics: cannot listen on {addr}: ")),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn sighup_with_an_edited_line_revives_a_gone_feed() {
    let server = MockServer::start().await;
    let feed = scripted(&server, "/feed.xml", |n| {
        if n == 1 {
            ResponseTemplate::new(410)
        } else {
            ok(two_items(), RSS)
        }
    })
    .await;
    let url = format!("{}/feed.xml", server.uri());
    let env = TestEnv::new(FAST, &[Feed::new(url.clone())]);
    let daemon = Daemon::start(&env, &[]);
    assert!(wait_until(Duration::from_secs(10), || feed.count() >= 1).await);
    assert!(
        wait_until(Duration::from_secs(5), || env.feed(&url)["gone"] == true).await,
        "{}",
        daemon.log()
    );
    // Gone: not polled again, however short the interval.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(feed.count(), 1, "{}", daemon.log());

    let original = std::fs::read_to_string(&env.config).unwrap();
    let line = format!("url = {}\n", toml_string(&url));
    std::fs::write(
        &env.config,
        original.replace(&line, &format!("{line}name = \"Back\"\n")),
    )
    .unwrap();
    daemon.signal("HUP");
    daemon
        .wait_for_log("gone feed revived", Duration::from_secs(5))
        .await;
    assert!(
        wait_until(Duration::from_secs(5), || feed.count() >= 2).await,
        "{}",
        daemon.log()
    );
    assert!(
        wait_until(Duration::from_secs(5), || env.feed(&url)["gone"] == false).await,
        "{}",
        daemon.log()
    );
    // The revival is written before the fetch, and the fetch's items with the next
    // batched commit, so they are waited for rather than read at once.
    assert!(
        wait_until(Duration::from_secs(5), || titles(&env.items(&[])).len()
            == 2)
        .await,
        "{}",
        daemon.log()
    );

    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
}

/// `promtool check metrics` (Debian's `prometheus` package; `.ci/run` installs it) passes
/// on `scrape` with no lint warnings. Skipped, saying so, where promtool is not installed.
fn promtool_passes(scrape: &str) {
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("promtool is not installed: the exposition lint is skipped");
        return;
    };
    child
        .stdin
        .take()
        .expect("promtool's stdin")
        .write_all(scrape.as_bytes())
        .expect("feed promtool");
    let out = child.wait_with_output().expect("run promtool");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool: {said}\n{scrape}");
    assert!(said.trim().is_empty(), "promtool lint: {said}\n{scrape}");
}
