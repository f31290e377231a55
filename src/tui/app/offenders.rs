//! The offenders screen (`O`): the repeat-offender ranking across every
//! line, as `optout offenders` prints it. The ranking is made only when it
//! is seen: `O` on a ranking older than the report, or a reload while the
//! screen is open, asks the loop for it ([`Effect::Rank`]), which ranks
//! the whole database (the other screens show one line) and hands the
//! ranking over with [`Action::Ranked`](super::Action::Ranked).
//!
//! Enter shows the selected offender's numbers, lines and violations per
//! month; Enter again opens its timeline when the line shown has it; Esc
//! goes back.

use super::{App, Effect, Screen, Target};
use crate::track::Offender;

/// What the offenders screen shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranked {
    /// Ranked as `optout offenders` ranks them (every line, no threshold).
    pub offenders: Vec<Offender>,
    /// Every line's id and name, to name the lines in the detail.
    pub lines: Vec<(i64, String)>,
    pub selected: usize,
    /// The detail of the selected offender is open.
    pub detail: bool,
    /// Ranked from the report shown (a reload makes it old).
    pub current: bool,
    /// `O` is waiting for this ranking: the status line counts it.
    pub asked: bool,
}

impl Ranked {
    /// The names of `ids` (the id itself for a line that is gone).
    pub fn names(&self, ids: &[i64]) -> Vec<String> {
        ids.iter()
            .map(|id| {
                self.lines
                    .iter()
                    .find(|(l, _)| l == id)
                    .map_or_else(|| id.to_string(), |(_, n)| n.clone())
            })
            .collect()
    }

    pub fn current(&self) -> Option<&Offender> {
        self.offenders.get(self.selected)
    }
}

impl App {
    /// A new ranking from the loop: the same offender stays selected.
    pub(super) fn ranked(&mut self, offenders: Vec<Offender>, lines: Vec<(i64, String)>) {
        let was = self.ranked.current().map(|o| (o.name.clone(), o.is_brand));
        let selected = was
            .and_then(|(name, brand)| {
                offenders
                    .iter()
                    .position(|o| o.name == name && o.is_brand == brand)
            })
            .unwrap_or(0);
        if selected == 0 && self.ranked.selected != 0 {
            self.ranked.detail = false;
        }
        let asked = self.ranked.asked;
        self.ranked = Ranked {
            offenders,
            lines,
            selected,
            detail: self.ranked.detail,
            current: true,
            asked: false,
        };
        if asked && self.screen == Screen::Offenders {
            self.say_ranked();
        }
    }

    /// A new report: the ranking is old, and made again at once only when
    /// the offenders screen shows it.
    pub(super) fn rank_after_load(&mut self) -> Option<Effect> {
        self.ranked.current = false;
        (self.screen == Screen::Offenders).then_some(Effect::Rank)
    }

    /// `O`: the offenders screen, ranked first when the ranking is old.
    pub(super) fn show_offenders(&mut self) -> Vec<Effect> {
        self.screen = Screen::Offenders;
        self.ranked.detail = false;
        if !self.ranked.current {
            self.ranked.asked = true;
            return vec![Effect::Rank];
        }
        self.say_ranked();
        Vec::new()
    }

    fn say_ranked(&mut self) {
        let n = self.ranked.offenders.len();
        self.say((self.strings.offenders.status)(n));
    }

    /// Up and down on the ranking (or nothing while the detail is open).
    pub(super) fn move_offender(&mut self, to: u64) {
        let last = self.ranked.offenders.len().saturating_sub(1) as u64;
        self.ranked.selected = to.min(last) as usize;
    }

    /// Enter: the detail, then the timeline when this line has the offender.
    pub(super) fn open_ranked(&mut self) -> Vec<Effect> {
        let Some(o) = self.ranked.current() else {
            self.complain(self.strings.nothing_selected.to_string());
            return Vec::new();
        };
        if !self.ranked.detail {
            self.ranked.detail = true;
            return Vec::new();
        }
        let target = if o.is_brand {
            Target::Brand(o.name.clone())
        } else {
            Target::Sender(o.name.clone())
        };
        let here = match &target {
            Target::Brand(b) => self.members(b).next().is_some(),
            Target::Sender(k) => self.sender(k).is_some(),
        };
        if here {
            self.open_timeline_of(&target)
        } else {
            let name = crate::text::sanitize(&o.name);
            self.complain((self.strings.offenders.not_on_line)(&name));
            Vec::new()
        }
    }

    /// Esc: closes the detail, then goes back to the senders.
    pub(super) fn back_from_offenders(&mut self) {
        if self.ranked.detail {
            self.ranked.detail = false;
        } else {
            self.screen = Screen::Senders;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, App, Effect, Screen};
    use crate::tui::strings::Lang;
    use crate::tui::theme::Theme;

    fn loaded() -> App {
        let mut app = App::new(
            Lang::En.strings(),
            Theme { colour: false },
            jiff::tz::TimeZone::UTC,
            0,
            true,
            None,
        );
        app.update(Action::Loaded(Box::default()));
        app
    }

    fn ranked(app: &mut App) {
        app.update(Action::Ranked {
            offenders: Vec::new(),
            lines: vec![(1, "me".into())],
        });
    }

    #[test]
    fn the_ranking_is_made_only_when_the_offenders_screen_shows_it() {
        let mut app = loaded();
        // A reload on another screen ranks nothing.
        assert!(
            !app.update(Action::Loaded(Box::default()))
                .contains(&Effect::Rank)
        );
        // O on a ranking older than the report asks for one, once.
        assert_eq!(
            app.update(Action::Show(Screen::Offenders)),
            vec![Effect::Rank]
        );
        ranked(&mut app);
        assert!(app.ranked.current);
        app.update(Action::Show(Screen::Senders));
        assert!(app.update(Action::Show(Screen::Offenders)).is_empty());
        // A reload while the screen is open ranks again.
        assert!(
            app.update(Action::Loaded(Box::default()))
                .contains(&Effect::Rank)
        );
        assert!(!app.ranked.current);
        app.update(Action::Show(Screen::Senders));
        assert!(
            !app.update(Action::Loaded(Box::default()))
                .contains(&Effect::Rank)
        );
        assert_eq!(
            app.update(Action::Show(Screen::Offenders)),
            vec![Effect::Rank]
        );
    }
}
