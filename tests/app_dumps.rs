//! Imports that real tools produce beyond the big exporters: app dumps with
//! their own field names (as an array and as JSON Lines), and the rule that
//! an import which reads nothing is a failure.

mod common;

use common::{dump, fixture, optout};
use predicates::prelude::*;
use serde_json::Value;

fn senders(db: &std::path::Path) -> Vec<Value> {
    let out = optout(db).args(["senders", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn app_dumps_import_as_an_array_and_as_json_lines() {
    for file in ["json/app-dump.json", "json/app-dump.jsonl"] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.sqlite3");
        optout(&db)
            .arg("import")
            .arg(fixture(file))
            .assert()
            .success()
            .stderr(
                predicate::str::contains("imported 3 new messages")
                    .and(predicate::str::contains("JSON message list")),
            );
        let all = senders(&db);
        let kind = |key: &str| {
            all.iter()
                .find(|s| s["sender"] == key)
                .unwrap_or_else(|| panic!("{file}: no {key} in {all:?}"))["kind"]
                .clone()
        };
        // DLT headers: AD-… is a promotion, VM-… a bank's service alert.
        assert_eq!(kind("HDFCBK"), "marketing", "{file}");
        assert_eq!(kind("AXISBK"), "transactional", "{file}");
        assert_eq!(kind("+14155550100"), "personal", "{file}");
    }
}

#[test]
fn a_file_that_gives_no_message_is_a_failure_with_the_first_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db)
        .arg("import")
        .arg(fixture("json/app-dump.json"))
        .assert()
        .success();
    let before = dump(&db);
    optout(&db)
        .arg("import")
        .arg(fixture("json/no-dates.json"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no-dates.json")
                .and(predicate::str::contains("record 1"))
                .and(predicate::str::contains(
                    "no message could be read (2 records skipped)",
                ))
                .and(predicate::str::contains("without a date")),
        );
    assert_eq!(dump(&db), before);
}

#[test]
fn an_export_holding_fewer_messages_than_its_header_says_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db)
        .arg("import")
        .arg(fixture("android/short-count.xml"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the export says it holds 5 messages but the file has 2",
        ));
}
