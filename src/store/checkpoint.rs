//! Checkpoints on a thread of their own.
//!
//! A checkpoint copies the write-ahead log into the database file and ends in an fsync.
//! Run by the writer, as SQLite does by default every 1,000 pages, each one stalled every
//! write behind it: on a 350 MB database the fsyncs of a 10,000-feed cold poll added up to
//! 8 s, up to 0.6 s at a time. Here a second connection checkpoints in the background, at
//! most every [`GAP`], and the writer only checkpoints itself when the log passes
//! [`WRITER_PAGES`], which bounds the log however far the background falls behind.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;
use tracing::warn;

use super::{Context as _, Result, Store, StoreError};

use crate::chain::Chain;

/// Shortest time between two background checkpoints, so a busy writer costs a few fsyncs a
/// second, not one per transaction.
const GAP: Duration = Duration::from_millis(250);
/// Log size (pages) at which the writer checkpoints itself (64 MiB of 4 KiB pages).
const WRITER_PAGES: i64 = 16_384;
/// Log file size kept after the log restarts; a larger one is truncated to this.
const KEEP_LOG_BYTES: i64 = 64 * 1024 * 1024;

/// What the writer and the checkpoint thread share.
#[derive(Default)]
struct Signal {
    /// Something was committed since the last checkpoint.
    pending: bool,
    /// The owner is gone: stop.
    stop: bool,
    /// Checkpoints finished so far, so a test can wait for one instead of sleeping.
    done: u64,
}

/// The background checkpoint thread; dropping it stops the thread.
pub struct Checkpointer {
    shared: Arc<(Mutex<Signal>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Store {
    /// Moves this connection's checkpoints to a background thread with a connection of its
    /// own (see the module doc). An in-memory database has no log: `None`.
    pub fn checkpoint_in_background(&mut self) -> Result<Option<Checkpointer>> {
        if self.path == Path::new(":memory:") {
            return Ok(None);
        }
        let conn = Connection::open(&self.path).map_err(|err| StoreError::Open {
            path: self.path.clone(),
            source: Box::new(err),
        })?;
        conn.busy_timeout(Duration::from_secs(10))
            .what(|| "set busy_timeout for checkpoints".into())?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", WRITER_PAGES)
            .what(|| "set wal_autocheckpoint".into())?;
        self.conn
            .pragma_update(None, "journal_size_limit", KEEP_LOG_BYTES)
            .what(|| "set journal_size_limit".into())?;
        let shared = Arc::new((Mutex::new(Signal::default()), Condvar::new()));
        let theirs = Arc::clone(&shared);
        let path = self.path.clone();
        let thread = std::thread::Builder::new()
            .name("followup-checkpoint".into())
            .spawn(move || run(&conn, &theirs, &path))
            .map_err(|err| StoreError::Open {
                path: self.path.clone(),
                source: Box::new(err),
            })?;
        Ok(Some(Checkpointer {
            shared,
            thread: Some(thread),
        }))
    }
}

impl Checkpointer {
    /// Tells the thread that something was committed; it checkpoints within [`GAP`].
    pub fn nudge(&self) {
        let (lock, wake) = &*self.shared;
        lock.lock().unwrap_or_else(|e| e.into_inner()).pending = true;
        wake.notify_one();
    }
}

#[cfg(test)]
impl Checkpointer {
    /// Checkpoints the thread has finished.
    fn done(&self) -> u64 {
        self.shared.0.lock().unwrap_or_else(|e| e.into_inner()).done
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.shared;
        lock.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The thread: waits for a nudge, checkpoints what it can without blocking the writer,
/// then rests for [`GAP`] (a stop ends the rest early).
fn run(conn: &Connection, shared: &(Mutex<Signal>, Condvar), path: &Path) {
    let (lock, wake) = shared;
    let mut failing = false;
    loop {
        {
            let mut signal = lock.lock().unwrap_or_else(|e| e.into_inner());
            while !signal.pending && !signal.stop {
                signal = wake.wait(signal).unwrap_or_else(|e| e.into_inner());
            }
            if signal.stop {
                return;
            }
            signal.pending = false;
        }
        // PASSIVE never waits for the writer or readers; what it cannot copy now, the next
        // round (or the writer's own checkpoint) does.
        match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            Ok(()) => {
                failing = false;
                lock.lock().unwrap_or_else(|e| e.into_inner()).done += 1;
            }
            Err(err) => {
                if !failing {
                    warn!(database = %path.display(), error = %Chain(&err), "background checkpoint failed; the writer checkpoints instead");
                }
                failing = true;
            }
        }
        let signal = lock.lock().unwrap_or_else(|e| e.into_inner());
        let _ = wake.wait_timeout_while(signal, GAP, |s| !s.stop);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_checkpoints_keep_the_log_short_and_the_data_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        let mut store = Store::open(&path).unwrap();
        let checkpointer = store.checkpoint_in_background().unwrap().unwrap();
        let wal = dir.path().join("f.db-wal");
        let mut largest = 0;
        for round in 0..10 {
            store
                .conn
                .execute_batch(&format!(
                    "CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (zeroblob(200000)); -- {round}"
                ))
                .unwrap();
            largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
            let before = checkpointer.done();
            checkpointer.nudge();
            // Waits for the checkpoint rather than sleeping a fixed time, so a loaded
            // machine only makes the test slower.
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while checkpointer.done() == before {
                assert!(
                    std::time::Instant::now() < deadline,
                    "no background checkpoint after round {round}"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        drop(checkpointer);
        // 10 × 200 kB were written; without checkpoints restarting it the log would hold
        // them all (2 MB). Each background copy lets the next write restart the log.
        assert!(largest < 700_000, "log grew to {largest} bytes");
        let count: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 10);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn memory_databases_have_no_checkpoints() {
        let mut store = Store::memory().unwrap();
        assert!(store.checkpoint_in_background().unwrap().is_none());
    }
}
