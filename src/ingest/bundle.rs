//! Importing an evidence bundle (another optout user's JSON export) onto
//! the line of its reporter, in one transaction like any import.
//!
//! Which line: `--line NAME` if given, else the line that already holds this
//! reporter's bundles, else a new line named by the reporter id (its first
//! 8 hex digits; the whole id is kept in `lines.reporter_id`). A line
//! holds one person: a bundle is refused on a line with another reporter's
//! messages (or with messages of no bundle), and a reporter's bundles never
//! spread over two lines, so one person's opt-out never covers another's
//! messages.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::pipeline::prepare;
use super::{ImportFailure, ImportReport};
use crate::classify::{Classifier, Region, normalize_sender};
use crate::import::bundle::{self, Bundle};
use crate::import::{Format, ImportError};
use crate::model::SenderClass;
use crate::store::{ImportSummary, SourceImport, Store};

/// Verifies the bundle at `path` and stores its messages, sources and
/// manual records on the reporter's line (or `line`, when given). A bundle
/// whose integrity hash does not match its content is refused and the
/// database is left as it was.
pub fn import_bundle(
    store: &mut Store,
    line: Option<&str>,
    path: &Path,
    classifier: &Classifier,
    region: &Region,
) -> Result<ImportReport, ImportFailure> {
    let started = Instant::now();
    let bundle = bundle::read(path).map_err(ImportFailure::File)?;
    let line = line_for(store, line, &bundle, path)?;
    let format = Format::EvidenceBundle.as_str();
    let tx = store
        .begin_import(path, format, &line)
        .map_err(ImportFailure::Store)?;
    let shas = std::iter::once(bundle.sha256.as_str())
        .chain(bundle.sources.iter().map(|s| s.sha256.as_str()))
        .filter(|s| !s.is_empty());
    for sha in shas {
        if let Some(other) = tx.file_on_other_line(sha).map_err(ImportFailure::Store)? {
            return Err(refused(
                path,
                &format!(
                    "this bundle (or a file it cites) is already imported on the line '{other}': one person's messages belong to one line (import it with --line {other}, or remove that line first)"
                ),
            ));
        }
    }
    let mut source_ids = Vec::with_capacity(bundle.sources.len());
    for s in &bundle.sources {
        let id = tx
            .source_import(&SourceImport {
                file_name: &s.file_name,
                sha256: &s.sha256,
                size: s.size,
                format,
                imported_at_ms: s.imported_at_ms,
                optout_version: &s.optout_version,
                zone: Some(&bundle.zone),
            })
            .map_err(ImportFailure::Store)?;
        source_ids.push(id);
    }
    let mut report = ImportReport::default();
    {
        let mut writer = tx.writer().map_err(ImportFailure::Store)?;
        let mut normalised: HashMap<String, (Arc<str>, SenderClass, Option<char>)> = HashMap::new();
        for m in &bundle.messages {
            // The reporter's sender key (an E.164 number, a short code…)
            // normalises to itself whatever our region, so their numbers
            // stay theirs; the raw address is kept as written.
            let raw = if m.sender.trim().is_empty() {
                m.message.address.trim()
            } else {
                m.sender.trim()
            };
            let sender = normalised
                .entry(raw.to_string())
                .or_insert_with(|| {
                    let n = normalize_sender(raw, region);
                    (Arc::<str>::from(n.key), n.class, n.dlt_suffix)
                })
                .clone();
            let p = prepare(classifier, m.message.clone(), sender);
            let import_id = source_ids.get(m.source).copied().unwrap_or(tx.import_id());
            writer
                .store_in(&p.row(), import_id)
                .map_err(ImportFailure::Store)?;
        }
        report.new = writer.new;
        report.duplicates = writer.duplicates;
    }
    for r in &bundle.manual {
        let added = tx
            .add_manual_optout(
                r.brand,
                &r.name,
                r.at_ms,
                r.utc_offset_s,
                &r.channel,
                r.note.as_deref(),
            )
            .map_err(ImportFailure::Store)?;
        report.manual_new += u64::from(added);
    }
    let seen = tx
        .file_on_this_line(&bundle.sha256)
        .map_err(ImportFailure::Store)?;
    if seen && report.new == 0 && report.manual_new == 0 {
        // The same bundle again: nothing to add, not even a record of it
        // (dropping the transaction rolls back the rows begun above).
        report.line.clone_from(&line);
        report.sha256.clone_from(&bundle.sha256);
        report.size = bundle.size;
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }
    tx.mark_line(bundle.reporter_id.as_deref(), bundle.redacted)
        .map_err(ImportFailure::Store)?;
    report.import_id = tx.import_id();
    report.sha256.clone_from(&bundle.sha256);
    report.size = bundle.size;
    report.line.clone_from(&line);
    tx.commit(&ImportSummary {
        sha256: &bundle.sha256,
        size: bundle.size,
        new: report.new,
        duplicates: report.duplicates,
        skipped: 0,
        rejected: 0,
        source_zone: Some(&bundle.zone),
        rules_version: classifier.version(),
    })
    .map_err(ImportFailure::Store)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// A new reporter's line name: the first 8 hex digits of the id (short
/// enough to read and type), longer when another line has that name.
fn short_name(reporter_id: &str, taken: impl Fn(&str) -> bool) -> String {
    [8, 12, 16, 24]
        .into_iter()
        .filter_map(|n| reporter_id.get(..n))
        .find(|n| !taken(n))
        .unwrap_or(reporter_id)
        .to_string()
}

fn refused(path: &Path, why: &str) -> ImportFailure {
    ImportFailure::File(ImportError::new(path, why))
}

/// The line a bundle goes to, or why it may not go where it was sent.
/// Every look-up is by an index (never a scan of the messages), so the
/// cost does not grow with the casebook.
fn line_for(
    store: &Store,
    asked: Option<&str>,
    bundle: &Bundle,
    path: &Path,
) -> Result<String, ImportFailure> {
    let reporter = bundle.reporter_id.as_deref();
    let of_reporter = match reporter {
        Some(r) => store.line_of_reporter(r).map_err(ImportFailure::Store)?,
        None => None,
    };
    let name = match (asked, reporter) {
        (Some(name), _) => name.to_string(),
        (None, Some(r)) => {
            if let Some(l) = &of_reporter {
                l.name.clone()
            } else {
                let mut taken = Vec::new();
                for n in [8, 12, 16, 24].into_iter().filter_map(|n| r.get(..n)) {
                    if store.line_id(n).map_err(ImportFailure::Store)?.is_some() {
                        taken.push(n.to_string());
                    }
                }
                short_name(r, |n| taken.iter().any(|t| t == n))
            }
        }
        (None, None) => {
            return Err(refused(
                path,
                &format!(
                    "this bundle (evidence version {}) names no reporter: say whose line it is with --line NAME",
                    bundle.evidence_version
                ),
            ));
        }
    };
    if let (Some(r), Some(l)) = (reporter, &of_reporter)
        && l.name != name
    {
        return Err(refused(
            path,
            &format!(
                "the bundles of reporter {r} are on the line '{}': one person's messages belong to one line (import it with --line {}, or without --line)",
                l.name, l.name
            ),
        ));
    }
    let Some(target) = store.line_by_name(&name).map_err(ImportFailure::Store)? else {
        return Ok(name);
    };
    let has_messages = || {
        store
            .line_has_messages(target.id)
            .map_err(ImportFailure::Store)
    };
    match (target.reporter_id.as_deref(), reporter) {
        (Some(held), Some(r)) if held != r => {
            return Err(refused(
                path,
                &format!(
                    "the line '{name}' holds the messages of another reporter ({held}): one person's opt-outs must never cover another's messages (import it without --line, or name a new line)"
                ),
            ));
        }
        (None, Some(_)) if has_messages()? => {
            return Err(refused(
                path,
                &format!(
                    "the line '{name}' holds messages that came from no bundle of this reporter: one person's opt-outs must never cover another's messages (import it without --line, or name a new line)"
                ),
            ));
        }
        _ => {}
    }
    if target.redacted != bundle.redacted && has_messages()? {
        let (this, held) = if bundle.redacted {
            ("redacted", "unredacted")
        } else {
            ("unredacted", "redacted")
        };
        return Err(refused(
            path,
            &format!(
                "this bundle is {this} but the line '{name}' holds {held} messages: the same messages would be stored twice with different texts (ask the reporter for the {held} export, or remove the line first)"
            ),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn a_line_name_grows_only_when_a_shorter_one_is_taken() {
        let id = "19637114b14d52c61b9cb75ffb2e8c2b";
        assert_eq!(short_name(id, |_| false), "19637114");
        assert_eq!(short_name(id, |n| n == "19637114"), "19637114b14d");
        assert_eq!(short_name(id, |n| n.len() < 32), id);
    }
}
