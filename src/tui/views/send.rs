//! The sends' progress view (`S`, `s`): each planned opt-out with its
//! state (waiting, sending, sent, failed, not sent), the current one
//! highlighted, a count, the pause, and how to stop; at the end, what was
//! sent and what was not, until closed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::popups::{titled, window};
use super::{truncate, wrap};
use crate::text;
use crate::tui::app::{App, SendRun, SendState, send_what};

pub struct SendProgress<'a> {
    pub app: &'a App,
    pub run: &'a SendRun,
}

impl SendProgress<'_> {
    /// A row's state in words, marked `▸` when it is the current one.
    fn state(&self, state: &SendState, current: bool) -> (String, Style) {
        let (s, theme) = (&self.app.strings.send, self.app.theme);
        let (mark, word, style) = match state {
            SendState::Waiting => ("·", s.waiting.to_string(), theme.dim()),
            SendState::Sending => ("▸", s.sending.to_string(), theme.warning()),
            SendState::Sent(id) => ("✓", format!("{} #{id}", s.sent), theme.ok()),
            SendState::Failed(_) => ("✗", s.failed.to_string(), theme.error()),
            SendState::NotSent => ("–", s.not_sent.to_string(), theme.dim()),
            SendState::Duplicate => ("–", s.duplicate.to_string(), theme.dim()),
        };
        let mark = if current { "▸" } else { mark };
        (format!("{mark} {word}"), style)
    }
}

impl Widget for &SendProgress<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (app, run) = (self.app, self.run);
        let s = &app.strings.send;
        let theme = app.theme;
        let n = run.rows.len();
        let sent = run.count(|st| matches!(st, SendState::Sent(_)));
        let failed = run.count(|st| matches!(st, SendState::Failed(_)));
        let not_sent = run.count(|st| *st == SendState::NotSent);
        let wide = usize::from(area.width.saturating_sub(2)).min(96);
        let inner = wide.saturating_sub(2);
        let mut head: Vec<Line<'_>> = match &run.not_started {
            Some(why) => wrap(why, inner.saturating_sub(2))
                .into_iter()
                .map(|l| Line::styled(format!(" {l}"), theme.error()))
                .collect(),
            None => vec![Line::raw(format!(
                " {}",
                (s.count)(sent, n, failed, not_sent)
            ))],
        };
        head.push(match (run.pausing, run.stopping) {
            _ if run.finished => Line::raw(""),
            (_, true) => Line::styled(format!(" {}", s.stopping), theme.warning()),
            (Some((_, secs)), false) => {
                Line::styled(format!(" {}", (s.pausing)(secs)), theme.dim())
            }
            _ => Line::raw(""),
        });
        // The failure's reason, under the table: it can be long.
        let failure = run.rows.iter().find_map(|r| match &r.state {
            SendState::Failed(why) => Some(why.as_str()),
            _ => None,
        });
        let mut foot: Vec<Line<'_>> = Vec::new();
        if let Some(why) = failure {
            for l in wrap(&format!("✗ {why}"), inner.saturating_sub(2)) {
                foot.push(Line::styled(format!(" {l}"), theme.error()));
            }
        }
        let how = if run.finished {
            s.how_to_close
        } else {
            s.how_to_stop
        };
        foot.push(Line::styled(format!(" {how}"), theme.key()));
        let wanted = head.len() + n + 1 + foot.len() + 2;
        let r = window(
            area,
            u16::try_from(wide).unwrap_or(96),
            u16::try_from(wanted).unwrap_or(u16::MAX),
            buf,
        );
        // The rows that fit, the current one kept in view.
        let room = usize::from(r.height.saturating_sub(2))
            .saturating_sub(head.len() + foot.len() + 1)
            .max(1);
        let current = run.current();
        let first = current
            .map_or(0, |c| (c + 2).saturating_sub(room))
            .min(n.saturating_sub(room));
        let labels: Vec<(String, Style)> = run
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| self.state(&r.state, current == Some(i)))
            .collect();
        let label_w = labels.iter().map(|(l, _)| l.width()).max().unwrap_or(0);
        let mut lines = head;
        for (i, row) in run.rows.iter().enumerate().skip(first).take(room) {
            let (label, style) = &labels[i];
            let who = row
                .job
                .brand
                .as_deref()
                .filter(|b| *b != row.job.sender)
                .map(|b| format!("  {}", text::sanitize(b)))
                .unwrap_or_default();
            let pad = label_w.saturating_sub(label.width());
            let what = format!("{}{who}", send_what(&row.job));
            let what = truncate(&what, inner.saturating_sub(label_w + 4));
            let mut line = Line::from(vec![
                Span::styled(format!(" {label}{}  ", " ".repeat(pad)), *style),
                Span::raw(what),
            ]);
            if current == Some(i) {
                line = line.style(theme.selected());
            }
            lines.push(line);
        }
        lines.push(Line::raw(""));
        lines.extend(foot);
        let title = match (&run.not_started, run.driver) {
            (Some(_), _) => s.title_not_sent.to_string(),
            (None, d) => (s.title)(d),
        };
        Paragraph::new(lines)
            .block(titled(app, &title))
            .render(r, buf);
    }
}
