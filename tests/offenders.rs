//! The repeat-offender ranking across lines, compared with the ranking
//! `scripts/make_offenders_fixture.py` computes from its own plan of five
//! phones, eight brands and one unbranded sender.

mod common;

use common::{fixture, optout, run_ok};
use predicates::prelude::*;
use serde_json::Value;

fn database() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    for line in ["p1", "p2", "p3", "p4", "p5"] {
        optout(&db)
            .args(["import", "--line", line])
            .arg(fixture(&format!("offenders/{line}.xml")))
            .assert()
            .success();
    }
    (dir, db)
}

fn ranking(db: &std::path::Path, extra: &[&str]) -> Value {
    let out = run_ok(optout(db).args(["offenders", "--json"]).args(extra));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn expected(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixture(&format!("offenders/{name}"))).unwrap()).unwrap()
}

#[test]
fn the_ranking_equals_the_independently_computed_one() {
    let (_dir, db) = database();
    // The first ranking brings the findings cache up to date; the second
    // reads the cache's rows one at a time: both equal the expected file.
    assert_eq!(ranking(&db, &[]), expected("expected.json"));
    assert_eq!(ranking(&db, &[]), expected("expected.json"));
    assert_eq!(
        ranking(&db, &["--since", "2026-03-10"]),
        expected("expected-since-2026-03-10.json")
    );
}

#[test]
fn min_lines_hides_offenders_few_lines_reported() {
    let (_dir, db) = database();
    let want: Vec<Value> = expected("expected.json")
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["lines_violating"].as_u64().unwrap() >= 3)
        .cloned()
        .collect();
    assert_eq!(
        want.len(),
        2,
        "the fixture has two offenders on three lines"
    );
    assert_eq!(ranking(&db, &["--min-lines", "3"]), Value::from(want));
    assert_eq!(
        ranking(&db, &["--min-lines", "9"]),
        Value::from(Vec::<Value>::new())
    );
}

#[test]
fn since_counts_only_later_violations() {
    let (_dir, db) = database();
    assert_eq!(
        ranking(&db, &["--since", "2026-03-10"]),
        expected("expected-since-2026-03-10.json")
    );
}

#[test]
fn the_table_ranks_and_explains_its_columns() {
    let (_dir, db) = database();
    optout(&db).arg("offenders").assert().success().stdout(
        predicate::str::contains("1 乙贷款")
            .and(predicate::str::contains("10690000101, 10690000102"))
            .and(predicate::str::contains("lines with violations")),
    );
}
