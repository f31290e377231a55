//! A bulk write transaction (an import's merge, `reclassify`): the write
//! lock taken up front, the page cache raised to [`BULK_CACHE_KIB`] while
//! it lasts and given back to [`READ_CACHE_KIB`] however it ends: at its
//! commit, or when it is dropped after an error (a refused file, a failed
//! statement). Without that, a long-running process (the interface) whose
//! import failed would keep the bulk cache for the rest of its life.

use std::ops::Deref;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::{BULK_CACHE_KIB, READ_CACHE_KIB, StoreError};

/// A write transaction holding the bulk page cache; dropping it without
/// [`BulkTx::commit`] rolls back and gives the cache back.
pub(crate) struct BulkTx<'a> {
    /// Always `Some` until `commit` or `drop` takes it.
    tx: Option<Transaction<'a>>,
}

impl<'a> BulkTx<'a> {
    /// `BEGIN IMMEDIATE` (waiting for another writer as the connection's
    /// busy handler does), then the bulk cache.
    pub(crate) fn begin(conn: &'a mut Connection) -> Result<BulkTx<'a>, StoreError> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Dropped on an error here: a rollback, and the cache is unchanged.
        tx.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
        Ok(BulkTx { tx: Some(tx) })
    }

    /// Commits. The dirty pages stay in the cache until the commit writes
    /// them; the smaller size takes effect as they are written.
    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        let tx = self.tx.take().expect("a BulkTx commits once");
        let shrunk = tx.pragma_update(None, "cache_size", -READ_CACHE_KIB);
        // A failed shrink still rolls back (dropping `tx`), as any error does.
        shrunk?;
        tx.commit()?;
        Ok(())
    }
}

impl<'a> Deref for BulkTx<'a> {
    type Target = Transaction<'a>;

    fn deref(&self) -> &Transaction<'a> {
        self.tx
            .as_ref()
            .expect("a BulkTx is used before its commit")
    }
}

impl Drop for BulkTx<'_> {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            // Best effort: the rollback below happens whatever this returns.
            let _ = tx.pragma_update(None, "cache_size", -READ_CACHE_KIB);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_kib(conn: &Connection) -> i64 {
        -conn
            .query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))
            .unwrap()
    }

    fn connection() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "cache_size", -READ_CACHE_KIB)
            .unwrap();
        conn.execute("CREATE TABLE t(x)", []).unwrap();
        conn
    }

    #[test]
    fn a_bulk_transaction_dropped_after_an_error_rolls_back_and_gives_the_cache_back() {
        let mut conn = connection();
        {
            let tx = BulkTx::begin(&mut conn).unwrap();
            tx.execute("INSERT INTO t VALUES (1)", []).unwrap();
            assert_eq!(cache_kib(&tx), BULK_CACHE_KIB);
            // An error: the caller returns, the transaction is dropped.
            assert!(tx.execute("INSERT INTO missing VALUES (1)", []).is_err());
        }
        assert_eq!(cache_kib(&conn), READ_CACHE_KIB);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0, "the dropped transaction was rolled back");
    }

    #[test]
    fn a_committed_bulk_transaction_keeps_its_rows_and_gives_the_cache_back() {
        let mut conn = connection();
        let tx = BulkTx::begin(&mut conn).unwrap();
        tx.execute("INSERT INTO t VALUES (1)", []).unwrap();
        tx.commit().unwrap();
        assert_eq!(cache_kib(&conn), READ_CACHE_KIB);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }
}
