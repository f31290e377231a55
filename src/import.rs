//! Reading exports: format sniffing, the [`Importer`] interface every format
//! implements, and the errors a bad file produces.
//!
//! An importer turns one file into a stream of [`ImportedMessage`]s pushed
//! into a [`MessageSink`]; it never touches the database. The store wraps the
//! sink in one transaction, so a file that fails half-way leaves nothing.

pub mod android_db;
pub mod android_xml;
pub mod bundle;
pub mod csv;
pub mod fields;
mod files;
pub mod generic_json;
mod hashing;
pub mod ios_db;
pub mod json_stream;
pub mod sms_ie;
pub mod sqlite;
pub mod termux;
pub mod typedstream;

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

pub use crate::model::{Channel, Direction, ImportedMessage, Position};
pub use android_db::{Sim, SimPart};
pub use files::{MAX_SIDE_FILE, read_small, regular_file};
pub use hashing::{HashingReader, finish_hash, hex, sha256_file};

/// Where an importer sends what it reads.
pub trait MessageSink {
    /// A delivered message.
    fn message(&mut self, msg: ImportedMessage) -> Result<(), ImportError>;
    /// A record that is not a delivered message (draft, outbox, failed,
    /// queued): counted, not stored.
    fn skipped_undelivered(&mut self) {}
    /// A record the importer could not understand; the import goes on.
    fn rejected(&mut self, position: Option<Position>, reason: String);
}

/// Reports how far an import is: through its input, in bytes, while it
/// reads; then through its messages, while it writes them to the database
/// ([`MergePhase`]).
pub trait Progress {
    fn set_position(&self, bytes: u64);
    /// `done` of the `total` staged messages through `phase` of the merge
    /// (from 0 to `total`; called every few thousand messages).
    fn merging(&self, _phase: MergePhase, _done: u64, _total: u64) {}
    /// Whether the user asked to stop (the interface's `q`): the import
    /// then stops at its next batch, or its merge at its next report, and
    /// nothing is written ([`crate::ingest::ImportFailure::Cancelled`]).
    fn cancelled(&self) -> bool {
        false
    }
    /// Runs `step`, work that reports nothing until it ends (an index
    /// built in one statement). An implementation that can be stopped
    /// watches meanwhile (on another thread) and, asked to stop, calls
    /// `stop`, which cuts the step short; [`Progress::cancelled`] then
    /// answers `true`. By default it only runs the step.
    fn unreported(&self, step: &mut dyn FnMut(), stop: &(dyn Fn() + Sync)) {
        let _ = stop;
        step();
    }
}

/// The steps of an import's merge, after its file is read: its messages
/// written to the database, the index by sender built again (only when
/// the import outnumbers what is stored: reported at 0 of 1 and 1 of 1,
/// with nothing between), then the new messages added to the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergePhase {
    Writing,
    Sorting,
    Indexing,
}

impl Progress for () {
    fn set_position(&self, _bytes: u64) {}
}

/// The export formats optout reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    #[value(help = "SMS Backup & Restore (Android) XML")]
    AndroidXml,
    #[value(help = "iPhone sms.db (or an unencrypted backup folder) and Mac chat.db")]
    IosDb,
    #[value(help = "SMS Import/Export (Android) ZIP holding messages.ndjson")]
    SmsIe,
    #[value(help = "termux-sms-list JSON")]
    Termux,
    #[value(
        help = "A JSON array (or JSON Lines) of message objects: address/sender, date/timestamp, body/text"
    )]
    Json,
    #[value(help = "Android mmssms.db from a rooted phone")]
    AndroidDb,
    #[value(help = "CSV with a header row, in UTF-8, UTF-16 or GBK")]
    Csv,
    #[value(help = "Another optout user's JSON evidence export (optout export --format json)")]
    EvidenceBundle,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::AndroidXml => "android-xml",
            Format::IosDb => "ios-db",
            Format::SmsIe => "sms-ie",
            Format::Termux => "termux",
            Format::Json => "json",
            Format::AndroidDb => "android-db",
            Format::Csv => "csv",
            Format::EvidenceBundle => "evidence-bundle",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Format::AndroidXml => "SMS Backup & Restore XML",
            Format::IosDb => "iPhone sms.db / Mac chat.db",
            Format::SmsIe => "SMS Import/Export ZIP",
            Format::Termux => "termux-sms-list JSON",
            Format::Json => "JSON message list",
            Format::AndroidDb => "Android mmssms.db",
            Format::Csv => "CSV",
            Format::EvidenceBundle => "optout evidence bundle",
        }
    }

    pub const ALL: &'static [Format] = &[
        Format::AndroidXml,
        Format::IosDb,
        Format::SmsIe,
        Format::Termux,
        Format::Json,
        Format::AndroidDb,
        Format::Csv,
        Format::EvidenceBundle,
    ];
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file could not be imported. Displayed as one line that names the
/// file, says where and what, and what to try next.
#[derive(Debug)]
pub struct ImportError {
    pub path: PathBuf,
    pub position: Option<Position>,
    pub message: String,
    pub hint: Option<String>,
}

impl ImportError {
    pub fn new(path: &Path, message: impl Into<String>) -> Self {
        ImportError {
            path: path.to_path_buf(),
            position: None,
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn io(path: &Path, err: &io::Error) -> Self {
        let (message, hint) = match err.kind() {
            io::ErrorKind::NotFound => ("no such file".to_string(), Some("check the path")),
            io::ErrorKind::PermissionDenied => (
                "permission denied".to_string(),
                Some("make the file readable by your user (chmod u+r) and try again"),
            ),
            io::ErrorKind::IsADirectory => (
                "is a directory, not an export file".to_string(),
                Some("name the export file inside it"),
            ),
            _ => (format!("cannot read: {err}"), None),
        };
        let mut e = ImportError::new(path, message);
        e.hint = hint.map(str::to_string);
        e
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(pos) = self.position {
            write!(f, ": {pos}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

/// What an importer hands back besides the messages: the file's identity.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub sha256: String,
    pub size: u64,
    /// The time zone used to read local times that carried no offset
    /// (Termux, some CSV), when the format needed one.
    pub zone: Option<String>,
    /// How many records the export's header says it holds (SMS Backup &
    /// Restore's `count`), and how many it held.
    pub declared: Option<(u64, u64)>,
}

/// How to read a file: the user's choices that apply to every format.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Forced format (`--format`); detected from content when `None`.
    pub format: Option<Format>,
    /// CSV column mapping (`--map address=号码,date=时间,…`).
    pub csv_map: Option<String>,
    /// Zone for local times written without an offset (`--tz`, else the system's).
    pub zone: jiff::tz::TimeZone,
    /// Only one SIM's messages of an Android database or SMS Backup &
    /// Restore export (`--line-per-sim`); every message when `None`.
    pub sim: Option<SimPart>,
    /// Where an SMS Backup & Restore import leaves how many of its messages
    /// each SIM recorded, when asked (`android_xml::sims`).
    pub sim_counts: Option<std::sync::Arc<std::sync::Mutex<android_xml::sims::SimCounts>>>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: None,
            csv_map: None,
            zone: jiff::tz::TimeZone::UTC,
            sim: None,
            sim_counts: None,
        }
    }
}

/// Opens `path` for import: refuses directories, anything that is not a
/// regular file (a FIFO would block forever, `/dev/zero` never ends) and
/// empty files with a clear message.
pub fn open_input(path: &Path) -> Result<(File, u64), ImportError> {
    let meta = regular_file(path)?;
    if meta.len() == 0 {
        return Err(ImportError::new(path, "the file is empty")
            .hint("export your messages again; the copy may have failed"));
    }
    let file = File::open(path).map_err(|e| ImportError::io(path, &e))?;
    Ok((file, meta.len()))
}

/// The longest text one record may carry (a body, an MMS text part, an
/// address): 1 MiB. Real messages are a few hundred bytes; a record over
/// the limit is skipped and reported with its position, and the streaming
/// readers (XML, JSON, NDJSON, CSV) never hold more than about this much
/// of it. MMS media (`data` in SMS Backup & Restore) is never held at all.
pub const MAX_RECORD_TEXT: usize = 1024 * 1024;

/// Hands `msg` to `sink`, or skips it (with its position and why) when one
/// of its texts is longer than [`MAX_RECORD_TEXT`]: the last line of
/// defence for formats whose reader cannot cut a field short while reading.
pub fn deliver(
    sink: &mut dyn MessageSink,
    pos: Option<Position>,
    msg: ImportedMessage,
) -> Result<(), ImportError> {
    let longest = [
        ("body", msg.body.len()),
        ("address", msg.address.len()),
        (
            "contact name",
            msg.contact_name.as_ref().map_or(0, String::len),
        ),
    ]
    .into_iter()
    .max_by_key(|&(_, n)| n);
    if let Some((what, n)) = longest.filter(|&(_, n)| n > MAX_RECORD_TEXT) {
        sink.rejected(
            pos,
            format!(
                "a message whose {what} is {n} bytes, over the {MAX_RECORD_TEXT} a record may hold"
            ),
        );
        return Ok(());
    }
    sink.message(msg)
}

/// Decides which format `path` holds by looking at its content, never its
/// name.
pub fn detect(path: &Path) -> Result<Format, ImportError> {
    detect_with(path, &ImportOptions::default())
}

/// Like [`detect`], but a `--map` makes a delimited text file with an
/// unknown header count as CSV (the mapping names its columns).
pub fn detect_with(path: &Path, options: &ImportOptions) -> Result<Format, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| ImportError::io(path, &e))?;
    if meta.is_dir() {
        // An iPhone backup folder (or a folder holding chat.db).
        return ios_db::database_in_folder(path).map(|_| Format::IosDb);
    }
    let (file, _) = open_input(path)?;
    let mut head = Vec::with_capacity(8192);
    file.take(8192)
        .read_to_end(&mut head)
        .map_err(|e| ImportError::io(path, &e))?;
    if head.starts_with(sqlite::MAGIC) {
        return match sqlite::kind(path)? {
            sqlite::Kind::AppleMessages => Ok(Format::IosDb),
            sqlite::Kind::AndroidTelephony => Ok(Format::AndroidDb),
        };
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return sms_ie::check_zip(path).map(|()| Format::SmsIe);
    }
    sniff(path, &head, options)
}

fn sniff(path: &Path, head: &[u8], options: &ImportOptions) -> Result<Format, ImportError> {
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        if trimmed.contains("<smses") {
            return Ok(Format::AndroidXml);
        }
        if trimmed.contains("<calls") {
            return Err(
                ImportError::new(path, "this is a call log backup, not a message backup").hint(
                    "in SMS Backup & Restore, back up Messages and import the sms-*.xml file",
                ),
            );
        }
        return Err(not_an_export(path).hint(
            "this XML file has no <smses> element; SMS Backup & Restore files start with <smses",
        ));
    }
    if trimmed.starts_with('[') {
        return Ok(json_flavour(trimmed));
    }
    if trimmed.starts_with('{') {
        // termux-api's refusal, or one NDJSON record per line (an unzipped
        // SMS Import/Export messages.ndjson).
        let first_key = trimmed.trim_start_matches('{').trim_start();
        if first_key.starts_with("\"error\"") {
            return Ok(Format::Termux);
        }
        if bundle::looks_like_bundle(trimmed) {
            return Ok(Format::EvidenceBundle);
        }
        if looks_like_ndjson_message(trimmed) {
            return Ok(Format::SmsIe);
        }
        if generic_json::looks_like_message_line(trimmed) {
            return Ok(Format::Json);
        }
        return Err(not_an_export_because(
            path,
            "this JSON object is not a message; optout reads JSON arrays of messages and the NDJSON of SMS Import/Export",
        ));
    }
    match csv::guess_header(head, options.csv_map.as_deref()) {
        csv::HeaderGuess::Recognised => Ok(Format::Csv),
        csv::HeaderGuess::Unrecognised(_) if options.csv_map.is_some() => Ok(Format::Csv),
        csv::HeaderGuess::Unrecognised(header) => Err(not_an_export_because(
            path,
            &format!(
                "if this is a CSV export, its header ({}) was not recognised: name the columns with --map address=COLUMN,date=COLUMN,body=COLUMN[,direction=COLUMN]",
                header
                    .iter()
                    .take(12)
                    .map(|h| format!("'{}'", crate::text::sanitize(h)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        csv::HeaderGuess::NotCsv => Err(not_an_export(path)),
    }
}

/// Whether the first line of `text` is an Android provider row as SMS
/// Import/Export writes one (an MMS line with inline media may be longer
/// than the head: then its first keys decide).
fn looks_like_ndjson_message(text: &str) -> bool {
    const KEYS: [&str; 4] = ["address", "msg_box", "thread_id", "date"];
    match text.split_once('\n') {
        Some((first, _)) => {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first)
                .is_ok_and(|map| KEYS.iter().any(|k| map.contains_key(*k)))
        }
        None => KEYS.iter().any(|k| text.contains(&format!("\"{k}\""))),
    }
}

/// Termux or the plain JSON list, from the keys of the first objects.
fn json_flavour(head: &str) -> Format {
    // "number" alone is not Termux: app dumps name the sender that way too.
    let termux_keys = ["\"received\"", "\"threadid\""];
    if termux_keys.iter().any(|k| head.contains(k)) {
        Format::Termux
    } else {
        Format::Json
    }
}

fn not_an_export(path: &Path) -> ImportError {
    ImportError::new(path, "not a message export optout can read").hint(known_formats())
}

/// [`not_an_export`] with a more specific hint before the list of formats.
fn not_an_export_because(path: &Path, why: &str) -> ImportError {
    ImportError::new(path, "not a message export optout can read")
        .hint(format!("{why}; {}", known_formats()))
}

fn known_formats() -> String {
    let known: Vec<String> = Format::ALL
        .iter()
        .map(|f| format!("{} ({})", f.description(), f.as_str()))
        .collect();
    format!("known formats: {}", known.join(", "))
}

/// Runs the importer for `format` over `path`, pushing into `sink`.
pub fn read_file(
    path: &Path,
    format: Format,
    options: &ImportOptions,
    sink: &mut dyn MessageSink,
    progress: &dyn Progress,
) -> Result<SourceFile, ImportError> {
    // Private copies a killed run left behind go at the next import.
    sqlite::remove_stale_copies();
    if options.sim.is_some() && !matches!(format, Format::AndroidDb | Format::AndroidXml) {
        return Err(ImportError::new(
            path,
            format!(
                "a line per SIM needs an Android mmssms.db or SMS Backup & Restore XML, which record each message's SIM; this is {}",
                format.description()
            ),
        ));
    }
    match format {
        Format::AndroidXml => {
            let (file, _) = open_input(path)?;
            let mut reader = BufReader::with_capacity(256 * 1024, HashingReader::new(file));
            let declared = android_xml::read(path, &mut reader, options, sink, progress)?;
            finish_hash(path, reader).map(|mut s| {
                s.declared = declared;
                s
            })
        }
        Format::IosDb => ios_db::read(path, sink, progress),
        Format::SmsIe => sms_ie::read(path, sink, progress),
        Format::Termux => termux::read(path, options, sink, progress),
        Format::Json => generic_json::read(path, options, sink, progress),
        Format::AndroidDb => {
            check_is_database(path)?;
            android_db::read(path, options.sim.as_ref().map(|p| p.sim), sink, progress)
        }
        Format::Csv => csv::read(path, options, sink, progress),
        Format::EvidenceBundle => bundle::read_into(path, sink),
    }
}

/// A forced `--format android-db` on a file that is not a database gets
/// the same one-line error as any other wrong file.
fn check_is_database(path: &Path) -> Result<(), ImportError> {
    let (file, _) = open_input(path)?;
    let mut head = Vec::with_capacity(16);
    file.take(16)
        .read_to_end(&mut head)
        .map_err(|e| ImportError::io(path, &e))?;
    if head == sqlite::MAGIC {
        Ok(())
    } else {
        Err(ImportError::new(path, "not a SQLite database")
            .hint("--format android-db reads mmssms.db; drop --format to detect the format"))
    }
}

/// Turns a byte offset into a line and column by re-reading the start of the
/// file; only called on the error path.
pub fn line_column(path: &Path, offset: u64) -> Position {
    let Ok(file) = File::open(path) else {
        return Position::Byte(offset);
    };
    let mut reader = BufReader::new(file.take(offset));
    let (mut line, mut column) = (1u64, 1u64);
    loop {
        let buf = match reader.fill_buf() {
            Ok([]) => break,
            Ok(b) => b,
            Err(_) => return Position::Byte(offset),
        };
        for &b in buf {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                column += 1;
            }
        }
        let n = buf.len();
        reader.consume(n);
    }
    Position::Line { line, column }
}
