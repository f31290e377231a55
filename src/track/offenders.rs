//! The repeat-offender ranking across lines: who kept marketing after the
//! opt-out on the most phones. Pure: a `Report` in, a ranking out.
//!
//! An offender is a brand (all its numbers, on every line) or, for messages
//! without a brand, one sender. Ignored senders and personal contacts never
//! rank. Ranked by the number of distinct lines with violations, then by
//! violations, then by name. [`rank`] takes a whole `Report`; [`Ranking`]
//! one sender at a time, for callers that stream them.

use std::collections::{BTreeMap, BTreeSet};

use jiff::tz::TimeZone;

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
    /// Every counted violation, oldest first (with [`Detail::Times`]).
    pub violation_times: Vec<Moment>,
    /// Counted violations per calendar month (`2026-03`), oldest first
    /// (with [`Detail::Months`]: what the export charts).
    pub violations_per_month: Vec<(String, u64)>,
}

/// What a ranking keeps of each offender's violations beyond the counts,
/// dates and median.
#[derive(Debug, Clone)]
pub enum Detail {
    /// Nothing more.
    Counts,
    /// Every counted violation's time: memory grows with violations.
    Times,
    /// A count per calendar month, each violation in the offset it was
    /// received in (this zone for one stored without): memory grows with
    /// months.
    Months(TimeZone),
}

/// The calendar month (`2026-03`) of `m`.
pub fn month_of(m: &Moment, zone: &TimeZone) -> String {
    crate::text::zoned(m.ts_ms, m.utc_offset_s, zone)
        .strftime("%Y-%m")
        .to_string()
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
/// The whole report at once; [`Ranking`] is the same a sender at a time.
pub fn rank(
    report: &Report,
    policy: &Policy,
    since_ms: Option<i64>,
    min_lines: u64,
) -> Vec<Offender> {
    let mut ranking = Ranking::new(policy, since_ms, Detail::Times);
    for s in &report.senders {
        ranking.add(s);
    }
    ranking.finish(min_lines)
}

/// The ranking built one sender at a time, in any order: what it keeps is
/// one small tally per offender (line ids, numbers, the days past grace of
/// its violations), never the senders themselves. Fed every sender of a
/// report, it gives exactly what [`rank`] gives.
pub struct Ranking<'a> {
    policy: &'a Policy,
    since_ms: Option<i64>,
    detail: Detail,
    groups: BTreeMap<(String, bool), Acc>,
}

/// One offender's tally so far.
#[derive(Default)]
struct Acc {
    affected: BTreeSet<i64>,
    opted: BTreeSet<i64>,
    violating: BTreeSet<i64>,
    numbers: BTreeSet<String>,
    violations: u64,
    first: Option<Moment>,
    last: Option<Moment>,
    times: Vec<Moment>,
    months: BTreeMap<String, u64>,
    days: Vec<f64>,
    keyword: Option<Keyword>,
}

/// The keyword of the member with the latest instruction so far.
struct Keyword {
    instruction_ms: Option<i64>,
    last_seen_ms: Option<i64>,
    key: String,
    line: String,
    text: String,
}

impl Keyword {
    /// Whether `s` comes after this one in a report's order (latest seen
    /// first, then by key, then by line name): of two members with the
    /// same instruction time, the later one's keyword is used.
    fn before(&self, s: &SenderReport) -> bool {
        // `Report::assemble`'s comparison of this one with `s`.
        s.last_seen
            .map(|m| m.ts_ms)
            .cmp(&self.last_seen_ms)
            .then_with(|| self.key.as_str().cmp(&s.key))
            .then_with(|| self.line.as_str().cmp(&s.line))
            .is_le()
    }
}

/// The ordering key of a violation (oldest first, then by message).
fn when(m: &Moment) -> (i64, Option<i64>) {
    (m.ts_ms, m.message_id)
}

impl<'a> Ranking<'a> {
    /// An empty ranking under `policy`, counting violations on or after
    /// `since_ms`, keeping `detail` of them (the counts, dates and median
    /// are the same whatever it is).
    pub fn new(policy: &'a Policy, since_ms: Option<i64>, detail: Detail) -> Ranking<'a> {
        Ranking {
            policy,
            since_ms,
            detail,
            groups: BTreeMap::new(),
        }
    }

    /// Counts one line and sender for its offender: its brand (all its
    /// numbers, on every line), or the sender itself when it has no brand
    /// (a suspicious sender has none of its own). Ignored senders and
    /// personal contacts never rank. `s` holds its violations (a report
    /// decoded with its lists, never one left in the findings cache: the
    /// ranking needs each violation's time).
    pub fn add(&mut self, s: &SenderReport) {
        if s.ignored || s.status == Status::Ignored || s.kind == SenderKind::Personal {
            return;
        }
        let group = match &s.brand {
            Some(b) => (b.clone(), true),
            None => (s.key.clone(), false),
        };
        let acc = self.groups.entry(group).or_default();
        if s.marketing > 0 || s.kind == SenderKind::Suspicious {
            acc.affected.insert(s.line_id);
            if !acc.numbers.contains(&s.key) {
                acc.numbers.insert(s.key.clone());
            }
        }
        if s.findings.optout.is_some() {
            acc.opted.insert(s.line_id);
        }
        let end = grace_end(s, self.policy);
        let mut any = false;
        let violations = s
            .findings
            .violations
            .held()
            .expect("a ranking is given reports that hold their violations");
        for v in violations {
            if self.since_ms.is_some_and(|since| v.ts_ms < since) {
                continue;
            }
            any = true;
            acc.violations += 1;
            if acc.first.is_none_or(|f| when(v) < when(&f)) {
                acc.first = Some(*v);
            }
            if acc.last.is_none_or(|l| when(v) >= when(&l)) {
                acc.last = Some(*v);
            }
            match &self.detail {
                Detail::Counts => {}
                Detail::Times => acc.times.push(*v),
                Detail::Months(zone) => *acc.months.entry(month_of(v, zone)).or_default() += 1,
            }
            if let Some(end) = end {
                acc.days.push((v.ts_ms - end) as f64 / DAY_MS);
            }
        }
        if any {
            acc.violating.insert(s.line_id);
        }
        if let Some(keyword) = &s.keyword {
            let instruction_ms = s.instruction.map(|m| m.ts_ms);
            let better = acc.keyword.as_ref().is_none_or(|k| {
                instruction_ms > k.instruction_ms
                    || (instruction_ms == k.instruction_ms && k.before(s))
            });
            if better {
                acc.keyword = Some(Keyword {
                    instruction_ms,
                    last_seen_ms: s.last_seen.map(|m| m.ts_ms),
                    key: s.key.clone(),
                    line: s.line.clone(),
                    text: keyword.clone(),
                });
            }
        }
    }

    /// The offenders with violations on at least `min_lines` lines, ranked.
    pub fn finish(self, min_lines: u64) -> Vec<Offender> {
        let mut out: Vec<Offender> = self
            .groups
            .into_iter()
            .filter(|(_, a)| a.violations > 0 && a.violating.len() as u64 >= min_lines)
            .map(|((name, is_brand), a)| a.offender(name, is_brand))
            .collect();
        out.sort_by(|a, b| {
            b.lines_violating
                .cmp(&a.lines_violating)
                .then_with(|| b.violations.cmp(&a.violations))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.is_brand.cmp(&b.is_brand))
        });
        out
    }
}

impl Acc {
    fn offender(mut self, name: String, is_brand: bool) -> Offender {
        self.times.sort_by_key(when);
        Offender {
            name,
            is_brand,
            lines_violating: self.violating.len() as u64,
            lines_opted_out: self.opted.len() as u64,
            lines_affected: self.affected.len() as u64,
            violations: self.violations,
            first_violation: self.first,
            last_violation: self.last,
            median_days_past_grace: median(&mut self.days).map(|m| (m * 10.0).round() / 10.0),
            numbers: self.numbers.into_iter().collect(),
            optout_keyword: self.keyword.map(|k| k.text),
            line_ids: OffenderLines {
                violating: self.violating.into_iter().collect(),
                opted_out: self.opted.into_iter().collect(),
                affected: self.affected.into_iter().collect(),
            },
            violation_times: self.times,
            violations_per_month: self.months.into_iter().collect(),
        }
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
