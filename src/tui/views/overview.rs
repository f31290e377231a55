//! The overview: who keeps marketing after the opt-out (top offenders),
//! marketing messages per month, and senders by status.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Block, Paragraph, Sparkline, Widget, Wrap};

use unicode_width::UnicodeWidthStr;

use super::{SIDE_BY_SIDE_WIDTH, truncate};
use crate::text;
use crate::track::Status;
use crate::tui::app::App;

pub struct OverviewView<'a> {
    pub app: &'a App,
}

impl Widget for &OverviewView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [charts, totals] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(4)]).areas(area);
        let (left, right) = if area.width >= SIDE_BY_SIDE_WIDTH {
            let [l, r] = Layout::horizontal([Constraint::Percentage(50); 2]).areas(charts);
            (l, r)
        } else {
            let [l, r] = Layout::vertical([Constraint::Percentage(50); 2]).areas(charts);
            (l, r)
        };
        self.render_offenders(left, buf);
        self.render_months(right, buf);
        self.render_totals(totals, buf);
    }
}

impl OverviewView<'_> {
    fn block(&self, title: &str) -> Block<'static> {
        Block::bordered().title(Span::styled(format!(" {title} "), self.app.theme.title()))
    }

    fn render_offenders(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let block = self.block(s.top_offenders);
        let inner = block.inner(area);
        block.render(area, buf);
        let top = app.offenders();
        if top.is_empty() {
            Paragraph::new(Line::styled(s.no_offenders, app.theme.dim()))
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }
        // Label, count, bar: each in its own columns, so a label never
        // runs into a bar and no count is cut.
        let width = usize::from(inner.width);
        let value_w = top
            .iter()
            .map(|o| text::group_digits(o.after).len())
            .max()
            .unwrap_or(1);
        let label_w = top
            .iter()
            .map(|o| text::sanitize(o.name()).width())
            .max()
            .unwrap_or(1)
            .min(width.saturating_sub(value_w + 4) / 2)
            .max(1);
        let bar_w = width.saturating_sub(label_w + value_w + 4);
        let max = top.first().map_or(1, |o| o.after.max(1));
        let visible = usize::from(inner.height);
        let first = app.offender.saturating_sub(visible.saturating_sub(1));
        let lines: Vec<Line> = top
            .iter()
            .enumerate()
            .skip(first)
            .take(visible)
            .map(|(i, o)| {
                let label = truncate(&text::sanitize(o.name()), label_w);
                let pad = " ".repeat(label_w.saturating_sub(label.width()));
                let n = text::group_digits(o.after);
                let len = usize::try_from(o.after.saturating_mul(bar_w as u64) / max)
                    .unwrap_or(bar_w)
                    .max(1);
                let selected = i == app.offender;
                let mark = if selected { "▶ " } else { "  " };
                let style = if selected {
                    app.theme.selected()
                } else {
                    ratatui::style::Style::new()
                };
                Line::from(vec![
                    Span::styled(format!("{mark}{label}{pad}"), style),
                    Span::raw(format!(" {n:>value_w$} ")),
                    Span::styled("█".repeat(len.min(bar_w)), app.theme.bar()),
                ])
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }

    fn render_months(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let months = app.overview.as_ref().map(|o| o.months.as_slice());
        let range = match months {
            Some([first, .., last]) => format!("{} – {}", first.0, last.0),
            Some([only]) => only.0.clone(),
            _ => String::new(),
        };
        let block = self.block(format!("{} {range}", s.per_month).trim_end());
        let inner = block.inner(area);
        block.render(area, buf);
        let Some(months) = months else {
            Paragraph::new(Line::styled(s.loading, app.theme.dim())).render(inner, buf);
            return;
        };
        if months.is_empty() {
            Paragraph::new(Line::styled(s.no_marketing, app.theme.dim()))
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }
        // Bars five columns wide plus a gap; older months go to the sparkline.
        let fit = usize::from(inner.width / 6).max(1);
        let [spark, chart] = if months.len() > fit && inner.height > 4 {
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner)
        } else {
            [Rect::default(), inner]
        };
        if !spark.is_empty() {
            let data: Vec<u64> = months.iter().map(|m| m.1).collect();
            Sparkline::default()
                .data(&data[data.len().saturating_sub(usize::from(spark.width))..])
                .style(app.theme.chart())
                .render(spark, buf);
        }
        let bars: Vec<Bar> = months
            .iter()
            .skip(months.len().saturating_sub(fit))
            .map(|(month, n)| {
                let label: String = month.chars().skip(2).collect();
                Bar::with_label(label, *n).text_value(n.to_string())
            })
            .collect();
        BarChart::vertical(bars)
            .bar_width(5)
            .bar_gap(1)
            .bar_style(app.theme.chart())
            .value_style(
                app.theme
                    .title()
                    .patch(ratatui::style::Style::new().reversed()),
            )
            .render(chart, buf);
    }

    fn render_totals(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let block = self.block(s.totals);
        let inner = block.inner(area);
        block.render(area, buf);
        // The header's counts, by the header's definitions (ignored senders
        // left out; "opted out" includes confirmed and violating), one
        // count never split across lines.
        let c = &app.counts;
        let width = usize::from(inner.width);
        let mut lines: Vec<Line> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut used = 0;
        let not_opted = app
            .report
            .senders
            .iter()
            .filter(|x| x.status == Status::Subscribed)
            .count();
        let items = [
            (s.count_marketing, c.marketing, ratatui::style::Style::new()),
            (
                s.status(Status::Subscribed),
                not_opted,
                app.theme.status(Status::Subscribed),
            ),
            (
                s.count_opted_out,
                c.opted_out,
                app.theme.status(Status::OptedOut),
            ),
            (
                s.count_confirmed,
                c.confirmed,
                app.theme.status(Status::Confirmed),
            ),
            (
                s.count_violating,
                c.violating,
                app.theme.status(Status::Violating),
            ),
            (s.count_suspicious, c.suspicious, app.theme.warning()),
            (
                s.count_in_flight,
                c.in_flight,
                app.theme.mark(crate::tui::theme::MarkKind::InFlight),
            ),
        ];
        for (label, n, style) in items {
            let label = Span::styled(label.to_string(), style);
            let count = Span::raw(format!(" {}   ", text::group_digits(n as u64)));
            let w = label.width() + count.width();
            if used + w > width && !spans.is_empty() {
                lines.push(Line::from(std::mem::take(&mut spans)));
                used = 0;
            }
            used += w;
            spans.push(label);
            spans.push(count);
        }
        lines.push(Line::from(spans));
        Paragraph::new(lines).render(inner, buf);
    }
}
