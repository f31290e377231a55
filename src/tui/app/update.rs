//! [`App::update`]: the dispatch of every action, and the results of effects
//! coming back (a reloaded report, an outcome for the status line).

use std::collections::HashSet;

use super::{
    Action, App, Counts, Effect, ImportProgress, Outcome, Overlay, Screen, StatusLine,
    TIMELINE_WINDOW,
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

    pub(super) fn say(&mut self, text: String) {
        self.status = Some(StatusLine { text, error: false });
    }

    pub(super) fn complain(&mut self, text: String) {
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
}
