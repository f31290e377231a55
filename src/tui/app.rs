//! The interface's state machine. A key becomes an [`Action`];
//! [`App::update`] changes the state and returns [`Effect`]s (database
//! writes, queries, export, import) that the loop performs, feeding the
//! results back as actions. Nothing here does IO, so every transition is
//! tested without a terminal.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::tz::TimeZone;

use super::strings::Strings;
use super::theme::{MarkKind, Theme};
use crate::classify::SenderClass;
use crate::store::StoredMessage;
use crate::text;
use crate::track::{BrandReport, Moment, OptOut, Report, SenderKind, SenderReport, Status};

/// How many timeline messages are held in memory around the cursor.
pub const TIMELINE_WINDOW: u64 = 120;
/// At most this many senders are found by message text.
pub const SEARCH_LIMIT: u64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// No database yet: how to import.
    Welcome,
    Senders,
    Timeline,
    Overview,
}

/// The `f` filter, in cycling order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Marketing,
    /// Marketing senders not opted out yet: the to-do list.
    Subscribed,
    Violating,
    Suspicious,
    Ignored,
}

impl Filter {
    pub const ALL: [Filter; 6] = [
        Filter::All,
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
            Filter::All => true,
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

/// The `s` sort, in cycling order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Violating first, then the to-do list, then the rest; latest first within.
    Status,
    LastSeen,
    Marketing,
    AfterOptOut,
    Brand,
    Sender,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::Status,
        Sort::LastSeen,
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
}

impl Timeline {
    /// The loaded message under the cursor.
    pub fn current(&self) -> Option<&StoredMessage> {
        let i = self.cursor.checked_sub(self.start)?;
        self.messages.get(i as usize)
    }

    fn window_holds(&self, index: u64) -> bool {
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
        path: String,
        scope: ExportScope,
        /// The selected sender or brand, when there is one.
        selected: Option<Target>,
        error: Option<String>,
    },
    Import {
        path: String,
        error: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    /// What to send to unsubscribe.
    Unsubscribe(Target),
    Prompt(Prompt),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    pub file: String,
    pub done: u64,
    pub total: u64,
}

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
    },
    Exported(String),
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
    /// Esc: close, clear the search, go home, or quit from home.
    Back,
    Quit,
    Search,
    CycleFilter,
    CycleSort,
    ToggleGroup,
    ToggleIgnore,
    ManualOptOut,
    Unsubscribe,
    Export,
    Import,
    Help,
    ToggleRules,
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
            Effect::SetIgnored { .. } | Effect::RecordManualOptOut { .. } | Effect::Import { .. }
        )
    }
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
    pub rows: Vec<RowRef>,
    pub selected: usize,
    pub filter: Filter,
    pub sort: Sort,
    pub grouped: bool,
    pub search: Option<Search>,
    /// The search before the prompt opened, for Esc.
    search_before: Option<Search>,
    pub timeline: Option<Timeline>,
    pub show_rules: bool,
    pub overview: Option<Overview>,
    pub overlay: Overlay,
    pub status: Option<StatusLine>,
    pub import: Option<ImportProgress>,
    pub quit: bool,
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
            rows: Vec::new(),
            selected: 0,
            filter: Filter::All,
            sort: Sort::Status,
            grouped: false,
            search: None,
            search_before: None,
            timeline: None,
            show_rules: false,
            overview: None,
            overlay: Overlay::None,
            status: None,
            import: None,
            quit: false,
        }
    }

    /// Handles one action; returns the work the loop must do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
            Action::Now(ms) => {
                self.now_ms = ms;
                Vec::new()
            }
            Action::Loaded(report) => self.loaded(*report),
            Action::TimelineLoaded {
                sender_ids,
                total,
                start,
                messages,
            } => {
                if let Some(tl) = self.timeline.as_mut()
                    && tl.sender_ids == sender_ids
                {
                    tl.total = Some(total);
                    tl.start = start;
                    tl.messages = messages;
                    if tl.cursor_to_end {
                        tl.cursor = total.saturating_sub(1);
                        tl.cursor_to_end = false;
                    }
                    tl.cursor = tl.cursor.min(total.saturating_sub(1));
                }
                Vec::new()
            }
            Action::SearchDone { query, sender_ids } => {
                if let Some(search) = self.search.as_mut()
                    && search.query == query
                {
                    let by_text: HashSet<i64> = sender_ids.into_iter().collect();
                    let n_text = by_text.len();
                    search.by_text = Some(by_text);
                    self.rebuild_rows();
                    let n = self.sender_rows();
                    self.say((self.strings.searched)(&text::sanitize(&query), n, n_text));
                }
                Vec::new()
            }
            Action::OverviewLoaded(o) => {
                self.overview = Some(o);
                Vec::new()
            }
            Action::ImportStarted { file, total } => {
                self.import = Some(ImportProgress {
                    file,
                    done: 0,
                    total,
                });
                Vec::new()
            }
            Action::ImportProgress(done) => {
                if let Some(p) = self.import.as_mut() {
                    p.done = done;
                }
                Vec::new()
            }
            Action::Outcome(o) => {
                self.outcome(o);
                Vec::new()
            }
            other => {
                if self.loading || self.import.is_some() {
                    return Vec::new();
                }
                match self.overlay.clone() {
                    Overlay::Prompt(p) => self.prompt(p, &other),
                    Overlay::Help | Overlay::Unsubscribe(_) => {
                        if matches!(
                            other,
                            Action::Back | Action::Help | Action::Cancel | Action::Submit
                        ) || matches!(other, Action::Unsubscribe)
                        {
                            self.overlay = Overlay::None;
                        }
                        Vec::new()
                    }
                    Overlay::None => self.navigate(&other),
                }
            }
        }
    }

    fn say(&mut self, text: String) {
        self.status = Some(StatusLine { text, error: false });
    }

    fn complain(&mut self, text: String) {
        self.status = Some(StatusLine { text, error: true });
    }

    fn loaded(&mut self, report: Report) -> Vec<Effect> {
        self.loading = false;
        if self.screen == Screen::Welcome {
            self.screen = Screen::Senders;
        }
        self.report = report;
        self.counts = Counts::of(&self.report);
        self.brand_index = self
            .report
            .brands
            .iter()
            .enumerate()
            .map(|(i, b)| (b.brand.clone(), i))
            .collect();
        self.rebuild_rows();
        self.overview = None;
        let mut effects = Vec::new();
        if self.screen == Screen::Overview {
            effects.push(Effect::LoadOverview);
        }
        if let Some(old) = self.timeline.take() {
            let mut tl = self.timeline_for(&old.target);
            tl.cursor = old.cursor;
            tl.start = old.start;
            effects.push(Effect::LoadTimeline {
                sender_ids: tl.sender_ids.clone(),
                start: Some(old.start),
                limit: TIMELINE_WINDOW,
            });
            self.timeline = Some(tl);
        }
        if let Some(s) = &self.search
            && s.by_text.is_some()
        {
            effects.push(Effect::Search {
                query: s.query.clone(),
            });
        }
        effects
    }

    fn outcome(&mut self, o: Outcome) {
        let s = self.strings;
        match o {
            Outcome::Ignored {
                brand,
                name,
                ignored,
                changed,
            } => {
                let name = text::sanitize(&name);
                self.say((s.ignored_status)(brand, &name, ignored, changed));
            }
            Outcome::ManualRecorded {
                brand,
                name,
                at,
                channel,
            } => self.say((s.manual_recorded)(
                brand,
                &text::sanitize(&name),
                &at,
                &text::sanitize(&channel),
            )),
            Outcome::Exported(path) => self.say((s.export_wrote)(&text::sanitize(&path))),
            Outcome::ExportFailed(e) => self.complain((s.export_failed)(&text::sanitize(&e))),
            Outcome::Imported {
                file,
                new,
                duplicates,
            } => {
                self.import = None;
                self.say((s.imported)(&text::sanitize(&file), new, duplicates));
            }
            Outcome::ImportFailed(e) => {
                self.import = None;
                self.complain((s.import_failed)(&text::sanitize(&e)));
            }
            Outcome::Failed(e) => self.complain(text::sanitize(&e)),
        }
    }

    // --- the senders list ---

    fn search_keeps(&self, s: &SenderReport) -> bool {
        let Some(search) = &self.search else {
            return true;
        };
        let q = search.query.to_lowercase();
        if q.is_empty() {
            return true;
        }
        let has = |t: &str| t.to_lowercase().contains(&q);
        has(&s.key)
            || s.aliases.iter().any(|a| has(a))
            || s.brand.as_deref().is_some_and(has)
            || s.contact_name.as_deref().is_some_and(has)
            || search
                .by_text
                .as_ref()
                .is_some_and(|ids| ids.contains(&s.sender_id))
    }

    fn sort_senders(&self, idx: &mut [usize]) {
        let senders = &self.report.senders;
        let last = |i: usize| std::cmp::Reverse(senders[i].last_seen.map(|m| m.ts_ms));
        match self.sort {
            Sort::Status => idx.sort_by_key(|&i| (senders[i].status, last(i))),
            // compute() already orders by last seen, then key.
            Sort::LastSeen => {}
            Sort::Marketing => idx.sort_by_key(|&i| std::cmp::Reverse(senders[i].marketing)),
            Sort::AfterOptOut => {
                idx.sort_by_key(|&i| std::cmp::Reverse(senders[i].after_optout()));
            }
            Sort::Brand => idx.sort_by(|&a, &b| {
                let (sa, sb) = (&senders[a], &senders[b]);
                sa.brand
                    .is_none()
                    .cmp(&sb.brand.is_none())
                    .then_with(|| sa.brand.cmp(&sb.brand))
                    .then_with(|| sa.key.cmp(&sb.key))
            }),
            Sort::Sender => idx.sort_by(|&a, &b| senders[a].key.cmp(&senders[b].key)),
        }
    }

    /// Recomputes the visible rows from the filter, search, sort and
    /// grouping, keeping the selection on the same sender or brand.
    pub fn rebuild_rows(&mut self) {
        let keep = self.selected_target();
        let mut idx: Vec<usize> = (0..self.report.senders.len())
            .filter(|&i| {
                let s = &self.report.senders[i];
                self.filter.keeps(s) && self.search_keeps(s)
            })
            .collect();
        self.sort_senders(&mut idx);
        let mut rows = Vec::with_capacity(idx.len());
        if self.grouped {
            // A brand heading where its first member would be, then its members.
            let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
            for &i in &idx {
                if let Some(b) = &self.report.senders[i].brand {
                    members.entry(b.as_str()).or_default().push(i);
                }
            }
            let mut done: HashSet<&str> = HashSet::new();
            for &i in &idx {
                match self.report.senders[i].brand.as_deref() {
                    Some(b) => {
                        if done.insert(b) {
                            if let Some(&bi) = self.brand_index.get(b) {
                                rows.push(RowRef::Brand(bi));
                            }
                            rows.extend(members[b].iter().map(|&m| RowRef::Sender(m)));
                        }
                    }
                    None => rows.push(RowRef::Sender(i)),
                }
            }
        } else {
            rows.extend(idx.into_iter().map(RowRef::Sender));
        }
        self.rows = rows;
        self.selected = keep
            .and_then(|t| self.rows.iter().position(|r| self.target_of(*r) == t))
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
    }

    /// How many senders the list shows (brand headings not counted).
    pub fn sender_rows(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r, RowRef::Sender(_)))
            .count()
    }

    pub fn target_of(&self, row: RowRef) -> Target {
        match row {
            RowRef::Brand(b) => Target::Brand(self.report.brands[b].brand.clone()),
            RowRef::Sender(s) => Target::Sender(self.report.senders[s].key.clone()),
        }
    }

    pub fn selected_row(&self) -> Option<RowRef> {
        self.rows.get(self.selected).copied()
    }

    pub fn selected_target(&self) -> Option<Target> {
        self.selected_row().map(|r| self.target_of(r))
    }

    pub fn sender(&self, key: &str) -> Option<&SenderReport> {
        self.report.senders.iter().find(|s| s.key == key)
    }

    pub fn brand(&self, name: &str) -> Option<&BrandReport> {
        self.brand_index.get(name).map(|&i| &self.report.brands[i])
    }

    fn members(&self, brand: &str) -> impl Iterator<Item = &SenderReport> {
        self.report
            .senders
            .iter()
            .filter(move |s| s.brand.as_deref() == Some(brand))
    }

    // --- navigation ---

    fn navigate(&mut self, action: &Action) -> Vec<Effect> {
        match *action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::ScrollUp => self.move_by(-3),
            Action::ScrollDown => self.move_by(3),
            Action::PageUp(rows) => self.move_by(-self.page(rows)),
            Action::PageDown(rows) => self.move_by(self.page(rows)),
            Action::Top => self.move_to(0),
            Action::Bottom => self.move_to(u64::MAX),
            Action::Click(i) => self.click(i),
            Action::Open => self.open_timeline(),
            Action::NextScreen => self.cycle_screen(true),
            Action::PrevScreen => self.cycle_screen(false),
            Action::Show(screen) => self.show(screen),
            Action::Back => self.back(),
            Action::Help => {
                self.overlay = Overlay::Help;
                Vec::new()
            }
            Action::Import => {
                self.overlay = Overlay::Prompt(Prompt::Import {
                    path: String::new(),
                    error: None,
                });
                Vec::new()
            }
            _ if self.screen == Screen::Welcome => Vec::new(),
            Action::Search => {
                let text = self
                    .search
                    .as_ref()
                    .map(|s| s.query.clone())
                    .unwrap_or_default();
                self.search_before = self.search.clone();
                self.overlay = Overlay::Prompt(Prompt::Search { text });
                Vec::new()
            }
            Action::CycleFilter => {
                self.filter = self.filter.next();
                self.rebuild_rows();
                let n = self.sender_rows();
                self.say((self.strings.filter_set)(
                    self.strings.filter_name(self.filter),
                    n,
                ));
                self.back_home_if_empty()
            }
            Action::CycleSort => {
                self.sort = self.sort.next();
                self.rebuild_rows();
                self.say((self.strings.sort_set)(self.strings.sort_name(self.sort)));
                Vec::new()
            }
            Action::ToggleGroup => {
                self.grouped = !self.grouped;
                self.rebuild_rows();
                self.say(if self.grouped {
                    self.strings.grouped_on.to_string()
                } else {
                    self.strings.grouped_off.to_string()
                });
                Vec::new()
            }
            Action::ToggleRules => {
                self.show_rules = !self.show_rules;
                Vec::new()
            }
            Action::ToggleIgnore => self.toggle_ignore(),
            Action::ManualOptOut => {
                if let Some(target) = self.acting_target() {
                    self.overlay = Overlay::Prompt(Prompt::Manual {
                        target,
                        date: text::short(self.now_ms, None, &self.zone),
                        channel: "other".into(),
                        field: ManualField::Date,
                        error: None,
                    });
                } else {
                    self.complain(self.strings.nothing_selected.to_string());
                }
                Vec::new()
            }
            Action::Unsubscribe => {
                if let Some(target) = self.acting_target() {
                    self.overlay = Overlay::Unsubscribe(target);
                } else {
                    self.complain(self.strings.nothing_selected.to_string());
                }
                Vec::new()
            }
            Action::Export => {
                let selected = self.acting_target();
                let scope = match (&selected, self.screen) {
                    (Some(_), Screen::Senders | Screen::Timeline) => ExportScope::Selected,
                    _ => ExportScope::AllViolating,
                };
                let date = text::zoned(self.now_ms, None, &self.zone)
                    .strftime("%Y-%m-%d")
                    .to_string();
                self.overlay = Overlay::Prompt(Prompt::Export {
                    path: format!("optout-evidence-{date}.html"),
                    scope,
                    selected,
                    error: None,
                });
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The sender or brand an action applies to: the timeline's on the
    /// timeline, the selected row elsewhere.
    fn acting_target(&self) -> Option<Target> {
        match (&self.timeline, self.screen) {
            (Some(tl), Screen::Timeline) => Some(tl.target.clone()),
            _ => self.selected_target(),
        }
    }

    fn page(&self, rows: u16) -> i64 {
        let rows = i64::from(rows.max(2));
        match self.screen {
            // A message takes about three lines.
            Screen::Timeline => (rows / 3).max(1),
            _ => rows - 1,
        }
    }

    fn move_by(&mut self, delta: i64) -> Vec<Effect> {
        match self.screen {
            Screen::Timeline => {
                let Some(tl) = &self.timeline else {
                    return Vec::new();
                };
                let to = tl.cursor.saturating_add_signed(delta);
                self.move_to(to)
            }
            Screen::Senders => {
                let to = (self.selected as u64).saturating_add_signed(delta);
                self.move_to(to)
            }
            _ => Vec::new(),
        }
    }

    fn move_to(&mut self, to: u64) -> Vec<Effect> {
        match self.screen {
            Screen::Timeline => {
                let Some(tl) = self.timeline.as_mut() else {
                    return Vec::new();
                };
                let Some(total) = tl.total.filter(|t| *t > 0) else {
                    return Vec::new();
                };
                tl.cursor = to.min(total - 1);
                if tl.window_holds(tl.cursor) {
                    return Vec::new();
                }
                let start = tl
                    .cursor
                    .saturating_sub(TIMELINE_WINDOW / 2)
                    .min(total.saturating_sub(TIMELINE_WINDOW));
                vec![Effect::LoadTimeline {
                    sender_ids: tl.sender_ids.clone(),
                    start: Some(start),
                    limit: TIMELINE_WINDOW,
                }]
            }
            Screen::Senders => {
                let last = self.rows.len().saturating_sub(1) as u64;
                self.selected = to.min(last) as usize;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn click(&mut self, i: usize) -> Vec<Effect> {
        match self.screen {
            Screen::Senders if i < self.rows.len() => {
                if i == self.selected {
                    self.open_timeline()
                } else {
                    self.selected = i;
                    Vec::new()
                }
            }
            Screen::Timeline => self.move_to(i as u64),
            _ => Vec::new(),
        }
    }

    fn show(&mut self, screen: Screen) -> Vec<Effect> {
        if self.screen == Screen::Welcome {
            return Vec::new();
        }
        match screen {
            Screen::Timeline => {
                // The selected sender's, unless there is none to open.
                let current = self.timeline.as_ref().map(|t| &t.target);
                let selected = self.selected_target();
                if current.is_some() && (selected.is_none() || current == selected.as_ref()) {
                    self.screen = Screen::Timeline;
                    Vec::new()
                } else {
                    self.open_timeline()
                }
            }
            Screen::Overview => {
                self.screen = Screen::Overview;
                if self.overview.is_none() {
                    vec![Effect::LoadOverview]
                } else {
                    Vec::new()
                }
            }
            Screen::Senders => {
                self.screen = Screen::Senders;
                Vec::new()
            }
            Screen::Welcome => Vec::new(),
        }
    }

    fn cycle_screen(&mut self, forward: bool) -> Vec<Effect> {
        let next = match (self.screen, forward) {
            (Screen::Senders, true) | (Screen::Overview, false) => Screen::Timeline,
            (Screen::Timeline, true) | (Screen::Senders, false) => Screen::Overview,
            (Screen::Overview, true) | (Screen::Timeline, false) => Screen::Senders,
            (Screen::Welcome, _) => return Vec::new(),
        };
        self.show(next)
    }

    fn back(&mut self) -> Vec<Effect> {
        match self.screen {
            Screen::Timeline | Screen::Overview => self.screen = Screen::Senders,
            Screen::Senders if self.search.is_some() => {
                self.search = None;
                self.rebuild_rows();
                self.say(self.strings.search_cleared.to_string());
            }
            Screen::Senders | Screen::Welcome => self.quit = true,
        }
        Vec::new()
    }

    fn back_home_if_empty(&mut self) -> Vec<Effect> {
        if self.screen == Screen::Timeline && self.rows.is_empty() {
            self.screen = Screen::Senders;
        }
        Vec::new()
    }

    // --- timeline ---

    fn open_timeline(&mut self) -> Vec<Effect> {
        let Some(target) = self.selected_target() else {
            self.complain(self.strings.nothing_selected.to_string());
            return Vec::new();
        };
        let tl = self.timeline_for(&target);
        let effect = Effect::LoadTimeline {
            sender_ids: tl.sender_ids.clone(),
            start: None,
            limit: TIMELINE_WINDOW,
        };
        self.timeline = Some(tl);
        self.screen = Screen::Timeline;
        vec![effect]
    }

    /// The senders a timeline covers and the marks on their messages: the
    /// sender, its brand siblings, and the numbers their opt-outs went to.
    pub fn timeline_for(&self, target: &Target) -> Timeline {
        let (title, scope): (String, Vec<&SenderReport>) = match target {
            Target::Brand(b) => (b.clone(), self.members(b).collect()),
            Target::Sender(k) => {
                let mut v: Vec<&SenderReport> = Vec::new();
                if let Some(s) = self.sender(k) {
                    v.push(s);
                    if let Some(b) = &s.brand {
                        v.extend(self.members(b).filter(|m| m.key != s.key));
                    }
                }
                (k.clone(), v)
            }
        };
        let mut keys: Vec<String> = scope.iter().map(|s| s.key.clone()).collect();
        let mut ids: Vec<i64> = scope.iter().map(|s| s.sender_id).collect();
        // Where the opt-outs went, when that is another number we know.
        let elsewhere: BTreeSet<&str> = scope
            .iter()
            .flat_map(|s| {
                [
                    s.target.as_deref(),
                    s.findings.optout.as_ref().map(|o| o.to.as_str()),
                ]
            })
            .flatten()
            .collect();
        for k in elsewhere {
            if !keys.iter().any(|x| x == k)
                && let Some(s) = self.sender(k)
            {
                keys.push(s.key.clone());
                ids.push(s.sender_id);
            }
        }
        let mut marks: HashMap<i64, Vec<Mark>> = HashMap::new();
        let mut add = |id: Option<i64>, mark: Mark| {
            if let Some(id) = id {
                let v = marks.entry(id).or_default();
                if !v.contains(&mark) {
                    v.push(mark);
                    v.sort();
                }
            }
        };
        for s in &scope {
            if let (Some(m), Some(k), Some(t)) = (s.instruction, &s.keyword, &s.target) {
                add(
                    m.message_id,
                    Mark::Instruction {
                        keyword: k.clone(),
                        target: t.clone(),
                    },
                );
            }
            let f = &s.findings;
            if let Some(o) = &f.optout {
                add(
                    o.message_id,
                    Mark::OptOut {
                        keyword: o.keyword.clone(),
                        to: o.to.clone(),
                    },
                );
            }
            if let Some(c) = f.confirmed {
                add(c.message_id, Mark::Confirmation);
            }
            for m in &f.in_flight {
                add(m.message_id, Mark::InFlight);
            }
            for m in &f.violations {
                add(m.message_id, Mark::Violation);
            }
        }
        let optout = scope
            .iter()
            .filter_map(|s| s.findings.optout.clone())
            .min_by_key(|o| o.ts_ms);
        let confirmed = scope
            .iter()
            .filter_map(|s| s.findings.confirmed)
            .min_by_key(|m| m.ts_ms);
        Timeline {
            target: target.clone(),
            title,
            sender_ids: ids,
            sender_keys: keys,
            marks,
            optout,
            confirmed,
            violations: scope.iter().map(|s| s.after_optout()).sum(),
            in_flight: scope
                .iter()
                .map(|s| s.findings.in_flight.len() as u64)
                .sum(),
            total: None,
            start: 0,
            messages: Vec::new(),
            cursor: 0,
            cursor_to_end: true,
        }
    }

    // --- actions that change data ---

    fn toggle_ignore(&mut self) -> Vec<Effect> {
        let Some(target) = self.acting_target() else {
            self.complain(self.strings.nothing_selected.to_string());
            return Vec::new();
        };
        // Grouped by brand, `i` acts on the brand.
        let target = match target {
            Target::Sender(k) if self.grouped => {
                match self.sender(&k).and_then(|s| s.brand.clone()) {
                    Some(b) => Target::Brand(b),
                    None => Target::Sender(k),
                }
            }
            t => t,
        };
        match target {
            Target::Brand(b) => {
                let ignored = self.brand(&b).is_some_and(|r| r.ignored);
                vec![Effect::SetIgnored {
                    brand: true,
                    name: b,
                    ignored: !ignored,
                }]
            }
            Target::Sender(k) => {
                let Some(s) = self.sender(&k) else {
                    return Vec::new();
                };
                let by_brand = s
                    .brand
                    .as_deref()
                    .and_then(|b| self.brand(b))
                    .filter(|b| b.ignored);
                if let Some(b) = by_brand {
                    let text = (self.strings.ignored_by_brand)(
                        &text::sanitize(&k),
                        &text::sanitize(&b.brand),
                    );
                    self.complain(text);
                    return Vec::new();
                }
                vec![Effect::SetIgnored {
                    brand: false,
                    name: k,
                    ignored: !s.ignored,
                }]
            }
        }
    }

    fn prompt(&mut self, prompt: Prompt, action: &Action) -> Vec<Effect> {
        if matches!(action, Action::Cancel) {
            if matches!(prompt, Prompt::Search { .. }) {
                // Esc puts back the search there was before typing.
                self.search = self.search_before.take();
                self.rebuild_rows();
            }
            self.overlay = Overlay::None;
            return Vec::new();
        }
        match prompt {
            Prompt::Search { mut text } => {
                let submit = edit(&mut text, action);
                // Sender, brand and contact names filter as you type; message
                // text is searched in the database on Enter.
                self.search = if text.is_empty() {
                    None
                } else {
                    Some(Search {
                        query: text.clone(),
                        by_text: None,
                    })
                };
                self.rebuild_rows();
                if submit {
                    self.overlay = Overlay::None;
                    self.selected = 0;
                    if self.screen != Screen::Senders {
                        self.screen = Screen::Senders;
                    }
                    if text.is_empty() {
                        self.say(self.strings.search_cleared.to_string());
                        return Vec::new();
                    }
                    return vec![Effect::Search { query: text }];
                }
                self.overlay = Overlay::Prompt(Prompt::Search { text });
                Vec::new()
            }
            Prompt::Manual {
                target,
                mut date,
                mut channel,
                mut field,
                error,
            } => {
                if matches!(action, Action::NextField) {
                    field = match field {
                        ManualField::Date => ManualField::Channel,
                        ManualField::Channel => ManualField::Date,
                    };
                }
                let submit = match field {
                    ManualField::Date => edit(&mut date, action),
                    ManualField::Channel => edit(&mut channel, action),
                };
                if submit {
                    match text::parse_user_time(&date, &self.zone) {
                        Ok((at_ms, utc_offset_s)) => {
                            self.overlay = Overlay::None;
                            let channel = if channel.trim().is_empty() {
                                "other".to_string()
                            } else {
                                channel.trim().to_string()
                            };
                            let (brand, name) = match target {
                                Target::Brand(b) => (true, b),
                                Target::Sender(k) => (false, k),
                            };
                            return vec![Effect::RecordManualOptOut {
                                brand,
                                name,
                                at_ms,
                                utc_offset_s,
                                channel,
                            }];
                        }
                        Err(e) => {
                            self.overlay = Overlay::Prompt(Prompt::Manual {
                                target,
                                date,
                                channel,
                                field: ManualField::Date,
                                error: Some(e),
                            });
                            return Vec::new();
                        }
                    }
                }
                let error = if matches!(action, Action::NextField) {
                    error
                } else {
                    None
                };
                self.overlay = Overlay::Prompt(Prompt::Manual {
                    target,
                    date,
                    channel,
                    field,
                    error,
                });
                Vec::new()
            }
            Prompt::Export {
                mut path,
                mut scope,
                selected,
                error,
            } => {
                if matches!(action, Action::NextField) && selected.is_some() {
                    scope = match scope {
                        ExportScope::Selected => ExportScope::AllViolating,
                        ExportScope::AllViolating => ExportScope::Selected,
                    };
                }
                let mut error = if matches!(action, Action::NextField) {
                    None
                } else {
                    error
                };
                if edit(&mut path, action) {
                    let keys = self.export_keys(scope, selected.as_ref());
                    if path.trim().is_empty() {
                        error = Some(self.strings.export_need_path.to_string());
                    } else if keys.is_empty() {
                        error = Some(self.strings.export_none_violating.to_string());
                    } else {
                        self.overlay = Overlay::None;
                        return vec![Effect::WriteExport {
                            sender_keys: keys,
                            path: path.trim().to_string(),
                        }];
                    }
                }
                self.overlay = Overlay::Prompt(Prompt::Export {
                    path,
                    scope,
                    selected,
                    error,
                });
                Vec::new()
            }
            Prompt::Import { mut path, error } => {
                if edit(&mut path, action) {
                    if path.trim().is_empty() {
                        self.overlay = Overlay::Prompt(Prompt::Import {
                            path,
                            error: Some(self.strings.import_need_path.to_string()),
                        });
                        return Vec::new();
                    }
                    self.overlay = Overlay::None;
                    return vec![Effect::Import {
                        path: path.trim().to_string(),
                    }];
                }
                let error = if matches!(action, Action::Input(_) | Action::Backspace) {
                    None
                } else {
                    error
                };
                self.overlay = Overlay::Prompt(Prompt::Import { path, error });
                Vec::new()
            }
        }
    }

    /// The sender keys an export covers.
    pub fn export_keys(&self, scope: ExportScope, selected: Option<&Target>) -> Vec<String> {
        match (scope, selected) {
            (ExportScope::Selected, Some(Target::Sender(k))) => {
                let mut keys = vec![k.clone()];
                if let Some(b) = self.sender(k).and_then(|s| s.brand.as_deref()) {
                    keys.extend(
                        self.members(b)
                            .filter(|m| m.key != *k)
                            .map(|m| m.key.clone()),
                    );
                }
                keys
            }
            (ExportScope::Selected, Some(Target::Brand(b))) => {
                self.members(b).map(|m| m.key.clone()).collect()
            }
            _ => self
                .report
                .senders
                .iter()
                .filter(|s| s.status == Status::Violating)
                .map(|s| s.key.clone())
                .collect(),
        }
    }
}

/// Applies an editing action to a prompt's text; `true` on Enter.
fn edit(text: &mut String, action: &Action) -> bool {
    match action {
        Action::Input(c) if !c.is_control() => text.push(*c),
        Action::Backspace => {
            text.pop();
        }
        Action::ClearInput => text.clear(),
        Action::Submit => return true,
        _ => {}
    }
    false
}

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
    match default_keyword(s.class, &s.key) {
        Some(k) => Advice::Suggest {
            keyword: k,
            to: s.key.clone(),
        },
        None => Advice::Unknown,
    }
}

/// The usual opt-out word where a sender states none.
fn default_keyword(class: SenderClass, key: &str) -> Option<&'static str> {
    crate::classify::jurisdiction_default_keyword(class, key)
}

#[cfg(test)]
mod tests;
