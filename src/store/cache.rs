//! The findings cache's tables (migration 7): one derived row per line and
//! sender, what it was computed under, and the work triggers left for the
//! next read. The rows are opaque here: the findings layer encodes them.
//! The fill reads the messages one line at a time (`line_sizes`,
//! `scan_line_facts`, `scan_line_events`), through migration 9's index.

use std::collections::HashMap;

use rusqlite::{Transaction, TransactionBehavior, params};

use super::scan::{EVENTS, FACTS, event, facts};
use super::{Store, StoreError};
use crate::model::{EventRow, MessageFacts};

/// The `findings_state` key naming the rows' generation: not part of what
/// the cache was computed under.
pub const GENERATION: &str = "generation";

/// One line and sender's cached findings, as the findings layer wrote it.
#[derive(Debug, Clone)]
pub struct CacheRow {
    pub line_id: i64,
    pub sender_id: i64,
    pub key: String,
    pub group_brand: Option<String>,
    pub raw_brand: Option<String>,
    pub status: &'static str,
    pub received: u64,
    pub marketing: u64,
    pub after_optout: u64,
    pub last_seen_ms: Option<i64>,
    pub targets: Vec<String>,
    /// The whole finding, encoded by the findings layer.
    pub data: String,
}

/// What ties a cached sender to others of its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedLink {
    pub line_id: i64,
    pub sender_id: i64,
    pub key: String,
    pub group_brand: Option<String>,
    pub raw_brand: Option<String>,
    pub targets: Vec<String>,
}

/// The work the triggers left: (line, sender) pairs, and records named by
/// sender key or brand (`line_id` 0 = every line).
#[derive(Debug, Clone, Default)]
pub struct DirtyWork {
    pub pairs: Vec<(i64, i64)>,
    /// (is a brand, line id or 0, key or brand).
    pub names: Vec<(bool, i64, String)>,
}

impl DirtyWork {
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty() && self.names.is_empty()
    }
}

/// The transaction a cache update is written in: it holds the write lock
/// from the first read of the dirty set to the commit.
pub struct CacheTx<'a> {
    tx: Transaction<'a>,
}

/// How one line's messages are read by the cache's fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRead {
    /// Through the `messages_line_sender_ts` index (migration 9): a line
    /// holding a small part of the table.
    Index,
    /// The whole table in storage order, keeping the line's rows: a line
    /// holding much of the table, where one sequential read beats a
    /// look-up per row.
    Table,
}

impl LineRead {
    /// The condition on `line_id` (bound as `?1`): `+line_id` keeps the
    /// query planner from using an index.
    fn condition(self) -> &'static str {
        match self {
            LineRead::Index => "line_id = ?1",
            LineRead::Table => "+line_id = ?1",
        }
    }
}

impl Store {
    /// Every line with messages and how many it holds, by line id.
    pub fn line_sizes(&self) -> Result<Vec<(i64, u64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT line_id, count(*) FROM messages GROUP BY line_id ORDER BY line_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The facts (no bodies) of every message of one line, lent to `f`
    /// one at a time.
    pub fn scan_line_facts(
        &self,
        line: i64,
        read: LineRead,
        mut f: impl FnMut(MessageFacts<'_>),
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{FACTS} WHERE {}", read.condition()))?;
        let mut q = stmt.query([line])?;
        while let Some(r) = q.next()? {
            f(facts(r)?);
        }
        Ok(())
    }

    /// The messages of one line that can be events (see
    /// `Store::scan_event_rows`), lent to `f` one at a time.
    pub fn scan_line_events(
        &self,
        line: i64,
        read: LineRead,
        mut f: impl FnMut(EventRow<'_>),
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{EVENTS} AND {}", read.condition()))?;
        let mut q = stmt.query([line])?;
        while let Some(r) = q.next()? {
            f(event(r)?);
        }
        Ok(())
    }

    /// A read transaction: the dirty set and the rows read inside it agree.
    pub fn begin_findings_read(&self) -> Result<CacheTx<'_>, StoreError> {
        Ok(CacheTx {
            tx: Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)?,
        })
    }

    /// A write transaction for updating the cache (waits for the lock).
    pub fn begin_findings_update(&self) -> Result<CacheTx<'_>, StoreError> {
        Ok(CacheTx {
            tx: Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?,
        })
    }

    /// What the cache was computed under; empty when there is no cache.
    pub fn findings_state(&self) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT key, value FROM findings_state")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Everything the triggers marked since the last update.
    pub fn findings_dirty(&self) -> Result<DirtyWork, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT line_id, sender_id FROM findings_dirty")?;
        let pairs = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut stmt = self
            .conn
            .prepare("SELECT scope = 'brand', line_id, name FROM findings_dirty_names")?;
        let names = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(DirtyWork { pairs, names })
    }

    /// How many (line, sender) pairs are marked (a cheap look before work).
    pub fn findings_dirty_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM findings_dirty) + (SELECT count(*) FROM findings_dirty_names)",
            [],
            |r| r.get(0),
        )?)
    }

    /// (marked pairs, cached rows): how big the next update is.
    pub fn findings_sizes(&self) -> Result<(u64, u64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM findings_dirty), (SELECT count(*) FROM findings_cache)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The links of every cached sender of one line, with its targets.
    pub fn cached_links_of(&self, line: i64) -> Result<Vec<CachedLink>, StoreError> {
        let mut targets: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT sender_id, target FROM findings_targets WHERE line_id = ?1")?;
        let mut q = stmt.query([line])?;
        while let Some(r) = q.next()? {
            targets.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT sender_id, key, group_brand, raw_brand FROM findings_cache WHERE line_id = ?1",
        )?;
        let rows = stmt.query_map([line], |r| {
            Ok(CachedLink {
                line_id: line,
                sender_id: r.get(0)?,
                key: r.get(1)?,
                group_brand: r.get(2)?,
                raw_brand: r.get(3)?,
                targets: Vec::new(),
            })
        })?;
        let mut out: Vec<CachedLink> = rows.collect::<Result<_, _>>()?;
        for l in &mut out {
            l.targets = targets.remove(&l.sender_id).unwrap_or_default();
        }
        Ok(out)
    }

    /// The lines whose cached rows name `name`: as their brand (grouped or
    /// before aliases) when `brand`, else as their sender key.
    pub fn cached_lines_naming(&self, brand: bool, name: &str) -> Result<Vec<i64>, StoreError> {
        let sql = if brand {
            "SELECT DISTINCT line_id FROM findings_cache WHERE group_brand = ?1 OR raw_brand = ?1"
        } else {
            "SELECT DISTINCT line_id FROM findings_cache WHERE key = ?1"
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([name], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every cached (line, sender) pair, of one line when given.
    pub fn cached_pairs(&self, line: Option<i64>) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT line_id, sender_id FROM findings_cache WHERE ?1 IS NULL OR line_id = ?1",
        )?;
        let rows = stmt.query_map([line], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One cached row's encoded finding, lent to `f`.
    pub fn with_cached_finding<T>(
        &self,
        (line, sender): (i64, i64),
        f: impl FnOnce(&str) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT data FROM findings_cache WHERE line_id = ?1 AND sender_id = ?2",
        )?;
        let mut q = stmt.query([line, sender])?;
        match q.next()? {
            Some(r) => f(r.get_ref(0)?.as_str()?),
            None => Err(StoreError {
                message: format!("the findings cache has no row for line {line}, sender {sender}"),
            }),
        }
    }

    /// Every cached row's encoded finding, lent to `f` one at a time.
    pub fn scan_cached_findings(
        &self,
        mut f: impl FnMut(i64, i64, &str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT line_id, sender_id, data FROM findings_cache")?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            f(r.get(0)?, r.get(1)?, r.get_ref(2)?.as_str()?)?;
        }
        Ok(())
    }
}

/// The orders [`Store::scan_cached_in_order`] reads the rows in: latest
/// seen first (then key, then line name), or by one column first with that
/// order breaking ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOrder {
    LastSeen,
    /// As `Status` orders (violating first).
    Status,
    /// Most marketing first.
    Marketing,
    /// Most messages after the opt-out first.
    After,
    /// By sender key.
    Sender,
}

impl CacheOrder {
    fn sql(self) -> &'static str {
        match self {
            CacheOrder::LastSeen => "",
            // The order of `model::Status` (a test checks it).
            CacheOrder::Status => {
                "CASE c.status WHEN 'violating' THEN 0 WHEN 'subscribed' THEN 1 \
                 WHEN 'opted_out' THEN 2 WHEN 'confirmed' THEN 3 WHEN 'resubscribed' THEN 4 \
                 WHEN 'none' THEN 5 ELSE 6 END,"
            }
            CacheOrder::Marketing => "c.marketing DESC,",
            CacheOrder::After => "c.after_optout DESC,",
            CacheOrder::Sender => "c.key,",
        }
    }
}

impl Store {
    /// Every cached row (of `line`, when given) in `order`, lent to `f`
    /// one at a time with its line's name ('' when the line is gone): only
    /// the keys are sorted (by the database's sorter, which spills to disk past its
    /// cache), each row's finding is read by its key as it comes.
    pub fn scan_cached_in_order(
        &self,
        line: Option<i64>,
        order: CacheOrder,
        mut f: impl FnMut(i64, i64, &str, &str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut keys = self.conn.prepare(&format!(
            "SELECT c.line_id, c.sender_id, COALESCE(l.name, '') AS line_name
             FROM findings_cache c LEFT JOIN lines l ON l.id = c.line_id
             WHERE ?1 IS NULL OR c.line_id = ?1
             ORDER BY {} c.last_seen_ms IS NULL, c.last_seen_ms DESC, c.key, line_name,
                c.line_id, c.sender_id",
            order.sql()
        ))?;
        let mut data = self.conn.prepare_cached(
            "SELECT data FROM findings_cache WHERE line_id = ?1 AND sender_id = ?2",
        )?;
        let mut q = keys.query([line])?;
        while let Some(r) = q.next()? {
            let (l, sender): (i64, i64) = (r.get(0)?, r.get(1)?);
            let name = r.get_ref(2)?.as_str()?;
            let mut d = data.query([l, sender])?;
            let Some(row) = d.next()? else {
                return Err(StoreError {
                    message: format!("the findings cache has no row for line {l}, sender {sender}"),
                });
            };
            f(l, sender, name, row.get_ref(0)?.as_str()?)?;
        }
        Ok(())
    }

    /// One sender's raw addresses, alphabetically (as `scan_aliases` gives them).
    pub fn aliases_of(&self, sender: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT raw FROM aliases WHERE sender_id = ?1 ORDER BY raw")?;
        let rows = stmt.query_map([sender], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl CacheTx<'_> {
    /// Marks a new generation of the cache's rows (every write does):
    /// a reader holding rows of the one before knows which it may keep.
    pub fn new_generation(&self) -> Result<String, StoreError> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let generation = format!(
            "{at}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        self.set_state(GENERATION, &generation)?;
        Ok(generation)
    }

    /// Empties the cache (before a full rebuild).
    pub fn clear(&self) -> Result<(), StoreError> {
        self.tx.execute_batch(
            "DELETE FROM findings_cache; DELETE FROM findings_targets; DELETE FROM findings_state;",
        )?;
        Ok(())
    }

    /// Drops the rows of these pairs (to be written again or gone).
    pub fn forget(&self, pairs: &[(i64, i64)]) -> Result<(), StoreError> {
        let mut rows = self
            .tx
            .prepare_cached("DELETE FROM findings_cache WHERE line_id = ?1 AND sender_id = ?2")?;
        let mut targets = self
            .tx
            .prepare_cached("DELETE FROM findings_targets WHERE line_id = ?1 AND sender_id = ?2")?;
        for &(line, sender) in pairs {
            rows.execute([line, sender])?;
            targets.execute([line, sender])?;
        }
        Ok(())
    }

    /// Writes (or replaces) one row and its targets.
    pub fn put(&self, row: &CacheRow) -> Result<(), StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO findings_cache(line_id, sender_id, key, group_brand, raw_brand,
                status, received, marketing, after_optout, last_seen_ms, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        stmt.execute(params![
            row.line_id,
            row.sender_id,
            row.key,
            row.group_brand,
            row.raw_brand,
            row.status,
            row.received as i64,
            row.marketing as i64,
            row.after_optout as i64,
            row.last_seen_ms,
            row.data,
        ])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO findings_targets(line_id, sender_id, target) VALUES (?1, ?2, ?3)",
        )?;
        for t in &row.targets {
            stmt.execute(params![row.line_id, row.sender_id, t])?;
        }
        Ok(())
    }

    /// The work is done: the dirty set is empty again.
    pub fn clear_dirty(&self) -> Result<(), StoreError> {
        self.tx
            .execute_batch("DELETE FROM findings_dirty; DELETE FROM findings_dirty_names;")?;
        Ok(())
    }

    /// Records what the cache was computed under.
    pub fn set_state(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR REPLACE INTO findings_state(key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }
}
