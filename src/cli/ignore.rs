//! `optout ignore`: marks a sender or brand as wanted (kept, never flagged), or takes that back.

use std::process::ExitCode;

use super::{CliError, Settings, classifier, open_existing, resolve_target};
use crate::text;

pub(super) fn run(
    settings: &Settings,
    sender: Option<&str>,
    brand: Option<&str>,
    undo: bool,
) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    let (is_brand, name) = resolve_target(&store, sender, brand, &settings.region)?;
    let changed = store.set_ignored(is_brand, &name, !undo)?;
    let what = if is_brand { "brand" } else { "sender" };
    let name = text::sanitize(&name);
    println!(
        "{}",
        match (undo, changed) {
            (false, true) =>
                format!("ignoring {what} {name}: it stays stored but is never flagged"),
            (false, false) => format!("{what} {name} was already ignored"),
            (true, true) => format!("no longer ignoring {what} {name}"),
            (true, false) => format!("{what} {name} was not ignored"),
        }
    );
    Ok(ExitCode::SUCCESS)
}
