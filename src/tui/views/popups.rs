//! Windows over the screen: help, how to unsubscribe, the prompts (search,
//! manual opt-out, export, import) and the import's progress.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::wrap;
use crate::import::MergePhase;
use crate::text;
use crate::tui::app::{
    Advice, App, Confirm, Effect, ExportField, ExportScope, ImportProgress, ManualField, Prompt,
    Target, advice,
};

/// A centred window of at most `width` × `height`, cleared.
pub(super) fn window(area: Rect, width: u16, height: u16, buf: &mut Buffer) -> Rect {
    let w = width.min(area.width.saturating_sub(2));
    let h = height.min(area.height.saturating_sub(2));
    let r = area.centered(Constraint::Length(w), Constraint::Length(h));
    Clear.render(r, buf);
    // A wide character just left of the window would spill over its border.
    if let Some(x) = r.x.checked_sub(1) {
        for y in r.top()..r.bottom() {
            if let Some(cell) = buf.cell_mut((x, y))
                && cell.symbol().width() > 1
            {
                cell.set_symbol(" ");
            }
        }
    }
    r
}

pub(super) fn titled(app: &App, title: &str) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(format!(" {title} "), app.theme.title()))
        .border_style(app.theme.key())
}

pub struct Help<'a> {
    pub app: &'a App,
}

impl Widget for &Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let rows: Vec<&(&str, &str)> = s.help.iter().chain(s.help_statuses).collect();
        let key_width = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
        let natural = rows
            .iter()
            .map(|(_, w)| key_width + 3 + w.width())
            .max()
            .unwrap_or(0);
        // Wrapped here, with a hanging indent, so the height is exact and
        // every line can be scrolled to.
        let build = |inner: usize| -> Vec<Line<'static>> {
            let what_width = inner.saturating_sub(key_width + 3).max(8);
            let row = |(k, what): &(&str, &str)| -> Vec<Line<'static>> {
                wrap(what, what_width)
                    .into_iter()
                    .enumerate()
                    .map(|(i, part)| {
                        let key = if i == 0 {
                            (*k).to_string()
                        } else {
                            String::new()
                        };
                        Line::from(vec![
                            Span::styled(
                                format!(" {key}{}", " ".repeat(key_width - key.width())),
                                app.theme.key(),
                            ),
                            Span::raw(format!("  {part}")),
                        ])
                    })
                    .collect()
            };
            let mut lines: Vec<Line> = s.help.iter().flat_map(row).collect();
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!(" {}", s.help_statuses_title),
                app.theme.title(),
            ));
            lines.extend(s.help_statuses.iter().flat_map(row));
            lines
        };
        scrolled(app, s.help_title, natural, &build, area, buf);
    }
}

/// A window of lines (built for its inner width) that scrolls (↑↓,
/// PgUp/PgDn) when taller than the screen; the bottom border says where.
pub(super) fn scrolled(
    app: &App,
    title: &str,
    natural: usize,
    build: &dyn Fn(usize) -> Vec<Line<'static>>,
    area: Rect,
    buf: &mut Buffer,
) {
    let width = (natural + 3).min(usize::from(area.width.saturating_sub(2)));
    let lines = build(width.saturating_sub(2).max(1));
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let r = window(area, width as u16, total.saturating_add(2), buf);
    let visible = r.height.saturating_sub(2);
    let top = app.scroll.min(total.saturating_sub(visible));
    let mut block = titled(app, title);
    if total > visible {
        block = block.title_bottom(
            Line::from(format!(
                " ↑↓ {}–{}/{total} ",
                top + 1,
                (top + visible).min(total)
            ))
            .right_aligned(),
        );
    }
    Paragraph::new(lines)
        .block(block)
        .scroll((top, 0))
        .render(r, buf);
}

/// `L`: every status line of the session, in full.
pub struct Log<'a> {
    pub app: &'a App,
}

impl Widget for &Log<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let build = |inner: usize| -> Vec<Line<'static>> {
            let mut lines: Vec<Line> = Vec::new();
            if app.log.is_empty() {
                lines.push(Line::styled(s.log_empty, app.theme.dim()));
            }
            for e in &app.log {
                let style = if e.error {
                    app.theme.error()
                } else {
                    Style::new()
                };
                let indent = e.at.width() + 2;
                let parts: Vec<String> = e
                    .text
                    .split('\n')
                    .flat_map(|l| wrap(l, inner.saturating_sub(indent).max(8)))
                    .collect();
                for (i, part) in parts.into_iter().enumerate() {
                    let at = if i == 0 {
                        e.at.clone()
                    } else {
                        " ".repeat(e.at.width())
                    };
                    lines.push(Line::from(vec![
                        Span::styled(format!("{at}  "), app.theme.dim()),
                        Span::styled(part, style),
                    ]));
                }
            }
            lines
        };
        // As wide as the screen allows: errors are long.
        scrolled(app, s.log_title, usize::from(area.width), &build, area, buf);
    }
}

/// A y/n question.
pub struct Question<'a> {
    pub app: &'a App,
    pub confirm: &'a Confirm,
}

impl Widget for &Question<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let text = match self.confirm {
            Confirm::Ignore {
                brand,
                name,
                ignored,
            } => (s.confirm_ignore)(*brand, &text::sanitize(name), *ignored),
            Confirm::Overwrite(Effect::WriteExport { path, .. }) => {
                (s.export_exists)(&text::sanitize(path))
            }
            Confirm::Overwrite(_) => String::new(),
            Confirm::Send { question, .. } | Confirm::SendAll { question, .. } => question.clone(),
        };
        let lines = vec![
            Line::styled(text, app.theme.warning()),
            Line::raw(""),
            Line::styled(s.confirm_keys, app.theme.key()),
        ];
        let r = window(area, 64, wrapped_height(&lines, 62) + 2, buf);
        Paragraph::new(lines)
            .block(titled(app, s.confirm_title))
            .wrap(Wrap { trim: false })
            .render(r, buf);
    }
}

pub struct Unsubscribe<'a> {
    pub app: &'a App,
    pub target: &'a Target,
}

impl Widget for &Unsubscribe<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let who = match self.target {
            Target::Sender(k) | Target::Brand(k) => text::sanitize(k),
        };
        let mut lines = vec![Line::styled(who, app.theme.title()), Line::raw("")];
        if app.is_violating(self.target) {
            // Opted out and it kept sending: evidence and a complaint, not
            // another opt-out.
            let optout = match self.target {
                Target::Sender(k) => app
                    .sender(k)
                    .and_then(|r| r.findings.optout.clone().map(|o| (o, r.after_optout()))),
                Target::Brand(b) => app
                    .brand(b)
                    .and_then(|r| r.optout.clone().map(|o| (o, r.after_optout))),
            };
            // Wrapped here, CJK-aware, so no wide character lands on the border.
            let para = |text: &str, style: Style| -> Vec<Line<'static>> {
                super::wrap(text, 70)
                    .into_iter()
                    .map(|l| Line::styled(l, style))
                    .collect()
            };
            if let Some((o, n)) = optout {
                let at = text::short(o.ts_ms, o.utc_offset_s, &app.zone);
                lines.extend(para(
                    &(s.advice_already_violating)(&at, n),
                    app.theme.warning(),
                ));
                lines.push(Line::raw(""));
            }
            lines.extend(para(s.advice_violating, Style::new()));
            lines.push(Line::raw(""));
            lines.push(Line::styled(s.advice_then_m, app.theme.dim()));
            let r = window(area, 72, wrapped_height(&lines, 70) + 2, buf);
            Paragraph::new(lines)
                .block(titled(app, s.unsubscribe_title))
                .wrap(Wrap { trim: false })
                .render(r, buf);
            return;
        }
        match advice(app, self.target) {
            Advice::DoNotReply { advertised } => {
                lines.push(Line::styled(s.advice_do_not_reply, app.theme.warning()));
                lines.push(Line::raw(""));
                lines.push(Line::raw(s.advice_report));
                if let Some(k) = advertised {
                    lines.push(Line::raw(""));
                    lines.push(Line::styled(
                        (s.advice_advertised_ignore)(&text::sanitize(&k)),
                        app.theme.dim(),
                    ));
                }
            }
            Advice::Send { keyword, to } => {
                lines.push(Line::from(vec![
                    Span::raw(format!("{}  ", s.advice_send)),
                    Span::styled(text::sanitize(&keyword), app.theme.key()),
                    Span::raw(format!("  {}  ", s.advice_to)),
                    Span::styled(text::sanitize(&to), app.theme.key()),
                ]));
                lines.push(Line::raw(""));
                lines.push(Line::styled(s.advice_as_stated, app.theme.dim()));
                lines.push(Line::styled(s.advice_copy_send, app.theme.key()));
            }
            Advice::Suggest { keyword, to } => {
                lines.push(Line::from(vec![
                    Span::raw(format!("{}  ", s.advice_send)),
                    Span::styled(keyword, app.theme.key()),
                    Span::raw(format!("  {}  ", s.advice_to)),
                    Span::styled(text::sanitize(&to), app.theme.key()),
                ]));
                lines.push(Line::raw(""));
                lines.push(Line::styled(s.advice_suggestion, app.theme.warning()));
            }
            Advice::Unknown => lines.push(Line::raw(s.advice_unknown)),
        }
        if !matches!(advice(app, self.target), Advice::DoNotReply { .. }) {
            lines.push(Line::raw(""));
            lines.push(Line::styled(s.advice_then_m, app.theme.dim()));
        }
        let r = window(area, 72, wrapped_height(&lines, 70) + 2, buf);
        Paragraph::new(lines)
            .block(titled(app, s.unsubscribe_title))
            .wrap(Wrap { trim: false })
            .render(r, buf);
    }
}

/// How many screen lines `lines` take when wrapped to `width`.
fn wrapped_height(lines: &[Line], width: usize) -> u16 {
    lines
        .iter()
        .map(|l| l.width().div_ceil(width).max(1) as u16)
        .sum()
}

/// One labelled text field; returns where the cursor goes when active.
fn field_line(app: &App, label: &str, value: &str, active: bool) -> Line<'static> {
    let style = if active {
        app.theme.selected()
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::raw(format!("{label}{}", app.strings.colon)),
        Span::styled(format!("{} ", text::sanitize(value)), style),
    ])
}

fn cursor_after(app: &App, r: Rect, row: u16, label: &str, value: &str) -> Position {
    let x = r.x
        + 1
        + (label.width() + app.strings.colon.width() + text::sanitize(value).width()) as u16;
    Position::new(x.min(r.right().saturating_sub(2)), r.y + 1 + row)
}

/// Draws a prompt; returns the cursor position.
pub fn render_prompt(app: &App, prompt: &Prompt, area: Rect, buf: &mut Buffer) -> Position {
    let s = app.strings;
    match prompt {
        Prompt::Columns(p) => super::mapping::render(app, p, area, buf),
        Prompt::Search { text: q } => {
            // The search line replaces the status line.
            let [_, line, _] = Layout::vertical([
                Constraint::Fill(1),
                Constraint::Length(1),
                Constraint::Length(1),
            ])
            .areas(area);
            Clear.render(line, buf);
            let shown = text::sanitize(q);
            Line::from(vec![
                Span::styled(format!(" {} /", s.search_label), app.theme.key()),
                Span::raw(shown.clone()),
                Span::styled(format!("   {}", s.search_help), app.theme.dim()),
            ])
            .render(line, buf);
            let x = line.x + (s.search_label.width() + 3 + shown.width()) as u16;
            Position::new(x.min(line.right().saturating_sub(1)), line.y)
        }
        Prompt::Manual {
            target,
            date,
            channel,
            field,
            error,
        } => {
            let (scope, name) = match target {
                Target::Sender(k) => (s.scope_sender, k),
                Target::Brand(b) => (s.scope_brand, b),
            };
            let mut lines = vec![
                Line::raw(format!("{scope} {}", text::sanitize(name))),
                field_line(app, s.manual_date, date, *field == ManualField::Date),
                field_line(
                    app,
                    s.manual_channel,
                    channel,
                    *field == ManualField::Channel,
                ),
                Line::styled(s.manual_help, app.theme.dim()),
            ];
            if let Some(e) = error {
                lines.push(Line::styled(text::sanitize(e), app.theme.error()));
            }
            let r = window(area, 72, 8, buf);
            Paragraph::new(lines)
                .block(titled(app, s.manual_title))
                .wrap(Wrap { trim: false })
                .render(r, buf);
            match field {
                ManualField::Date => cursor_after(app, r, 1, s.manual_date, date),
                ManualField::Channel => cursor_after(app, r, 2, s.manual_channel, channel),
            }
        }
        Prompt::Export {
            dir,
            file,
            field,
            scope,
            selected,
            redact,
            zh,
            error,
        } => {
            let violating = app.export_keys(ExportScope::AllViolating, None).len();
            let radio = |on: bool| if on { "(•)" } else { "( )" };
            let check = |on: bool| if on { "[x]" } else { "[ ]" };
            let active = |f: ExportField| {
                if *field == f {
                    app.theme.selected()
                } else {
                    Style::new()
                }
            };
            let dir_shown = if dir.is_empty() && *field != ExportField::Dir {
                s.export_dir_here.to_string()
            } else {
                dir.clone()
            };
            let mut lines = vec![
                field_line(app, s.export_dir, &dir_shown, *field == ExportField::Dir),
                field_line(app, s.export_file, file, *field == ExportField::File),
            ];
            if let Some(t) = selected {
                let name = match t {
                    Target::Sender(k) | Target::Brand(k) => text::sanitize(k),
                };
                lines.push(Line::styled(
                    format!(
                        "{} {} {name}",
                        radio(*scope == ExportScope::Selected),
                        s.export_selected
                    ),
                    active(ExportField::Scope),
                ));
            }
            lines.push(Line::styled(
                format!(
                    "{} {}",
                    radio(*scope == ExportScope::AllViolating),
                    (s.export_all_violating)(violating)
                ),
                active(ExportField::Scope),
            ));
            lines.push(Line::styled(
                format!("{} {}", check(*redact), s.export_redact),
                active(ExportField::Redact),
            ));
            lines.push(Line::styled(
                format!(
                    "{}{}{}",
                    s.export_lang,
                    s.colon,
                    if *zh {
                        format!("{} / [{}]", s.export_lang_names[0], s.export_lang_names[1])
                    } else {
                        format!("[{}] / {}", s.export_lang_names[0], s.export_lang_names[1])
                    }
                ),
                active(ExportField::Lang),
            ));
            lines.push(Line::styled(s.export_help, app.theme.dim()));
            if let Some(e) = error {
                lines.push(Line::styled(text::sanitize(e), app.theme.error()));
            }
            let r = window(area, 76, wrapped_height(&lines, 74) + 2, buf);
            Paragraph::new(lines)
                .block(titled(app, s.export_title))
                .wrap(Wrap { trim: false })
                .render(r, buf);
            match field {
                ExportField::Dir => cursor_after(app, r, 0, s.export_dir, dir),
                _ => cursor_after(app, r, 1, s.export_file, file),
            }
        }
        Prompt::Import {
            path,
            choices,
            error,
        } => {
            let mut lines = vec![
                field_line(app, s.import_file, path, true),
                Line::styled(s.import_help, app.theme.dim()),
            ];
            if !choices.is_empty() {
                let names: Vec<String> = choices.iter().map(|c| text::sanitize(c)).collect();
                lines.push(Line::raw(names.join("  ")));
            }
            if let Some(e) = error {
                lines.push(Line::styled(text::sanitize(e), app.theme.error()));
            }
            let r = window(area, 72, wrapped_height(&lines, 70) + 4, buf);
            Paragraph::new(lines)
                .block(titled(app, s.import_title))
                .wrap(Wrap { trim: false })
                .render(r, buf);
            cursor_after(app, r, 0, s.import_file, path)
        }
    }
}

pub struct Importing<'a> {
    pub app: &'a App,
    pub progress: &'a ImportProgress,
}

impl Widget for &Importing<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let p = self.progress;
        let r = window(area, 64, 5, buf);
        let block = titled(app, app.strings.importing);
        let inner = block.inner(r);
        block.render(r, buf);
        let [name, gauge] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
        Line::raw(text::sanitize(&p.file)).render(name, buf);
        let ratio = if p.total == 0 {
            0.0
        } else {
            (p.done as f64 / p.total as f64).clamp(0.0, 1.0)
        };
        let label = match p.phase {
            None => format!(
                "{:.0}% ({:.1} / {:.1} MB)",
                ratio * 100.0,
                p.done as f64 / 1e6,
                p.total as f64 / 1e6
            ),
            // One statement: no share to show until it ends.
            Some(MergePhase::Sorting) => app.strings.import_sorting.to_string(),
            Some(phase) => format!(
                "{}: {:.0}% ({} / {})",
                if phase == MergePhase::Indexing {
                    app.strings.import_indexing
                } else {
                    app.strings.import_writing
                },
                ratio * 100.0,
                text::group_digits(p.done),
                text::group_digits(p.total)
            ),
        };
        Gauge::default()
            .ratio(ratio)
            .label(label)
            .gauge_style(app.theme.chart())
            .render(gauge, buf);
    }
}
