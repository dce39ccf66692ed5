//! Crash safety: `followup poll` killed with SIGKILL at random moments, again and again,
//! against a server that answers conditional GETs with 304. Afterwards every item the
//! server offered is stored exactly once and the database is sound. Storing the ETag
//! without the items (or half the items) would lose them for good: the next poll gets 304.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;

use crate::hostile_util::{raw_server, rss, write_config, write_head};

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
