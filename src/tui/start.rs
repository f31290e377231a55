//! The start of a session: a fresh findings cache fills the first frame,
//! then the stored labels are checked against the rules' version (the
//! rules compile only when something must be classified: a relabel, an
//! import).

use ratatui::Terminal;
use ratatui::backend::Backend;

use super::app::{Action, Effect, Outcome};
use super::{Session, TuiError};
use crate::{findings, ingest};

impl Session {
    /// Whether the findings cache can answer without recomputing.
    pub(super) fn cache_is_fresh(&self) -> bool {
        self.store
            .as_ref()
            .is_some_and(|s| findings::fresh(s, &self.options.policy).unwrap_or(false))
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
