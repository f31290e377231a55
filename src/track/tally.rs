//! From stored rows to a [`Report`], without knowing where the rows come
//! from: the findings layer streams senders, aliases, message facts and
//! event rows in; [`Tally`] keeps per-sender totals, [`Timelines`] collects
//! each sender's events and replays them.
//!
//! Two passes, as the data allows: the totals decide each sender's brand,
//! jurisdiction and opt-out targets, which the second pass needs to know
//! whom a reply or a confirmation speaks to. Memory grows with senders and
//! events, never with the number of messages.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::replay::status_of;
use super::{
    BrandReport, Event, EventKind, Jurisdiction, Policy, RESUBSCRIBE_KEYWORDS, Report,
    SenderReport, replay,
};
use crate::classify::{fold, resolve_sender_brand};
use crate::model::{
    AliasRow, BrandSource, Direction, EventRow, ManualOptOut, MessageFacts, Moment, SenderClass,
    SenderKind, SenderRow,
};

struct SenderAcc {
    id: i64,
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
}

/// The earlier of two moments (ties by message id), for first/last seen.
fn earlier(a: Moment, b: Moment) -> bool {
    (a.ts_ms, a.message_id) < (b.ts_ms, b.message_id)
}

/// Pass 1: senders, their aliases, and per-sender totals, brands,
/// advertised keywords and targets.
#[derive(Default)]
pub struct Tally {
    senders: Vec<SenderAcc>,
    index: HashMap<i64, usize>,
    by_key: HashMap<String, usize>,
}

impl Tally {
    pub fn new() -> Tally {
        Tally::default()
    }

    /// A stored sender (each once, before its aliases and messages).
    pub fn sender(&mut self, row: SenderRow<'_>) {
        self.index.insert(row.id, self.senders.len());
        self.by_key.insert(row.key.to_string(), self.senders.len());
        self.senders.push(SenderAcc {
            id: row.id,
            key: row.key.to_string(),
            class: SenderClass::parse(row.class),
            aliases: Vec::new(),
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
        });
    }

    /// A raw address of a sender (fed in the order they are to be listed).
    pub fn alias(&mut self, row: AliasRow<'_>) {
        if let Some(&i) = self.index.get(&row.sender_id) {
            self.senders[i].aliases.push(row.raw.to_string());
        }
    }

    /// One stored message's facts, any order.
    pub fn message(&mut self, r: &MessageFacts<'_>) {
        let Some(&sender) = self.index.get(&r.sender_id) else {
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
        match r.kind {
            "marketing" => acc.marketing += 1,
            // Counted apart: a scam is never "subscribed", and the
            // brand it claims is not its own.
            "suspicious" => acc.suspicious += 1,
            "transactional" | "optout_confirmation" | "resubscribe_confirmation" => {
                acc.transactional += 1;
            }
            _ => {}
        }
        if r.kind != "suspicious"
            && let Some(brand) = r.brand
        {
            *acc.brands
                .entry((brand.to_string(), r.brand_from_prefix))
                .or_default() += 1;
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

    /// Ends pass 1: decides brands, jurisdictions and who targets whom.
    pub fn into_timelines(self) -> Timelines {
        let senders = self.senders;
        let brand_of: Vec<Option<String>> = senders
            .iter()
            .map(|s| {
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
            })
            .collect();
        let jurisdiction: Vec<Jurisdiction> = senders
            .iter()
            .map(|s| Jurisdiction::of(s.class, &s.key, &s.keywords))
            .collect();
        // Which senders name each number as their opt-out target.
        let mut targeted_by: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in senders.iter().enumerate() {
            for t in &s.targets {
                targeted_by.entry(t.clone()).or_default().push(i);
            }
        }
        let mut brand_members: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, b) in brand_of.iter().enumerate() {
            if let Some(b) = b {
                brand_members.entry(b.clone()).or_default().push(i);
            }
        }
        let events = vec![Vec::new(); senders.len()];
        Timelines {
            senders,
            index: self.index,
            by_key: self.by_key,
            brand_of,
            jurisdiction,
            targeted_by,
            brand_members,
            events,
        }
    }
}

/// Pass 2: each sender's events, then the replay.
pub struct Timelines {
    senders: Vec<SenderAcc>,
    index: HashMap<i64, usize>,
    by_key: HashMap<String, usize>,
    brand_of: Vec<Option<String>>,
    jurisdiction: Vec<Jurisdiction>,
    targeted_by: HashMap<String, Vec<usize>>,
    brand_members: HashMap<String, Vec<usize>>,
    events: Vec<Vec<Event>>,
}

impl Timelines {
    fn is_marketer(&self, i: usize) -> bool {
        let s = &self.senders[i];
        s.marketing > 0 || s.suspicious > 0 || !s.keywords.is_empty()
    }

    fn brand_members_of(&self, i: usize) -> &[usize] {
        self.brand_of[i]
            .as_ref()
            .and_then(|b| self.brand_members.get(b))
            .map_or(&[], Vec::as_slice)
    }

    /// One message that may be an event (see [`EventRow`]), any order.
    pub fn event(&mut self, r: &EventRow<'_>) {
        let Some(&sender) = self.index.get(&r.sender_id) else {
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
                let mut also: Vec<usize> = self
                    .targeted_by
                    .get(self.senders[sender].key.as_str())
                    .cloned()
                    .unwrap_or_default();
                also.extend(self.brand_members_of(sender));
                also.sort_unstable();
                also.dedup();
                for i in also.into_iter().filter(|&i| i != sender) {
                    self.events[i].push(base(EventKind::Confirmation));
                }
                self.events[sender].push(base(EventKind::Confirmation));
            } else {
                self.events[sender].push(base(EventKind::Marketing));
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
        if let Some(list) = self.targeted_by.get(self.senders[sender].key.as_str()) {
            direct.extend(list.iter().copied().filter(|&i| i != sender));
        }
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
    pub fn finish(
        mut self,
        manual: &[ManualOptOut],
        ignored: &HashSet<(bool, String)>,
        policy: &Policy,
    ) -> Report {
        for m in manual {
            let targets: Vec<usize> = if m.scope_brand {
                self.brand_members
                    .get(m.name.as_str())
                    .cloned()
                    .unwrap_or_default()
            } else {
                let mut v: Vec<usize> = self.by_key.get(&m.name).copied().into_iter().collect();
                if let Some(i) = v.first().copied() {
                    v.extend(self.brand_members_of(i).iter().copied().filter(|&x| x != i));
                }
                v
            };
            for i in targets {
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
            let findings = replay(&self.events[i], grace, policy);
            let kind = if s.suspicious > 0 {
                SenderKind::Suspicious
            } else if s.marketing > 0 {
                SenderKind::Marketing
            } else if s.transactional > 0 || s.class != SenderClass::Mobile {
                SenderKind::Transactional
            } else {
                SenderKind::Personal
            };
            let brand = brand_of[i].clone();
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
                key: s.key,
                aliases: s.aliases,
                class: s.class,
                brand,
                kind,
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
        out.sort_by(|a, b| {
            b.last_seen
                .map(|m| m.ts_ms)
                .cmp(&a.last_seen.map(|m| m.ts_ms))
                .then_with(|| a.key.cmp(&b.key))
        });
        let brands: Vec<BrandReport> = super::report::brands(&out, ignored);
        Report {
            senders: out,
            brands,
        }
    }
}

/// Trailing punctuation and quotes people add to a one-word reply.
fn is_reply_noise(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '。' | '！' | '"' | '\'' | '“' | '”' | ' ' | ',' | '，'
    )
}
