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
    fn state(&self, state: &SendState) -> (String, Style) {
        let (s, theme) = (&self.app.strings.send, self.app.theme);
        match state {
            SendState::Waiting => (format!("· {}", s.waiting), theme.dim()),
            SendState::Sending => (format!("▸ {}", s.sending), theme.warning()),
            SendState::Sent(id) => (format!("✓ {} #{id}", s.sent), theme.ok()),
            SendState::Failed(_) => (format!("✗ {}", s.failed), theme.error()),
            SendState::NotSent => (format!("– {}", s.not_sent), theme.dim()),
            SendState::Duplicate => (format!("– {}", s.duplicate), theme.dim()),
        }
    }
}

impl Widget for &SendProgress<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (app, run) = (self.app, self.run);
        let s = &app.strings.send;
        let theme = app.theme;
        let height = u16::try_from(run.rows.len() + 8).unwrap_or(u16::MAX);
        let r = window(area, 96, height, buf);
        let inner = usize::from(r.width.saturating_sub(2));
        let n = run.rows.len();
        let sent = run.count(|st| matches!(st, SendState::Sent(_)));
        let failed = run.count(|st| matches!(st, SendState::Failed(_)));
        let done = run.count(|st| !matches!(st, SendState::Waiting | SendState::Sending));
        let mut head = vec![Line::raw(format!(" {}", (s.count)(done, n, sent, failed)))];
        head.push(match (&run.not_started, run.pausing, run.stopping) {
            (Some(why), _, _) => Line::styled(format!(" {why}"), theme.error()),
            _ if run.finished => Line::raw(""),
            (None, _, true) => Line::styled(format!(" {}", s.stopping), theme.warning()),
            (None, Some((_, secs)), false) => {
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
        // The rows that fit, the current one kept in view.
        let room = usize::from(r.height.saturating_sub(2))
            .saturating_sub(head.len() + foot.len() + 1)
            .max(1);
        let current = run.current();
        let first = current
            .map_or(0, |c| (c + 2).saturating_sub(room))
            .min(n.saturating_sub(room));
        let labels: Vec<(String, Style)> = run.rows.iter().map(|r| self.state(&r.state)).collect();
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
        Paragraph::new(lines)
            .block(titled(app, &(s.title)(run.driver)))
            .render(r, buf);
    }
}
