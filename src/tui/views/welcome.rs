//! No database yet: what optout does and how to get messages into it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::wrap;

use crate::text;
use crate::tui::app::App;

pub struct Welcome<'a> {
    pub app: &'a App,
}

impl Widget for &Welcome<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let width = area.width.saturating_sub(4).min(84);
        // Wrapped here (CJK-aware) so the box is exactly as tall as its text.
        let inner = usize::from(width.saturating_sub(2));
        let para = |text: &str, style: Style| -> Vec<Line<'static>> {
            wrap(text, inner)
                .into_iter()
                .map(|l| Line::styled(l, style))
                .collect()
        };
        let mut lines = vec![
            Line::styled(s.welcome_title, app.theme.title()),
            Line::raw(""),
        ];
        lines.extend(para(s.welcome_what, Style::new()));
        lines.push(Line::raw(""));
        lines.extend(para(
            &(s.welcome_no_db)(
                &app.db_path
                    .as_deref()
                    .map_or_else(|| s.in_memory.to_string(), text::sanitize),
            ),
            Style::new(),
        ));
        lines.push(Line::raw(""));
        for step in s.welcome_steps {
            lines.extend(para(&format!("  {step}"), Style::new()));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", s.welcome_press)),
            Span::styled("I", app.theme.key()),
            Span::raw(format!(" {}", s.welcome_press_i)),
        ]));
        lines.extend(para(s.welcome_cli, app.theme.dim()));
        let height = lines.len() as u16 + 2;
        let r = area.centered(
            Constraint::Length(width),
            Constraint::Length(height.min(area.height)),
        );
        Paragraph::new(lines)
            .block(Block::bordered())
            .render(r, buf);
    }
}
