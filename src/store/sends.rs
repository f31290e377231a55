//! What `optout send` and `optout report` sent through the user's phone:
//! one row per attempt, written before the driver runs and after it.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendStatus {
    /// Written before the driver ran: a crash leaves this.
    Pending,
    Sent,
    Failed,
}

impl SendStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SendStatus::Pending => "pending",
            SendStatus::Sent => "sent",
            SendStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> SendStatus {
        match s {
            "sent" => SendStatus::Sent,
            "failed" => SendStatus::Failed,
            _ => SendStatus::Pending,
        }
    }
}

/// One attempt about to be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSend<'a> {
    pub line_id: i64,
    /// `optout` or `report`.
    pub purpose: &'a str,
    pub sender: &'a str,
    pub brand: Option<&'a str>,
    pub target: &'a str,
    pub body: &'a str,
    pub driver: &'a str,
    pub started_at_ms: i64,
    pub utc_offset_s: Option<i32>,
}

/// One attempt as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRecord {
    pub id: i64,
    pub line_id: i64,
    pub purpose: String,
    pub sender: String,
    pub brand: Option<String>,
    pub target: String,
    pub body: String,
    pub driver: String,
    pub status: SendStatus,
    pub error: Option<String>,
    pub started_at_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub finished_at_ms: Option<i64>,
    pub manual_optout_id: Option<i64>,
}

impl Store {
    /// Writes an attempt as pending, before the driver runs; its id.
    pub fn begin_send(&self, s: &NewSend<'_>) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO sends(line_id, purpose, sender, brand, target, body, driver, status,
                started_at_ms, utc_offset_s)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9)",
            params![
                s.line_id,
                s.purpose,
                s.sender,
                s.brand,
                s.target,
                s.body,
                s.driver,
                s.started_at_ms,
                s.utc_offset_s
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Marks attempt `id` failed with `error`.
    pub fn fail_send(&self, id: i64, at_ms: i64, error: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sends SET status = 'failed', error = ?2, finished_at_ms = ?3 WHERE id = ?1",
            params![id, error, at_ms],
        )?;
        Ok(())
    }

    /// Marks attempt `id` sent. For an opt-out, in the same transaction,
    /// records it as a manual opt-out from `at_ms` (channel = the driver,
    /// the note naming the send) for each of `covers` (`(is_brand, name)`),
    /// so the findings see it like any manual record.
    pub fn finish_send(
        &self,
        id: i64,
        at_ms: i64,
        utc_offset_s: Option<i32>,
        covers: &[(bool, String)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let (line_id, driver): (i64, String) = tx.query_row(
            "SELECT line_id, driver FROM sends WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let note = format!("optout send #{id}");
        let mut first = None;
        for (brand, name) in covers {
            tx.execute(
                "INSERT INTO manual_optouts(scope, name, at_ms, utc_offset_s, channel, note,
                    created_at_ms, line_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    if *brand { "brand" } else { "sender" },
                    name,
                    at_ms,
                    utc_offset_s,
                    driver,
                    note,
                    at_ms,
                    line_id
                ],
            )?;
            first.get_or_insert(tx.last_insert_rowid());
        }
        tx.execute(
            "UPDATE sends SET status = 'sent', finished_at_ms = ?2, manual_optout_id = ?3
             WHERE id = ?1",
            params![id, at_ms, first],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every attempt, oldest first.
    pub fn sends(&self) -> Result<Vec<SendRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, line_id, purpose, sender, brand, target, body, driver, status, error,
                    started_at_ms, utc_offset_s, finished_at_ms, manual_optout_id
             FROM sends ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SendRecord {
                id: r.get(0)?,
                line_id: r.get(1)?,
                purpose: r.get(2)?,
                sender: r.get(3)?,
                brand: r.get(4)?,
                target: r.get(5)?,
                body: r.get(6)?,
                driver: r.get(7)?,
                status: SendStatus::parse(r.get_ref(8)?.as_str()?),
                error: r.get(9)?,
                started_at_ms: r.get(10)?,
                utc_offset_s: r.get(11)?,
                finished_at_ms: r.get(12)?,
                manual_optout_id: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The time of the latest message on `line_id` (either direction):
    /// how far the imports cover that line.
    pub fn latest_message_ms(&self, line_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT MAX(ts_ms) FROM messages WHERE line_id = ?1",
                [line_id],
                |r| r.get::<_, Option<i64>>(0),
            )
            .optional()?
            .flatten())
    }
}
