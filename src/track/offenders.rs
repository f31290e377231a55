//! The repeat-offender ranking across lines: who kept marketing after the
//! opt-out on the most phones. Pure: a `Report` in, a ranking out.
//!
//! An offender is a brand (all its numbers, on every line) or, for messages
//! without a brand, one sender. Ignored senders and personal contacts never
//! rank. Ranked by the number of distinct lines with violations, then by
//! violations, then by name.

use std::collections::{BTreeMap, BTreeSet};

use super::replay::offset_zone;
use super::{Jurisdiction, Policy, Report, SenderReport};
use crate::model::{Moment, SenderKind, Status};

const DAY_MS: f64 = 86_400_000.0;

/// One offender across lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Offender {
    /// The brand, or the sender key of an unbranded sender.
    pub name: String,
    /// `true` for a brand, `false` for one unbranded sender.
    pub is_brand: bool,
    pub lines_violating: u64,
    pub lines_opted_out: u64,
    /// Lines that received its marketing.
    pub lines_affected: u64,
    pub violations: u64,
    pub first_violation: Option<Moment>,
    pub last_violation: Option<Moment>,
    /// The median of how many days after the grace period each violation
    /// came, to one decimal.
    pub median_days_past_grace: Option<f64>,
    /// Every number it marketed from.
    pub numbers: Vec<String>,
    /// The keyword it advertises (the latest instruction).
    pub optout_keyword: Option<String>,
    /// Which lines: the ids behind the three counts above.
    pub line_ids: OffenderLines,
    /// Every counted violation, oldest first (the export charts them).
    pub violation_times: Vec<Moment>,
}

/// The line ids behind an offender's counts, each sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffenderLines {
    pub violating: Vec<i64>,
    pub opted_out: Vec<i64>,
    pub affected: Vec<i64>,
}

/// When the grace period of `s`'s opt-out ends, if it opted out.
fn grace_end(s: &SenderReport, policy: &Policy) -> Option<i64> {
    let o = s.findings.optout.as_ref()?;
    let grace = match s.jurisdiction {
        Jurisdiction::Us => policy.grace_us,
        _ => policy.grace,
    };
    Some(grace.end(o.ts_ms, &offset_zone(o.utc_offset_s, &policy.zone)))
}

/// The ranking: offenders with at least one violation on or after
/// `since_ms` (all when `None`), reported by at least `min_lines` lines.
pub fn rank(
    report: &Report,
    policy: &Policy,
    since_ms: Option<i64>,
    min_lines: u64,
) -> Vec<Offender> {
    let mut groups: BTreeMap<(String, bool), Vec<&SenderReport>> = BTreeMap::new();
    for s in &report.senders {
        if s.ignored || s.status == Status::Ignored || s.kind == SenderKind::Personal {
            continue;
        }
        let key = match &s.brand {
            Some(b) => (b.clone(), true),
            None => (s.key.clone(), false),
        };
        groups.entry(key).or_default().push(s);
    }
    let mut out: Vec<Offender> = groups
        .into_iter()
        .map(|((name, is_brand), members)| offender(name, is_brand, &members, policy, since_ms))
        .filter(|o| o.violations > 0 && o.lines_violating >= min_lines)
        .collect();
    out.sort_by(|a, b| {
        b.lines_violating
            .cmp(&a.lines_violating)
            .then_with(|| b.violations.cmp(&a.violations))
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

fn offender(
    name: String,
    is_brand: bool,
    members: &[&SenderReport],
    policy: &Policy,
    since_ms: Option<i64>,
) -> Offender {
    let mut affected = BTreeSet::new();
    let mut opted = BTreeSet::new();
    let mut violating = BTreeSet::new();
    let mut numbers = BTreeSet::new();
    let mut moments: Vec<Moment> = Vec::new();
    let mut days: Vec<f64> = Vec::new();
    for s in members {
        if s.marketing > 0 || s.kind == SenderKind::Suspicious {
            affected.insert(s.line_id);
            numbers.insert(s.key.clone());
        }
        if s.findings.optout.is_some() {
            opted.insert(s.line_id);
        }
        let end = grace_end(s, policy);
        let mut any = false;
        for v in &s.findings.violations {
            if since_ms.is_some_and(|since| v.ts_ms < since) {
                continue;
            }
            any = true;
            moments.push(*v);
            if let Some(end) = end {
                days.push((v.ts_ms - end) as f64 / DAY_MS);
            }
        }
        if any {
            violating.insert(s.line_id);
        }
    }
    let keyword = members
        .iter()
        .filter(|s| s.keyword.is_some())
        .max_by_key(|s| s.instruction.map(|m| m.ts_ms))
        .and_then(|s| s.keyword.clone());
    moments.sort_by_key(|m| (m.ts_ms, m.message_id));
    let first = moments.first().copied();
    let last = moments.last().copied();
    Offender {
        name,
        is_brand,
        lines_violating: violating.len() as u64,
        lines_opted_out: opted.len() as u64,
        lines_affected: affected.len() as u64,
        violations: moments.len() as u64,
        first_violation: first,
        last_violation: last,
        median_days_past_grace: median(&mut days).map(|m| (m * 10.0).round() / 10.0),
        numbers: numbers.into_iter().collect(),
        optout_keyword: keyword,
        line_ids: OffenderLines {
            violating: violating.into_iter().collect(),
            opted_out: opted.into_iter().collect(),
            affected: affected.into_iter().collect(),
        },
        violation_times: moments,
    }
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        f64::midpoint(v[n / 2 - 1], v[n / 2])
    })
}

/// One offender in `optout offenders --json`: a stable interface (README).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OffenderJson {
    pub offender: String,
    /// `brand` or `sender`.
    pub scope: &'static str,
    pub lines_violating: u64,
    pub lines_opted_out: u64,
    pub lines_affected: u64,
    pub violations: u64,
    pub first_violation: Option<String>,
    pub last_violation: Option<String>,
    pub median_days_past_grace: Option<f64>,
    pub numbers: Vec<String>,
    pub optout_keyword: Option<String>,
}

impl Offender {
    pub fn to_json(&self, zone: &jiff::tz::TimeZone) -> OffenderJson {
        let at = |m: Option<Moment>| m.map(|m| crate::text::rfc3339(m.ts_ms, m.utc_offset_s, zone));
        OffenderJson {
            offender: self.name.clone(),
            scope: if self.is_brand { "brand" } else { "sender" },
            lines_violating: self.lines_violating,
            lines_opted_out: self.lines_opted_out,
            lines_affected: self.lines_affected,
            violations: self.violations,
            first_violation: at(self.first_violation),
            last_violation: at(self.last_violation),
            median_days_past_grace: self.median_days_past_grace,
            numbers: self.numbers.clone(),
            optout_keyword: self.optout_keyword.clone(),
        }
    }
}
