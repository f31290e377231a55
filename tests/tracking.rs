//! End to end: import a fixture export and compare the whole
//! `optout senders --json` output with the fixture's ground truth, written
//! independently of the code (`scripts/make_tracking_fixture.py`,
//! `scripts/make_demo.py`).

mod common;

use common::{fixture, optout, root, run_ok};
use predicates::prelude::*;
use serde_json::Value;

/// `senders --json` after importing `export`, with the fields the truth files
/// do not carry (`class`, `in_flight`, `line`, `kind_reason`,
/// `claimed_brand`) moved aside; one import is one line, `me`; every
/// marketing or suspicious sender says which rule made it so, and only a
/// suspicious sender claims a brand.
fn senders_json(export: &std::path::Path) -> (Vec<Value>, Vec<(String, u64)>) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db).arg("import").arg(export).assert().success();
    let out = run_ok(optout(&db).args(["senders", "--json"]));
    let mut got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut in_flight = Vec::new();
    for v in &mut got {
        let o = v.as_object_mut().unwrap();
        o.remove("class");
        assert_eq!(o.remove("line"), Some(Value::from("me")), "{o:?}");
        let reason = o.remove("kind_reason").unwrap();
        let claimed = o.remove("claimed_brand").unwrap();
        if matches!(o["kind"].as_str(), Some("marketing" | "suspicious")) {
            assert!(
                reason["rule"].as_str().is_some_and(|r| !r.is_empty()),
                "{o:?}"
            );
        }
        if o["kind"] != "suspicious" {
            assert!(claimed.is_null(), "{o:?}");
        }
        let n = o.remove("in_flight").and_then(|n| n.as_u64()).unwrap_or(0);
        in_flight.push((o["sender"].as_str().unwrap().to_string(), n));
    }
    (got, in_flight)
}

fn truth(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn assert_same_senders(got: &[Value], want: &[Value]) {
    let key = |v: &Value| v["sender"].as_str().unwrap().to_string();
    let got_keys: Vec<String> = got.iter().map(key).collect();
    let want_keys: Vec<String> = want.iter().map(key).collect();
    assert_eq!(got_keys, want_keys, "senders (in last-seen order)");
    let mut mismatches = Vec::new();
    for (g, w) in got.iter().zip(want) {
        if g != w {
            mismatches.push(format!(
                "{}:\n  got  {}\n  want {}",
                key(w),
                serde_json::to_string(g).unwrap(),
                serde_json::to_string(w).unwrap()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn tracking_fixture_matches_its_ground_truth() {
    let truth = truth(&fixture("tracking/truth.json"));
    let (got, in_flight) = senders_json(&fixture("tracking/cases.xml"));
    assert_same_senders(&got, truth["senders"].as_array().unwrap());
    // In-flight counts live in the notes.
    for (sender, n) in in_flight {
        let want = truth["notes"][&sender]["in_flight"].as_u64().unwrap_or(0);
        assert_eq!(n, want, "in_flight of {sender}");
    }
}

#[test]
fn demo_export_matches_its_ground_truth() {
    let truth = truth(&root().join("assets/demo-truth.json"));
    let (got, _) = senders_json(&root().join("assets/demo-sms.xml"));
    assert_same_senders(&got, truth["senders"].as_array().unwrap());
}

fn sender<'a>(all: &'a [Value], key: &str) -> &'a Value {
    all.iter()
        .find(|v| v["sender"] == key)
        .unwrap_or_else(|| panic!("{key} not listed"))
}

fn senders(db: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let out = run_ok(optout(db).args(["senders", "--json"]).args(extra));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Manual opt-outs and ignores change statuses at once (status is derived,
/// never stored), and both can be taken back.
#[test]
fn manual_optouts_and_ignores_change_the_status_and_can_be_undone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db)
        .arg("import")
        .arg(fixture("tracking/cases.xml"))
        .assert()
        .success();
    assert_eq!(
        sender(&senders(&db, &[]), "106900006001")["status"],
        "subscribed"
    );

    // An opt-out by phone on 10 March; it kept marketing on 18 March and 1 April.
    optout(&db)
        .args(["record-optout", "106900006001", "--at", "2026-03-10 12:00"])
        .args(["--channel", "phone-call"])
        .assert()
        .success()
        .stdout(predicate::str::contains("recorded manual opt-out #1"));
    let all = senders(&db, &[]);
    let s = sender(&all, "106900006001");
    assert_eq!(s["optout_manual"], true);
    assert_eq!(s["optout_sent_at"], "2026-03-10T12:00:00+08:00");
    assert_eq!(s["status"], "violating");
    assert_eq!(s["after_optout"], 2);
    optout(&db)
        .arg("manual")
        .assert()
        .success()
        .stdout(predicate::str::contains("#1").and(predicate::str::contains("phone-call")));

    // Ignoring a brand covers all its numbers; undo restores them.
    optout(&db)
        .args(["ignore", "--brand", "悦家生活"])
        .assert()
        .success();
    let all = senders(&db, &[]);
    assert_eq!(sender(&all, "10659000200288")["status"], "ignored");
    assert_eq!(sender(&all, "106900002001")["status"], "ignored");
    let violating = senders(&db, &["--status", "violating"]);
    assert!(violating.iter().all(|v| v["brand"] != "悦家生活"));
    optout(&db)
        .args(["ignore", "--brand", "悦家生活", "--undo"])
        .assert()
        .success();
    assert_eq!(
        sender(&senders(&db, &[]), "10659000200288")["status"],
        "violating"
    );

    // Removing the manual record restores the earlier status.
    optout(&db)
        .args(["manual", "--remove", "1"])
        .assert()
        .success();
    assert_eq!(
        sender(&senders(&db, &[]), "106900006001")["status"],
        "subscribed"
    );

    // Unknown senders and brands are refused with a hint.
    optout(&db)
        .args(["record-optout", "999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no sender '999'"));
    optout(&db)
        .args(["ignore", "--brand", "没有这个"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("optout brands"));
}
