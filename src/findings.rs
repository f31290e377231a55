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
//! recomputes only the senders a change touched; [`compute`] is the full
//! computation the cache must always equal.

mod cache;
mod codec;
mod offenders;

use std::collections::HashMap;

use crate::store::{Store, StoreError};
use crate::track::{KindReason, Policy, Report, SenderLinks, Tally};

pub use cache::{Kept, fresh, rebuild, refresh, report};
pub use offenders::offenders;

/// Every sender and brand with its status, computed from `store` under
/// `policy` from scratch (no cache read or written).
pub fn compute(store: &Store, policy: &Policy) -> Result<Report, StoreError> {
    Ok(compute_full(store, policy)?.0)
}

/// The full computation, with the links of every sender.
fn compute_full(store: &Store, policy: &Policy) -> Result<(Report, Vec<SenderLinks>), StoreError> {
    let mut tally = Tally::new();
    store.scan_senders(|row| tally.sender(row))?;
    store.scan_aliases(|row| tally.alias(row))?;
    store.scan_message_facts(|row| tally.message(&row))?;
    let aliases = store.brand_aliases()?;
    let links = tally.links(&aliases);
    let report = finish(store, policy, tally, &aliases, None)?;
    Ok((report, links))
}

/// Pass 2 and the replay, over every event row or only those of `only`'s
/// (line, sender) pairs (whose facts are all the tally was fed).
fn finish(
    store: &Store,
    policy: &Policy,
    tally: Tally,
    brand_aliases: &HashMap<String, String>,
    only: Option<&[(i64, i64)]>,
) -> Result<Report, StoreError> {
    let mut timelines = tally.into_timelines(brand_aliases);
    match only {
        None => store.scan_event_rows(|row| timelines.event(&row))?,
        Some(pairs) => store.scan_event_rows_of(pairs, |row| timelines.event(&row))?,
    }
    let manual = store.manual_optouts()?;
    let ignored = store.ignored()?;
    let lines: HashMap<i64, String> = store.lines()?.into_iter().map(|l| (l.id, l.name)).collect();
    let mut report = timelines.finish(&manual, &ignored, &lines, policy);
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
