//! Many phones in one database: each import belongs to a line, and
//! opt-outs, confirmations and violations never cross from one line to
//! another.

mod common;

use common::{dump, fixture, optout, root, run_ok};
use predicates::prelude::*;
use serde_json::Value;

fn senders(db: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let out = run_ok(optout(db).args(["senders", "--json"]).args(extra));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn on<'a>(all: &'a [Value], line: &str, sender: &str) -> &'a Value {
    all.iter()
        .find(|s| s["line"] == line && s["sender"] == sender)
        .unwrap_or_else(|| panic!("no {sender} on {line}"))
}

fn demo() -> std::path::PathBuf {
    root().join("assets/demo-sms.xml")
}

/// A database of two phones: Ana's (the demo, who opted out of 浦发银行)
/// and Bo's (two 浦发银行 promotions and no opt-out).
fn ana_and_bo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db)
        .args(["import", "--line", "ana"])
        .arg(demo())
        .assert()
        .success();
    optout(&db)
        .args(["import", "--line", "bo"])
        .arg(fixture("lines/second-phone.xml"))
        .assert()
        .success();
    (dir, db)
}

#[test]
fn one_persons_optout_never_covers_anothers_messages() {
    let (_dir, db) = ana_and_bo();
    let all = senders(&db, &[]);
    // Ana opted out of 浦发银行 and it confirmed; Bo never did.
    let ana = on(&all, "ana", "95528");
    assert_eq!(ana["status"], "confirmed");
    assert_eq!(ana["after_optout"], 0);
    let bo = on(&all, "bo", "95528");
    assert_eq!(bo["status"], "subscribed", "{bo}");
    assert_eq!(bo["after_optout"], 0);
    assert!(bo["optout_sent_at"].is_null());
    assert_eq!(bo["marketing"], 2);
    // Nothing from Bo is violating: no opt-out was ever sent from his phone.
    assert!(
        all.iter()
            .filter(|s| s["line"] == "bo")
            .all(|s| s["status"] != "violating")
    );
    // --line keeps one line's rows, and a line that is not there is an error.
    let only_bo = senders(&db, &["--line", "bo"]);
    assert!(!only_bo.is_empty() && only_bo.iter().all(|s| s["line"] == "bo"));
    optout(&db)
        .args(["senders", "--line", "nobody"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no line called 'nobody'"));
    // The table names the line when there is more than one.
    optout(&db)
        .args(["senders"])
        .assert()
        .success()
        .stdout(predicate::str::contains("LINE").and(predicate::str::contains("bo")));
}

#[test]
fn a_manual_optout_counts_only_on_its_line() {
    let (_dir, db) = ana_and_bo();
    // With two lines, a record must say which.
    optout(&db)
        .args(["record-optout", "95528", "--at", "2026-03-01"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--line"));
    optout(&db)
        .args([
            "record-optout",
            "95528",
            "--at",
            "2026-03-01",
            "--line",
            "bo",
        ])
        .assert()
        .success();
    let all = senders(&db, &[]);
    let bo = on(&all, "bo", "95528");
    assert_eq!(bo["optout_manual"], true);
    assert_eq!(
        bo["status"], "violating",
        "both promotions came after: {bo}"
    );
    assert_eq!(bo["after_optout"], 2);
    // Ana's own findings are untouched by Bo's record.
    assert_eq!(on(&all, "ana", "95528")["status"], "confirmed");
}

#[test]
fn a_file_belongs_to_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db).arg("import").arg(demo()).assert().success();
    let before = dump(&db);
    optout(&db)
        .args(["import", "--line", "other"])
        .arg(demo())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("already imported on the line 'me'")
                .and(predicate::str::contains("demo-sms.xml")),
        );
    assert_eq!(dump(&db), before, "a refused import changes nothing");
    // The same line again is fine: nothing new.
    optout(&db)
        .arg("import")
        .arg(demo())
        .assert()
        .success()
        .stderr(predicate::str::contains("imported 0 new messages"));
}

#[test]
fn removing_a_line_leaves_the_others_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db).arg("import").arg(demo()).assert().success();
    let before = dump(&db);
    let senders_before = senders(&db, &[]);
    optout(&db)
        .args(["import", "--line", "bo"])
        .arg(fixture("lines/second-phone.xml"))
        .assert()
        .success();
    assert_ne!(dump(&db), before);
    // Without a terminal and without --yes it asks for --yes.
    optout(&db)
        .args(["lines", "remove", "bo"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--yes"));
    optout(&db)
        .args(["lines", "remove", "bo", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "removed the line 'bo' and its 3 messages",
        ));
    assert_eq!(dump(&db), before);
    assert_eq!(senders(&db, &[]), senders_before);
}

#[test]
fn lines_are_listed_and_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db).arg("import").arg(demo()).assert().success();
    optout(&db)
        .args(["import", "--line", "bo"])
        .arg(fixture("lines/second-phone.xml"))
        .assert()
        .success();
    let out = optout(&db).arg("lines").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let row = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name} in\n{text}"))
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // name, messages, senders, violating, imports; the demo's violating
    // senders as its ground truth counts them.
    let truth: Value =
        serde_json::from_slice(&std::fs::read(root().join("assets/demo-truth.json")).unwrap())
            .unwrap();
    let violating = truth["senders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "violating")
        .count()
        .to_string();
    assert_eq!(row("me")[1..5], ["292", "40", violating.as_str(), "1"]);
    assert_eq!(row("bo")[1..5], ["3", "2", "0", "1"]);
    optout(&db)
        .args(["lines", "rename", "bo", "me"])
        .assert()
        .failure();
    optout(&db)
        .args(["lines", "rename", "bo", "bob"])
        .assert()
        .success();
    assert!(senders(&db, &[]).iter().any(|s| s["line"] == "bob"));
}

#[test]
fn a_database_from_the_previous_release_upgrades_onto_the_line_me() {
    // Made by optout 0.1.0 before lines existed (schema 3): the demo sample,
    // a manual opt-out for 1069099663 and an ignored brand.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    std::fs::copy(fixture("db/v3-demo.sqlite3"), &db).unwrap();
    let all = senders(&db, &[]);
    assert_eq!(all.len(), 40);
    assert!(all.iter().all(|s| s["line"] == "me"));
    let s = on(&all, "me", "1069099663");
    assert_eq!(s["optout_manual"], true);
    assert_eq!(s["status"], "ignored");
    assert_eq!(on(&all, "me", "95528")["status"], "confirmed");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert!(version >= 4);
    let lines: Vec<(i64, String)> = conn
        .prepare("SELECT id, name FROM lines")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(lines, [(1, "me".to_string())]);
}

#[test]
fn brand_aliases_merge_spellings_and_come_apart_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db).arg("import").arg(demo()).assert().success();
    let brand_of = |key: &str| {
        senders(&db, &[])
            .into_iter()
            .find(|s| s["sender"] == key)
            .unwrap()["brand"]
            .clone()
    };
    assert_eq!(brand_of("95528"), "浦发银行");
    optout(&db)
        .args(["brand-alias", "浦发银行", "SPDB"])
        .assert()
        .success();
    assert_eq!(brand_of("95528"), "SPDB");
    optout(&db)
        .args(["brand-alias", "Nope", "SPDB"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no brand 'Nope'"));
    optout(&db)
        .args(["brand-alias", "--undo", "浦发银行"])
        .assert()
        .success();
    assert_eq!(brand_of("95528"), "浦发银行");
}

#[test]
fn evidence_is_one_lines_and_never_cites_anothers_messages() {
    let (_dir, db) = ana_and_bo();
    optout(&db)
        .args([
            "record-optout",
            "95528",
            "--at",
            "2026-03-01",
            "--line",
            "bo",
        ])
        .assert()
        .success();
    optout(&db)
        .args(["export", "--format", "json", "--out", "-"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--line"));
    let out =
        run_ok(optout(&db).args(["export", "--line", "bo", "--format", "json", "--out", "-"]));
    let text = String::from_utf8(out.stdout).unwrap();
    let evidence: Value = serde_json::from_str(&text).unwrap();
    let offenders = evidence["offenders"].as_array().unwrap();
    assert_eq!(offenders.len(), 1, "{text}");
    // Bo's two promotions are the violations; nothing of Ana's phone is cited.
    assert!(text.contains("春季分期节") && text.contains("五一出游季"));
    for ana_only in ["新春好礼", "12期手续费限时7.5折", "尾号8812"] {
        assert!(
            !text.contains(ana_only),
            "{ana_only} leaked into Bo's evidence"
        );
    }
}
