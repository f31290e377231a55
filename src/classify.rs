//! Senders and messages: normalising addresses into sender keys, telling
//! marketing from everything else, and reading each marketing message's
//! opt-out instruction.
//!
//! Everything here is pure: text in, labels out. The store calls it during
//! import and on `optout reclassify`.
//!
//! FOUNDATION STUB: the classification issue replaces the bodies below with
//! real rules; the types and signatures are the interface the store uses.

use std::fmt;
use std::path::Path;

use crate::import::Direction;

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

/// What kind of address a sender writes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SenderClass {
    /// Chinese enterprise port (106…).
    Port,
    /// US/CA short code (5–6 digits).
    ShortCode,
    /// Bank, carrier or service number (95xxx, 96xxx, 100xx).
    Service,
    /// Alphanumeric sender ID.
    Alphanumeric,
    /// A personal mobile number.
    Mobile,
    /// E-mail-like or RCS business address.
    Email,
    /// Anything else (landlines, unknown shapes).
    Other,
}

impl SenderClass {
    pub fn as_str(self) -> &'static str {
        match self {
            SenderClass::Port => "port",
            SenderClass::ShortCode => "short_code",
            SenderClass::Service => "service",
            SenderClass::Alphanumeric => "alphanumeric",
            SenderClass::Mobile => "mobile",
            SenderClass::Email => "email",
            SenderClass::Other => "other",
        }
    }

    pub fn parse(s: &str) -> SenderClass {
        match s {
            "port" => SenderClass::Port,
            "short_code" => SenderClass::ShortCode,
            "service" => SenderClass::Service,
            "alphanumeric" => SenderClass::Alphanumeric,
            "mobile" => SenderClass::Mobile,
            "email" => SenderClass::Email,
            _ => SenderClass::Other,
        }
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

/// Normalises a raw address (see the classification issue for the rules).
pub fn normalize_sender(raw: &str, _region: &Region) -> NormalizedSender {
    NormalizedSender {
        key: raw.trim().to_string(),
        class: SenderClass::Other,
        dlt_suffix: None,
    }
}

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Marketing,
    Transactional,
    OptoutConfirmation,
    ResubscribeConfirmation,
    Personal,
    Suspicious,
    /// Anything the user sent.
    Outgoing,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Marketing => "marketing",
            MessageKind::Transactional => "transactional",
            MessageKind::OptoutConfirmation => "optout_confirmation",
            MessageKind::ResubscribeConfirmation => "resubscribe_confirmation",
            MessageKind::Personal => "personal",
            MessageKind::Suspicious => "suspicious",
            MessageKind::Outgoing => "outgoing",
        }
    }

    pub fn parse(s: &str) -> Option<MessageKind> {
        Some(match s {
            "marketing" => MessageKind::Marketing,
            "transactional" => MessageKind::Transactional,
            "optout_confirmation" => MessageKind::OptoutConfirmation,
            "resubscribe_confirmation" => MessageKind::ResubscribeConfirmation,
            "personal" => MessageKind::Personal,
            "suspicious" => MessageKind::Suspicious,
            "outgoing" => MessageKind::Outgoing,
            _ => return None,
        })
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a marketing message tells the reader to send, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOutInstruction {
    /// The word to send, as advertised, upper-cased and width-folded (`T`, `TD`, `STOP`).
    pub keyword: String,
    /// Where to send it when the message names another number; `None` means
    /// the sender itself.
    pub target: Option<String>,
}

/// Where a brand name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrandSource {
    /// A 【签名】 or `[Brand]` signature.
    Signature,
    /// A leading `Brand:`; trusted only when consistent across a sender.
    Prefix,
}

/// The message facts the classifier looks at.
#[derive(Debug, Clone, Copy)]
pub struct MessageFeatures<'a> {
    pub direction: Direction,
    pub sender_class: SenderClass,
    pub body: &'a str,
    pub hint: Option<&'a str>,
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

/// Compiled rules. Build once, classify many.
#[derive(Debug, Clone)]
pub struct Classifier {
    version: String,
}

impl Classifier {
    /// The built-in rules from `assets/rules.toml`.
    pub fn builtin() -> Classifier {
        Classifier {
            version: "stub-0".into(),
        }
    }

    /// The built-in rules plus a user rule file, when it exists.
    pub fn with_user_rules(_path: &Path) -> Result<Classifier, String> {
        Ok(Classifier::builtin())
    }

    /// Built-in rules plus the user's rule file; a bad user file gives the
    /// built-in rules and a warning.
    pub fn load_default() -> (Classifier, Option<String>) {
        (Classifier::builtin(), None)
    }

    /// Changes whenever the rules change; stored so that a new version
    /// triggers reclassification.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn classify(&self, msg: &MessageFeatures<'_>) -> Classification {
        let kind = match msg.direction {
            Direction::Outgoing => MessageKind::Outgoing,
            Direction::Incoming => MessageKind::Personal,
        };
        Classification {
            kind,
            rule_id: "stub".into(),
            brand: None,
            instruction: None,
        }
    }
}

/// Trims, folds full-width ASCII (`Ｔ` → `T`) and the ideographic space, and
/// upper-cases: how a reply is compared with a keyword.
pub fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_uppercase()
}

/// A sender's brand from its messages' candidates `(name, source, count)`:
/// the most frequent signature; otherwise a `Brand:` prefix used
/// consistently (in at least 2 messages and 60% of the sender's incoming).
pub fn resolve_sender_brand(
    candidates: &[(String, BrandSource, u64)],
    total_incoming: u64,
) -> Option<String> {
    let best = |source: BrandSource| {
        candidates
            .iter()
            .filter(|(_, s, _)| *s == source)
            .max_by(|a, b| a.2.cmp(&b.2).then_with(|| b.0.cmp(&a.0)))
    };
    if let Some((name, _, _)) = best(BrandSource::Signature) {
        return Some(name.clone());
    }
    best(BrandSource::Prefix)
        .filter(|(_, _, n)| *n >= 2 && *n * 10 >= total_incoming * 6)
        .map(|(name, _, _)| name.clone())
}
