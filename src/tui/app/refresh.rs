//! Noticing what other optout processes wrote: the loop reads the
//! database's `PRAGMA data_version` when idle ([`Action::DataVersion`](super::Action::DataVersion)),
//! and a change (another process committed an import, an ignore, a manual
//! opt-out) reloads the report. `R` reloads by hand. A reload keeps the
//! selection on the same sender or brand (by key, not by row).

use super::{App, Effect, Overlay};

impl App {
    /// The version the report being loaded was read at.
    pub(super) fn synced(&mut self, version: i64) -> Vec<Effect> {
        self.data_version = Some(version);
        Vec::new()
    }

    /// The loop's idle look at the database: reload if another process
    /// changed it since the last load. A question or a prompt on screen is
    /// left alone; the change is picked up once it closes.
    pub(super) fn data_version_seen(&mut self, version: i64) -> Vec<Effect> {
        let busy = matches!(self.overlay, Overlay::Prompt(_) | Overlay::Confirm(_));
        if self.loading || busy || self.data_version == Some(version) {
            return Vec::new();
        }
        let first = self.data_version.is_none();
        self.data_version = Some(version);
        if first {
            return Vec::new();
        }
        self.say(self.strings.refreshed_auto.to_string());
        vec![Effect::Reload]
    }

    /// `R`: reload the report now.
    pub(super) fn refresh(&mut self) -> Vec<Effect> {
        if self.loading {
            return Vec::new();
        }
        self.say(self.strings.refreshed.to_string());
        vec![Effect::Reload]
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, App, Confirm, Effect, Overlay};
    use crate::tui::strings::Lang;
    use crate::tui::theme::Theme;

    fn app() -> App {
        let mut app = App::new(
            Lang::En.strings(),
            Theme { colour: false },
            jiff::tz::TimeZone::UTC,
            0,
            true,
            None,
        );
        app.update(Action::Synced(7));
        app.update(Action::Loaded(Box::default()));
        app
    }

    #[test]
    fn another_process_commit_reloads_once() {
        let mut app = app();
        assert!(app.update(Action::DataVersion(7)).is_empty());
        assert_eq!(app.update(Action::DataVersion(8)), vec![Effect::Reload]);
        assert!(app.update(Action::DataVersion(8)).is_empty());
        let status = app.status.as_ref().map(|s| s.text.clone()).unwrap();
        assert!(
            status.contains("Another optout process changed the database"),
            "{status}"
        );
    }

    #[test]
    fn a_prompt_on_screen_defers_the_reload() {
        let mut app = app();
        app.overlay = Overlay::Confirm(Confirm::Overwrite(Effect::Reload));
        assert!(app.update(Action::DataVersion(9)).is_empty());
        app.overlay = Overlay::None;
        assert_eq!(app.update(Action::DataVersion(9)), vec![Effect::Reload]);
    }

    #[test]
    fn r_reloads_by_hand() {
        let mut app = app();
        assert_eq!(app.update(Action::Refresh), vec![Effect::Reload]);
    }
}
