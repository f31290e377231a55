//! The senders table: a row per sender (or brand, or to-do group heading),
//! its columns planned by `columns` so no number is ever cut.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};
use unicode_width::UnicodeWidthStr;

use super::columns::{Col, Needs, Plan, plan, sender_cell};
use super::senders::{badge, day, keyword_target, sender_keyword};
use super::{Ui, truncate};
use crate::text;
use crate::track::{BrandReport, SenderKind, SenderReport, Status};
use crate::tui::app::{App, Group, RowRef};
use crate::tui::theme::Theme;

pub struct SendersTable<'a> {
    pub app: &'a App,
}

/// The status cell of a sender: a suspicious sender says so, whatever its
/// opt-out status, so the header's "suspicious" count matches the rows.
fn sender_badge(app: &App, sr: &SenderReport, short: bool) -> Span<'static> {
    if sr.kind == SenderKind::Suspicious && !sr.ignored && sr.findings.violations.is_empty() {
        let text = if short {
            Theme::SUSPICIOUS.to_string()
        } else {
            format!("{} {}", Theme::SUSPICIOUS, app.strings.count_suspicious)
        };
        return Span::styled(text, app.theme.warning());
    }
    status_badge(app, sr.status, short)
}

fn status_badge(app: &App, status: Status, short: bool) -> Span<'static> {
    if short {
        Span::styled(Theme::symbol(status), app.theme.status(status))
    } else {
        badge(app, status)
    }
}

fn count(n: u64) -> String {
    text::group_digits(n)
}

/// The widest value of every column over all rows.
fn needs(app: &App) -> Needs {
    let s = app.strings;
    let mut n = Needs {
        status: Status::ALL
            .iter()
            .map(|st| badge(app, *st).width())
            .chain([Theme::SUSPICIOUS.width() + 1 + s.count_suspicious.width()])
            .max()
            .unwrap_or(0)
            .max(s.col_status.width()),
        status_short: Status::ALL
            .iter()
            .map(|st| Theme::symbol(*st).width())
            .max()
            .unwrap_or(1),
        brand: 0,
        sender: s.col_sender.width(),
        sender_full: s.col_sender.width(),
        marketing: s.col_marketing.width(),
        after: s.col_after.width(),
        keyword: 0,
        last_seen: s.col_last_seen.width().max(10),
    };
    let mut brand = 0;
    let mut keyword = 0;
    for r in &app.rows {
        match *r {
            RowRef::Sender(i) => {
                let sr = &app.report.senders[i];
                let key = text::sanitize(&sr.key).width();
                n.sender = n.sender.max(key);
                let full = sr
                    .contact_name
                    .as_deref()
                    .map_or(key, |c| key + 3 + text::sanitize(c).width());
                n.sender_full = n.sender_full.max(full);
                if !app.by_brand() {
                    brand = brand.max(sr.brand.as_deref().map_or(1, |b| text::sanitize(b).width()));
                }
                n.marketing = n.marketing.max(count(sr.marketing).len());
                n.after = n.after.max(count(sr.after_optout()).len());
                keyword = keyword.max(sender_keyword(app, sr).width());
            }
            RowRef::Brand(b) => {
                let br = &app.report.brands[b];
                brand = brand.max(text::sanitize(&br.brand).width());
                n.sender = n.sender.max((s.n_numbers)(br.senders.len()).width());
                n.marketing = n.marketing.max(count(br.marketing).len());
                n.after = n.after.max(count(br.after_optout).len());
                keyword = keyword.max(keyword_target(br.keyword.as_deref(), None).width());
            }
            RowRef::Group(_) => {}
        }
    }
    if app.by_brand() {
        brand = brand.max(3);
    }
    n.brand = if brand == 0 {
        0
    } else {
        brand.max(s.col_brand.width())
    };
    n.keyword = if keyword == 0 {
        0
    } else {
        keyword.max(s.col_keyword.width())
    };
    n.sender_full = n.sender_full.max(n.sender);
    n
}

impl StatefulWidget for &SendersTable<'_> {
    type State = Ui;

    fn render(self, area: Rect, buf: &mut Buffer, ui: &mut Ui) {
        let app = self.app;
        let s = app.strings;
        let title = Line::from(vec![
            Span::styled(format!(" {} ", s.tab_senders), app.theme.title()),
            Span::raw(format!(
                "({}) · {} {} · {} {}{} ",
                app.sender_rows(),
                s.filter_label,
                s.filter_name(app.shown_filter()),
                s.sort_label,
                s.sort_name(app.sort),
                app.search.as_ref().map_or_else(String::new, |q| format!(
                    " · {} “{}”",
                    s.search_label,
                    text::sanitize(&q.query)
                )),
            )),
        ]);
        let block = Block::bordered().title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        let plan = plan(usize::from(inner.width), &needs(app));
        let header: Vec<Cell> = plan
            .cols
            .iter()
            .map(|(c, _)| {
                Cell::from(match c {
                    Col::Status if plan.status_short => "",
                    Col::Status => s.col_status,
                    Col::Brand => s.col_brand,
                    Col::Sender => s.col_sender,
                    Col::Marketing => s.col_marketing,
                    Col::After => s.col_after,
                    Col::Keyword => s.col_keyword,
                    Col::LastSeen => s.col_last_seen,
                })
            })
            .collect();
        let widths: Vec<Constraint> = plan
            .cols
            .iter()
            .map(|(_, w)| Constraint::Length(*w))
            .collect();
        let visible = usize::from(inner.height.saturating_sub(1));
        ui.page_rows = inner.height.saturating_sub(1);
        ui.senders_rows = Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        };
        if app.rows.is_empty() {
            let [_, msg] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
            let text = if app.filter == crate::tui::app::Filter::ToDo && app.search.is_none() {
                s.todo_empty
            } else {
                s.no_senders
            };
            Paragraph::new(Line::styled(text, app.theme.dim()))
                .wrap(Wrap { trim: true })
                .render(msg, buf);
            *ui.senders.selected_mut() = None;
            return;
        }
        // Only the rows on screen are built: the offset keeps the selection
        // in view, as ratatui's would, and is kept for mouse clicks.
        let len = app.rows.len();
        let selected = app.selected.min(len - 1);
        let mut offset = ui.senders.offset().min(len.saturating_sub(visible));
        if selected < offset {
            offset = selected;
        } else if selected >= offset + visible {
            offset = selected + 1 - visible.max(1);
        }
        // A group heading just above the top row stays in view.
        if offset > 0 && selected == offset && matches!(app.rows[offset - 1], RowRef::Group(_)) {
            offset -= 1;
        }
        let rows: Vec<Row> = app.rows[offset..(offset + visible).min(len)]
            .iter()
            .map(|r| match *r {
                RowRef::Brand(b) => brand_row(app, &app.report.brands[b], &plan),
                RowRef::Sender(i) => sender_row(app, &app.report.senders[i], &plan),
                RowRef::Group(_) => Row::new(Vec::<Cell>::new()),
            })
            .collect();
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(app.theme.title()))
            .column_spacing(1)
            .row_highlight_style(app.theme.selected());
        let mut window = TableState::default().with_selected(Some(selected - offset));
        StatefulWidget::render(table, inner, buf, &mut window);
        for (i, r) in app.rows[offset..(offset + visible).min(len)]
            .iter()
            .enumerate()
        {
            if let RowRef::Group(g) = *r {
                let y = inner.y + 1 + u16::try_from(i).unwrap_or(u16::MAX);
                let line = Rect {
                    y,
                    height: 1,
                    ..inner
                };
                group_line(app, g, usize::from(inner.width)).render(line, buf);
            }
        }
        ui.senders = TableState::default()
            .with_offset(offset)
            .with_selected(Some(selected));
    }
}

/// A to-do group's heading: what it is, how many, the next step. Drawn
/// over its (empty) table row, as it spans every column.
fn group_line(app: &App, g: Group, width: usize) -> Line<'static> {
    let s = app.strings;
    let n = app.group_count(g);
    let style = match g {
        Group::Violating => app.theme.status(Status::Violating),
        Group::Send => app.theme.status(Status::Subscribed),
        Group::Suspicious => app.theme.warning(),
    };
    Line::styled(
        truncate(&(s.group_heading)(g, n), width),
        style.add_modifier(Modifier::UNDERLINED),
    )
}

fn right(n: u64) -> Cell<'static> {
    Cell::from(Line::from(count(n)).right_aligned())
}

fn sender_row<'a>(app: &App, sr: &'a SenderReport, plan: &Plan) -> Row<'a> {
    let cells = plan.cols.iter().map(|(c, w)| {
        let w = usize::from(*w);
        match c {
            Col::Status => Cell::from(sender_badge(app, sr, plan.status_short)),
            Col::Brand => Cell::from(match (&sr.brand, app.by_brand()) {
                (Some(_), true) => "  └".to_string(),
                (Some(b), false) => truncate(&text::sanitize(b), w),
                (None, _) => "-".into(),
            }),
            Col::Sender => Cell::from(sender_cell(
                &text::sanitize(&sr.key),
                sr.contact_name.as_deref().map(text::sanitize).as_deref(),
                w,
            )),
            Col::Marketing => right(sr.marketing),
            Col::After => {
                let n = sr.after_optout();
                let style = if n > 0 {
                    app.theme.status(Status::Violating)
                } else {
                    Style::new()
                };
                Cell::from(Line::from(Span::styled(count(n), style)).right_aligned())
            }
            Col::Keyword => Cell::from(sender_keyword(app, sr)),
            Col::LastSeen => Cell::from(day(sr.last_seen, app)),
        }
    });
    Row::new(cells.collect::<Vec<_>>())
}

fn brand_row<'a>(app: &App, b: &'a BrandReport, plan: &Plan) -> Row<'a> {
    let cells = plan.cols.iter().map(|(c, w)| match c {
        Col::Status => Cell::from(status_badge(app, b.status, plan.status_short)),
        Col::Brand => Cell::from(Span::styled(
            truncate(&text::sanitize(&b.brand), usize::from(*w)),
            app.theme.brand_row(),
        )),
        Col::Sender => Cell::from(Span::styled(
            (app.strings.n_numbers)(b.senders.len()),
            app.theme.dim(),
        )),
        Col::Marketing => right(b.marketing),
        Col::After => right(b.after_optout),
        Col::Keyword => Cell::from(keyword_target(b.keyword.as_deref(), None)),
        Col::LastSeen => Cell::from(day(b.last_seen, app)),
    });
    Row::new(cells.collect::<Vec<_>>())
}
