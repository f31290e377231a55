//! The repeat-offender ranking straight from the findings cache, a row at
//! a time: `store/offenders.rs` streams the rows that can count for an
//! offender with violations, each is decoded, counted into
//! [`track::Ranking`] and dropped. What stays in memory is one small tally
//! per offender, never the whole report, so `optout offenders` over a
//! casebook of 10,000 lines stays within a few megabytes.
//!
//! The result is the one [`track::rank`] gives over [`super::report`]
//! (`tests/offenders.rs` compares both). When the cache has work marked
//! (after an import) it is brought up to date first, and that report is
//! ranked as it is.

use std::collections::HashMap;

use super::codec;
use super::{fresh, report};
use crate::store::{Store, StoreError};
use crate::track::{self, Offender, Policy, Ranking};

/// The offenders with a violation on or after `since_ms` on at least
/// `min_lines` lines, ranked. Without `keep_times` each comes without its
/// `violation_times` (the export's chart needs them, the table does not).
pub fn offenders(
    store: &Store,
    policy: &Policy,
    since_ms: Option<i64>,
    min_lines: u64,
    keep_times: bool,
) -> Result<Vec<Offender>, StoreError> {
    {
        let read = store.begin_findings_read()?;
        if fresh(store, policy)? {
            let ranking = stream(store, policy, since_ms, min_lines, keep_times)?;
            read.commit()?;
            return Ok(ranking);
        }
    }
    let mut ranking = track::rank(&report(store, policy)?, policy, since_ms, min_lines);
    if !keep_times {
        for o in &mut ranking {
            o.violation_times = Vec::new();
        }
    }
    Ok(ranking)
}

/// The ranking of the cached rows, read one at a time.
fn stream(
    store: &Store,
    policy: &Policy,
    since_ms: Option<i64>,
    min_lines: u64,
    keep_times: bool,
) -> Result<Vec<Offender>, StoreError> {
    // The line names only break ties between two numbers' keywords, as in
    // the report's order.
    let lines: HashMap<i64, String> = store.lines()?.into_iter().map(|l| (l.id, l.name)).collect();
    let mut ranking = Ranking::new(policy, since_ms, keep_times);
    store.scan_offender_rows(|line, sender, data| {
        let mut s = codec::decode(line, sender, data)?;
        s.line = lines.get(&line).cloned().unwrap_or_default();
        ranking.add(&s);
        Ok(())
    })?;
    Ok(ranking.finish(min_lines))
}
