//! Rule files (`assets/rules.toml` and the user's own) parsed and compiled
//! into one `RegexSet` over every body pattern, so most messages cost one
//! pass; the few rules whose captures matter keep their own `Regex`.

use std::fmt;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
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

/// Every body pattern in one set, with the rule each came from.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRules {
    pub rules: Vec<Rule>,
    pub set: RegexSet,
    /// Set pattern index → index into `rules`.
    pub owner: Vec<usize>,
    /// Rule index → the set index of its first pattern (bank-brand rules
    /// are not in the set; theirs is unused).
    pub first_pattern: Vec<usize>,
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
                patterns.push(re.as_str().to_string());
                owner.push(i);
            }
        }
        let set = RegexSetBuilder::new(&patterns)
            .size_limit(64 << 20)
            .dfa_size_limit(32 << 20)
            .build()
            .map_err(|e| one_line(&e.to_string()))?;
        Ok(CompiledRules {
            rules,
            set,
            owner,
            first_pattern,
        })
    }
}
