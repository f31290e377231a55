//! The reading half of an import, on several threads: the importer (read,
//! parse) and sender normalisation on a reader thread; classification and
//! dedupe hashing on one thread per core; the rows appended to the staging
//! file on the calling thread, in the file's order.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use super::staging::Staging;
use super::{ImportFailure, ImportReport, dedupe_key};
use crate::classify::{Classification, Classifier, MessageFeatures, Region, normalize_sender};
use crate::import::{self, Format, ImportError, ImportOptions, MessageSink, Progress};
use crate::model::{BrandSource, ImportedMessage, Position, SenderClass};
use crate::store::{NewMessage, store_err};

/// One message made ready for the database on the reading thread.
pub(super) struct Prepared {
    msg: ImportedMessage,
    key: Arc<str>,
    class: SenderClass,
    dlt: Option<char>,
    classification: Classification,
    dedupe: i64,
}

impl Prepared {
    /// The row the store writes.
    pub(super) fn row(&self) -> NewMessage<'_> {
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
pub(super) fn prepare(
    classifier: &Classifier,
    msg: ImportedMessage,
    (key, class, dlt): Sender,
) -> Prepared {
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
pub(super) fn pipeline(
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
        let mut cancelled = false;
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
            if progress.cancelled() {
                cancelled = true;
                break;
            }
        }
        // Hang up first: a thread blocked on a full channel then stops.
        drop(from_classifiers);
        let panicked = || ImportFailure::Store(store_err("the import thread panicked"));
        // A classifier that panicked closed its channel early: not the end.
        for c in classifiers {
            c.join().map_err(|_| panicked())?;
        }
        let (result, report) = reader.join().map_err(|_| panicked())?;
        // The reader stopped because the channels closed: not its error.
        if cancelled {
            return Err(ImportFailure::Cancelled);
        }
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
