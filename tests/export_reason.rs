//! Every violating message in an evidence export cites why optout called it
//! marketing (issue 12): the rule id and the words that fired, as a JSON
//! field per message (evidence version 3, covered by the integrity hash), a
//! CSV column and a small line in the HTML. Bundles of version 3 import and
//! verify; so do version 2 bundles written before the field existed; a
//! bundle whose reason was changed after export is refused.

mod common;

use std::path::{Path, PathBuf};

use common::{optout, root};
use predicates::prelude::*;
use serde_json::Value;

/// The demo, opted out of 1069099663 on 2026-02-01.
fn reporter(dir: &Path) -> PathBuf {
    let db = dir.join("reporter.sqlite3");
    optout(&db)
        .arg("import")
        .arg(root().join("assets/demo-sms.xml"))
        .assert()
        .success();
    optout(&db)
        .args(["record-optout", "1069099663", "--at", "2026-02-01"])
        .assert()
        .success();
    db
}

fn export(db: &Path, out: &Path, format: &str) {
    optout(db)
        .args(["export", "--format", format, "--out"])
        .arg(out)
        .assert()
        .success();
}

fn violations(doc: &Value) -> Vec<&Value> {
    doc["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["violations"].as_array().unwrap().iter())
        .collect()
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

/// `doc` hashed again as the canonical form says.
fn rehash(doc: &mut Value) {
    doc["integrity"] = Value::Null;
    let sha = sha256_hex(serde_json::to_string(&doc).unwrap().as_bytes());
    doc["integrity"] = serde_json::json!({ "algorithm": "sha256", "sha256": sha });
}

#[test]
fn each_violating_message_cites_its_rule_and_words_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = reporter(dir.path());
    let json = dir.path().join("e.json");
    export(&db, &json, "json");
    let doc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(doc["evidence_version"], 3);
    let listed = violations(&doc);
    assert!(!listed.is_empty(), "the demo has violations");
    for m in &listed {
        let rule = m["reason"]["rule"].as_str().unwrap_or_default();
        assert!(!rule.is_empty(), "no reason: {m}");
        // The words, when given, are the message's own.
        if let Some(words) = m["reason"]["text"].as_str() {
            assert!(m["text"].as_str().unwrap().contains(words), "{m}");
        }
    }

    let csv_path = dir.path().join("e.csv");
    export(&db, &csv_path, "csv");
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",evidence_sha256,reason"), "{header}");
    let violation_rows: Vec<&str> = csv.lines().filter(|l| l.contains(",violation,")).collect();
    assert_eq!(violation_rows.len(), listed.len());
    let first_rule = listed[0]["reason"]["rule"].as_str().unwrap();
    assert!(
        violation_rows.iter().any(|r| r.contains(first_rule)),
        "{violation_rows:?}"
    );

    let html_path = dir.path().join("e.html");
    export(&db, &html_path, "html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(
        html.contains("class=\"reason\""),
        "no reason line in the HTML"
    );
    assert!(html.contains(&format!("<code>{first_rule}</code>")));
}

#[test]
fn version_3_and_version_2_bundles_verify_and_a_changed_reason_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = reporter(dir.path());
    let json = dir.path().join("e.json");
    export(&db, &json, "json");
    let doc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();

    let fresh = dir.path().join("advocate.sqlite3");
    optout(&fresh).arg("import").arg(&json).assert().success();

    // Written before the field existed: no reasons, version 2.
    let mut old = doc.clone();
    for o in old["offenders"].as_array_mut().unwrap() {
        for list in ["violations", "in_flight"] {
            for m in o[list].as_array_mut().unwrap() {
                m.as_object_mut().unwrap().shift_remove("reason");
            }
        }
        for slot in ["confirmation"] {
            if let Some(m) = o[slot].as_object_mut() {
                m.shift_remove("reason");
            }
        }
        for holder in ["instruction", "optout"] {
            if let Some(m) = o[holder]["message"].as_object_mut() {
                m.shift_remove("reason");
            }
        }
    }
    old["evidence_version"] = Value::from(2);
    rehash(&mut old);
    let v2 = dir.path().join("v2.json");
    std::fs::write(&v2, serde_json::to_string_pretty(&old).unwrap()).unwrap();
    let other = dir.path().join("other.sqlite3");
    optout(&other).arg("import").arg(&v2).assert().success();

    // A reason changed after export (hash left as it was) is refused.
    let mut tampered = doc.clone();
    let m = tampered["offenders"][0]["violations"][0]
        .as_object_mut()
        .unwrap();
    m["reason"]["rule"] = Value::from("user.says-so");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string_pretty(&tampered).unwrap()).unwrap();
    let third = dir.path().join("third.sqlite3");
    optout(&third)
        .arg("import")
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("altered after export"));
}
