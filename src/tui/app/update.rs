//! [`App::update`]: the dispatch of every action, and the results of effects
//! coming back (a reloaded report, an outcome for the status line and the
//! message log, the change `U` can reverse).

use super::{
    Action, App, Change, Confirm, Counts, Effect, ImportProgress, LogEntry, Outcome, Overlay,
    Prompt, Screen, StatusLine, TIMELINE_WINDOW,
};
use crate::text;
use crate::track::Report;

impl App {
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
            Action::Working(w) => {
                self.working = w;
                Vec::new()
            }
            Action::Loaded(report) => {
                let mut effects = self.loaded(*report);
                effects.extend(self.rank_after_load());
                effects
            }
            Action::Refresh => self.refresh(),
            Action::DataVersion(v) => self.data_version_seen(v),
            Action::Synced(v) => self.synced(v),
            Action::ListsLoaded { pairs, lists } => {
                self.lists_loaded(&pairs, lists);
                Vec::new()
            }
            Action::TimelineLoaded {
                sender_ids,
                total,
                start,
                messages,
            } => {
                self.timeline_loaded(&sender_ids, total, start, messages);
                Vec::new()
            }
            Action::SearchDone {
                query,
                sender_ids,
                mode,
            } => {
                self.search_done(&query, sender_ids, mode);
                Vec::new()
            }
            Action::TimelineFound {
                sender_ids,
                total,
                start,
                messages,
                found,
            } => {
                self.timeline_found(&sender_ids, total, start, messages, found);
                Vec::new()
            }
            Action::OverviewLoaded(o) => {
                self.overview = Some(o);
                Vec::new()
            }
            Action::ManualLoaded { records, lines } => {
                self.manual_loaded(records, lines);
                Vec::new()
            }
            Action::Ranked { offenders, lines } => {
                self.ranked(offenders, lines);
                Vec::new()
            }
            Action::Completed { path, candidates } => {
                if let Overlay::Prompt(Prompt::Import {
                    path: typed,
                    choices,
                    error,
                }) = &mut self.overlay
                    && super::prompts::unquote(typed) == path
                {
                    let (done, shown) = super::prompts::complete(&path, &candidates);
                    *typed = done;
                    *choices = shown;
                    *error = candidates
                        .is_empty()
                        .then(|| self.strings.import_no_match.to_string());
                }
                Vec::new()
            }
            Action::ColumnsNeeded {
                path,
                header,
                sample,
            } => {
                self.ask_columns(path, header, sample);
                Vec::new()
            }
            Action::ImportStarted { file, total } => {
                self.import = Some(ImportProgress {
                    file,
                    done: 0,
                    total,
                    phase: None,
                });
                Vec::new()
            }
            Action::ImportMerging { phase, done, total } => {
                if let Some(p) = self.import.as_mut() {
                    p.phase = Some(phase);
                    p.done = done;
                    p.total = total;
                }
                Vec::new()
            }
            Action::ImportProgress(done) => {
                if let Some(p) = self.import.as_mut() {
                    p.done = done;
                }
                Vec::new()
            }
            Action::Outcome(o) => self.outcome(o),
            Action::Send(event) => self.send_event(event),
            Action::SendsPending(pending) => {
                self.sends_pending = pending;
                Vec::new()
            }
            other => {
                if self.loading || self.import.is_some() {
                    return Vec::new();
                }
                match self.overlay.clone() {
                    Overlay::Prompt(p) => self.prompt(p, &other),
                    Overlay::Confirm(c) => self.confirm(c, &other),
                    Overlay::Manual(list) => self.manual_list_key(list, &other),
                    Overlay::Sending => self.sending_key(&other),
                    Overlay::Help | Overlay::Log | Overlay::Reason => {
                        match other {
                            Action::Up | Action::ScrollUp => {
                                self.scroll = self.scroll.saturating_sub(1);
                            }
                            Action::Down | Action::ScrollDown => {
                                self.scroll = self.scroll.saturating_add(1);
                            }
                            Action::PageUp(n) => self.scroll = self.scroll.saturating_sub(n),
                            Action::PageDown(n) => self.scroll = self.scroll.saturating_add(n),
                            Action::Top => self.scroll = 0,
                            Action::Back
                            | Action::Help
                            | Action::Log
                            | Action::Reason
                            | Action::Submit => {
                                self.overlay = Overlay::None;
                            }
                            _ => {}
                        }
                        Vec::new()
                    }
                    Overlay::Unsubscribe(_) => match other {
                        // The keys the window names work from it.
                        Action::Export | Action::ManualOptOut => {
                            self.overlay = Overlay::None;
                            self.navigate(&other)
                        }
                        Action::Copy => self.copy_advice(),
                        Action::SendNow => self.offer_send(),
                        Action::Back | Action::Help | Action::Submit | Action::Unsubscribe => {
                            self.overlay = Overlay::None;
                            Vec::new()
                        }
                        _ => Vec::new(),
                    },
                    Overlay::None => self.navigate(&other),
                }
            }
        }
    }

    /// The status line, also kept in the message log.
    pub(super) fn say(&mut self, text: String) {
        self.tell(text, false);
    }

    pub(super) fn complain(&mut self, text: String) {
        self.tell(text, true);
    }

    fn tell(&mut self, text: String, error: bool) {
        self.log.push(LogEntry {
            at: text::short(self.now_ms, None, &self.zone),
            text: text.clone(),
            error,
        });
        self.status = Some(StatusLine { text, error });
    }

    pub(super) fn timeline_loaded(
        &mut self,
        sender_ids: &[i64],
        total: u64,
        start: u64,
        messages: Vec<crate::store::StoredMessage>,
    ) {
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
    }

    fn loaded(&mut self, report: Report) -> Vec<Effect> {
        let first = self.loading;
        self.loading = false;
        if self.screen == Screen::Welcome {
            self.screen = Screen::Senders;
        }
        // The rows point into the old report: the selection by key, first.
        let keep = self
            .reselect
            .take()
            .map_or_else(|| self.selected_target(), |l| l.selected);
        self.report = report;
        self.counts = Counts::of(&self.report);
        self.brand_index = self
            .report
            .brands
            .iter()
            .enumerate()
            .map(|(i, b)| (b.brand.clone(), i))
            .collect();
        self.rebuild_rows_keeping(keep);
        if first && self.status.is_none() {
            self.say(self.strings.first_run.to_string());
        }
        self.overview = None;
        let mut effects = Vec::new();
        if self.screen == Screen::Overview {
            effects.push(Effect::LoadOverview);
        }
        if let Some(old) = self.timeline.take() {
            let mut tl = self.timeline_for(&old.target);
            tl.cursor = old.cursor;
            tl.start = old.start;
            tl.found = old.found;
            effects.push(Effect::LoadTimeline {
                sender_ids: tl.sender_ids.clone(),
                start: Some(old.start),
                limit: TIMELINE_WINDOW,
            });
            effects.extend(Self::lists_effect(&tl));
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

    /// `y` or `n` to a question.
    fn confirm(&mut self, c: Confirm, action: &Action) -> Vec<Effect> {
        let yes = match action {
            Action::Yes => true,
            Action::No | Action::Back | Action::Cancel => false,
            _ => return Vec::new(),
        };
        self.overlay = Overlay::None;
        if !yes {
            self.say(self.strings.nothing_changed.to_string());
            return Vec::new();
        }
        match c {
            Confirm::Ignore {
                brand,
                name,
                ignored,
            } => vec![Effect::SetIgnored {
                brand,
                name,
                ignored,
            }],
            Confirm::Overwrite(effect) => vec![effect],
            Confirm::Send { job, line_id, .. } => self.start_sending(vec![job], line_id),
            Confirm::SendAll { jobs, line_id, .. } => self.start_sending(jobs, line_id),
        }
    }

    /// `U`: the effect that reverses the last change.
    pub(super) fn undo_last(&mut self) -> Vec<Effect> {
        let Some(change) = self.undo.clone() else {
            self.complain(self.strings.nothing_to_undo.to_string());
            return Vec::new();
        };
        self.undoing = true;
        match change {
            Change::Ignored {
                brand,
                name,
                ignored,
            } => vec![Effect::SetIgnored {
                brand,
                name,
                ignored: !ignored,
            }],
            Change::Manual { brand, name, id } => {
                vec![Effect::RemoveManualOptOut { brand, name, id }]
            }
            Change::ManualDeleted(record) => vec![Effect::RestoreManualOptOut { record }],
        }
    }

    fn outcome(&mut self, o: Outcome) -> Vec<Effect> {
        let s = self.strings;
        let undone = std::mem::take(&mut self.undoing);
        self.columns_outcome(&o);
        match o {
            Outcome::Ignored {
                brand,
                name,
                ignored,
                changed,
            } => {
                let shown = text::sanitize(&name);
                let mut line = (s.ignored_status)(brand, &shown, ignored, changed);
                if undone {
                    self.undo = None;
                    line = (s.undone)(&line);
                } else if changed {
                    self.undo = Some(Change::Ignored {
                        brand,
                        name,
                        ignored,
                    });
                    line = format!("{line} {}", s.undo_hint);
                }
                self.say(line);
            }
            Outcome::ManualRecorded {
                brand,
                name,
                at,
                channel,
                id,
            } => {
                let line = (s.manual_recorded)(
                    brand,
                    &text::sanitize(&name),
                    &at,
                    &text::sanitize(&channel),
                );
                self.say(format!("{line} {}", s.undo_hint));
                self.undo = Some(Change::Manual { brand, name, id });
            }
            Outcome::ManualRemoved {
                brand,
                name,
                removed,
            } => {
                self.undo = None;
                let line = (s.manual_removed)(brand, &text::sanitize(&name), removed);
                self.say((s.undone)(&line));
            }
            o @ (Outcome::ManualDeleted { .. } | Outcome::ManualRestored { .. }) => {
                return self.manual_list_outcome(o, undone);
            }
            Outcome::Exported(path) => self.say((s.export_wrote)(&text::sanitize(&path))),
            Outcome::ExportExists { path, retry } => {
                self.overlay = Overlay::Confirm(Confirm::Overwrite(retry));
                self.say((s.export_exists)(&text::sanitize(&path)));
            }
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
            Outcome::Failed(e) => self.complain(text::sanitize_multiline(&e)),
            Outcome::Done(line) => self.say(line),
        }
        Vec::new()
    }
}
