//! Commands and flags: parsed first (clap), then resolved against the
//! environment (database path, region, time zone), then run. Each command
//! lives in its own file under `cli/`; the helpers they share are here.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

mod args;
mod columns;
mod completions;
mod demo;
mod export;
mod ignore;
mod import;
mod lines;
mod list;
mod man;
mod manual;
mod offenders;
mod reclassify;
mod record_optout;
mod report;
mod search;
mod send;
mod settings;
mod table;
mod working;

pub use crate::config::Settings;
use crate::text::group_digits;
pub use args::{Cli, ColorWhen, Command, ExportArgs, LinesAction, ListArgs};
pub use import::{import_one, summary_line};

use crate::classify::{Classifier, Region};
use crate::ingest;
use crate::store::Store;
use crate::text;

/// An error that ends the command: printed as one line, exit status 1.
#[derive(Debug)]
pub struct CliError(pub String);

/// The reader of our output went away (`optout senders | head`): not an error.
const BROKEN_PIPE: &str = "\0broken pipe";

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error + 'static> From<E> for CliError {
    fn from(e: E) -> Self {
        let is_broken_pipe = (&e as &dyn std::error::Error)
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || (&e as &dyn std::error::Error)
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(std::io::ErrorKind::BrokenPipe);
        if is_broken_pipe {
            CliError(BROKEN_PIPE.into())
        } else {
            CliError(e.to_string())
        }
    }
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version: clap's own output, to standard output.
        Err(err) if !err.use_stderr() => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "optout: error: {}",
                text::sanitize(&usage_error(&err))
            );
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    match run(&cli) {
        Ok(code) => code,
        Err(err) if err.0 == BROKEN_PIPE => ExitCode::SUCCESS,
        Err(err) => {
            // Errors quote file names and file content: never raw to a terminal.
            let _ = writeln!(
                std::io::stderr(),
                "optout: error: {}",
                text::sanitize(&err.to_string())
            );
            ExitCode::FAILURE
        }
    }
}

/// A clap usage error on one line: its message and tips, without the
/// usage block (the pointer to --help says where to find that).
fn usage_error(err: &clap::Error) -> String {
    let rendered = err.render().to_string();
    let mut out = String::new();
    for line in rendered.lines().map(str::trim) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if line.is_empty() {
            continue;
        }
        let line = line.strip_prefix("error: ").unwrap_or(line);
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(line);
    }
    out.push_str(" (see 'optout --help')");
    out
}

pub fn run(cli: &Cli) -> Result<ExitCode, CliError> {
    // Neither reads the database or the settings: a broken config must not
    // stop the shell from completing.
    match &cli.command {
        Some(Command::Completions { shell }) => return completions::run(*shell),
        Some(Command::Man) => return man::run(),
        _ => {}
    }
    let settings = settings::resolve(cli)?;
    let Some(command) = &cli.command else {
        if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
            // Not a terminal (a script, a pipe): the interface cannot run.
            use clap::CommandFactory;
            Cli::command().print_help()?;
            return Ok(ExitCode::SUCCESS);
        }
        crate::tui::open_database(&settings)?;
        return Ok(ExitCode::SUCCESS);
    };
    crate::store::on_wait(Some(|| {
        let _ = writeln!(
            std::io::stderr(),
            "optout: warning: waiting for another optout process to finish…"
        );
    }));
    match command {
        Command::Import {
            files,
            format,
            map,
            line,
            line_per_sim,
        } => import::run(
            &settings,
            files,
            *format,
            map.as_deref(),
            line.as_deref(),
            *line_per_sim,
        ),
        Command::Lines { action } => lines::run(&settings, action.as_ref()),
        Command::Offenders {
            json,
            min_lines,
            since,
        } => offenders::run(&settings, *json, *min_lines, since.as_deref()),
        Command::BrandAlias { alias, name, undo } => {
            lines::brand_alias(&settings, alias, name.as_deref(), *undo)
        }
        Command::Search {
            text,
            sender,
            line,
            limit,
            json,
        } => search::run(
            &settings,
            &search::Args {
                text,
                sender: sender.as_deref(),
                line: line.as_deref(),
                limit: *limit,
                json: *json,
            },
        ),
        Command::Senders(args) => list::senders(&settings, args),
        Command::Brands(args) => list::brands(&settings, args),
        Command::RecordOptout {
            sender,
            brand,
            at,
            channel,
            note,
            line,
        } => record_optout::run(
            &settings,
            &record_optout::Record {
                sender: sender.as_deref(),
                brand: brand.as_deref(),
                at: at.as_deref(),
                channel,
                note: note.as_deref(),
                line: line.as_deref(),
            },
        ),
        Command::Manual { remove } => manual::run(&settings, *remove),
        Command::Ignore {
            sender,
            brand,
            undo,
        } => ignore::run(&settings, sender.as_deref(), brand.as_deref(), *undo),
        Command::Reclassify => reclassify::run(&settings),
        Command::Send(args) => send::run(&settings, args),
        Command::Report(args) => report::run(&settings, args),
        Command::Export(args) => export::run(&settings, args),
        Command::Demo { no_tui } => demo::run(settings, *no_tui),
        Command::Completions { .. } | Command::Man => unreachable!("handled above"),
    }
}

/// Writes generated text (a completion script, the man page) to standard
/// output. Generated into a buffer first: the generators panic on a write
/// error, and `optout man | head` must end quietly.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Loads the classifier with the user's rule file, warning (not failing)
/// when that file is bad.
fn classifier(region: &Region) -> Classifier {
    let (classifier, warning) = Classifier::load_default();
    if let Some(w) = warning {
        eprintln!(
            "optout: warning: {}; using the built-in rules",
            text::sanitize(&w)
        );
    }
    classifier.with_region(region.clone())
}

fn open_existing(settings: &Settings, classifier: &Classifier) -> Result<Store, CliError> {
    let Some(mut store) = Store::open_existing(&settings.db)? else {
        return Err(CliError(format!(
            "no database at {} yet: import an export first (optout import FILE)",
            settings.db.display()
        )));
    };
    ensure_classified(&mut store, classifier)?;
    Ok(store)
}

/// Reclassifies the stored messages when the rules changed, saying so first
/// on a large database (it takes a few seconds per million messages).
fn ensure_classified(store: &mut Store, classifier: &Classifier) -> Result<(), CliError> {
    ingest::ensure_classified_with(store, classifier, |n| {
        if n >= 50_000 {
            eprintln!(
                "optout: the classification rules changed; reclassifying {} stored messages…",
                group_digits(n)
            );
        }
    })?;
    Ok(())
}

/// A sender key (raw numbers are normalised) or a brand that must exist.
fn resolve_target(
    store: &Store,
    sender: Option<&str>,
    brand: Option<&str>,
    region: &Region,
) -> Result<(bool, String), CliError> {
    if let Some(b) = brand {
        if !store.brand_exists(b)? {
            return Err(CliError(format!(
                "no brand '{}' in the database: see `optout brands`",
                text::sanitize(b)
            )));
        }
        return Ok((true, b.to_string()));
    }
    let raw = sender.unwrap_or_default();
    let key = if store.sender_exists(raw)? {
        raw.to_string()
    } else {
        crate::classify::normalize_sender(raw, region).key
    };
    if !store.sender_exists(&key)? {
        return Err(CliError(format!(
            "no sender '{}' in the database: see `optout senders --all`",
            text::sanitize(raw)
        )));
    }
    Ok((false, key))
}
