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
