//! Rule files (`assets/rules.toml` and the user's own) parsed and compiled:
//! each pattern into its own `Regex`, and every body pattern's literals
//! into one Aho-Corasick prefilter, so a body costs one pass for the
//! literals and then runs only the patterns that can match it
//! ([`CompiledRules::matches`]: the same answer as one `RegexSet` over
//! every pattern).

use std::fmt;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};
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
/// At most this many literals stand for one pattern.
const MAX_LITERALS: usize = 2000;

/// Literals one of which occurs in every match of `pattern`; `None` when
/// no such set of useful literals is found (the pattern then runs on every
/// body).
fn literals_of(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    required(&hir)
}

/// The better of two literal sets: the longer shortest literal, then fewer.
fn better(a: Option<Vec<Vec<u8>>>, b: Option<Vec<Vec<u8>>>) -> Option<Vec<Vec<u8>>> {
    let key = |v: &Vec<Vec<u8>>| {
        (
            v.iter().map(Vec::len).min().unwrap_or(0),
            std::cmp::Reverse(v.len()),
        )
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if key(&b) > key(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Literals one of which every match of `hir` contains: those its matches
/// start (or end) with, or those of a part every match goes through (one
/// of a concatenation, a repetition of at least one, every branch of an
/// alternation).
fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut best = None;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let seq = Extractor::new().kind(kind).extract(hir);
        if let Some(lits) = seq.literals() {
            let useful = !lits.is_empty()
                && lits.len() <= MAX_LITERALS
                && lits.iter().all(|l| l.len() >= MIN_LITERAL);
            if useful {
                let lits = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
                best = better(best, Some(lits));
            }
        }
    }
    match hir.kind() {
        HirKind::Capture(c) => better(best, required(&c.sub)),
        HirKind::Repetition(r) if r.min >= 1 => better(best, required(&r.sub)),
        HirKind::Concat(parts) => parts.iter().fold(best, |b, p| better(b, required(p))),
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                match required(b) {
                    Some(lits) if all.len() + lits.len() <= MAX_LITERALS => all.extend(lits),
                    _ => return best,
                }
            }
            all.sort();
            all.dedup();
            better(best, Some(all))
        }
        _ => best,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine this one replaced: one `RegexSet` over every body pattern.
    fn old_engine(rules: &CompiledRules) -> regex::RegexSet {
        let patterns: Vec<&str> = (0..rules.owner.len())
            .map(|p| rules.pattern(p).as_str())
            .collect();
        regex::RegexSetBuilder::new(patterns)
            .size_limit(64 << 20)
            .dfa_size_limit(32 << 20)
            .build()
            .unwrap()
    }

    /// Texts that reach many patterns: the demo export's bodies, each
    /// pattern's own literals in and out of context, changed case, cut.
    fn texts(rules: &CompiledRules) -> Vec<String> {
        let demo = include_str!("../../assets/demo-sms.xml");
        let mut out: Vec<String> = demo
            .split("body=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_string)
            .collect();
        for p in 0..rules.owner.len() {
            for l in literals_of(rules.pattern(p).as_str()).unwrap_or_default() {
                let l = String::from_utf8_lossy(&l).into_owned();
                out.push(l.clone());
                out.push(format!("【店】 {l} 123456 回T退订"));
                out.push(format!("Hi {} 10% off, reply STOP", l.to_uppercase()));
                out.push(l.chars().skip(1).collect());
            }
        }
        out.extend(
            [
                "",
                "Ｔ退订",
                "welcome back to the club! reply stop to end",
                "WELCOME BACK: deals and offers",
                "call 0800 123 4567 now",
                "你的验证码是 123456，5分钟内有效",
                "尾号1234的卡消费100.00元",
                "STOP",
                "ok see you at 7",
            ]
            .map(String::from),
        );
        out
    }

    #[test]
    fn the_prefilter_finds_what_one_regex_set_over_every_pattern_finds() {
        let rules = parse(crate::classify::BUILTIN_RULES, "assets/rules.toml").unwrap();
        let compiled = CompiledRules::compile(rules).unwrap();
        let old = old_engine(&compiled);
        let texts = texts(&compiled);
        assert!(texts.len() > 1000, "{} texts", texts.len());
        let mut reached = Matches::new(compiled.owner.len());
        for t in &texts {
            let want: Vec<usize> = old.matches(t).into_iter().collect();
            let got: Vec<usize> = compiled.matches(t).iter().collect();
            assert_eq!(got, want, "{t:?}");
            for p in want {
                reached.insert(p);
            }
        }
        // The texts do reach the patterns.
        let reached = reached.iter().count();
        assert!(
            reached * 5 > compiled.owner.len() * 3,
            "{reached} of {}",
            compiled.owner.len()
        );
    }

    #[test]
    fn patterns_without_a_literal_run_on_every_body_and_literals_cover_every_match() {
        let rules = parse(
            r#"
[[rule]]
id = "digits"
lang = "any"
kind = "transactional"
pattern = '''\d{6}'''
[[rule]]
id = "words"
lang = "en"
kind = "marketing"
pattern = '''(?i)(?:big|huge)\s+sale|clearance'''
[[rule]]
id = "inner"
lang = "zh"
kind = "marketing"
pattern = '''\d+元(?:起|封顶)'''
"#,
            "test",
        )
        .unwrap();
        let compiled = CompiledRules::compile(rules).unwrap();
        assert!(compiled.prefilter.always.matched(0));
        assert!(!compiled.prefilter.always.matched(1));
        assert!(!compiled.prefilter.always.matched(2));
        let old = old_engine(&compiled);
        for t in [
            "code 123456",
            "BIG   SALE today",
            "Huge sale",
            "CLEARANCE",
            "big sales",
            "bigsale",
            "99元起",
            "元起",
            "12元封顶",
            "",
        ] {
            let want: Vec<usize> = old.matches(t).into_iter().collect();
            assert_eq!(
                compiled.matches(t).iter().collect::<Vec<_>>(),
                want,
                "{t:?}"
            );
        }
    }
}
