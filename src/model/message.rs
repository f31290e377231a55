//! Messages: as an export describes them, as the store keeps them, and what
//! each one is.

use std::fmt;

/// Which way a message went, seen from the phone's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Incoming,
    Outgoing,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Incoming => "in",
            Direction::Outgoing => "out",
        }
    }

    pub fn from_db(s: &str) -> Direction {
        if s == "out" {
            Direction::Outgoing
        } else {
            Direction::Incoming
        }
    }
}

/// The transport a message came by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Sms,
    Mms,
    IMessage,
    Rcs,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Mms => "mms",
            Channel::IMessage => "imessage",
            Channel::Rcs => "rcs",
        }
    }
}

/// One delivered message as an export describes it, before normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMessage {
    pub direction: Direction,
    /// The other party as the export wrote it: the sender of an incoming
    /// message, the recipient of an outgoing one.
    pub address: String,
    /// UTC, milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// The offset from UTC the message was received in, when the source says.
    pub utc_offset_s: Option<i32>,
    pub body: String,
    pub channel: Channel,
    pub contact_name: Option<String>,
    /// A classification hint from the source (iOS `filter_action`, …).
    pub hint: Option<String>,
}

/// A place in the input file, as precise as the parser knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Line and column, both 1-based.
    Line { line: u64, column: u64 },
    /// A byte offset from the start of the file.
    Byte(u64),
    /// A record number (1-based) in a database or list.
    Record(u64),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line { line, column } => write!(f, "line {line}, column {column}"),
            Position::Byte(b) => write!(f, "byte {b}"),
            Position::Record(r) => write!(f, "record {r}"),
        }
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

/// A stored message as the later stages read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: i64,
    pub sender_id: i64,
    pub sender_key: String,
    pub direction: Direction,
    /// The address as the export wrote it.
    pub address: String,
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub body: String,
    pub channel: String,
    pub contact_name: Option<String>,
    pub kind: String,
    pub rule_id: Option<String>,
    /// The words that fired `rule_id`, when a rule matched words.
    pub reason: Option<String>,
    pub brand: Option<String>,
    pub optout_keyword: Option<String>,
    pub optout_target: Option<String>,
    pub import_id: i64,
}
