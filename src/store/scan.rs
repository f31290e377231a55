//! The streams the findings are computed from: every sender, alias and
//! message's facts, then only the messages that can be events. Each row is
//! lent to a callback and never collected here.

use super::{Store, StoreError};
use crate::model::{AliasRow, Direction, EventRow, MessageFacts, SenderRow};

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
        let mut stmt = self.conn.prepare(
            "SELECT id, sender_id, direction, ts_ms, utc_offset_s, kind, optout_keyword,
                    optout_target, brand, brand_from_prefix, contact_name, line_id
             FROM messages",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            // Columns that only matter beside another are read only then:
            // this loop runs once per stored message.
            let optout_keyword = r.get_ref(6)?.as_str_or_null()?;
            let brand = r.get_ref(8)?.as_str_or_null()?;
            f(MessageFacts {
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
            });
        }
        Ok(())
    }

    /// The messages that can be events: incoming marketing, suspicious and
    /// confirmation messages, and outgoing replies short enough to be a
    /// keyword (with their body).
    pub fn scan_event_rows(&self, mut f: impl FnMut(EventRow<'_>)) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, sender_id, direction, ts_ms, utc_offset_s, kind,
                    CASE WHEN direction = 'out' THEN body END, line_id
             FROM messages
             WHERE (direction = 'in' AND kind IN ('marketing', 'suspicious', 'optout_confirmation'))
                OR (direction = 'out' AND length(body) <= 24)",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            f(EventRow {
                id: r.get(0)?,
                sender_id: r.get(1)?,
                direction: Direction::from_db(r.get_ref(2)?.as_str()?),
                ts_ms: r.get(3)?,
                utc_offset_s: r.get(4)?,
                kind: r.get_ref(5)?.as_str()?,
                reply: r.get_ref(6)?.as_str_or_null()?,
                line_id: r.get(7)?,
            });
        }
        Ok(())
    }
}
