//! The state the screens are drawn from: screens, filter and sort, rows and
//! targets, counts, timeline marks, search, prompts, overlays, status line.

use std::collections::{HashMap, HashSet};

use crate::store::StoredMessage;
use crate::track::{Moment, OptOut, Report, SenderKind, SenderReport, Status};
use crate::tui::theme::MarkKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// No database yet: how to import.
    Welcome,
    Senders,
    Timeline,
    Overview,
    /// The repeat offenders across lines (`O`).
    Offenders,
}

/// The `f` filter, in cycling order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// What to do next, in groups: violating, to send, suspicious.
    ToDo,
    /// What `optout senders` lists: marketing and suspicious senders, and
    /// any other with an opt-out status.
    All,
    /// Also personal and transactional senders (`optout senders --all`).
    Everything,
    Marketing,
    /// Marketing senders not opted out yet.
    Subscribed,
    Violating,
    Suspicious,
    Ignored,
}

impl Filter {
    pub const ALL: [Filter; 8] = [
        Filter::ToDo,
        Filter::All,
        Filter::Everything,
        Filter::Marketing,
        Filter::Subscribed,
        Filter::Violating,
        Filter::Suspicious,
        Filter::Ignored,
    ];

    #[must_use]
    pub fn next(self) -> Filter {
        let i = Filter::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Filter::ALL[(i + 1) % Filter::ALL.len()]
    }

    pub fn keeps(self, s: &SenderReport) -> bool {
        match self {
            Filter::ToDo => Group::of(s).is_some(),
            Filter::All => {
                matches!(s.kind, SenderKind::Marketing | SenderKind::Suspicious)
                    || s.status != Status::None
            }
            Filter::Everything => true,
            Filter::Marketing => {
                !s.ignored && matches!(s.kind, SenderKind::Marketing | SenderKind::Suspicious)
            }
            Filter::Subscribed => s.status == Status::Subscribed,
            Filter::Violating => s.status == Status::Violating,
            Filter::Suspicious => !s.ignored && s.kind == SenderKind::Suspicious,
            Filter::Ignored => s.ignored,
        }
    }
}

/// A group of the to-do view, in screen order: each has a next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Kept marketing after the opt-out: export the evidence, complain.
    Violating,
    /// Not opted out, and we know what to send: send it.
    Send,
    /// Looks like fraud: do not reply, report it.
    Suspicious,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Violating, Group::Send, Group::Suspicious];

    /// The to-do group a sender is in, if any (ignored senders are in none).
    pub fn of(s: &SenderReport) -> Option<Group> {
        if s.ignored {
            return None;
        }
        if s.status == Status::Violating {
            return Some(Group::Violating);
        }
        if s.kind == SenderKind::Suspicious {
            return Some(Group::Suspicious);
        }
        let instruction = s.keyword.is_some()
            || crate::classify::jurisdiction_default_keyword(s.class, &s.key).is_some();
        (s.status == Status::Subscribed && s.kind == SenderKind::Marketing && instruction)
            .then_some(Group::Send)
    }
}

/// The `s` sort, in cycling order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Latest first (the default, as in `optout senders`).
    LastSeen,
    /// Violating first, then the to-do list, then the rest; latest first within.
    Status,
    Marketing,
    AfterOptOut,
    Brand,
    Sender,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::LastSeen,
        Sort::Status,
        Sort::Marketing,
        Sort::AfterOptOut,
        Sort::Brand,
        Sort::Sender,
    ];

    #[must_use]
    pub fn next(self) -> Sort {
        let i = Sort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Sort::ALL[(i + 1) % Sort::ALL.len()]
    }
}

/// One row of the senders list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowRef {
    /// A brand heading (grouped view): index into `Report::brands`.
    Brand(usize),
    /// A sender: index into `Report::senders`.
    Sender(usize),
    /// A to-do group's heading (never selected).
    Group(Group),
}

/// What a row is about, stable across reloads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Brand(String),
    Sender(String),
}

/// The header's counts (ignored senders are left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub marketing: usize,
    pub opted_out: usize,
    pub confirmed: usize,
    pub violating: usize,
    pub suspicious: usize,
    pub in_flight: usize,
}

impl Counts {
    pub fn of(report: &Report) -> Counts {
        let mut c = Counts::default();
        for s in report.senders.iter().filter(|s| !s.ignored) {
            if matches!(s.kind, SenderKind::Marketing | SenderKind::Suspicious) {
                c.marketing += 1;
            }
            if matches!(
                s.status,
                Status::OptedOut | Status::Confirmed | Status::Violating
            ) {
                c.opted_out += 1;
            }
            if s.status == Status::Confirmed {
                c.confirmed += 1;
            }
            if s.status == Status::Violating {
                c.violating += 1;
            }
            if s.kind == SenderKind::Suspicious {
                c.suspicious += 1;
            }
            if !s.findings.in_flight.is_empty() {
                c.in_flight += 1;
            }
        }
        c
    }
}

/// A mark on a timeline message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// This marketing message carried the instruction in force.
    Instruction {
        keyword: String,
        target: String,
    },
    /// The opt-out reply.
    OptOut {
        keyword: String,
        to: String,
    },
    Confirmation,
    InFlight,
    Violation,
}

impl Mark {
    pub fn kind(&self) -> MarkKind {
        match self {
            Mark::Instruction { .. } => MarkKind::Instruction,
            Mark::OptOut { .. } => MarkKind::OptOut,
            Mark::Confirmation => MarkKind::Confirmation,
            Mark::InFlight => MarkKind::InFlight,
            Mark::Violation => MarkKind::Violation,
        }
    }
}

/// The timeline of one sender and its brand siblings, a window at a time.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub target: Target,
    /// The sender the timeline was opened from, or the brand.
    pub title: String,
    pub sender_ids: Vec<i64>,
    pub sender_keys: Vec<String>,
    pub marks: HashMap<i64, Vec<Mark>>,
    /// The opt-out in force for these senders (the earliest), maybe manual.
    pub optout: Option<OptOut>,
    pub confirmed: Option<Moment>,
    pub violations: u64,
    pub in_flight: u64,
    /// `None` until the first page arrives.
    pub total: Option<u64>,
    /// Index of `messages[0]` in the whole timeline.
    pub start: u64,
    pub messages: Vec<StoredMessage>,
    pub cursor: u64,
    /// Put the cursor on the last message when the count arrives.
    pub cursor_to_end: bool,
    /// Opened from a text search: load the window around the newest
    /// message with this text.
    pub find: Option<String>,
    /// The message a search found, marked in the timeline.
    pub found: Option<i64>,
    /// The (line, sender) pairs whose violations and messages in flight
    /// are still to be read from the findings cache for `marks`
    /// ([`super::Effect::LoadLists`]); empty once they are marked.
    pub lists_left: Vec<(i64, i64)>,
}

impl Timeline {
    /// The loaded message under the cursor.
    pub fn current(&self) -> Option<&StoredMessage> {
        let i = self.cursor.checked_sub(self.start)?;
        self.messages.get(i as usize)
    }

    pub(super) fn window_holds(&self, index: u64) -> bool {
        index >= self.start && index < self.start + self.messages.len() as u64
    }
}

/// Marketing messages per month, for the overview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overview {
    /// `("2026-03", n)`, oldest first.
    pub months: Vec<(String, u64)>,
}

/// The applied search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// Senders whose messages contain the query; `None` until the query ran.
    pub by_text: Option<HashSet<i64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualField {
    Date,
    Channel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    Selected,
    AllViolating,
}

/// The fields of the export prompt, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportField {
    Dir,
    File,
    Scope,
    Redact,
    Lang,
}

impl ExportField {
    pub const ALL: [ExportField; 5] = [
        ExportField::Dir,
        ExportField::File,
        ExportField::Scope,
        ExportField::Redact,
        ExportField::Lang,
    ];

    #[must_use]
    pub fn next(self) -> ExportField {
        let i = ExportField::ALL
            .iter()
            .position(|f| *f == self)
            .unwrap_or(0);
        ExportField::ALL[(i + 1) % ExportField::ALL.len()]
    }
}

/// A text prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Search {
        text: String,
    },
    Manual {
        target: Target,
        date: String,
        channel: String,
        field: ManualField,
        error: Option<String>,
    },
    Export {
        /// The folder, shown and editable; empty is the current one.
        dir: String,
        file: String,
        field: ExportField,
        scope: ExportScope,
        /// The selected sender or brand, when there is one.
        selected: Option<Target>,
        redact: bool,
        /// The export's language: Chinese, else English.
        zh: bool,
        error: Option<String>,
    },
    Import {
        path: String,
        /// What Tab found when it could not complete to one path.
        choices: Vec<String>,
        error: Option<String>,
    },
    /// A CSV's header was not recognised: which column is which?
    Columns(super::ColumnsPrompt),
}

/// A question answered with `y` or `n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Ignore {
        brand: bool,
        name: String,
        ignored: bool,
    },
    /// The file exists: write over it?
    Overwrite(super::Effect),
    /// Send this opt-out now from the phone? (`question` is sanitised.)
    Send {
        question: String,
        job: crate::send::Job,
        line_id: i64,
    },
    /// Send every opt-out of the to-do list now?
    SendAll {
        question: String,
        jobs: Vec<crate::send::Job>,
        line_id: i64,
    },
}

/// A change to the user's records that `U` can reverse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Ignored {
        brand: bool,
        name: String,
        ignored: bool,
    },
    Manual {
        brand: bool,
        name: String,
        id: i64,
    },
    /// A manual record removed from the `M` list: `U` records it again.
    ManualDeleted(crate::model::ManualOptOut),
}

/// One line of the message log (`L`): a status line in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: String,
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    /// What to send to unsubscribe.
    Unsubscribe(Target),
    Prompt(Prompt),
    Confirm(Confirm),
    /// The message log.
    Log,
    /// `M`: the manual opt-out records.
    Manual(super::ManualList),
    /// Why the selected message has its kind (`w`).
    Reason,
    /// The progress of the sends (`App::sending`).
    Sending,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    pub file: String,
    /// Bytes of the file read while `phase` is `None`; messages through
    /// the merge's phase after.
    pub done: u64,
    pub total: u64,
    pub phase: Option<crate::import::MergePhase>,
}
