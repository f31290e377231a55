//! Senders: what address they write from, what they are, where the user
//! stands with them, and the moments that decide it.

/// What kind of address a sender writes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SenderClass {
    /// Chinese enterprise port (106…).
    Port,
    /// US/CA short code (5–6 digits).
    ShortCode,
    /// Bank, carrier or government service number (95xxx, 96xxx, 100xx, 12xxx).
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

/// A sender's status, in the order the user cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Violating,
    Subscribed,
    OptedOut,
    Confirmed,
    Resubscribed,
    None,
    Ignored,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Violating => "violating",
            Status::Subscribed => "subscribed",
            Status::OptedOut => "opted_out",
            Status::Confirmed => "confirmed",
            Status::Resubscribed => "resubscribed",
            Status::None => "none",
            Status::Ignored => "ignored",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.iter().copied().find(|st| st.as_str() == s)
    }

    pub const ALL: [Status; 7] = [
        Status::Violating,
        Status::Subscribed,
        Status::OptedOut,
        Status::Confirmed,
        Status::Resubscribed,
        Status::None,
        Status::Ignored,
    ];
}

/// What a sender is, from all its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SenderKind {
    Marketing,
    Suspicious,
    Transactional,
    Personal,
}

impl SenderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SenderKind::Marketing => "marketing",
            SenderKind::Suspicious => "suspicious",
            SenderKind::Transactional => "transactional",
            SenderKind::Personal => "personal",
        }
    }

    pub fn parse(s: &str) -> Option<SenderKind> {
        [
            SenderKind::Marketing,
            SenderKind::Suspicious,
            SenderKind::Transactional,
            SenderKind::Personal,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A moment with the message that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub ts_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub message_id: Option<i64>,
}

/// A manual opt-out as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualOptOut {
    pub id: i64,
    /// The line (phone) the opt-out was made from.
    pub line_id: i64,
    pub scope_brand: bool,
    pub name: String,
    pub at_ms: i64,
    pub utc_offset_s: Option<i32>,
    pub channel: String,
    pub note: Option<String>,
}

/// The channels of manual records `optout send` makes: the drivers that
/// send through the user's phone.
pub const SEND_CHANNELS: [&str; 4] = ["kdeconnect", "termux", "messages", "adb"];

impl ManualOptOut {
    /// It was made by `optout send`: the phone's outgoing message, once
    /// imported, is the same opt-out.
    pub fn is_send(&self) -> bool {
        SEND_CHANNELS.contains(&self.channel.as_str())
    }
}

/// A line: the phone (or person) whose messages an import holds. Opt-outs
/// and violations are computed per line and sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: i64,
    pub name: String,
    /// The pseudonymous id of the reporter whose evidence bundle made it.
    pub reporter_id: Option<String>,
    /// It came from a redacted evidence bundle.
    pub redacted: bool,
}

/// The line imports go to when none is named.
pub const DEFAULT_LINE: &str = "me";
