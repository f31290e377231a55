//! The command line's shape: every command, flag and help text (clap's
//! derive types). What each command does lives in its own file beside this.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::export::{ExportFormat, Lang};
use crate::import::Format;

use super::{record_optout, report, search, send};

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
    after_help = "Run 'optout' without a command to open the terminal interface, or 'optout demo' to try it on a bundled sample."
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

    /// The line (phone or person) the interface shows, when the database holds several
    #[arg(long, value_name = "NAME")]
    pub line: Option<String>,

    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorWhen::Auto,
        value_name = "WHEN",
        help = "When to colour the output: auto honours NO_COLOR and CLICOLOR_FORCE, then colours only a terminal"
    )]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import message exports (the format is detected from the content)
    Import {
        /// Export files or iPhone backup folders: SMS Backup & Restore XML, iPhone sms.db / Mac chat.db,
        /// SMS Import/Export ZIP, termux-sms-list JSON, JSON lists, Android mmssms.db, CSV, and other
        /// optout users' JSON evidence exports (verified, each onto its reporter's line)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Read the files as this format instead of detecting it
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// CSV columns when the header is not recognised: address=COL,date=COL,body=COL,direction=COL
        #[arg(long, value_name = "MAPPING")]
        map: Option<String>,
        /// The line (phone or person) these messages reached: opt-outs count only on their own line
        /// [default: me; for an evidence bundle, its reporter's line]
        #[arg(long, value_name = "NAME")]
        line: Option<String>,
        /// Put each SIM's messages of an Android mmssms.db or SMS Backup & Restore XML on a line of its
        /// own: NAME-simN, N being the SIM's subscription id (NAME from --line, default me); messages
        /// recording no SIM on NAME-nosim
        #[arg(long)]
        line_per_sim: bool,
    },
    /// List lines (the phones or people whose messages you imported), or rename or remove one
    Lines {
        #[command(subcommand)]
        action: Option<LinesAction>,
    },
    /// Rank repeat offenders across lines: brands (and unbranded senders) by how many lines they violated
    Offenders {
        /// Print the stable JSON array for scripts instead of a table
        #[arg(long)]
        json: bool,
        /// Hide offenders reported by fewer than K lines (publish with K ≥ 3, so no single reporter can be told)
        #[arg(long, value_name = "K", default_value_t = 1)]
        min_lines: u64,
        /// Count only violations received on or after this date ('2026-03-01' or RFC 3339)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// Merge two spellings of one company (浦发 / 浦发银行 / SPDB) everywhere, or take that back
    BrandAlias {
        /// The spelling to merge
        #[arg(value_name = "ALIAS")]
        alias: String,
        /// The brand name it becomes (omit with --undo)
        #[arg(value_name = "NAME", required_unless_present = "undo")]
        name: Option<String>,
        /// Take the alias back
        #[arg(long)]
        undo: bool,
    },
    /// Find the messages containing a text (any part of a word, Chinese included), newest first
    #[command(after_help = search::AFTER_HELP)]
    Search {
        /// The text to find
        #[arg(value_name = "TEXT")]
        text: String,
        /// Only this sender's messages (the key or raw number, as 'optout senders' shows it)
        #[arg(long, value_name = "KEY")]
        sender: Option<String>,
        /// Only the messages received on this line
        #[arg(long, value_name = "NAME")]
        line: Option<String>,
        /// Show at most N messages
        #[arg(long, value_name = "N", default_value_t = 100)]
        limit: u64,
        /// Print JSON for scripts instead of a table
        #[arg(long)]
        json: bool,
    },
    /// List senders with their opt-out status
    Senders(ListArgs),
    /// List brands (one brand may send from many numbers) with their opt-out status
    Brands(ListArgs),
    /// Record an opt-out you made outside the export (another phone, a call, an app)
    RecordOptout {
        /// The sender key or raw number (as 'optout senders' shows it)
        #[arg(
            value_name = "SENDER",
            required_unless_present = "brand",
            conflicts_with = "brand"
        )]
        sender: Option<String>,
        /// Record it for a whole brand instead
        #[arg(long, value_name = "NAME")]
        brand: Option<String>,
        /// When: '2026-03-09 20:11', '2026-03-09', or RFC 3339 [default: now]
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// How you opted out
        #[arg(
            long,
            default_value = "other",
            value_name = "CHANNEL",
            value_parser = record_optout::CHANNELS
        )]
        channel: String,
        /// A note kept with the record
        #[arg(long)]
        note: Option<String>,
        /// The line (phone) you opted out from [default: the only line, or 'me']
        #[arg(long, value_name = "NAME")]
        line: Option<String>,
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
    /// Send the opt-outs through your own phone (kdeconnect, termux, messages, adb) or print them
    Send(send::SendArgs),
    /// Report violating and suspicious senders by text to 12321 or 7726
    Report(report::ReportArgs),
    /// Write the evidence for a complaint: every violating sender by default
    ///
    /// Formats: html (printable, self-contained), csv (one row per message,
    /// opens in Excel), json (the whole evidence model), complaint (text to
    /// paste into 12321, FCC/FTC or to forward to 7726). Every format carries
    /// the SHA-256 of the evidence's canonical JSON.
    Export(ExportArgs),
    /// Import the bundled sample export into a temporary database and show it
    Demo {
        /// Print the senders table instead of opening the terminal interface
        #[arg(long)]
        no_tui: bool,
    },
    /// Print a shell completion script to standard output
    Completions {
        /// The shell to complete for
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output
    Man,
}

/// When to colour the output (`--color`). The help strings are attributes,
/// not doc comments: clap would print the backticks clippy asks for there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    #[value(
        help = "Colour a terminal, unless NO_COLOR is set or CLICOLOR_FORCE asks for it anyway"
    )]
    Auto,
    /// Always colour, whatever the environment says
    Always,
    /// Never colour
    Never,
}

/// What `optout lines` does besides listing.
#[derive(Debug, Subcommand)]
pub enum LinesAction {
    /// Rename a line
    Rename {
        #[arg(value_name = "OLD")]
        old: String,
        #[arg(value_name = "NEW")]
        new: String,
    },
    /// Delete a line with its messages, imports and manual records (the other lines stay as they are)
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
}

/// The statuses a --status flag takes (a string, not a doc comment: clippy
/// would want `opted_out` in backticks, and clap prints them).
macro_rules! status_help {
    () => {
        "Only these statuses (comma-separated): violating, subscribed, opted_out, confirmed, resubscribed, none, ignored"
    };
}
const STATUS_HELP: &str = status_help!();

/// Filters shared by `senders` and `brands`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// Print the stable JSON array for scripts instead of a table
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_delimiter = ',', value_name = "STATUS", help = STATUS_HELP)]
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
    /// Only this line (phone or person) [default: all lines]
    #[arg(long, value_name = "NAME")]
    pub line: Option<String>,
}

/// The flags of `optout export`: too many to pass one by one.
// Each bool is one independent command-line switch.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Only this sender (key or number as 'optout senders' shows it); repeat for more
    #[arg(long = "sender", value_name = "KEY")]
    pub senders: Vec<String>,
    /// One section for this brand and all its numbers; repeat for more
    #[arg(long = "brand", value_name = "NAME")]
    pub brands: Vec<String>,
    #[arg(
        long = "status",
        value_delimiter = ',',
        value_name = "STATUS",
        help = concat!(status_help!(), " [default: violating]")
    )]
    pub statuses: Vec<String>,
    /// List only violations received on or after this date ('2026-03-01' or RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Output format [default: html; with --offenders, from the --out extension, else html]
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Output file or directory, or - for standard output (not for html) [default: optout-evidence-….EXT in the current directory]
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Mask your own number and your personal contacts' numbers and names
    #[arg(long)]
    pub redact: bool,
    /// Language of the headings [default: the config file's lang, else en]
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Overwrite the output file if it exists
    #[arg(long)]
    pub force: bool,
    /// The line (phone or person) whose evidence this is [default: the only line]
    #[arg(long, value_name = "NAME")]
    pub line: Option<String>,
    /// In the HTML and complaint text, list every message instead of the first and last 20 of each list (the CSV and JSON always list all)
    #[arg(long)]
    pub all_messages: bool,
    /// Export the repeat-offender ranking across lines (what 'optout offenders' shows) instead of one line's evidence
    #[arg(long, conflicts_with_all = ["senders", "brands", "statuses", "redact", "line", "all_messages"])]
    pub offenders: bool,
    /// With --offenders: name the lines instead of showing their pseudonymous reporter ids (do not publish such a copy)
    #[arg(long, requires = "offenders")]
    pub name_lines: bool,
    /// With --offenders: hide offenders reported by fewer than K lines (publish with K ≥ 3)
    #[arg(long, value_name = "K", default_value_t = 1, requires = "offenders")]
    pub min_lines: u64,
}
