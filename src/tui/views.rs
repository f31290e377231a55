//! Drawing: one module per screen. Views read the [`App`]; the only state
//! they write is [`Ui`], what the last frame looked like (list offsets and
//! where the lists were), which turns mouse clicks into rows.

mod columns;
mod manual;
mod mapping;
mod offenders;
mod overview;
mod popups;
mod reason;
mod send;
mod senders;
mod table;
mod timeline;
mod welcome;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{ListState, Paragraph, TableState, Widget};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::{App, Overlay, Screen};
use super::strings::Strings;

/// Below this size the screen says so instead of drawing.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;
/// From this width the detail pane sits beside the list, else below it.
pub const SIDE_BY_SIDE_WIDTH: u16 = 110;

/// What the last frame looked like.
#[derive(Debug, Default, Clone)]
pub struct Ui {
    pub senders: TableState,
    /// The rows of the senders table (without its header), one line each.
    pub senders_rows: Rect,
    pub timeline: ListState,
    /// The timeline window the list state refers to.
    pub timeline_start: u64,
    /// Screen lines of each visible timeline message: (first y, last y, index).
    pub timeline_hits: Vec<(u16, u16, u64)>,
    /// The height of the current list, for paging.
    pub page_rows: u16,
}

impl Ui {
    /// The senders row under a screen position.
    pub fn senders_row_at(&self, x: u16, y: u16) -> Option<usize> {
        let r = self.senders_rows;
        (x >= r.x && x < r.right() && y >= r.y && y < r.bottom())
            .then(|| self.senders.offset() + usize::from(y - r.y))
    }

    /// The timeline message under a screen line.
    pub fn timeline_index_at(&self, y: u16) -> Option<u64> {
        self.timeline_hits
            .iter()
            .find(|(a, b, _)| y >= *a && y <= *b)
            .map(|h| h.2)
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App, ui: &mut Ui) {
    let area = frame.area();
    let s = app.strings;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = (s.too_small)(area.width, area.height, MIN_WIDTH, MIN_HEIGHT);
        Paragraph::new(text)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(area, frame.buffer_mut());
        return;
    }
    let hint_bar = HintBar { app };
    let hint_lines = hint_bar.lines(usize::from(area.width));
    let [tabs, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(u16::try_from(hint_lines.len()).unwrap_or(1)),
    ])
    .areas(area);
    let buf = frame.buffer_mut();
    Tabs { app }.render(tabs, buf);
    if app.loading {
        Paragraph::new(Line::styled(s.loading, app.theme.title()))
            .centered()
            .render(body.centered_vertically(Constraint::Length(1)), buf);
    } else {
        match app.screen {
            Screen::Welcome => welcome::Welcome { app }.render(body, buf),
            Screen::Senders => senders::render(app, ui, body, buf),
            Screen::Timeline => timeline::render(app, ui, body, buf),
            Screen::Overview => overview::OverviewView { app }.render(body, buf),
            Screen::Offenders => offenders::OffendersView { app }.render(body, buf),
        }
    }
    StatusBar { app }.render(status, buf);
    Paragraph::new(hint_lines).render(hints, buf);
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help => popups::Help { app }.render(area, buf),
        Overlay::Log => popups::Log { app }.render(area, buf),
        Overlay::Manual(list) => manual::ManualRecords { app, list }.render(area, buf),
        Overlay::Reason => reason::Reason { app }.render(area, buf),
        Overlay::Sending => {
            if let Some(run) = &app.sending {
                send::SendProgress { app, run }.render(area, buf);
            }
        }
        Overlay::Confirm(c) => popups::Question { app, confirm: c }.render(area, buf),
        Overlay::Unsubscribe(t) => popups::Unsubscribe { app, target: t }.render(area, buf),
        Overlay::Prompt(p) => {
            let cursor = popups::render_prompt(app, p, area, buf);
            frame.set_cursor_position(cursor);
        }
    }
    if let Some(p) = &app.import {
        popups::Importing { app, progress: p }.render(area, frame.buffer_mut());
    }
}

/// The top line: the screens, the current one marked.
struct Tabs<'a> {
    app: &'a App,
}

impl Widget for &Tabs<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.app.strings;
        let theme = self.app.theme;
        let mut spans = vec![Span::styled(" optout ", theme.title()), Span::raw(" ")];
        let tabs = [
            (Screen::Senders, "1", s.tab_senders),
            (Screen::Timeline, "2", s.tab_timeline),
            (Screen::Overview, "3", s.tab_overview),
        ];
        for (screen, key, name) in tabs {
            let style = if self.app.screen == screen {
                theme.tab_active()
            } else {
                Style::new()
            };
            spans.push(Span::styled(key, theme.dim()));
            spans.push(Span::raw(" "));
            spans.push(Span::styled(name, style));
            spans.push(Span::raw("  "));
        }
        // Which database is open, on the right, cut from the left (the
        // file name matters most).
        let used: usize = spans.iter().map(Span::width).sum();
        let room = usize::from(area.width).saturating_sub(used + 1);
        let (db, style) = if self.app.demo {
            (s.demo_database.to_string(), theme.warning())
        } else {
            let path = self
                .app
                .db_path
                .as_deref()
                .map_or_else(|| s.in_memory.to_string(), crate::text::sanitize);
            (format!("{}{}{path}", s.database, s.colon), theme.dim())
        };
        let db = truncate_start(&db, room);
        let pad = room.saturating_sub(db.width());
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(db, style));
        Line::from(spans).render(area, buf);
    }
}

/// The line above the hints: what the last action did.
struct StatusBar<'a> {
    app: &'a App,
}

impl Widget for &StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        if let Some(w) = app.working {
            Line::styled(
                format!(" {}", (app.strings.working)(w)),
                app.theme.warning(),
            )
            .render(area, buf);
            return;
        }
        if let Some(st) = &app.status {
            let style = if st.error {
                app.theme.error()
            } else {
                app.theme.ok()
            };
            // The first line; the rest (and anything cut) is in the log.
            let first = st.text.lines().next().unwrap_or("");
            let more = app.strings.more_in_log;
            let width = usize::from(area.width).saturating_sub(1);
            let text = if first.width() <= width && first.len() == st.text.len() {
                first.to_string()
            } else {
                let room = width.saturating_sub(more.width() + 1);
                format!("{} {more}", truncate(first, room))
            };
            Line::styled(format!(" {text}"), style).render(area, buf);
        }
    }
}

/// The bottom line: the keys that matter here.
struct HintBar<'a> {
    app: &'a App,
}

impl HintBar<'_> {
    /// The hints in as many lines as `width` needs: every key is kept.
    fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let s: &Strings = self.app.strings;
        let hints: &[(&str, &str)] = match (&self.app.overlay, self.app.screen) {
            (Overlay::Prompt(_), _) => s.hints_prompt,
            (Overlay::Confirm(_), _) => &[("y", "✓"), ("n Esc", "✗")],
            (Overlay::Help | Overlay::Log | Overlay::Reason | Overlay::Unsubscribe(_), _) => {
                s.hints_overlay
            }
            (Overlay::Manual(_), _) => s.hints_manual_list,
            (Overlay::Sending, _) => s.send.hints,
            (_, Screen::Welcome) => s.hints_welcome,
            (_, Screen::Senders) => s.hints_senders,
            (_, Screen::Timeline) => s.hints_timeline,
            (_, Screen::Overview) => s.hints_overview,
            (_, Screen::Offenders) => s.offenders.hints,
        };
        let theme = self.app.theme;
        let mut lines = Vec::new();
        let mut spans = Vec::with_capacity(hints.len() * 2);
        let mut used = 0;
        for (key, what) in hints {
            let k = Span::styled(format!(" {key}"), theme.key());
            let w = Span::raw(format!(" {what} "));
            let n = k.width() + w.width();
            if used + n > width && !spans.is_empty() {
                lines.push(Line::from(std::mem::take(&mut spans)));
                used = 0;
            }
            used += n;
            spans.push(k);
            spans.push(w);
        }
        lines.push(Line::from(spans));
        lines
    }
}

/// Cuts `text` from the left to `width` columns, starting with "…" when cut.
pub fn truncate_start(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::from("…");
    out.extend(kept.into_iter().rev());
    out
}

/// Cuts `text` to `width` terminal columns, ending with "…" when cut.
pub fn truncate(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Splits `text` into lines of at most `width` terminal columns, breaking at
/// spaces where it can and anywhere in CJK; wide characters count double.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut used = 0usize;
        // Byte index in `line` just after the last space, and the width before it.
        let mut last_space: Option<(usize, usize)> = None;
        for c in para.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && !line.is_empty() {
                match last_space {
                    Some((at, before)) if c != ' ' && before > 0 => {
                        let rest = line.split_off(at);
                        out.push(line.trim_end().to_string());
                        line = rest;
                        used -= before;
                    }
                    _ => {
                        out.push(line.trim_end().to_string());
                        line = String::new();
                        used = 0;
                    }
                }
                last_space = None;
                if c == ' ' {
                    continue;
                }
            }
            line.push(c);
            used += w;
            if c == ' ' {
                last_space = Some((line.len(), used));
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wrap_counts_columns_and_prefers_spaces() {
        assert_eq!(wrap("hello world again", 11), vec!["hello world", "again"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        let cjk = wrap("【浦发银行】尊敬的客户，回TD退订", 10);
        assert!(cjk.iter().all(|l| l.width() <= 10), "{cjk:?}");
        assert_eq!(cjk.concat(), "【浦发银行】尊敬的客户，回TD退订");
        let emoji = wrap("😀😀😀 ok", 4);
        assert!(emoji.iter().all(|l| l.width() <= 4), "{emoji:?}");
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
    }
}
