//! `optout send` and `optout report` through real processes (issue 15):
//! stub executables named kdeconnect-cli, termux-sms-send, osascript and
//! adb (tests/common/phone.rs), first on PATH, record their argv and stdin
//! and exit as told.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::phone::{PLANNED, Stubs, kdeconnect_send, strs};
use common::{dump, fixture, optout, run_ok};
use predicates::prelude::*;
use serde_json::Value;

struct Phone {
    _dir: tempfile::TempDir,
    db: PathBuf,
    stubs: Stubs,
}

impl Phone {
    /// A database holding `send/phone.xml`, 106900008001 ignored, and
    /// stubs for `programs` (only those) on PATH.
    fn new(programs: &[&str]) -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.sqlite3");
        let stubs = Stubs::new(dir.path().join("stubs"), programs);
        let phone = Phone {
            _dir: dir,
            db,
            stubs,
        };
        phone
            .cmd()
            .arg("import")
            .arg(fixture("send/phone.xml"))
            .assert()
            .success();
        phone
            .cmd()
            .args(["ignore", "106900008001"])
            .assert()
            .success();
        phone
    }

    fn cmd(&self) -> assert_cmd::Command {
        let mut c = optout(&self.db);
        c.env("STUB_DIR", &self.stubs.dir)
            .env("PATH", self.stubs.path())
            .env_remove("PREFIX");
        c
    }

    /// `optout send --yes --pause 0 ARGS`: no question, no pause.
    fn send(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.cmd()
            .args(["send", "--yes", "--pause", "0"])
            .args(args)
            .assert()
    }

    /// `optout report --yes --pause 0 ARGS`.
    fn report(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.cmd()
            .args(["report", "--yes", "--pause", "0"])
            .args(args)
            .assert()
    }

    fn query(&self, sql: &str) -> Vec<Vec<String>> {
        common::phone::query(&self.db, sql)
    }

    fn senders(&self) -> Vec<Value> {
        let out = run_ok(self.cmd().args(["senders", "--all", "--json"]));
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    fn sender(&self, key: &str) -> Value {
        self.senders()
            .into_iter()
            .find(|s| s["sender"] == key)
            .unwrap_or_else(|| panic!("no sender {key}"))
    }
}

/// Standard output and error of a finished command, as text.
fn said(a: &assert_cmd::assert::Assert) -> (String, String) {
    let out = a.get_output();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What `adb` is run with to open the composer on `to` with `body`.
fn adb_composer(to: &str, body: &str) -> Vec<String> {
    strs(&[
        "adb",
        "shell",
        "am",
        "start",
        "-a",
        "android.intent.action.SENDTO",
        "-d",
        &format!("'sms:{to}'"),
        "--es",
        "sms_body",
        &format!("'{body}'"),
    ])
}

#[test]
fn the_dry_run_plans_one_send_per_brand_and_lists_every_refusal() {
    let phone = Phone::new(&["kdeconnect-cli"]);
    phone.stubs.set("devices", "phone1\n");
    let before = dump(&phone.db);
    let mut send = phone.cmd();
    send.args(["send", "--dry-run", "--json"])
        .args(["--sender", "38294", "--sender", "106900003001"])
        .args(["--sender", "106900002001", "--sender", "晨曦优选"])
        .args(["--sender", "+8613800001111", "--sender", "+8618810236677"])
        .args(["--sender", "95588", "--sender", "106900006001"])
        .args(["--sender", "106900004001", "--sender", "106900008001"]);
    let out = run_ok(&mut send);
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["driver"], "kdeconnect");
    assert_eq!(plan["dry_run"], true);
    let sends: Vec<(String, String)> = plan["sends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["keyword"].as_str().unwrap().to_string(),
                s["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // 95588 is named: its stated instruction is sent although it is transactional.
    let mut expected: Vec<(String, String)> = vec![("TD".into(), "95588".into())];
    expected.extend(PLANNED.iter().map(|(k, t)| (k.to_string(), t.to_string())));
    let mut got = sends.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    // One send for the brand's two numbers.
    let brand = plan["sends"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["brand"] == "晨曦优选")
        .unwrap();
    assert_eq!(
        brand["covers"],
        serde_json::json!(["10659000100188", "106900001001"])
    );
    assert_eq!(brand["link"], "sms:10659000100188?body=T");
    let refused: Vec<(String, String)> = plan["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["sender"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (sender, reason) in [
        ("+8613800001111", "suspicious"),
        ("+8618810236677", "saved_contact"),
        ("106900006001", "unknown_target"),
        ("106900004001", "already_opted_out"),
        ("106900008001", "ignored"),
    ] {
        assert!(
            refused.contains(&(sender.to_string(), reason.to_string())),
            "{sender} {reason} missing from {refused:?}"
        );
    }
    assert_eq!(refused.len(), 5, "{refused:?}");
    assert!(phone.stubs.sends().is_empty(), "a dry run sends nothing");
    assert_eq!(dump(&phone.db), before, "a dry run writes nothing");
}

#[test]
fn the_default_plan_refuses_transactional_and_suggested_only_senders() {
    let phone = Phone::new(&[]);
    let out = run_ok(phone.cmd().args(["send", "--dry-run"]));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("from line 'me' via print (the first available)\nplan: 4 opt-out(s)\n"),
        "{text}"
    );
    for (k, t) in PLANNED {
        assert!(
            text.contains(&format!("{k} → {t}")),
            "{k} → {t} missing: {text}"
        );
    }
    for line in [
        "95588 (工商银行)   transactional (alerts, codes): name it with --sender to send its instruction",
        "+8613800001111 (工商银行)   suspicious: do not reply: report it (12321: optout report)",
        "106900005001 (乐购商城)   states no keyword; R is only the usual one: name it with --sender to send it",
        "106900004001 (潮流鞋城)   already opted out on this line",
        "106900008001 (每日优鲜)   ignored",
    ] {
        assert!(text.contains(line), "{line} missing: {text}");
    }
}

#[test]
fn kdeconnect_sends_the_exact_command_lines_records_them_and_never_twice() {
    let phone = Phone::new(&["kdeconnect-cli", "termux-sms-send"]);
    phone.stubs.set("devices", "a1b2c3d4_phone\n");
    let run = phone.send(&[]);
    let (stdout, stderr) = said(&run);
    run.success();
    assert!(
        stdout.contains("via kdeconnect (the first available)"),
        "{stdout}{stderr}"
    );
    let expected: Vec<Vec<String>> = PLANNED
        .iter()
        .map(|(k, t)| kdeconnect_send("a1b2c3d4_phone", t, k))
        .collect();
    assert_eq!(phone.stubs.sends(), expected);
    assert_eq!(
        phone.stubs.calls()[0],
        strs(&["kdeconnect-cli", "--list-available", "--id-only"])
    );
    assert_eq!(
        phone.query("SELECT id, purpose, sender, brand, target, body, driver, status, error FROM sends ORDER BY id"),
        vec![
            strs(&["1", "optout", "38294", "NULL", "38294", "STOP", "kdeconnect", "sent", "NULL"]),
            strs(&["2", "optout", "106900003001", "山野户外", "106900003001", "N", "kdeconnect", "sent", "NULL"]),
            strs(&["3", "optout", "106900002001", "知味外卖", "106900002001", "退订", "kdeconnect", "sent", "NULL"]),
            strs(&["4", "optout", "10659000100188", "晨曦优选", "10659000100188", "T", "kdeconnect", "sent", "NULL"]),
        ]
    );
    // Each is a manual opt-out from the send's time, channel = the driver.
    assert_eq!(
        phone.query("SELECT scope, name, channel, note FROM manual_optouts ORDER BY id"),
        vec![
            strs(&["sender", "38294", "kdeconnect", "optout send #1"]),
            strs(&["brand", "山野户外", "kdeconnect", "optout send #2"]),
            strs(&["brand", "知味外卖", "kdeconnect", "optout send #3"]),
            strs(&["brand", "晨曦优选", "kdeconnect", "optout send #4"]),
        ]
    );
    assert_eq!(
        phone.query(
            "SELECT COUNT(*) FROM sends s JOIN manual_optouts m ON m.id = s.manual_optout_id
             WHERE m.at_ms = s.finished_at_ms"
        ),
        vec![strs(&["4"])]
    );
    for key in ["38294", "106900001001", "10659000100188"] {
        let s = phone.sender(key);
        assert_eq!(s["status"], "opted_out", "{s}");
        assert_eq!(
            s["send"], "sent via kdeconnect, awaiting confirmation",
            "{s}"
        );
    }
    let table = phone.cmd().arg("senders").output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("(sent via kdeconnect)"), "{table}");
    assert!(
        table.contains("38294: sent via kdeconnect, awaiting confirmation"),
        "{table}"
    );

    // A rerun sends nothing: every one is opted out now.
    phone
        .send(&[])
        .success()
        .stdout(predicate::str::contains("nothing to send"));
    assert_eq!(phone.stubs.sends().len(), 4);
}

#[test]
fn several_devices_need_device_and_none_is_not_available() {
    let phone = Phone::new(&["kdeconnect-cli"]);
    phone.stubs.set("devices", "phoneA\ntabletB\n");
    let before = dump(&phone.db);
    phone.send(&["--via", "kdeconnect"]).code(1).stderr(
        predicate::str::starts_with("optout: error: kdeconnect: several devices")
            .and(predicate::str::contains("--device ID: phoneA, tabletB")),
    );
    assert_eq!(dump(&phone.db), before);
    phone
        .send(&[
            "--via",
            "kdeconnect",
            "--device",
            "tabletB",
            "--sender",
            "38294",
        ])
        .success();
    assert_eq!(
        phone.stubs.sends(),
        vec![kdeconnect_send("tabletB", "38294", "STOP")]
    );
    phone.stubs.set("devices", "");
    phone
        .send(&["--via", "kdeconnect"])
        .code(1)
        .stderr(predicate::str::contains(
            "kdeconnect: no device is available",
        ));
}

#[test]
fn the_first_failure_stops_the_run_and_leaves_an_exact_record() {
    let phone = Phone::new(&["termux-sms-send"]);
    phone.stubs.set("fail-at-termux-sms-send", "2");
    let run = phone.send(&[]);
    let (stdout, stderr) = said(&run);
    run.code(1);
    for line in [
        "via termux (the first available)",
        "sent       STOP → 38294 (send #1)",
        "FAILED     N → 106900003001: termux-sms-send failed (exit status 3): stub: the phone refused",
        "not sent   退订 → 106900002001",
    ] {
        assert!(stdout.contains(line), "{line} missing: {stdout}");
    }
    assert_eq!(
        stderr.trim_end(),
        "optout: error: sending N to 106900003001 failed: termux-sms-send failed (exit status 3): stub: the phone refused; sent 1, not sent 3 (this one and 2 after it)"
    );
    assert_eq!(
        phone.stubs.sends(),
        vec![
            strs(&["termux-sms-send", "-n", "38294", "STOP"]),
            strs(&["termux-sms-send", "-n", "106900003001", "N"]),
        ]
    );
    assert_eq!(
        phone.query("SELECT id, target, body, driver, status, error, manual_optout_id IS NOT NULL FROM sends ORDER BY id"),
        vec![
            strs(&["1", "38294", "STOP", "termux", "sent", "NULL", "1"]),
            strs(&["2", "106900003001", "N", "termux", "failed", "termux-sms-send failed (exit status 3): stub: the phone refused", "0"]),
        ]
    );
    assert_eq!(
        phone.query("SELECT name, channel FROM manual_optouts"),
        vec![strs(&["38294", "termux"])]
    );
    assert_eq!(phone.sender("106900003001")["status"], "subscribed");
}

/// A phone link that never answers is stopped after the driver timeout
/// (`OPTOUT_DRIVER_TIMEOUT`, 60 s by default) instead of hanging optout;
/// the attempt is recorded as failed, with no opt-out made of it.
#[test]
fn a_driver_that_hangs_is_stopped_and_recorded_as_failed() {
    let phone = Phone::new(&["termux-sms-send"]);
    phone.stubs.set("hang-termux-sms-send", "");
    phone
        .cmd()
        .env("OPTOUT_DRIVER_TIMEOUT", "1")
        .args(["send", "--yes", "--pause", "0"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "termux-sms-send did not finish within 1 s and was stopped: check your phone",
        ));
    assert_eq!(
        phone.stubs.sends().len(),
        1,
        "the run stops at the first failure"
    );
    assert_eq!(
        phone.query("SELECT status, manual_optout_id IS NULL FROM sends"),
        vec![strs(&["failed", "1"])]
    );
    assert!(phone.query("SELECT id FROM manual_optouts").is_empty());
}

#[test]
fn without_a_terminal_it_refuses_unless_yes() {
    let phone = Phone::new(&["termux-sms-send"]);
    let before = dump(&phone.db);
    phone
        .cmd()
        .arg("send")
        .assert()
        .code(1)
        .stderr("optout: error: refusing to send without a terminal to confirm on: pass --yes (or --dry-run to see the plan)\n");
    assert!(phone.stubs.sends().is_empty());
    assert_eq!(dump(&phone.db), before);
}

#[test]
fn messages_passes_the_number_and_text_as_arguments_and_says_when_there_is_no_sms() {
    let phone = Phone::new(&["osascript"]);
    phone
        .send(&["--via", "messages", "--sender", "106900002001"])
        .success();
    let calls = phone.stubs.sends();
    assert_eq!(calls.len(), 1);
    let c = &calls[0];
    assert_eq!(c[0], "osascript");
    assert_eq!(&c[c.len() - 2..], ["106900002001", "退订"]);
    assert!(c.iter().any(|a| a.contains("service type = SMS")));
    assert!(c[1..c.len() - 2].iter().step_by(2).all(|a| a == "-e"));

    phone.stubs.set(
        "fail-osascript",
        "execution error: Messages has no SMS service: turn on Text Message Forwarding for this Mac on the iPhone (-2700)\n",
    );
    phone
        .send(&["--via", "messages", "--sender", "38294"])
        .code(1)
        .stderr(predicate::str::contains("Messages has no SMS service"));
    assert_eq!(
        phone.query("SELECT status FROM sends ORDER BY id"),
        vec![strs(&["sent"]), strs(&["failed"])]
    );
}

#[test]
fn adb_opens_the_composer_quoted_and_records_only_what_the_user_confirms() {
    let phone = Phone::new(&["adb"]);
    phone
        .cmd()
        .args(["send", "--yes", "--pause", "0", "--via", "adb"])
        .args(["--sender", "106900002001", "--sender", "38294"])
        .write_stdin("y\nn\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("adb: not sent on the phone"));
    assert_eq!(
        phone.stubs.sends(),
        vec![
            adb_composer("38294", "STOP"),
            adb_composer("106900002001", "退订"),
        ]
    );
    assert_eq!(
        phone.query("SELECT target, status FROM sends ORDER BY id"),
        vec![strs(&["38294", "sent"]), strs(&["106900002001", "failed"])]
    );
}

#[test]
fn print_sends_nothing_and_prints_links() {
    let phone = Phone::new(&[]);
    let before = dump(&phone.db);
    phone
        .cmd()
        .args(["send", "--via", "print"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("STOP → 38294   sms:38294?body=STOP").and(
                predicate::str::contains(
                    "退订 → 106900002001   sms:106900002001?body=%E9%80%80%E8%AE%A2",
                ),
            ),
        );
    assert_eq!(dump(&phone.db), before);
}

/// An SMS Backup & Restore file with one outgoing message to `to`.
fn export_with(dir: &Path, name: &str, rows: &[(&str, i64, u8, &str)]) -> PathBuf {
    let mut xml =
        String::from("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses>\n");
    for (address, ms, kind, body) in rows {
        let _ = writeln!(
            xml,
            "<sms protocol=\"0\" address=\"{address}\" date=\"{ms}\" type=\"{kind}\" body=\"{body}\" read=\"1\" status=\"-1\" date_sent=\"0\" contact_name=\"(Unknown)\" />"
        );
    }
    xml.push_str("</smses>\n");
    let path = dir.join(name);
    std::fs::write(&path, xml).unwrap();
    path
}

#[test]
fn the_imported_outgoing_message_and_the_send_are_one_optout() {
    let phone = Phone::new(&["kdeconnect-cli"]);
    phone.stubs.set("devices", "p\n");
    phone
        .send(&["--sender", "晨曦优选", "--sender", "38294"])
        .success();
    let sent: i64 = phone.query("SELECT finished_at_ms FROM sends WHERE target = '10659000100188'")
        [0][0]
        .parse()
        .unwrap();
    let before = phone.sender("106900001001");
    assert_eq!(before["optout_manual"], true);
    // The phone's own copy, stamped 4 s later by its clock, and a confirmation.
    let dir = tempfile::tempdir().unwrap();
    let next = export_with(
        dir.path(),
        "next.xml",
        &[
            ("10659000100188", sent + 4_000, 2, "T"),
            (
                "10659000100188",
                sent + 30_000,
                1,
                "【晨曦优选】您已成功退订营销短信",
            ),
            (
                "106900001001",
                sent + 2 * 3_600_000,
                1,
                "【晨曦优选】您的订单已发货",
            ),
        ],
    );
    phone.cmd().arg("import").arg(&next).assert().success();
    for key in ["106900001001", "10659000100188"] {
        let s = phone.sender(key);
        assert_eq!(s["optout_manual"], false, "{s}");
        assert_eq!(s["status"], "confirmed", "{s}");
        assert_eq!(s["after_optout"], 0, "{s}");
        assert_eq!(s["in_flight"], 0, "{s}");
        assert!(s.get("send").is_none(), "{s}");
    }
    let brands = phone.cmd().args(["brands", "--json"]).output().unwrap();
    let brands: Value = serde_json::from_slice(&brands.stdout).unwrap();
    let b = brands
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["brand"] == "晨曦优选")
        .unwrap();
    assert_eq!(b["optout_manual"], false);
    assert_eq!(b["status"], "confirmed");
    // 38294's send is not in that export, which covers the time after it.
    let s = phone.sender("38294");
    assert_eq!(
        s["send"], "sent via kdeconnect; send not seen in your export",
        "{s}"
    );
    assert_eq!(s["status"], "opted_out");
}

#[test]
fn a_send_counts_from_its_time_and_marketing_after_the_grace_is_a_violation() {
    let phone = Phone::new(&["termux-sms-send"]);
    phone.send(&["--sender", "106900003001"]).success();
    let sent: i64 = phone.query("SELECT finished_at_ms FROM sends")[0][0]
        .parse()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let next = export_with(
        dir.path(),
        "later.xml",
        &[
            (
                "106900003001",
                sent - 60_000,
                1,
                "【山野户外】清仓最后一天，退订回N",
            ),
            (
                "106900003001",
                sent + 3_600_000,
                1,
                "【山野户外】新品到店，退订回N",
            ),
            (
                "106900003001",
                sent + 3 * 86_400_000,
                1,
                "【山野户外】会员日，退订回N",
            ),
        ],
    );
    phone.cmd().arg("import").arg(&next).assert().success();
    let s = phone.sender("106900003001");
    assert_eq!(s["status"], "violating", "{s}");
    assert_eq!(s["in_flight"], 1, "{s}");
    assert_eq!(s["after_optout"], 1, "{s}");
    assert_eq!(s["optout_manual"], true, "{s}");
}

#[test]
fn report_texts_12321_and_7726_and_at_most_once_a_day() {
    let phone = Phone::new(&["kdeconnect-cli"]);
    phone.stubs.set("devices", "p\n");
    let dry = phone.cmd().args(["report", "--dry-run"]).output().unwrap();
    let dry = String::from_utf8(dry.stdout).unwrap();
    assert!(dry.contains("+447700900123 → 7726"), "{dry}");
    assert!(dry.contains("7726 then asks for the number"), "{dry}");
    assert!(phone.stubs.sends().is_empty());
    phone.report(&[]).success();
    let uk = "DealHub: \"Spring\" sale, it's 30% off today only. Reply STOP to opt out";
    assert_eq!(
        phone.stubs.sends(),
        vec![
            kdeconnect_send("p", "7726", uk),
            kdeconnect_send("p", "7726", "+447700900123"),
            kdeconnect_send(
                "p",
                "12321",
                "13800001111*【工商银行】您的账户存在异常，将于今日冻结，请立即点击 http://icbc-verify.top 验证，回T退订"
            ),
        ]
    );
    // Reports are not opt-outs.
    assert_eq!(
        phone.query("SELECT COUNT(*) FROM manual_optouts"),
        vec![strs(&["0"])]
    );
    phone.report(&[]).stdout(predicate::str::contains(
        "already reported in the last 24 hours",
    ));
    assert_eq!(phone.stubs.sends().len(), 3);
}

#[test]
fn the_7726_number_waits_for_the_first_part() {
    let phone = Phone::new(&["termux-sms-send"]);
    phone.stubs.set("fail-at-termux-sms-send", "1");
    phone.report(&["--sender", "+447700900123"]).code(1);
    assert_eq!(
        phone.stubs.sends().len(),
        1,
        "the number is sent only after the text"
    );
    assert_eq!(
        phone.query("SELECT purpose, target, status FROM sends"),
        vec![strs(&["report", "7726", "failed"])]
    );
}

#[test]
fn a_send_left_pending_by_a_crash_is_not_repeated_until_again() {
    let phone = Phone::new(&["termux-sms-send"]);
    let conn = rusqlite::Connection::open(&phone.db).unwrap();
    conn.execute(
        "INSERT INTO sends(line_id, purpose, sender, target, body, driver, status, started_at_ms)
         VALUES (1, 'optout', '38294', '38294', 'STOP', 'termux', 'pending', 1)",
        [],
    )
    .unwrap();
    drop(conn);
    let out = phone
        .cmd()
        .args(["send", "--dry-run", "--json", "--sender", "38294"])
        .output()
        .unwrap();
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["sends"], serde_json::json!([]));
    assert_eq!(plan["refused"][0]["reason"], "pending");
    assert!(
        plan["refused"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("send #1 of an earlier run never finished")
    );
    phone.send(&["--again", "--sender", "38294"]).success();
    assert_eq!(
        phone.stubs.sends(),
        vec![strs(&["termux-sms-send", "-n", "38294", "STOP"])]
    );
}

#[test]
fn with_several_lines_the_phone_to_send_from_must_be_named() {
    let phone = Phone::new(&["termux-sms-send"]);
    phone
        .cmd()
        .args(["import", "--line", "work"])
        .arg(fixture("lines/second-phone.xml"))
        .assert()
        .success();
    let before = dump(&phone.db);
    phone
        .cmd()
        .args(["send", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "several lines (me, work): say which with --line NAME",
        ));
    assert!(phone.stubs.sends().is_empty());
    assert_eq!(dump(&phone.db), before);
    phone.send(&["--line", "me", "--sender", "38294"]).success();
    assert_eq!(
        phone.query("SELECT s.line_id, l.name FROM sends s JOIN lines l ON l.id = s.line_id"),
        vec![strs(&["1", "me"])]
    );
}
