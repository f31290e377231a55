//! The owner's own number (issue 14): where an export records whose phone
//! it is, `optout import` offers that line and never picks it by itself.
//! The fixtures' databases carry no such field, so the columns are added
//! here, at test time, as iOS 10+ (`destination_caller_id`, `account`) and
//! Android 5.1+ (`sms.sub_id`) have them.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, optout};
use serde_json::Value;

fn build_db(dir: &Path, name: &str, sql_fixture: &str, extra: &str) -> PathBuf {
    let path = dir.join(name);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&std::fs::read_to_string(fixture(sql_fixture)).unwrap())
        .unwrap();
    conn.execute_batch(extra).unwrap();
    path
}

fn lines(db: &Path) -> Vec<String> {
    let out = optout(db).arg("lines").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

#[test]
fn an_iphone_database_with_its_own_number_offers_that_line_and_imports_onto_me() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let sms = build_db(
        dir.path(),
        "sms.db",
        "ios-db/ios16.sql",
        "ALTER TABLE message ADD COLUMN destination_caller_id TEXT;
         ALTER TABLE message ADD COLUMN account TEXT;
         UPDATE message SET destination_caller_id = '+8613900001111', account = 'e:me@example.com';",
    );
    let out = optout(&db).arg("import").arg(&sms).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "optout: note: this export belongs to +8613900001111; import with --line +8613900001111 ?"
        ),
        "{err}"
    );
    // Offered, not taken: without a yes the messages are on `me`.
    assert_eq!(lines(&db), ["me"]);

    // Named by the user: no offer, and the line is the one given.
    let db2 = dir.path().join("db2.sqlite3");
    let out = optout(&db2)
        .args(["import", "--line", "+8613900001111"])
        .arg(&sms)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("belongs to"));
    assert_eq!(lines(&db2), ["+8613900001111"]);
}

#[test]
fn an_account_number_is_offered_an_email_never_and_two_numbers_are_only_noted() {
    let dir = tempfile::tempdir().unwrap();
    let account = build_db(
        dir.path(),
        "account.db",
        "ios-db/ios16.sql",
        "ALTER TABLE message ADD COLUMN account TEXT;
         UPDATE message SET account = 'p:+8613900002222';",
    );
    let email = build_db(
        dir.path(),
        "email.db",
        "ios-db/ios16.sql",
        "ALTER TABLE message ADD COLUMN account TEXT;
         UPDATE message SET account = 'e:me@example.com';",
    );
    let two = build_db(
        dir.path(),
        "two.db",
        "ios-db/ios16.sql",
        "ALTER TABLE message ADD COLUMN destination_caller_id TEXT;
         UPDATE message SET destination_caller_id = CASE WHEN ROWID % 2 = 0
             THEN '+8613900003333' ELSE '+8613900004444' END;",
    );
    let stderr = |file: &Path| {
        let db = dir.path().join(format!(
            "{}.sqlite3",
            file.file_stem().unwrap().to_string_lossy()
        ));
        let out = optout(&db).arg("import").arg(file).output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(stderr(&account).contains("belongs to +8613900002222"));
    assert!(!stderr(&email).contains("optout: note"));
    let both = stderr(&two);
    assert!(both.contains("records 2 own numbers"), "{both}");
    assert!(!both.contains("belongs to"), "{both}");
}

#[test]
fn an_android_database_with_two_sims_says_they_share_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let mmssms = build_db(
        dir.path(),
        "mmssms.db",
        "android-db/mmssms.sql",
        "ALTER TABLE sms ADD COLUMN sub_id INTEGER DEFAULT -1;
         INSERT INTO sms (_id, address, date, type, body, sub_id)
             VALUES (9001, '10690001', 1772323200000, 1, '第二张卡', 2);
         UPDATE sms SET sub_id = 1 WHERE _id != 9001;",
    );
    let out = optout(&db).arg("import").arg(&mmssms).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("messages of 2 SIMs (sub_id 1, 2)"), "{err}");
    let senders: Value = serde_json::from_slice(
        &optout(&db)
            .args(["senders", "--all", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(!senders.as_array().unwrap().is_empty());
    // One SIM: nothing to say.
    let one = build_db(
        dir.path(),
        "one.db",
        "android-db/mmssms.sql",
        "ALTER TABLE sms ADD COLUMN sub_id INTEGER DEFAULT 1;",
    );
    let out = optout(&dir.path().join("db-one.sqlite3"))
        .arg("import")
        .arg(&one)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("SIMs"));
}

/// An Android database whose messages came through two SIMs (`sub_id` 1 and
/// 2) from the same brand's port: SIM 1 opted out and kept receiving
/// promotions, SIM 2 never opted out. Its MMS table records no SIM.
fn two_sims(dir: &Path) -> PathBuf {
    // 2026-03-01 08:00 +08:00, then a day and a month later.
    let t0: i64 = 1_772_323_200_000;
    let (day, hour) = (86_400_000_i64, 3_600_000_i64);
    let ad = "【甲银行】春季大促，全场商品5折起，限时三天，回T退订";
    let sql = format!(
        "ALTER TABLE sms ADD COLUMN sub_id INTEGER;
         UPDATE sms SET sub_id = 1;
         INSERT INTO sms (_id, address, date, type, body, sub_id) VALUES
           (101, '10690000101', {t0}, 1, '{ad}', 1),
           (102, '10690000101', {r}, 2, 'T', 1),
           (103, '10690000101', {v1}, 1, '{ad}', 1),
           (104, '10690000101', {v2}, 1, '{ad}', 1),
           (201, '10690000101', {t0}, 1, '{ad}', 2),
           (202, '10690000101', {v1}, 1, '{ad}', 2),
           (203, '10690000101', {v2}, 1, '{ad}', 2);",
        r = t0 + hour,
        v1 = t0 + 30 * day,
        v2 = t0 + 31 * day,
    );
    build_db(dir, "two-sims.db", "android-db/mmssms.sql", &sql)
}

fn senders_of(db: &Path) -> Vec<Value> {
    let out = optout(db)
        .args(["senders", "--all", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn status_on(senders: &[Value], line: &str, key: &str) -> String {
    senders
        .iter()
        .find(|s| s["line"] == line && s["sender"] == key)
        .unwrap_or_else(|| panic!("no {key} on {line}: {senders:?}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn line_per_sim_puts_each_sim_on_its_own_line_and_they_share_no_opt_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = two_sims(dir.path());

    // Without the option: one line, and SIM 1's opt-out covers SIM 2's
    // messages too; the note names the command that avoids it.
    let shared = dir.path().join("shared.sqlite3");
    let out = optout(&shared).arg("import").arg(&file).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "To give each SIM its own line (me-sim1, me-sim2), import the file with: optout import --line-per-sim {} (in a database that does not hold it yet",
            file.display()
        )),
        "{err}"
    );
    assert_eq!(lines(&shared), ["me"]);

    // With it: a line per SIM, and one for the MMS that record none.
    let db = dir.path().join("db.sqlite3");
    let out = optout(&db)
        .args(["import", "--line-per-sim"])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("the messages of SIM sub_id 1 go on the line 'me-sim1'"),
        "{err}"
    );
    assert!(!err.contains("optout: note"), "{err}");
    let mut names = lines(&db);
    names.sort();
    assert_eq!(names, ["me-nosim", "me-sim1", "me-sim2"]);
    let all = senders_of(&db);
    assert_eq!(status_on(&all, "me-sim1", "10690000101"), "violating");
    assert_eq!(status_on(&all, "me-sim2", "10690000101"), "subscribed");
    // The same database, one line: the opt-out is shared.
    assert_eq!(
        status_on(&senders_of(&shared), "me", "10690000101"),
        "violating"
    );
    let ranking: Value = serde_json::from_slice(
        &optout(&db)
            .args(["offenders", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(ranking[0]["offender"], "甲银行");
    assert_eq!(ranking[0]["lines_violating"], 1);
    assert_eq!(ranking[0]["lines_opted_out"], 1);
    assert_eq!(ranking[0]["lines_affected"], 2);

    // Again: nothing new. A plain import of the same file is refused,
    // naming a SIM line, and changes nothing.
    let out = optout(&db)
        .args(["import", "--line-per-sim", "--line", "me"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("imported 0 new messages"));
    let out = optout(&db).arg("import").arg(&file).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already imported on the line 'me-"), "{err}");
    assert_eq!(senders_of(&db), all);

    // And the other way round: a file already on `me` is not split later.
    let out = optout(&shared)
        .args(["import", "--line-per-sim"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already imported on the line 'me'"));
    assert_eq!(lines(&shared), ["me"]);
}

#[test]
fn line_per_sim_refuses_a_file_that_records_no_sim() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let out = optout(&db)
        .args(["import", "--line-per-sim"])
        .arg(fixture("json/messages.json"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--line-per-sim: this is JSON message list; only an Android mmssms.db or an SMS Backup & Restore XML records the SIM of each message"),
        "{err}"
    );
    assert!(!db.exists() || lines(&db).is_empty());
}
