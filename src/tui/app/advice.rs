//! What to send to unsubscribe from a sender or brand.

use super::{App, Target};
use crate::classify::SenderClass;
use crate::track::SenderKind;

/// What to send to unsubscribe from a sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advice {
    /// Looks like fraud: do not reply; block and report.
    DoNotReply { advertised: Option<String> },
    /// Send `keyword` to `to`, as its messages say.
    Send { keyword: String, to: String },
    /// No keyword stated: the usual word for this kind of number.
    Suggest { keyword: &'static str, to: String },
    /// Nothing stated, nothing usual.
    Unknown,
}

/// The advice for a sender or brand.
pub fn advice(app: &App, target: &Target) -> Advice {
    let s = match target {
        Target::Sender(k) => app.sender(k),
        Target::Brand(b) => app
            .members(b)
            .filter(|s| s.keyword.is_some())
            .max_by_key(|s| s.instruction.map(|m| m.ts_ms))
            .or_else(|| app.members(b).next()),
    };
    let Some(s) = s else {
        return Advice::Unknown;
    };
    let suspicious = match target {
        Target::Brand(b) => app.members(b).any(|m| m.kind == SenderKind::Suspicious),
        Target::Sender(_) => s.kind == SenderKind::Suspicious,
    };
    if suspicious {
        return Advice::DoNotReply {
            advertised: s.keyword.clone(),
        };
    }
    if let Some(k) = &s.keyword {
        return Advice::Send {
            keyword: k.clone(),
            to: s.target.clone().unwrap_or_else(|| s.key.clone()),
        };
    }
    // A suggestion is only for marketing that states no keyword: never a
    // personal or saved contact, never a service (12306, 95598, a bank's
    // alert number) that advertised none.
    let marketing = match target {
        Target::Brand(b) => app.members(b).any(|m| m.kind == SenderKind::Marketing),
        Target::Sender(_) => s.kind == SenderKind::Marketing,
    };
    if !marketing || s.contact_name.is_some() {
        return Advice::Unknown;
    }
    match default_keyword(s.class, &s.key) {
        Some(k) => Advice::Suggest {
            keyword: k,
            to: s.key.clone(),
        },
        None => Advice::Unknown,
    }
}

impl App {
    /// Kept marketing after the opt-out: the next step is the evidence,
    /// not another opt-out.
    pub fn is_violating(&self, target: &Target) -> bool {
        match target {
            Target::Sender(k) => self
                .sender(k)
                .is_some_and(|s| s.status == crate::track::Status::Violating),
            Target::Brand(b) => self
                .brand(b)
                .is_some_and(|b| b.status == crate::track::Status::Violating),
        }
    }
}

/// The usual opt-out word where a sender states none.
fn default_keyword(class: SenderClass, key: &str) -> Option<&'static str> {
    crate::classify::jurisdiction_default_keyword(class, key)
}
