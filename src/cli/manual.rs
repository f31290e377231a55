//! `optout manual`: lists the manual opt-out records, or removes one.

use std::process::ExitCode;

use super::{CliError, Settings, classifier, open_existing};
use crate::text;

pub(super) fn run(settings: &Settings, remove: Option<i64>) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    if let Some(id) = remove {
        if !store.remove_manual_optout(id)? {
            return Err(CliError(format!(
                "no manual opt-out #{id}: see `optout manual`"
            )));
        }
        println!("removed manual opt-out #{id}");
        return Ok(ExitCode::SUCCESS);
    }
    let records = store.manual_optouts()?;
    if records.is_empty() {
        println!("no manual opt-outs recorded (add one with `optout record-optout SENDER`)");
    }
    for m in records {
        println!(
            "#{:<4} {:<6} {:<24} {}  {}{}",
            m.id,
            if m.scope_brand { "brand" } else { "sender" },
            text::sanitize(&m.name),
            text::rfc3339(m.at_ms, m.utc_offset_s, &settings.zone),
            text::sanitize(&m.channel),
            m.note
                .map(|n| format!("  ({})", text::sanitize(&n)))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
