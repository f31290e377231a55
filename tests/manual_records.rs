//! Manual opt-out records from the command line (issue 13, item 15): a
//! duplicate is recorded with a warning, a future time is refused, the
//! channel is one of a list, and `optout manual` lines up CJK names.

mod common;

use std::path::Path;

use common::{dump, fixture, optout};
use predicates::prelude::*;
use unicode_width::UnicodeWidthStr;

/// A database holding `tracking/cases.xml`: sender 106900006001 and the
/// brand 悦家生活 exist.
fn imported() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db)
        .arg("import")
        .arg(fixture("tracking/cases.xml"))
        .assert()
        .success();
    (dir, db)
}

fn manual_rows(db: &Path) -> Vec<String> {
    let out = optout(db).arg("manual").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_duplicate_record_warns_and_is_still_recorded() {
    let (_dir, db) = imported();
    optout(&db)
        .args(["record-optout", "106900006001", "--at", "2026-03-10 12:00"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    // Same sender, same line, same minute (30 seconds later): warned.
    optout(&db)
        .args(["record-optout", "106900006001"])
        .args(["--at", "2026-03-10T12:00:30+08:00", "--channel", "app"])
        .assert()
        .success()
        .stdout(predicate::str::contains("recorded manual opt-out #2"))
        .stderr(
            predicate::str::starts_with("optout: warning: manual opt-out #1 already records")
                .and(predicate::str::contains("106900006001")),
        );
    // The next minute is another record, not a duplicate.
    optout(&db)
        .args(["record-optout", "106900006001", "--at", "2026-03-10 12:01"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    let rows = manual_rows(&db);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].starts_with("#1 ") && rows[1].starts_with("#2 "));
}

#[test]
fn a_time_in_the_future_is_refused_and_nothing_is_recorded() {
    let (_dir, db) = imported();
    let before = dump(&db);
    optout(&db)
        .args(["record-optout", "106900006001", "--at", "2099-01-01 09:00"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("in the future"));
    assert_eq!(dump(&db), before);

    // A couple of minutes ahead is clock skew, not the future.
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(2);
    optout(&db)
        .args(["record-optout", "106900006001", "--at", &soon.to_string()])
        .assert()
        .success();
    assert_eq!(manual_rows(&db).len(), 1);
}

#[test]
fn an_unknown_channel_is_an_error_that_lists_the_channels() {
    let (_dir, db) = imported();
    let before = dump(&db);
    let out = optout(&db)
        .args(["record-optout", "106900006001", "--channel", "fax"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'fax'"), "{err}");
    for channel in [
        "phone-call",
        "app",
        "website",
        "other-phone",
        "letter",
        "in-person",
        "email",
        "sms",
        "other",
    ] {
        assert!(err.contains(channel), "{channel} missing from: {err}");
    }
    assert_eq!(dump(&db), before);
    // The listed ones are accepted.
    optout(&db)
        .args(["record-optout", "106900006001", "--channel", "in-person"])
        .assert()
        .success();
}

/// The display column at which `needle` starts in `row`.
fn column_of(row: &str, needle: &str) -> usize {
    let (before, _) = row
        .split_once(needle)
        .unwrap_or_else(|| panic!("{needle} in {row}"));
    before.width()
}

#[test]
fn manual_aligns_cjk_names_by_terminal_width() {
    let (_dir, db) = imported();
    optout(&db)
        .args([
            "record-optout",
            "--brand",
            "悦家生活",
            "--at",
            "2026-03-09 08:00",
        ])
        .assert()
        .success();
    optout(&db)
        .args(["record-optout", "106900006001", "--at", "2026-03-10 12:00"])
        .assert()
        .success();
    let rows = manual_rows(&db);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains("悦家生活"), "{rows:?}");
    // The time column starts at the same terminal column in both rows.
    assert_eq!(
        column_of(&rows[0], "2026-03-09T"),
        column_of(&rows[1], "2026-03-10T"),
        "{rows:#?}"
    );
    // One line: no line column.
    assert!(!rows[0].contains(" me "), "{rows:?}");
}

#[test]
fn manual_names_the_line_when_there_are_several() {
    let (_dir, db) = imported();
    optout(&db)
        .args(["import", "--line", "bo"])
        .arg(fixture("lines/second-phone.xml"))
        .assert()
        .success();
    optout(&db)
        .args(["record-optout", "106900006001", "--line", "me"])
        .args(["--at", "2026-03-10 12:00"])
        .assert()
        .success();
    optout(&db)
        .args([
            "record-optout",
            "95528",
            "--line",
            "bo",
            "--at",
            "2026-03-01",
        ])
        .assert()
        .success();
    let rows = manual_rows(&db);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let me = rows.iter().find(|r| r.contains("106900006001")).unwrap();
    let bo = rows.iter().find(|r| r.contains("95528")).unwrap();
    assert!(me.contains(" me "), "{me}");
    assert!(bo.contains(" bo "), "{bo}");
    assert_eq!(column_of(me, "2026-"), column_of(bo, "2026-"), "{rows:#?}");
}
