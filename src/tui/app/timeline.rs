//! Opening a timeline and building it: which senders it covers and the
//! marks on their messages.

use std::collections::{BTreeSet, HashMap};

use super::{App, Effect, Mark, Screen, Target, Timeline};
use crate::findings;
use crate::store::{Store, StoreError};
use crate::track::SenderReport;

impl App {
    pub(super) fn open_timeline(&mut self) -> Vec<Effect> {
        let Some(target) = self.selected_target() else {
            self.complain(self.strings.nothing_selected.to_string());
            return Vec::new();
        };
        self.open_timeline_of(&target)
    }

    /// Enter on the overview: the selected top offender's timeline.
    pub(super) fn open_offender(&mut self) -> Vec<Effect> {
        if let Some(o) = self.offenders().into_iter().nth(self.offender) {
            self.open_timeline_of(&o.target)
        } else {
            self.complain(self.strings.nothing_selected.to_string());
            Vec::new()
        }
    }

    pub(super) fn open_timeline_of(&mut self, target: &Target) -> Vec<Effect> {
        let mut tl = self.timeline_for(target);
        tl.find = self
            .search
            .as_ref()
            .filter(|s| s.by_text.is_some())
            .map(|s| s.query.clone());
        let mut effects = vec![Self::first_window(&tl)];
        effects.extend(Self::lists_effect(&tl));
        self.timeline = Some(tl);
        self.screen = Screen::Timeline;
        effects
    }

    /// The lists a timeline still needs from the findings cache to mark
    /// its violations and messages in flight (the report left them there).
    pub(super) fn lists_effect(tl: &Timeline) -> Option<Effect> {
        (!tl.lists_left.is_empty()).then(|| Effect::LoadLists {
            pairs: tl.lists_left.clone(),
        })
    }

    /// The result of [`Effect::LoadLists`]: the marks, on the timeline
    /// that asked for them (not on another one opened since).
    pub(super) fn lists_loaded(&mut self, pairs: &[(i64, i64)], lists: MarkedLists) {
        let Some(tl) = self.timeline.as_mut().filter(|t| t.lists_left == pairs) else {
            return;
        };
        for id in lists.in_flight {
            add_mark(&mut tl.marks, Some(id), Mark::InFlight);
        }
        for id in lists.violations {
            add_mark(&mut tl.marks, Some(id), Mark::Violation);
        }
        tl.lists_left.clear();
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
        let mut add = |id: Option<i64>, mark: Mark| add_mark(&mut marks, id, mark);
        let mut lists_left = Vec::new();
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
            match (f.in_flight.held(), f.violations.held()) {
                (Some(in_flight), Some(violations)) => {
                    for m in in_flight {
                        add(m.message_id, Mark::InFlight);
                    }
                    for m in violations {
                        add(m.message_id, Mark::Violation);
                    }
                }
                // Read from the findings cache: `Effect::LoadLists`.
                _ => lists_left.push((s.line_id, s.sender_id)),
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
            lists_left,
            total: None,
            start: 0,
            messages: Vec::new(),
            cursor: 0,
            cursor_to_end: true,
            find: None,
            found: None,
        }
    }
}

/// The message ids of the violations and messages in flight of some
/// senders, read from the findings cache for a timeline's marks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkedLists {
    pub violations: Vec<i64>,
    pub in_flight: Vec<i64>,
}

impl MarkedLists {
    /// The lists of `pairs` (line, sender) from the findings cache.
    pub fn read(store: &Store, pairs: &[(i64, i64)]) -> Result<MarkedLists, StoreError> {
        let mut lists = MarkedLists::default();
        for &pair in pairs {
            let (violations, in_flight) = findings::lists_of(store, pair)?;
            let ids = |l: Vec<crate::model::Moment>| l.into_iter().filter_map(|m| m.message_id);
            lists.violations.extend(ids(violations));
            lists.in_flight.extend(ids(in_flight));
        }
        Ok(lists)
    }
}

/// Puts `mark` on message `id` once, the marks of a message in order.
fn add_mark(marks: &mut HashMap<i64, Vec<Mark>>, id: Option<i64>, mark: Mark) {
    if let Some(id) = id {
        let v = marks.entry(id).or_default();
        if !v.contains(&mark) {
            v.push(mark);
            v.sort();
        }
    }
}
