//! The senders list: filter, search, sort and brand grouping into rows, and
//! looking senders and brands up.

use std::collections::{HashMap, HashSet};

use super::{App, Filter, Group, Lent, RowRef, Sort, Target};
use crate::track::{BrandReport, Report, SenderReport};

impl App {
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
        self.rebuild_rows_keeping(self.selected_target());
    }

    /// [`App::rebuild_rows`], selecting `keep` (taken before a new report
    /// replaced the one the rows pointed into).
    pub(super) fn rebuild_rows_keeping(&mut self, keep: Option<Target>) {
        let mut idx: Vec<usize> = (0..self.report.senders.len())
            .filter(|&i| {
                let s = &self.report.senders[i];
                self.shown_filter().keeps(s) && self.search_keeps(s)
            })
            .collect();
        self.sort_senders(&mut idx);
        let mut rows = Vec::with_capacity(idx.len() + Group::ALL.len());
        if self.shown_filter() == Filter::ToDo {
            // Each group under its heading, in the sort order within.
            for g in Group::ALL {
                let members: Vec<usize> = idx
                    .iter()
                    .copied()
                    .filter(|&i| Group::of(&self.report.senders[i]) == Some(g))
                    .collect();
                if !members.is_empty() {
                    rows.push(RowRef::Group(g));
                    rows.extend(members.into_iter().map(RowRef::Sender));
                }
            }
        } else if self.grouped {
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
        let at = keep
            .and_then(|t| {
                self.rows
                    .iter()
                    .position(|r| self.target_of(*r).as_ref() == Some(&t))
            })
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
        self.selected = self.land(at, true);
    }

    /// The filter in effect: a search looks through every sender, even
    /// from the to-do view.
    pub fn shown_filter(&self) -> Filter {
        match (self.filter, &self.search) {
            (Filter::ToDo, Some(_)) => Filter::Everything,
            (f, _) => f,
        }
    }

    /// The row the cursor lands on near `at`: a heading is skipped in the
    /// direction of travel (or the other way at the end of the list).
    pub(super) fn land(&self, at: usize, forward: bool) -> usize {
        let selectable = |i: usize| !matches!(self.rows.get(i), Some(RowRef::Group(_)));
        if selectable(at) {
            return at;
        }
        let ahead = if forward {
            (at + 1..self.rows.len()).find(|&i| selectable(i))
        } else {
            (0..at).rev().find(|&i| selectable(i))
        };
        let behind = if forward {
            (0..at).rev().find(|&i| selectable(i))
        } else {
            (at + 1..self.rows.len()).find(|&i| selectable(i))
        };
        ahead.or(behind).unwrap_or(at)
    }

    /// How many senders a to-do group holds (in the whole report).
    pub fn group_count(&self, g: Group) -> usize {
        self.report
            .senders
            .iter()
            .filter(|s| Group::of(s) == Some(g))
            .count()
    }

    /// How many senders the list shows (brand headings not counted).
    pub fn sender_rows(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r, RowRef::Sender(_)))
            .count()
    }

    pub fn target_of(&self, row: RowRef) -> Option<Target> {
        match row {
            RowRef::Brand(b) => Some(Target::Brand(self.report.brands[b].brand.clone())),
            RowRef::Sender(s) => Some(Target::Sender(self.report.senders[s].key.clone())),
            RowRef::Group(_) => None,
        }
    }

    pub fn selected_row(&self) -> Option<RowRef> {
        self.rows.get(self.selected).copied()
    }

    /// Lends the report to a reload that moves its unchanged rows into the
    /// next one instead of copying them (`findings::Kept`): the selection
    /// is remembered by key first and, if the rows were taken, the list is
    /// empty (no row points into a report that is gone) until the next
    /// report is `Action::Loaded`.
    pub fn lend_report<R>(&mut self, reload: impl FnOnce(&mut Report) -> R) -> R {
        let keep = self.selected_target();
        let before = self.report.senders.len();
        let out = reload(&mut self.report);
        if self.report.senders.len() != before {
            self.reselect = Some(Lent { selected: keep });
            self.rows.clear();
            self.brand_index.clear();
        }
        out
    }

    pub fn selected_target(&self) -> Option<Target> {
        self.selected_row().and_then(|r| self.target_of(r))
    }

    pub fn sender(&self, key: &str) -> Option<&SenderReport> {
        self.report.senders.iter().find(|s| s.key == key)
    }

    pub fn brand(&self, name: &str) -> Option<&BrandReport> {
        self.brand_index.get(name).map(|&i| &self.report.brands[i])
    }

    /// Marketing after the opt-out, by brand (a sender without a brand
    /// stands alone), largest first; ignored senders are left out.
    pub fn offenders(&self) -> Vec<Offender> {
        let mut by: HashMap<Target, u64> = HashMap::new();
        for s in self.report.senders.iter().filter(|s| !s.ignored) {
            let n = s.after_optout();
            if n > 0 {
                let t = s
                    .brand
                    .clone()
                    .map_or_else(|| Target::Sender(s.key.clone()), Target::Brand);
                *by.entry(t).or_default() += n;
            }
        }
        let mut v: Vec<Offender> = by
            .into_iter()
            .map(|(target, after)| Offender { target, after })
            .collect();
        v.sort_by(|a, b| b.after.cmp(&a.after).then_with(|| a.name().cmp(b.name())));
        v
    }

    pub(super) fn members(&self, brand: &str) -> impl Iterator<Item = &SenderReport> {
        self.report
            .senders
            .iter()
            .filter(move |s| s.brand.as_deref() == Some(brand))
    }
}

/// One bar of the overview's top offenders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offender {
    pub target: Target,
    pub after: u64,
}

impl Offender {
    pub fn name(&self) -> &str {
        match &self.target {
            Target::Brand(n) | Target::Sender(n) => n,
        }
    }
}
