//! The messages in and out of [`App::update`](super::App::update): the
//! [`Action`]s it handles, the [`Effect`]s it asks the loop to perform, and
//! the [`Outcome`]s the loop reports back.

use super::{Overview, Screen};
use crate::store::StoredMessage;
use crate::track::Report;

/// What a performed effect did, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ignored {
        brand: bool,
        name: String,
        ignored: bool,
        changed: bool,
    },
    ManualRecorded {
        brand: bool,
        name: String,
        at: String,
        channel: String,
        /// The record's id, for undo.
        id: i64,
    },
    /// An undone manual opt-out was deleted (`false`: it was already gone).
    ManualRemoved {
        brand: bool,
        name: String,
        removed: bool,
    },
    Exported(String),
    /// The export's file exists: the effect to perform if the user agrees.
    ExportExists {
        path: String,
        retry: Effect,
    },
    ExportFailed(String),
    Imported {
        file: String,
        new: u64,
        duplicates: u64,
    },
    ImportFailed(String),
    Failed(String),
}

/// Everything that can happen to the interface.
#[derive(Debug, Clone)]
pub enum Action {
    Up,
    Down,
    /// Page by the visible height (rows).
    PageUp(u16),
    PageDown(u16),
    Top,
    Bottom,
    /// A click on a row (senders) or a message (timeline, absolute index).
    Click(usize),
    ScrollUp,
    ScrollDown,
    /// Enter: open the selected sender's timeline.
    Open,
    NextScreen,
    PrevScreen,
    Show(Screen),
    /// Esc: close, clear the search, go home; never quits.
    Back,
    Quit,
    Search,
    CycleFilter,
    CycleSort,
    ToggleGroup,
    ToggleIgnore,
    /// `a`: between the to-do view and all senders.
    ToggleAll,
    /// `U`: reverse the last change.
    Undo,
    /// `L`: the message log.
    Log,
    /// An answer to a y/n question.
    Yes,
    No,
    ManualOptOut,
    Unsubscribe,
    Export,
    Import,
    Help,
    ToggleRules,
    /// `w`: why the selected message has its kind.
    Reason,
    // Prompt editing.
    Input(char),
    Backspace,
    ClearInput,
    NextField,
    Submit,
    Cancel,
    // Results of effects.
    Loaded(Box<Report>),
    TimelineLoaded {
        sender_ids: Vec<i64>,
        total: u64,
        start: u64,
        messages: Vec<StoredMessage>,
    },
    SearchDone {
        query: String,
        sender_ids: Vec<i64>,
    },
    OverviewLoaded(Overview),
    /// Tab in a path: the paths that start with `path`.
    Completed {
        path: String,
        candidates: Vec<String>,
    },
    /// The loop is about to perform a slow effect (`None`: done).
    Working(Option<Slow>),
    ImportStarted {
        file: String,
        total: u64,
    },
    ImportProgress(u64),
    Outcome(Outcome),
    /// The clock, set by the loop before each event (fixed in tests).
    Now(i64),
}

/// Work for the loop: everything that touches the database or the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Recompute the report (after a data change, or at start).
    Reload,
    /// A window of a timeline; `start: None` is the last window.
    LoadTimeline {
        sender_ids: Vec<i64>,
        start: Option<u64>,
        limit: u64,
    },
    /// Senders whose message text contains `query` (SQL `LIKE`, limited).
    Search {
        query: String,
    },
    LoadOverview,
    SetIgnored {
        brand: bool,
        name: String,
        ignored: bool,
    },
    RecordManualOptOut {
        brand: bool,
        name: String,
        at_ms: i64,
        utc_offset_s: Option<i32>,
        channel: String,
    },
    WriteExport {
        sender_keys: Vec<String>,
        path: String,
        redact: bool,
        zh: bool,
        /// The user said yes to replacing an existing file.
        overwrite: bool,
    },
    RemoveManualOptOut {
        brand: bool,
        name: String,
        id: i64,
    },
    /// The paths that start with `path` (Tab in the import prompt).
    CompletePath {
        path: String,
    },
    Import {
        path: String,
    },
}

impl Effect {
    /// Does performing it change the data the report is computed from?
    pub fn changes_data(&self) -> bool {
        matches!(
            self,
            Effect::SetIgnored { .. }
                | Effect::RecordManualOptOut { .. }
                | Effect::RemoveManualOptOut { .. }
                | Effect::Import { .. }
        )
    }

    /// Can it take long enough (over 150 ms on a big history) that the
    /// screen should say "working…" first? `None` when it is quick.
    pub fn slow(&self) -> Option<Slow> {
        Some(match self {
            Effect::Reload => Slow::Recompute,
            Effect::Search { .. } => Slow::Search,
            Effect::LoadOverview => Slow::Overview,
            Effect::SetIgnored { .. } => Slow::Ignore,
            Effect::RecordManualOptOut { .. } | Effect::RemoveManualOptOut { .. } => Slow::Manual,
            Effect::WriteExport { .. } => Slow::Export,
            Effect::LoadTimeline { .. } | Effect::CompletePath { .. } | Effect::Import { .. } => {
                return None;
            }
        })
    }
}

/// What a slow effect is doing, for the "working…" line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slow {
    Recompute,
    Search,
    Overview,
    Ignore,
    Manual,
    Export,
}
