//! `optout record-optout`: records an opt-out made outside the export (a call, an app).

use std::process::ExitCode;

use super::lines::resolve_line;
use super::{CliError, Settings, classifier, open_existing, resolve_target};
use crate::text;

/// The flags of one record.
pub(super) struct Record<'a> {
    pub sender: Option<&'a str>,
    pub brand: Option<&'a str>,
    pub at: Option<&'a str>,
    pub channel: &'a str,
    pub note: Option<&'a str>,
    pub line: Option<&'a str>,
}

pub(super) fn run(settings: &Settings, r: &Record<'_>) -> Result<ExitCode, CliError> {
    let classifier = classifier(&settings.region);
    let store = open_existing(settings, &classifier)?;
    let (is_brand, name) = resolve_target(&store, r.sender, r.brand, &settings.region)?;
    let (line_id, line) = resolve_line(&store, r.line)?;
    let (at_ms, offset) = if let Some(t) = r.at {
        text::parse_user_time(t, &settings.zone).map_err(|e| CliError(format!("--at: {e}")))?
    } else {
        let now = jiff::Zoned::now().with_time_zone(settings.zone.clone());
        (
            now.timestamp().as_millisecond(),
            Some(now.offset().seconds()),
        )
    };
    let id =
        store.add_manual_optout_on(line_id, is_brand, &name, at_ms, offset, r.channel, r.note)?;
    let on_line = if store.lines()?.len() > 1 {
        format!(" on line '{}'", text::sanitize(&line))
    } else {
        String::new()
    };
    println!(
        "recorded manual opt-out #{id} for {} {}{on_line} at {} ({})",
        if is_brand { "brand" } else { "sender" },
        text::sanitize(&name),
        text::rfc3339(at_ms, offset, &settings.zone),
        text::sanitize(r.channel)
    );
    Ok(ExitCode::SUCCESS)
}
