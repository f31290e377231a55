//! Lines (the phones or people messages reached) and brand aliases: listing,
//! creating, renaming and removing lines; merging spellings of a brand.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, store_err};
use crate::model::{Line, now_ms};

/// What `optout lines` shows of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineStats {
    pub line: Line,
    pub messages: u64,
    pub senders: u64,
    pub imports: u64,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
}

impl Store {
    /// Every line, by id.
    pub fn lines(&self) -> Result<Vec<Line>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, reporter_id, redacted FROM lines ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Line {
                id: r.get(0)?,
                name: r.get(1)?,
                reporter_id: r.get(2)?,
                redacted: r.get::<_, i64>(3)? != 0,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The one line `column` (a UNIQUE column of `lines`) says is `value`:
    /// an index look-up, so importing the 10,000th bundle costs what the
    /// first did.
    fn line_where(
        &self,
        column: &str,
        value: &dyn rusqlite::ToSql,
    ) -> Result<Option<Line>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT id, name, reporter_id, redacted FROM lines WHERE {column} = ?1"),
                [value],
                |r| {
                    Ok(Line {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        reporter_id: r.get(2)?,
                        redacted: r.get::<_, i64>(3)? != 0,
                    })
                },
            )
            .optional()?)
    }

    /// The line with this id.
    pub fn line_by_id(&self, id: i64) -> Result<Option<Line>, StoreError> {
        self.line_where("id", &id)
    }

    /// The line called `name`.
    pub fn line_by_name(&self, name: &str) -> Result<Option<Line>, StoreError> {
        self.line_where("name", &name)
    }

    /// The line whose bundles carry `reporter_id`.
    pub fn line_of_reporter(&self, reporter_id: &str) -> Result<Option<Line>, StoreError> {
        self.line_where("reporter_id", &reporter_id)
    }

    /// Whether an import put messages on the line (every message comes
    /// from a finished import of its line; removing a line removes both).
    pub fn line_has_messages(&self, line_id: i64) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM imports
                 WHERE line_id = ?1 AND finished_at_ms IS NOT NULL AND new_messages > 0)",
            [line_id],
            |r| r.get(0),
        )?)
    }

    /// The pseudonymous reporter id of a line: the one it already has, or
    /// `fresh()` recorded now (at the line's first export).
    pub fn reporter_id_of(
        &self,
        line_id: i64,
        fresh: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        let known: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT reporter_id FROM lines WHERE id = ?1",
                [line_id],
                |r| r.get(0),
            )
            .optional()?;
        match known {
            None => Err(store_err(format!("no line with id {line_id}"))),
            Some(Some(id)) => Ok(id),
            Some(None) => {
                let id = fresh();
                self.conn.execute(
                    "UPDATE lines SET reporter_id = ?2 WHERE id = ?1 AND reporter_id IS NULL",
                    params![line_id, id],
                )?;
                // Another export may have set one first: that one holds.
                Ok(self.conn.query_row(
                    "SELECT reporter_id FROM lines WHERE id = ?1",
                    [line_id],
                    |r| r.get(0),
                )?)
            }
        }
    }

    /// The id of the line called `name`, if there is one.
    pub fn line_id(&self, name: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT id FROM lines WHERE name = ?1", [name], |r| r.get(0))
            .optional()?)
    }

    /// The id of the line called `name`, created if needed.
    pub fn ensure_line(&self, name: &str) -> Result<i64, StoreError> {
        if let Some(id) = self.line_id(name)? {
            return Ok(id);
        }
        self.conn.execute(
            "INSERT INTO lines(name, created_at_ms) VALUES (?1, ?2)",
            params![name, now_ms()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Messages, senders, imports and the first and last message of each line.
    pub fn line_stats(&self) -> Result<Vec<LineStats>, StoreError> {
        let mut counts: HashMap<i64, (u64, u64, Option<i64>, Option<i64>)> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT line_id, count(*), count(DISTINCT sender_id), min(ts_ms), max(ts_ms)
                 FROM messages GROUP BY line_id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                counts.insert(
                    r.get(0)?,
                    (
                        r.get::<_, i64>(1)? as u64,
                        r.get::<_, i64>(2)? as u64,
                        r.get(3)?,
                        r.get(4)?,
                    ),
                );
            }
        }
        let mut imports: HashMap<i64, u64> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT line_id, count(*) FROM imports WHERE finished_at_ms IS NOT NULL
                 GROUP BY line_id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                imports.insert(r.get(0)?, r.get::<_, i64>(1)? as u64);
            }
        }
        Ok(self
            .lines()?
            .into_iter()
            .map(|line| {
                let (messages, senders, first_ms, last_ms) =
                    counts.get(&line.id).copied().unwrap_or_default();
                LineStats {
                    imports: imports.get(&line.id).copied().unwrap_or(0),
                    line,
                    messages,
                    senders,
                    first_ms,
                    last_ms,
                }
            })
            .collect())
    }

    /// Renames a line; the new name must be free.
    pub fn rename_line(&self, old: &str, new: &str) -> Result<(), StoreError> {
        if self.line_id(new)?.is_some() {
            return Err(store_err(format!(
                "a line called '{new}' already exists: pick another name, or remove it first"
            )));
        }
        let n = self
            .conn
            .execute("UPDATE lines SET name = ?2 WHERE name = ?1", [old, new])?;
        if n == 0 {
            return Err(store_err(format!(
                "no line called '{old}': see `optout lines`"
            )));
        }
        Ok(())
    }

    /// Deletes a line with its messages, imports and manual records in one
    /// transaction, and the senders no other line has messages from.
    /// Returns how many messages went.
    pub fn remove_line(&mut self, name: &str) -> Result<u64, StoreError> {
        let Some(id) = self.line_id(name)? else {
            return Err(store_err(format!(
                "no line called '{name}': see `optout lines`"
            )));
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let messages = tx.execute("DELETE FROM messages WHERE line_id = ?1", [id])?;
        tx.execute("DELETE FROM manual_optouts WHERE line_id = ?1", [id])?;
        tx.execute("DELETE FROM imports WHERE line_id = ?1", [id])?;
        // An address only the removed line used goes with it. One pass over
        // the messages left, however many lines there are (the only index
        // by sender leads with the line: a look-up per address would probe
        // every line).
        tx.execute(
            "DELETE FROM aliases
             WHERE (sender_id, raw) NOT IN (SELECT sender_id, address FROM messages)",
            [],
        )?;
        tx.execute(
            "DELETE FROM senders WHERE id NOT IN (SELECT DISTINCT sender_id FROM messages)",
            [],
        )?;
        tx.execute("DELETE FROM lines WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(messages as u64)
    }

    /// Brand aliases: spelling → the name it is merged into.
    pub fn brand_aliases(&self) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT alias, name FROM brand_aliases")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Merges `alias` into `name` everywhere (or takes it back with `None`).
    /// Returns whether anything changed.
    pub fn set_brand_alias(&self, alias: &str, name: Option<&str>) -> Result<bool, StoreError> {
        let n = match name {
            Some(name) => self.conn.execute(
                "INSERT INTO brand_aliases(alias, name, created_at_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT(alias) DO UPDATE SET name = excluded.name
                 WHERE brand_aliases.name != excluded.name",
                params![alias, name, now_ms()],
            )?,
            None => self
                .conn
                .execute("DELETE FROM brand_aliases WHERE alias = ?1", [alias])?,
        };
        Ok(n == 1)
    }
}
