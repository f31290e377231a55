//! Text search over message bodies. A query of three characters or more is
//! looked up in the FTS5 trigram index (`messages_fts`, migration 6): every
//! three-character piece of it, each a quoted FTS5 string (so nothing the
//! user types is read as FTS syntax), finds the candidates, and `LIKE` on
//! the body keeps those that hold the whole text. So any substring matches,
//! Chinese included. (The index keeps no positions, `detail=none`, which
//! halves its size and its cost at import; the `LIKE` is what a phrase query
//! would have checked.) A shorter query has no trigram to look up: it scans
//! the newest [`SCAN_BOUND`] messages with `LIKE` instead, and the result
//! says so. Both are case-blind for ASCII letters only, as `LIKE` is.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params, params_from_iter, types::Value};

use super::messages::{MESSAGE_COLUMNS, stored_message};
use super::{Store, StoreError};
use crate::model::StoredMessage;

/// The trigram index needs queries this long (in characters).
pub const MIN_INDEXED_CHARS: usize = 3;

/// How many time-index entries the newest-first walk of a search may
/// step through per candidate of the trigram index (and at least), before
/// it hands over to reading every candidate: an index entry costs a small
/// fraction of a candidate's read and `LIKE`.
const WALK_PER_CANDIDATE: u64 = 8;
const WALK_MIN: u64 = 2_000;

/// How many of the newest messages a short query scans.
pub const SCAN_BOUND: u64 = 200_000;

/// What to look for and where.
#[derive(Debug, Clone, Copy)]
pub struct SearchQuery<'a> {
    pub text: &'a str,
    /// Only these senders' messages (empty: every sender's).
    pub sender_ids: &'a [i64],
    /// Only the messages received on this line.
    pub line: Option<i64>,
    pub limit: u64,
    pub offset: u64,
}

/// How a search was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMode {
    /// Through the trigram index: every stored message was searched.
    Index,
    /// The query is shorter than [`MIN_INDEXED_CHARS`]: only the newest
    /// `scanned` messages (at most [`SCAN_BOUND`]) were looked at;
    /// `bounded` when older ones were left out.
    Scan { scanned: u64, bounded: bool },
}

impl SearchMode {
    pub fn is_fallback(self) -> bool {
        matches!(self, SearchMode::Scan { .. })
    }
}

/// The messages that matched, newest first, and how they were found.
#[derive(Debug, Clone)]
pub struct SearchHits {
    pub messages: Vec<StoredMessage>,
    pub mode: SearchMode,
}

/// Whether `text` is long enough for the trigram index.
pub fn uses_index(text: &str) -> bool {
    text.chars().count() >= MIN_INDEXED_CHARS
}

/// At most this many trigrams of a long query are looked up (spread over
/// it); `LIKE` checks the rest.
const MAX_TRIGRAMS: usize = 16;

/// The FTS5 query finding the candidates for `text` (three characters or
/// more): its trigrams, each one FTS5 string (inside double quotes every
/// character is literal: `*`, `OR`, `NEAR`, `:`, parentheses; a double quote
/// is written twice), all required.
pub fn fts_query(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len().saturating_sub(2);
    let step = n.div_ceil(MAX_TRIGRAMS).max(1);
    let mut starts: Vec<usize> = (0..n).step_by(step).collect();
    if n > 0 && starts.last() != Some(&(n - 1)) {
        starts.push(n - 1);
    }
    let mut terms: Vec<String> = Vec::new();
    for i in starts {
        let t: String = chars[i..i + 3].iter().collect();
        let t = format!("\"{}\"", t.replace('"', "\"\""));
        if !terms.contains(&t) {
            terms.push(t);
        }
    }
    terms.join(" AND ")
}

/// `text` as a `LIKE` pattern matching it anywhere (with `ESCAPE '\'`).
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The filters of `q` as SQL on `m` (`messages`) and their parameters.
fn filters(q: &SearchQuery<'_>, params: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    if !q.sender_ids.is_empty() {
        sql.push_str(" AND m.sender_id IN (");
        sql.push_str(&vec!["?"; q.sender_ids.len()].join(","));
        sql.push(')');
        params.extend(q.sender_ids.iter().map(|&id| Value::Integer(id)));
    }
    if let Some(line) = q.line {
        sql.push_str(" AND m.line_id = ?");
        params.push(Value::Integer(line));
    } else if !q.sender_ids.is_empty() {
        // Senders on every line: through the index that leads with the line.
        sql.push_str(" AND m.line_id IN (SELECT id FROM lines)");
    }
    sql
}

impl Store {
    /// The messages containing `q.text`, newest first (`q.offset` of them
    /// skipped, at most `q.limit`).
    pub fn search(&self, q: &SearchQuery<'_>) -> Result<SearchHits, StoreError> {
        let limit = q.limit.min(i64::MAX as u64) as i64;
        let offset = q.offset.min(i64::MAX as u64) as i64;
        if uses_index(q.text) {
            if q.sender_ids.is_empty()
                && let Some(ids) =
                    self.newest_candidates(q, (limit as u64).saturating_add(offset as u64))?
            {
                let page: Vec<i64> = ids.into_iter().skip(offset as usize).collect();
                return Ok(SearchHits {
                    messages: self.hits_by_id(&page)?,
                    mode: SearchMode::Index,
                });
            }
            let mut params = vec![Value::Text(fts_query(q.text))];
            let filters = filters(q, &mut params);
            params.push(Value::Text(like_pattern(q.text)));
            let sql = format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN senders s ON s.id = m.sender_id
                 WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?){filters}
                   AND m.body LIKE ? ESCAPE '\\'
                 ORDER BY m.ts_ms DESC, m.id DESC LIMIT {limit} OFFSET {offset}"
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(params), stored_message)?;
            return Ok(SearchHits {
                messages: rows.collect::<Result<_, _>>()?,
                mode: SearchMode::Index,
            });
        }
        let (recent, scanned, bounded) = self.recent(q)?;
        let mut params = vec![Value::Text(like_pattern(q.text))];
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN senders s ON s.id = m.sender_id
             WHERE m.id IN ({recent}) AND m.body LIKE ? ESCAPE '\\'
             ORDER BY m.ts_ms DESC, m.id DESC LIMIT {limit} OFFSET {offset}"
        );
        let mut inner = Vec::new();
        let _ = filters(q, &mut inner);
        params.splice(0..0, inner);
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), stored_message)?;
        Ok(SearchHits {
            messages: rows.collect::<Result<_, _>>()?,
            mode: SearchMode::Scan { scanned, bounded },
        })
    }

    /// The ids of the newest `wanted` messages holding `q.text` (no sender
    /// filter), found by walking the time index newest first and checking
    /// only the index's candidates met on the way, so a common text costs
    /// `wanted` checks instead of a read of every candidate. `None` when the
    /// walk would not pay: it gives up after [`WALK_PER_CANDIDATE`] index
    /// entries per candidate (a text that is rare, or common only long ago),
    /// and the caller reads every candidate instead.
    fn newest_candidates(
        &self,
        q: &SearchQuery<'_>,
        wanted: u64,
    ) -> Result<Option<Vec<i64>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1")?;
        let candidates: HashSet<i64> = stmt
            .query_map([fts_query(q.text)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let budget = (candidates.len() as u64)
            .saturating_mul(WALK_PER_CANDIDATE)
            .saturating_add(WALK_MIN);
        let mut params = Vec::new();
        let where_ = filters(q, &mut params);
        let mut walk = self.conn.prepare_cached(&format!(
            "SELECT m.id FROM messages m WHERE 1{where_} ORDER BY m.ts_ms DESC, m.id DESC"
        ))?;
        let mut check = self
            .conn
            .prepare_cached("SELECT m.body LIKE ?2 ESCAPE '\\' FROM messages m WHERE m.id = ?1")?;
        let pattern = like_pattern(q.text);
        let mut rows = walk.query(params_from_iter(params))?;
        let mut found = Vec::new();
        let mut walked = 0u64;
        while (found.len() as u64) < wanted {
            let Some(row) = rows.next()? else {
                // Every message walked: all of them were found.
                return Ok(Some(found));
            };
            walked += 1;
            if walked > budget {
                return Ok(None);
            }
            let id: i64 = row.get(0)?;
            if candidates.contains(&id)
                && check
                    .query_row(params![id, pattern], |r| r.get::<_, Option<bool>>(0))?
                    .unwrap_or(false)
            {
                found.push(id);
            }
        }
        Ok(Some(found))
    }

    /// These messages, in this order.
    fn hits_by_id(&self, ids: &[i64]) -> Result<Vec<StoredMessage>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN senders s ON s.id = m.sender_id WHERE m.id = ?1"
        ))?;
        ids.iter()
            .map(|&id| Ok(stmt.query_row([id], stored_message)?))
            .collect()
    }

    /// The SQL selecting the ids of the newest [`SCAN_BOUND`] messages `q`'s
    /// filters keep (its parameters are `filters`'), how many that is, and
    /// whether older ones were left out.
    fn recent(&self, q: &SearchQuery<'_>) -> Result<(String, u64, bool), StoreError> {
        let mut params = Vec::new();
        let where_ = filters(q, &mut params);
        let sql = format!(
            "SELECT m.id FROM messages m WHERE 1{where_}
             ORDER BY m.ts_ms DESC, m.id DESC LIMIT {SCAN_BOUND}"
        );
        let counted: i64 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM (SELECT 1 FROM messages m WHERE 1{where_} LIMIT {})",
                SCAN_BOUND + 1
            ),
            params_from_iter(params),
            |r| r.get(0),
        )?;
        let counted = counted as u64;
        Ok((sql, counted.min(SCAN_BOUND), counted > SCAN_BOUND))
    }

    /// The senders with a message containing `text` (on `line`, when
    /// given), at most `limit` of them, and how they were found.
    pub fn senders_matching(
        &self,
        text: &str,
        line: Option<i64>,
        limit: u64,
    ) -> Result<(Vec<i64>, SearchMode), StoreError> {
        let q = SearchQuery {
            text,
            sender_ids: &[],
            line,
            limit,
            offset: 0,
        };
        let limit = limit.min(i64::MAX as u64) as i64;
        if uses_index(text) {
            let mut params = vec![Value::Text(fts_query(text))];
            let filters = filters(&q, &mut params);
            params.push(Value::Text(like_pattern(text)));
            let sql = format!(
                "SELECT DISTINCT m.sender_id FROM messages m
                 WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?){filters}
                   AND m.body LIKE ? ESCAPE '\\'
                 LIMIT {limit}"
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(params), |r| r.get(0))?;
            return Ok((rows.collect::<Result<_, _>>()?, SearchMode::Index));
        }
        let (recent, scanned, bounded) = self.recent(&q)?;
        let mut params = Vec::new();
        let _ = filters(&q, &mut params);
        params.push(Value::Text(like_pattern(text)));
        let sql = format!(
            "SELECT DISTINCT m.sender_id FROM messages m
             WHERE m.id IN ({recent}) AND m.body LIKE ? ESCAPE '\\' LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), |r| r.get(0))?;
        Ok((
            rows.collect::<Result<_, _>>()?,
            SearchMode::Scan { scanned, bounded },
        ))
    }

    /// The newest message of these senders (on `line`) containing `text`.
    pub fn latest_match(
        &self,
        text: &str,
        line: Option<i64>,
        sender_ids: &[i64],
    ) -> Result<Option<StoredMessage>, StoreError> {
        Ok(self
            .search(&SearchQuery {
                text,
                sender_ids,
                line,
                limit: 1,
                offset: 0,
            })?
            .messages
            .into_iter()
            .next())
    }

    /// Where message `id` stands in the timeline of these senders (on
    /// `line`) that [`Store::messages_of`] pages through: how many of their
    /// messages come before it. `None` when it is not one of them.
    pub fn position_in_timeline(
        &self,
        line: Option<i64>,
        sender_ids: &[i64],
        id: i64,
    ) -> Result<Option<u64>, StoreError> {
        if sender_ids.is_empty() {
            return Ok(None);
        }
        let placeholders = vec!["?"; sender_ids.len()].join(",");
        let on_line = super::messages::on_line(line);
        let Some(ts): Option<i64> = self
            .conn
            .query_row(
                &format!(
                    "SELECT m.ts_ms FROM messages m
                     WHERE m.id = {id} AND m.sender_id IN ({placeholders}){on_line}"
                ),
                params_from_iter(sender_ids),
                |r| r.get(0),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let before: i64 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM messages m
                 WHERE m.sender_id IN ({placeholders}){on_line}
                   AND (m.ts_ms < {ts} OR (m.ts_ms = {ts} AND m.id < {id}))"
            ),
            params_from_iter(sender_ids),
            |r| r.get(0),
        )?;
        Ok(Some(before as u64))
    }
}

/// Adds the messages with ids from `first` up to `upto` (exclusive; `None`:
/// every one after) to the search index: an import's new messages, before
/// it commits. FTS5 keeps the terms in memory and writes them out in
/// segments (in chunks of 32,768 the 1,000,000-message index had 10,041
/// data rows against 9,851 in one statement; searches measured the same).
pub(super) fn index_from(
    conn: &rusqlite::Connection,
    first: i64,
    upto: Option<i64>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO messages_fts(rowid, body)
         SELECT id, body FROM messages WHERE id >= ?1 AND id < ?2",
        [first, upto.unwrap_or(i64::MAX)],
    )?;
    Ok(())
}

impl Store {
    /// The id of the sender with this key.
    pub fn sender_id(&self, key: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT id FROM senders WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }
}
