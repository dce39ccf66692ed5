//! Crash safety: `followup poll` killed with SIGKILL at random moments, again and again,
//! against a server that answers conditional GETs with 304. Afterwards every item the
//! server offered is stored exactly once and the database is sound. Storing the ETag
//! without the items (or half the items) would lose them for good: the next poll gets 304.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::hostile_util::{raw_server, rss, write_config, write_head};
use crate::util::{
    Daemon, Entry, Feed, TestEnv, assert_integrity, ok, rss_entries, serve, titles, wait_until,
};

const FEEDS: usize = 4;
const ITEMS: usize = 150;
const ROUNDS: usize = 24;

#[test]
fn kill_nine_during_poll_loses_and_duplicates_nothing() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let not_modified = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&not_modified);
    let server = runtime.block_on(raw_server(move |mut stream, request| {
        let counter = Arc::clone(&counter);
        async move {
            // The ETag is per feed and never changes, so a client that sends it back must
            // already hold every item: it gets 304 and nothing more.
            if request.head.contains("if-none-match") {
                counter.fetch_add(1, Ordering::SeqCst);
                // Slow enough that a poll which only gets 304s still runs when the kill lands.
                tokio::time::sleep(Duration::from_millis(150)).await;
                write_head(&mut stream, "304 Not Modified", &[]).await;
                return;
            }
            let body = rss(request.path.trim_start_matches('/'), ITEMS);
            let len = body.len().to_string();
            let etag = format!("\"v1{}\"", request.path.trim_start_matches('/'));
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

    let db = rusqlite::Connection::open(dir.path().join("followup.db")).expect("open db");
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    let total: i64 = db
        .query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0))
        .expect("count");
    let distinct: i64 = db
        .query_row("SELECT COUNT(DISTINCT guid) FROM items", [], |r| r.get(0))
        .expect("distinct");
    assert_eq!(distinct, (FEEDS * ITEMS) as i64, "items lost");
    assert_eq!(total, distinct, "items stored twice");
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
