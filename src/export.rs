//! The evidence export: what a complaint to 12321, the FCC/FTC or a carrier
//! needs about each sender that kept marketing after the user opted out.
//!
//! [`build_evidence`] turns the tracking [`Report`] and the stored messages
//! into one [`Evidence`] value (serde-serialisable, stable field names); the
//! formats in [`html`], [`csv`], [`json`] and [`complaint`] only render it,
//! each with its own escaping function. [`write_evidence`] is the entry the
//! command line and the TUI call: select, build, redact, hash, render, and
//! write atomically without overwriting.
//!
//! The integrity hash is SHA-256 over the *canonical JSON* of the evidence:
//! the compact `serde_json` serialisation of the [`Evidence`] value with its
//! `integrity` field set to `null`, keys in struct order. The generation
//! time lives inside `integrity`, so every format exported from the same
//! data and selection prints the same hash.
//!
//! The code is split by what a reader looks for: the evidence model and
//! its hash in `model.rs`, building it from the report and the store in
//! `build.rs`, rendering and writing files in `write.rs`. The inputs
//! ([`Selection`], [`ExportFormat`], [`ExportOptions`]), [`ExportError`]
//! and the control-character escaping every writer shares stay here.
//!
//! [`Report`]: crate::track::Report

mod build;
pub mod complaint;
pub mod csv;
pub mod html;
pub mod json;
mod model;
pub mod offenders;
mod offenders_html;
mod plan;
mod redact;
mod stream;
pub mod strings;
#[cfg(test)]
mod tests;
mod write;

use std::path::PathBuf;

use jiff::tz::TimeZone;

use crate::store::StoreError;
use crate::track::{Policy, Status};

pub use build::{complaint_to, grace_str, is_financial, time_record};
pub use model::{
    CANONICAL_FORM, Counts, EVIDENCE_VERSION, Evidence, EvidenceMessage, ImportProvenance,
    Instruction, Integrity, Listed, Offender, OptOutRecord, PolicyRecord, Reason, SelectionRecord,
    SenderIdentity, Summary, TimeRecord, canonical_json, integrity_sha256, offender_messages,
};
pub use offenders::{
    OffendersOptions, OffendersReport, OffendersWritten, build_offenders, export_offenders,
};
pub use plan::{build_evidence, reporter_id};
pub use stream::{FindingsSource, INLINE_MESSAGES, window};
pub use strings::Lang;
pub use write::{
    Written, abandon_own_temp_files, default_file_name, export, export_from, render, today,
    write_atomically, write_evidence,
};

/// Which senders to export. Empty senders, brands and statuses mean the
/// default: every violating sender.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Sender keys (or raw addresses seen for them).
    pub senders: Vec<String>,
    /// Brand names: one section per brand, covering all its numbers.
    pub brands: Vec<String>,
    /// Only senders and brands in these statuses. Without explicit senders
    /// or brands, empty means `[Violating]`.
    pub statuses: Vec<Status>,
    /// List only violations and in-flight messages received at or after
    /// this time (the counts still cover the whole history).
    pub since_ms: Option<i64>,
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum ExportFormat {
    /// One self-contained, printable HTML page.
    Html,
    /// One row per message, UTF-8 with BOM (opens in Excel).
    Csv,
    /// The whole evidence model.
    Json,
    /// Ready-to-paste complaint text (12321, FCC/FTC, 7726).
    Complaint,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Html => "html",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Complaint => "complaint",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Html => "html",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Complaint => "txt",
        }
    }
}

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Language of the HTML and complaint headings.
    pub lang: Lang,
    /// Mask the user's own and personal contacts' numbers and names.
    pub redact: bool,
    /// Overwrite an existing file.
    pub force: bool,
    /// Zone for times stored without an offset.
    pub zone: TimeZone,
    /// "Now", for the generation time and the default file name.
    pub now_ms: i64,
    /// The policy the report was computed with (grace periods).
    pub policy: Policy,
    /// List every message in the HTML and the complaint text, not only the
    /// first and last [`INLINE_MESSAGES`] of each list (the CSV and JSON
    /// always list every one). The HTML then grows with the messages.
    pub all_messages: bool,
}

/// Why an export failed; every message says what to do next.
#[derive(Debug)]
pub enum ExportError {
    Store(StoreError),
    UnknownSender(String),
    UnknownBrand(String),
    /// Nothing matched; the text describes the selection.
    NothingSelected(String),
    /// The output exists and `force` is off.
    Exists(PathBuf),
    /// `--out -` with `--format html`.
    HtmlToStdout,
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Store(e) => e.fmt(f),
            ExportError::UnknownSender(k) => write!(
                f,
                "no sender '{}' in the database: see `optout senders --all`",
                crate::text::sanitize(k)
            ),
            ExportError::UnknownBrand(b) => write!(
                f,
                "no brand '{}' in the database: see `optout brands`",
                crate::text::sanitize(b)
            ),
            ExportError::NothingSelected(what) => write!(
                f,
                "nothing to export: no {what}; nothing was written (choose senders with --sender, --brand or --status)"
            ),
            ExportError::Exists(p) => write!(
                f,
                "{} already exists: pass --force to overwrite it, or --out another path",
                p.display()
            ),
            ExportError::HtmlToStdout => f.write_str(
                "the HTML evidence is a file to open or print: give --out FILE (or use --format json, csv or complaint with --out -)",
            ),
            ExportError::Io { path, source } => write!(
                f,
                "cannot write {}: {source}; nothing was written",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::Store(e) => Some(e),
            ExportError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}

/// Makes control characters visible (`␛` for ESC, `␇` for BEL, U+FFFD for
/// C1 and the bidi overrides that could reorder a line), keeping line
/// breaks and tabs: every text format's escaping function starts here.
pub(crate) fn visible_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let needs = |c: char| {
        (c < ' ' && !matches!(c, '\n' | '\r' | '\t'))
            || matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(needs) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                c if c < ' ' && !matches!(c, '\n' | '\r' | '\t') => {
                    char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}')
                }
                '\u{7f}' => '␡',
                c if needs(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}
