//! The import pipeline: reader → classifier → staging file → store, in one
//! transaction per file. The importer parses on a reader thread, which also
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
mod staging;

pub use bundle::import_bundle;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::classify::{Classification, Classifier, MessageFeatures, Region, normalize_sender};
use crate::import::{self, Format, ImportError, ImportOptions, MessageSink, Progress};
use crate::model::{BrandSource, DEFAULT_LINE, Direction, ImportedMessage, Position, SenderClass};
use crate::store::{ImportSummary, NewMessage, Relabel, Store, StoreError, store_err};
use staging::{Replay, Staging};

/// Why an import failed: the file, or the database.
#[derive(Debug)]
pub enum ImportFailure {
    File(ImportError),
    Store(StoreError),
}

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportFailure::File(e) => e.fmt(f),
            ImportFailure::Store(e) => e.fmt(f),
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
    merge(store, line, staged, classifier)
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
/// only; a file that another line already holds is refused.
pub fn merge(
    store: &mut Store,
    line: &str,
    staged: Staged,
    classifier: &Classifier,
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
    let tx = store
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
    {
        let mut writer = tx.writer().map_err(ImportFailure::Store)?;
        rows.replay(|m| writer.store(m)).map_err(|e| match e {
            Replay::Each(e) => ImportFailure::Store(e),
            Replay::Io(e) => ImportFailure::Store(store_err(format!(
                "cannot read the import's staging file back: {e}"
            ))),
        })?;
        report.new = writer.new;
        report.duplicates = writer.duplicates;
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

/// One message made ready for the database on the reading thread.
struct Prepared {
    msg: ImportedMessage,
    key: Arc<str>,
    class: SenderClass,
    dlt: Option<char>,
    classification: Classification,
    dedupe: i64,
}

impl Prepared {
    /// The row the store writes.
    fn row(&self) -> NewMessage<'_> {
        let msg = &self.msg;
        let c = &self.classification;
        let (brand, brand_from_prefix) = match &c.brand {
            Some((name, BrandSource::Signature)) => (Some(name.as_str()), false),
            Some((name, BrandSource::Prefix)) => (Some(name.as_str()), true),
            None => (None, false),
        };
        NewMessage {
            sender_key: &self.key,
            sender_class: self.class.as_str(),
            dlt_suffix: self.dlt,
            address: msg.address.trim(),
            direction: msg.direction,
            ts_ms: msg.timestamp_ms,
            utc_offset_s: msg.utc_offset_s,
            body: &msg.body,
            channel: msg.channel.as_str(),
            contact_name: msg.contact_name.as_deref(),
            hint: msg.hint.as_deref(),
            dedupe: self.dedupe,
            kind: c.kind.as_str(),
            rule_id: Some(c.rule_id.as_str()),
            reason: c.evidence.as_ref().map(|e| e.text.as_str()),
            brand,
            brand_from_prefix,
            optout_keyword: c.instruction.as_ref().map(|i| i.keyword.as_str()),
            optout_target: c.instruction.as_ref().and_then(|i| i.target.as_deref()),
        }
    }
}

/// Classifies `msg` from `sender` (key, class, DLT suffix) and computes its
/// dedupe key.
fn prepare(classifier: &Classifier, msg: ImportedMessage, (key, class, dlt): Sender) -> Prepared {
    let classification = classifier.classify_dlt(
        &MessageFeatures {
            from_contact: msg.contact_name.is_some(),
            direction: msg.direction,
            sender_class: class,
            body: &msg.body,
            hint: msg.hint.as_deref(),
        },
        dlt,
    );
    let dedupe = dedupe_key(&key, msg.direction, msg.timestamp_ms, &msg.body);
    Prepared {
        msg,
        key,
        class,
        dlt,
        classification,
        dedupe,
    }
}

/// Messages travel between the threads in batches: one channel operation
/// per batch.
const BATCH: usize = 512;
/// Batches in flight on each channel (bounds the memory between threads),
/// and at most this many classifying threads (one per core).
const BATCHES_IN_FLIGHT: usize = 4;
const MAX_CLASSIFIERS: usize = 4;

/// A message read and its sender (key, class, DLT suffix), to classify.
type Read = (ImportedMessage, Sender);
type Sender = (Arc<str>, SenderClass, Option<char>);

/// Reads one file on several threads: the importer (read, parse) and
/// sender normalisation on a reader thread; classification and dedupe
/// hashing on one thread per core, batch `i` on classifier `i % n`; the rows
/// appended to `staged` on this one, taking batch `i` from classifier
/// `i % n`, so they stay in the file's order. Memory stays bounded by the
/// channels. (The SHA-256 is on another: [`import::HashingReader`].)
fn pipeline(
    staged: &mut Staging,
    path: &Path,
    format: Format,
    options: &ImportOptions,
    classifier: &Classifier,
    region: &Region,
    progress: &dyn Progress,
) -> Result<(import::SourceFile, ImportReport), ImportFailure> {
    let n = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, MAX_CLASSIFIERS);
    let position = AtomicProgress::default();
    std::thread::scope(|scope| {
        let mut to_classifiers = Vec::with_capacity(n);
        let mut from_classifiers = Vec::with_capacity(n);
        let mut classifiers = Vec::with_capacity(n);
        for _ in 0..n {
            let (to, read) = mpsc::sync_channel::<Vec<Read>>(BATCHES_IN_FLIGHT);
            let (done, prepared) = mpsc::sync_channel::<Vec<Prepared>>(BATCHES_IN_FLIGHT);
            // Its own regex caches, freed when the thread ends.
            let classifier = classifier.with_own_caches();
            classifiers.push(scope.spawn(move || {
                for batch in read {
                    let batch = batch
                        .into_iter()
                        .map(|(msg, sender)| prepare(&classifier, msg, sender))
                        .collect();
                    if done.send(batch).is_err() {
                        break;
                    }
                }
            }));
            to_classifiers.push(to);
            from_classifiers.push(prepared);
        }
        let position = &position;
        let reader = scope.spawn(move || {
            let mut sink = Prepare {
                out: to_classifiers,
                next: 0,
                batch: Vec::with_capacity(BATCH),
                region,
                normalised: HashMap::new(),
                report: ImportReport::default(),
            };
            let result = import::read_file(path, format, options, &mut sink, position);
            let result = result.and_then(|source| sink.flush().map(|()| source));
            (result, sink.report)
        });
        let mut failed = None;
        // Batch i comes from classifier i % n; a closed channel is the end.
        'batches: for turn in (0..n).cycle() {
            let Ok(batch) = from_classifiers[turn].recv() else {
                break;
            };
            for p in batch {
                if let Err(e) = staged.push(&p.row()) {
                    failed = Some(e);
                    break 'batches;
                }
            }
            progress.set_position(position.0.load(Ordering::Relaxed));
        }
        // Hang up first: a thread blocked on a full channel then stops.
        drop(from_classifiers);
        let panicked = || ImportFailure::Store(store_err("the import thread panicked"));
        // A classifier that panicked closed its channel early: not the end.
        for c in classifiers {
            c.join().map_err(|_| panicked())?;
        }
        let (result, report) = reader.join().map_err(|_| panicked())?;
        if let Some(e) = failed {
            return Err(ImportFailure::Store(store_err(format!(
                "cannot write the import's staging file: {e}"
            ))));
        }
        let source = result.map_err(ImportFailure::File)?;
        progress.set_position(position.0.load(Ordering::Relaxed));
        Ok((source, report))
    })
}

/// Progress seen by the reader thread, passed on by the writer.
#[derive(Default)]
struct AtomicProgress(AtomicU64);

impl Progress for AtomicProgress {
    fn set_position(&self, bytes: u64) {
        self.0.store(bytes, Ordering::Relaxed);
    }
}

/// The reader thread's sink: normalise (once per raw address), batch, and
/// hand each batch to the next classifier in turn.
struct Prepare<'a> {
    out: Vec<mpsc::SyncSender<Vec<Read>>>,
    /// The classifier the next batch goes to.
    next: usize,
    batch: Vec<Read>,
    region: &'a Region,
    normalised: HashMap<String, Sender>,
    report: ImportReport,
}

impl Prepare<'_> {
    fn flush(&mut self) -> Result<(), ImportError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let to = &self.out[self.next];
        self.next = (self.next + 1) % self.out.len();
        to.send(batch)
            .map_err(|_| ImportError::new(Path::new("database"), "the database stopped the import"))
    }
}

impl MessageSink for Prepare<'_> {
    fn message(&mut self, msg: ImportedMessage) -> Result<(), ImportError> {
        let raw = msg.address.trim();
        let sender = if let Some(known) = self.normalised.get(raw) {
            known.clone()
        } else {
            let n = normalize_sender(raw, self.region);
            let entry = (Arc::<str>::from(n.key), n.class, n.dlt_suffix);
            self.normalised.insert(raw.to_string(), entry.clone());
            entry
        };
        self.batch.push((msg, sender));
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn skipped_undelivered(&mut self) {
        self.report.skipped_undelivered += 1;
    }

    fn rejected(&mut self, position: Option<Position>, reason: String) {
        self.report.rejected += 1;
        if self.report.rejected_samples.len() < MAX_REJECTED_SAMPLES {
            self.report.rejected_samples.push((position, reason));
        }
    }
}

const MAX_REJECTED_SAMPLES: usize = 20;
