//! Building the [`Evidence`]: select senders and brands, load their messages, fill the model.

use std::collections::HashMap;
use std::path::Path;

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

use crate::model::SenderClass;
use crate::store::{ImportRecord, Store, StoredMessage};
use crate::track::{
    BrandReport, Grace, Jurisdiction, ListSpan, Moment, OptOut, Report, SenderReport, Spans,
    Status, business_days_between, days_between,
};

use super::stream::{FindingsSource, Lists, Member};
use super::{
    Counts, EvidenceMessage, ExportError, ExportOptions, Instruction, Listed, Offender,
    OptOutRecord, Reason, Selection, SenderIdentity, TimeRecord, offender_messages,
};

/// What one section covers.
pub(super) enum Target<'a> {
    Sender(&'a SenderReport),
    Brand(&'a BrandReport, Vec<&'a SenderReport>),
}

pub(super) fn select<'a>(
    findings: FindingsSource<'a>,
    sel: &Selection,
) -> Result<Vec<Target<'a>>, ExportError> {
    let report = findings.report();
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
                (Some(since), Status::Violating) => findings
                    .spans(s)
                    .violations
                    .latest
                    .is_some_and(|m| m.ts_ms >= since),
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
pub(super) struct Ctx<'a> {
    /// The messages the offenders' facts cite (instructions, opt-outs, confirmations).
    pub(super) messages: HashMap<i64, StoredMessage>,
    pub(super) imports: HashMap<i64, ImportRecord>,
    pub(super) manual: Vec<crate::track::ManualOptOut>,
    pub(super) options: &'a ExportOptions,
    pub(super) since_ms: Option<i64>,
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

    pub(super) fn evidence_message(
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
            reason: m.rule_id.as_ref().map(|rule| Reason {
                rule: rule.clone(),
                text: m.reason.clone(),
            }),
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

pub(super) fn zone_name(zone: &TimeZone) -> String {
    zone.iana_name().map_or_else(
        || {
            // A fixed offset or POSIX zone: name it by its current offset.
            zone.to_offset(Timestamp::UNIX_EPOCH).to_string()
        },
        str::to_string,
    )
}

pub(super) fn file_name_of(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

pub(super) fn members<'a>(t: &Target<'a>) -> Vec<&'a SenderReport> {
    match t {
        Target::Sender(s) => vec![*s],
        Target::Brand(_, m) => m.clone(),
    }
}

/// The instruction the user acted on: the latest one advertised (by these
/// numbers, or by the number the opt-out went to) before the opt-out.
pub(super) fn instruction_acted_on(
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
    // Everything here happened on one line: the members' own.
    let line = members.first().map(|s| s.line_id);
    let mut ids: Vec<i64> = members.iter().map(|s| s.sender_id).collect();
    ids.extend(
        report
            .senders
            .iter()
            .filter(|s| s.key == optout.to && Some(s.line_id) == line)
            .map(|s| s.sender_id),
    );
    Ok(store.instruction_before(line, &ids, optout.ts_ms)?)
}

/// One offender's facts and counts (its lists empty: the first pass fills
/// them), and where to read its lists from.
pub(super) fn offender<'a>(
    ctx: &Ctx<'_>,
    findings: FindingsSource<'a>,
    target: &Target<'a>,
    acted_on: Option<&StoredMessage>,
    first_marketing: Option<Moment>,
) -> (Offender, Lists<'a>) {
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
    let mut lists = Lists::default();
    for &s in &members {
        if let Some(optout) = &s.findings.optout {
            lists.members.push(Member {
                sender: s,
                optout,
                jurisdiction: s.jurisdiction,
            });
        }
    }

    let spans: Vec<Spans> = members.iter().map(|s| findings.spans(s)).collect();
    // The first and last of every member's violations, as one list of
    // them sorted by time has them.
    let violations = spans
        .iter()
        .fold(ListSpan::default(), |all, s| all.then(s.violations));
    let counts = Counts {
        marketing_received: members.iter().map(|s| s.marketing).sum(),
        first_marketing: first_marketing.map(|m| ctx.time(m.ts_ms, m.utc_offset_s)),
        marketing_before_optout: members.iter().map(|s| s.findings.before_optout).sum(),
        marketing_after_optout: violations.len,
        in_flight: spans.iter().map(|s| s.in_flight.len).sum(),
        first_violation: violations
            .earliest
            .map(|m| ctx.time(m.ts_ms, m.utc_offset_s)),
        last_violation: violations.latest.map(|m| ctx.time(m.ts_ms, m.utc_offset_s)),
    };

    // The first pass also reads the lists' texts.
    let texts: Vec<&str> = instruction
        .iter()
        .filter_map(|i| i.message.as_ref())
        .map(|m| m.text.as_str())
        .collect();
    let category = if is_financial(&texts) {
        "financial_marketing"
    } else {
        "commercial_advertising"
    };

    let offender = Offender {
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
                complaint_to: complaint_to(s),
            })
            .collect(),
        instruction,
        optout,
        confirmation,
        resubscribed,
        counts,
        violations: Vec::new(),
        in_flight: Vec::new(),
        listed: Listed::default(),
    };
    lists.head_ids = offender_messages(&offender)
        .iter()
        .map(|m| m.message_id)
        .collect();
    (offender, lists)
}

/// Where a complaint about this number goes: the country its number (or
/// class, or advertised keywords) belongs to.
pub fn complaint_to(s: &SenderReport) -> &'static str {
    let key = s.key.as_str();
    if key.starts_with("+44") {
        return "7726";
    }
    if key.starts_with("+1") {
        return "fcc_ftc";
    }
    if key.starts_with("+86") || matches!(s.class, SenderClass::Port | SenderClass::Service) {
        return "12321";
    }
    match (s.class, s.jurisdiction) {
        // US carriers do not deliver alphanumeric senders; a "Reply STOP" from one is British.
        (SenderClass::Alphanumeric, Jurisdiction::Us) => "7726",
        (_, Jurisdiction::Us) => "fcc_ftc",
        (_, Jurisdiction::Cn) => "12321",
        (_, Jurisdiction::Other) => "unknown",
    }
}
