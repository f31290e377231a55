//! The offenders screen: the ranking across lines as a table whose numbers
//! get their width first (rank, line counts, violations and an unbranded
//! offender's number are never cut; a brand name shrinks with "…"; dates,
//! the median and the keyword are dropped whole when they do not fit), and
//! the selected offender's detail below it (or beside it on a wide
//! terminal).

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{SIDE_BY_SIDE_WIDTH, truncate};
use crate::text;
use crate::track::{Offender, Status};
use crate::tui::app::App;

pub struct OffendersView<'a> {
    pub app: &'a App,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Rank,
    Name,
    Lines,
    Opted,
    Reached,
    Violations,
    First,
    Last,
    Median,
    Keyword,
}

impl Col {
    /// Numbers are right-aligned.
    fn right(self) -> bool {
        !matches!(self, Col::Name | Col::First | Col::Last | Col::Keyword)
    }
}

/// The smallest name column worth showing: two CJK characters and "…".
const NAME_MIN: usize = 5;

/// The columns and their widths for `width` terminal columns, one space
/// between columns: the counts first, then the name at its smallest, then
/// whichever optional columns fit, then the name widened.
fn plan(width: usize, need: impl Fn(Col) -> usize, number_names: usize) -> Vec<(Col, usize)> {
    let total = |cols: &[(Col, usize)]| -> usize {
        cols.iter().map(|(_, w)| w).sum::<usize>() + cols.len().saturating_sub(1)
    };
    let mut cols: Vec<(Col, usize)> = [
        Col::Rank,
        Col::Lines,
        Col::Opted,
        Col::Reached,
        Col::Violations,
    ]
    .into_iter()
    .map(|c| (c, need(c)))
    .collect();
    // An unbranded offender's name is its number: never cut either.
    let name_min = need(Col::Name).min(NAME_MIN).max(number_names);
    if total(&cols) + 1 + name_min <= width {
        cols.insert(1, (Col::Name, name_min));
    }
    for c in [Col::Last, Col::First, Col::Median, Col::Keyword] {
        if total(&cols) + 1 + need(c) <= width {
            cols.push((c, need(c)));
        }
    }
    // Screen order: dates after the counts, as `optout offenders` prints them.
    let order = [
        Col::Rank,
        Col::Name,
        Col::Lines,
        Col::Opted,
        Col::Reached,
        Col::Violations,
        Col::First,
        Col::Last,
        Col::Median,
        Col::Keyword,
    ];
    cols.sort_by_key(|(c, _)| order.iter().position(|o| o == c));
    let spare = width.saturating_sub(total(&cols));
    if let Some(n) = cols.iter_mut().find(|(c, _)| *c == Col::Name) {
        n.1 += need(Col::Name).saturating_sub(n.1).min(spare);
    }
    cols
}

fn date(app: &App, m: Option<crate::model::Moment>) -> String {
    m.map_or_else(
        || "-".into(),
        |m| {
            text::zoned(m.ts_ms, m.utc_offset_s, &app.zone)
                .strftime("%Y-%m-%d")
                .to_string()
        },
    )
}

fn cell(app: &App, o: &Offender, rank: usize, col: Col) -> String {
    match col {
        Col::Rank => rank.to_string(),
        Col::Name => text::sanitize(&o.name),
        Col::Lines => o.lines_violating.to_string(),
        Col::Opted => o.lines_opted_out.to_string(),
        Col::Reached => o.lines_affected.to_string(),
        Col::Violations => text::group_digits(o.violations),
        Col::First => date(app, o.first_violation),
        Col::Last => date(app, o.last_violation),
        Col::Median => o
            .median_days_past_grace
            .map_or_else(|| "-".into(), |d| format!("{d:.1}")),
        Col::Keyword => text::sanitize(o.optout_keyword.as_deref().unwrap_or("-")),
    }
}

fn header(app: &App, col: Col) -> &'static str {
    let s = &app.strings.offenders;
    match col {
        Col::Rank => s.col_rank,
        Col::Name => s.col_offender,
        Col::Lines => s.col_lines,
        Col::Opted => s.col_opted,
        Col::Reached => s.col_reached,
        Col::Violations => s.col_violations,
        Col::First => s.col_first,
        Col::Last => s.col_last,
        Col::Median => s.col_median,
        Col::Keyword => s.col_keyword,
    }
}

/// `text` in exactly `width` columns: cut with "…" (only the name can
/// be wider than its column) and padded on the side `right` says.
fn fit(text: &str, width: usize, right: bool) -> String {
    let t = truncate(text, width);
    let pad = " ".repeat(width.saturating_sub(t.width()));
    if right { pad + &t } else { t + &pad }
}

impl Widget for &OffendersView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = &app.strings.offenders;
        let block =
            Block::bordered().title(Span::styled(format!(" {} ", s.title), app.theme.title()));
        let inner = block.inner(area);
        block.render(area, buf);
        let ranked = &app.ranked;
        if ranked.offenders.is_empty() {
            Paragraph::new(Line::styled(s.none, app.theme.dim()))
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }
        let (table, detail) = match (ranked.detail, inner.width >= SIDE_BY_SIDE_WIDTH) {
            (false, _) => (inner, None),
            (true, true) => {
                let [t, d] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(44)])
                    .spacing(1)
                    .areas(inner);
                (t, Some(d))
            }
            (true, false) => {
                let [t, d] =
                    Layout::vertical([Constraint::Fill(1), Constraint::Length(9)]).areas(inner);
                (t, Some(d))
            }
        };
        self.render_table(table, buf);
        if let (Some(d), Some(o)) = (detail, ranked.current()) {
            self.render_detail(o, d, buf);
        }
    }
}

impl OffendersView<'_> {
    fn render_table(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let ranked = &app.ranked;
        let need = |c: Col| -> usize {
            ranked
                .offenders
                .iter()
                .enumerate()
                .map(|(i, o)| cell(app, o, i + 1, c).width())
                .chain([header(app, c).width()])
                .max()
                .unwrap_or(1)
        };
        let number_names = ranked
            .offenders
            .iter()
            .filter(|o| !o.is_brand)
            .map(|o| text::sanitize(&o.name).width())
            .max()
            .unwrap_or(0);
        let cols = plan(usize::from(area.width), need, number_names);
        let row = |cells: Vec<String>| -> String {
            cells
                .iter()
                .zip(&cols)
                .map(|(t, (c, w))| fit(t, *w, c.right()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut lines = vec![Line::styled(
            row(cols
                .iter()
                .map(|(c, _)| header(app, *c).to_string())
                .collect()),
            app.theme.title(),
        )];
        // The legend takes the last line; the rows scroll to keep the cursor.
        let visible = usize::from(area.height).saturating_sub(2).max(1);
        let first = ranked.selected.saturating_sub(visible - 1);
        for (i, o) in ranked
            .offenders
            .iter()
            .enumerate()
            .skip(first)
            .take(visible)
        {
            let text = row(cols.iter().map(|(c, _)| cell(app, o, i + 1, *c)).collect());
            let style = if i == ranked.selected {
                app.theme.selected()
            } else if o.lines_violating > 1 {
                app.theme.status(Status::Violating)
            } else {
                Style::new()
            };
            lines.push(Line::styled(text, style));
        }
        let [rows, legend] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        Paragraph::new(lines).render(rows, buf);
        Line::styled(
            truncate(app.strings.offenders.legend, usize::from(area.width)),
            app.theme.dim(),
        )
        .render(legend, buf);
    }

    fn render_detail(&self, o: &Offender, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = &app.strings.offenders;
        let ranked = &app.ranked;
        let colon = app.strings.colon;
        let list = |ids: &[i64]| {
            let names: Vec<String> = ranked
                .names(ids)
                .iter()
                .map(|n| text::sanitize(n))
                .collect();
            names.join(", ")
        };
        let field = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!("{label}{colon}"), app.theme.dim()),
                Span::raw(value),
            ])
        };
        let mut lines = vec![
            Line::styled(text::sanitize(&o.name), app.theme.title()),
            field(s.numbers, text::sanitize(&o.numbers.join(", "))),
            field(s.lines_violating, list(&o.line_ids.violating)),
            field(s.lines_opted, list(&o.line_ids.opted_out)),
            field(s.lines_reached, list(&o.line_ids.affected)),
        ];
        let mut months: BTreeMap<String, u64> = BTreeMap::new();
        for m in &o.violation_times {
            let month = text::zoned(m.ts_ms, m.utc_offset_s, &app.zone)
                .strftime("%Y-%m")
                .to_string();
            *months.entry(month).or_default() += 1;
        }
        let shown: Vec<String> = months
            .iter()
            .rev()
            .take(6)
            .rev()
            .map(|(m, n)| format!("{m} {}", text::group_digits(*n)))
            .collect();
        lines.push(field(s.per_month, shown.join(" · ")));
        lines.push(Line::styled(s.detail_hint, app.theme.dim()));
        Paragraph::new(lines)
            .block(Block::bordered())
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }
}
