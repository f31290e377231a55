//! `optout completions SHELL`: the shell's completion script, to standard output.

use std::process::ExitCode;

use clap::CommandFactory;

use super::{Cli, CliError};

pub(super) fn run(shell: clap_complete::Shell) -> Result<ExitCode, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "optout", &mut script);
    super::write_stdout(&script)?;
    Ok(ExitCode::SUCCESS)
}
