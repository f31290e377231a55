//! The messages in and out of [`App::update`](super::App::update): the
//! [`Action`]s it handles, the [`Effect`]s it asks the loop to perform, and
//! the [`Outcome`]s the loop reports back.

use super::{Overview, Screen};
use crate::model::ManualOptOut;
use crate::store::{SearchMode, StoredMessage};
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
    /// A record removed from the `M` list (`false`: it was already gone).
    ManualDeleted {
        record: ManualOptOut,
        removed: bool,
    },
    /// A removed record recorded again by `U`, under a new id.
    ManualRestored {
        record: ManualOptOut,
        id: i64,
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
    /// Done, in a sentence already made safe (copied, …).
    Done(String),
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
    /// `M`: the list of manual opt-out records.
    ManualList,
    /// `d` in that list: remove the selected record (asks first).
    RemoveRecord,
    Unsubscribe,
    /// `y`: the keyword and the target to the clipboard.
    Copy,
    /// `s` in the unsubscribe window: send it now from the phone.
    SendNow,
    /// `S`: send every opt-out of the to-do list.
    SendAll,
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
    /// ←→ in a choice (the mapping prompt's column).
    PrevChoice,
    NextChoice,
    Submit,
    Cancel,
    // Results of effects.
    Loaded(Box<Report>),
    /// The result of [`Effect::LoadLists`].
    ListsLoaded {
        pairs: Vec<(i64, i64)>,
        lists: super::MarkedLists,
    },
    TimelineLoaded {
        sender_ids: Vec<i64>,
        total: u64,
        start: u64,
        messages: Vec<StoredMessage>,
    },
    SearchDone {
        query: String,
        sender_ids: Vec<i64>,
        mode: SearchMode,
    },
    /// A timeline window around the newest message matching a search:
    /// `found` is its index in the timeline and its id.
    TimelineFound {
        sender_ids: Vec<i64>,
        total: u64,
        start: u64,
        messages: Vec<StoredMessage>,
        found: Option<(u64, i64)>,
    },
    OverviewLoaded(Overview),
    /// The manual records, and the lines' names (id, name).
    ManualLoaded {
        records: Vec<ManualOptOut>,
        lines: Vec<(i64, String)>,
    },
    /// The repeat offenders across every line, and every line's id and name.
    Ranked {
        offenders: Vec<crate::track::Offender>,
        lines: Vec<(i64, String)>,
    },
    /// Tab in a path: the paths that start with `path`.
    Completed {
        path: String,
        candidates: Vec<String>,
    },
    /// The loop is about to perform a slow effect (`None`: done).
    Working(Option<Slow>),
    /// The file is a CSV whose header is not recognised: its column names
    /// and first row, to ask which column is which.
    ColumnsNeeded {
        path: String,
        header: Vec<String>,
        sample: Vec<String>,
    },
    ImportStarted {
        file: String,
        total: u64,
    },
    ImportProgress(u64),
    /// The import's merge: `done` of `total` messages through `phase`.
    ImportMerging {
        phase: crate::import::MergePhase,
        done: u64,
        total: u64,
    },
    Outcome(Outcome),
    /// The clock, set by the loop before each event (fixed in tests).
    Now(i64),
    /// `R`: reload the report from the database.
    Refresh,
    /// The database's `data_version`, read by the loop when idle.
    DataVersion(i64),
    /// The `data_version` a reload read the report at.
    Synced(i64),
    /// The send thread's news (`S`, or `s` in the unsubscribe window).
    Send(super::SendEvent),
    /// The opt-out sends an earlier run left pending on the line shown
    /// ((target, keyword) → send id), read at each reload: never sent
    /// again from here until checked (`optout send --again`).
    SendsPending(std::collections::BTreeMap<(String, String), i64>),
}

/// Work for the loop: everything that touches the database or the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Recompute the report (after a data change, or at start).
    Reload,
    /// Rank the offenders of every line (the offenders screen opened on a
    /// ranking older than the report).
    Rank,
    /// A window of a timeline; `start: None` is the last window.
    LoadTimeline {
        sender_ids: Vec<i64>,
        start: Option<u64>,
        limit: u64,
    },
    /// The violations and messages in flight of these (line, sender)
    /// pairs, from the findings cache, for the open timeline's marks.
    LoadLists {
        pairs: Vec<(i64, i64)>,
    },
    /// Senders whose message text contains `query` (`Store::senders_matching`).
    Search {
        query: String,
    },
    /// The window of a timeline around its newest message containing
    /// `query` (opened from a search).
    LoadTimelineAt {
        sender_ids: Vec<i64>,
        query: String,
        limit: u64,
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
    /// Every manual opt-out record, for the `M` list.
    LoadManual,
    DeleteManualOptOut {
        record: ManualOptOut,
    },
    /// Records a removed record again (undo).
    RestoreManualOptOut {
        record: ManualOptOut,
    },
    /// The paths that start with `path` (Tab in the import prompt).
    CompletePath {
        path: String,
    },
    Import {
        path: String,
        /// The CSV column mapping, as `--map` takes it.
        csv_map: Option<String>,
    },
    /// Put `text` on the clipboard (OSC 52, written by the loop).
    Copy {
        text: String,
    },
    /// Send these opt-outs through the phone, one at a time, recorded on
    /// `line_id`: on a thread of their own, which reports each move back
    /// as [`Action::Send`] while the interface keeps answering keys.
    StartSend {
        jobs: Vec<crate::send::Job>,
        line_id: i64,
    },
    /// Stop the send thread after the send in progress.
    StopSend,
}

impl Effect {
    /// Does performing it change the data the report is computed from?
    pub fn changes_data(&self) -> bool {
        matches!(
            self,
            Effect::SetIgnored { .. }
                | Effect::RecordManualOptOut { .. }
                | Effect::RemoveManualOptOut { .. }
                | Effect::DeleteManualOptOut { .. }
                | Effect::RestoreManualOptOut { .. }
                | Effect::Import { .. }
        )
    }

    /// Can it take long enough (over 150 ms on a big history) that the
    /// screen should say "working…" first? `None` when it is quick.
    pub fn slow(&self) -> Option<Slow> {
        Some(match self {
            Effect::Reload => Slow::Recompute,
            Effect::Search { .. } | Effect::LoadTimelineAt { .. } => Slow::Search,
            Effect::LoadOverview => Slow::Overview,
            Effect::SetIgnored { .. } => Slow::Ignore,
            Effect::RecordManualOptOut { .. }
            | Effect::RemoveManualOptOut { .. }
            | Effect::DeleteManualOptOut { .. }
            | Effect::RestoreManualOptOut { .. } => Slow::Manual,
            Effect::WriteExport { .. } => Slow::Export,
            Effect::LoadTimeline { .. }
            | Effect::LoadLists { .. }
            | Effect::Rank
            | Effect::LoadManual
            | Effect::CompletePath { .. }
            | Effect::Import { .. }
            | Effect::Copy { .. }
            | Effect::StartSend { .. }
            | Effect::StopSend => {
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
