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

use std::collections::HashMap;

use crate::store::{Store, StoreError};
use crate::track::{KindReason, Policy, Report, Tally};

/// Every sender and brand with its status, computed from `store` under `policy`.
pub fn compute(store: &Store, policy: &Policy) -> Result<Report, StoreError> {
    let mut tally = Tally::new();
    store.scan_senders(|row| tally.sender(row))?;
    store.scan_aliases(|row| tally.alias(row))?;
    store.scan_message_facts(|row| tally.message(&row))?;
    let mut timelines = tally.into_timelines(&store.brand_aliases()?);
    store.scan_event_rows(|row| timelines.event(&row))?;
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
