//! Commands and flags: parsed first (clap), then resolved against the
//! environment (database path, region, time zone), then run.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::classify::{Classifier, Region};
use crate::import::{self, Format, ImportOptions, Position};
use crate::store::{self, ImportFailure, ImportReport, Store};
use crate::text;

/// optout: find the marketing texts you never asked for, unsubscribe, and
/// prove it when they keep coming.
#[derive(Debug, Parser)]
#[command(name = "optout", version, about, long_about = None)]
pub struct Cli {
    /// The database to use [default: optout.sqlite3 in your data directory]
    #[arg(long, global = true, env = "OPTOUT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Region for numbers written without a country code (ISO code: CN, US, GB, IN …)
    #[arg(
        long,
        global = true,
        env = "OPTOUT_REGION",
        default_value = "CN",
        value_name = "CODE"
    )]
    pub region: String,

    /// Time zone for showing times the export stored without one [default: the system's]
    #[arg(long, global = true, env = "OPTOUT_TZ", value_name = "ZONE")]
    pub tz: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import message exports (the format is detected from the content)
    Import {
        /// Export files or iPhone backup folders: SMS Backup & Restore XML, iPhone sms.db / Mac chat.db,
        /// SMS Import/Export ZIP, termux-sms-list JSON, JSON lists, Android mmssms.db, CSV
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Read the files as this format instead of detecting it
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// CSV columns when the header is not recognised: address=COL,date=COL,body=COL,direction=COL
        #[arg(long, value_name = "MAPPING")]
        map: Option<String>,
    },
    /// List senders with their opt-out status
    Senders {
        /// Print the stable JSON array for scripts instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Recompute every stored message's classification with the current rules
    Reclassify,
    /// Import the bundled sample export into a temporary database and show it
    Demo,
}

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
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(err) if err.0 == BROKEN_PIPE => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "optout: error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn db_path(cli: &Cli) -> Result<PathBuf, CliError> {
    match &cli.db {
        Some(p) => Ok(p.clone()),
        None => store::default_path().ok_or_else(|| {
            CliError("cannot find your data directory; pass --db PATH or set OPTOUT_DB".into())
        }),
    }
}

pub fn run(cli: &Cli) -> Result<ExitCode, CliError> {
    let region = Region::new(&cli.region).map_err(|e| CliError(format!("--region: {e}")))?;
    let Some(command) = &cli.command else {
        use clap::CommandFactory;
        Cli::command().print_help()?;
        return Ok(ExitCode::SUCCESS);
    };
    let zone = text::resolve_zone(cli.tz.as_deref()).map_err(|e| CliError(format!("--tz: {e}")))?;
    let classifier = Classifier::builtin();
    match command {
        Command::Import { files, format, map } => {
            let options = ImportOptions {
                format: *format,
                csv_map: map.clone(),
                zone: zone.clone(),
            };
            let path = db_path(cli)?;
            let mut store = Store::open(&path)?;
            store.ensure_classified(&classifier)?;
            let mut failed = false;
            for file in files {
                if let Err(err) = import_one(&mut store, file, &options, &classifier, &region) {
                    let _ = writeln!(std::io::stderr(), "optout: error: {err}");
                    failed = true;
                }
            }
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Senders { json } => {
            let path = db_path(cli)?;
            let Some(mut store) = Store::open_existing(&path)? else {
                return Err(CliError(format!(
                    "no database at {} yet: import an export first (optout import FILE)",
                    path.display()
                )));
            };
            store.ensure_classified(&classifier)?;
            print_senders(&store, *json, &zone)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reclassify => {
            let path = db_path(cli)?;
            let Some(mut store) = Store::open_existing(&path)? else {
                return Err(CliError(format!("no database at {} yet", path.display())));
            };
            let changed = store.reclassify(&classifier)?;
            eprintln!(
                "reclassified {} messages ({changed} changed kind) with rules {}",
                group_digits(store.message_count()?),
                classifier.version()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let mut store = Store::open_in_memory()?;
            let sample = demo_sample_file()?;
            import_one(
                &mut store,
                sample.path(),
                &ImportOptions::default(),
                &classifier,
                &region,
            )?;
            print_senders(&store, false, &zone)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The bundled sample export, written to a private temporary file so the
/// normal importer reads it.
fn demo_sample_file() -> Result<DemoFile, CliError> {
    let dir = std::env::temp_dir().join(format!("optout-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("optout-demo-sms.xml");
    std::fs::write(&path, crate::DEMO_EXPORT)?;
    Ok(DemoFile { dir, path })
}

struct DemoFile {
    dir: PathBuf,
    path: PathBuf,
}

impl DemoFile {
    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DemoFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Imports one file with a progress bar on a terminal and prints the summary.
pub fn import_one(
    store: &mut Store,
    file: &Path,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
) -> Result<ImportReport, CliError> {
    let format = match options.format {
        Some(f) => f,
        None => import::detect_with(file, options)?,
    };
    let size = std::fs::metadata(file).map_or(0, |m| m.len());
    let bar = progress_bar(size, file);
    let result = store.import_file(file, format, options, classifier, region, &bar);
    bar.0.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(ImportFailure::File(e)) => return Err(CliError(format!("{e}"))),
        Err(ImportFailure::Store(e)) => {
            return Err(CliError(format!(
                "{}: {e}; nothing was imported",
                file.display()
            )));
        }
    };
    for (pos, reason) in &report.rejected_samples {
        let pos = match pos {
            Some(Position::Byte(b)) => format!(": {}", import::line_column(file, *b)),
            Some(p) => format!(": {p}"),
            None => String::new(),
        };
        eprintln!("optout: warning: {}{pos}: skipped {reason}", file.display());
    }
    let hidden = report.rejected - report.rejected_samples.len() as u64;
    if hidden > 0 {
        eprintln!("optout: warning: … and {hidden} more records skipped");
    }
    eprintln!("{}", summary_line(&report, file, format));
    Ok(report)
}

/// `imported 12,345 new messages (0 already stored, 3 skipped drafts) from FILE in 1.2 s`
pub fn summary_line(report: &ImportReport, file: &Path, format: Format) -> String {
    let mut extras = vec![format!(
        "{} already stored",
        group_digits(report.duplicates)
    )];
    if report.skipped_undelivered > 0 {
        extras.push(format!(
            "{} skipped drafts",
            group_digits(report.skipped_undelivered)
        ));
    }
    if report.rejected > 0 {
        extras.push(format!(
            "{} unreadable records skipped",
            group_digits(report.rejected)
        ));
    }
    format!(
        "imported {} new message{} ({}) from {} ({}) in {:.1} s",
        group_digits(report.new),
        if report.new == 1 { "" } else { "s" },
        extras.join(", "),
        file.display(),
        format.description(),
        report.seconds
    )
}

/// 12345 → "12,345".
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

struct Bar(indicatif::ProgressBar);

impl import::Progress for Bar {
    fn set_position(&self, bytes: u64) {
        self.0.set_position(bytes);
    }
}

fn progress_bar(size: u64, file: &Path) -> Bar {
    if !std::io::stderr().is_terminal() {
        return Bar(indicatif::ProgressBar::hidden());
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    bar.set_message(format!("importing {}", crate::text::sanitize(&name)));
    Bar(bar)
}

fn print_senders(store: &Store, json: bool, zone: &jiff::tz::TimeZone) -> Result<(), CliError> {
    let rows = store.sender_overview()?;
    let mut out = std::io::stdout().lock();
    if json {
        let value: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "sender": r.key,
                    "aliases": r.aliases,
                    "received": r.received,
                    "last_seen": r.last_seen_ms.map(|ms| text::rfc3339(ms, r.last_seen_offset_s, zone)),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<24} {:>9}  {:<25}  aliases",
        "SENDER", "RECEIVED", "LAST SEEN"
    )?;
    for r in &rows {
        writeln!(
            out,
            "{:<24} {:>9}  {:<25}  {}",
            crate::text::sanitize(&r.key),
            r.received,
            r.last_seen_ms.map_or_else(
                || "-".to_string(),
                |ms| text::short(ms, r.last_seen_offset_s, zone)
            ),
            crate::text::sanitize(&r.aliases.join(", "))
        )?;
    }
    Ok(())
}
