//! Helpers shared by the integration tests: temp databases, the binary, and
//! a dump of a database's contents to compare before and after.
#![allow(dead_code)]

use std::fmt::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The crate root, for fixtures.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// `../shared/data/<rel>`, or `None` (with a message) when the shared data
/// is not there, so tests that need it skip cleanly.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
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

/// Every row of every table, as text: equal dumps mean equal databases.
pub fn dump(db: &Path) -> String {
    if !db.exists() {
        return "<no database>".into();
    }
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut out = String::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in tables {
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
