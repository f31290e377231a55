//! One cached finding as text: a [`SenderReport`] without what the store
//! joins back in when reading (the sender's raw addresses, the line's name),
//! in a compact JSON shape that is not an interface (a format change bumps
//! `FORMAT`, which rebuilds every cache).

use serde::{Deserialize, Serialize};

use crate::model::{Moment, SenderClass, SenderKind, Status};
use crate::store::StoreError;
use crate::track::{Findings, Jurisdiction, KindReason, OptOut, SenderReport};

/// The version of this encoding, part of the cache's state.
pub(super) const FORMAT: &str = "1";

/// (`ts_ms`, `utc_offset_s`, `message_id`).
type M = (i64, Option<i32>, Option<i64>);

/// (`ts_ms`, `utc_offset_s`, `message_id`, keyword, to, manual channel).
type O = (
    i64,
    Option<i32>,
    Option<i64>,
    String,
    String,
    Option<String>,
);

#[derive(Serialize, Deserialize)]
struct Row {
    key: String,
    class: String,
    brand: Option<String>,
    claimed_brand: Option<String>,
    kind: String,
    kind_message: Option<i64>,
    kind_reason: Option<(String, Option<String>)>,
    received: u64,
    marketing: u64,
    keyword: Option<String>,
    target: Option<String>,
    instruction: Option<M>,
    jurisdiction: u8,
    optout: Option<O>,
    confirmed: Option<M>,
    resubscribed: Option<M>,
    violations: Vec<M>,
    in_flight: Vec<M>,
    before_optout: u64,
    status: String,
    ignored: bool,
    first_seen: Option<M>,
    last_seen: Option<M>,
    contact_name: Option<String>,
}

fn m(x: Option<Moment>) -> Option<M> {
    x.map(|x| (x.ts_ms, x.utc_offset_s, x.message_id))
}

fn moment((ts_ms, utc_offset_s, message_id): M) -> Moment {
    Moment {
        ts_ms,
        utc_offset_s,
        message_id,
    }
}

/// A decoded list of moments without the spare room its growth left: a
/// reader holding every row (the interface, an export) holds these lists,
/// the largest part of a report.
fn moments(list: Vec<M>) -> Vec<Moment> {
    let mut out: Vec<Moment> = list.into_iter().map(moment).collect();
    out.shrink_to_fit();
    out
}

pub(super) fn encode(s: &SenderReport) -> String {
    let f = &s.findings;
    let row = Row {
        key: s.key.clone(),
        class: s.class.as_str().to_string(),
        brand: s.brand.clone(),
        claimed_brand: s.claimed_brand.clone(),
        kind: s.kind.as_str().to_string(),
        kind_message: s.kind_message,
        kind_reason: s.kind_reason.clone().map(|r| (r.rule, r.text)),
        received: s.received,
        marketing: s.marketing,
        keyword: s.keyword.clone(),
        target: s.target.clone(),
        instruction: m(s.instruction),
        jurisdiction: match s.jurisdiction {
            Jurisdiction::Cn => 0,
            Jurisdiction::Us => 1,
            Jurisdiction::Other => 2,
        },
        optout: f.optout.as_ref().map(|o| {
            (
                o.ts_ms,
                o.utc_offset_s,
                o.message_id,
                o.keyword.clone(),
                o.to.clone(),
                o.manual.clone(),
            )
        }),
        confirmed: m(f.confirmed),
        resubscribed: m(f.resubscribed),
        violations: f.violations.iter().map(|&v| m(Some(v)).unwrap()).collect(),
        in_flight: f.in_flight.iter().map(|&v| m(Some(v)).unwrap()).collect(),
        before_optout: f.before_optout,
        status: s.status.as_str().to_string(),
        ignored: s.ignored,
        first_seen: m(s.first_seen),
        last_seen: m(s.last_seen),
        contact_name: s.contact_name.clone(),
    };
    serde_json::to_string(&row).expect("a cache row always encodes")
}

/// The finding of `data`; its line, line name and aliases are left for the
/// caller to fill in.
pub(super) fn decode(line_id: i64, sender_id: i64, data: &str) -> Result<SenderReport, StoreError> {
    let bad = |what: &str| StoreError {
        message: format!(
            "the findings cache row of line {line_id}, sender {sender_id} is damaged ({what}): run `optout reclassify`"
        ),
    };
    let r: Row = serde_json::from_str(data).map_err(|e| bad(&e.to_string()))?;
    Ok(SenderReport {
        sender_id,
        line_id,
        line: String::new(),
        key: r.key,
        aliases: Vec::new(),
        class: SenderClass::parse(&r.class),
        brand: r.brand,
        claimed_brand: r.claimed_brand,
        kind: SenderKind::parse(&r.kind).ok_or_else(|| bad("kind"))?,
        kind_message: r.kind_message,
        kind_reason: r.kind_reason.map(|(rule, text)| KindReason { rule, text }),
        received: r.received,
        marketing: r.marketing,
        keyword: r.keyword,
        target: r.target,
        instruction: r.instruction.map(moment),
        jurisdiction: match r.jurisdiction {
            0 => Jurisdiction::Cn,
            1 => Jurisdiction::Us,
            _ => Jurisdiction::Other,
        },
        findings: Findings {
            optout: r.optout.map(
                |(ts_ms, utc_offset_s, message_id, keyword, to, manual)| OptOut {
                    ts_ms,
                    utc_offset_s,
                    message_id,
                    keyword,
                    to,
                    manual,
                },
            ),
            confirmed: r.confirmed.map(moment),
            resubscribed: r.resubscribed.map(moment),
            violations: moments(r.violations),
            in_flight: moments(r.in_flight),
            before_optout: r.before_optout,
        },
        status: Status::parse(&r.status).ok_or_else(|| bad("status"))?,
        ignored: r.ignored,
        first_seen: r.first_seen.map(moment),
        last_seen: r.last_seen.map(moment),
        contact_name: r.contact_name,
    })
}
