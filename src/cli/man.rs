//! `optout man`: the man page (roff), to standard output.

use std::process::ExitCode;

use clap::CommandFactory;

use super::{Cli, CliError};

pub(super) fn run() -> Result<ExitCode, CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    super::write_stdout(&page)?;
    Ok(ExitCode::SUCCESS)
}
