//! Senders and messages: normalising addresses into sender keys, telling
//! marketing from everything else, and reading each marketing message's
//! opt-out instruction.
//!
//! Everything here is pure: text in, labels out. The store calls it during
//! import and on `optout reclassify`.
//!
//! The rules are data (`assets/rules.toml`, plus an optional user file in the
//! config directory), compiled once into a `RegexSet` so that a message costs
//! one pass over its body. Every incoming message gets exactly one
//! [`MessageKind`], decided in this order (the first that applies wins):
//!
//! 1. an opt-out confirmation rule, unless the message also carries an opt-out
//!    instruction ("reply STOP and you will no longer receive…" is marketing);
//! 2. a resubscribe confirmation rule (keeps the instruction it may carry),
//!    unless it also carries promotion wording;
//! 3. a bank-like 【signature】 (banks, card issuers, payment services) from a
//!    personal mobile number, which cannot legitimately carry one: suspicious;
//! 4. a strong transactional rule (codes, account alerts, deliveries,
//!    appointments, government notices): transactional, whatever else the
//!    message says and whoever sent it;
//! 5. bait (loans, 额度, 备用金, prizes, "pre-approved") with a link from a
//!    personal mobile number: suspicious;
//! 6. from a personal mobile the export names as a saved contact: personal;
//! 7. marketing evidence: an opt-out instruction, or a marketing/bait rule
//!    (from a personal mobile number only together with a link): marketing.
//!    A weak transactional rule (余额, "your order", "payment of") gives way
//!    to marketing evidence, and decides the message otherwise;
//! 8. the source's own filter hint (iOS `promotion`, `transaction`, `junk`),
//!    a weak hint only consulted here;
//! 9. otherwise personal from a mobile number or an unknown shape, and
//!    transactional from ports, short codes, service numbers, alphanumeric IDs
//!    and e-mail/RCS senders (a business that is not advertising is notifying).
//!
//! The opt-out instruction is kept for marketing, suspicious and resubscribe
//! messages only: optout never suggests unsubscribing from a one-time code.

mod brand;
mod fold;
mod rules;
mod sender;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::model::Direction;
pub use crate::model::{BrandSource, MessageKind, OptOutInstruction, SenderClass};
use rules::{CompiledRules, Rule, RuleKind};

pub use brand::resolve_sender_brand;
pub use fold::{fold, is_optout_keyword};
pub use sender::{jurisdiction_default_keyword, normalize_sender};

/// The region whose numbering plan applies to numbers written without a
/// country code (ISO 3166 alpha-2, upper case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region(String);

impl Region {
    pub fn new(code: &str) -> Result<Region, String> {
        let code = code.trim().to_ascii_uppercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Region(code))
        } else {
            Err(format!(
                "'{code}' is not a two-letter region code such as CN or US"
            ))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }
}

impl Default for Region {
    fn default() -> Self {
        Region("CN".into())
    }
}

/// A raw address turned into the key optout groups messages by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedSender {
    pub key: String,
    pub class: SenderClass,
    /// Indian DLT header suffix (P, S, T, G) when present.
    pub dlt_suffix: Option<char>,
}

/// The message facts the classifier looks at.
#[derive(Debug, Clone, Copy)]
pub struct MessageFeatures<'a> {
    pub direction: Direction,
    pub sender_class: SenderClass,
    pub body: &'a str,
    pub hint: Option<&'a str>,
    /// The export names the sender as a saved contact (a friend's "Reply
    /// STOP" joke is not a campaign).
    pub from_contact: bool,
}

/// The classifier's verdict on one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub kind: MessageKind,
    /// The id of the rule that decided the kind.
    pub rule_id: String,
    pub brand: Option<(String, BrandSource)>,
    pub instruction: Option<OptOutInstruction>,
}

/// The built-in rules, compiled into the binary.
pub const BUILTIN_RULES: &str = include_str!("../assets/rules.toml");

/// Compiled rules. Build once, classify many; cloning is cheap.
#[derive(Debug, Clone)]
pub struct Classifier {
    rules: Arc<CompiledRules>,
    region: Region,
    /// The user rule text, kept so that the version can be recomputed.
    user_text: Arc<str>,
    version: String,
}

impl Classifier {
    /// The built-in rules from `assets/rules.toml`.
    pub fn builtin() -> Classifier {
        let rules = rules::parse(BUILTIN_RULES, "assets/rules.toml")
            .unwrap_or_else(|e| panic!("built-in rules: {e}"));
        Classifier::from_rules(rules, "").unwrap_or_else(|e| panic!("built-in rules: {e}"))
    }

    /// The built-in rules plus a user rule file, when it exists. A bad file
    /// is an error naming the file, the rule and the cause, in one line.
    pub fn with_user_rules(path: &Path) -> Result<Classifier, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Classifier::builtin()),
            Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
        };
        Classifier::with_user_rules_text(&text, &path.display().to_string())
    }

    /// The built-in rules plus rules given as text; `origin` names them in
    /// errors.
    pub fn with_user_rules_text(text: &str, origin: &str) -> Result<Classifier, String> {
        let builtin =
            rules::parse(BUILTIN_RULES, "assets/rules.toml").map_err(|e| e.to_string())?;
        let user = rules::parse(text, origin).map_err(|e| e.to_string())?;
        Classifier::from_rules(rules::merge(builtin, user), text)
            .map_err(|e| format!("{origin}: {e}"))
    }

    /// The built-in rules plus `rules.toml` in optout's config directory
    /// (`~/.config/optout/rules.toml` on Linux) when present. A bad user file
    /// leaves the built-in rules working and returns a one-line warning.
    pub fn load_default() -> (Classifier, Option<String>) {
        let Some(dirs) = directories::ProjectDirs::from("", "", "optout") else {
            return (Classifier::builtin(), None);
        };
        let path = dirs.config_dir().join("rules.toml");
        match Classifier::with_user_rules(&path) {
            Ok(c) => (c, None),
            Err(e) => (
                Classifier::builtin(),
                Some(format!("warning: ignoring user rules: {e}")),
            ),
        }
    }

    /// The same rules, normalising numbers named in instructions ("Txt STOP
    /// to 80808") with `region`. The default is CN.
    #[must_use]
    pub fn with_region(mut self, region: Region) -> Classifier {
        self.region = region;
        self.version = version_of(&self.user_text, &self.region);
        self
    }

    fn from_rules(rules: Vec<Rule>, user_text: &str) -> Result<Classifier, String> {
        let region = Region::default();
        Ok(Classifier {
            rules: Arc::new(CompiledRules::compile(rules)?),
            version: version_of(user_text, &region),
            region,
            user_text: Arc::from(user_text),
        })
    }

    /// Changes whenever the rules change; stored so that a new version
    /// triggers reclassification.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn classify(&self, msg: &MessageFeatures<'_>) -> Classification {
        if msg.direction == Direction::Outgoing {
            return Classification {
                kind: MessageKind::Outgoing,
                rule_id: "outgoing".into(),
                brand: None,
                instruction: None,
            };
        }
        let folded = fold::width_fold(msg.body);
        let brand = brand::extract_brand(&folded);
        // Rules read the text without its signature: 【XX会员】 is a name.
        let body = brand::without_signatures(&folded);
        let matched = self.rules.set.matches(body);
        let hits = Hits::collect(&self.rules, &matched);
        let instruction = if hits.instruction {
            self.extract_instruction(body, &matched)
        } else {
            None
        };
        let (kind, rule_id) = self.decide(msg, &hits, brand.as_ref(), instruction.as_ref());
        let keeps_instruction = matches!(
            kind,
            MessageKind::Marketing | MessageKind::Suspicious | MessageKind::ResubscribeConfirmation
        );
        Classification {
            kind,
            rule_id,
            brand,
            instruction: if keeps_instruction {
                instruction.map(|(_, i)| i)
            } else {
                None
            },
        }
    }

    fn decide(
        &self,
        msg: &MessageFeatures<'_>,
        hits: &Hits,
        brand: Option<&(String, BrandSource)>,
        instruction: Option<&(usize, OptOutInstruction)>,
    ) -> (MessageKind, String) {
        let id = |i: usize| self.rules.rules[i].id.clone();
        let mobile = msg.sender_class == SenderClass::Mobile;
        if let (Some(i), None) = (hits.optout_confirmation, instruction) {
            return (MessageKind::OptoutConfirmation, id(i));
        }
        // "Welcome back! 30% off with code BACK30" advertises: marketing.
        if let (Some(i), None) = (hits.resubscribe_confirmation, hits.marketing) {
            return (MessageKind::ResubscribeConfirmation, id(i));
        }
        if mobile
            && let Some((name, BrandSource::Signature)) = brand
            && self.is_bank_brand(name)
        {
            return (
                MessageKind::Suspicious,
                "suspicious.brand-from-mobile".into(),
            );
        }
        if let Some(i) = hits.transactional {
            return (MessageKind::Transactional, id(i));
        }
        if let (true, Some(i), Some(_)) = (mobile, hits.bait, hits.link) {
            return (MessageKind::Suspicious, id(i));
        }
        if mobile && msg.from_contact {
            // A saved contact's message is personal, whatever it says; only
            // bait with a link (above) makes it suspicious.
            return (MessageKind::Personal, "contact.personal".into());
        }
        let promo = hits
            .marketing
            .or(hits.bait)
            .filter(|_| !mobile || hits.link.is_some());
        if let Some((i, _)) = instruction {
            return (MessageKind::Marketing, id(*i));
        }
        if let Some(i) = promo {
            return (MessageKind::Marketing, id(i));
        }
        if let Some(i) = hits.weak_transactional {
            return (MessageKind::Transactional, id(i));
        }
        let business = !matches!(msg.sender_class, SenderClass::Mobile | SenderClass::Other);
        match msg.hint.map(str::to_ascii_lowercase).as_deref() {
            Some(h) if h.contains("promotion") && !mobile => {
                return (MessageKind::Marketing, "hint.promotion".into());
            }
            Some(h) if h.contains("transaction") => {
                return (MessageKind::Transactional, "hint.transaction".into());
            }
            Some(h) if h.contains("junk") && hits.link.is_some() => {
                return (MessageKind::Suspicious, "hint.junk".into());
            }
            _ => {}
        }
        if business {
            (MessageKind::Transactional, "fallback.business".into())
        } else {
            (MessageKind::Personal, "fallback.personal".into())
        }
    }

    fn is_bank_brand(&self, brand: &str) -> bool {
        self.rules
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::BankBrand)
            .any(|r| r.regexes.iter().any(|re| re.is_match(brand)))
    }

    /// The first instruction, in rule order, that yields a usable keyword,
    /// with the index of its rule. Only patterns the set matched are run
    /// again for their captures.
    fn extract_instruction(
        &self,
        body: &str,
        matched: &regex::SetMatches,
    ) -> Option<(usize, OptOutInstruction)> {
        for (i, rule) in self.rules.rules.iter().enumerate() {
            if rule.kind != RuleKind::Instruction {
                continue;
            }
            let first = self.rules.first_pattern[i];
            for (j, re) in rule.regexes.iter().enumerate() {
                if !matched.matched(first + j) {
                    continue;
                }
                for caps in re.captures_iter(body) {
                    let group = |prefix: &str| {
                        re.capture_names()
                            .flatten()
                            .filter(|n| n.starts_with(prefix))
                            .find_map(|n| caps.name(n))
                            .map(|m| m.as_str())
                    };
                    let Some(keyword) = group("kw").and_then(clean_keyword) else {
                        continue;
                    };
                    let target = group("target")
                        .map(|t| normalize_sender(t, &self.region).key)
                        .filter(|t| !t.is_empty());
                    return Some((i, OptOutInstruction { keyword, target }));
                }
            }
        }
        None
    }
}

/// The first rule of each kind whose pattern matched, in rule order.
#[derive(Debug, Default)]
struct Hits {
    optout_confirmation: Option<usize>,
    resubscribe_confirmation: Option<usize>,
    transactional: Option<usize>,
    weak_transactional: Option<usize>,
    marketing: Option<usize>,
    bait: Option<usize>,
    link: Option<usize>,
    instruction: bool,
}

impl Hits {
    fn collect(rules: &CompiledRules, matched: &regex::SetMatches) -> Hits {
        let mut hits = Hits::default();
        for p in matched {
            let i = rules.owner[p];
            let rule = &rules.rules[i];
            let slot = match rule.kind {
                RuleKind::OptoutConfirmation => &mut hits.optout_confirmation,
                RuleKind::ResubscribeConfirmation => &mut hits.resubscribe_confirmation,
                RuleKind::Transactional if rule.weak => &mut hits.weak_transactional,
                RuleKind::Transactional => &mut hits.transactional,
                RuleKind::Marketing => &mut hits.marketing,
                RuleKind::Bait => &mut hits.bait,
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

/// Words a pattern may take in around a keyword that are not part of it
/// ("STOP TO 80808" in a message written in capitals).
const NOT_KEYWORD_WORDS: &[&str] = &[
    "TO", "2", "FOR", "AND", "OR", "NOW", "AT", "ON", "OF", "IN", "IF", "THE", "AS", "BY", "WITH",
    "PLS", "PLEASE", "WORD", "U",
];

/// Replies that are never opt-out keywords, whatever a pattern matched.
const NEVER_KEYWORDS: &[&str] = &["HELP", "INFO", "STOPPED", "STOPPING", "STOPS", "STOPPAGE"];

/// The keyword as stored: width-folded, upper-cased, without quotes and the
/// filler words a pattern may have taken in; `None` when nothing usable is left.
fn clean_keyword(raw: &str) -> Option<String> {
    let folded = fold(raw);
    let trimmed = folded.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '“' | '”' | '‘' | '’' | '【' | '】' | '[' | ']'
            )
    });
    let mut words: Vec<&str> = trimmed.split_whitespace().collect();
    while words.last().is_some_and(|w| NOT_KEYWORD_WORDS.contains(w)) {
        words.pop();
    }
    while words.first().is_some_and(|w| NOT_KEYWORD_WORDS.contains(w)) {
        words.remove(0);
    }
    let keyword = words.join(" ");
    let usable = !keyword.is_empty()
        && keyword.chars().count() <= 24
        && !NEVER_KEYWORDS.contains(&keyword.as_str());
    usable.then_some(keyword)
}

/// `rules-` and the first 12 hex digits of SHA-256 over the built-in and
/// user rule text (and the region, when not the default).
fn version_of(user_text: &str, region: &Region) -> String {
    let mut h = Sha256::new();
    h.update(BUILTIN_RULES.as_bytes());
    h.update([0]);
    h.update(user_text.as_bytes());
    if *region != Region::default() {
        h.update([0]);
        h.update(region.code().as_bytes());
    }
    let digest = h.finalize();
    let mut version = String::from("rules-");
    for b in digest.iter().take(6) {
        // Writing to a String cannot fail.
        let _ = write!(version, "{b:02x}");
    }
    version
}
