//! Import throughput: optout's full import against a bare quick-xml +
//! rusqlite baseline that does only parse + insert with a UNIQUE dedupe index.
//!
//! `cargo bench --bench import` generates a 100k-message export with
//! `../shared/tools/gen_sms.py` (or uses `OPTOUT_BENCH_FILE`), runs each
//! contender three times and prints the median messages/second and the ratio.
//! `cargo bench --bench import -- MODE FILE` runs one contender once
//! (`baseline`, `optout`, `reimport`), for `scripts/bench.sh` to measure peak
//! RSS with `/usr/bin/time -v`.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use optout::classify::{Classifier, Region};
use optout::import::android_xml::unescape;
use optout::import::{Format, ImportOptions};
use optout::store::Store;
use quick_xml::Reader;
use quick_xml::events::Event;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

/// The baseline: stream `<sms>` elements, unescape four attributes, insert
/// with `INSERT OR IGNORE` under UNIQUE(address, date, type, body hash), one
/// transaction, prepared statement, WAL. Returns messages inserted or ignored.
fn baseline(file: &Path, db: &Path) -> u64 {
    let conn = Connection::open(db).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS sms(address TEXT, date INTEGER, type INTEGER, body TEXT, body_hash BLOB);
         CREATE UNIQUE INDEX IF NOT EXISTS sms_dedupe ON sms(address, date, type, body_hash);",
    )
    .unwrap();
    let mut conn = conn;
    let tx = conn.transaction().unwrap();
    let mut n = 0u64;
    {
        let mut insert = tx
            .prepare("INSERT OR IGNORE INTO sms VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        let f = std::fs::File::open(file).unwrap();
        let mut xml = Reader::from_reader(BufReader::with_capacity(256 * 1024, f));
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).unwrap() {
                Event::Start(e) | Event::Empty(e)
                    if matches!(e.name().as_ref(), b"sms" | b"mms") =>
                {
                    let (mut address, mut date, mut kind, mut body) =
                        (String::new(), 0i64, 0i64, String::new());
                    let mut attrs = e.attributes();
                    attrs.with_checks(false);
                    for a in attrs {
                        let a = a.unwrap();
                        match a.key.as_ref() {
                            b"address" => address = unescape(&a.value),
                            b"date" => date = unescape(&a.value).parse().unwrap_or(0),
                            b"type" | b"msg_box" => kind = unescape(&a.value).parse().unwrap_or(0),
                            b"body" => body = unescape(&a.value),
                            _ => {}
                        }
                    }
                    let hash = Sha256::digest(body.as_bytes());
                    insert
                        .execute(params![address, date, kind, body, hash.as_slice()])
                        .unwrap();
                    n += 1;
                }
                Event::Eof => break,
                _ => {}
            }
        }
    }
    tx.commit().unwrap();
    n
}

fn optout_import(file: &Path, db: &Path) -> u64 {
    let mut store = Store::open(db).unwrap();
    let classifier = Classifier::builtin();
    optout::ingest::ensure_classified(&mut store, &classifier).unwrap();
    let report = optout::ingest::import_file(
        &mut store,
        file,
        Format::AndroidXml,
        &ImportOptions::default(),
        &classifier,
        &Region::default(),
        &(),
    )
    .unwrap();
    report.new + report.duplicates + report.skipped_undelivered
}

fn fresh_db(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    p
}

fn timed(f: impl FnOnce() -> u64) -> (u64, f64) {
    let t = Instant::now();
    let n = f();
    (n, t.elapsed().as_secs_f64())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn generated_file() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("OPTOUT_BENCH_FILE") {
        return Some(PathBuf::from(p));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let gen_script = root.join("../shared/tools/gen_sms.py");
    let out = root.join("target/bench-data/gen-100k.xml");
    if out.exists() {
        return Some(out);
    }
    if !gen_script.exists() {
        eprintln!(
            "skipping: {} is absent and OPTOUT_BENCH_FILE is not set",
            gen_script.display()
        );
        return None;
    }
    std::fs::create_dir_all(out.parent()?).ok()?;
    let ok = Command::new("python3")
        .arg(&gen_script)
        .args(["--messages", "100000", "--seed", "7", "--out"])
        .arg(&out)
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(out)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let dir = tempfile::tempdir().unwrap();
    if let [mode, file] = args.as_slice() {
        let file = Path::new(file);
        let (n, secs) = match mode.as_str() {
            "baseline" => timed(|| baseline(file, &fresh_db(dir.path(), "b.sqlite3"))),
            "optout" => timed(|| optout_import(file, &fresh_db(dir.path(), "o.sqlite3"))),
            "reimport" => {
                let db = fresh_db(dir.path(), "r.sqlite3");
                optout_import(file, &db);
                timed(|| optout_import(file, &db))
            }
            other => panic!("unknown mode {other}: baseline, optout or reimport"),
        };
        println!(
            "{mode}: {n} messages in {secs:.2} s = {:.0} messages/s",
            n as f64 / secs
        );
        return;
    }
    let Some(file) = generated_file() else { return };
    let size = std::fs::metadata(&file).map_or(0, |m| m.len());
    println!("input: {} ({:.1} MB)", file.display(), size as f64 / 1e6);
    let mut results = Vec::new();
    for (name, run) in [
        ("baseline (quick-xml + rusqlite, UNIQUE index)", 0),
        (
            "optout import (parse, normalise, classify, dedupe, store)",
            1,
        ),
        ("optout re-import (all already stored)", 2),
    ] {
        let mut rates = Vec::new();
        let mut count = 0;
        for i in 0..3 {
            let db = fresh_db(dir.path(), &format!("{run}-{i}.sqlite3"));
            let (n, secs) = match run {
                0 => timed(|| baseline(&file, &db)),
                1 => timed(|| optout_import(&file, &db)),
                _ => {
                    optout_import(&file, &db);
                    timed(|| optout_import(&file, &db))
                }
            };
            count = n;
            rates.push(n as f64 / secs);
        }
        let m = median(rates);
        println!("{name}: {count} messages, median {m:.0} messages/s");
        results.push(m);
    }
    println!(
        "ratio optout/baseline: {:.2}x; re-import/baseline: {:.2}x",
        results[1] / results[0],
        results[2] / results[0]
    );
}
