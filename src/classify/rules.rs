//! Rule files (`assets/rules.toml` and the user's own) parsed and compiled
//! into one `RegexSet` over every body pattern, so most messages cost one
//! pass; the few rules whose captures matter keep their own `Regex`.

use std::fmt;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use serde::Deserialize;

/// What a rule's match says about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleKind {
    OptoutConfirmation,
    ResubscribeConfirmation,
    Transactional,
    Marketing,
    Bait,
    Suspicious,
    Instruction,
    Link,
    BankBrand,
}

impl RuleKind {
    fn parse(s: &str) -> Option<RuleKind> {
        Some(match s {
            "optout_confirmation" => RuleKind::OptoutConfirmation,
            "resubscribe_confirmation" => RuleKind::ResubscribeConfirmation,
            "transactional" => RuleKind::Transactional,
            "marketing" => RuleKind::Marketing,
            "bait" => RuleKind::Bait,
            "suspicious" => RuleKind::Suspicious,
            "instruction" => RuleKind::Instruction,
            "link" => RuleKind::Link,
            "bank_brand" => RuleKind::BankBrand,
            _ => return None,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    id: String,
    lang: String,
    kind: String,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    weak: bool,
    #[serde(default)]
    weight: Option<u8>,
    #[serde(default)]
    reach: bool,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    pub kind: RuleKind,
    /// Transactional only: gives way to an opt-out instruction or marketing.
    pub weak: bool,
    /// How much a match counts towards its kind's score (weak transactional,
    /// marketing and bait rules): 1 is a hint, 2 decides on its own.
    pub weight: u8,
    /// Marketing only: the words are a way to answer the advertiser (a
    /// number to call, a place to visit, a code to dial).
    pub reach: bool,
    /// Kept for instruction rules (captures) and bank-brand rules (matched
    /// against a brand, not the body).
    pub regexes: Vec<Regex>,
}

/// Why a rule file was refused; `Display` is one line naming the file, the
/// rule and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleError {
    pub origin: String,
    pub rule_id: Option<String>,
    pub cause: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule_id {
            Some(id) => write!(f, "{}: rule '{id}': {}", self.origin, self.cause),
            None => write!(f, "{}: {}", self.origin, self.cause),
        }
    }
}

/// Multi-line parser errors (regex carets, TOML snippets) squeezed to one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses and checks one rule file (every pattern compiled on its own, so an
/// error names its rule).
pub(crate) fn parse(text: &str, origin: &str) -> Result<Vec<Rule>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| RuleError {
        origin: origin.to_string(),
        rule_id: None,
        cause: one_line(&e.to_string()),
    })?;
    let mut rules = Vec::with_capacity(file.rule.len());
    for def in file.rule {
        let err = |cause: String| RuleError {
            origin: origin.to_string(),
            rule_id: Some(def.id.clone()),
            cause,
        };
        let kind = RuleKind::parse(&def.kind).ok_or_else(|| {
            err(format!(
                "unknown kind '{}' (one of optout_confirmation, resubscribe_confirmation, \
                 transactional, marketing, bait, suspicious, instruction, link, bank_brand)",
                def.kind
            ))
        })?;
        if !matches!(def.lang.as_str(), "zh" | "en" | "any") {
            return Err(err(format!("unknown lang '{}' (zh, en or any)", def.lang)));
        }
        let patterns: Vec<&String> = def.pattern.iter().chain(def.patterns.iter()).collect();
        if patterns.is_empty() {
            return Err(err("no pattern".into()));
        }
        let mut regexes = Vec::with_capacity(patterns.len());
        for p in patterns {
            let re = RegexBuilder::new(p)
                .size_limit(32 << 20)
                .build()
                .map_err(|e| err(format!("bad regex: {}", one_line(&e.to_string()))))?;
            if kind == RuleKind::Instruction
                && !re.capture_names().flatten().any(|n| n.starts_with("kw"))
            {
                return Err(err(
                    "an instruction pattern needs a named group (?P<kw>…)".into()
                ));
            }
            regexes.push(re);
        }
        let default_weight = if kind == RuleKind::Transactional {
            1
        } else {
            2
        };
        rules.push(Rule {
            id: def.id,
            kind,
            weak: def.weak,
            weight: def.weight.unwrap_or(default_weight),
            reach: def.reach,
            regexes,
        });
    }
    Ok(rules)
}

/// Adds `user` rules after `base`; a user rule with a built-in id replaces it.
pub(crate) fn merge(mut base: Vec<Rule>, user: Vec<Rule>) -> Vec<Rule> {
    for rule in user {
        if let Some(slot) = base.iter_mut().find(|r| r.id == rule.id) {
            *slot = rule;
        } else {
            base.push(rule);
        }
    }
    base
}

/// Every body pattern, with the rule each came from, and the literal
/// prefilter that picks which of them a body can match.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRules {
    pub rules: Vec<Rule>,
    /// Set pattern index → index into `rules`.
    pub owner: Vec<usize>,
    /// Rule index → the set index of its first pattern (bank-brand rules
    /// are not in the set; theirs is unused).
    pub first_pattern: Vec<usize>,
    prefilter: Prefilter,
}

/// Which patterns a body may match, found in one pass: every literal that
/// starts (or ends) some match of a pattern, in one Aho-Corasick automaton.
/// A pattern none of whose literals occurs in a body cannot match it, so
/// only the others are run, each on its own small lazy DFA. (One overlapping
/// `RegexSet` search over every pattern built a DFA state per new
/// combination of patterns in flight: a third of an import's CPU.)
#[derive(Debug, Clone)]
struct Prefilter {
    literals: AhoCorasick,
    /// Literal index → the pattern it stands for.
    literal_owner: Vec<u32>,
    /// The patterns with no usable literal: run on every body.
    always: Matches,
}

/// The set patterns that matched a body (or may match it), by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matches {
    bits: Vec<u64>,
}

impl Matches {
    fn new(len: usize) -> Matches {
        Matches {
            bits: vec![0; len.div_ceil(64)],
        }
    }

    fn insert(&mut self, i: usize) {
        self.bits[i / 64] |= 1 << (i % 64);
    }

    /// Whether pattern `i` matched.
    pub(crate) fn matched(&self, i: usize) -> bool {
        self.bits
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// The patterns that matched, in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().enumerate().flat_map(|(w, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let b = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + b
                })
            })
        })
    }
}

impl<'a> IntoIterator for &'a Matches {
    type Item = usize;
    type IntoIter = Box<dyn Iterator<Item = usize> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// Literals shorter than this make a pattern run on every body instead (a
/// one-byte literal would let it through almost always anyway).
const MIN_LITERAL: usize = 2;

/// The literals every match of `pattern` starts with, or else ends with;
/// `None` when neither is a finite set of useful literals.
fn literals_of(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut best: Option<Vec<Vec<u8>>> = None;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let seq = Extractor::new().kind(kind).extract(&hir);
        let Some(lits) = seq.literals() else { continue };
        if lits.is_empty() || lits.iter().any(|l| l.len() < MIN_LITERAL) {
            continue;
        }
        let lits: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
        let shortest = |v: &Vec<Vec<u8>>| v.iter().map(Vec::len).min().unwrap_or(0);
        if best.as_ref().is_none_or(|b| shortest(&lits) > shortest(b)) {
            best = Some(lits);
        }
    }
    best
}

impl Prefilter {
    fn build(patterns: &[&Regex]) -> Result<Prefilter, String> {
        let mut literals = Vec::new();
        let mut literal_owner = Vec::new();
        let mut always = Matches::new(patterns.len());
        for (p, re) in patterns.iter().enumerate() {
            match literals_of(re.as_str()) {
                Some(lits) => {
                    for l in lits {
                        literals.push(l);
                        literal_owner.push(u32::try_from(p).map_err(|e| e.to_string())?);
                    }
                }
                None => always.insert(p),
            }
        }
        let literals = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .map_err(|e| one_line(&e.to_string()))?;
        Ok(Prefilter {
            literals,
            literal_owner,
            always,
        })
    }

    /// The patterns that may match `body`: a superset of those that do.
    fn candidates(&self, body: &str) -> Matches {
        let mut may = self.always.clone();
        for m in self.literals.find_overlapping_iter(body) {
            may.insert(self.literal_owner[m.pattern().as_usize()] as usize);
        }
        may
    }
}

impl CompiledRules {
    pub(crate) fn compile(rules: Vec<Rule>) -> Result<CompiledRules, String> {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        let mut first_pattern = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            first_pattern.push(patterns.len());
            if rule.kind == RuleKind::BankBrand {
                continue;
            }
            for re in &rule.regexes {
                patterns.push(re);
                owner.push(i);
            }
        }
        let prefilter = Prefilter::build(&patterns)?;
        Ok(CompiledRules {
            rules,
            owner,
            first_pattern,
            prefilter,
        })
    }

    /// The pattern at set index `p`.
    fn pattern(&self, p: usize) -> &Regex {
        let i = self.owner[p];
        &self.rules[i].regexes[p - self.first_pattern[i]]
    }

    /// The set patterns that match somewhere in `body`: what one
    /// `RegexSet::matches` over every pattern would say, pattern for
    /// pattern.
    pub(crate) fn matches(&self, body: &str) -> Matches {
        let mut matched = Matches::new(self.owner.len());
        for p in &self.prefilter.candidates(body) {
            if self.pattern(p).is_match(body) {
                matched.insert(p);
            }
        }
        matched
    }
}
