//! The `w` window: why the message under the timeline's cursor has its
//! kind. It names the kind, the rule that decided it and the words that
//! fired, and shows the message (sanitized) with those words highlighted.
//! From the senders list it explains the selected sender's kind the same
//! way: the rule that labelled the message that gave the sender its kind,
//! and the words it matched.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthChar;

use super::popups::scrolled;
use crate::store::StoredMessage;
use crate::text;
use crate::track::SenderReport;
use crate::tui::app::{App, RowRef, Screen};

pub struct Reason<'a> {
    pub app: &'a App,
}

impl Widget for &Reason<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let s = app.strings;
        let on_senders = app.screen == Screen::Senders;
        let message = if on_senders {
            None
        } else {
            app.timeline.as_ref().and_then(|t| t.current())
        };
        let sender = match app.selected_row() {
            Some(RowRef::Sender(i)) if on_senders => app.report.senders.get(i),
            _ => None,
        };
        let build = |inner: usize| -> Vec<Line<'static>> {
            match (message, sender) {
                (Some(m), _) => reason_lines(app, m, inner.max(8)),
                (None, Some(sr)) => sender_lines(app, sr, inner.max(8)),
                (None, None) => vec![Line::styled(s.reason_none, app.theme.dim())],
            }
        };
        let natural = usize::from(area.width).min(72);
        scrolled(app, s.reason_title, natural, &build, area, buf);
    }
}

fn reason_lines(app: &App, m: &StoredMessage, width: usize) -> Vec<Line<'static>> {
    let words = m.reason.as_deref().filter(|w| !w.is_empty());
    let mut lines = head_lines(app, &m.kind, m.rule_id.as_deref(), words);
    lines.push(Line::raw(""));
    lines.extend(wrap_spans(&highlighted(&m.body, words), width));
    lines
}

/// The kind, the rule and the words that fired (or that none did).
fn head_lines(
    app: &App,
    kind: &str,
    rule: Option<&str>,
    words: Option<&str>,
) -> Vec<Line<'static>> {
    let s = app.strings;
    let label = |l: &str| Span::styled(format!("{l}: "), app.theme.dim());
    let words = words.filter(|w| !w.is_empty());
    let mut lines = vec![
        Line::from(vec![
            label(s.reason_kind),
            Span::raw(text::sanitize(s.message_kind(kind))),
        ]),
        Line::from(vec![
            label(s.rule),
            Span::styled(text::sanitize(rule.unwrap_or("-")), app.theme.key()),
        ]),
    ];
    lines.push(match words {
        Some(w) => Line::from(vec![
            label(s.reason_words),
            Span::styled(format!("«{}»", text::sanitize(w)), highlight()),
        ]),
        None => Line::styled(s.reason_no_words, app.theme.dim()),
    });
    lines
}

/// The selected sender's kind, the rule that gave it and the words that
/// fired, then the sender's address.
fn sender_lines(app: &App, sr: &SenderReport, width: usize) -> Vec<Line<'static>> {
    let reason = sr.kind_reason.as_ref();
    let mut lines = head_lines(
        app,
        sr.kind.as_str(),
        reason.map(|r| r.rule.as_str()),
        reason.and_then(|r| r.text.as_deref()),
    );
    lines.push(Line::raw(""));
    lines.extend(wrap_spans(&[(text::sanitize(&sr.key), false)], width));
    lines
}

fn highlight() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

/// The body as (sanitized text, highlighted) pieces: the first place the
/// words stand in it is highlighted. Line breaks are kept as `\n`.
fn highlighted(body: &str, words: Option<&str>) -> Vec<(String, bool)> {
    let clean = |s: &str| text::sanitize_multiline(s);
    match words.and_then(|w| body.split_once(w).map(|(before, after)| (before, w, after))) {
        Some((before, w, after)) => vec![
            (clean(before), false),
            (clean(w), true),
            (clean(after), false),
        ],
        None => vec![(clean(body), false)],
    }
}

/// Lines of at most `width` columns, breaking anywhere (Chinese has no
/// spaces) and at every `\n`, each piece keeping its style.
fn wrap_spans(pieces: &[(String, bool)], width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (piece, lit) in pieces {
        let style = if *lit { highlight() } else { Style::new() };
        let mut run = String::new();
        for c in piece.chars() {
            let w = c.width().unwrap_or(0);
            if c == '\n' || used + w > width {
                if !run.is_empty() {
                    line.push(Span::styled(std::mem::take(&mut run), style));
                }
                lines.push(Line::from(std::mem::take(&mut line)));
                used = 0;
                if c == '\n' {
                    continue;
                }
            }
            run.push(c);
            used += w;
        }
        if !run.is_empty() {
            line.push(Span::styled(run, style));
        }
    }
    if !line.is_empty() {
        lines.push(Line::from(line));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn the_words_that_fired_are_the_highlighted_piece() {
        let pieces = highlighted("全场5折起，回T退订", Some("5折"));
        assert_eq!(
            pieces,
            vec![
                ("全场".to_string(), false),
                ("5折".to_string(), true),
                ("起，回T退订".to_string(), false)
            ]
        );
        // Words not in the body (a redacted or edited text): nothing lit.
        assert_eq!(
            highlighted("hello", Some("x")),
            vec![("hello".into(), false)]
        );
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let pieces = highlighted("a\u{1b}[31mb SALE", Some("SALE"));
        assert!(
            pieces.iter().all(|(p, _)| !p.contains('\u{1b}')),
            "{pieces:?}"
        );
    }

    #[test]
    fn wrapping_counts_columns_and_keeps_styles() {
        let lines = wrap_spans(&highlighted("尊敬的客户全场5折起", Some("5折")), 6);
        assert_eq!(text_of(&lines), vec!["尊敬的", "客户全", "场5折", "起"]);
        let lit: Vec<&str> = lines
            .iter()
            .flat_map(|l| l.spans.iter())
            .filter(|s| s.style == highlight())
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(lit, vec!["5折"]);
        assert_eq!(
            text_of(&wrap_spans(&[("a\nb".into(), false)], 10)),
            vec!["a", "b"]
        );
    }
}
