//! The repeat-offender ranking straight from the findings cache, a row at
//! a time: `store/offenders.rs` streams the rows that can count for an
//! offender with violations, each is decoded, counted into
//! [`track::Ranking`] and dropped. What stays in memory is one small tally
//! per offender, never the whole report, so `optout offenders` over a
//! casebook of 10,000 lines stays within a few megabytes.
//!
//! The result is the one [`track::rank`] gives over [`super::report`]
//! (`tests/offenders.rs` compares both). When the cache has work marked
//! (after an import) it is brought up to date first without making a
//! report of it (the fill goes a line at a time, `findings/fill.rs`), and
//! then read the same way.

use std::collections::HashMap;

use super::cache::update;
use super::{codec, compute, fresh};
use crate::store::{Store, StoreError};
use crate::track::{Detail, Offender, Policy, Ranking};

/// How many times the cache is brought up to date before giving up on it
/// (another process writing between the update and the read each time).
const TRIES: usize = 3;

/// The offenders with a violation on or after `since_ms` on at least
/// `min_lines` lines, ranked. Without `keep_times` each comes without its
/// `violation_times` (the interface's detail lists months from them).
pub fn offenders(
    store: &Store,
    policy: &Policy,
    since_ms: Option<i64>,
    min_lines: u64,
    keep_times: bool,
) -> Result<Vec<Offender>, StoreError> {
    let detail = if keep_times {
        Detail::Times
    } else {
        Detail::Counts
    };
    offenders_with(store, policy, since_ms, min_lines, &detail)
}

/// [`offenders`], each offender with `detail` beyond its counts (the
/// export's chart takes violations per month, not every time).
pub fn offenders_with(
    store: &Store,
    policy: &Policy,
    since_ms: Option<i64>,
    min_lines: u64,
    detail: &Detail,
) -> Result<Vec<Offender>, StoreError> {
    for _ in 0..TRIES {
        {
            let read = store.begin_findings_read()?;
            if fresh(store, policy)? {
                let ranking = stream(store, policy, since_ms, min_lines, detail)?;
                read.commit()?;
                return Ok(ranking);
            }
        }
        if update(store, policy).is_err() {
            break;
        }
    }
    // The cache cannot be written (a read-only file, a lock held too
    // long): the whole computation, ranked.
    let mut ranking = Ranking::new(policy, since_ms, detail.clone());
    for s in &compute(store, policy)?.senders {
        ranking.add(s);
    }
    Ok(ranking.finish(min_lines))
}

/// The ranking of the cached rows, read one at a time.
fn stream(
    store: &Store,
    policy: &Policy,
    since_ms: Option<i64>,
    min_lines: u64,
    detail: &Detail,
) -> Result<Vec<Offender>, StoreError> {
    // The line names only break ties between two numbers' keywords, as in
    // the report's order.
    let lines: HashMap<i64, String> = store.lines()?.into_iter().map(|l| (l.id, l.name)).collect();
    let mut ranking = Ranking::new(policy, since_ms, detail.clone());
    store.scan_offender_rows(|line, sender, data| {
        let mut s = codec::decode(line, sender, data)?;
        s.line = lines.get(&line).cloned().unwrap_or_default();
        ranking.add(&s);
        Ok(())
    })?;
    Ok(ranking.finish(min_lines))
}
