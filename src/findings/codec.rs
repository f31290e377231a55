//! One cached finding as text: a [`SenderReport`] without what the store
//! joins back in when reading (the sender's raw addresses, the line's name),
//! in a compact JSON shape that is not an interface (a format change bumps
//! `FORMAT`, which rebuilds every cache).

use std::sync::Arc;

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::model::{Moment, SenderClass, SenderKind, Status};
use crate::store::StoreError;
use crate::track::{Findings, Jurisdiction, KindReason, ListSpan, Moments, OptOut, SenderReport};

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

/// One row; `L` is how its lists of moments are read: whole (`Vec<M>`), or
/// only counted ([`Span`]).
#[derive(Serialize, Deserialize)]
struct Row<L = Vec<M>> {
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
    violations: L,
    in_flight: L,
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
fn moments(list: Vec<M>) -> Arc<[Moment]> {
    list.into_iter().map(moment).collect()
}

/// A held list, encoded. A finding is encoded from its computation, which
/// holds every list: a list left in the cache is never written back
/// (that would write an empty list over the violations).
fn list(l: &Moments) -> Vec<M> {
    l.held()
        .expect("a computed finding holds its lists")
        .iter()
        .map(|&v| (v.ts_ms, v.utc_offset_s, v.message_id))
        .collect()
}

pub(super) fn encode(s: &SenderReport) -> String {
    let f = &s.findings;
    let row: Row = Row {
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
        violations: list(&f.violations),
        in_flight: list(&f.in_flight),
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
    let (mut s, (violations, in_flight)) = decode_with::<Vec<M>>(line_id, sender_id, data)?;
    s.findings.violations = Moments::Held(moments(violations));
    s.findings.in_flight = Moments::Held(moments(in_flight));
    Ok(s)
}

/// [`decode`] with the violations and in-flight lists left in the cache
/// ([`Moments::Left`]: counted, their ends kept): no list is held, even
/// while it is read.
pub(super) fn decode_outline(
    line_id: i64,
    sender_id: i64,
    data: &str,
) -> Result<SenderReport, StoreError> {
    let (mut s, (violations, in_flight)) = decode_with::<Span>(line_id, sender_id, data)?;
    s.findings.violations = Moments::Left(violations.0);
    s.findings.in_flight = Moments::Left(in_flight.0);
    Ok(s)
}

/// `s` with its lists left in the cache (their spans kept), as
/// [`decode_outline`] reads them.
pub(super) fn leave_lists(s: &mut SenderReport) {
    let f = &mut s.findings;
    f.violations = Moments::Left(f.violations.span());
    f.in_flight = Moments::Left(f.in_flight.span());
}

/// Only the violations and in-flight lists of `data`.
pub(super) fn decode_lists(
    line_id: i64,
    sender_id: i64,
    data: &str,
) -> Result<(Vec<Moment>, Vec<Moment>), StoreError> {
    #[derive(Deserialize)]
    struct Lists {
        violations: Vec<M>,
        in_flight: Vec<M>,
    }
    let r: Lists = serde_json::from_str(data).map_err(|e| damaged(line_id, sender_id, &e))?;
    let list = |l: Vec<M>| l.into_iter().map(moment).collect();
    Ok((list(r.violations), list(r.in_flight)))
}

fn damaged(line_id: i64, sender_id: i64, what: &dyn std::fmt::Display) -> StoreError {
    StoreError {
        message: format!(
            "the findings cache row of line {line_id}, sender {sender_id} is damaged ({what}): run `optout reclassify`"
        ),
    }
}

/// A list of moments read into its [`ListSpan`], one element at a time.
struct Span(ListSpan);

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Counting;
        impl<'de> Visitor<'de> for Counting {
            type Value = Span;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of moments")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Span, A::Error> {
                let mut span = ListSpan::default();
                while let Some(m) = seq.next_element::<M>()? {
                    span.push(moment(m));
                }
                Ok(Span(span))
            }
        }
        d.deserialize_seq(Counting)
    }
}

/// The row of `data` with its lists read as `L`, as a report (lists empty).
fn decode_with<'de, L: Deserialize<'de>>(
    line_id: i64,
    sender_id: i64,
    data: &'de str,
) -> Result<(SenderReport, (L, L)), StoreError> {
    let bad = |what: &str| damaged(line_id, sender_id, &what);
    let r: Row<L> = serde_json::from_str(data).map_err(|e| bad(&e.to_string()))?;
    let report = SenderReport {
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
            violations: Moments::default(),
            in_flight: Moments::default(),
            before_optout: r.before_optout,
        },
        status: Status::parse(&r.status).ok_or_else(|| bad("status"))?,
        ignored: r.ignored,
        first_seen: r.first_seen.map(moment),
        last_seen: r.last_seen.map(moment),
        contact_name: r.contact_name,
    };
    Ok((report, (r.violations, r.in_flight)))
}
