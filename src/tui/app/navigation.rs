//! Keys with no overlay open: moving the cursor, switching screens, opening
//! prompts and overlays, toggling filter, sort, grouping and ignore.

use super::{
    Action, App, Effect, ExportScope, ManualField, Overlay, Prompt, Screen, TIMELINE_WINDOW, Target,
};
use crate::text;

impl App {
    pub(super) fn navigate(&mut self, action: &Action) -> Vec<Effect> {
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
            Action::Open if self.screen == Screen::Overview => self.open_offender(),
            Action::Open if self.screen == Screen::Offenders => self.open_ranked(),
            Action::Open => self.open_timeline(),
            Action::NextScreen => self.cycle_screen(true),
            Action::PrevScreen => self.cycle_screen(false),
            Action::Show(screen) => self.show(screen),
            Action::Back => self.back(),
            Action::Help => {
                self.scroll = 0;
                self.overlay = Overlay::Help;
                Vec::new()
            }
            Action::Log => {
                // The latest lines in view.
                self.scroll = u16::try_from(self.log.len()).unwrap_or(u16::MAX);
                self.overlay = Overlay::Log;
                Vec::new()
            }
            Action::Import => {
                self.overlay = Overlay::Prompt(Prompt::Import {
                    path: String::new(),
                    choices: Vec::new(),
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
            Action::CycleFilter | Action::ToggleAll => {
                self.filter = match (action, self.filter) {
                    (Action::ToggleAll, super::Filter::ToDo) => super::Filter::All,
                    (Action::ToggleAll, _) => super::Filter::ToDo,
                    (_, f) => f.next(),
                };
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
                if self.grouped && self.filter == super::Filter::ToDo {
                    // The to-do view has groups of its own.
                    self.filter = super::Filter::All;
                }
                self.rebuild_rows();
                self.say(if self.grouped {
                    self.strings.grouped_on.to_string()
                } else {
                    self.strings.grouped_off.to_string()
                });
                Vec::new()
            }
            Action::Reason => {
                self.scroll = 0;
                self.overlay = Overlay::Reason;
                Vec::new()
            }
            Action::ToggleRules => {
                self.show_rules = !self.show_rules;
                Vec::new()
            }
            Action::ToggleIgnore => self.toggle_ignore(),
            Action::Undo => self.undo_last(),
            Action::ManualList => self.open_manual_list(),
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
                self.overlay = Overlay::Prompt(Prompt::Export {
                    dir: self.export_dir.clone(),
                    file: self.export_name(scope, selected.as_ref()),
                    field: super::ExportField::File,
                    scope,
                    selected,
                    redact: false,
                    zh: self.strings.is_zh,
                    error: None,
                });
                Vec::new()
            }
            Action::Copy => self.copy_advice(),
            Action::SendAll => self.offer_send_all(),
            _ => Vec::new(),
        }
    }

    /// The sender or brand an action applies to: the timeline's on the
    /// timeline, the selected row elsewhere.
    pub(super) fn acting_target(&self) -> Option<Target> {
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
                let effects = self.move_to(to);
                self.selected = self.land(self.selected, delta >= 0);
                effects
            }
            Screen::Overview => {
                let last = self.offenders().len().saturating_sub(1);
                self.offender = (self.offender as u64)
                    .saturating_add_signed(delta)
                    .min(last as u64) as usize;
                Vec::new()
            }
            Screen::Offenders => {
                self.move_offender((self.ranked.selected as u64).saturating_add_signed(delta));
                Vec::new()
            }
            Screen::Welcome => Vec::new(),
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
                let at = to.min(last) as usize;
                self.selected = self.land(at, to < u64::MAX);
                Vec::new()
            }
            Screen::Overview => {
                let last = self.offenders().len().saturating_sub(1) as u64;
                self.offender = to.min(last) as usize;
                Vec::new()
            }
            Screen::Offenders => {
                self.move_offender(to);
                Vec::new()
            }
            Screen::Welcome => Vec::new(),
        }
    }

    fn click(&mut self, i: usize) -> Vec<Effect> {
        match self.screen {
            Screen::Senders
                if i < self.rows.len() && !matches!(self.rows[i], super::RowRef::Group(_)) =>
            {
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
                self.say(self.strings.overview_status.to_string());
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
            Screen::Offenders => self.show_offenders(),
            Screen::Welcome => Vec::new(),
        }
    }

    fn cycle_screen(&mut self, forward: bool) -> Vec<Effect> {
        let next = match (self.screen, forward) {
            (Screen::Senders, true) | (Screen::Overview, false) => Screen::Timeline,
            // The offenders screen (`O`) is not a tab: Tab leaves it to its neighbours.
            (Screen::Timeline, true) | (Screen::Senders | Screen::Offenders, false) => {
                Screen::Overview
            }
            (Screen::Overview | Screen::Offenders, true) | (Screen::Timeline, false) => {
                Screen::Senders
            }
            (Screen::Welcome, _) => return Vec::new(),
        };
        self.show(next)
    }

    fn back(&mut self) -> Vec<Effect> {
        match self.screen {
            Screen::Timeline | Screen::Overview => self.screen = Screen::Senders,
            Screen::Offenders => self.back_from_offenders(),
            Screen::Senders if self.search.is_some() => {
                self.search = None;
                self.rebuild_rows();
                self.say(self.strings.search_cleared.to_string());
            }
            // Esc never quits: q and Ctrl-C do.
            Screen::Senders | Screen::Welcome => self.say(self.strings.esc_home.to_string()),
        }
        Vec::new()
    }

    fn back_home_if_empty(&mut self) -> Vec<Effect> {
        if self.screen == Screen::Timeline && self.rows.is_empty() {
            self.screen = Screen::Senders;
        }
        Vec::new()
    }

    fn toggle_ignore(&mut self) -> Vec<Effect> {
        let Some(target) = self.acting_target() else {
            self.complain(self.strings.nothing_selected.to_string());
            return Vec::new();
        };
        // Grouped by brand, `i` acts on the brand.
        let target = match target {
            Target::Sender(k) if self.by_brand() => {
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
                self.ask_ignore(true, b, !ignored)
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
                let ignored = !s.ignored;
                self.ask_ignore(false, k, ignored)
            }
        }
    }

    /// `i` asks first: "ignore sender 95528? (y/n)".
    fn ask_ignore(&mut self, brand: bool, name: String, ignored: bool) -> Vec<Effect> {
        self.overlay = Overlay::Confirm(super::Confirm::Ignore {
            brand,
            name,
            ignored,
        });
        Vec::new()
    }
}
