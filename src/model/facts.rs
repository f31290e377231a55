//! The rows the findings are computed from, as the store streams them to the
//! tracker: borrowed for the length of one row, so that reading a million
//! messages allocates nothing per message.

use super::Direction;

/// One sender as stored.
#[derive(Debug, Clone, Copy)]
pub struct SenderRow<'a> {
    pub id: i64,
    pub key: &'a str,
    /// The database spelling of its [`super::SenderClass`].
    pub class: &'a str,
}

/// One raw address a sender was written as.
#[derive(Debug, Clone, Copy)]
pub struct AliasRow<'a> {
    pub sender_id: i64,
    pub raw: &'a str,
}

/// What the totals need of every stored message (not its body).
#[derive(Debug, Clone, Copy)]
pub struct MessageFacts<'a> {
    pub id: i64,
    pub line_id: i64,
    pub sender_id: i64,
    pub direction: Direction,
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    /// The database spelling of its [`super::MessageKind`].
    pub kind: &'a str,
    pub optout_keyword: Option<&'a str>,
    pub optout_target: Option<&'a str>,
    pub brand: Option<&'a str>,
    /// The brand came from a leading `Brand:` rather than a signature.
    pub brand_from_prefix: bool,
    pub contact_name: Option<&'a str>,
}

/// A message that may be an event of a sender's timeline: incoming
/// marketing, suspicious or confirmation messages, and short outgoing
/// replies (with their body, to read the keyword).
#[derive(Debug, Clone, Copy)]
pub struct EventRow<'a> {
    pub id: i64,
    pub line_id: i64,
    pub sender_id: i64,
    pub direction: Direction,
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub kind: &'a str,
    /// The body of an outgoing reply; `None` for incoming messages.
    pub reply: Option<&'a str>,
}
