//! From stored rows to a [`Report`], without knowing where the rows come
//! from: the findings layer streams senders, aliases, message facts and
//! event rows in; [`Tally`] keeps per-sender totals, [`Timelines`] collects
//! each sender's events and replays them.
//!
//! Two passes, as the data allows: the totals decide each sender's brand,
//! jurisdiction and opt-out targets, which the second pass needs to know
//! whom a reply or a confirmation speaks to. Memory grows with senders and
//! events, never with the number of messages.

mod groups;

use std::collections::{BTreeMap, HashMap, HashSet};

use super::replay::status_of;
use super::{
    Event, EventKind, Jurisdiction, Policy, RESUBSCRIBE_KEYWORDS, Report, SenderReport, replay,
};
use crate::classify::{fold, resolve_sender_brand};
use crate::model::{
    AliasRow, BrandSource, Direction, EventRow, ManualOptOut, MessageFacts, Moment, SenderClass,
    SenderKind, SenderRow,
};

struct SenderAcc {
    id: i64,
    line_id: i64,
    key: String,
    class: SenderClass,
    aliases: Vec<String>,
    brands: BTreeMap<(String, bool), u64>,
    received: u64,
    marketing: u64,
    suspicious: u64,
    transactional: u64,
    keywords: Vec<String>,
    /// Every number it ever named as the place to send the keyword.
    targets: Vec<String>,
    keyword: Option<(String, Option<String>, Moment)>,
    first_seen: Option<Moment>,
    last_seen: Option<Moment>,
    /// The latest contact name the exports gave it, with its time.
    contact_name: Option<(i64, String)>,
    /// Brands its suspicious messages claim (evidence of impersonation).
    claimed: BTreeMap<String, u64>,
    /// The latest marketing, suspicious and transactional message: the one
    /// whose labels explain the sender's kind.
    latest: [Option<Moment>; 3],
}

/// Index into `SenderAcc::latest`.
const LATEST_MARKETING: usize = 0;
const LATEST_SUSPICIOUS: usize = 1;
const LATEST_TRANSACTIONAL: usize = 2;

/// The earlier of two moments (ties by message id), for first/last seen.
fn earlier(a: Moment, b: Moment) -> bool {
    (a.ts_ms, a.message_id) < (b.ts_ms, b.message_id)
}

/// The brand a sender's messages name, before the user's brand aliases.
fn raw_brand(s: &SenderAcc) -> Option<String> {
    let candidates: Vec<(String, BrandSource, u64)> = s
        .brands
        .iter()
        .map(|((name, prefix), n)| {
            let src = if *prefix {
                BrandSource::Prefix
            } else {
                BrandSource::Signature
            };
            (name.clone(), src, *n)
        })
        .collect();
    resolve_sender_brand(&candidates, s.received)
}

/// How one sender on a line is tied to others (see [`Tally::links`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderLinks {
    pub line_id: i64,
    pub sender_id: i64,
    pub key: String,
    /// The brand its numbers are grouped by (aliases applied).
    pub group_brand: Option<String>,
    /// The brand its messages name, before aliases.
    pub raw_brand: Option<String>,
    /// Every number it named as where to send the keyword.
    pub targets: Vec<String>,
}

/// A stored sender as pass 1 first sees it.
struct SenderInfo {
    key: String,
    class: SenderClass,
    aliases: Vec<String>,
}

/// Pass 1: senders, their aliases, and per line and sender the totals,
/// brands, advertised keywords and targets.
#[derive(Default)]
pub struct Tally {
    info: HashMap<i64, SenderInfo>,
    senders: Vec<SenderAcc>,
    /// (line, sender id) → accumulator.
    index: HashMap<(i64, i64), usize>,
}

impl Tally {
    pub fn new() -> Tally {
        Tally::default()
    }

    /// A stored sender (each once, before its aliases and messages).
    pub fn sender(&mut self, row: SenderRow<'_>) {
        self.info.insert(
            row.id,
            SenderInfo {
                key: row.key.to_string(),
                class: SenderClass::parse(row.class),
                aliases: Vec::new(),
            },
        );
    }

    /// A raw address of a sender (fed in the order they are to be listed).
    pub fn alias(&mut self, row: AliasRow<'_>) {
        if let Some(info) = self.info.get_mut(&row.sender_id) {
            info.aliases.push(row.raw.to_string());
        }
    }

    /// The accumulator of a sender on a line, made on its first message.
    fn acc(&mut self, line_id: i64, sender_id: i64) -> Option<usize> {
        if let Some(&i) = self.index.get(&(line_id, sender_id)) {
            return Some(i);
        }
        let info = self.info.get(&sender_id)?;
        let i = self.senders.len();
        self.senders.push(SenderAcc {
            id: sender_id,
            line_id,
            key: info.key.clone(),
            class: info.class,
            aliases: info.aliases.clone(),
            brands: BTreeMap::new(),
            received: 0,
            marketing: 0,
            suspicious: 0,
            transactional: 0,
            keywords: Vec::new(),
            targets: Vec::new(),
            keyword: None,
            first_seen: None,
            last_seen: None,
            contact_name: None,
            claimed: BTreeMap::new(),
            latest: [None; 3],
        });
        self.index.insert((line_id, sender_id), i);
        Some(i)
    }

    /// One stored message's facts, any order.
    pub fn message(&mut self, r: &MessageFacts<'_>) {
        let Some(sender) = self.acc(r.line_id, r.sender_id) else {
            return;
        };
        let moment = Moment {
            ts_ms: r.ts_ms,
            utc_offset_s: r.utc_offset_s,
            message_id: Some(r.id),
        };
        let acc = &mut self.senders[sender];
        if acc.first_seen.is_none_or(|f| earlier(moment, f)) {
            acc.first_seen = Some(moment);
        }
        if acc.last_seen.is_none_or(|l| earlier(l, moment)) {
            acc.last_seen = Some(moment);
        }
        if let Some(name) = r.contact_name
            && acc
                .contact_name
                .as_ref()
                .is_none_or(|(t, _)| *t <= moment.ts_ms)
        {
            acc.contact_name = Some((moment.ts_ms, name.to_string()));
        }
        if r.direction != Direction::Incoming {
            return;
        }
        acc.received += 1;
        let latest = match r.kind {
            "marketing" => {
                acc.marketing += 1;
                Some(LATEST_MARKETING)
            }
            // Counted apart: a scam is never "subscribed", and the
            // brand it claims is not its own.
            "suspicious" => {
                acc.suspicious += 1;
                Some(LATEST_SUSPICIOUS)
            }
            "transactional" | "optout_confirmation" | "resubscribe_confirmation" => {
                acc.transactional += 1;
                Some(LATEST_TRANSACTIONAL)
            }
            _ => None,
        };
        if let Some(k) = latest
            && acc.latest[k].is_none_or(|l| earlier(l, moment))
        {
            acc.latest[k] = Some(moment);
        }
        if let Some(brand) = r.brand {
            if r.kind == "suspicious" {
                *acc.claimed.entry(brand.to_string()).or_default() += 1;
            } else {
                *acc.brands
                    .entry((brand.to_string(), r.brand_from_prefix))
                    .or_default() += 1;
            }
        }
        if let Some(k) = r.optout_keyword {
            let target = r.optout_target.map(str::to_string);
            if !acc.keywords.iter().any(|x| x == k) {
                acc.keywords.push(k.to_string());
            }
            if let Some(t) = &target
                && !acc.targets.contains(t)
            {
                acc.targets.push(t.clone());
            }
            if acc
                .keyword
                .as_ref()
                .is_none_or(|(_, _, m)| earlier(*m, moment))
            {
                acc.keyword = Some((k.to_string(), target, moment));
            }
        }
    }

    /// What ties each sender seen so far to others of its line: its brand
    /// group and the numbers it names as opt-out targets. Findings of a
    /// sender depend only on senders reachable through these links.
    pub fn links(&self, brand_aliases: &HashMap<String, String>) -> Vec<SenderLinks> {
        self.senders
            .iter()
            .map(|s| {
                let raw = raw_brand(s);
                SenderLinks {
                    line_id: s.line_id,
                    sender_id: s.id,
                    key: s.key.clone(),
                    group_brand: raw
                        .as_ref()
                        .map(|b| brand_aliases.get(b).cloned().unwrap_or_else(|| b.clone())),
                    raw_brand: raw,
                    targets: s.targets.clone(),
                }
            })
            .collect()
    }

    /// Ends pass 1: decides brands (spellings merged by `brand_aliases`),
    /// jurisdictions and who targets whom, each within its line.
    pub fn into_timelines(self, brand_aliases: &HashMap<String, String>) -> Timelines {
        let senders = self.senders;
        let brand_of: Vec<Option<String>> = senders
            .iter()
            .map(|s| raw_brand(s).map(|b| brand_aliases.get(&b).cloned().unwrap_or(b)))
            .collect();
        let jurisdiction: Vec<Jurisdiction> = senders
            .iter()
            .map(|s| Jurisdiction::of(s.class, &s.key, &s.keywords))
            .collect();
        // Which senders of a line name each number as their opt-out target.
        let mut targeted_by: HashMap<(i64, String), Vec<usize>> = HashMap::new();
        for (i, s) in senders.iter().enumerate() {
            for t in &s.targets {
                targeted_by
                    .entry((s.line_id, t.clone()))
                    .or_default()
                    .push(i);
            }
        }
        let mut brand_members: HashMap<(i64, String), Vec<usize>> = HashMap::new();
        for (i, b) in brand_of.iter().enumerate() {
            if let Some(b) = b {
                brand_members
                    .entry((senders[i].line_id, b.clone()))
                    .or_default()
                    .push(i);
            }
        }
        let by_key: HashMap<(i64, String), usize> = senders
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.line_id, s.key.clone()), i))
            .collect();
        // Looked up once per sender here, not once per event in pass 2.
        let targeting: Vec<Vec<usize>> = senders
            .iter()
            .map(|s| {
                targeted_by
                    .get(&(s.line_id, s.key.clone()))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let brand_group: Vec<Vec<usize>> = senders
            .iter()
            .zip(&brand_of)
            .map(|(s, b)| {
                b.as_ref()
                    .and_then(|b| brand_members.get(&(s.line_id, b.clone())))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let events = vec![Vec::new(); senders.len()];
        let promotions = vec![Vec::new(); senders.len()];
        Timelines {
            senders,
            index: self.index,
            by_key,
            brand_of,
            jurisdiction,
            targeting,
            brand_group,
            brand_members,
            events,
            promotions,
        }
    }
}

/// Pass 2: each sender's events on each line, then the replay.
pub struct Timelines {
    senders: Vec<SenderAcc>,
    index: HashMap<(i64, i64), usize>,
    by_key: HashMap<(i64, String), usize>,
    brand_of: Vec<Option<String>>,
    jurisdiction: Vec<Jurisdiction>,
    /// Per sender: the senders of its line naming it as their opt-out target.
    targeting: Vec<Vec<usize>>,
    /// Per sender: every sender of its brand on its line (itself included).
    brand_group: Vec<Vec<usize>>,
    /// (line, brand) → its senders, for manual records by brand.
    brand_members: HashMap<(i64, String), Vec<usize>>,
    /// Every event but the marketing messages, per sender.
    events: Vec<Vec<Event>>,
    /// Per sender: its marketing messages (time, offset, id), the bulk of
    /// the events, kept at a quarter of an [`Event`]'s size until its replay.
    promotions: Vec<Vec<(i64, Option<i32>, i64)>>,
}

impl Timelines {
    fn is_marketer(&self, i: usize) -> bool {
        let s = &self.senders[i];
        s.marketing > 0 || s.suspicious > 0 || !s.keywords.is_empty()
    }

    fn brand_members_of(&self, i: usize) -> &[usize] {
        &self.brand_group[i]
    }

    /// The senders of `i`'s line naming it as their opt-out target.
    fn targeting(&self, i: usize) -> &[usize] {
        &self.targeting[i]
    }

    /// One message that may be an event (see [`EventRow`]), any order.
    pub fn event(&mut self, r: &EventRow<'_>) {
        let Some(&sender) = self.index.get(&(r.line_id, r.sender_id)) else {
            return;
        };
        let base = |what| Event {
            ts_ms: r.ts_ms,
            utc_offset_s: r.utc_offset_s,
            message_id: Some(r.id),
            what,
        };
        if r.direction == Direction::Incoming {
            if r.kind == "optout_confirmation" {
                // A confirmation counts for the senders whose target sent it
                // and for every number of the sender's brand.
                let mut also: Vec<usize> = self.targeting(sender).to_vec();
                also.extend(self.brand_members_of(sender));
                also.sort_unstable();
                also.dedup();
                for i in also.into_iter().filter(|&i| i != sender) {
                    self.events[i].push(base(EventKind::Confirmation));
                }
                self.events[sender].push(base(EventKind::Confirmation));
            } else {
                self.promotions[sender].push((r.ts_ms, r.utc_offset_s, r.id));
            }
            return;
        }
        let Some(body) = r.reply else {
            return;
        };
        let reply = fold(body);
        let reply = reply.trim_matches(is_reply_noise);
        // The senders this reply speaks to: the addressee and those naming it as target.
        // A personal contact (a mobile that never marketed) is never opted out of.
        let mut direct: Vec<usize> = vec![sender];
        direct.extend(
            self.targeting(sender)
                .iter()
                .copied()
                .filter(|&i| i != sender),
        );
        for i in direct {
            if !self.is_marketer(i) && self.senders[i].class == SenderClass::Mobile {
                continue;
            }
            let what = if RESUBSCRIBE_KEYWORDS.contains(&reply) {
                EventKind::Resubscribe
            } else if self.jurisdiction[i].is_optout(reply, &self.senders[i].keywords) {
                EventKind::OptOut {
                    keyword: reply.to_string(),
                    to: self.senders[sender].key.clone(),
                    manual: None,
                }
            } else {
                continue;
            };
            // A brand opt-out (or resubscribe) covers every number of the brand.
            let mut recipients = vec![i];
            recipients.extend(self.brand_members_of(i).iter().copied().filter(|&m| m != i));
            for m in recipients {
                if !self.events[m]
                    .iter()
                    .any(|e| e.message_id == Some(r.id) && e.what == what)
                {
                    self.events[m].push(base(what.clone()));
                }
            }
        }
    }

    /// Adds the user's manual records, applies ignores, replays every
    /// sender and builds the brands.
    /// `lines` names each line id; ignores apply on every line.
    pub fn finish(
        mut self,
        manual: &[ManualOptOut],
        ignored: &HashSet<(bool, String)>,
        lines: &HashMap<i64, String>,
        policy: &Policy,
    ) -> Report {
        for m in manual {
            let targets: Vec<usize> = if m.scope_brand {
                self.brand_members
                    .get(&(m.line_id, m.name.clone()))
                    .cloned()
                    .unwrap_or_default()
            } else {
                let mut v: Vec<usize> = self
                    .by_key
                    .get(&(m.line_id, m.name.clone()))
                    .copied()
                    .into_iter()
                    .collect();
                if let Some(i) = v.first().copied() {
                    v.extend(self.brand_members_of(i).iter().copied().filter(|&x| x != i));
                }
                v
            };
            for i in targets {
                // A send's own outgoing message, once imported, is the same
                // opt-out: the message is the evidence, the record yields.
                if m.is_send()
                    && self.events[i].iter().any(|e| {
                        e.message_id.is_some()
                            && matches!(e.what, EventKind::OptOut { .. })
                            && e.ts_ms >= m.at_ms - SEND_SEEN_BEFORE_MS
                            && e.ts_ms <= m.at_ms + SEND_SEEN_AFTER_MS
                    })
                {
                    continue;
                }
                self.events[i].push(Event {
                    ts_ms: m.at_ms,
                    utc_offset_s: m.utc_offset_s,
                    message_id: None,
                    what: EventKind::OptOut {
                        keyword: String::new(),
                        to: m.name.clone(),
                        manual: Some(m.channel.clone()),
                    },
                });
            }
        }

        let mut out = Vec::with_capacity(self.senders.len());
        let brand_of = self.brand_of;
        for (i, s) in self.senders.into_iter().enumerate() {
            let grace = match self.jurisdiction[i] {
                Jurisdiction::Us => policy.grace_us,
                _ => policy.grace,
            };
            let mut events = std::mem::take(&mut self.events[i]);
            events.extend(std::mem::take(&mut self.promotions[i]).into_iter().map(
                |(ts_ms, utc_offset_s, id)| Event {
                    ts_ms,
                    utc_offset_s,
                    message_id: Some(id),
                    what: EventKind::Marketing,
                },
            ));
            let findings = replay(&events, grace, policy);
            let kind = if s.suspicious > 0 {
                SenderKind::Suspicious
            } else if s.marketing > 0 {
                SenderKind::Marketing
            } else if s.transactional > 0 || s.class != SenderClass::Mobile {
                SenderKind::Transactional
            } else {
                SenderKind::Personal
            };
            // A suspicious sender has no brand of its own: the one it claims
            // is kept apart, as evidence of impersonation.
            let (brand, claimed_brand) = if kind == SenderKind::Suspicious {
                let claimed = s
                    .claimed
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                    .map(|(b, _)| b.clone())
                    .or_else(|| brand_of[i].clone());
                (None, claimed)
            } else {
                (brand_of[i].clone(), None)
            };
            let kind_message = match kind {
                SenderKind::Marketing => s.latest[LATEST_MARKETING],
                SenderKind::Suspicious => s.latest[LATEST_SUSPICIOUS],
                SenderKind::Transactional => s.latest[LATEST_TRANSACTIONAL],
                SenderKind::Personal => None,
            }
            .and_then(|m| m.message_id);
            let is_ignored = ignored.contains(&(false, s.key.clone()))
                || brand
                    .as_ref()
                    .is_some_and(|b| ignored.contains(&(true, b.clone())));
            let status = status_of(&findings, s.marketing, is_ignored);
            let (keyword, target, instruction) = match s.keyword {
                Some((k, t, m)) => (Some(k), Some(t.unwrap_or_else(|| s.key.clone())), Some(m)),
                None => (None, None, None),
            };
            out.push(SenderReport {
                sender_id: s.id,
                line_id: s.line_id,
                line: lines.get(&s.line_id).cloned().unwrap_or_default(),
                key: s.key,
                aliases: s.aliases,
                class: s.class,
                brand,
                claimed_brand,
                kind,
                kind_message,
                kind_reason: None,
                received: s.received,
                marketing: s.marketing,
                keyword,
                target,
                instruction,
                jurisdiction: self.jurisdiction[i],
                findings,
                status,
                ignored: is_ignored,
                first_seen: s.first_seen,
                last_seen: s.last_seen,
                contact_name: s.contact_name.map(|(_, n)| n),
            });
        }
        Report::assemble(out, ignored)
    }
}

/// How far before a send's recorded time its outgoing message may be
/// stamped (the phone's clock) and still be that send.
pub const SEND_SEEN_BEFORE_MS: i64 = 10 * 60_000;
/// How long after: the phone may send late (adb waits for the user's tap,
/// a phone offline sends when it is back).
pub const SEND_SEEN_AFTER_MS: i64 = 24 * 3_600_000;

/// Trailing punctuation and quotes people add to a one-word reply.
fn is_reply_noise(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '。' | '！' | '"' | '\'' | '“' | '”' | ' ' | ',' | '，'
    )
}
