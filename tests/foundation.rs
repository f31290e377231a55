//! The foundation: Android XML import, dedupe, bad input, permissions,
//! migrations, and the command line around them.

mod common;

use std::path::Path;

use common::{dump, fixture, optout, shared_data};
use optout::classify::{Classifier, Region};
use optout::import::{Format, ImportOptions};
use optout::ingest::{ImportFailure, ImportReport};
use optout::store::Store;
use predicates::prelude::*;

fn import(store: &mut Store, path: &Path) -> Result<ImportReport, ImportFailure> {
    optout::ingest::import_file(
        store,
        path,
        Format::AndroidXml,
        &ImportOptions::default(),
        &Classifier::builtin(),
        &Region::default(),
        &(),
    )
}

/// (direction, address, ts, body, channel, contact) of every stored message, in time order.
fn messages(store: &Store) -> Vec<(String, String, i64, String, String, Option<String>)> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT direction, address, ts_ms, body, channel, contact_name
             FROM messages ORDER BY ts_ms, id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn sms_and_mms_cases_are_read_as_specified() {
    let mut store = Store::open_in_memory().unwrap();
    let report = import(&mut store, &fixture("android/cases.xml")).unwrap();
    assert_eq!(report.new, 6, "{report:?}");
    assert_eq!(report.duplicates, 0);
    // Draft, outbox, failed, queued SMS and one MMS draft.
    assert_eq!(report.skipped_undelivered, 5);
    // The SMS whose date is not a number.
    assert_eq!(report.rejected, 1);
    assert!(
        report.rejected_samples[0]
            .1
            .contains("bad date 'not-a-date'")
    );

    let got = messages(&store);
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (
                s("in"),
                s("106912345678"),
                1_773_058_300_000,
                s("【浦发银行】尊敬的客户，您的额度已提升，回TD退订"),
                s("sms"),
                None
            ),
            (
                s("out"),
                s("106912345678"),
                1_773_058_400_000,
                s("TD"),
                s("sms"),
                None
            ),
            (
                s("in"),
                s("+86 139 1234 5678"),
                1_773_058_500_000,
                s("晚上吃饭吗 \u{1F600}\n第二行"),
                s("sms"),
                Some(s("老王"))
            ),
            // body="null" is the app's way of saying "no body".
            (
                s("in"),
                s("+15555550100"),
                1_773_059_000_000,
                s(""),
                s("sms"),
                None
            ),
            // MMS: the sender is the type-137 address; text parts in seq
            // order; the SMIL part and the image are left out.
            (
                s("in"),
                s("+15555550101"),
                1_773_059_100_000,
                s("first part \u{1F389}\nsecond part"),
                s("mms"),
                Some(s("Ann, Bob"))
            ),
            // A sent MMS goes to its type-151 recipients.
            (
                s("out"),
                s("+15555550101"),
                1_773_059_200_000,
                s("sent mms"),
                s("mms"),
                Some(s("Ann"))
            ),
        ]
    );
}

#[test]
fn reimporting_the_same_file_adds_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let first = import(&mut store, &fixture("android/cases.xml")).unwrap();
    let second = import(&mut store, &fixture("android/cases.xml")).unwrap();
    assert_eq!(first.new, 6);
    assert_eq!(second.new, 0);
    assert_eq!(second.duplicates, 6);
    assert_eq!(store.message_count().unwrap(), 6);
    // Both imports are recorded, with the file's hash and size.
    let (n, distinct_hashes, size): (i64, i64, i64) = store
        .conn()
        .query_row(
            "SELECT count(*), count(DISTINCT sha256), max(size) FROM imports",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((n, distinct_hashes), (2, 1));
    assert_eq!(
        size as u64,
        std::fs::metadata(fixture("android/cases.xml"))
            .unwrap()
            .len()
    );
}

fn sms(address: &str, date: i64, kind: u8, body: &str) -> String {
    format!(r#"  <sms address="{address}" date="{date}" type="{kind}" body="{body}" />"#)
}

fn export(records: &[String]) -> String {
    format!(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{}\">\n{}\n</smses>\n",
        records.len(),
        records.join("\n")
    )
}

#[test]
fn an_overlapping_export_adds_only_new_messages() {
    let dir = tempfile::tempdir().unwrap();
    let older: Vec<String> = (0..10)
        .map(|i| {
            sms(
                "10690001",
                1_700_000_000_000 + i * 1000,
                1,
                &format!("promo {i} 回T退订"),
            )
        })
        .collect();
    let mut newer: Vec<String> = older[5..].to_vec();
    newer.extend((10..15).map(|i| {
        sms(
            "10690001",
            1_700_000_000_000 + i * 1000,
            1,
            &format!("promo {i} 回T退订"),
        )
    }));
    // Same time and sender, different text: a different message.
    newer.push(sms(
        "10690001",
        1_700_000_000_000,
        1,
        "another text at the same ms",
    ));
    let (a, b) = (dir.path().join("a.xml"), dir.path().join("b.xml"));
    std::fs::write(&a, export(&older)).unwrap();
    std::fs::write(&b, export(&newer)).unwrap();

    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(import(&mut store, &a).unwrap().new, 10);
    let r = import(&mut store, &b).unwrap();
    assert_eq!((r.new, r.duplicates), (6, 5));
    assert_eq!(store.message_count().unwrap(), 16);
}

#[test]
fn emoji_surrogate_pairs_and_lone_surrogates_never_abort() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emoji.xml");
    std::fs::write(
        &path,
        export(&[
            sms("+8613900000001", 1, 1, "pair &#55357;&#56832; end"),
            sms("+8613900000001", 2, 1, "lone high &#55357; then text"),
            sms("+8613900000001", 3, 1, "lone low &#56832;"),
            sms("+8613900000001", 4, 1, "reversed &#56832;&#55357;"),
        ]),
    )
    .unwrap();
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(import(&mut store, &path).unwrap().new, 4);
    let bodies: Vec<String> = messages(&store).into_iter().map(|m| m.3).collect();
    assert_eq!(
        bodies,
        vec![
            "pair \u{1F600} end",
            "lone high \u{FFFD} then text",
            "lone low \u{FFFD}",
            "reversed \u{FFFD}\u{FFFD}",
        ]
    );
}

/// Each bad file: a one-line error naming the file, exit 1, database untouched.
#[test]
fn bad_input_gives_one_line_and_leaves_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/optout.sqlite3");
    optout(&db)
        .args(["import"])
        .arg(fixture("android/cases.xml"))
        .assert()
        .success();
    let before = dump(&db);
    assert!(before.contains("浦发银行"));

    let empty = dir.path().join("empty.xml");
    std::fs::write(&empty, "").unwrap();
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (dir.path().join("missing.xml"), "no such file"),
        (dir.path().to_path_buf(), "is a directory"),
        (empty, "the file is empty"),
        (fixture("android/truncated.xml"), "line 4"),
        (fixture("android/malformed.xml"), "malformed XML"),
        (fixture("android/image.png"), "not a message export"),
        (fixture("android/calls.xml"), "call log backup"),
        (fixture("android/other.xml"), "no <smses> element"),
    ];
    for (path, expected) in cases {
        let out = optout(&db).arg("import").arg(&path).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", path.display());
        assert_eq!(
            stderr.lines().count(),
            1,
            "one line for {}: {stderr}",
            path.display()
        );
        assert!(
            stderr.contains(&path.display().to_string()),
            "names the file: {stderr}"
        );
        assert!(stderr.contains(expected), "{expected:?} in {stderr}");
        assert_eq!(dump(&db), before, "database changed by {}", path.display());
    }
}

#[test]
fn truncated_export_is_refused_whole_with_its_line() {
    let mut store = Store::open_in_memory().unwrap();
    let before = store.message_count().unwrap();
    let err = import(&mut store, &fixture("android/truncated.xml")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("truncated"), "{text}");
    assert!(text.contains("line 4"), "{text}");
    assert_eq!(store.message_count().unwrap(), before);
    let imports: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(imports, 0, "a failed import leaves no imports row");
}

#[test]
fn unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.xml");
    std::fs::copy(fixture("android/cases.xml"), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&path).is_ok() {
        eprintln!("skipping: running as a user who can read mode-000 files (root)");
        return;
    }
    let db = dir.path().join("db.sqlite3");
    optout(&db)
        .arg("import")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("permission denied"));
}

#[test]
fn database_and_directory_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh/sub/optout.sqlite3");
    optout(&db)
        .arg("import")
        .arg(fixture("android/cases.xml"))
        .assert()
        .success();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    assert_eq!(mode(db.parent().unwrap().parent().unwrap()), 0o700);
    for suffix in ["-wal", "-shm"] {
        let side = db.with_file_name(format!("optout.sqlite3{suffix}"));
        if side.exists() {
            assert_eq!(
                mode(&side) & 0o077,
                0,
                "{} readable by others",
                side.display()
            );
        }
    }
}

#[test]
fn default_database_lives_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("optout").unwrap();
    cmd.env_remove("OPTOUT_DB")
        .env("HOME", dir.path())
        .env_remove("XDG_DATA_HOME")
        .arg("import")
        .arg(fixture("android/cases.xml"))
        .assert()
        .success();
    let db = dir.path().join(".local/share/optout/optout.sqlite3");
    assert!(db.exists(), "{} missing", db.display());
}

#[test]
fn a_migration_1_database_is_upgraded_and_keeps_its_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        // Build a version-1 database by hand, as the first release wrote it.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(optout::store::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO imports(id, path, sha256, size, format, started_at_ms, optout_version)
                 VALUES (1, 'old.xml', 'abc', 10, 'android-xml', 0, '0.0.1');
             INSERT INTO senders(id, key) VALUES (1, '10690001');
             INSERT INTO aliases(sender_id, raw) VALUES (1, '+8610690001');
             INSERT INTO messages(sender_id, direction, address, ts_ms, body, channel, import_id, dedupe)
                 VALUES (1, 'in', '+8610690001', 1700000000000, '【某某】回T退订', 'sms', 1, 42);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            optout::store::MIGRATIONS.len()
        );
        assert_eq!(store.message_count().unwrap(), 1);
    }
    let store = Store::open(&path).unwrap();
    // The new columns exist and the old row is still there.
    let (kind, body): (String, String) = store
        .conn()
        .query_row("SELECT kind, body FROM messages", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(body, "【某某】回T退订");
    assert!(!kind.is_empty());
}

#[test]
fn cli_summary_line_and_second_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let file = fixture("android/cases.xml");
    optout(&db)
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::is_match(
            r"imported 6 new messages \(0 already stored, 5 skipped drafts, 1 unreadable records skipped\) from .*cases\.xml \(SMS Backup & Restore XML\) in \d+\.\d s",
        ).unwrap())
        .stderr(predicate::str::contains("line 36"));
    optout(&db)
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "imported 0 new messages (6 already stored",
        ));
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db)
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    optout(&db)
        .args(["help", "import"])
        .assert()
        .success()
        .stdout(predicate::str::contains("FILE"));
}

#[test]
fn shared_sbr_fixtures_import_or_fail_cleanly() {
    let Some(dir) = shared_data(".") else { return };
    let expectations: &[(&str, Option<u64>)] = &[
        ("sbr-xml-devadvance-reader2/sms_small.xml", Some(12)),
        ("sbr-xml-devadvance-reader2/sample_small.xml", Some(7)),
        ("sbr-xml-devadvance-reader2/sample_mms.xml", Some(4)),
        // A well-formed export with no message in it: an import that reads
        // nothing is a failure, not a success (it says so, and stores nothing).
        ("sbr-xml-devadvance-reader2/empty.xml", None),
        // Truncated upstream, mid-file: refused whole.
        ("sbr-xml-devadvance-reader2/sms_and_mms.xml", None),
        ("sbr-xml-mobilecombackup/sms-test.xml", Some(15)),
        (
            "sbr-xml-pennywise-fab/fab_sms_test_data_anonymized.xml",
            Some(34),
        ),
        ("sbr-xml-frodeto/test-smses.xml", Some(4)),
        ("sbr-xml-shruggietech/edge_cases.xml", Some(4)),
        ("sbr-xml-shruggietech/malformed.xml", None),
        ("sbr-xml-shruggietech/mixed.xml", Some(3)),
        ("sbr-xml-fkleon-manager/sms-and-mms.xml", Some(3)),
    ];
    for (rel, expected) in expectations {
        let path = dir.join(rel);
        let mut store = Store::open_in_memory().unwrap();
        let result = import(&mut store, &path);
        match (expected, result) {
            (Some(n), Ok(report)) => assert_eq!(report.new, *n, "{rel}"),
            (None, Err(err)) => {
                assert!(
                    err.to_string().contains(rel.rsplit('/').next().unwrap()),
                    "{err}"
                );
                assert_eq!(store.message_count().unwrap(), 0, "{rel}");
            }
            (expected, result) => panic!("{rel}: expected {expected:?}, got {result:?}"),
        }
    }
    // The fkleon set: duplicates inside one export are stored once.
    let mut store = Store::open_in_memory().unwrap();
    let r = import(
        &mut store,
        &dir.join("sbr-xml-fkleon-manager/sms-dupes.xml"),
    )
    .unwrap();
    assert!(r.duplicates >= 1, "{r:?}");
}

/// Warnings and errors quote the file's content: escape sequences in it are
/// shown, never sent to the terminal.
#[test]
fn hostile_content_never_reaches_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let bad_date = dir.path().join("bad-date.xml");
    std::fs::write(
        &bad_date,
        "<?xml version=\"1.0\"?>\n<smses count=\"1\">\n  <sms address=\"1\" date=\"\u{1b}[2J\u{1b}]52;c;SGk=\u{7}\" type=\"1\" body=\"x\" />\n</smses>\n",
    )
    .unwrap();
    let bad_root = dir.path().join("bad-root.xml");
    std::fs::write(
        &bad_root,
        "<?xml version=\"1.0\"?>\n<smses\u{1b}[31m count=\"1\">\n",
    )
    .unwrap();
    for file in [&bad_date, &bad_root] {
        let out = optout(&db).arg("import").arg(file).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!stderr.contains('\u{1b}'), "raw ESC in {stderr:?}");
        assert!(!stderr.contains('\u{7}'), "raw BEL in {stderr:?}");
        assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    }
}

/// Random byte damage anywhere in an export: the import either succeeds or
/// fails cleanly, and a failed import leaves the database as it was.
#[test]
fn damaged_exports_never_panic_and_never_half_import() {
    let original = std::fs::read(fixture("android/cases.xml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.xml");
    let mut store = Store::open_in_memory().unwrap();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*: deterministic, so a failure reproduces.
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..120 {
        let mut bytes = original.clone();
        for _ in 0..=(next() % 4) {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = match next() % 4 {
                0 => b'<',
                1 => b'"',
                2 => b'&',
                _ => (next() % 256) as u8,
            };
        }
        std::fs::write(&path, &bytes).unwrap();
        let before = store.message_count().unwrap();
        if import(&mut store, &path).is_ok() {
            ok += 1;
        } else {
            refused += 1;
            assert_eq!(store.message_count().unwrap(), before);
        }
    }
    eprintln!("damaged exports: {ok} imported, {refused} refused whole");
    assert!(ok > 0 && refused > 0, "both outcomes exercised");
}
