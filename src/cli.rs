//! Commands and flags: parsed first (clap), then resolved against the
//! environment (database path, region, time zone), then run.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod table;

use crate::classify::{Classifier, Region};
use crate::config::{self, Config};
use crate::export::{self, ExportError, ExportFormat, ExportOptions, Lang, Selection};
use crate::findings;
use crate::import::{self, Format, ImportOptions, Position};
use crate::ingest::{self, ImportFailure, ImportReport};
use crate::store::{self, Store};
use crate::text;
use crate::track::{Grace, Policy, Status};

/// optout: find the marketing texts you never asked for, unsubscribe, and
/// prove it when they keep coming.
///
/// Run without a command to open the terminal interface.
#[derive(Debug, Parser)]
#[command(
    name = "optout",
    version,
    about,
    long_about = None,
    after_help = "Run `optout` without a command to open the terminal interface, or `optout demo` to try it on a bundled sample."
)]
pub struct Cli {
    /// The database to use [default: optout.sqlite3 in your data directory]
    #[arg(long, global = true, env = "OPTOUT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Region for numbers written without a country code (CN, US, GB, IN …) [default: CN]
    #[arg(long, global = true, env = "OPTOUT_REGION", value_name = "CODE")]
    pub region: Option<String>,

    /// Time zone for times stored without one (IANA name or UTC) [default: the system's]
    #[arg(long, global = true, env = "OPTOUT_TZ", value_name = "ZONE")]
    pub tz: Option<String>,

    /// Grace after an opt-out before marketing counts as a violation (90m, 24h, 2d, 10bd) [default: 24h]
    #[arg(long, global = true, value_name = "DURATION")]
    pub grace: Option<String>,

    /// Grace for US/CA numbers and short codes [default: 10bd, ten business days]
    #[arg(long, global = true, value_name = "DURATION")]
    pub grace_us: Option<String>,

    /// Settings file [default: config.toml in your config directory]
    #[arg(long, global = true, env = "OPTOUT_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

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
    Senders(ListArgs),
    /// List brands (one brand may send from many numbers) with their opt-out status
    Brands(ListArgs),
    /// Record an opt-out you made outside the export (another phone, a call, an app)
    RecordOptout {
        /// The sender key or raw number (as `optout senders` shows it)
        #[arg(
            value_name = "SENDER",
            required_unless_present = "brand",
            conflicts_with = "brand"
        )]
        sender: Option<String>,
        /// Record it for a whole brand instead
        #[arg(long, value_name = "NAME")]
        brand: Option<String>,
        /// When: `2026-03-09 20:11`, `2026-03-09`, or RFC 3339 [default: now]
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// How: phone-call, app, website, other-phone, …
        #[arg(long, default_value = "other", value_name = "CHANNEL")]
        channel: String,
        /// A note kept with the record
        #[arg(long)]
        note: Option<String>,
    },
    /// List manual opt-out records, or remove one
    Manual {
        /// Remove the record with this id
        #[arg(long, value_name = "ID")]
        remove: Option<i64>,
    },
    /// Mark a sender or brand as wanted (your bank's alerts): kept, never flagged
    Ignore {
        #[arg(
            value_name = "SENDER",
            required_unless_present = "brand",
            conflicts_with = "brand"
        )]
        sender: Option<String>,
        #[arg(long, value_name = "NAME")]
        brand: Option<String>,
        /// Take a previous ignore back
        #[arg(long)]
        undo: bool,
    },
    /// Recompute every stored message's classification with the current rules
    Reclassify,
    /// Write the evidence for a complaint: every violating sender by default
    ///
    /// Formats: html (printable, self-contained), csv (one row per message,
    /// opens in Excel), json (the whole evidence model), complaint (text to
    /// paste into 12321, FCC/FTC or to forward to 7726). Every format carries
    /// the SHA-256 of the evidence's canonical JSON.
    Export {
        /// Only this sender (key or number as `optout senders` shows it); repeat for more
        #[arg(long = "sender", value_name = "KEY")]
        senders: Vec<String>,
        /// One section for this brand and all its numbers; repeat for more
        #[arg(long = "brand", value_name = "NAME")]
        brands: Vec<String>,
        /// Only these statuses (comma-separated): violating, subscribed, `opted_out`, confirmed, resubscribed, none, ignored [default: violating]
        #[arg(long = "status", value_delimiter = ',', value_name = "STATUS")]
        statuses: Vec<String>,
        /// List only violations received on or after this date (`2026-03-01` or RFC 3339)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value = "html")]
        format: ExportFormat,
        /// Output file or directory, or - for standard output (not for html) [default: optout-evidence-….EXT in the current directory]
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Mask your own number and your personal contacts' numbers and names
        #[arg(long)]
        redact: bool,
        /// Language of the headings [default: the config file's lang, else en]
        #[arg(long, value_enum)]
        lang: Option<Lang>,
        /// Overwrite the output file if it exists
        #[arg(long)]
        force: bool,
    },
    /// Import the bundled sample export into a temporary database and show it
    Demo {
        /// Print the senders table instead of opening the terminal interface
        #[arg(long)]
        no_tui: bool,
    },
}

/// Filters shared by `senders` and `brands`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// Print the stable JSON array for scripts instead of a table
    #[arg(long)]
    pub json: bool,
    /// Only these statuses (comma-separated): violating, subscribed, `opted_out`, confirmed, resubscribed, none, ignored
    #[arg(long, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<String>,
    /// Only this brand
    #[arg(long, value_name = "NAME")]
    pub brand: Option<String>,
    /// Only this kind: marketing, suspicious, transactional, personal
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Also list personal and transactional senders in the table (JSON always lists all)
    #[arg(long)]
    pub all: bool,
    /// Sort by: last-seen, status, marketing, after, sender
    #[arg(long, default_value = "last-seen", value_name = "KEY")]
    pub sort: String,
}

/// Everything a command needs, resolved from flags, environment and config.
pub struct Settings {
    pub db: PathBuf,
    pub region: Region,
    pub zone: jiff::tz::TimeZone,
    pub policy: Policy,
    pub lang: Option<String>,
    /// Whether the zone came from `--tz`, the environment or the config file.
    pub zone_explicit: bool,
}

impl Settings {
    pub fn resolve(cli: &Cli) -> Result<Settings, CliError> {
        let config_path = cli.config.clone().or_else(config::default_path);
        let cfg = match &config_path {
            Some(p) => Config::load(p).map_err(CliError)?,
            None => Config::default(),
        };
        let region = cli
            .region
            .as_deref()
            .or(cfg.region.as_deref())
            .unwrap_or("CN");
        let region = Region::new(region).map_err(|e| CliError(format!("--region: {e}")))?;
        let zone_explicit = cli.tz.is_some() || cfg.tz.is_some();
        let zone = text::resolve_zone(cli.tz.as_deref().or(cfg.tz.as_deref()))
            .map_err(|e| CliError(format!("--tz: {e}")))?;
        let mut policy = Policy {
            zone: zone.clone(),
            ..Policy::default()
        };
        if let Some(g) = cli.grace.as_deref().or(cfg.grace.as_deref()) {
            policy.grace = Grace::parse(g).map_err(|e| CliError(format!("--grace: {e}")))?;
        }
        if let Some(g) = cli.grace_us.as_deref().or(cfg.grace_us.as_deref()) {
            policy.grace_us = Grace::parse(g).map_err(|e| CliError(format!("--grace-us: {e}")))?;
        }
        let db = match &cli.db {
            Some(p) => p.clone(),
            None => store::default_path().ok_or_else(|| {
                CliError("cannot find your data directory; pass --db PATH or set OPTOUT_DB".into())
            })?,
        };
        Ok(Settings {
            db,
            region,
            zone,
            policy,
            lang: cfg.lang,
            zone_explicit,
        })
    }
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

/// Loads the classifier with the user's rule file, warning (not failing)
/// when that file is bad.
fn classifier(region: &Region) -> Classifier {
    let (classifier, warning) = Classifier::load_default();
    if let Some(w) = warning {
        eprintln!("optout: {}; using the built-in rules", text::sanitize(&w));
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

pub fn run(cli: &Cli) -> Result<ExitCode, CliError> {
    let settings = Settings::resolve(cli)?;
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
    match command {
        Command::Import { files, format, map } => {
            let classifier = classifier(&settings.region);
            let options = ImportOptions {
                format: *format,
                csv_map: map.clone(),
                zone: settings.zone.clone(),
            };
            let mut store = Store::open(&settings.db)?;
            ensure_classified(&mut store, &classifier)?;
            let mut failed = false;
            for file in files {
                if let Err(err) =
                    import_one(&mut store, file, &options, &classifier, &settings.region)
                {
                    let _ = writeln!(
                        std::io::stderr(),
                        "optout: error: {}",
                        text::sanitize(&err.to_string())
                    );
                    failed = true;
                }
            }
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Senders(args) => {
            let store = open_existing(&settings, &classifier(&settings.region))?;
            let report = findings::compute(&store, &settings.policy)?;
            table::print_senders(&report, args, &settings.zone)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Brands(args) => {
            let store = open_existing(&settings, &classifier(&settings.region))?;
            let report = findings::compute(&store, &settings.policy)?;
            table::print_brands(&report, args, &settings.zone)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::RecordOptout {
            sender,
            brand,
            at,
            channel,
            note,
        } => {
            let classifier = classifier(&settings.region);
            let store = open_existing(&settings, &classifier)?;
            let (is_brand, name) = resolve_target(
                &store,
                sender.as_deref(),
                brand.as_deref(),
                &settings.region,
            )?;
            let (at_ms, offset) = if let Some(t) = at {
                text::parse_user_time(t, &settings.zone)
                    .map_err(|e| CliError(format!("--at: {e}")))?
            } else {
                let now = jiff::Zoned::now().with_time_zone(settings.zone.clone());
                (
                    now.timestamp().as_millisecond(),
                    Some(now.offset().seconds()),
                )
            };
            let id = store.add_manual_optout(
                is_brand,
                &name,
                at_ms,
                offset,
                channel,
                note.as_deref(),
            )?;
            println!(
                "recorded manual opt-out #{id} for {} {} at {} ({})",
                if is_brand { "brand" } else { "sender" },
                text::sanitize(&name),
                text::rfc3339(at_ms, offset, &settings.zone),
                text::sanitize(channel)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Manual { remove } => {
            let store = open_existing(&settings, &classifier(&settings.region))?;
            if let Some(id) = remove {
                if !store.remove_manual_optout(*id)? {
                    return Err(CliError(format!(
                        "no manual opt-out #{id}: see `optout manual`"
                    )));
                }
                println!("removed manual opt-out #{id}");
                return Ok(ExitCode::SUCCESS);
            }
            let records = store.manual_optouts()?;
            if records.is_empty() {
                println!(
                    "no manual opt-outs recorded (add one with `optout record-optout SENDER`)"
                );
            }
            for m in records {
                println!(
                    "#{:<4} {:<6} {:<24} {}  {}{}",
                    m.id,
                    if m.scope_brand { "brand" } else { "sender" },
                    text::sanitize(&m.name),
                    text::rfc3339(m.at_ms, m.utc_offset_s, &settings.zone),
                    text::sanitize(&m.channel),
                    m.note
                        .map(|n| format!("  ({})", text::sanitize(&n)))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Ignore {
            sender,
            brand,
            undo,
        } => {
            let store = open_existing(&settings, &classifier(&settings.region))?;
            let (is_brand, name) = resolve_target(
                &store,
                sender.as_deref(),
                brand.as_deref(),
                &settings.region,
            )?;
            let changed = store.set_ignored(is_brand, &name, !undo)?;
            let what = if is_brand { "brand" } else { "sender" };
            let name = text::sanitize(&name);
            println!(
                "{}",
                match (undo, changed) {
                    (false, true) =>
                        format!("ignoring {what} {name}: it stays stored but is never flagged"),
                    (false, false) => format!("{what} {name} was already ignored"),
                    (true, true) => format!("no longer ignoring {what} {name}"),
                    (true, false) => format!("{what} {name} was not ignored"),
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Reclassify => {
            let classifier = classifier(&settings.region);
            let Some(mut store) = Store::open_existing(&settings.db)? else {
                return Err(CliError(format!(
                    "no database at {} yet",
                    settings.db.display()
                )));
            };
            let changed = ingest::reclassify(&mut store, &classifier)?;
            eprintln!(
                "reclassified {} messages ({changed} changed kind) with rules {}",
                group_digits(store.message_count()?),
                classifier.version()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            senders,
            brands,
            statuses,
            since,
            format,
            out,
            redact,
            lang,
            force,
        } => {
            let store = open_existing(&settings, &classifier(&settings.region))?;
            let report = findings::compute(&store, &settings.policy)?;
            let statuses = statuses
                .iter()
                .map(|s| {
                    Status::parse(s.trim()).ok_or_else(|| {
                        CliError(format!(
                            "--status: '{}' is not one of violating, subscribed, opted_out, confirmed, resubscribed, none, ignored",
                            text::sanitize(s)
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            // A raw number as the user typed it, or the key it normalises to.
            let senders = senders
                .iter()
                .map(|raw| {
                    let known = report
                        .senders
                        .iter()
                        .any(|s| s.key == *raw || s.aliases.contains(raw));
                    if known {
                        raw.clone()
                    } else {
                        crate::classify::normalize_sender(raw, &settings.region).key
                    }
                })
                .collect();
            let since_ms = since
                .as_deref()
                .map(|s| text::parse_user_time(s, &settings.zone).map(|t| t.0))
                .transpose()
                .map_err(|e| CliError(format!("--since: {e}")))?;
            let lang = lang
                .or_else(|| settings.lang.as_deref().and_then(Lang::parse))
                .unwrap_or_default();
            let now_ms = jiff::Timestamp::now().as_millisecond();
            let selection = Selection {
                senders,
                brands: brands.clone(),
                statuses,
                since_ms,
            };
            let out = out.clone().unwrap_or_else(|| {
                PathBuf::from(export::default_file_name(
                    &selection,
                    *format,
                    export::today(now_ms, &settings.zone),
                ))
            });
            let options = ExportOptions {
                lang,
                redact: *redact,
                force: *force,
                zone: settings.zone.clone(),
                now_ms,
                policy: settings.policy.clone(),
            };
            let written = match export::export(&store, &report, &selection, *format, &out, &options)
            {
                Err(ExportError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::BrokenPipe =>
                {
                    return Err(CliError(BROKEN_PIPE.into()));
                }
                result => result?,
            };
            let plural = |n: u64| if n == 1 { "" } else { "s" };
            eprintln!(
                "wrote {} ({} sender{}, {} message{})",
                text::sanitize(&written.path.display().to_string()),
                written.senders,
                plural(written.senders),
                written.messages,
                plural(written.messages)
            );
            eprintln!("evidence SHA-256: {}", written.sha256);
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { no_tui } => {
            // The sample is a phone in Shanghai: show its times there unless told otherwise.
            let mut settings = settings;
            if !settings.zone_explicit
                && let Ok(shanghai) = jiff::tz::TimeZone::get("Asia/Shanghai")
            {
                settings.zone = shanghai.clone();
                settings.policy.zone = shanghai;
            }
            let classifier = classifier(&settings.region);
            let mut store = Store::open_in_memory()?;
            let sample = demo_sample_file()?;
            let report = ingest::import_file(
                &mut store,
                sample.path(),
                Format::AndroidXml,
                &ImportOptions::default(),
                &classifier,
                &settings.region,
                &(),
            )
            .map_err(|e| CliError(format!("the bundled sample: {e}")))?;
            eprintln!(
                "demo: imported {} messages from the bundled sample (assets/demo-sms.xml) into a temporary database",
                group_digits(report.new)
            );
            if !no_tui && std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
                crate::tui::open_store(store, &settings)?;
                return Ok(ExitCode::SUCCESS);
            }
            let report = findings::compute(&store, &settings.policy)?;
            table::print_senders(
                &report,
                &ListArgs {
                    json: false,
                    status: Vec::new(),
                    brand: None,
                    kind: None,
                    all: false,
                    sort: "last-seen".into(),
                },
                &settings.zone,
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
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
    let result = ingest::import_file(store, file, format, options, classifier, region, &bar);
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
        eprintln!(
            "optout: warning: {}{pos}: skipped {}",
            text::sanitize(&file.display().to_string()),
            text::sanitize(reason)
        );
    }
    let hidden = report.rejected - report.rejected_samples.len() as u64;
    if hidden > 0 {
        eprintln!("optout: warning: … and {hidden} more records skipped");
    }
    eprintln!("{}", text::sanitize(&summary_line(&report, file, format)));
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
    // At most 10 redraws a second: the bar must never slow the import.
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(size),
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
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
