//! Opt-out tracking: for every marketing sender and brand, replay its
//! timeline and decide whether the user opted out, whether it was confirmed,
//! and which marketing messages came after.
//!
//! [`replay`] is a pure function of a sender's events; [`compute`] loads the
//! events from the store and runs it for every sender. Status is never
//! stored: it is derived again from the messages and the user's manual
//! records, so importing more, editing rules or recording an opt-out can
//! never leave it stale.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan};

use crate::classify::{BrandSource, SenderClass, fold, resolve_sender_brand};
use crate::store::{Store, StoreError};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// How long a sender has to act on an opt-out before a message counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grace {
    /// A fixed duration.
    Duration { ms: i64 },
    /// Business days (Monday to Friday) in the opt-out's local calendar.
    BusinessDays(u32),
}

impl Grace {
    /// Parses `24h`, `2d`, `90m`, `10bd` (business days).
    pub fn parse(text: &str) -> Result<Grace, String> {
        let t = text.trim().to_ascii_lowercase();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: i64 = num
            .parse()
            .map_err(|_| format!("'{text}' is not a duration such as 24h, 2d or 10bd"))?;
        match unit {
            "m" | "min" => Ok(Grace::Duration { ms: n * 60_000 }),
            "h" => Ok(Grace::Duration { ms: n * HOUR_MS }),
            "d" => Ok(Grace::Duration { ms: n * DAY_MS }),
            "bd" => Ok(Grace::BusinessDays(
                u32::try_from(n).map_err(|e| e.to_string())?,
            )),
            _ => Err(format!(
                "'{text}': use m (minutes), h (hours), d (days) or bd (business days)"
            )),
        }
    }

    /// The first moment after `start` at which a message is no longer in flight.
    pub fn end(self, start_ms: i64, zone: &TimeZone) -> i64 {
        match self {
            Grace::Duration { ms } => start_ms.saturating_add(ms),
            Grace::BusinessDays(days) => add_business_days(start_ms, days, zone),
        }
    }
}

fn add_business_days(start_ms: i64, days: u32, zone: &TimeZone) -> i64 {
    let Ok(ts) = Timestamp::from_millisecond(start_ms) else {
        return start_ms;
    };
    let mut z = ts.to_zoned(zone.clone());
    let mut left = days;
    while left > 0 {
        let Ok(next) = z.checked_add(1.day()) else {
            break;
        };
        z = next;
        if !matches!(z.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    z.timestamp().as_millisecond()
}

/// The rules of the replay that the user can change.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Grace for everyone but US/CA numbers and short codes (default 24 h).
    pub grace: Grace,
    /// Grace for US/CA numbers and short codes (default 10 business days,
    /// after the FCC's 2024 consent-revocation rule).
    pub grace_us: Grace,
    /// How long after an opt-out a confirmation counts (7 days).
    pub confirmation_window_ms: i64,
    /// Calendar for business days when the message has no offset.
    pub zone: TimeZone,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            grace: Grace::Duration { ms: DAY_MS },
            grace_us: Grace::BusinessDays(10),
            confirmation_window_ms: 7 * DAY_MS,
            zone: TimeZone::UTC,
        }
    }
}

/// The opt-out rules a sender falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jurisdiction {
    Cn,
    Us,
    Other,
}

/// Standard opt-out words for US/CA numbers and English instructions.
pub const US_KEYWORDS: &[&str] = &[
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "OPTOUT",
    "REVOKE",
];
/// Standard opt-out words for Chinese ports and service numbers.
pub const CN_KEYWORDS: &[&str] = &["T", "TD", "TDDX", "R", "N", "0000", "退订"];
/// Words that take an opt-out back.
pub const RESUBSCRIBE_KEYWORDS: &[&str] = &["START", "UNSTOP", "YES"];

impl Jurisdiction {
    pub fn of(class: SenderClass, key: &str, advertised: &[String]) -> Jurisdiction {
        if key.starts_with("+1") || class == SenderClass::ShortCode {
            return Jurisdiction::Us;
        }
        if matches!(class, SenderClass::Port | SenderClass::Service) || key.starts_with("+86") {
            return Jurisdiction::Cn;
        }
        let english = advertised.iter().any(|k| US_KEYWORDS.contains(&k.as_str()));
        let chinese = advertised.iter().any(|k| CN_KEYWORDS.contains(&k.as_str()));
        match (english, chinese) {
            (true, false) => Jurisdiction::Us,
            (false, true) => Jurisdiction::Cn,
            _ => Jurisdiction::Other,
        }
    }

    /// Is `reply` (already folded) an opt-out word here?
    pub fn is_optout(self, reply: &str, advertised: &[String]) -> bool {
        if advertised.iter().any(|k| k == reply) {
            return true;
        }
        // A "STOP" to a Chinese number is as clear as a "T" (and five-digit
        // service numbers look like US short codes); the short Chinese words
        // (T, N, R) are not opt-outs to a US number, where "N" answers a question.
        match self {
            Jurisdiction::Us => US_KEYWORDS.contains(&reply),
            Jurisdiction::Cn | Jurisdiction::Other => {
                CN_KEYWORDS.contains(&reply) || US_KEYWORDS.contains(&reply)
            }
        }
    }
}

/// One thing that happened in a sender's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    /// The stored message, when the event is one (manual records are not).
    pub message_id: Option<i64>,
    pub what: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A marketing (or suspicious) message from this sender.
    Marketing,
    /// Anything else received from this sender: alerts, codes, personal.
    OtherIncoming,
    /// A confirmation of an opt-out, from the sender or its target.
    Confirmation,
    /// The user opted out: a reply, or a manual record.
    OptOut {
        keyword: String,
        /// The number the reply went to (the sender, its target, or a brand sibling).
        to: String,
        manual: Option<String>,
    },
    /// The user took the opt-out back (START …).
    Resubscribe,
}

/// When and how the user opted out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOut {
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub message_id: Option<i64>,
    pub keyword: String,
    pub to: String,
    /// The channel of a manual record (`None` for a reply found in the export).
    pub manual: Option<String>,
}

/// A moment with the message that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub message_id: Option<i64>,
}

/// What replaying one sender's events found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The opt-out in force (the first of the current period).
    pub optout: Option<OptOut>,
    pub confirmed: Option<Moment>,
    pub resubscribed: Option<Moment>,
    /// Marketing after opt-out + grace: the violations.
    pub violations: Vec<Moment>,
    /// Marketing inside the grace period.
    pub in_flight: Vec<Moment>,
    /// Marketing messages before any opt-out.
    pub before_optout: u64,
}

/// Replays one sender's events (any order; sorted here) under `grace`.
pub fn replay(events: &[Event], grace: Grace, policy: &Policy) -> Findings {
    let mut sorted: Vec<&Event> = events.iter().collect();
    // At equal times an opt-out goes first: a message at the same
    // millisecond is in flight, never before the opt-out.
    sorted.sort_by_key(|e| {
        (
            e.ts_ms,
            !matches!(e.what, EventKind::OptOut { .. }),
            e.message_id,
        )
    });
    let mut f = Findings::default();
    let mut active: Option<(OptOut, i64)> = None;
    for e in sorted {
        let moment = Moment {
            ts_ms: e.ts_ms,
            utc_offset_s: e.utc_offset_s,
            message_id: e.message_id,
        };
        match &e.what {
            EventKind::OptOut {
                keyword,
                to,
                manual,
            } => {
                if active.is_none() {
                    let zone = offset_zone(e.utc_offset_s, &policy.zone);
                    let end = grace.end(e.ts_ms, &zone);
                    let optout = OptOut {
                        ts_ms: e.ts_ms,
                        utc_offset_s: e.utc_offset_s,
                        message_id: e.message_id,
                        keyword: keyword.clone(),
                        to: to.clone(),
                        manual: manual.clone(),
                    };
                    f.optout = Some(optout.clone());
                    f.confirmed = None;
                    f.resubscribed = None;
                    active = Some((optout, end));
                }
            }
            EventKind::Confirmation => {
                if let Some((optout, _)) = &active
                    && f.confirmed.is_none()
                    && e.ts_ms >= optout.ts_ms
                    && e.ts_ms <= optout.ts_ms + policy.confirmation_window_ms
                {
                    f.confirmed = Some(moment);
                }
            }
            EventKind::Resubscribe => {
                if active.take().is_some() {
                    f.resubscribed = Some(moment);
                }
            }
            EventKind::Marketing => match &active {
                Some((_, end)) if e.ts_ms < *end => f.in_flight.push(moment),
                Some(_) => f.violations.push(moment),
                None if f.optout.is_none() => f.before_optout += 1,
                None => {}
            },
            EventKind::OtherIncoming => {}
        }
    }
    f
}

fn offset_zone(offset_s: Option<i32>, zone: &TimeZone) -> TimeZone {
    offset_s
        .and_then(|s| jiff::tz::Offset::from_seconds(s).ok())
        .map_or_else(|| zone.clone(), TimeZone::fixed)
}

/// A sender's status, in the order the user cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Violating,
    Subscribed,
    OptedOut,
    Confirmed,
    Resubscribed,
    None,
    Ignored,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Violating => "violating",
            Status::Subscribed => "subscribed",
            Status::OptedOut => "opted_out",
            Status::Confirmed => "confirmed",
            Status::Resubscribed => "resubscribed",
            Status::None => "none",
            Status::Ignored => "ignored",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.iter().copied().find(|st| st.as_str() == s)
    }

    pub const ALL: [Status; 7] = [
        Status::Violating,
        Status::Subscribed,
        Status::OptedOut,
        Status::Confirmed,
        Status::Resubscribed,
        Status::None,
        Status::Ignored,
    ];
}

/// What a sender is, from all its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SenderKind {
    Marketing,
    Suspicious,
    Transactional,
    Personal,
}

impl SenderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SenderKind::Marketing => "marketing",
            SenderKind::Suspicious => "suspicious",
            SenderKind::Transactional => "transactional",
            SenderKind::Personal => "personal",
        }
    }

    pub fn parse(s: &str) -> Option<SenderKind> {
        [
            SenderKind::Marketing,
            SenderKind::Suspicious,
            SenderKind::Transactional,
            SenderKind::Personal,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Everything optout knows about one sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderReport {
    pub sender_id: i64,
    pub key: String,
    pub aliases: Vec<String>,
    pub class: SenderClass,
    pub brand: Option<String>,
    pub kind: SenderKind,
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

/// A brand's view: its senders together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandReport {
    pub brand: String,
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

/// Reads the store in two streaming passes (per-sender totals, then only the
/// messages that are events: marketing, confirmations, short replies) and
/// replays every sender. Memory grows with senders and events, never with
/// the number of messages.
pub fn compute(store: &Store, policy: &Policy) -> Result<Report, StoreError> {
    let conn = store.conn();
    let mut senders: Vec<SenderAcc> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT id, key, class FROM senders ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let key: String = r.get(1)?;
            index.insert(id, senders.len());
            by_key.insert(key.clone(), senders.len());
            senders.push(SenderAcc {
                id,
                key,
                class: SenderClass::parse(r.get_ref(2)?.as_str()?),
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
        let mut stmt = conn.prepare("SELECT sender_id, raw FROM aliases ORDER BY raw")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                senders[i].aliases.push(r.get(1)?);
            }
        }
    }

    // Pass 1: per-sender totals, brands, advertised keywords and targets.
    {
        let mut stmt = conn.prepare(
            "SELECT id, sender_id, direction, ts_ms, utc_offset_s, kind, optout_keyword,
                    optout_target, brand, brand_from_prefix, contact_name
             FROM messages",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let Some(&sender) = index.get(&r.get::<_, i64>(1)?) else {
                continue;
            };
            let incoming = r.get_ref(2)?.as_str()? == "in";
            let moment = Moment {
                ts_ms: r.get(3)?,
                utc_offset_s: r.get(4)?,
                message_id: Some(r.get(0)?),
            };
            let acc = &mut senders[sender];
            if acc.first_seen.is_none_or(|f| earlier(moment, f)) {
                acc.first_seen = Some(moment);
            }
            if acc.last_seen.is_none_or(|l| earlier(l, moment)) {
                acc.last_seen = Some(moment);
            }
            if let Some(name) = r.get_ref(10)?.as_str_or_null()?
                && acc
                    .contact_name
                    .as_ref()
                    .is_none_or(|(t, _)| *t <= moment.ts_ms)
            {
                acc.contact_name = Some((moment.ts_ms, name.to_string()));
            }
            if !incoming {
                continue;
            }
            acc.received += 1;
            let kind = r.get_ref(5)?.as_str()?;
            match kind {
                "marketing" => acc.marketing += 1,
                // Counted apart: a scam is never "subscribed", and the
                // brand it claims is not its own.
                "suspicious" => acc.suspicious += 1,
                "transactional" | "optout_confirmation" | "resubscribe_confirmation" => {
                    acc.transactional += 1;
                }
                _ => {}
            }
            if kind != "suspicious"
                && let Some(brand) = r.get_ref(8)?.as_str_or_null()?
            {
                let prefix: i64 = r.get(9)?;
                *acc.brands
                    .entry((brand.to_string(), prefix != 0))
                    .or_default() += 1;
            }
            if let Some(k) = r.get_ref(6)?.as_str_or_null()? {
                let target: Option<String> = r.get(7)?;
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
    }

    // Brands and jurisdictions per sender.
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
    let mut targeted_by: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in senders.iter().enumerate() {
        for t in &s.targets {
            targeted_by.entry(t.as_str()).or_default().push(i);
        }
    }
    let mut brand_members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, b) in brand_of.iter().enumerate() {
        if let Some(b) = b {
            brand_members.entry(b.as_str()).or_default().push(i);
        }
    }
    let is_marketer = |i: usize| {
        senders[i].marketing > 0 || senders[i].suspicious > 0 || !senders[i].keywords.is_empty()
    };

    // Pass 2: only the messages that are events, streamed; replay sorts them.
    let mut events: Vec<Vec<Event>> = vec![Vec::new(); senders.len()];
    let mut stmt = conn.prepare(
        "SELECT id, sender_id, direction, ts_ms, utc_offset_s, kind,
                CASE WHEN direction = 'out' THEN body END
         FROM messages
         WHERE (direction = 'in' AND kind IN ('marketing', 'suspicious', 'optout_confirmation'))
            OR (direction = 'out' AND length(body) <= 24)",
    )?;
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let Some(&sender) = index.get(&r.get::<_, i64>(1)?) else {
            continue;
        };
        let id: i64 = r.get(0)?;
        let base = |what| -> rusqlite::Result<Event> {
            Ok(Event {
                ts_ms: r.get(3)?,
                utc_offset_s: r.get(4)?,
                message_id: Some(id),
                what,
            })
        };
        if r.get_ref(2)?.as_str()? == "in" {
            if r.get_ref(5)?.as_str()? == "optout_confirmation" {
                // A confirmation counts for the senders whose target sent it
                // and for every number of the sender's brand.
                let mut also: Vec<usize> = targeted_by
                    .get(senders[sender].key.as_str())
                    .cloned()
                    .unwrap_or_default();
                if let Some(b) = &brand_of[sender]
                    && let Some(members) = brand_members.get(b.as_str())
                {
                    also.extend(members);
                }
                also.sort_unstable();
                also.dedup();
                for i in also.into_iter().filter(|&i| i != sender) {
                    events[i].push(base(EventKind::Confirmation)?);
                }
                events[sender].push(base(EventKind::Confirmation)?);
            } else {
                events[sender].push(base(EventKind::Marketing)?);
            }
            continue;
        }
        let Some(body) = r.get_ref(6)?.as_str_or_null()? else {
            continue;
        };
        let reply = fold(body);
        let reply = reply.trim_matches(is_reply_noise);
        // The senders this reply speaks to: the addressee and those naming it as target.
        // A personal contact (a mobile that never marketed) is never opted out of.
        let mut direct: Vec<usize> = vec![sender];
        if let Some(list) = targeted_by.get(senders[sender].key.as_str()) {
            direct.extend(list.iter().copied().filter(|&i| i != sender));
        }
        for i in direct {
            if !is_marketer(i) && senders[i].class == SenderClass::Mobile {
                continue;
            }
            let what = if RESUBSCRIBE_KEYWORDS.contains(&reply) {
                EventKind::Resubscribe
            } else if jurisdiction[i].is_optout(reply, &senders[i].keywords) {
                EventKind::OptOut {
                    keyword: reply.to_string(),
                    to: senders[sender].key.clone(),
                    manual: None,
                }
            } else {
                continue;
            };
            // A brand opt-out (or resubscribe) covers every number of the brand.
            let mut recipients = vec![i];
            if let Some(b) = &brand_of[i]
                && let Some(members) = brand_members.get(b.as_str())
            {
                recipients.extend(members.iter().copied().filter(|&m| m != i));
            }
            for m in recipients {
                if !events[m]
                    .iter()
                    .any(|e| e.message_id == Some(id) && e.what == what)
                {
                    events[m].push(base(what.clone())?);
                }
            }
        }
    }
    drop(q);
    drop(stmt);

    // Manual records and ignores.
    let manual = store.manual_optouts()?;
    for m in &manual {
        let targets: Vec<usize> = if m.scope_brand {
            brand_members
                .get(m.name.as_str())
                .cloned()
                .unwrap_or_default()
        } else {
            let mut v: Vec<usize> = by_key.get(&m.name).copied().into_iter().collect();
            if let Some(i) = v.first().copied()
                && let Some(b) = &brand_of[i]
                && let Some(members) = brand_members.get(b.as_str())
            {
                v.extend(members.iter().copied().filter(|&x| x != i));
            }
            v
        };
        for i in targets {
            events[i].push(Event {
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
    let ignored = store.ignored()?;

    let mut out = Vec::with_capacity(senders.len());
    for (i, s) in senders.into_iter().enumerate() {
        let grace = match jurisdiction[i] {
            Jurisdiction::Us => policy.grace_us,
            _ => policy.grace,
        };
        let findings = replay(&events[i], grace, policy);
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
            jurisdiction: jurisdiction[i],
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
    let brands = brands(&out, &ignored);
    Ok(Report {
        senders: out,
        brands,
    })
}

/// Trailing punctuation and quotes people add to a one-word reply.
fn is_reply_noise(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '。' | '！' | '"' | '\'' | '“' | '”' | ' ' | ',' | '，'
    )
}

fn status_of(f: &Findings, marketing: u64, ignored: bool) -> Status {
    if ignored {
        Status::Ignored
    } else if !f.violations.is_empty() {
        Status::Violating
    } else if f.resubscribed.is_some() && f.optout.is_none() {
        Status::Resubscribed
    } else if f.optout.is_some() {
        if f.resubscribed.is_some() {
            Status::Resubscribed
        } else if f.confirmed.is_some() {
            Status::Confirmed
        } else {
            Status::OptedOut
        }
    } else if marketing > 0 {
        Status::Subscribed
    } else {
        Status::None
    }
}

fn brands(senders: &[SenderReport], ignored: &HashSet<(bool, String)>) -> Vec<BrandReport> {
    let mut by_brand: BTreeMap<&str, Vec<&SenderReport>> = BTreeMap::new();
    for s in senders {
        if let Some(b) = &s.brand {
            by_brand.entry(b.as_str()).or_default().push(s);
        }
    }
    let mut out: Vec<BrandReport> = by_brand
        .into_iter()
        .map(|(brand, members)| {
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
    });
    out
}

/// A manual opt-out as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualOptOut {
    pub id: i64,
    pub scope_brand: bool,
    pub name: String,
    pub at_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub channel: String,
    pub note: Option<String>,
}

/// `Span` of whole days between two instants, for reports.
pub fn days_between(from_ms: i64, to_ms: i64) -> i64 {
    (to_ms - from_ms).div_euclid(DAY_MS)
}

/// Business days (Mon–Fri) strictly after `from` up to and including `to`, in `zone`.
pub fn business_days_between(from_ms: i64, to_ms: i64, zone: &TimeZone) -> i64 {
    let (Ok(a), Ok(b)) = (
        Timestamp::from_millisecond(from_ms),
        Timestamp::from_millisecond(to_ms),
    ) else {
        return 0;
    };
    let mut d = a.to_zoned(zone.clone()).date();
    let end = b.to_zoned(zone.clone()).date();
    let mut n = 0;
    while d < end {
        let Ok(next) = d.checked_add(Span::new().days(1)) else {
            break;
        };
        d = next;
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests;

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
        }
    }
}
