//! `optout record-optout`: records an opt-out made outside the export (a call, an app).

use std::process::ExitCode;

use super::lines::resolve_line;
use super::{CliError, Settings, classifier, open_existing, resolve_target};
use crate::text;

/// The ways an opt-out can be made outside the messages, for `--channel`.
pub(super) const CHANNELS: [&str; 9] = [
    "phone-call",
    "app",
    "website",
    "other-phone",
    "letter",
    "in-person",
    "email",
    "sms",
    "other",
];

/// How far ahead of this machine's clock `--at` may be (another device's
/// clock, a rounded time) before it is refused as a future time.
const CLOCK_SKEW_MS: i64 = 5 * 60_000;

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
    let now_ms = jiff::Timestamp::now().as_millisecond();
    if at_ms > now_ms + CLOCK_SKEW_MS {
        return Err(CliError(format!(
            "--at: {} is in the future; record an opt-out once you have made it",
            text::rfc3339(at_ms, offset, &settings.zone)
        )));
    }
    if let Some(prev) = store.manual_optout_same_minute(line_id, is_brand, &name, at_ms)? {
        eprintln!(
            "optout: warning: manual opt-out #{prev} already records {} {} at that minute; \
             recording another (remove one with `optout manual --remove ID`)",
            if is_brand { "brand" } else { "sender" },
            text::sanitize(&name),
        );
    }
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
