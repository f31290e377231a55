//! The findings cache's rows the repeat-offender ranking reads: only the
//! rows that can belong to an offender with violations, one at a time.
//!
//! An offender is a brand, or an unbranded sender, across every line. A
//! row can count for one with violations only if some row of its brand
//! group, or some row of its sender key, has violations (`after_optout`):
//! every other row is left unread, so a casebook where few senders violate
//! decodes few rows.

use super::{Store, StoreError};

impl Store {
    /// Lends `f` the encoded finding (line id, sender id, data) of every
    /// cached row whose brand group or sender key has a row with
    /// violations, in the table's order.
    pub fn scan_offender_rows(
        &self,
        mut f: impl FnMut(i64, i64, &str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT line_id, sender_id, data FROM findings_cache
             WHERE group_brand IN (SELECT group_brand FROM findings_cache WHERE after_optout > 0)
                OR key IN (SELECT key FROM findings_cache WHERE after_optout > 0)",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            f(r.get(0)?, r.get(1)?, r.get_ref(2)?.as_str()?)?;
        }
        Ok(())
    }
}
