//! An import run from the interface: the file read in the loop with its
//! progress redrawn as it goes, and the database created first when there
//! is none.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;

use super::app::{Action, App, Outcome};
use super::files::{csv_columns, expand_home};
use super::views::{self, Ui};
use super::{Session, TuiError, term_err};
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
        let Some(store) = self.store.as_mut() else {
            return Ok(Vec::new());
        };
        if let Err(e) = ingest::ensure_classified(store, self.classifier.get()) {
            return fail(e.to_string());
        }
        let progress = Redraw {
            inner: RefCell::new(RedrawState {
                terminal,
                app: &mut self.app,
                ui: &mut self.ui,
                last: Instant::now(),
                error: None,
            }),
        };
        // Into the line on screen (or the one asked for, or `me`).
        let line = self
            .line
            .as_ref()
            .map(|(_, n)| n.clone())
            .or_else(|| self.options.line.clone())
            .unwrap_or_else(|| crate::model::DEFAULT_LINE.to_string());
        let result = ingest::import_file_to_line(
            store,
            &line,
            &file,
            format,
            &options,
            self.classifier.get(),
            &self.options.region,
            &progress,
        );
        if let Some(e) = progress.inner.into_inner().error {
            return Err(e);
        }
        Ok(vec![Action::Outcome(match result {
            Ok(r) => Outcome::Imported {
                file: file.display().to_string(),
                new: r.new,
                duplicates: r.duplicates,
            },
            Err(ImportFailure::File(e)) => Outcome::ImportFailed(e.to_string()),
            Err(ImportFailure::Store(e)) => Outcome::ImportFailed(e.to_string()),
        })])
    }
}

struct RedrawState<'a, B: Backend> {
    terminal: &'a mut Terminal<B>,
    app: &'a mut App,
    ui: &'a mut Ui,
    last: Instant,
    error: Option<TuiError>,
}

/// Import progress that redraws the screen at most every 50 ms.
struct Redraw<'a, B: Backend> {
    inner: RefCell<RedrawState<'a, B>>,
}

impl<B: Backend> import::Progress for Redraw<'_, B> {
    fn set_position(&self, bytes: u64) {
        let mut st = self.inner.borrow_mut();
        if st.last.elapsed() < Duration::from_millis(50) {
            return;
        }
        st.last = Instant::now();
        let st = &mut *st;
        st.app.update(Action::ImportProgress(bytes));
        let (app, ui) = (&*st.app, &mut *st.ui);
        if let Err(e) = st.terminal.draw(|f| views::draw(f, app, ui)) {
            st.error.get_or_insert(term_err(e));
        }
    }
}
