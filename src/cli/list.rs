//! `optout senders` and `optout brands`: the statuses from the findings cache, handed to `table`.

use std::process::ExitCode;

use super::working::Working;
use super::{CliError, ListArgs, Settings, classifier, open_existing, table};
use crate::findings;
use crate::store::Store;
use crate::text;
use crate::track::Report;

pub(super) fn senders(settings: &Settings, args: &ListArgs) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    let line = check_line(&store, args)?;
    // Read a row at a time from the cache; a report in memory only when the
    // cache cannot be brought up to date (a read-only file, say).
    let pages = Working::updating(&store, &settings.policy, || {
        findings::Pages::open(&store, &settings.policy, line)
    });
    if let Some(pages) = pages {
        let rows = table::SenderRows::Cache(&pages);
        table::print_senders(&store, &rows, args, &settings.zone, settings.colour)?;
    } else {
        let report = on_line(findings::report(&store, &settings.policy)?, args);
        let rows = table::SenderRows::Report(&report);
        table::print_senders(&store, &rows, args, &settings.zone, settings.colour)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn brands(settings: &Settings, args: &ListArgs) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    check_line(&store, args)?;
    let report = Working::updating(&store, &settings.policy, || {
        findings::report(&store, &settings.policy)
    });
    let report = on_line(report?, args);
    table::print_brands(&report, args, &settings.zone, settings.colour)?;
    Ok(ExitCode::SUCCESS)
}

/// Refuses a `--line` that is not there, before anything is read or
/// cached; the id of the one given.
fn check_line(store: &Store, args: &ListArgs) -> Result<Option<i64>, CliError> {
    let Some(line) = &args.line else {
        return Ok(None);
    };
    match store.line_id(line)? {
        Some(id) => Ok(Some(id)),
        None => Err(CliError(format!(
            "no line called '{}': see `optout lines`",
            text::sanitize(line)
        ))),
    }
}

/// The report restricted to `--line`, when given.
fn on_line(mut report: Report, args: &ListArgs) -> Report {
    if let Some(line) = &args.line {
        report.retain_line(line);
    }
    report
}
