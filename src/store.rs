//! The `SQLite` database: opening it privately, forward-only migrations, one
//! transaction per import, and typed queries for the stages that follow.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

use crate::classify::{
    BrandSource, Classification, Classifier, MessageFeatures, Region, SenderClass, normalize_sender,
};
use crate::import::{
    self, Direction, Format, ImportError, ImportOptions, ImportedMessage, MessageSink, Position,
    Progress,
};

/// Forward-only migrations, applied in order; `PRAGMA user_version` is the
/// number applied so far.
pub const MIGRATIONS: &[&str] = &[
    include_str!("store/migrations/0001_foundation.sql"),
    include_str!("store/migrations/0002_classification_tracking.sql"),
    include_str!("store/migrations/0003_dedupe_by_time.sql"),
];

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

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        StoreError {
            message: format!("database error: {e}"),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError {
            message: format!("database error: {e}"),
        }
    }
}

fn store_err(message: impl Into<String>) -> StoreError {
    StoreError {
        message: message.into(),
    }
}

/// Where the database lives when `--db`/`OPTOUT_DB` is not given.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "optout").map(|d| d.data_dir().join("optout.sqlite3"))
}

/// Why an import failed: the file, or the database.
#[derive(Debug)]
pub enum ImportFailure {
    File(ImportError),
    Store(StoreError),
}

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportFailure::File(e) => e.fmt(f),
            ImportFailure::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ImportFailure {}

/// What one import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub import_id: i64,
    pub new: u64,
    pub duplicates: u64,
    /// Drafts, outbox, failed and queued messages: not delivered, not stored.
    pub skipped_undelivered: u64,
    pub rejected: u64,
    /// The first rejected records, with where they are and why.
    pub rejected_samples: Vec<(Option<Position>, String)>,
    pub sha256: String,
    pub size: u64,
    pub seconds: f64,
}

/// A stored message as the later stages read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: i64,
    pub sender_id: i64,
    pub sender_key: String,
    pub direction: Direction,
    /// The address as the export wrote it.
    pub address: String,
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub body: String,
    pub channel: String,
    pub contact_name: Option<String>,
    pub kind: String,
    pub rule_id: Option<String>,
    pub brand: Option<String>,
    pub optout_keyword: Option<String>,
    pub optout_target: Option<String>,
    pub import_id: i64,
}

/// One import, for provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub id: i64,
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub format: String,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub new_messages: u64,
    pub duplicates: u64,
    pub optout_version: String,
    pub source_zone: Option<String>,
}

const MESSAGE_COLUMNS: &str = "m.id, m.sender_id, s.key, m.direction, m.address, m.ts_ms,
    m.utc_offset_s, m.body, m.channel, m.contact_name, m.kind, m.rule_id, m.brand,
    m.optout_keyword, m.optout_target, m.import_id";

fn stored_message(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredMessage> {
    Ok(StoredMessage {
        id: r.get(0)?,
        sender_id: r.get(1)?,
        sender_key: r.get(2)?,
        direction: Direction::from_db(r.get_ref(3)?.as_str()?),
        address: r.get(4)?,
        ts_ms: r.get(5)?,
        utc_offset_s: r.get(6)?,
        body: r.get(7)?,
        channel: r.get(8)?,
        contact_name: r.get(9)?,
        kind: r.get(10)?,
        rule_id: r.get(11)?,
        brand: r.get(12)?,
        optout_keyword: r.get(13)?,
        optout_target: r.get(14)?,
        import_id: r.get(15)?,
    })
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
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if self.path.is_some() {
            self.conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 8 MiB of page cache (the default is 2): an import's index pages
        // stay in memory instead of spilling to the WAL mid-transaction.
        self.conn.pragma_update(None, "cache_size", -8 * 1024)?;
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
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)
                .map_err(|e| store_err(format!("migration {} failed: {e}", i + 1)))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.migrate_to(MIGRATIONS.len())
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

    /// Imports one file in one transaction: all of it, or nothing.
    pub fn import_file(
        &mut self,
        path: &Path,
        format: Format,
        options: &ImportOptions,
        classifier: &Classifier,
        region: &Region,
        progress: &dyn Progress,
    ) -> Result<ImportReport, ImportFailure> {
        let started = Instant::now();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| ImportFailure::Store(e.into()))?;
        let report = {
            let now = jiff::Timestamp::now().as_millisecond();
            tx.execute(
                "INSERT INTO imports(path, sha256, size, format, started_at_ms, optout_version)
                 VALUES (?1, '', 0, ?2, ?3, ?4)",
                params![
                    path.display().to_string(),
                    format.as_str(),
                    now,
                    env!("CARGO_PKG_VERSION")
                ],
            )
            .map_err(|e| ImportFailure::Store(e.into()))?;
            let import_id = tx.last_insert_rowid();
            let (source, mut report) = pipeline(
                &tx, import_id, path, format, options, classifier, region, progress,
            )?;
            report.import_id = import_id;
            report.sha256.clone_from(&source.sha256);
            report.size = source.size;
            tx.execute(
                "UPDATE imports SET sha256 = ?2, size = ?3, finished_at_ms = ?4,
                    new_messages = ?5, duplicates = ?6, skipped = ?7, rejected = ?8,
                    source_zone = ?9
                 WHERE id = ?1",
                params![
                    import_id,
                    report.sha256,
                    report.size as i64,
                    jiff::Timestamp::now().as_millisecond(),
                    report.new as i64,
                    report.duplicates as i64,
                    report.skipped_undelivered as i64,
                    report.rejected as i64,
                    source.zone
                ],
            )
            .map_err(|e| ImportFailure::Store(e.into()))?;
            report
        };
        write_meta(&tx, "rules_version", classifier.version()).map_err(ImportFailure::Store)?;
        tx.commit().map_err(|e| ImportFailure::Store(e.into()))?;
        let mut report = report;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Messages of the given senders in time order, a page at a time
    /// (indexed by sender and time: cheap on any database size).
    pub fn messages_of(
        &self,
        sender_ids: &[i64],
        offset: u64,
        limit: u64,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        if sender_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = vec!["?"; sender_ids.len()].join(",");
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN senders s ON s.id = m.sender_id
             WHERE m.sender_id IN ({placeholders}) ORDER BY m.ts_ms, m.id LIMIT {limit} OFFSET {offset}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(sender_ids), stored_message)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many messages the given senders have.
    pub fn count_messages_of(&self, sender_ids: &[i64]) -> Result<u64, StoreError> {
        if sender_ids.is_empty() {
            return Ok(0);
        }
        let placeholders = vec!["?"; sender_ids.len()].join(",");
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM messages WHERE sender_id IN ({placeholders})"),
            rusqlite::params_from_iter(sender_ids),
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Messages by id (any order in, time order out).
    pub fn messages_by_id(&self, ids: &[i64]) -> Result<Vec<StoredMessage>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN senders s ON s.id = m.sender_id
             WHERE m.id = ?1"
        ))?;
        for id in ids {
            if let Some(m) = stmt.query_row([id], stored_message).optional()? {
                out.push(m);
            }
        }
        out.sort_by_key(|m| (m.ts_ms, m.id));
        Ok(out)
    }

    /// Every finished import, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, path, sha256, size, format, started_at_ms, finished_at_ms, new_messages,
                    duplicates, optout_version, source_zone
             FROM imports ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ImportRecord {
                id: r.get(0)?,
                path: r.get(1)?,
                sha256: r.get(2)?,
                size: r.get::<_, i64>(3)? as u64,
                format: r.get(4)?,
                started_at_ms: r.get(5)?,
                finished_at_ms: r.get(6)?,
                new_messages: r.get::<_, i64>(7)? as u64,
                duplicates: r.get::<_, i64>(8)? as u64,
                optout_version: r.get(9)?,
                source_zone: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The user's manual opt-out records, oldest first.
    pub fn manual_optouts(&self) -> Result<Vec<crate::track::ManualOptOut>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, scope, name, at_ms, utc_offset_s, channel, note
             FROM manual_optouts ORDER BY at_ms, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::track::ManualOptOut {
                id: r.get(0)?,
                scope_brand: r.get_ref(1)?.as_str()? == "brand",
                name: r.get(2)?,
                at_ms: r.get(3)?,
                utc_offset_s: r.get(4)?,
                channel: r.get(5)?,
                note: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records an opt-out made outside the export.
    pub fn add_manual_optout(
        &self,
        brand: bool,
        name: &str,
        at_ms: i64,
        utc_offset_s: Option<i32>,
        channel: &str,
        note: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO manual_optouts(scope, name, at_ms, utc_offset_s, channel, note, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                if brand { "brand" } else { "sender" },
                name,
                at_ms,
                utc_offset_s,
                channel,
                note,
                jiff::Timestamp::now().as_millisecond()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Deletes a manual opt-out record; `false` when there was none.
    pub fn remove_manual_optout(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM manual_optouts WHERE id = ?1", [id])?
            == 1)
    }

    /// Ignored senders (`false`, key) and brands (`true`, name).
    pub fn ignored(&self) -> Result<HashSet<(bool, String)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT scope, name FROM ignored")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get_ref(0)?.as_str()? == "brand", r.get::<_, String>(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a sender or brand as wanted (or not). Returns whether it changed.
    pub fn set_ignored(&self, brand: bool, name: &str, ignored: bool) -> Result<bool, StoreError> {
        let scope = if brand { "brand" } else { "sender" };
        let n = if ignored {
            self.conn.execute(
                "INSERT OR IGNORE INTO ignored(scope, name, created_at_ms) VALUES (?1, ?2, ?3)",
                params![scope, name, jiff::Timestamp::now().as_millisecond()],
            )?
        } else {
            self.conn.execute(
                "DELETE FROM ignored WHERE scope = ?1 AND name = ?2",
                params![scope, name],
            )?
        };
        Ok(n == 1)
    }

    /// Does a sender with this key exist?
    pub fn sender_exists(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM senders WHERE key = ?1", [key], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Does any message carry this brand?
    pub fn brand_exists(&self, brand: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM messages WHERE brand = ?1 LIMIT 1",
                [brand],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Number of stored messages.
    pub fn message_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Recomputes kind, brand and instruction of every stored message with
    /// `classifier`, in one transaction. Returns how many changed kind.
    pub fn reclassify(&mut self, classifier: &Classifier) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        let mut changed = 0u64;
        {
            let mut select = tx.prepare(
                "SELECT m.id, m.direction, m.body, m.hint, s.class, m.kind, m.contact_name IS NOT NULL
                 FROM messages m JOIN senders s ON s.id = m.sender_id",
            )?;
            let mut update = tx.prepare(
                "UPDATE messages SET kind = ?2, rule_id = ?3, brand = ?4, brand_from_prefix = ?5,
                    optout_keyword = ?6, optout_target = ?7 WHERE id = ?1",
            )?;
            let mut rows = select.query([])?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                let direction = Direction::from_db(row.get_ref(1)?.as_str()?);
                let body = row.get_ref(2)?.as_str()?;
                let hint: Option<&str> = row.get_ref(3)?.as_str_or_null()?;
                let class = crate::classify::SenderClass::parse(row.get_ref(4)?.as_str()?);
                let old_kind = row.get_ref(5)?.as_str()?;
                let from_contact: bool = row.get(6)?;
                let c = classifier.classify(&MessageFeatures {
                    from_contact,
                    direction,
                    sender_class: class,
                    body,
                    hint,
                });
                if c.kind.as_str() != old_kind {
                    changed += 1;
                }
                let (brand, from_prefix) = split_brand(c.brand.as_ref());
                update.execute(params![
                    id,
                    c.kind.as_str(),
                    c.rule_id,
                    brand,
                    from_prefix,
                    c.instruction.as_ref().map(|i| i.keyword.as_str()),
                    c.instruction.as_ref().and_then(|i| i.target.as_deref()),
                ])?;
            }
        }
        write_meta(&tx, "rules_version", classifier.version())?;
        tx.commit()?;
        Ok(changed)
    }

    /// Reclassifies when the stored rules version differs from `classifier`'s.
    pub fn ensure_classified(&mut self, classifier: &Classifier) -> Result<bool, StoreError> {
        self.ensure_classified_with(classifier, |_| {})
    }

    /// [`Store::ensure_classified`], calling `before(n)` with the number of
    /// stored messages when they are about to be reclassified.
    pub fn ensure_classified_with(
        &mut self,
        classifier: &Classifier,
        before: impl FnOnce(u64),
    ) -> Result<bool, StoreError> {
        let stored = self.meta("rules_version")?;
        if stored.as_deref() == Some(classifier.version()) {
            return Ok(false);
        }
        let n = self.message_count()?;
        if n > 0 {
            before(n);
            self.reclassify(classifier)?;
        } else {
            self.set_meta("rules_version", classifier.version())?;
        }
        Ok(true)
    }
}

/// Sets one `meta` value on `conn` (a transaction derefs to one).
fn write_meta(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn split_brand(brand: Option<&(String, BrandSource)>) -> (Option<&str>, i64) {
    match brand {
        Some((name, BrandSource::Signature)) => (Some(name.as_str()), 0),
        Some((name, BrandSource::Prefix)) => (Some(name.as_str()), 1),
        None => (None, 0),
    }
}

/// The dedupe key of a message: the first 8 bytes of
/// SHA-256(sender key, direction, timestamp, body) as a signed integer.
pub fn dedupe_key(sender_key: &str, direction: Direction, timestamp_ms: i64, body: &str) -> i64 {
    let mut h = Sha256::new();
    h.update(sender_key.as_bytes());
    h.update([0]);
    h.update(direction.as_str().as_bytes());
    h.update([0]);
    h.update(timestamp_ms.to_le_bytes());
    h.update(body.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(first)
}

/// One message made ready for the database on the reading thread.
struct Prepared {
    msg: ImportedMessage,
    key: Arc<str>,
    class: SenderClass,
    dlt: Option<char>,
    classification: Classification,
    dedupe: i64,
}

/// Messages travel to the writer in batches: one channel operation per batch.
const BATCH: usize = 512;
/// Batches in flight: bounds the memory between the two threads.
const BATCHES_IN_FLIGHT: usize = 8;

/// Runs one import on two threads: the importer (read, parse),
/// normalisation, classification and dedupe hashing on a reader thread; the
/// database writes on this one, in `tx`. Memory stays bounded by the
/// channel. (The file's SHA-256 is computed on a third, see
/// [`import::HashingReader`].)
#[allow(clippy::too_many_arguments)]
fn pipeline(
    tx: &Transaction<'_>,
    import_id: i64,
    path: &Path,
    format: Format,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
    progress: &dyn Progress,
) -> Result<(import::SourceFile, ImportReport), ImportFailure> {
    let (to_writer, batches) = mpsc::sync_channel::<Vec<Prepared>>(BATCHES_IN_FLIGHT);
    let position = AtomicProgress::default();
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut sink = Prepare {
                out: to_writer,
                batch: Vec::with_capacity(BATCH),
                classifier,
                region,
                normalised: HashMap::new(),
                report: ImportReport::default(),
            };
            let result = import::read_file(path, format, options, &mut sink, &position);
            let result = result.and_then(|source| sink.flush().map(|()| source));
            (result, sink.report)
        });
        let mut writer = Writer::new(tx, import_id).map_err(ImportFailure::Store)?;
        let mut failed = None;
        for batch in &batches {
            for p in batch {
                if let Err(e) = writer.store(&p) {
                    failed = Some(StoreError::from(e));
                    break;
                }
            }
            if failed.is_some() {
                break;
            }
            progress.set_position(position.0.load(Ordering::Relaxed));
        }
        // Hang up first: a reader blocked on a full channel then stops.
        drop(batches);
        let (result, mut report) = reader
            .join()
            .map_err(|_| ImportFailure::Store(store_err("the import thread panicked")))?;
        if let Some(e) = failed {
            return Err(ImportFailure::Store(e));
        }
        let source = result.map_err(ImportFailure::File)?;
        progress.set_position(position.0.load(Ordering::Relaxed));
        report.new = writer.new;
        report.duplicates = writer.duplicates;
        Ok((source, report))
    })
}

/// Progress seen by the reader thread, passed on by the writer.
#[derive(Default)]
struct AtomicProgress(AtomicU64);

impl Progress for AtomicProgress {
    fn set_position(&self, bytes: u64) {
        self.0.store(bytes, Ordering::Relaxed);
    }
}

/// The reader thread's sink: normalise (once per raw address), classify,
/// hash, batch.
struct Prepare<'a> {
    out: mpsc::SyncSender<Vec<Prepared>>,
    batch: Vec<Prepared>,
    classifier: &'a Classifier,
    region: &'a Region,
    normalised: HashMap<String, (Arc<str>, SenderClass, Option<char>)>,
    report: ImportReport,
}

impl Prepare<'_> {
    fn flush(&mut self) -> Result<(), ImportError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.out
            .send(batch)
            .map_err(|_| ImportError::new(Path::new("database"), "the database stopped the import"))
    }
}

impl MessageSink for Prepare<'_> {
    fn message(&mut self, msg: ImportedMessage) -> Result<(), ImportError> {
        let raw = msg.address.trim();
        let (key, class, dlt) = if let Some(known) = self.normalised.get(raw) {
            known.clone()
        } else {
            let n = normalize_sender(raw, self.region);
            let entry = (Arc::<str>::from(n.key), n.class, n.dlt_suffix);
            self.normalised.insert(raw.to_string(), entry.clone());
            entry
        };
        let classification = self.classifier.classify(&MessageFeatures {
            from_contact: msg.contact_name.is_some(),
            direction: msg.direction,
            sender_class: class,
            body: &msg.body,
            hint: msg.hint.as_deref(),
        });
        let dedupe = dedupe_key(&key, msg.direction, msg.timestamp_ms, &msg.body);
        self.batch.push(Prepared {
            msg,
            key,
            class,
            dlt,
            classification,
            dedupe,
        });
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn skipped_undelivered(&mut self) {
        self.report.skipped_undelivered += 1;
    }

    fn rejected(&mut self, position: Option<Position>, reason: String) {
        self.report.rejected += 1;
        if self.report.rejected_samples.len() < MAX_REJECTED_SAMPLES {
            self.report.rejected_samples.push((position, reason));
        }
    }
}

const MAX_REJECTED_SAMPLES: usize = 20;

/// The writer: sender and alias rows (each looked up once), then the message.
struct Writer<'a> {
    tx: &'a Transaction<'a>,
    import_id: i64,
    insert_message: rusqlite::Statement<'a>,
    senders: HashMap<Arc<str>, i64>,
    /// Raw address → sender id, for addresses already given an alias row.
    aliases: HashMap<String, i64>,
    new: u64,
    duplicates: u64,
}

impl<'a> Writer<'a> {
    fn new(tx: &'a Transaction<'a>, import_id: i64) -> Result<Self, StoreError> {
        let insert_message = tx.prepare(
            "INSERT OR IGNORE INTO messages(sender_id, direction, address, ts_ms, utc_offset_s,
                body, channel, contact_name, import_id, dedupe, hint, kind, rule_id, brand,
                brand_from_prefix, optout_keyword, optout_target)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        Ok(Writer {
            tx,
            import_id,
            insert_message,
            senders: HashMap::new(),
            aliases: HashMap::new(),
            new: 0,
            duplicates: 0,
        })
    }

    fn sender_id(&mut self, p: &Prepared) -> Result<i64, rusqlite::Error> {
        if let Some(&id) = self.senders.get(&p.key) {
            return Ok(id);
        }
        let dlt = p.dlt.map(String::from);
        let id: i64 = self.tx.query_row(
            "INSERT INTO senders(key, class, dlt_suffix) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET class = excluded.class,
                dlt_suffix = coalesce(excluded.dlt_suffix, senders.dlt_suffix)
             RETURNING id",
            params![&*p.key, p.class.as_str(), dlt],
            |r| r.get(0),
        )?;
        self.senders.insert(p.key.clone(), id);
        Ok(id)
    }

    fn store(&mut self, p: &Prepared) -> Result<(), rusqlite::Error> {
        let raw = p.msg.address.trim();
        let sender_id = if let Some(&id) = self.aliases.get(raw) {
            id
        } else {
            let id = self.sender_id(p)?;
            self.tx.execute(
                "INSERT OR IGNORE INTO aliases(sender_id, raw) VALUES (?1, ?2)",
                params![id, raw],
            )?;
            self.aliases.insert(raw.to_string(), id);
            id
        };
        let msg = &p.msg;
        let c = &p.classification;
        let (brand, from_prefix) = split_brand(c.brand.as_ref());
        let inserted = self.insert_message.execute(params![
            sender_id,
            msg.direction.as_str(),
            raw,
            msg.timestamp_ms,
            msg.utc_offset_s,
            msg.body,
            msg.channel.as_str(),
            msg.contact_name,
            self.import_id,
            p.dedupe,
            msg.hint,
            c.kind.as_str(),
            c.rule_id,
            brand,
            from_prefix,
            c.instruction.as_ref().map(|i| i.keyword.as_str()),
            c.instruction.as_ref().and_then(|i| i.target.as_deref()),
        ])?;
        if inserted == 1 {
            self.new += 1;
        } else {
            self.duplicates += 1;
        }
        Ok(())
    }
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
        .map_err(|e| store_err(format!("cannot create {}: {e}", path.display())))
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

// --- export queries ---
impl Store {
    /// Every contact name the exports gave these senders (for `--redact`).
    pub fn contact_names_of(&self, sender_ids: &[i64]) -> Result<Vec<String>, StoreError> {
        if sender_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = vec!["?"; sender_ids.len()].join(",");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT DISTINCT contact_name FROM messages
             WHERE contact_name IS NOT NULL AND sender_id IN ({placeholders})
             ORDER BY contact_name"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(sender_ids), |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The latest incoming message of these senders carrying an opt-out
    /// instruction at or before `at_ms`: the one the user acted on.
    pub fn instruction_before(
        &self,
        sender_ids: &[i64],
        at_ms: i64,
    ) -> Result<Option<StoredMessage>, StoreError> {
        if sender_ids.is_empty() {
            return Ok(None);
        }
        let placeholders = vec!["?"; sender_ids.len()].join(",");
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN senders s ON s.id = m.sender_id
             WHERE m.sender_id IN ({placeholders}) AND m.direction = 'in'
               AND m.optout_keyword IS NOT NULL AND m.ts_ms <= {at_ms}
             ORDER BY m.ts_ms DESC, m.id DESC LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(sender_ids), stored_message)
            .optional()?)
    }
}

// --- TUI queries ---

impl Store {
    /// Senders with a message containing `text` (SQL `LIKE`, so case-blind
    /// for ASCII only), at most `limit` of them.
    pub fn senders_with_text(&self, text: &str, limit: u64) -> Result<Vec<i64>, StoreError> {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT sender_id FROM messages WHERE body LIKE ?1 ESCAPE '\\' LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![format!("%{escaped}%"), limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Incoming marketing (and suspicious) messages per month, oldest first,
    /// as `("2026-03", n)`. Months are local to each message's own offset,
    /// or `default_offset_s` when it has none.
    pub fn marketing_per_month(
        &self,
        default_offset_s: i32,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT strftime('%Y-%m', ts_ms / 1000 + coalesce(utc_offset_s, ?1), 'unixepoch') AS month,
                    count(*)
             FROM messages
             WHERE kind IN ('marketing', 'suspicious') AND direction = 'in'
             GROUP BY month ORDER BY month",
        )?;
        let rows = stmt.query_map([default_offset_s], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
