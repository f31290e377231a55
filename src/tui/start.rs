//! The start of a session: a fresh findings cache fills the first frame,
//! then the stored labels are checked against the rules' version (the
//! rules compile only when something must be classified: a relabel, an
//! import). A cache that must be filled first (after a large import: 47 s
//! at 10,000,000 messages) is filled on a thread of its own, so `q` and
//! Ctrl-C still quit while the "working…" frame is up; what the session's
//! own change marked (an `i`, an `m`) is recomputed on this thread.

use ratatui::Terminal;
use ratatui::backend::Backend;

use super::app::{Action, Effect, Outcome};
use super::{Session, TuiError, term_err, terminal};
use crate::store::Store;
use crate::{findings, ingest};

impl Session {
    /// Whether the findings cache can answer without recomputing.
    pub(super) fn cache_is_fresh(&self) -> bool {
        self.store
            .as_ref()
            .is_some_and(|s| findings::fresh(s, &self.options.policy).unwrap_or(false))
    }

    /// `Effect::Reload`: a stale cache filled off this thread first
    /// ([`Session::fill_cache_off_thread`]), then the report read from it;
    /// nothing when the user quit meanwhile.
    pub(super) fn reload_filled_off_thread<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
    ) -> Result<Vec<Action>, TuiError> {
        if !self.fill_cache_off_thread(terminal)? {
            return Ok(Vec::new());
        }
        Ok(self.reload(true))
    }

    /// Brings a stale findings cache up to date on a thread with its own
    /// connection, while this one waits for it and watches for `q` or
    /// Ctrl-C (then `false`: the session quits, and the unfinished fill,
    /// one transaction, is rolled back when the process ends). A database
    /// in memory, or one the thread cannot open, is left to the reload on
    /// this thread, as is any error of the fill (the reload reports it).
    pub(super) fn fill_cache_off_thread<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
    ) -> Result<bool, TuiError> {
        let edited = std::mem::take(&mut self.edited);
        if self.cache_is_fresh() {
            return Ok(true);
        }
        // After this session's own change (`i`, `m`, `U`…) only the senders
        // it names are recomputed, and the reload does it on this thread
        // and connection, whose page cache is warm. A thread with a
        // connection of its own starts cold and leaves this one's cache to
        // be read again: `i` at 1,000,000 messages took 35–42 ms that way.
        if edited
            && let Some(store) = self.store.as_ref()
            && findings::partial(store, &self.options.policy).unwrap_or(false)
        {
            return Ok(true);
        }
        let Some(path) = self.store.as_ref().and_then(Store::path) else {
            return Ok(true);
        };
        let path = path.to_path_buf();
        let policy = self.options.policy.clone();
        let filling = std::thread::spawn(move || {
            if let Ok(Some(store)) = Store::open_existing(&path) {
                let _ = findings::update(&store, &policy);
            }
        });
        let filled =
            terminal::join_unless_quit(filling, || self.draw(terminal)).map_err(term_err)?;
        self.app.quit |= filled.is_none();
        Ok(filled.is_some())
    }

    /// Draws the first frame filled from a fresh cache, then checks the
    /// labels against the rules (relabelling and recomputing if they
    /// changed). `false`: the cache cannot answer at once, nothing drawn.
    pub(super) fn first_frame_from_cache<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
    ) -> Result<bool, TuiError> {
        if !(self.app.loading && self.cache_is_fresh()) {
            return Ok(false);
        }
        let mut effects = Vec::new();
        for a in self.reload(false) {
            effects.extend(self.app.update(a));
        }
        self.perform_all(effects, terminal)?;
        self.draw(terminal)?;
        let check = self
            .store
            .as_mut()
            .map(|s| ingest::ensure_classified(s, &self.options.rules));
        match check {
            Some(Ok(true)) => self.perform_all(vec![Effect::Reload], terminal)?,
            Some(Err(e)) => {
                self.app
                    .update(Action::Outcome(Outcome::Failed(e.to_string())));
            }
            _ => {}
        }
        Ok(true)
    }
}
