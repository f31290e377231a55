//! Text search (`optout search`, the store's FTS5 trigram index): substrings
//! in Chinese and English, the user's text never read as FTS syntax, the
//! short-query fallback, filters, and the index kept in step with the
//! messages through imports, removals, rollbacks and old databases.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{fixture, optout, root};
use predicates::prelude::*;
use serde_json::Value;

/// An SMS Backup & Restore export of incoming messages `(address, ms, body)`.
fn export(dir: &Path, name: &str, messages: &[(&str, i64, &str)]) -> PathBuf {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut xml = format!(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{}\">\n",
        messages.len()
    );
    for (address, ms, body) in messages {
        let _ = writeln!(
            xml,
            "  <sms protocol=\"0\" address=\"{}\" date=\"{ms}\" type=\"1\" subject=\"null\" body=\"{}\" read=\"1\" status=\"-1\" date_sent=\"{ms}\" contact_name=\"(Unknown)\" />",
            esc(address),
            esc(body)
        );
    }
    xml.push_str("</smses>\n");
    let path = dir.join(name);
    std::fs::write(&path, xml).unwrap();
    path
}

const DAY: i64 = 86_400_000;
const T0: i64 = 1_772_000_000_000;

fn sample(dir: &Path) -> PathBuf {
    export(
        dir,
        "a.xml",
        &[
            (
                "95528",
                T0,
                "【浦发银行】春季分期节：账单分期手续费限时6折，回复TDDX退订",
            ),
            (
                "95588",
                T0 + DAY,
                "【工商银行】您的账户于今日入账人民币500元",
            ),
            ("72468", T0 + 2 * DAY, "FreshCart: Reply STOP to cancel"),
            ("72469", T0 + 3 * DAY, "Pizza time: say \"hi\" to our chef"),
            ("72469", T0 + 4 * DAY, "Flash sale 50% OFF* today only"),
            ("72469", T0 + 5 * DAY, "New OFFERS every week"),
            ("72470", T0 + 6 * DAY, "Fresh apples OR pears, your pick"),
            ("72470", T0 + 7 * DAY, "Fresh apples and pears"),
            ("72470", T0 + 8 * DAY, "Meet NEAR the station at five"),
        ],
    )
}

fn imported() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let file = sample(dir.path());
    optout(&db).arg("import").arg(file).assert().success();
    (dir, db)
}

/// `optout search --json ARGS`: the parsed output, or `None` when it exited
/// 1 (no match) with nothing on standard output.
fn search(db: &Path, args: &[&str]) -> Option<Value> {
    let out = optout(db)
        .args(["search", "--json"])
        .args(args)
        .output()
        .unwrap();
    match out.status.code() {
        Some(0) => Some(serde_json::from_slice(&out.stdout).unwrap()),
        Some(1) => {
            assert!(out.stdout.is_empty(), "no match prints nothing");
            None
        }
        other => panic!("exit {other:?}: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

fn bodies(v: &Value) -> Vec<String> {
    v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect()
}

/// `SQLite`'s own check that the index agrees with the messages it indexes.
fn index_consistent(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the search index agrees with the messages");
}

/// How many messages (of three characters or more) the index holds: each
/// message's own first trigram must find it.
fn indexed_rows(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT id, body FROM messages").unwrap();
    let rows: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut found = 0;
    for (id, body) in rows {
        let first: String = body.chars().take(3).collect();
        if first.chars().count() < 3 {
            continue;
        }
        let q = format!("\"{}\"", first.replace('"', "\"\""));
        let hit: Option<i64> = conn
            .query_row(
                "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid = ?2",
                rusqlite::params![q, id],
                |r| r.get(0),
            )
            .ok();
        found += i64::from(hit.is_some());
    }
    found
}

#[test]
fn a_chinese_substring_is_found_and_an_absent_one_is_not() {
    let (_dir, db) = imported();
    let hits = search(&db, &["分期手续费"]).expect("a match");
    assert_eq!(hits["mode"], "index");
    assert_eq!(hits["complete"], true);
    assert_eq!(
        bodies(&hits),
        ["【浦发银行】春季分期节：账单分期手续费限时6折，回复TDDX退订"]
    );
    assert_eq!(hits["messages"][0]["sender"], "95528");
    // Three characters from the middle of a word.
    assert_eq!(bodies(&search(&db, &["入账人"]).unwrap()).len(), 1);
    // Each character is there, the substring is not.
    assert!(search(&db, &["分期收费"]).is_none());
    assert!(search(&db, &["人民元"]).is_none());
}

#[test]
fn english_is_case_blind_and_newest_first() {
    let (_dir, db) = imported();
    for q in ["stop to", "STOP TO", "Stop To"] {
        assert_eq!(
            bodies(&search(&db, &[q]).unwrap()),
            ["FreshCart: Reply STOP to cancel"],
            "{q}"
        );
    }
    let fresh = search(&db, &["fresh"]).unwrap();
    assert_eq!(
        bodies(&fresh),
        [
            "Fresh apples and pears",
            "Fresh apples OR pears, your pick",
            "FreshCart: Reply STOP to cancel",
        ]
    );
}

#[test]
fn quotes_stars_or_and_near_are_plain_text() {
    let (_dir, db) = imported();
    let only = |q: &str| bodies(&search(&db, &[q]).unwrap_or_else(|| panic!("{q}: no match")));
    assert_eq!(only("\"hi\""), ["Pizza time: say \"hi\" to our chef"]);
    assert_eq!(only("say \"h"), ["Pizza time: say \"hi\" to our chef"]);
    // As FTS syntax, OFF* would be a prefix query matching OFFERS too.
    assert_eq!(only("OFF*"), ["Flash sale 50% OFF* today only"]);
    // As FTS syntax, this would match the message without the OR.
    assert_eq!(
        only("apples OR pears"),
        ["Fresh apples OR pears, your pick"]
    );
    assert_eq!(only("NEAR the"), ["Meet NEAR the station at five"]);
    // Text that would be an FTS syntax error is just not found.
    for q in [
        "x\" OR \"y",
        "NEAR(apples pears)",
        "body: pears",
        "(((",
        "\"\"\"",
        "^fresh",
    ] {
        assert!(search(&db, &[q]).is_none(), "{q}");
    }
}

#[test]
fn a_short_query_scans_and_says_so() {
    let (_dir, db) = imported();
    let hits = search(&db, &["分期"]).expect("a match");
    assert_eq!(hits["mode"], "scan");
    assert_eq!(hits["scanned"], 9);
    assert_eq!(hits["complete"], true);
    assert_eq!(bodies(&hits).len(), 1);
    let two = search(&db, &["of"]).unwrap();
    assert_eq!(
        bodies(&two),
        ["New OFFERS every week", "Flash sale 50% OFF* today only"]
    );
    // The note is on standard error, the table on standard output.
    optout(&db)
        .args(["search", "分期"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "under 3 characters the index cannot help: scanned all 9 messages",
        ))
        .stdout(predicate::str::contains("95528"));
    // A LIKE wildcard in a short query is a plain character.
    assert!(
        search(&db, &["%"]).unwrap()["messages"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );
    assert!(search(&db, &["_"]).is_none());
}

#[test]
fn sender_and_line_filters() {
    let (dir, db) = imported();
    let hits = search(&db, &["fresh", "--sender", "72470"]).unwrap();
    assert_eq!(
        bodies(&hits),
        ["Fresh apples and pears", "Fresh apples OR pears, your pick"]
    );
    assert!(search(&db, &["fresh", "--sender", "72469"]).is_none());
    // A short query honours the filter too.
    assert_eq!(
        bodies(&search(&db, &["ff", "--sender", "72469"]).unwrap()).len(),
        2
    );
    let other = export(
        dir.path(),
        "b.xml",
        &[("72468", T0 + 9 * DAY, "Fresh deals on line b")],
    );
    optout(&db)
        .args(["import", "--line", "b"])
        .arg(other)
        .assert()
        .success();
    assert_eq!(
        bodies(&search(&db, &["fresh", "--line", "b"]).unwrap()),
        ["Fresh deals on line b"]
    );
    assert_eq!(
        bodies(&search(&db, &["fresh", "--line", "me"]).unwrap()).len(),
        3
    );
    assert_eq!(
        bodies(&search(&db, &["fresh", "--limit", "2"]).unwrap()).len(),
        2
    );
    optout(&db)
        .args(["search", "fresh", "--sender", "10000"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "optout: error: no sender '10000'",
        ));
    optout(&db)
        .args(["search", "fresh", "--line", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no line called 'nope'"));
}

#[test]
fn the_index_follows_imports_and_line_removal() {
    let (dir, db) = imported();
    assert_eq!(indexed_rows(&db), 9);
    let second = export(
        dir.path(),
        "second.xml",
        &[
            ("95528", T0 + 10 * DAY, "【浦发银行】夏季分期节来了"),
            // Already stored: a duplicate adds nothing to the index.
            ("72468", T0 + 2 * DAY, "FreshCart: Reply STOP to cancel"),
        ],
    );
    optout(&db)
        .args(["import", "--line", "bo"])
        .arg(&second)
        .assert()
        .success();
    let mine = export(
        dir.path(),
        "mine.xml",
        &[
            ("95528", T0 + 10 * DAY, "【浦发银行】夏季分期节来了"),
            ("72468", T0 + 2 * DAY, "FreshCart: Reply STOP to cancel"),
            ("72468", T0 + 11 * DAY, "FreshCart: last call"),
        ],
    );
    optout(&db).arg("import").arg(&mine).assert().success();
    index_consistent(&db);
    assert_eq!(indexed_rows(&db), 13);
    assert_eq!(bodies(&search(&db, &["夏季分期"]).unwrap()).len(), 2);
    optout(&db)
        .args(["lines", "remove", "bo", "--yes"])
        .assert()
        .success();
    index_consistent(&db);
    assert_eq!(indexed_rows(&db), 11);
    assert_eq!(bodies(&search(&db, &["夏季分期"]).unwrap()).len(), 1);
    assert_eq!(bodies(&search(&db, &["stop to"]).unwrap()).len(), 1);
    // Relabelling changes labels, not bodies: the index stays as it is.
    optout(&db).arg("reclassify").assert().success();
    index_consistent(&db);
    assert_eq!(indexed_rows(&db), 11);
}

#[test]
fn an_import_rolled_back_leaves_no_trace_in_the_index() {
    use optout::store::{SearchQuery, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let mut store = Store::open(&db).unwrap();
    {
        let tx = store
            .begin_import(Path::new("x.xml"), "android_xml", "me")
            .unwrap();
        let mut w = tx.writer().unwrap();
        w.store(&bank_message("【浦发银行】回滚的消息", 0)).unwrap();
        let q = SearchQuery {
            text: "回滚的",
            sender_ids: &[],
            line: None,
            limit: 10,
            offset: 0,
        };
        // Dropped without a commit: gone from the messages and the index.
        drop(w);
        drop(tx);
        assert!(store.search(&q).unwrap().messages.is_empty());
    }
    drop(store);
    index_consistent(&db);
    assert_eq!(indexed_rows(&db), 0);
}

/// One message of sender 95528 for the store-level tests: `n` makes its
/// body, time and dedupe key its own.
fn bank_message(body: &str, n: i64) -> optout::store::NewMessage<'_> {
    optout::store::NewMessage {
        sender_key: "95528",
        sender_class: "service",
        dlt_suffix: None,
        address: "95528",
        direction: optout::model::Direction::Incoming,
        ts_ms: T0 + n * 60_000,
        utc_offset_s: None,
        body,
        channel: "sms",
        contact_name: None,
        hint: None,
        dedupe: n,
        kind: "marketing",
        rule_id: None,
        reason: None,
        brand: None,
        brand_from_prefix: false,
        optout_keyword: None,
        optout_target: None,
    }
}

/// An import's merge adds its messages to the index a chunk at a time,
/// reporting each chunk, and the commit adds what was written after: every
/// message is in the index once (`integrity-check` fails on a message
/// indexed twice or not at all), and each is found.
#[test]
fn an_import_indexed_a_chunk_at_a_time_holds_every_message_once() {
    use optout::store::{ImportSummary, SearchQuery, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let bodies: Vec<String> = (0..12)
        .map(|n| format!("【浦发银行】第{n:02}号分块消息"))
        .collect();
    let mut reports = Vec::new();
    {
        let mut tx = store
            .begin_import(Path::new("chunks.xml"), "android_xml", "me")
            .unwrap();
        let mut w = tx.writer().unwrap();
        for (n, body) in (0..).zip(&bodies[..10]) {
            w.store(&bank_message(body, n)).unwrap();
        }
        drop(w);
        tx.index_for_search(3, |done, total| {
            reports.push((done, total));
            true
        })
        .unwrap();
        let mut w = tx.writer().unwrap();
        for (n, body) in (10..).zip(&bodies[10..]) {
            w.store(&bank_message(body, n)).unwrap();
        }
        drop(w);
        tx.commit(&ImportSummary {
            sha256: "00",
            size: 1,
            new: 12,
            duplicates: 0,
            skipped: 0,
            rejected: 0,
            source_zone: None,
            rules_version: "test",
        })
        .unwrap();
    }
    assert_eq!(reports, [(0, 10), (3, 10), (6, 10), (9, 10), (10, 10)]);
    for (n, body) in bodies.iter().enumerate() {
        let own = body.split_once('】').unwrap().1;
        let q = SearchQuery {
            text: own,
            sender_ids: &[],
            line: None,
            limit: 10,
            offset: 0,
        };
        let found = store.search(&q).unwrap().messages;
        assert_eq!(found.len(), 1, "message {n} ({own}) found once");
        assert_eq!(&found[0].body, body);
    }
    drop(store);
    index_consistent(&db);
    assert_eq!(indexed_rows(&db), 12);
}

#[test]
fn an_old_database_gets_its_index_built_on_open() {
    // A database written before the index existed (schema 3, the demo).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    std::fs::copy(fixture("db/v3-demo.sqlite3"), &db).unwrap();
    let hits = search(&db, &["回TD退订"]).expect("old messages are searchable");
    assert!(!bodies(&hits).is_empty());
    assert!(
        bodies(&hits)
            .iter()
            .all(|b| b.to_lowercase().contains("回td退订"))
    );
    index_consistent(&db);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let messages: i64 = conn
        .query_row(
            "SELECT count(*) FROM messages WHERE length(body) >= 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(messages > 0);
    assert_eq!(indexed_rows(&db), messages);
}

#[test]
fn a_database_one_migration_short_of_search_is_backfilled() {
    use optout::store::{MIGRATIONS, Store};
    let at = MIGRATIONS
        .iter()
        .position(|m| m.contains("USING fts5"))
        .expect("the search migration");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    optout(&db)
        .arg("import")
        .arg(root().join("assets/demo-sms.xml"))
        .assert()
        .success();
    // Take the database back to the schema just before the search
    // migration: no index, no triggers, and nothing of the migrations
    // after it (the findings cache's tables and triggers, migration 7; the
    // index on imports.sha256, migration 8; migration 9's index by line and
    // sender, and back the index by sender that migration 11 dropped).
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TRIGGER messages_fts_delete;
             DROP TRIGGER messages_fts_update; DROP TABLE messages_fts;
             DROP INDEX imports_sha256; DROP INDEX messages_line_sender_ts;
             CREATE INDEX messages_sender_ts ON messages(sender_id, ts_ms);",
        )
        .unwrap();
        let later: Vec<(String, String)> = conn
            .prepare("SELECT type, name FROM sqlite_master WHERE name LIKE 'findings%' AND type IN ('trigger', 'table')")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (kind, name) in later {
            conn.execute_batch(&format!("DROP {} \"{name}\";", kind.to_uppercase()))
                .unwrap();
        }
        conn.pragma_update(None, "user_version", at as i64).unwrap();
    }
    // The guard: what is left is exactly the schema of the migrations
    // before search (a later migration's objects would fail it), with no
    // index for the search to find anything in.
    {
        let fresh = rusqlite::Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..at] {
            fresh.execute_batch(sql).unwrap();
        }
        let conn = rusqlite::Connection::open(&db).unwrap();
        assert_eq!(
            schema(&conn),
            schema(&fresh),
            "the schema just before search"
        );
        assert!(
            !schema(&conn)
                .iter()
                .any(|(_, name, _)| name.contains("fts"))
        );
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
    drop(store);
    index_consistent(&db);
    // Every message long enough to have a trigram is in the index (the
    // demo's 292, less 13 replies too short), found by its own trigrams.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let long: i64 = conn
        .query_row(
            "SELECT count(*) FROM messages WHERE length(body) >= 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(long, 279);
    assert_eq!(indexed_rows(&db), long);
    // And searches through it find what a scan of every body finds.
    for text in ["退订回N", "回TD退订", "验证码"] {
        let hits = search(&db, &["--limit", "1000", text]).expect(text);
        assert_eq!(ids(&hits), like_scan(&conn, text), "{text}");
    }
}

/// (type, name, SQL) of every table, index, trigger and view.
fn schema(conn: &rusqlite::Connection) -> Vec<(String, String, Option<String>)> {
    conn.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn ids(v: &Value) -> Vec<i64> {
    v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

/// The ids of every message containing `text` (ASCII case-blind, as the
/// search is), newest first: the search's answer, by brute force in Rust.
fn like_scan(conn: &rusqlite::Connection, text: &str) -> Vec<i64> {
    let mut rows: Vec<(i64, i64, String)> = conn
        .prepare("SELECT id, ts_ms, body FROM messages")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let text = text.to_ascii_lowercase();
    rows.retain(|(_, _, body)| body.to_ascii_lowercase().contains(&text));
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    rows.into_iter().map(|r| r.0).collect()
}

#[test]
fn common_and_rare_texts_come_newest_first_whatever_the_import_order() {
    use optout::store::{SearchQuery, Store};
    // 3,000 messages whose times do not follow their ids (imported from
    // two files, the newer first, each shuffled): a text in half of them
    // (the newest-first walk of the time index) and one in three old ones
    // (the walk gives up, every candidate is read), pages included.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let mut rng = 0x5eed_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let bodies: Vec<String> = (0..3000)
        .map(|i| match i {
            5..=7 => format!("Rare parcel note {i}"),
            _ if i % 2 == 0 => format!("Common SALE offer {i}"),
            _ => format!("hello there {i}"),
        })
        .collect();
    let mut order: Vec<usize> = (0..3000).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    let (old, new): (Vec<usize>, Vec<usize>) = order.iter().partition(|&&i| i < 1500);
    for (name, part) in [("new.xml", &new), ("old.xml", &old)] {
        // Four messages to a minute: ties go by id.
        let rows: Vec<(&str, i64, &str)> = part
            .iter()
            .map(|&i| ("10655", T0 + (i as i64 / 4) * 60_000, bodies[i].as_str()))
            .collect();
        let file = export(dir.path(), name, &rows);
        optout(&db).arg("import").arg(file).assert().success();
    }
    let store = Store::open(&db).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (text, limit, offset) in [
        ("sale offer", 10, 0),
        ("sale offer", 25, 40),
        ("sale offer", 5000, 0),
        ("rare parcel", 10, 0),
        ("rare parcel", 2, 1),
        ("no such text", 10, 0),
    ] {
        let hits = store
            .search(&SearchQuery {
                text,
                sender_ids: &[],
                line: None,
                limit,
                offset,
            })
            .unwrap();
        let got: Vec<i64> = hits.messages.iter().map(|m| m.id).collect();
        let want: Vec<i64> = like_scan(&conn, text)
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect();
        assert_eq!(got, want, "{text} limit {limit} offset {offset}");
        assert!(
            hits.messages
                .iter()
                .all(|m| m.body.to_lowercase().contains(text))
        );
    }
}

#[test]
fn json_shape_and_table_text_are_safe() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let file = export(
        dir.path(),
        "t.xml",
        &[("95528", T0, "【浦发银行】控制\u{1b}[31m字符\u{7}测试")],
    );
    optout(&db).arg("import").arg(file).assert().success();
    let hits = search(&db, &["浦发银行"]).unwrap();
    let keys: Vec<&str> = hits
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["query", "mode", "complete", "messages"]);
    assert_eq!(hits["query"], "浦发银行");
    let m = &hits["messages"][0];
    let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "sender",
            "address",
            "direction",
            "at",
            "kind",
            "brand",
            "body"
        ]
    );
    assert_eq!(m["direction"], "in");
    assert_eq!(m["at"], "2026-02-25T14:13:20+08:00");
    assert_eq!(m["body"], "【浦发银行】控制\u{1b}[31m字符\u{7}测试");
    // The table never passes an escape sequence to the terminal.
    let out = optout(&db).args(["search", "浦发银行"]).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table}"
    );
    assert!(table.contains("控制␛[31m字符␇测试"), "{table}");
    assert!(table.starts_with("DATE"), "{table}");
}

mod tui {
    //! `/` in the interface: the same index, the short-query note, and a
    //! timeline opened from a search that starts on the match even when it
    //! is far outside the window loaded first.

    use std::collections::VecDeque;
    use std::path::Path;

    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use jiff::tz::TimeZone;
    use optout::classify::{Classifier, Region};
    use optout::import::{Format, ImportOptions};
    use optout::store::Store;
    use optout::track::Policy;
    use optout::tui::app::TIMELINE_WINDOW;
    use optout::tui::strings::Lang;
    use optout::tui::{Options, Session};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn zone() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    fn store_of(path: &Path) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let options = ImportOptions {
            zone: zone(),
            ..ImportOptions::default()
        };
        optout::ingest::import_file(
            &mut store,
            path,
            Format::AndroidXml,
            &options,
            &Classifier::builtin(),
            &Region::default(),
            &(),
        )
        .unwrap();
        store
    }

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn run(store: Store, events: Vec<Event>) -> (Session, Terminal<TestBackend>) {
        let options = Options {
            lang: Lang::En,
            zone: zone(),
            policy: Policy {
                zone: zone(),
                ..Policy::default()
            },
            region: Region::default(),
            db_path: None,
            colour: false,
            now_ms: Some(super::T0 + 1000 * super::DAY),
            demo: false,
            export_dir: None,
            line: None,
            rules: optout::classify::Classifier::builtin(),
            rules_warning: None,
        };
        let mut session = Session::new(Some(store), options);
        let mut terminal = Terminal::new(TestBackend::new(110, 30)).unwrap();
        let mut events: VecDeque<Event> = events.into();
        session.run(&mut terminal, &mut events).unwrap();
        terminal.clear().unwrap();
        terminal
            .draw(|f| optout::tui::views::draw(f, &session.app, &mut session.ui))
            .unwrap();
        (session, terminal)
    }

    fn screen(t: &Terminal<TestBackend>) -> String {
        let buf = t.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    /// `/query`, Enter, then `a` (every sender) and Enter on the first row.
    fn search_then_open(query: &str) -> Vec<Event> {
        let mut events = vec![key(KeyCode::Char('/'))];
        events.extend(query.chars().map(|c| key(KeyCode::Char(c))));
        events.push(key(KeyCode::Enter));
        events.push(key(KeyCode::Enter));
        events
    }

    #[test]
    fn a_timeline_opened_from_a_search_starts_on_the_match_beyond_the_window() {
        let dir = tempfile::tempdir().unwrap();
        // 500 promotions from one sender; number 37, far before the last
        // window, is the only one with the phrase.
        let bodies: Vec<String> = (0..500)
            .map(|i| {
                if i == 37 {
                    format!("【星幕影城】第{i}条：会员日半价观影，回T退订")
                } else {
                    format!("【星幕影城】第{i}条：新片上映，回T退订")
                }
            })
            .collect();
        let messages: Vec<(&str, i64, &str)> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| ("10690201977", super::T0 + i as i64 * 3_600_000, b.as_str()))
            .collect();
        let path = super::export(dir.path(), "long.xml", &messages);
        let (session, t) = run(store_of(&path), search_then_open("会员日半价"));
        let tl = session.app.timeline.as_ref().expect("the timeline is open");
        assert_eq!(tl.total, Some(500));
        assert_eq!(tl.cursor, 37, "on the match, not on the last message");
        assert!(tl.start <= 37 && 37 < tl.start + tl.messages.len() as u64);
        // The match is outside the window a timeline opens on.
        assert!(!(500 - TIMELINE_WINDOW..500).contains(&37));
        let m = tl.current().unwrap();
        assert!(m.body.contains("会员日半价"), "{}", m.body);
        assert_eq!(tl.found, Some(m.id));
        let shown = screen(&t);
        assert!(shown.contains("⌕ matches the search"), "{shown}");
        assert!(shown.contains("38/500"), "{shown}");
    }

    #[test]
    fn a_short_search_in_the_interface_says_it_scanned() {
        let dir = tempfile::tempdir().unwrap();
        let path = super::sample(dir.path());
        let mut events = vec![key(KeyCode::Char('/'))];
        events.extend("分期".chars().map(|c| key(KeyCode::Char(c))));
        events.push(key(KeyCode::Enter));
        let (session, _) = run(store_of(&path), events);
        let status = session.app.status.as_ref().unwrap().text.clone();
        assert_eq!(
            status,
            "search “分期”: 1 sender (1 by message text) · under 3 characters: searched without the index"
        );
        let mut events = vec![key(KeyCode::Char('/'))];
        events.extend("分期手续".chars().map(|c| key(KeyCode::Char(c))));
        events.push(key(KeyCode::Enter));
        let (session, _) = run(store_of(&path), events);
        let status = session.app.status.as_ref().unwrap().text.clone();
        assert_eq!(status, "search “分期手续”: 1 sender (1 by message text)");
    }
}

#[test]
fn the_search_index_merges_sixteen_segments_at_a_time() {
    // Migration 12: fewer merges while an import holds the write lock.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    drop(optout::store::Store::open(&db).unwrap());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let automerge: i64 = conn
        .query_row(
            "SELECT v FROM messages_fts_config WHERE k = 'automerge'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(automerge, 16);
}
