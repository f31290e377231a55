//! Evidence bundles: the JSON evidence export (`optout export --format
//! json`) of another optout user, read back as messages.
//!
//! The bundle's integrity hash is recomputed from the file's own text
//! ([`crate::text::canonical::document_sha256`], the function the export
//! hashes with) before anything else is read; a file whose content does not
//! hash to the value it carries is refused. What comes out is the messages
//! it cites (with their original times, offsets, texts, directions,
//! addresses and source files), the manual opt-out records, the reporter id
//! and whether it was redacted. The kinds the file states are not read: the
//! importing side classifies every message with its own rules.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::{
    Channel, Direction, ImportError, ImportedMessage, MessageSink, Position, SourceFile, deliver,
    read_small,
};

/// The newest evidence model this optout reads.
pub const NEWEST_VERSION: u32 = 3;

/// The largest bundle read (it is verified whole, in memory): 128 MiB,
/// about 150,000 messages.
pub const MAX_BUNDLE: u64 = 128 * 1024 * 1024;

/// One verified bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub evidence_version: u32,
    /// The pseudonymous id of the line it came from (`None` before
    /// evidence version 2).
    pub reporter_id: Option<String>,
    pub redacted: bool,
    /// The zone its times without an offset were shown in.
    pub zone: String,
    /// The integrity hash it carries (and its content has).
    pub integrity: String,
    /// The bundle file's own SHA-256 and size.
    pub sha256: String,
    pub size: u64,
    /// Every source file its messages came from, each once.
    pub sources: Vec<BundleSource>,
    /// Every message it lists, each once.
    pub messages: Vec<BundleMessage>,
    pub manual: Vec<ManualRecord>,
}

/// A file the reporter imported, as their evidence cites it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleSource {
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    /// When the reporter imported it.
    pub imported_at_ms: i64,
    pub optout_version: String,
}

#[derive(Debug, Clone)]
pub struct BundleMessage {
    /// Index into [`Bundle::sources`].
    pub source: usize,
    /// The sender key the reporter's optout gave it.
    pub sender: String,
    pub message: ImportedMessage,
}

/// An opt-out the reporter recorded by hand (`optout record-optout`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualRecord {
    /// A brand-wide record, not one number's.
    pub brand: bool,
    pub name: String,
    pub at_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub channel: String,
    pub note: Option<String>,
}

/// Whether the start of a file looks like an evidence document.
pub fn looks_like_bundle(head: &str) -> bool {
    let rest = head.trim_start_matches('\u{feff}').trim_start();
    rest.strip_prefix('{')
        .is_some_and(|r| r.trim_start().starts_with("\"evidence_version\""))
}

/// Reads and verifies the bundle at `path`.
pub fn read(path: &Path) -> Result<Bundle, ImportError> {
    let bytes = read_small(path, MAX_BUNDLE)?;
    let (sha256, size) = (
        crate::text::canonical::hex(&sha2::Digest::finalize(
            <sha2::Sha256 as sha2::Digest>::new_with_prefix(&bytes),
        )),
        bytes.len() as u64,
    );
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        ImportError::new(
            path,
            "an evidence bundle is UTF-8 JSON; this file is not UTF-8",
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let not_json = |e: serde_json::Error| {
        ImportError::new(path, format!("not a readable evidence bundle: {e}"))
            .at(Position::Line {
                line: e.line() as u64,
                column: e.column() as u64,
            })
            .hint("import the file exactly as `optout export --format json` wrote it")
    };
    let hash = crate::text::canonical::document_sha256(text).map_err(not_json)?;
    let Some(claimed) = hash.claimed.clone() else {
        return Err(
            ImportError::new(path, "this evidence bundle carries no integrity hash")
                .hint("import the file exactly as `optout export --format json` wrote it"),
        );
    };
    if !hash.matches() {
        return Err(ImportError::new(
            path,
            format!(
                "the file was altered after export: it says its integrity hash is {claimed}, but its content hashes to {}",
                hash.computed
            ),
        )
        .hint("nothing was imported; ask the reporter for the file exactly as optout exported it"));
    }
    let doc: Doc = serde_json::from_str(text).map_err(not_json)?;
    if doc.evidence_version == 0 || doc.evidence_version > NEWEST_VERSION {
        return Err(ImportError::new(
            path,
            format!(
                "evidence version {} is not one this optout reads (1 to {NEWEST_VERSION})",
                doc.evidence_version
            ),
        )
        .hint("upgrade optout"));
    }
    if let Some(id) = doc
        .reporter_id
        .as_ref()
        .filter(|id| !(8..=64).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(ImportError::new(
            path,
            format!(
                "its reporter_id '{}' is not one optout writes (8 to 64 hex digits)",
                crate::text::sanitize(id)
            ),
        ));
    }
    convert(path, doc, claimed, sha256, size)
}

/// Pushes the bundle's messages into `sink` (for `read_file`: the sources
/// and manual records are only kept by `ingest::import_bundle`).
pub fn read_into(path: &Path, sink: &mut dyn MessageSink) -> Result<SourceFile, ImportError> {
    let bundle = read(path)?;
    for (i, m) in bundle.messages.into_iter().enumerate() {
        deliver(sink, Some(Position::Record(i as u64 + 1)), m.message)?;
    }
    Ok(SourceFile {
        sha256: bundle.sha256,
        size: bundle.size,
        zone: Some(bundle.zone),
        declared: None,
    })
}

fn convert(
    path: &Path,
    doc: Doc,
    integrity: String,
    sha256: String,
    size: u64,
) -> Result<Bundle, ImportError> {
    let mut sources: Vec<BundleSource> = Vec::new();
    let mut by_import: HashMap<i64, usize> = HashMap::new();
    let mut source_of = |import_id: i64, sha: &str, sources: &mut Vec<BundleSource>| -> usize {
        if let Some(&i) = by_import.get(&import_id) {
            return i;
        }
        let cited = doc.imports.iter().find(|i| i.import_id == import_id);
        let source = BundleSource {
            file_name: cited.map_or_else(|| "(unnamed source)".into(), |c| c.file_name.clone()),
            sha256: sha.to_string(),
            size: cited.map_or(0, |c| c.size),
            imported_at_ms: cited.map_or(0, |c| c.imported_at.ts_ms),
            optout_version: cited.map_or_else(String::new, |c| c.optout_version.clone()),
        };
        let i = sources
            .iter()
            .position(|s| *s == source)
            .unwrap_or_else(|| {
                sources.push(source);
                sources.len() - 1
            });
        by_import.insert(import_id, i);
        i
    };
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    let mut messages = Vec::new();
    let mut manual = Vec::new();
    for o in &doc.offenders {
        let cited = o
            .instruction
            .iter()
            .filter_map(|i| i.message.as_ref())
            .chain(o.optout.iter().filter_map(|x| x.message.as_ref()))
            .chain(o.confirmation.iter())
            .chain(o.in_flight.iter())
            .chain(o.violations.iter());
        for m in cited {
            if !seen.insert((m.import_id, m.message_id)) {
                continue;
            }
            let source = source_of(m.import_id, &m.source_sha256, &mut sources);
            messages.push(BundleMessage {
                source,
                sender: m.sender.clone(),
                message: m.to_imported(path)?,
            });
        }
        if let Some(x) = o.optout.as_ref().filter(|x| x.manual) {
            let is_number = o.senders.iter().any(|s| s.key == x.to);
            let record = ManualRecord {
                brand: !is_number
                    && (o.brand.as_deref() == Some(x.to.as_str())
                        || (o.scope == "brand" && o.name == x.to)),
                name: x.to.clone(),
                at_ms: x.at.ts_ms,
                utc_offset_s: x.at.offset(),
                channel: x.channel.clone().unwrap_or_else(|| "other".into()),
                note: x.note.clone(),
            };
            if !manual.contains(&record) {
                manual.push(record);
            }
        }
    }
    Ok(Bundle {
        evidence_version: doc.evidence_version,
        reporter_id: doc.reporter_id,
        redacted: doc.redacted,
        zone: doc.zone,
        integrity,
        sha256,
        size,
        sources,
        messages,
        manual,
    })
}

// The fields read of the evidence model (`export/model.rs`); others are
// covered by the hash and otherwise ignored.

#[derive(Deserialize)]
struct Doc {
    evidence_version: u32,
    #[serde(default)]
    reporter_id: Option<String>,
    redacted: bool,
    zone: String,
    offenders: Vec<DocOffender>,
    imports: Vec<DocImport>,
}

#[derive(Deserialize)]
struct DocOffender {
    scope: String,
    name: String,
    brand: Option<String>,
    senders: Vec<DocSender>,
    instruction: Option<DocInstruction>,
    optout: Option<DocOptOut>,
    confirmation: Option<DocMessage>,
    violations: Vec<DocMessage>,
    in_flight: Vec<DocMessage>,
}

#[derive(Deserialize)]
struct DocSender {
    key: String,
}

#[derive(Deserialize)]
struct DocInstruction {
    message: Option<DocMessage>,
}

#[derive(Deserialize)]
struct DocOptOut {
    manual: bool,
    channel: Option<String>,
    note: Option<String>,
    to: String,
    at: DocTime,
    message: Option<DocMessage>,
}

#[derive(Deserialize)]
struct DocMessage {
    message_id: i64,
    sender: String,
    address: String,
    direction: String,
    channel: String,
    time: DocTime,
    text: String,
    import_id: i64,
    source_sha256: String,
}

#[derive(Deserialize)]
struct DocTime {
    ts_ms: i64,
    local: String,
    offset_source: String,
}

#[derive(Deserialize)]
struct DocImport {
    import_id: i64,
    file_name: String,
    size: u64,
    imported_at: DocTime,
    optout_version: String,
}

impl DocTime {
    /// The offset the message was received in, when the reporter's export
    /// recorded one (`local` ends in `+08:00`); `None` when their zone
    /// setting supplied it.
    fn offset(&self) -> Option<i32> {
        if self.offset_source != "message" {
            return None;
        }
        let tail: Vec<char> = self.local.chars().rev().take(6).collect();
        let tail: String = tail.into_iter().rev().collect();
        let (sign, rest) = match tail.chars().next() {
            Some('+') => (1, tail.trim_start_matches('+')),
            Some('-') => (-1, tail.trim_start_matches('-')),
            _ => return None,
        };
        let (h, m) = rest.split_once(':')?;
        let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
        Some(sign * (h * 3600 + m * 60))
    }
}

impl DocMessage {
    fn to_imported(&self, path: &Path) -> Result<ImportedMessage, ImportError> {
        let direction = match self.direction.as_str() {
            "in" => Direction::Incoming,
            "out" => Direction::Outgoing,
            other => {
                return Err(ImportError::new(
                    path,
                    format!(
                        "message {}: direction '{}' is neither in nor out",
                        self.message_id,
                        crate::text::sanitize(other)
                    ),
                ));
            }
        };
        let channel = match self.channel.as_str() {
            "mms" => Channel::Mms,
            "imessage" => Channel::IMessage,
            "rcs" => Channel::Rcs,
            _ => Channel::Sms,
        };
        Ok(ImportedMessage {
            direction,
            address: self.address.clone(),
            timestamp_ms: self.time.ts_ms,
            utc_offset_s: self.time.offset(),
            body: self.text.clone(),
            channel,
            contact_name: None,
            hint: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(local: &str, source: &str) -> DocTime {
        DocTime {
            ts_ms: 0,
            local: local.into(),
            offset_source: source.into(),
        }
    }

    #[test]
    fn offsets_come_from_the_local_time_only_when_the_message_recorded_one() {
        assert_eq!(
            time("2026-03-09T20:11:00+08:00", "message").offset(),
            Some(8 * 3600)
        );
        assert_eq!(
            time("2026-03-09T07:11:00-05:30", "message").offset(),
            Some(-(5 * 3600 + 30 * 60))
        );
        assert_eq!(
            time("2026-03-09T12:11:00+00:00", "message").offset(),
            Some(0)
        );
        assert_eq!(time("2026-03-09T20:11:00+08:00", "zone").offset(), None);
        assert_eq!(time("garbage", "message").offset(), None);
    }

    #[test]
    fn a_bundle_is_recognised_by_its_first_key() {
        assert!(looks_like_bundle("\u{feff}{\n  \"evidence_version\": 2,"));
        assert!(!looks_like_bundle("{\"address\": \"1\"}"));
        assert!(!looks_like_bundle("[{\"evidence_version\": 2}]"));
    }
}
