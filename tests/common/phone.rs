//! Stub phone-link programs for the send tests (issue 15): executables
//! named kdeconnect-cli, termux-sms-send, osascript or adb, put first on
//! PATH, that record their argv and stdin and exit as told; and a look at
//! the database's rows.

use std::path::{Path, PathBuf};

/// The stub: appends its name and argv (each NUL-terminated, the call
/// ended by an RS byte) to `$STUB_DIR/calls`, its stdin to
/// `$STUB_DIR/stdin-NAME`; prints `$STUB_DIR/devices` for
/// `--list-available`; fails with status 3 on the call numbered in
/// `$STUB_DIR/fail-at-NAME`, and always when `$STUB_DIR/fail-NAME` exists
/// (printing its content to stderr); hangs when `$STUB_DIR/hang-NAME` does.
/// Without `$STUB_DIR` it records beside itself.
pub const STUB: &str = r#"#!/bin/sh
STUB_DIR=${STUB_DIR:-$(dirname "$0")}
name=$(basename "$0")
printf '%s\0' "$name" "$@" >> "$STUB_DIR/calls"
printf '\036\0' >> "$STUB_DIR/calls"
cat >> "$STUB_DIR/stdin-$name"
if [ "$1" = "--list-available" ]; then
  cat "$STUB_DIR/devices" 2>/dev/null
  exit 0
fi
n=$(cat "$STUB_DIR/count-$name" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$STUB_DIR/count-$name"
if [ -f "$STUB_DIR/hang-$name" ]; then
  exec sleep 30
fi
if [ -f "$STUB_DIR/fail-$name" ]; then
  cat "$STUB_DIR/fail-$name" >&2
  exit 1
fi
if [ -f "$STUB_DIR/fail-at-$name" ] && [ "$(cat "$STUB_DIR/fail-at-$name")" = "$n" ]; then
  echo "stub: the phone refused" >&2
  exit 3
fi
exit 0
"#;

/// A folder of stub programs, which is also where they record.
pub struct Stubs {
    pub dir: PathBuf,
}

impl Stubs {
    /// Stubs for `programs` (only those) in `dir`, created.
    pub fn new(dir: PathBuf, programs: &[&str]) -> Stubs {
        std::fs::create_dir_all(&dir).unwrap();
        for p in programs {
            let path = dir.join(p);
            std::fs::write(&path, STUB).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        Stubs { dir }
    }

    /// A PATH with the stubs first, then the system's programs only.
    pub fn path(&self) -> String {
        format!("{}:/usr/bin:/bin", self.dir.display())
    }

    /// Writes one of the files that steer the stubs (`devices`, `fail-at-NAME`…).
    pub fn set(&self, file: &str, content: &str) {
        std::fs::write(self.dir.join(file), content).unwrap();
    }

    /// Every call recorded: the program's name, then its arguments.
    pub fn calls(&self) -> Vec<Vec<String>> {
        let Ok(bytes) = std::fs::read(self.dir.join("calls")) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut call = Vec::new();
        for field in bytes.split(|b| *b == 0).filter(|f| !f.is_empty()) {
            if field == b"\x1e" {
                out.push(std::mem::take(&mut call));
            } else {
                call.push(String::from_utf8(field.to_vec()).unwrap());
            }
        }
        out
    }

    /// The calls that sent something (not device listings).
    pub fn sends(&self) -> Vec<Vec<String>> {
        self.calls()
            .into_iter()
            .filter(|c| c.get(1).is_none_or(|a| a != "--list-available"))
            .collect()
    }
}

/// The rows `sql` selects from the database at `db`, every value as text
/// (`NULL` for null).
pub fn query(db: &Path, sql: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| match r.get::<_, rusqlite::types::Value>(i).unwrap() {
                rusqlite::types::Value::Null => "NULL".to_string(),
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                v => format!("{v:?}"),
            })
            .collect())
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

pub fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

/// `kdeconnect-cli --device DEVICE --destination TO --send-sms TEXT`, as recorded.
pub fn kdeconnect_send(device: &str, to: &str, text: &str) -> Vec<String> {
    strs(&[
        "kdeconnect-cli",
        "--device",
        device,
        "--destination",
        to,
        "--send-sms",
        text,
    ])
}

/// The plan of `send/phone.xml` (106900008001 ignored), in the order of
/// the findings (last seen first): (keyword, target).
pub const PLANNED: [(&str, &str); 4] = [
    ("STOP", "38294"),
    ("N", "106900003001"),
    ("退订", "106900002001"),
    ("T", "10659000100188"),
];
