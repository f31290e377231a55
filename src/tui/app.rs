//! The interface's state machine. A key becomes an [`Action`];
//! [`App::update`] changes the state and returns [`Effect`]s (database
//! writes, queries, export, import) that the loop performs, feeding the
//! results back as actions. Nothing here does IO, so every transition is
//! tested without a terminal.
//!
//! [`App`] is here; the state types are in `state`, the messages in and out
//! in `actions`, the dispatch in `update`, and what the actions do in
//! `navigation`, `senders`, `timeline`, `prompts` and `manual` (the `M`
//! list of manual records); `advice` says what to send to unsubscribe.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::strings::Strings;
use super::theme::Theme;
use crate::track::Report;

mod actions;
mod advice;
mod manual;
mod mapping;
mod navigation;
mod offenders;
mod prompts;
mod refresh;
mod search;
mod send;
mod senders;
mod state;
mod timeline;
mod update;

pub use actions::{Action, Effect, Outcome, Slow};
pub use advice::{Advice, advice};
pub use manual::ManualList;
pub use mapping::{ColumnsPrompt, MapField};
pub use offenders::Ranked;
pub use search::{timeline_at, window_around};
pub use send::{
    NotStarted, SEND_PAUSE_S, SendEvent, SendRow, SendRun, SendState, osc52, send_what,
};
pub use senders::Offender;
pub use state::{
    Change, Confirm, Counts, ExportField, ExportScope, Filter, Group, ImportProgress, LogEntry,
    ManualField, Mark, Overlay, Overview, Prompt, RowRef, Screen, Search, Sort, StatusLine, Target,
    Timeline,
};
pub use timeline::MarkedLists;

/// How many timeline messages are held in memory around the cursor.
pub const TIMELINE_WINDOW: u64 = 120;
/// At most this many senders are found by message text.
pub const SEARCH_LIMIT: u64 = 500;

/// What [`App::lend_report`] remembers of a report whose rows were taken.
#[derive(Debug, Clone)]
pub(super) struct Lent {
    pub selected: Option<Target>,
}

/// The whole state of the interface.
// The flags are independent toggles, not the states of one machine.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone)]
pub struct App {
    pub strings: &'static Strings,
    pub theme: Theme,
    pub zone: TimeZone,
    pub now_ms: i64,
    pub screen: Screen,
    /// The report is being computed: the first frame says so.
    pub loading: bool,
    /// Where the database is, for the welcome screen (`None`: in memory).
    pub db_path: Option<String>,
    pub report: Report,
    pub counts: Counts,
    brand_index: HashMap<String, usize>,
    /// The selection of a report lent to a reload ([`App::lend_report`])
    /// that took its rows, for the next [`Action::Loaded`].
    reselect: Option<Lent>,
    pub rows: Vec<RowRef>,
    pub selected: usize,
    pub filter: Filter,
    pub sort: Sort,
    pub grouped: bool,
    pub search: Option<Search>,
    /// The search before the prompt opened, for Esc.
    search_before: Option<Search>,
    /// The column mapping being imported with, asked again if it fails.
    columns_retry: Option<ColumnsPrompt>,
    pub timeline: Option<Timeline>,
    pub show_rules: bool,
    pub overview: Option<Overview>,
    pub overlay: Overlay,
    pub status: Option<StatusLine>,
    pub import: Option<ImportProgress>,
    /// Every status line of the session, in full, for `L`.
    pub log: Vec<LogEntry>,
    /// The last change `U` reverses.
    pub undo: Option<Change>,
    /// `U` was pressed: the next outcome is the undo's.
    undoing: bool,
    /// A slow effect is being performed: the frame says so.
    pub working: Option<Slow>,
    /// The open database is the demo's temporary sample.
    pub demo: bool,
    /// First line of the help and the log (they scroll).
    pub scroll: u16,
    /// The selected top offender on the overview.
    pub offender: usize,
    /// The folder the export prompt starts in (the loop sets it).
    pub export_dir: String,
    /// The offenders screen: the ranking across lines.
    pub ranked: Ranked,
    pub quit: bool,
    /// The database's `data_version` when the report was last read.
    pub data_version: Option<i64>,
    /// The sends in progress (or just finished), for their view.
    pub sending: Option<SendRun>,
    /// Sends an earlier run left pending on the line: (target, keyword) → id.
    pub sends_pending: std::collections::BTreeMap<(String, String), i64>,
}

impl App {
    /// A new interface; `has_database: false` opens on the welcome screen,
    /// otherwise it shows "loading" until [`Action::Loaded`].
    pub fn new(
        strings: &'static Strings,
        theme: Theme,
        zone: TimeZone,
        now_ms: i64,
        has_database: bool,
        db_path: Option<String>,
    ) -> App {
        App {
            strings,
            theme,
            zone,
            now_ms,
            screen: if has_database {
                Screen::Senders
            } else {
                Screen::Welcome
            },
            loading: has_database,
            db_path,
            report: Report::default(),
            counts: Counts::default(),
            brand_index: HashMap::new(),
            reselect: None,
            rows: Vec::new(),
            selected: 0,
            filter: Filter::ToDo,
            sort: Sort::LastSeen,
            grouped: false,
            search: None,
            search_before: None,
            columns_retry: None,
            timeline: None,
            show_rules: false,
            overview: None,
            overlay: Overlay::None,
            status: None,
            import: None,
            log: Vec::new(),
            undo: None,
            undoing: false,
            working: None,
            demo: false,
            scroll: 0,
            offender: 0,
            export_dir: String::new(),
            ranked: Ranked::default(),
            quit: false,
            data_version: None,
            sending: None,
            sends_pending: std::collections::BTreeMap::new(),
        }
    }

    /// Senders are shown under their brands (not in the to-do view).
    pub fn by_brand(&self) -> bool {
        self.grouped && self.shown_filter() != Filter::ToDo
    }
}

#[cfg(test)]
mod tests;
