//! An import run from the interface: the file read in the loop with its
//! progress redrawn as it goes, and the database created first when there
//! is none.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;

use super::app::StatusLine;
use super::app::{Action, App, Outcome};
use super::files::{csv_columns, expand_home};
use super::views::{self, Ui};
use super::{Session, TuiError, term_err, terminal};
use crate::import::{self, ImportOptions};
use crate::ingest::{self, ImportFailure};
use crate::store::Store;

impl Session {
    /// Imports a file in the loop, redrawing the progress as it goes; the
    /// database is created first when there is none.
    pub(super) fn import<B: Backend>(
        &mut self,
        path: &str,
        csv_map: Option<String>,
        terminal: &mut Terminal<B>,
    ) -> Result<Vec<Action>, TuiError> {
        let file = expand_home(path);
        let fail = |e: String| Ok(vec![Action::Outcome(Outcome::ImportFailed(e))]);
        let options = ImportOptions {
            format: None,
            csv_map,
            zone: self.options.zone.clone(),
            sim: None,
            sim_counts: None,
        };
        let format = match import::detect_with(&file, &options) {
            Ok(f) => f,
            Err(e) => {
                // A CSV with names optout does not know: ask which is which.
                if options.csv_map.is_none()
                    && let Some((header, sample)) = csv_columns(&file)
                {
                    return Ok(vec![Action::ColumnsNeeded {
                        path: path.to_string(),
                        header,
                        sample,
                    }]);
                }
                return fail(e.to_string());
            }
        };
        if self.store.is_none() {
            let opened = match &self.options.db_path {
                Some(p) => Store::open(p),
                None => Store::open_in_memory(),
            };
            match opened {
                Ok(s) => self.store = Some(s),
                Err(e) => return fail(e.to_string()),
            }
        }
        let total = std::fs::metadata(&file).map_or(0, |m| m.len());
        self.app.update(Action::ImportStarted {
            file: file.display().to_string(),
            total,
        });
        self.draw(terminal)?;
        let options = ImportOptions {
            format: Some(format),
            ..options
        };
        // An evidence bundle is classified inside its transaction: it
        // waits for the lock before it starts.
        if format == import::Format::EvidenceBundle && !self.wait_for_write_lock(terminal)? {
            return Ok(Vec::new());
        }
        let Some(store) = self.store.as_mut() else {
            return Ok(Vec::new());
        };
        if let Err(e) = ingest::ensure_classified(store, &self.options.rules) {
            return fail(e.to_string());
        }
        // Into the line on screen (or the one asked for, or `me`).
        let line = self
            .line
            .as_ref()
            .map(|(_, n)| n.clone())
            .or_else(|| self.options.line.clone())
            .unwrap_or_else(|| crate::model::DEFAULT_LINE.to_string());
        let classifier = &self.options.rules;
        let (read, error) = {
            let progress = Redraw::new(terminal, &mut self.app, &mut self.ui);
            let read = if format == import::Format::EvidenceBundle {
                ingest::import_file_to_line(
                    store,
                    &line,
                    &file,
                    format,
                    &options,
                    classifier,
                    &self.options.region,
                    &progress,
                )
                .map(Read::Imported)
            } else {
                // Read and staged first, without the write lock.
                ingest::stage_file(
                    store,
                    &file,
                    format,
                    &options,
                    classifier,
                    &self.options.region,
                    &progress,
                )
                .map(Read::Staged)
            };
            (read, progress.inner.into_inner().error)
        };
        if let Some(e) = error {
            return Err(e);
        }
        let result = match read {
            Ok(Read::Imported(r)) => Ok(r),
            Ok(Read::Staged(staged)) => {
                // The lock for the merge: while another optout holds it the
                // screen says so, and q still quits (nothing written).
                if !self.wait_for_write_lock(terminal)? {
                    return Ok(Vec::new());
                }
                let Some(store) = self.store.as_mut() else {
                    return Ok(Vec::new());
                };
                // The merge's progress drawn as it goes.
                let progress = Redraw::new(terminal, &mut self.app, &mut self.ui);
                let merged = ingest::merge(store, &line, staged, &self.options.rules, &progress);
                if let Some(e) = progress.inner.into_inner().error {
                    return Err(e);
                }
                merged
            }
            Err(e) => Err(e),
        };
        Ok(vec![Action::Outcome(match result {
            Ok(r) => Outcome::Imported {
                file: file.display().to_string(),
                new: r.new,
                duplicates: r.duplicates,
            },
            Err(ImportFailure::File(e)) => Outcome::ImportFailed(e.to_string()),
            Err(ImportFailure::Store(e)) => Outcome::ImportFailed(e.to_string()),
            Err(ImportFailure::Cancelled) => {
                // `q` during the import: nothing was written; the session ends.
                self.app.quit = true;
                return Ok(Vec::new());
            }
        })])
    }
}

/// What the reading part of an import gave: a bundle is imported at once,
/// any other file staged for its merge.
enum Read {
    Imported(ingest::ImportReport),
    Staged(ingest::Staged),
}

impl Session {
    /// Before a write: while another optout process holds the database's
    /// write lock (an import merging), the status line says so and the
    /// loop waits here, reading keys: `q` or Ctrl-C quits (the write not
    /// made), a stop signal too; a resized terminal is drawn again. `false`
    /// when the interface is to quit.
    pub(super) fn wait_for_write_lock<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
    ) -> Result<bool, TuiError> {
        let mut saved = None;
        while let Some(store) = self.store.as_ref() {
            // An error here is the write's to report.
            if store.write_lock_free().unwrap_or(true) {
                break;
            }
            if saved.is_none() {
                saved = Some((self.app.working.take(), self.app.status.take()));
                self.app.status = Some(StatusLine {
                    text: self.app.strings.waiting_for_lock.to_string(),
                    error: false,
                });
                self.draw(terminal)?;
            }
            match terminal::key_within(Duration::from_millis(100)).map_err(term_err)? {
                terminal::Waited::Quit => {
                    self.app.quit = true;
                    return Ok(false);
                }
                terminal::Waited::Resized => self.draw(terminal)?,
                terminal::Waited::Nothing => {}
            }
        }
        if let Some((working, status)) = saved {
            self.app.working = working;
            self.app.status = status;
            self.draw(terminal)?;
        }
        Ok(true)
    }
}

struct RedrawState<'a, B: Backend> {
    terminal: &'a mut Terminal<B>,
    app: &'a mut App,
    ui: &'a mut Ui,
    last: Instant,
    error: Option<TuiError>,
    /// `q` or Ctrl-C seen while importing: the import stops.
    quit: bool,
}

/// Import progress that redraws the screen at most every 50 ms.
struct Redraw<'a, B: Backend> {
    inner: RefCell<RedrawState<'a, B>>,
}

impl<'a, B: Backend> Redraw<'a, B> {
    fn new(terminal: &'a mut Terminal<B>, app: &'a mut App, ui: &'a mut Ui) -> Self {
        Redraw {
            inner: RefCell::new(RedrawState {
                terminal,
                app,
                ui,
                last: Instant::now(),
                error: None,
                quit: false,
            }),
        }
    }

    /// Updates the app, and redraws unless the last redraw was under 50 ms
    /// ago (`always`: a new phase, or its end, is drawn at once).
    fn show(&self, action: Action, always: bool) {
        let mut st = self.inner.borrow_mut();
        let st = &mut *st;
        st.app.update(action);
        if !always && st.last.elapsed() < Duration::from_millis(50) {
            return;
        }
        st.last = Instant::now();
        let (app, ui) = (&*st.app, &mut *st.ui);
        if let Err(e) = st.terminal.draw(|f| views::draw(f, app, ui)) {
            st.error.get_or_insert(term_err(e));
        }
    }
}

impl<B: Backend> import::Progress for Redraw<'_, B> {
    fn set_position(&self, bytes: u64) {
        self.show(Action::ImportProgress(bytes), false);
    }

    fn merging(&self, phase: import::MergePhase, done: u64, total: u64) {
        let always = done == 0 || done == total;
        self.show(Action::ImportMerging { phase, done, total }, always);
    }

    /// The step (an index built in one statement) runs while another
    /// thread watches the terminal, so `q` still stops the import.
    fn unreported(&self, step: &mut dyn FnMut(), stop: &(dyn Fn() + Sync)) {
        if self.cancelled() {
            return;
        }
        let quit = terminal::run_watching(step, stop, terminal::quit_pressed);
        let mut st = self.inner.borrow_mut();
        match quit {
            Ok(q) => st.quit |= q,
            Err(e) => {
                st.error.get_or_insert(term_err(e));
            }
        }
    }

    /// `q` or Ctrl-C on the real terminal (other keys are dropped: the
    /// interface takes none while it imports); a stop signal counts too.
    fn cancelled(&self) -> bool {
        let mut st = self.inner.borrow_mut();
        if !st.quit {
            match terminal::quit_pressed(Duration::ZERO) {
                Ok(q) => st.quit = q,
                Err(e) => {
                    st.error.get_or_insert(term_err(e));
                }
            }
        }
        st.quit
    }
}
