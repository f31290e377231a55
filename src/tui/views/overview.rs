//! The overview: who keeps marketing after the opt-out (top offenders),
//! marketing messages per month, and senders by status.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Block, Paragraph, Sparkline, Widget, Wrap};

use super::SIDE_BY_SIDE_WIDTH;
use super::senders::badge;
use crate::text;
use crate::track::Status;
use crate::tui::app::App;

pub struct OverviewView<'a> {
    pub app: &'a App,
}

/// After-opt-out counts by brand (a sender without a brand stands alone),
/// largest first.
pub fn offenders(app: &App) -> Vec<(String, u64)> {
    let mut by: BTreeMap<String, u64> = BTreeMap::new();
    for s in app.report.senders.iter().filter(|s| !s.ignored) {
        let n = s.after_optout();
        if n > 0 {
            *by.entry(s.brand.clone().unwrap_or_else(|| s.key.clone()))
                .or_default() += n;
        }
    }
    let mut v: Vec<(String, u64)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
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
        let top = offenders(app);
        if top.is_empty() {
            Paragraph::new(Line::styled(s.no_offenders, app.theme.dim()))
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }
        let bars: Vec<Bar> = top
            .iter()
            .take(usize::from(inner.height))
            .map(|(name, n)| {
                Bar::with_label(super::truncate(&text::sanitize(name), 16), *n)
                    .text_value(n.to_string())
            })
            .collect();
        BarChart::horizontal(bars)
            .bar_width(1)
            .bar_gap(0)
            .bar_style(app.theme.bar())
            .render(inner, buf);
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
        // One badge and count per status, never split across lines.
        let width = usize::from(inner.width);
        let mut lines: Vec<Line> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut used = 0;
        for status in Status::ALL {
            let n = app
                .report
                .senders
                .iter()
                .filter(|x| x.status == status)
                .count();
            let badge = badge(app, status);
            let count = Span::raw(format!(" {n}   "));
            let w = badge.width() + count.width();
            if used + w > width && !spans.is_empty() {
                lines.push(Line::from(std::mem::take(&mut spans)));
                used = 0;
            }
            used += w;
            spans.push(badge);
            spans.push(count);
        }
        lines.push(Line::from(spans));
        Paragraph::new(lines).render(inner, buf);
    }
}
