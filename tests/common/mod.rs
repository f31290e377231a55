//! Helpers shared by the integration tests: temp databases, the binary, and
//! a dump of a database's contents to compare before and after.
#![allow(dead_code)]

use std::fmt::Write;

pub mod phone;
pub mod rng;
pub mod tui;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Imports the SMS Backup & Restore export `file` onto `line` the way the
/// CLI does by default (no options, the default region, no progress).
pub fn import_xml(
    store: &mut optout::store::Store,
    line: &str,
    file: &Path,
    classifier: &optout::classify::Classifier,
) {
    optout::ingest::import_file_to_line(
        store,
        line,
        file,
        optout::import::Format::AndroidXml,
        &optout::import::ImportOptions::default(),
        classifier,
        &optout::classify::Region::default(),
        &(),
    )
    .unwrap();
}

/// The crate root, for fixtures.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// Where the shared corpora are: `$OPTOUT_SHARED_DATA` when it is set,
/// else `../shared/data` beside the crate. Every test that reads them finds
/// them here.
pub fn shared_data_root() -> PathBuf {
    std::env::var_os("OPTOUT_SHARED_DATA")
        .filter(|v| !v.is_empty())
        .map_or_else(|| root().join("../shared/data"), PathBuf::from)
}

/// `<shared data>/<rel>`, or `None` after saying so (see [`skipped`]) when it
/// is absent, so the test returns early and checks nothing.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let base = shared_data_root();
    let p = if rel == "." { base } else { base.join(rel) };
    if p.exists() {
        Some(p)
    } else {
        skipped(&p);
        None
    }
}

/// Prints `skipped: <test> (no <path>; set OPTOUT_SHARED_DATA)` where plain
/// `cargo test` shows it. libtest captures what a passing test prints with
/// `print!`/`eprint!` (it is shown only for failures or with `--nocapture`),
/// but not what is written to the `io::stderr()` handle itself, so a test
/// that passed without checking anything cannot pass for one that did.
pub fn skipped(missing: &Path) {
    use std::io::Write as _;
    let current = std::thread::current();
    let test = current.name().filter(|n| *n != "main").unwrap_or("a test");
    let line = format!(
        "skipped: {test} (no {}; set OPTOUT_SHARED_DATA)\n",
        missing.display()
    );
    // One write, so lines from tests running in parallel do not interleave.
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// The optout binary with a private database in `dir` and a fixed zone.
pub fn optout(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("optout").expect("binary");
    cmd.env("OPTOUT_DB", db)
        .env("OPTOUT_TZ", "Asia/Shanghai")
        .env_remove("OPTOUT_REGION")
        .env("NO_COLOR", "1")
        .env("HOME", db.parent().unwrap_or(Path::new("/nonexistent")));
    cmd
}

/// Runs `cmd` and asserts it succeeded, showing its standard error if not.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every row of every table (but the search index), as text: equal dumps
/// mean equal databases.
pub fn dump(db: &Path) -> String {
    if !db.exists() {
        return "<no database>".into();
    }
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut out = String::new();
    let tables: Vec<String> = conn
        // The findings cache (migration 7) is derived from the rest and
        // rebuilt at will: a dump compares the data, not when it was cached.
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'findings%'
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in tables {
        // The search index is derived from `messages`; its pages hold the
        // same terms in a different layout after an add and a remove
        // (tests/search.rs checks it against the messages instead).
        if t.starts_with("messages_fts") {
            continue;
        }
        let _ = writeln!(out, "## {t}");
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = row.get(i).unwrap();
                let _ = write!(out, "{v:?}|");
            }
            out.push('\n');
        }
    }
    out
}
