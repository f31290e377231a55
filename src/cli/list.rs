//! `optout senders` and `optout brands`: the statuses from the findings cache, handed to `table`.

use std::process::ExitCode;

use super::{CliError, ListArgs, Settings, classifier, open_existing, table};
use crate::findings;
use crate::store::Store;
use crate::text;
use crate::track::Report;

pub(super) fn senders(settings: &Settings, args: &ListArgs) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    check_line(&store, args)?;
    let report = on_line(findings::report(&store, &settings.policy)?, args);
    let notes = crate::send::notes(&store, &report)?;
    table::print_senders(&report, args, &settings.zone, settings.colour, &notes)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn brands(settings: &Settings, args: &ListArgs) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    check_line(&store, args)?;
    let report = on_line(findings::report(&store, &settings.policy)?, args);
    table::print_brands(&report, args, &settings.zone, settings.colour)?;
    Ok(ExitCode::SUCCESS)
}

/// Refuses a `--line` that is not there, before anything is read or cached.
fn check_line(store: &Store, args: &ListArgs) -> Result<(), CliError> {
    if let Some(line) = &args.line
        && store.line_id(line)?.is_none()
    {
        return Err(CliError(format!(
            "no line called '{}': see `optout lines`",
            text::sanitize(line)
        )));
    }
    Ok(())
}

/// The report restricted to `--line`, when given.
fn on_line(mut report: Report, args: &ListArgs) -> Report {
    if let Some(line) = &args.line {
        report.retain_line(line);
    }
    report
}
