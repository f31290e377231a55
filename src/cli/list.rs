//! `optout senders` and `optout brands`: compute the statuses and hand them to `table`.

use std::process::ExitCode;

use super::{CliError, ListArgs, Settings, classifier, open_existing, table};
use crate::findings;

pub(super) fn senders(settings: &Settings, args: &ListArgs) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    let report = findings::compute(&store, &settings.policy)?;
    table::print_senders(&report, args, &settings.zone)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn brands(settings: &Settings, args: &ListArgs) -> Result<ExitCode, CliError> {
    let store = open_existing(settings, &classifier(&settings.region))?;
    let report = findings::compute(&store, &settings.policy)?;
    table::print_brands(&report, args, &settings.zone)?;
    Ok(ExitCode::SUCCESS)
}
