//! Colours and symbols. Every status has a symbol as well as a colour, so the
//! screen reads the same without colour (`NO_COLOR`, monochrome terminals).

use ratatui::style::{Color, Modifier, Style};

use crate::track::Status;

/// Which marks a timeline message can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarkKind {
    Instruction,
    OptOut,
    Confirmation,
    InFlight,
    Violation,
}

/// The styles of the interface; `colour: false` keeps only bold and reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme { colour: true }
    }
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.colour {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// The colour of a status badge (and of the whole row's badge cell).
    pub fn status(self, status: Status) -> Style {
        match status {
            Status::Violating => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Status::Subscribed => self.fg(Color::Yellow),
            Status::OptedOut => self.fg(Color::Green),
            Status::Confirmed => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            Status::Resubscribed => self.fg(Color::Blue),
            Status::None | Status::Ignored => self.fg(Color::DarkGray),
        }
    }

    /// The symbol before a status word (the same as `optout senders`).
    pub fn symbol(status: Status) -> &'static str {
        match status {
            Status::Violating => "✗",
            Status::Subscribed => "●",
            Status::OptedOut => "✓",
            // Two ticks: the sender answered.
            Status::Confirmed => "✓✓",
            Status::Resubscribed => "↺",
            Status::None => "·",
            Status::Ignored => "–",
        }
    }

    /// The badge of a suspicious sender (it looks like fraud).
    pub const SUSPICIOUS: &'static str = "!";

    pub fn mark(self, kind: MarkKind) -> Style {
        match kind {
            MarkKind::Instruction => self.fg(Color::Cyan),
            MarkKind::OptOut | MarkKind::Confirmation => {
                self.fg(Color::Green).add_modifier(Modifier::BOLD)
            }
            MarkKind::InFlight => self.fg(Color::Yellow),
            MarkKind::Violation => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    pub fn mark_symbol(kind: MarkKind) -> &'static str {
        match kind {
            MarkKind::Instruction => "⚑",
            MarkKind::OptOut => "✓",
            MarkKind::Confirmation => "✓✓",
            MarkKind::InFlight => "⧗",
            MarkKind::Violation => "✗",
        }
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn tab_active(self) -> Style {
        self.fg(Color::Cyan)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn dim(self) -> Style {
        if self.colour {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warning(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn bar(self) -> Style {
        self.fg(Color::Red)
    }

    pub fn chart(self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn brand_row(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}
