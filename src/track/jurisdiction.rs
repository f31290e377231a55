//! Which opt-out rules a sender falls under, and which replies are opt-outs.

use crate::model::SenderClass;

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
