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

pub mod complaint;
pub mod csv;
pub mod html;
pub mod json;
mod redact;
pub mod strings;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::store::{ImportRecord, Store, StoreError, StoredMessage};
use crate::track::{
    BrandReport, Grace, Jurisdiction, Moment, OptOut, Policy, Report, SenderKind, SenderReport,
    Status, business_days_between, days_between,
};

pub use strings::Lang;

/// Version of the evidence model; bumped when a field changes meaning.
pub const EVIDENCE_VERSION: u32 = 1;

/// How the integrity hash is computed, as written into every export.
pub const CANONICAL_FORM: &str = "sha256 of the compact JSON (no spaces) of this document with \"integrity\" set to null, keys in document order, non-ASCII characters as UTF-8 (not \\u-escaped)";

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

// ---------------------------------------------------------------------------
// The evidence model. Field order is part of the format (and of the hash).
// ---------------------------------------------------------------------------

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
    pub channel: String,
    pub time: TimeRecord,
    pub text: String,
    pub days_since_optout: Option<i64>,
    /// For US senders (FCC rules count business days).
    pub business_days_since_optout: Option<i64>,
    pub import_id: i64,
    pub source_sha256: String,
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
    /// The hash, once [`build_evidence`] has set it.
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

/// SHA-256 (lower-case hex) of [`canonical_json`].
pub fn integrity_sha256(evidence: &Evidence) -> String {
    hex(&Sha256::digest(canonical_json(evidence)))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

// ---------------------------------------------------------------------------
// Building the evidence.
// ---------------------------------------------------------------------------

/// What one section covers.
enum Target<'a> {
    Sender(&'a SenderReport),
    Brand(&'a BrandReport, Vec<&'a SenderReport>),
}

fn select<'a>(report: &'a Report, sel: &Selection) -> Result<Vec<Target<'a>>, ExportError> {
    let explicit = !sel.senders.is_empty() || !sel.brands.is_empty();
    let wanted: Vec<Status> = if sel.statuses.is_empty() && !explicit {
        vec![Status::Violating]
    } else {
        sel.statuses.clone()
    };
    let status_ok = |s: Status| wanted.is_empty() || wanted.contains(&s);
    let mut out = Vec::new();
    let mut brands_taken: Vec<&str> = Vec::new();
    for name in &sel.brands {
        let brand = report
            .brands
            .iter()
            .find(|b| b.brand == *name)
            .ok_or_else(|| ExportError::UnknownBrand(name.clone()))?;
        if brands_taken.contains(&brand.brand.as_str()) || !status_ok(brand.status) {
            continue;
        }
        brands_taken.push(&brand.brand);
        let members = brand
            .senders
            .iter()
            .filter_map(|k| report.senders.iter().find(|s| s.key == *k))
            .collect();
        out.push(Target::Brand(brand, members));
    }
    let mut senders_taken: Vec<&str> = Vec::new();
    for key in &sel.senders {
        let sender = report
            .senders
            .iter()
            .find(|s| s.key == *key)
            .or_else(|| report.senders.iter().find(|s| s.aliases.contains(key)))
            .ok_or_else(|| ExportError::UnknownSender(key.clone()))?;
        let covered = sender
            .brand
            .as_deref()
            .is_some_and(|b| brands_taken.contains(&b));
        if covered || senders_taken.contains(&sender.key.as_str()) || !status_ok(sender.status) {
            continue;
        }
        senders_taken.push(&sender.key);
        out.push(Target::Sender(sender));
    }
    if !explicit {
        for s in &report.senders {
            // With --since, a violating sender needs a violation since then.
            let recent = match (sel.since_ms, s.status) {
                (Some(since), Status::Violating) => {
                    s.findings.violations.iter().any(|m| m.ts_ms >= since)
                }
                _ => true,
            };
            if status_ok(s.status) && recent {
                out.push(Target::Sender(s));
            }
        }
    }
    if out.is_empty() {
        let statuses: Vec<&str> = wanted.iter().map(|s| s.as_str()).collect();
        let what = match (explicit, statuses.is_empty()) {
            (false, _) => format!("sender is {}", statuses.join(" or ")),
            (true, false) => format!("selected sender or brand is {}", statuses.join(" or ")),
            (true, true) => "selected sender or brand".into(),
        };
        let since = if sel.since_ms.is_some() {
            " with messages since the given date"
        } else {
            ""
        };
        return Err(ExportError::NothingSelected(format!("{what}{since}")));
    }
    Ok(out)
}

/// Everything the section builders share.
struct Ctx<'a> {
    messages: HashMap<i64, StoredMessage>,
    imports: HashMap<i64, &'a ImportRecord>,
    manual: Vec<crate::track::ManualOptOut>,
    options: &'a ExportOptions,
    since_ms: Option<i64>,
}

impl Ctx<'_> {
    fn time(&self, ts_ms: i64, utc_offset_s: Option<i32>) -> TimeRecord {
        time_record(ts_ms, utc_offset_s, &self.options.zone)
    }

    /// One stored message in a role; `optout` gives the days since.
    fn message(
        &self,
        id: Option<i64>,
        role: &'static str,
        since: Option<(&OptOut, Jurisdiction)>,
    ) -> Option<EvidenceMessage> {
        let m = self.messages.get(&id?)?;
        Some(self.evidence_message(m, role, since))
    }

    fn evidence_message(
        &self,
        m: &StoredMessage,
        role: &'static str,
        since: Option<(&OptOut, Jurisdiction)>,
    ) -> EvidenceMessage {
        let (days, business) = match since {
            Some((o, j)) => (
                Some(days_between(o.ts_ms, m.ts_ms)),
                (j == Jurisdiction::Us).then(|| {
                    business_days_between(
                        o.ts_ms,
                        m.ts_ms,
                        &offset_zone(o.utc_offset_s, &self.options.policy.zone),
                    )
                }),
            ),
            None => (None, None),
        };
        EvidenceMessage {
            message_id: m.id,
            role,
            sender: m.sender_key.clone(),
            address: m.address.clone(),
            direction: m.direction.as_str(),
            kind: m.kind.clone(),
            channel: m.channel.clone(),
            time: self.time(m.ts_ms, m.utc_offset_s),
            text: m.body.clone(),
            days_since_optout: days,
            business_days_since_optout: business,
            import_id: m.import_id,
            source_sha256: self
                .imports
                .get(&m.import_id)
                .map(|i| i.sha256.clone())
                .unwrap_or_default(),
        }
    }
}

fn offset_zone(offset_s: Option<i32>, zone: &TimeZone) -> TimeZone {
    offset_s
        .and_then(|s| Offset::from_seconds(s).ok())
        .map_or_else(|| zone.clone(), TimeZone::fixed)
}

/// A time in its original offset (or `zone`) and in UTC.
pub fn time_record(ts_ms: i64, utc_offset_s: Option<i32>, zone: &TimeZone) -> TimeRecord {
    let utc = Timestamp::from_millisecond(ts_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    TimeRecord {
        ts_ms,
        local: crate::text::rfc3339(ts_ms, utc_offset_s, zone),
        utc,
        offset_source: if utc_offset_s.is_some() {
            "message"
        } else {
            "zone"
        },
    }
}

/// `24h`, `90m`, `2d`, `10bd`: the way `--grace` takes it.
pub fn grace_str(grace: Grace) -> String {
    const MIN: i64 = 60_000;
    match grace {
        // 24h reads better than 1d; 2d better than 48h.
        Grace::Duration { ms } if ms % (24 * 60 * MIN) == 0 && ms >= 2 * 24 * 60 * MIN => {
            format!("{}d", ms / (24 * 60 * MIN))
        }
        Grace::Duration { ms } if ms % (60 * MIN) == 0 => format!("{}h", ms / (60 * MIN)),
        Grace::Duration { ms } => format!("{}m", ms / MIN),
        Grace::BusinessDays(n) => format!("{n}bd"),
    }
}

fn jurisdiction_str(j: Jurisdiction) -> &'static str {
    match j {
        Jurisdiction::Cn => "cn",
        Jurisdiction::Us => "us",
        Jurisdiction::Other => "other",
    }
}

/// Words that make a marketing message financial marketing (金融营销) for
/// the 12321 report: loans, credit, instalments, interest.
const FINANCIAL_WORDS: &[&str] = &[
    "贷",
    "借款",
    "借钱",
    "信用卡",
    "额度",
    "分期",
    "利率",
    "利息",
    "放款",
    "授信",
    "网贷",
    "借呗",
    "白条",
    "理财",
    "loan",
    "credit",
    "apr",
    "interest rate",
    "cash advance",
    "refinanc",
    "mortgage",
    "payday",
];

/// Does any of these texts market loans or credit?
pub fn is_financial(texts: &[&str]) -> bool {
    texts.iter().any(|t| {
        let lower = t.to_lowercase();
        FINANCIAL_WORDS.iter().any(|w| lower.contains(w))
    })
}

/// Builds the evidence for `selection`: selected, redacted when asked, hashed.
pub fn build_evidence(
    store: &Store,
    report: &Report,
    selection: &Selection,
    options: &ExportOptions,
) -> Result<Evidence, ExportError> {
    let targets = select(report, selection)?;
    let import_records = store.imports()?;
    let mut ctx = Ctx {
        messages: HashMap::new(),
        imports: import_records.iter().map(|i| (i.id, i)).collect(),
        manual: store.manual_optouts()?,
        options,
        since_ms: selection.since_ms,
    };
    // Load every message any section refers to, in one pass.
    let mut ids: BTreeSet<i64> = BTreeSet::new();
    for t in &targets {
        for s in members(t) {
            let f = &s.findings;
            ids.extend(s.instruction.and_then(|m| m.message_id));
            ids.extend(f.optout.as_ref().and_then(|o| o.message_id));
            ids.extend(f.confirmed.and_then(|m| m.message_id));
            ids.extend(f.violations.iter().filter_map(|m| m.message_id));
            ids.extend(f.in_flight.iter().filter_map(|m| m.message_id));
        }
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    ctx.messages = store
        .messages_by_id(&ids)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();

    let mut offenders: Vec<Offender> = Vec::with_capacity(targets.len());
    for t in &targets {
        let acted_on = instruction_acted_on(store, report, &members(t))?;
        offenders.push(offender(&ctx, t, acted_on.as_ref()));
    }

    let mut used_imports: BTreeSet<i64> = BTreeSet::new();
    let mut summary = Summary {
        offenders: offenders.len() as u64,
        senders: 0,
        messages: 0,
        violations: 0,
        in_flight: 0,
    };
    for o in &offenders {
        summary.senders += o.senders.len() as u64;
        summary.violations += o.violations.len() as u64;
        summary.in_flight += o.in_flight.len() as u64;
        for m in offender_messages(o) {
            summary.messages += 1;
            used_imports.insert(m.import_id);
        }
    }
    let imports = used_imports
        .iter()
        .filter_map(|id| ctx.imports.get(id))
        .map(|i| ImportProvenance {
            import_id: i.id,
            file_name: file_name_of(&i.path),
            sha256: i.sha256.clone(),
            size: i.size,
            format: i.format.clone(),
            imported_at: time_record(
                i.finished_at_ms.unwrap_or(i.started_at_ms),
                None,
                &options.zone,
            ),
            optout_version: i.optout_version.clone(),
        })
        .collect();

    let mut evidence = Evidence {
        evidence_version: EVIDENCE_VERSION,
        optout_version: env!("CARGO_PKG_VERSION").to_string(),
        rules_version: store.meta("rules_version")?,
        zone: zone_name(&options.zone),
        redacted: options.redact,
        selection: SelectionRecord {
            senders: selection.senders.clone(),
            brands: selection.brands.clone(),
            statuses: selection
                .statuses
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
            since: selection
                .since_ms
                .map(|ms| time_record(ms, None, &options.zone)),
        },
        policy: PolicyRecord {
            grace: grace_str(options.policy.grace),
            grace_us: grace_str(options.policy.grace_us),
            confirmation_window_hours: options.policy.confirmation_window_ms / 3_600_000,
        },
        summary,
        offenders,
        imports,
        integrity: None,
    };
    if options.redact {
        let personal: Vec<&SenderReport> = report
            .senders
            .iter()
            .filter(|s| s.kind == SenderKind::Personal)
            .collect();
        let ids: Vec<i64> = personal.iter().map(|s| s.sender_id).collect();
        let names = store.contact_names_of(&ids)?;
        let redactor = redact::Redactor::new(&evidence, &personal, &names);
        redactor.apply(&mut evidence);
    }
    let sha256 = integrity_sha256(&evidence);
    evidence.integrity = Some(Integrity {
        algorithm: "sha256",
        canonical_form: CANONICAL_FORM,
        sha256,
        generated_at: time_record(options.now_ms, None, &options.zone),
    });
    Ok(evidence)
}

fn zone_name(zone: &TimeZone) -> String {
    zone.iana_name().map_or_else(
        || {
            // A fixed offset or POSIX zone: name it by its current offset.
            zone.to_offset(Timestamp::UNIX_EPOCH).to_string()
        },
        str::to_string,
    )
}

fn file_name_of(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn members<'a>(t: &'a Target<'a>) -> Vec<&'a SenderReport> {
    match t {
        Target::Sender(s) => vec![*s],
        Target::Brand(_, m) => m.clone(),
    }
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

/// The instruction the user acted on: the latest one advertised (by these
/// numbers, or by the number the opt-out went to) before the opt-out.
fn instruction_acted_on(
    store: &Store,
    report: &Report,
    members: &[&SenderReport],
) -> Result<Option<StoredMessage>, ExportError> {
    let Some(optout) = members
        .iter()
        .filter_map(|s| s.findings.optout.as_ref())
        .min_by_key(|o| o.ts_ms)
    else {
        return Ok(None);
    };
    let mut ids: Vec<i64> = members.iter().map(|s| s.sender_id).collect();
    ids.extend(
        report
            .senders
            .iter()
            .filter(|s| s.key == optout.to)
            .map(|s| s.sender_id),
    );
    Ok(store.instruction_before(&ids, optout.ts_ms)?)
}

fn offender(ctx: &Ctx<'_>, target: &Target<'_>, acted_on: Option<&StoredMessage>) -> Offender {
    let members = members(target);
    let (scope, name, brand, status) = match target {
        Target::Sender(s) => ("sender", s.key.clone(), s.brand.clone(), s.status),
        Target::Brand(b, _) => ("brand", b.brand.clone(), Some(b.brand.clone()), b.status),
    };
    let optout_of = |s: &SenderReport| s.findings.optout.clone();

    // The instruction the user acted on; without an opt-out, the latest one.
    let instruction = match acted_on {
        Some(m) => Some(Instruction {
            keyword: m.optout_keyword.clone().unwrap_or_default(),
            target: m
                .optout_target
                .clone()
                .unwrap_or_else(|| m.sender_key.clone()),
            message: Some(ctx.evidence_message(m, "instruction", None)),
        }),
        None => members
            .iter()
            .filter(|s| s.keyword.is_some())
            .max_by_key(|s| s.instruction.map(|m| m.ts_ms))
            .map(|s| Instruction {
                keyword: s.keyword.clone().unwrap_or_default(),
                target: s.target.clone().unwrap_or_else(|| s.key.clone()),
                message: ctx.message(
                    s.instruction.and_then(|m| m.message_id),
                    "instruction",
                    None,
                ),
            }),
    };

    // The opt-out in force: the earliest of the members'.
    let first_optout = members
        .iter()
        .filter_map(|s| optout_of(s).map(|o| (o, s.jurisdiction)))
        .min_by_key(|(o, _)| o.ts_ms);
    let optout = first_optout.as_ref().map(|(o, j)| {
        let grace = match j {
            Jurisdiction::Us => ctx.options.policy.grace_us,
            _ => ctx.options.policy.grace,
        };
        let end = grace.end(
            o.ts_ms,
            &offset_zone(o.utc_offset_s, &ctx.options.policy.zone),
        );
        let note = o.manual.as_ref().and_then(|_| {
            ctx.manual
                .iter()
                .find(|m| m.at_ms == o.ts_ms && m.name == o.to)
                .and_then(|m| m.note.clone())
        });
        OptOutRecord {
            manual: o.manual.is_some(),
            channel: o.manual.clone(),
            note,
            keyword: (!o.keyword.is_empty()).then(|| o.keyword.clone()),
            to: o.to.clone(),
            at: ctx.time(o.ts_ms, o.utc_offset_s),
            message: ctx.message(o.message_id, "opt_out", None),
            grace: grace_str(grace),
            grace_ends: ctx.time(end, o.utc_offset_s),
        }
    });
    let confirmation = members
        .iter()
        .filter_map(|s| s.findings.confirmed)
        .min_by_key(|m| m.ts_ms)
        .and_then(|m| ctx.message(m.message_id, "confirmation", None));
    let resubscribed = members
        .iter()
        .filter_map(|s| s.findings.resubscribed)
        .max_by_key(|m| m.ts_ms)
        .map(|m| ctx.time(m.ts_ms, m.utc_offset_s));

    // Violations and in-flight messages, each measured from the opt-out
    // that applied to its own number.
    let listed = |pick: fn(&SenderReport) -> &Vec<Moment>, role: &'static str| {
        let mut v: Vec<EvidenceMessage> = Vec::new();
        for s in &members {
            let Some(o) = &s.findings.optout else {
                continue;
            };
            for m in pick(s) {
                if ctx.since_ms.is_some_and(|since| m.ts_ms < since) {
                    continue;
                }
                v.extend(ctx.message(m.message_id, role, Some((o, s.jurisdiction))));
            }
        }
        v.sort_by_key(|m| (m.time.ts_ms, m.message_id));
        v
    };
    let violations = listed(|s| &s.findings.violations, "violation");
    let in_flight = listed(|s| &s.findings.in_flight, "in_flight");

    let all_violations: Vec<Moment> = {
        let mut v: Vec<Moment> = members
            .iter()
            .flat_map(|s| s.findings.violations.iter().copied())
            .collect();
        v.sort_by_key(|m| m.ts_ms);
        v
    };
    let counts = Counts {
        marketing_received: members.iter().map(|s| s.marketing).sum(),
        marketing_before_optout: members.iter().map(|s| s.findings.before_optout).sum(),
        marketing_after_optout: all_violations.len() as u64,
        in_flight: members
            .iter()
            .map(|s| s.findings.in_flight.len() as u64)
            .sum(),
        first_violation: all_violations
            .first()
            .map(|m| ctx.time(m.ts_ms, m.utc_offset_s)),
        last_violation: all_violations
            .last()
            .map(|m| ctx.time(m.ts_ms, m.utc_offset_s)),
    };

    let texts: Vec<&str> = instruction
        .iter()
        .filter_map(|i| i.message.as_ref())
        .chain(violations.iter())
        .chain(in_flight.iter())
        .map(|m| m.text.as_str())
        .collect();
    let category = if is_financial(&texts) {
        "financial_marketing"
    } else {
        "commercial_advertising"
    };

    Offender {
        scope,
        name,
        brand,
        status: status.as_str(),
        category,
        senders: members
            .iter()
            .map(|s| SenderIdentity {
                key: s.key.clone(),
                aliases: s.aliases.clone(),
                class: s.class.as_str(),
                kind: s.kind.as_str(),
                jurisdiction: jurisdiction_str(s.jurisdiction),
                status: s.status.as_str(),
            })
            .collect(),
        instruction,
        optout,
        confirmation,
        resubscribed,
        counts,
        violations,
        in_flight,
    }
}

// ---------------------------------------------------------------------------
// Rendering and writing.
// ---------------------------------------------------------------------------

/// The bytes of `evidence` in `format`.
pub fn render(evidence: &Evidence, format: ExportFormat, lang: Lang) -> Vec<u8> {
    match format {
        ExportFormat::Html => html::render(evidence, lang).into_bytes(),
        ExportFormat::Csv => csv::render(evidence),
        ExportFormat::Json => json::render(evidence).into_bytes(),
        ExportFormat::Complaint => complaint::render(evidence, lang).into_bytes(),
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file written, or `-` for standard output.
    pub path: PathBuf,
    pub offenders: u64,
    pub senders: u64,
    pub messages: u64,
    pub sha256: String,
}

/// Builds, renders and writes the evidence; returns the path written.
///
/// `out` is a file path, a directory (the file inside it is named by
/// [`default_file_name`]), or `-` for standard output (refused for HTML).
/// An existing file is never overwritten unless `options.force`; the file
/// appears whole or not at all.
pub fn write_evidence(
    store: &Store,
    report: &Report,
    selection: &Selection,
    format: ExportFormat,
    out: &Path,
    options: &ExportOptions,
) -> Result<PathBuf, ExportError> {
    export(store, report, selection, format, out, options).map(|w| w.path)
}

/// [`write_evidence`], also saying how much it wrote.
pub fn export(
    store: &Store,
    report: &Report,
    selection: &Selection,
    format: ExportFormat,
    out: &Path,
    options: &ExportOptions,
) -> Result<Written, ExportError> {
    let to_stdout = out == Path::new("-");
    if to_stdout && format == ExportFormat::Html {
        return Err(ExportError::HtmlToStdout);
    }
    let evidence = build_evidence(store, report, selection, options)?;
    let bytes = render(&evidence, format, options.lang);
    let path = if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&bytes)
            .and_then(|()| stdout.flush())
            .map_err(|source| ExportError::Io {
                path: out.to_path_buf(),
                source,
            })?;
        out.to_path_buf()
    } else {
        let path = if out.is_dir() {
            out.join(default_file_name(
                selection,
                format,
                today(options.now_ms, &options.zone),
            ))
        } else {
            out.to_path_buf()
        };
        write_atomically(&path, &bytes, options.force)?;
        path
    };
    Ok(Written {
        path,
        offenders: evidence.summary.offenders,
        senders: evidence.summary.senders,
        messages: evidence.summary.messages,
        sha256: evidence.sha256().to_string(),
    })
}

/// The civil date of `now_ms` in `zone`.
pub fn today(now_ms: i64, zone: &TimeZone) -> jiff::civil::Date {
    Timestamp::from_millisecond(now_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(zone.clone())
        .date()
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into
/// place: a failed write leaves nothing, and without `force` an existing
/// file (even one created meanwhile) is never replaced.
pub fn write_atomically(path: &Path, bytes: &[u8], force: bool) -> Result<(), ExportError> {
    let io_err = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !force && path.exists() {
        return Err(ExportError::Exists(path.to_path_buf()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".optout-export-")
        .tempfile_in(dir)
        .map_err(io_err)?;
    tmp.write_all(bytes).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    if force {
        tmp.persist(path).map_err(|e| io_err(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                ExportError::Exists(path.to_path_buf())
            } else {
                io_err(e.error)
            }
        })?;
    }
    Ok(())
}

/// `optout-evidence-violating-2026-11-29.html`: named after the selection,
/// the date and the format (complaint text is `optout-complaint-….txt`).
pub fn default_file_name(
    selection: &Selection,
    format: ExportFormat,
    today: jiff::civil::Date,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    match selection.brands.as_slice() {
        [] => {}
        [one] => parts.push(format!("brand-{}", slug(one))),
        many => parts.push(format!("{}-brands", many.len())),
    }
    match selection.senders.as_slice() {
        [] => {}
        [one] => parts.push(format!("sender-{}", slug(one))),
        many => parts.push(format!("{}-senders", many.len())),
    }
    if selection.statuses.is_empty() {
        if parts.is_empty() {
            parts.push("violating".into());
        }
    } else {
        parts.extend(
            selection
                .statuses
                .iter()
                .map(|s| s.as_str().replace('_', "-")),
        );
    }
    let what = if format == ExportFormat::Complaint {
        "complaint"
    } else {
        "evidence"
    };
    format!(
        "optout-{what}-{}-{}.{}",
        parts.join("-"),
        today.strftime("%Y-%m-%d"),
        format.extension()
    )
}

/// A file-name-safe form of a sender key or brand: letters (any script),
/// digits and `+`; everything else becomes `-`; at most 40 characters.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = if c.is_alphanumeric() || c == '+' {
            c
        } else {
            '-'
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
        if out.chars().count() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "x".into() } else { out }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> jiff::civil::Date {
        s.parse().unwrap()
    }

    #[test]
    fn default_file_names_follow_the_selection() {
        let d = date("2026-11-29");
        assert_eq!(
            default_file_name(&Selection::default(), ExportFormat::Html, d),
            "optout-evidence-violating-2026-11-29.html"
        );
        let one = Selection {
            senders: vec!["+1 (555) 010/0100".into()],
            ..Selection::default()
        };
        assert_eq!(
            default_file_name(&one, ExportFormat::Csv, d),
            "optout-evidence-sender-+1-555-010-0100-2026-11-29.csv"
        );
        let brands = Selection {
            brands: vec!["浦发银行".into()],
            statuses: vec![Status::OptedOut],
            ..Selection::default()
        };
        assert_eq!(
            default_file_name(&brands, ExportFormat::Complaint, d),
            "optout-complaint-brand-浦发银行-opted-out-2026-11-29.txt"
        );
        let many = Selection {
            senders: vec!["a".into(), "b".into()],
            ..Selection::default()
        };
        assert_eq!(
            default_file_name(&many, ExportFormat::Json, d),
            "optout-evidence-2-senders-2026-11-29.json"
        );
        let slashes = Selection {
            brands: vec!["../../etc".into()],
            ..Selection::default()
        };
        assert_eq!(
            default_file_name(&slashes, ExportFormat::Json, d),
            "optout-evidence-brand-etc-2026-11-29.json"
        );
    }

    #[test]
    fn grace_is_written_the_way_the_flag_takes_it() {
        assert_eq!(grace_str(Grace::Duration { ms: 86_400_000 }), "24h");
        assert_eq!(grace_str(Grace::Duration { ms: 2 * 86_400_000 }), "2d");
        assert_eq!(grace_str(Grace::Duration { ms: 3_600_000 * 36 }), "36h");
        assert_eq!(grace_str(Grace::Duration { ms: 90 * 60_000 }), "90m");
        assert_eq!(grace_str(Grace::BusinessDays(10)), "10bd");
    }

    #[test]
    fn loan_and_credit_words_make_financial_marketing() {
        assert!(is_financial(&["【速贷】您有一笔5000元借款额度待领取"]));
        assert!(is_financial(&["Low APR personal LOANS today"]));
        assert!(!is_financial(&["Acme: 20% off everything this week!"]));
        assert!(!is_financial(&[]));
    }

    #[test]
    fn times_keep_the_original_offset_and_give_utc() {
        let t = time_record(1_772_677_800_000, Some(-5 * 3600), &TimeZone::UTC);
        assert_eq!(t.local, "2026-03-04T21:30:00-05:00");
        assert_eq!(t.utc, "2026-03-05T02:30:00Z");
        assert_eq!(t.offset_source, "message");
        let sh = TimeZone::get("Asia/Shanghai").unwrap();
        let t = time_record(1_772_677_800_000, None, &sh);
        assert_eq!(t.local, "2026-03-05T10:30:00+08:00");
        assert_eq!(t.offset_source, "zone");
    }

    #[test]
    fn control_characters_become_visible_and_line_breaks_stay() {
        assert_eq!(visible_controls("a\u{1b}[2Jb\n\tc"), "a␛[2Jb\n\tc");
        assert_eq!(visible_controls("x\u{202e}y\u{85}"), "x\u{FFFD}y\u{FFFD}");
        assert!(matches!(
            visible_controls("【浦发银行】😀"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn atomic_writes_never_clobber_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.json");
        write_atomically(&p, b"one", false).unwrap();
        assert!(matches!(
            write_atomically(&p, b"two", false),
            Err(ExportError::Exists(_))
        ));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomically(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("e.json")]);
    }
}
