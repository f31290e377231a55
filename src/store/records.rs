//! Imports' provenance, the user's manual opt-out records and ignores.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::model::ManualOptOut;

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

impl Store {
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
    pub fn manual_optouts(&self) -> Result<Vec<ManualOptOut>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, scope, name, at_ms, utc_offset_s, channel, note, line_id
             FROM manual_optouts ORDER BY at_ms, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ManualOptOut {
                id: r.get(0)?,
                scope_brand: r.get_ref(1)?.as_str()? == "brand",
                name: r.get(2)?,
                at_ms: r.get(3)?,
                utc_offset_s: r.get(4)?,
                channel: r.get(5)?,
                note: r.get(6)?,
                line_id: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records an opt-out made outside the export, on the default line.
    pub fn add_manual_optout(
        &self,
        brand: bool,
        name: &str,
        at_ms: i64,
        utc_offset_s: Option<i32>,
        channel: &str,
        note: Option<&str>,
    ) -> Result<i64, StoreError> {
        let line = self.ensure_line(crate::model::DEFAULT_LINE)?;
        self.add_manual_optout_on(line, brand, name, at_ms, utc_offset_s, channel, note)
    }

    /// Records an opt-out made outside the export, from `line_id`.
    #[allow(clippy::too_many_arguments)]
    pub fn add_manual_optout_on(
        &self,
        line_id: i64,
        brand: bool,
        name: &str,
        at_ms: i64,
        utc_offset_s: Option<i32>,
        channel: &str,
        note: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO manual_optouts(scope, name, at_ms, utc_offset_s, channel, note, created_at_ms,
                line_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                if brand { "brand" } else { "sender" },
                name,
                at_ms,
                utc_offset_s,
                channel,
                note,
                jiff::Timestamp::now().as_millisecond(),
                line_id
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The id of a manual opt-out on `line_id` for the same scope and name
    /// whose time falls in the same UTC minute as `at_ms`, if there is one.
    pub fn manual_optout_same_minute(
        &self,
        line_id: i64,
        brand: bool,
        name: &str,
        at_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let start = at_ms.div_euclid(60_000) * 60_000;
        let id = self
            .conn
            .query_row(
                "SELECT id FROM manual_optouts
                 WHERE line_id = ?1 AND scope = ?2 AND name = ?3 AND at_ms >= ?4 AND at_ms < ?5
                 ORDER BY id LIMIT 1",
                params![
                    line_id,
                    if brand { "brand" } else { "sender" },
                    name,
                    start,
                    start + 60_000
                ],
                |r| r.get(0),
            )
            .optional()?;
        Ok(id)
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
}
