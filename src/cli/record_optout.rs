//! `optout record-optout`: records an opt-out made outside the export (a call, an app).

use std::process::ExitCode;

use super::{CliError, Settings, classifier, open_existing, resolve_target};
use crate::text;

pub(super) fn run(
    settings: &Settings,
    sender: Option<&str>,
    brand: Option<&str>,
    at: Option<&str>,
    channel: &str,
    note: Option<&str>,
) -> Result<ExitCode, CliError> {
    let classifier = classifier(&settings.region);
    let store = open_existing(settings, &classifier)?;
    let (is_brand, name) = resolve_target(&store, sender, brand, &settings.region)?;
    let (at_ms, offset) = if let Some(t) = at {
        text::parse_user_time(t, &settings.zone).map_err(|e| CliError(format!("--at: {e}")))?
    } else {
        let now = jiff::Zoned::now().with_time_zone(settings.zone.clone());
        (
            now.timestamp().as_millisecond(),
            Some(now.offset().seconds()),
        )
    };
    let id = store.add_manual_optout(is_brand, &name, at_ms, offset, channel, note)?;
    println!(
        "recorded manual opt-out #{id} for {} {} at {} ({})",
        if is_brand { "brand" } else { "sender" },
        text::sanitize(&name),
        text::rfc3339(at_ms, offset, &settings.zone),
        text::sanitize(channel)
    );
    Ok(ExitCode::SUCCESS)
}
