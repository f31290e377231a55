//! The findings: reads the store in two streaming passes and feeds the pure
//! tracker (`crate::track`), which replays every sender and brand.
//!
//! Findings are per line and sender: an opt-out sent from one phone covers
//! only what that phone receives.
//!
//! Pass 1 streams every message's facts (no bodies) for the totals; pass 2
//! only the messages that can be events (marketing, confirmations, short
//! replies). The result is derived, never stored as truth: it can always be
//! computed again from the messages and the user's records.
//!
//! [`report`] answers from the findings cache (`findings/cache.rs`), which
//! recomputes only the senders a change touched, and fills it one group of
//! senders at a time (`findings/fill.rs`); a reader that reloads (the
//! interface) moves its unchanged rows into the next report
//! (`findings/keep.rs`). [`compute`] is the full computation the cache
//! must always equal.

mod cache;
mod codec;
mod fill;
mod keep;
mod offenders;
mod outline;
mod page;
mod recompute;

use std::collections::{HashMap, HashSet};

use crate::model::ManualOptOut;
use crate::store::{LineRead, Store, StoreError};
use crate::track::{KindReason, Policy, Report, Tally};

pub use crate::store::CacheOrder;
pub use cache::{
    Kept, fresh, lists_of, partial, rebuild, rebuild_in_batches, refresh, report, report_of, update,
};
pub use offenders::{offenders, offenders_with};
pub use outline::Outline;
pub use page::Pages;

/// Every sender and brand with its status, computed from `store` under
/// `policy` from scratch (no cache read or written): the reference the
/// cache is compared with.
pub fn compute(store: &Store, policy: &Policy) -> Result<Report, StoreError> {
    let mut tally = Tally::new();
    store.scan_senders(|row| tally.sender(row))?;
    store.scan_aliases(|row| tally.alias(row))?;
    store.scan_message_facts(|row| tally.message(&row))?;
    let records = Records::read(store)?;
    finish(store, policy, tally, &records, &records.manual, Events::All)
}

/// What every replay needs besides the messages: the user's records and
/// the line names, read once.
struct Records {
    brand_aliases: HashMap<String, String>,
    manual: Vec<ManualOptOut>,
    ignored: HashSet<(bool, String)>,
    lines: HashMap<i64, String>,
}

impl Records {
    fn read(store: &Store) -> Result<Records, StoreError> {
        Ok(Records {
            brand_aliases: store.brand_aliases()?,
            manual: store.manual_optouts()?,
            ignored: store.ignored()?,
            lines: store.lines()?.into_iter().map(|l| (l.id, l.name)).collect(),
        })
    }
}

/// Which event rows pass 2 reads.
#[derive(Clone, Copy)]
enum Events<'a> {
    /// Every one.
    All,
    /// Those of these (line, sender) pairs.
    Pairs(&'a [(i64, i64)]),
    /// Those of one line (rows of senders the tally has not seen are
    /// passed over).
    Line(i64, LineRead),
}

/// Pass 2 and the replay over `events` (of the senders whose facts are all
/// the tally was fed), with the manual records `manual` (of the lines
/// concerned, or all of them).
fn finish(
    store: &Store,
    policy: &Policy,
    tally: Tally,
    records: &Records,
    manual: &[ManualOptOut],
    events: Events<'_>,
) -> Result<Report, StoreError> {
    let mut timelines = tally.into_timelines(&records.brand_aliases);
    match events {
        Events::All => store.scan_event_rows(|row| timelines.event(&row))?,
        Events::Pairs(pairs) => store.scan_event_rows_of(pairs, |row| timelines.event(&row))?,
        Events::Line(line, read) => {
            store.scan_line_events(line, read, |row| timelines.event(&row))?;
        }
    }
    let mut report = timelines.finish(manual, &records.ignored, &records.lines, policy);
    let ids: Vec<i64> = report
        .senders
        .iter()
        .filter_map(|s| s.kind_message)
        .collect();
    let reasons = store.reasons_of(&ids)?;
    for s in &mut report.senders {
        if let Some((Some(rule), text)) = s.kind_message.and_then(|id| reasons.get(&id)) {
            s.kind_reason = Some(KindReason {
                rule: rule.clone(),
                text: text.clone(),
            });
        }
    }
    Ok(report)
}
