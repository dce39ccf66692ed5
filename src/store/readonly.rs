//! Read-only access for commands that only report (`items`, `feeds`, `matches`, `figures`):
//! operators query the service's database while the daemon writes to it, without writing,
//! migrating or creating anything.
//!
//! SQLite can read a WAL database it may not write as long as its `-wal` and `-shm` files
//! exist (3.22+), which they do while the daemon has it open. After a clean daemon stop they
//! are gone and a reader without write access to the folder cannot create them; the main
//! file then holds every committed change, so it is read as `immutable`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{MIGRATIONS, Result, Store, StoreError};

use crate::chain::Chain;

/// Why a database cannot be read as it is.
#[derive(Debug, thiserror::Error)]
pub enum ReadOnlyError {
    /// The schema is behind this build; reading could misread tables.
    #[error(
        "its schema is version {found}, older than this followup's {expected}; run `followup poll` \
         or restart the daemon once (with write access) to upgrade it"
    )]
    Outdated {
        /// `user_version` of the file.
        found: i64,
        /// Migrations this build knows.
        expected: usize,
    },
    /// The schema is ahead of this build, which does not know its newer tables.
    #[error(
        "its schema is version {found}, newer than this followup's {expected}; use the followup \
         version that writes it"
    )]
    Newer {
        /// `user_version` of the file.
        found: i64,
        /// Migrations this build knows.
        expected: usize,
    },
}

impl Store {
    /// Opens the database at `path` for reading only: no migration, no file created, no
    /// write lock taken. A missing file, or one a writer has not set up yet, reads as an
    /// empty database (nothing polled yet); a schema other than this build's is an error
    /// naming what to do.
    pub fn open_readonly(path: &Path) -> Result<Store> {
        if !path.exists() {
            tracing::info!(database = %path.display(), "no database yet: nothing stored");
            return Store::memory();
        }
        let open_error = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = match open_checked(path, false) {
            Ok(conn) => conn,
            Err(err) if !wal_path(path).exists() => {
                // No daemon has it open: the main file is complete and may be read as is.
                tracing::debug!(error = %Chain(&err), "read-only open failed; reading as immutable");
                open_checked(path, true).map_err(|e| open_error(Box::new(e)))?
            }
            Err(err) => return Err(open_error(Box::new(err))),
        };
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| open_error(Box::new(e)))?;
        let expected = MIGRATIONS.len();
        match usize::try_from(found) {
            // A writer created the file and is migrating it: nothing is stored yet.
            Ok(0) => {
                tracing::info!(database = %path.display(), "database not set up yet: nothing stored");
                Store::memory()
            }
            Ok(n) if n == expected => Ok(Store {
                conn,
                path: path.to_path_buf(),
                load: super::bulk::Load::default(),
            }),
            Ok(n) if n > expected => Err(open_error(Box::new(ReadOnlyError::Newer {
                found,
                expected,
            }))),
            _ => Err(open_error(Box::new(ReadOnlyError::Outdated {
                found,
                expected,
            }))),
        }
    }
}

/// Opens read-only and reads the schema once, since SQLite only finds out at the first read
/// whether it can use the WAL.
fn open_checked(path: &Path, immutable: bool) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri(path, immutable), flags)?;
    // The daemon holds the write lock only for one feed's commit; a reader waits that out.
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |row| {
        row.get::<_, i64>(0)
    })?;
    Ok(conn)
}

/// A `file:` URI for `path`, percent-encoded so `?` or `#` in a folder name stay literal.
fn uri(path: &Path, immutable: bool) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = url::Url::from_file_path(&absolute)
        .map(String::from)
        .unwrap_or_else(|()| format!("file:{}", absolute.display()));
    uri.push_str(if immutable {
        "?mode=ro&immutable=1"
    } else {
        "?mode=ro"
    });
    uri
}

fn wal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push("-wal");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_a_writer_holds_open_and_never_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("what?#.db");
        let writer = Store::open(&path).unwrap();
        let reader = Store::open_readonly(&path).unwrap();
        assert!(reader.feeds().unwrap().is_empty());
        let err = reader.conn.execute("DELETE FROM feeds", []).unwrap_err();
        assert!(err.to_string().contains("readonly"), "{err}");
        drop(reader);
        drop(writer);
        // Closed cleanly: the WAL is gone, the file is read as immutable.
        assert!(!wal_path(&path).exists());
        assert!(
            Store::open_readonly(&path)
                .unwrap()
                .feeds()
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_missing_file_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.db");
        assert!(
            Store::open_readonly(&path)
                .unwrap()
                .feeds()
                .unwrap()
                .is_empty()
        );
        assert!(!path.exists());
    }

    #[test]
    fn a_file_not_yet_migrated_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        // What a reader sees in the instant between the daemon creating and migrating it.
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        let reader = Store::open_readonly(&path).unwrap();
        assert!(reader.feeds().unwrap().is_empty());
    }

    #[test]
    fn an_old_schema_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        drop(conn);
        let err = match Store::open_readonly(&path) {
            Ok(_) => panic!("an old schema was accepted"),
            Err(err) => crate::chain::text(&err),
        };
        assert!(err.contains("older than"), "{err}");
        assert!(!wal_path(&path).exists());
    }
}
