//! The streams the findings are computed from: every sender, alias and
//! message's facts, then only the messages that can be events. Each row is
//! lent to a callback and never collected here. The `_of` variants read only
//! some (line, sender) pairs, for the findings cache's incremental recompute.

use super::{Store, StoreError};
use crate::model::{AliasRow, Direction, EventRow, MessageFacts, SenderRow};

pub(super) const FACTS: &str =
    "SELECT id, sender_id, direction, ts_ms, utc_offset_s, kind, optout_keyword,
        optout_target, brand, brand_from_prefix, contact_name, line_id
     FROM messages";

pub(super) const EVENTS: &str = "SELECT id, sender_id, direction, ts_ms, utc_offset_s, kind,
        CASE WHEN direction = 'out' THEN body END, line_id
     FROM messages
     WHERE ((direction = 'in' AND kind IN ('marketing', 'suspicious', 'optout_confirmation'))
        OR (direction = 'out' AND length(body) <= 24))";

/// One (line, sender) pair's messages, through the `messages_line_sender_ts` index.
const OF_PAIR: &str = "sender_id = ?1 AND line_id = ?2";

impl Store {
    /// Every sender, by id.
    pub fn scan_senders(&self, mut f: impl FnMut(SenderRow<'_>)) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, key, class FROM senders ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(SenderRow {
                id: r.get(0)?,
                key: r.get_ref(1)?.as_str()?,
                class: r.get_ref(2)?.as_str()?,
            });
        }
        Ok(())
    }

    /// Every raw address, alphabetically.
    pub fn scan_aliases(&self, mut f: impl FnMut(AliasRow<'_>)) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT sender_id, raw FROM aliases ORDER BY raw")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(AliasRow {
                sender_id: r.get(0)?,
                raw: r.get_ref(1)?.as_str()?,
            });
        }
        Ok(())
    }

    /// Every message's facts (no bodies), in storage order.
    pub fn scan_message_facts(
        &self,
        mut f: impl FnMut(MessageFacts<'_>),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(FACTS)?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            f(facts(r)?);
        }
        Ok(())
    }

    /// The facts of the messages of these (line, sender) pairs.
    pub fn scan_message_facts_of(
        &self,
        pairs: &[(i64, i64)],
        mut f: impl FnMut(MessageFacts<'_>),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(&format!("{FACTS} WHERE {OF_PAIR}"))?;
        for &(line, sender) in pairs {
            let mut q = stmt.query([sender, line])?;
            while let Some(r) = q.next()? {
                f(facts(r)?);
            }
        }
        Ok(())
    }

    /// The messages that can be events: incoming marketing, suspicious and
    /// confirmation messages, and outgoing replies short enough to be a
    /// keyword (with their body).
    pub fn scan_event_rows(&self, mut f: impl FnMut(EventRow<'_>)) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(EVENTS)?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            f(event(r)?);
        }
        Ok(())
    }

    /// The event rows of these (line, sender) pairs.
    pub fn scan_event_rows_of(
        &self,
        pairs: &[(i64, i64)],
        mut f: impl FnMut(EventRow<'_>),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(&format!("{EVENTS} AND {OF_PAIR}"))?;
        for &(line, sender) in pairs {
            let mut q = stmt.query([sender, line])?;
            while let Some(r) = q.next()? {
                f(event(r)?);
            }
        }
        Ok(())
    }
}

pub(super) fn facts<'r>(r: &'r rusqlite::Row<'_>) -> Result<MessageFacts<'r>, StoreError> {
    // Columns that only matter beside another are read only then: this runs
    // once per stored message.
    let optout_keyword = r.get_ref(6)?.as_str_or_null()?;
    let brand = r.get_ref(8)?.as_str_or_null()?;
    Ok(MessageFacts {
        id: r.get(0)?,
        sender_id: r.get(1)?,
        direction: Direction::from_db(r.get_ref(2)?.as_str()?),
        ts_ms: r.get(3)?,
        utc_offset_s: r.get(4)?,
        kind: r.get_ref(5)?.as_str()?,
        optout_keyword,
        optout_target: match optout_keyword {
            Some(_) => r.get_ref(7)?.as_str_or_null()?,
            None => None,
        },
        brand,
        brand_from_prefix: brand.is_some() && r.get::<_, i64>(9)? != 0,
        contact_name: r.get_ref(10)?.as_str_or_null()?,
        line_id: r.get(11)?,
    })
}

pub(super) fn event<'r>(r: &'r rusqlite::Row<'_>) -> Result<EventRow<'r>, StoreError> {
    Ok(EventRow {
        id: r.get(0)?,
        sender_id: r.get(1)?,
        direction: Direction::from_db(r.get_ref(2)?.as_str()?),
        ts_ms: r.get(3)?,
        utc_offset_s: r.get(4)?,
        kind: r.get_ref(5)?.as_str()?,
        reply: r.get_ref(6)?.as_str_or_null()?,
        line_id: r.get(7)?,
    })
}
