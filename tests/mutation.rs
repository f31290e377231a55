//! A `cargo fuzz`-free mutation test (issue #16): a seeded loop mutates
//! each format's fixture (flip, overwrite with a special byte, insert,
//! delete, duplicate a span, truncate) and imports every case in-process.
//! Every case must either import or be refused whole: no panic, a one-line
//! error, and on refusal the store exactly as it was. The seed is fixed, so
//! a failure names a case that can be replayed.

mod common;

use std::fs;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use common::fixture;
use optout::classify::{Classifier, Region};
use optout::import::{ImportOptions, detect_with};
use optout::store::Store;

/// Cases per fixture: about 2,500 in all.
const CASES: u32 = 280;

use common::rng::Rng;

/// Bytes that change meaning in one format or another.
const SPECIAL: &[u8] = b"<>&;\"',\n\r\t{}[]:\\\x00\xff\xef\xbb\xbf-~0123456789";

fn mutate(original: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut data = original.to_vec();
    for _ in 0..=rng.below(4) {
        let len = data.len();
        let at = rng.below(len);
        match rng.below(6) {
            0 => {
                if let Some(b) = data.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 => {
                if let Some(b) = data.get_mut(at) {
                    *b = SPECIAL[rng.below(SPECIAL.len())];
                }
            }
            2 => data.insert(at, SPECIAL[rng.below(SPECIAL.len())]),
            3 => {
                let end = (at + 1 + rng.below(16)).min(len);
                data.drain(at..end);
            }
            4 => {
                let end = (at + 1 + rng.below(64)).min(len);
                let span = data[at..end].to_vec();
                let to = rng.below(data.len());
                data.splice(to..to, span);
            }
            _ => data.truncate(at),
        }
    }
    data
}

/// A `SQLite` database built from a fixture's SQL.
fn database(dir: &Path, sql: &str, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&fs::read_to_string(fixture(sql)).unwrap())
        .unwrap();
    drop(conn);
    fs::read(&path).unwrap()
}

/// The SMS Import/Export fixture as the app writes it: zipped.
fn zipped(dir: &Path) -> Vec<u8> {
    let path = dir.join("messages.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    zip.start_file(
        "messages.ndjson",
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    )
    .unwrap();
    zip.write_all(&fs::read(fixture("sms-ie/messages.ndjson")).unwrap())
        .unwrap();
    zip.finish().unwrap();
    fs::read(&path).unwrap()
}

fn count(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn mutated_fixtures_import_or_are_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        (
            "android.xml",
            fs::read(fixture("android/cases.xml")).unwrap(),
        ),
        (
            "messages.ndjson",
            fs::read(fixture("sms-ie/messages.ndjson")).unwrap(),
        ),
        ("sms-ie.zip", zipped(dir.path())),
        (
            "messages.json",
            fs::read(fixture("json/messages.json")).unwrap(),
        ),
        (
            "termux.json",
            fs::read(fixture("termux/sms-list.json")).unwrap(),
        ),
        ("gen-sms.csv", fs::read(fixture("csv/gen-sms.csv")).unwrap()),
        ("chinese.csv", fs::read(fixture("csv/chinese.csv")).unwrap()),
        (
            "sms.db",
            database(dir.path(), "ios-db/ios16.sql", "seed-sms.db"),
        ),
        (
            "mmssms.db",
            database(dir.path(), "android-db/mmssms.sql", "seed-mmssms.db"),
        ),
    ];
    let classifier = Classifier::builtin();
    let region = Region::default();
    let options = ImportOptions::default();
    let mut store = Store::open_in_memory().unwrap();
    let mut rng = Rng(0x0070_7470_7574_2016);
    let (mut imported, mut refused) = (0u32, 0u32);
    for (name, original) in &seeds {
        for case in 0..CASES {
            let data = mutate(original, &mut rng);
            let path: PathBuf = dir.path().join(format!("case-{case}-{name}"));
            fs::write(&path, &data).unwrap();
            let before = count(&store);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let format = detect_with(&path, &options).map_err(|e| e.to_string())?;
                optout::ingest::import_file(
                    &mut store,
                    &path,
                    format,
                    &options,
                    &classifier,
                    &region,
                    &(),
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            }));
            let replay = format!("{name} case {case} ({} bytes)", data.len());
            let Ok(outcome) = outcome else {
                panic!("{replay}: panicked");
            };
            match outcome {
                Ok(()) => imported += 1,
                Err(message) => {
                    refused += 1;
                    assert!(!message.contains('\n'), "{replay}: {message}");
                    assert!(!message.contains("panicked"), "{replay}: {message}");
                    assert!(
                        message.contains(&format!("case-{case}-{name}"))
                            || message.starts_with("database"),
                        "{replay}: the error names the file: {message}"
                    );
                    assert_eq!(
                        count(&store),
                        before,
                        "{replay}: refused but stored messages"
                    );
                }
            }
            let _ = fs::remove_file(&path);
        }
    }
    eprintln!("{imported} mutated files imported, {refused} refused whole");
    assert!(imported > 0 && refused > 0, "{imported} / {refused}");
}
