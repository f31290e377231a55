//! The evidence export (issue 6): snapshots of every format on a fixed
//! fixture, injection, integrity, redaction, safe writing, and the command.
//!
//! The fixture `tests/fixtures/export/evidence.xml` is imported with the
//! real importer; the classifier is not what these tests are about (and is a
//! stub in this branch), so [`classify_by_hand`] then sets each message's
//! kind, brand and advertised keyword, and each sender's class, with SQL
//! UPDATEs. Everything after that (tracking, evidence, rendering) is the
//! real code. Times are fixed, the zone is passed in, `now` is fixed.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, optout};
use jiff::tz::TimeZone;
use optout::classify::{Classifier, Region};
use optout::export::{
    self, ExportError, ExportFormat, ExportOptions, Lang, Selection, build_evidence,
    canonical_json, integrity_sha256, write_evidence,
};
use optout::import::{Format, ImportOptions};
use optout::store::Store;
use optout::track::{Policy, Report, Status};
use predicates::prelude::*;

/// 2026-04-01T00:00:00+08:00: "now" in every test.
const NOW_MS: i64 = 1_774_972_800_000;

/// The state the classification rules would produce for the fixture,
/// written out: who is a port or a short code, which messages are
/// marketing or confirmations, the brands, the advertised keywords, and the
/// US short code's offsets (EST until 8 March 2026, then EDT).
const CLASSIFY_BY_HAND: &str = "
    UPDATE senders SET class = 'port' WHERE key IN ('106912345678', '106900001111', '1065500');
    UPDATE senders SET class = 'short_code' WHERE key = '72345';
    UPDATE senders SET class = 'service' WHERE key = '95588';
    UPDATE senders SET class = 'mobile' WHERE key = '+8613912345678';
    UPDATE messages SET kind = 'marketing'
        WHERE direction = 'in' AND sender_id IN (SELECT id FROM senders WHERE class != 'mobile');
    UPDATE messages SET kind = 'optout_confirmation'
        WHERE body LIKE '%退订成功%' OR body LIKE '%已成功退订%';
    UPDATE messages SET brand = '浦发银行' WHERE direction = 'in' AND body LIKE '%【浦发银行】%';
    UPDATE messages SET brand = '速贷' WHERE direction = 'in' AND body LIKE '【速贷】%';
    UPDATE messages SET brand = '工商银行' WHERE direction = 'in' AND body LIKE '【工商银行】%';
    UPDATE messages SET brand = 'Acme'
        WHERE direction = 'in' AND sender_id = (SELECT id FROM senders WHERE key = '72345');
    UPDATE messages SET optout_keyword = 'TD'
        WHERE kind = 'marketing' AND body LIKE '%回TD退订%';
    UPDATE messages SET optout_keyword = 'T' WHERE kind = 'marketing' AND body LIKE '%回T退订%';
    UPDATE messages SET optout_keyword = 'STOP' WHERE kind = 'marketing' AND body LIKE '%Reply STOP%';
    UPDATE messages SET utc_offset_s = CASE WHEN ts_ms < 1772953200000 THEN -18000 ELSE -14400 END
        WHERE sender_id = (SELECT id FROM senders WHERE key = '72345');
    UPDATE imports SET started_at_ms = 1774972700000, finished_at_ms = 1774972701000;
    -- A manual opt-out by phone for the loan port, with a note naming the user's own number.
    INSERT INTO manual_optouts(scope, name, at_ms, utc_offset_s, channel, note, created_at_ms)
        VALUES ('sender', '1065500', 1772521200000, 28800, 'phone-call',
                '用另一部手机13800138000致电客服', 1772521200000);
";

fn classify_by_hand(conn: &rusqlite::Connection) {
    conn.execute_batch(CLASSIFY_BY_HAND).expect("fixture SQL");
}

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

fn policy() -> Policy {
    Policy {
        zone: shanghai(),
        ..Policy::default()
    }
}

fn options() -> ExportOptions {
    ExportOptions {
        lang: Lang::En,
        redact: false,
        force: false,
        zone: shanghai(),
        now_ms: NOW_MS,
        policy: policy(),
        all_messages: false,
    }
}

/// The fixture imported and classified by hand, with its report.
fn fixture_store() -> (Store, Report) {
    let mut store = Store::open_in_memory().unwrap();
    optout::ingest::import_file(
        &mut store,
        &fixture("export/evidence.xml"),
        Format::AndroidXml,
        &ImportOptions::default(),
        &Classifier::builtin(),
        &Region::default(),
        &(),
    )
    .unwrap();
    classify_by_hand(store.conn());
    // A fixed rules version, so the snapshots do not change with the rules.
    store.set_meta("rules_version", "fixture-rules").unwrap();
    // A fixed reporter id (a line gets a random one at its first export).
    store
        .conn()
        .execute(
            "UPDATE lines SET reporter_id = '0123456789abcdef0123456789abcdef'",
            [],
        )
        .unwrap();
    let report = optout::findings::compute(&store, &policy()).unwrap();
    (store, report)
}

fn render(selection: &Selection, format: ExportFormat, options: &ExportOptions) -> String {
    let (store, report) = fixture_store();
    let evidence = build_evidence(&store, &report, selection, options).unwrap();
    String::from_utf8(export::render(&evidence, format, options.lang)).unwrap()
}

fn brand(name: &str) -> Selection {
    Selection {
        brands: vec![name.into()],
        ..Selection::default()
    }
}

/// The HTML without its (long, separately tested) stylesheet.
fn without_css(html: &str) -> String {
    let start = html.find("<style>").unwrap() + "<style>".len();
    let end = html.find("</style>").unwrap();
    let mut out = html.to_string();
    out.replace_range(start..end, "\n/* assets/evidence.css */\n");
    out
}

#[test]
fn the_fixture_tracks_as_the_tests_expect() {
    let (_store, report) = fixture_store();
    let status = |key: &str| {
        report.senders.iter().find(|s| s.key == key).map(|s| {
            (
                s.status,
                s.findings.violations.len(),
                s.findings.in_flight.len(),
            )
        })
    };
    assert_eq!(status("106912345678"), Some((Status::Violating, 3, 1)));
    assert_eq!(status("106900001111"), Some((Status::Violating, 1, 0)));
    assert_eq!(status("72345"), Some((Status::Violating, 2, 1)));
    assert_eq!(status("1065500"), Some((Status::Violating, 1, 0)));
    assert_eq!(status("95588"), Some((Status::Confirmed, 0, 0)));
    assert_eq!(status("+8613912345678"), Some((Status::None, 0, 0)));
}

// --- snapshots -------------------------------------------------------------

#[test]
fn json_snapshot() {
    let json = render(&Selection::default(), ExportFormat::Json, &options());
    insta::assert_snapshot!("evidence_violating_json", json);
}

#[test]
fn html_snapshot() {
    let html = render(&Selection::default(), ExportFormat::Html, &options());
    insta::assert_snapshot!("evidence_violating_html", without_css(&html));
}

#[test]
fn html_snapshot_in_chinese_for_a_brand() {
    let zh = ExportOptions {
        lang: Lang::Zh,
        ..options()
    };
    let html = render(&brand("浦发银行"), ExportFormat::Html, &zh);
    insta::assert_snapshot!("evidence_brand_zh_html", without_css(&html));
}

#[test]
fn csv_snapshot() {
    let csv = render(&Selection::default(), ExportFormat::Csv, &options());
    assert!(csv.starts_with('\u{FEFF}'), "UTF-8 with BOM");
    insta::assert_snapshot!("evidence_violating_csv", csv);
}

#[test]
fn complaint_snapshot() {
    let text = render(&Selection::default(), ExportFormat::Complaint, &options());
    insta::assert_snapshot!("evidence_violating_complaint", text);
}

#[test]
fn complaint_snapshot_in_chinese_for_a_brand() {
    let zh = ExportOptions {
        lang: Lang::Zh,
        ..options()
    };
    let text = render(&brand("浦发银行"), ExportFormat::Complaint, &zh);
    insta::assert_snapshot!("evidence_brand_zh_complaint", text);
}

/// Not a check by itself: `scripts/render-evidence.sh` sets
/// `OPTOUT_EVIDENCE_SAMPLE_DIR` to get the fixture's HTML (English, Chinese,
/// redacted) and renders it in headless Chromium. Without it, nothing runs.
#[test]
fn sample_html_for_the_chromium_check() {
    let Some(dir) = std::env::var_os("OPTOUT_EVIDENCE_SAMPLE_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (store, report) = fixture_store();
    let samples = [
        ("evidence-en.html", Lang::En, false),
        ("evidence-zh.html", Lang::Zh, false),
        ("evidence-zh-redacted.html", Lang::Zh, true),
    ];
    for (name, lang, redact) in samples {
        let options = ExportOptions {
            lang,
            redact,
            force: true,
            ..options()
        };
        let path = dir.join(name);
        write_evidence(
            &store,
            &report,
            &Selection::default(),
            ExportFormat::Html,
            &path,
            &options,
        )
        .unwrap();
        eprintln!("wrote {}", path.display());
    }
}

// --- content ---------------------------------------------------------------

/// The complaint text split into its offenders' sections, by name.
fn complaint_sections(text: &str) -> Vec<(String, String)> {
    text.split("\n==== ")
        .skip(1)
        .map(|sec| {
            let (head, body) = sec.split_once(" ====\n").unwrap();
            let name = head.split_once(". ").unwrap().1;
            let name = name.split(" (").next().unwrap().to_string();
            (name, body.to_string())
        })
        .collect()
}

#[test]
fn the_complaint_follows_each_offenders_jurisdiction() {
    let text = render(&Selection::default(), ExportFormat::Complaint, &options());
    let sections = complaint_sections(&text);
    let section = |name: &str| {
        sections.iter().find(|(n, _)| n == name).map_or_else(
            || panic!("no section {name} in {text}"),
            |(_, b)| b.as_str(),
        )
    };
    // Chinese ports: the 12321 form only, never the FCC/FTC or 7726.
    for port in ["106912345678", "106900001111", "1065500"] {
        let s = section(port);
        assert!(s.contains(&format!("被举报号码：{port}")), "{s}");
        assert!(s.contains("举报类型：金融营销"), "loans and credit: {s}");
        for other in ["FCC", "7726", "ICO"] {
            assert!(!s.contains(other), "{port} names {other}: {s}");
        }
    }
    // The dates are the first marketing message and the first violation.
    assert!(section("1065500").contains(
        "该号码自2026-02-20 12:00:00 +08:00起向本人发送营销短信。本人已于2026-03-03 15:00:00 +08:00通过电话办理退订"
    ));
    assert!(section("106912345678").contains("首条于2026-03-05 10:30:00 +08:00"));
    // The US short code: the FCC/FTC text (and 7726, which US carriers take), never 12321.
    let us = section("72345");
    assert!(us.contains("[FCC / FTC complaint (English)]"));
    assert!(!us.contains("12321") && !us.contains("被举报号码"), "{us}");
    assert!(us.contains("Between 2026-03-02 and 2026-03-25 I received marketing"));
    assert!(us.contains("I revoked consent on 2026-03-02 by replying \"Stop\" to 72345"));
    assert!(us.contains("I have received 2 more marketing messages"));
    assert!(us.contains("the first on 2026-03-20 (14 business days after I opted out) and"));
    // The shop is advertising, not financial marketing.
    let (store, report) = fixture_store();
    let evidence = build_evidence(&store, &report, &Selection::default(), &options()).unwrap();
    let shop = evidence
        .offenders
        .iter()
        .find(|o| o.name == "72345")
        .unwrap();
    assert_eq!(shop.category, "commercial_advertising");
    assert_eq!(shop.senders[0].complaint_to, "fcc_ftc");
}

#[test]
fn a_uk_number_gets_the_7726_text() {
    let (store, _) = fixture_store();
    store
        .conn()
        .execute_batch(
            "UPDATE senders SET key = '+447700900123', class = 'mobile' WHERE key = '72345';",
        )
        .unwrap();
    let report = optout::findings::compute(&store, &policy()).unwrap();
    let sel = Selection {
        senders: vec!["+447700900123".into()],
        ..Selection::default()
    };
    let evidence = build_evidence(&store, &report, &sel, &options()).unwrap();
    assert_eq!(evidence.offenders[0].senders[0].complaint_to, "7726");
    let text =
        String::from_utf8(export::render(&evidence, ExportFormat::Complaint, Lang::En)).unwrap();
    assert!(
        text.contains(
            "[Forward to 7726 (SPAM)]\nForward each of these messages from your phone to 7726:"
        ),
        "{text}"
    );
    assert!(text.contains("[UK: report to the ICO (English)]"));
    assert!(!text.contains("FCC") && !text.contains("12321"), "{text}");
    let csv = String::from_utf8(export::render(&evidence, ExportFormat::Csv, Lang::En)).unwrap();
    assert!(
        csv.contains("\n+447700900123,+447700900123,72345,Acme,"),
        "a phone number stays exact, without an apostrophe: {csv}"
    );
}

#[test]
fn selection_by_sender_status_and_since() {
    let (store, report) = fixture_store();
    let build = |sel: &Selection| build_evidence(&store, &report, sel, &options());
    let names = |sel: &Selection| -> Vec<String> {
        build(sel)
            .unwrap()
            .offenders
            .iter()
            .map(|o| o.name.clone())
            .collect()
    };
    assert_eq!(
        names(&Selection::default()),
        ["72345", "106912345678", "106900001111", "1065500"]
    );
    // A brand section covers its numbers; a sender of that brand is not repeated.
    let both = Selection {
        senders: vec!["106900001111".into(), "72345".into()],
        brands: vec!["浦发银行".into()],
        ..Selection::default()
    };
    assert_eq!(names(&both), ["浦发银行", "72345"]);
    let confirmed = Selection {
        statuses: vec![Status::Confirmed],
        ..Selection::default()
    };
    assert_eq!(names(&confirmed), ["95588"]);
    // --since keeps the violating senders with a violation since, and lists only those.
    let since = Selection {
        since_ms: Some(1_773_244_800_000), // 2026-03-12T00:00:00+08:00
        ..Selection::default()
    };
    let evidence = build(&since).unwrap();
    let listed: Vec<(String, usize)> = evidence
        .offenders
        .iter()
        .map(|o| (o.name.clone(), o.violations.len()))
        .collect();
    assert_eq!(
        listed,
        [("72345".to_string(), 2), ("106912345678".to_string(), 1)]
    );
    // The counts still cover the whole history.
    assert_eq!(evidence.offenders[1].counts.marketing_after_optout, 3);

    assert!(matches!(
        build(&Selection {
            senders: vec!["10000".into()],
            ..Selection::default()
        }),
        Err(ExportError::UnknownSender(_))
    ));
    assert!(matches!(
        build(&brand("Nobody")),
        Err(ExportError::UnknownBrand(_))
    ));
    assert!(matches!(
        build(&Selection {
            statuses: vec![Status::Resubscribed],
            ..Selection::default()
        }),
        Err(ExportError::NothingSelected(_))
    ));
}

#[test]
fn a_manual_optout_is_marked_manual_with_its_channel() {
    let (store, report) = fixture_store();
    let sel = Selection {
        senders: vec!["1065500".into()],
        ..Selection::default()
    };
    let evidence = build_evidence(&store, &report, &sel, &options()).unwrap();
    let optout = evidence.offenders[0].optout.as_ref().unwrap();
    assert!(optout.manual);
    assert_eq!(optout.channel.as_deref(), Some("phone-call"));
    assert_eq!(optout.at.local, "2026-03-03T15:00:00+08:00");
    assert!(optout.message.is_none());
    let csv = String::from_utf8(export::render(&evidence, ExportFormat::Csv, Lang::En)).unwrap();
    assert!(csv.contains("manual_record:phone-call"));
}

// --- safety ----------------------------------------------------------------

#[test]
fn html_escapes_message_text() {
    let html = render(&Selection::default(), ExportFormat::Html, &options());
    assert!(html.contains("【浦发银行】&lt;script&gt;alert(1)&lt;/script&gt;专享贷款额度"));
    assert!(
        !html.to_lowercase().contains("<script"),
        "no script element, ever"
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.contains("http://x\""), "quotes in text are escaped");
    // No external requests: the only URL-like text is inside the escaped message.
    for needle in ["src=", "<link", "<img", "url(", "@import"] {
        assert!(!html.contains(needle), "{needle}");
    }
}

#[test]
fn csv_neutralises_formulas() {
    let csv = render(&Selection::default(), ExportFormat::Csv, &options());
    let body = csv.trim_start_matches('\u{FEFF}');
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let text_col = headers.iter().position(|h| h == "text").unwrap();
    let mut texts = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        for cell in &record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unneutralised cell {cell:?}"
            );
        }
        texts.push(record[text_col].to_string());
    }
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("'=HYPERLINK(\"http://x\",\"y\")"))
    );
    assert!(texts.iter().any(|t| t.starts_with("'-50% on shoes")));
    assert!(texts.iter().any(|t| t.starts_with("'+1 deal")));
}

#[test]
fn the_integrity_hash_recomputes_from_the_json_and_is_printed_everywhere() {
    let (store, report) = fixture_store();
    let evidence = build_evidence(&store, &report, &Selection::default(), &options()).unwrap();
    let printed = evidence.sha256().to_string();
    assert_eq!(printed.len(), 64);
    assert_eq!(integrity_sha256(&evidence), printed);

    // What a reader does with the JSON export: parse it (keys in file order),
    // set "integrity" to null, serialise compactly, hash.
    let json = String::from_utf8(export::render(&evidence, ExportFormat::Json, Lang::En)).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["integrity"]["sha256"], printed.as_str());
    value["integrity"] = serde_json::Value::Null;
    let canonical = serde_json::to_vec(&value).unwrap();
    assert_eq!(canonical, canonical_json(&evidence));
    let recomputed = sha256_hex(&canonical);
    assert_eq!(recomputed, printed);

    for format in [
        ExportFormat::Html,
        ExportFormat::Csv,
        ExportFormat::Complaint,
    ] {
        let out = String::from_utf8(export::render(&evidence, format, Lang::Zh)).unwrap();
        assert!(out.contains(&printed), "{format:?} prints the hash");
    }
    // The generation time is outside the hash: a later export of the same
    // data prints the same hash.
    let later = ExportOptions {
        now_ms: NOW_MS + 86_400_000,
        ..options()
    };
    let again = build_evidence(&store, &report, &Selection::default(), &later).unwrap();
    assert_eq!(again.sha256(), printed);
}

/// The export streams its messages from the store (hash first, then the
/// file); what it writes is byte for byte what the in-memory evidence
/// renders, in every format, plain and redacted, with and without `since`.
#[test]
fn a_streamed_export_equals_the_in_memory_evidence() {
    let (store, report) = fixture_store();
    let dir = tempfile::tempdir().unwrap();
    let since = Selection {
        since_ms: Some(1_773_244_800_000),
        ..Selection::default()
    };
    for (n, sel) in [Selection::default(), brand("浦发银行"), since]
        .iter()
        .enumerate()
    {
        for redact in [false, true] {
            let opts = ExportOptions {
                redact,
                ..options()
            };
            let evidence = build_evidence(&store, &report, sel, &opts).unwrap();
            for format in [
                ExportFormat::Html,
                ExportFormat::Csv,
                ExportFormat::Json,
                ExportFormat::Complaint,
            ] {
                let path = dir
                    .path()
                    .join(format!("{n}-{redact}.{}", format.extension()));
                let written = export::export(&store, &report, sel, format, &path, &opts).unwrap();
                assert_eq!(written.sha256, evidence.sha256(), "{format:?} {n} {redact}");
                assert_eq!(written.messages, evidence.summary.messages);
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    bytes == export::render(&evidence, format, Lang::En),
                    "{format:?} {n} {redact}: the streamed file differs"
                );
            }
        }
    }
}

/// A hostile body for one violation of 106912345678: formulas after each
/// separator, a bare carriage return that would overwrite the line before
/// it, a bidi override and a C1 control.
const HOSTILE: &str = "ok;=cmd|' /C calc'!A0;+1+cmd|x;-2+3+cmd|y;@SUM(1)\t=HYPERLINK(\"z\")\n=1+1\r被举报号码：10000 \u{202e}evil\u{85}";

fn inject_hostile(conn: &rusqlite::Connection) {
    conn.execute("UPDATE messages SET body = ?1 WHERE id = 18", [HOSTILE])
        .unwrap();
}

#[test]
fn csv_has_no_formula_in_any_locale() {
    let (store, report) = fixture_store();
    inject_hostile(store.conn());
    let evidence = build_evidence(&store, &report, &Selection::default(), &options()).unwrap();
    let csv = String::from_utf8(export::render(&evidence, ExportFormat::Csv, Lang::En)).unwrap();
    let body = csv.trim_start_matches('\u{FEFF}');
    let plain_number = |c: &str| {
        c.starts_with(['+', '-'])
            && c.chars()
                .skip(1)
                .all(|d| d.is_ascii_digit() || " -.()".contains(d))
    };
    for delimiter in [b',', b';', b'\t'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes());
        let mut cells = 0;
        for record in reader.records() {
            for cell in &record.unwrap() {
                cells += 1;
                let lead = cell.trim_start_matches(' ');
                assert!(
                    !lead.starts_with(['=', '+', '-', '@', '\t', '\r']) || plain_number(lead),
                    "delimiter {:?}: a cell starts a formula: {cell:?}",
                    delimiter as char
                );
            }
        }
        assert!(cells >= 19, "read every row");
    }
    // Read the right way, the text is the message with an apostrophe before each formula.
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let texts: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[12].to_string())
        .collect();
    assert!(
        texts.iter().any(|t| t.starts_with(
            "ok;'=cmd|' /C calc'!A0;'+1+cmd|x;'-2+3+cmd|y;'@SUM(1)\t'=HYPERLINK(\"z\")\n'=1+1\r"
        )),
        "{texts:?}"
    );
}

#[test]
fn complaint_and_json_never_carry_raw_carriage_returns_bidi_or_c1() {
    let dir = tempfile::tempdir().unwrap();
    let db = cli_database(dir.path());
    inject_hostile(&rusqlite::Connection::open(&db).unwrap());
    let file = dir.path().join("c.txt");
    for out in [Path::new("-"), file.as_path()] {
        for lang in ["en", "zh"] {
            let assert = optout(&db)
                .args(["export", "--format", "complaint", "--lang", lang, "--out"])
                .arg(out)
                .arg("--force")
                .assert()
                .success();
            let text = if out == Path::new("-") {
                String::from_utf8(assert.get_output().stdout.clone()).unwrap()
            } else {
                std::fs::read_to_string(out).unwrap()
            };
            assert!(text.contains("evil"), "the message is there");
            for c in ['\r', '\u{202e}', '\u{85}'] {
                assert!(
                    !text.contains(c),
                    "{c:?} reaches the complaint text ({out:?})"
                );
            }
            // The text after the carriage return is on its own, indented line.
            assert!(!text.contains("\n被举报号码：10000"), "{text}");
        }
    }
    let out = optout(&db)
        .args(["export", "--format", "json", "--out", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json = String::from_utf8(out).unwrap();
    for c in ['\u{202e}', '\u{85}', '\r'] {
        assert!(!json.contains(c), "{c:?} raw in the JSON");
    }
    assert!(json.contains("\\u202eevil\\u0085"));
    // The escapes are the exact text, and the hash recomputes from the file.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let texts: Vec<&str> = value["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["violations"].as_array().unwrap())
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert!(texts.contains(&HOSTILE));
    let printed = value["integrity"]["sha256"].as_str().unwrap().to_string();
    value["integrity"] = serde_json::Value::Null;
    assert_eq!(sha256_hex(&serde_json::to_vec(&value).unwrap()), printed);
}

#[test]
fn an_interrupted_export_leaves_no_temporary_file_behind() {
    let (store, report) = fixture_store();
    let dir = tempfile::tempdir().unwrap();
    // What a killed export leaves: a process that is gone (pid beyond
    // Linux's maximum), and an older optout's name without a pid, a day old.
    let dead = dir.path().join(".optout-export-4194305-Ab3dEf");
    std::fs::write(&dead, b"partial").unwrap();
    let old = dir.path().join(".optout-export-Qw12Er");
    std::fs::write(&old, b"partial").unwrap();
    let two_days = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(two_days)
        .unwrap();
    // A running export's file (this process is alive) and the user's own files stay.
    let live = dir
        .path()
        .join(format!(".optout-export-{}-Zx9Yw8", std::process::id()));
    std::fs::write(&live, b"being written").unwrap();
    let mine = dir.path().join(".optout-export-notes.txt");
    std::fs::write(&mine, b"mine").unwrap();
    let recent = dir.path().join(".optout-export-Rt56Yu");
    std::fs::write(&recent, b"another export, running").unwrap();

    let out = dir.path().join("e.json");
    write_evidence(
        &store,
        &report,
        &Selection::default(),
        ExportFormat::Json,
        &out,
        &options(),
    )
    .unwrap();
    let mut expected = vec![
        "e.json".to_string(),
        live.file_name().unwrap().to_string_lossy().into_owned(),
        ".optout-export-notes.txt".into(),
        ".optout-export-Rt56Yu".into(),
    ];
    expected.sort();
    assert_eq!(files_in(dir.path()), expected);
}

/// The interface quit while its export thread was writing: this
/// process's own temporary files go, everyone else's stay (another
/// optout's running export, older names, the user's files).
#[test]
fn an_export_given_up_removes_only_this_process_s_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir
        .path()
        .join(format!(".optout-export-{}-Zx9Yw8", std::process::id()));
    std::fs::write(&own, b"being written, given up").unwrap();
    let kept = [
        ".optout-export-1-Ab3dEf".to_string(),
        format!(".optout-export-{}0-Cd4eFg", std::process::id()),
        ".optout-export-Qw12Er".into(),
        ".optout-export-notes.txt".into(),
        "evidence.html".into(),
    ];
    for name in &kept {
        std::fs::write(dir.path().join(name), b"not ours").unwrap();
    }
    optout::export::abandon_own_temp_files(dir.path());
    let mut expected = kept.to_vec();
    expected.sort();
    assert_eq!(files_in(dir.path()), expected);
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The personal contact (老王, +86 139 1234 5678) and the user's own number
/// (13800138000) appear in an offender's message and in the manual note.
const PRIVATE: &[&str] = &["老王", "13912345678", "139 1234 5678", "13800138000"];

#[test]
fn redaction_hides_personal_numbers_and_names_in_every_format() {
    let (store, report) = fixture_store();
    let plain = build_evidence(&store, &report, &Selection::default(), &options()).unwrap();
    let plain_json =
        String::from_utf8(export::render(&plain, ExportFormat::Json, Lang::En)).unwrap();
    for p in ["老王", "139 1234 5678", "13800138000"] {
        assert!(plain_json.contains(p), "the fixture has {p}");
    }
    let redacted_options = ExportOptions {
        redact: true,
        ..options()
    };
    let redacted =
        build_evidence(&store, &report, &Selection::default(), &redacted_options).unwrap();
    assert!(redacted.redacted);
    assert_ne!(redacted.sha256(), plain.sha256());
    for format in [
        ExportFormat::Html,
        ExportFormat::Csv,
        ExportFormat::Json,
        ExportFormat::Complaint,
    ] {
        for lang in [Lang::En, Lang::Zh] {
            let out = String::from_utf8(export::render(&redacted, format, lang)).unwrap();
            for p in PRIVATE {
                assert!(!out.contains(p), "{format:?}/{lang:?} leaks {p}");
            }
            // The offenders' details stay.
            for keep in [
                "106912345678",
                "106900001111",
                "72345",
                "1065500",
                "浦发银行",
            ] {
                assert!(out.contains(keep), "{format:?} lost {keep}");
            }
        }
    }
    let v3 = redacted.offenders[1]
        .violations
        .iter()
        .find(|m| m.text.contains("推荐"))
        .unwrap();
    assert_eq!(
        v3.text,
        "【浦发银行】尊敬的[redacted number]用户，您的好友[redacted name]（[redacted number]）推荐您办理信用贷，回TD退订"
    );
}

// --- writing ---------------------------------------------------------------

#[test]
fn never_overwrites_without_force_and_names_files_in_a_directory() {
    let (store, report) = fixture_store();
    let dir = tempfile::tempdir().unwrap();
    let sel = Selection::default();
    let path = write_evidence(
        &store,
        &report,
        &sel,
        ExportFormat::Json,
        dir.path(),
        &options(),
    )
    .unwrap();
    assert_eq!(
        path,
        dir.path().join("optout-evidence-violating-2026-04-01.json")
    );
    let first = std::fs::read(&path).unwrap();
    std::fs::write(&path, b"the user's own file").unwrap();
    let err =
        write_evidence(&store, &report, &sel, ExportFormat::Json, &path, &options()).unwrap_err();
    assert!(matches!(err, ExportError::Exists(_)), "{err}");
    assert!(err.to_string().contains("--force"));
    assert_eq!(std::fs::read(&path).unwrap(), b"the user's own file");
    let forced = ExportOptions {
        force: true,
        ..options()
    };
    write_evidence(&store, &report, &sel, ExportFormat::Json, &path, &forced).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
    assert_eq!(
        files_in(dir.path()),
        ["optout-evidence-violating-2026-04-01.json"]
    );
}

#[test]
fn a_failed_write_leaves_no_file() {
    let (store, report) = fixture_store();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing-dir/evidence.html");
    let err = write_evidence(
        &store,
        &report,
        &Selection::default(),
        ExportFormat::Html,
        &out,
        &options(),
    )
    .unwrap_err();
    assert!(matches!(err, ExportError::Io { .. }), "{err}");
    assert!(files_in(dir.path()).is_empty());
    // Nothing selected: nothing written either.
    let none = Selection {
        statuses: vec![Status::Resubscribed],
        ..Selection::default()
    };
    let out = dir.path().join("e.csv");
    assert!(write_evidence(&store, &report, &none, ExportFormat::Csv, &out, &options()).is_err());
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn html_is_refused_on_standard_output() {
    let (store, report) = fixture_store();
    let err = write_evidence(
        &store,
        &report,
        &Selection::default(),
        ExportFormat::Html,
        Path::new("-"),
        &options(),
    )
    .unwrap_err();
    assert!(matches!(err, ExportError::HtmlToStdout));
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

// --- the command -----------------------------------------------------------

/// A database file with the fixture imported by the binary and classified by hand.
fn cli_database(dir: &Path) -> PathBuf {
    let db = dir.join("optout.sqlite3");
    optout(&db)
        .args(["import"])
        .arg(fixture("export/evidence.xml"))
        .assert()
        .success();
    let conn = rusqlite::Connection::open(&db).unwrap();
    classify_by_hand(&conn);
    db
}

#[test]
fn cli_writes_json_csv_and_complaint_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = cli_database(dir.path());

    let out = optout(&db)
        .args(["export", "--format", "json", "--out", "-"])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote - (4 senders, 18 messages)"))
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["offenders"].as_array().unwrap().len(), 4);
    assert_eq!(value["zone"], "Asia/Shanghai");

    let out = optout(&db)
        .args(["export", "--format", "csv", "--out", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(out.starts_with("\u{FEFF}offender,sender,".as_bytes()));

    optout(&db)
        .args([
            "export",
            "--format",
            "complaint",
            "--out",
            "-",
            "--lang",
            "zh",
        ])
        .args(["--brand", "浦发银行", "--redact"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "被举报号码：106912345678、106900001111",
        ))
        // A Chinese brand: the 12321 text, not the UK's 7726 or the FCC's.
        .stdout(predicate::str::contains("[转发至 7726").not())
        .stdout(predicate::str::contains("FCC").not())
        .stdout(predicate::str::contains("13800138000").not())
        .stderr(predicate::str::contains("wrote - (2 senders,"));
}

#[test]
fn cli_refuses_html_on_standard_output_and_bad_flags() {
    let dir = tempfile::tempdir().unwrap();
    let db = cli_database(dir.path());
    optout(&db)
        .args(["export", "--format", "html", "--out", "-"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("give --out FILE"));
    optout(&db)
        .args(["export", "--format", "json", "--status", "angry"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--status: 'angry'"));
    optout(&db)
        .args(["export", "--format", "json", "--sender", "10000"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no sender '10000'"));
    optout(&db)
        .args(["export", "--format", "json", "--since", "last week"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--since"));
    // Only the database is there: no export, no temporary file.
    assert!(
        files_in(dir.path())
            .iter()
            .all(|f| f.starts_with("optout.sqlite3")),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn cli_default_file_is_named_after_the_selection_and_never_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let db = cli_database(dir.path());
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let today = jiff::Zoned::now()
        .with_time_zone(shanghai())
        .date()
        .strftime("%Y-%m-%d")
        .to_string();
    let name = format!("optout-evidence-violating-{today}.html");
    optout(&db)
        .current_dir(&work)
        .args(["export", "--format", "html"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "wrote {name} (4 senders, 18 messages)"
        )));
    let html = std::fs::read_to_string(work.join(&name)).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    optout(&db)
        .current_dir(&work)
        .args(["export", "--format", "html"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already exists: pass --force"));
    optout(&db)
        .current_dir(&work)
        .args(["export", "--format", "html", "--force", "--lang", "zh"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(work.join(&name))
            .unwrap()
            .contains("<html lang=\"zh-CN\">")
    );
    assert_eq!(files_in(&work), [name]);
}

/// A page that cuts its lists (more than twice 20 violations) written
/// offender by offender, its shown messages read back from the store, is
/// the page rendered from the whole evidence in memory, byte for byte:
/// plain, redacted, and in the complaint text.
#[test]
fn a_cut_page_written_as_it_is_made_is_the_page_rendered_in_memory() {
    let (store, _) = fixture_store();
    // 50 more violations of 106912345678, a day apart, after its latest.
    store
        .conn()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
             INSERT INTO messages (sender_id, direction, address, ts_ms, utc_offset_s, body,
                 channel, contact_name, import_id, dedupe, hint, kind, rule_id, brand,
                 brand_from_prefix, optout_keyword, optout_target, line_id, reason)
             SELECT m.sender_id, m.direction, m.address, m.ts_ms + n.i * 86400000,
                 m.utc_offset_s, m.body || ' 第' || n.i || '期 13912345678', m.channel,
                 m.contact_name, m.import_id, m.dedupe + n.i, m.hint, m.kind, m.rule_id,
                 m.brand, m.brand_from_prefix, m.optout_keyword, m.optout_target, m.line_id,
                 m.reason
             FROM n, (SELECT * FROM messages WHERE kind = 'marketing' AND sender_id =
                 (SELECT id FROM senders WHERE key = '106912345678')
                 ORDER BY ts_ms DESC LIMIT 1) m",
        )
        .unwrap();
    let report = optout::findings::compute(&store, &policy()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for redact in [false, true] {
        let opts = ExportOptions {
            redact,
            ..options()
        };
        let evidence = build_evidence(&store, &report, &Selection::default(), &opts).unwrap();
        for format in [ExportFormat::Html, ExportFormat::Complaint] {
            let path = dir.path().join(format!("{redact}.{}", format.extension()));
            export::export(&store, &report, &Selection::default(), format, &path, &opts).unwrap();
            let written = std::fs::read_to_string(&path).unwrap();
            let in_memory = String::from_utf8(export::render(&evidence, format, Lang::En)).unwrap();
            assert!(
                written.contains("not shown here"),
                "{format:?}: the list is cut"
            );
            assert!(
                written.contains("第50期"),
                "{format:?}: the last violation is shown"
            );
            assert!(
                !written.contains("第25期"),
                "{format:?}: the middle is left out"
            );
            assert_eq!(
                redact,
                !written.contains("13912345678"),
                "{format:?}: redaction applies to the messages read back"
            );
            assert!(written == in_memory, "{format:?} redact={redact}: differs");
        }
    }
}
