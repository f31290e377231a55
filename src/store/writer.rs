//! The one transaction an import writes in: its `imports` row, then sender,
//! alias and message rows, committed together or not at all. An import
//! opens it (`BEGIN IMMEDIATE`) only once its file is read and staged, so
//! the write lock lasts as long as the writing, not the reading.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction, params};

use super::bulk::BulkTx;
use super::{BULK_CACHE_KIB, READ_CACHE_KIB, Store, StoreError, write_meta};
use crate::model::{Direction, now_ms};

/// One message ready for the database: normalised, labelled, hashed.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    pub sender_key: &'a str,
    /// The database spelling of the sender's class.
    pub sender_class: &'a str,
    /// Indian DLT header suffix (P, S, T, G) when present.
    pub dlt_suffix: Option<char>,
    /// The address as the export wrote it (trimmed).
    pub address: &'a str,
    pub direction: Direction,
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub body: &'a str,
    pub channel: &'a str,
    pub contact_name: Option<&'a str>,
    pub hint: Option<&'a str>,
    /// The dedupe key: equal keys are one message.
    pub dedupe: i64,
    pub kind: &'a str,
    pub rule_id: Option<&'a str>,
    /// The words that decided the kind.
    pub reason: Option<&'a str>,
    pub brand: Option<&'a str>,
    pub brand_from_prefix: bool,
    pub optout_keyword: Option<&'a str>,
    pub optout_target: Option<&'a str>,
}

/// What the import's `imports` row records when it finishes.
#[derive(Debug, Clone, Copy)]
pub struct ImportSummary<'a> {
    pub sha256: &'a str,
    pub size: u64,
    pub new: u64,
    pub duplicates: u64,
    pub skipped: u64,
    pub rejected: u64,
    pub source_zone: Option<&'a str>,
    /// The classification rules the messages were labelled with.
    pub rules_version: &'a str,
}

/// One source file an evidence bundle cites, as the reporter imported it.
#[derive(Debug, Clone, Copy)]
pub struct SourceImport<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub size: u64,
    pub format: &'a str,
    /// When the reporter imported it (0: not known).
    pub imported_at_ms: i64,
    pub optout_version: &'a str,
    pub zone: Option<&'a str>,
}

/// An import in progress: dropping it without [`ImportTx::commit`] rolls
/// everything back.
pub struct ImportTx<'a> {
    tx: BulkTx<'a>,
    import_id: i64,
    line_id: i64,
    /// Messages from this id on are this import's and not yet in the
    /// search index: [`ImportTx::index_for_search`] adds them, or the
    /// commit does.
    first_message_id: i64,
    /// The index by line, sender and time is dropped until the rows are
    /// written ([`ImportTx::defer_index_by_line`]).
    index_deferred: bool,
}

/// Migration 9's index by line, sender and time, as `sqlite_master` holds
/// it (the statement's text as written, without `IF NOT EXISTS`).
const INDEX_BY_LINE: &str =
    "CREATE INDEX messages_line_sender_ts ON messages(line_id, sender_id, ts_ms)";

impl Store {
    /// Starts the transaction of one import and records its beginning.
    /// The messages go to the line called `line` (created if new).
    pub fn begin_import(
        &mut self,
        path: &Path,
        format: &str,
        line: &str,
    ) -> Result<ImportTx<'_>, StoreError> {
        self.begin_import_at(path, format, line, now_ms())
    }

    /// [`Store::begin_import`] for an import that began reading its file at
    /// `started_at_ms` (its rows were staged before the transaction).
    pub fn begin_import_at(
        &mut self,
        path: &Path,
        format: &str,
        line: &str,
        started_at_ms: i64,
    ) -> Result<ImportTx<'_>, StoreError> {
        // The write lock up front: a transaction that reads first and writes
        // later could not wait for another import, only fail.
        let tx = BulkTx::begin(&mut self.conn)?;
        tx.execute(
            "INSERT OR IGNORE INTO lines(name, created_at_ms) VALUES (?1, ?2)",
            params![line, now_ms()],
        )?;
        let line_id: i64 =
            tx.query_row("SELECT id FROM lines WHERE name = ?1", [line], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO imports(path, sha256, size, format, started_at_ms, optout_version, line_id)
             VALUES (?1, '', 0, ?2, ?3, ?4, ?5)",
            params![
                path.display().to_string(),
                format,
                started_at_ms,
                env!("CARGO_PKG_VERSION"),
                line_id
            ],
        )?;
        let import_id = tx.last_insert_rowid();
        let first_message_id: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM messages", [], |r| {
                r.get(0)
            })?;
        Ok(ImportTx {
            tx,
            import_id,
            line_id,
            first_message_id,
            index_deferred: false,
        })
    }
}

impl ImportTx<'_> {
    /// Before writing `staged` messages: when they outnumber the messages
    /// already stored, drops the index by line, sender and time, to be
    /// built again in one sorted pass after the rows
    /// ([`ImportTx::rebuild_index_by_line`]; the commit does it if not yet
    /// done). Updating it row by row costs more there: its entries arrive
    /// in time order, scattered over an index larger than the page cache
    /// (1,000,000 messages into an empty database: writing 4.1–5.8 s with
    /// it against 2.7–3.5 s without it plus 0.63–0.74 s to build it;
    /// 10,000,000: 77.6 s against 39.6 s plus 8.3 s). Readers keep the index
    /// until the commit; a rollback puts it back. `true`: it was dropped.
    pub fn defer_index_by_line(&mut self, staged: u64) -> Result<bool, StoreError> {
        // Ids only grow, so the highest one is at least the number stored.
        let stored = u64::try_from(self.first_message_id - 1).unwrap_or(0);
        if self.index_deferred || staged <= stored {
            return Ok(self.index_deferred);
        }
        self.tx
            .execute_batch("DROP INDEX messages_line_sender_ts")?;
        self.index_deferred = true;
        Ok(true)
    }

    /// Builds the index [`ImportTx::defer_index_by_line`] dropped, if it did:
    /// one statement, a sort of every message, with the page cache at
    /// [`READ_CACHE_KIB`] meanwhile (the database's sorter holds as much as the
    /// page cache in memory: a 10,000,000-message import peaked at 69.8 MB
    /// with the bulk cache there, 56.1 MB with this one, and its index took
    /// 8.3 s to build instead of 10.1 s). An interrupt
    /// ([`ImportTx::interrupter`]) makes it fail.
    pub fn rebuild_index_by_line(&mut self) -> Result<(), StoreError> {
        if !self.index_deferred {
            return Ok(());
        }
        self.tx.pragma_update(None, "cache_size", -READ_CACHE_KIB)?;
        let built = self.tx.execute_batch(INDEX_BY_LINE);
        self.tx.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
        built?;
        self.index_deferred = false;
        Ok(())
    }

    /// Stops the statement this import is running from another thread
    /// (it fails with "interrupted"; the import is then dropped, and rolls
    /// back); a no-op between statements.
    pub fn interrupter(&self) -> impl Fn() + Send + Sync + 'static {
        let handle = self.tx.get_interrupt_handle();
        move || handle.interrupt()
    }

    pub fn import_id(&self) -> i64 {
        self.import_id
    }

    pub fn line_id(&self) -> i64 {
        self.line_id
    }

    /// A writer of message rows inside this transaction.
    pub fn writer(&self) -> Result<MessageWriter<'_>, StoreError> {
        MessageWriter::new(&self.tx, self.import_id, self.line_id)
    }

    /// Whether this line already holds a finished import of a file with
    /// this SHA-256.
    pub fn file_on_this_line(&self, sha256: &str) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .query_row(
                "SELECT 1 FROM imports WHERE sha256 = ?1 AND line_id = ?2
                    AND finished_at_ms IS NOT NULL LIMIT 1",
                params![sha256, self.line_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The other line that already holds a finished import of a file with
    /// this SHA-256.
    pub fn file_on_other_line(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .query_row(
                "SELECT l.name FROM imports i JOIN lines l ON l.id = i.line_id
                 WHERE i.sha256 = ?1 AND i.line_id != ?2 AND i.finished_at_ms IS NOT NULL
                 LIMIT 1",
                params![sha256, self.line_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every other line that holds a finished import of a file with this
    /// SHA-256, by name.
    pub fn lines_with_file(&self, sha256: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.tx.prepare(
            "SELECT DISTINCT l.name FROM imports i JOIN lines l ON l.id = i.line_id
             WHERE i.sha256 = ?1 AND i.line_id != ?2 AND i.finished_at_ms IS NOT NULL
             ORDER BY l.name",
        )?;
        let rows = stmt.query_map(params![sha256, self.line_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The `imports` row standing for a source file an evidence bundle
    /// cites, on this line: the one an earlier bundle added, or a new one
    /// dated when the reporter imported the file (so evidence exported from
    /// here cites the reporter's original file).
    pub fn source_import(&self, s: &SourceImport<'_>) -> Result<i64, StoreError> {
        let known: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM imports WHERE line_id = ?1 AND format = ?2 AND sha256 = ?3
                    AND path = ?4 AND finished_at_ms IS NOT NULL AND id != ?5
                 ORDER BY id LIMIT 1",
                params![
                    self.line_id,
                    s.format,
                    s.sha256,
                    s.file_name,
                    self.import_id
                ],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = known {
            return Ok(id);
        }
        let at = if s.imported_at_ms > 0 {
            s.imported_at_ms
        } else {
            now_ms()
        };
        self.tx.execute(
            "INSERT INTO imports(path, sha256, size, format, started_at_ms, finished_at_ms,
                optout_version, line_id, source_zone)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8)",
            params![
                s.file_name,
                s.sha256,
                s.size as i64,
                s.format,
                at,
                s.optout_version,
                self.line_id,
                s.zone
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Records a manual opt-out from this line unless the same one is
    /// there; returns whether it was added.
    #[allow(clippy::too_many_arguments)]
    pub fn add_manual_optout(
        &self,
        brand: bool,
        name: &str,
        at_ms: i64,
        utc_offset_s: Option<i32>,
        channel: &str,
        note: Option<&str>,
    ) -> Result<bool, StoreError> {
        let scope = if brand { "brand" } else { "sender" };
        let n = self.tx.execute(
            "INSERT INTO manual_optouts(scope, name, at_ms, utc_offset_s, channel, note,
                created_at_ms, line_id)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
             WHERE NOT EXISTS (SELECT 1 FROM manual_optouts WHERE line_id = ?8 AND scope = ?1
                AND name = ?2 AND at_ms = ?3 AND channel = ?5)",
            params![
                scope,
                name,
                at_ms,
                utc_offset_s,
                channel,
                note,
                now_ms(),
                self.line_id
            ],
        )?;
        Ok(n == 1)
    }

    /// Marks this line as the one of `reporter_id` (when it has none yet)
    /// and, when `redacted`, as holding redacted evidence.
    pub fn mark_line(&self, reporter_id: Option<&str>, redacted: bool) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE lines SET reporter_id = coalesce(reporter_id, ?2),
                redacted = max(redacted, ?3)
             WHERE id = ?1",
            params![self.line_id, reporter_id, i64::from(redacted)],
        )?;
        Ok(())
    }

    /// Adds this import's messages written so far to the search index,
    /// `chunk` messages per statement, calling `each(done, total)` after
    /// each chunk (and once before the first); `each` answering `false`
    /// stops it there (`Ok(false)`). The commit indexes whatever is left.
    pub fn index_for_search(
        &mut self,
        chunk: u64,
        mut each: impl FnMut(u64, u64) -> bool,
    ) -> Result<bool, StoreError> {
        let chunk = i64::try_from(chunk.max(1)).unwrap_or(i64::MAX);
        // Ids of one import's rows are consecutive: a row is only given one
        // when it is inserted.
        let end: i64 =
            self.tx
                .query_row("SELECT coalesce(max(id), 0) + 1 FROM messages", [], |r| {
                    r.get(0)
                })?;
        let first = self.first_message_id;
        let total = u64::try_from(end - first).unwrap_or(0);
        if !each(0, total) {
            return Ok(false);
        }
        while self.first_message_id < end {
            let upto = self.first_message_id.saturating_add(chunk).min(end);
            super::search::index_from(&self.tx, self.first_message_id, Some(upto))?;
            self.first_message_id = upto;
            if !each(u64::try_from(upto - first).unwrap_or(0), total) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Records how the import ended and commits it.
    pub fn commit(mut self, s: &ImportSummary<'_>) -> Result<(), StoreError> {
        self.rebuild_index_by_line()?;
        self.tx.execute(
            "UPDATE imports SET sha256 = ?2, size = ?3, finished_at_ms = ?4,
                new_messages = ?5, duplicates = ?6, skipped = ?7, rejected = ?8,
                source_zone = ?9
             WHERE id = ?1",
            params![
                self.import_id,
                s.sha256,
                s.size as i64,
                now_ms(),
                s.new as i64,
                s.duplicates as i64,
                s.skipped as i64,
                s.rejected as i64,
                s.source_zone
            ],
        )?;
        write_meta(&self.tx, "rules_version", s.rules_version)?;
        // The new messages into the search index, in the same transaction
        // (those `index_for_search` has not added yet).
        super::search::index_from(&self.tx, self.first_message_id, None)?;
        self.tx.commit()
    }
}

/// Writes sender and alias rows (each looked up once), then the message.
pub struct MessageWriter<'a> {
    tx: &'a Transaction<'a>,
    import_id: i64,
    line_id: i64,
    insert_message: rusqlite::Statement<'a>,
    mark_dirty: rusqlite::Statement<'a>,
    senders: HashMap<String, i64>,
    /// Senders this writer has marked in `findings_dirty` on its line.
    marked: HashSet<i64>,
    /// Raw address → sender id, for addresses already given an alias row.
    aliases: HashMap<String, i64>,
    pub new: u64,
    pub duplicates: u64,
}

impl<'a> MessageWriter<'a> {
    fn new(tx: &'a Transaction<'a>, import_id: i64, line_id: i64) -> Result<Self, StoreError> {
        let insert_message = tx.prepare(
            "INSERT OR IGNORE INTO messages(sender_id, direction, address, ts_ms, utc_offset_s,
                body, channel, contact_name, import_id, dedupe, hint, kind, rule_id, brand,
                brand_from_prefix, optout_keyword, optout_target, line_id, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19)",
        )?;
        // The cache's staleness, marked here rather than by a trigger on
        // `messages` (migration 10): a trigger would make every message's
        // INSERT keep a statement journal.
        let mark_dirty =
            tx.prepare("INSERT OR IGNORE INTO findings_dirty(line_id, sender_id) VALUES (?1, ?2)")?;
        Ok(MessageWriter {
            tx,
            import_id,
            line_id,
            insert_message,
            mark_dirty,
            senders: HashMap::new(),
            marked: HashSet::new(),
            aliases: HashMap::new(),
            new: 0,
            duplicates: 0,
        })
    }

    fn sender_id(&mut self, m: &NewMessage<'_>) -> Result<i64, rusqlite::Error> {
        if let Some(&id) = self.senders.get(m.sender_key) {
            return Ok(id);
        }
        let dlt = m.dlt_suffix.map(String::from);
        let id: i64 = self.tx.query_row(
            "INSERT INTO senders(key, class, dlt_suffix) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET class = excluded.class,
                dlt_suffix = coalesce(excluded.dlt_suffix, senders.dlt_suffix)
             RETURNING id",
            params![m.sender_key, m.sender_class, dlt],
            |r| r.get(0),
        )?;
        self.senders.insert(m.sender_key.to_string(), id);
        Ok(id)
    }

    /// Stores one message unless an equal one (same dedupe key) is there.
    pub fn store(&mut self, m: &NewMessage<'_>) -> Result<(), StoreError> {
        self.store_in(m, self.import_id)
    }

    /// [`MessageWriter::store`], citing the import `import_id` as where
    /// the message came from (a bundle's source file).
    pub fn store_in(&mut self, m: &NewMessage<'_>, import_id: i64) -> Result<(), StoreError> {
        let raw = m.address;
        let sender_id = if let Some(&id) = self.aliases.get(raw) {
            id
        } else {
            let id = self.sender_id(m)?;
            self.tx.execute(
                "INSERT OR IGNORE INTO aliases(sender_id, raw) VALUES (?1, ?2)",
                params![id, raw],
            )?;
            self.aliases.insert(raw.to_string(), id);
            id
        };
        let inserted = self.insert_message.execute(params![
            sender_id,
            m.direction.as_str(),
            raw,
            m.ts_ms,
            m.utc_offset_s,
            m.body,
            m.channel,
            m.contact_name,
            import_id,
            m.dedupe,
            m.hint,
            m.kind,
            m.rule_id,
            m.brand,
            i64::from(m.brand_from_prefix),
            m.optout_keyword,
            m.optout_target,
            self.line_id,
            m.reason,
        ])?;
        if inserted == 1 {
            if self.marked.insert(sender_id) {
                self.mark_dirty.execute(params![self.line_id, sender_id])?;
            }
            self.new += 1;
        } else {
            self.duplicates += 1;
        }
        Ok(())
    }
}
