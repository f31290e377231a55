//! The `M` window: every manual opt-out record, one per line, in columns
//! measured in terminal cells (a CJK brand takes two per character). The
//! number (or brand) and the date are never cut; the note shrinks with "…"
//! first, then the note, channel and line columns are dropped in turn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::popups::{titled, window};
use super::{truncate, wrap};
use crate::text;
use crate::tui::app::{App, ManualList};

// Columns, in screen order: id (0), scope, name, line, when (4), how, note.
const WHAT: usize = 1;
const NAME: usize = 2;
const LINE: usize = 3;
const HOW: usize = 5;
const NOTE: usize = 6;
/// Dropped in this order when the window is too narrow.
const DROP: [usize; 4] = [NOTE, HOW, LINE, WHAT];
const GAP: usize = 2;
/// The smallest note worth showing ("ab…").
const NOTE_MIN: usize = 6;

pub struct ManualRecords<'a> {
    pub app: &'a App,
    pub list: &'a ManualList,
}

impl ManualRecords<'_> {
    /// The cells of every record: id, scope, name, line, when, how, note.
    fn cells(&self) -> Vec<[String; 7]> {
        let (app, list) = (self.app, self.list);
        let s = app.strings;
        list.records
            .iter()
            .flatten()
            .map(|r| {
                [
                    format!("#{}", r.id),
                    if r.scope_brand {
                        s.scope_brand
                    } else {
                        s.scope_sender
                    }
                    .to_string(),
                    text::sanitize(&r.name),
                    list.line_name(r.line_id)
                        .map(text::sanitize)
                        .unwrap_or_default(),
                    text::short(r.at_ms, r.utc_offset_s, &app.zone),
                    text::sanitize(&r.channel),
                    r.note.as_deref().map(text::sanitize).unwrap_or_default(),
                ]
            })
            .collect()
    }
}

/// Which columns are shown and how wide, for `room` cells.
fn layout(head: &[&str; 7], rows: &[[String; 7]], multi_line: bool, room: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = (0..7)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].width())
                .chain([head[c].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let empty = |c: usize| rows.iter().all(|r| r[c].is_empty());
    if !multi_line {
        widths[LINE] = 0;
    }
    if empty(NOTE) {
        widths[NOTE] = 0;
    }
    let total = |w: &[usize]| -> usize {
        let shown = w.iter().filter(|x| **x > 0).count();
        w.iter().sum::<usize>() + GAP * shown.saturating_sub(1)
    };
    // The note shrinks first, then whole columns go.
    let over = total(&widths).saturating_sub(room);
    if over > 0 && widths[NOTE] > 0 {
        widths[NOTE] = widths[NOTE].saturating_sub(over).max(NOTE_MIN);
    }
    for c in DROP {
        if total(&widths) <= room {
            break;
        }
        widths[c] = 0;
    }
    // Only a brand name is left to cut (a number never is: see the caller).
    let over = total(&widths).saturating_sub(room);
    widths[NAME] = widths[NAME].saturating_sub(over).max(1);
    widths
}

/// `text` cut (a note or a brand) or padded to `width` cells.
fn cell(text: &str, width: usize) -> String {
    let t = truncate(text, width);
    let pad = width.saturating_sub(t.width());
    format!("{t}{}", " ".repeat(pad))
}

impl Widget for &ManualRecords<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (app, list) = (self.app, self.list);
        let s = app.strings;
        let theme = app.theme;
        let rows = self.cells();
        let head = s.manual_list_cols;
        // Two cells for the "▶ " of the selected row, two for the border.
        let max_inner = usize::from(area.width.saturating_sub(4));
        let natural = layout(&head, &rows, list.lines.len() > 1, usize::MAX);
        let shown = natural.iter().filter(|w| **w > 0).count();
        let natural_w = natural.iter().sum::<usize>() + GAP * shown.saturating_sub(1) + 2;
        let widths = layout(
            &head,
            &rows,
            list.lines.len() > 1,
            max_inner.saturating_sub(2),
        );
        let line_of = |cells: &[String; 7]| -> String {
            let parts: Vec<String> = (0..7)
                .filter(|c| widths[*c] > 0)
                .map(|c| cell(&cells[c], widths[c]))
                .collect();
            parts.join(&" ".repeat(GAP)).trim_end().to_string()
        };
        let inner_w = natural_w
            .max(s.manual_list_help.width())
            .clamp(40, max_inner);
        let mut foot: Vec<Line<'static>> = vec![Line::raw("")];
        let question = list.current().filter(|_| list.confirm).map(|r| {
            (s.manual_list_confirm)(
                r.id,
                r.scope_brand,
                &text::sanitize(&r.name),
                &text::short(r.at_ms, r.utc_offset_s, &app.zone),
            )
        });
        let (foot_text, foot_style) = match &question {
            Some(q) => (q.as_str(), theme.warning()),
            None => (s.manual_list_help, theme.dim()),
        };
        foot.extend(
            wrap(foot_text, inner_w)
                .into_iter()
                .map(|l| Line::styled(l, foot_style)),
        );
        let body_rows = if rows.is_empty() { 1 } else { rows.len() + 1 };
        let height = u16::try_from(body_rows + foot.len() + 2).unwrap_or(u16::MAX);
        let r = window(
            area,
            u16::try_from(inner_w + 2).unwrap_or(u16::MAX),
            height,
            buf,
        );
        let visible = usize::from(r.height.saturating_sub(2))
            .saturating_sub(foot.len() + 1)
            .max(1);
        let mut lines: Vec<Line<'static>> = Vec::new();
        match &list.records {
            None => lines.push(Line::styled(s.loading, theme.dim())),
            Some(_) if rows.is_empty() => {
                lines.push(Line::styled(s.manual_list_empty, theme.dim()));
            }
            Some(_) => {
                let head_cells: [String; 7] = head.map(str::to_string);
                lines.push(Line::styled(
                    format!("  {}", line_of(&head_cells)),
                    theme.dim(),
                ));
                let top = list.selected.saturating_sub(visible - 1);
                for (i, cells) in rows.iter().enumerate().skip(top).take(visible) {
                    let text = line_of(cells);
                    lines.push(if i == list.selected {
                        Line::from(Span::styled(format!("▶ {text}"), theme.selected()))
                    } else {
                        Line::from(Span::styled(format!("  {text}"), Style::new()))
                    });
                }
            }
        }
        lines.extend(foot);
        Paragraph::new(lines)
            .block(titled(app, s.manual_list_title))
            .wrap(Wrap { trim: false })
            .render(r, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, note: &str) -> [String; 7] {
        [
            "#1".into(),
            "sender".into(),
            name.into(),
            String::new(),
            "2026-02-21 09:00".into(),
            "phone-call".into(),
            note.into(),
        ]
    }

    const HEAD: [&str; 7] = ["#", "", "SENDER/BRAND", "LINE", "WHEN", "HOW", "NOTE"];

    #[test]
    fn the_note_shrinks_then_columns_go_and_the_number_stays_whole() {
        let rows = [
            row("1069057123990731", "called them, they said two weeks"),
            row("某某超长品牌名称", ""),
        ];
        let wide = layout(&HEAD, &rows, false, 200);
        assert_eq!(wide[NAME], 16);
        assert_eq!(wide[NOTE], 32);
        assert_eq!(wide[LINE], 0, "one line: no line column");
        let narrow = layout(&HEAD, &rows, false, 70);
        assert_eq!(narrow[NAME], 16, "the number is never cut");
        assert!(narrow[NOTE] < 32 && narrow[NOTE] >= NOTE_MIN);
        let tight = layout(&HEAD, &rows, false, 40);
        assert_eq!(tight[NAME], 16);
        assert_eq!(tight[NOTE], 0, "the note goes before the number is cut");
        assert_eq!(tight[4], 16, "the date is never cut");
    }
}
