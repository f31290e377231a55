//! `M`: the list of manual opt-out records (made by a call, an app, another
//! phone). `d` removes the selected one after a y/n question; `U` puts it
//! back. The report is recomputed after either, like after any data change.

use super::{Action, App, Change, Effect, Outcome, Overlay};
use crate::model::ManualOptOut;
use crate::text;

/// The `M` window's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualList {
    /// `None` until the records arrive.
    pub records: Option<Vec<ManualOptOut>>,
    /// The lines' names by id, when the database has more than one line
    /// (otherwise the list has no line column).
    pub lines: Vec<(i64, String)>,
    pub selected: usize,
    /// `d` was pressed: remove the selected record? (y/n)
    pub confirm: bool,
}

impl ManualList {
    /// The record under the cursor.
    pub fn current(&self) -> Option<&ManualOptOut> {
        self.records.as_ref()?.get(self.selected)
    }

    /// The name of a record's line, when the list shows lines.
    pub fn line_name(&self, id: i64) -> Option<&str> {
        if self.lines.len() < 2 {
            return None;
        }
        self.lines
            .iter()
            .find(|(l, _)| *l == id)
            .map(|(_, n)| n.as_str())
    }
}

impl App {
    /// `M`: opens the list (the records are read by the loop).
    pub(super) fn open_manual_list(&mut self) -> Vec<Effect> {
        self.overlay = Overlay::Manual(ManualList {
            records: None,
            lines: Vec::new(),
            selected: 0,
            confirm: false,
        });
        vec![Effect::LoadManual]
    }

    /// The records arrived: keep the cursor where it was (or on the last).
    pub(super) fn manual_loaded(&mut self, records: Vec<ManualOptOut>, lines: Vec<(i64, String)>) {
        if let Overlay::Manual(list) = &mut self.overlay {
            list.selected = list.selected.min(records.len().saturating_sub(1));
            list.records = Some(records);
            list.lines = lines;
            list.confirm = false;
        }
    }

    /// A key in the list.
    pub(super) fn manual_list_key(&mut self, mut list: ManualList, action: &Action) -> Vec<Effect> {
        let n = list.records.as_ref().map_or(0, Vec::len);
        if list.confirm {
            return match action {
                Action::Yes => match list.current().cloned() {
                    Some(record) => {
                        list.confirm = false;
                        self.overlay = Overlay::Manual(list);
                        vec![Effect::DeleteManualOptOut { record }, Effect::LoadManual]
                    }
                    None => Vec::new(),
                },
                Action::No | Action::Back | Action::Cancel => {
                    list.confirm = false;
                    self.overlay = Overlay::Manual(list);
                    self.say(self.strings.nothing_changed.to_string());
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        match action {
            Action::Up | Action::ScrollUp => list.selected = list.selected.saturating_sub(1),
            Action::Down | Action::ScrollDown => {
                list.selected = (list.selected + 1).min(n.saturating_sub(1));
            }
            Action::PageUp(rows) => {
                list.selected = list.selected.saturating_sub(usize::from(*rows).max(1));
            }
            Action::PageDown(rows) => {
                list.selected =
                    (list.selected + usize::from(*rows).max(1)).min(n.saturating_sub(1));
            }
            Action::Top => list.selected = 0,
            Action::Bottom => list.selected = n.saturating_sub(1),
            Action::RemoveRecord if list.current().is_some() => list.confirm = true,
            Action::Undo => {
                // The list shows the result of the undo.
                let mut effects = self.undo_last();
                if !effects.is_empty() {
                    effects.push(Effect::LoadManual);
                }
                return effects;
            }
            Action::Back | Action::ManualList | Action::Submit => {
                self.overlay = Overlay::None;
                return Vec::new();
            }
            _ => {}
        }
        self.overlay = Overlay::Manual(list);
        Vec::new()
    }

    /// What a removal or its undo did, for the status line and `U`.
    pub(super) fn manual_list_outcome(&mut self, o: Outcome, undone: bool) -> Vec<Effect> {
        let s = self.strings;
        match o {
            Outcome::ManualDeleted { record, removed } => {
                let (name, at, channel) = self.record_words(&record);
                let line = (s.manual_deleted)(record.scope_brand, &name, &at, &channel, removed);
                if removed {
                    self.say(format!("{line} {}", s.undo_hint));
                    self.undo = Some(Change::ManualDeleted(record));
                } else {
                    self.complain(line);
                }
            }
            Outcome::ManualRestored { record, id } => {
                let (name, at, _) = self.record_words(&record);
                let line = (s.manual_restored)(record.scope_brand, &name, &at, id);
                self.undo = None;
                self.say(if undone { (s.undone)(&line) } else { line });
            }
            _ => {}
        }
        Vec::new()
    }

    /// A record's name, time and channel, safe for the screen.
    fn record_words(&self, r: &ManualOptOut) -> (String, String, String) {
        (
            text::sanitize(&r.name),
            text::short(r.at_ms, r.utc_offset_s, &self.zone),
            text::sanitize(&r.channel),
        )
    }
}
