//! The store side of the `M` list's effects: read every manual opt-out
//! record (with the lines' names), remove one, record a removed one again.

use super::app::{Action, Effect, Outcome};
use crate::store::Store;

/// Performs one of the manual-record effects; other effects do nothing.
pub(super) fn perform(store: &Store, effect: Effect) -> Vec<Action> {
    let failed = |e: &dyn std::fmt::Display| vec![Action::Outcome(Outcome::Failed(e.to_string()))];
    match effect {
        Effect::LoadManual => match (store.manual_optouts(), store.lines()) {
            (Ok(records), Ok(lines)) => vec![Action::ManualLoaded {
                records,
                lines: lines.into_iter().map(|l| (l.id, l.name)).collect(),
            }],
            (Err(e), _) | (_, Err(e)) => failed(&e),
        },
        Effect::DeleteManualOptOut { record } => match store.remove_manual_optout(record.id) {
            Ok(removed) => vec![Action::Outcome(Outcome::ManualDeleted { record, removed })],
            Err(e) => failed(&e),
        },
        Effect::RestoreManualOptOut { record } => match store.add_manual_optout_on(
            record.line_id,
            record.scope_brand,
            &record.name,
            record.at_ms,
            record.utc_offset_s,
            &record.channel,
            record.note.as_deref(),
        ) {
            Ok(id) => vec![Action::Outcome(Outcome::ManualRestored { record, id })],
            Err(e) => failed(&e),
        },
        _ => Vec::new(),
    }
}
