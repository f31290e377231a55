//! The plan: from one line's findings to what would be sent where, and
//! the senders optout will not write to, each with its reason. Pure: no
//! database, no programs.

use std::collections::BTreeMap;

use crate::classify::{Region, jurisdiction_default_keyword, normalize_sender};
use crate::model::{SenderClass, SenderKind, Status};
use crate::track::SenderReport;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// `--sender`: only these sender keys (or brands), and the ones that
    /// may then go beyond the defaults (a transactional sender's stated
    /// instruction, a suggested keyword).
    pub named: Vec<String>,
    /// `--again`: send even where an opt-out is already in force.
    pub again: bool,
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlannedSend {
    /// The sender whose instruction it follows.
    pub sender: String,
    pub brand: Option<String>,
    pub keyword: String,
    pub target: String,
    /// Every sender key this opt-out covers (the brand's numbers, the
    /// senders naming the same target).
    pub covers: Vec<String>,
    /// The keyword is the usual one, not stated by the sender (only when
    /// named with `--sender`; the confirmation says so).
    pub suggested: bool,
}

impl PlannedSend {
    /// What the manual records of a successful send name: the brand, or
    /// each sender covered.
    pub fn record_scopes(&self) -> Vec<(bool, String)> {
        match &self.brand {
            Some(b) => vec![(true, b.clone())],
            None => self.covers.iter().map(|k| (false, k.clone())).collect(),
        }
    }
}

/// Why a sender is not in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Looks like fraud: replying confirms the number is alive.
    Suspicious {
        route: &'static str,
    },
    /// A personal number, or a contact saved on the phone.
    Personal,
    SavedContact {
        name: String,
    },
    /// Alerts and codes: their instruction is sent only when named.
    Transactional,
    /// No keyword stated; the usual one is sent only when named.
    SuggestedOnly {
        keyword: &'static str,
    },
    /// The instruction asks for a text to a number that may cost money.
    PremiumTarget {
        target: String,
    },
    UnknownTarget {
        target: String,
    },
    /// An opt-out is already in force on this line (`--again` resends).
    AlreadyOptedOut,
    /// Opted out and it kept marketing: the next step is a complaint.
    Violating,
    /// The user took the opt-out back (START): sent only when named.
    Resubscribed,
    Ignored,
    /// Marketing with no keyword stated and none usual.
    NoInstruction,
    /// A send from an earlier run never finished (check the phone).
    Pending {
        id: i64,
    },
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Suspicious { .. } => "suspicious",
            Refusal::Personal => "personal",
            Refusal::SavedContact { .. } => "saved_contact",
            Refusal::Transactional => "transactional",
            Refusal::SuggestedOnly { .. } => "suggested_only",
            Refusal::PremiumTarget { .. } => "premium_target",
            Refusal::UnknownTarget { .. } => "unknown_target",
            Refusal::AlreadyOptedOut => "already_opted_out",
            Refusal::Violating => "violating",
            Refusal::Resubscribed => "resubscribed",
            Refusal::Ignored => "ignored",
            Refusal::NoInstruction => "no_instruction",
            Refusal::Pending { .. } => "pending",
        }
    }

    /// One line for people (untrusted parts are sanitised by the caller).
    pub fn reason(&self) -> String {
        match self {
            Refusal::Suspicious { route } => {
                format!("suspicious: do not reply: report it ({route})")
            }
            Refusal::Personal => "a personal number".into(),
            Refusal::SavedContact { name } => format!("a saved contact ({name})"),
            Refusal::Transactional => {
                "transactional (alerts, codes): name it with --sender to send its instruction"
                    .into()
            }
            Refusal::SuggestedOnly { keyword } => format!(
                "states no keyword; {keyword} is only the usual one: name it with --sender to send it"
            ),
            Refusal::PremiumTarget { target } => {
                format!("the target {target} looks premium-rate")
            }
            Refusal::UnknownTarget { target } => {
                format!("the target {target} is a long number, not a short code or port")
            }
            Refusal::AlreadyOptedOut => {
                "already opted out on this line (--again sends it again)".into()
            }
            Refusal::Violating => "opted out, and it kept marketing: report it (optout report) or export the evidence (--again sends the opt-out again)".into(),
            Refusal::Resubscribed => "you took the opt-out back: name it with --sender to opt out again".into(),
            Refusal::Ignored => "ignored".into(),
            Refusal::NoInstruction => "states no opt-out keyword".into(),
            Refusal::Pending { id } => format!(
                "send #{id} of an earlier run never finished: check the phone (--again sends anyway)"
            ),
        }
    }
}

/// A sender left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub sender: String,
    pub brand: Option<String>,
    pub refusal: Refusal,
}

/// The plan for one line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub sends: Vec<PlannedSend>,
    pub refused: Vec<Refused>,
}

/// Where a report about a suspicious number goes.
pub fn report_route(s: &SenderReport) -> &'static str {
    if s.key.starts_with("+44") {
        "forward it to 7726"
    } else if s.key.starts_with("+1") {
        "forward it to 7726 (SPAM), or report it to the FTC"
    } else if s.key.starts_with("+86")
        || matches!(s.class, SenderClass::Port | SenderClass::Service)
        || s.jurisdiction == crate::track::Jurisdiction::Cn
    {
        "12321: optout report"
    } else {
        "your carrier's spam number (7726 in many countries)"
    }
}

/// Numbers whose texts cost more than a normal message.
fn is_premium(target: &str) -> bool {
    const PREMIUM: [&str; 8] = [
        "+1900", "1900", "+449", "+4487", "+4470", "09", "+861259", "1259",
    ];
    PREMIUM.iter().any(|p| target.starts_with(p))
}

/// Is `target` a number an opt-out may be texted to: the short codes,
/// ports and service numbers that take keywords.
fn target_refusal(target: &str, region: &Region) -> Option<Refusal> {
    if is_premium(target) {
        return Some(Refusal::PremiumTarget {
            target: target.to_string(),
        });
    }
    let class = normalize_sender(target, region).class;
    match class {
        SenderClass::Port | SenderClass::ShortCode | SenderClass::Service => None,
        _ => Some(Refusal::UnknownTarget {
            target: target.to_string(),
        }),
    }
}

fn is_named(s: &SenderReport, named: &[String]) -> bool {
    named
        .iter()
        .any(|n| *n == s.key || s.brand.as_deref() == Some(n.as_str()))
}

/// One sender: its keyword, target and whether it is only suggested, or
/// why it is refused. `None`: nothing to say (a personal contact nobody asked about).
fn judge(
    s: &SenderReport,
    opts: &PlanOptions,
    region: &Region,
) -> Option<Result<(String, String, bool), Refusal>> {
    let named = is_named(s, &opts.named);
    let asked = named || s.keyword.is_some() || s.marketing > 0;
    if s.kind == SenderKind::Suspicious {
        return Some(Err(Refusal::Suspicious {
            route: report_route(s),
        }));
    }
    if s.ignored {
        return asked.then_some(Err(Refusal::Ignored));
    }
    if let Some(name) = &s.contact_name {
        return asked.then(|| Err(Refusal::SavedContact { name: name.clone() }));
    }
    if s.kind == SenderKind::Personal {
        return asked.then_some(Err(Refusal::Personal));
    }
    if s.kind == SenderKind::Transactional && !(named && s.keyword.is_some()) {
        return asked.then_some(Err(Refusal::Transactional));
    }
    let in_force = s.findings.optout.is_some() && s.findings.resubscribed.is_none();
    if in_force && !opts.again {
        return Some(Err(if s.status == Status::Violating {
            Refusal::Violating
        } else {
            Refusal::AlreadyOptedOut
        }));
    }
    if s.findings.resubscribed.is_some() && !in_force && !named {
        return Some(Err(Refusal::Resubscribed));
    }
    let (keyword, target, suggested) = match (&s.keyword, &s.target) {
        (Some(k), t) => (k.clone(), t.clone().unwrap_or_else(|| s.key.clone()), false),
        (None, _) => match jurisdiction_default_keyword(s.class, &s.key) {
            Some(k) if named => (k.to_string(), s.key.clone(), true),
            Some(k) => return Some(Err(Refusal::SuggestedOnly { keyword: k })),
            None => return Some(Err(Refusal::NoInstruction)),
        },
    };
    // The keyword comes from a stranger's message: only a short word.
    if keyword.is_empty()
        || keyword.chars().count() > 20
        || keyword.starts_with('-')
        || keyword.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Some(Err(Refusal::NoInstruction));
    }
    if let Some(r) = target_refusal(&target, region) {
        return Some(Err(r));
    }
    Some(Ok((keyword, target, suggested)))
}

/// A sender going into a send: its keyword, target and whether suggested.
type Member<'a> = (&'a SenderReport, String, String, bool);

/// The plan for `senders` (one line's findings), in their order.
/// `pending`: (target, keyword) → the id of a send an earlier run left pending.
pub fn plan(
    senders: &[SenderReport],
    opts: &PlanOptions,
    region: &Region,
    pending: &BTreeMap<(String, String), i64>,
) -> Plan {
    let mut out = Plan::default();
    // One opt-out per brand (or lone sender), then one per target and keyword.
    let mut groups: Vec<(Option<String>, Vec<Member<'_>>)> = Vec::new();
    for s in senders {
        if !opts.named.is_empty() && !is_named(s, &opts.named) {
            continue;
        }
        match judge(s, opts, region) {
            None => {}
            Some(Err(refusal)) => out.refused.push(Refused {
                sender: s.key.clone(),
                brand: s.brand.clone().or_else(|| s.claimed_brand.clone()),
                refusal,
            }),
            Some(Ok((k, t, suggested))) => {
                let entry = (s, k, t, suggested);
                match groups
                    .iter_mut()
                    .find(|(b, _)| b.is_some() && *b == s.brand)
                {
                    Some((_, members)) => members.push(entry),
                    None => groups.push((s.brand.clone(), vec![entry])),
                }
            }
        }
    }
    for (brand, members) in groups {
        // The brand's latest stated instruction (a stated one before a suggestion).
        let Some((lead, keyword, target, suggested)) = members
            .iter()
            .max_by_key(|(s, _, _, sug)| (!*sug, s.instruction.map(|m| m.ts_ms)))
            .cloned()
        else {
            continue;
        };
        let covers: Vec<String> = members.iter().map(|(s, ..)| s.key.clone()).collect();
        if let Some(id) = pending.get(&(target.clone(), keyword.clone()))
            && !opts.again
        {
            for key in covers {
                out.refused.push(Refused {
                    sender: key,
                    brand: brand.clone(),
                    refusal: Refusal::Pending { id: *id },
                });
            }
            continue;
        }
        // Never the same opt-out twice: one keyword to one target once.
        if let Some(same) = out
            .sends
            .iter_mut()
            .find(|p| p.target == target && p.keyword == keyword)
        {
            same.covers.extend(covers);
            if same.brand != brand {
                same.brand = None;
            }
            continue;
        }
        out.sends.push(PlannedSend {
            sender: lead.key.clone(),
            brand,
            keyword,
            target,
            covers,
            suggested,
        });
    }
    out
}
