//! Faults: `followup poll` and the daemon killed with SIGKILL at random moments, again and
//! again, against a server that answers conditional GETs with 304 (storing the ETag without
//! the items would lose them for good); a full database; queries beside the writing daemon;
//! a minute against a server that fails in every way. Nothing crashes, nothing is lost.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::hostile_util::{RawServer, raw_server, write_config, write_head};
use crate::util::{
    Daemon, Entry, Feed, TestEnv, article_page, assert_integrity, config_text, ok, rss_entries,
    serve, titles, wait_until,
};

const FEEDS: usize = 4;
const ITEMS: usize = 150;
const ROUNDS: usize = 24;
/// One item in this many is a follow-up of [`DAM_STORY`], with a local article page.
const MATCH_EVERY: usize = 10;

/// The feed `/{prefix}` of the crash server: `ITEMS` items `{prefix}-{i}`, every
/// [`MATCH_EVERY`]th a follow-up of [`DAM_STORY`] linking to its page on `host`.
fn crash_feed(prefix: &str, host: &str) -> String {
    let items: Vec<(String, String, String)> = (0..ITEMS)
        .map(|i| {
            let id = format!("{prefix}-{i}");
            if i % MATCH_EVERY == 0 {
                let title = dam_title(&id);
                (id.clone(), title, format!("http://{host}/news/{id}"))
            } else {
                let title = format!("Item {prefix} {i}");
                (
                    id.clone(),
                    title,
                    format!("https://news.example/{prefix}/{i}"),
                )
            }
        })
        .collect();
    let entries: Vec<Entry> = items
        .iter()
        .map(|(id, title, link)| Entry {
            guid: id,
            title,
            summary: "An update.",
            published: "2031-05-09T08:00:00Z",
            link: link.clone(),
        })
        .collect();
    rss_entries(&entries)
}

/// Answers with the article page of follow-up `id` of [`DAM_STORY`].
async fn serve_article(stream: &mut TcpStream, id: &str) {
    let body = article_page(&dam_title(id));
    let length = body.len().to_string();
    let headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", length.as_str()),
    ];
    write_head(stream, "200 OK", &headers).await;
    let _ = stream.write_all(body.as_bytes()).await;
}

/// The server the kill -9 tests poll: feeds `/f{i}` with a fixed ETag per feed, answered
/// slowly with 304 when sent back and dribbled otherwise, so kills land mid-download,
/// mid-write and mid-304; pages at `/news/{id}`. Counts the 304s it sent.
fn crash_server(runtime: &tokio::runtime::Runtime) -> (RawServer, Arc<AtomicUsize>) {
    let not_modified = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&not_modified);
    let server = runtime.block_on(raw_server(move |mut stream, request| {
        let counter = Arc::clone(&counter);
        async move {
            let name = request.path.trim_start_matches('/').to_string();
            if let Some(id) = name.strip_prefix("news/") {
                serve_article(&mut stream, id).await;
                return;
            }
            // The ETag is per feed and never changes, so a client that sends it back must
            // already hold every item: it gets 304 and nothing more.
            if request.head.contains("if-none-match") {
                counter.fetch_add(1, Ordering::SeqCst);
                // Slow enough that a poll which only gets 304s still runs when the kill lands.
                tokio::time::sleep(Duration::from_millis(150)).await;
                write_head(&mut stream, "304 Not Modified", &[]).await;
                return;
            }
            let host = stream
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            let body = crash_feed(&name, &host);
            let len = body.len().to_string();
            let etag = format!("\"v1{name}\"");
            write_head(
                &mut stream,
                "200 OK",
                &[("Content-Length", &len), ("ETag", &etag)],
            )
            .await;
            // Dribble the body so kills land mid-download as well as mid-write.
            for chunk in body.as_bytes().chunks(4096) {
                if stream.write_all(chunk).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
    }));
    (server, not_modified)
}

/// After the kills: the database is sound, every offered item is stored exactly once, and
/// no match or figure is stored twice. Returns the number of matches.
fn assert_stored_once(db: &Path) -> i64 {
    assert_integrity(db);
    let db = rusqlite::Connection::open(db).expect("open db");
    let count = |sql: &str| -> i64 {
        db.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|err| panic!("{sql}: {err}"))
    };
    let distinct = count("SELECT COUNT(DISTINCT guid) FROM items");
    assert_eq!(distinct, (FEEDS * ITEMS) as i64, "items lost");
    assert_eq!(
        count("SELECT COUNT(*) FROM items"),
        distinct,
        "items stored twice"
    );
    let matches = count("SELECT COUNT(*) FROM matches");
    assert_eq!(
        count("SELECT COUNT(DISTINCT story_id || ' ' || item_id) FROM matches"),
        matches,
        "a match stored twice"
    );
    // One page's figure is one observation, whatever version a crash may have left.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM (SELECT 1 FROM observations \
             GROUP BY story_id, url, kind, value HAVING COUNT(*) > 1)"
        ),
        0,
        "a figure stored twice"
    );
    matches
}

#[test]
fn kill_nine_during_poll_loses_and_duplicates_nothing() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (server, not_modified) = crash_server(&runtime);
    let dir = tempfile::tempdir().expect("tempdir");
    let feeds: Vec<url::Url> = (0..FEEDS).map(|i| server.url(&format!("/f{i}"))).collect();
    let config = write_config(dir.path(), &feeds, "allow_private_networks = true");
    let poll = || {
        Command::new(env!("CARGO_BIN_EXE_followup"))
            .arg("--config")
            .arg(&config)
            .arg("poll")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn followup poll")
    };
    let start = Instant::now();
    let mut killed = 0;
    for _ in 0..ROUNDS {
        let mut child = poll();
        std::thread::sleep(Duration::from_millis(fastrand::u64(5..120)));
        if child.try_wait().expect("try_wait").is_none() {
            child.kill().expect("SIGKILL");
            killed += 1;
        }
        child.wait().expect("reap");
    }
    let status = poll().wait().expect("final poll");
    assert!(status.success());
    // The conditional path was taken, so lost items could not have been fetched again.
    assert!(
        not_modified.load(Ordering::SeqCst) > 0,
        "no poll sent If-None-Match"
    );
    assert!(
        killed >= ROUNDS / 2,
        "only {killed} of {ROUNDS} polls were killed mid-run"
    );
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
    assert_stored_once(&dir.path().join("followup.db"));
}

/// The daemon killed with SIGKILL at random moments (mid-poll, mid-story-round, mid-match
/// write), restarted each time; a last run finishes the work. Nothing is lost or doubled.
#[test]
fn kill_nine_of_the_daemon_loses_and_duplicates_nothing() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (server, not_modified) = crash_server(&runtime);
    let feeds: Vec<String> = (0..FEEDS)
        .map(|i| server.url(&format!("/f{i}")).to_string())
        .collect();
    let text = config_text(&feeds, DAM_STORY)
        .replace("[settings]\n", &format!("[settings]\n{EVERY_SECOND}"));
    let env = TestEnv::raw(&text);
    let start = Instant::now();
    for _ in 0..ROUNDS {
        let daemon = Daemon::start(&env, &[]);
        std::thread::sleep(Duration::from_millis(fastrand::u64(100..2400)));
        // Dropping it sends SIGKILL.
        drop(daemon);
    }
    let killed_for = start.elapsed();
    let matched = || {
        rusqlite::Connection::open_with_flags(&env.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|db| db.query_row("SELECT COUNT(*) FROM matches", [], |r| r.get::<_, i64>(0)))
            .unwrap_or(0)
    };
    // The killed lives got as far as writing matches, so kills could land among them.
    let before = matched();
    let daemon = Daemon::start(&env, &[]);
    // Done when a story round has run in this life and every follow-up is matched.
    let expected = (FEEDS * ITEMS / MATCH_EVERY) as i64;
    runtime.block_on(daemon.wait_for_log("story round done", Duration::from_secs(30)));
    let done = runtime.block_on(wait_until(Duration::from_secs(30), || {
        matched() >= expected
    }));
    assert!(
        done,
        "{} of {expected} matches:\n{}",
        matched(),
        daemon.log()
    );
    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
    assert!(
        not_modified.load(Ordering::SeqCst) > 0,
        "no conditional GET"
    );
    assert!(killed_for < Duration::from_secs(50), "took {killed_for:?}");
    assert!(before > 0, "no matches written before the last start");
    eprintln!("kill -9 daemon: {ROUNDS} lives in {killed_for:?}, {before} matches before the last");
    assert_eq!(assert_stored_once(&env.db), expected);
}

/// An RSS feed of `n` items `{prefix}-{i}`, each with a summary of about `summary` bytes of
/// varied words (so the full-text index grows with it).
fn wordy_rss(prefix: &str, n: usize, summary: usize) -> String {
    let words = [
        "harbour",
        "council",
        "vote",
        "ferry",
        "timetable",
        "repairs",
        "budget",
    ];
    let texts: Vec<(String, String)> = (0..n)
        .map(|i| {
            let mut text = String::new();
            let mut k = i;
            while text.len() < summary {
                text.push_str(words[k % words.len()]);
                text.push_str(&format!("{k} "));
                k = k.wrapping_mul(31).wrapping_add(7) % 100_003;
            }
            (format!("{prefix}-{i}"), text)
        })
        .collect();
    let entries: Vec<Entry> = texts
        .iter()
        .map(|(guid, text)| Entry {
            guid,
            title: guid,
            summary: text,
            published: "2031-05-09T08:00:00Z",
            link: format!("https://harbour.example/{guid}"),
        })
        .collect();
    rss_entries(&entries)
}

/// `max_db_size` caps the database as a full disk would: the daemon names the file and the
/// problem once, keeps running, keeps what is stored, rolls back the feed that did not fit
/// (none of its items half-stored), and stores it whole once SIGHUP raises the cap.
#[tokio::test]
async fn a_full_database_is_reported_kept_and_recovered() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/feed.xml",
        ok(wordy_rss("small", 3, 40), "application/rss+xml"),
    )
    .await;
    let url = format!("{}/feed.xml", server.uri());
    let env = TestEnv::new(
        &[
            ("poll_interval", "\"1s\""),
            ("min_interval", "\"1s\""),
            ("max_db_size", "\"1MiB\""),
        ],
        &[Feed::new(url.clone())],
    );
    let mut daemon = Daemon::start(&env, &[]);
    assert!(
        wait_until(Duration::from_secs(15), || env.items(&[]).len() == 3).await,
        "the small feed was not stored:\n{}",
        daemon.log()
    );

    // The feed grows past the cap: 600 items of 2 KB each.
    Mock::given(method("GET"))
        .and(path("/feed.xml"))
        .respond_with(ok(wordy_rss("big", 600, 2000), "application/rss+xml"))
        .with_priority(1)
        .mount(&server)
        .await;
    daemon
        .wait_for_log("cannot be written (disk full)", Duration::from_secs(20))
        .await;
    let log = daemon.log();
    let line = log
        .lines()
        .find(|l| l.contains("cannot be written"))
        .unwrap_or_default();
    assert!(line.contains(&env.db.display().to_string()), "{line}");
    assert!(line.contains("max_db_size"), "{line}");
    assert!(
        !log.contains("database or disk is full"),
        "raw SQLite text:\n{log}"
    );
    // Still running a few retries later, the stored items intact, nothing half-stored.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(daemon.running(), "the daemon stopped:\n{}", daemon.log());
    let items = env.items(&[]);
    assert_eq!(titles(&items).len(), 3, "{:?}", titles(&items));
    assert!(titles(&items).iter().all(|t| t.starts_with("small-")));
    assert_eq!(
        log.matches("cannot be written").count(),
        1,
        "reported more than once:\n{log}"
    );

    // The operator raises the cap: the whole feed is stored.
    env.rewrite(
        &std::fs::read_to_string(&env.config)
            .expect("read config")
            .replace("\"1MiB\"", "\"64MiB\""),
    );
    daemon.signal("HUP");
    assert!(
        wait_until(Duration::from_secs(20), || env.items(&[]).len() == 603).await,
        "the big feed was not stored after the cap was raised:\n{}",
        daemon.log()
    );
    daemon
        .wait_for_log("writable again", Duration::from_secs(5))
        .await;
    assert!(daemon.running());
    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
    assert_integrity(&env.db);
}

/// Settings for a daemon that polls every feed each second.
const EVERY_SECOND: &str = "poll_interval = \"1s\"\nmin_interval = \"1s\"\n";

/// A story the generated headlines and pages match, with casualty figures in every page.
const DAM_STORY: &str = "[[story]]\nid = \"dam\"\ntitle = \"Dam breach\"\n\
    entities = [\"Velmora Dam\", \"Ostrava Water Board\"]\nsince = \"2031-05-01\"\n";

/// The headline of follow-up `id` of [`DAM_STORY`].
fn dam_title(id: &str) -> String {
    format!("Velmora Dam breach: Ostrava Water Board update {id}")
}

/// An RSS feed of follow-ups `ids` of [`DAM_STORY`], linking to `{site}/news/{id}`.
fn followups(ids: &[String], site: &str) -> String {
    let titles: Vec<String> = ids.iter().map(|id| dam_title(id)).collect();
    let entries: Vec<Entry> = ids
        .iter()
        .zip(&titles)
        .map(|(id, title)| Entry {
            guid: id,
            title,
            summary: "The Ostrava Water Board gave an update on the Velmora Dam.",
            published: "2031-05-09T08:00:00Z",
            link: format!("{site}/news/{id}"),
        })
        .collect();
    rss_entries(&entries)
}

/// A growing feed: request n of feed `/feeds/{k}` lists items `{k}-0` .. `{k}-{2n}`
/// (at most `cap`), each a follow-up of [`DAM_STORY`] linking to `/news/{k}-{i}`.
async fn growing_feeds(server: &MockServer, cap: usize) {
    let site = server.uri();
    let requests = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex("^/feeds/[0-9]+$"))
        .respond_with(move |request: &wiremock::Request| {
            let feed = request.url.path().trim_start_matches("/feeds/").to_string();
            let n = {
                let mut seen = requests.lock().unwrap();
                let n: &mut usize = seen.entry(feed.clone()).or_default();
                *n += 1;
                *n
            };
            let ids: Vec<String> = (0..(2 * n).min(cap))
                .map(|i| format!("{feed}-{i}"))
                .collect();
            ok(followups(&ids, &site), "application/rss+xml")
        })
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex("^/news/"))
        .respond_with(|request: &wiremock::Request| {
            let id = request.url.path().trim_start_matches("/news/");
            ok(article_page(&dam_title(id)), "text/html; charset=utf-8")
        })
        .mount(server)
        .await;
}

/// The CLI's queries while the daemon writes items, matches and figures: never "database is
/// locked", always whole JSON, and never a view older than the one before (counts do not go
/// back, every listed match's item is stored).
#[tokio::test]
async fn queries_beside_the_writing_daemon_never_fail_and_stay_consistent() {
    const FEEDS: usize = 12;
    const CAP: usize = 40;
    let server = MockServer::start().await;
    growing_feeds(&server, CAP).await;
    let feeds: Vec<String> = (0..FEEDS)
        .map(|k| format!("{}/feeds/{k}", server.uri()))
        .collect();
    let mut text = config_text(&feeds, DAM_STORY);
    text = text.replace("[settings]\n", &format!("[settings]\n{EVERY_SECOND}"));
    let env = TestEnv::raw(&text);
    let mut daemon = Daemon::start(&env, &[]);

    let started = Instant::now();
    let (mut items_seen, mut matches_seen, mut had_figures, mut rounds) = (0, 0, false, 0);
    while started.elapsed() < Duration::from_secs(8) {
        rounds += 1;
        let matches = env.matches(&[]);
        assert!(matches.len() >= matches_seen, "matches went back");
        matches_seen = matches.len();
        let figures = env.figures(&[]);
        let latest = figures["latest"].as_object().map_or(0, |m| m.len());
        assert!(latest > 0 || !had_figures, "figures went back: {figures}");
        had_figures |= latest > 0;
        let digest = env.run(&["digest", "--format", "json"]);
        assert!(digest.ok(), "digest failed: {digest:#?}");
        digest.json();
        let items = env.items(&[]);
        assert!(items.len() >= items_seen, "items went back");
        items_seen = items.len();
        let urls: std::collections::HashSet<&str> =
            items.iter().filter_map(|i| i["url"].as_str()).collect();
        for m in &matches {
            let url = m["url"].as_str().unwrap_or_default();
            assert!(urls.contains(url), "match {url} has no stored item");
        }
    }
    assert!(daemon.running(), "{}", daemon.log());
    assert!(
        !daemon.log().contains("locked"),
        "the daemon hit a lock:\n{}",
        daemon.log()
    );
    // The loop saw the daemon at work, not only its end state.
    assert!(rounds >= 5, "only {rounds} query rounds");
    assert!(
        matches_seen > 0 && had_figures,
        "no matches or figures written"
    );
    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(15));
    assert_eq!(code, Some(0), "{log}");
    assert_integrity(&env.db);
}

/// Feeds of the fault server that never deliver a feed, and what each does.
const BAD_FEEDS: &[&str] = &[
    "/e500",        // 500 Internal Server Error
    "/reset",       // a head promising 1 MB, 16 KB of it, then a TCP reset
    "/huge",        // a chunked 1 GiB body, streamed as long as the client reads
    "/huge-length", // the same with its Content-Length declared
    "/stall",       // reads the request, then never answers
    "/stall-body",  // a head and 100 bytes, then nothing
    "/storm",       // 429 with Retry-After: 1, every time
];
/// Good feeds grow by one item per request; each must reach at least this many.
const GOOD_ITEMS: usize = 15;
const GOOD_FEEDS: usize = 3;

/// A 200 head for an RSS body of `length` bytes (chunked when `None`).
async fn rss_head(stream: &mut TcpStream, length: Option<u64>) {
    let length = length.map(|n| n.to_string());
    let mut headers = vec![("Content-Type", "application/rss+xml")];
    match &length {
        Some(n) => headers.push(("Content-Length", n)),
        None => headers.push(("Transfer-Encoding", "chunked")),
    }
    write_head(stream, "200 OK", &headers).await;
}

/// Streams `total` bytes of an endless RSS document, 64 KiB at a time from one buffer, as
/// long as the client reads: a 1 GiB body never exists in the test's memory either.
async fn stream_huge(stream: &mut TcpStream, total: u64, chunked: bool) {
    let mut block =
        b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>".to_vec();
    while block.len() < 64 * 1024 {
        block.extend_from_slice(b"<item><title>filler</title><guid>same</guid></item>");
    }
    let mut sent = 0u64;
    while sent < total {
        let piece = &block[..block
            .len()
            .min(usize::try_from(total - sent).unwrap_or(usize::MAX))];
        let framed = if chunked {
            let mut framed = format!("{:x}\r\n", piece.len()).into_bytes();
            framed.extend_from_slice(piece);
            framed.extend_from_slice(b"\r\n");
            framed
        } else {
            piece.to_vec()
        };
        if stream.write_all(&framed).await.is_err() {
            return;
        }
        sent += piece.len() as u64;
    }
    if chunked {
        let _ = stream.write_all(b"0\r\n\r\n").await;
    }
}

/// One misbehaviour, chosen by path: the feeds of [`BAD_FEEDS`], growing good feeds at
/// `/good/{k}`, and articles at `/news/{k}-{i}` of which four in five misbehave too.
async fn fault_route(
    mut stream: TcpStream,
    path: &str,
    served: &std::sync::Mutex<HashMap<String, usize>>,
) {
    const GIB: u64 = 1 << 30;
    let fault = match path.strip_prefix("/news/") {
        Some(id) => match id.bytes().map(usize::from).sum::<usize>() % 5 {
            0 => "/e500",
            1 => "/reset",
            2 => "/huge",
            3 => "/stall-body",
            _ => "",
        },
        None => path,
    };
    match fault {
        "/e500" => {
            write_head(
                &mut stream,
                "500 Internal Server Error",
                &[("Content-Length", "0")],
            )
            .await
        }
        "/reset" => {
            rss_head(&mut stream, Some(1_000_000)).await;
            let _ = stream.write_all(&[b' '; 16 * 1024]).await;
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        "/huge" => {
            rss_head(&mut stream, None).await;
            stream_huge(&mut stream, GIB, true).await;
        }
        "/huge-length" => {
            rss_head(&mut stream, Some(GIB)).await;
            stream_huge(&mut stream, GIB, false).await;
        }
        "/stall" => tokio::time::sleep(Duration::from_secs(3600)).await,
        "/stall-body" => {
            rss_head(&mut stream, Some(100_000)).await;
            let _ = stream.write_all(&[b' '; 100]).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        "/storm" => {
            write_head(
                &mut stream,
                "429 Too Many Requests",
                &[("Retry-After", "1"), ("Content-Length", "0")],
            )
            .await
        }
        _ if path.starts_with("/news/") => {
            serve_article(&mut stream, path.trim_start_matches("/news/")).await;
        }
        _ => {
            let k = path.trim_start_matches("/good/");
            let host = stream
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            let n = {
                let mut served = served.lock().unwrap();
                let n = served.entry(k.to_string()).or_default();
                *n += 1;
                *n
            };
            let ids: Vec<String> = (0..n).map(|i| format!("{k}-{i}")).collect();
            let body = followups(&ids, &format!("http://{host}"));
            rss_head(&mut stream, Some(body.len() as u64)).await;
            let _ = stream.write_all(body.as_bytes()).await;
        }
    }
}

/// Peak resident memory of process `pid` in bytes (VmHWM), if readable.
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// A minute against a server whose feeds and articles fail in every way it can: the daemon
/// stays up, its memory stays bounded, each bad feed's error is on its row, and the good
/// feeds beside them are stored whole.
#[test]
fn a_minute_of_faults_leaves_the_daemon_up_bounded_and_storing() {
    const RUN: Duration = Duration::from_secs(60);
    const MAX_RSS: u64 = 100 * 1024 * 1024;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let served = Arc::new(std::sync::Mutex::new(HashMap::new()));
    let counts = Arc::clone(&served);
    let server = runtime.block_on(raw_server(move |stream, request| {
        let served = Arc::clone(&counts);
        async move { fault_route(stream, &request.path, &served).await }
    }));
    let mut feeds: Vec<String> = (0..GOOD_FEEDS)
        .map(|k| server.url(&format!("/good/{k}")).to_string())
        .collect();
    feeds.extend(BAD_FEEDS.iter().map(|p| server.url(p).to_string()));
    // A short timeout, so the stalls cost little time at shutdown.
    let text = config_text(&feeds, DAM_STORY)
        .replace("[settings]\n", &format!("[settings]\n{EVERY_SECOND}"))
        .replace("timeout = \"5s\"", "timeout = \"2s\"");
    let env = TestEnv::raw(&text);
    let mut daemon = Daemon::start(&env, &[]);

    let started = Instant::now();
    let mut peak = 0;
    while started.elapsed() < RUN {
        std::thread::sleep(Duration::from_secs(1));
        assert!(daemon.running(), "the daemon died:\n{}", daemon.log());
        peak = peak.max(peak_rss(daemon.pid()).unwrap_or(0));
    }
    assert!(peak > 0, "no VmHWM read");
    assert!(peak < MAX_RSS, "peak RSS {} MiB", peak >> 20);

    let rows = env.feeds();
    let served = served.lock().unwrap().clone();
    for (k, url) in feeds.iter().enumerate().take(GOOD_FEEDS) {
        let row = env_feed(&rows, url);
        // Every document but one still in flight is stored, and they kept coming.
        let offered = served.get(&k.to_string()).copied().unwrap_or(0);
        let stored = row["items"].as_u64().unwrap_or(0) as usize;
        assert!(
            stored + 1 >= offered && stored >= GOOD_ITEMS,
            "good feed {k}, {offered} offered: {row}"
        );
        assert_eq!(row["error_count"], 0, "good feed {k}: {row}");
    }
    for (path, url) in BAD_FEEDS.iter().zip(&feeds[GOOD_FEEDS..]) {
        let row = env_feed(&rows, url);
        let error = row["last_error"].as_str().unwrap_or_default();
        assert!(!error.is_empty(), "{path}: no error recorded: {row}");
        assert!(row["error_count"].as_i64() > Some(0), "{path}: {row}");
        assert_eq!(row["items"], 0, "{path}: {row}");
    }
    let storm = env_feed(&rows, &feeds[GOOD_FEEDS + 6]);
    assert_eq!(storm["last_status"], 429, "{storm}");
    // Matched items' articles faced faults too; the good ones still gave figures.
    let figures = env.figures(&[]);
    assert!(
        figures["latest"].as_object().is_some_and(|m| !m.is_empty()),
        "{figures}"
    );
    eprintln!(
        "fault server: peak RSS {} MiB over {:?}, {} connections",
        peak >> 20,
        started.elapsed(),
        server.hits()
    );

    daemon.signal("TERM");
    let (code, log) = daemon.wait(Duration::from_secs(20));
    assert_eq!(code, Some(0), "{log}");
    assert_integrity(&env.db);
}

/// The `feeds --format json` row of `url`.
fn env_feed<'a>(rows: &'a [serde_json::Value], url: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["url"] == url)
        .unwrap_or_else(|| panic!("no row for {url}: {rows:#?}"))
}
