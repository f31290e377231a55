//! The terminal interface: `optout` with no command, and `optout demo`.
//!
//! [`app`] is the state machine (key → [`app::Action`] → state, returning
//! [`app::Effect`]s); [`views`] draws it; [`keys`] maps terminal events;
//! [`strings`] holds every word in English and Chinese; [`theme`] the
//! colours. This module owns the loop: it is generic over the ratatui
//! [`Backend`] (tests draw to `TestBackend`), performs the effects against
//! the [`Store`], and recomputes the [`Report`] after every data change.
//!
//! The report is read from the findings cache once per data change, never
//! per frame: at start a fresh cache fills the first frame (milliseconds at
//! a million messages); a cache to rebuild gets a "loading…" frame first,
//! and after `i`, `m` or an import only the touched senders are recomputed.
//! Timelines are read a
//! window at a time with indexed queries, so no view ever holds all
//! messages.

pub mod app;
pub mod files;
mod importing;
pub mod keys;
mod records;
mod sending;
mod start;
pub mod strings;
mod terminal;
pub mod theme;
pub mod views;

use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;

use crossterm::event::Event;
use jiff::tz::TimeZone;
use ratatui::Terminal;
use ratatui::backend::Backend;

use crate::classify::{Classifier, Region};
use crate::config::Settings;
use crate::findings;
use crate::ingest;
use crate::model::now_ms;
use crate::store::Store;
use crate::text;
use crate::track::Policy;
use app::{Action, App, Effect, Outcome, Overview};
use files::{ExportChoice, complete_path, expand_home};
use strings::Lang;
use theme::Theme;
use views::Ui;

pub use sending::ClockMaker;
pub use terminal::{EventSource, Next, TerminalEvents, restore_terminal, run_in_terminal};

/// An error that ends the interface (the terminal, not the data: database
/// errors are shown in the status line).
#[derive(Debug)]
pub struct TuiError(pub String);

impl std::fmt::Display for TuiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TuiError {}

impl From<io::Error> for TuiError {
    fn from(e: io::Error) -> Self {
        TuiError(format!("terminal: {e}"))
    }
}

fn term_err(e: impl std::fmt::Display) -> TuiError {
    TuiError(format!("terminal: {e}"))
}

/// What the interface needs besides the store.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: Lang,
    pub zone: TimeZone,
    pub policy: Policy,
    pub region: Region,
    /// Where `I` creates the database when there is none (`None`: in memory).
    pub db_path: Option<PathBuf>,
    pub colour: bool,
    /// A fixed clock (tests, benchmarks); `None` reads the system clock.
    pub now_ms: Option<i64>,
    /// `optout demo`: the database is a temporary sample.
    pub demo: bool,
    /// Where the export prompt starts (`None`: the current folder).
    pub export_dir: Option<PathBuf>,
    /// The line (phone) to show (`--line`); `None`: the only one, or the
    /// first of several. The interface shows one line at a time, so that
    /// one person's timeline never mixes with another's.
    pub line: Option<String>,
    /// The classification rules (the built-in ones plus the user's file,
    /// with `region`), the same as the command line's: a label the
    /// interface computes is one `optout senders` agrees with.
    pub rules: Classifier,
    /// Why the user's rule file was left out, shown at start.
    pub rules_warning: Option<String>,
}

impl Options {
    /// From the command line's settings and the process environment.
    pub fn from_settings(settings: &Settings, db_path: Option<PathBuf>) -> Options {
        let (rules, rules_warning) = Classifier::load_default();
        Options {
            lang: Lang::detect(settings.lang.as_deref(), |k| std::env::var(k).ok()),
            zone: settings.zone.clone(),
            policy: settings.policy.clone(),
            region: settings.region.clone(),
            db_path,
            colour: settings.colour.unwrap_or(true),
            now_ms: None,
            demo: false,
            export_dir: None,
            line: settings.line.clone(),
            rules: rules.with_region(settings.region.clone()),
            rules_warning,
        }
    }
}

/// The interface with its data: the app state, the last frame, the store.
pub struct Session {
    pub app: App,
    pub ui: Ui,
    store: Option<Store>,
    options: Options,
    /// The line shown, once the database has more than one.
    line: Option<(i64, String)>,
    /// The sends running on their thread (`S`, `s`).
    sending: Option<sending::Worker>,
    send_clock: Option<ClockMaker>,
    send_programs: Option<std::ffi::OsString>,
    /// What the last report was read at, so a reload keeps what did not change.
    kept: findings::Kept,
    /// This session changed a record since the last reload (`tui/start.rs`).
    edited: bool,
}

impl Session {
    /// A session on `store`, or on the welcome screen when there is none.
    pub fn new(store: Option<Store>, options: Options) -> Session {
        let label = options.db_path.as_ref().map(|p| p.display().to_string());
        let now = options.now_ms.unwrap_or_else(now_ms);
        let mut app = App::new(
            options.lang.strings(),
            Theme {
                colour: options.colour,
            },
            options.zone.clone(),
            now,
            store.is_some(),
            label,
        );
        app.demo = options.demo;
        if let Some(w) = &options.rules_warning {
            let w = format!("{}; using the built-in rules", text::sanitize(w));
            app.update(Action::Outcome(Outcome::Failed(w)));
        }
        app.export_dir = options
            .export_dir
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        Session {
            app,
            ui: Ui::default(),
            store,
            options,
            line: None,
            sending: None,
            send_clock: None,
            send_programs: None,
            kept: findings::Kept::leaving_lists(),
            edited: false,
        }
    }

    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    fn now(&self) -> i64 {
        self.options.now_ms.unwrap_or_else(now_ms)
    }

    fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> Result<(), TuiError> {
        let (app, ui) = (&self.app, &mut self.ui);
        terminal
            .draw(|f| views::draw(f, app, ui))
            .map_err(term_err)?;
        Ok(())
    }

    /// Draws, then handles events until quit or the source ends. The first
    /// frame is drawn before the report is computed.
    pub fn run<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        events: &mut dyn EventSource,
    ) -> Result<(), TuiError> {
        if !self.first_frame_from_cache(terminal)? {
            self.draw(terminal)?;
        }
        if self.app.loading {
            self.perform_all(vec![Effect::Reload], terminal)?;
            self.draw(terminal)?;
        }
        while !self.app.quit {
            // A send run's news is shown within a tenth of a second.
            let next = if self.sending.is_some() {
                events.next_within(std::time::Duration::from_millis(100))?
            } else {
                events.next_or_idle()?
            };
            match next {
                terminal::Next::Event(event) => self.handle(&event, terminal)?,
                terminal::Next::Idle => self.tick(terminal)?,
                terminal::Next::End => break,
            }
            self.pump_sends(terminal, false)?;
            self.draw(terminal)?;
        }
        if self.app.quit && self.sending.is_some() {
            // Quit mid-run: the send in progress finishes and is recorded.
            self.stop_sending();
            self.pump_sends(terminal, true)?;
        }
        Ok(())
    }

    /// The idle tick: reloads when another optout process has written to
    /// the database since the report was read (`PRAGMA data_version`).
    pub fn tick<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> Result<(), TuiError> {
        let Some(version) = self.store.as_ref().and_then(|s| s.data_version().ok()) else {
            return Ok(());
        };
        let effects = self.app.update(Action::DataVersion(version));
        self.perform_all(effects, terminal)
    }

    /// One terminal event through the key map, the app and the effects.
    pub fn handle<B: Backend>(
        &mut self,
        event: &Event,
        terminal: &mut Terminal<B>,
    ) -> Result<(), TuiError> {
        let now = self.now();
        self.app.update(Action::Now(now));
        if let Some(action) = keys::action(&self.app, &self.ui, event) {
            let effects = self.app.update(action);
            self.perform_all(effects, terminal)?;
        }
        Ok(())
    }

    /// Performs effects, feeding their results to the app, until none is
    /// left; after a data change the report is recomputed.
    pub fn perform_all<B: Backend>(
        &mut self,
        effects: Vec<Effect>,
        terminal: &mut Terminal<B>,
    ) -> Result<(), TuiError> {
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            let changes = effect.changes_data();
            // A frame that says "working…" before anything that may be slow.
            let slow = effect
                .slow()
                .filter(|_| effect != Effect::Reload || !self.cache_is_fresh());
            if slow.is_some() {
                self.app.update(Action::Working(slow));
                self.draw(terminal)?;
            }
            // Another optout writing: wait for it, saying so (issue 16).
            if changes
                && !matches!(effect, Effect::Import { .. })
                && !self.wait_for_write_lock(terminal)?
            {
                return Ok(());
            }
            self.edited |= changes && !matches!(effect, Effect::Import { .. });
            let results = self.perform(effect, terminal);
            if slow.is_some() {
                self.app.update(Action::Working(None));
            }
            let results = results?;
            for a in results {
                queue.extend(self.app.update(a));
            }
            if changes && !queue.contains(&Effect::Reload) {
                queue.push_back(Effect::Reload);
            }
        }
        Ok(())
    }

    /// Reads the lines and the report (from the findings cache), after
    /// checking the labels against the rules when `classify`.
    fn reload(&mut self, classify: bool) -> Vec<Action> {
        let failed =
            |e: &dyn std::fmt::Display| vec![Action::Outcome(Outcome::Failed(e.to_string()))];
        let Some(store) = self.store.as_mut() else {
            return Vec::new();
        };
        if classify && let Err(e) = ingest::ensure_classified(store, &self.options.rules) {
            return failed(&e);
        }
        // Read before the report, so a commit during it is noticed.
        let synced = store.data_version().ok().map(Action::Synced);
        let lines = match store.lines() {
            Ok(l) => l,
            Err(e) => return failed(&e),
        };
        let chosen = match &self.options.line {
            Some(name) => match lines.iter().find(|l| &l.name == name) {
                Some(l) => Some(l),
                None => {
                    return failed(&format!(
                        "no line called '{}' in this database",
                        text::sanitize(name)
                    ));
                }
            },
            None if lines.len() > 1 => lines.first(),
            None => None,
        };
        self.line = chosen.map(|l| (l.id, l.name.clone()));
        if let Some((_, name)) = &self.line {
            let base = self
                .options
                .db_path
                .as_ref()
                .map_or_else(String::new, |p| format!("{} · ", p.display()));
            self.app.db_path = Some(format!(
                "{base}line {name} of {} (optout --line NAME)",
                lines.len()
            ));
        }
        let line = self.line.as_ref().map(|(id, _)| *id);
        let (kept, policy) = (&mut self.kept, &self.options.policy);
        match self
            .app
            .lend_report(|r| kept.report(store, policy, r, line))
        {
            Ok(report) => {
                // Sends a crashed run left pending are not sent again from here.
                let line_id = line.or_else(|| report.senders.first().map(|s| s.line_id));
                let pending = line_id
                    .and_then(|id| crate::send::pending(store, id).ok())
                    .unwrap_or_default();
                synced
                    .into_iter()
                    .chain([
                        Action::SendsPending(pending),
                        Action::Loaded(Box::new(report)),
                    ])
                    .collect()
            }
            Err(e) => failed(&e),
        }
    }

    /// The offenders screen's ranking of every line, from the findings cache.
    fn rank(&mut self) -> Vec<Action> {
        let failed =
            |e: &dyn std::fmt::Display| vec![Action::Outcome(Outcome::Failed(e.to_string()))];
        let Some(store) = self.store.as_ref() else {
            return Vec::new();
        };
        let lines = match store.lines() {
            Ok(l) => l.into_iter().map(|l| (l.id, l.name)).collect(),
            Err(e) => return failed(&e),
        };
        let policy = &self.options.policy;
        // Every line, streamed from the cache (the report holds one line,
        // or no lists of violations).
        let offenders = match findings::offenders(store, policy, None, 1, true) {
            Ok(ranked) => ranked,
            Err(e) => return failed(&e),
        };
        vec![Action::Ranked { offenders, lines }]
    }

    /// Does one effect; database problems become a status line, never an exit.
    fn perform<B: Backend>(
        &mut self,
        effect: Effect,
        terminal: &mut Terminal<B>,
    ) -> Result<Vec<Action>, TuiError> {
        let failed =
            |e: &dyn std::fmt::Display| vec![Action::Outcome(Outcome::Failed(e.to_string()))];
        if let Effect::Import { path, csv_map } = effect {
            return self.import(&path, csv_map, terminal);
        }
        if let Effect::CompletePath { path } = effect {
            let candidates = complete_path(&path);
            return Ok(vec![Action::Completed { path, candidates }]);
        }
        if effect == Effect::Reload {
            return self.reload_filled_off_thread(terminal);
        }
        if let Effect::StartSend { jobs, line_id } = effect {
            return Ok(self.start_sending(jobs, line_id));
        }
        if effect == Effect::StopSend {
            self.stop_sending();
            return Ok(Vec::new());
        }
        if effect == Effect::Rank {
            return Ok(self.rank());
        }
        let Some(store) = self.store.as_mut() else {
            return Ok(Vec::new());
        };
        Ok(match effect {
            Effect::Reload | Effect::Rank => unreachable!("handled above"),
            Effect::LoadTimeline {
                sender_ids,
                start,
                limit,
            } => {
                let line = self.line.as_ref().map(|(id, _)| *id);
                let page = store
                    .count_messages_of(line, &sender_ids)
                    .and_then(|total| {
                        let start = start
                            .unwrap_or_else(|| total.saturating_sub(limit))
                            .min(total.saturating_sub(1));
                        store
                            .messages_of(line, &sender_ids, start, limit)
                            .map(|m| (total, start, m))
                    });
                match page {
                    Ok((total, start, messages)) => vec![Action::TimelineLoaded {
                        sender_ids,
                        total,
                        start,
                        messages,
                    }],
                    Err(e) => failed(&e),
                }
            }
            Effect::LoadLists { pairs } => match app::MarkedLists::read(store, &pairs) {
                Ok(lists) => vec![Action::ListsLoaded { pairs, lists }],
                Err(e) => failed(&e),
            },
            Effect::Search { query } => {
                let line = self.line.as_ref().map(|(id, _)| *id);
                match store.senders_matching(&query, line, app::SEARCH_LIMIT) {
                    Ok((ids, mode)) => vec![Action::SearchDone {
                        query,
                        sender_ids: ids,
                        mode,
                    }],
                    Err(e) => failed(&e),
                }
            }
            Effect::LoadTimelineAt {
                sender_ids,
                query,
                limit,
            } => {
                let line = self.line.as_ref().map(|(id, _)| *id);
                match app::timeline_at(store, line, &sender_ids, &query, limit) {
                    Ok((total, start, messages, found)) => vec![Action::TimelineFound {
                        sender_ids,
                        total,
                        start,
                        messages,
                        found,
                    }],
                    Err(e) => failed(&e),
                }
            }
            Effect::LoadOverview => {
                let offset = text::zoned(self.app.now_ms, None, &self.options.zone)
                    .offset()
                    .seconds();
                match store.marketing_per_month(offset) {
                    Ok(months) => vec![Action::OverviewLoaded(Overview { months })],
                    Err(e) => failed(&e),
                }
            }
            Effect::SetIgnored {
                brand,
                name,
                ignored,
            } => match store.set_ignored(brand, &name, ignored) {
                Ok(changed) => vec![Action::Outcome(Outcome::Ignored {
                    brand,
                    name,
                    ignored,
                    changed,
                })],
                Err(e) => failed(&e),
            },
            Effect::RecordManualOptOut {
                brand,
                name,
                at_ms,
                utc_offset_s,
                channel,
            } => match store.add_manual_optout(brand, &name, at_ms, utc_offset_s, &channel, None) {
                Ok(id) => vec![Action::Outcome(Outcome::ManualRecorded {
                    brand,
                    name,
                    at: text::short(at_ms, utc_offset_s, &self.options.zone),
                    channel,
                    id,
                })],
                Err(e) => failed(&e),
            },
            Effect::RemoveManualOptOut { brand, name, id } => {
                match store.remove_manual_optout(id) {
                    Ok(removed) => vec![Action::Outcome(Outcome::ManualRemoved {
                        brand,
                        name,
                        removed,
                    })],
                    Err(e) => failed(&e),
                }
            }
            Effect::WriteExport {
                ref sender_keys,
                ref path,
                redact,
                zh,
                overwrite,
            } => {
                let file = expand_home(path);
                if file.exists() && !overwrite {
                    // Asked in the interface, never a flag to pass.
                    let mut retry = effect.clone();
                    if let Effect::WriteExport { overwrite, .. } = &mut retry {
                        *overwrite = true;
                    }
                    return Ok(vec![Action::Outcome(Outcome::ExportExists {
                        path: file.display().to_string(),
                        retry,
                    })]);
                }
                let choice = ExportChoice {
                    redact,
                    lang: if zh { Lang::Zh } else { Lang::En },
                    overwrite,
                };
                let line = self.line.as_ref().map(|(id, _)| *id);
                match self.export_off_thread(line, sender_keys.clone(), &file, choice, terminal)? {
                    Some(Ok(written)) => vec![Action::Outcome(Outcome::Exported(
                        written.display().to_string(),
                    ))],
                    Some(Err(e)) => vec![Action::Outcome(Outcome::ExportFailed(e))],
                    None => Vec::new(),
                }
            }
            e @ (Effect::LoadManual
            | Effect::DeleteManualOptOut { .. }
            | Effect::RestoreManualOptOut { .. }) => records::perform(store, e),
            Effect::Copy { text } => vec![files::write_clipboard(&text)],
            Effect::Import { .. }
            | Effect::CompletePath { .. }
            | Effect::StartSend { .. }
            | Effect::StopSend => Vec::new(),
        })
    }
}

/// `optout` with no command: the interface on the configured database, or
/// the welcome screen when there is none yet.
pub fn open_database(settings: &Settings) -> Result<(), TuiError> {
    let store = Store::open_existing(&settings.db).map_err(|e| TuiError(e.to_string()))?;
    let mut session = Session::new(
        store,
        Options::from_settings(settings, Some(settings.db.clone())),
    );
    let result = run_in_terminal(&mut session);
    session.finish_sending();
    result
}

/// `optout demo`: the interface on an in-memory store.
pub fn open_store(store: Store, settings: &Settings) -> Result<(), TuiError> {
    let options = Options {
        demo: true,
        ..Options::from_settings(settings, None)
    };
    let mut session = Session::new(Some(store), options);
    run_in_terminal(&mut session)
}
