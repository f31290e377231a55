//! The interface's sends: `y`, `s`, `S` and the progress they report.

use jiff::tz::TimeZone;

use super::super::{Action, Filter};
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
    let [Effect::StartSend { jobs, line_id: 1 }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let [job] = jobs.as_slice() else {
        panic!("{jobs:?}");
    };
    assert_eq!(
        (job.body.as_str(), job.target.as_str()),
        ("TD", "106900002001")
    );
    assert_eq!(job.scopes, [(false, "106900002001".to_string())]);
    assert_eq!(a.overlay, Overlay::Sending, "the progress view, one row");
    assert_eq!(a.sending.as_ref().unwrap().rows.len(), 1);
}

fn failed_at_the_phone() -> Step {
    Step::Failed {
        id: Some(2),
        error: "termux-sms-send failed (exit status 3): unreachable".into(),
        cause: Some(DriverError::Exited {
            program: "termux-sms-send",
            status: Some(3),
            said: Some("unreachable".into()),
        }),
    }
}

fn states(a: &App) -> Vec<SendState> {
    a.sending
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .map(|r| r.state.clone())
        .collect()
}

#[test]
fn bulk_send_asks_once_then_shows_each_step_and_stops_at_a_failure() {
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
    assert_eq!(
        a.update(Action::Yes),
        [Effect::StartSend {
            jobs: jobs.clone(),
            line_id: 1
        }]
    );
    assert_eq!(a.overlay, Overlay::Sending);
    assert_eq!(states(&a), vec![SendState::Waiting; 3]);
    let news = |a: &mut App, e| a.update(Action::Send(e));
    assert!(news(&mut a, SendEvent::Driver("termux")).is_empty());
    news(&mut a, SendEvent::Sending(0));
    assert_eq!(a.sending.as_ref().unwrap().current(), Some(0));
    news(&mut a, SendEvent::Done(0, Step::Sent { id: 1 }));
    news(&mut a, SendEvent::Pausing(1, Duration::from_secs(3)));
    let run = a.sending.as_ref().unwrap();
    assert_eq!((run.current(), run.pausing), (Some(1), Some((1, 3))));
    news(&mut a, SendEvent::Sending(1));
    news(&mut a, SendEvent::Done(1, failed_at_the_phone()));
    news(&mut a, SendEvent::Done(2, Step::NotSent));
    assert_eq!(
        states(&a),
        [
            SendState::Sent(1),
            SendState::Failed("termux-sms-send failed (exit status 3): unreachable".into()),
            SendState::NotSent
        ]
    );
    assert_eq!(news(&mut a, SendEvent::Finished), [Effect::Reload]);
    let status = a.status.as_ref().unwrap();
    assert!(status.error);
    assert_eq!(
        status.text,
        "1 sent via termux, awaiting confirmation; 1 failed; 1 not sent."
    );
    let log: Vec<&str> = a.log.iter().map(|l| l.text.as_str()).collect();
    assert!(
        log.contains(&"1/3: sent TD → 106900002001 (send #1)"),
        "{log:?}"
    );
    assert!(
        log.contains(&"2/3: N → 106900003001: termux-sms-send failed (exit status 3): unreachable"),
        "{log:?}"
    );
    // Finished: Esc closes the view.
    assert!(a.update(Action::Back).is_empty());
    assert_eq!(a.overlay, Overlay::None);
    assert!(a.sending.is_none());
}

#[test]
fn esc_mid_run_asks_the_thread_to_stop_once_and_keeps_the_view() {
    let mut a = app(vec![
        sender("106900002001", SenderKind::Marketing, Some("TD")),
        sender("106900003001", SenderKind::Marketing, Some("N")),
    ]);
    a.update(Action::SendAll);
    a.update(Action::Yes);
    a.update(Action::Send(SendEvent::Sending(0)));
    assert_eq!(a.update(Action::Back), [Effect::StopSend]);
    assert!(a.update(Action::Back).is_empty(), "asked once");
    assert_eq!(a.overlay, Overlay::Sending, "the view stays until the end");
    assert!(a.sending.as_ref().unwrap().stopping);
    // Keys of the list do nothing while it runs.
    assert!(a.update(Action::SendAll).is_empty());
    assert_eq!(a.overlay, Overlay::Sending);
}

#[test]
fn the_chinese_interface_words_the_phone_links_failure() {
    let mut a = app(vec![sender(
        "106900002001",
        SenderKind::Marketing,
        Some("TD"),
    )]);
    a.strings = &crate::tui::strings::ZH;
    a.update(Action::SendAll);
    a.update(Action::Yes);
    a.update(Action::Send(SendEvent::Done(0, failed_at_the_phone())));
    assert_eq!(
        states(&a),
        [SendState::Failed(
            "termux-sms-send 失败（退出状态 3）：unreachable".into()
        )]
    );
    a.update(Action::Send(SendEvent::NotStarted(NotStarted::NoPhoneLink)));
    assert_eq!(
        a.status.as_ref().unwrap().text,
        "不发送：没有找到手机连接（kdeconnect、termux、messages）：按 y 复制后手动发送"
    );
}

#[test]
fn the_demo_never_sends() {
    let mut a = app(vec![sender(
        "106900002001",
        SenderKind::Marketing,
        Some("TD"),
    )]);
    a.demo = true;
    assert!(a.update(Action::SendAll).is_empty());
    assert_eq!(a.overlay, Overlay::None);
    assert!(
        a.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("The demo's senders are made up")
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
