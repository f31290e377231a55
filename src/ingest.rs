//! The import pipeline: reader → classifier → staging file → store, in one
//! transaction per file. The importer parses on a reader thread
//! (`pipeline.rs` holds the threads), which also
//! normalises senders; one thread per core classifies each message and
//! computes its dedupe key; this thread appends the batches, in the file's
//! order, to a private staging file
//! (`staging.rs`). Only then is the database's write lock taken
//! (`BEGIN IMMEDIATE`), the staged rows written and the transaction
//! committed: another optout that writes waits for that merge, not for the
//! whole read. Also here: relabelling every stored message when the rules
//! change (`optout reclassify`). `bundle.rs` imports another optout user's
//! evidence bundle onto its reporter's line.

mod bundle;
mod pipeline;
mod staging;

pub use bundle::import_bundle;

use std::path::Path;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::classify::{Classification, Classifier, MessageFeatures, Region};
use crate::import::{self, Format, ImportError, ImportOptions, MergePhase, Progress};
use crate::model::{BrandSource, DEFAULT_LINE, Direction, Position, SenderClass};
use crate::store::{ImportSummary, ImportTx, Relabel, Store, StoreError, store_err};
use pipeline::pipeline;
use staging::{Replay, Staging};

/// Why an import failed: the file, or the database.
#[derive(Debug)]
pub enum ImportFailure {
    File(ImportError),
    Store(StoreError),
    /// Stopped by the user ([`Progress::cancelled`]): nothing was written.
    Cancelled,
}

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportFailure::File(e) => e.fmt(f),
            ImportFailure::Store(e) => e.fmt(f),
            ImportFailure::Cancelled => {
                f.write_str("the import was stopped before it finished; nothing was imported")
            }
        }
    }
}

impl std::error::Error for ImportFailure {}

/// What one import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub import_id: i64,
    pub new: u64,
    pub duplicates: u64,
    /// Drafts, outbox, failed and queued messages: not delivered, not stored.
    pub skipped_undelivered: u64,
    pub rejected: u64,
    /// The first rejected records, with where they are and why.
    pub rejected_samples: Vec<(Option<Position>, String)>,
    pub sha256: String,
    pub size: u64,
    pub seconds: f64,
    /// The records the export's header declares, and those it held.
    pub declared: Option<(u64, u64)>,
    /// The line the messages went to (set by [`import_bundle`]).
    pub line: String,
    /// Manual opt-out records an evidence bundle added.
    pub manual_new: u64,
}

/// Imports one file into `store`, on the default line (`me`), in one
/// transaction: all of it, or nothing.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    format: Format,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportFailure> {
    import_file_to_line(
        store,
        DEFAULT_LINE,
        path,
        format,
        options,
        classifier,
        region,
        progress,
    )
}

/// Imports one file into `store` as messages of the line called `line`
/// (created if new), in one transaction: all of it, or nothing. A file that
/// another line already holds is refused: one phone's export belongs to one
/// line. An evidence bundle goes through [`import_bundle`] onto `line`.
#[allow(clippy::too_many_arguments)]
pub fn import_file_to_line(
    store: &mut Store,
    line: &str,
    path: &Path,
    format: Format,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportFailure> {
    if format == Format::EvidenceBundle {
        return import_bundle(store, Some(line), path, classifier, region);
    }
    let staged = stage_file(store, path, format, options, classifier, region, progress)?;
    merge(store, line, staged, classifier, progress)
}

/// A file read, classified and staged ([`stage_file`]), waiting to be
/// merged into the database ([`merge`]).
pub struct Staged {
    rows: Staging,
    source: import::SourceFile,
    report: ImportReport,
    path: std::path::PathBuf,
    format: Format,
    started: Instant,
    started_ms: i64,
    /// With `--line-per-sim`: the lines this file's SIMs go on.
    sim_lines: Vec<String>,
}

/// Reads, classifies and stages all of `path` without the database's write
/// lock: nothing is written to `store` yet. A file that gives no message
/// fails here. (Not for evidence bundles: see [`import_bundle`].)
pub fn stage_file(
    store: &Store,
    path: &Path,
    format: Format,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
    progress: &dyn Progress,
) -> Result<Staged, ImportFailure> {
    let started = Instant::now();
    let started_ms = crate::model::now_ms();
    let dir = staging_dir(store);
    let mut rows = Staging::create(&dir).map_err(|e| {
        ImportFailure::Store(store_err(format!(
            "cannot create the import's staging file in {}: {e}",
            dir.display()
        )))
    })?;
    let (source, report) = pipeline(
        &mut rows, path, format, options, classifier, region, progress,
    )?;
    if rows.rows() == 0 {
        return Err(ImportFailure::File(nothing_read(path, &report)));
    }
    Ok(Staged {
        rows,
        source,
        report,
        path: path.to_path_buf(),
        format,
        started,
        started_ms,
        sim_lines: options
            .sim
            .as_ref()
            .map(|p| p.lines.clone())
            .unwrap_or_default(),
    })
}

/// Writes a staged file into `store` on the line `line` in one
/// transaction, taking the write lock (`BEGIN IMMEDIATE`) for this merge
/// only; a file that another line already holds is refused. `progress`
/// hears how far the writing and the search indexing are.
pub fn merge(
    store: &mut Store,
    line: &str,
    staged: Staged,
    classifier: &Classifier,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportFailure> {
    let Staged {
        rows,
        source,
        mut report,
        path,
        format,
        started,
        started_ms,
        sim_lines,
    } = staged;
    let path = path.as_path();
    let mut tx = store
        .begin_import_at(path, format.as_str(), line, started_ms)
        .map_err(ImportFailure::Store)?;
    // A file goes on one line, or each SIM's share on its line (--line-per-sim).
    let allowed = &sim_lines[..];
    if let Some(other) = tx
        .lines_with_file(&source.sha256)
        .map_err(ImportFailure::Store)?
        .into_iter()
        .find(|l| !allowed.contains(l))
    {
        return Err(ImportFailure::File(ImportError::new(
            path,
            format!(
                "this file is already imported on the line '{other}': one phone's export belongs to one line (import it with --line {other}, or remove that line first)"
            ),
        )));
    }
    let deferred = tx
        .defer_index_by_line(rows.rows())
        .map_err(ImportFailure::Store)?;
    {
        let mut writer = tx.writer().map_err(ImportFailure::Store)?;
        let total = rows.rows();
        let mut done = 0u64;
        let mut stopped = false;
        progress.merging(MergePhase::Writing, 0, total);
        rows.replay(|m| {
            writer.store(m)?;
            done += 1;
            if done.is_multiple_of(PROGRESS_EVERY) || done == total {
                progress.merging(MergePhase::Writing, done, total);
                stopped = progress.cancelled();
                if stopped {
                    return Err(store_err("stopped"));
                }
            }
            Ok(())
        })
        .map_err(|e| match e {
            // Dropping the transaction rolls every row back.
            _ if stopped => ImportFailure::Cancelled,
            Replay::Each(e) => ImportFailure::Store(e),
            Replay::Io(e) => ImportFailure::Store(store_err(format!(
                "cannot read the import's staging file back: {e}"
            ))),
        })?;
        report.new = writer.new;
        report.duplicates = writer.duplicates;
    }
    if deferred {
        rebuild_index_by_line(&mut tx, progress)?;
    }
    let indexed = tx
        .index_for_search(INDEX_CHUNK, |done, total| {
            progress.merging(MergePhase::Indexing, done, total);
            !progress.cancelled()
        })
        .map_err(ImportFailure::Store)?;
    if !indexed {
        return Err(ImportFailure::Cancelled);
    }
    report.import_id = tx.import_id();
    report.line = line.to_string();
    report.sha256.clone_from(&source.sha256);
    report.size = source.size;
    report.declared = source.declared;
    tx.commit(&ImportSummary {
        sha256: &report.sha256,
        size: report.size,
        new: report.new,
        duplicates: report.duplicates,
        skipped: report.skipped_undelivered,
        rejected: report.rejected,
        source_zone: source.zone.as_deref(),
        rules_version: classifier.version(),
    })
    .map_err(ImportFailure::Store)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The index by line and sender, dropped for a large import's rows, built
/// again in one statement the progress can only stop ([`Progress::unreported`]).
fn rebuild_index_by_line(
    tx: &mut ImportTx<'_>,
    progress: &dyn Progress,
) -> Result<(), ImportFailure> {
    progress.merging(MergePhase::Sorting, 0, 1);
    let stop = tx.interrupter();
    let mut built = Ok(());
    progress.unreported(&mut || built = tx.rebuild_index_by_line(), &stop);
    if progress.cancelled() {
        // Dropping the transaction rolls back, the index included.
        return Err(ImportFailure::Cancelled);
    }
    built.map_err(ImportFailure::Store)?;
    progress.merging(MergePhase::Sorting, 1, 1);
    Ok(())
}

/// Staged messages written between two progress reports of the merge.
const PROGRESS_EVERY: u64 = 8_192;
/// New messages added to the search index per statement, between two
/// progress reports (measured no slower than one statement for all: the
/// 1,000,000-message merge took 8.15-8.75 s chunked, 8.10-9.17 s in one).
const INDEX_CHUNK: u64 = 32_768;

/// Where an import's staging file goes: the database's own private folder
/// (on the same disk as the database), or the temporary folder for a
/// database in memory.
fn staging_dir(store: &Store) -> std::path::PathBuf {
    store
        .path()
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(std::env::temp_dir, Path::to_path_buf)
}

/// Why a file gave no message: its first unreadable record, or that it only
/// held drafts, or nothing at all. An import that reads nothing is a failure.
fn nothing_read(path: &Path, report: &ImportReport) -> ImportError {
    if let Some((pos, reason)) = report.rejected_samples.first() {
        let e = ImportError::new(
            path,
            format!(
                "no message could be read ({} records skipped); the first: {reason}",
                report.rejected
            ),
        )
        .hint("check the format (--format) or, for CSV, the columns (--map); nothing was imported");
        return match pos {
            Some(Position::Byte(b)) => e.at(import::line_column(path, *b)),
            Some(p) => e.at(*p),
            None => e,
        };
    }
    if report.skipped_undelivered > 0 {
        return ImportError::new(
            path,
            format!(
                "it holds only drafts, outbox or failed messages ({}), no delivered message",
                report.skipped_undelivered
            ),
        );
    }
    ImportError::new(path, "it holds no messages").hint("export again with messages selected")
}

/// Recomputes kind, brand and instruction of every stored message with
/// `classifier`, in one transaction. Returns how many changed kind.
pub fn reclassify(store: &mut Store, classifier: &Classifier) -> Result<u64, StoreError> {
    store.relabel(classifier.version(), |row| {
        let c = classifier.classify_dlt(
            &MessageFeatures {
                from_contact: row.from_contact,
                direction: row.direction,
                sender_class: SenderClass::parse(row.sender_class),
                body: row.body,
                hint: row.hint,
            },
            row.dlt_suffix,
        );
        relabel(c)
    })
}

fn relabel(c: Classification) -> Relabel {
    let (brand, brand_from_prefix) = match c.brand {
        Some((name, BrandSource::Signature)) => (Some(name), false),
        Some((name, BrandSource::Prefix)) => (Some(name), true),
        None => (None, false),
    };
    let (optout_keyword, optout_target) = match c.instruction {
        Some(i) => (Some(i.keyword), i.target),
        None => (None, None),
    };
    Relabel {
        kind: c.kind.as_str(),
        rule_id: Some(c.rule_id),
        reason: c.evidence.map(|e| e.text),
        brand,
        brand_from_prefix,
        optout_keyword,
        optout_target,
    }
}

/// Reclassifies when the stored rules version differs from `classifier`'s.
pub fn ensure_classified(store: &mut Store, classifier: &Classifier) -> Result<bool, StoreError> {
    ensure_classified_with(store, classifier, |_| {})
}

/// [`ensure_classified`], calling `before(n)` with the number of stored
/// messages when they are about to be reclassified.
pub fn ensure_classified_with(
    store: &mut Store,
    classifier: &Classifier,
    before: impl FnOnce(u64),
) -> Result<bool, StoreError> {
    let stored = store.meta("rules_version")?;
    if stored.as_deref() == Some(classifier.version()) {
        return Ok(false);
    }
    let n = store.message_count()?;
    if n > 0 {
        before(n);
        reclassify(store, classifier)?;
    } else {
        store.set_meta("rules_version", classifier.version())?;
    }
    Ok(true)
}

/// The dedupe key of a message: the first 8 bytes of
/// SHA-256(sender key, direction, timestamp, body) as a signed integer.
pub fn dedupe_key(sender_key: &str, direction: Direction, timestamp_ms: i64, body: &str) -> i64 {
    let mut h = Sha256::new();
    h.update(sender_key.as_bytes());
    h.update([0]);
    h.update(direction.as_str().as_bytes());
    h.update([0]);
    h.update(timestamp_ms.to_le_bytes());
    h.update(body.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(first)
}
