//! Acting from the interface: `y` copies the keyword and the target to the
//! clipboard (an OSC 52 sequence optout writes itself, the text base64
//! encoded, so no message text ever reaches the terminal raw), and `s` in
//! the unsubscribe window offers to send the opt-out now through the
//! user's phone, after a y/n question. The plan's rules apply: a
//! suspicious sender gets the report advice, never a send.

use super::{Advice, App, Confirm, Effect, Overlay, Target, advice};
use crate::send::{self, PlanOptions};
use crate::text;

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
            &std::collections::BTreeMap::new(),
        );
        Some((plan, line_id))
    }

    /// `s` in the unsubscribe window: the plan's one send for this sender
    /// or brand, asked first; or why it is not sent.
    pub(super) fn offer_send(&mut self) -> Vec<Effect> {
        let s = self.strings;
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
        let what = format!(
            "{} → {}",
            text::sanitize(&job.body),
            text::sanitize(&job.target)
        );
        self.overlay = Overlay::Confirm(Confirm::Send {
            question: (s.send_now_question)(&what),
            job,
            line_id,
        });
        Vec::new()
    }

    /// `S`: every sender of the to-do list that can be opted out, one
    /// question, then one at a time with a pause, each step in the log.
    pub(super) fn offer_send_all(&mut self) -> Vec<Effect> {
        let s = self.strings;
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

    /// One step of a bulk send done: say it, then the next, or stop at
    /// the first failure; the report is recomputed at the end.
    pub(super) fn send_step(
        &mut self,
        jobs: Vec<send::Job>,
        line_id: i64,
        next: usize,
        result: Result<String, String>,
    ) -> Vec<Effect> {
        let s = self.strings;
        let n = jobs.len();
        match result {
            Ok(done) => {
                self.say((s.send_step)(next + 1, n, &done));
                if next + 1 < n {
                    return vec![Effect::SendNext {
                        jobs,
                        line_id,
                        next: next + 1,
                    }];
                }
            }
            Err(e) => {
                let line = (s.send_step)(next + 1, n, &text::sanitize(&e));
                self.complain(format!("{line} {}", (s.send_stopped)(next, n - next)));
            }
        }
        vec![Effect::Reload]
    }
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;

    use super::super::{Action, Filter, Outcome};
    use super::*;
    use crate::model::{Moment, SenderClass, SenderKind, Status};
    use crate::track::{Findings, Jurisdiction, Report, SenderReport};
    use crate::tui::strings::EN;
    use crate::tui::theme::Theme;

    fn sender(key: &str, kind: SenderKind, keyword: Option<&str>) -> SenderReport {
        SenderReport {
            sender_id: 1,
            line_id: 1,
            line: "me".into(),
            key: key.into(),
            aliases: vec![key.into()],
            class: SenderClass::Port,
            brand: None,
            claimed_brand: None,
            kind,
            kind_message: None,
            kind_reason: None,
            received: 2,
            marketing: 2,
            keyword: keyword.map(str::to_string),
            target: keyword.map(|_| key.to_string()),
            instruction: keyword.map(|_| Moment {
                ts_ms: 1,
                utc_offset_s: None,
                message_id: Some(1),
            }),
            jurisdiction: Jurisdiction::Cn,
            findings: Findings::default(),
            status: Status::Subscribed,
            ignored: false,
            first_seen: None,
            last_seen: None,
            contact_name: None,
        }
    }

    fn app(senders: Vec<SenderReport>) -> App {
        let mut app = App::new(&EN, Theme::default(), TimeZone::UTC, 0, true, None);
        app.update(Action::Loaded(Box::new(Report {
            senders,
            brands: Vec::new(),
        })));
        app.filter = Filter::Everything;
        app.rebuild_rows();
        app.selected = 0;
        app
    }

    #[test]
    fn y_copies_the_keyword_and_the_target() {
        let mut a = app(vec![sender(
            "106900002001",
            SenderKind::Marketing,
            Some("退订"),
        )]);
        assert_eq!(
            a.update(Action::Copy),
            [Effect::Copy {
                text: "退订 → 106900002001".into()
            }]
        );
    }

    #[test]
    fn s_asks_before_it_sends_and_yes_sends() {
        let mut a = app(vec![sender(
            "106900002001",
            SenderKind::Marketing,
            Some("TD"),
        )]);
        a.update(Action::Unsubscribe);
        assert!(
            a.update(Action::SendNow).is_empty(),
            "nothing before the answer"
        );
        let Overlay::Confirm(Confirm::Send { question, .. }) = &a.overlay else {
            panic!("no question: {:?}", a.overlay);
        };
        assert!(question.starts_with("Send TD → 106900002001 now from your phone"));
        let effects = a.update(Action::Yes);
        let [Effect::SendNow { job, line_id: 1 }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(
            (job.body.as_str(), job.target.as_str()),
            ("TD", "106900002001")
        );
        assert_eq!(job.scopes, [(false, "106900002001".to_string())]);
    }

    #[test]
    fn bulk_send_asks_once_then_goes_step_by_step_and_stops_at_a_failure() {
        let mut scam = sender("+8613800001111", SenderKind::Suspicious, Some("T"));
        scam.brand = None;
        let mut a = app(vec![
            sender("106900002001", SenderKind::Marketing, Some("TD")),
            sender("106900003001", SenderKind::Marketing, Some("N")),
            sender("106900004001", SenderKind::Marketing, Some("T")),
            scam,
        ]);
        assert!(a.update(Action::SendAll).is_empty());
        let Overlay::Confirm(Confirm::SendAll { question, jobs, .. }) = &a.overlay else {
            panic!("{:?}", a.overlay);
        };
        assert!(
            question.starts_with("Opt out of 3 sender(s) now"),
            "{question}"
        );
        assert!(question.contains("(1 left out"), "{question}");
        let jobs = jobs.clone();
        let effects = a.update(Action::Yes);
        assert_eq!(
            effects,
            [Effect::SendNext {
                jobs: jobs.clone(),
                line_id: 1,
                next: 0
            }]
        );
        let step = |next, result| {
            Action::Outcome(Outcome::SendStep {
                jobs: jobs.clone(),
                line_id: 1,
                next,
                result,
            })
        };
        assert_eq!(
            a.update(step(0, Ok("sent TD → 106900002001".into()))),
            [Effect::SendNext {
                jobs: jobs.clone(),
                line_id: 1,
                next: 1
            }]
        );
        assert_eq!(
            a.update(step(1, Err("phone unreachable".into()))),
            [Effect::Reload]
        );
        let status = a.status.as_ref().unwrap();
        assert!(status.error);
        assert_eq!(
            status.text,
            "2/3: phone unreachable Stopped at the first failure: 1 sent, 2 not sent."
        );
    }

    #[test]
    fn a_suspicious_sender_gets_the_report_advice_never_a_send() {
        let mut a = app(vec![sender(
            "+8613800001111",
            SenderKind::Suspicious,
            Some("T"),
        )]);
        a.update(Action::Unsubscribe);
        assert!(a.update(Action::SendNow).is_empty());
        assert!(!matches!(a.overlay, Overlay::Confirm(_)));
        assert!(a.update(Action::Copy).is_empty());
        let status = a
            .status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        assert!(status.contains("do not reply"), "{status}");
    }

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("TD → 95528".as_bytes()), "VEQg4oaSIDk1NTI4");
    }

    #[test]
    fn osc52_carries_no_raw_text() {
        let seq = osc52("T\x1b]0;pwned\x07 → 1069");
        assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
        let body = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|b| b.strip_suffix('\x07'))
            .unwrap();
        assert_eq!(body, base64("T\x1b]0;pwned\x07 → 1069".as_bytes()));
        assert!(
            body.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
    }
}
