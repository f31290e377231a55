//! Senders and messages: normalising addresses into sender keys, telling
//! marketing from everything else, and reading each marketing message's
//! opt-out instruction.
//!
//! Everything here is pure: text in, labels out. The store calls it during
//! import and on `optout reclassify`.
//!
//! The rules are data (`assets/rules.toml`, plus an optional user file in the
//! config directory), compiled once (`rules.rs`): a literal prefilter picks
//! the few patterns a body can match and only those run. Chinese opt-out instructions are read by a
//! grammar (`instruction.rs`), English ones by patterns. Every incoming
//! message gets exactly one [`MessageKind`], decided in `decide.rs`:
//! confirmations, a bank signature from a mobile, suspicious rules (phishing
//! imitates notices, so they come first), strong transactional rules, the
//! sender's DLT declaration, then a small score weighing promotion wording
//! and a stated opt-out against the facts of a notice (an amount in cents,
//! an account tail, an order number), then hints and the sender's class.
//!
//! The stated opt-out instruction is kept on marketing, suspicious,
//! resubscribe and transactional messages (a courier that says 回复0000可屏蔽
//! stays transactional), never on a person's. Every verdict names its rule,
//! and [`Evidence`] holds the words that fired.

mod brand;
mod decide;
mod fold;
mod instruction;
mod lookalike;
mod rules;
mod sender;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};

use crate::model::Direction;
pub use crate::model::{BrandSource, MessageKind, OptOutInstruction, SenderClass};
use decide::{Decider, Facts, Hits};
use rules::{CompiledRules, RuleKind};

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
    /// The words that decided the kind, when a rule matched words (not for
    /// fallbacks, hints or the sender's class alone).
    pub evidence: Option<Evidence>,
}

/// The text a rule matched, and where in the message body (as given to the
/// classifier) it stands, so that a view can show "why marketing".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The matched text, as written in the body.
    pub text: String,
    /// Its byte range in the body; always on character boundaries.
    pub span: Range<usize>,
}

impl Evidence {
    /// `range` is a byte range in `folded` (the body width-folded), mapped
    /// back onto the original `body`.
    fn locate(body: &str, folded: &str, range: Range<usize>) -> Option<Evidence> {
        let (start, end) = (range.start, range.end);
        let span = if folded.len() == body.len() {
            start..end
        } else {
            // Width folding maps character to character: count characters.
            let chars = |b: usize| folded.get(..b).map(|s| s.chars().count());
            let (cs, ce) = (chars(start)?, chars(end)?);
            let byte = |n: usize| body.char_indices().nth(n).map_or(body.len(), |(i, _)| i);
            byte(cs)..byte(ce)
        };
        let text = body.get(span.clone())?.to_string();
        Some(Evidence { text, span })
    }
}

/// The built-in rules, compiled into the binary.
pub const BUILTIN_RULES: &str = include_str!("../assets/rules.toml");

/// The classification rules. Build once, classify many; cloning is cheap.
///
/// The rules are compiled when the first message is classified, not when
/// the classifier is made: [`Classifier::version`] (what decides whether
/// the stored labels are current) is a hash of the rule text, and most
/// commands only compare it. Compiling the built-in rules takes about a
/// tenth of a second and some 15 MB, which `optout senders`, an export or
/// the interface's start would otherwise pay for nothing. A user rule file
/// is still checked when it is loaded, so a bad one is reported (and left
/// out) at once.
#[derive(Debug, Clone)]
pub struct Classifier {
    rules: Arc<OnceLock<CompiledRules>>,
    region: Region,
    /// The user rule text (empty: none) and where it came from, kept so
    /// that the version can be recomputed and the rules compiled.
    user_text: Arc<str>,
    user_origin: Arc<str>,
    version: String,
}

impl Classifier {
    /// The built-in rules from `assets/rules.toml`.
    pub fn builtin() -> Classifier {
        Classifier::from_text("", "")
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
    /// errors. The user rules are parsed, and their patterns and prefilter
    /// compiled, here (they are few); the built-in ones when first used.
    pub fn with_user_rules_text(text: &str, origin: &str) -> Result<Classifier, String> {
        let user = rules::parse(text, origin).map_err(|e| e.to_string())?;
        CompiledRules::compile(user).map_err(|e| format!("{origin}: {e}"))?;
        Ok(Classifier::from_text(text, origin))
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

    /// The same rules with regex caches of their own. Each compiled pattern
    /// keeps the lazy DFA it builds while searching in a pool shared by
    /// every thread that uses it; a clone starts empty, its first user owns
    /// it (the pool's fast path), and dropping it frees what its searches
    /// built. An import gives one to each classifier thread, so its DFAs,
    /// megabytes after a large file, are gone before it writes.
    #[must_use]
    pub fn with_own_caches(&self) -> Classifier {
        Classifier {
            rules: Arc::new(OnceLock::from(CompiledRules::clone(self.compiled()))),
            ..self.clone()
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

    fn from_text(user_text: &str, origin: &str) -> Classifier {
        let region = Region::default();
        Classifier {
            rules: Arc::new(OnceLock::new()),
            version: version_of(user_text, &region),
            region,
            user_text: Arc::from(user_text),
            user_origin: Arc::from(origin),
        }
    }

    /// The compiled rules, compiling them the first time (once for every
    /// clone that shares them).
    fn compiled(&self) -> &CompiledRules {
        self.rules.get_or_init(|| {
            let mut rules = rules::parse(BUILTIN_RULES, "assets/rules.toml")
                .unwrap_or_else(|e| panic!("built-in rules: {e}"));
            if !self.user_text.is_empty() {
                // Checked when this classifier was made: it parsed then.
                let user = rules::parse(&self.user_text, &self.user_origin)
                    .unwrap_or_else(|e| panic!("user rules: {e}"));
                rules = rules::merge(rules, user);
            }
            CompiledRules::compile(rules).unwrap_or_else(|e| panic!("rules: {e}"))
        })
    }

    /// Changes whenever the rules change; stored so that a new version
    /// triggers reclassification.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Classifies a message from a sender without a DLT header; see
    /// [`Classifier::classify_dlt`].
    pub fn classify(&self, msg: &MessageFeatures<'_>) -> Classification {
        self.classify_dlt(msg, None)
    }

    /// Classifies a message whose sender may carry an Indian DLT header
    /// suffix (`NormalizedSender::dlt_suffix`): `P` (promotional) is
    /// marketing, `S`, `T` and `G` (service, transactional, government) never
    /// are. Callers that know the sender must pass its suffix.
    pub fn classify_dlt(
        &self,
        msg: &MessageFeatures<'_>,
        dlt_suffix: Option<char>,
    ) -> Classification {
        if msg.direction == Direction::Outgoing {
            return Classification {
                kind: MessageKind::Outgoing,
                rule_id: "outgoing".into(),
                brand: None,
                instruction: None,
                evidence: None,
            };
        }
        let folded = fold::width_fold(msg.body);
        let brand = brand::extract_brand(&folded);
        // Rules read the text without its signature: 【XX会员】 is a name.
        let body = brand::without_signatures(&folded);
        let rules = self.compiled();
        let matched = rules.matches(body);
        let hits = Hits::collect(rules, &matched);
        // Read the whole body: footers such as 【回复JJ拒收】 look like signatures.
        let grammar = instruction::find_zh(&folded).and_then(|f| {
            // One token, as written: English filler words (BY, TO) are
            // keywords here (回#BY退订).
            let keyword = fold(&f.keyword);
            if NEVER_KEYWORDS.contains(&keyword.as_str()) {
                return None;
            }
            let target = f
                .target
                .map(|t| normalize_sender(&t, &self.region).key)
                .filter(|t| !t.is_empty());
            Some((f.span, OptOutInstruction { keyword, target }))
        });
        let from_grammar = grammar.is_some();
        // Spans are kept relative to `folded`.
        let body_at = (body.as_ptr() as usize).saturating_sub(folded.as_ptr() as usize);
        let instruction = grammar.or_else(|| {
            if hits.instruction {
                self.extract_instruction(body, &matched)
                    .map(|(r, i)| (r.start + body_at..r.end + body_at, i))
            } else {
                None
            }
        });
        let mobile = msg.sender_class == SenderClass::Mobile;
        let lookalike = hits.link.and_then(|_| lookalike::find(&folded));
        let facts = Facts {
            msg,
            dlt_suffix,
            bank_brand_from_mobile: mobile
                && matches!(&brand, Some((name, BrandSource::Signature)) if self.is_bank_brand(name)),
            instruction: instruction.is_some(),
            lookalike: lookalike.is_some(),
            unsigned_chinese: msg.sender_class == SenderClass::Port
                && !matches!(&brand, Some((_, BrandSource::Signature)))
                && body.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            addresses_reader: READER_WORDS.iter().any(|w| body.contains(w)),
            snippet: body.chars().count() < SNIPPET_CHARS,
        };
        let (kind, decider) = decide::decide(rules, &hits, &facts);
        let (rule_id, span) = match decider {
            Decider::Rule(i) => {
                let rule = &rules.rules[i];
                let span = rule
                    .regexes
                    .iter()
                    .find_map(|re| re.find(body))
                    .map(|m| m.start() + body_at..m.end() + body_at);
                (rule.id.clone(), span)
            }
            Decider::Instruction => (
                if from_grammar {
                    "zh.optout.grammar".to_string()
                } else {
                    "optout.instruction".to_string()
                },
                instruction.as_ref().map(|(span, _)| span.clone()),
            ),
            Decider::Lookalike => ("suspicious.lookalike-link".to_string(), lookalike),
            Decider::Fixed(id) => (id.to_string(), None),
        };
        // A notice that says how to stop its messages keeps the way, as
        // stated (it stays transactional); a person's message never does.
        let keeps_instruction = matches!(
            kind,
            MessageKind::Marketing
                | MessageKind::Suspicious
                | MessageKind::ResubscribeConfirmation
                | MessageKind::Transactional
        );
        let evidence = span.and_then(|r| Evidence::locate(msg.body, &folded, r));
        Classification {
            kind,
            rule_id,
            brand,
            instruction: if keeps_instruction {
                instruction.map(|(_, i)| i)
            } else {
                None
            },
            evidence,
        }
    }

    fn is_bank_brand(&self, brand: &str) -> bool {
        self.compiled()
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::BankBrand)
            .any(|r| r.regexes.iter().any(|re| re.is_match(brand)))
    }

    /// The first instruction, in rule order, that yields a usable keyword,
    /// with the byte range it matched. Only patterns the set matched are run
    /// again for their captures.
    fn extract_instruction(
        &self,
        body: &str,
        matched: &rules::Matches,
    ) -> Option<(Range<usize>, OptOutInstruction)> {
        let rules = self.compiled();
        for (i, rule) in rules.rules.iter().enumerate() {
            if rule.kind != RuleKind::Instruction {
                continue;
            }
            let first = rules.first_pattern[i];
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
                    let span = caps.get(0).map_or(0..0, |m| m.range());
                    return Some((span, OptOutInstruction { keyword, target }));
                }
            }
        }
        None
    }
}

/// Below this many characters a text is a snippet (a headline, a line of a
/// page), not the full message a campaign sends.
const SNIPPET_CHARS: usize = 40;

/// Words by which a Chinese text speaks to its reader.
const READER_WORDS: &[&str] = &["您", "你", "亲爱的", "亲,", "亲:", "各位", "敬请", "欢迎"];

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
