//! Reading the findings cache a row at a time, in the senders list's
//! orders, so that a reader holds one sender's finding at a time and not
//! every row: `optout senders` lays its table out in one pass and prints it
//! in a second, both inside one read transaction so they see the same rows.

use super::codec;
use crate::store::{CacheOrder, CacheTx, Store, StoreError};
use crate::track::{Policy, SenderReport};

/// The findings cache, up to date, open for reading (of one line, when given).
pub struct Pages<'a> {
    pub(super) store: &'a Store,
    pub(super) line: Option<i64>,
    _read: CacheTx<'a>,
}

impl<'a> Pages<'a> {
    /// The cache brought up to date and a read transaction open on it;
    /// `None` when that cannot be (a read-only file, a lock held too long,
    /// another writer marking work again every time): then the caller
    /// computes the report instead, as [`super::report`] does.
    pub fn open(store: &'a Store, policy: &Policy, line: Option<i64>) -> Option<Pages<'a>> {
        for _ in 0..3 {
            let read = store.begin_findings_read().ok()?;
            if super::fresh(store, policy).ok()? {
                return Some(Pages {
                    store,
                    line,
                    _read: read,
                });
            }
            drop(read);
            super::cache::update(store, policy).ok()?;
        }
        None
    }

    /// Every cached finding in `order`, with the sender's raw addresses and
    /// its line's name, lent to `f` one at a time.
    pub fn each<E: From<StoreError>>(
        &self,
        order: CacheOrder,
        mut f: impl FnMut(&SenderReport) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut failed = None;
        let scanned = self
            .store
            .scan_cached_in_order(self.line, order, |l, sender, name, data| {
                let mut s = codec::decode(l, sender, data)?;
                s.aliases = self.store.aliases_of(sender)?;
                name.clone_into(&mut s.line);
                f(&s).map_err(|e| {
                    failed = Some(e);
                    StoreError {
                        message: "stopped by the reader".into(),
                    }
                })
            });
        match failed {
            Some(e) => Err(e),
            None => scanned.map_err(E::from),
        }
    }
}
