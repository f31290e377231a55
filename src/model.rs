//! The domain's own words, shared by every stage: a message as imported and
//! as stored, its direction and kind, a sender's class, kind and status, and
//! the moments the findings are made of.
//!
//! This is the bottom layer: it imports nothing of the crate, and every other
//! module may import it. Types here carry data, not behaviour beyond naming
//! themselves (`as_str`/`parse`, the database spelling).

mod facts;
mod message;
mod sender;

pub use facts::{AliasRow, EventRow, MessageFacts, SenderRow};
pub use message::{
    BrandSource, Channel, Direction, ImportedMessage, MessageKind, OptOutInstruction, Position,
    StoredMessage,
};
pub use sender::{
    DEFAULT_LINE, Line, ManualOptOut, Moment, SEND_CHANNELS, SenderClass, SenderKind, Status,
};

/// Now, in milliseconds since the Unix epoch (UTC).
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
