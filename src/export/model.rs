//! The evidence model: the serialisable structs every format renders, and their integrity hash.

use serde::Serialize;

/// Version of the evidence model; bumped when a field changes meaning or is
/// added. 2 added `reporter_id`; 3 added each message's `reason` (the rule
/// and the words that decided its kind). Older documents (without them)
/// still verify, since the hash is recomputed from the file's own fields.
///
/// The reason is covered by the hash like every other field: it is derived
/// (another rules version may decide differently, which is why
/// `rules_version` is written alongside), but it is what this document
/// states about each message, so changing it afterwards must show.
pub const EVIDENCE_VERSION: u32 = 3;

/// How the integrity hash is computed, as written into every export.
pub const CANONICAL_FORM: &str = "sha256 of the compact JSON (no spaces) of this document with \"integrity\" set to null, keys in document order, non-ASCII characters as UTF-8 (not \\u-escaped, even those this file writes as \\u escapes)";

// Field order is part of the format (and of the hash).

/// Everything one export says, in every format.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Evidence {
    pub evidence_version: u32,
    /// `CARGO_PKG_VERSION` of the optout that wrote it.
    pub optout_version: String,
    /// The classification rules the messages were labelled with.
    pub rules_version: Option<String>,
    /// The zone used for times stored without an offset.
    pub zone: String,
    pub redacted: bool,
    /// The pseudonymous id of the line (phone or person) the evidence is
    /// from: random, made once per line at its first export (or the id of
    /// the reporter whose bundle made the line), so an advocate can keep one
    /// reporter's bundles together without learning who they are. `None`
    /// only for a document that spans several lines.
    pub reporter_id: Option<String>,
    pub selection: SelectionRecord,
    pub policy: PolicyRecord,
    pub summary: Summary,
    pub offenders: Vec<Offender>,
    /// Every import a listed message came from.
    pub imports: Vec<ImportProvenance>,
    /// Outside the hash: `null` while hashing.
    pub integrity: Option<Integrity>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SelectionRecord {
    pub senders: Vec<String>,
    pub brands: Vec<String>,
    pub statuses: Vec<String>,
    pub since: Option<TimeRecord>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PolicyRecord {
    /// `24h`, `2d`, `10bd` (business days) …
    pub grace: String,
    pub grace_us: String,
    pub confirmation_window_hours: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub offenders: u64,
    pub senders: u64,
    /// Messages listed in the evidence (instructions, opt-outs,
    /// confirmations, in flight, violations).
    pub messages: u64,
    pub violations: u64,
    pub in_flight: u64,
}

/// One section: a sender, or a brand with all its numbers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Offender {
    /// `sender` or `brand`.
    pub scope: &'static str,
    /// The sender key or the brand name.
    pub name: String,
    pub brand: Option<String>,
    pub status: &'static str,
    /// `commercial_advertising` (商业广告) or `financial_marketing` (金融营销).
    pub category: &'static str,
    pub senders: Vec<SenderIdentity>,
    pub instruction: Option<Instruction>,
    pub optout: Option<OptOutRecord>,
    pub confirmation: Option<EvidenceMessage>,
    pub resubscribed: Option<TimeRecord>,
    pub counts: Counts,
    /// Marketing received after the opt-out plus grace, oldest first.
    pub violations: Vec<EvidenceMessage>,
    /// Marketing received inside the grace period.
    pub in_flight: Vec<EvidenceMessage>,
    /// How many violations and in-flight messages the evidence lists (not
    /// serialised: the JSON lists them all). In a streamed export's HTML the
    /// two lists above hold only the first and last messages of these.
    #[serde(skip)]
    pub listed: Listed,
}

/// The exact number of messages a section lists, whatever a page shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listed {
    pub violations: u64,
    pub in_flight: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SenderIdentity {
    pub key: String,
    /// Every raw address the exports wrote for it.
    pub aliases: Vec<String>,
    pub class: &'static str,
    pub kind: &'static str,
    /// `cn`, `us` or `other`: whose opt-out rules and grace applied.
    pub jurisdiction: &'static str,
    pub status: &'static str,
    /// Where a complaint about this number goes: `12321` (China), `fcc_ftc`
    /// (US), `7726` (UK), or `unknown`.
    pub complaint_to: &'static str,
}

/// The opt-out instruction the sender advertised.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: String,
    /// Where to send it (the sender itself unless the message named another number).
    pub target: String,
    pub message: Option<EvidenceMessage>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OptOutRecord {
    /// A record the user made (`optout record-optout`), not a message in the export.
    pub manual: bool,
    /// How a manual opt-out was made (phone-call, app …).
    pub channel: Option<String>,
    pub note: Option<String>,
    /// The word replied (`None` for manual records).
    pub keyword: Option<String>,
    /// The number the reply went to, or the sender/brand of a manual record.
    pub to: String,
    pub at: TimeRecord,
    /// The reply as stored.
    pub message: Option<EvidenceMessage>,
    pub grace: String,
    pub grace_ends: TimeRecord,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub marketing_received: u64,
    /// The first marketing message received from these numbers.
    pub first_marketing: Option<TimeRecord>,
    pub marketing_before_optout: u64,
    /// Violations over the whole history (the list may be cut by `since`).
    pub marketing_after_optout: u64,
    pub in_flight: u64,
    pub first_violation: Option<TimeRecord>,
    pub last_violation: Option<TimeRecord>,
}

/// A time as received: in the original offset and in UTC.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TimeRecord {
    pub ts_ms: i64,
    /// RFC 3339 in the offset the message was received in.
    pub local: String,
    /// RFC 3339 in UTC (`Z`).
    pub utc: String,
    /// `message` when the export recorded the offset, `zone` when the
    /// time-zone setting supplied it.
    pub offset_source: &'static str,
}

/// One message, verbatim, with where it came from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EvidenceMessage {
    pub message_id: i64,
    /// `instruction`, `opt_out`, `confirmation`, `in_flight` or `violation`.
    pub role: &'static str,
    pub sender: String,
    /// The address as the export wrote it.
    pub address: String,
    /// `in` or `out`.
    pub direction: &'static str,
    pub kind: String,
    /// Why the message has its kind: the rule and the words that fired, as
    /// decided by `rules_version`. `None` for a message stored without one.
    pub reason: Option<Reason>,
    pub channel: String,
    pub time: TimeRecord,
    pub text: String,
    pub days_since_optout: Option<i64>,
    /// For US senders (FCC rules count business days).
    pub business_days_since_optout: Option<i64>,
    pub import_id: i64,
    pub source_sha256: String,
}

/// The classifier's reason for a message's kind.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reason {
    /// The rule id (`zh.mkt.price`, `dlt.declared-promotional` …).
    pub rule: String,
    /// The words of the message that fired it, when a rule matched words.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportProvenance {
    pub import_id: i64,
    /// The file name only (never the directory, which may name the user).
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub format: String,
    pub imported_at: TimeRecord,
    pub optout_version: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Integrity {
    pub algorithm: &'static str,
    pub canonical_form: &'static str,
    pub sha256: String,
    /// When this file was written (not covered by the hash).
    pub generated_at: TimeRecord,
}

impl Evidence {
    /// The hash, once [`build_evidence`](super::build_evidence) has set it.
    pub fn sha256(&self) -> &str {
        self.integrity.as_ref().map_or("", |i| i.sha256.as_str())
    }

    /// Every message listed, each once.
    pub fn message_count(&self) -> u64 {
        self.summary.messages
    }
}

/// The canonical JSON: compact, `integrity` null, keys in struct order.
pub fn canonical_json(evidence: &Evidence) -> Vec<u8> {
    let mut bare = evidence.clone();
    bare.integrity = None;
    serde_json::to_vec(&bare).expect("the evidence model always serialises")
}

/// SHA-256 (lower-case hex) of [`canonical_json`], by
/// [`crate::text::canonical::canonical_sha256`]: the function an import
/// recomputes a bundle's hash with.
pub fn integrity_sha256(evidence: &Evidence) -> String {
    let mut bare = evidence.clone();
    bare.integrity = None;
    crate::text::canonical::canonical_sha256(&bare).expect("the evidence model always serialises")
}

/// Every message of a section, each once, in document order.
pub fn offender_messages(o: &Offender) -> Vec<&EvidenceMessage> {
    let mut out: Vec<&EvidenceMessage> = Vec::new();
    let candidates = o
        .instruction
        .as_ref()
        .and_then(|i| i.message.as_ref())
        .into_iter()
        .chain(o.optout.as_ref().and_then(|x| x.message.as_ref()))
        .chain(o.confirmation.as_ref())
        .chain(o.in_flight.iter())
        .chain(o.violations.iter());
    for m in candidates {
        if !out.iter().any(|x| x.message_id == m.message_id) {
            out.push(m);
        }
    }
    out
}
