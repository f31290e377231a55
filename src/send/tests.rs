//! The plan, the run loop (pauses through a fake clock, the first failure
//! stops, never twice) and the command lines, without a database or a phone.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::classify::Region;
use crate::model::{Moment, SenderKind, Status};
use crate::track::{Findings, Jurisdiction, OptOut, SenderReport};

fn sender(key: &str, brand: Option<&str>, keyword: Option<&str>) -> SenderReport {
    let class = crate::classify::normalize_sender(key, &Region::default()).class;
    SenderReport {
        sender_id: 1,
        line_id: 1,
        line: "me".into(),
        key: key.into(),
        aliases: vec![key.into()],
        class,
        brand: brand.map(str::to_string),
        claimed_brand: None,
        kind: SenderKind::Marketing,
        kind_message: None,
        kind_reason: None,
        received: 2,
        marketing: 2,
        keyword: keyword.map(str::to_string),
        target: keyword.map(|_| key.to_string()),
        instruction: keyword.map(|_| Moment {
            ts_ms: 1_000,
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

fn plan_of(senders: &[SenderReport], named: &[&str]) -> Plan {
    plan(
        senders,
        &PlanOptions {
            named: named.iter().map(ToString::to_string).collect(),
            again: false,
        },
        &Region::default(),
        &BTreeMap::new(),
    )
}

fn codes(p: &Plan) -> Vec<(String, &'static str)> {
    p.refused
        .iter()
        .map(|r| (r.sender.clone(), r.refusal.code()))
        .collect()
}

#[test]
fn one_send_per_brand_to_its_latest_instruction() {
    let a = sender("106900001001", Some("晨曦优选"), Some("T"));
    let mut b = sender("10659000100188", Some("晨曦优选"), Some("T"));
    b.instruction = Some(Moment {
        ts_ms: 2_000,
        utc_offset_s: None,
        message_id: Some(2),
    });
    let p = plan_of(&[a, b], &[]);
    assert_eq!(p.sends.len(), 1, "{p:?}");
    assert_eq!(p.sends[0].target, "10659000100188");
    assert_eq!(p.sends[0].covers, ["106900001001", "10659000100188"]);
    assert_eq!(p.sends[0].record_scopes(), [(true, "晨曦优选".to_string())]);
}

#[test]
fn two_senders_naming_one_target_get_one_send() {
    let mut a = sender("47701", None, Some("STOP"));
    a.target = Some("80808".into());
    let mut b = sender("47702", None, Some("STOP"));
    b.target = Some("80808".into());
    let p = plan_of(&[a, b], &[]);
    assert_eq!(p.sends.len(), 1);
    assert_eq!(p.sends[0].covers, ["47701", "47702"]);
}

#[test]
fn refusals_name_each_reason() {
    let mut scam = sender("+8613800001111", None, Some("T"));
    scam.kind = SenderKind::Suspicious;
    let mut friend = sender("+8618810236677", None, Some("T"));
    friend.contact_name = Some("阿杰".into());
    let mut alerts = sender("95588", Some("工商银行"), Some("TD"));
    alerts.kind = SenderKind::Transactional;
    let quiet = sender("106900005001", None, None);
    let mut far = sender("106900006001", None, Some("TD"));
    far.target = Some("+8613912345678".into());
    let mut premium = sender("106900006002", None, Some("TD"));
    premium.target = Some("+19005551234".into());
    let mut done = sender("106900004001", None, Some("TD"));
    done.findings.optout = Some(OptOut {
        ts_ms: 5,
        utc_offset_s: None,
        message_id: Some(9),
        keyword: "TD".into(),
        to: "106900004001".into(),
        manual: None,
    });
    let mut ignored = sender("106900008001", None, Some("T"));
    ignored.ignored = true;
    let mut odd = sender("106900009001", None, Some("T\u{1b}]52;c;"));
    odd.target = Some("106900009001".into());
    let all = [
        scam, friend, alerts, quiet, far, premium, done, ignored, odd,
    ];
    let p = plan_of(&all, &[]);
    assert!(p.sends.is_empty(), "{:?}", p.sends);
    assert_eq!(
        codes(&p),
        [
            ("+8613800001111".to_string(), "suspicious"),
            ("+8618810236677".to_string(), "saved_contact"),
            ("95588".to_string(), "transactional"),
            ("106900005001".to_string(), "suggested_only"),
            ("106900006001".to_string(), "unknown_target"),
            ("106900006002".to_string(), "premium_target"),
            ("106900004001".to_string(), "already_opted_out"),
            ("106900008001".to_string(), "ignored"),
            ("106900009001".to_string(), "no_instruction"),
        ]
    );
    assert!(
        p.refused[0]
            .refusal
            .reason()
            .contains("do not reply: report it")
    );
}

#[test]
fn naming_allows_a_transactional_instruction_and_a_suggestion_not_a_scam() {
    let mut alerts = sender("95588", Some("工商银行"), Some("TD"));
    alerts.kind = SenderKind::Transactional;
    let quiet = sender("106900005001", None, None);
    let mut scam = sender("+8613800001111", None, Some("T"));
    scam.kind = SenderKind::Suspicious;
    let p = plan_of(
        &[alerts, quiet, scam],
        &["95588", "106900005001", "+8613800001111"],
    );
    let sent: Vec<(&str, &str, bool)> = p
        .sends
        .iter()
        .map(|s| (s.keyword.as_str(), s.target.as_str(), s.suggested))
        .collect();
    assert_eq!(sent, [("TD", "95588", false), ("R", "106900005001", true)]);
    assert_eq!(codes(&p), [("+8613800001111".to_string(), "suspicious")]);
}

#[test]
fn a_pending_send_is_refused_until_again() {
    let s = sender("106900001001", None, Some("T"));
    let pending: BTreeMap<(String, String), i64> =
        [(("106900001001".to_string(), "T".to_string()), 7)].into();
    let p = plan(
        std::slice::from_ref(&s),
        &PlanOptions::default(),
        &Region::default(),
        &pending,
    );
    assert_eq!(p.refused[0].refusal, Refusal::Pending { id: 7 });
    let again = plan(
        &[s],
        &PlanOptions {
            named: Vec::new(),
            again: true,
        },
        &Region::default(),
        &pending,
    );
    assert_eq!(again.sends.len(), 1);
}

/// A clock that only counts: no test sleeps.
#[derive(Default)]
struct FakeClock {
    now: i64,
    slept: Vec<Duration>,
}

impl Clock for FakeClock {
    fn now(&self) -> (i64, Option<i32>) {
        (self.now, Some(28_800))
    }
    fn sleep(&mut self, pause: Duration) {
        self.slept.push(pause);
        self.now += pause.as_millis() as i64;
    }
}

struct FakeDriver {
    sent: Vec<(String, String)>,
    fail_at: Option<usize>,
}

impl Driver for FakeDriver {
    fn name(&self) -> &'static str {
        "kdeconnect"
    }
    fn send(&mut self, to: &str, text: &str) -> Result<Delivery, DriverError> {
        self.sent.push((to.into(), text.into()));
        if self.fail_at == Some(self.sent.len()) {
            Err("phone unreachable".into())
        } else {
            Ok(Delivery::Sent)
        }
    }
}

#[derive(Default)]
struct FakeJournal {
    log: Vec<String>,
}

impl Journal for FakeJournal {
    fn begin(&mut self, job: &Job, driver: &str, at: (i64, Option<i32>)) -> Result<i64, String> {
        self.log.push(format!(
            "pending {} {} {driver} @{}",
            job.body, job.target, at.0
        ));
        Ok(self.log.len() as i64)
    }
    fn sent(&mut self, id: i64, _: &Job, at: (i64, Option<i32>)) -> Result<(), String> {
        self.log.push(format!("sent #{id} @{}", at.0));
        Ok(())
    }
    fn failed(&mut self, id: i64, at: (i64, Option<i32>), error: &str) -> Result<(), String> {
        self.log.push(format!("failed #{id} @{}: {error}", at.0));
        Ok(())
    }
}

fn job(target: &str, body: &str) -> Job {
    Job {
        purpose: "optout",
        sender: target.into(),
        brand: None,
        target: target.into(),
        body: body.into(),
        scopes: vec![(false, target.into())],
    }
}

#[test]
fn sends_pause_between_messages_and_journal_before_and_after() {
    let jobs = [
        job("10690001", "T"),
        job("10690002", "退订"),
        job("10690001", "T"),
    ];
    let mut driver = FakeDriver {
        sent: Vec::new(),
        fail_at: None,
    };
    let mut journal = FakeJournal::default();
    let mut clock = FakeClock::default();
    let mut heard = Vec::new();
    let steps = run(
        &jobs,
        &mut driver,
        &mut journal,
        &mut clock,
        Duration::from_secs(3),
        &mut |i, s| heard.push((i, s.clone())),
    );
    // The third is the first again: never twice in one run.
    assert_eq!(
        steps,
        [Step::Sent { id: 1 }, Step::Sent { id: 3 }, Step::Duplicate]
    );
    assert_eq!(heard.len(), 3);
    assert_eq!(clock.slept, [Duration::from_secs(3)]);
    assert_eq!(
        journal.log,
        [
            "pending T 10690001 kdeconnect @0",
            "sent #1 @0",
            "pending 退订 10690002 kdeconnect @3000",
            "sent #3 @3000",
        ]
    );
}

#[test]
fn the_first_failure_stops_the_run() {
    let jobs = [
        job("10690001", "T"),
        job("10690002", "TD"),
        job("10690003", "N"),
    ];
    let mut driver = FakeDriver {
        sent: Vec::new(),
        fail_at: Some(2),
    };
    let mut journal = FakeJournal::default();
    let mut clock = FakeClock::default();
    let steps = run(
        &jobs,
        &mut driver,
        &mut journal,
        &mut clock,
        Duration::from_millis(1500),
        &mut |_, _| {},
    );
    assert_eq!(
        steps,
        [
            Step::Sent { id: 1 },
            Step::Failed {
                id: Some(3),
                error: "phone unreachable".into(),
                cause: Some("phone unreachable".into()),
            },
            Step::NotSent
        ]
    );
    assert_eq!(driver.sent.len(), 2, "the third was never tried");
    assert_eq!(clock.slept, [Duration::from_millis(1500)]);
    assert_eq!(journal.log[3], "failed #3 @1500: phone unreachable");
}

#[test]
fn a_zero_pause_never_sleeps() {
    let jobs = [job("10690001", "T"), job("10690002", "TD")];
    let mut driver = FakeDriver {
        sent: Vec::new(),
        fail_at: None,
    };
    let mut clock = FakeClock::default();
    run(
        &jobs,
        &mut driver,
        &mut FakeJournal::default(),
        &mut clock,
        Duration::ZERO,
        &mut |_, _| {},
    );
    assert!(clock.slept.is_empty());
}

#[test]
fn command_lines_pass_each_argument_as_is() {
    let k = commands::kdeconnect("abc123", "+15551234567", "退订");
    assert_eq!(k.program, "kdeconnect-cli");
    assert_eq!(
        k.args,
        [
            "--device",
            "abc123",
            "--destination",
            "+15551234567",
            "--send-sms",
            "退订"
        ]
    );
    let t = commands::termux("106900001001", "STOP ALL");
    assert_eq!(t.args, ["-n", "106900001001", "STOP ALL"]);
    let m = commands::messages("+447700900123", "it's \"on\"");
    assert_eq!(m.program, "osascript");
    assert_eq!(
        &m.args[m.args.len() - 2..],
        ["+447700900123", "it's \"on\""]
    );
    assert!(m.args.iter().step_by(2).take(7).all(|a| a == "-e"));
    // adb joins its arguments into the phone's shell: values are quoted.
    let a = commands::adb(None, "+8612321", "it's a \"scam\" $HOME");
    assert_eq!(
        a.args,
        [
            "shell",
            "am",
            "start",
            "-a",
            "android.intent.action.SENDTO",
            "-d",
            "'sms:+8612321'",
            "--es",
            "sms_body",
            r#"'it'\''s a "scam" $HOME'"#,
        ]
    );
    assert_eq!(
        commands::adb(Some("R58M"), "1", "T").args[..2],
        ["-s", "R58M"]
    );
}

#[test]
fn print_links_percent_encode_the_body() {
    assert_eq!(
        sms_link("+15551234567", "STOP"),
        "sms:+15551234567?body=STOP"
    );
    assert_eq!(
        sms_link("106900002001", "退订 &x"),
        "sms:106900002001?body=%E9%80%80%E8%AE%A2%20%26x"
    );
    assert_eq!(percent_encode("a\u{1b}b"), "a%1Bb");
}

#[test]
fn the_12321_text_is_number_star_text() {
    assert_eq!(text_12321("+8613800001111", "点击 x"), "13800001111*点击 x");
    assert_eq!(
        text_12321("106900001001", "回T退订"),
        "106900001001*回T退订"
    );
}

#[test]
fn run_until_tells_every_move_and_stops_between_two_sends() {
    let jobs = [
        job("10690001", "T"),
        job("10690002", "TD"),
        job("10690003", "N"),
    ];
    let mut driver = FakeDriver {
        sent: Vec::new(),
        fail_at: None,
    };
    let mut journal = FakeJournal::default();
    let mut clock = FakeClock::default();
    let stop = std::cell::Cell::new(false);
    let mut moves = Vec::new();
    let steps = run_until(
        &jobs,
        &mut driver,
        &mut journal,
        &mut clock,
        Duration::from_secs(3),
        &mut |p| {
            moves.push(format!("{p:?}"));
            // The user stops during the pause before the second send.
            if matches!(p, Progress::Pausing(1, _)) {
                stop.set(true);
            }
        },
        &|| stop.get(),
    );
    assert_eq!(steps, [Step::Sent { id: 1 }, Step::NotSent, Step::NotSent]);
    assert_eq!(
        moves,
        [
            "Sending(0)",
            "Done(0, Sent { id: 1 })",
            "Pausing(1, 3s)",
            "Done(1, NotSent)",
            "Done(2, NotSent)",
        ]
    );
    assert_eq!(driver.sent.len(), 1, "nothing sent after the stop");
    assert_eq!(journal.log.len(), 2, "and nothing journalled for it");
}
