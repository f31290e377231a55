//! From rule matches to one kind. Rules that decide alone (confirmations,
//! strong transactional, suspicious) are taken in order; below them a small
//! deterministic score weighs marketing evidence (promotion wording, bait,
//! an opt-out instruction) against the facts of a notice (an amount in
//! cents, an account tail, an order number): a charge notice that says 详询
//! or 会员 stays transactional, and one promotion word alone decides nothing.

use super::rules::{CompiledRules, Matches, RuleKind};
use super::{MessageFeatures, MessageKind, SenderClass};

/// Score an opt-out instruction adds to the marketing side.
const INSTRUCTION_WEIGHT: u32 = 2;
/// Score from which a side decides.
const DECIDES: u32 = 2;
/// How far promotion must outweigh a notice's facts to make it marketing: a
/// balance notice with a promotional tail stays a notice.
const FACTS_MARGIN: u32 = 2;
/// The facts score of one hard fact of a notice (an amount, a reference, a
/// completed action).
const HARD_FACT: u32 = 3;

/// What the rule set found in one body: the first rule of each deciding
/// kind, and for the weighed kinds their score and the heaviest rule.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    pub optout_confirmation: Option<usize>,
    pub resubscribe_confirmation: Option<usize>,
    pub transactional: Option<usize>,
    pub suspicious: Option<usize>,
    /// Suspicious only with a link (ETC, points expiry, frozen accounts).
    pub weak_suspicious: Option<usize>,
    pub bait: Option<usize>,
    pub link: Option<usize>,
    pub instruction: bool,
    /// A marketing rule that gives a way to answer the advertiser matched.
    pub reach: bool,
    /// Weak transactional rules: the facts of a notice.
    pub facts: Score,
    /// Marketing and bait rules.
    pub promo: Score,
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Score {
    pub total: u32,
    /// The heaviest rule (the first of equals), shown as the reason.
    pub lead: Option<(usize, u8)>,
}

impl Score {
    fn add(&mut self, rule: usize, weight: u8) {
        self.total += u32::from(weight);
        if self.lead.is_none_or(|(_, w)| weight > w) {
            self.lead = Some((rule, weight));
        }
    }

    fn rule(&self) -> Option<usize> {
        self.lead.map(|(i, _)| i)
    }
}

impl Hits {
    pub(crate) fn collect(rules: &CompiledRules, matched: &Matches) -> Hits {
        let mut hits = Hits::default();
        let mut last_rule = usize::MAX;
        for p in matched {
            let i = rules.owner[p];
            // A rule with several patterns counts once.
            if i == last_rule {
                continue;
            }
            last_rule = i;
            let rule = &rules.rules[i];
            let slot = match rule.kind {
                RuleKind::OptoutConfirmation => &mut hits.optout_confirmation,
                RuleKind::ResubscribeConfirmation => &mut hits.resubscribe_confirmation,
                RuleKind::Transactional if rule.weak => {
                    hits.facts.add(i, rule.weight);
                    continue;
                }
                RuleKind::Transactional => &mut hits.transactional,
                RuleKind::Suspicious if rule.weak => &mut hits.weak_suspicious,
                RuleKind::Suspicious => &mut hits.suspicious,
                RuleKind::Marketing => {
                    hits.reach |= rule.reach;
                    // A way to answer that weighs nothing (zh.mkt.visit).
                    if rule.weight > 0 {
                        hits.promo.add(i, rule.weight);
                    }
                    continue;
                }
                RuleKind::Bait => {
                    hits.promo.add(i, rule.weight);
                    hits.bait.get_or_insert(i);
                    continue;
                }
                RuleKind::Link => &mut hits.link,
                RuleKind::Instruction => {
                    hits.instruction = true;
                    continue;
                }
                RuleKind::BankBrand => continue,
            };
            slot.get_or_insert(i);
        }
        hits
    }
}

/// What decided a kind: a rule (by index) or a fixed reason id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decider {
    Rule(usize),
    Instruction,
    /// A brand's name in a domain that is not the brand's.
    Lookalike,
    Fixed(&'static str),
}

// Each flag is one fact the rules cannot see in the body alone.
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct Facts<'a> {
    pub msg: &'a MessageFeatures<'a>,
    pub dlt_suffix: Option<char>,
    pub bank_brand_from_mobile: bool,
    pub instruction: bool,
    pub lookalike: bool,
    /// Chinese text from a 106 port with no 【签名】: a port's commercial SMS
    /// must carry one.
    pub unsigned_chinese: bool,
    /// The text speaks to its reader (您, 你, 各位, 欢迎 …), as an
    /// advertisement does and a news headline does not.
    pub addresses_reader: bool,
    /// Shorter than a campaign's message: a headline, a line of a page.
    pub snippet: bool,
}

/// The kind, and what decided it.
pub(crate) fn decide(rules: &CompiledRules, hits: &Hits, f: &Facts<'_>) -> (MessageKind, Decider) {
    use Decider::{Fixed, Instruction, Lookalike, Rule};
    let msg = f.msg;
    let mobile = msg.sender_class == SenderClass::Mobile;
    if let (Some(i), false) = (hits.optout_confirmation, f.instruction) {
        return (MessageKind::OptoutConfirmation, Rule(i));
    }
    // "Welcome back! 30% off with code BACK30" advertises: marketing.
    let marketing_words = hits.promo.lead.is_some_and(|(i, w)| {
        rules.rules[i].kind == RuleKind::Marketing && u32::from(w) >= DECIDES
    });
    if let (Some(i), false) = (hits.resubscribe_confirmation, marketing_words) {
        return (MessageKind::ResubscribeConfirmation, Rule(i));
    }
    if f.bank_brand_from_mobile {
        return (
            MessageKind::Suspicious,
            Fixed("suspicious.brand-from-mobile"),
        );
    }
    if f.lookalike {
        return (MessageKind::Suspicious, Lookalike);
    }
    if let Some(i) = hits.suspicious {
        return (MessageKind::Suspicious, Rule(i));
    }
    if let (Some(i), Some(_)) = (hits.weak_suspicious, hits.link) {
        return (MessageKind::Suspicious, Rule(i));
    }
    if let Some(i) = hits.transactional {
        return (MessageKind::Transactional, Rule(i));
    }
    // The sender's own DLT declaration (India): S, T and G are never
    // marketing; P is, whatever the wording.
    match f.dlt_suffix.map(|c| c.to_ascii_uppercase()) {
        Some('S' | 'T' | 'G') => {
            return (MessageKind::Transactional, Fixed("dlt.declared-service"));
        }
        Some('P') => return (MessageKind::Marketing, Fixed("dlt.declared-promotional")),
        _ => {}
    }
    if let (true, Some(i), Some(_)) = (mobile, hits.bait, hits.link) {
        return (MessageKind::Suspicious, Rule(i));
    }
    if mobile && msg.from_contact {
        // A saved contact's message is personal, whatever it says; only
        // bait with a link (above) makes it suspicious.
        return (MessageKind::Personal, Fixed("contact.personal"));
    }
    // From a personal mobile, promotion wording counts only with a link.
    let promo = if !mobile || hits.link.is_some() {
        hits.promo
    } else {
        Score::default()
    };
    let facts = hits.facts.total;
    // A stated opt-out is a campaign's sign, but couriers, airlines and banks
    // state one too: next to a notice's hard fact (an amount, a reference, a
    // completed action: weight 3) it no longer counts as promotion.
    let instruction = if f.instruction && facts < HARD_FACT {
        INSTRUCTION_WEIGHT
    } else {
        0
    };
    // A link from a business adds to promotion wording; alone it is nothing.
    let link = u32::from(hits.link.is_some() && promo.total > 0);
    let marketing = promo.total + instruction + link;
    // A notice's facts outweigh equal promotion; and a stated opt-out with
    // no promotion at all is a notice's footer (a courier's 回复0000可屏蔽),
    // not a campaign, when the text states any fact of a notice.
    let footer = promo.total == 0 && facts > 0;
    if (facts >= DECIDES && facts + FACTS_MARGIN >= marketing) || footer {
        let i = hits.facts.rule().expect("facts have a rule");
        return (MessageKind::Transactional, Rule(i));
    }
    // Hints alone in a short unsigned Chinese text from a 106 port (a
    // headline that says 免费 and 活动; a port's commercial SMS carry a
    // 【签名】 and fill the message) are not a campaign: in a snippet that
    // neither gives a way to answer (a number, a place, a link, a stated
    // opt-out) nor speaks to its reader, promotion words of weight 1 need a
    // third family.
    let hints_only = promo.lead.is_some_and(|(_, w)| u32::from(w) < DECIDES);
    let answerable = hits.reach || hits.link.is_some() || f.instruction || f.addresses_reader;
    let needed = if hints_only && !answerable && f.unsigned_chinese && f.snippet {
        DECIDES + 1
    } else {
        DECIDES
    };
    if marketing >= needed {
        return match promo.lead {
            Some((i, w)) if u32::from(w) >= DECIDES || !f.instruction => {
                (MessageKind::Marketing, Rule(i))
            }
            _ => (MessageKind::Marketing, Instruction),
        };
    }
    if let Some(i) = hits.facts.rule() {
        return (MessageKind::Transactional, Rule(i));
    }
    let business = !matches!(msg.sender_class, SenderClass::Mobile | SenderClass::Other);
    match msg.hint.map(str::to_ascii_lowercase).as_deref() {
        Some(h) if h.contains("promotion") && !mobile => {
            return (MessageKind::Marketing, Fixed("hint.promotion"));
        }
        Some(h) if h.contains("transaction") => {
            return (MessageKind::Transactional, Fixed("hint.transaction"));
        }
        Some(h) if h.contains("junk") && hits.link.is_some() => {
            return (MessageKind::Suspicious, Fixed("hint.junk"));
        }
        _ => {}
    }
    if business {
        (MessageKind::Transactional, Fixed("fallback.business"))
    } else {
        (MessageKind::Personal, Fixed("fallback.personal"))
    }
}
