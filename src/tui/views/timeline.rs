//! A sender's timeline (with its brand siblings): every message with its
//! time, direction and kind, and marks for the instruction, the opt-out,
//! the confirmation, in-flight messages and violations. Only the loaded
//! window (a hundred or so messages around the cursor) is drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, List, ListItem, Paragraph, StatefulWidget, Widget};

use super::{Ui, wrap};
use crate::classify::SenderClass;
use crate::import::Direction;
use crate::store::StoredMessage;
use crate::text;
use crate::track::{RESUBSCRIBE_KEYWORDS, SenderKind, SenderReport};
use crate::tui::app::{App, Mark, Target, Timeline};
use crate::tui::theme::{MarkKind, Theme};

/// A body longer than this many lines is cut with "…".
const MAX_BODY_LINES: usize = 30;
const INDENT: &str = "    ";

pub fn render(app: &App, ui: &mut Ui, area: Rect, buf: &mut Buffer) {
    let Some(tl) = &app.timeline else {
        Paragraph::new(Line::styled(app.strings.no_timeline, app.theme.dim()))
            .centered()
            .render(area.centered_vertically(Constraint::Length(1)), buf);
        return;
    };
    let summary = Summary { app, tl };
    let head = summary.lines(usize::from(area.width));
    let [top, list] = Layout::vertical([
        Constraint::Length(u16::try_from(head.len()).unwrap_or(2).min(area.height / 2)),
        Constraint::Fill(1),
    ])
    .areas(area);
    Paragraph::new(head).render(top, buf);
    Messages { app, tl }.render(list, buf, ui);
}

struct Summary<'a> {
    app: &'a App,
    tl: &'a Timeline,
}

impl Summary<'_> {
    /// The header, wrapped to `width` between items (never inside a number).
    fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let (app, tl) = (self.app, self.tl);
        let s = app.strings;
        let theme = app.theme;
        let keys: Vec<String> = tl.sender_keys.iter().map(|k| text::sanitize(k)).collect();
        let (brand, status) = match &tl.target {
            Target::Brand(b) => (Some(b.clone()), app.brand(b).map(|b| b.status)),
            Target::Sender(k) => app
                .sender(k)
                .map_or((None, None), |s| (s.brand.clone(), Some(s.status))),
        };
        let mut first = vec![Span::styled(
            format!(" {}", text::sanitize(&tl.title)),
            theme.title(),
        )];
        if let Some(st) = status {
            first.push(Span::raw("  "));
            first.push(super::senders::badge(app, st));
        }
        if let (Some(b), Target::Sender(_)) = (brand, &tl.target) {
            first.push(Span::raw(format!(
                "  {}{}{}",
                s.d_brand,
                s.colon,
                text::sanitize(&b)
            )));
        }
        first.push(Span::raw(format!(
            "  {}{}{}",
            s.d_numbers,
            s.colon,
            keys.join(", ")
        )));
        if let Some(total) = tl.total {
            first.push(Span::styled(
                format!("  · {}", (s.n_messages)(total)),
                theme.dim(),
            ));
        }
        let optout = match &tl.optout {
            None => Span::raw(format!(" {}{}-", s.d_opted_out, s.colon)),
            Some(o) => {
                let when = text::short(o.ts_ms, o.utc_offset_s, &app.zone);
                let how = match &o.manual {
                    Some(ch) => format!("{} · {}", s.manual, text::sanitize(ch)),
                    None => format!("{}→{}", text::sanitize(&o.keyword), text::sanitize(&o.to)),
                };
                Span::styled(
                    format!(" {}{}{when} ({how})", s.d_opted_out, s.colon),
                    theme.mark(MarkKind::OptOut),
                )
            }
        };
        let confirmed = tl.confirmed.map_or_else(
            || "-".to_string(),
            |m| text::short(m.ts_ms, m.utc_offset_s, &app.zone),
        );
        let after_style = if tl.violations > 0 {
            theme.mark(MarkKind::Violation)
        } else {
            Style::new()
        };
        let second = vec![
            optout,
            Span::raw(format!("  · {}{}{confirmed}", s.d_confirmed, s.colon)),
            Span::raw(format!("  · {}{}", s.d_after, s.colon)),
            Span::styled(tl.violations.to_string(), after_style),
            Span::raw(format!("  · {}{}{}", s.d_in_flight, s.colon, tl.in_flight)),
        ];
        let mut lines = flow(first, width);
        lines.extend(flow(second, width));
        lines
    }
}

/// Lays spans out in lines of `width` columns, breaking between spans (a
/// span wider than the line is wrapped on its own).
fn flow(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for sp in spans {
        let w = sp.width();
        if used + w > width && !line.is_empty() {
            lines.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        if w > width {
            for part in wrap(sp.content.trim_start(), width) {
                lines.push(Line::from(Span::styled(part, sp.style)));
            }
            continue;
        }
        used += w;
        line.push(sp);
    }
    if !line.is_empty() {
        lines.push(Line::from(line));
    }
    lines
}

struct Messages<'a> {
    app: &'a App,
    tl: &'a Timeline,
}

fn mark_span(app: &App, mark: &Mark) -> Span<'static> {
    let s = app.strings;
    let label = match mark {
        Mark::Instruction { keyword, target } => {
            (s.mark_instruction)(&text::sanitize(keyword), &text::sanitize(target))
        }
        Mark::OptOut { keyword, to } => {
            (s.mark_optout)(&text::sanitize(keyword), &text::sanitize(to))
        }
        Mark::Confirmation => s.mark_confirmation.to_string(),
        Mark::InFlight => s.mark_in_flight.to_string(),
        Mark::Violation => s.mark_violation.to_string(),
    };
    Span::styled(
        format!("{} {label}", Theme::mark_symbol(mark.kind())),
        app.theme.mark(mark.kind()),
    )
}

/// The reply's keyword when an outgoing message is an opt-out as the
/// tracker reads one: sent to a marketer of the timeline (or to the number
/// it names as its target) in a word its jurisdiction takes as an opt-out
/// or the keyword it advertises. A "T" to a US number is not one.
fn optout_reply(app: &App, tl: &Timeline, m: &StoredMessage) -> Option<String> {
    let folded = crate::classify::fold(&m.body);
    let reply = folded.trim_matches(|c: char| {
        matches!(
            c,
            '.' | '!' | '。' | '！' | '"' | '\'' | '“' | '”' | ' ' | ',' | '，'
        )
    });
    if reply.is_empty() || RESUBSCRIBE_KEYWORDS.contains(&reply) {
        return None;
    }
    let to = m.sender_key.as_str();
    let takes_it = |s: &SenderReport| {
        let marketer = s.marketing > 0 || s.kind == SenderKind::Suspicious || s.keyword.is_some();
        (s.key == to || s.target.as_deref() == Some(to))
            && (marketer || s.class != SenderClass::Mobile)
            && s.jurisdiction.is_optout(reply, s.keyword.as_slice())
    };
    tl.sender_keys
        .iter()
        .filter_map(|k| app.sender(k))
        .any(takes_it)
        .then(|| reply.to_string())
}

/// The first line of a message: when, which way, what kind, which number;
/// then its marks, each wrapped on lines of its own so none is cut.
fn heading(app: &App, tl: &Timeline, m: &StoredMessage, width: usize) -> Vec<Line<'static>> {
    let s = app.strings;
    let theme = app.theme;
    let mut spans = vec![
        Span::styled(
            text::short(m.ts_ms, m.utc_offset_s, &app.zone),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
        Span::raw(match m.direction {
            Direction::Incoming => s.dir_in,
            Direction::Outgoing => s.dir_out,
        }),
        Span::raw("  "),
        Span::styled(s.message_kind(&m.kind).to_string(), theme.dim()),
    ];
    if tl.sender_keys.len() > 1 {
        spans.push(Span::raw(format!("  {}", text::sanitize(&m.sender_key))));
    }
    let mut marks: Vec<Mark> = tl.marks.get(&m.id).cloned().unwrap_or_default();
    // Every opt-out reply is marked, repeats too, not only the one in force.
    if m.direction == Direction::Outgoing
        && !marks.iter().any(|k| matches!(k, Mark::OptOut { .. }))
        && let Some(keyword) = optout_reply(app, tl, m)
    {
        marks.push(Mark::OptOut {
            keyword,
            to: m.sender_key.clone(),
        });
    }
    if app.show_rules {
        spans.push(Span::styled(
            format!(
                "  [{} {}]",
                s.rule,
                text::sanitize(m.rule_id.as_deref().unwrap_or("-"))
            ),
            theme.dim(),
        ));
    }
    if tl.found == Some(m.id) {
        spans.push(Span::styled(format!("  {}", s.search_match), theme.key()));
    }
    let mut lines = vec![Line::from(spans)];
    for mark in &marks {
        let sp = mark_span(app, mark);
        for part in wrap(&sp.content, width.saturating_sub(INDENT.len())) {
            lines.push(Line::styled(format!("{INDENT}{part}"), sp.style));
        }
    }
    lines
}

fn item(app: &App, tl: &Timeline, m: &StoredMessage, width: usize) -> ListItem<'static> {
    let mut lines = heading(app, tl, m, width);
    let body = text::sanitize_multiline(&m.body);
    let wrapped = wrap(&body, width.saturating_sub(INDENT.len()));
    let cut = wrapped.len() > MAX_BODY_LINES;
    for l in wrapped.into_iter().take(MAX_BODY_LINES) {
        lines.push(Line::raw(format!("{INDENT}{l}")));
    }
    if cut {
        lines.push(Line::styled(format!("{INDENT}…"), app.theme.dim()));
    }
    ListItem::new(Text::from(lines))
}

impl StatefulWidget for &Messages<'_> {
    type State = Ui;

    fn render(self, area: Rect, buf: &mut Buffer, ui: &mut Ui) {
        let (app, tl) = (self.app, self.tl);
        let s = app.strings;
        let position = match tl.total {
            Some(0) | None => String::new(),
            Some(total) => format!(" {}/{total} ", tl.cursor + 1),
        };
        let block = Block::bordered()
            .title(Span::styled(
                format!(" {} ", s.tab_timeline),
                app.theme.title(),
            ))
            .title_bottom(Line::from(position).right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        ui.page_rows = inner.height;
        ui.timeline_hits.clear();
        if tl.messages.is_empty() {
            let text = if tl.total.is_some() {
                s.no_messages
            } else {
                s.loading
            };
            Paragraph::new(Line::styled(text, app.theme.dim())).render(inner, buf);
            return;
        }
        // Two columns for the highlight symbol.
        let width = usize::from(inner.width.saturating_sub(2));
        let items: Vec<ListItem> = tl
            .messages
            .iter()
            .map(|m| item(app, tl, m, width))
            .collect();
        let heights: Vec<usize> = items.iter().map(ListItem::height).collect();
        // Keep the same messages on screen when the window moves.
        if ui.timeline_start != tl.start {
            let absolute = ui.timeline.offset() as u64 + ui.timeline_start;
            *ui.timeline.offset_mut() = absolute.saturating_sub(tl.start) as usize;
            ui.timeline_start = tl.start;
        }
        *ui.timeline.offset_mut() = ui.timeline.offset().min(items.len() - 1);
        let selected = tl.cursor.saturating_sub(tl.start) as usize;
        ui.timeline.select(Some(selected.min(items.len() - 1)));
        let list = List::new(items)
            .highlight_symbol("▶ ")
            .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
            .highlight_style(Style::new().add_modifier(Modifier::BOLD));
        StatefulWidget::render(list, inner, buf, &mut ui.timeline);
        let mut y = inner.y;
        for (i, h) in heights.iter().enumerate().skip(ui.timeline.offset()) {
            if y >= inner.bottom() {
                break;
            }
            let last = (y as usize + h - 1).min(usize::from(inner.bottom() - 1)) as u16;
            ui.timeline_hits.push((y, last, tl.start + i as u64));
            y = last.saturating_add(1);
        }
    }
}
