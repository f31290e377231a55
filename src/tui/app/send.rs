//! Acting from the interface: `y` copies the keyword and the target to the
//! clipboard (an OSC 52 sequence optout writes itself, the text base64
//! encoded, so no message text ever reaches the terminal raw), and `s` in
//! the unsubscribe window offers to send the opt-out now through the
//! user's phone, after a y/n question; `S` sends the whole to-do list
//! after one. The plan's rules apply: a suspicious sender gets the report
//! advice, never a send.
//!
//! The sends run on a thread of the loop's (`tui/sending.rs`), which
//! reports each move as a [`SendEvent`]; [`SendRun`] is what the progress
//! view (`views/send.rs`) draws: each planned send with its state. Esc
//! stops the run after the send in progress.

use std::time::Duration;

use super::{Advice, App, Confirm, Effect, Overlay, Target, advice};
use crate::send::{self, DriverError, Job, PlanOptions, Step};
use crate::text;

/// What the send thread reports, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendEvent {
    /// The phone link it sends through.
    Driver(&'static str),
    /// Waiting before job `i` (one message at a time).
    Pausing(usize, Duration),
    /// Job `i` is being sent.
    Sending(usize),
    Done(usize, Step),
    /// Nothing was sent: why.
    NotStarted(NotStarted),
    /// The thread is done.
    Finished,
}

/// Why a run sent nothing at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotStarted {
    /// No kdeconnect, termux or messages on this machine.
    NoPhoneLink,
    /// The phone link could not start (no device, several…).
    Driver(DriverError),
    /// The database is in memory (the demo) or could not be opened.
    Database(Option<String>),
}

/// One planned send and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRow {
    pub job: Job,
    pub state: SendState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendState {
    Waiting,
    Sending,
    /// Sent; the journal's id.
    Sent(i64),
    /// Why, in the interface's language, made safe.
    Failed(String),
    /// Never tried: an earlier one failed, or the run was stopped.
    NotSent,
    /// The same text to the same number as an earlier row.
    Duplicate,
}

/// A run of sends, as its view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRun {
    pub line_id: i64,
    pub rows: Vec<SendRow>,
    /// The phone link, once the thread has chosen it.
    pub driver: Option<&'static str>,
    /// Waiting (seconds) before this row.
    pub pausing: Option<(usize, u64)>,
    /// Esc was pressed: no send after the current one.
    pub stopping: bool,
    /// Nothing was sent: why, in words.
    pub not_started: Option<String>,
    /// The thread is done; the view stays until closed.
    pub finished: bool,
}

impl SendRun {
    pub fn count(&self, f: impl Fn(&SendState) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.state)).count()
    }

    /// The row being sent, or waited for, if any.
    pub fn current(&self) -> Option<usize> {
        self.rows
            .iter()
            .position(|r| r.state == SendState::Sending)
            .or(self.pausing.map(|(i, _)| i))
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Seconds between two messages of a bulk send.
pub const SEND_PAUSE_S: u64 = 3;

impl App {
    fn the_target(&self) -> Option<Target> {
        match &self.overlay {
            Overlay::Unsubscribe(t) => Some(t.clone()),
            _ => self.acting_target(),
        }
    }

    /// `y`: the keyword and the target, to the clipboard.
    pub(super) fn copy_advice(&mut self) -> Vec<Effect> {
        let s = self.strings;
        let Some(target) = self.the_target() else {
            self.complain(s.nothing_selected.to_string());
            return Vec::new();
        };
        match advice(self, &target) {
            Advice::Send { keyword, to } => vec![Effect::Copy {
                text: format!("{keyword} → {to}"),
            }],
            Advice::DoNotReply { .. } => {
                self.complain(s.copy_suspicious.to_string());
                Vec::new()
            }
            _ => {
                self.complain(s.copy_nothing.to_string());
                Vec::new()
            }
        }
    }

    /// The plan (`optout send`'s rules) for this line's senders, `named`
    /// only when given; and the line.
    fn plan_for(&self, named: Option<String>) -> Option<(send::Plan, i64)> {
        let line_id = self.report.senders.first()?.line_id;
        let plan = send::plan(
            &self.report.senders,
            &PlanOptions {
                named: named.into_iter().collect(),
                again: false,
            },
            &crate::classify::Region::default(),
            &self.sends_pending,
        );
        Some((plan, line_id))
    }

    /// `s` in the unsubscribe window: the plan's one send for this sender
    /// or brand, asked first; or why it is not sent.
    pub(super) fn offer_send(&mut self) -> Vec<Effect> {
        let s = self.strings;
        if self.demo {
            self.complain(s.send.demo.to_string());
            return Vec::new();
        }
        let Some(target) = self.the_target() else {
            self.complain(s.nothing_selected.to_string());
            return Vec::new();
        };
        let name = match &target {
            Target::Sender(k) | Target::Brand(k) => k.clone(),
        };
        let Some((plan, line_id)) = self.plan_for(Some(name)) else {
            self.complain(s.nothing_selected.to_string());
            return Vec::new();
        };
        let Some(job) = send::jobs_of(&plan).into_iter().next() else {
            let why = plan.refused.first().map_or_else(
                || send::Refusal::NoInstruction.reason(),
                |r| r.refusal.reason(),
            );
            self.complain((s.send_refused)(&text::sanitize(&why)));
            return Vec::new();
        };
        let what = send_what(&job);
        self.overlay = Overlay::Confirm(Confirm::Send {
            question: (s.send_now_question)(&what),
            job,
            line_id,
        });
        Vec::new()
    }

    /// `S`: every sender of the to-do list that can be opted out, one
    /// question, then the progress view: one at a time with a pause, each
    /// step in the log.
    pub(super) fn offer_send_all(&mut self) -> Vec<Effect> {
        let s = self.strings;
        if self.demo {
            self.complain(s.send.demo.to_string());
            return Vec::new();
        }
        let Some((plan, line_id)) = self.plan_for(None) else {
            self.complain((s.send_all_nothing)(0));
            return Vec::new();
        };
        let jobs = send::jobs_of(&plan);
        if jobs.is_empty() {
            self.complain((s.send_all_nothing)(plan.refused.len()));
            return Vec::new();
        }
        self.overlay = Overlay::Confirm(Confirm::SendAll {
            question: (s.send_all_question)(jobs.len(), SEND_PAUSE_S, plan.refused.len()),
            jobs,
            line_id,
        });
        Vec::new()
    }

    /// After the one confirmation: the progress view, and the thread.
    pub(super) fn start_sending(&mut self, jobs: Vec<Job>, line_id: i64) -> Vec<Effect> {
        self.sending = Some(SendRun {
            line_id,
            rows: jobs
                .iter()
                .map(|job| SendRow {
                    job: job.clone(),
                    state: SendState::Waiting,
                })
                .collect(),
            driver: None,
            pausing: None,
            stopping: false,
            not_started: None,
            finished: false,
        });
        self.overlay = Overlay::Sending;
        vec![Effect::StartSend { jobs, line_id }]
    }

    /// A key in the progress view: Esc stops after the current send, and
    /// closes the view once the run is over.
    pub(super) fn sending_key(&mut self, action: &super::Action) -> Vec<Effect> {
        use super::Action;
        if !matches!(action, Action::Back | Action::Submit) {
            return Vec::new();
        }
        let s = self.strings;
        match self.sending.as_mut() {
            Some(run) if !run.finished => {
                if run.stopping {
                    return Vec::new();
                }
                run.stopping = true;
                self.say(s.send.stopping.to_string());
                vec![Effect::StopSend]
            }
            _ => {
                self.sending = None;
                self.overlay = Overlay::None;
                Vec::new()
            }
        }
    }

    /// The send thread's news: the row's state, each result in the log,
    /// and at the end a summary and the statuses recomputed.
    pub(super) fn send_event(&mut self, event: SendEvent) -> Vec<Effect> {
        let s = self.strings;
        let Some(run) = self.sending.as_mut() else {
            return Vec::new();
        };
        match event {
            SendEvent::Driver(name) => run.driver = Some(name),
            SendEvent::Pausing(i, pause) => run.pausing = Some((i, pause.as_secs())),
            SendEvent::Sending(i) => {
                run.pausing = None;
                if let Some(r) = run.rows.get_mut(i) {
                    r.state = SendState::Sending;
                }
            }
            SendEvent::Done(i, step) => {
                run.pausing = None;
                let n = run.rows.len();
                let Some(row) = run.rows.get_mut(i) else {
                    return Vec::new();
                };
                row.state = match step {
                    Step::Sent { id } => SendState::Sent(id),
                    Step::Failed { error, cause, .. } => SendState::Failed(match cause {
                        Some(c) => (s.send.driver_error)(&c),
                        None => text::sanitize(&error),
                    }),
                    Step::NotSent | Step::Shown(_) => SendState::NotSent,
                    Step::Duplicate => SendState::Duplicate,
                };
                let what = send_what(&row.job);
                let line = match &row.state {
                    SendState::Sent(id) => Some((s.send.step_sent)(&what, *id)),
                    SendState::Failed(why) => Some(format!("{what}: {why}")),
                    _ => None,
                };
                let failed = matches!(row.state, SendState::Failed(_));
                if let Some(line) = line {
                    let line = (s.send_step)(i + 1, n, &line);
                    if failed {
                        self.complain(line);
                    } else {
                        self.say(line);
                    }
                }
            }
            SendEvent::NotStarted(why) => {
                let why = match why {
                    NotStarted::NoPhoneLink => s.send.no_phone_link.to_string(),
                    NotStarted::Driver(e) => (s.send.driver_error)(&e),
                    NotStarted::Database(None) => s.send.in_memory.to_string(),
                    NotStarted::Database(Some(e)) => text::sanitize(&e),
                };
                for r in &mut run.rows {
                    r.state = SendState::NotSent;
                }
                run.not_started = Some(why.clone());
                self.complain((s.send_refused)(&why));
            }
            SendEvent::Finished => {
                run.finished = true;
                run.pausing = None;
                if run.not_started.is_some() {
                    return Vec::new();
                }
                let sent = run.count(|st| matches!(st, SendState::Sent(_)));
                let failed = run.count(|st| matches!(st, SendState::Failed(_)));
                let not_sent = run.count(|st| *st == SendState::NotSent);
                let line = (s.send.summary)(sent, failed, not_sent, run.driver.unwrap_or("?"));
                if failed > 0 {
                    self.complain(line);
                } else {
                    self.say(line);
                }
                return vec![Effect::Reload];
            }
        }
        Vec::new()
    }
}

/// "KEYWORD → NUMBER", made safe.
pub fn send_what(job: &Job) -> String {
    format!(
        "{} → {}",
        text::sanitize(&job.body),
        text::sanitize(&job.target)
    )
}

#[cfg(test)]
mod tests;
