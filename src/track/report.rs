//! What the tracker reports: every sender and brand with its findings and
//! status, and their stable JSON shapes (`senders --json`, `brands --json`).

use std::collections::{BTreeMap, HashSet};

use jiff::tz::TimeZone;

use super::{Findings, Jurisdiction, OptOut};
use crate::model::{Moment, SenderClass, SenderKind, Status};

/// Everything optout knows about one sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderReport {
    pub sender_id: i64,
    /// The line (phone) these findings are on: one row per line and sender.
    pub line_id: i64,
    pub line: String,
    pub key: String,
    pub aliases: Vec<String>,
    pub class: SenderClass,
    pub brand: Option<String>,
    /// The brand a suspicious sender's messages claim (its `brand` is none).
    pub claimed_brand: Option<String>,
    pub kind: SenderKind,
    /// The message whose labels explain `kind` (its latest message of that kind).
    pub kind_message: Option<i64>,
    /// Why `kind`: the rule and the words of `kind_message`, filled in by
    /// the findings layer from the store.
    pub kind_reason: Option<KindReason>,
    pub received: u64,
    pub marketing: u64,
    /// The advertised keyword (the latest one), and where it goes.
    pub keyword: Option<String>,
    pub target: Option<String>,
    /// The marketing message that carried the instruction.
    pub instruction: Option<Moment>,
    pub jurisdiction: Jurisdiction,
    pub findings: Findings,
    pub status: Status,
    pub ignored: bool,
    pub first_seen: Option<Moment>,
    pub last_seen: Option<Moment>,
    pub contact_name: Option<String>,
}

impl SenderReport {
    pub fn after_optout(&self) -> u64 {
        self.findings.violations.len() as u64
    }
}

/// What an export needs of a list of moments without holding it: how many,
/// the earliest (the first listed at that time) and the latest (the last
/// listed at that time), as a stable sort by time puts them first and last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListSpan {
    pub len: u64,
    pub earliest: Option<Moment>,
    pub latest: Option<Moment>,
}

impl ListSpan {
    pub fn of(list: &[Moment]) -> ListSpan {
        let mut span = ListSpan::default();
        for &m in list {
            span.push(m);
        }
        span
    }

    /// Counts `m`, the next moment of the list.
    pub fn push(&mut self, m: Moment) {
        self.len += 1;
        if self.earliest.is_none_or(|e| m.ts_ms < e.ts_ms) {
            self.earliest = Some(m);
        }
        if self.latest.is_none_or(|l| m.ts_ms >= l.ts_ms) {
            self.latest = Some(m);
        }
    }

    /// The span of this list followed by `next`'s.
    #[must_use]
    pub fn then(self, next: ListSpan) -> ListSpan {
        let earliest = match (self.earliest, next.earliest) {
            (Some(a), Some(b)) if b.ts_ms < a.ts_ms => Some(b),
            (a, b) => a.or(b),
        };
        let latest = match (self.latest, next.latest) {
            (Some(a), Some(b)) if b.ts_ms < a.ts_ms => Some(a),
            (a, b) => b.or(a),
        };
        ListSpan {
            len: self.len + next.len,
            earliest,
            latest,
        }
    }
}

/// A sender's violations and in-flight messages as [`ListSpan`]s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spans {
    pub violations: ListSpan,
    pub in_flight: ListSpan,
}

impl Spans {
    pub fn of(f: &Findings) -> Spans {
        Spans {
            violations: f.violations.span(),
            in_flight: f.in_flight.span(),
        }
    }
}

/// Why a sender is of its kind: the rule that labelled its latest message
/// of that kind, and the words it matched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KindReason {
    pub rule: String,
    /// The matched words, when a rule matched words (not for fallbacks).
    pub text: Option<String>,
}

/// A brand's view: its senders together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandReport {
    pub brand: String,
    /// The line these findings are on: a brand's coverage stays in its line.
    pub line: String,
    pub senders: Vec<String>,
    pub kind: SenderKind,
    pub received: u64,
    pub marketing: u64,
    pub keyword: Option<String>,
    pub optout: Option<OptOut>,
    pub confirmed: Option<Moment>,
    pub status: Status,
    pub after_optout: u64,
    pub last_seen: Option<Moment>,
    pub ignored: bool,
}

/// The whole picture: every sender, every brand.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub senders: Vec<SenderReport>,
    pub brands: Vec<BrandReport>,
}

impl Report {
    /// The report of these senders: sorted (latest first) with their
    /// brands. One function for a full computation and for cached rows.
    ///
    /// The order is total (a row is one line and sender), so an unstable
    /// sort gives the same order whatever order the rows came in, without
    /// the stable sort's buffer: a copy of every row, 6.6 MB of the
    /// interface's peak at 10,000,000 messages.
    pub fn assemble(mut senders: Vec<SenderReport>, ignored: &HashSet<(bool, String)>) -> Report {
        senders.sort_unstable_by(|a, b| {
            b.last_seen
                .map(|m| m.ts_ms)
                .cmp(&a.last_seen.map(|m| m.ts_ms))
                .then_with(|| a.key.cmp(&b.key))
                .then_with(|| a.line.cmp(&b.line))
                .then_with(|| a.line_id.cmp(&b.line_id))
                .then_with(|| a.sender_id.cmp(&b.sender_id))
        });
        let brands = brands(&senders, ignored);
        Report { senders, brands }
    }

    /// Keeps only the findings on the line called `line`.
    pub fn retain_line(&mut self, line: &str) {
        self.senders.retain(|s| s.line == line);
        self.brands.retain(|b| b.line == line);
    }
}

fn brands(senders: &[SenderReport], ignored: &HashSet<(bool, String)>) -> Vec<BrandReport> {
    let mut by_brand: BTreeMap<(&str, &str), Vec<&SenderReport>> = BTreeMap::new();
    for s in senders {
        if let Some(b) = &s.brand {
            by_brand
                .entry((b.as_str(), s.line.as_str()))
                .or_default()
                .push(s);
        }
    }
    let mut out: Vec<BrandReport> = by_brand
        .into_iter()
        .map(|((brand, line), members)| {
            let is_ignored = ignored.contains(&(true, brand.to_string()));
            let kind = if members.iter().any(|s| s.kind == SenderKind::Suspicious) {
                SenderKind::Suspicious
            } else if members.iter().any(|s| s.kind == SenderKind::Marketing) {
                SenderKind::Marketing
            } else if members.iter().any(|s| s.kind == SenderKind::Transactional) {
                SenderKind::Transactional
            } else {
                SenderKind::Personal
            };
            let optout = members
                .iter()
                .filter_map(|s| s.findings.optout.clone())
                .min_by_key(|o| o.ts_ms);
            let confirmed = members
                .iter()
                .filter_map(|s| s.findings.confirmed)
                .min_by_key(|m| m.ts_ms);
            let status = if is_ignored {
                Status::Ignored
            } else {
                members
                    .iter()
                    .map(|s| s.status)
                    .filter(|s| *s != Status::Ignored)
                    .min()
                    .unwrap_or(Status::None)
            };
            let keyword = members
                .iter()
                .filter(|s| s.keyword.is_some())
                .max_by_key(|s| s.instruction.map(|m| m.ts_ms))
                .and_then(|s| s.keyword.clone());
            BrandReport {
                brand: brand.to_string(),
                line: line.to_string(),
                senders: members.iter().map(|s| s.key.clone()).collect(),
                kind,
                received: members.iter().map(|s| s.received).sum(),
                marketing: members.iter().map(|s| s.marketing).sum(),
                keyword,
                optout,
                confirmed,
                status,
                after_optout: members.iter().map(|s| s.after_optout()).sum(),
                last_seen: members
                    .iter()
                    .filter_map(|s| s.last_seen)
                    .max_by_key(|m| m.ts_ms),
                ignored: is_ignored,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.last_seen
            .map(|m| m.ts_ms)
            .cmp(&a.last_seen.map(|m| m.ts_ms))
            .then_with(|| a.brand.cmp(&b.brand))
            .then_with(|| a.line.cmp(&b.line))
    });
    out
}

/// One sender in `optout senders --json`: a stable interface, documented in
/// the README. Field order is part of the format.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SenderJson {
    pub sender: String,
    pub aliases: Vec<String>,
    pub brand: Option<String>,
    pub kind: &'static str,
    pub class: &'static str,
    pub received: u64,
    pub marketing: u64,
    pub optout_keyword: Option<String>,
    pub optout_target: Option<String>,
    pub optout_sent_at: Option<String>,
    pub optout_manual: bool,
    pub confirmed_at: Option<String>,
    pub status: &'static str,
    pub after_optout: u64,
    pub in_flight: u64,
    pub last_seen: Option<String>,
    /// The line (phone) these findings are on.
    pub line: String,
    /// Why `kind`: `{"rule", "text"}` of its latest message of that kind.
    pub kind_reason: Option<KindReason>,
    /// The brand a suspicious sender claims (then `brand` is null).
    pub claimed_brand: Option<String>,
    /// An opt-out `optout send` made: "sent via kdeconnect, awaiting
    /// confirmation", or "…; send not seen in your export" (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send: Option<String>,
}

fn at(m: Option<Moment>, zone: &TimeZone) -> Option<String> {
    m.map(|m| crate::text::rfc3339(m.ts_ms, m.utc_offset_s, zone))
}

impl OptOut {
    pub fn moment(&self) -> Moment {
        Moment {
            ts_ms: self.ts_ms,
            utc_offset_s: self.utc_offset_s,
            message_id: self.message_id,
        }
    }
}

impl SenderReport {
    pub fn to_json(&self, zone: &TimeZone) -> SenderJson {
        SenderJson {
            sender: self.key.clone(),
            aliases: self.aliases.clone(),
            brand: self.brand.clone(),
            kind: self.kind.as_str(),
            class: self.class.as_str(),
            received: self.received,
            marketing: self.marketing,
            optout_keyword: self.keyword.clone(),
            optout_target: self.target.clone(),
            optout_sent_at: at(self.findings.optout.as_ref().map(OptOut::moment), zone),
            optout_manual: self
                .findings
                .optout
                .as_ref()
                .is_some_and(|o| o.manual.is_some()),
            confirmed_at: at(self.findings.confirmed, zone),
            status: self.status.as_str(),
            after_optout: self.after_optout(),
            in_flight: self.findings.in_flight.len() as u64,
            last_seen: at(self.last_seen, zone),
            line: self.line.clone(),
            kind_reason: self.kind_reason.clone(),
            claimed_brand: self.claimed_brand.clone(),
            send: None,
        }
    }
}

/// One brand in `optout brands --json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrandJson {
    pub brand: String,
    pub senders: Vec<String>,
    pub kind: &'static str,
    pub received: u64,
    pub marketing: u64,
    pub optout_keyword: Option<String>,
    pub optout_sent_at: Option<String>,
    pub optout_manual: bool,
    pub confirmed_at: Option<String>,
    pub status: &'static str,
    pub after_optout: u64,
    pub last_seen: Option<String>,
    /// The line these findings are on.
    pub line: String,
}

impl BrandReport {
    pub fn to_json(&self, zone: &TimeZone) -> BrandJson {
        BrandJson {
            brand: self.brand.clone(),
            senders: self.senders.clone(),
            kind: self.kind.as_str(),
            received: self.received,
            marketing: self.marketing,
            optout_keyword: self.keyword.clone(),
            optout_sent_at: at(self.optout.as_ref().map(OptOut::moment), zone),
            optout_manual: self.optout.as_ref().is_some_and(|o| o.manual.is_some()),
            confirmed_at: at(self.confirmed, zone),
            status: self.status.as_str(),
            after_optout: self.after_optout,
            last_seen: at(self.last_seen, zone),
            line: self.line.clone(),
        }
    }
}
