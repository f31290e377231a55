//! The home screen: the counts that matter, the senders list (or brands with
//! their senders), and the selected one's detail beside or below it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, StatefulWidget, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{SIDE_BY_SIDE_WIDTH, Ui};
use crate::text;
use crate::track::{BrandReport, Moment, SenderKind, SenderReport, Status};
use crate::tui::app::{Advice, App, RowRef, Target, advice};
use crate::tui::theme::{MarkKind, Theme};

pub fn render(app: &App, ui: &mut Ui, area: Rect, buf: &mut Buffer) {
    let [counts, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    CountsBar { app }.render(counts, buf);
    let (list, detail) = if area.width >= SIDE_BY_SIDE_WIDTH {
        let [l, d] = Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
            .areas(body);
        (l, d)
    } else {
        let [l, d] =
            Layout::vertical([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body);
        (l, d)
    };
    super::table::SendersTable { app }.render(list, buf, ui);
    Detail { app }.render(detail, buf);
}

/// marketing 12 · opted out 5 · confirmed 3 · violating 2 · suspicious 1 · in flight 1
struct CountsBar<'a> {
    app: &'a App,
}

impl Widget for &CountsBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.app.strings;
        let c = &self.app.counts;
        let theme = self.app.theme;
        let items = [
            (s.count_marketing, c.marketing, Style::new()),
            (
                s.count_opted_out,
                c.opted_out,
                theme.status(Status::OptedOut),
            ),
            (
                s.count_confirmed,
                c.confirmed,
                theme.status(Status::Confirmed),
            ),
            (
                s.count_violating,
                c.violating,
                theme.status(Status::Violating),
            ),
            (s.count_suspicious, c.suspicious, theme.warning()),
            (
                s.count_in_flight,
                c.in_flight,
                theme.mark(MarkKind::InFlight),
            ),
        ];
        // Dots between the counts when they fit, plain gaps when narrow;
        // a count that does not fit is left out, never cut.
        let full: usize = items
            .iter()
            .map(|(label, n, _)| label.width() + n.to_string().len() + 4)
            .sum();
        let sep = if full <= usize::from(area.width) {
            " ·"
        } else {
            " "
        };
        let mut spans = Vec::new();
        let mut used = 0;
        for (i, (label, n, style)) in items.into_iter().enumerate() {
            let item = vec![
                Span::styled(if i > 0 { sep } else { "" }, theme.dim()),
                Span::raw(format!(" {label} ")),
                Span::styled(
                    n.to_string(),
                    style.add_modifier(ratatui::style::Modifier::BOLD),
                ),
            ];
            let w: usize = item.iter().map(Span::width).sum();
            if used + w > usize::from(area.width) {
                break;
            }
            used += w;
            spans.extend(item);
        }
        Line::from(spans).render(area, buf);
    }
}

fn date(m: Option<Moment>, app: &App) -> String {
    m.map_or_else(
        || "-".into(),
        |m| text::short(m.ts_ms, m.utc_offset_s, &app.zone),
    )
}

pub(super) fn day(m: Option<Moment>, app: &App) -> String {
    m.map_or_else(
        || "-".into(),
        |m| {
            text::zoned(m.ts_ms, m.utc_offset_s, &app.zone)
                .strftime("%Y-%m-%d")
                .to_string()
        },
    )
}

/// `✗ violating`, in the status colour.
pub fn badge(app: &App, status: Status) -> Span<'static> {
    Span::styled(
        format!("{} {}", Theme::symbol(status), app.strings.status(status)),
        app.theme.status(status),
    )
}

/// The keyword column of a sender: a suspicious sender's "reply T" is bait,
/// so the list says not to reply instead of repeating it.
pub(super) fn sender_keyword(app: &App, sr: &SenderReport) -> String {
    if sr.kind == SenderKind::Suspicious {
        return app.strings.do_not_reply.to_string();
    }
    keyword_target(sr.keyword.as_deref(), sr.target.as_deref())
}

pub(super) fn keyword_target(keyword: Option<&str>, target: Option<&str>) -> String {
    match (keyword, target) {
        (Some(k), Some(t)) => text::sanitize(&format!("{k}→{t}")),
        (Some(k), None) => text::sanitize(k),
        _ => "-".into(),
    }
}

/// The selected sender or brand, in full.
struct Detail<'a> {
    app: &'a App,
}

fn field<'a>(app: &App, label: &str, value: impl Into<Span<'a>>) -> Line<'a> {
    Line::from(vec![
        Span::raw(format!("{label}{}", app.strings.colon)),
        value.into(),
    ])
}

impl Widget for &Detail<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let block =
            Block::bordered().title(Span::styled(format!(" {} ", s.detail), app.theme.title()));
        let mut lines: Vec<Line> = Vec::new();
        match app.selected_row() {
            None => lines.push(Line::styled(s.no_selection, app.theme.dim())),
            Some(RowRef::Sender(i)) => sender_detail(app, &app.report.senders[i], &mut lines),
            Some(RowRef::Brand(b)) => brand_detail(app, &app.report.brands[b], &mut lines),
            Some(RowRef::Group(_)) => {}
        }
        // What to do goes right under the name, so a short pane keeps it.
        if let Some(t) = app.selected_target() {
            lines.insert(1.min(lines.len()), advice_line(app, &t));
        }
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

fn optout_text(app: &App, o: Option<&crate::track::OptOut>) -> String {
    let s = app.strings;
    match o {
        None => "-".into(),
        Some(o) => {
            let when = text::short(o.ts_ms, o.utc_offset_s, &app.zone);
            match &o.manual {
                // An opt-out optout sent, until the phone's copy is imported.
                Some(ch) if crate::model::SEND_CHANNELS.contains(&ch.as_str()) => {
                    format!("{when} ({})", (s.send.sent_via)(ch))
                }
                Some(ch) => format!("{when} ({} · {})", s.manual, text::sanitize(ch)),
                None => format!(
                    "{when} ({}→{})",
                    text::sanitize(&o.keyword),
                    text::sanitize(&o.to)
                ),
            }
        }
    }
}

fn sender_detail(app: &App, sr: &SenderReport, lines: &mut Vec<Line<'_>>) {
    let s = app.strings;
    lines.push(Line::from(vec![
        Span::styled(text::sanitize(&sr.key), app.theme.title()),
        Span::raw("  "),
        badge(app, sr.status),
    ]));
    if let Some(c) = &sr.contact_name {
        lines.push(field(app, s.d_contact, text::sanitize(c)));
    }
    if sr.aliases.len() > 1 || sr.aliases.first().is_some_and(|a| *a != sr.key) {
        lines.push(field(
            app,
            s.d_aliases,
            text::sanitize(&sr.aliases.join(", ")),
        ));
    }
    lines.push(field(
        app,
        s.d_brand,
        sr.brand
            .as_deref()
            .map_or_else(|| "-".into(), text::sanitize),
    ));
    lines.push(field(
        app,
        s.d_kind,
        format!("{} · {}", s.kind(sr.kind), s.class(sr.class)),
    ));
    lines.push(field(
        app,
        s.d_messages,
        (s.received_marketing)(sr.received, sr.marketing),
    ));
    lines.push(field(
        app,
        s.d_keyword,
        match sr.kind {
            // What it asked for stays visible here (evidence), marked.
            SenderKind::Suspicious if sr.keyword.is_some() => format!(
                "{} ({})",
                keyword_target(sr.keyword.as_deref(), sr.target.as_deref()),
                s.do_not_reply
            ),
            _ => keyword_target(sr.keyword.as_deref(), sr.target.as_deref()),
        },
    ));
    lines.push(field(
        app,
        s.d_opted_out,
        optout_text(app, sr.findings.optout.as_ref()),
    ));
    lines.push(field(app, s.d_confirmed, date(sr.findings.confirmed, app)));
    let after = sr.after_optout();
    lines.push(field(
        app,
        s.d_after,
        Span::styled(
            after.to_string(),
            if after > 0 {
                app.theme.status(Status::Violating)
            } else {
                Style::new()
            },
        ),
    ));
    if !sr.findings.in_flight.is_empty() {
        lines.push(field(
            app,
            s.d_in_flight,
            sr.findings.in_flight.len().to_string(),
        ));
    }
    lines.push(field(app, s.d_first_seen, date(sr.first_seen, app)));
    lines.push(field(app, s.d_last_seen, date(sr.last_seen, app)));
    if let Some(b) = &sr.brand {
        let siblings: Vec<String> = app
            .report
            .senders
            .iter()
            .filter(|o| o.brand.as_ref() == Some(b) && o.key != sr.key)
            .map(|o| text::sanitize(&o.key))
            .collect();
        if !siblings.is_empty() {
            lines.push(field(app, s.d_siblings, siblings.join(", ")));
        }
    }
}

fn brand_detail(app: &App, b: &BrandReport, lines: &mut Vec<Line<'_>>) {
    let s = app.strings;
    lines.push(Line::from(vec![
        Span::styled(text::sanitize(&b.brand), app.theme.title()),
        Span::raw("  "),
        badge(app, b.status),
    ]));
    lines.push(field(
        app,
        s.d_numbers,
        text::sanitize(&b.senders.join(", ")),
    ));
    lines.push(field(app, s.d_kind, s.kind(b.kind)));
    lines.push(field(
        app,
        s.d_messages,
        (s.received_marketing)(b.received, b.marketing),
    ));
    lines.push(field(
        app,
        s.d_keyword,
        keyword_target(b.keyword.as_deref(), None),
    ));
    lines.push(field(
        app,
        s.d_opted_out,
        optout_text(app, b.optout.as_ref()),
    ));
    lines.push(field(app, s.d_confirmed, date(b.confirmed, app)));
    lines.push(field(app, s.d_after, b.after_optout.to_string()));
    lines.push(field(app, s.d_last_seen, date(b.last_seen, app)));
}

/// One line of what to do: send, suggested, or do not reply.
fn advice_line<'a>(app: &App, target: &Target) -> Line<'a> {
    let s = app.strings;
    if app.is_violating(target) {
        return Line::styled(
            s.advice_violating_short,
            app.theme.status(Status::Violating),
        );
    }
    match advice(app, target) {
        Advice::DoNotReply { .. } => Line::styled(s.advice_do_not_reply_short, app.theme.warning()),
        Advice::Send { keyword, to } => Line::from(vec![
            Span::raw(format!("{} ", s.advice_send_short)),
            Span::styled(text::sanitize(&keyword), app.theme.key()),
            Span::raw(format!(" → {}", text::sanitize(&to))),
        ]),
        Advice::Suggest { keyword, to } => Line::from(vec![
            Span::raw(format!("{} ", s.advice_suggest_short)),
            Span::styled(keyword, app.theme.key()),
            Span::raw(format!(" → {}", text::sanitize(&to))),
        ]),
        Advice::Unknown => Line::styled(s.advice_unknown_short, app.theme.dim()),
    }
}
