//! SQLite storage: opening (PRAGMAs, migrations) and one file per table family.
//!
//! This is the only module that names rusqlite or SQL. Queries sit as consts beside the
//! function that runs them and return `model` types.

mod articles;
mod bulk;
mod checkpoint;
mod digests;
mod failures;
mod feeds;
mod figures;
mod handle;
mod items;
mod matches;
mod prune;
mod readonly;
mod service;
mod stories;
#[cfg(test)]
mod testing;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

pub use articles::{ArticleVersion, RecheckMarks};
pub use checkpoint::Checkpointer;
pub use digests::{Delivery, DigestRecord, MatchedText};
pub use feeds::{FeedCommit, FetchRecord};
pub use figures::{FigureWrite, Source};
pub use handle::Db;
pub use items::{ItemChange, ItemFilter, SavedItem};
pub use matches::{GroupMember, MatchFilter, MatchWrite, MatchedLink};
pub use prune::Pruned;
pub use readonly::ReadOnlyError;
pub use stories::{Baseline, StoryRound};

/// The schema, in order; a file is never edited once released, only new ones appended.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_feeds_items.sql"),
    include_str!("../../migrations/0002_stories.sql"),
    include_str!("../../migrations/0003_digests.sql"),
    include_str!("../../migrations/0004_item_feed_index.sql"),
    include_str!("../../migrations/0005_feed_config.sql"),
    include_str!("../../migrations/0006_index_items_in_batches.sql"),
    include_str!("../../migrations/0007_story_rounds.sql"),
    include_str!("../../migrations/0008_match_order.sql"),
    include_str!("../../migrations/0009_index_items_when_idle.sql"),
    include_str!("../../migrations/0010_search_merges.sql"),
    include_str!("../../migrations/0011_article_figures.sql"),
    include_str!("../../migrations/0012_article_failures.sql"),
    include_str!("../../migrations/0013_feed_titles.sql"),
    include_str!("../../migrations/0014_recheck_clock.sql"),
    include_str!("../../migrations/0015_round_weights.sql"),
    include_str!("../../migrations/0016_deferred_indexes.sql"),
    include_str!("../../migrations/0017_search_hash.sql"),
];

/// A storage failure, keeping the statement that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open database {path}")]
    Open {
        /// The database path.
        path: PathBuf,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Applying the schema failed.
    #[error("cannot migrate database {path}")]
    Migrate {
        /// The database path.
        path: PathBuf,
        /// The underlying error.
        source: rusqlite_migration::Error,
    },
    /// The database thread could not be started.
    #[error("cannot start the database thread for {path}")]
    Thread {
        /// The database path.
        path: PathBuf,
        /// Why the thread did not start.
        source: std::io::Error,
    },
    /// The database thread is gone, or a call on it panicked.
    #[error("database {path}: {why}")]
    Stopped {
        /// The database path.
        path: PathBuf,
        /// What happened.
        why: &'static str,
    },
    /// A statement failed.
    #[error("database: {what}")]
    Sql {
        /// What was being done, naming the object.
        what: String,
        /// The underlying error.
        source: rusqlite::Error,
    },
}

/// Why the database cannot take writes, in words for the operator; each may pass (space
/// freed, `max_db_size` raised, the file system remounted read-write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskProblem {
    /// The disk, or the `max_db_size` cap, is full.
    Full,
    /// The file or its file system is read-only.
    ReadOnly,
    /// The operating system reported an I/O error.
    Io,
}

impl std::fmt::Display for DiskProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DiskProblem::Full => "disk full",
            DiskProblem::ReadOnly => "read-only",
            DiskProblem::Io => "I/O error",
        })
    }
}

impl StoreError {
    /// Whether the failure is the disk or database being full, read-only or failing, which
    /// may pass; `None` for every other failure.
    pub fn disk_problem(&self) -> Option<DiskProblem> {
        let code = match self {
            StoreError::Sql { source, .. } => source.sqlite_error_code(),
            _ => None,
        };
        match code? {
            rusqlite::ErrorCode::DiskFull => Some(DiskProblem::Full),
            rusqlite::ErrorCode::ReadOnly => Some(DiskProblem::ReadOnly),
            rusqlite::ErrorCode::SystemIoFailure => Some(DiskProblem::Io),
            _ => None,
        }
    }
}

impl StoreError {
    /// The same failure again, for each of several callers that share it (the feeds of a
    /// batch whose commit failed). SQLite's own codes are kept, so `disk_problem` still sees them.
    fn again(&self) -> StoreError {
        let (what, source) = match self {
            StoreError::Sql { what, source } => (what.clone(), source),
            other => {
                return StoreError::Sql {
                    what: other.to_string(),
                    source: rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                        None,
                    ),
                };
            }
        };
        let source = match source {
            rusqlite::Error::SqliteFailure(code, message) => {
                rusqlite::Error::SqliteFailure(*code, message.clone())
            }
            other => rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                Some(other.to_string()),
            ),
        };
        StoreError::Sql { what, source }
    }
}

/// Result alias for storage calls.
pub type Result<T> = std::result::Result<T, StoreError>;

trait Context<T> {
    fn what(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn what(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| StoreError::Sql {
            what: what(),
            source,
        })
    }
}

/// The database: one connection, used from one thread at a time.
pub struct Store {
    conn: Connection,
    /// The file, for messages that must name it (`:memory:` for an in-memory database).
    path: PathBuf,
    /// Items stored since the deferrable indexes were last whole (see [`bulk`]).
    load: bulk::Load,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|err| StoreError::Open {
                path: path.to_path_buf(),
                source: Box::new(err),
            })?;
        }
        let conn = Connection::open(path).map_err(|err| StoreError::Open {
            path: path.to_path_buf(),
            source: Box::new(err),
        })?;
        Self::setup(conn, path)
    }

    /// An in-memory database, for tests and dry runs.
    pub fn memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|err| StoreError::Open {
            path: PathBuf::from(":memory:"),
            source: Box::new(err),
        })?;
        Self::setup(conn, Path::new(":memory:"))
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Store> {
        // WAL lets CLI readers query while the daemon writes; NORMAL is durable at checkpoints
        // and avoids an fsync per transaction.
        conn.busy_timeout(Duration::from_secs(10))
            .what(|| "set busy_timeout".into())?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .what(|| "set journal_mode=WAL".into())?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .what(|| "set synchronous=NORMAL".into())?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .what(|| "set foreign_keys=ON".into())?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|source| StoreError::Migrate {
                path: path.to_path_buf(),
                source,
            })?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            load: bulk::Load::default(),
        };
        // A process killed during a bulk load left indexes set aside: queries need them.
        if let Err(err) = store.restore_indexes() {
            tracing::warn!(error = %crate::chain::Chain(&err), "cannot build the item indexes a bulk load set aside");
        }
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Caps the file at `max` bytes (`None`: SQLite's own limit). Past the cap a write fails
    /// as on a full disk ([`DiskProblem::Full`]) and is rolled back whole. A cap below the
    /// current size holds the file at that size. Per connection, so applied at every open.
    pub fn limit_size(&mut self, max: Option<u64>) -> Result<()> {
        let page: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .what(|| "read page_size".into())?;
        let page = u64::try_from(page).unwrap_or(4096);
        // SQLite clamps this to its compiled maximum, so u32::MAX means "no cap of ours".
        let pages = max.map_or(u64::from(u32::MAX), |max| (max / page.max(1)).max(1));
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |row| {
                row.get::<_, i64>(0)
            })
            .what(|| format!("set max_page_count = {pages}"))?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" for a sound database.
    pub fn integrity_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .what(|| "integrity_check".into())
    }
}

/// The migration list, built from the embedded SQL files.
fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// Times are stored as RFC 3339 UTC with a `Z`, so text order is time order.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn ts_opt(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(ts)
}

fn parse_ts(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn a_capped_or_read_only_database_says_why_and_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("f.db")).unwrap();
        store
            .conn
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        store.limit_size(Some(1)).unwrap();
        let big = "x".repeat(1 << 20);
        let err = store
            .conn
            .execute("INSERT INTO t VALUES (?1)", [&big])
            .what(|| "insert".into())
            .unwrap_err();
        assert_eq!(err.disk_problem(), Some(DiskProblem::Full), "{err}");
        store.limit_size(None).unwrap();
        store
            .conn
            .execute("INSERT INTO t VALUES (?1)", [&big])
            .unwrap();
        store.conn.pragma_update(None, "query_only", "ON").unwrap();
        let err = store
            .conn
            .execute("INSERT INTO t VALUES (2)", [])
            .what(|| "insert".into())
            .unwrap_err();
        assert_eq!(err.disk_problem(), Some(DiskProblem::ReadOnly), "{err}");
        let count: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 2);
    }

    #[test]
    fn opens_in_a_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a/b/followup.db")).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}
