//! The one transaction an import writes in: its `imports` row, then sender,
//! alias and message rows, committed together or not at all.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, write_meta};
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

/// An import in progress: dropping it without [`ImportTx::commit`] rolls
/// everything back.
pub struct ImportTx<'a> {
    tx: Transaction<'a>,
    import_id: i64,
    line_id: i64,
}

impl Store {
    /// Starts the transaction of one import and records its beginning.
    /// The messages go to the line called `line` (created if new).
    pub fn begin_import(
        &mut self,
        path: &Path,
        format: &str,
        line: &str,
    ) -> Result<ImportTx<'_>, StoreError> {
        let tx = self.conn.transaction()?;
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
                now_ms(),
                env!("CARGO_PKG_VERSION"),
                line_id
            ],
        )?;
        let import_id = tx.last_insert_rowid();
        Ok(ImportTx {
            tx,
            import_id,
            line_id,
        })
    }
}

impl ImportTx<'_> {
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

    /// Records how the import ended and commits it.
    pub fn commit(self, s: &ImportSummary<'_>) -> Result<(), StoreError> {
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
        self.tx.commit()?;
        Ok(())
    }
}

/// Writes sender and alias rows (each looked up once), then the message.
pub struct MessageWriter<'a> {
    tx: &'a Transaction<'a>,
    import_id: i64,
    line_id: i64,
    insert_message: rusqlite::Statement<'a>,
    senders: HashMap<String, i64>,
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
        Ok(MessageWriter {
            tx,
            import_id,
            line_id,
            insert_message,
            senders: HashMap::new(),
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
            self.import_id,
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
            self.new += 1;
        } else {
            self.duplicates += 1;
        }
        Ok(())
    }
}
