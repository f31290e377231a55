//! Reading messages back: timelines a page at a time, evidence lookups,
//! counts (text search is `search.rs`); and relabelling every message after a rules change.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, write_meta};
use crate::model::{Direction, StoredMessage};

pub(super) const MESSAGE_COLUMNS: &str =
    "m.id, m.sender_id, s.key, m.direction, m.address, m.ts_ms,
    m.utc_offset_s, m.body, m.channel, m.contact_name, m.kind, m.rule_id, m.brand,
    m.optout_keyword, m.optout_target, m.import_id, m.reason";

pub(super) fn stored_message(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredMessage> {
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
        reason: r.get(16)?,
    })
}

/// The SQL condition keeping one line's messages (`m` is `messages`), or
/// every line's. A query finding some senders' messages names the line
/// either way: the only index by sender leads with the line
/// (`messages_line_sender_ts`, migration 11), and every message's line is
/// in `lines` (an import creates it first; `lines remove` deletes its
/// messages with it).
pub(super) fn on_line(line: Option<i64>) -> String {
    line.map_or_else(
        || " AND m.line_id IN (SELECT id FROM lines)".to_string(),
        |id| format!(" AND m.line_id = {id}"),
    )
}

impl Store {
    /// Messages of the given senders in time order, a page at a time
    /// (indexed by sender and time: cheap on any database size); only those
    /// received on `line` when one is given.
    pub fn messages_of(
        &self,
        line: Option<i64>,
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
             WHERE m.sender_id IN ({placeholders}){on_line}
             ORDER BY m.ts_ms, m.id LIMIT {limit} OFFSET {offset}",
            on_line = on_line(line)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(sender_ids), stored_message)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many messages the given senders have (on `line`, when given).
    pub fn count_messages_of(
        &self,
        line: Option<i64>,
        sender_ids: &[i64],
    ) -> Result<u64, StoreError> {
        if sender_ids.is_empty() {
            return Ok(0);
        }
        let placeholders = vec!["?"; sender_ids.len()].join(",");
        let n: i64 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM messages m WHERE m.sender_id IN ({placeholders}){}",
                on_line(line)
            ),
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
}

// --- export queries ---
impl Store {
    /// Every contact name the exports gave these senders (for `--redact`).
    pub fn contact_names_of(
        &self,
        line: Option<i64>,
        sender_ids: &[i64],
    ) -> Result<Vec<String>, StoreError> {
        if sender_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = vec!["?"; sender_ids.len()].join(",");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT DISTINCT m.contact_name FROM messages m
             WHERE m.contact_name IS NOT NULL AND m.sender_id IN ({placeholders}){}
             ORDER BY m.contact_name",
            on_line(line)
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(sender_ids), |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The latest incoming message of these senders carrying an opt-out
    /// instruction at or before `at_ms`: the one the user acted on.
    pub fn instruction_before(
        &self,
        line: Option<i64>,
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
               AND m.optout_keyword IS NOT NULL AND m.ts_ms <= {at_ms}{on_line}
             ORDER BY m.ts_ms DESC, m.id DESC LIMIT 1",
            on_line = on_line(line)
        );
        Ok(self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(sender_ids), stored_message)
            .optional()?)
    }
}

// --- TUI queries ---

impl Store {
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

/// What relabelling reads of one stored message.
#[derive(Debug, Clone, Copy)]
pub struct RelabelRow<'a> {
    pub direction: Direction,
    pub body: &'a str,
    pub hint: Option<&'a str>,
    /// The database spelling of the sender's class.
    pub sender_class: &'a str,
    /// The export named the sender as a saved contact.
    pub from_contact: bool,
    /// The sender's Indian DLT header suffix (P, S, T, G), when it has one.
    pub dlt_suffix: Option<char>,
}

/// A message's new labels.
#[derive(Debug, Clone)]
pub struct Relabel {
    pub kind: &'static str,
    pub rule_id: Option<String>,
    pub reason: Option<String>,
    pub brand: Option<String>,
    pub brand_from_prefix: bool,
    pub optout_keyword: Option<String>,
    pub optout_target: Option<String>,
}

impl Store {
    /// Gives every stored message the labels `label` computes, in one
    /// transaction, and records `rules_version`. Returns how many changed kind.
    pub fn relabel(
        &mut self,
        rules_version: &str,
        mut label: impl FnMut(&RelabelRow<'_>) -> Relabel,
    ) -> Result<u64, StoreError> {
        // The write lock up front, so another optout's import is waited for.
        let tx = super::bulk::BulkTx::begin(&mut self.conn)?;
        let mut changed = 0u64;
        {
            let mut select = tx.prepare(
                "SELECT m.id, m.direction, m.body, m.hint, s.class, m.kind, m.contact_name IS NOT NULL,
                        s.dlt_suffix
                 FROM messages m JOIN senders s ON s.id = m.sender_id",
            )?;
            let mut update = tx.prepare(
                "UPDATE messages SET kind = ?2, rule_id = ?3, brand = ?4, brand_from_prefix = ?5,
                    optout_keyword = ?6, optout_target = ?7, reason = ?8 WHERE id = ?1",
            )?;
            let mut rows = select.query([])?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                let old_kind = row.get_ref(5)?.as_str()?;
                let new = label(&RelabelRow {
                    direction: Direction::from_db(row.get_ref(1)?.as_str()?),
                    body: row.get_ref(2)?.as_str()?,
                    hint: row.get_ref(3)?.as_str_or_null()?,
                    sender_class: row.get_ref(4)?.as_str()?,
                    from_contact: row.get(6)?,
                    dlt_suffix: row
                        .get_ref(7)?
                        .as_str_or_null()?
                        .and_then(|d| d.chars().next()),
                });
                if new.kind != old_kind {
                    changed += 1;
                }
                update.execute(params![
                    id,
                    new.kind,
                    new.rule_id,
                    new.brand,
                    i64::from(new.brand_from_prefix),
                    new.optout_keyword,
                    new.optout_target,
                    new.reason,
                ])?;
            }
        }
        write_meta(&tx, "rules_version", rules_version)?;
        tx.commit()?;
        Ok(changed)
    }
}

/// Message id → (rule id, the words that decided its kind).
pub type Reasons = std::collections::HashMap<i64, (Option<String>, Option<String>)>;

impl Store {
    /// The rule id and the words that decided each of these messages' kind.
    pub fn reasons_of(&self, ids: &[i64]) -> Result<Reasons, StoreError> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rule_id, reason FROM messages WHERE id = ?1")?;
        for &id in ids {
            if let Some(r) = stmt
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
            {
                out.insert(id, r);
            }
        }
        Ok(out)
    }
}
