//! The `SQLite` database, SQL only: opening it privately (0600 file in a
//! 0700 directory, WAL), forward-only migrations, and typed queries grouped
//! by concern:
//!
//! - `writer.rs`: the one transaction an import writes in ([`ImportTx`],
//!   [`MessageWriter`]);
//! - `messages.rs`: reading messages back (timelines, evidence, counts) and
//!   relabelling them after a rules change;
//! - `records.rs`: imports' provenance, the user's manual opt-outs and ignores;
//! - `lines.rs`: lines (whose phone a message reached) and brand aliases;
//! - `scan.rs`: the streams the findings are computed from;
//! - `sends.rs`: what `optout send` and `optout report` sent, attempt by attempt.
//! - `search.rs`: text search through the FTS5 trigram index (migration 6).
//! - `cache.rs`: the findings cache's tables (derived rows, the dirty set
//!   the triggers of migration 7 fill).
//!
//! Nothing here classifies, tracks or draws: rows in, rows out.

mod bulk;
mod cache;
mod lines;
mod messages;
mod offenders;
mod records;
mod scan;
mod search;
mod sends;
mod writer;

use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};

pub use crate::model::StoredMessage;
pub use cache::{CacheOrder, CacheRow, CacheTx, CachedLink, DirtyWork, GENERATION, LineRead};
pub use lines::LineStats;
pub use messages::{Relabel, RelabelRow};
pub use records::ImportRecord;
pub use search::{
    MIN_INDEXED_CHARS, SCAN_BOUND, SearchHits, SearchMode, SearchQuery, fts_query, uses_index,
};
pub use sends::{NewSend, SendRecord, SendStatus};
pub use writer::{ImportSummary, ImportTx, MessageWriter, NewMessage, SourceImport};

/// Forward-only migrations, applied in order; `PRAGMA user_version` is the
/// number applied so far.
pub const MIGRATIONS: &[&str] = &[
    include_str!("store/migrations/0001_foundation.sql"),
    include_str!("store/migrations/0002_classification_tracking.sql"),
    include_str!("store/migrations/0003_dedupe_by_time.sql"),
    include_str!("store/migrations/0004_lines.sql"),
    include_str!("store/migrations/0005_sends.sql"),
    include_str!("store/migrations/0006_search.sql"),
    include_str!("store/migrations/0007_findings_cache.sql"),
    include_str!("store/migrations/0008_imports_sha256.sql"),
    include_str!("store/migrations/0009_messages_by_line.sql"),
    include_str!("store/migrations/0010_import_writes.sql"),
    include_str!("store/migrations/0011_one_index_by_sender.sql"),
    include_str!("store/migrations/0012_search_merges_16.sql"),
];

/// The page cache of a reader, in KiB (about the default, 2,000 KiB):
/// what the interface, `senders` and `export` hold of the file besides the
/// operating system's cache. 8 MiB of it was 6 MB of the interface's
/// peak at 10,000,000 messages, for reads the OS cache answers anyway.
pub(crate) const READ_CACHE_KIB: i64 = 2 * 1024;

/// The page cache of a bulk write (an import's merge, `reclassify`), in
/// KiB: its index pages stay in memory instead of spilling to the WAL in
/// the middle of the transaction. Back to [`READ_CACHE_KIB`] before it
/// commits, so a long-running reader (the interface's `I`) does not keep it.
pub(crate) const BULK_CACHE_KIB: i64 = 8 * 1024;

/// A database error, with what to do next where we know.
#[derive(Debug)]
pub struct StoreError {
    pub message: String,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    /// The optout database is damaged: says so, names it, and says how to
    /// check and recover, with the cause `SQLite` gave in brackets.
    pub fn damaged(path: Option<&Path>, cause: &str) -> StoreError {
        let message = match path {
            Some(path) => format!(
                "the optout database {} is damaged ({cause}): check it with sqlite3 '{}' 'PRAGMA integrity_check', then restore a backup copy of it, or move it aside and import your exports again",
                path.display(),
                path.display()
            ),
            None => format!(
                "the optout database is damaged ({cause}): check it with 'PRAGMA integrity_check', then restore a backup copy of it, or move it aside and import your exports again"
            ),
        };
        StoreError { message }
    }

    /// Whether this says the database is damaged.
    pub fn is_damaged(&self) -> bool {
        self.message.starts_with("the optout database ") && self.message.contains(" is damaged (")
    }
}

/// The optout database this process opened last: named in a "damaged"
/// error raised far from [`Store::open`] (a `?` deep in a query knows no
/// path). One process works on one database; in tests a wrong name here
/// would only be a wrong name in a message.
static OPENED: Mutex<Option<PathBuf>> = Mutex::new(None);

fn damaged_here(cause: &str) -> StoreError {
    let path = OPENED.lock().ok().and_then(|p| p.clone());
    StoreError::damaged(path.as_deref(), cause)
}

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        // Our own tables hold what our migrations made: a value of the
        // wrong type there means the file was damaged or edited.
        if let rusqlite::types::FromSqlError::InvalidType = e {
            return damaged_here(&format!("a value of the wrong type: {e}"));
        }
        StoreError {
            message: format!("database error: {e}"),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        if matches!(e.sqlite_error_code(), Some(DatabaseCorrupt | NotADatabase)) {
            return damaged_here(&e.to_string());
        }
        if let rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::FromSqlConversionFailure(..) = e
        {
            return damaged_here(&format!("a value of the wrong type: {e}"));
        }
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
            return StoreError {
                message: format!(
                    "another optout process has kept the database busy for {} minutes; try again when it has finished",
                    GIVE_UP_AFTER.as_secs() / 60
                ),
            };
        }
        StoreError {
            message: format!("database error: {e}"),
        }
    }
}

/// How long a writer waits for another optout's write lock (an import
/// holds it until its file is in) before giving up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(600);
/// A wait longer than this is announced, once per process.
const ANNOUNCE_AFTER: Duration = Duration::from_secs(1);

static WAIT_NOTICE: Mutex<Option<fn()>> = Mutex::new(None);
static ANNOUNCED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static WAIT_STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// What to do, once, when this process has to wait more than a second for
/// another optout process's write lock: the command line prints a line;
/// the interface (whose screen a line would garble) sets nothing.
pub fn on_wait(notice: Option<fn()>) {
    if let Ok(mut slot) = WAIT_NOTICE.lock() {
        *slot = notice;
    }
}

/// `SQLite`'s busy handler: called with how many times it has been called
/// for this lock; `true` tries again.
fn wait_for_lock(count: i32) -> bool {
    let now = Instant::now();
    let started = WAIT_STARTED.with(|s| {
        if count == 0 || s.get().is_none() {
            s.set(Some(now));
        }
        s.get().unwrap_or(now)
    });
    let waited = now.duration_since(started);
    if waited >= GIVE_UP_AFTER {
        return false;
    }
    if waited >= ANNOUNCE_AFTER && !ANNOUNCED.swap(true, Ordering::Relaxed) {
        let notice = WAIT_NOTICE.lock().ok().and_then(|n| *n);
        if let Some(notice) = notice {
            notice();
        }
    }
    // Quick retries first (a short commit), then every 20 ms.
    let step = u64::try_from(count).unwrap_or(0).clamp(1, 20);
    std::thread::sleep(Duration::from_millis(step));
    true
}

pub(crate) fn store_err(message: impl Into<String>) -> StoreError {
    StoreError {
        message: message.into(),
    }
}

/// Where the database lives when `--db`/`OPTOUT_DB` is not given.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "optout").map(|d| d.data_dir().join("optout.sqlite3"))
}

/// The optout database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed, readable by its owner only) and migrates the
    /// database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        if !path.exists() {
            create_private_file(path)?;
        }
        let conn = Connection::open(path)
            .map_err(|e| store_err(format!("cannot open database {}: {e}", path.display())))?;
        if let Ok(mut opened) = OPENED.lock() {
            *opened = Some(path.to_path_buf());
        }
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing database without creating or migrating it; `None`
    /// when there is no file yet.
    pub fn open_existing(path: &Path) -> Result<Option<Store>, StoreError> {
        if !path.exists() {
            return Ok(None);
        }
        Store::open(path).map(Some)
    }

    /// A private in-memory database, for tests and the demo.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store { conn, path: None };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    fn configure(&mut self) -> Result<(), StoreError> {
        // Another optout writing (an import holds the lock until its file
        // is in): wait for it, saying so after a second, rather than fail.
        self.conn.busy_handler(Some(wait_for_lock))?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if self.path.is_some() {
            // Switching a new database to WAL needs it to itself for a moment;
            // a second optout starting at the same time waits its turn.
            let started = Instant::now();
            loop {
                match self.conn.pragma_update(None, "journal_mode", "WAL") {
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if e.code == rusqlite::ErrorCode::DatabaseBusy
                            && started.elapsed() < GIVE_UP_AFTER =>
                    {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    other => break other?,
                }
            }
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn
            .pragma_update(None, "cache_size", -READ_CACHE_KIB)?;
        Ok(())
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        let v: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        Ok(v as usize)
    }

    /// Applies migrations up to `target` (all of them by default).
    pub fn migrate_to(&mut self, target: usize) -> Result<(), StoreError> {
        let current = self.schema_version()?;
        if current > MIGRATIONS.len() {
            return Err(store_err(format!(
                "the database was written by a newer optout (schema {current}, this one knows {}): upgrade optout",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
            // Another optout may be migrating the same new database at this
            // moment: take the write lock first, then look again.
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if now > i as i64 {
                continue;
            }
            tx.execute_batch(sql).map_err(|e| {
                let text = e.to_string();
                let err = StoreError::from(e);
                if err.is_damaged() {
                    err
                } else {
                    store_err(format!("migration {} failed: {text}", i + 1))
                }
            })?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.migrate_to(MIGRATIONS.len())
    }

    /// Whether the write lock is free this moment (another optout process
    /// is not importing or writing), asked without waiting: the interface
    /// waits in its own loop, answering keys, rather than in `SQLite`'s
    /// busy handler. A writer can still take it just after.
    pub fn write_lock_free(&self) -> Result<bool, StoreError> {
        self.conn.busy_handler(None)?;
        let tried = self.conn.execute_batch("BEGIN IMMEDIATE");
        let free = match tried {
            Ok(()) => self.conn.execute_batch("ROLLBACK").map(|()| true),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => Ok(false),
            Err(e) => Err(e),
        };
        self.conn.busy_handler(Some(wait_for_lock))?;
        Ok(free?)
    }

    /// `PRAGMA data_version`: changes when another connection (another
    /// optout process) commits to the database, never for this one's own
    /// writes. Cheap enough to read every second.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        write_meta(&self.conn, key, value)
    }
}

/// Sets one `meta` value on `conn` (a transaction derefs to one).
pub(crate) fn write_meta(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| store_err(format!("cannot create {}: {e}", dir.display())))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    fs::create_dir_all(dir).map_err(|e| store_err(format!("cannot create {}: {e}", dir.display())))
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
        .or_else(|e| {
            // Another optout started at the same moment made it first.
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Ok(())
            } else {
                Err(store_err(format!("cannot create {}: {e}", path.display())))
            }
        })
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(drop)
        .map_err(|e| store_err(format!("cannot create {}: {e}", path.display())))
}
