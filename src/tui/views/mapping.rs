//! The column-mapping prompt: one line per field with the chosen column
//! (its number and header name) and the first row's value in it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::popups::{titled, window};
use super::{truncate, wrap};
use crate::text;
use crate::tui::app::{App, ColumnsPrompt, MapField};

/// The widest the window gets.
const WIDTH: u16 = 84;

/// Draws the prompt; returns where the cursor goes (the field being chosen).
pub fn render(app: &App, prompt: &ColumnsPrompt, area: Rect, buf: &mut Buffer) -> Position {
    let s = app.strings;
    let theme = app.theme;
    let width = WIDTH.min(area.width.saturating_sub(2));
    let inner = usize::from(width.saturating_sub(2));
    // The file's name: its folder was in the import prompt just before.
    let name = std::path::Path::new(&prompt.path)
        .file_name()
        .map_or_else(|| prompt.path.clone(), |n| n.to_string_lossy().into_owned());
    let mut lines: Vec<Line<'static>> = wrap(&(s.columns_intro)(&text::sanitize(&name)), inner)
        .into_iter()
        .map(Line::raw)
        .collect();
    lines.push(Line::raw(""));
    let label_w = s
        .columns_fields
        .iter()
        .map(|l| l.width())
        .max()
        .unwrap_or(0);
    let room = inner.saturating_sub(label_w + 4);
    let choices: Vec<String> = MapField::ALL
        .iter()
        .map(|f| {
            let choice = match prompt.column(*f) {
                Some(c) => format!(
                    "‹ {} {} ›",
                    c + 1,
                    text::sanitize(prompt.header.get(c).map_or("", |h| h.trim()))
                ),
                None => format!("‹ {} ›", s.columns_none),
            };
            truncate(&choice, room)
        })
        .collect();
    // The examples line up (unless a choice is much wider than the others).
    let choice_w = choices.iter().map(|c| c.width()).max().unwrap_or(0);
    let mut cursor_row = 0;
    for (i, field) in MapField::ALL.iter().enumerate() {
        let active = prompt.field == *field;
        if active {
            cursor_row = lines.len();
        }
        let label = s.columns_fields[i];
        let choice = &choices[i];
        let example = prompt
            .column(*field)
            .and_then(|c| prompt.sample.get(c))
            .map(|v| text::sanitize(v.trim()))
            .filter(|v| !v.is_empty())
            .map(|v| {
                let pad = " ".repeat(choice_w.saturating_sub(choice.width()));
                let left = room.saturating_sub(choice_w + 2 + s.columns_example.width() + 1);
                format!("{pad}  {} {}", s.columns_example, truncate(&v, left))
            })
            .filter(|_| room > choice_w + 12)
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(
                if active { "▶ " } else { "  " },
                if active { theme.key() } else { Style::new() },
            ),
            Span::raw(format!(
                "{label}{}  ",
                " ".repeat(label_w.saturating_sub(label.width()))
            )),
            Span::styled(
                choice.clone(),
                if active {
                    theme.selected()
                } else {
                    Style::new()
                },
            ),
            Span::styled(example, theme.dim()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.extend(
        wrap(s.columns_help, inner)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim())),
    );
    if let Some(e) = &prompt.error {
        lines.extend(
            wrap(&text::sanitize(e), inner)
                .into_iter()
                .map(|l| Line::styled(l, theme.error())),
        );
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let win = window(area, width, height, buf);
    Paragraph::new(lines)
        .block(titled(app, s.columns_title))
        .render(win, buf);
    let x = win.x + 1 + u16::try_from(label_w + 4).unwrap_or(0);
    let y = win.y + 1 + u16::try_from(cursor_row).unwrap_or(0);
    Position::new(
        x.min(win.right().saturating_sub(2)),
        y.min(win.bottom().saturating_sub(2)),
    )
}
