//! Evidence bundles from other people (issue 14): another optout user's
//! JSON evidence export imports onto a line of its own, verified, and finds
//! the same offenders there.

mod common;

use std::path::{Path, PathBuf};

use common::{dump, optout, root};
use predicates::prelude::*;
use serde_json::Value;

fn demo() -> PathBuf {
    root().join("assets/demo-sms.xml")
}

fn second_phone() -> PathBuf {
    common::fixture("lines/second-phone.xml")
}

fn json_of(db: &Path, args: &[&str]) -> Value {
    let out = optout(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn senders(db: &Path, line: Option<&str>) -> Vec<Value> {
    let mut args = vec!["senders", "--json"];
    args.extend(line.map(|l| ["--line", l]).into_iter().flatten());
    json_of(db, &args).as_array().unwrap().clone()
}

/// A reporter's database (the demo, plus a manual opt-out) and its JSON
/// evidence export with `extra` export flags.
fn reporter(dir: &Path) -> PathBuf {
    let db = dir.join("reporter.sqlite3");
    optout(&db).arg("import").arg(demo()).assert().success();
    optout(&db)
        .args(["record-optout", "1069099663", "--at", "2026-02-01"])
        .assert()
        .success();
    db
}

fn export(db: &Path, out: &Path, extra: &[&str]) -> Value {
    optout(db)
        .args(["export", "--format", "json", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap()
}

fn import(db: &Path, file: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    optout(db).arg("import").args(extra).arg(file).assert()
}

/// The name the line of a bundle's reporter gets.
fn line_name(bundle: &Value) -> String {
    bundle["reporter_id"]
        .as_str()
        .unwrap()
        .chars()
        .take(8)
        .collect()
}

fn offender_keys(bundle: &Value) -> Vec<String> {
    bundle["offenders"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["senders"].as_array().unwrap().iter())
        .map(|s| s["key"].as_str().unwrap().to_string())
        .collect()
}

fn status_of<'a>(all: &'a [Value], sender: &str) -> &'a Value {
    all.iter()
        .find(|s| s["sender"] == sender)
        .unwrap_or_else(|| panic!("no {sender} in {all:?}"))
}

fn scalar(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_bundle_finds_the_same_offenders_on_its_reporters_line() {
    let dir = tempfile::tempdir().unwrap();
    let ana = reporter(dir.path());
    let file = dir.path().join("ana.json");
    let bundle = export(&ana, &file, &[]);
    assert_eq!(bundle["evidence_version"], 3);
    let id = bundle["reporter_id"].as_str().unwrap();
    assert_eq!(id.len(), 32, "128 random bits in hex: {id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));

    let advocate = dir.path().join("advocate.sqlite3");
    // The advocate's own messages are on `me`, untouched by the bundle.
    import(&advocate, &second_phone(), &[]).success();
    import(&advocate, &file, &[])
        .success()
        .stderr(predicate::str::contains(format!(
            "onto the line '{}'",
            line_name(&bundle)
        )))
        .stderr(predicate::str::contains("1 manual opt-out record"));
    let line = line_name(&bundle);
    let theirs = senders(&ana, None);
    let here = senders(&advocate, Some(&line));
    let keys = offender_keys(&bundle);
    assert!(keys.len() >= 4, "{keys:?}");
    for key in &keys {
        let (a, b) = (status_of(&theirs, key), status_of(&here, key));
        assert_eq!(a["status"], b["status"], "{key}: {a} / {b}");
        assert_eq!(a["after_optout"], b["after_optout"], "{key}");
        assert_eq!(a["in_flight"], b["in_flight"], "{key}");
        assert_eq!(a["optout_sent_at"], b["optout_sent_at"], "{key}");
        assert_eq!(a["optout_manual"], b["optout_manual"], "{key}");
    }
    assert_eq!(status_of(&here, "1069099663")["status"], "violating");
    assert_eq!(status_of(&here, "1069099663")["optout_manual"], true);
    // Bo's 95528 on `me` is still not violating: Ana's opt-out is hers.
    let me = senders(&advocate, Some("me"));
    assert!(me.iter().all(|s| s["status"] != "violating"), "{me:?}");
    assert_eq!(status_of(&me, "95528")["status"], "subscribed");

    // The line knows its reporter, and evidence exported from here cites
    // Ana's original file with her reporter id and the same texts and times.
    let reporter_id: String = rusqlite::Connection::open(&advocate)
        .unwrap()
        .query_row(
            "SELECT reporter_id FROM lines WHERE name = ?1",
            [&line],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reporter_id, id);
    let again = export(
        &advocate,
        &dir.path().join("again.json"),
        &["--line", &line],
    );
    assert_eq!(again["reporter_id"], id);
    let sources = |e: &Value| -> Vec<(Value, Value)> {
        e["imports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["file_name"].clone(), i["sha256"].clone()))
            .collect()
    };
    assert_eq!(sources(&again), sources(&bundle));
    assert_eq!(again["imports"][0]["format"], "evidence-bundle");
    let messages = |e: &Value| -> Vec<(Value, Value, Value, Value, Value)> {
        let mut v: Vec<_> = e["offenders"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o["violations"].as_array().unwrap().iter())
            .map(|m| {
                (
                    m["sender"].clone(),
                    m["time"]["local"].clone(),
                    m["text"].clone(),
                    m["direction"].clone(),
                    m["source_sha256"].clone(),
                )
            })
            .collect();
        v.sort_by_key(|m| format!("{m:?}"));
        v
    };
    assert_eq!(messages(&again), messages(&bundle));
    assert_eq!(messages(&again).len(), 29);
}

#[test]
fn a_tampered_bundle_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ana = reporter(dir.path());
    let file = dir.path().join("ana.json");
    export(&ana, &file, &[]);
    let text = std::fs::read_to_string(&file).unwrap();
    // One character of one message text; the hash left as it was.
    let tampered = text.replacen("回T退订", "回T退定", 1);
    assert_ne!(tampered, text);
    let bad = dir.path().join("tampered.json");
    std::fs::write(&bad, tampered).unwrap();

    let advocate = dir.path().join("advocate.sqlite3");
    import(&advocate, &second_phone(), &[]).success();
    let before = dump(&advocate);
    let out = optout(&advocate).arg("import").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("altered after export"), "{stderr}");
    assert_eq!(dump(&advocate), before);
    // The untouched file imports.
    import(&advocate, &file, &[]).success();
    assert_ne!(dump(&advocate), before);
}

#[test]
fn a_redacted_bundle_imports_and_its_line_is_marked_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let ana = reporter(dir.path());
    let file = dir.path().join("redacted.json");
    let bundle = export(&ana, &file, &["--redact"]);
    assert_eq!(bundle["redacted"], true);
    let advocate = dir.path().join("advocate.sqlite3");
    import(&advocate, &file, &[]).success();
    let line = line_name(&bundle);
    optout(&advocate)
        .arg("lines")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("{line} (redacted)")));
    assert_eq!(scalar(&advocate, "SELECT redacted FROM lines"), 1);
    let here = senders(&advocate, Some(&line));
    assert_eq!(status_of(&here, "106903278812")["status"], "violating");
    // Its unredacted twin would store the masked messages twice: refused.
    let plain = dir.path().join("plain.json");
    export(&ana, &plain, &[]);
    let before = dump(&advocate);
    import(&advocate, &plain, &[])
        .failure()
        .stderr(predicate::str::contains("stored twice"));
    assert_eq!(dump(&advocate), before);
}

#[test]
fn importing_the_same_bundle_twice_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ana = reporter(dir.path());
    let file = dir.path().join("ana.json");
    export(&ana, &file, &[]);
    let advocate = dir.path().join("advocate.sqlite3");
    import(&advocate, &file, &[]).success();
    let before = dump(&advocate);
    import(&advocate, &file, &[])
        .success()
        .stderr(predicate::str::contains("imported 0 new messages"));
    assert_eq!(dump(&advocate), before);
}

#[test]
fn a_reporters_bundles_go_to_one_line_and_a_later_one_adds_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let ana = reporter(dir.path());
    let first = dir.path().join("first.json");
    let one = export(&ana, &first, &["--sender", "38294"]);
    let second = dir.path().join("second.json");
    let all = export(&ana, &second, &[]);
    assert_eq!(one["reporter_id"], all["reporter_id"]);
    let advocate = dir.path().join("advocate.sqlite3");
    import(&advocate, &first, &[]).success();
    let after_first = scalar(&advocate, "SELECT count(*) FROM messages");
    assert_eq!(after_first, one["summary"]["messages"].as_i64().unwrap());
    import(&advocate, &second, &[])
        .success()
        .stderr(predicate::str::contains(format!(
            "({after_first} already stored"
        )));
    assert_eq!(scalar(&advocate, "SELECT count(*) FROM lines"), 1);
    assert_eq!(
        scalar(&advocate, "SELECT count(*) FROM messages"),
        all["summary"]["messages"].as_i64().unwrap()
    );
    // One imports row per source file, however many bundles cite it.
    assert_eq!(
        scalar(&advocate, "SELECT count(DISTINCT import_id) FROM messages"),
        1
    );
}

#[test]
fn line_names_the_line_and_a_reporter_stays_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let ana = reporter(dir.path());
    let first = dir.path().join("first.json");
    export(&ana, &first, &["--sender", "38294"]);
    let second = dir.path().join("second.json");
    export(&ana, &second, &[]);
    let advocate = dir.path().join("advocate.sqlite3");
    import(&advocate, &first, &["--line", "ana"])
        .success()
        .stderr(predicate::str::contains("onto the line 'ana'"));
    // Her next bundle finds her line without being told.
    import(&advocate, &second, &[])
        .success()
        .stderr(predicate::str::contains("onto the line 'ana'"));
    let here = senders(&advocate, Some("ana"));
    assert_eq!(status_of(&here, "106903278812")["status"], "violating");
    // Ana's own export is hers: it cannot become another line.
    import(&advocate, &demo(), &["--line", "bo"])
        .failure()
        .stderr(predicate::str::contains(
            "already imported on the line 'ana'",
        ));
    // Never onto a second line, nor onto a line with someone else's messages.
    import(&advocate, &second_phone(), &["--line", "bo"]).success();
    let before = dump(&advocate);
    for line in ["bo", "cy"] {
        import(&advocate, &second, &["--line", line])
            .failure()
            .stderr(predicate::str::contains("one person"));
    }
    assert_eq!(dump(&advocate), before);
}

#[test]
fn a_version_1_bundle_without_a_reporter_id_verifies_and_needs_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let ana = reporter(dir.path());
    let file = dir.path().join("ana.json");
    let mut doc = export(&ana, &file, &[]);
    // As the release before reporter ids wrote it, hashed as the README
    // says (serde_json keeps key order in the tests, as Python's json does).
    let object = doc.as_object_mut().unwrap();
    object.shift_remove("reporter_id");
    object["evidence_version"] = Value::from(1);
    object["integrity"] = Value::Null;
    let canonical = serde_json::to_string(&doc).unwrap();
    let sha = sha256_hex(canonical.as_bytes());
    doc["integrity"] = serde_json::json!({ "algorithm": "sha256", "sha256": sha });
    let old = dir.path().join("v1.json");
    std::fs::write(&old, serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    let advocate = dir.path().join("advocate.sqlite3");
    import(&advocate, &old, &[]).failure().stderr(
        predicate::str::contains("names no reporter").and(predicate::str::contains("--line")),
    );
    import(&advocate, &old, &["--line", "ana"]).success();
    let here = senders(&advocate, Some("ana"));
    assert_eq!(status_of(&here, "38294")["status"], "violating");
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

/// Migration 8: an old database gains the index on `imports.sha256`, and
/// the look-ups every import and every bundle make use it instead of
/// reading the whole table.
#[test]
fn an_old_database_gains_the_imports_sha256_index_and_the_file_look_up_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    std::fs::copy(common::fixture("db/v3-demo.sqlite3"), &db).unwrap();
    let has_index = |db: &Path| -> bool {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'imports_sha256'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            == 1
    };
    assert!(!has_index(&db), "the old database already has the index");
    import(&db, &second_phone(), &["--line", "bo"]).success();
    assert!(has_index(&db));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT l.name FROM imports i JOIN lines l ON l.id = i.line_id
             WHERE i.sha256 = ?1 AND i.line_id != ?2 AND i.finished_at_ms IS NOT NULL",
        )
        .unwrap()
        .query_map(rusqlite::params!["x", 1], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter().any(|p| p.contains("imports_sha256")),
        "{plan:?}"
    );
    // Re-importing the same file onto another line is still refused.
    import(&db, &second_phone(), &["--line", "other"])
        .failure()
        .stderr(predicate::str::contains(
            "already imported on the line 'bo'",
        ));
}
